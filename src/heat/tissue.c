/* Material properties of the unit cell from data/tissue_thermal.csv and the Arrhenius sets
 * from data/arrhenius.csv. σ and ε_r are tabulated at 0.5, 1 and 2 MHz (Gabriel 1996 Cole–Cole
 * evaluations); between them they are interpolated linearly in log f – log value, which follows
 * the smooth dispersion of the Cole–Cole curves over one octave. */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"
#include "heat/tissue.h"

static const char *const MATERIAL_ROWS[MN_HMAT_COUNT] = {"stratum_corneum", "epidermis", "dermis",
                                                         "subcutis", "needle"};

static double loglog(double f, const double fx[3], const double y[3])
{
    int s = f <= fx[1] ? 0 : 1;
    double a = (log(f) - log(fx[s])) / (log(fx[s + 1]) - log(fx[s]));
    return exp((1.0 - a) * log(y[s]) + a * log(y[s + 1]));
}

mn_status mn_heat_tissue_load(double frequency_mhz, mn_heat_tissue *out)
{
    if (!(frequency_mhz >= 0.5 && frequency_mhz <= 2.0))
        return mn_error_set(MN_EINPUT,
                            "device.frequency_mhz: %g outside the tabulated 0.5-2 MHz "
                            "(data/tissue_thermal.csv)",
                            frequency_mhz);
    memset(out, 0, sizeof *out);
    mn_table *t = NULL;
    mn_status st = MN_OK;
    MN_TRY(mn_table_load_embedded("tissue_thermal.csv", &t));
    static const double fx[3] = {0.5, 1.0, 2.0};
    const double omega = 2.0 * M_PI * frequency_mhz * 1e6;
    const double eps0 = 8.8541878128e-12; /* F/m, CODATA 2018 */
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
        double sg[3], er[3];
        static const char *const sc[3] = {"sigma_S_m_0p5MHz", "sigma_S_m_1MHz", "sigma_S_m_2MHz"};
        static const char *const ec[3] = {"eps_r_0p5MHz", "eps_r_1MHz", "eps_r_2MHz"};
        for (int q = 0; q < 3; q++) {
            MN_TRY_GOTO(mn_table_double(t, (size_t)r, sc[q], &sg[q]), done);
            MN_TRY_GOTO(mn_table_double(t, (size_t)r, ec[q], &er[q]), done);
        }
        mat->sigma_s_m = loglog(frequency_mhz, fx, sg);
        mat->eps_r = loglog(frequency_mhz, fx, er);
        mat->sigma_complex = mat->sigma_s_m + I * omega * eps0 * mat->eps_r;
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

/* Rate A exp(−Ea/(R T)) in log form: A = 3.1e98 overflows nothing but exp of the difference
 * keeps full precision. R = 8.314 J/mol/K (literature pack README). */
static double rate(const mn_arrhenius *a, double t_c)
{
    return exp(a->ln_a - a->ea_j_mol / (8.314 * (t_c + 273.15)));
}

double mn_arrhenius_increment(const mn_arrhenius *a, double t0_c, double t1_c, double dt_s)
{
    /* ln(rate) is close to linear in T over one step, and T is linear in time over it: the
     * exact integral of an exponential in time is the logarithmic mean of the end rates. */
    double r0 = rate(a, t0_c), r1 = rate(a, t1_c);
    if (r0 <= 0.0 && r1 <= 0.0)
        return 0.0;
    double d = log(r1) - log(r0);
    if (fabs(d) < 1e-6)
        return dt_s * 0.5 * (r0 + r1);
    return dt_s * (r1 - r0) / d;
}
