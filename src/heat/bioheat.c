/* Pennes bioheat on the voxel grid, in the deviation u = T − T_fix from the arterial (and held
 * boundary) temperature:
 *
 *   C du/dt = −L u − (P + B) u + S
 *
 * C heat capacity ρc·vol, L the conductance graph Laplacian (harmonic-mean k faces), P the
 * Pennes term w_b ρ_b c_b·vol, B the conductance to held faces, S the Joule heat. θ-method:
 * θ = ½ (Crank–Nicolson, second order) with θ = 1 (backward Euler) steps after each switch of
 * the source to damp the stiff modes (Rannacher start-up). Because Σ_v (L u)_v = 0, the ledger
 *   deposited = dt ΣS,  stored = ΣC Δu,  perfused = dt ΣP u^θ,  conducted = dt ΣB u^θ
 * balances exactly up to the linear-solver residual (tolerance 1e-12). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "heat/heat_impl.h"

mn_status mn_bioheat_alloc(mn_bioheat *b, const mn_hgrid *g)
{
    size_t n = mn_hgrid_n(g);
    memset(b, 0, sizeof *b);
    b->g = g;
    MN_TRY(mn_rop_alloc(&b->op, g));
    MN_ALLOC(b->cap, n);
    MN_ALLOC(b->perf, n);
    MN_ALLOC(b->bdir, n);
    MN_ALLOC(b->rhs, n);
    MN_ALLOC(b->tmp, n);
    MN_ALLOC(b->tnew, n);
    MN_ALLOC(b->du, n);
    return MN_OK;
}

void mn_bioheat_clear(mn_bioheat *b)
{
    mn_rop_clear(&b->op);
    free(b->cap), free(b->perf), free(b->bdir), free(b->rhs), free(b->tmp), free(b->tnew),
        free(b->du);
    memset(b, 0, sizeof *b);
}

mn_status mn_bioheat_step(mn_bioheat *b, double *t, const double *src_w, double dt_s, double theta)
{
    const size_t n = mn_hgrid_n(b->g);
    if (!(dt_s > 0) || !(theta >= 0.5 && theta <= 1.0))
        return mn_error_set(MN_EINTERNAL, "bioheat step: dt %g theta %g", dt_s, theta);
    double *u = b->tnew, *mu = b->tmp;
    for (size_t v = 0; v < n; v++) {
        u[v] = t[v] - b->t_fix;
        b->op.d[v] = b->perf[v] + b->bdir[v];
    }
    mn_rop_apply(&b->op, u, mu); /* M u^n */
    /* initial guess: u^n plus the last step's change scaled to this step (fewer iterations) */
    if (b->du && b->dt_prev > 0) {
        double f = fmin(dt_s / b->dt_prev, 2.0);
        for (size_t v = 0; v < n; v++)
            u[v] += f * b->du[v];
    }
    double dep = 0.0;
    for (size_t v = 0; v < n; v++) {
        double s = src_w ? src_w[v] : 0.0;
        dep += s;
        b->rhs[v] = (b->cap[v] / dt_s * (t[v] - b->t_fix) - (1.0 - theta) * mu[v] + s) / theta;
        b->op.d[v] = b->perf[v] + b->bdir[v] + b->cap[v] / (theta * dt_s);
    }
    /* u holds u^n as the initial guess; solve in place for u^{n+1}. */
    int it = 0;
    MN_TRY(mn_rop_solve(&b->op, b->rhs, u, 1e-10, 5000, &it));
    double stored = 0.0, perf = 0.0, cond = 0.0;
    for (size_t v = 0; v < n; v++) {
        double un = t[v] - b->t_fix;
        double uth = theta * u[v] + (1.0 - theta) * un;
        stored += b->cap[v] * (u[v] - un);
        if (b->du)
            b->du[v] = u[v] - un;
        perf += b->perf[v] * uth;
        cond += b->bdir[v] * uth;
        t[v] = u[v] + b->t_fix;
    }
    b->dt_prev = dt_s;
    b->e.deposited += dep * dt_s;
    b->e.stored += stored;
    b->e.perfused += perf * dt_s;
    b->e.conducted += cond * dt_s;
    return MN_OK;
}
