/* Intact-skin permeability from molecular size and lipophilicity: a brick-and-mortar stratum
 * corneum (intercellular lipid route and a polar transcellular route through hydrated
 * corneocytes) in series with viable epidermis and dermis, from an aqueous donor at 32 °C.
 * Every coefficient is relative to water (partition K_i/w), so layer resistances h/(K·D) add. */
#ifndef MN_DELIVERY_PERMEABILITY_H
#define MN_DELIVERY_PERMEABILITY_H

#include "mnsim/status.h"

typedef enum mn_membrane {
    MN_MEMBRANE_EPIDERMIS = 0,     /* SC + viable epidermis (heat-separated epidermis) */
    MN_MEMBRANE_FULL_THICKNESS = 1 /* SC + viable epidermis + dermis */
} mn_membrane;

/* What the model needs to know about a molecule. */
typedef struct mn_solute {
    double mw_da;
    double log_kow;                   /* NAN: not meaningful (polymer): lipid route closed */
    double aqueous_diffusivity_cm2_s; /* <= 0: Stokes–Einstein at 305 K (permeation.md S1, S7) */
    double f_unbound;                 /* <= 0: from K_ow (permeation.md K4, base form) */
} mn_solute;

/* Per-layer transport coefficients of one solute, relative to water. */
typedef struct mn_skin_coefficients {
    double radius_angstrom;
    double k_sc_lipid_cm_s, k_sc_polar_cm_s; /* parallel SC routes for the reference SC */
    double k_sc_cm_s;                        /* their sum, times the calibration factor */
    double sc_reference_um;                  /* hydrated thickness those k refer to */
    double K_sc;                             /* whole-SC partition (S5) */
    double K_ve, D_ve_um2_s;                 /* viable epidermis (K1–K3) */
    double K_de, D_de_um2_s;                 /* dermis (same Kasting relations) */
    double D_water_um2_s;                    /* free solution at 305 K: open channels, donor */
} mn_skin_coefficients;

/* Result of mnsim permeability. Shares are fractions of the total resistance 1/kp carried by
 * each route (lipid and polar split the SC resistance by their share of the SC flux). */
typedef struct mn_permeability {
    double kp_cm_h, lag_time_h;
    double share_lipid, share_polar, share_viable;
    double kp_potts_guy_cm_h; /* permeation.md P1, for comparison */
    double kp_uncalibrated_cm_h;
} mn_permeability;

/* Reference geometry (SurreyDPK caffeine example, permeation.md §2): 16 corneocyte layers,
 * viable epidermis 100 µm, dermis 1200 µm. */
#define MN_PERM_REF_SC_LAYERS 16
#define MN_PERM_REF_VE_UM     100.0
#define MN_PERM_REF_DERMIS_UM 1200.0

/* Coefficients for a solute; sc_layers = corneocyte layers of the SC (> 0). */
mn_status mn_permeability_coefficients(const mn_solute *s, int sc_layers,
                                       mn_skin_coefficients *out);

/* Steady-state kp and lag time of a membrane with the given viable thicknesses (µm). */
mn_status mn_permeability_compute(const mn_solute *s, int sc_layers, double ve_um, double dermis_um,
                                  mn_membrane membrane, mn_permeability *out);

/* Potts–Guy regression, permeation.md P1: log kp [cm/h] = -2.7 + 0.71 log Kow - 0.0061 MW. */
double mn_potts_guy_kp_cm_h(double mw_da, double log_kow);

/* Corneocyte layers of an SC of the given (dry, histological) thickness. */
int mn_permeability_sc_layers(double sc_um);

#endif
