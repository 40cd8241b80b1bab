/* Replays the fuzz seed corpus and every regression input through the loaders in the normal
 * (and, under `make check`, the sanitizer) build.
 *  - Seeds (tests/fuzz/corpus/) are valid files: each must load (MN_OK), so the fuzzers start
 *    from inputs that reach deep into validation.
 *  - Regressions (tests/fuzz/regressions/) are inputs that once crashed, hung or leaked: each
 *    must now end in MN_OK or MN_EINPUT with a message; under ASan a relapse aborts. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/error.h"
#include "fuzz/fuzz_inputs.h"

typedef mn_status (*loader)(const char *, size_t);

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Runs every file of src/tests/fuzz/<sub> through fn; returns how many files it read. */
static int replay(const char *sub, loader fn, int must_load)
{
    const char *src = getenv("MNSIM_SOURCE_DIR");
    assert_non_null(src);
    char dir[4096], path[8192];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/%s", src, sub);
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s", dir);
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len = 0;
        char *text = slurp(path, &len);
        if (!text)
            fail_msg("cannot read %s", path);
        mn_error_clear();
        mn_status st = fn(text, len);
        free(text);
        if (must_load && st != MN_OK)
            fail_msg("seed %s does not load: %s", path, mn_last_error());
        if (st != MN_OK && st != MN_EINPUT)
            fail_msg("%s: status %d (expected ok or input error): %s", path, st, mn_last_error());
        if (st == MN_EINPUT && !mn_last_error()[0])
            fail_msg("%s: input error without a message", path);
        files++;
    }
    closedir(d);
    return files;
}

static void scenario_seeds_all_load(void **state)
{
    /* examples/ (3), the built-in default, and hand-written key coverage: at least 5. */
    assert_true(replay("corpus/scenario", mn_fuzz_scenario, 1) >= 5);
}

static void patient_seeds_all_load(void **state)
{
    assert_true(replay("corpus/patient", mn_fuzz_patient, 1) >= 3);
}

static void scenario_regressions_end_in_a_message(void **state)
{
    replay("regressions/scenario", mn_fuzz_scenario, 0);
}

static void patient_regressions_end_in_a_message(void **state)
{
    replay("regressions/patient", mn_fuzz_patient, 0);
}

static void checkpoint_seeds_and_regressions(void **state)
{
    assert_true(replay("corpus/checkpoint", mn_fuzz_checkpoint, 1) >= 2);
    replay("regressions/checkpoint", mn_fuzz_checkpoint, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scenario_seeds_all_load),
        cmocka_unit_test(patient_seeds_all_load),
        cmocka_unit_test(scenario_regressions_end_in_a_message),
        cmocka_unit_test(patient_regressions_end_in_a_message),
        cmocka_unit_test(checkpoint_seeds_and_regressions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
