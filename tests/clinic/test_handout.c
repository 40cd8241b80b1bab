/* Handout for the patient: says it supports and does not replace the practitioner's judgement;
 * holds the seed-stated aftercare (sun protection, gentle cleanser and moisturiser, make-up
 * from the next day, no vigorous exercise for 24 hours, an ice pack for comfort) and the red
 * flags (bleeding beyond 24 hours, blistering, swelling beyond a week, and those of
 * literature/clinical.md §4); timings come from the plan's prediction; the appointment and its
 * pain are stated; the patient's part carries no citation codes or rule ids (those are in the
 * practitioner's section); any number reads grammatically (1 session, never "1 sessions" or
 * "every 0 days"); a patient who must not be treated or must wait gets a referral note, never
 * an aftercare sheet; an existing handout is never overwritten without force. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "clinic/handout.h"
#include "core/error.h"
#include "model/patient.h"
#include "plan_double.h"

static mn_patient pat;

static mn_plan *make_plan(const char *concern, const char *const *zones, size_t n)
{
    mn_plan_request req = {.patient = &pat,
                           .concern = concern,
                           .zones = zones,
                           .n_zones = n,
                           .max_downtime_days = -1,
                           .predict = plan_double};
    mn_plan *plan = NULL;
    if (mn_clinic_plan(&req, &plan) != MN_OK)
        fail_msg("%s", mn_last_error());
    return plan;
}

/* The patient's part: everything before the practitioner's section. */
static char *patient_part(const char *text)
{
    char *copy = strdup(text);
    char *cut = strstr(copy, "For the practitioner");
    assert_non_null(cut);
    *cut = '\0';
    return copy;
}

static void no_codes(const char *part)
{
    const char *codes[] = {"dg:", "clin ",  "§", "(V)",        "V2",         "doi",    "DEN16",
                           "CFR", "Harris", "_", "[absolute]", "[relative]", "source", "Source"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (strstr(part, codes[i]))
            fail_msg("the patient's part shows '%s'", codes[i]);
}

static void handout_content(void **state)
{
    mn_patient_defaults(&pat);
    const char *zones[] = {"cheek", "eyelid"};
    mn_plan *plan = make_plan("acne_scars", zones, 2);
    char *md = NULL, *html = NULL;
    assert_int_equal(mn_clinic_handout_build(plan, &md, &html), MN_OK);
    const char *must[] = {"supports and does not replace your practitioner's judgement",
                          "sunscreen",
                          "gentle cleanser",
                          "moisturiser",
                          "make-up again from the next day",
                          "Avoid vigorous exercise, sauna and swimming for 24 hours",
                          "ice pack",
                          "No vitamin C serums",
                          "retinoids",
                          "Bleeding that continues beyond 24 hours",
                          "Blisters",
                          "Swelling that lasts beyond a week",
                          "Pus, spreading warmth",
                          "Firm red bumps",
                          "next session in 30 days",
                          "Eyelid: not treated",
                          "minutes for a numbing cream",
                          "out of 10",
                          "For the practitioner"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
        if (!strstr(md, must[i]))
            fail_msg("markdown lacks '%s'", must[i]);
        if (!strstr(html, must[i]) && !strchr(must[i], '\''))
            fail_msg("html lacks '%s'", must[i]);
    }
    /* Redness timing from the prediction, rounded to whole days for the patient. */
    char want[64];
    long days = lround(plan->zones[0].predicted.erythema_days);
    snprintf(want, sizeof want, "for about %ld %s", days, days == 1 ? "day" : "days");
    assert_non_null(strstr(md, want));
    assert_non_null(strstr(html, "<!DOCTYPE html>"));
    char *part = patient_part(md);
    no_codes(part);
    free(part);
    /* The practitioner's section keeps the sources. */
    assert_non_null(strstr(strstr(md, "For the practitioner"), "Harris"));
    free(md);
    free(html);
    mn_plan_free(plan);
}

/* One session (drug_delivery: 1 session in the guidance) reads "1 session", with no interval. */
static void one_session_reads_well(void **state)
{
    mn_patient_defaults(&pat);
    const char *zone = "cheek";
    mn_plan *plan = make_plan("drug_delivery", &zone, 1);
    assert_true(plan->zones[0].planned);
    assert_int_equal(plan->zones[0].sessions, 1);
    char *md = NULL, *html = NULL;
    assert_int_equal(mn_clinic_handout_build(plan, &md, &html), MN_OK);
    char *part = patient_part(md);
    assert_non_null(strstr(part, "1 session."));
    assert_null(strstr(part, "1 sessions"));
    assert_null(strstr(part, "every 0 days"));
    assert_null(strstr(part, "about 1 days"));
    assert_non_null(strstr(part, "single session"));
    no_codes(part);
    free(part);
    free(md);
    free(html);
    mn_plan_free(plan);
}

/* Pregnant (do not treat) and active acne (defer): a note, not an aftercare sheet. */
static void no_aftercare_for_untreated_patients(void **state)
{
    const char *zone = "cheek";
    for (int k = 0; k < 2; k++) {
        mn_patient_defaults(&pat);
        if (k == 0)
            pat.pregnant = true;
        else {
            strcpy(pat.conditions[0], "active_acne");
            pat.n_conditions = 1;
        }
        mn_plan *plan = make_plan("acne_scars", &zone, 1);
        char *md = NULL, *html = NULL;
        assert_int_equal(mn_clinic_handout_build(plan, &md, &html), MN_OK);
        assert_null(strstr(md, "Aftercare after microneedling"));
        assert_null(strstr(md, "ice pack"));
        assert_non_null(strstr(md, k == 0 ? "not advised for you" : "postponed"));
        assert_non_null(strstr(md, "You have not been treated"));
        char *part = patient_part(md);
        no_codes(part);
        free(part);
        free(md);
        free(html);
        mn_plan_free(plan);
    }
}

/* Hyperhidrosis of the axilla: no mechanical needling, an RF plan simulated like the others
 * (issue 19). The patient gets the aftercare sheet and learns that RF heats the skin and that
 * the device's own sheet may add to it, with no codes; the practitioner's part gives the energy
 * per needle and says it is the planner's assumption. */
static void rf_plan_gets_aftercare_and_its_note(void **state)
{
    const char *zone = "axilla";
    mn_patient_defaults(&pat);
    mn_plan *plan = make_plan("hyperhidrosis", &zone, 1);
    assert_true(plan->zones[0].planned);
    assert_int_equal(plan->zones[0].device, MN_DEVICE_RF);
    char *md = NULL, *html = NULL;
    assert_int_equal(mn_clinic_handout_build(plan, &md, &html), MN_OK);
    assert_non_null(strstr(md, "Aftercare after microneedling"));
    assert_non_null(strstr(md, "ice pack"));
    char *part = patient_part(md);
    assert_non_null(strstr(part, "radiofrequency (RF) microneedling"));
    no_codes(part);
    free(part);
    const char *pro = strstr(md, "For the practitioner");
    assert_non_null(pro);
    assert_non_null(strstr(pro, "mJ per needle"));
    assert_non_null(strstr(pro, "assumption"));
    assert_non_null(strstr(html, "radiofrequency (RF) microneedling"));
    free(md);
    free(html);
    mn_plan_free(plan);
}

static void handout_written_atomically_and_never_overwritten(void **state)
{
    mn_patient_defaults(&pat);
    const char *zone = "cheek";
    mn_plan *plan = make_plan("acne_scars", &zone, 1);
    char dir[] = "/tmp/mnsim_handout_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[128];
    snprintf(sub, sizeof sub, "%s/out", dir); /* created when missing */
    assert_int_equal(mn_clinic_handout_write(plan, sub, 0), MN_OK);
    char path[256];
    struct stat sb;
    snprintf(path, sizeof path, "%s/handout.md", sub);
    assert_int_equal(stat(path, &sb), 0);
    assert_true(sb.st_size > 500);
    /* A second write without force fails and leaves the file as it was. */
    FILE *f = fopen(path, "w");
    fputs("mine", f);
    fclose(f);
    assert_int_equal(mn_clinic_handout_write(plan, sub, 0), MN_EUSAGE);
    assert_non_null(strstr(mn_last_error(), "--force"));
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 4);
    assert_int_equal(mn_clinic_handout_write(plan, sub, 1), MN_OK);
    assert_int_equal(stat(path, &sb), 0);
    assert_true(sb.st_size > 500);
    unlink(path);
    snprintf(path, sizeof path, "%s/handout.html", sub);
    assert_int_equal(stat(path, &sb), 0);
    unlink(path);
    assert_int_equal(rmdir(sub), 0); /* nothing else (no temporary file) left behind */
    rmdir(dir);
    mn_plan_free(plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handout_content),
        cmocka_unit_test(one_session_reads_well),
        cmocka_unit_test(no_aftercare_for_untreated_patients),
        cmocka_unit_test(rf_plan_gets_aftercare_and_its_note),
        cmocka_unit_test(handout_written_atomically_and_never_overwritten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
