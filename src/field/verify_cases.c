/* The field engine's verification cases: each compares the engine with an exact solution
 * (image sums, piecewise-linear steady state, erfc, a manufactured solution) or an exact
 * balance, and reports errors, observed orders and mass drift as metrics with limits. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/units.h"
#include "field/field_impl.h"
#include "field/verify.h"
#include "mnsim/field.h"

static double rel_l2(const double *a, const double *b, size_t n)
{
    double e = 0, x = 0;
    for (size_t i = 0; i < n; i++) {
        e += (a[i] - b[i]) * (a[i] - b[i]);
        x += b[i] * b[i];
    }
    return sqrt(e / x);
}

static double order(double e_coarse, double e_fine, double ratio)
{
    return log(e_coarse / e_fine) / log(ratio);
}

/* ---- Gaussian with Neumann images ------------------------------------------------------ */

/* Σ_m exp(−(x − L/2 − mL)²/(2σ²)): a centred Gaussian plus its images across walls 0, L. */
static double image_sum(double x, double L, double sigma)
{
    double s = 0;
    for (int m = -4; m <= 4; m++) {
        double d = x - 0.5 * L - m * L;
        s += exp(-d * d / (2 * sigma * sigma));
    }
    return s;
}

enum { G_L = 320 };
static const double g_sigma0 = 32.0, g_d = 1000.0, g_t = 1.0;

/* Runs the Gaussian on n³ cells; fixed_h > 0 forces fixed steps (plain: no extrapolation).
 * Returns the final values in *out (caller frees) and the exact values in *exact. */
static mn_status gaussian_run(int n, double rtol, double fixed_h, int plain, double **out,
                              double **exact, double *drift)
{
    mn_status st = MN_OK;
    const double h = (double)G_L / n;
    const size_t un = (size_t)n, nv = un * un * un;
    mn_grid *g = NULL;
    mn_field *f = NULL;
    double *c = malloc(nv * sizeof *c), *ex = malloc(nv * sizeof *ex);
    if (!c || !ex) {
        st = mn_error_set(MN_ENOMEM, "verify: out of memory");
        goto done;
    }
    const double s2 = g_sigma0 * g_sigma0 + 2 * g_d * g_t;
    const double amp = pow(g_sigma0 * g_sigma0 / s2, 1.5);
    for (size_t q = 0; q < nv; q++) {
        double x = ((double)(q % un) + 0.5) * h, y = ((double)((q / un) % un) + 0.5) * h,
               z = ((double)(q / un / un) + 0.5) * h;
        c[q] =
            image_sum(x, G_L, g_sigma0) * image_sum(y, G_L, g_sigma0) * image_sum(z, G_L, g_sigma0);
        ex[q] = amp * image_sum(x, G_L, sqrt(s2)) * image_sum(y, G_L, sqrt(s2)) *
                image_sum(z, G_L, sqrt(s2));
    }
    MN_TRY_GOTO(mn_grid_create_uniform(n, n, n, h, &g), done);
    MN_TRY_GOTO(mn_field_create(g, 1, &f), done);
    MN_TRY_GOTO(mn_field_set_diffusivity_uniform(f, 0, g_d), done);
    MN_TRY_GOTO(mn_field_set_values(f, 0, c), done);
    MN_TRY_GOTO(mn_field_set_tolerance(f, rtol, 0), done);
    MN_TRY_GOTO(mn_field_set_initial_step(f, g_t / 100), done);
    if (fixed_h > 0)
        mn_field_debug_fixed_steps(f, fixed_h, plain);
    double m0, m, mprev, worst = 0;
    MN_TRY_GOTO(mn_field_get_mass(f, 0, &m0), done);
    mprev = m0;
    const int chunks = 10;
    long steps_before = 0, steps_now;
    for (int i = 0; i < chunks; i++) {
        MN_TRY_GOTO(mn_field_step(f, g_t / chunks), done);
        MN_TRY_GOTO(mn_field_get_mass(f, 0, &m), done);
        MN_TRY_GOTO(mn_field_get_stats(f, &steps_now, NULL), done);
        double per = fabs(m - mprev) / m0 / (double)(steps_now - steps_before);
        worst = per > worst ? per : worst;
        mprev = m;
        steps_before = steps_now;
    }
    if (drift)
        *drift = worst;
    MN_TRY_GOTO(mn_field_get_values(f, 0, c), done);
    *out = c;
    *exact = ex;
    c = ex = NULL;
done:
    free(c);
    free(ex);
    mn_field_free(f);
    mn_grid_free(g);
    return st;
}

mn_status mn_verify_gaussian_neumann(mn_verify_result *r)
{
    mn_status st = MN_OK;
    double *c[3] = {0}, *ex[3] = {0}, err[3], drift = 0;
    double *ref = NULL, *rex = NULL, *tv[3] = {0}, *tex[3] = {0};
    const int ns[3] = {16, 32, 64};
    for (int i = 0; i < 3; i++) {
        MN_TRY_GOTO(gaussian_run(ns[i], 1e-5, 0, 0, &c[i], &ex[i], i == 1 ? &drift : NULL), done);
        err[i] = rel_l2(c[i], ex[i], (size_t)ns[i] * (size_t)ns[i] * (size_t)ns[i]);
    }
    mn_verify_metric_add(r, "rel_l2_error_64", err[2], 2e-3, 0);
    mn_verify_metric_add(r, "order_space", order(err[1], err[2], 2), 1.8, 1);
    mn_verify_metric_add(r, "mass_drift_per_step", drift, 1e-12, 0);
    /* time: plain SDIRK2 steps against an extrapolated fine-step reference, same grid */
    const int n = 16;
    const size_t un = (size_t)n, nv = un * un * un;
    MN_TRY_GOTO(gaussian_run(n, 0.5, g_t / 160, 0, &ref, &rex, NULL), done);
    double et[3];
    for (int i = 0; i < 3; i++) {
        MN_TRY_GOTO(gaussian_run(n, 0.5, g_t / (5 << i), 1, &tv[i], &tex[i], NULL), done);
        et[i] = rel_l2(tv[i], ref, nv);
    }
    mn_verify_metric_add(r, "order_time", order(et[1], et[2], 2), 1.8, 1);
done:
    for (int i = 0; i < 3; i++) {
        free(c[i]);
        free(ex[i]);
        free(tv[i]);
        free(tex[i]);
    }
    free(ref);
    free(rex);
    return st;
}

/* ---- Two-layer slab with a partition jump ----------------------------------------------- */

mn_status mn_verify_two_layer_partition(mn_verify_result *r)
{
    mn_status st = MN_OK;
    /* stratum-corneum-like layer: 20 µm, D1 = 0.1 µm²/s, K1 = 10; tissue: 180 µm,
     * D2 = 1000 µm²/s, K2 = 1 (contrast 1e4). u = 1 above, u = 0 below. */
    const double L1 = 20, L2 = 180, D1 = 0.1, K1 = 10, D2 = 1000, K2 = 1;
    const int n1 = 10, n2 = 18, nz = n1 + n2, nx = 2, ny = 2;
    const size_t nv = (size_t)nx * (size_t)ny * (size_t)nz;
    double dz[28], *D = malloc(nv * sizeof *D), *K = malloc(nv * sizeof *K);
    double *c = malloc(nv * sizeof *c);
    mn_grid *g = NULL;
    mn_field *f = NULL;
    if (!D || !K || !c) {
        st = mn_error_set(MN_ENOMEM, "verify: out of memory");
        goto done;
    }
    for (int k = 0; k < nz; k++)
        dz[k] = k < n1 ? L1 / n1 : L2 / n2;
    for (size_t q = 0; q < nv; q++) {
        int k = (int)(q / (size_t)(nx * ny));
        D[q] = k < n1 ? D1 : D2;
        K[q] = k < n1 ? K1 : K2;
    }
    MN_TRY_GOTO(mn_grid_create(nx, ny, nz, 10, 10, dz, &g), done);
    MN_TRY_GOTO(mn_field_create(g, 1, &f), done);
    MN_TRY_GOTO(mn_field_set_diffusivity(f, 0, D), done);
    MN_TRY_GOTO(mn_field_set_partition(f, 0, K), done);
    MN_TRY_GOTO(mn_field_set_boundary(f, 0, MN_FACE_TOP, MN_BC_FIXED, 1.0), done);
    MN_TRY_GOTO(mn_field_set_boundary(f, 0, MN_FACE_BOTTOM, MN_BC_FIXED, 0.0), done);
    MN_TRY_GOTO(mn_field_set_initial_step(f, 1e-3), done);
    /* slowest time constant L1²/D1 = 4000 s; 1e5 s is 25 of them */
    MN_TRY_GOTO(mn_field_step(f, 1e5), done);
    double in0, out0, in1, out1;
    MN_TRY_GOTO(mn_field_get_boundary_amount(f, 0, MN_FACE_TOP, &in0), done);
    MN_TRY_GOTO(mn_field_get_boundary_amount(f, 0, MN_FACE_BOTTOM, &out0), done);
    MN_TRY_GOTO(mn_field_step(f, 1e3), done);
    MN_TRY_GOTO(mn_field_get_boundary_amount(f, 0, MN_FACE_TOP, &in1), done);
    MN_TRY_GOTO(mn_field_get_boundary_amount(f, 0, MN_FACE_BOTTOM, &out1), done);
    MN_TRY_GOTO(mn_field_get_values(f, 0, c), done);
    /* exact: flux J = Δu / (L1/(D1 K1) + L2/(D2 K2)); u linear in each layer, continuous;
     * c = K·u jumps by K1/K2 at the interface */
    const double J = 1.0 / (L1 / (D1 * K1) + L2 / (D2 * K2));
    double worst = 0, z = 0;
    for (int k = 0; k < nz; k++) {
        double zc = z + 0.5 * dz[k];
        z += dz[k];
        double u = zc < L1 ? 1.0 - J * zc / (D1 * K1) : J * (L1 + L2 - zc) / (D2 * K2);
        double ce = (zc < L1 ? K1 : K2) * u;
        for (int p = 0; p < nx * ny; p++) {
            double e = fabs(c[(size_t)k * (size_t)(nx * ny) + (size_t)p] - ce) / K1;
            worst = e > worst ? e : worst;
        }
    }
    const double area = nx * ny * 100.0;
    double jin = (in1 - in0) / (1e3 * area), jout = -(out1 - out0) / (1e3 * area);
    mn_verify_metric_add(r, "max_rel_error_profile", worst, 1e-9, 0);
    mn_verify_metric_add(r, "rel_error_flux_in", fabs(jin - J) / J, 1e-8, 0);
    mn_verify_metric_add(r, "rel_error_flux_out", fabs(jout - J) / J, 1e-8, 0);
done:
    free(D);
    free(K);
    free(c);
    mn_field_free(f);
    mn_grid_free(g);
    return st;
}

/* ---- erfc on a semi-infinite medium -------------------------------------------------- */

static mn_status erfc_run(int nz, double *err)
{
    mn_status st = MN_OK;
    const double depth = 2000, D = 100, T = 100;
    const double dzv = depth / nz;
    double *dz = malloc((size_t)nz * sizeof *dz), *c = malloc((size_t)nz * sizeof *c);
    mn_grid *g = NULL;
    mn_field *f = NULL;
    if (!dz || !c) {
        st = mn_error_set(MN_ENOMEM, "verify: out of memory");
        goto done;
    }
    for (int k = 0; k < nz; k++)
        dz[k] = dzv;
    MN_TRY_GOTO(mn_grid_create(1, 1, nz, 10, 10, dz, &g), done);
    MN_TRY_GOTO(mn_field_create(g, 1, &f), done);
    MN_TRY_GOTO(mn_field_set_diffusivity_uniform(f, 0, D), done);
    MN_TRY_GOTO(mn_field_set_boundary(f, 0, MN_FACE_TOP, MN_BC_FIXED, 1.0), done);
    MN_TRY_GOTO(mn_field_set_tolerance(f, 1e-6, 0), done);
    MN_TRY_GOTO(mn_field_set_initial_step(f, 1e-4), done);
    MN_TRY_GOTO(mn_field_step(f, T), done);
    MN_TRY_GOTO(mn_field_get_values(f, 0, c), done);
    double e = 0, x = 0;
    for (int k = 0; k < nz; k++) {
        double ex = erfc((k + 0.5) * dzv / (2 * sqrt(D * T)));
        e += (c[k] - ex) * (c[k] - ex);
        x += ex * ex;
    }
    *err = sqrt(e / x);
done:
    free(dz);
    free(c);
    mn_field_free(f);
    mn_grid_free(g);
    return st;
}

mn_status mn_verify_erfc_semi_infinite(mn_verify_result *r)
{
    double e[3];
    const int n[3] = {50, 100, 200};
    for (int i = 0; i < 3; i++)
        MN_TRY(erfc_run(n[i], &e[i]));
    mn_verify_metric_add(r, "rel_l2_error_200", e[2], 1e-3, 0);
    mn_verify_metric_add(r, "order_space", order(e[1], e[2], 2), 1.8, 1);
    return MN_OK;
}

/* ---- Manufactured solution on a layered, graded medium ------------------------------ */

/* u = e^{−μt}·X(x)·Y(y)·Z(z), X = cos(πx/Lx), Y = cos(πy/Ly), and Z chosen so that
 * D·K·Z' = sin(πz/Lz): u and the flux are continuous across the layers, Z' = 0 at both z
 * faces, and ∂z(D·K·∂z u) = (π/Lz)·cos(πz/Lz)·X·Y·e^{−μt} is smooth. The source that makes
 * it exact is q·e^{−μt} with q = X·Y·[(λ − μ)·M·Z − (π/Lz)·cos(πz/Lz) + D·K·a²·Z],
 * M = cap·K, a² = (π/Lx)² + (π/Ly)². */
enum { M_LAYERS = 3 };
static const double m_thick[M_LAYERS] = {20, 80, 100};
static const double m_d[M_LAYERS] = {5, 200, 800};
static const double m_k[M_LAYERS] = {4, 1, 0.5};
static const double m_cap[M_LAYERS] = {1, 2, 1};
static const int m_cells[M_LAYERS] = {4, 4, 5};
static const double m_lx = 100, m_mu = 0.05, m_lambda = 0.01, m_t = 10;

static double m_profile(double t, void *ctx)
{
    (void)ctx;
    return exp(-m_mu * t);
}

static double m_z(double z, int *layer)
{
    const double lz = m_thick[0] + m_thick[1] + m_thick[2];
    double zbase = 0, val = 1.0;
    for (int l = 0; l < M_LAYERS; l++) {
        double top = zbase, bot = zbase + m_thick[l], dk = m_d[l] * m_k[l];
        double zz = z < bot ? z : bot;
        val += (lz / MN_PI) * (cos(MN_PI * top / lz) - cos(MN_PI * zz / lz)) / dk;
        if (z < bot || l == M_LAYERS - 1) {
            *layer = l;
            return val;
        }
        zbase = bot;
    }
    return val;
}

static mn_status manufactured_run(int level, double rtol, double fixed_h, int plain, double **out,
                                  double **exact, size_t *nvox)
{
    mn_status st = MN_OK;
    const int nx = 5 * level;
    int nz = 0;
    for (int l = 0; l < M_LAYERS; l++)
        nz += m_cells[l] * level;
    const size_t unx = (size_t)nx, plane = unx * unx, nv = plane * (size_t)nz;
    const double lz = m_thick[0] + m_thick[1] + m_thick[2], dx = m_lx / nx;
    const double a2 = 2 * (MN_PI / m_lx) * (MN_PI / m_lx);
    double *dz = malloc((size_t)nz * sizeof *dz);
    double *D = malloc(nv * sizeof *D), *K = malloc(nv * sizeof *K),
           *cap = malloc(nv * sizeof *cap);
    double *q = malloc(nv * sizeof *q), *c = malloc(nv * sizeof *c), *ex = malloc(nv * sizeof *ex);
    mn_grid *g = NULL;
    mn_field *f = NULL;
    if (!dz || !D || !K || !cap || !q || !c || !ex) {
        st = mn_error_set(MN_ENOMEM, "verify: out of memory");
        goto done;
    }
    for (int l = 0, k = 0; l < M_LAYERS; l++)
        for (int i = 0; i < m_cells[l] * level; i++)
            dz[k++] = m_thick[l] / (m_cells[l] * level);
    double z = 0;
    for (int k = 0; k < nz; k++) {
        double zc = z + 0.5 * dz[k];
        z += dz[k];
        int l;
        double Z = m_z(zc, &l);
        double mm = m_cap[l] * m_k[l], dk = m_d[l] * m_k[l];
        for (size_t p = 0; p < plane; p++) {
            double x = ((double)(p % unx) + 0.5) * dx, y = ((double)(p / unx) + 0.5) * dx;
            double xy = cos(MN_PI * x / m_lx) * cos(MN_PI * y / m_lx);
            size_t id = p + plane * (size_t)k;
            D[id] = m_d[l];
            K[id] = m_k[l];
            cap[id] = m_cap[l];
            q[id] = xy * ((m_lambda - m_mu) * mm * Z - (MN_PI / lz) * cos(MN_PI * zc / lz) +
                          dk * a2 * Z);
            c[id] = m_k[l] * xy * Z;
            ex[id] = c[id] * exp(-m_mu * m_t);
        }
    }
    MN_TRY_GOTO(mn_grid_create(nx, nx, nz, dx, dx, dz, &g), done);
    MN_TRY_GOTO(mn_field_create(g, 1, &f), done);
    MN_TRY_GOTO(mn_field_set_diffusivity(f, 0, D), done);
    MN_TRY_GOTO(mn_field_set_partition(f, 0, K), done);
    MN_TRY_GOTO(mn_field_set_capacity(f, 0, cap), done);
    MN_TRY_GOTO(mn_field_set_decay_uniform(f, 0, m_lambda), done);
    MN_TRY_GOTO(mn_field_set_source(f, 0, q), done);
    MN_TRY_GOTO(mn_field_set_source_profile(f, 0, m_profile, NULL), done);
    MN_TRY_GOTO(mn_field_set_values(f, 0, c), done);
    MN_TRY_GOTO(mn_field_set_tolerance(f, rtol, 0), done);
    MN_TRY_GOTO(mn_field_set_initial_step(f, 1e-2), done);
    if (fixed_h > 0)
        mn_field_debug_fixed_steps(f, fixed_h, plain);
    MN_TRY_GOTO(mn_field_step(f, m_t), done);
    MN_TRY_GOTO(mn_field_get_values(f, 0, c), done);
    *out = c;
    *exact = ex;
    *nvox = nv;
    c = ex = NULL;
done:
    free(dz);
    free(D);
    free(K);
    free(cap);
    free(q);
    free(c);
    free(ex);
    mn_field_free(f);
    mn_grid_free(g);
    return st;
}

mn_status mn_verify_manufactured_layered(mn_verify_result *r)
{
    mn_status st = MN_OK;
    double *c[3] = {0}, *ex[3] = {0}, e[3], *ref = NULL, *rex = NULL, *tv[3] = {0}, *tex[3] = {0};
    size_t nv[3], nref;
    const int lv[3] = {1, 2, 4};
    for (int i = 0; i < 3; i++) {
        MN_TRY_GOTO(manufactured_run(lv[i], 1e-5, 0, 0, &c[i], &ex[i], &nv[i]), done);
        e[i] = rel_l2(c[i], ex[i], nv[i]);
    }
    mn_verify_metric_add(r, "rel_l2_error_level4", e[2], 5e-3, 0);
    mn_verify_metric_add(r, "order_space", order(e[1], e[2], 2), 1.8, 1);
    /* time: plain Strang/SDIRK2 steps on the level-2 grid against a fine reference */
    MN_TRY_GOTO(manufactured_run(2, 0.5, m_t / 160, 0, &ref, &rex, &nref), done);
    double et[3];
    for (int i = 0; i < 3; i++) {
        MN_TRY_GOTO(manufactured_run(2, 0.5, m_t / (5 << i), 1, &tv[i], &tex[i], &nref), done);
        et[i] = rel_l2(tv[i], ref, nref);
    }
    mn_verify_metric_add(r, "order_time", order(et[1], et[2], 2), 1.8, 1);
done:
    for (int i = 0; i < 3; i++) {
        free(c[i]);
        free(ex[i]);
        free(tv[i]);
        free(tex[i]);
    }
    free(ref);
    free(rex);
    return st;
}

/* ---- Mass balance ---------------------------------------------------------------------- */

mn_status mn_verify_mass_balance(mn_verify_result *r)
{
    mn_status st = MN_OK;
    const int nx = 12, ny = 10, nz = 14;
    const size_t nv = (size_t)nx * (size_t)ny * (size_t)nz;
    double dz[14], *D = malloc(nv * sizeof *D), *K = malloc(nv * sizeof *K);
    double *cap = malloc(nv * sizeof *cap), *c = malloc(nv * sizeof *c),
           *lam = malloc(nv * sizeof *lam);
    mn_grid *g = NULL;
    mn_field *f = NULL;
    if (!D || !K || !cap || !c || !lam) {
        st = mn_error_set(MN_ENOMEM, "verify: out of memory");
        goto done;
    }
    for (int k = 0; k < nz; k++)
        dz[k] = k < 4 ? 2.0 : 5.0 + k;
    for (size_t q = 0; q < nv; q++) {
        const size_t ux = (size_t)nx, uy = (size_t)ny;
        int i = (int)(q % ux), j = (int)(q / ux % uy), k = (int)(q / ux / uy);
        /* a channel of fast diffusion through a slow top layer, with partition jumps */
        int channel = i >= 4 && i < 7 && j >= 3 && j < 6;
        D[q] = k < 4 ? (channel ? 600.0 : 0.05) : 100.0 + 10.0 * ((i + 2 * j + 3 * k) % 7);
        K[q] = k < 4 && !channel ? 8.0 : 1.0 + 0.1 * (k % 3);
        cap[q] = 1.0 + 0.05 * ((i * j + k) % 5);
        lam[q] = k >= 10 ? 2e-3 : 0.0;
        c[q] = exp(-0.1 * ((i - 5) * (i - 5) + (j - 4) * (j - 4))) * (k < 8 ? 1.0 : 0.2);
    }
    MN_TRY_GOTO(mn_grid_create(nx, ny, nz, 8, 9, dz, &g), done);
    MN_TRY_GOTO(mn_field_create(g, 2, &f), done);
    for (int s = 0; s < 2; s++) {
        MN_TRY_GOTO(mn_field_set_diffusivity(f, s, D), done);
        MN_TRY_GOTO(mn_field_set_partition(f, s, K), done);
        MN_TRY_GOTO(mn_field_set_capacity(f, s, cap), done);
        MN_TRY_GOTO(mn_field_set_values(f, s, c), done);
    }
    /* species 1: finite donor on top, sink at the bottom, clearance in the deep layers */
    const double vdonor = nx * 8.0 * ny * 9.0 * 50.0;
    MN_TRY_GOTO(mn_field_set_donor(f, 1, MN_FACE_TOP, vdonor, 2.0, 3.0), done);
    MN_TRY_GOTO(mn_field_set_boundary(f, 1, MN_FACE_BOTTOM, MN_BC_FIXED, 0.0), done);
    MN_TRY_GOTO(mn_field_set_decay(f, 1, lam), done);
    double m0, total0, donor0;
    MN_TRY_GOTO(mn_field_get_mass(f, 0, &m0), done);
    MN_TRY_GOTO(mn_field_get_mass(f, 1, &total0), done);
    MN_TRY_GOTO(mn_field_get_donor(f, 1, NULL, &donor0), done);
    total0 += donor0;
    double closed = 0, open = 0, mprev = m0, bal_prev = 0, donor_flux_err = 0;
    long sprev = 0;
    for (int it = 0; it < 20; it++) {
        MN_TRY_GOTO(mn_field_step(f, 5.0), done);
        long sn;
        MN_TRY_GOTO(mn_field_get_stats(f, &sn, NULL), done);
        double m, m1, donor, top, bottom, removed;
        MN_TRY_GOTO(mn_field_get_mass(f, 0, &m), done);
        MN_TRY_GOTO(mn_field_get_mass(f, 1, &m1), done);
        MN_TRY_GOTO(mn_field_get_donor(f, 1, NULL, &donor), done);
        MN_TRY_GOTO(mn_field_get_boundary_amount(f, 1, MN_FACE_TOP, &top), done);
        MN_TRY_GOTO(mn_field_get_boundary_amount(f, 1, MN_FACE_BOTTOM, &bottom), done);
        MN_TRY_GOTO(mn_field_get_reaction_amount(f, 1, &removed), done);
        double steps = (double)(sn - sprev);
        sprev = sn;
        double dc = fabs(m - mprev) / m0 / steps;
        closed = dc > closed ? dc : closed;
        mprev = m;
        /* applied = donor + in skin + removed − entered through the bottom face */
        double bal = (donor + m1 + removed - bottom - total0) / total0;
        double db = fabs(bal - bal_prev) / steps;
        open = db > open ? db : open;
        bal_prev = bal;
        double dfe = fabs((donor0 - donor) - top) / total0;
        donor_flux_err = dfe > donor_flux_err ? dfe : donor_flux_err;
    }
    mn_verify_metric_add(r, "closed_mass_drift_per_step", closed, 1e-12, 0);
    mn_verify_metric_add(r, "open_balance_drift_per_step", open, 1e-12, 0);
    mn_verify_metric_add(r, "donor_vs_top_flux_rel", donor_flux_err, 1e-12, 0);
done:
    free(D);
    free(K);
    free(cap);
    free(c);
    free(lam);
    mn_field_free(f);
    mn_grid_free(g);
    return st;
}
