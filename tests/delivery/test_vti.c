/* The .vti writer: valid VTK XML ImageData header with the extent of the grid, ASCII values in
 * file order, and base64 binary whose decoded payload is the UInt32 byte count followed by the
 * exact doubles (what ParaView's reader expects for header_type="UInt32"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "io/vti.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static int b64val(char c)
{
    const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(t, c);
    return c && p ? (int)(p - t) : -1;
}

static void writes_ascii_and_binary(void **state)
{
    double v[6] = {0.5, 1.0, 2.0, -3.25, 1e-30, 7.0};
    mn_vti_array a = {"c", v};
    double sp[3] = {10, 10, 5}, org[3] = {0, 0, 0};
    assert_int_equal(mn_vti_write("t_ascii.vti", 3, 2, 1, sp, org, &a, 1, false), MN_OK);
    char *s = slurp("t_ascii.vti");
    assert_non_null(strstr(s, "WholeExtent=\"0 3 0 2 0 1\""));
    assert_non_null(strstr(s, "0.5 1 2 -3.25 1e-30 7"));

    assert_int_equal(mn_vti_write("t_bin.vti", 3, 2, 1, sp, org, &a, 1, true), MN_OK);
    s = slurp("t_bin.vti");
    char *p = strstr(s, "format=\"binary\">\n");
    assert_non_null(p);
    p += strlen("format=\"binary\">\n");
    unsigned char out[64];
    size_t n = 0;
    while (b64val(*p) >= 0 || *p == '=') {
        int q[4];
        for (int i = 0; i < 4; i++, p++)
            q[i] = *p == '=' ? 0 : b64val(*p);
        unsigned w = (unsigned)q[0] << 18 | (unsigned)q[1] << 12 | (unsigned)q[2] << 6 | q[3];
        out[n++] = w >> 16 & 255;
        out[n++] = w >> 8 & 255;
        out[n++] = w & 255;
    }
    assert_true(n >= 4 + sizeof v);
    uint32_t bytes;
    memcpy(&bytes, out, 4);
    assert_int_equal(bytes, sizeof v);
    assert_memory_equal(out + 4, v, sizeof v);
    /* A bad path fails with an error instead of leaving a temporary file behind. */
    assert_int_not_equal(mn_vti_write("/nonexistent/dir/x.vti", 1, 1, 1, sp, org, &a, 1, false),
                         MN_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(writes_ascii_and_binary)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
