/* Mechanistic intact-skin permeability (see permeability.h). Equations and constants from the
 * literature pack, ../shared/literature/permeation.md, cited by row (S1..S9, K1..K4, P1, P6).
 * The lipid and polar SC conductances carry factors fitted to 73 measured human kp
 * (data/kp_human_training.csv, perm_fit.c); derivations and the fit are written up in
 * docs/validation/delivery.md. */
#include <math.h>
#include <stdbool.h>

#include "core/error.h"
#include "core/units.h"
#include "delivery/permeability.h"

/* Boltzmann constant [J/K] (CODATA exact) and skin-surface temperature 32 °C. */
#define KB_J_K   1.380649e-23
#define T_SKIN_K 305.15
/* Water viscosity at 305 K used by SurreyDPK (S7) [Pa·s]. */
#define ETA_PA_S 7.644e-4

/* SurreyDPK SC geometry (permeation.md §2, V2 code), µm: lipid layer g, corneocyte length d,
 * lateral gap s, dry corneocyte thickness t, offset ratio w. */
#define SC_G_UM     0.075
#define SC_D_UM     40.0
#define SC_S_UM     0.075
#define SC_T_DRY_UM 0.8
#define SC_OFFSET_W 8.0

/* S9: water 0.55 g per g of hydrated SC at saturation; dry mass 0.125 lipid, 0.875 keratin.
 * Densities (S2, S3): lipid 0.9, keratin 1.37, water 1 g/cm³. */
#define SC_WATER_WW    0.55
#define SC_KERATIN_DRY 0.875
#define RHO_KER        1.37
#define RHO_LIP        0.9

/* S8 corneocyte hindrance constants (SurreyDPK stracorn.py; r in Å, k in Å²). */
#define CC_ALPHA  9.47
#define CC_BETA   9.32e-8
#define CC_LAMBDA 1.09
#define CC_GAMMA  (-1.17)
#define CC_RF_A   35.0

double mn_potts_guy_kp_cm_h(double mw_da, double log_kow)
{
    return pow(10.0, -2.7 + 0.71 * log_kow - 0.0061 * mw_da);
}

int mn_permeability_sc_layers(double sc_um)
{
    /* One dry corneocyte plus one lipid lamella per layer (SurreyDPK geometry). */
    int n = (int)lround(sc_um / (SC_T_DRY_UM + SC_G_UM));
    return n < 1 ? 1 : n;
}

/* Volume fraction of water in a fully hydrated corneocyte (theta_b = phi_b at saturation,
 * aqueous donor), all water assigned to the corneocytes: derived from S9 and densities. */
static double corneocyte_water_fraction(void)
{
    double v_water = SC_WATER_WW;
    double v_ker = (1.0 - SC_WATER_WW) * SC_KERATIN_DRY / RHO_KER;
    return v_water / (v_water + v_ker);
}

/* Hydrated/dry corneocyte thickness: swelling taken up in thickness only (D, from S9). */
static double corneocyte_swelling(void)
{
    double v_water = SC_WATER_WW;
    double v_ker = (1.0 - SC_WATER_WW) * SC_KERATIN_DRY / RHO_KER;
    return (v_water + v_ker) / v_ker;
}

double mn_permeability_unionised_fraction(const mn_solute *s)
{
    if ((s->acid_base != MN_ACIDBASE_ACID && s->acid_base != MN_ACIDBASE_BASE) ||
        !isfinite(s->pka) || !isfinite(s->ph) || !(s->ph > 0))
        return 1.0;
    double x = s->acid_base == MN_ACIDBASE_ACID ? s->ph - s->pka : s->pka - s->ph;
    return 1.0 / (1.0 + pow(10.0, x));
}

static mn_status raw_coefficients(const mn_solute *s, int layers, mn_skin_coefficients *c)
{
    if (!(s->mw_da > 0) || !isfinite(s->mw_da))
        return mn_error_set(
            MN_EINPUT, "mw_da: %g is not valid (expected a molecular weight > 0 Da)", s->mw_da);
    if (isfinite(s->log_kow) && (s->log_kow < -10 || s->log_kow > 12))
        return mn_error_set(MN_EINPUT, "log_kow: %g is out of range (expected -10 to 12)",
                            s->log_kow);
    if (layers < 1)
        return mn_error_set(MN_EINPUT, "stratum corneum layers: %d (expected >= 1)", layers);
    double mw = s->mw_da;
    bool lipophilic = isfinite(s->log_kow);
    double kow = lipophilic ? pow(10.0, s->log_kow) : 0.0;

    /* S1 solute radius [Å]. */
    double rs = cbrt(0.9087 * mw * 3.0 / (4.0 * MN_PI));
    c->radius_angstrom = rs;
    /* S7 Stokes–Einstein in water at 305 K [m²/s], unless a measured value is given. */
    double dw = s->aqueous_diffusivity_cm2_s > 0
                    ? s->aqueous_diffusivity_cm2_s * 1e-4
                    : KB_J_K * T_SKIN_K / (6.0 * MN_PI * ETA_PA_S * rs * 1e-10);
    c->D_water_um2_s = dw * 1e12;

    /* S2 lipid/water partition, S6 lipid diffusivity [m²/s]. */
    double k_lip = lipophilic ? RHO_LIP * pow(kow, 0.69) : 0.0;
    double d_lip = mw <= 380.0 ? 2e-9 * exp(-0.46 * rs * rs) : 3e-13;

    /* S3, S4 corneocyte partition at full hydration; S8 hindered corneocyte diffusivity. */
    double theta = corneocyte_water_fraction();
    double k_ker = lipophilic ? RHO_KER * 4.2 * pow(kow, 0.31) : 0.0;
    double k_cc = (1.0 - theta) * k_ker + theta;
    double S = (1.0 - theta) * pow((rs + CC_RF_A) / CC_RF_A, 2.0);
    double kperm = CC_BETA * CC_RF_A * CC_RF_A * pow(1.0 - theta, CC_GAMMA);
    double q = rs / sqrt(kperm);
    double d_cc = dw * exp(-CC_ALPHA * pow(S, CC_LAMBDA)) / (1.0 + q + q * q / 3.0);

    /* Geometry in cm; hydrated corneocytes. */
    double swell = corneocyte_swelling();
    double t = SC_T_DRY_UM * swell * 1e-4, g = SC_G_UM * 1e-4, s_gap = SC_S_UM * 1e-4;
    double d = SC_D_UM * 1e-4;
    double lateral = d / (SC_OFFSET_W + 1.0); /* shorter of the two offset segments */
    double n = layers;
    double kl = k_lip * d_lip * 1e4, kc = k_cc * d_cc * 1e4; /* K·D in cm²/s */

    /* Intercellular lipid route: per layer a vertical gap (width s, height t) then a lateral
     * run of length d/(w+1) in the lamella (thickness g), per period d + s. */
    c->k_sc_lipid_cm_s = kl > 0 ? kl / (n * (d + s_gap) * (t / s_gap + lateral / g)) : 0.0;
    /* Polar transcellular route (S10: transcellular path dominates; Wang, Kasting, Nitsche
     * 2006): hydrated corneocytes and lamellae in series over the corneocyte area fraction. */
    double r_trans = n * t / kc + (kl > 0 ? (n + 1) * g / kl : INFINITY);
    double area_cc = d / (d + s_gap);
    c->k_sc_polar_cm_s = isfinite(r_trans) ? area_cc / r_trans : 0.0;
    c->k_sc_cm_s = c->k_sc_lipid_cm_s + c->k_sc_polar_cm_s;
    c->sc_reference_um = n * (SC_T_DRY_UM * swell + SC_G_UM) + SC_G_UM;

    /* S5 whole-SC partition (volume fractions of hydrated SC; water term added for the aqueous
     * polar phase so that K_sc stays > 0 for polymers). */
    double phi_lip = 0.125 * 0.45, phi_pro = 0.875 * 0.45, phi_w = 0.55;
    c->K_sc = phi_lip * k_lip + phi_pro * k_ker + phi_w;

    /* K4 unbound fraction (base form, as for caffeine in SurreyDPK), K1–K3 viable tissue. */
    double fu = s->f_unbound;
    if (!(fu > 0)) {
        double x = lipophilic ? exp(s->log_kow) : 0.0;
        fu = 1.0 - (0.5578 * x + 0.0188) / (0.5578 * x + 1.0188);
    }
    double B = 0.65 + 0.325 / fu + 0.025 * 1.0 * k_lip;
    double d_free = pow(10.0, -4.15 - 0.655 * log10(mw)); /* cm²/s */
    c->D_ve_um2_s = d_free / B * 1e8;
    c->K_ve = 0.6 * B;
    c->D_de_um2_s = c->D_ve_um2_s;
    c->K_de = 0.6 * B;
    return MN_OK;
}

mn_status mn_permeability_raw_coefficients(const mn_solute *s, int sc_layers,
                                           mn_skin_coefficients *out)
{
    return raw_coefficients(s, sc_layers, out);
}

/* Coefficients of one species with the fitted route factors. */
static mn_status species_coefficients(const mn_solute *s, int layers, mn_skin_coefficients *c)
{
    MN_TRY(raw_coefficients(s, layers, c));
    double al = pow(10.0, MN_PERM_FIT_LOG_A_LIPID), ap = pow(10.0, MN_PERM_FIT_LOG_A_POLAR);
    c->k_sc_lipid_cm_s *= al;
    c->k_sc_polar_cm_s *= ap;
    c->k_sc_cm_s = c->k_sc_lipid_cm_s + c->k_sc_polar_cm_s;
    return MN_OK;
}

/* The ion as a species: the same molecule with log Kow lowered by MN_PERM_ION_DLOGP. */
static mn_solute ion_of(const mn_solute *s)
{
    mn_solute ion = *s;
    ion.log_kow = s->log_kow - MN_PERM_ION_DLOGP;
    ion.acid_base = MN_ACIDBASE_NEUTRAL;
    return ion;
}

mn_status mn_permeability_coefficients(const mn_solute *s, int sc_layers, mn_skin_coefficients *out)
{
    MN_TRY(species_coefficients(s, sc_layers, out));
    double f = mn_permeability_unionised_fraction(s);
    if (f < 1.0 && isfinite(s->log_kow)) {
        /* Per total donor concentration the two species cross the SC in parallel; the SC holds
         * each in proportion. The viable tissue keeps the neutral form's coefficients
         * (a limit: the tissue's own pH 7.4 is not modelled). */
        mn_solute ion = ion_of(s);
        mn_skin_coefficients ci;
        MN_TRY(species_coefficients(&ion, sc_layers, &ci));
        out->k_sc_lipid_cm_s = f * out->k_sc_lipid_cm_s + (1 - f) * ci.k_sc_lipid_cm_s;
        out->k_sc_polar_cm_s = f * out->k_sc_polar_cm_s + (1 - f) * ci.k_sc_polar_cm_s;
        out->k_sc_cm_s = out->k_sc_lipid_cm_s + out->k_sc_polar_cm_s;
        out->K_sc = f * out->K_sc + (1 - f) * ci.K_sc;
    }
    return MN_OK;
}

mn_status mn_permeability_model_log_kp(const mn_solute *s, const double log_a[3], double *log_kp)
{
    mn_skin_coefficients c;
    MN_TRY(raw_coefficients(s, MN_PERM_REF_SC_LAYERS, &c));
    double k = pow(10.0, log_a[0]) * c.k_sc_lipid_cm_s + pow(10.0, log_a[1]) * c.k_sc_polar_cm_s;
    double rv = pow(10.0, log_a[2]) * MN_PERM_REF_VE_UM * 1e-4 / (c.K_ve * c.D_ve_um2_s * 1e-8);
    *log_kp = log10(3600.0 / (1.0 / k + rv));
    return MN_OK;
}

/* Steady kp (cm/h) of coefficients c over a viable resistance r_viable (s/cm). */
static double kp_of(const mn_skin_coefficients *c, double r_viable)
{
    double r = (c->k_sc_cm_s > 0 ? 1.0 / c->k_sc_cm_s : INFINITY) + r_viable;
    return isfinite(r) ? 3600.0 / r : 0.0;
}

mn_status mn_permeability_compute(const mn_solute *s, int sc_layers, double ve_um, double dermis_um,
                                  mn_membrane membrane, mn_permeability *out)
{
    if (!(ve_um > 0) || !(dermis_um >= 0))
        return mn_error_set(MN_EINPUT, "viable epidermis %g um, dermis %g um (expected > 0)", ve_um,
                            dermis_um);
    mn_skin_coefficients raw, c;
    MN_TRY(raw_coefficients(s, sc_layers, &raw));
    MN_TRY(mn_permeability_coefficients(s, sc_layers, &c));
    double kd_ve = c.K_ve * c.D_ve_um2_s * 1e-8, kd_de = c.K_de * c.D_de_um2_s * 1e-8;
    if (membrane == MN_MEMBRANE_TRAINING) /* the fitted equivalent viable thickness */
        ve_um = pow(10.0, MN_PERM_FIT_LOG_A_VIABLE) * MN_PERM_REF_VE_UM;
    double r_viable = ve_um * 1e-4 / kd_ve;
    if (membrane == MN_MEMBRANE_FULL_THICKNESS)
        r_viable += dermis_um * 1e-4 / kd_de;
    out->f_unionised = mn_permeability_unionised_fraction(s);
    mn_skin_coefficients cn;
    mn_solute neutral = *s;
    neutral.acid_base = MN_ACIDBASE_NEUTRAL;
    MN_TRY(species_coefficients(&neutral, sc_layers, &cn));
    out->kp_neutral_cm_h = kp_of(&cn, r_viable);
    out->kp_ion_cm_h = NAN;
    if (isfinite(s->log_kow)) {
        mn_solute ion = ion_of(s);
        mn_skin_coefficients ci;
        MN_TRY(species_coefficients(&ion, sc_layers, &ci));
        ci.K_ve = cn.K_ve, ci.D_ve_um2_s = cn.D_ve_um2_s; /* neutral-form viable tissue */
        out->kp_ion_cm_h = kp_of(&ci, r_viable);
    }
    double r_sc = c.k_sc_cm_s > 0 ? 1.0 / c.k_sc_cm_s : INFINITY;
    double r_total = r_sc + r_viable;
    out->kp_cm_h = isfinite(r_total) ? 3600.0 / r_total : 0.0;
    out->kp_uncalibrated_cm_h = raw.k_sc_cm_s > 0 ? 3600.0 / (1.0 / raw.k_sc_cm_s + r_viable) : 0.0;
    double sc_share = isfinite(r_total) ? r_sc / r_total : 1.0;
    double lip = c.k_sc_cm_s > 0 ? c.k_sc_lipid_cm_s / c.k_sc_cm_s : 0.0;
    out->share_lipid = sc_share * lip;
    out->share_polar = sc_share * (1.0 - lip);
    out->share_viable = 1.0 - sc_share;
    /* P6 lag times of the layers in series, each t = h²/(6D) with the SC's effective D from
     * its conductance k = K·D/h; a sum is the usual estimate for a laminate. */
    double h_sc = c.sc_reference_um * 1e-4;
    double d_sc = c.k_sc_cm_s > 0 ? c.k_sc_cm_s * h_sc / c.K_sc : 0.0;
    double lag = d_sc > 0 ? h_sc * h_sc / (6.0 * d_sc) : INFINITY;
    lag += pow(ve_um * 1e-4, 2) / (6.0 * c.D_ve_um2_s * 1e-8);
    if (membrane == MN_MEMBRANE_FULL_THICKNESS)
        lag += pow(dermis_um * 1e-4, 2) / (6.0 * c.D_de_um2_s * 1e-8);
    out->lag_time_h = lag / 3600.0;
    out->kp_potts_guy_cm_h =
        isfinite(s->log_kow) ? mn_potts_guy_kp_cm_h(s->mw_da, s->log_kow) : NAN;
    return MN_OK;
}
