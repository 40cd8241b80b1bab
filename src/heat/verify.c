/* Code verification of the heat stage against exact solutions (DESIGN.md, Numerics): a
 * continuous Gaussian heat source in a uniform medium (bioheat on the field engine:
 * units, mapping of ρc and k, source, time stepping), a spherical electrode in a homogeneous
 * complex conductor (potential, admittances, current), the energy ledger of a full RF run, and
 * observed orders. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "heat/heat.h"
#include "heat/heat_impl.h"
#include "heat/verify.h"
#include "core/verify.h"

static double observed_order(const double *errs, int levels)
{
    if (levels < 2 || !(errs[levels - 1] > 0) || !(errs[levels - 2] > 0))
        return NAN;
    return log2(errs[levels - 2] / errs[levels - 1]);
}

/* ---- Gaussian source in a uniform medium ------------------------------------------------ */

enum { GAUSS_L_UM = 480 };
#define GAUSS_SIGMA0_UM 60.0
#define GAUSS_POWER_W   0.010
#define GAUSS_T_S       0.05
#define GAUSS_K         0.45   /* W/m/K, dermis (data/tissue_thermal.csv) */
#define GAUSS_RHOC      3.96e6 /* J/m³/K, dermis 1200 x 3300 */

static double gauss_exact(double r_um, double t_s)
{
    const double alpha = GAUSS_K / GAUSS_RHOC * 1e12; /* µm²/s */
    const double s2 = GAUSS_SIGMA0_UM * GAUSS_SIGMA0_UM;
    const double k_w_um = GAUSS_K * 1e-6; /* W/(µm K) */
    return GAUSS_POWER_W / (4.0 * M_PI * k_w_um * r_um) *
           (erfc(r_um / sqrt(2.0 * (s2 + 2.0 * alpha * t_s))) -
            erfc(r_um / (sqrt(2.0) * GAUSS_SIGMA0_UM)));
}

/* The octant [0, L]³ of the source on the bioheat field (the heat stage's own path, with its
 * adaptive time error control): symmetry (zero flux) on the three planes through the centre,
 * the far faces held at 0. One call of 50 ms: the engine picks its internal steps
 * (relative local error 1e-3 per step, the production tolerance); the observed order is
 * then the spatial one (second), the time error staying below the space error. */
static mn_status gauss_level(int level, double *err)
{
    const int nn = 12 << level;
    const double h = (double)GAUSS_L_UM / nn;
    double *zf = malloc((size_t)(nn + 1) * sizeof *zf);
    if (!zf)
        return mn_error_set(MN_ENOMEM, "verify: out of memory");
    for (int k = 0; k <= nn; k++)
        zf[k] = k * h;
    mn_hgrid g;
    mn_status st = mn_hgrid_init(&g, nn, nn, h, h, nn, zf);
    free(zf);
    if (st != MN_OK)
        return st;
    mn_bioheat b = {0};
    const size_t n = mn_hgrid_n(&g), sy = (size_t)nn, sz = (size_t)nn * (size_t)nn;
    double *t = calloc(n, sizeof *t), *src = calloc(n, sizeof *src), *rc = calloc(n, sizeof *rc);
    double *kk = calloc(n, sizeof *kk);
    if (!t || !src || !rc || !kk) {
        st = mn_error_set(MN_ENOMEM, "verify: out of memory");
        goto done;
    }
    const double s2 = GAUSS_SIGMA0_UM * GAUSS_SIGMA0_UM, vol = h * h * h;
    const double norm = 1.0 / pow(2.0 * M_PI * s2, 1.5);
    for (int k = 0; k < nn; k++)
        for (int j = 0; j < nn; j++)
            for (int i = 0; i < nn; i++) {
                size_t w = (size_t)i + (size_t)j * sy + (size_t)k * sz;
                double x = (i + 0.5) * h, y = (j + 0.5) * h, z = (k + 0.5) * h;
                rc[w] = GAUSS_RHOC * 1e-18; /* J/µm³/K */
                kk[w] = GAUSS_K * 1e-6;     /* W/µm/K */
                /* the octant carries 1/8 of the source; W per voxel */
                src[w] = GAUSS_POWER_W * norm * exp(-(x * x + y * y + z * z) / (2.0 * s2)) * vol;
            }
    MN_TRY_GOTO(
        mn_bioheat_create(&b, &g, rc, NULL, 0.0, (1u << HF_XHI) | (1u << HF_YHI) | (1u << HF_ZHI)),
        done);
    MN_TRY_GOTO(mn_bioheat_set_conductivity(&b, kk), done);
    MN_TRY_GOTO(mn_bioheat_set_source(&b, src), done);
    MN_TRY_GOTO(mn_bioheat_step(&b, GAUSS_T_S, t), done);
    double num = 0.0, den = 0.0;
    for (int k = 0; k < nn; k++)
        for (int j = 0; j < nn; j++)
            for (int i = 0; i < nn; i++) {
                size_t w = (size_t)i + (size_t)j * sy + (size_t)k * sz;
                double r =
                    h * sqrt((i + 0.5) * (i + 0.5) + (j + 0.5) * (j + 0.5) + (k + 0.5) * (k + 0.5));
                double ex = gauss_exact(r, GAUSS_T_S);
                num += (t[w] - ex) * (t[w] - ex);
                den += ex * ex;
            }
    *err = sqrt(num / den);
done:
    free(t), free(src), free(rc), free(kk);
    mn_bioheat_clear(&b);
    mn_hgrid_clear(&g);
    return st;
}

mn_status mn_heat_verify_gaussian(int levels, double *errs, double *order)
{
    for (int l = 0; l < levels; l++)
        MN_TRY(gauss_level(l, &errs[l]));
    *order = observed_order(errs, levels);
    return MN_OK;
}

/* ---- Spherical electrode ----------------------------------------------------------------- */

enum { SPHERE_L_UM = 400 };
#define SPHERE_A_UM 100.0

static double complex sphere_bc(double x, double y, double z, void *ctx)
{
    (void)ctx;
    return SPHERE_A_UM / sqrt(x * x + y * y + z * z); /* V₀ = 1 */
}

static mn_status sphere_level(int level, double *err, double *cur_err)
{
    const int nn = 16 << level;
    const double h = (double)SPHERE_L_UM / nn;
    const double complex sig = 0.221 + 0.102 * I; /* data/tissue_thermal.csv, wet skin 1 MHz */
    double *zf = malloc((size_t)(nn + 1) * sizeof *zf);
    if (!zf)
        return mn_error_set(MN_ENOMEM, "verify: out of memory");
    for (int k = 0; k <= nn; k++)
        zf[k] = k * h;
    mn_hgrid g;
    mn_status st = mn_hgrid_init(&g, nn, nn, h, h, nn, zf);
    free(zf);
    if (st != MN_OK)
        return st;
    const size_t n = mn_hgrid_n(&g), sy = (size_t)nn, sz = (size_t)nn * (size_t)nn;
    unsigned char *role = calloc(n, 1);
    double complex *sigma = calloc(n, sizeof *sigma), *v = calloc(n, sizeof *v);
    double *pw = calloc(n, sizeof *pw);
    if (!role || !sigma || !v || !pw) {
        st = mn_error_set(MN_ENOMEM, "verify: out of memory");
        goto done;
    }
    for (int k = 0; k < nn; k++)
        for (int j = 0; j < nn; j++)
            for (int i = 0; i < nn; i++) {
                size_t w = (size_t)i + (size_t)j * sy + (size_t)k * sz;
                double r =
                    h * sqrt((i + 0.5) * (i + 0.5) + (j + 0.5) * (j + 0.5) + (k + 0.5) * (k + 0.5));
                role[w] = r < SPHERE_A_UM ? PV_ELECTRODE : PV_TISSUE;
                sigma[w] = sig;
            }
    mn_potential p = {.g = &g, .role = role, .sigma = sigma, .v_electrode = 1.0, .bc = sphere_bc};
    p.dirichlet[HF_XHI] = p.dirichlet[HF_YHI] = p.dirichlet[HF_ZHI] = 1;
    double total = 0.0;
    double complex cur = 0.0;
    MN_TRY_GOTO(mn_potential_solve(&p, v, pw, &total, &cur, NULL), done);
    double num = 0.0, den = 0.0;
    for (int k = 0; k < nn; k++)
        for (int j = 0; j < nn; j++)
            for (int i = 0; i < nn; i++) {
                size_t w = (size_t)i + (size_t)j * sy + (size_t)k * sz;
                double r =
                    h * sqrt((i + 0.5) * (i + 0.5) + (j + 0.5) * (j + 0.5) + (k + 0.5) * (k + 0.5));
                if (r < 2.0 * SPHERE_A_UM)
                    continue;
                double ex = SPHERE_A_UM / r;
                num += creal((v[w] - ex) * conj(v[w] - ex));
                den += ex * ex;
            }
    *err = sqrt(num / den);
    /* whole sphere: 8 octants; I = 4π σ* a V₀ with a in m */
    double complex exact = 4.0 * M_PI * sig * SPHERE_A_UM * 1e-6;
    *cur_err = cabs(8.0 * cur - exact) / cabs(exact);
done:
    free(role), free(sigma), free(v), free(pw);
    mn_hgrid_clear(&g);
    return st;
}

mn_status mn_heat_verify_sphere(int levels, double *errs, double *cur_errs, double *order)
{
    for (int l = 0; l < levels; l++)
        MN_TRY(sphere_level(l, &errs[l], &cur_errs[l]));
    *order = observed_order(errs, levels);
    return MN_OK;
}

mn_status mn_heat_verify_energy_balance(double *rel)
{
    mn_device_spec d;
    memset(&d, 0, sizeof d);
    d.type = MN_DEVICE_RF, d.needles = 10, d.rows = 2, d.needle_diameter_um = 200;
    d.set_depth_um = 1500, d.insulated = true, d.tip_exposed_um = 500;
    d.polarity = MN_POLARITY_BIPOLAR, d.energy_mj_per_needle = 30, d.pulse_ms = 100;
    d.frequency_mhz = 1, d.stacks = 2, d.passes = 1;
    mn_column col;
    memset(&col, 0, sizeof col);
    col.sc_um = 15, col.viable_epidermis_um = 60, col.dermis_um = 1800;
    col.dej_depth_um = 75, col.dermis_bottom_um = 1875;
    mn_heat_options o;
    mn_heat_options_default(&o);
    o.voxel_um = 25, o.pitch_um = 800, o.cooldown_max_ms = 300, o.keep_fields = 0;
    mn_heat_result *r = NULL;
    MN_TRY(mn_heat_run(&d, &col, &o, &r));
    mn_heat_summary s;
    mn_heat_get_summary(r, &s);
    mn_heat_result_free(r);
    *rel = s.energy_balance_rel;
    return MN_OK;
}

/* ---- One-phase Stefan problem (vaporisation front) --------------------------------------- */

/* Dermis (ρc 3.96e6 J/m³/K, k 0.45 W/m/K) at its boiling point 100 °C with 70 % water
 * (latent 1200 × 0.7 × 2.257e6 J/m³, data/rf_dielectric.csv), the surface held at 150 °C from
 * t = 0: the dry layer grows as s = 2λ√(αt) with λ e^{λ²} erf λ = St/√π, St = ρcΔT/L
 * (Neumann's solution; Carslaw & Jaeger 1959 §11.2), and T = T_s − ΔT erf(z/(2√(αt)))/erf λ
 * in it. The bioheat step on the field engine plus the enthalpy update of phase.c, as the RF
 * stage runs them; time step ∝ h so space and time refine together. */
#define STEFAN_RHOC   3.96e6
#define STEFAN_K      0.45
#define STEFAN_LATENT (1200.0 * 0.7 * 2.257e6)
#define STEFAN_DT_C   50.0
#define STEFAN_T_S    0.5
enum { STEFAN_L_UM = 400 };

static double stefan_lambda(void)
{
    const double st = STEFAN_RHOC * STEFAN_DT_C / STEFAN_LATENT;
    double lo = 0.0, hi = 2.0;
    for (int it = 0; it < 200; it++) {
        double m = 0.5 * (lo + hi);
        if (m * exp(m * m) * erf(m) < st / sqrt(M_PI))
            lo = m;
        else
            hi = m;
    }
    return 0.5 * (lo + hi);
}

static mn_status stefan_level(int level, double *front_err, double *t_err)
{
    const double h = 10.0 / (1 << level);
    const int nz = (int)lround(STEFAN_L_UM / h);
    const double alpha_um2_s = STEFAN_K / STEFAN_RHOC * 1e12;
    mn_status st = MN_OK;
    mn_hgrid g;
    mn_bioheat b;
    memset(&b, 0, sizeof b);
    double *zf = malloc((size_t)(nz + 1) * sizeof *zf);
    double *rc = malloc((size_t)nz * sizeof *rc), *pf = calloc((size_t)nz, sizeof *pf);
    double *k = malloc((size_t)nz * sizeof *k), *lat = malloc((size_t)nz * sizeof *lat);
    double *t = malloc((size_t)nz * sizeof *t), *f = malloc((size_t)nz * sizeof *f);
    if (!zf || !rc || !pf || !k || !lat || !t || !f) {
        st = mn_error_set(MN_ENOMEM, "verify: out of memory");
        goto done;
    }
    for (int q = 0; q <= nz; q++)
        zf[q] = q * h;
    for (int q = 0; q < nz; q++) {
        rc[q] = STEFAN_RHOC * 1e-18, k[q] = STEFAN_K * 1e-6, lat[q] = STEFAN_LATENT * 1e-18;
        t[q] = 100.0, f[q] = 1.0;
    }
    MN_TRY_GOTO(mn_hgrid_init(&g, 1, 1, h, h, nz, zf), done);
    MN_TRY_GOTO(mn_bioheat_create(&b, &g, rc, pf, 100.0 + STEFAN_DT_C, 1u << HF_ZLO), done);
    MN_TRY_GOTO(mn_bioheat_set_conductivity(&b, k), done);
    MN_TRY_GOTO(mn_bioheat_set_temperature(&b, t), done);
    /* dt ∝ h: the enthalpy update is split from the step (first order in dt), as is the
     * smeared front (first order in h), so both refine together */
    const int steps = (int)ceil(STEFAN_T_S / (10.0 * h / alpha_um2_s));
    const double dt = STEFAN_T_S / steps;
    for (int n = 0; n < steps; n++) {
        MN_TRY_GOTO(mn_bioheat_step(&b, dt, t), done);
        mn_heat_phase_update(&g, rc, lat, 100.0, t, f);
        MN_TRY_GOTO(mn_bioheat_set_temperature(&b, t), done);
    }
    const double lam = stefan_lambda(), sq = sqrt(alpha_um2_s * STEFAN_T_S);
    const double s_exact = 2.0 * lam * sq;
    double s_num = 0.0, num = 0.0, den = 0.0;
    for (int q = 0; q < nz; q++) {
        s_num += (1.0 - f[q]) * h;
        const double z = (q + 0.5) * h;
        const double te =
            z < s_exact ? 100.0 + STEFAN_DT_C * (1.0 - erf(z / (2.0 * sq)) / erf(lam)) : 100.0;
        num += (t[q] - te) * (t[q] - te);
        den += (te - 100.0) * (te - 100.0);
    }
    *front_err = fabs(s_num - s_exact) / s_exact;
    *t_err = sqrt(num / den);
done:
    mn_bioheat_clear(&b);
    if (zf && rc)
        mn_hgrid_clear(&g);
    free(zf), free(rc), free(pf), free(k), free(lat), free(t), free(f);
    return st;
}

mn_status mn_heat_verify_stefan(int levels, double *front_errs, double *t_errs, double *order)
{
    for (int l = 0; l < levels; l++)
        MN_TRY(stefan_level(l, &front_errs[l], &t_errs[l]));
    *order = observed_order(front_errs, levels);
    return MN_OK;
}

/* ---- Cases of the `mnsim verify` table ---------------------------------------------------- */

mn_status mn_heat_verify_case_gaussian(mn_verify_result *r)
{
    double e[3], order = NAN;
    MN_TRY(mn_heat_verify_gaussian(3, e, &order));
    mn_verify_metric_add(r, "rel_l2_error_h40um", e[0], 3e-2, 0);
    mn_verify_metric_add(r, "rel_l2_error_h10um", e[2], 2e-3, 0);
    mn_verify_metric_add(r, "order_space_time", order, 1.8, 1);
    return MN_OK;
}

mn_status mn_heat_verify_case_sphere(mn_verify_result *r)
{
    double e[3], ce[3], order = NAN;
    MN_TRY(mn_heat_verify_sphere(3, e, ce, &order));
    mn_verify_metric_add(r, "rel_l2_error_v_h6.25um", e[2], 5e-3, 0);
    mn_verify_metric_add(r, "rel_error_current_h6.25um", ce[2], 2e-2, 0);
    mn_verify_metric_add(r, "order_space", order, 0.7, 1);
    mn_verify_metric_add(r, "order_current", observed_order(ce, 3), 0.7, 1);
    return MN_OK;
}

mn_status mn_heat_verify_case_energy(mn_verify_result *r)
{
    double rel = NAN;
    MN_TRY(mn_heat_verify_energy_balance(&rel));
    mn_verify_metric_add(r, "energy_balance_rel", rel, 1e-6, 0);
    return MN_OK;
}

mn_status mn_heat_verify_case_stefan(mn_verify_result *r)
{
    double fe[4], te[4], order = NAN;
    MN_TRY(mn_heat_verify_stefan(4, fe, te, &order));
    mn_verify_metric_add(r, "rel_error_front_h1.25um", fe[3], 1e-3, 0);
    mn_verify_metric_add(r, "rel_l2_error_t_h1.25um", te[3], 1e-2, 0);
    mn_verify_metric_add(r, "order_front", order, 0.8, 1);
    mn_verify_metric_add(r, "order_t", observed_order(te, 4), 0.5, 1);
    return MN_OK;
}

/* ---- Suite --------------------------------------------------------------------------------- */

static mn_status report(cJSON *cases, FILE *out, const char *name, const double *h0_um,
                        const double *errs, int levels, double order, double min_order,
                        double max_err, int *all)
{
    int pass = errs[levels - 1] <= max_err && (isnan(min_order) || order >= min_order);
    *all = *all && pass;
    if (out) {
        fprintf(out, "heat.%-18s", name);
        for (int l = 0; l < levels; l++) {
            if (h0_um)
                fprintf(out, " h=%gum:%.3e", h0_um[0] / (1 << l), errs[l]);
            else
                fprintf(out, " %.3e", errs[l]);
        }
        if (!isnan(order))
            fprintf(out, "  order %.2f", order);
        fprintf(out, "  %s\n", pass ? "PASS" : "FAIL");
    }
    if (cases) {
        cJSON *c = cJSON_CreateObject();
        if (!c || !cJSON_AddItemToArray(cases, c))
            return mn_error_set(MN_ENOMEM, "verify: out of memory");
        cJSON_AddStringToObject(c, "case", name);
        cJSON *e = cJSON_AddArrayToObject(c, "errors");
        cJSON *hh = cJSON_AddArrayToObject(c, "h_um");
        for (int l = 0; l < levels; l++) {
            cJSON_AddItemToArray(e, cJSON_CreateNumber(errs[l]));
            if (h0_um)
                cJSON_AddItemToArray(hh, cJSON_CreateNumber(h0_um[0] / (1 << l)));
        }
        if (!isnan(order))
            cJSON_AddNumberToObject(c, "observed_order", order);
        cJSON_AddBoolToObject(c, "pass", pass);
    }
    return MN_OK;
}

mn_status mn_heat_verify_run(cJSON *json_cases, FILE *out, int *passed)
{
    int all = 1;
    enum { LV = 3 };
    double e[LV], ce[LV], order = NAN;
    /* Second order expected (2nd-order space; time error held below it by the engine). */
    MN_TRY(mn_heat_verify_gaussian(LV, e, &order));
    const double hg = (double)GAUSS_L_UM / 12;
    MN_TRY(report(json_cases, out, "gaussian_source", &hg, e, LV, order, 1.8, 1e-2, &all));
    /* Staircase electrode: first order expected. */
    MN_TRY(mn_heat_verify_sphere(LV, e, ce, &order));
    const double hs = (double)SPHERE_L_UM / 16;
    MN_TRY(report(json_cases, out, "sphere_potential", &hs, e, LV, order, 0.7, 0.05, &all));
    double corder = observed_order(ce, LV);
    MN_TRY(report(json_cases, out, "sphere_current", &hs, ce, LV, corder, NAN, 0.10, &all));

    double bal = NAN;
    MN_TRY(mn_heat_verify_energy_balance(&bal));
    MN_TRY(report(json_cases, out, "energy_balance", NULL, &bal, 1, NAN, NAN, 1e-6, &all));
    double fe[4], te[4];
    MN_TRY(mn_heat_verify_stefan(4, fe, te, &order));
    const double hst = 10.0;
    MN_TRY(report(json_cases, out, "stefan_front", &hst, fe, 4, order, 0.8, 1e-3, &all));
    *passed = all;
    return MN_OK;
}
