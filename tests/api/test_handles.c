/* The public handles of screening, planning, permeability and trials (include/mnsim/clinic.h,
 * permeability.h, trial.h), the entry points `mnsim screen/plan/permeability/trial` are built
 * on: typed getters return the same values as the JSON documents and the stage functions
 * underneath; NULL and foreign handles are refused with MN_EUSAGE; bad options are input errors
 * that leave no handle; a trial simulated in two ranges equals one simulated at once. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "delivery/permeability.h"
#include "mnsim/mnsim.h"

static char dir[] = "/tmp/mnsim-api-XXXXXX";

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

static cJSON *parse_and_free(char *json)
{
    cJSON *o = cJSON_Parse(json);
    mn_free(json);
    assert_non_null(o);
    return o;
}

static const char *jstr(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static void screen_getters_match_the_document(void **state)
{
    mn_screen_result *r = NULL;
    const char *p = patient("acne", "age_years: 30\nconditions: [active_acne]\n"
                                    "medications: [isotretinoin]\n");
    assert_int_equal(mn_screen_patient_file(p, &r), MN_OK);
    char *json = NULL;
    assert_int_equal(mn_screen_result_json(r, &json), MN_OK);
    cJSON *doc = parse_and_free(json);
    const char *decision = NULL;
    size_t n = 0;
    assert_int_equal(mn_screen_result_decision(r, &decision), MN_OK);
    assert_string_equal(decision, jstr(doc, "decision"));
    assert_string_not_equal(decision, "proceed"); /* active acne and isotretinoin */
    assert_int_equal(mn_screen_result_finding_count(r, &n), MN_OK);
    const cJSON *findings = cJSON_GetObjectItemCaseSensitive(doc, "findings");
    assert_int_equal(n, cJSON_GetArraySize(findings));
    assert_true(n >= 2);
    for (size_t i = 0; i < n; i++) {
        mn_screen_finding f;
        assert_int_equal(mn_screen_result_finding(r, i, &f), MN_OK);
        const cJSON *jf = cJSON_GetArrayItem(findings, (int)i);
        assert_string_equal(f.id, jstr(jf, "id"));
        assert_string_equal(f.decision, jstr(jf, "decision"));
        assert_string_equal(f.source, jstr(jf, "source"));
    }
    mn_screen_finding f;
    assert_int_equal(mn_screen_result_finding(r, n, &f), MN_EUSAGE);
    cJSON_Delete(doc);
    mn_screen_result_free(r);

    /* A bad file: input error naming it, and no handle. */
    r = (mn_screen_result *)&f;
    assert_int_equal(mn_screen_patient_file(patient("bad", "age_years: many\n"), &r), MN_EINPUT);
    assert_null(r);
    assert_non_null(strstr(mn_last_error(), "bad.yaml:1:"));
    /* NULL and memory that is not a screening result. */
    assert_int_equal(mn_screen_patient_file(NULL, &r), MN_EUSAGE);
    assert_int_equal(mn_screen_patient_file(p, NULL), MN_EUSAGE);
    assert_int_equal(mn_screen_result_decision(NULL, &decision), MN_EUSAGE);
    uint64_t junk[8] = {0};
    assert_int_equal(mn_screen_result_finding_count((const mn_screen_result *)junk, &n), MN_EUSAGE);
    assert_non_null(strstr(mn_last_error(), "not a screening result"));
    mn_screen_result_free(NULL);
    mn_screen_result_free((mn_screen_result *)junk); /* ignored: no magic */
}

static void plan_getters_match_the_document(void **state)
{
    const char *p = patient("ok", "age_years: 40\nsex: female\nfitzpatrick: 2\n");
    mn_plan_options o = {.concern = "acne_scars",
                         .zones = "cheek",
                         .max_downtime_days = -1,
                         .max_sessions = 2,
                         .device = "pen"};
    mn_plan_result *r = NULL;
    mn_plan_zone_info z;
    /* acne scars need 3 sessions at least: a budget of 2 plans nothing, and says why. */
    assert_int_equal(mn_plan_patient_file(p, &o, &r), MN_OK);
    assert_int_equal(mn_plan_result_zone(r, 0, &z), MN_OK);
    assert_false(z.planned);
    assert_non_null(strstr(z.why_not, "2 appointments"));
    mn_plan_result_free(r);
    o.max_sessions = 4;
    assert_int_equal(mn_plan_patient_file(p, &o, &r), MN_OK);
    char *json = NULL;
    assert_int_equal(mn_plan_result_json(r, &json), MN_OK);
    cJSON *doc = parse_and_free(json);
    mn_plan_header h;
    assert_int_equal(mn_plan_result_header(r, &h), MN_OK);
    assert_string_equal(h.concern, "acne_scars");
    assert_int_equal(h.zones, 1);
    const mn_screen_result *scr = NULL;
    const char *decision = NULL;
    assert_int_equal(mn_plan_result_screening(r, &scr), MN_OK);
    assert_int_equal(mn_screen_result_decision(scr, &decision), MN_OK);
    assert_string_equal(decision, jstr(doc, "decision"));
    assert_int_equal(mn_plan_result_zone(r, 0, &z), MN_OK);
    const cJSON *jz = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "zones"), 0);
    assert_string_equal(z.zone, "cheek");
    assert_true(z.planned);
    assert_string_equal(z.device, "pen"); /* the option was honoured */
    assert_true(z.sessions >= 3 && z.sessions <= 4);
    assert_int_equal(z.sessions, (int)cJSON_GetNumberValue(cJSON_GetObjectItem(jz, "sessions")));
    assert_true(z.depth_mm_max ==
                cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(jz, "depth_mm_max")));
    const cJSON *pc = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(jz, "predicted"), "collagen_change_percent");
    assert_true(z.predicted_collagen_change_percent[1] ==
                cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(pc, "day_90")));
    const cJSON *risks = cJSON_GetObjectItemCaseSensitive(jz, "risks");
    assert_int_equal(z.risks, cJSON_GetArraySize(risks));
    for (size_t k = 0; k < z.risks; k++) {
        mn_plan_risk rk;
        assert_int_equal(mn_plan_result_zone_risk(r, 0, k, &rk), MN_OK);
        assert_string_equal(rk.id, jstr(cJSON_GetArrayItem(risks, (int)k), "id"));
        assert_string_equal(rk.level, jstr(cJSON_GetArrayItem(risks, (int)k), "level"));
    }
    mn_plan_risk rk;
    assert_int_equal(mn_plan_result_zone_risk(r, 0, z.risks, &rk), MN_EUSAGE);
    assert_int_equal(mn_plan_result_zone(r, 1, &z), MN_EUSAGE);
    cJSON_Delete(doc);
    mn_plan_result_free(r);

    /* Bad options are input errors naming them; no handle is left. */
    r = (mn_plan_result *)&rk;
    o.device = "laser";
    assert_int_equal(mn_plan_patient_file(p, &o, &r), MN_EINPUT);
    assert_null(r);
    assert_non_null(strstr(mn_last_error(), "device: 'laser'"));
    o.device = NULL;
    o.setting = "moon";
    assert_int_equal(mn_plan_patient_file(p, &o, &r), MN_EINPUT);
    assert_non_null(strstr(mn_last_error(), "setting"));
    assert_int_equal(mn_plan_patient_file(p, NULL, &r), MN_EUSAGE);
    assert_int_equal(mn_plan_result_header(NULL, &h), MN_EUSAGE);

    char buf[2048];
    assert_int_equal(mn_plan_concerns(buf, sizeof buf), MN_OK);
    assert_non_null(strstr(buf, "acne_scars"));
    assert_int_equal(mn_plan_modalities_json("acne_scars", &json), MN_OK);
    doc = parse_and_free(json);
    assert_true(cJSON_IsArray(doc) && cJSON_GetArraySize(doc) > 0);
    cJSON_Delete(doc);
}

static void permeability_is_the_delivery_model(void **state)
{
    /* Caffeine and ibuprofen at pH 7.4: the public call gives the stage's numbers exactly. */
    mn_perm_molecule caf = {194.19, -0.07, MN_PERM_NEUTRAL, NAN, NAN, 21.6};
    mn_perm_result r;
    assert_int_equal(mn_permeability_estimate(&caf, MN_PERM_EPIDERMIS, &r), MN_OK);
    mn_solute s = {194.19, -0.07, 0, 0, NAN, MN_ACIDBASE_NEUTRAL, NAN};
    mn_permeability ref;
    assert_int_equal(mn_permeability_compute(&s, MN_PERM_REF_SC_LAYERS, MN_PERM_REF_VE_UM,
                                             MN_PERM_REF_DERMIS_UM, MN_MEMBRANE_EPIDERMIS, &ref),
                     MN_OK);
    assert_true(r.kp_cm_h == ref.kp_cm_h && r.lag_time_h == ref.lag_time_h);
    assert_true(r.share_lipid == ref.share_lipid && r.f_unionised == 1.0);
    assert_true(r.max_flux_ug_cm2_h == r.kp_cm_h * 21.6 * 1000.0);
    mn_perm_molecule ibu = {206.3, 3.97, MN_PERM_ACID, 4.45, 7.4, NAN};
    assert_int_equal(mn_permeability_estimate(&ibu, MN_PERM_FULL_THICKNESS, &r), MN_OK);
    mn_solute si = {206.3, 3.97, 0, 0, 4.45, MN_ACIDBASE_ACID, 7.4};
    assert_int_equal(mn_permeability_compute(&si, MN_PERM_REF_SC_LAYERS, MN_PERM_REF_VE_UM,
                                             MN_PERM_REF_DERMIS_UM, MN_MEMBRANE_FULL_THICKNESS,
                                             &ref),
                     MN_OK);
    assert_true(r.kp_cm_h == ref.kp_cm_h && r.f_unionised < 0.01);
    assert_true(isnan(r.max_flux_ug_cm2_h));
    /* An acid without pKa and pH, and NULLs. */
    ibu.pka = NAN;
    assert_int_equal(mn_permeability_estimate(&ibu, MN_PERM_EPIDERMIS, &r), MN_EINPUT);
    assert_non_null(strstr(mn_last_error(), "acid_base acid needs pka and ph"));
    assert_int_equal(mn_permeability_estimate(NULL, MN_PERM_EPIDERMIS, &r), MN_EUSAGE);
    assert_int_equal(mn_permeability_estimate(&caf, MN_PERM_EPIDERMIS, NULL), MN_EUSAGE);
    assert_int_equal(mn_permeability_estimate(&caf, (mn_perm_membrane)7, &r), MN_EINPUT);

    /* The calibration on the built-in training set reproduces the constants the model uses. */
    mn_table *t = NULL;
    assert_int_equal(mn_table_load_embedded("kp_human_training.csv", &t), MN_OK);
    size_t n = mn_table_rows(t);
    double *v = malloc(3 * n * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(mn_table_double(t, i, "mw_da", &v[i]), MN_OK);
        assert_int_equal(mn_table_double(t, i, "log_kow", &v[n + i]), MN_OK);
        assert_int_equal(mn_table_double(t, i, "log_kp_cm_h", &v[2 * n + i]), MN_OK);
    }
    mn_perm_calibration c;
    assert_int_equal(mn_permeability_calibrate(v, v + n, v + 2 * n, n, &c), MN_OK);
    free(v);
    assert_int_equal(c.compounds, n);
    assert_true(fabs(c.log10_factor_lipid - MN_PERM_FIT_LOG_A_LIPID) < 1e-4);
    assert_true(fabs(c.log10_factor_viable - MN_PERM_FIT_LOG_A_VIABLE) < 1e-4);
    assert_true(fabs(c.equivalent_viable_um - 100.0 * pow(10.0, c.log10_factor_viable)) < 1e-9);
    assert_int_equal(mn_permeability_calibrate(NULL, NULL, NULL, 3, &c), MN_EUSAGE);
}

static void trial_in_two_ranges_equals_one(void **state)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/trial/small.yaml", getenv("MNSIM_SOURCE_DIR"));
    mn_trial *a = NULL, *b = NULL;
    assert_int_equal(mn_trial_read_file(path, &a), MN_OK);
    assert_int_equal(mn_trial_read_file(path, &b), MN_OK);
    mn_trial_info info;
    assert_int_equal(mn_trial_get_info(a, &info), MN_OK);
    assert_int_equal(info.size, 12);
    assert_int_equal(info.arms, 2);
    assert_string_equal(info.name, "test depths");
    int stopped = 1;
    long pending = 0;
    assert_int_equal(mn_trial_simulate(a, 0, 12, 2, NULL, NULL, &stopped), MN_OK);
    assert_int_equal(stopped, 0);
    assert_int_equal(mn_trial_pending(a, 0, 12, &pending), MN_OK);
    assert_int_equal(pending, 0);
    assert_int_equal(mn_trial_simulate(b, 5, 12, 1, NULL, NULL, &stopped), MN_OK);
    assert_int_equal(mn_trial_pending(b, 0, 12, &pending), MN_OK);
    assert_int_equal(pending, 5);
    assert_int_equal(mn_trial_simulate(b, 0, 5, 1, NULL, NULL, &stopped), MN_OK);
    double *ya = NULL, *yb = NULL;
    size_t na = 0, nb = 0;
    assert_int_equal(mn_trial_endpoints(a, &ya, &na), MN_OK);
    assert_int_equal(mn_trial_endpoints(b, &yb, &nb), MN_OK);
    assert_int_equal(na, 24);
    assert_int_equal(nb, 24);
    assert_memory_equal(ya, yb, na * sizeof *ya);
    for (size_t i = 0; i < na; i++)
        assert_false(isnan(ya[i])); /* paired design: every patient in both arms */
    /* Out-of-range and NULL arguments. */
    assert_int_equal(mn_trial_simulate(a, 0, 13, 1, NULL, NULL, &stopped), MN_EUSAGE);
    assert_int_equal(mn_trial_mark_done(a, -1, 3), MN_EUSAGE);
    assert_int_equal(mn_trial_get_info(NULL, &info), MN_EUSAGE);
    uint64_t junk[8] = {0};
    assert_int_equal(mn_trial_pending((const mn_trial *)junk, 0, 1, &pending), MN_EUSAGE);
    long first = 0, last = 0;
    assert_int_equal(mn_trial_slice_bounds(12, 2, 3, &first, &last), MN_OK);
    assert_int_equal(first, 4);
    assert_int_equal(last, 8);
    assert_int_equal(mn_trial_slice_bounds(12, 4, 3, &first, &last), MN_EUSAGE);
    /* The outputs of the whole table. */
    char out[300];
    snprintf(out, sizeof out, "%s/trial-out", dir);
    assert_int_equal(mn_trial_prepare_dir(a, out, 0), MN_OK);
    assert_int_equal(mn_trial_write(a, out), MN_OK);
    snprintf(path, sizeof path, "%s/trial.json", out);
    assert_int_equal(access(path, R_OK), 0);
    mn_trial_free(a);
    mn_trial_free(b);
    /* A bad file leaves no handle. */
    a = (mn_trial *)junk;
    assert_int_equal(mn_trial_read_file(patient("t", "name: x\nseed: 1\n"), &a), MN_EINPUT);
    assert_null(a);
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
        cmocka_unit_test(screen_getters_match_the_document),
        cmocka_unit_test(plan_getters_match_the_document),
        cmocka_unit_test(permeability_is_the_delivery_model),
        cmocka_unit_test(trial_in_two_ranges_equals_one),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
