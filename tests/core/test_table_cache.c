/* Embedded tables are parsed once per process and shared (issue 11): a second load returns the
 * same table without parsing again, freeing it leaves it usable, loads from many threads at once
 * all get that one table, and a `plan`-like burst of lookups costs one parse per table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <omp.h>

#include "core/table.h"

static void second_load_is_the_same_table_without_a_parse(void **state)
{
    mn_table *a = NULL, *b = NULL;
    assert_int_equal(mn_table_load_embedded("sites.csv", &a), MN_OK);
    unsigned long parses = mn_table_cache_parses();
    mn_table_free(a); /* a no-op for a cached table */
    for (int i = 0; i < 200; i++) {
        assert_int_equal(mn_table_load_embedded("sites.csv", &b), MN_OK);
        assert_ptr_equal(a, b);
        mn_table_free(b);
    }
    assert_int_equal(mn_table_cache_parses(), parses);
    assert_true(mn_table_rows(b) > 0);
    assert_string_equal(mn_table_header(b, 0), mn_table_header(a, 0));
}

static void concurrent_first_loads_share_one_parse(void **state)
{
    enum { N = 64 };
    mn_table *got[N] = {0};
    int status[N];
    unsigned long before = mn_table_cache_parses();
#pragma omp parallel for num_threads(4)
    for (int i = 0; i < N; i++)
        status[i] = mn_table_load_embedded("devices.csv", &got[i]);
    for (int i = 0; i < N; i++) {
        assert_int_equal(status[i], MN_OK);
        assert_ptr_equal(got[i], got[0]);
    }
    assert_int_equal(mn_table_cache_parses(), before + 1);
}

static void an_unknown_table_is_an_error_and_not_cached(void **state)
{
    mn_table *t = (mn_table *)&t;
    unsigned long before = mn_table_cache_parses();
    assert_int_not_equal(mn_table_load_embedded("no_such_table.csv", &t), MN_OK);
    assert_null(t);
    assert_int_equal(mn_table_cache_parses(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(second_load_is_the_same_table_without_a_parse),
        cmocka_unit_test(concurrent_first_loads_share_one_parse),
        cmocka_unit_test(an_unknown_table_is_an_error_and_not_cached),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
