/* mnsim — the generic 3D field engine shared by delivery, healing mediators and heat.
 *
 * A structured, cell-centred finite-volume grid over the patch: nx × ny × nz voxels,
 * uniform spacing in x and y, per-layer spacing dz[k] in z. Index k = 0 is the top layer
 * (the skin surface, face MN_FACE_Z_LO); depth grows with k. Every species is one flat,
 * contiguous array indexed i + nx*(j + ny*k); coefficients are flat arrays or uniform
 * scalars (uniform ones cost no memory and unlock a faster exact-splitting path).
 *
 * The equation solved for each species, with the concentration c = K·u (u: concentration
 * in the reference phase, continuous across interfaces; K: partition coefficient relative
 * to that phase) and capacity cap (1 for species; rho*c for heat, with K = 1):
 *
 *   cap·K·∂u/∂t = ∇·(D·K ∇u) − λ·cap·K·u + r·(u_ref − u) + q
 *
 *   D   diffusivity, µm²/s            (mn_field_set_diffusivity)
 *   K   partition coefficient, 1      (mn_field_set_partition)
 *   cap capacity, 1 by default        (mn_field_set_capacity)
 *   λ   first-order decay/clearance of the stored amount, 1/s (mn_field_set_decay)
 *   r, u_ref  linear exchange (Pennes perfusion: r = w_b·rho_b·c_b, u_ref = T_arterial),
 *             units of cap per s      (mn_field_set_exchange)
 *   q   volumetric source, amount per µm³ per s (× an optional time profile)
 *                                     (mn_field_set_source)
 *
 * The amount (mass) in a voxel is cap·K·u·vol = cap·c·vol; for a species (cap = 1) that is
 * c·vol, e.g. µg when c is µg/µm³. Face fluxes use the harmonic mean of D·K, so the jump
 * c₁/K₁ = c₂/K₂ at a layer interface is exact.
 *
 * Time stepping: mn_field_step advances exactly dt_s with adaptive internal steps
 * (L-stable, second-order SDIRK2 per direction, dimensional splitting that is exact for
 * uniform coefficients and Strang-symmetric otherwise, step-doubling error control with
 * local Richardson extrapolation) and
 * reactions by Strang splitting solved exactly per voxel. Stable for any step.
 *
 * All calls check their arguments and return mn_status (message in mn_last_error()).
 * Results are bitwise identical for any number of OpenMP threads.
 */
#ifndef MNSIM_FIELD_H
#define MNSIM_FIELD_H

#include <stddef.h>

#include "mnsim/export.h"
#include "mnsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Grid ------------------------------------------------------------------------------ */

typedef struct mn_grid mn_grid;

/* nx, ny, nz ≥ 1 voxels; dx_um, dy_um > 0; dz_um: nz layer thicknesses (> 0), top first.
 * The grid copies dz_um. The patch spans [0, nx·dx] × [0, ny·dy] × [0, Σdz]. */
MN_API mn_status mn_grid_create(int nx, int ny, int nz, double dx_um, double dy_um,
                                const double *dz_um, mn_grid **out);
/* Cubic voxels of edge h_um. */
MN_API mn_status mn_grid_create_uniform(int nx, int ny, int nz, double h_um, mn_grid **out);
MN_API void mn_grid_free(mn_grid *g);

MN_API mn_status mn_grid_get_dims(const mn_grid *g, int *nx, int *ny, int *nz);
MN_API mn_status mn_grid_get_spacing(const mn_grid *g, double *dx_um, double *dy_um);
/* Thickness of layer k and depth of its centre below the top face (µm). */
MN_API mn_status mn_grid_get_layer(const mn_grid *g, int k, double *dz_um, double *z_centre_um);
/* nx·ny·nz */
MN_API size_t mn_grid_voxels(const mn_grid *g);

/* ---- Field ----------------------------------------------------------------------------- */

typedef struct mn_field mn_field;

typedef enum mn_face {
    MN_FACE_X_LO = 0, /* i = 0 side */
    MN_FACE_X_HI,     /* i = nx-1 side */
    MN_FACE_Y_LO,
    MN_FACE_Y_HI,
    MN_FACE_Z_LO, /* k = 0: the top (skin surface) */
    MN_FACE_Z_HI  /* k = nz-1: the bottom */
} mn_face;
#define MN_FACE_TOP    MN_FACE_Z_LO
#define MN_FACE_BOTTOM MN_FACE_Z_HI

typedef enum mn_boundary_kind {
    MN_BC_ZERO_FLUX = 0, /* default on every face */
    MN_BC_FIXED,         /* u held at a value (concentration in the reference phase) */
    MN_BC_DONOR          /* well-mixed compartment (mn_field_set_donor); Z faces only */
} mn_boundary_kind;

typedef enum mn_storage {
    MN_STORAGE_DOUBLE = 0, /* default: mass balance to round-off (≈1e-15 per step) */
    MN_STORAGE_FLOAT       /* state stored in single precision, arithmetic in double:
                              half the memory traffic; mass balance ≈1e-7 relative */
} mn_storage;

/* Estimated bytes a field of this size needs in the worst case (double storage, every
 * coefficient a per-voxel array), so callers can refuse a grid over a memory budget before
 * allocating. Returns SIZE_MAX if the size overflows or an argument is not positive. */
MN_API size_t mn_field_memory_bytes(long nx, long ny, long nz, int nspecies);

/* A field of nspecies (≥ 1) species on a copy of grid: every species starts at u = 0 with
 * D = 0, K = 1, cap = 1, no decay, no exchange, no source, zero-flux faces, double storage. */
MN_API mn_status mn_field_create(const mn_grid *grid, int nspecies, mn_field **out);
MN_API void mn_field_free(mn_field *f);

/* Storage precision of species s; resets its values to 0. Call before setting values. */
MN_API mn_status mn_field_set_storage(mn_field *f, int s, mn_storage storage);

/* Coefficients: a flat array of nx·ny·nz values (copied), or one uniform value. */
MN_API mn_status mn_field_set_diffusivity(mn_field *f, int s, const double *d_um2_s);
MN_API mn_status mn_field_set_diffusivity_uniform(mn_field *f, int s, double d_um2_s);
MN_API mn_status mn_field_set_partition(mn_field *f, int s, const double *k);
MN_API mn_status mn_field_set_partition_uniform(mn_field *f, int s, double k);
MN_API mn_status mn_field_set_capacity(mn_field *f, int s, const double *cap);
MN_API mn_status mn_field_set_capacity_uniform(mn_field *f, int s, double cap);
MN_API mn_status mn_field_set_decay(mn_field *f, int s, const double *rate_per_s);
MN_API mn_status mn_field_set_decay_uniform(mn_field *f, int s, double rate_per_s);
/* Linear exchange r·(u_ref − u); either array may be NULL to mean 0. */
MN_API mn_status mn_field_set_exchange(mn_field *f, int s, const double *rate, const double *u_ref);
MN_API mn_status mn_field_set_exchange_uniform(mn_field *f, int s, double rate, double u_ref);
/* Volumetric source q (amount per µm³ per s); NULL clears it. */
MN_API mn_status mn_field_set_source(mn_field *f, int s, const double *q);
MN_API mn_status mn_field_set_source_uniform(mn_field *f, int s, double q);
/* Optional time profile: the source is q(x)·profile(t_s, ctx) (pulsed RF power, a
 * manufactured solution). NULL restores profile ≡ 1. */
typedef double (*mn_field_profile_fn)(double t_s, void *ctx);
MN_API mn_status mn_field_set_source_profile(mn_field *f, int s, mn_field_profile_fn profile,
                                             void *ctx);

/* Boundary of one face: MN_BC_ZERO_FLUX (value ignored) or MN_BC_FIXED (u = value). */
MN_API mn_status mn_field_set_boundary(mn_field *f, int s, mn_face face, mn_boundary_kind kind,
                                       double value);
/* Donor compartment over a z face (MN_FACE_Z_LO or MN_FACE_Z_HI): a well-mixed reservoir of
 * volume_um3 (INFINITY: infinite dose, concentration held) with partition coefficient
 * k_donor (relative to the reference phase) and initial concentration conc (amount/µm³).
 * Exchange with the face voxels is implicit and conserves donor + field amounts exactly. */
MN_API mn_status mn_field_set_donor(mn_field *f, int s, mn_face face, double volume_um3,
                                    double k_donor, double conc);
/* Current donor concentration and amount (amount = INFINITY for an infinite donor). */
MN_API mn_status mn_field_get_donor(const mn_field *f, int s, double *conc, double *amount);

/* Concentrations c = K·u, nx·ny·nz values (for heat: temperatures). */
MN_API mn_status mn_field_set_values(mn_field *f, int s, const double *c);
MN_API mn_status mn_field_set_values_uniform(mn_field *f, int s, double c);
MN_API mn_status mn_field_get_values(const mn_field *f, int s, double *c);
/* The same for layers k0 ≤ k < k1 only: (k1 − k0)·nx·ny values, so large grids can be
 * filled and read one layer at a time without a full-size temporary. */
MN_API mn_status mn_field_set_values_layers(mn_field *f, int s, int k0, int k1, const double *c);
MN_API mn_status mn_field_get_values_layers(const mn_field *f, int s, int k0, int k1, double *c);

/* Local error tolerance per internal step (relative L2 of the step, plus an absolute floor
 * atol in units of u). Defaults rtol = 1e-3, atol = 1e-30. Initial internal step: h0_s
 * (0: the whole first interval, shrunk by the error control). */
MN_API mn_status mn_field_set_tolerance(mn_field *f, double rtol, double atol);
MN_API mn_status mn_field_set_initial_step(mn_field *f, double h0_s);

/* Advances every species by exactly dt_s > 0 seconds with internal adaptive steps. */
MN_API mn_status mn_field_step(mn_field *f, double dt_s);

/* Time reached (s) and counts of internal steps accepted and rejected so far. */
MN_API mn_status mn_field_get_time(const mn_field *f, double *t_s);
MN_API mn_status mn_field_get_stats(const mn_field *f, long *steps, long *rejected);

/* Bytes of state the constant-coefficient path has loaded and stored so far, counted per pass
 * as STREAM counts them (explicit loads and stores, no write-allocate): a model of its memory
 * traffic, for `mnsim bench diffusion`. The general path is not counted (0 there). */
MN_API mn_status mn_field_get_state_traffic(const mn_field *f, double *bytes);

/* Amount Σ cap·K·u·vol of species s in the whole grid, or in layers k0 ≤ k < k1. */
MN_API mn_status mn_field_get_mass(const mn_field *f, int s, double *mass);
MN_API mn_status mn_field_get_mass_layers(const mn_field *f, int s, int k0, int k1, double *mass);
/* Cumulative amount that entered the grid through a face since creation (negative: left). */
MN_API mn_status mn_field_get_boundary_amount(const mn_field *f, int s, mn_face face,
                                              double *amount);
/* Cumulative net amount removed by decay and exchange minus amount added by sources. */
MN_API mn_status mn_field_get_reaction_amount(const mn_field *f, int s, double *removed);
/* Bytes this field has allocated. */
MN_API mn_status mn_field_get_memory_bytes(const mn_field *f, size_t *bytes);

#ifdef __cplusplus
}
#endif
#endif
