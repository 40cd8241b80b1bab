/* Internal layout of the field engine, shared by its bookkeeping (field.c), the stepping
 * driver (step.c) and the CPU kernels (kernels.c). A CUDA backend would keep this
 * bookkeeping and replace step.c's passes; an MPI decomposition would split the slabs. */
#ifndef MN_FIELD_IMPL_H
#define MN_FIELD_IMPL_H

#include <stddef.h>

#include "field/cache.h"
#include "mnsim/field.h"

struct mn_grid {
    int nx, ny, nz;
    double dx, dy; /* µm */
    double *dz;    /* nz layer thicknesses, µm */
    double *zc;    /* nz depths of layer centres, µm */
};

/* A coefficient: a flat per-voxel array, or (v == NULL) one uniform value. */
typedef struct mn_coef {
    double uniform;
    double *v;
} mn_coef;

static inline double mn_coef_at(const mn_coef *c, size_t idx)
{
    return c->v ? c->v[idx] : c->uniform;
}

typedef struct mn_species {
    mn_storage storage;
    /* Three state buffers (u = c/K): the state at the start of an internal step, the
     * two-half-steps result that becomes the new state, and the one-big-step result the
     * error estimate compares against. Pointers rotate; no copies. */
    void *u, *u0, *ub;
    void *y1; /* stage scratch, only for a finite donor */
    mn_coef d, k, cap, decay, xrate, xref, src;
    mn_field_profile_fn profile;
    void *profile_ctx;
    mn_boundary_kind bc[6];
    double bc_value[6];
    /* finite or infinite donor over a z face */
    int donor_face;      /* -1: none */
    double donor_volume; /* µm³, INFINITY for an infinite dose */
    double donor_k;
    double donor_u;  /* donor state (conc / k_donor) */
    double donor_u0; /* donor state at the start of the internal step */
    double donor_ub;
    /* accounting (committed on accepted steps) */
    double bnd_amount[6];
    double react_amount;
    double t; /* time reached by this species, s */
    double h_next;
    long steps, rejected;
    /* Bytes of state the constant-coefficient path loaded and stored, counted per pass as
     * STREAM counts them (no write-allocate): the benchmark's traffic model. */
    double state_bytes;
    /* Bumped by every setter that changes the line operators (D, K, capacity, boundary kinds,
     * donor) or the reaction rate (decay, exchange, capacity, K); the cache (cache.h) is valid
     * while they stay. Start at 1: 0 marks an empty cache entry. */
    unsigned long coef_version, react_version;
    mn_field_cache cache;
} mn_species;

struct mn_field {
    mn_grid g;
    int nspecies;
    mn_species *sp;
    double rtol, atol, h0;
    size_t nvox;
    /* verification knobs: fixed internal step (no error control) and whether to apply the
     * local extrapolation; the plain scheme's order is measured with both set */
    double fixed_h;
    int plain;
};

/* Verification only: every internal step fixed to h_s (0: adaptive again); plain = 1 takes
 * single SDIRK2/Strang steps without step doubling or extrapolation. */
void mn_field_debug_fixed_steps(mn_field *f, double h_s, int plain);

/* Advances species s of f by dt (step.c). */
mn_status mn_field_species_step(mn_field *f, int s, double dt);

/* Bytes one species state buffer takes. */
static inline size_t mn_species_elem(const mn_species *sp)
{
    return sp->storage == MN_STORAGE_FLOAT ? sizeof(float) : sizeof(double);
}

#endif
