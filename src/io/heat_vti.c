#include "io/heat_vti.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "io/vti.h"

mn_status mn_heat_write_vti(const mn_heat_result *r, const char *path)
{
    mn_heat_fields f;
    MN_TRY(mn_heat_get_fields(r, &f));
    const double depth = f.z_faces_um[f.nz] - f.z_faces_um[0];
    const int nz = (int)ceil(depth / f.dx_um - 1e-9);
    const size_t plane = (size_t)f.nx * (size_t)f.ny, n = plane * (size_t)nz;
    double *temp = malloc(3 * n * sizeof *temp);
    int *src = malloc((size_t)nz * sizeof *src);
    if (!temp || !src) {
        free(temp);
        free(src);
        return mn_error_set(MN_ENOMEM, "out of memory resampling the heat fields");
    }
    double *omega_skin = temp + n, *omega_collagen = omega_skin + n;
    /* Heat cell holding each image layer's centre. */
    for (int k = 0, g = 0; k < nz; k++) {
        double zc = f.z_faces_um[0] + (k + 0.5) * f.dx_um;
        while (g < f.nz - 1 && f.z_faces_um[g + 1] <= zc)
            g++;
        src[k] = g;
    }
    for (int k = 0; k < nz; k++)
        for (size_t ij = 0; ij < plane; ij++) {
            size_t from = (size_t)src[k] * plane + ij, to = (size_t)k * plane + ij;
            temp[to] = f.peak_temperature_c[from];
            omega_skin[to] = f.omega_skin[from];
            omega_collagen[to] = f.omega_collagen[from];
        }
    const double spacing[3] = {f.dx_um, f.dy_um, f.dx_um};
    const double origin[3] = {0.0, 0.0, f.z_faces_um[0]};
    const mn_vti_array arrays[] = {{"peak_temperature_c", temp},
                                   {"omega_skin_burn", omega_skin},
                                   {"omega_collagen", omega_collagen}};
    mn_status st = mn_vti_write(path, f.nx, f.ny, nz, spacing, origin, arrays, 3, true);
    free(temp);
    free(src);
    return st;
}
