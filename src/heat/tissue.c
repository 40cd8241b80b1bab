/* Material properties of the unit cell: thermal ones from data/tissue_thermal.csv, electrical
 * ones evaluated at the carrier frequency from the Gabriel 1996 Cole–Cole parameters of
 * data/rf_dielectric.csv (with the temperature, damage and vaporisation data of that table),
 * and the Arrhenius sets from data/arrhenius.csv. */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"
#include "heat/tissue.h"

#define EPS0_F_M  8.8541878128e-12 /* F/m, CODATA 2018 */
#define H_FG_J_KG 2.257e6          /* latent heat of water at 100 °C, 1 atm (steam tables) */

static const char *const MATERIAL_ROWS[MN_HMAT_COUNT] = {"stratum_corneum", "epidermis", "dermis",
                                                         "subcutis", "needle"};

double complex mn_cole_cole(const double eps_inf, const double de[4], const double tau[4],
                            const double alpha[4], double sigma_i, double w)
{
    double complex e = eps_inf;
    for (int q = 0; q < 4; q++)
        if (de[q] != 0.0)
            e += de[q] / (1.0 + cpow(I * w * tau[q], 1.0 - alpha[q]));
    return e + sigma_i / (I * w * EPS0_F_M);
}

/* σ, ε_r and the RF-heating data of one tissue row of rf_dielectric.csv. */
static mn_status load_dielectric(const mn_table *t, size_t r, double w, mn_heat_material *mat)
{
    double eps_inf = 0, de[4], tau[4], al[4], sig_i = 0, water = 0, a = 0;
    static const char *const dn[4] = {"de1", "de2", "de3", "de4"};
    static const char *const tn[4] = {"tau1_s", "tau2_s", "tau3_s", "tau4_s"};
    static const char *const an[4] = {"a1", "a2", "a3", "a4"};
    MN_TRY(mn_table_double(t, r, "eps_inf", &eps_inf));
    for (int q = 0; q < 4; q++) {
        MN_TRY(mn_table_double(t, r, dn[q], &de[q]));
        MN_TRY(mn_table_double(t, r, tn[q], &tau[q]));
        MN_TRY(mn_table_double(t, r, an[q], &al[q]));
    }
    MN_TRY(mn_table_double(t, r, "sigma_i_S_m", &sig_i));
    double complex e = mn_cole_cole(eps_inf, de, tau, al, sig_i, w);
    mat->eps_r = creal(e);
    mat->sigma_s_m = -w * EPS0_F_M * cimag(e);
    mat->sigma_complex = mat->sigma_s_m + I * w * EPS0_F_M * mat->eps_r;
    MN_TRY(mn_table_double(t, r, "sigma_temp_coeff_1_C", &mat->sigma_temp_coeff));
    MN_TRY(mn_table_double(t, r, "irr_A_1_s", &a));
    mat->irr_ln_a = log(a);
    MN_TRY(mn_table_double(t, r, "irr_Ea_J_mol", &mat->irr_ea_j_mol));
    MN_TRY(mn_table_double(t, r, "irr_max_rel", &mat->irr_max_rel));
    MN_TRY(mn_table_double(t, r, "water_mass_fraction", &water));
    MN_TRY(mn_table_double(t, r, "dry_sigma_factor", &mat->dry_sigma_factor));
    mat->latent_j_m3 = water * H_FG_J_KG; /* × ρ by the caller */
    return MN_OK;
}

mn_status mn_heat_tissue_load(double frequency_mhz, mn_heat_tissue *out)
{
    if (!(frequency_mhz >= 0.1 && frequency_mhz <= 10.0))
        return mn_error_set(MN_EINPUT,
                            "device.frequency_mhz: %g outside 0.1-10 MHz (data/rf_dielectric.csv)",
                            frequency_mhz);
    memset(out, 0, sizeof *out);
    mn_table *t = NULL, *de = NULL;
    mn_status st = MN_OK;
    MN_TRY(mn_table_load_embedded("tissue_thermal.csv", &t));
    MN_TRY_GOTO(mn_table_load_embedded("rf_dielectric.csv", &de), done);
    const double w = 2.0 * M_PI * frequency_mhz * 1e6;
    for (int m = 0; m < MN_HMAT_COUNT; m++) {
        long r = mn_table_find(t, "material", MATERIAL_ROWS[m]);
        if (r < 0) {
            st = mn_error_set(MN_EINTERNAL, "tissue_thermal.csv: no row '%s'", MATERIAL_ROWS[m]);
            goto done;
        }
        mn_heat_material *mat = &out->mat[m];
        double rho = 0, c = 0;
        MN_TRY_GOTO(mn_table_double(t, (size_t)r, "k_W_mK", &mat->k_w_mk), done);
        MN_TRY_GOTO(mn_table_double(t, (size_t)r, "rho_kg_m3", &rho), done);
        MN_TRY_GOTO(mn_table_double(t, (size_t)r, "c_J_kgK", &c), done);
        MN_TRY_GOTO(mn_table_double(t, (size_t)r, "perfusion_1_s", &mat->perfusion_1_s), done);
        MN_TRY_GOTO(mn_table_double(t, (size_t)r, "k_temp_coeff_1_C", &mat->k_temp_coeff), done);
        mat->rho_c = rho * c;
        if (m == MN_HMAT_NEEDLE)
            continue;
        long rd = mn_table_find(de, "material", MATERIAL_ROWS[m]);
        if (rd < 0) {
            st = mn_error_set(MN_EINTERNAL, "rf_dielectric.csv: no row '%s'", MATERIAL_ROWS[m]);
            goto done;
        }
        MN_TRY_GOTO(load_dielectric(de, (size_t)rd, w, mat), done);
        mat->latent_j_m3 *= rho;
    }
    long rb = mn_table_find(t, "material", "blood");
    if (rb < 0) {
        st = mn_error_set(MN_EINTERNAL, "tissue_thermal.csv: no row 'blood'");
        goto done;
    }
    double rho_b = 0, c_b = 0;
    MN_TRY_GOTO(mn_table_double(t, (size_t)rb, "rho_kg_m3", &rho_b), done);
    MN_TRY_GOTO(mn_table_double(t, (size_t)rb, "c_J_kgK", &c_b), done);
    out->blood_rho_c = rho_b * c_b;
done:
    mn_table_free(t);
    mn_table_free(de);
    return st;
}

mn_status mn_heat_arrhenius_load(const char *set, mn_arrhenius *out)
{
    mn_table *t = NULL;
    mn_status st = MN_OK;
    MN_TRY(mn_table_load_embedded("arrhenius.csv", &t));
    long r = mn_table_find(t, "set", set);
    if (r < 0) {
        st = mn_error_set(MN_EINTERNAL, "arrhenius.csv: no set '%s'", set);
        goto done;
    }
    MN_TRY_GOTO(mn_table_double(t, (size_t)r, "A_1_s", &out->a_per_s), done);
    MN_TRY_GOTO(mn_table_double(t, (size_t)r, "Ea_J_mol", &out->ea_j_mol), done);
    out->ln_a = log(out->a_per_s);
done:
    mn_table_free(t);
    return st;
}

double mn_arrhenius_integral(double r0, double r1, double lr0, double lr1, double dt_s)
{
    /* ln(rate) is close to linear in T over one step, and T is linear in time over it: the
     * exact integral of an exponential in time is the logarithmic mean of the end rates. */
    if (r0 <= 0.0 && r1 <= 0.0)
        return 0.0;
    const double d = lr1 - lr0;
    if (fabs(d) < 1e-6)
        return dt_s * 0.5 * (r0 + r1);
    return dt_s * (r1 - r0) / d;
}

double mn_arrhenius_increment(const mn_arrhenius *a, double t0_c, double t1_c, double dt_s)
{
    const double lr0 = mn_arrhenius_ln_rate(a, t0_c), lr1 = mn_arrhenius_ln_rate(a, t1_c);
    return mn_arrhenius_integral(exp(lr0), exp(lr1), lr0, lr1, dt_s);
}
