/* The structured grid: uniform in x and y, one thickness per layer in z. */
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "field/field_impl.h"

mn_status mn_grid_create(int nx, int ny, int nz, double dx_um, double dy_um, const double *dz_um,
                         mn_grid **out)
{
    if (!out)
        return mn_error_set(MN_EINPUT, "mn_grid_create: out is NULL");
    *out = NULL;
    if (nx < 1 || ny < 1 || nz < 1)
        return mn_error_set(MN_EINPUT, "grid: %d x %d x %d voxels (expected at least 1 each)", nx,
                            ny, nz);
    if (!(dx_um > 0) || !(dy_um > 0) || !isfinite(dx_um) || !isfinite(dy_um))
        return mn_error_set(MN_EINPUT, "grid: spacing %g x %g um (expected positive, finite)",
                            dx_um, dy_um);
    if (!dz_um)
        return mn_error_set(MN_EINPUT, "grid: dz_um is NULL (expected %d layer thicknesses)", nz);
    for (int k = 0; k < nz; k++)
        if (!(dz_um[k] > 0) || !isfinite(dz_um[k]))
            return mn_error_set(MN_EINPUT, "grid: dz_um[%d] = %g (expected positive, finite)", k,
                                dz_um[k]);
    mn_grid *g;
    MN_ALLOC(g, 1);
    g->nx = nx;
    g->ny = ny;
    g->nz = nz;
    g->dx = dx_um;
    g->dy = dy_um;
    g->dz = calloc((size_t)nz, sizeof *g->dz);
    g->zc = calloc((size_t)nz, sizeof *g->zc);
    if (!g->dz || !g->zc) {
        mn_grid_free(g);
        return mn_error_set(MN_ENOMEM, "grid: out of memory for %d layers", nz);
    }
    double z = 0;
    for (int k = 0; k < nz; k++) {
        g->dz[k] = dz_um[k];
        g->zc[k] = z + 0.5 * dz_um[k];
        z += dz_um[k];
    }
    *out = g;
    return MN_OK;
}

mn_status mn_grid_create_uniform(int nx, int ny, int nz, double h_um, mn_grid **out)
{
    if (nz < 1)
        return mn_error_set(MN_EINPUT, "grid: nz = %d (expected at least 1)", nz);
    double *dz = calloc((size_t)nz, sizeof *dz);
    if (!dz)
        return mn_error_set(MN_ENOMEM, "grid: out of memory for %d layers", nz);
    for (int k = 0; k < nz; k++)
        dz[k] = h_um;
    mn_status st = mn_grid_create(nx, ny, nz, h_um, h_um, dz, out);
    free(dz);
    return st;
}

void mn_grid_free(mn_grid *g)
{
    if (!g)
        return;
    free(g->dz);
    free(g->zc);
    free(g);
}

mn_status mn_grid_get_dims(const mn_grid *g, int *nx, int *ny, int *nz)
{
    if (!g)
        return mn_error_set(MN_EINPUT, "mn_grid_get_dims: grid is NULL");
    if (nx)
        *nx = g->nx;
    if (ny)
        *ny = g->ny;
    if (nz)
        *nz = g->nz;
    return MN_OK;
}

mn_status mn_grid_get_spacing(const mn_grid *g, double *dx_um, double *dy_um)
{
    if (!g)
        return mn_error_set(MN_EINPUT, "mn_grid_get_spacing: grid is NULL");
    if (dx_um)
        *dx_um = g->dx;
    if (dy_um)
        *dy_um = g->dy;
    return MN_OK;
}

mn_status mn_grid_get_layer(const mn_grid *g, int k, double *dz_um, double *z_centre_um)
{
    if (!g)
        return mn_error_set(MN_EINPUT, "mn_grid_get_layer: grid is NULL");
    if (k < 0 || k >= g->nz)
        return mn_error_set(MN_EINPUT, "grid: layer %d out of range [0, %d)", k, g->nz);
    if (dz_um)
        *dz_um = g->dz[k];
    if (z_centre_um)
        *z_centre_um = g->zc[k];
    return MN_OK;
}

size_t mn_grid_voxels(const mn_grid *g)
{
    return g ? (size_t)g->nx * (size_t)g->ny * (size_t)g->nz : 0;
}
