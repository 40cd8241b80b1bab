/* The field engine against exact solutions (the `mnsim verify` cases): each must meet its
 * limits. The expected values and their derivations are in src/field/verify_cases.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "run/verify.h"

static void run_case(const char *name)
{
    size_t n;
    const mn_verify_case *cases = mn_verify_cases(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cases[i].name, name) != 0)
            continue;
        mn_verify_result r;
        mn_status st = mn_verify_run(&cases[i], &r);
        for (int m = 0; m < r.nmetrics; m++)
            print_message("%s: %s = %.4e (limit %s %.1e)\n", name, r.metrics[m].name,
                          r.metrics[m].value,
                          r.metrics[m].at_least ? ">=" : "<=", r.metrics[m].limit);
        assert_int_equal(st, MN_OK);
        assert_true(r.nmetrics >= 2);
        assert_true(r.passed);
        return;
    }
    fail_msg("case %s not in the table", name);
}

/* Diffusion of a Gaussian between zero-flux walls equals the Gaussian plus its mirror
 * images with sigma² = sigma0² + 2Dt: second order in space and time, mass kept. */
static void gaussian_neumann(void **state)
{
    run_case("field.gaussian_neumann");
}

/* Steady flux through a stratum-corneum-like layer (D contrast 1e4, K = 10) into tissue:
 * u = c/K piecewise linear, J = Δu / Σ L/(D·K); exact to round-off for finite volumes. */
static void two_layer_partition(void **state)
{
    run_case("field.two_layer_partition");
}

/* Constant surface concentration on a deep medium: c = c0·erfc(z / (2√(Dt))). */
static void erfc_semi_infinite(void **state)
{
    run_case("field.erfc_semi_infinite");
}

/* Manufactured solution across three layers with jumps in D, K and capacity on a graded
 * z grid, with decay and a time-dependent source: second order in space and time. */
static void manufactured_layered(void **state)
{
    run_case("field.manufactured_layered");
}

/* Amounts balance to round-off: closed domain, and donor + tissue + cleared + sink. */
static void mass_balance(void **state)
{
    run_case("field.mass_balance");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gaussian_neumann),   cmocka_unit_test(two_layer_partition),
        cmocka_unit_test(erfc_semi_infinite), cmocka_unit_test(manufactured_layered),
        cmocka_unit_test(mass_balance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
