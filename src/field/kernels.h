/* CPU kernels of the field engine: batched tridiagonal solves along the slow axis of a
 * cache-resident buffer B[m*nn + n] (nm points per line, nn independent lines, the fast
 * axis n contiguous so the inner loops vectorise), the L-stable SDIRK2 step built on
 * them, transposes and storage conversion. No bookkeeping here: a CUDA backend would
 * provide the same operations on device buffers. */
#ifndef MN_FIELD_KERNELS_H
#define MN_FIELD_KERNELS_H

#include <stddef.h>

/* Hidden even though the visibility preset says so: GCC exports target_clones resolvers. */
#pragma GCC visibility push(hidden)

/* SDIRK2 of Alexander (1977), L-stable, second order: gamma = 1 − 1/√2. */
#define MN_SDIRK_GAMMA 0.29289321881345247560
/* (1 − gamma)/gamma = 1 + √2 */
#define MN_SDIRK_ALPHA 2.41421356237309504880

/* Factors T = I − c·A for lines whose coefficients depend on m only (uniform in n).
 * A has lo[m] (to m−1), up[m] (to m+1) and diagonal dg[m]. Outputs a (sub-diagonal of T),
 * cp (modified super-diagonal) and inv (reciprocal pivots), nm each. */
void mn_kern_factor_m(int nm, const double *lo, const double *up, const double *dg, double c,
                      double *a, double *cp, double *inv);
/* Same with coefficients per (m, n), arrays nm*nn. */
void mn_kern_factor_mn(int nm, int nn, const double *lo, const double *up, const double *dg,
                       double c, double *a, double *cp, double *inv);

/* Solves T·Y = B in place; `per_mn` says whether the factors are per (m, n) or per m. */
void mn_kern_solve(int nm, int nn, int per_mn, const double *a, const double *cp, const double *inv,
                   double *B);

/* One SDIRK2 step of dY/dt = A·Y + b over tau for all lines of B (in place), with
 * c = gamma·tau and the factors of I − c·A. The affine term b is non-zero only in the
 * first and last point of each line: blo[n], bhi[n] (NULL for none). U0 is scratch of
 * nm*nn. If y1lo/y1hi are non-NULL they receive the first stage's end values, which the
 * caller needs for exact boundary-flux accounting. */
void mn_kern_sdirk2(int nm, int nn, int per_mn, const double *a, const double *cp,
                    const double *inv, double c, const double *blo, const double *bhi, double *B,
                    double *U0, double *y1lo, double *y1hi);

/* dst[c*rows + r] = src[r*cols + c] */
void mn_kern_transpose(int rows, int cols, const double *src, double *dst);

/* dst[c*rows + r] = src[off + r*cols + c], converting from float or double storage. */
void mn_kern_load_transposed(const void *src, int is_float, size_t off, int rows, int cols,
                             double *dst);

/* Storage conversion: n values from a float or double array at offset off. */
void mn_kern_load(const void *src, int is_float, size_t off, size_t n, double *dst);
void mn_kern_store(void *dst, int is_float, size_t off, size_t n, const double *src);

#pragma GCC visibility pop

#endif
