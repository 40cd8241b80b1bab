/* The public clinic entry points (include/mnsim/clinic.h): screening a patient file returns the
 * decision the cited rules give (a pregnant patient: do_not_treat; a healthy one: proceed), a
 * bad file is an input error naming the file, and a plan returns one planned zone per zone
 * asked for, with the concern. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "mnsim/mnsim.h"

static char dir[] = "/tmp/mnsim-clinic-XXXXXX";

static const char *patient(const char *name, const char *yaml)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s.yaml", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(yaml, f);
    fclose(f);
    return path;
}

static char *decision(const char *path)
{
    char *json = NULL;
    assert_int_equal(mn_screen_file(path, &json), MN_OK);
    cJSON *d = cJSON_Parse(json);
    mn_free(json);
    assert_non_null(d);
    char *out = strdup(cJSON_GetObjectItem(d, "decision")->valuestring);
    cJSON_Delete(d);
    return out;
}

static void screening_decides_by_the_rules(void **state)
{
    char *a = decision(patient("healthy", "age_years: 40\nsex: female\nfitzpatrick: 2\n"));
    char *b = decision(patient("pregnant", "age_years: 30\npregnant: true\n"));
    assert_string_equal(a, "proceed");
    assert_string_equal(b, "do_not_treat");
    free(a);
    free(b);
    char *json = (char *)"unchanged";
    assert_int_equal(mn_screen_file(patient("bad", "age_years: many\n"), &json), MN_EINPUT);
    assert_null(json);
    assert_non_null(strstr(mn_last_error(), "bad.yaml:1:"));
}

static void plan_has_the_zones_asked_for(void **state)
{
    char *json = NULL;
    /* Mechanical devices only: the zones are what this test checks, and each zone's RF
     * candidates would cost heat solves (the RF plan is the next test's). */
    mn_plan_options o = {.concern = "acne_scars",
                         .zones = "cheek,forehead",
                         .max_downtime_days = -1,
                         .device = "pen"};
    assert_int_equal(
        mn_plan_file(patient("p", "age_years: 40\nsex: female\nfitzpatrick: 2\n"), &o, &json),
        MN_OK);
    cJSON *p = cJSON_Parse(json);
    mn_free(json);
    assert_string_equal(cJSON_GetObjectItem(p, "concern")->valuestring, "acne_scars");
    const cJSON *zones = cJSON_GetObjectItem(p, "zones");
    assert_int_equal(cJSON_GetArraySize(zones), 2);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(zones, 0), "zone")->valuestring,
                        "cheek");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(zones, 1), "zone")->valuestring,
                        "forehead");
    cJSON_Delete(p);
    mn_plan_options bad = {.concern = "no_such_concern", .zones = "cheek", .max_downtime_days = -1};
    assert_int_equal(mn_plan_file(patient("p", "age_years: 40\n"), &bad, &json), MN_EINPUT);
}

/* The typed getters of the plan's newer fields say what the plan document says: the clinical
 * objective (a calibrated acne-scar grade; laxity's uncalibrated scale) and the RF plan (its
 * simulated candidates). */
/* A getter's double against the document's number: cJSON prints "%1.15g" whenever that reads
 * back within DBL_EPSILON of the value (cJSON 1.7.15 print_number), so about one value in 2,000
 * does not round-trip exactly; equality within 1e-12 relative is what the document promises. */
static int same_number(double v, const cJSON *item)
{
    double d = item ? item->valuedouble : NAN, scale = fabs(v) > 1.0 ? fabs(v) : 1.0;
    return fabs(v - d) <= 1e-12 * scale;
}

static void plan_clinical_and_rf_getters_match_the_document(void **state)
{
    static const struct {
        const char *concern;
        int calibrated;
    } cases[] = {{"acne_scars", 1}, {"laxity", 0}};
    const char *path = patient("q", "age_years: 50\nsex: female\nfitzpatrick: 2\n");
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        mn_plan_options o = {
            .concern = cases[c].concern, .zones = "cheek", .max_downtime_days = -1};
        mn_plan_result *r = NULL;
        char *json = NULL;
        assert_int_equal(mn_plan_patient_file(path, &o, &r), MN_OK);
        assert_int_equal(mn_plan_result_json(r, &json), MN_OK);
        cJSON *doc = cJSON_Parse(json);
        mn_free(json);
        const cJSON *z = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "zones"), 0);
        mn_plan_clinical cl;
        assert_int_equal(mn_plan_result_zone_clinical(r, 0, &cl), MN_OK);
        assert_true(same_number(cl.objective, cJSON_GetObjectItem(z, "objective")));
        const cJSON *pc = cJSON_GetObjectItem(cJSON_GetObjectItem(z, "predicted"), "clinical");
        if (cases[c].calibrated) {
            assert_non_null(pc);
            assert_true(cl.calibrated);
            assert_string_equal(cl.scale, cJSON_GetObjectItem(pc, "scale")->valuestring);
            assert_true(same_number(cl.baseline, cJSON_GetObjectItem(pc, "baseline")));
            const cJSON *ch = cJSON_GetObjectItem(pc, "change");
            assert_true(same_number(cl.change[1], cJSON_GetObjectItem(ch, "day_180")));
            assert_true(same_number(cl.change[2], cJSON_GetObjectItem(ch, "day_365")));
            /* the planner maximised the improvement on that grade at day 180 */
            assert_true(cl.objective == -cl.change[1] || cl.objective == cl.change[1]);
        }
        mn_plan_rf rf;
        assert_int_equal(mn_plan_result_zone_rf(r, 0, &rf), MN_OK);
        const cJSON *jr = cJSON_GetObjectItem(z, "rf");
        if (jr) { /* RF is a usual device for both concerns: its candidates were simulated */
            assert_int_equal(rf.planned, cJSON_IsTrue(cJSON_GetObjectItem(jr, "planned")));
            assert_true(rf.planned);
            assert_int_equal(rf.candidates_simulated,
                             cJSON_GetObjectItem(jr, "candidates_simulated")->valueint);
            assert_true(rf.candidates_simulated > 0);
            assert_true(same_number(rf.depth_mm_min, cJSON_GetObjectItem(jr, "depth_mm_min")));
            assert_true(same_number(rf.depth_mm_max, cJSON_GetObjectItem(jr, "depth_mm_max")));
            assert_int_equal(rf.sessions_max, cJSON_GetObjectItem(jr, "sessions_max")->valueint);
            assert_true(
                same_number(rf.interval_days_min, cJSON_GetObjectItem(jr, "interval_days_min")));
            assert_string_equal(rf.target, cJSON_GetObjectItem(jr, "target")->valuestring);
            assert_string_equal(rf.text, cJSON_GetObjectItem(jr, "text")->valuestring);
            /* the chosen plan's energy only when the chosen device is RF */
            assert_true(rf.energy_mj == 0.0 ||
                        !strcmp(cJSON_GetObjectItem(z, "device")->valuestring, "rf"));
        } else {
            assert_false(rf.planned);
            assert_string_equal(rf.text, "");
        }
        assert_int_equal(mn_plan_result_zone_rf(r, 5, &rf), MN_EUSAGE);
        assert_int_equal(mn_plan_result_zone_clinical(NULL, 0, &cl), MN_EUSAGE);
        cJSON_Delete(doc);
        mn_plan_result_free(r);
    }
}

static int setup(void **state)
{
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(screening_decides_by_the_rules),
        cmocka_unit_test(plan_has_the_zones_asked_for),
        cmocka_unit_test(plan_clinical_and_rf_getters_match_the_document),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
