/* Internals of the heat stage: a cell-centred finite-volume grid (uniform x, y; graded z), the
 * 7-point complex face-admittance operator of the potential and its Krylov solver, and the
 * bioheat stepper on the field engine with its energy ledger. */
#ifndef MN_HEAT_IMPL_H
#define MN_HEAT_IMPL_H

#include <complex.h>
/* glibc defines CMPLX only for GCC ≥ 4.7 (its test does not know clang, which has the same
 * builtin since clang 12): without this, clang builds have no CMPLX. */
#if !defined(CMPLX) && defined(__clang__)
#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#endif
#include <stddef.h>

#include "mnsim/field.h"
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

/* Complex symmetric 7-point operator  (A u)_v = d_v u_v + Σ_faces g (u_v − u_n)  with
 * admittances: gx[v] couples v and v+1 in x (0 on the last plane), likewise gy, gz. Rows with
 * fixed[v] are identity rows (u_v = rhs_v). */
typedef struct mn_cop {
    const mn_hgrid *g;
    double complex *gx, *gy, *gz, *d;
} mn_cop;

mn_status mn_cop_alloc(mn_cop *a, const mn_hgrid *g);
void mn_cop_clear(mn_cop *a);

/* COCG (conjugate orthogonal CG) preconditioned by a multigrid V-cycle (aggregation, D-ILU
 * smoothing) for the complex symmetric operator with positive real and imaginary parts
 * (σ + jωε); u holds the initial guess. */
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
    double rtol; /* relative residual of the solve; 0: 1e-10 */
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
    double latent; /* taken by vaporisation (filled by the caller of the phase update) */
} mn_energy;

/* Pennes bioheat on the field engine (bioheat.c explains the mapping), in the deviation
 * u = T − t_fix from the arterial temperature, which is also that of the held faces. */
typedef struct mn_bioheat {
    const mn_hgrid *g;
    mn_grid *grid;
    mn_field *f;
    double t_fix;
    double *q, *u;    /* source W/µm³, values scratch */
    double *perf;     /* w_b ρ_b c_b per voxel (W/µm³/K) */
    double *xr, *xu;  /* exchange rate and reference with a cooling plate on (scratch) */
    double power_w;   /* Σ source of the current setting, W */
    double deposited; /* J since the start */
} mn_bioheat;

/* rho_c: ρc per voxel (J/µm³/K); perf: w_b ρ_b c_b per voxel (W/µm³/K); faces whose bit
 * (1 << HF_*) is set in fixed_faces are held at t_fix, the others are zero flux. T starts at
 * t_fix everywhere. */
mn_status mn_bioheat_create(mn_bioheat *b, const mn_hgrid *g, const double *rho_c,
                            const double *perf, double t_fix, unsigned fixed_faces);
void mn_bioheat_clear(mn_bioheat *b);
/* Thermal conductivity per voxel, W/(µm K); call again to update k(T) between steps
 * (operator splitting: k is frozen over each step). */
mn_status mn_bioheat_set_conductivity(mn_bioheat *b, const double *k_w_um_k);
/* Joule heat per voxel (W), held until the next call; NULL switches it off. */
mn_status mn_bioheat_set_source(mn_bioheat *b, const double *src_w);
/* Contact cooling of the skin surface (top face): a plate at t_plate_c with heat-transfer
 * coefficient h_w_um2_k (W/µm²/K; INFINITY: the surface held at t_plate_c). k_w_um_k: the
 * conductivity per voxel (the top layer's is read). The plate's flux reaches the centre of each
 * top voxel through half its thickness: h_eff = 1 / (1/h + dz0/(2k)), the finite-volume Robin
 * condition (with h = ∞ the same half-cell conductance as a held face). It enters the engine as
 * an exchange of the top layer, rate h_eff/dz0 towards the plate, beside the perfusion; the
 * ledger's "perfused" then includes the heat the plate took. on = 0 takes the plate away. */
mn_status mn_bioheat_set_cooling(mn_bioheat *b, int on, double t_plate_c, double h_w_um2_k,
                                 const double *k_w_um_k);
/* Advances dt_s (adaptive internal steps of the engine) and writes T (°C, n values). */
mn_status mn_bioheat_step(mn_bioheat *b, double dt_s, double *t);
mn_status mn_bioheat_get_energy(const mn_bioheat *b, mn_energy *e);
/* Replaces the temperature field (°C, n values), e.g. after the phase update; the ledger's
 * stored energy follows the engine's state. */
mn_status mn_bioheat_set_temperature(mn_bioheat *b, const double *t);

/* ---- Vaporisation (phase.c) ------------------------------------------------------------- */

/* Enthalpy update after a bioheat step: heat above t_boil goes into the remaining water.
 * rho_c (J/µm³/K) and latent (J/µm³ of the full water content) per voxel; f (water share left,
 * 0..1) and t (°C) are updated in place. Returns the latent heat taken (J). */
double mn_heat_phase_update(const mn_hgrid *g, const double *rho_c, const double *latent,
                            double t_boil, double *t, double *f);

#endif
