/* Channel closure fitted to channel_closure.md: uncovered human skin has its barrier back at
 * 2 h (Gupta 2011), covered skin keeps channels open until about 72 h (Brogden 2013), older and
 * anti-inflamed skin close more slowly. Closed means open share exactly 0 (closure.h). */
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
    /* tau = 2/ln 20 = 0.6676 h; closed (0) from 2 h on, still open just before; half-life
     * tau·ln(1/0.525) = 0.4302 h, where the open share is exactly 1/2 */
    assert_float_equal(tau, 2.0 / log(20.0), 1e-12);
    assert_true(mn_closure_open_fraction(2.0, tau) == 0.0);
    assert_true(mn_closure_open_fraction(1.95, tau) > 0.0);
    assert_int_equal(mn_closure_half_life_h(&c, &hl), MN_OK);
    assert_float_equal(hl, 0.4302, 1e-4);
    assert_float_equal(mn_closure_open_fraction(hl, tau), 0.5, 1e-12);
}

static void occluded_still_open_at_72_h_and_beyond_a_day(void **state)
{
    mn_closure_conditions c = {true, 25.0, false};
    double tau;
    assert_int_equal(mn_closure_time_constant_h(&c, &tau), MN_OK);
    assert_true(mn_closure_open_fraction(72.0, tau) == 0.0);
    assert_true(mn_closure_open_fraction(71.0, tau) > 0.0);
    /* > 1 day: far from closed, (e^(-24/24.03) - 0.05)/0.95 = 0.335 */
    assert_float_equal(mn_closure_open_fraction(24.0, tau), (exp(-24.0 / tau) - 0.05) / 0.95,
                       1e-12);
    assert_true(mn_closure_open_fraction(24.0, tau) > 0.3);
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
