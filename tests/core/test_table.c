/* CSV tables: quoting, comments, numbers, and error messages that name the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "core/error.h"
#include "core/table.h"

static void parses_quoted_fields_and_comments(void **state)
{
    const char *csv = "# comment\nname,value,source\n\"a, b\",1.5,\"say \"\"hi\"\"\"\nc,,x\n";
    mn_table *t = NULL;
    assert_int_equal(mn_table_parse("t.csv", csv, strlen(csv), &t), MN_OK);
    assert_int_equal(mn_table_rows(t), 2);
    assert_string_equal(mn_table_cell(t, 0, 0), "a, b");
    assert_string_equal(mn_table_cell(t, 0, 2), "say \"hi\"");
    double v = 0;
    assert_int_equal(mn_table_double(t, 0, "value", &v), MN_OK);
    assert_true(v == 1.5);
    assert_int_equal(mn_table_double_or(t, 1, "value", 7.0, &v), MN_OK);
    assert_true(v == 7.0);
    assert_int_not_equal(mn_table_double(t, 1, "value", &v), MN_OK);
    assert_non_null(strstr(mn_last_error(), "t.csv:4"));
    assert_int_equal(mn_table_find(t, "name", "c"), 1);
    mn_table_free(t);
}

static void rejects_ragged_rows(void **state)
{
    const char *csv = "a,b\n1,2,3\n";
    mn_table *t = NULL;
    assert_int_not_equal(mn_table_parse("r.csv", csv, strlen(csv), &t), MN_OK);
    assert_null(t);
    assert_non_null(strstr(mn_last_error(), "r.csv:2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_quoted_fields_and_comments),
        cmocka_unit_test(rejects_ragged_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
