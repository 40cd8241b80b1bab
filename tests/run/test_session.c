/* The stage-by-stage session API (include/mnsim/session.h): stage by stage it produces exactly
 * the summary.json `mnsim run` produces for the same scenario (so the typed getters report the
 * run's numbers), the getters agree with that summary, the puncture arrays are the session's,
 * and stages called out of order fail with MN_EUSAGE saying what is missing. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "mnsim/mnsim.h"

/* Bitwise the same number (the getters read the very doubles summary.json prints). */
/* Equal up to summary.json's printing: cJSON keeps 15 significant digits when they read back
 * within its own epsilon, so a printed number can differ from the double in the last bits. */
#define assert_same(a, b) assert_true(fabs((a) - (b)) <= 1e-12 * fmax(1.0, fabs(b)))

static char *run_summary(const char *dir)
{
    mn_run *r = NULL;
    const char *json = NULL;
    assert_int_equal(mn_run_create(&r), MN_OK);
    assert_int_equal(mn_run_set_default_scenario(r), MN_OK);
    assert_int_equal(mn_run_set_threads(r, 2), MN_OK);
    assert_int_equal(mn_run_set_output_dir(r, dir), MN_OK);
    assert_int_equal(mn_run_execute(r), MN_OK);
    assert_int_equal(mn_run_get_summary_json(r, &json), MN_OK);
    char *copy = strdup(json);
    mn_run_free(r);
    return copy;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int progress_calls;
static void count_progress(void *user, const char *stage, double done, double total)
{
    (void)user;
    assert_non_null(stage);
    assert_true(done >= 0 && done <= total);
    progress_calls++;
}

static void stage_by_stage_equals_the_run(void **state)
{
    char run_dir[] = "/tmp/mnsim-session-run-XXXXXX";
    assert_non_null(mkdtemp(run_dir));
    char *expected = run_summary(run_dir);
    mn_scenario *sc = NULL;
    mn_session *s = NULL;
    assert_int_equal(mn_scenario_read_default(&sc), MN_OK);
    assert_int_equal(mn_session_create(sc, &s), MN_OK);
    mn_scenario_free(sc);
    assert_int_equal(mn_session_set_threads(s, 2), MN_OK);
    assert_int_equal(mn_session_set_progress(s, count_progress, NULL), MN_OK);
    int n = mn_session_count(s);
    assert_int_equal(n, 3); /* the default: 3 sessions */
    for (int k = 1; k <= n; k++) {
        assert_int_equal(mn_session_needle(s, k), MN_OK);
        assert_int_equal(mn_session_heat(s, k), MN_OK);
        assert_int_equal(mn_session_deliver(s, k), MN_OK);
    }
    assert_int_equal(mn_session_heal(s), MN_OK);
    assert_int_equal(mn_session_assess(s), MN_OK);
    assert_true(progress_calls >= n + 2);

    char dir[] = "/tmp/mnsim-session-XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    assert_int_equal(mn_session_write(s, dir), MN_OK);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    char *got = read_file(path);
    assert_string_equal(got, expected);
    /* The tables too: punctures.csv and timeline.csv byte for byte. */
    static const char *const files[] = {"punctures.csv", "timeline.csv"};
    for (int f = 0; f < 2; f++) {
        char a[256], b[256];
        snprintf(a, sizeof a, "%s/%s", dir, files[f]);
        snprintf(b, sizeof b, "%s/%s", run_dir, files[f]);
        char *ta = read_file(a), *tb = read_file(b);
        assert_true(strlen(ta) > 100);
        assert_string_equal(ta, tb);
        free(ta);
        free(tb);
    }

    /* The getters report the summary's numbers. */
    cJSON *sum = cJSON_Parse(got);
    const cJSON *s2 = cJSON_GetArrayItem(cJSON_GetObjectItem(sum, "sessions"), 1);
    const cJSON *dose = cJSON_GetObjectItem(cJSON_GetObjectItem(s2, "delivery"), "dose_ug_per_cm2");
    mn_doses d;
    assert_int_equal(mn_session_get_doses(s, 2, &d), MN_OK);
    assert_same(d.ug_per_cm2[MN_DOSE_DERMIS], cJSON_GetObjectItem(dose, "dermis")->valuedouble);
    assert_same(d.ug_per_cm2[MN_DOSE_STRATUM_CORNEUM],
                cJSON_GetObjectItem(dose, "stratum_corneum")->valuedouble);
    /* Channels: more past the stratum corneum than intact skin (most cleared to the blood). */
    assert_true(d.ug_per_cm2[MN_DOSE_SYSTEMIC] > d.intact_ug_per_cm2[MN_DOSE_SYSTEMIC]);
    assert_true(d.enhancement_ratio > 1);
    assert_string_equal(d.product, "ascorbic_acid");

    mn_needling_figures nf;
    mn_puncture_arrays p;
    assert_int_equal(mn_session_get_needling(s, 2, &nf), MN_OK);
    assert_int_equal(mn_session_get_punctures(s, 2, &p), MN_OK);
    const cJSON *needling = cJSON_GetObjectItem(s2, "needling");
    assert_int_equal(nf.punctures, (size_t)cJSON_GetObjectItem(needling, "punctures")->valuedouble);
    assert_int_equal(p.n, nf.punctures);
    double deepest = 0;
    for (size_t i = 0; i < p.n; i++) {
        assert_true(p.tissue_depth_um[i] <= p.set_depth_um[i]); /* tenting: never deeper */
        deepest = p.tissue_depth_um[i] > deepest ? p.tissue_depth_um[i] : deepest;
    }
    assert_true(deepest > 0);

    mn_outcome o;
    assert_int_equal(mn_session_get_outcome(s, &o), MN_OK);
    const cJSON *col =
        cJSON_GetObjectItem(cJSON_GetObjectItem(sum, "outcome"), "collagen_change_percent");
    assert_true(o.day[1] == 90);
    assert_same(o.collagen_change_percent[1], cJSON_GetObjectItem(col, "day_90")->valuedouble);
    size_t nr = 0;
    mn_risk_item risk;
    assert_int_equal(mn_session_get_risk_count(s, &nr), MN_OK);
    assert_int_equal(nr, (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(sum, "risks")));
    assert_true(nr > 0);
    assert_int_equal(mn_session_get_risk(s, 0, &risk), MN_OK);
    assert_string_equal(
        risk.id, cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(sum, "risks"), 0), "id")
                     ->valuestring);
    assert_int_equal(mn_session_get_risk(s, nr, &risk), MN_EUSAGE);
    mn_thermal t;
    assert_int_equal(mn_session_get_thermal(s, 1, &t), MN_EUSAGE); /* a pen has no RF */
    cJSON_Delete(sum);
    free(got);
    free(expected);
    mn_session_free(s);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir, run_dir);
    assert_int_equal(system(cmd), 0);
}

static void stages_out_of_order_say_what_is_missing(void **state)
{
    mn_scenario *sc = NULL;
    mn_session *s = NULL;
    assert_int_equal(mn_scenario_read_default(&sc), MN_OK);
    assert_int_equal(mn_session_create(sc, &s), MN_OK);
    mn_scenario_free(sc);
    assert_int_equal(mn_session_set_threads(s, 1), MN_OK);
    assert_int_equal(mn_session_heal(s), MN_EUSAGE);
    assert_non_null(strstr(mn_last_error(), "session 1 is not needled"));
    assert_int_equal(mn_session_deliver(s, 1), MN_EUSAGE);
    assert_int_equal(mn_session_needle(s, 2), MN_EUSAGE); /* sessions in order */
    assert_int_equal(mn_session_needle(s, 4), MN_EUSAGE); /* the default has 3 */
    assert_non_null(strstr(mn_last_error(), "expected 1 to 3"));
    assert_int_equal(mn_session_assess(s), MN_EUSAGE);
    mn_outcome o;
    assert_int_equal(mn_session_get_outcome(s, &o), MN_EUSAGE);
    mn_doses d;
    assert_int_equal(mn_session_needle(s, 1), MN_OK);
    assert_int_equal(mn_session_get_doses(s, 1, &d), MN_EUSAGE);
    assert_non_null(strstr(mn_last_error(), "mn_session_deliver"));
    mn_session_free(s);
}

static void a_scenario_without_product_has_no_doses(void **state)
{
    const char *yaml = "name: dry needling\nseed: 5\nsite: {zone: forehead}\n"
                       "patch: {width_mm: 4, length_mm: 4}\n"
                       "device: {type: stamp, model: stamp_digital, passes: 1}\n"
                       "protocol: {sessions: 1}\n";
    mn_scenario *sc = NULL;
    mn_session *s = NULL;
    assert_int_equal(mn_scenario_read_text("dry", yaml, &sc), MN_OK);
    assert_int_equal(mn_scenario_sessions(sc), 1);
    assert_int_equal(mn_session_create(sc, &s), MN_OK);
    mn_scenario_free(sc);
    assert_int_equal(mn_session_needle(s, 1), MN_OK);
    assert_int_equal(mn_session_deliver(s, 1), MN_OK); /* nothing to deliver: fine */
    mn_doses d;
    assert_int_equal(mn_session_get_doses(s, 1, &d), MN_EUSAGE);
    assert_non_null(strstr(mn_last_error(), "no product"));
    mn_session_free(s);
    /* A bad scenario reports its key path. */
    assert_int_equal(
        mn_scenario_read_text("bad", "site: {zone: cheek}\ndevice: {type: laser}\n", &sc),
        MN_EINPUT);
    assert_null(sc);
    assert_non_null(strstr(mn_last_error(), "device.type"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stage_by_stage_equals_the_run),
        cmocka_unit_test(stages_out_of_order_say_what_is_missing),
        cmocka_unit_test(a_scenario_without_product_has_no_doses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
