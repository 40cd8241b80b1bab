/* Grid, the 7-point complex face-admittance operator and its Krylov solver. A row is
 * d_v u_v + Σ g (u_v − u_n), so a graph Laplacian plus a diagonal; COCG (van der Vorst &
 * Melissen 1990, IEEE Trans Magn 26:706) for the complex symmetric potential with σ + jωε,
 * preconditioned by one multigrid V-cycle with D-ILU smoothing (below). Dot products are sums in
 * fixed lanes and a fixed order, so results do not depend on the thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/signals.h"
#include "heat/heat_impl.h"

mn_status mn_hgrid_init(mn_hgrid *g, int nx, int ny, double dx, double dy, int nz, const double *zf)
{
    memset(g, 0, sizeof *g);
    if (nx < 1 || ny < 1 || nz < 1 || !(dx > 0) || !(dy > 0))
        return mn_error_set(MN_EINTERNAL, "heat grid: bad dimensions");
    g->nx = nx, g->ny = ny, g->nz = nz, g->dx = dx, g->dy = dy;
    MN_ALLOC(g->zf, nz + 1);
    MN_ALLOC(g->dz, nz);
    for (int k = 0; k <= nz; k++)
        g->zf[k] = zf[k];
    for (int k = 0; k < nz; k++) {
        g->dz[k] = zf[k + 1] - zf[k];
        if (!(g->dz[k] > 0))
            return mn_error_set(MN_EINTERNAL, "heat grid: z faces not increasing at %d", k);
    }
    return MN_OK;
}

void mn_hgrid_clear(mn_hgrid *g)
{
    free(g->zf);
    free(g->dz);
    memset(g, 0, sizeof *g);
}

mn_status mn_cop_alloc(mn_cop *a, const mn_hgrid *g)
{
    size_t n = mn_hgrid_n(g);
    memset(a, 0, sizeof *a);
    a->g = g;
    MN_ALLOC(a->gx, n);
    MN_ALLOC(a->gy, n);
    MN_ALLOC(a->gz, n);
    MN_ALLOC(a->d, n);
    return MN_OK;
}

void mn_cop_clear(mn_cop *a)
{
    free(a->gx), free(a->gy), free(a->gz), free(a->d);
    memset(a, 0, sizeof *a);
}

/* The solver works on split real and imaginary arrays (structure of arrays) with one plane of
 * zeros before and after every array: the 7-point stencil then needs no boundary tests (a
 * coupling across the box's edge is 0 and multiplies a finite padded or neighbouring value),
 * so the compiler vectorises it, and complex products are plain real arithmetic without the
 * C library's NaN recovery (__muldc3/__divdc3). */
typedef struct cvec {
    double *re, *im; /* n values each, with pad values before and after (zeros) */
} cvec;

/* One level of the operator: the fine grid or an aggregated coarse grid. */
typedef struct sop {
    int nx, ny, nz;
    size_t n, pad, sy, sz;
    cvec dg;            /* row diagonal d + Σ incident couplings */
    cvec gx, gy, gz;    /* couplings to +x, +y, +z (0 across the box's edge) */
    cvec inv;           /* D-ILU pivots, inverted */
    cvec fx, bx;        /* gx_{v−1}·inv_v and gx_v·inv_v: the x recurrences of the two sweeps */
    cvec r, x, t;       /* work vectors of the V-cycle */
    unsigned char *act; /* 1: the row takes part in the coarse correction */
    double complex *lu; /* coarsest level: dense LU factors (n × n), else NULL */
    int *piv;
    double *block;
} sop;

enum { SOP_VECS = 10 };

static void cvec_carve(double **cursor, size_t n, size_t pad, cvec *v)
{
    v->re = *cursor + pad;
    *cursor += n + 2 * pad;
    v->im = *cursor + pad;
    *cursor += n + 2 * pad;
}

static void cvec_put(cvec *v, size_t i, double complex x)
{
    v->re[i] = creal(x), v->im[i] = cimag(x);
}

static void sop_clear(sop *o)
{
    free(o->block), free(o->act), free(o->lu), free(o->piv);
    memset(o, 0, sizeof *o);
}

static int sop_alloc(sop *o, int nx, int ny, int nz)
{
    memset(o, 0, sizeof *o);
    o->nx = nx, o->ny = ny, o->nz = nz;
    o->n = (size_t)nx * (size_t)ny * (size_t)nz;
    o->sy = (size_t)nx, o->sz = (size_t)nx * (size_t)ny;
    o->pad = o->sz + 1;
    const size_t per = 2 * (o->n + 2 * o->pad);
    o->block = calloc(SOP_VECS * per, sizeof *o->block);
    o->act = calloc(o->n, 1);
    if (!o->block || !o->act)
        return -1;
    double *cur = o->block;
    cvec *all[SOP_VECS] = {&o->dg, &o->gx, &o->gy, &o->gz, &o->inv,
                           &o->fx, &o->bx, &o->r,  &o->x,  &o->t};
    for (int q = 0; q < SOP_VECS; q++)
        cvec_carve(&cur, o->n, o->pad, all[q]);
    return 0;
}

/* (sr, si) += (ar + i ai)(br + i bi) */
#define CMAC(sr, si, ar, ai, br, bi)                                                               \
    do {                                                                                           \
        (sr) += (ar) * (br) - (ai) * (bi);                                                         \
        (si) += (ar) * (bi) + (ai) * (br);                                                         \
    } while (0)

/* The fine level from a; a row without couplings (electrode and insulator identity rows) is
 * left out of the coarse correction. */
static void sop_from_cop(sop *o, const mn_cop *a)
{
    const int nx = a->g->nx, ny = a->g->ny, nz = a->g->nz;
    const size_t sy = o->sy, sz = o->sz;
    size_t v = 0;
    for (int k = 0; k < nz; k++)
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++, v++) {
                double complex dg = a->d[v], c = 0.0;
                double complex gx = i + 1 < nx ? a->gx[v] : 0.0;
                double complex gy = j + 1 < ny ? a->gy[v] : 0.0;
                double complex gz = k + 1 < nz ? a->gz[v] : 0.0;
                c += gx + gy + gz;
                if (i > 0)
                    c += a->gx[v - 1];
                if (j > 0)
                    c += a->gy[v - sy];
                if (k > 0)
                    c += a->gz[v - sz];
                cvec_put(&o->dg, v, dg + c);
                cvec_put(&o->gx, v, gx);
                cvec_put(&o->gy, v, gy);
                cvec_put(&o->gz, v, gz);
                o->act[v] = c != 0.0;
            }
}

/* D-ILU pivots (Pommerell 1992, "Solution of large unsymmetric systems of linear equations",
 * ETH thesis; Saad 2003, Iterative Methods for Sparse Linear Systems §10.3.3):
 * M = (D + L) D⁻¹ (D + Lᵀ), L the strictly lower part of the operator in the grid's natural
 * order (x fastest), D chosen so that diag(M) = diag(A). M is complex symmetric like A. It is
 * the smoother of every level of the multigrid preconditioner below. */
static void sop_factor(sop *o)
{
    const size_t off[3] = {1, o->sy, o->sz};
    const cvec *gg[3] = {&o->gx, &o->gy, &o->gz};
    for (size_t v = 0; v < o->n; v++) {
        double dr = o->dg.re[v], di = o->dg.im[v];
        for (int q = 0; q < 3; q++) {
            const size_t w = v - off[q]; /* may point into the front padding (zeros) */
            const double gr = gg[q]->re[w], gi = gg[q]->im[w];
            const double g2r = gr * gr - gi * gi, g2i = 2.0 * gr * gi;
            const double ir = o->inv.re[w], ii = o->inv.im[w];
            dr -= g2r * ir - g2i * ii;
            di -= g2r * ii + g2i * ir;
        }
        const double m = dr * dr + di * di;
        o->inv.re[v] = dr / m, o->inv.im[v] = -di / m;
    }
    for (size_t v = 0; v < o->n; v++) {
        const double ir = o->inv.re[v], ii = o->inv.im[v];
        o->fx.re[v] = o->gx.re[v - 1] * ir - o->gx.im[v - 1] * ii;
        o->fx.im[v] = o->gx.re[v - 1] * ii + o->gx.im[v - 1] * ir;
        o->bx.re[v] = o->gx.re[v] * ir - o->gx.im[v] * ii;
        o->bx.im[v] = o->gx.re[v] * ii + o->gx.im[v] * ir;
    }
}

/* y = A u over every voxel, branch-free. */
static void sop_apply(const sop *o, const cvec *u, cvec *y)
{
    const size_t n = o->n, sy = o->sy, sz = o->sz;
    const double *restrict ur = u->re, *restrict ui = u->im;
    double *restrict yr = y->re, *restrict yi = y->im;
    const double *restrict dgr = o->dg.re, *restrict dgi = o->dg.im;
    const double *restrict xr = o->gx.re, *restrict xi = o->gx.im;
    const double *restrict gyr = o->gy.re, *restrict gyi = o->gy.im;
    const double *restrict zr = o->gz.re, *restrict zi = o->gz.im;
    /* every voxel on its own: the same result for any thread count; small coarse levels stay
     * on one thread (forking costs more than it saves there) */
#pragma omp parallel for schedule(static) if (n >= 32768)
    for (size_t v = 0; v < n; v++) {
        double sr = dgr[v] * ur[v] - dgi[v] * ui[v];
        double si = dgr[v] * ui[v] + dgi[v] * ur[v];
        /* the couplings enter with a minus sign: accumulate their sum, then subtract */
        double cr = 0.0, ci = 0.0;
        CMAC(cr, ci, xr[v], xi[v], ur[v + 1], ui[v + 1]);
        CMAC(cr, ci, xr[v - 1], xi[v - 1], ur[v - 1], ui[v - 1]);
        CMAC(cr, ci, gyr[v], gyi[v], ur[v + sy], ui[v + sy]);
        CMAC(cr, ci, gyr[v - sy], gyi[v - sy], ur[v - sy], ui[v - sy]);
        CMAC(cr, ci, zr[v], zi[v], ur[v + sz], ui[v + sz]);
        CMAC(cr, ci, zr[v - sz], zi[v - sz], ur[v - sz], ui[v - sz]);
        yr[v] = sr - cr;
        yi[v] = si - ci;
    }
}

/* z = M⁻¹ r: forward solve with (D + L), then backward with D⁻¹(D + Lᵀ). The off-diagonal
 * entries of the operator are −g, hence the additions. Per x row, the couplings to the rows
 * already done (y and z) are vectorised and only the x recurrence z_v = b_v + (g_{v−1}/d_v)
 * z_{v−1} is sequential. Fixed order: the result does not depend on the thread count. */
static void sop_smooth(const sop *o, const cvec *r, cvec *z)
{
    const size_t n = o->n, sy = o->sy, sz = o->sz, nx = (size_t)o->nx;
    double *zr = z->re, *zi = z->im;
    const double *restrict rr = r->re, *restrict ri = r->im;
    const double *restrict gyr = o->gy.re, *restrict gyi = o->gy.im;
    const double *restrict gzr = o->gz.re, *restrict gzi = o->gz.im;
    const double *restrict ivr = o->inv.re, *restrict ivi = o->inv.im;
    const double *restrict fr = o->fx.re, *restrict fi = o->fx.im;
    const double *restrict br = o->bx.re, *restrict bi = o->bx.im;
    for (size_t row = 0; row < n; row += nx) {
        double *restrict wr = zr + row, *restrict wi = zi + row;
        const double *restrict ar = zr + row - sy, *restrict ai = zi + row - sy;
        const double *restrict cr = zr + row - sz, *restrict ci = zi + row - sz;
        for (size_t q = 0; q < nx; q++) {
            const size_t v = row + q;
            double sr = rr[v], si = ri[v];
            CMAC(sr, si, gyr[v - sy], gyi[v - sy], ar[q], ai[q]);
            CMAC(sr, si, gzr[v - sz], gzi[v - sz], cr[q], ci[q]);
            wr[q] = sr * ivr[v] - si * ivi[v];
            wi[q] = sr * ivi[v] + si * ivr[v];
        }
        for (size_t v = row + 1; v < row + nx; v++)
            CMAC(zr[v], zi[v], fr[v], fi[v], zr[v - 1], zi[v - 1]);
    }
    for (size_t row = n; row > 0;) {
        row -= nx;
        double *restrict wr = zr + row, *restrict wi = zi + row;
        const double *restrict ar = zr + row + sy, *restrict ai = zi + row + sy;
        const double *restrict cr = zr + row + sz, *restrict ci = zi + row + sz;
        for (size_t q = 0; q < nx; q++) {
            const size_t v = row + q;
            double sr = 0.0, si = 0.0;
            CMAC(sr, si, gyr[v], gyi[v], ar[q], ai[q]);
            CMAC(sr, si, gzr[v], gzi[v], cr[q], ci[q]);
            CMAC(wr[q], wi[q], sr, si, ivr[v], ivi[v]);
        }
        for (size_t v = row + nx - 1; v-- > row;)
            CMAC(zr[v], zi[v], br[v], bi[v], zr[v + 1], zi[v + 1]);
    }
}

/* ---- Multigrid preconditioner -------------------------------------------------------------
 * Why: D-ILU alone needed 85–105 COCG iterations per potential solve on the 49-needle RF
 * benchmark whatever the ordering (x or z fastest gave the same counts), i.e. the slow modes
 * are the smooth ones over the whole cell, which no local preconditioner reaches. A V-cycle
 * with aggregation coarsening reaches them: 2 × 2 × 2 voxels (fewer at odd edges) make one
 * coarse cell, the coarse operator is the Galerkin product Pᵀ A P with piecewise-constant P
 * (Braess 1995, Numer Math 70:469; Vaněk, Mandel & Brezina 1996, Computing 56:179), which keeps
 * the 7-point form (the couplings across an aggregate face add up; the couplings inside an
 * aggregate leave its diagonal), D-ILU smooths before and after the coarse correction, and the
 * coarsest grid is solved exactly by dense LU. Pᵀ is the plain transpose (not the conjugate),
 * so the cycle stays complex symmetric and COCG keeps its short recurrence. Rows without
 * couplings (electrode and insulator voxels) stay out of P. Everything runs in a fixed order,
 * so the result does not depend on the thread count. */
enum { MG_MAX_LEVELS = 12, MG_COARSEST = 400 };

typedef struct mg {
    int nl;
    sop lev[MG_MAX_LEVELS];
} mg;

static void mg_clear(mg *m)
{
    for (int l = 0; l < m->nl; l++)
        sop_clear(&m->lev[l]);
    m->nl = 0;
}

static inline size_t coarse_index(const sop *f, const sop *c, size_t v)
{
    const size_t i = v % (size_t)f->nx, j = (v / f->sy) % (size_t)f->ny, k = v / f->sz;
    return i / 2 + c->sy * (j / 2) + c->sz * (k / 2);
}

/* c = Pᵀ f P. */
static void sop_coarsen(const sop *f, sop *c)
{
    for (size_t v = 0; v < f->n; v++) {
        if (!f->act[v])
            continue;
        const size_t w = coarse_index(f, c, v);
        c->act[w] = 1;
        c->dg.re[w] += f->dg.re[v], c->dg.im[w] += f->dg.im[v];
        const size_t i = v % (size_t)f->nx, j = (v / f->sy) % (size_t)f->ny, k = v / f->sz;
        const struct {
            int ok;
            size_t nb;
            const cvec *g;
            cvec *cg;
            int same;
        } nb[3] = {
            {i + 1 < (size_t)f->nx, v + 1, &f->gx, &c->gx, (i + 1) / 2 == i / 2},
            {j + 1 < (size_t)f->ny, v + f->sy, &f->gy, &c->gy, (j + 1) / 2 == j / 2},
            {k + 1 < (size_t)f->nz, v + f->sz, &f->gz, &c->gz, (k + 1) / 2 == k / 2},
        };
        for (int q = 0; q < 3; q++) {
            if (!nb[q].ok || !f->act[nb[q].nb])
                continue;
            const double gr = nb[q].g->re[v], gi = nb[q].g->im[v];
            if (nb[q].same) { /* inside the aggregate: −g twice off the diagonal */
                c->dg.re[w] -= 2.0 * gr, c->dg.im[w] -= 2.0 * gi;
            } else {
                nb[q].cg->re[w] += gr, nb[q].cg->im[w] += gi;
            }
        }
    }
    for (size_t w = 0; w < c->n; w++)
        if (!c->act[w])
            c->dg.re[w] = 1.0; /* no fine row: an identity row that only ever sees zeros */
}

/* Dense LU with partial pivoting of the coarsest level (n ≤ MG_COARSEST). */
static int sop_dense_factor(sop *o)
{
    const size_t n = o->n;
    o->lu = calloc(n * n, sizeof *o->lu);
    o->piv = malloc(n * sizeof *o->piv);
    if (!o->lu || !o->piv)
        return -1;
    double complex *a = o->lu;
    const size_t off[3] = {1, o->sy, o->sz};
    const cvec *gg[3] = {&o->gx, &o->gy, &o->gz};
    for (size_t v = 0; v < n; v++) {
        a[v * n + v] = CMPLX(o->dg.re[v], o->dg.im[v]);
        for (int q = 0; q < 3; q++) {
            const double complex g = CMPLX(gg[q]->re[v], gg[q]->im[v]);
            if (g != 0.0 && v + off[q] < n) {
                a[v * n + v + off[q]] = -g;
                a[(v + off[q]) * n + v] = -g;
            }
        }
    }
    for (size_t k = 0; k < n; k++) {
        size_t p = k;
        for (size_t i = k + 1; i < n; i++)
            if (cabs(a[i * n + k]) > cabs(a[p * n + k]))
                p = i;
        o->piv[k] = (int)p;
        if (p != k)
            for (size_t j = 0; j < n; j++) {
                double complex t = a[k * n + j];
                a[k * n + j] = a[p * n + j], a[p * n + j] = t;
            }
        if (a[k * n + k] == 0.0)
            return -1;
        for (size_t i = k + 1; i < n; i++) {
            const double complex l = a[i * n + k] / a[k * n + k];
            a[i * n + k] = l;
            if (l != 0.0)
                for (size_t j = k + 1; j < n; j++)
                    a[i * n + j] -= l * a[k * n + j];
        }
    }
    return 0;
}

static void sop_dense_solve(const sop *o, const cvec *r, cvec *x)
{
    const size_t n = o->n;
    const double complex *a = o->lu;
    double complex y[MG_COARSEST];
    for (size_t i = 0; i < n; i++)
        y[i] = CMPLX(r->re[i], r->im[i]);
    for (size_t k = 0; k < n; k++) {
        const size_t p = (size_t)o->piv[k];
        if (p != k) {
            double complex t = y[k];
            y[k] = y[p], y[p] = t;
        }
        for (size_t i = k + 1; i < n; i++)
            y[i] -= a[i * n + k] * y[k];
    }
    for (size_t i = n; i-- > 0;) {
        double complex s = y[i];
        for (size_t j = i + 1; j < n; j++)
            s -= a[i * n + j] * y[j];
        y[i] = s / a[i * n + i];
    }
    for (size_t i = 0; i < n; i++)
        x->re[i] = creal(y[i]), x->im[i] = cimag(y[i]);
}

static mn_status mg_build(mg *m, const mn_cop *a)
{
    memset(m, 0, sizeof *m);
    if (sop_alloc(&m->lev[0], a->g->nx, a->g->ny, a->g->nz))
        goto nomem;
    m->nl = 1;
    sop_from_cop(&m->lev[0], a);
    sop_factor(&m->lev[0]);
    while (m->lev[m->nl - 1].n > MG_COARSEST && m->nl < MG_MAX_LEVELS) {
        const sop *f = &m->lev[m->nl - 1];
        sop *c = &m->lev[m->nl];
        if (sop_alloc(c, (f->nx + 1) / 2, (f->ny + 1) / 2, (f->nz + 1) / 2))
            goto nomem;
        m->nl++;
        sop_coarsen(f, c);
        sop_factor(c);
    }
    if (m->nl > 1 && m->lev[m->nl - 1].n <= MG_COARSEST && sop_dense_factor(&m->lev[m->nl - 1]))
        goto nomem;
    return MN_OK;
nomem:
    mg_clear(m);
    return mn_error_set(MN_ENOMEM, "heat: out of memory for the potential's multigrid");
}

/* x = B r, one symmetric V-cycle from level l (r and x: that level's vectors or the caller's). */
/* Between level o and its coarse level c (aggregates of 2 × 2 × 2 voxels, active rows only):
 * to_coarse: coarse += Pᵀ fine (restriction), else fine += P coarse (prolongation). */
static void mg_transfer(const sop *o, const sop *c, cvec *fine, cvec *coarse, int to_coarse)
{
    size_t v = 0;
    for (int k = 0; k < o->nz; k++)
        for (int j = 0; j < o->ny; j++) {
            const size_t w0 = c->sy * (size_t)(j / 2) + c->sz * (size_t)(k / 2);
            for (int i = 0; i < o->nx; i++, v++) {
                if (!o->act[v])
                    continue;
                const size_t w = w0 + (size_t)(i / 2);
                if (to_coarse)
                    coarse->re[w] += fine->re[v], coarse->im[w] += fine->im[v];
                else
                    fine->re[v] += coarse->re[w], fine->im[v] += coarse->im[w];
            }
        }
}

static void mg_cycle(const mg *m, int l, const cvec *r, cvec *x)
{
    const sop *o = &m->lev[l];
    if (o->lu) {
        sop_dense_solve(o, r, x);
        return;
    }
    sop_smooth(o, r, x);
    if (l + 1 >= m->nl)
        return;
    const sop *c = &m->lev[l + 1];
    cvec *t = (cvec *)&o->t;
    cvec *cr = (cvec *)&c->r, *cx = (cvec *)&c->x;
    sop_apply(o, x, t);
    size_t v;
    for (v = 0; v < o->n; v++) /* the residual, restricted to the coarse level */
        t->re[v] = r->re[v] - t->re[v], t->im[v] = r->im[v] - t->im[v];
    memset(cr->re, 0, c->n * sizeof *cr->re);
    memset(cr->im, 0, c->n * sizeof *cr->im);
    mg_transfer(o, c, t, cr, 1);
    mg_cycle(m, l + 1, cr, cx);
    mg_transfer(o, c, x, cx, 0);
    sop_apply(o, x, t);
    for (v = 0; v < o->n; v++)
        t->re[v] = r->re[v] - t->re[v], t->im[v] = r->im[v] - t->im[v];
    cvec *s = (cvec *)&o->r; /* the level's own r is free on the finest level's call too */
    sop_smooth(o, t, s);
    for (v = 0; v < o->n; v++)
        x->re[v] += s->re[v], x->im[v] += s->im[v];
}

/* Σ a·b unconjugated (the bilinear form of a complex symmetric matrix) and, when nn is given,
 * Σ |a|²; in 8 fixed lanes summed in a fixed order, so vectorised and still independent of the
 * thread count. */
#define LANES 8
static double complex dot_u(const cvec *a, const cvec *b, size_t n, double *nn)
{
    double sr[LANES] = {0}, si[LANES] = {0}, s2[LANES] = {0};
    const double *restrict ar = a->re, *restrict ai = a->im;
    const double *restrict br = b->re, *restrict bi = b->im;
    size_t v = 0;
    for (; v + LANES <= n; v += LANES)
        for (size_t l = 0; l < LANES; l++) {
            sr[l] += ar[v + l] * br[v + l] - ai[v + l] * bi[v + l];
            si[l] += ar[v + l] * bi[v + l] + ai[v + l] * br[v + l];
            s2[l] += ar[v + l] * ar[v + l] + ai[v + l] * ai[v + l];
        }
    for (int l = 0; v < n; v++, l++) {
        sr[l] += ar[v] * br[v] - ai[v] * bi[v];
        si[l] += ar[v] * bi[v] + ai[v] * br[v];
        s2[l] += ar[v] * ar[v] + ai[v] * ai[v];
    }
    double tr = 0.0, ti = 0.0, t2 = 0.0;
    for (int l = 0; l < LANES; l++)
        tr += sr[l], ti += si[l], t2 += s2[l];
    if (nn)
        *nn = t2;
    return CMPLX(tr, ti);
}

static void precond(const mg *m, int use_mg, const cvec *r, cvec *z)
{
    if (use_mg)
        mg_cycle(m, 0, r, z);
    else
        sop_smooth(&m->lev[0], r, z);
}

mn_status mn_cop_solve(const mn_cop *a, const double complex *b, double complex *u_io, double rtol,
                       int maxit, int *iters)
{
    const size_t n = mn_hgrid_n(a->g);
    mg m;
    MN_TRY(mg_build(&m, a));
    const int use_mg = m.nl > 1;
    const sop *o = &m.lev[0];
    sop vec; /* COCG's vectors u r z p q b, carved like a level's */
    mn_status st = MN_OK;
    if (sop_alloc(&vec, o->nx, o->ny, o->nz)) {
        sop_clear(&vec);
        mg_clear(&m);
        return mn_error_set(MN_ENOMEM, "heat: out of memory in COCG");
    }
    cvec u = vec.dg, r = vec.gx, z = vec.gy, p = vec.gz, q = vec.inv, bb = vec.fx;
    for (size_t v = 0; v < n; v++)
        cvec_put(&u, v, u_io[v]), cvec_put(&bb, v, b[v]);
    double bnorm = 0.0, rr = 0.0;
    dot_u(&bb, &bb, n, &bnorm);
    bnorm = sqrt(bnorm);
    sop_apply(o, &u, &q);
    for (size_t v = 0; v < n; v++)
        r.re[v] = bb.re[v] - q.re[v], r.im[v] = bb.im[v] - q.im[v];
    precond(&m, use_mg, &r, &z);
    memcpy(p.re, z.re, n * sizeof *p.re);
    memcpy(p.im, z.im, n * sizeof *p.im);
    double complex rz = dot_u(&r, &z, n, &rr);
    int it = 0;
    const double tol = rtol * (bnorm > 0.0 ? bnorm : 1.0);
    while (sqrt(rr) > tol) {
        if (it >= maxit) {
            st = mn_error_set(MN_ESOLVER,
                              "heat: COCG did not converge in %d iterations "
                              "(residual %.3g of %.3g)",
                              maxit, sqrt(rr), tol);
            goto done;
        }
        /* One potential solve of a large RF array takes seconds: a stop request (SIGINT,
         * SIGTERM) ends it within an iteration (issue 18). */
        if (mn_signals_stop_requested()) {
            st = mn_error_set(MN_EINTERRUPTED, "stop requested during the RF potential solve");
            goto done;
        }
        sop_apply(o, &p, &q);
        const double complex pq = dot_u(&p, &q, n, NULL);
        if (cabs(pq) == 0.0) {
            st = mn_error_set(MN_ESOLVER, "heat: COCG breakdown");
            goto done;
        }
        const double complex alpha = rz / pq;
        const double ar = creal(alpha), ai = cimag(alpha);
        for (size_t v = 0; v < n; v++) {
            u.re[v] += ar * p.re[v] - ai * p.im[v];
            u.im[v] += ar * p.im[v] + ai * p.re[v];
            r.re[v] -= ar * q.re[v] - ai * q.im[v];
            r.im[v] -= ar * q.im[v] + ai * q.re[v];
        }
        precond(&m, use_mg, &r, &z);
        const double complex rz_new = dot_u(&r, &z, n, &rr);
        const double complex beta = rz_new / rz;
        const double br = creal(beta), bi = cimag(beta);
        rz = rz_new;
        for (size_t v = 0; v < n; v++) {
            const double pr = p.re[v], pi = p.im[v];
            p.re[v] = z.re[v] + br * pr - bi * pi;
            p.im[v] = z.im[v] + br * pi + bi * pr;
        }
        it++;
    }
    for (size_t v = 0; v < n; v++)
        u_io[v] = CMPLX(u.re[v], u.im[v]);
    if (iters)
        *iters = it;
done:
    sop_clear(&vec);
    mg_clear(&m);
    return st;
}
