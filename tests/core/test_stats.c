/* Percentiles are Hyndman & Fan type 7 (R's quantile default, NumPy's "linear"): for
 * x = {1, 2, 3, 4}, quantile(x, c(0.05, 0.5, 0.95)) = 1.15, 2.5, 3.85 in R. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/stats.h"

static void type7_matches_r(void **state)
{
    double x[] = {4, 1, 3, 2};
    mn_stats_sort(x, 4);
    assert_true(x[0] == 1 && x[3] == 4);
    assert_true(fabs(mn_stats_percentile_sorted(x, 4, 0.05) - 1.15) < 1e-12);
    assert_true(fabs(mn_stats_percentile_sorted(x, 4, 0.50) - 2.5) < 1e-12);
    assert_true(fabs(mn_stats_percentile_sorted(x, 4, 0.95) - 3.85) < 1e-12);
    assert_true(mn_stats_percentile_sorted(x, 1, 0.95) == 1.0);
    assert_true(isnan(mn_stats_percentile_sorted(x, 0, 0.5)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(type7_matches_r)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
