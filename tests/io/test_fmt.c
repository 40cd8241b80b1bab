/* mn_fmt_fixed writes exactly what snprintf("%.*f") writes: over random values of every
 * magnitude the CSV writers meet, over exact ties (which must round to even), negative values
 * that round to zero, carries into the integer part, and the snprintf fallback. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "io/fmt.h"

static void same(double x, int d)
{
    char want[MN_FMT_FIXED_BUF], got[MN_FMT_FIXED_BUF];
    snprintf(want, sizeof want, "%.*f", d, x);
    size_t n = mn_fmt_fixed(got, x, d);
    if (strcmp(want, got) != 0 || n != strlen(want))
        fail_msg("%.17g with %d decimals: snprintf \"%s\", mn_fmt_fixed \"%s\" (length %zu)", x, d,
                 want, got, n);
}

/* splitmix64: a fixed, portable stream of test values */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static void random_values(void **state)
{
    (void)state;
    uint64_t s = 42;
    for (int i = 0; i < 400000; i++) {
        double u = (double)(next(&s) >> 11) * 0x1.0p-53;
        int e = (int)(next(&s) % 60) - 30; /* 1e-9 .. 1e9 */
        double x = u * pow(2.0, e);
        if (next(&s) & 1)
            x = -x;
        same(x, (int)(next(&s) % (MN_FMT_MAX_DECIMALS + 1)));
    }
}

static void ties_round_to_even(void **state)
{
    (void)state;
    /* k/2^j are exact binary values; with enough j some sit exactly halfway between two
     * outputs of N decimals (0.125 → "0.12", 0.375 → "0.38", 2.5 → "2", 3.5 → "4"). */
    for (int d = 0; d <= MN_FMT_MAX_DECIMALS; d++)
        for (int j = 1; j <= 12; j++)
            for (int k = -5000; k <= 5000; k++)
                same(ldexp((double)k, -j), d);
    char got[MN_FMT_FIXED_BUF];
    mn_fmt_fixed(got, 0.125, 2);
    assert_string_equal(got, "0.12");
    mn_fmt_fixed(got, 2.5, 0);
    assert_string_equal(got, "2");
    mn_fmt_fixed(got, 3.5, 0);
    assert_string_equal(got, "4");
}

static void edges(void **state)
{
    (void)state;
    const double xs[] = {0.0,
                         -0.0,
                         -0.00001,
                         0.99999999,
                         9.9999996,
                         -9.99995,
                         1e15,
                         9007199254740991.0,
                         9007199254740992.0,
                         1e300,
                         -1e-300,
                         NAN,
                         INFINITY,
                         -INFINITY,
                         123456.789,
                         0.05,
                         0.15,
                         1.005};
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++)
        for (int d = 0; d <= MN_FMT_MAX_DECIMALS; d++)
            same(xs[i], d);
    char got[32];
    assert_int_equal(mn_fmt_int(got, -1234), 5);
    assert_string_equal(got, "-1234");
    mn_fmt_int(got, INT64_MIN);
    assert_string_equal(got, "-9223372036854775808");
    mn_fmt_int(got, 0);
    assert_string_equal(got, "0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_values),
        cmocka_unit_test(ties_round_to_even),
        cmocka_unit_test(edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
