/* Exact "%.Nf" without printf (see fmt.h). A finite double below 2^53 in magnitude splits
 * exactly into its integer part and a fraction f = m·2^e (m < 2^53, e < 0); f·10^N = m·10^N·2^e
 * is then an exact 128-bit integer shifted right by −e, so the quotient and the remainder
 * against one half give the correctly rounded last digit, ties to even (glibc's rounding in
 * the default rounding mode). */
#include "io/fmt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const uint64_t POW10[MN_FMT_MAX_DECIMALS + 1] = {1, 10, 100, 1000, 10000, 100000, 1000000};

static size_t put_u64(char *buf, uint64_t v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

size_t mn_fmt_int(char *buf, long long v)
{
    if (v < 0) {
        buf[0] = '-';
        return 1 + put_u64(buf + 1, (uint64_t)(-(v + 1)) + 1u);
    }
    return put_u64(buf, (uint64_t)v);
}

size_t mn_fmt_fixed(char *buf, double x, int decimals)
{
    if (decimals < 0 || decimals > MN_FMT_MAX_DECIMALS || !isfinite(x) ||
        fabs(x) >= 9007199254740992.0) {
        int n = snprintf(buf, MN_FMT_FIXED_BUF, "%.*f", decimals, x);
        return n < 0 ? 0 : (size_t)n < MN_FMT_FIXED_BUF ? (size_t)n : MN_FMT_FIXED_BUF - 1;
    }
    size_t n = 0;
    if (signbit(x)) /* printf writes "-0.00" for -0.0 and for negatives that round to zero */
        buf[n++] = '-';
    double a = fabs(x);
    double ip = floor(a);
    double f = a - ip; /* exact: both lie in the same binade range below 2^53 */
    uint64_t ipart = (uint64_t)ip, frac = 0;
    if (f > 0) {
        int e;
        double mant = frexp(f, &e); /* f = mant·2^e, 0.5 ≤ mant < 1 */
        uint64_t m = (uint64_t)ldexp(mant, 53);
        int shift = 53 - e; /* f = m·2^−shift, shift ≥ 54 */
        if (shift < 120) {
            unsigned __int128 prod = (unsigned __int128)m * POW10[decimals];
            unsigned __int128 q = prod >> shift;
            unsigned __int128 r = prod - (q << shift);
            unsigned __int128 half = (unsigned __int128)1 << (shift - 1);
            /* the parity of the last written digit: the fraction's, or with no decimals the
             * integer part's */
            unsigned odd = decimals > 0 ? (unsigned)(q & 1u) : (unsigned)(ipart & 1u);
            if (r > half || (r == half && odd))
                q++;
            frac = (uint64_t)q;
        }
        /* else f·10^N < 2^-40: rounds to zero */
        if (frac >= POW10[decimals]) { /* carried into the integer part */
            frac -= POW10[decimals];
            ipart++;
        }
    }
    n += put_u64(buf + n, ipart);
    if (decimals > 0) {
        buf[n++] = '.';
        for (int d = decimals - 1; d >= 0; d--) {
            buf[n + (size_t)d] = (char)('0' + frac % 10);
            frac /= 10;
        }
        n += (size_t)decimals;
        buf[n] = '\0';
    }
    return n;
}
