/* The session API's guarantees as a library (include/mnsim/session.h, issue 18 item 5; issue 11):
 * NULL and foreign handles are refused with MN_EUSAGE, never dereferenced; a setter that fails
 * leaves the previous setting; the channel getters return the punctures' own arrays and the
 * figures of summary.json; mn_session_write is all or nothing: a folder holding a user's file of
 * an output's name is refused and left exactly as it was, and a successful write publishes the
 * whole set with its manifest and no temporary file; a session that streamed into its folder
 * writes it again with the same bytes, but not another folder nor over another run; a resumed
 * session gives the punctures of the sessions done before its checkpoint. */
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
    /* cJSON prints 15 digits when they read back within its epsilon, so the text is that close,
     * not always the same bits */
    const double js =
        cJSON_GetObjectItem(cJSON_GetObjectItem(n, "channel_depth_um"), "mean")->valuedouble;
    assert_true(fabs(f.depth_mean_um - js) <= 1e-13 * fabs(js));
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

/* Reads a whole file into a fresh buffer (NULL when missing); *len its size. */
static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

static int same_file(const char *dir, const char *name, const char *want, size_t want_len)
{
    size_t n = 0;
    char *b = slurp(dir, name, &n);
    int same = b && n == want_len && memcmp(b, want, n) == 0;
    free(b);
    return same;
}

/* A session that streamed into its folder may be written there again: the same bytes (its
 * streamed punctures.csv and fields kept, a removed file restored), as long as the folder
 * still holds its run; never into another folder, nor over another run written there since. */
static void a_streamed_session_rewrites_its_own_folder(void **state)
{
    (void)state;
    static const char *PRODUCT = "product: {name: ascorbic_acid, concentration_mg_ml: 100, "
                                 "volume_ul_per_cm2: 20}\noutput: {field_times_h: [1]}\n";
    char yaml[1024], dir[] = "/tmp/mnsim-rewrite-XXXXXX", other[] = "/tmp/mnsim-other-XXXXXX";
    snprintf(yaml, sizeof yaml, "%s%s", YAML, PRODUCT);
    assert_non_null(mkdtemp(dir));
    assert_non_null(mkdtemp(other));
    mn_scenario *sc = NULL;
    mn_session *s = NULL;
    assert_int_equal(mn_scenario_read_text("small", yaml, &sc), MN_OK);
    assert_int_equal(mn_session_create(sc, &s), MN_OK);
    mn_scenario_free(sc);
    assert_int_equal(mn_session_set_output_dir(s, dir), MN_OK);
    assert_int_equal(mn_session_run_all(s), MN_OK);
    assert_int_equal(mn_session_write(s, dir), MN_OK);
    static const char *const files[] = {
        "summary.json", "punctures.csv",          "timeline.csv",
        "delivery.csv", "fields/delivery_s1.pvd", "fields/delivery_s1_1h.vti",
        "report.html",  ".mnsim-manifest"};
    enum { NF = sizeof files / sizeof *files };
    char *first[NF];
    size_t len[NF];
    for (int i = 0; i < NF; i++)
        assert_non_null(first[i] = slurp(dir, files[i], &len[i]));
    /* written again, after a user removed the report: every file as the first write left it */
    char path[512];
    snprintf(path, sizeof path, "%s/report.html", dir);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mn_session_write(s, dir), MN_OK);
    for (int i = 0; i < NF; i++)
        assert_true(same_file(dir, files[i], first[i], len[i]));
    assert_int_equal(count_tmp(dir), 0);
    /* its streamed files are in its own folder: another folder is refused, and left empty */
    assert_int_equal(mn_session_write(s, other), MN_EUSAGE);
    assert_non_null(strstr(mn_last_error(), dir));
    assert_int_equal(rmdir(other), 0);
    /* another run's summary.json in the folder: no longer this session's, refused, untouched */
    snprintf(path, sizeof path, "%s/summary.json", dir);
    FILE *f = fopen(path, "wb");
    fputs("{\"another\": \"run\"}\n", f);
    fclose(f);
    assert_int_equal(mn_session_write(s, dir), MN_EUSAGE);
    assert_non_null(strstr(mn_last_error(), "no longer holds this session's run"));
    assert_true(same_file(dir, "summary.json", "{\"another\": \"run\"}\n", 19));
    for (int i = 1; i < NF; i++)
        assert_true(same_file(dir, files[i], first[i], len[i]));
    for (int i = 0; i < NF; i++)
        free(first[i]);
    mn_session_free(s);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

/* A resumed session gives the punctures of the sessions done before its checkpoint too: the
 * same arrays as an uninterrupted session's (needled again from the scenario on request). */
static void a_resumed_session_gives_every_sessions_punctures(void **state)
{
    (void)state;
    static const char *TWO = "name: two\nseed: 5\nsite: {zone: forehead}\n"
                             "patch: {width_mm: 4, length_mm: 4}\n"
                             "device: {type: pen, depth_mm: 1.0, passes: 2}\n"
                             "protocol: {sessions: 2, interval_days: 28}\n";
    char dir[] = "/tmp/mnsim-resume-XXXXXX", cmd[256];
    assert_non_null(mkdtemp(dir));
    mn_scenario *sc = NULL;
    mn_session *whole = NULL, *cut = NULL, *resumed = NULL;
    assert_int_equal(mn_scenario_read_text("two", TWO, &sc), MN_OK);
    assert_int_equal(mn_session_create(sc, &whole), MN_OK);
    assert_int_equal(mn_session_create(sc, &cut), MN_OK);
    mn_scenario_free(sc);
    assert_int_equal(mn_session_run_all(whole), MN_OK);
    /* stopped after session 1, with a checkpoint there */
    assert_int_equal(mn_session_set_output_dir(cut, dir), MN_OK);
    assert_int_equal(mn_session_set_checkpoint_every(cut, 0), MN_OK);
    assert_int_equal(mn_session_needle(cut, 1), MN_OK);
    mn_signals_request_stop(15);
    assert_int_equal(mn_session_needle(cut, 2), MN_EINTERRUPTED);
    mn_signals_clear();
    assert_int_equal(mn_session_write(cut, dir), MN_EINTERRUPTED);
    mn_session_free(cut);
    assert_int_equal(mn_session_resume(dir, &resumed), MN_OK);
    assert_int_equal(mn_session_run_all(resumed), MN_OK);
    assert_int_equal(mn_session_write(resumed, dir), MN_OK); /* the checkpoint goes */
    for (int k = 1; k <= 2; k++) {
        mn_puncture_arrays a, b;
        assert_int_equal(mn_session_get_punctures(whole, k, &a), MN_OK);
        assert_int_equal(mn_session_get_punctures(resumed, k, &b), MN_OK);
        assert_true(a.n > 100);
        assert_int_equal(a.n, b.n);
        assert_memory_equal(a.x_um, b.x_um, a.n * sizeof *a.x_um);
        assert_memory_equal(a.y_um, b.y_um, a.n * sizeof *a.y_um);
        assert_memory_equal(a.tissue_depth_um, b.tissue_depth_um, a.n * sizeof *a.x_um);
        assert_memory_equal(a.angle_deg, b.angle_deg, a.n * sizeof *a.x_um);
        assert_memory_equal(a.pass, b.pass, a.n * sizeof *a.pass);
        assert_memory_equal(a.layer, b.layer, a.n);
        assert_memory_equal(a.bleeds, b.bleeds, a.n);
        mn_channel_arrays ca, cb;
        assert_int_equal(mn_session_get_channels(whole, k, &ca), MN_OK);
        assert_int_equal(mn_session_get_channels(resumed, k, &cb), MN_OK);
        assert_int_equal(ca.n, cb.n);
        assert_memory_equal(ca.channel_depth_um, cb.channel_depth_um, a.n * sizeof *a.x_um);
    }
    /* the two sessions differ: the second is not the first again */
    mn_puncture_arrays p1, p2;
    assert_int_equal(mn_session_get_punctures(resumed, 1, &p1), MN_OK);
    assert_int_equal(mn_session_get_punctures(resumed, 2, &p2), MN_OK);
    assert_true(p1.n != p2.n || memcmp(p1.x_um, p2.x_um, p1.n * sizeof *p1.x_um) != 0);
    mn_session_free(whole);
    mn_session_free(resumed);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_and_foreign_handles_are_refused),
        cmocka_unit_test(failed_setters_leave_the_previous_setting),
        cmocka_unit_test(channels_are_the_punctures_own),
        cmocka_unit_test(write_is_all_or_nothing),
        cmocka_unit_test(a_streamed_session_rewrites_its_own_folder),
        cmocka_unit_test(a_resumed_session_gives_every_sessions_punctures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
