/* Quasi-static potential ∇·((σ + jωε₀ε_r)∇V) = 0 on the voxel grid and its Joule heating.
 *
 * Why complex: at 1 MHz ωε₀ε_r is 0.10 S/m beside σ = 0.22 S/m in wet skin, 0.055 beside
 * 0.013 S/m in dry skin (stratum corneum) and 0.0015 beside 0.025 S/m in fat
 * (data/tissue_thermal.csv, Gabriel 1996). The ratio differs by layer, so the current split
 * between layers is not that of σ alone nor of |σ*|: the complex system is solved directly
 * (COCG), which costs about twice a real solve.
 *
 * Faces: tissue–tissue faces carry the series admittance of the two half cells; a tissue face
 * on an electrode or a held domain face carries the tissue half cell only (the electrode
 * surface lies on the voxel face). The time-averaged power of a half cell of impedance Z
 * carrying the peak current I is ½|I|² Re Z = ∫ ½σ|E|² dV over it, so the deposited power
 * sums exactly to ½ Re(V I*) at the electrodes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "heat/heat_impl.h"

#define S_UM_TO_S 1.0e-6 /* σ·area/length with σ in S/m and lengths in µm → S */

/* a / b for the well-scaled admittances here (|b| between 1e-6 and 1e6): the textbook formula,
 * without libgcc's scaled division (__divdc3), which took 3 % of an RF session. */
static inline double complex cdiv(double complex a, double complex b)
{
    const double br = creal(b), bi = cimag(b), m = br * br + bi * bi;
    return CMPLX((creal(a) * br + cimag(a) * bi) / m, (cimag(a) * br - creal(a) * bi) / m);
}

static double complex bc_value(const mn_potential *p, double x, double y, double z)
{
    return p->bc ? p->bc(x, y, z, p->bc_ctx) : 0.0;
}

mn_status mn_potential_solve(const mn_potential *p, double complex *v, double *power_w,
                             double *total_w, double complex *current_a, int *iters)
{
    const mn_hgrid *g = p->g;
    const int nx = g->nx, ny = g->ny, nz = g->nz;
    const size_t n = mn_hgrid_n(g), sy = (size_t)nx, sz = (size_t)nx * (size_t)ny;
    const double ax = g->dy, ay = g->dx; /* face areas per unit z thickness */
    mn_status st = MN_OK;
    mn_cop a;
    double complex *rhs = NULL;
    MN_TRY(mn_cop_alloc(&a, g));
    rhs = calloc(n, sizeof *rhs);
    if (!rhs) {
        st = mn_error_set(MN_ENOMEM, "heat: out of memory for the potential");
        goto done;
    }
    /* Half-cell admittance of voxel v towards a face with area `area` at distance `h`. */
#define HALF(vv, area, h) (p->sigma[vv] * (area) / (h))
    for (int k = 0; k < nz; k++)
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++) {
                size_t w = (size_t)i + (size_t)j * sy + (size_t)k * sz;
                if (p->role[w] != PV_TISSUE) {
                    a.d[w] = 1.0;
                    rhs[w] = p->role[w] == PV_ELECTRODE ? p->v_electrode : 0.0;
                    continue;
                }
                const double hx = 0.5 * g->dx, hy = 0.5 * g->dy, hz = 0.5 * g->dz[k];
                const double axz = ax * g->dz[k], ayz = ay * g->dz[k], az = g->dx * g->dy;
                const double xc = (i + 0.5) * g->dx, yc = (j + 0.5) * g->dy, zc = mn_hgrid_zc(g, k);
                /* Neighbours: (offset, in-range, area, half width, face position). */
                struct {
                    int ok;
                    size_t nb;
                    double area, h, hn;
                    double fx, fy, fz;
                    int face;
                    double complex *gslot;
                } nbrs[6] = {
                    {i + 1 < nx, w + 1, axz, hx, hx, xc + hx, yc, zc, HF_XHI, &a.gx[w]},
                    {i > 0, w - 1, axz, hx, hx, xc - hx, yc, zc, HF_XLO, NULL},
                    {j + 1 < ny, w + sy, ayz, hy, hy, xc, yc + hy, zc, HF_YHI, &a.gy[w]},
                    {j > 0, w - sy, ayz, hy, hy, xc, yc - hy, zc, HF_YLO, NULL},
                    {k + 1 < nz, w + sz, az, hz, k + 1 < nz ? 0.5 * g->dz[k + 1] : 0, xc, yc,
                     g->zf[k + 1], HF_ZHI, &a.gz[w]},
                    {k > 0, w - sz, az, hz, k > 0 ? 0.5 * g->dz[k - 1] : 0, xc, yc, g->zf[k],
                     HF_ZLO, NULL},
                };
                for (int f = 0; f < 6; f++) {
                    if (!nbrs[f].ok) {
                        if (p->dirichlet[nbrs[f].face]) {
                            double complex y = HALF(w, nbrs[f].area, nbrs[f].h);
                            a.d[w] += y;
                            rhs[w] += y * bc_value(p, nbrs[f].fx, nbrs[f].fy, nbrs[f].fz);
                        }
                        continue;
                    }
                    size_t nb = nbrs[f].nb;
                    if (p->role[nb] == PV_ELECTRODE) {
                        double complex y = HALF(w, nbrs[f].area, nbrs[f].h);
                        a.d[w] += y;
                        rhs[w] += y * p->v_electrode;
                    } else if (p->role[nb] == PV_TISSUE && nbrs[f].gslot) {
                        /* series of the two half cells: 1/Y = h1/(Aσ1) + h2/(Aσ2) */
                        double complex z1 = cdiv(nbrs[f].h, nbrs[f].area * p->sigma[w]);
                        double complex z2 = cdiv(nbrs[f].hn, nbrs[f].area * p->sigma[nb]);
                        *nbrs[f].gslot = cdiv(1.0, z1 + z2);
                    }
                }
            }
    for (size_t w = 0; w < n; w++)
        if (p->role[w] != PV_TISSUE)
            v[w] = rhs[w];
    MN_TRY_GOTO(mn_cop_solve(&a, rhs, v, p->rtol > 0 ? p->rtol : 1e-10, 20000, iters), done);

    /* Joule power per half cell and electrode current. */
    double total = 0.0;
    double complex cur = 0.0;
    memset(power_w, 0, n * sizeof *power_w);
    for (int k = 0; k < nz; k++)
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++) {
                size_t w = (size_t)i + (size_t)j * sy + (size_t)k * sz;
                if (p->role[w] != PV_TISSUE)
                    continue;
                const double hx = 0.5 * g->dx, hy = 0.5 * g->dy, hz = 0.5 * g->dz[k];
                const double axz = ax * g->dz[k], ayz = ay * g->dz[k], az = g->dx * g->dy;
                const double xc = (i + 0.5) * g->dx, yc = (j + 0.5) * g->dy, zc = mn_hgrid_zc(g, k);
                struct {
                    int ok;
                    size_t nb;
                    double area, h, hn;
                    double fx, fy, fz;
                    int face, fwd;
                } nbrs[6] = {
                    {i + 1 < nx, w + 1, axz, hx, hx, xc + hx, yc, zc, HF_XHI, 1},
                    {i > 0, w - 1, axz, hx, hx, xc - hx, yc, zc, HF_XLO, 0},
                    {j + 1 < ny, w + sy, ayz, hy, hy, xc, yc + hy, zc, HF_YHI, 1},
                    {j > 0, w - sy, ayz, hy, hy, xc, yc - hy, zc, HF_YLO, 0},
                    {k + 1 < nz, w + sz, az, hz, k + 1 < nz ? 0.5 * g->dz[k + 1] : 0, xc, yc,
                     g->zf[k + 1], HF_ZHI, 1},
                    {k > 0, w - sz, az, hz, k > 0 ? 0.5 * g->dz[k - 1] : 0, xc, yc, g->zf[k],
                     HF_ZLO, 0},
                };
                for (int f = 0; f < 6; f++) {
                    double complex zhalf = cdiv(nbrs[f].h, nbrs[f].area * p->sigma[w]); /* Ω·1e-6 */
                    double complex other;
                    double complex zsum;
                    if (!nbrs[f].ok) {
                        if (!p->dirichlet[nbrs[f].face])
                            continue;
                        other = bc_value(p, nbrs[f].fx, nbrs[f].fy, nbrs[f].fz);
                        zsum = zhalf;
                    } else {
                        size_t nb = nbrs[f].nb;
                        if (p->role[nb] == PV_INSULATOR)
                            continue;
                        if (p->role[nb] == PV_ELECTRODE) {
                            other = p->v_electrode;
                            zsum = zhalf;
                        } else {
                            other = v[nb];
                            zsum = zhalf + cdiv(nbrs[f].hn, nbrs[f].area * p->sigma[nb]);
                        }
                    }
                    /* true current (A) through the face and the power in this half cell */
                    double complex ia = cdiv(v[w] - other, zsum) * S_UM_TO_S;
                    double pw = 0.5 * creal(ia * conj(ia)) * creal(zhalf) / S_UM_TO_S;
                    power_w[w] += pw;
                    total += pw;
                    if (nbrs[f].ok && p->role[nbrs[f].nb] == PV_ELECTRODE)
                        cur -= ia; /* current out of the electrode into tissue */
                }
            }
#undef HALF
    *total_w = total;
    *current_a = cur;
done:
    mn_cop_clear(&a);
    free(rhs);
    return st;
}
