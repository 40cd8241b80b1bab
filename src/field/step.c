/* Time stepping of the field engine.
 *
 * One internal step of length tau advances u by
 *   - fast path (D, K, cap and decay uniform, zero-flux faces, no source or exchange):
 *     X(tau)·Y(tau)·Z(tau) then exact decay e^{−λ tau}. The 1D operators commute here, so
 *     this splitting is exact and the only time error is SDIRK2's (second order).
 *   - general path: Strang splitting R(tau/2)·X(tau/2)·Y(tau/2)·Z(tau)·Y(tau/2)·X(tau/2)·R(tau/2)
 *     with R the exact per-voxel solution of the reaction ODE (decay, exchange, source).
 * Each 1D operator X, Y, Z is one step of Alexander's L-stable SDIRK2: two tridiagonal
 * solves with the same matrix. Passes: planes (x and y fused, in cache) and z-slabs.
 * The step size is controlled by step doubling (one step of tau versus two of tau/2, whose
 * difference / 3 estimates the local error of the two half steps that are kept).
 * Reductions (mass, fluxes, error norm) are per plane or slab and summed in a fixed order,
 * so results are bitwise identical for any thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/error.h"
#include "core/signals.h"
#include "field/field_impl.h"
#include "field/kernels.h"

/* Below this many voxels a pass runs on one thread: forking costs more than it saves,
 * and spinning threads hurt on a shared machine. */
#define MN_PARALLEL_MIN_VOXELS 32768

enum { ACC_FACE0 = 0, ACC_REACT = 6, ACC_ERR = 7, ACC_NORM = 8, NACC = 9 };

typedef struct eval_out {
    double acc[NACC]; /* boundary amounts per face, reaction amount, error sums */
    double donor_u;
} eval_out;

typedef struct scratch {
    double *P, *T, *U0, *a, *cp, *inv; /* a, cp, inv: fast path only (per line) */
    double *blo, *bhi, *y1lo, *y1hi, *line;
} scratch;

static void scratch_free(scratch *s)
{
    double *all[] = {s->P,   s->T,   s->U0,   s->a,    s->cp,  s->inv,
                     s->blo, s->bhi, s->y1lo, s->y1hi, s->line};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(all[i]);
}

static int scratch_alloc(scratch *s, const mn_grid *g, int general)
{
    memset(s, 0, sizeof *s);
    size_t nmax = (size_t)g->nx;
    if ((size_t)g->ny > nmax)
        nmax = (size_t)g->ny;
    if ((size_t)g->nz > nmax)
        nmax = (size_t)g->nz;
    size_t plane = (size_t)g->nx * (size_t)g->ny, slab = (size_t)g->nx * (size_t)g->nz;
    size_t big = plane > slab ? plane : slab;
    s->P = malloc(big * sizeof(double));
    s->T = malloc(big * sizeof(double));
    s->U0 = malloc(big * sizeof(double));
    s->line = malloc(4 * nmax * sizeof(double));
    int ok = s->P && s->T && s->U0 && s->line;
    /* the general path's coefficients and factors live in the species' cache (cache.h) */
    double **arrs[] = {&s->blo, &s->bhi, &s->y1lo, &s->y1hi};
    double **fast[] = {&s->a, &s->cp, &s->inv};
    double ***which = general ? arrs : fast;
    const size_t count = general ? 4 : 3;
    for (size_t i = 0; i < count; i++) {
        *which[i] = malloc(nmax * sizeof(double));
        ok = ok && *which[i];
    }
    return ok;
}

/* Face conductance per unit area (µm/s) between cells of thickness h1, h2 with D·K values
 * dk1, dk2: series resistances of the two half cells (harmonic mean). */
static inline double face_g(double h1, double dk1, double h2, double dk2)
{
    if (dk1 <= 0 || dk2 <= 0)
        return 0;
    return 2.0 * dk1 * dk2 / (h1 * dk2 + h2 * dk1);
}

static inline size_t vox(const mn_grid *g, int dir, int fixed, int m, int n)
{
    switch (dir) {
    case 0: /* x lines in plane k = fixed: m = i, n = j */
        return (size_t)m + (size_t)g->nx * ((size_t)n + (size_t)g->ny * (size_t)fixed);
    case 1: /* y lines in plane k = fixed: m = j, n = i */
        return (size_t)n + (size_t)g->nx * ((size_t)m + (size_t)g->ny * (size_t)fixed);
    default: /* z lines in slab j = fixed: m = k, n = i */
        return (size_t)n + (size_t)g->nx * ((size_t)fixed + (size_t)g->ny * (size_t)m);
    }
}

static inline double spacing(const mn_grid *g, int dir, int m)
{
    return dir == 0 ? g->dx : dir == 1 ? g->dy : g->dz[m];
}

static inline int line_len(const mn_grid *g, int dir)
{
    return dir == 0 ? g->nx : dir == 1 ? g->ny : g->nz;
}

static inline int line_count(const mn_grid *g, int dir)
{
    return dir == 0 ? g->ny : g->nx;
}

/* Boundary conductance of the half cell next to a face (0 for zero flux). */
static inline double bnd_g(const mn_species *sp, int face, double h, double dk)
{
    return sp->bc[face] == MN_BC_ZERO_FLUX ? 0 : 2.0 * dk / h;
}

/* Coefficients of A along direction dir for the lines of plane/slab `fixed`, per (m, n);
 * wlo/whi: boundary conductance / (h·M) of the end cells, so b = w·u_boundary. */
static void build_var(const mn_grid *g, const mn_species *sp, int dir, int fixed, double *olo,
                      double *oup, double *odg, double *wlo, double *whi)
{
    const int nm = line_len(g, dir), nn = line_count(g, dir);
    const int flo = 2 * dir, fhi = 2 * dir + 1;
    for (int m = 0; m < nm; m++) {
        const double h = spacing(g, dir, m);
        const double hp = m + 1 < nm ? spacing(g, dir, m + 1) : 0;
        const double hm = m > 0 ? spacing(g, dir, m - 1) : 0;
        for (int n = 0; n < nn; n++) {
            size_t id = vox(g, dir, fixed, m, n);
            double k = mn_coef_at(&sp->k, id);
            double dk = mn_coef_at(&sp->d, id) * k;
            double hmass = h * mn_coef_at(&sp->cap, id) * k;
            double lo = 0, up = 0, diag;
            if (m > 0) {
                size_t jd = vox(g, dir, fixed, m - 1, n);
                lo = face_g(hm, mn_coef_at(&sp->d, jd) * mn_coef_at(&sp->k, jd), h, dk) / hmass;
            }
            if (m + 1 < nm) {
                size_t jd = vox(g, dir, fixed, m + 1, n);
                up = face_g(h, dk, hp, mn_coef_at(&sp->d, jd) * mn_coef_at(&sp->k, jd)) / hmass;
            }
            diag = -(lo + up);
            if (m == 0) {
                double w = bnd_g(sp, flo, h, dk) / hmass;
                wlo[n] = w;
                diag -= w;
            }
            if (m == nm - 1) {
                double w = bnd_g(sp, fhi, h, dk) / hmass;
                whi[n] = w;
                diag -= w;
            }
            size_t o = (size_t)m * (size_t)nn + (size_t)n;
            olo[o] = lo;
            oup[o] = up;
            odg[o] = diag;
        }
    }
}

/* Area of the boundary face of line n along dir in plane/slab `fixed`. */
static inline double line_area(const mn_grid *g, int dir, int fixed)
{
    return dir == 0 ? g->dy * g->dz[fixed] : dir == 1 ? g->dx * g->dz[fixed] : g->dx * g->dy;
}

/* Mass weight cap·K·vol of the boundary cell (for the face amount from w = G/(h·M)). */
static inline double cell_hm_area(const mn_grid *g, const mn_species *sp, int dir, int fixed, int m,
                                  int n)
{
    size_t id = vox(g, dir, fixed, m, n);
    return spacing(g, dir, m) * mn_coef_at(&sp->cap, id) * mn_coef_at(&sp->k, id) *
           line_area(g, dir, fixed);
}

/* Fills, as planned, the cached coefficients and the factors of I − c·A for the lines of
 * plane/slab `fixed` along dir. */
static void prepare_lines(const mn_grid *g, mn_species *sp, int dir, int fixed,
                          const mn_line_plan *pl, double c)
{
    if (!pl->build_fac)
        return;
    mn_line_cache *lc = &sp->cache.dir[dir];
    const int nm = line_len(g, dir), nn = line_count(g, dir);
    const size_t off = (size_t)fixed * (size_t)nm * (size_t)nn, woff = (size_t)fixed * (size_t)nn;
    if (pl->build_coef)
        build_var(g, sp, dir, fixed, lc->lo + off, lc->up + off, lc->dg + off, lc->wlo + woff,
                  lc->whi + woff);
    mn_line_factor *fa = &lc->fac[pl->slot];
    mn_kern_factor_mn(nm, nn, lc->lo + off, lc->up + off, lc->dg + off, c, fa->a + off,
                      fa->cp + off, fa->inv + off);
}

/* One SDIRK2 step over tau along dir for buffer B (layout m*nn + n) with variable
 * coefficients, factored in cache slot `slot`; boundary values ulo/uhi (fixed or infinite
 * donor); accumulates the amounts entering through the two faces into acc. */
static void sweep_var(const mn_grid *g, const mn_species *sp, int dir, int fixed, double tau,
                      int slot, double *B, scratch *s, double *acc)
{
    const int nm = line_len(g, dir), nn = line_count(g, dir);
    const int flo = 2 * dir, fhi = 2 * dir + 1;
    const double c = MN_SDIRK_GAMMA * tau;
    const mn_line_cache *lc = &sp->cache.dir[dir];
    const mn_line_factor *fa = &lc->fac[slot];
    const size_t off = (size_t)fixed * (size_t)nm * (size_t)nn, woff = (size_t)fixed * (size_t)nn;
    const double *wlo = lc->wlo + woff, *whi = lc->whi + woff;
    const int has_lo = sp->bc[flo] != MN_BC_ZERO_FLUX, has_hi = sp->bc[fhi] != MN_BC_ZERO_FLUX;
    const double ulo = sp->bc_value[flo], uhi = sp->bc_value[fhi];
    for (int n = 0; n < nn; n++) {
        s->blo[n] = has_lo ? wlo[n] * ulo : 0;
        s->bhi[n] = has_hi ? whi[n] * uhi : 0;
    }
    mn_kern_sdirk2(nm, nn, 1, fa->a + off, fa->cp + off, fa->inv + off, c, has_lo ? s->blo : NULL,
                   has_hi ? s->bhi : NULL, B, s->U0, s->y1lo, s->y1hi);
    /* amount in = tau·Σ_stages b_j·G·(u_b − Y_j) · area, with G·area = w·h·M·area */
    const size_t last = (size_t)(nm - 1) * (size_t)nn;
    for (int n = 0; n < nn; n++) {
        if (has_lo) {
            double w = wlo[n] * cell_hm_area(g, sp, dir, fixed, 0, n);
            acc[flo] += tau * w *
                        ((1 - MN_SDIRK_GAMMA) * (ulo - s->y1lo[n]) + MN_SDIRK_GAMMA * (ulo - B[n]));
        }
        if (has_hi) {
            double w = whi[n] * cell_hm_area(g, sp, dir, fixed, nm - 1, n);
            acc[fhi] += tau * w *
                        ((1 - MN_SDIRK_GAMMA) * (uhi - s->y1hi[n]) +
                         MN_SDIRK_GAMMA * (uhi - B[last + (size_t)n]));
        }
    }
}

/* Exact solution over tau of M·du/dt = −λ·M·u + r·(u_ref − u) + q·p for the n voxels of a
 * plane (indices base..base+n); accumulates the amount removed. E holds e^{−rate·tau} per
 * voxel, filled here when `build` (cache.h). */
static void react(const mn_grid *g, const mn_species *sp, int k, double *P, double tau,
                  double profile, double *E, int build, int build_coef, double *acc)
{
    const size_t plane = (size_t)g->nx * (size_t)g->ny, base = plane * (size_t)k;
    const double vol = g->dx * g->dy * g->dz[k];
    const mn_react_cache *rc = &sp->cache.react;
    double *M = rc->m, *RATE = rc->rate, *RX = rc->rx;
    if (build_coef)
        for (size_t p = 0; p < plane; p++) {
            size_t id = base + p;
            double m = mn_coef_at(&sp->cap, id) * mn_coef_at(&sp->k, id);
            double r = mn_coef_at(&sp->xrate, id);
            M[id] = m;
            RATE[id] = mn_coef_at(&sp->decay, id) + r / m;
            RX[id] = r * mn_coef_at(&sp->xref, id);
        }
    double removed = 0;
    for (size_t p = 0; p < plane; p++) {
        size_t id = base + p;
        const double m = M[id], rate = RATE[id];
        const double b = (RX[id] + mn_coef_at(&sp->src, id) * profile) / m;
        double u = P[p], un;
        if (rate > 0) {
            if (build)
                E[id] = exp(-rate * tau);
            double e = E[id];
            un = u * e + (b / rate) * (1 - e);
        } else {
            un = u + b * tau;
        }
        removed += (u - un) * m;
        P[p] = un;
    }
    acc[ACC_REACT] += removed * vol;
}

static int is_fast(const mn_species *sp)
{
    if (sp->d.v || sp->k.v || sp->cap.v || sp->decay.v)
        return 0;
    if (sp->xrate.v || sp->xrate.uniform != 0 || sp->src.v || sp->src.uniform != 0)
        return 0;
    for (int f = 0; f < 6; f++)
        if (sp->bc[f] != MN_BC_ZERO_FLUX)
            return 0;
    return 1;
}

/* Factors for the fast path along one direction (coefficients vary along m only, through
 * a graded dz). */
static void factor_uniform(const mn_grid *g, const mn_species *sp, int dir, double tau, double *lo,
                           double *up, double *dg, double *a, double *cp, double *inv)
{
    const int nm = line_len(g, dir);
    const double dk = sp->d.uniform * sp->k.uniform, mk = sp->cap.uniform * sp->k.uniform;
    for (int m = 0; m < nm; m++) {
        double h = spacing(g, dir, m);
        lo[m] = m > 0 ? face_g(spacing(g, dir, m - 1), dk, h, dk) / (h * mk) : 0;
        up[m] = m + 1 < nm ? face_g(h, dk, spacing(g, dir, m + 1), dk) / (h * mk) : 0;
        dg[m] = -(lo[m] + up[m]);
    }
    mn_kern_factor_m(nm, lo, up, dg, MN_SDIRK_GAMMA * tau, a, cp, inv);
}

typedef struct eval_args {
    const void *src;
    void *dst;
    const void *cmp; /* big-step result to compare with (last pass), or NULL */
    double tau, t;   /* step length and start time */
    double donor_in; /* donor state at the start */
} eval_args;

/* Sums per-plane partials [count][NACC] in a fixed order. */
static void reduce(const double *part, int count, double *acc)
{
    for (int i = 0; i < count; i++)
        for (int q = 0; q < NACC; q++)
            acc[q] += part[(size_t)i * (size_t)NACC + (size_t)q];
}

/* Error sums of the two half steps S against the big step, then (local extrapolation)
 * S + (S − big)/3, which cancels the leading error term of both. */
static void err_sums(double *S, const void *cmp, int is_float, size_t off, size_t n, double *tmp,
                     double *acc)
{
    mn_kern_load(cmp, is_float, off, n, tmp);
    double e = 0, u = 0;
    for (size_t i = 0; i < n; i++) {
        double d = S[i] - tmp[i];
        e += d * d;
        u += S[i] * S[i];
        S[i] += d * (1.0 / 3.0);
    }
    acc[ACC_ERR] += e;
    acc[ACC_NORM] += u;
}

static mn_status eval_fast(mn_field *f, mn_species *sp, const eval_args *ea, eval_out *out,
                           double *part)
{
    const mn_grid *g = &f->g;
    const int nx = g->nx, ny = g->ny, nz = g->nz, isf = sp->storage == MN_STORAGE_FLOAT;
    const size_t plane = (size_t)nx * (size_t)ny;
    const double tau = ea->tau;
    int nmax = nx > ny ? nx : ny;
    nmax = nmax > nz ? nmax : nz;
    /* factors: 3 directions × (a, cp, inv) */
    double *fac = malloc((size_t)12 * (size_t)nmax * sizeof(double));
    if (!fac)
        return mn_error_set(MN_ENOMEM, "field: out of memory for factors");
    double *tmp3 = fac + 9 * nmax;
    for (int d = 0; d < 3; d++)
        factor_uniform(g, sp, d, tau, tmp3, tmp3 + nmax, tmp3 + 2 * nmax, fac + 3 * d * nmax,
                       fac + (3 * d + 1) * nmax, fac + (3 * d + 2) * nmax);
    const double decay = exp(-sp->decay.uniform * tau);
    const double mk = sp->cap.uniform * sp->k.uniform;
    int fail = 0;
    memset(part, 0, (size_t)(nz > ny ? nz : ny) * NACC * sizeof(double));
#pragma omp parallel if (f->nvox >= MN_PARALLEL_MIN_VOXELS)
    {
        scratch s;
        int ok = scratch_alloc(&s, g, 0);
        if (!ok) {
#pragma omp atomic write
            fail = 1;
        }
#pragma omp for schedule(static)
        for (int k = 0; k < nz; k++) {
            if (!ok)
                continue;
            /* x lines: load transposed so that i is the slow axis and j the vector axis */
            mn_kern_load_transposed(ea->src, isf, plane * (size_t)k, ny, nx, s.T);
            mn_kern_sdirk2(nx, ny, 0, fac, fac + nmax, fac + 2 * nmax, MN_SDIRK_GAMMA * tau, NULL,
                           NULL, s.T, s.U0, NULL, NULL);
            mn_kern_transpose(nx, ny, s.T, s.P);
            mn_kern_sdirk2(ny, nx, 0, fac + 3 * nmax, fac + 4 * nmax, fac + 5 * nmax,
                           MN_SDIRK_GAMMA * tau, NULL, NULL, s.P, s.U0, NULL, NULL);
            mn_kern_store(ea->dst, isf, plane * (size_t)k, plane, s.P);
        }
#pragma omp for schedule(static)
        for (int j = 0; j < ny; j++) {
            if (!ok)
                continue;
            double *acc = part + (size_t)j * NACC;
            for (int k = 0; k < nz; k++)
                mn_kern_load(ea->dst, isf, (size_t)nx * ((size_t)j + (size_t)ny * (size_t)k),
                             (size_t)nx, s.P + (size_t)k * (size_t)nx);
            mn_kern_sdirk2(nz, nx, 0, fac + 6 * nmax, fac + 7 * nmax, fac + 8 * nmax,
                           MN_SDIRK_GAMMA * tau, NULL, NULL, s.P, s.U0, NULL, NULL);
            /* exact decay, which commutes with uniform diffusion */
            for (int k = 0; k < nz; k++) {
                double *row = s.P + (size_t)k * (size_t)nx, sum = 0;
                for (int i = 0; i < nx; i++) {
                    sum += row[i];
                    row[i] *= decay;
                }
                acc[ACC_REACT] += sum * (1 - decay) * mk * g->dx * g->dy * g->dz[k];
            }
            for (int k = 0; k < nz; k++) {
                size_t off = (size_t)nx * ((size_t)j + (size_t)ny * (size_t)k);
                if (ea->cmp)
                    err_sums(s.P + (size_t)k * (size_t)nx, ea->cmp, isf, off, (size_t)nx, s.T, acc);
                mn_kern_store(ea->dst, isf, off, (size_t)nx, s.P + (size_t)k * (size_t)nx);
            }
        }
        scratch_free(&s);
    }
    free(fac);
    if (fail)
        return mn_error_set(MN_ENOMEM, "field: out of memory for per-thread buffers");
    /* xy pass: load src, store dst; z pass: load dst (and the big step to compare), store dst */
    sp->state_bytes += (double)f->nvox * (isf ? 4.0 : 8.0) * (ea->cmp ? 5.0 : 4.0);
    memset(out, 0, sizeof *out);
    reduce(part, ny, out->acc);
    out->donor_u = ea->donor_in;
    return MN_OK;
}

/* x and y sweeps of a plane in the general path, in the order x,y (first) or y,x. */
static void plane_xy(const mn_grid *g, const mn_species *sp, int k, double tau, int yx,
                     const int slot[2], scratch *s, double *acc)
{
    const int nx = g->nx, ny = g->ny;
    for (int o = 0; o < 2; o++) {
        int dir = (o == 0) == !yx ? 0 : 1;
        if (dir == 0) {
            mn_kern_transpose(ny, nx, s->P, s->T);
            sweep_var(g, sp, 0, k, tau, slot[0], s->T, s, acc);
            mn_kern_transpose(nx, ny, s->T, s->P);
        } else {
            sweep_var(g, sp, 1, k, tau, slot[1], s->P, s, acc);
        }
    }
}

static inline double profile_at(const mn_species *sp, double t)
{
    return sp->profile ? sp->profile(t, sp->profile_ctx) : 1.0;
}

/* Z sweep with a finite, well-mixed donor over one z face: the donor couples all columns,
 * so the stage systems are bordered; solved exactly by superposition Y = x + Y_d·y. */
static mn_status z_donor(mn_field *f, mn_species *sp, const eval_args *ea, double *part,
                         double *donor_out)
{
    const mn_grid *g = &f->g;
    const int nx = g->nx, ny = g->ny, nz = g->nz, isf = sp->storage == MN_STORAGE_FLOAT;
    const int top = sp->donor_face == MN_FACE_Z_LO, face = sp->donor_face;
    const int mb = top ? 0 : nz - 1, mo = top ? nz - 1 : 0;
    const int oface = top ? MN_FACE_Z_HI : MN_FACE_Z_LO;
    const int has_o = sp->bc[oface] == MN_BC_FIXED;
    const double uo = sp->bc_value[oface];
    const double tau = ea->tau, c = MN_SDIRK_GAMMA * tau;
    const double cd = sp->donor_volume * sp->donor_k; /* donor amount per unit u */
    const double ud0 = ea->donor_in;
    double *ytop = malloc((size_t)nx * (size_t)ny * sizeof(double));
    double *sums = calloc((size_t)ny * 3, sizeof(double));
    double *y1 = sp->y1;
    if (!ytop || !sums) {
        free(ytop);
        free(sums);
        return mn_error_set(MN_ENOMEM, "field: out of memory for the donor solve");
    }
    int fail = 0;
    double yd1 = 0, yd2 = 0;
    /* the four phases share one factorisation per slab: built in phase 0 if the cache
     * misses, committed once all slabs have it */
    mn_line_plan plan = mn_field_cache_plan(&sp->cache.dir[2], sp->coef_version, c);
    const mn_line_cache *lc = &sp->cache.dir[2];
    const mn_line_factor *fa = &lc->fac[plan.slot];
    for (int phase = 0; phase < 4; phase++) {
        const int stage = phase / 2, final = phase % 2;
        memset(sums, 0, (size_t)ny * 3 * sizeof(double));
#pragma omp parallel if (f->nvox >= MN_PARALLEL_MIN_VOXELS)
        {
            scratch s;
            int ok = scratch_alloc(&s, g, 1);
            if (!ok) {
#pragma omp atomic write
                fail = 1;
            }
#pragma omp for schedule(static)
            for (int j = 0; j < ny; j++) {
                if (!ok)
                    continue;
                if (phase == 0)
                    prepare_lines(g, sp, 2, j, &plan, c);
                const size_t off = (size_t)j * (size_t)nz * (size_t)nx;
                const double *fa_a = fa->a + off, *fa_cp = fa->cp + off, *fa_inv = fa->inv + off;
                const double *wlo = lc->wlo + (size_t)j * (size_t)nx,
                             *whi = lc->whi + (size_t)j * (size_t)nx;
                const double *w = top ? wlo : whi, *wo = top ? whi : wlo;
                double *B = s.P;
                const size_t rowb = (size_t)mb * (size_t)nx, rowo = (size_t)mo * (size_t)nx;
                if (phase == 0) {
                    /* response y to a unit donor value */
                    memset(B, 0, (size_t)nz * (size_t)nx * sizeof(double));
                    for (int i = 0; i < nx; i++)
                        B[rowb + (size_t)i] = c * w[i];
                    mn_kern_solve(nz, nx, 1, fa_a, fa_cp, fa_inv, B);
                    for (int i = 0; i < nx; i++)
                        ytop[(size_t)j * (size_t)nx + (size_t)i] = B[rowb + (size_t)i];
                }
                /* right-hand side without the donor term */
                for (int k = 0; k < nz; k++)
                    mn_kern_load(ea->dst, isf, (size_t)nx * ((size_t)j + (size_t)ny * (size_t)k),
                                 (size_t)nx, B + (size_t)k * (size_t)nx);
                if (stage == 1)
                    for (int k = 0; k < nz; k++)
                        for (int i = 0; i < nx; i++) {
                            size_t o = (size_t)k * (size_t)nx + (size_t)i;
                            double y =
                                y1[(size_t)i + (size_t)nx * ((size_t)j + (size_t)ny * (size_t)k)];
                            B[o] = (1 - MN_SDIRK_ALPHA) * B[o] + MN_SDIRK_ALPHA * y;
                        }
                if (has_o)
                    for (int i = 0; i < nx; i++)
                        B[rowo + (size_t)i] += c * wo[i] * uo;
                if (final) {
                    double yd = stage ? yd2 : yd1;
                    for (int i = 0; i < nx; i++)
                        B[rowb + (size_t)i] += c * w[i] * yd;
                }
                mn_kern_solve(nz, nx, 1, fa_a, fa_cp, fa_inv, B);
                double s0 = 0, s1 = 0, s2 = 0;
                for (int i = 0; i < nx; i++) {
                    /* conductance·area of the donor face of column i */
                    double ga = w[i] * cell_hm_area(g, sp, 2, j, mb, i);
                    if (!final) {
                        s0 += ga * B[rowb + (size_t)i];
                        s1 += ga * (1 - ytop[(size_t)j * (size_t)nx + (size_t)i]);
                    } else {
                        double yd = stage ? yd2 : yd1;
                        double wt = stage ? MN_SDIRK_GAMMA : 1 - MN_SDIRK_GAMMA;
                        s0 += tau * wt * ga * (yd - B[rowb + (size_t)i]);
                        if (has_o)
                            s2 += tau * wt * wo[i] * cell_hm_area(g, sp, 2, j, mo, i) *
                                  (uo - B[rowo + (size_t)i]);
                    }
                }
                sums[3 * j] = s0;
                sums[3 * j + 1] = s1;
                sums[3 * j + 2] = s2;
                if (final && stage == 0) {
                    for (int k = 0; k < nz; k++)
                        for (int i = 0; i < nx; i++)
                            y1[(size_t)i + (size_t)nx * ((size_t)j + (size_t)ny * (size_t)k)] =
                                B[(size_t)k * (size_t)nx + (size_t)i];
                } else if (final) {
                    for (int k = 0; k < nz; k++)
                        mn_kern_store(ea->dst, isf,
                                      (size_t)nx * ((size_t)j + (size_t)ny * (size_t)k), (size_t)nx,
                                      B + (size_t)k * (size_t)nx);
                }
            }
            scratch_free(&s);
        }
        if (fail) {
            free(ytop);
            free(sums);
            return mn_error_set(MN_ENOMEM, "field: out of memory for per-thread buffers");
        }
        if (phase == 0) {
            mn_field_cache_commit(&sp->cache.dir[2], &plan, sp->coef_version, c);
            plan.build_fac = plan.build_coef = 0;
        }
        double s0 = 0, s1 = 0;
        for (int j = 0; j < ny; j++) {
            s0 += sums[3 * j];
            s1 += sums[3 * j + 1];
        }
        if (!final) {
            double rd = stage ? ud0 + MN_SDIRK_ALPHA * (yd1 - ud0) : ud0;
            double yd = (cd * rd / c + s0) / (cd / c + s1);
            if (stage)
                yd2 = yd;
            else
                yd1 = yd;
        } else {
            /* amounts per slab into the partials, in slab order */
            for (int j = 0; j < ny; j++) {
                part[(size_t)j * (size_t)NACC + (size_t)face] += sums[3 * j];
                part[(size_t)j * (size_t)NACC + (size_t)oface] += sums[3 * j + 2];
            }
        }
    }
    *donor_out = yd2;
    free(ytop);
    free(sums);
    return MN_OK;
}

static mn_status eval_general(mn_field *f, mn_species *sp, const eval_args *ea, eval_out *out,
                              double *part)
{
    const mn_grid *g = &f->g;
    const int nx = g->nx, ny = g->ny, nz = g->nz, isf = sp->storage == MN_STORAGE_FLOAT;
    const size_t plane = (size_t)nx * (size_t)ny;
    const double tau = ea->tau;
    const int npart = nz > ny ? nz : ny;
    const int finite_donor = sp->donor_face >= 0 && isfinite(sp->donor_volume);
    memset(out, 0, sizeof *out);
    out->donor_u = ea->donor_in;
    /* an infinite donor acts as a fixed value */
    if (sp->donor_face >= 0)
        sp->bc_value[sp->donor_face] = ea->donor_in;
    const double p1 = profile_at(sp, ea->t + 0.25 * tau), p2 = profile_at(sp, ea->t + 0.75 * tau);
    const size_t nw[3] = {(size_t)nz * (size_t)ny, (size_t)nz * (size_t)nx,
                          (size_t)ny * (size_t)nx};
    if (mn_field_cache_alloc(&sp->cache, f->nvox, nw))
        return mn_error_set(MN_ENOMEM, "field: out of memory for the operator cache (%zu bytes)",
                            mn_field_cache_bytes(f->nvox));
    /* stage coefficients exactly as sweep_var forms them */
    const double cxy = MN_SDIRK_GAMMA * (0.5 * tau), cz = MN_SDIRK_GAMMA * tau;
    mn_line_plan plan[3] = {mn_field_cache_plan(&sp->cache.dir[0], sp->coef_version, cxy),
                            mn_field_cache_plan(&sp->cache.dir[1], sp->coef_version, cxy),
                            mn_field_cache_plan(&sp->cache.dir[2], sp->coef_version, cz)};
    const int slot[2] = {plan[0].slot, plan[1].slot};
    int rbuild = 0;
    const int rslot =
        mn_field_cache_react_slot(&sp->cache.react, sp->react_version, 0.5 * tau, &rbuild);
    double *E = sp->cache.react.e[rslot];
    const int cbuild = sp->cache.react.coef_version != sp->react_version;
    int fail = 0;
    for (int pass = 0; pass < 3; pass++) {
        memset(part, 0, (size_t)npart * NACC * sizeof(double));
        if (pass == 1 && finite_donor) {
            /* x/y faces see nothing in a z pass; only the donor face and the other z face.
             * The non-donor z face, if fixed, is part of the same bordered solve. */
            MN_TRY(z_donor(f, sp, ea, part, &out->donor_u));
            reduce(part, ny, out->acc);
            continue;
        }
#pragma omp parallel if (f->nvox >= MN_PARALLEL_MIN_VOXELS)
        {
            scratch s;
            int ok = scratch_alloc(&s, g, 1);
            if (!ok) {
#pragma omp atomic write
                fail = 1;
            }
            if (pass != 1) {
#pragma omp for schedule(static)
                for (int k = 0; k < nz; k++) {
                    if (!ok)
                        continue;
                    double *acc = part + (size_t)k * NACC;
                    mn_kern_load(pass == 0 ? ea->src : ea->dst, isf, plane * (size_t)k, plane, s.P);
                    if (pass == 0) {
                        prepare_lines(g, sp, 0, k, &plan[0], cxy);
                        prepare_lines(g, sp, 1, k, &plan[1], cxy);
                        react(g, sp, k, s.P, 0.5 * tau, p1, E, rbuild, cbuild, acc);
                        plane_xy(g, sp, k, 0.5 * tau, 0, slot, &s, acc);
                    } else {
                        plane_xy(g, sp, k, 0.5 * tau, 1, slot, &s, acc);
                        react(g, sp, k, s.P, 0.5 * tau, p2, E, 0, 0, acc);
                        if (ea->cmp)
                            err_sums(s.P, ea->cmp, isf, plane * (size_t)k, plane, s.T, acc);
                    }
                    mn_kern_store(ea->dst, isf, plane * (size_t)k, plane, s.P);
                }
            } else {
#pragma omp for schedule(static)
                for (int j = 0; j < ny; j++) {
                    if (!ok)
                        continue;
                    double *acc = part + (size_t)j * NACC;
                    for (int k = 0; k < nz; k++)
                        mn_kern_load(ea->dst, isf,
                                     (size_t)nx * ((size_t)j + (size_t)ny * (size_t)k), (size_t)nx,
                                     s.P + (size_t)k * (size_t)nx);
                    prepare_lines(g, sp, 2, j, &plan[2], cz);
                    sweep_var(g, sp, 2, j, tau, plan[2].slot, s.P, &s, acc);
                    for (int k = 0; k < nz; k++)
                        mn_kern_store(ea->dst, isf,
                                      (size_t)nx * ((size_t)j + (size_t)ny * (size_t)k), (size_t)nx,
                                      s.P + (size_t)k * (size_t)nx);
                }
            }
            scratch_free(&s);
        }
        if (fail)
            return mn_error_set(MN_ENOMEM, "field: out of memory for per-thread buffers");
        if (pass == 0) {
            for (int d = 0; d < 2; d++)
                mn_field_cache_commit(&sp->cache.dir[d], &plan[d], sp->coef_version, cxy);
            mn_field_cache_react_commit(&sp->cache.react, rslot, sp->react_version, 0.5 * tau);
            sp->cache.react.coef_version = sp->react_version;
        } else if (pass == 1) {
            mn_field_cache_commit(&sp->cache.dir[2], &plan[2], sp->coef_version, cz);
        }
        reduce(part, pass == 1 ? ny : nz, out->acc);
    }
    return MN_OK;
}

static mn_status evaluate(mn_field *f, mn_species *sp, const eval_args *ea, eval_out *out,
                          double *part)
{
    return is_fast(sp) ? eval_fast(f, sp, ea, out, part) : eval_general(f, sp, ea, out, part);
}

static void swap(void **a, void **b)
{
    void *t = *a;
    *a = *b;
    *b = t;
}

void mn_field_debug_fixed_steps(mn_field *f, double h_s, int plain)
{
    f->fixed_h = h_s;
    f->plain = plain;
}

mn_status mn_field_species_step(mn_field *f, int s, double dt)
{
    mn_species *sp = &f->sp[s];
    const mn_grid *g = &f->g;
    const int npart = g->nz > g->ny ? g->nz : g->ny;
    double *part = calloc((size_t)npart * NACC, sizeof(double));
    if (!part)
        return mn_error_set(MN_ENOMEM, "field: out of memory for partial sums");
    mn_status st = MN_OK;
    const double t_end = sp->t + dt;
    double remaining = dt;
    const double sqrt_n = sqrt((double)f->nvox);
    while (remaining > 0) {
        /* SIGINT/SIGTERM: stop within one step, the state at a whole step (core/signals.h). */
        if (mn_signals_stop_requested()) {
            st = mn_error_set(MN_EINTERRUPTED, "stopped on request (field at t = %g s)", sp->t);
            goto done;
        }
        const double prop = f->fixed_h > 0 ? f->fixed_h : sp->h_next > 0 ? sp->h_next : remaining;
        double h = prop;
        if (h >= remaining * (1 - 1e-12))
            h = remaining;
        else if (h > 0.5 * remaining && f->fixed_h <= 0)
            h = 0.5 * remaining; /* two balanced steps rather than one long and one sliver */
        swap(&sp->u, &sp->u0);   /* the current state becomes the step's start */
        eval_out big, half1, half2;
        if (f->fixed_h > 0 && f->plain) {
            eval_args ep = {sp->u0, sp->u, NULL, h, sp->t, sp->donor_u};
            MN_TRY_GOTO(evaluate(f, sp, &ep, &half1, part), done);
            for (int q = 0; q < 6; q++)
                sp->bnd_amount[q] += half1.acc[q];
            sp->react_amount += half1.acc[ACC_REACT];
            sp->donor_u = half1.donor_u;
            if (sp->donor_face >= 0)
                sp->bc_value[sp->donor_face] = sp->donor_u;
            remaining = h == remaining ? 0 : remaining - h;
            sp->t = remaining == 0 ? t_end : sp->t + h;
            sp->steps++;
            continue;
        }
        eval_args ea = {sp->u0, sp->ub, NULL, h, sp->t, sp->donor_u};
        MN_TRY_GOTO(evaluate(f, sp, &ea, &big, part), done);
        ea = (eval_args){sp->u0, sp->u, NULL, 0.5 * h, sp->t, sp->donor_u};
        MN_TRY_GOTO(evaluate(f, sp, &ea, &half1, part), done);
        ea = (eval_args){sp->u, sp->u, sp->ub, 0.5 * h, sp->t + 0.5 * h, half1.donor_u};
        MN_TRY_GOTO(evaluate(f, sp, &ea, &half2, part), done);
        double err =
            sqrt(half2.acc[ACC_ERR]) / (3.0 * (sqrt(half2.acc[ACC_NORM]) + f->atol * sqrt_n));
        if (!isfinite(err) || !isfinite(half2.acc[ACC_NORM])) {
            swap(&sp->u, &sp->u0);
            st = mn_error_set(MN_ENUMERIC, "field: species %d: non-finite values at t = %g s", s,
                              sp->t);
            goto done;
        }
        double fac = err > 0 ? 0.9 * pow(f->rtol / err, 1.0 / 3.0) : 5.0;
        fac = fac < 0.2 ? 0.2 : fac > 5.0 ? 5.0 : fac;
        if (err <= f->rtol || f->fixed_h > 0 || h <= 1e-14 * (fabs(t_end) + dt)) {
            /* the state was extrapolated (u2 + (u2 − u_big)/3); the amounts and the donor
             * follow the same linear combination, so the balance stays exact */
            for (int q = 0; q <= ACC_REACT; q++) {
                double two = half1.acc[q] + half2.acc[q];
                double a = two + (two - big.acc[q]) / 3.0;
                if (q < 6)
                    sp->bnd_amount[q] += a;
                else
                    sp->react_amount += a;
            }
            sp->donor_u = half2.donor_u + (half2.donor_u - big.donor_u) / 3.0;
            if (sp->donor_face >= 0)
                sp->bc_value[sp->donor_face] = sp->donor_u;
            remaining = h == remaining ? 0 : remaining - h;
            sp->t = remaining == 0 ? t_end : sp->t + h;
            sp->steps++;
            /* a step shortened to land on t_end does not shrink the proposal */
            sp->h_next = h < prop && fac * h < prop ? prop : fac * h;
        } else {
            swap(&sp->u, &sp->u0); /* back to the start state */
            sp->rejected++;
            sp->h_next = fac * h;
        }
    }
done:
    free(part);
    return st;
}
