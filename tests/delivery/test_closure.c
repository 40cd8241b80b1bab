/* Channel closure fitted to channel_closure.md: uncovered human skin is 95 % closed at 2 h
 * (Gupta 2011), covered skin still 5 % open at 72 h (Brogden 2013), older and anti-inflamed
 * skin close more slowly. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "delivery/closure.h"

static void uncovered_closes_within_two_hours(void **state)
{
    mn_closure_conditions c = {false, 25.0, false};
    double tau, hl;
    assert_int_equal(mn_closure_time_constant_h(&c, &tau), MN_OK);
    /* open fraction 0.05 at 2 h: tau = 2/ln 20 = 0.6676 h, half-life 0.4628 h */
    assert_true(fabs(mn_closure_open_fraction(2.0, tau) - 0.05) < 1e-12);
    assert_int_equal(mn_closure_half_life_h(&c, &hl), MN_OK);
    assert_true(fabs(hl - 0.4628) < 1e-3);
}

static void occluded_still_open_at_72_h_and_beyond_a_day(void **state)
{
    mn_closure_conditions c = {true, 25.0, false};
    double tau;
    assert_int_equal(mn_closure_time_constant_h(&c, &tau), MN_OK);
    assert_true(fabs(mn_closure_open_fraction(72.0, tau) - 0.05) < 1e-12);
    assert_true(mn_closure_open_fraction(24.0, tau) > 0.3); /* > 1 day: far from closed */
}

static void age_and_suppressed_inflammation_slow_closure(void **state)
{
    double young, old, nsaid;
    mn_closure_conditions c = {false, 26.0, false};
    assert_int_equal(mn_closure_time_constant_h(&c, &young), MN_OK);
    c.age_years = 77.3;
    assert_int_equal(mn_closure_time_constant_h(&c, &old), MN_OK);
    c.inflammation_suppressed = true;
    assert_int_equal(mn_closure_time_constant_h(&c, &nsaid), MN_OK);
    assert_true(old > 1.9 * young);
    assert_true(fabs(nsaid / old - 168.0 / 72.0) < 1e-12); /* 7 days vs 72 h (row 3b) */
    c.age_years = -1;
    assert_int_not_equal(mn_closure_time_constant_h(&c, &old), MN_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(uncovered_closes_within_two_hours),
        cmocka_unit_test(occluded_still_open_at_72_h_and_beyond_a_day),
        cmocka_unit_test(age_and_suppressed_inflammation_slow_closure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
