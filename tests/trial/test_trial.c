/* In-silico trials end to end on small cohorts (issue 16, Tests): identical arms give an
 * effect whose CI covers zero; a known better arm (deeper needling: more injury, more
 * collagen) wins with a CI above zero; patient draws depend on (seed, index) only; sessions
 * after the endpoint day do not change it. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "clinic/severity.h"
#include "core/error.h"
#include "trial/trial.h"

static mn_trial_spec *load(const char *yaml)
{
    mn_trial_spec *t = NULL;
    mn_status st = mn_trial_load_text("test.yaml", yaml, strlen(yaml), &t);
    if (st != MN_OK)
        print_error("%s\n", mn_last_error());
    assert_int_equal(st, MN_OK);
    return t;
}

/* Simulates the whole trial and returns trial.json's effect {difference, ci95}. */
static void effect(const mn_trial_spec *t, double *diff, double *lo, double *hi)
{
    mn_trial_table tab;
    int stopped = 0;
    assert_int_equal(mn_trial_table_init(&tab, t->size, t->n_arms), MN_OK);
    assert_int_equal(mn_trial_simulate_range(t, 0, t->size, 2, &tab, NULL, NULL, &stopped), MN_OK);
    assert_int_equal(stopped, 0);
    cJSON *j = NULL;
    assert_int_equal(mn_trial_json(t, &tab, &j), MN_OK);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "effect");
    const cJSON *ci = cJSON_GetObjectItemCaseSensitive(e, "ci95");
    *diff = cJSON_GetObjectItemCaseSensitive(e, "difference")->valuedouble;
    *lo = cJSON_GetArrayItem(ci, 0)->valuedouble;
    *hi = cJSON_GetArrayItem(ci, 1)->valuedouble;
    cJSON_Delete(j);
    mn_trial_table_free(&tab);
}

#define ARM(name, depth)                                                                           \
    "  - {name: " name ", device: {type: pen, depth_mm: " depth ", passes: 2},\n"                  \
    "     protocol: {sessions: 1}, patch: {width_mm: 3, length_mm: 3}}\n"

/* Parallel design: different patients in the two arms, so the identical arms' difference is
 * sampling noise only and its 95 % CI must cover 0. */
static void identical_arms_cover_zero(void **state)
{
    (void)state;
    mn_trial_spec *t =
        load("seed: 3\ndesign: parallel\n"
             "cohort: {size: 24, age_years: [25, 60], zone: cheek}\n"
             "arms:\n" ARM("a", "1.0")
                 ARM("b", "1.0") "endpoint: {measure: collagen_change_percent, day: 30}\n");
    double d, lo, hi;
    effect(t, &d, &lo, &hi);
    assert_true(lo < 0.0 && hi > 0.0);
    assert_true(hi > lo); /* a real interval, not a degenerate one */
    mn_trial_spec_free(t);
    /* Paired design: the same patients with the same streams give exactly no difference. */
    t = load("seed: 3\ncohort: {size: 6, zone: cheek}\narms:\n" ARM("a", "1.0")
                 ARM("b", "1.0") "endpoint: {measure: collagen_change_percent, day: 30}\n");
    effect(t, &d, &lo, &hi);
    assert_true(d == 0.0 && lo <= 0.0 && hi >= 0.0);
    mn_trial_spec_free(t);
}

/* Deeper needling wounds more dermis and gives more new collagen: over 24 patients the CI of
 * the paired difference lies above zero. */
static void better_arm_wins(void **state)
{
    (void)state;
    mn_trial_spec *t =
        load("seed: 5\ncohort: {size: 24, zone: cheek}\narms:\n" ARM("shallow", "0.25")
                 ARM("deep", "1.5") "endpoint: {measure: collagen_change_percent, "
                                    "day: 30}\n");
    double d, lo, hi;
    effect(t, &d, &lo, &hi);
    assert_true(d > 0.0);
    assert_true(lo > 0.0);
    mn_trial_spec_free(t);
}

/* Patient i is the same whatever else is drawn; the seed changes it; parallel allocation is
 * balanced in every block of n_arms patients. */
static void patients_keyed_on_index(void **state)
{
    (void)state;
    mn_trial_spec *t =
        load("seed: 9\ndesign: parallel\ncohort: {size: 30, zone: [cheek, "
             "forehead], fitzpatrick: [1, 6], age_years: [20, 70]}\narms:\n" ARM("a", "1.0")
                 ARM("b", "1.0")
                     ARM("c", "1.0") "endpoint: {measure: elastin_change_percent, day: 30}\n");
    mn_trial_patient p, q;
    mn_trial_patient_draw(t, 17, &p);
    for (uint32_t i = 0; i < 30; i++)
        mn_trial_patient_draw(t, i, &q);
    mn_trial_patient_draw(t, 17, &q);
    assert_memory_equal(&p, &q, sizeof p);
    for (uint32_t b = 0; b < 10; b++) {
        int seen[3] = {0};
        for (uint32_t k = 0; k < 3; k++) {
            mn_trial_patient_draw(t, 3 * b + k, &q);
            assert_true(q.arm >= 0 && q.arm < 3);
            seen[q.arm]++;
        }
        assert_true(seen[0] == 1 && seen[1] == 1 && seen[2] == 1);
    }
    t->seed = 10;
    mn_trial_patient_draw(t, 17, &q);
    assert_true(q.needling_seed != p.needling_seed);
    mn_trial_spec_free(t);
}

/* Only what the endpoint needs is simulated: sessions after the endpoint day are cut, and
 * the endpoint at day 20 of one session equals that of three sessions 28 days apart (the
 * same patient, device and streams up to day 20), for every tissue measure. */
static void sessions_after_endpoint_do_not_count(void **state)
{
    (void)state;
    const char *measures[3] = {"collagen_change_percent", "elastin_change_percent",
                               "epidermal_thickness_change_percent"};
    for (int k = 0; k < 3; k++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "seed: 2\ncohort: {size: 2, zone: cheek}\narms:\n"
                 "  - {name: one, device: {type: pen, depth_mm: 1.0}, protocol: {sessions: 1}}\n"
                 "  - {name: three, device: {type: pen, depth_mm: 1.0}, protocol: {sessions: 3}}\n"
                 "endpoint: {measure: %s, day: 20}\n",
                 measures[k]);
        mn_trial_spec *t = load(yaml);
        mn_trial_patient p;
        double y1, y3;
        mn_trial_patient_draw(t, 1, &p);
        assert_int_equal(mn_trial_simulate_one(t, &p, 0, NULL, &y1), MN_OK);
        assert_int_equal(mn_trial_simulate_one(t, &p, 1, NULL, &y3), MN_OK);
        assert_true(isfinite(y1) && y1 != 0.0);
        assert_true(y1 == y3);
        mn_trial_spec_free(t);
    }
}

/* The clinical endpoint is the healing stage's grade change for the patient's own course:
 * on Goodman & Baron's acne-scar scale it improves (negative change), never beyond the room
 * from the patient's grade to the best grade 1, and deeper needling improves it more. */
static void clinical_endpoint_on_the_scale(void **state)
{
    (void)state;
    mn_trial_spec *t = load("seed: 4\ncohort: {size: 16, zone: cheek, concern: acne_scars, "
                            "severity: [2, 4]}\narms:\n" ARM("shallow", "0.25")
                                ARM("deep", "1.5") "endpoint: {measure: clinical, day: 90}\n");
    assert_true(t->lower_is_better);
    assert_true(t->responder_threshold == -1.0); /* one grade, the scale's step */
    for (uint32_t i = 0; i < 4; i++) {
        mn_trial_patient p;
        double y;
        mn_trial_patient_draw(t, i, &p);
        assert_int_equal(mn_trial_simulate_one(t, &p, 1, NULL, &y), MN_OK);
        assert_true(y < 0.0 && y >= -(p.severity - 1.0));
    }
    double d, lo, hi;
    effect(t, &d, &lo, &hi);
    assert_true(d < 0.0 && hi < 0.0);
    mn_trial_spec_free(t);
}

/* Cohort severity follows the clinic's one rule (data/severity.csv, mn_clinic_severity_for_score,
 * as `mnsim run` and `plan` apply it): the clinical score starts from the severity where the
 * severity scale is the clinical scale (acne scars: Goodman & Baron on both), else from the
 * clinical scale's typical baseline (alopecia: a Hamilton-Norwood stage against a hair count).
 * Would fail if the trial fed the stage to the hair-count score, as it did before. */
static void severity_by_the_clinic_rule(void **state)
{
    (void)state;
    const char *concerns[2] = {"acne_scars", "alopecia"};
    const char *ranges[2] = {"[1, 4]", "[1, 7]"};
    for (int k = 0; k < 2; k++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "cohort: {size: 4, zone: %s, concern: %s, severity: %s}\narms:\n" ARM("a", "0.5")
                     ARM("b", "1.0") "endpoint: {measure: collagen_change_percent, day: 90}\n",
                 k ? "scalp" : "cheek", concerns[k], ranges[k]);
        mn_trial_spec *t = load(yaml);
        double score = -1;
        assert_int_equal(mn_clinic_severity_for_score(concerns[k], 2.0, &score), MN_OK);
        assert_true(t->severity_given);
        assert_int_equal(t->severity_scores, score >= 0);
        assert_int_equal(t->severity_scores, k == 0);
        mn_trial_spec_free(t);
    }
}

/* One CVODE object per thread, reused across that thread's patients (issue 16, deliverable 4):
 * the table is the same bits with 1 and 2 threads, and every entry equals the patient simulated
 * alone on a new solver (the path without reuse). Would fail if a patient's course depended on
 * the patients its thread ran before. */
static void solver_reuse_changes_nothing(void **state)
{
    (void)state;
    mn_trial_spec *t =
        load("seed: 5\ncohort: {size: 6, zone: [cheek, forehead], fitzpatrick: [1, "
             "6]}\narms:\n" ARM("a", "0.5")
                 ARM("b", "1.5") "endpoint: {measure: collagen_change_percent, day: 60}\n");
    mn_trial_table one, two;
    int stopped = 0;
    assert_int_equal(mn_trial_table_init(&one, t->size, t->n_arms), MN_OK);
    assert_int_equal(mn_trial_table_init(&two, t->size, t->n_arms), MN_OK);
    assert_int_equal(mn_trial_simulate_range(t, 0, t->size, 1, &one, NULL, NULL, &stopped), MN_OK);
    assert_int_equal(mn_trial_simulate_range(t, 0, t->size, 2, &two, NULL, NULL, &stopped), MN_OK);
    size_t n = (size_t)t->size * (size_t)t->n_arms;
    assert_memory_equal(one.endpoint, two.endpoint, n * sizeof(double));
    for (uint32_t i = 0; i < (uint32_t)t->size; i++) {
        mn_trial_patient p;
        mn_trial_patient_draw(t, i, &p);
        for (int a = 0; a < t->n_arms; a++) {
            double y = NAN;
            assert_int_equal(mn_trial_simulate_one(t, &p, a, NULL, &y), MN_OK);
            assert_true(isfinite(y));
            assert_memory_equal(&y, &one.endpoint[(size_t)i * (size_t)t->n_arms + (size_t)a],
                                sizeof y);
        }
    }
    mn_trial_table_free(&one);
    mn_trial_table_free(&two);
    mn_trial_spec_free(t);
}

/* A product's dermal dose is the patient's own (delivered through this patient's channels into
 * this patient's skin), as in a run: the same patient aged 20 and 70 (same draws otherwise) gets
 * different doses — the dose shared by every patient of a zone gave both the same — and the
 * same patient twice gets the same bits. */
static void product_dose_is_the_patients_own(void **state)
{
    (void)state;
    double dose[2][2];
    for (int k = 0; k < 2; k++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "seed: 3\ncohort: {size: 2, age_years: %d, zone: cheek}\narms:\n" ARM(
                     "plain", "1.0") "  - {name: prp, device: {type: pen, depth_mm: 1.0}, "
                                     "protocol: {sessions: 1},"
                                     " patch: {width_mm: 3, length_mm: 3}, product: {name: prp}}\n"
                                     "endpoint: {measure: collagen_change_percent, day: 30}\n",
                 k ? 70 : 20);
        mn_trial_spec *t = load(yaml);
        mn_trial_patient p;
        mn_trial_patient_draw(t, 0, &p);
        mn_model *m = malloc(sizeof *m);
        assert_non_null(m);
        for (int rep = 0; rep < 2; rep++) {
            mn_column col;
            mn_course c;
            assert_int_equal(mn_trial_patient_course(t, &p, 1, m, &col, &c), MN_OK);
            assert_int_equal(c.n_sessions, 1);
            assert_string_equal(c.injuries[0].product, "prp");
            dose[k][rep] = c.injuries[0].product_dermis_ug_per_cm2;
            mn_course_free(&c);
        }
        free(m);
        mn_trial_spec_free(t);
        assert_true(dose[k][0] > 0);
        assert_memory_equal(&dose[k][0], &dose[k][1], sizeof(double));
    }
    assert_true(dose[0][0] != dose[1][0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identical_arms_cover_zero),
        cmocka_unit_test(better_arm_wins),
        cmocka_unit_test(patients_keyed_on_index),
        cmocka_unit_test(sessions_after_endpoint_do_not_count),
        cmocka_unit_test(clinical_endpoint_on_the_scale),
        cmocka_unit_test(severity_by_the_clinic_rule),
        cmocka_unit_test(solver_reuse_changes_nothing),
        cmocka_unit_test(product_dose_is_the_patients_own),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
