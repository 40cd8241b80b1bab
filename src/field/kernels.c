/* CPU kernels (see kernels.h). Compiled for several instruction sets and picked at run
 * time, so the generic build still uses AVX-512/AVX2 where the machine has them. */
#include "field/kernels.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(MNSIM_SANITIZE)
#define MN_HOT __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MN_HOT
#endif

void mn_kern_factor_m(int nm, const double *lo, const double *up, const double *dg, double c,
                      double *a, double *cp, double *inv)
{
    double prev_cp = 0;
    for (int m = 0; m < nm; m++) {
        double sub = m > 0 ? -c * lo[m] : 0;
        double sup = m < nm - 1 ? -c * up[m] : 0;
        double den = 1.0 - c * dg[m] - sub * prev_cp;
        a[m] = sub;
        inv[m] = 1.0 / den;
        cp[m] = sup * inv[m];
        prev_cp = cp[m];
    }
}

MN_HOT void mn_kern_factor_mn(int nm, int nn, const double *lo, const double *up, const double *dg,
                              double c, double *a, double *cp, double *inv)
{
    for (int m = 0; m < nm; m++) {
        const size_t o = (size_t)m * (size_t)nn, p = m > 0 ? (size_t)(m - 1) * (size_t)nn : 0;
        for (size_t n = 0; n < (size_t)nn; n++) {
            double sub = m > 0 ? -c * lo[o + n] : 0;
            double sup = m < nm - 1 ? -c * up[o + n] : 0;
            double pc = m > 0 ? cp[p + n] : 0;
            double iv = 1.0 / (1.0 - c * dg[o + n] - sub * pc);
            a[o + n] = sub;
            inv[o + n] = iv;
            cp[o + n] = sup * iv;
        }
    }
}

/* Forward elimination; if U0 is given the right-hand side is first formed as
 * (1 − alpha)·U0 + alpha·B (the second SDIRK stage), fused into the same sweep. */
static inline void forward(int nm, int nn, int per_mn, const double *a, const double *inv,
                           double *B, const double *U0, double alpha, const double *badd, int mb,
                           double cb)
{
    for (int m = 0; m < nm; m++) {
        double *r = B + (size_t)m * (size_t)nn;
        const double *p = B + (size_t)(m > 0 ? m - 1 : 0) * (size_t)nn;
        const double *u = U0 ? U0 + (size_t)m * (size_t)nn : NULL;
        const double *add = (badd && m == mb) ? badd : NULL;
        if (per_mn) {
            const double *am = a + (size_t)m * (size_t)nn, *im = inv + (size_t)m * (size_t)nn;
            for (size_t n = 0; n < (size_t)nn; n++) {
                double v = u ? (1.0 - alpha) * u[n] + alpha * r[n] : r[n];
                if (add)
                    v += cb * add[n];
                r[n] = (v - (m > 0 ? am[n] * p[n] : 0.0)) * im[n];
            }
        } else {
            const double am = a[m], im = inv[m];
            if (u && m > 0 && !add) {
                for (size_t n = 0; n < (size_t)nn; n++)
                    r[n] = ((1.0 - alpha) * u[n] + alpha * r[n] - am * p[n]) * im;
            } else if (!u && m > 0 && !add) {
                for (size_t n = 0; n < (size_t)nn; n++)
                    r[n] = (r[n] - am * p[n]) * im;
            } else {
                for (size_t n = 0; n < (size_t)nn; n++) {
                    double v = u ? (1.0 - alpha) * u[n] + alpha * r[n] : r[n];
                    if (add)
                        v += cb * add[n];
                    r[n] = (v - (m > 0 ? am * p[n] : 0.0)) * im;
                }
            }
        }
    }
}

static inline void backward(int nm, int nn, int per_mn, const double *cp, double *B)
{
    for (int m = nm - 2; m >= 0; m--) {
        double *r = B + (size_t)m * (size_t)nn;
        const double *q = B + (size_t)(m + 1) * (size_t)nn;
        if (per_mn) {
            const double *cm = cp + (size_t)m * (size_t)nn;
            for (size_t n = 0; n < (size_t)nn; n++)
                r[n] -= cm[n] * q[n];
        } else {
            const double cm = cp[m];
            for (size_t n = 0; n < (size_t)nn; n++)
                r[n] -= cm * q[n];
        }
    }
}

MN_HOT void mn_kern_solve(int nm, int nn, int per_mn, const double *a, const double *cp,
                          const double *inv, double *B)
{
    forward(nm, nn, per_mn, a, inv, B, NULL, 0, NULL, -1, 0);
    backward(nm, nn, per_mn, cp, B);
}

/* The common case (coefficients per m, no boundary terms) in four sweeps instead of five:
 * stage 1 is solved out of place into W, so B keeps u0 for stage 2 without a copy. */
static inline void sdirk2_plain(int nm, int nn, const double *a, const double *cp,
                                const double *inv, double *B, double *W)
{
    const double al = MN_SDIRK_ALPHA, bl = 1.0 - MN_SDIRK_ALPHA;
    for (size_t n = 0; n < (size_t)nn; n++)
        W[n] = B[n] * inv[0];
    for (int m = 1; m < nm; m++) {
        const double am = a[m], im = inv[m];
        const double *b = B + (size_t)m * (size_t)nn, *p = W + (size_t)(m - 1) * (size_t)nn;
        double *w = W + (size_t)m * (size_t)nn;
        for (size_t n = 0; n < (size_t)nn; n++)
            w[n] = (b[n] - am * p[n]) * im;
    }
    backward(nm, nn, 0, cp, W);
    for (size_t n = 0; n < (size_t)nn; n++)
        B[n] = (bl * B[n] + al * W[n]) * inv[0];
    for (int m = 1; m < nm; m++) {
        const double am = a[m], im = inv[m];
        double *b = B + (size_t)m * (size_t)nn;
        const double *p = B + (size_t)(m - 1) * (size_t)nn, *w = W + (size_t)m * (size_t)nn;
        for (size_t n = 0; n < (size_t)nn; n++)
            b[n] = (bl * b[n] + al * w[n] - am * p[n]) * im;
    }
    backward(nm, nn, 0, cp, B);
}

MN_HOT void mn_kern_sdirk2(int nm, int nn, int per_mn, const double *a, const double *cp,
                           const double *inv, double c, const double *blo, const double *bhi,
                           double *B, double *U0, double *y1lo, double *y1hi)
{
    const size_t total = (size_t)nm * (size_t)nn, last = (size_t)(nm - 1) * (size_t)nn;
    if (!per_mn && !blo && !bhi && !y1lo && !y1hi) {
        sdirk2_plain(nm, nn, a, cp, inv, B, U0);
        return;
    }
    memcpy(U0, B, total * sizeof *B);
    /* The affine boundary term enters both stages' right-hand sides as c·b. */
    for (int stage = 0; stage < 2; stage++) {
        const double *uu = stage ? U0 : NULL;
        if (nm == 1) {
            /* a single point: both boundary terms act on it */
            for (size_t n = 0; n < (size_t)nn; n++) {
                double v = uu ? (1.0 - MN_SDIRK_ALPHA) * uu[n] + MN_SDIRK_ALPHA * B[n] : B[n];
                if (blo)
                    v += c * blo[n];
                if (bhi)
                    v += c * bhi[n];
                B[n] = v * (per_mn ? inv[n] : inv[0]);
            }
        } else if (bhi) {
            /* add the last point's term before elimination reaches it */
            if (uu)
                for (size_t n = 0; n < (size_t)nn; n++)
                    B[last + n] = (1.0 - MN_SDIRK_ALPHA) * uu[last + n] +
                                  MN_SDIRK_ALPHA * B[last + n] + c * bhi[n];
            else
                for (size_t n = 0; n < (size_t)nn; n++)
                    B[last + n] += c * bhi[n];
            /* the last row is already combined: eliminate rows 0..nm-2 with the fused
             * combination, then the last row plainly */
            forward(nm - 1, nn, per_mn, a, inv, B, uu, MN_SDIRK_ALPHA, blo, 0, c);
            {
                double *r = B + last;
                const double *p = B + last - nn;
                for (size_t n = 0; n < (size_t)nn; n++) {
                    double am = per_mn ? a[last + n] : a[nm - 1];
                    double im = per_mn ? inv[last + n] : inv[nm - 1];
                    r[n] = (r[n] - am * p[n]) * im;
                }
            }
            backward(nm, nn, per_mn, cp, B);
        } else {
            forward(nm, nn, per_mn, a, inv, B, uu, MN_SDIRK_ALPHA, blo, 0, c);
            backward(nm, nn, per_mn, cp, B);
        }
        if (stage == 0) {
            if (y1lo)
                memcpy(y1lo, B, (size_t)nn * sizeof *B);
            if (y1hi)
                memcpy(y1hi, B + last, (size_t)nn * sizeof *B);
        }
    }
}

MN_HOT void mn_kern_transpose(int rows, int cols, const double *src, double *dst)
{
    enum { TB = 16 };
    for (int r0 = 0; r0 < rows; r0 += TB)
        for (int c0 = 0; c0 < cols; c0 += TB) {
            int r1 = r0 + TB < rows ? r0 + TB : rows, c1 = c0 + TB < cols ? c0 + TB : cols;
            for (int r = r0; r < r1; r++)
                for (int c = c0; c < c1; c++)
                    dst[(size_t)c * (size_t)rows + (size_t)r] =
                        src[(size_t)r * (size_t)cols + (size_t)c];
        }
}

MN_HOT void mn_kern_load(const void *src, int is_float, size_t off, size_t n, double *dst)
{
    if (is_float) {
        const float *s = (const float *)src + off;
        for (size_t i = 0; i < n; i++)
            dst[i] = s[i];
    } else {
        memcpy(dst, (const double *)src + off, n * sizeof *dst);
    }
}

MN_HOT void mn_kern_store(void *dst, int is_float, size_t off, size_t n, const double *src)
{
    if (is_float) {
        float *d = (float *)dst + off;
        for (size_t i = 0; i < n; i++)
            d[i] = (float)src[i];
    } else {
        memcpy((double *)dst + off, src, n * sizeof *src);
    }
}

MN_HOT void mn_kern_load_transposed(const void *src, int is_float, size_t off, int rows, int cols,
                                    double *dst)
{
    enum { TB = 16 };
    for (int r0 = 0; r0 < rows; r0 += TB)
        for (int c0 = 0; c0 < cols; c0 += TB) {
            int r1 = r0 + TB < rows ? r0 + TB : rows, c1 = c0 + TB < cols ? c0 + TB : cols;
            if (is_float) {
                const float *s = (const float *)src + off;
                for (int r = r0; r < r1; r++)
                    for (int c = c0; c < c1; c++)
                        dst[(size_t)c * (size_t)rows + (size_t)r] =
                            s[(size_t)r * (size_t)cols + (size_t)c];
            } else {
                const double *s = (const double *)src + off;
                for (int r = r0; r < r1; r++)
                    for (int c = c0; c < c1; c++)
                        dst[(size_t)c * (size_t)rows + (size_t)r] =
                            s[(size_t)r * (size_t)cols + (size_t)c];
            }
        }
}
