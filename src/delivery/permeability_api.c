/* The public permeability entry points (include/mnsim/permeability.h) over the delivery stage's
 * model (permeability.c) and its calibration (perm_fit.c). */
#include "mnsim/permeability.h"

#include <math.h>

#include "core/error.h"
#include "delivery/permeability.h"

mn_status mn_permeability_estimate(const mn_perm_molecule *m, mn_perm_membrane membrane,
                                   mn_perm_result *out)
{
    if (!m || !out)
        return mn_error_set(MN_EUSAGE, "mn_permeability_estimate: %s is NULL",
                            !m ? "molecule" : "out");
    mn_membrane mem;
    switch (membrane) {
    case MN_PERM_EPIDERMIS:
        mem = MN_MEMBRANE_EPIDERMIS;
        break;
    case MN_PERM_FULL_THICKNESS:
        mem = MN_MEMBRANE_FULL_THICKNESS;
        break;
    case MN_PERM_TRAINING:
        mem = MN_MEMBRANE_TRAINING;
        break;
    default:
        return mn_error_set(MN_EINPUT,
                            "membrane: %d (expected epidermis, full_thickness or "
                            "training)",
                            (int)membrane);
    }
    mn_acid_base ab;
    switch (m->ionisation) {
    case MN_PERM_NEUTRAL:
        ab = MN_ACIDBASE_NEUTRAL;
        break;
    case MN_PERM_ACID:
        ab = MN_ACIDBASE_ACID;
        break;
    case MN_PERM_BASE:
        ab = MN_ACIDBASE_BASE;
        break;
    default:
        return mn_error_set(MN_EINPUT, "acid_base: %d (expected neutral, acid or base)",
                            (int)m->ionisation);
    }
    if (ab != MN_ACIDBASE_NEUTRAL && (!isfinite(m->pka) || !isfinite(m->ph)))
        return mn_error_set(MN_EINPUT, "acid_base %s needs pka and ph (expected both numbers)",
                            ab == MN_ACIDBASE_ACID ? "acid" : "base");
    mn_solute s = {m->mw_da, m->log_kow, 0.0, 0.0, m->pka, ab, m->ph};
    mn_permeability p;
    MN_TRY(mn_permeability_compute(&s, MN_PERM_REF_SC_LAYERS, MN_PERM_REF_VE_UM,
                                   MN_PERM_REF_DERMIS_UM, mem, &p));
    /* Maximum (saturated-donor) flux, µg/cm²/h: kp [cm/h] × S [mg/mL = 1000 µg/cm³]. */
    double sol = m->solubility_mg_ml;
    *out = (mn_perm_result){.kp_cm_h = p.kp_cm_h,
                            .lag_time_h = p.lag_time_h,
                            .share_lipid = p.share_lipid,
                            .share_polar = p.share_polar,
                            .share_viable = p.share_viable,
                            .kp_potts_guy_cm_h = p.kp_potts_guy_cm_h,
                            .f_unionised = p.f_unionised,
                            .kp_neutral_cm_h = p.kp_neutral_cm_h,
                            .kp_ion_cm_h = p.kp_ion_cm_h,
                            .max_flux_ug_cm2_h =
                                isfinite(sol) && sol > 0 ? p.kp_cm_h * sol * 1000.0 : NAN};
    return MN_OK;
}

mn_status mn_permeability_calibrate(const double *mw_da, const double *log_kow,
                                    const double *log_kp_cm_h, size_t n, mn_perm_calibration *out)
{
    if (!out || (n && (!mw_da || !log_kow || !log_kp_cm_h)))
        return mn_error_set(MN_EUSAGE, "mn_permeability_calibrate: NULL argument");
    mn_perm_fit f;
    MN_TRY(mn_permeability_fit(mw_da, log_kow, log_kp_cm_h, n, &f));
    *out = (mn_perm_calibration){.compounds = f.n,
                                 .log10_factor_lipid = f.log_a[0],
                                 .log10_factor_polar = f.log_a[1],
                                 .log10_factor_viable = f.log_a[2],
                                 .equivalent_viable_um = pow(10.0, f.log_a[2]) * MN_PERM_REF_VE_UM,
                                 .rmse_log_kp = f.rmse,
                                 .loo_rmse_log_kp = f.loo_rmse,
                                 .bias_log_kp = f.bias,
                                 .regression = {f.reg[0], f.reg[1], f.reg[2]},
                                 .regression_rmse_log_kp = f.reg_rmse,
                                 .regression_loo_rmse_log_kp = f.reg_loo_rmse};
    return MN_OK;
}
