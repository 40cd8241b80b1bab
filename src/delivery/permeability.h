/* Intact-skin permeability from molecular size and lipophilicity: a brick-and-mortar stratum
 * corneum (intercellular lipid route and a polar transcellular route through hydrated
 * corneocytes) in series with viable epidermis and dermis, from an aqueous donor at 32 °C.
 * Every coefficient is relative to water (partition K_i/w), so layer resistances h/(K·D) add. */
#ifndef MN_DELIVERY_PERMEABILITY_H
#define MN_DELIVERY_PERMEABILITY_H

#include <stddef.h>

#include "mnsim/status.h"
#include "model/model.h" /* mn_acid_base */

typedef enum mn_membrane {
    MN_MEMBRANE_EPIDERMIS = 0,      /* SC + viable epidermis (heat-separated epidermis) */
    MN_MEMBRANE_FULL_THICKNESS = 1, /* SC + viable epidermis + dermis */
    /* SC + the viable-tissue resistance fitted to the human kp training set (the membranes
     * those measurements used behave like this much viable tissue; perm_fit.c) */
    MN_MEMBRANE_TRAINING = 2
} mn_membrane;

/* What the model needs to know about a molecule. */
typedef struct mn_solute {
    double mw_da;
    double log_kow;                   /* NAN: not meaningful (polymer): lipid route closed */
    double aqueous_diffusivity_cm2_s; /* <= 0: Stokes–Einstein at 305 K (permeation.md S1, S7) */
    double f_unbound;                 /* <= 0: from K_ow (permeation.md K4, base form) */
    /* Ionisation (zero-initialised = neutral): pKa, acid or base, donor pH. The SC conducts
     * the un-ionised and the ionised species in parallel, the ion with log Kow lowered by
     * MN_PERM_ION_DLOGP (permeation of ions as ion pairs through the same routes). */
    double pka;
    mn_acid_base acid_base;
    double ph;
} mn_solute;

/* log Kow(neutral) − log Kow(ion) in octanol/water at 0.15 M salt: 4.02 for an acid and 3.73 for
 * a base in Avdeef's lipophilicity profiles (Curr Top Med Chem 2001;1:277–351, figs 4.2–4.3 as
 * reproduced on pharmacologicalsciences.us: pKa vs octanol pKa), mean 3.9 (V2). */
#define MN_PERM_ION_DLOGP 3.9

/* Share of the solute un-ionised at the donor pH (1 for a neutral solute or no pH). */
double mn_permeability_unionised_fraction(const mn_solute *s);

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
    double f_unionised;                  /* at the donor pH */
    double kp_neutral_cm_h, kp_ion_cm_h; /* the two species alone (kp = f·neutral + (1−f)·ion) */
} mn_permeability;

/* The calibration of the SC routes on data/kp_human_training.csv (perm_fit.c): log10 of the
 * factors on the lipid and polar SC conductances and on the viable resistance of the training
 * membranes (relative to 100 µm of viable epidermis). Reproduced by `mnsim permeability
 * --calibrate` and checked by tests/delivery/permeability_cli.sh. */
#define MN_PERM_FIT_LOG_A_LIPID  0.62303
#define MN_PERM_FIT_LOG_A_POLAR  0.41843
#define MN_PERM_FIT_LOG_A_VIABLE 1.09094

/* The fit itself: least squares on log10 kp of n compounds (mw, log Kow, measured log kp),
 * parameters above; RMSE, leave-one-out RMSE, and the same for the two-descriptor
 * regression log kp = c0 + c1 log Kow + c2 MW refitted on the same data. */
typedef struct mn_perm_fit {
    size_t n;
    double log_a[3]; /* lipid, polar, viable */
    double rmse, loo_rmse, bias;
    double reg[3]; /* c0, c1, c2 */
    double reg_rmse, reg_loo_rmse;
} mn_perm_fit;

mn_status mn_permeability_fit(const double *mw, const double *log_kow, const double *log_kp,
                              size_t n, mn_perm_fit *out);
/* The same fit for solutes that may be ionisable (pka, acid_base and ph of each): an ionised
 * compound's measured kp is per total concentration, so its model kp is the neutral and the
 * ion in parallel at its pH, as for a product (mn_permeability_coefficients). */
mn_status mn_permeability_fit_solutes(const mn_solute *s, const double *log_kp, size_t n,
                                      mn_perm_fit *out);
/* Sets pka, acid_base and ph of a training compound measured as a salt
 * (data/kp_training_ionisation.csv, by the compound's name); leaves other solutes alone. */
mn_status mn_permeability_training_ionisation(const char *compound, mn_solute *s);

/* log10 kp of the SC-route model with factors log_a[3] on the reference membrane (16 SC
 * layers, 100 µm viable epidermis scaled by a_viable). */
mn_status mn_permeability_model_log_kp(const mn_solute *s, const double log_a[3], double *log_kp);

/* Reference geometry (SurreyDPK caffeine example, permeation.md §2): 16 corneocyte layers,
 * viable epidermis 100 µm, dermis 1200 µm. */
#define MN_PERM_REF_SC_LAYERS 16
#define MN_PERM_REF_VE_UM     100.0
#define MN_PERM_REF_DERMIS_UM 1200.0

/* Coefficients for a solute; sc_layers = corneocyte layers of the SC (> 0). */
mn_status mn_permeability_coefficients(const mn_solute *s, int sc_layers,
                                       mn_skin_coefficients *out);

/* Uncalibrated coefficients (neutral species, no route factors), for the fit. */
mn_status mn_permeability_raw_coefficients(const mn_solute *s, int sc_layers,
                                           mn_skin_coefficients *out);

/* Steady-state kp and lag time of a membrane with the given viable thicknesses (µm). */
mn_status mn_permeability_compute(const mn_solute *s, int sc_layers, double ve_um, double dermis_um,
                                  mn_membrane membrane, mn_permeability *out);

/* Potts–Guy regression, permeation.md P1: log kp [cm/h] = -2.7 + 0.71 log Kow - 0.0061 MW. */
double mn_potts_guy_kp_cm_h(double mw_da, double log_kow);

/* Corneocyte layers of an SC of the given (dry, histological) thickness. */
int mn_permeability_sc_layers(double sc_um);

#endif
