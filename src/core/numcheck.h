/* Numerical fault checks: a NaN, an infinity or a negative concentration stops the run with
 * the stage, the simulated time and the grid location, instead of flowing silently into the
 * results (issue 7, item 5).
 *
 *   mn_numcheck_fault where;
 *   MN_TRY(mn_numcheck_field(c, nx * ny * nz, nx, ny, nz, "delivery", t_s, &where));
 *
 * Fields are flat arrays indexed i + nx*(j + ny*k) (STYLE.md). n may be a whole multiple of
 * nx*ny*nz (species stacked one after another); the fault then names the component.
 * On a fault the call returns MN_ENUMERIC with a message such as
 *   numerical fault in delivery at t = 5400 s (1.5 h): negative value -0.0021 at voxel
 *   (i, j, k) = (3, 14, 2) of 40 x 40 x 60 (expected finite, non-negative values)
 * and, when `where` is not NULL, fills it. n == 0 is fine; a size that does not match the
 * grid is MN_EINTERNAL (a caller's bug). */
#ifndef MN_CORE_NUMCHECK_H
#define MN_CORE_NUMCHECK_H

#include <stddef.h>

#include "mnsim/status.h"

typedef enum mn_numfault {
    MN_NUMFAULT_NONE = 0,
    MN_NUMFAULT_NAN,
    MN_NUMFAULT_INF,
    MN_NUMFAULT_NEGATIVE
} mn_numfault;

typedef struct mn_numcheck_fault {
    mn_numfault kind;
    size_t index;     /* into v */
    size_t i, j, k;   /* grid location */
    size_t component; /* index / (nx*ny*nz) */
    double value;     /* the offending value */
} mn_numcheck_fault;

/* Concentrations, densities, doses: every value finite and >= 0. */
mn_status mn_numcheck_field(const double *v, size_t n, size_t nx, size_t ny, size_t nz,
                            const char *stage, double t_s, mn_numcheck_fault *where);

/* As mn_numcheck_field, but values down to `floor` (<= 0) pass: for schemes whose round-off
 * leaves tiny negatives (e.g. floor = -1e-12 * peak). */
mn_status mn_numcheck_field_floor(const double *v, size_t n, size_t nx, size_t ny, size_t nz,
                                  const char *stage, double t_s, double floor,
                                  mn_numcheck_fault *where);

/* Signed quantities (temperature rise, potential): only NaN and infinity are faults. */
mn_status mn_numcheck_finite(const double *v, size_t n, size_t nx, size_t ny, size_t nz,
                             const char *stage, double t_s, mn_numcheck_fault *where);

/* A plain vector (an ODE state, a per-puncture table): location reported as an index. */
mn_status mn_numcheck_values(const double *v, size_t n, const char *stage, const char *what,
                             double t_s, int allow_negative);

#endif
