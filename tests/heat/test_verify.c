/* Verification of the heat stage against exact solutions (coarser than `mnsim verify` to keep
 * the suite fast). Expected values: the spatial scheme is second order and the field engine
 * holds the time error below the space error (adaptive steps, local error 1e-3), so the
 * Gaussian-source error falls by 4 per halving of h; the staircase sphere electrode converges
 * at first order. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "heat/heat.h"
#include "heat/verify.h"

/* T = P/(4πkr)[erfc(r/√(2(σ₀²+2αt))) − erfc(r/(√2σ₀))] for a Gaussian source: 1.78 % at
 * 40 µm voxels and 0.44 % at 20 µm (measured, bioheat on the field engine), order ≈ 2. */
static void gaussian_source_converges_at_second_order(void **state)
{
    (void)state;
    double e[2], order = 0;
    if (mn_heat_verify_gaussian(2, e, &order) != MN_OK)
        fail_msg("%s", mn_last_error());
    assert_true(e[1] < 5e-3);
    assert_true(order > 1.8 && order < 2.3);
}

/* V = V₀a/r around a sphere in σ* = 0.221 + 0.102j S/m; current 4πσ*aV₀ (complex: checks that
 * the capacitive part enters the admittances). Staircase electrode: order ≈ 1. */
static void sphere_potential_and_current_match_closed_form(void **state)
{
    (void)state;
    double e[2], ce[2], order = 0;
    if (mn_heat_verify_sphere(2, e, ce, &order) != MN_OK)
        fail_msg("%s", mn_last_error());
    assert_true(e[1] < 1e-2);
    assert_true(ce[1] < 0.03);
    assert_true(ce[1] < ce[0]);
    assert_true(order > 0.5);
}

/* The enthalpy method (bioheat step + phase update) follows Neumann's vaporisation front: the
 * front error falls with the voxel (first order expected: the front is smeared over one voxel
 * and the update is split from the step) and is below 0.5 % at 2.5 µm. A phase update that
 * lost or double-counted latent heat would move the front by the St-weighted share (~10 %). */
static void stefan_front_matches_neumann(void **state)
{
    (void)state;
    double fe[3], te[3], order = NAN;
    assert_int_equal(mn_heat_verify_stefan(3, fe, te, &order), MN_OK);
    assert_true(fe[2] < 5e-3 && fe[2] < fe[0]);
    assert_true(te[2] < 2e-2 && te[2] < te[0]);
    assert_true(order > 0.7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gaussian_source_converges_at_second_order),
        cmocka_unit_test(sphere_potential_and_current_match_closed_form),
        cmocka_unit_test(stefan_front_matches_neumann),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
