/* The checkpoint container (issue 7, item 3): blobs come back exactly as stored, a key stored
 * twice keeps the last blob, and any truncated or altered byte string is an input error with a
 * message, never a crash or a wrong blob (the file may be damaged on disk). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/checkpoint.h"
#include "core/error.h"

static mn_checkpoint *sample(void)
{
    mn_checkpoint *c = NULL;
    double state[3] = {1.5, -2.0, 1e300};
    assert_int_equal(mn_checkpoint_create(&c), MN_OK);
    assert_int_equal(mn_checkpoint_put_text(c, "run/summary_json", "{\"a\":1}"), MN_OK);
    assert_int_equal(mn_checkpoint_put_u64(c, "run/next_session", 7), MN_OK);
    assert_int_equal(mn_checkpoint_put(c, "healing/state", state, sizeof state), MN_OK);
    assert_int_equal(mn_checkpoint_put(c, "empty", NULL, 0), MN_OK);
    return c;
}

static void blobs_round_trip(void **state)
{
    mn_checkpoint *c = sample(), *back = NULL;
    unsigned char *buf = NULL;
    size_t len = 0;
    assert_int_equal(mn_checkpoint_put_u64(c, "run/next_session", 9), MN_OK); /* replaces */
    assert_int_equal(mn_checkpoint_count(c), 4);
    assert_int_equal(mn_checkpoint_serialize(c, &buf, &len), MN_OK);
    assert_int_equal(mn_checkpoint_parse("t", buf, len, &back), MN_OK);
    uint64_t next = 0;
    const char *text = NULL;
    const void *d = NULL;
    size_t dlen = 0;
    assert_int_equal(mn_checkpoint_get_u64(back, "run/next_session", &next), MN_OK);
    assert_int_equal(next, 9);
    assert_int_equal(mn_checkpoint_get_text(back, "run/summary_json", &text), MN_OK);
    assert_string_equal(text, "{\"a\":1}");
    assert_int_equal(mn_checkpoint_get(back, "healing/state", &d, &dlen), MN_OK);
    double expect[3] = {1.5, -2.0, 1e300};
    assert_int_equal(dlen, sizeof expect);
    assert_memory_equal(d, expect, sizeof expect);
    assert_int_equal(mn_checkpoint_get(back, "empty", &d, &dlen), MN_OK);
    assert_int_equal(dlen, 0);
    assert_int_equal(mn_checkpoint_get(back, "nope", &d, &dlen), MN_EINPUT);
    assert_non_null(strstr(mn_last_error(), "no entry 'nope'"));
    /* A u64 read of a blob of another size is refused. */
    assert_int_equal(mn_checkpoint_get_u64(back, "healing/state", &next), MN_EINPUT);
    free(buf);
    mn_checkpoint_free(c);
    mn_checkpoint_free(back);
}

static void every_truncation_and_bit_flip_is_refused(void **state)
{
    mn_checkpoint *c = sample(), *back = NULL;
    unsigned char *buf = NULL;
    size_t len = 0;
    assert_int_equal(mn_checkpoint_serialize(c, &buf, &len), MN_OK);
    for (size_t n = 0; n < len; n++) {
        assert_int_equal(mn_checkpoint_parse("t", buf, n, &back), MN_EINPUT);
        assert_null(back);
        assert_true(mn_last_error()[0] != '\0');
    }
    for (size_t i = 0; i < len; i++)
        for (int bit = 0; bit < 8; bit++) {
            buf[i] ^= (unsigned char)(1u << bit);
            assert_int_equal(mn_checkpoint_parse("t", buf, len, &back), MN_EINPUT);
            buf[i] ^= (unsigned char)(1u << bit);
        }
    assert_int_equal(mn_checkpoint_parse("t", buf, len, &back), MN_OK);
    mn_checkpoint_free(back);
    free(buf);
    mn_checkpoint_free(c);
}

static void fnv1a_matches_the_published_vectors(void **state)
{
    /* FNV-1a 64 test vectors (Fowler, Noll, Vo; IETF draft-eastlake-fnv): "" and "a". */
    assert_true(mn_fnv1a(MN_FNV_OFFSET, "", 0) == 0xcbf29ce484222325ULL);
    assert_true(mn_fnv1a(MN_FNV_OFFSET, "a", 1) == 0xaf63dc4c8601ec8cULL);
    assert_true(mn_fnv1a(MN_FNV_OFFSET, "foobar", 6) == 0x85944171f73967e8ULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blobs_round_trip),
        cmocka_unit_test(every_truncation_and_bit_flip_is_refused),
        cmocka_unit_test(fnv1a_matches_the_published_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
