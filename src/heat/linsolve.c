/* Grid, the 7-point complex face-admittance operator and its Krylov solver. Matrix-free: a row
 * is d_v u_v + Σ g (u_v − u_n), so a graph Laplacian plus a diagonal; D-ILU-preconditioned
 * COCG (van der Vorst & Melissen 1990, IEEE Trans Magn 26:706) for the complex symmetric
 * potential with σ + jωε. Dot products are serial sums in a
 * fixed order, so results do not depend on the thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
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

/* The stencil, written once for any scalar type T. */
#define APPLY_BODY(T)                                                                              \
    const int nx = a->g->nx, ny = a->g->ny, nz = a->g->nz;                                         \
    const size_t sx = 1, sy = (size_t)nx, sz = (size_t)nx * (size_t)ny;                            \
    for (int k = 0; k < nz; k++) {                                                                 \
        for (int j = 0; j < ny; j++) {                                                             \
            size_t v = (size_t)j * sy + (size_t)k * sz;                                            \
            for (int i = 0; i < nx; i++, v++) {                                                    \
                T uv = u[v];                                                                       \
                T s = a->d[v] * uv;                                                                \
                if (i + 1 < nx)                                                                    \
                    s += a->gx[v] * (uv - u[v + sx]);                                              \
                if (i > 0)                                                                         \
                    s += a->gx[v - sx] * (uv - u[v - sx]);                                         \
                if (j + 1 < ny)                                                                    \
                    s += a->gy[v] * (uv - u[v + sy]);                                              \
                if (j > 0)                                                                         \
                    s += a->gy[v - sy] * (uv - u[v - sy]);                                         \
                if (k + 1 < nz)                                                                    \
                    s += a->gz[v] * (uv - u[v + sz]);                                              \
                if (k > 0)                                                                         \
                    s += a->gz[v - sz] * (uv - u[v - sz]);                                         \
                y[v] = s;                                                                          \
            }                                                                                      \
        }                                                                                          \
    }

void mn_cop_apply(const mn_cop *a, const double complex *u, double complex *y)
{
    APPLY_BODY(double complex)
}

/* Row sums of the operator's diagonal: d_v + Σ incident conductances. */
#define DIAG_BODY(T)                                                                               \
    const int nx = a->g->nx, ny = a->g->ny, nz = a->g->nz;                                         \
    const size_t sy = (size_t)nx, sz = (size_t)nx * (size_t)ny;                                    \
    for (int k = 0; k < nz; k++)                                                                   \
        for (int j = 0; j < ny; j++)                                                               \
            for (int i = 0; i < nx; i++) {                                                         \
                size_t v = (size_t)i + (size_t)j * sy + (size_t)k * sz;                            \
                T s = a->d[v];                                                                     \
                if (i + 1 < nx)                                                                    \
                    s += a->gx[v];                                                                 \
                if (i > 0)                                                                         \
                    s += a->gx[v - 1];                                                             \
                if (j + 1 < ny)                                                                    \
                    s += a->gy[v];                                                                 \
                if (j > 0)                                                                         \
                    s += a->gy[v - sy];                                                            \
                if (k + 1 < nz)                                                                    \
                    s += a->gz[v];                                                                 \
                if (k > 0)                                                                         \
                    s += a->gz[v - sz];                                                            \
                diag[v] = s;                                                                       \
            }

static void cop_diag(const mn_cop *a, double complex *diag)
{
    DIAG_BODY(double complex)
}

/* D-ILU preconditioner (Pommerell 1992, "Solution of large unsymmetric systems of linear
 * equations", ETH thesis; Saad 2003, Iterative Methods for Sparse Linear Systems §10.3.3):
 * M = (D + L) D⁻¹ (D + Lᵀ), L the strictly lower part of the operator in the grid's natural order
 * (x fastest), D chosen so that diag(M) = diag(A). M is complex symmetric like A, so COCG keeps
 * its short recurrence. Why not the z-line preconditioner used before: on the 49-needle RF
 * benchmark it needed 217–276 iterations per solve, D-ILU 87–106, for one extra sweep per
 * iteration (BENCHMARKS.md). The sweeps are sequential in a fixed order, so the result does not
 * depend on the thread count. */
static void dilu_factor(const mn_cop *a, const double complex *diag, double complex *inv)
{
    const int nx = a->g->nx, ny = a->g->ny, nz = a->g->nz;
    const size_t sy = (size_t)nx, sz = (size_t)nx * (size_t)ny;
    size_t v = 0;
    for (int k = 0; k < nz; k++)
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++, v++) {
                double complex d = diag[v];
                if (i > 0)
                    d -= a->gx[v - 1] * a->gx[v - 1] * inv[v - 1];
                if (j > 0)
                    d -= a->gy[v - sy] * a->gy[v - sy] * inv[v - sy];
                if (k > 0)
                    d -= a->gz[v - sz] * a->gz[v - sz] * inv[v - sz];
                inv[v] = 1.0 / d;
            }
}

/* z = M⁻¹ r: forward solve with (D + L), then backward with D⁻¹(D + Lᵀ). The off-diagonal
 * entries of the operator are −g, hence the additions. */
static void dilu_apply(const mn_cop *a, const double complex *inv, const double complex *r,
                       double complex *z)
{
    const int nx = a->g->nx, ny = a->g->ny, nz = a->g->nz;
    const size_t sy = (size_t)nx, sz = (size_t)nx * (size_t)ny;
    size_t v = 0;
    for (int k = 0; k < nz; k++)
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++, v++) {
                double complex s = r[v];
                if (i > 0)
                    s += a->gx[v - 1] * z[v - 1];
                if (j > 0)
                    s += a->gy[v - sy] * z[v - sy];
                if (k > 0)
                    s += a->gz[v - sz] * z[v - sz];
                z[v] = s * inv[v];
            }
    for (int k = nz - 1; k >= 0; k--)
        for (int j = ny - 1; j >= 0; j--)
            for (int i = nx - 1; i >= 0; i--) {
                v--;
                double complex s = 0.0;
                if (i + 1 < nx)
                    s += a->gx[v] * z[v + 1];
                if (j + 1 < ny)
                    s += a->gy[v] * z[v + sy];
                if (k + 1 < nz)
                    s += a->gz[v] * z[v + sz];
                z[v] += s * inv[v];
            }
}

mn_status mn_cop_solve(const mn_cop *a, const double complex *b, double complex *u, double rtol,
                       int maxit, int *iters)
{
    size_t n = mn_hgrid_n(a->g);
    double complex *r = NULL, *z = NULL, *p = NULL, *q = NULL, *dinv = NULL;
    mn_status st = MN_OK;
    r = calloc(n, sizeof *r), z = malloc(n * sizeof *z), p = malloc(n * sizeof *p);
    q = malloc(n * sizeof *q), dinv = malloc(n * sizeof *dinv);
    if (!r || !z || !p || !q || !dinv) {
        st = mn_error_set(MN_ENOMEM, "heat: out of memory in COCG");
        goto done;
    }
    cop_diag(a, q);
    dilu_factor(a, q, dinv);
    double bnorm = 0.0;
    for (size_t v = 0; v < n; v++)
        bnorm += creal(b[v] * conj(b[v]));
    bnorm = sqrt(bnorm);
    mn_cop_apply(a, u, q);
    double complex rz = 0.0;
    double rr = 0.0;
    for (size_t v = 0; v < n; v++)
        r[v] = b[v] - q[v];
    dilu_apply(a, dinv, r, z);
    for (size_t v = 0; v < n; v++) {
        p[v] = z[v];
        rz += r[v] * z[v]; /* unconjugated: the bilinear form of a complex symmetric matrix */
        rr += creal(r[v] * conj(r[v]));
    }
    int it = 0;
    double tol = rtol * (bnorm > 0.0 ? bnorm : 1.0);
    while (sqrt(rr) > tol) {
        if (it >= maxit) {
            st = mn_error_set(MN_ESOLVER,
                              "heat: COCG did not converge in %d iterations "
                              "(residual %.3g of %.3g)",
                              maxit, sqrt(rr), tol);
            goto done;
        }
        mn_cop_apply(a, p, q);
        double complex pq = 0.0;
        for (size_t v = 0; v < n; v++)
            pq += p[v] * q[v];
        if (cabs(pq) == 0.0) {
            st = mn_error_set(MN_ESOLVER, "heat: COCG breakdown");
            goto done;
        }
        double complex alpha = rz / pq;
        double complex rz_new = 0.0;
        rr = 0.0;
        for (size_t v = 0; v < n; v++) {
            u[v] += alpha * p[v];
            r[v] -= alpha * q[v];
            rr += creal(r[v] * conj(r[v]));
        }
        dilu_apply(a, dinv, r, z);
        for (size_t v = 0; v < n; v++)
            rz_new += r[v] * z[v];
        double complex beta = rz_new / rz;
        rz = rz_new;
        for (size_t v = 0; v < n; v++)
            p[v] = z[v] + beta * p[v];
        it++;
    }
    if (iters)
        *iters = it;
done:
    free(r), free(z), free(p), free(q), free(dinv);
    return st;
}
