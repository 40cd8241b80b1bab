/* The session API's guarantees as a library (include/mnsim/session.h, issue 18 item 5; issue 11):
 * NULL and foreign handles are refused with MN_EUSAGE, never dereferenced; a setter that fails
 * leaves the previous setting; the channel getters return the punctures' own arrays and the
 * figures of summary.json; mn_session_write is all or nothing: a folder holding a user's file of
 * an output's name is refused and left exactly as it was, and a successful write publishes the
 * whole set with its manifest and no temporary file. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "mnsim/mnsim.h"

/* A small, quick scenario: one pen session on 4 x 4 mm (about 800 punctures). */
static const char *YAML = "name: small\nseed: 5\nsite: {zone: forehead}\n"
                          "patch: {width_mm: 4, length_mm: 4}\n"
                          "device: {type: pen, depth_mm: 1.0, passes: 2}\n"
                          "protocol: {sessions: 1}\n";

static int count_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strstr(e->d_name, ".mnsim-tmp.") != NULL;
    if (d)
        closedir(d);
    return n;
}

static void null_and_foreign_handles_are_refused(void **state)
{
    uint64_t junk[64] = {0};
    mn_session *fake = (mn_session *)junk;
    mn_scenario *fsc = (mn_scenario *)junk;
    mn_needling_figures nf;
    uint64_t seed;
    assert_int_equal(mn_session_needle(NULL, 1), MN_EUSAGE);
    assert_non_null(strstr(mn_last_error(), "session is NULL"));
    assert_int_equal(mn_session_needle(fake, 1), MN_EUSAGE);
    assert_non_null(strstr(mn_last_error(), "not a live session"));
    assert_int_equal(mn_session_get_needling(fake, 1, &nf), MN_EUSAGE);
    assert_int_equal(mn_session_set_threads(NULL, 2), MN_EUSAGE);
    assert_int_equal(mn_session_write(fake, "/tmp/never"), MN_EUSAGE);
    assert_int_equal(mn_session_heal(fake), MN_EUSAGE);
    assert_int_equal(mn_session_count(fake), 0);
    assert_int_equal(mn_scenario_set_seed(fsc, 3), MN_EUSAGE);
    assert_int_equal(mn_scenario_get_seed(NULL, &seed), MN_EUSAGE);
    assert_int_equal(mn_scenario_read_file(NULL, &fsc), MN_EUSAGE);
    assert_int_equal(mn_scenario_read_default(NULL), MN_EUSAGE);
    assert_int_equal(mn_session_create(fsc, &fake), MN_EUSAGE);
    assert_null(fake);
    mn_session_free((mn_session *)junk); /* ignored: not a session */
    mn_scenario_free((mn_scenario *)junk);
    mn_session_free(NULL);

    mn_scenario *sc = NULL;
    mn_session *s = NULL;
    assert_int_equal(mn_scenario_read_text("small", YAML, &sc), MN_OK);
    assert_int_equal(mn_scenario_set_seed(sc, UINT64_MAX), MN_OK);
    assert_int_equal(mn_scenario_get_seed(sc, &seed), MN_OK);
    assert_true(seed == UINT64_MAX);
    assert_int_equal(mn_session_create(sc, &s), MN_OK);
    mn_scenario_free(sc);
    assert_int_equal(mn_session_get_needling(s, 1, NULL), MN_EUSAGE);
    assert_int_equal(mn_session_get_summary_json(s, NULL), MN_EUSAGE);
    mn_session_free(s);
}

static void failed_setters_leave_the_previous_setting(void **state)
{
    mn_scenario *sc = NULL;
    mn_session *s = NULL;
    char dir[] = "/tmp/mnsim-sess-XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(mn_scenario_read_text("small", YAML, &sc), MN_OK);
    assert_int_equal(mn_session_create(sc, &s), MN_OK);
    mn_scenario_free(sc);
    assert_int_equal(mn_session_set_threads(s, 2), MN_OK);
    assert_int_equal(mn_session_set_threads(s, 0), MN_EINPUT);
    const char *json = NULL;
    assert_int_equal(mn_session_get_summary_json(s, &json), MN_OK);
    cJSON *j = cJSON_Parse(json);
    assert_int_equal(cJSON_GetObjectItem(j, "threads")->valueint, 2); /* kept */
    cJSON_Delete(j);
    assert_int_equal(mn_session_set_output_dir(s, dir), MN_OK);
    assert_int_equal(mn_session_needle(s, 1), MN_OK);
    /* The stages write into dir now: moving it would split the outputs. */
    assert_int_equal(mn_session_set_output_dir(s, "/tmp/elsewhere"), MN_EUSAGE);
    assert_non_null(strstr(mn_last_error(), dir));
    assert_int_equal(mn_session_heal(s), MN_OK);
    assert_int_equal(mn_session_assess(s), MN_OK);
    assert_int_equal(mn_session_write(s, dir), MN_OK); /* still the folder set first */
    char path[256];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    assert_int_equal(access(path, R_OK), 0);
    mn_session_free(s);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

static void channels_are_the_punctures_own(void **state)
{
    mn_scenario *sc = NULL;
    mn_session *s = NULL;
    assert_int_equal(mn_scenario_read_text("small", YAML, &sc), MN_OK);
    assert_int_equal(mn_session_create(sc, &s), MN_OK);
    mn_scenario_free(sc);
    mn_channel_arrays c;
    mn_channel_figures f;
    assert_int_equal(mn_session_get_channels(s, 1, &c), MN_EUSAGE); /* not needled yet */
    assert_int_equal(mn_session_needle(s, 1), MN_OK);
    mn_puncture_arrays p;
    assert_int_equal(mn_session_get_punctures(s, 1, &p), MN_OK);
    assert_int_equal(mn_session_get_channels(s, 1, &c), MN_OK);
    assert_int_equal(c.n, p.n);
    assert_true(p.n > 100);
    double bp = 0;
    for (size_t i = 0; i < c.n; i++) {
        assert_true(c.channel_depth_um[i] >= 0 && c.channel_depth_um[i] <= p.tissue_depth_um[i]);
        assert_true(c.channel_diameter_um[i] >= 0 &&
                    c.channel_diameter_um[i] < 2 * p.needle_radius_um);
        assert_true(c.bleed_probability[i] >= 0 && c.bleed_probability[i] <= 1);
        bp += c.bleed_probability[i];
    }
    assert_int_equal(mn_session_get_channel_figures(s, 1, &f), MN_OK);
    /* A small patch is not streamed: the figures are over exactly these punctures. */
    assert_true(fabs(f.bleeding_probability_mean - bp / (double)c.n) < 1e-12);
    assert_true(f.depth_p5_um <= f.depth_p50_um && f.depth_p50_um <= f.depth_p95_um);
    assert_true(f.diameter_p5_um <= f.diameter_mean_um + 1e-9);
    const char *json = NULL;
    assert_int_equal(mn_session_get_summary_json(s, &json), MN_OK);
    cJSON *j = cJSON_Parse(json);
    const cJSON *n =
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "sessions"), 0), "needling");
    assert_true(
        f.depth_mean_um ==
        cJSON_GetObjectItem(cJSON_GetObjectItem(n, "channel_depth_um"), "mean")->valuedouble);
    cJSON_Delete(j);
    assert_int_equal(mn_session_get_channel_figures(s, 2, &f), MN_EUSAGE);
    mn_session_free(s);
}

static void write_is_all_or_nothing(void **state)
{
    char dir[] = "/tmp/mnsim-sessw-XXXXXX", path[300];
    assert_non_null(mkdtemp(dir));
    mn_scenario *sc = NULL;
    mn_session *s = NULL;
    assert_int_equal(mn_scenario_read_text("small", YAML, &sc), MN_OK);
    assert_int_equal(mn_session_create(sc, &s), MN_OK);
    mn_scenario_free(sc);
    assert_int_equal(mn_session_run_all(s), MN_OK);
    /* An mnsim folder (marker, empty manifest) holding a user's timeline.csv: the write must
     * refuse to replace a file that is not mnsim's, and leave everything as it was. */
    snprintf(path, sizeof path, "%s/.mnsim-output", dir);
    FILE *f = fopen(path, "w");
    fclose(f);
    snprintf(path, sizeof path, "%s/.mnsim-manifest", dir);
    f = fopen(path, "w");
    fclose(f);
    snprintf(path, sizeof path, "%s/timeline.csv", dir);
    f = fopen(path, "w");
    fputs("mine\n", f);
    fclose(f);
    assert_int_not_equal(mn_session_write(s, dir), MN_OK);
    assert_non_null(strstr(mn_last_error(), "timeline.csv"));
    snprintf(path, sizeof path, "%s/summary.json", dir);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/punctures.csv", dir);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(count_tmp(dir), 0);
    char buf[16] = "";
    snprintf(path, sizeof path, "%s/timeline.csv", dir);
    f = fopen(path, "r");
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "mine\n");
    /* Without the user's file the same session writes the whole set. */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mn_session_write(s, dir), MN_OK);
    static const char *const files[] = {"summary.json", "punctures.csv", "timeline.csv",
                                        "report.html", ".mnsim-manifest"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        assert_int_equal(access(path, R_OK), 0);
    }
    assert_int_equal(count_tmp(dir), 0);
    /* and writes it again over its own files. */
    assert_int_equal(mn_session_write(s, dir), MN_OK);
    mn_session_free(s);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_and_foreign_handles_are_refused),
        cmocka_unit_test(failed_setters_leave_the_previous_setting),
        cmocka_unit_test(channels_are_the_punctures_own),
        cmocka_unit_test(write_is_all_or_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
