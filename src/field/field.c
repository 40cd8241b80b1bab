/* Bookkeeping of the field engine: creation, coefficients, boundaries, values, accounting.
 * The numerics live in step.c and kernels.c. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "field/field_impl.h"

static const char *face_names[6] = {"x_lo", "x_hi", "y_lo", "y_hi", "z_lo (top)", "z_hi (bottom)"};

size_t mn_field_memory_bytes(long nx, long ny, long nz, int nspecies)
{
    if (nx < 1 || ny < 1 || nz < 1 || nspecies < 1)
        return SIZE_MAX;
    /* Worst case per voxel and species: 4 double state buffers (state, step start, big
     * step, donor stage) + 7 per-voxel coefficient arrays + the general path's operator
     * cache (cache.h). */
    const double nv = (double)nx * (double)ny * (double)nz;
    const double per_voxel = (4.0 + 7.0) * sizeof(double);
    double bytes = nv * (double)nspecies * per_voxel;
    bytes += (double)nspecies * (double)mn_field_cache_bytes(1) * nv;
    /* per-thread plane scratch: ~4 plane-sized arrays for each of up to 64 threads */
    double plane = (double)(nx > ny ? nx : ny) * (double)(ny > nz ? ny : nz);
    bytes += 64.0 * 4.0 * plane * sizeof(double) + 65536.0;
    if (!(bytes < (double)SIZE_MAX / 2))
        return SIZE_MAX;
    return (size_t)bytes;
}

static mn_status alloc_state(mn_field *f, mn_species *sp)
{
    size_t e = mn_species_elem(sp);
    free(sp->u);
    free(sp->u0);
    free(sp->ub);
    free(sp->y1);
    sp->y1 = NULL;
    sp->u = calloc(f->nvox, e);
    sp->u0 = calloc(f->nvox, e);
    sp->ub = calloc(f->nvox, e);
    if (!sp->u || !sp->u0 || !sp->ub)
        return mn_error_set(MN_ENOMEM, "field: out of memory for %zu voxels (%zu bytes each)",
                            f->nvox, 3 * e);
    return MN_OK;
}

mn_status mn_field_create(const mn_grid *grid, int nspecies, mn_field **out)
{
    mn_status st = MN_OK;
    if (!out)
        return mn_error_set(MN_EINPUT, "mn_field_create: out is NULL");
    *out = NULL;
    if (!grid)
        return mn_error_set(MN_EINPUT, "mn_field_create: grid is NULL");
    if (nspecies < 1 || nspecies > 1024)
        return mn_error_set(MN_EINPUT, "field: %d species (expected 1 to 1024)", nspecies);
    mn_field *f;
    MN_ALLOC(f, 1);
    f->g = *grid;
    f->g.dz = NULL;
    f->g.zc = NULL;
    f->nspecies = nspecies;
    f->nvox = mn_grid_voxels(grid);
    f->rtol = 1e-3;
    f->atol = 1e-30;
    f->g.dz = calloc((size_t)grid->nz, sizeof(double));
    f->g.zc = calloc((size_t)grid->nz, sizeof(double));
    f->sp = calloc((size_t)nspecies, sizeof *f->sp);
    if (!f->g.dz || !f->g.zc || !f->sp) {
        st = mn_error_set(MN_ENOMEM, "field: out of memory");
        goto fail;
    }
    memcpy(f->g.dz, grid->dz, (size_t)grid->nz * sizeof(double));
    memcpy(f->g.zc, grid->zc, (size_t)grid->nz * sizeof(double));
    for (int s = 0; s < nspecies; s++) {
        mn_species *sp = &f->sp[s];
        sp->storage = MN_STORAGE_DOUBLE;
        sp->d.uniform = 0;
        sp->k.uniform = 1;
        sp->cap.uniform = 1;
        sp->donor_face = -1;
        sp->coef_version = sp->react_version = 1;
        MN_TRY_GOTO(alloc_state(f, sp), fail);
    }
    *out = f;
    return MN_OK;
fail:
    mn_field_free(f);
    return st;
}

static void coef_clear(mn_coef *c)
{
    free(c->v);
    c->v = NULL;
}

void mn_field_free(mn_field *f)
{
    if (!f)
        return;
    for (int s = 0; f->sp && s < f->nspecies; s++) {
        mn_species *sp = &f->sp[s];
        free(sp->u);
        free(sp->u0);
        free(sp->ub);
        free(sp->y1);
        mn_field_cache_free(&sp->cache);
        mn_coef *cs[] = {&sp->d, &sp->k, &sp->cap, &sp->decay, &sp->xrate, &sp->xref, &sp->src};
        for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++)
            coef_clear(cs[i]);
    }
    free(f->sp);
    free(f->g.dz);
    free(f->g.zc);
    free(f);
}

static mn_status check(const mn_field *f, int s, const char *fn)
{
    if (!f)
        return mn_error_set(MN_EINPUT, "%s: field is NULL", fn);
    if (s < 0 || s >= f->nspecies)
        return mn_error_set(MN_EINPUT, "%s: species %d out of range [0, %d)", fn, s, f->nspecies);
    return MN_OK;
}

mn_status mn_field_set_storage(mn_field *f, int s, mn_storage storage)
{
    MN_TRY(check(f, s, "mn_field_set_storage"));
    if (storage != MN_STORAGE_DOUBLE && storage != MN_STORAGE_FLOAT)
        return mn_error_set(MN_EINPUT, "field: storage %d unknown", (int)storage);
    f->sp[s].storage = storage;
    return alloc_state(f, &f->sp[s]);
}

/* Copies a per-voxel array after checking every value lies in [lo, hi]. */
static mn_status set_array(mn_field *f, mn_coef *c, const double *v, double lo, double hi,
                           const char *what)
{
    if (!v)
        return mn_error_set(MN_EINPUT, "field: %s array is NULL", what);
    for (size_t i = 0; i < f->nvox; i++)
        if (!(v[i] >= lo && v[i] <= hi))
            return mn_error_set(MN_EINPUT,
                                "field: %s[%zu] = %g (expected a finite value in [%g, %g])", what,
                                i, v[i], lo, hi);
    if (!c->v) {
        c->v = malloc(f->nvox * sizeof(double));
        if (!c->v)
            return mn_error_set(MN_ENOMEM, "field: out of memory for %s", what);
    }
    memcpy(c->v, v, f->nvox * sizeof(double));
    return MN_OK;
}

static mn_status set_uniform(mn_coef *c, double v, double lo, double hi, const char *what)
{
    if (!(v >= lo && v <= hi))
        return mn_error_set(MN_EINPUT, "field: %s = %g (expected a finite value in [%g, %g])", what,
                            v, lo, hi);
    coef_clear(c);
    c->uniform = v;
    return MN_OK;
}

#define BIG 1e300

mn_status mn_field_set_diffusivity(mn_field *f, int s, const double *d_um2_s)
{
    MN_TRY(check(f, s, "mn_field_set_diffusivity"));
    f->sp[s].coef_version++;
    return set_array(f, &f->sp[s].d, d_um2_s, 0, BIG, "diffusivity_um2_s");
}
mn_status mn_field_set_diffusivity_uniform(mn_field *f, int s, double d_um2_s)
{
    MN_TRY(check(f, s, "mn_field_set_diffusivity_uniform"));
    f->sp[s].coef_version++;
    return set_uniform(&f->sp[s].d, d_um2_s, 0, BIG, "diffusivity_um2_s");
}
mn_status mn_field_set_partition(mn_field *f, int s, const double *k)
{
    MN_TRY(check(f, s, "mn_field_set_partition"));
    f->sp[s].coef_version++;
    f->sp[s].react_version++;
    return set_array(f, &f->sp[s].k, k, 1e-300, BIG, "partition");
}
mn_status mn_field_set_partition_uniform(mn_field *f, int s, double k)
{
    MN_TRY(check(f, s, "mn_field_set_partition_uniform"));
    f->sp[s].coef_version++;
    f->sp[s].react_version++;
    return set_uniform(&f->sp[s].k, k, 1e-300, BIG, "partition");
}
mn_status mn_field_set_capacity(mn_field *f, int s, const double *cap)
{
    MN_TRY(check(f, s, "mn_field_set_capacity"));
    f->sp[s].coef_version++;
    f->sp[s].react_version++;
    return set_array(f, &f->sp[s].cap, cap, 1e-300, BIG, "capacity");
}
mn_status mn_field_set_capacity_uniform(mn_field *f, int s, double cap)
{
    MN_TRY(check(f, s, "mn_field_set_capacity_uniform"));
    f->sp[s].coef_version++;
    f->sp[s].react_version++;
    return set_uniform(&f->sp[s].cap, cap, 1e-300, BIG, "capacity");
}
mn_status mn_field_set_decay(mn_field *f, int s, const double *rate_per_s)
{
    MN_TRY(check(f, s, "mn_field_set_decay"));
    f->sp[s].react_version++;
    return set_array(f, &f->sp[s].decay, rate_per_s, 0, BIG, "decay_per_s");
}
mn_status mn_field_set_decay_uniform(mn_field *f, int s, double rate_per_s)
{
    MN_TRY(check(f, s, "mn_field_set_decay_uniform"));
    f->sp[s].react_version++;
    return set_uniform(&f->sp[s].decay, rate_per_s, 0, BIG, "decay_per_s");
}
mn_status mn_field_set_exchange(mn_field *f, int s, const double *rate, const double *u_ref)
{
    MN_TRY(check(f, s, "mn_field_set_exchange"));
    f->sp[s].react_version++;
    mn_species *sp = &f->sp[s];
    if (rate)
        MN_TRY(set_array(f, &sp->xrate, rate, 0, BIG, "exchange_rate"));
    else
        MN_TRY(set_uniform(&sp->xrate, 0, 0, 0, "exchange_rate"));
    if (u_ref)
        return set_array(f, &sp->xref, u_ref, -BIG, BIG, "exchange_reference");
    return set_uniform(&sp->xref, 0, 0, 0, "exchange_reference");
}
mn_status mn_field_set_exchange_uniform(mn_field *f, int s, double rate, double u_ref)
{
    MN_TRY(check(f, s, "mn_field_set_exchange_uniform"));
    f->sp[s].react_version++;
    MN_TRY(set_uniform(&f->sp[s].xrate, rate, 0, BIG, "exchange_rate"));
    return set_uniform(&f->sp[s].xref, u_ref, -BIG, BIG, "exchange_reference");
}
mn_status mn_field_set_source(mn_field *f, int s, const double *q)
{
    MN_TRY(check(f, s, "mn_field_set_source"));
    if (!q)
        return set_uniform(&f->sp[s].src, 0, 0, 0, "source");
    return set_array(f, &f->sp[s].src, q, -BIG, BIG, "source");
}
mn_status mn_field_set_source_uniform(mn_field *f, int s, double q)
{
    MN_TRY(check(f, s, "mn_field_set_source_uniform"));
    return set_uniform(&f->sp[s].src, q, -BIG, BIG, "source");
}
mn_status mn_field_set_source_profile(mn_field *f, int s, mn_field_profile_fn profile, void *ctx)
{
    MN_TRY(check(f, s, "mn_field_set_source_profile"));
    f->sp[s].profile = profile;
    f->sp[s].profile_ctx = ctx;
    return MN_OK;
}

static mn_status check_face(mn_face face)
{
    if ((int)face < 0 || (int)face > 5)
        return mn_error_set(MN_EINPUT, "field: face %d unknown (expected 0..5)", (int)face);
    return MN_OK;
}

mn_status mn_field_set_boundary(mn_field *f, int s, mn_face face, mn_boundary_kind kind,
                                double value)
{
    MN_TRY(check(f, s, "mn_field_set_boundary"));
    f->sp[s].coef_version++;
    MN_TRY(check_face(face));
    mn_species *sp = &f->sp[s];
    if (kind == MN_BC_DONOR)
        return mn_error_set(MN_EINPUT, "field: face %s: use mn_field_set_donor for a donor",
                            face_names[face]);
    if (kind != MN_BC_ZERO_FLUX && kind != MN_BC_FIXED)
        return mn_error_set(MN_EINPUT, "field: boundary kind %d unknown", (int)kind);
    if (kind == MN_BC_FIXED && !isfinite(value))
        return mn_error_set(MN_EINPUT, "field: face %s: fixed value %g (expected finite)",
                            face_names[face], value);
    if (sp->donor_face == (int)face)
        sp->donor_face = -1;
    sp->bc[face] = kind;
    sp->bc_value[face] = kind == MN_BC_FIXED ? value : 0;
    return MN_OK;
}

mn_status mn_field_set_donor(mn_field *f, int s, mn_face face, double volume_um3, double k_donor,
                             double conc)
{
    MN_TRY(check(f, s, "mn_field_set_donor"));
    f->sp[s].coef_version++;
    MN_TRY(check_face(face));
    mn_species *sp = &f->sp[s];
    if (face != MN_FACE_Z_LO && face != MN_FACE_Z_HI)
        return mn_error_set(MN_EINPUT, "field: donor on face %s (expected z_lo or z_hi)",
                            face_names[face]);
    if (!(volume_um3 > 0))
        return mn_error_set(MN_EINPUT, "field: donor volume %g um3 (expected > 0 or INFINITY)",
                            volume_um3);
    if (!(k_donor > 0) || !isfinite(k_donor))
        return mn_error_set(MN_EINPUT, "field: donor partition %g (expected > 0)", k_donor);
    if (!(conc >= 0) || !isfinite(conc))
        return mn_error_set(MN_EINPUT, "field: donor concentration %g (expected >= 0)", conc);
    int other = face == MN_FACE_Z_LO ? MN_FACE_Z_HI : MN_FACE_Z_LO;
    if (sp->donor_face == other)
        return mn_error_set(MN_EINPUT, "field: species %d already has a donor on face %s", s,
                            face_names[other]);
    sp->donor_face = (int)face;
    sp->bc[face] = MN_BC_DONOR;
    sp->donor_volume = volume_um3;
    sp->donor_k = k_donor;
    sp->donor_u = conc / k_donor;
    sp->bc_value[face] = sp->donor_u;
    if (isfinite(volume_um3) && !sp->y1) {
        sp->y1 = calloc(f->nvox, sizeof(double));
        if (!sp->y1)
            return mn_error_set(MN_ENOMEM, "field: out of memory for the donor stage buffer");
    }
    return MN_OK;
}

mn_status mn_field_get_donor(const mn_field *f, int s, double *conc, double *amount)
{
    MN_TRY(check(f, s, "mn_field_get_donor"));
    const mn_species *sp = &f->sp[s];
    if (sp->donor_face < 0)
        return mn_error_set(MN_EINPUT, "field: species %d has no donor", s);
    double c = sp->donor_u * sp->donor_k;
    if (conc)
        *conc = c;
    if (amount)
        *amount = isfinite(sp->donor_volume) ? c * sp->donor_volume : INFINITY;
    return MN_OK;
}

static inline double load_u(const mn_species *sp, size_t i)
{
    return sp->storage == MN_STORAGE_FLOAT ? (double)((const float *)sp->u)[i]
                                           : ((const double *)sp->u)[i];
}

static inline void store_u(mn_species *sp, size_t i, double v)
{
    if (sp->storage == MN_STORAGE_FLOAT)
        ((float *)sp->u)[i] = (float)v;
    else
        ((double *)sp->u)[i] = v;
}

static mn_status check_layers(const mn_field *f, int k0, int k1, const void *c, const char *fn)
{
    if (!c)
        return mn_error_set(MN_EINPUT, "%s: values are NULL", fn);
    if (k0 < 0 || k1 > f->g.nz || k0 >= k1)
        return mn_error_set(MN_EINPUT, "%s: layers [%d, %d) out of range [0, %d]", fn, k0, k1,
                            f->g.nz);
    return MN_OK;
}

mn_status mn_field_set_values_layers(mn_field *f, int s, int k0, int k1, const double *c)
{
    MN_TRY(check(f, s, "mn_field_set_values_layers"));
    MN_TRY(check_layers(f, k0, k1, c, "mn_field_set_values_layers"));
    mn_species *sp = &f->sp[s];
    size_t plane = (size_t)f->g.nx * (size_t)f->g.ny, n = plane * (size_t)(k1 - k0),
           base = plane * (size_t)k0;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(c[i]))
            return mn_error_set(MN_EINPUT, "field: value[%zu] = %g (expected finite)", base + i,
                                c[i]);
    for (size_t i = 0; i < n; i++)
        store_u(sp, base + i, c[i] / mn_coef_at(&sp->k, base + i));
    return MN_OK;
}

mn_status mn_field_set_values(mn_field *f, int s, const double *c)
{
    MN_TRY(check(f, s, "mn_field_set_values"));
    return mn_field_set_values_layers(f, s, 0, f->g.nz, c);
}

mn_status mn_field_set_values_uniform(mn_field *f, int s, double c)
{
    MN_TRY(check(f, s, "mn_field_set_values_uniform"));
    if (!isfinite(c))
        return mn_error_set(MN_EINPUT, "field: value %g (expected finite)", c);
    mn_species *sp = &f->sp[s];
    for (size_t i = 0; i < f->nvox; i++)
        store_u(sp, i, c / mn_coef_at(&sp->k, i));
    return MN_OK;
}

mn_status mn_field_get_values_layers(const mn_field *f, int s, int k0, int k1, double *c)
{
    MN_TRY(check(f, s, "mn_field_get_values_layers"));
    MN_TRY(check_layers(f, k0, k1, c, "mn_field_get_values_layers"));
    const mn_species *sp = &f->sp[s];
    size_t plane = (size_t)f->g.nx * (size_t)f->g.ny, n = plane * (size_t)(k1 - k0),
           base = plane * (size_t)k0;
    for (size_t i = 0; i < n; i++)
        c[i] = load_u(sp, base + i) * mn_coef_at(&sp->k, base + i);
    return MN_OK;
}

mn_status mn_field_get_values(const mn_field *f, int s, double *c)
{
    MN_TRY(check(f, s, "mn_field_get_values"));
    return mn_field_get_values_layers(f, s, 0, f->g.nz, c);
}

mn_status mn_field_set_tolerance(mn_field *f, double rtol, double atol)
{
    if (!f)
        return mn_error_set(MN_EINPUT, "mn_field_set_tolerance: field is NULL");
    if (!(rtol > 0 && rtol < 1))
        return mn_error_set(MN_EINPUT, "field: rtol %g (expected in (0, 1))", rtol);
    if (!(atol >= 0) || !isfinite(atol))
        return mn_error_set(MN_EINPUT, "field: atol %g (expected >= 0)", atol);
    f->rtol = rtol;
    f->atol = atol;
    return MN_OK;
}

mn_status mn_field_set_initial_step(mn_field *f, double h0_s)
{
    if (!f)
        return mn_error_set(MN_EINPUT, "mn_field_set_initial_step: field is NULL");
    if (!(h0_s >= 0) || !isfinite(h0_s))
        return mn_error_set(MN_EINPUT, "field: initial step %g s (expected >= 0)", h0_s);
    f->h0 = h0_s;
    for (int s = 0; s < f->nspecies; s++)
        f->sp[s].h_next = h0_s;
    return MN_OK;
}

mn_status mn_field_step(mn_field *f, double dt_s)
{
    if (!f)
        return mn_error_set(MN_EINPUT, "mn_field_step: field is NULL");
    if (!(dt_s > 0) || !isfinite(dt_s))
        return mn_error_set(MN_EINPUT, "field: step %g s (expected positive, finite)", dt_s);
    for (int s = 0; s < f->nspecies; s++)
        MN_TRY(mn_field_species_step(f, s, dt_s));
    return MN_OK;
}

mn_status mn_field_get_time(const mn_field *f, double *t_s)
{
    if (!f || !t_s)
        return mn_error_set(MN_EINPUT, "mn_field_get_time: NULL argument");
    *t_s = f->sp[0].t;
    return MN_OK;
}

mn_status mn_field_get_state_traffic(const mn_field *f, double *bytes)
{
    if (!f || !bytes)
        return mn_error_set(MN_EINPUT, "mn_field_get_state_traffic: NULL argument");
    double b = 0;
    for (int s = 0; s < f->nspecies; s++)
        b += f->sp[s].state_bytes;
    *bytes = b;
    return MN_OK;
}

mn_status mn_field_get_stats(const mn_field *f, long *steps, long *rejected)
{
    if (!f)
        return mn_error_set(MN_EINPUT, "mn_field_get_stats: field is NULL");
    long a = 0, r = 0;
    for (int s = 0; s < f->nspecies; s++) {
        a += f->sp[s].steps;
        r += f->sp[s].rejected;
    }
    if (steps)
        *steps = a;
    if (rejected)
        *rejected = r;
    return MN_OK;
}

mn_status mn_field_get_mass_layers(const mn_field *f, int s, int k0, int k1, double *mass)
{
    MN_TRY(check(f, s, "mn_field_get_mass_layers"));
    if (!mass)
        return mn_error_set(MN_EINPUT, "mn_field_get_mass_layers: output is NULL");
    if (k0 < 0 || k1 > f->g.nz || k0 > k1)
        return mn_error_set(MN_EINPUT, "field: layers [%d, %d) out of range [0, %d]", k0, k1,
                            f->g.nz);
    const mn_species *sp = &f->sp[s];
    size_t plane = (size_t)f->g.nx * (size_t)f->g.ny;
    double total = 0;
    /* Fixed summation order (one partial sum per layer), so the result does not depend
     * on the thread count. */
    for (int k = k0; k < k1; k++) {
        double part = 0;
        for (size_t p = 0; p < plane; p++) {
            size_t i = p + plane * (size_t)k;
            part += load_u(sp, i) * mn_coef_at(&sp->k, i) * mn_coef_at(&sp->cap, i);
        }
        total += part * f->g.dx * f->g.dy * f->g.dz[k];
    }
    *mass = total;
    return MN_OK;
}

mn_status mn_field_get_mass(const mn_field *f, int s, double *mass)
{
    MN_TRY(check(f, s, "mn_field_get_mass"));
    return mn_field_get_mass_layers(f, s, 0, f->g.nz, mass);
}

mn_status mn_field_get_boundary_amount(const mn_field *f, int s, mn_face face, double *amount)
{
    MN_TRY(check(f, s, "mn_field_get_boundary_amount"));
    MN_TRY(check_face(face));
    if (!amount)
        return mn_error_set(MN_EINPUT, "mn_field_get_boundary_amount: output is NULL");
    *amount = f->sp[s].bnd_amount[face];
    return MN_OK;
}

mn_status mn_field_get_reaction_amount(const mn_field *f, int s, double *removed)
{
    MN_TRY(check(f, s, "mn_field_get_reaction_amount"));
    if (!removed)
        return mn_error_set(MN_EINPUT, "mn_field_get_reaction_amount: output is NULL");
    *removed = f->sp[s].react_amount;
    return MN_OK;
}

mn_status mn_field_get_memory_bytes(const mn_field *f, size_t *bytes)
{
    if (!f || !bytes)
        return mn_error_set(MN_EINPUT, "mn_field_get_memory_bytes: NULL argument");
    size_t b =
        sizeof *f + (size_t)f->nspecies * sizeof(mn_species) + 2 * (size_t)f->g.nz * sizeof(double);
    for (int s = 0; s < f->nspecies; s++) {
        const mn_species *sp = &f->sp[s];
        b += 3 * f->nvox * mn_species_elem(sp);
        if (sp->y1)
            b += f->nvox * sizeof(double);
        const mn_coef *cs[] = {&sp->d,     &sp->k,    &sp->cap, &sp->decay,
                               &sp->xrate, &sp->xref, &sp->src};
        for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++)
            if (cs[i]->v)
                b += f->nvox * sizeof(double);
        if (sp->cache.dir[0].lo)
            b += mn_field_cache_bytes(f->nvox);
    }
    *bytes = b;
    return MN_OK;
}
