/* mnsim — intact-skin permeability of a molecule (`mnsim permeability`): the mechanistic
 * brick-and-mortar stratum corneum (lipid and polar routes, calibrated on measured human kp) in
 * series with viable tissue, from an aqueous donor at 32 °C; ionisable molecules cross as their
 * un-ionised and ionised forms in parallel at the donor pH. */
#ifndef MNSIM_PERMEABILITY_H
#define MNSIM_PERMEABILITY_H

#include <stddef.h>

#include "mnsim/export.h"
#include "mnsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mn_perm_membrane {
    MN_PERM_EPIDERMIS = 0,      /* SC + 100 µm viable epidermis (heat-separated epidermis) */
    MN_PERM_FULL_THICKNESS = 1, /* SC + viable epidermis + 1200 µm dermis */
    MN_PERM_TRAINING = 2        /* SC + the viable resistance fitted to the training set */
} mn_perm_membrane;

typedef enum mn_perm_ionisation {
    MN_PERM_NEUTRAL = 0,
    MN_PERM_ACID = 1,
    MN_PERM_BASE = 2
} mn_perm_ionisation;

/* A molecule. pka and ph are needed (finite) for an acid or a base and ignored otherwise;
 * solubility_mg_ml NAN (or <= 0) when unknown. */
typedef struct mn_perm_molecule {
    double mw_da;   /* molecular weight, Da (> 0) */
    double log_kow; /* log10 octanol/water partition of the neutral form */
    mn_perm_ionisation ionisation;
    double pka, ph;
    double solubility_mg_ml;
} mn_perm_molecule;

/* Steady-state results. Shares are fractions of the total resistance carried by each route.
 * max_flux_ug_cm2_h = kp × solubility (NAN without a solubility). */
typedef struct mn_perm_result {
    double kp_cm_h, lag_time_h;
    double share_lipid, share_polar, share_viable;
    double kp_potts_guy_cm_h; /* Potts–Guy regression, for comparison */
    double f_unionised;       /* at the donor pH */
    double kp_neutral_cm_h, kp_ion_cm_h;
    double max_flux_ug_cm2_h;
} mn_perm_result;

/* MN_EINPUT (naming the field) for an acid or base without pka and ph, or a value out of
 * range; MN_EUSAGE for NULL arguments. */
MN_API mn_status mn_permeability_estimate(const mn_perm_molecule *m, mn_perm_membrane membrane,
                                          mn_perm_result *out);

/* The calibration refitted on n compounds (`mnsim permeability --calibrate`): log10 factors on
 * the lipid and polar SC routes and on the viable resistance; RMSE, leave-one-out RMSE and
 * bias of log10 kp; the same for the two-descriptor regression log kp = c0 + c1 log Kow +
 * c2 MW. */
typedef struct mn_perm_calibration {
    size_t compounds;
    double log10_factor_lipid, log10_factor_polar, log10_factor_viable;
    double equivalent_viable_um; /* viable tissue the fitted viable factor amounts to */
    double rmse_log_kp, loo_rmse_log_kp, bias_log_kp;
    double regression[3]; /* c0, c1 (log Kow), c2 (MW) */
    double regression_rmse_log_kp, regression_loo_rmse_log_kp;
} mn_perm_calibration;

MN_API mn_status mn_permeability_calibrate(const double *mw_da, const double *log_kow,
                                           const double *log_kp_cm_h, size_t n,
                                           mn_perm_calibration *out);

#ifdef __cplusplus
}
#endif
#endif
