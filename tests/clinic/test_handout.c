/* Aftercare handout: says it supports and does not replace the practitioner's judgement; holds
 * the aftercare of issue 5 (24 h without make-up or strenuous exercise, gentle cleanser and
 * moisturiser, cold packs, sunscreen, what not to apply, next session) and the red flags of
 * literature/clinical.md §4; timings come from the plan's prediction; written atomically. */
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

static mn_plan *make_plan(void)
{
    static mn_patient p;
    mn_patient_defaults(&p);
    const char *zones[] = {"cheek", "eyelid"};
    mn_plan_request req = {&p, "acne_scars", zones, 2, -1, NULL, plan_double, NULL};
    mn_plan *plan = NULL;
    assert_int_equal(mn_clinic_plan(&req, &plan), MN_OK);
    return plan;
}

static void handout_content(void **state)
{
    mn_plan *plan = make_plan();
    char *md = NULL, *html = NULL;
    assert_int_equal(mn_clinic_handout_build(plan, &md, &html), MN_OK);
    const char *must[] = {"supports and does not replace your practitioner's judgement",
                          "No make-up for 24 hours",
                          "No strenuous exercise",
                          "gentle cleanser",
                          "moisturiser",
                          "cold pack",
                          "sunscreen",
                          "No vitamin C serums",
                          "retinoids",
                          "Bleeding that continues beyond 24 hours",
                          "Blisters",
                          "Swelling that lasts beyond a week",
                          "Pus, spreading warmth",
                          "Firm red bumps",
                          "next session in 30 days",
                          "eyelid: not treated"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
        if (!strstr(md, must[i]))
            fail_msg("markdown lacks '%s'", must[i]);
        if (!strstr(html, must[i]) && !strchr(must[i], '\''))
            fail_msg("html lacks '%s'", must[i]);
    }
    assert_non_null(strstr(html, "supports and does not replace your practitioner"));
    /* Redness timing from the prediction: the double gives 0.5 + 2 x depth x sqrt(passes/4). */
    char want[64];
    snprintf(want, sizeof want, "for about %.1f days", plan->zones[0].predicted.erythema_days);
    assert_non_null(strstr(md, want));
    assert_non_null(strstr(html, "<!DOCTYPE html>"));
    free(md);
    free(html);
    mn_plan_free(plan);
}

static void handout_written_atomically(void **state)
{
    mn_plan *plan = make_plan();
    char dir[] = "/tmp/mnsim_handout_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[128];
    snprintf(sub, sizeof sub, "%s/out", dir); /* created when missing */
    assert_int_equal(mn_clinic_handout_write(plan, sub), MN_OK);
    char path[256];
    struct stat sb;
    snprintf(path, sizeof path, "%s/handout.md", sub);
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
        cmocka_unit_test(handout_written_atomically),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
