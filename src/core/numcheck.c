#include "core/numcheck.h"

#include <float.h>
#include <math.h>
#include <stdio.h>

#include "core/error.h"
#include "core/units.h"

/* Values below `floor`, NaN and +-infinity all fail `v >= floor && v <= DBL_MAX` (NaN fails
 * every comparison), so the scan is one comparison pair per value. It runs in blocks whose
 * inner loop has no early exit, so the compiler can vectorise it; only a block that holds a
 * fault is scanned again to find the first one. */
enum { BLOCK = 1024 };

static size_t first_fault(const double *v, size_t n, double floor)
{
    for (size_t b = 0; b < n; b += BLOCK) {
        size_t e = b + BLOCK < n ? b + BLOCK : n;
        int bad = 0;
        for (size_t i = b; i < e; i++)
            bad |= !(v[i] >= floor && v[i] <= DBL_MAX);
        if (bad)
            for (size_t i = b; i < e; i++)
                if (!(v[i] >= floor && v[i] <= DBL_MAX))
                    return i;
    }
    return n;
}

static mn_numfault classify(double x)
{
    if (isnan(x))
        return MN_NUMFAULT_NAN;
    if (isinf(x))
        return MN_NUMFAULT_INF;
    return MN_NUMFAULT_NEGATIVE;
}

static void describe(char *buf, size_t cap, mn_numfault kind, double x)
{
    if (kind == MN_NUMFAULT_NAN)
        snprintf(buf, cap, "NaN");
    else if (kind == MN_NUMFAULT_INF)
        snprintf(buf, cap, "%s infinity", x > 0 ? "+" : "-");
    else
        snprintf(buf, cap, "negative value %.6g", x);
}

static mn_status check(const double *v, size_t n, size_t nx, size_t ny, size_t nz,
                       const char *stage, double t_s, double floor, const char *expected,
                       mn_numcheck_fault *where)
{
    size_t cells = nx * ny * nz;
    if (where)
        *where = (mn_numcheck_fault){0};
    if (n == 0)
        return MN_OK;
    if (!v || cells == 0 || n % cells != 0)
        return mn_error_set(MN_EINTERNAL,
                            "numcheck in %s: %zu values do not fill a %zu x %zu x %zu grid",
                            stage ? stage : "?", n, nx, ny, nz);
    size_t at = first_fault(v, n, floor);
    if (at == n)
        return MN_OK;
    mn_numcheck_fault f;
    f.index = at;
    f.value = v[at];
    f.kind = classify(v[at]);
    f.component = at / cells;
    size_t c = at % cells;
    f.i = c % nx;
    f.j = (c / nx) % ny;
    f.k = c / (nx * ny);
    if (where)
        *where = f;
    char what[64], comp[48] = "";
    describe(what, sizeof what, f.kind, f.value);
    if (n > cells)
        snprintf(comp, sizeof comp, " of component %zu", f.component);
    return mn_error_set(MN_ENUMERIC,
                        "numerical fault in %s at t = %.6g s (%.4g h): %s at voxel (i, j, k) = "
                        "(%zu, %zu, %zu)%s of %zu x %zu x %zu (expected %s)",
                        stage ? stage : "?", t_s, t_s / MN_S_PER_H, what, f.i, f.j, f.k, comp, nx,
                        ny, nz, expected);
}

mn_status mn_numcheck_field(const double *v, size_t n, size_t nx, size_t ny, size_t nz,
                            const char *stage, double t_s, mn_numcheck_fault *where)
{
    return check(v, n, nx, ny, nz, stage, t_s, 0.0, "finite, non-negative values", where);
}

mn_status mn_numcheck_field_floor(const double *v, size_t n, size_t nx, size_t ny, size_t nz,
                                  const char *stage, double t_s, double floor,
                                  mn_numcheck_fault *where)
{
    char expected[80];
    if (!(floor <= 0.0))
        return mn_error_set(MN_EINTERNAL, "numcheck in %s: floor %g is not <= 0",
                            stage ? stage : "?", floor);
    snprintf(expected, sizeof expected, "finite values >= %.3g", floor);
    return check(v, n, nx, ny, nz, stage, t_s, floor, expected, where);
}

mn_status mn_numcheck_finite(const double *v, size_t n, size_t nx, size_t ny, size_t nz,
                             const char *stage, double t_s, mn_numcheck_fault *where)
{
    return check(v, n, nx, ny, nz, stage, t_s, -DBL_MAX, "finite values", where);
}

mn_status mn_numcheck_values(const double *v, size_t n, const char *stage, const char *what,
                             double t_s, int allow_negative)
{
    if (n == 0)
        return MN_OK;
    size_t at = first_fault(v, n, allow_negative ? -DBL_MAX : 0.0);
    if (at == n)
        return MN_OK;
    char desc[64];
    describe(desc, sizeof desc, classify(v[at]), v[at]);
    return mn_error_set(MN_ENUMERIC,
                        "numerical fault in %s at t = %.6g s (%.4g h): %s in %s[%zu] of %zu "
                        "(expected finite%s values)",
                        stage ? stage : "?", t_s, t_s / MN_S_PER_H, desc, what ? what : "values",
                        at, n, allow_negative ? "" : ", non-negative");
}
