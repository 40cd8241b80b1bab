/* Numerical fault checks (issue 7, item 5): a NaN, an infinity or a negative concentration is
 * reported with the stage, the simulated time and the voxel (i, j, k) of the flat array
 * i + nx*(j + ny*k); clean fields, -0.0, subnormals and DBL_MAX pass. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/error.h"
#include "core/numcheck.h"

enum { NX = 16, NY = 12, NZ = 10, CELLS = NX * NY * NZ };

static double field[2 * CELLS];

static void fill(void)
{
    for (size_t i = 0; i < 2 * CELLS; i++)
        field[i] = 1.0 + (double)i * 1e-3;
}

static size_t at(size_t i, size_t j, size_t k)
{
    return i + NX * (j + NY * k);
}

static void clean_field_and_edge_values_pass(void **state)
{
    fill();
    field[0] = -0.0;         /* IEEE negative zero compares equal to 0: not negative */
    field[1] = DBL_TRUE_MIN; /* smallest subnormal */
    field[2] = DBL_MAX;      /* large but finite */
    mn_numcheck_fault w;
    assert_int_equal(mn_numcheck_field(field, CELLS, NX, NY, NZ, "delivery", 10.0, &w), MN_OK);
    assert_int_equal(w.kind, MN_NUMFAULT_NONE);
    assert_int_equal(mn_numcheck_field(NULL, 0, NX, NY, NZ, "delivery", 0.0, NULL), MN_OK);
}

static void nan_is_located_by_stage_time_and_voxel(void **state)
{
    fill();
    field[at(3, 4, 5)] = NAN;
    mn_numcheck_fault w;
    assert_int_equal(mn_numcheck_field(field, CELLS, NX, NY, NZ, "delivery", 5400.0, &w),
                     MN_ENUMERIC);
    assert_int_equal(w.kind, MN_NUMFAULT_NAN);
    assert_int_equal(w.i, 3);
    assert_int_equal(w.j, 4);
    assert_int_equal(w.k, 5);
    assert_int_equal(w.index, at(3, 4, 5));
    const char *msg = mn_last_error();
    assert_non_null(strstr(msg, "numerical fault in delivery"));
    assert_non_null(strstr(msg, "t = 5400 s (1.5 h)")); /* 5400 s = 1.5 h */
    assert_non_null(strstr(msg, "NaN at voxel (i, j, k) = (3, 4, 5) of 16 x 12 x 10"));
}

static void infinities_and_negatives_are_named(void **state)
{
    mn_numcheck_fault w;
    fill();
    field[at(15, 11, 9)] = -INFINITY; /* the last voxel: bounds of the scan */
    assert_int_equal(mn_numcheck_field(field, CELLS, NX, NY, NZ, "healing", 0.0, &w), MN_ENUMERIC);
    assert_int_equal(w.kind, MN_NUMFAULT_INF);
    assert_true(w.i == 15 && w.j == 11 && w.k == 9);
    assert_non_null(strstr(mn_last_error(), "- infinity"));

    fill();
    field[at(0, 1, 0)] = -2.5e-3;
    assert_int_equal(mn_numcheck_field(field, CELLS, NX, NY, NZ, "fields", 60.0, &w), MN_ENUMERIC);
    assert_int_equal(w.kind, MN_NUMFAULT_NEGATIVE);
    assert_true(w.value == -2.5e-3 && w.i == 0 && w.j == 1 && w.k == 0);
    assert_non_null(strstr(mn_last_error(), "negative value -0.0025"));
}

static void first_fault_is_reported_across_blocks(void **state)
{
    /* The scan works in blocks of 1024 values; faults at 1500 and 2000 -> 1500 is named. */
    fill();
    field[2000] = NAN;
    field[1500] = INFINITY;
    mn_numcheck_fault w;
    assert_int_equal(mn_numcheck_field(field, 2 * CELLS, NX, NY, NZ, "delivery", 1.0, &w),
                     MN_ENUMERIC);
    assert_int_equal(w.index, 1500);
    assert_int_equal(w.kind, MN_NUMFAULT_INF);
}

static void stacked_species_name_the_component(void **state)
{
    fill();
    field[CELLS + at(2, 3, 1)] = NAN; /* species 1 */
    mn_numcheck_fault w;
    assert_int_equal(mn_numcheck_field(field, 2 * CELLS, NX, NY, NZ, "delivery", 1.0, &w),
                     MN_ENUMERIC);
    assert_int_equal(w.component, 1);
    assert_true(w.i == 2 && w.j == 3 && w.k == 1);
    assert_non_null(strstr(mn_last_error(), "(2, 3, 1) of component 1"));
}

static void floor_and_signed_variants(void **state)
{
    fill();
    field[10] = -1e-13;
    /* Round-off allowance: -1e-13 passes a floor of -1e-12, fails a floor of -1e-14. */
    assert_int_equal(
        mn_numcheck_field_floor(field, CELLS, NX, NY, NZ, "delivery", 0.0, -1e-12, NULL), MN_OK);
    assert_int_equal(
        mn_numcheck_field_floor(field, CELLS, NX, NY, NZ, "delivery", 0.0, -1e-14, NULL),
        MN_ENUMERIC);
    assert_int_equal(mn_numcheck_field_floor(field, CELLS, NX, NY, NZ, "x", 0.0, 1.0, NULL),
                     MN_EINTERNAL);
    /* A temperature rise may be negative, never NaN. */
    field[11] = -40.0;
    assert_int_equal(mn_numcheck_finite(field, CELLS, NX, NY, NZ, "heat", 0.0, NULL), MN_OK);
    field[12] = NAN;
    assert_int_equal(mn_numcheck_finite(field, CELLS, NX, NY, NZ, "heat", 0.0, NULL), MN_ENUMERIC);
}

static void grid_mismatch_is_a_caller_bug(void **state)
{
    fill();
    assert_int_equal(mn_numcheck_field(field, CELLS + 1, NX, NY, NZ, "delivery", 0.0, NULL),
                     MN_EINTERNAL);
    assert_int_equal(mn_numcheck_field(field, CELLS, 0, NY, NZ, "delivery", 0.0, NULL),
                     MN_EINTERNAL);
}

static void plain_vectors(void **state)
{
    double y[5] = {1, 2, 3, -1, 5};
    assert_int_equal(mn_numcheck_values(y, 5, "healing", "fibroblasts", 86400.0, 1), MN_OK);
    assert_int_equal(mn_numcheck_values(y, 5, "healing", "fibroblasts", 86400.0, 0), MN_ENUMERIC);
    assert_non_null(strstr(mn_last_error(), "negative value -1 in fibroblasts[3] of 5"));
    assert_non_null(strstr(mn_last_error(), "t = 86400 s (24 h)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_field_and_edge_values_pass),
        cmocka_unit_test(nan_is_located_by_stage_time_and_voxel),
        cmocka_unit_test(infinities_and_negatives_are_named),
        cmocka_unit_test(first_fault_is_reported_across_blocks),
        cmocka_unit_test(stacked_species_name_the_component),
        cmocka_unit_test(floor_and_signed_variants),
        cmocka_unit_test(grid_mismatch_is_a_caller_bug),
        cmocka_unit_test(plain_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
