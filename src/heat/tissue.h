/* Materials of the RF unit cell and Arrhenius damage sets, read from the cited tables. */
#ifndef MN_HEAT_TISSUE_H
#define MN_HEAT_TISSUE_H

#include <complex.h>

#include "mnsim/status.h"

typedef enum mn_heat_material_id {
    MN_HMAT_SC = 0,
    MN_HMAT_EPIDERMIS = 1,
    MN_HMAT_DERMIS = 2,
    MN_HMAT_SUBCUTIS = 3,
    MN_HMAT_NEEDLE = 4,
    MN_HMAT_COUNT = 5
} mn_heat_material_id;

typedef struct mn_heat_material {
    double k_w_mk, rho_c, perfusion_1_s, k_temp_coeff; /* SI */
    double sigma_s_m, eps_r;      /* at the carrier frequency and 37 °C (Cole–Cole) */
    double complex sigma_complex; /* σ + jωε₀ε_r, S/m */
    double sigma_temp_coeff;      /* reversible relative change of σ per °C below 100 °C */
    double irr_ln_a, irr_ea_j_mol, irr_max_rel; /* irreversible σ rise with denaturation */
    double latent_j_m3;      /* water vaporised at 100 °C: ρ · water fraction · h_fg, J/m³ */
    double dry_sigma_factor; /* σ of desiccated tissue relative to wet */
} mn_heat_material;

typedef struct mn_heat_tissue {
    mn_heat_material mat[MN_HMAT_COUNT];
    double blood_rho_c; /* ρ_b c_b, J/m³/K */
} mn_heat_tissue;

/* frequency_mhz in [0.1, 10]: σ and ε_r of each layer from its Gabriel 1996 Cole–Cole
 * parameters (data/rf_dielectric.csv). */
mn_status mn_heat_tissue_load(double frequency_mhz, mn_heat_tissue *out);

/* Complex relative permittivity of a 4-pole Cole–Cole model at angular frequency w (rad/s). */
double complex mn_cole_cole(const double eps_inf, const double de[4], const double tau[4],
                            const double alpha[4], double sigma_i, double w);

typedef struct mn_arrhenius {
    double a_per_s, ea_j_mol, ln_a;
} mn_arrhenius;

/* set: "skin_burn" or "collagen" (data/arrhenius.csv). */
mn_status mn_heat_arrhenius_load(const char *set, mn_arrhenius *out);
/* ∫ A exp(−Ea/(R T(t))) dt over a step where T goes linearly from t0_c to t1_c (°C). */
double mn_arrhenius_increment(const mn_arrhenius *a, double t0_c, double t1_c, double dt_s);

/* ln of the rate A exp(−Ea/(R T)) at t_c (°C), R = 8.314 J/mol/K (literature pack README):
 * the log form keeps full precision where A is huge (3.1e98). */
static inline double mn_arrhenius_ln_rate(const mn_arrhenius *a, double t_c)
{
    return a->ln_a - a->ea_j_mol / (8.314 * (t_c + 273.15));
}

/* The same integral from the rates r0, r1 at the ends of the step and their logarithms lr0,
 * lr1 (so a caller that keeps the end rate of one step as the start rate of the next computes
 * one exp per step, and no log). */
double mn_arrhenius_integral(double r0, double r1, double lr0, double lr1, double dt_s);

#endif
