/* Internals of the heat stage: a cell-centred finite-volume grid (uniform x, y; graded z), the
 * 7-point face-conductance operators of the potential (complex) and the temperature (real),
 * their Krylov solvers, and the Crank–Nicolson bioheat stepper with exact energy accounting. */
#ifndef MN_HEAT_IMPL_H
#define MN_HEAT_IMPL_H

#include <complex.h>
#include <stddef.h>

#include "mnsim/status.h"

typedef struct mn_hgrid {
    int nx, ny, nz;
    double dx, dy; /* µm */
    double *zf;    /* nz + 1 face depths, zf[0] = 0 */
    double *dz;    /* nz thicknesses */
} mn_hgrid;

static inline size_t mn_hgrid_n(const mn_hgrid *g)
{
    return (size_t)g->nx * (size_t)g->ny * (size_t)g->nz;
}
static inline double mn_hgrid_zc(const mn_hgrid *g, int k)
{
    return 0.5 * (g->zf[k] + g->zf[k + 1]);
}
/* Grid from explicit z faces (copied). */
mn_status mn_hgrid_init(mn_hgrid *g, int nx, int ny, double dx, double dy, int nz,
                        const double *zf);
void mn_hgrid_clear(mn_hgrid *g);

/* Faces of the box, same order as the field engine. */
enum { HF_XLO = 0, HF_XHI, HF_YLO, HF_YHI, HF_ZLO, HF_ZHI };

/* Symmetric 7-point operator  (A u)_v = d_v u_v + Σ_faces g (u_v − u_n)  with real
 * conductances: gx[v] couples v and v+1 in x (0 on the last plane), likewise gy, gz. */
typedef struct mn_rop {
    const mn_hgrid *g;
    double *gx, *gy, *gz, *d;
} mn_rop;

/* Complex version (admittances). Rows with fixed[v] are identity rows (u_v = rhs_v). */
typedef struct mn_cop {
    const mn_hgrid *g;
    double complex *gx, *gy, *gz, *d;
} mn_cop;

mn_status mn_rop_alloc(mn_rop *a, const mn_hgrid *g);
void mn_rop_clear(mn_rop *a);
mn_status mn_cop_alloc(mn_cop *a, const mn_hgrid *g);
void mn_cop_clear(mn_cop *a);

void mn_rop_apply(const mn_rop *a, const double *u, double *y);
void mn_cop_apply(const mn_cop *a, const double complex *u, double complex *y);

/* Jacobi-preconditioned conjugate gradients on the SPD real operator; u holds the initial
 * guess. Stops at ||r|| ≤ rtol ||b||. */
mn_status mn_rop_solve(const mn_rop *a, const double *b, double *u, double rtol, int maxit,
                       int *iters);
/* Jacobi-preconditioned COCG (conjugate orthogonal CG) for the complex symmetric operator
 * with positive real and imaginary parts (σ + jωε). */
mn_status mn_cop_solve(const mn_cop *a, const double complex *b, double complex *u, double rtol,
                       int maxit, int *iters);

/* ---- Potential -------------------------------------------------------------------------- */

/* Voxel roles for the potential. */
enum { PV_TISSUE = 0, PV_ELECTRODE = 1, PV_INSULATOR = 2 };

typedef double complex (*mn_pot_bc_fn)(double x, double y, double z, void *ctx);

typedef struct mn_potential {
    const mn_hgrid *g;
    const unsigned char *role;   /* PV_* per voxel */
    const double complex *sigma; /* σ + jωε₀ε_r per voxel (S/m; only tissue voxels read) */
    double complex v_electrode;  /* V on every electrode surface */
    int dirichlet[6];            /* faces held at bc(x, y, z) */
    mn_pot_bc_fn bc;             /* NULL: 0 */
    void *bc_ctx;
} mn_potential;

/* Solves for V (n values, initial guess in/out; electrode and insulator voxels get
 * v_electrode and 0). Returns per voxel the time-averaged Joule power ½σ|E|² integrated over
 * the voxel (W, with lengths in µm and σ in S/m: the factor 1e-6 is applied), the total
 * power and the complex current leaving the electrodes (A). */
mn_status mn_potential_solve(const mn_potential *p, double complex *v, double *power_w,
                             double *total_w, double complex *current_a, int *iters);

/* ---- Bioheat ---------------------------------------------------------------------------- */

/* Energy ledger in J, all since the start. */
typedef struct mn_energy {
    double deposited, stored, conducted, perfused;
} mn_energy;

typedef struct mn_bioheat {
    const mn_hgrid *g;
    double *cap;                   /* ρc·vol, J/K per voxel */
    double *perf;                  /* w_b ρ_b c_b·vol, W/K per voxel */
    double *bdir;                  /* conductance to fixed-temperature faces, W/K per voxel */
    double t_fix;                  /* temperature of those faces and of arterial blood */
    mn_rop op;                     /* conductances between voxels (W/K); d is scratch */
    double *rhs, *tmp, *tnew, *du; /* du: last step's change, for the initial guess */
    double dt_prev;
    mn_energy e;
} mn_bioheat;

/* Allocates arrays (cap, perf, bdir, op.gx/gy/gz zeroed); the caller fills them. */
mn_status mn_bioheat_alloc(mn_bioheat *b, const mn_hgrid *g);
void mn_bioheat_clear(mn_bioheat *b);
/* One step of dt_s: theta = 0.5 Crank–Nicolson, 1 backward Euler. src_w: heat per voxel (W),
 * constant over the step (may be NULL). T in/out (°C). Updates the energy ledger. */
mn_status mn_bioheat_step(mn_bioheat *b, double *t, const double *src_w, double dt_s, double theta);

/* Harmonic combination of two half-cell conductances (0 if either is 0). */
static inline double mn_series(double a, double b)
{
    return (a > 0.0 && b > 0.0) ? a * b / (a + b) : 0.0;
}

#endif
