/* Screening: every rule of data/rules.csv fires for the patient it describes and only inside
 * its window; each decision class; the decision is the most severe finding; typos of known
 * names in a patient file are rejected with the suggestion (a typo never passes as healthy). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "clinic/screen.h"
#include "core/error.h"
#include "core/table.h"
#include "model/patient.h"

static const mn_finding *find(const mn_screening *s, const char *id)
{
    for (size_t i = 0; i < s->n_findings; i++)
        if (strcmp(s->findings[i].id, id) == 0)
            return &s->findings[i];
    return NULL;
}

static mn_screening *screen(const mn_patient *p)
{
    mn_screening *s = NULL;
    assert_int_equal(mn_clinic_screen(p, &s), MN_OK);
    return s;
}

static void rule_table_passes_its_checks(void **state)
{
    /* Every row: known kind, names in the vocabulary, a source, status not U alone,
     * severity consistent with decision (absolute -> do_not_treat). */
    if (mn_clinic_rules_check() != MN_OK)
        fail_msg("%s", mn_last_error());
}

/* The checks themselves fail on a bad row (so the check above can fail). */
static void rule_checks_reject_bad_rows(void **state)
{
    const char *hdr = "id,applies_to,name,window_days,threshold,severity,decision,reason,advice,"
                      "source,status\n";
    const char *bad[] = {
        "a,condition,active_acne,,,relative,defer,r,a,s,U\n",          /* U lead */
        "a,condition,active_acne,,,absolute,defer,r,a,s,V\n",          /* absolute->defer */
        "a,condition,acne,,,relative,defer,r,a,s,V\n",                 /* unknown name */
        "a,procedure,filler,,,relative,defer,r,a,s,V\n",               /* no window */
        "a,condition,active_acne,,,relative,defer,r,a,,V\n",           /* no source */
        "a,age,under_22,,,precaution,proceed_with_caution,r,a,s,V\n",  /* no threshold */
        "a,horoscope,leo,,,precaution,proceed_with_caution,r,a,s,V\n", /* unknown kind */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char csv[512];
        snprintf(csv, sizeof csv, "%s%s", hdr, bad[i]);
        assert_int_not_equal(mn_clinic_rules_check_text(csv, strlen(csv)), MN_OK);
    }
    char ok[512];
    snprintf(ok, sizeof ok, "%sa,condition,active_acne,,,relative,defer,r,a,s,V\n", hdr);
    assert_int_equal(mn_clinic_rules_check_text(ok, strlen(ok)), MN_OK);
}

/* Builds, from a rule row, the patient it describes (inside = 1) or the nearest patient just
 * outside it (inside = 0): the window or threshold edge, or the item absent. */
static void patient_for_rule(const mn_table *t, size_t r, int inside, mn_patient *p)
{
    const char *applies = mn_table_cell(t, r, mn_table_col(t, "applies_to"));
    const char *name = mn_table_cell(t, r, mn_table_col(t, "name"));
    double w = -1, th = -1;
    assert_int_equal(mn_table_double_or(t, r, "window_days", -1, &w), MN_OK);
    assert_int_equal(mn_table_double_or(t, r, "threshold", -1, &th), MN_OK);
    mn_patient_defaults(p);
    if (strcmp(applies, "condition") == 0 && inside)
        strcpy(p->conditions[p->n_conditions++], name);
    else if (strcmp(applies, "allergy") == 0 && inside)
        strcpy(p->allergies[p->n_allergies++], name);
    else if (strcmp(applies, "medication") == 0) {
        mn_medication *m = &p->medications[p->n_medications++];
        strcpy(m->name, name);
        if (w < 0) /* rule for a drug taken now; outside: stopped years ago */
            m->stopped_days_ago = inside ? -1.0 : 3650.0;
        else /* stopped within the window; outside: stopped exactly window_days ago */
            m->stopped_days_ago = inside ? w - 1.0 : w;
    } else if (strcmp(applies, "procedure") == 0) {
        mn_procedure *q = &p->procedures[p->n_procedures++];
        strcpy(q->name, name);
        q->days_ago = inside ? w - 1.0 : w;
    } else if (strcmp(applies, "pregnancy") == 0 && inside) {
        p->pregnant = strcmp(name, "pregnant") == 0;
        p->breastfeeding = !p->pregnant;
    } else if (strcmp(applies, "age") == 0) {
        p->age_years = inside ? th - 1.0 : th;
    } else if (strcmp(applies, "fitzpatrick") == 0) {
        p->fitzpatrick = inside ? (int)th : (int)th - 1;
    }
}

static void every_rule_fires_inside_and_not_outside(void **state)
{
    mn_table *t = NULL;
    assert_int_equal(mn_table_load_embedded("rules.csv", &t), MN_OK);
    assert_true(mn_table_rows(t) >= 40);
    for (size_t r = 0; r < mn_table_rows(t); r++) {
        const char *id = mn_table_cell(t, r, mn_table_col(t, "id"));
        const char *dec = mn_table_cell(t, r, mn_table_col(t, "decision"));
        mn_patient p;
        patient_for_rule(t, r, 1, &p);
        mn_screening *s = screen(&p);
        const mn_finding *f = find(s, id);
        if (!f)
            fail_msg("rule %s did not fire for the patient it describes", id);
        assert_string_equal(mn_clinic_decision_name(f->decision), dec);
        assert_true(s->decision >= f->decision);
        assert_true(strlen(f->source) > 5);
        mn_screening_free(s);
        patient_for_rule(t, r, 0, &p);
        s = screen(&p);
        if (find(s, id))
            fail_msg("rule %s fired outside its window/threshold", id);
        mn_screening_free(s);
    }
    mn_table_free(t);
}

/* One patient per decision class, each from a row of clinical.md §1. */
static void each_decision_class(void **state)
{
    mn_patient p;
    mn_patient_defaults(&p); /* 35-year-old woman, Fitzpatrick III, nothing listed */
    mn_screening *s = screen(&p);
    assert_int_equal(s->decision, MN_DECISION_PROCEED);
    assert_int_equal(s->n_findings, 0);
    mn_screening_free(s);

    strcpy(p.conditions[p.n_conditions++], "herpes_history"); /* precaution: prophylaxis */
    s = screen(&p);
    assert_int_equal(s->decision, MN_DECISION_PROCEED_WITH_CAUTION);
    mn_screening_free(s);

    strcpy(p.conditions[p.n_conditions++], "active_acne"); /* relative/defer (JDD 2024) */
    s = screen(&p);
    assert_int_equal(s->decision, MN_DECISION_DEFER);
    assert_int_equal(s->n_findings, 2);
    assert_string_equal(s->findings[0].id, "active_acne"); /* most severe first */
    mn_screening_free(s);

    p.pregnant = true; /* absolute (SkinPen labeling): the most severe wins */
    s = screen(&p);
    assert_int_equal(s->decision, MN_DECISION_DO_NOT_TREAT);
    assert_int_equal(s->n_findings, 3);
    assert_string_equal(s->findings[0].severity, "absolute");
    mn_screening_free(s);
}

/* Isotretinoin: taking it is absolute (SkinPen labeling); stopped < 6 months defers (InMode
 * IFU, 180 days); stopped 200 days ago no longer matters. */
static void isotretinoin_timeline(void **state)
{
    const double stopped[] = {-1.0, 30.0, 179.0, 200.0};
    const mn_clinic_decision want[] = {MN_DECISION_DO_NOT_TREAT, MN_DECISION_DEFER,
                                       MN_DECISION_DEFER, MN_DECISION_PROCEED};
    for (int i = 0; i < 4; i++) {
        mn_patient p;
        mn_patient_defaults(&p);
        strcpy(p.medications[0].name, "isotretinoin");
        p.medications[0].stopped_days_ago = stopped[i];
        p.n_medications = 1;
        mn_screening *s = screen(&p);
        assert_int_equal(s->decision, want[i]);
        mn_screening_free(s);
    }
}

/* The patient of issue 5: nickel allergy makes it do_not_treat whatever else is listed, and
 * filler 10 days ago (< 14) and isotretinoin 30 days ago (< 180) are both reported. */
static void issue_example_patient(void **state)
{
    char path[] = "/tmp/mnsim_screen_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *y = "age_years: 24\nsex: male\nfitzpatrick: 3\npregnant: false\n"
                    "breastfeeding: false\nconditions: [keloid_history, herpes_history]\n"
                    "medications: [warfarin, {name: isotretinoin, stopped_days_ago: 30}]\n"
                    "allergies: [nickel]\nrecent_procedures: [{name: filler, days_ago: 10}]\n";
    assert_int_equal(write(fd, y, strlen(y)), (ssize_t)strlen(y));
    close(fd);
    mn_patient p;
    assert_int_equal(mn_patient_load(path, &p), MN_OK);
    unlink(path);
    mn_screening *s = screen(&p);
    assert_int_equal(s->decision, MN_DECISION_DO_NOT_TREAT);
    const char *ids[] = {"nickel_allergy", "isotretinoin_recent",
                         "keloid_history", "herpes_history",
                         "warfarin",       "filler_recent"};
    for (int i = 0; i < 6; i++)
        if (!find(s, ids[i]))
            fail_msg("missing finding %s", ids[i]);
    assert_null(find(s, "isotretinoin_current"));
    assert_int_equal(s->n_findings, 6);

    cJSON *j = NULL;
    assert_int_equal(mn_clinic_screening_json(s, &j), MN_OK);
    assert_string_equal(cJSON_GetObjectItem(j, "decision")->valuestring, "do_not_treat");
    cJSON *arr = cJSON_GetObjectItem(j, "findings");
    assert_int_equal(cJSON_GetArraySize(arr), 6);
    cJSON *f0 = cJSON_GetArrayItem(arr, 0);
    const char *keys[] = {"id", "severity", "reason", "advice", "source"};
    for (int i = 0; i < 5; i++)
        assert_true(cJSON_IsString(cJSON_GetObjectItem(f0, keys[i])));
    cJSON_Delete(j);
    mn_screening_free(s);
}

/* A typo of a known term in any list is an input error with the suggestion, never a healthy
 * patient (unknown names that are not typos: tests/clinic/test_vocab.c). */
static void unknown_names_are_rejected(void **state)
{
    const char *files[] = {
        "conditions: [acen]\n",
        "medications: [warfarine]\n",
        "medications: [{name: acutane, stopped_days_ago: 10}]\n",
        "allergies: [nickle]\n",
        "recent_procedures: [{name: botoxx, days_ago: 3}]\n",
    };
    const char *known[] = {"active_acne", "warfarin", "isotretinoin", "nickel", "botulinum_toxin"};
    for (int i = 0; i < 5; i++) {
        char path[] = "/tmp/mnsim_screen_XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, files[i], strlen(files[i])), (ssize_t)strlen(files[i]));
        close(fd);
        mn_patient p;
        mn_status st = mn_patient_load(path, &p);
        unlink(path);
        assert_int_equal(st, MN_EINPUT);
        if (!strstr(mn_last_error(), known[i]))
            fail_msg("message does not list '%s': %s", known[i], mn_last_error());
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rule_table_passes_its_checks),
        cmocka_unit_test(rule_checks_reject_bad_rows),
        cmocka_unit_test(every_rule_fires_inside_and_not_outside),
        cmocka_unit_test(each_decision_class),
        cmocka_unit_test(isotretinoin_timeline),
        cmocka_unit_test(issue_example_patient),
        cmocka_unit_test(unknown_names_are_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
