/* VTK XML ImageData (.vti) writer that ParaView opens: point-free cell data on a uniform
 * grid, ASCII or base64-encoded raw Float64, written to a temporary file and renamed into
 * place so a reader never sees a half-written file. */
#ifndef MN_IO_VTI_H
#define MN_IO_VTI_H

#include <stdbool.h>
#include <stddef.h>

#include "mnsim/status.h"

typedef struct mn_vti_array {
    const char *name;     /* e.g. "concentration_ug_per_ml" */
    const double *values; /* nx*ny*nz cell values, index i + nx*(j + ny*k) */
} mn_vti_array;

/* Cells nx × ny × nz of size spacing[3] (µm) with the first cell corner at origin[3] (µm). */
mn_status mn_vti_write(const char *path, int nx, int ny, int nz, const double spacing[3],
                       const double origin[3], const mn_vti_array *arrays, size_t narrays,
                       bool binary);

#endif
