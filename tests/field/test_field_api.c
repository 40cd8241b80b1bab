/* The field API: argument checks with messages, the memory guard, values and amounts. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mnsim/field.h"

static void rejects_bad_arguments(void **state)
{
    mn_grid *g = NULL;
    mn_field *f = NULL;
    double dz[2] = {1, -1};
    assert_int_equal(mn_grid_create(2, 2, 2, 1, 1, dz, &g), MN_EINPUT);
    assert_non_null(strstr(mn_last_error(), "dz_um[1]"));
    assert_int_equal(mn_grid_create(0, 2, 2, 1, 1, dz, &g), MN_EINPUT);
    assert_int_equal(mn_grid_create_uniform(3, 3, 3, 2.0, &g), MN_OK);
    assert_int_equal(mn_field_create(g, 0, &f), MN_EINPUT);
    assert_int_equal(mn_field_create(NULL, 1, &f), MN_EINPUT);
    assert_int_equal(mn_field_create(g, 1, &f), MN_OK);
    assert_int_equal(mn_field_set_diffusivity_uniform(f, 1, 1.0), MN_EINPUT);
    assert_non_null(strstr(mn_last_error(), "species 1"));
    assert_int_equal(mn_field_set_diffusivity_uniform(f, 0, -1.0), MN_EINPUT);
    assert_int_equal(mn_field_set_diffusivity_uniform(f, 0, NAN), MN_EINPUT);
    assert_int_equal(mn_field_set_partition_uniform(f, 0, 0.0), MN_EINPUT);
    assert_int_equal(mn_field_set_diffusivity(f, 0, NULL), MN_EINPUT);
    assert_int_equal(mn_field_set_boundary(f, 0, (mn_face)7, MN_BC_FIXED, 1), MN_EINPUT);
    assert_int_equal(mn_field_set_donor(f, 0, MN_FACE_X_LO, 1e3, 1, 1), MN_EINPUT);
    assert_int_equal(mn_field_set_donor(f, 0, MN_FACE_TOP, -1, 1, 1), MN_EINPUT);
    assert_int_equal(mn_field_step(f, 0), MN_EINPUT);
    assert_int_equal(mn_field_step(f, INFINITY), MN_EINPUT);
    assert_int_equal(mn_field_get_mass_layers(f, 0, 2, 5, &(double){0}), MN_EINPUT);
    mn_field_free(f);
    mn_grid_free(g);
}

/* A grid too large to address is refused before allocation; a real one is estimated at
 * no less than its three state buffers. */
static void memory_guard(void **state)
{
    assert_true(mn_field_memory_bytes(1L << 40, 1L << 40, 1L << 40, 1) == SIZE_MAX);
    assert_true(mn_field_memory_bytes(0, 1, 1, 1) == SIZE_MAX);
    assert_true(mn_field_memory_bytes(100, 100, 100, 2) >= 2 * 3 * 8 * 1000000UL);
}

/* Values are concentrations c = K·u; the amount is Σ cap·c·vol over graded layers. */
static void values_and_amounts(void **state)
{
    mn_grid *g = NULL;
    mn_field *f = NULL;
    double dz[3] = {1, 2, 4};
    assert_int_equal(mn_grid_create(2, 1, 3, 3, 5, dz, &g), MN_OK);
    assert_int_equal(mn_field_create(g, 1, &f), MN_OK);
    double K[6] = {10, 10, 1, 1, 0.5, 0.5}, c[6] = {1, 2, 3, 4, 5, 6}, out[6];
    assert_int_equal(mn_field_set_partition(f, 0, K), MN_OK);
    assert_int_equal(mn_field_set_capacity_uniform(f, 0, 2.0), MN_OK);
    assert_int_equal(mn_field_set_values(f, 0, c), MN_OK);
    assert_int_equal(mn_field_get_values(f, 0, out), MN_OK);
    for (int i = 0; i < 6; i++)
        assert_true(fabs(out[i] - c[i]) < 1e-14);
    double m;
    assert_int_equal(mn_field_get_mass(f, 0, &m), MN_OK);
    /* 2 · 15 µm² · (1·(1+2) + 2·(3+4) + 4·(5+6)) = 30 · 61 */
    assert_true(fabs(m - 30.0 * 61.0) < 1e-9);
    assert_int_equal(mn_field_get_mass_layers(f, 0, 1, 2, &m), MN_OK);
    assert_true(fabs(m - 30.0 * 14.0) < 1e-9);
    mn_field_free(f);
    mn_grid_free(g);
}

/* With no diffusion, decay λ leaves c·e^{−λt} and the removed amount is accounted. */
static void decay_is_exact(void **state)
{
    mn_grid *g = NULL;
    mn_field *f = NULL;
    assert_int_equal(mn_grid_create_uniform(4, 3, 2, 10, &g), MN_OK);
    assert_int_equal(mn_field_create(g, 1, &f), MN_OK);
    assert_int_equal(mn_field_set_decay_uniform(f, 0, 0.01), MN_OK);
    assert_int_equal(mn_field_set_values_uniform(f, 0, 2.0), MN_OK);
    assert_int_equal(mn_field_step(f, 50.0), MN_OK);
    double c[24], removed;
    assert_int_equal(mn_field_get_values(f, 0, c), MN_OK);
    for (int i = 0; i < 24; i++)
        assert_true(fabs(c[i] - 2.0 * exp(-0.5)) < 1e-14);
    assert_int_equal(mn_field_get_reaction_amount(f, 0, &removed), MN_OK);
    assert_true(fabs(removed - 24 * 1000.0 * 2.0 * (1 - exp(-0.5))) < 1e-9);
    mn_field_free(f);
    mn_grid_free(g);
}

/* Pennes-type exchange r·(u_ref − u) with capacity: T relaxes to u_ref with rate r/cap
 * (uniform field, no gradients): T(t) = Ta + (T0 − Ta)·e^{−r t / cap}. */
static void exchange_relaxes_to_reference(void **state)
{
    mn_grid *g = NULL;
    mn_field *f = NULL;
    assert_int_equal(mn_grid_create_uniform(3, 3, 3, 100, &g), MN_OK);
    assert_int_equal(mn_field_create(g, 1, &f), MN_OK);
    assert_int_equal(mn_field_set_diffusivity_uniform(f, 0, 0.14), MN_OK);
    assert_int_equal(mn_field_set_capacity_uniform(f, 0, 3.7), MN_OK);
    assert_int_equal(mn_field_set_exchange_uniform(f, 0, 0.02, 37.0), MN_OK);
    assert_int_equal(mn_field_set_values_uniform(f, 0, 45.0), MN_OK);
    assert_int_equal(mn_field_step(f, 100.0), MN_OK);
    double c[27];
    assert_int_equal(mn_field_get_values(f, 0, c), MN_OK);
    double ex = 37.0 + 8.0 * exp(-0.02 * 100.0 / 3.7);
    for (int i = 0; i < 27; i++)
        assert_true(fabs(c[i] - ex) < 1e-10);
    mn_field_free(f);
    mn_grid_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rejects_bad_arguments),
        cmocka_unit_test(memory_guard),
        cmocka_unit_test(values_and_amounts),
        cmocka_unit_test(decay_is_exact),
        cmocka_unit_test(exchange_relaxes_to_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
