/* Healing inputs and outputs: injury from punctures, the session schedule, virtual-patient
 * sampling (reproducible from the seed, independent of the thread count), summary.json and
 * timeline.csv. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/error.h"
#include "healing_fixture.h"
#include "io/summary_healing.h"

/* Four punctures on a 1 mm² patch: two reach 600 µm (one bleeds), one 300 µm, one not pierced.
 * A cell centred at depth z counts every channel passing it: 3 channels per mm² = 3e-6 /µm²
 * just below the DEJ, 2e-6 /µm² between 300 and 600 µm, none below 600 µm. */
static void injury_from_hand_built_punctures(void **state)
{
    mn_column col = fixture_cheek();
    double depth[4] = {600, 600, 300, 0};
    unsigned char layer[4] = {MN_LAYER_DERMIS, MN_LAYER_DERMIS, MN_LAYER_DERMIS, MN_LAYER_NONE};
    unsigned char bleeds[4] = {1, 0, 0, 0};
    mn_punctures p = {0};
    p.n = 4;
    p.tissue_depth_um = depth;
    p.layer = layer;
    p.bleeds = bleeds;
    p.needle_radius_um = 100;
    mn_healing_injury inj;
    assert_int_equal(mn_healing_injury_from_punctures(&p, &col, 1e6, &inj), MN_OK);
    double dz = (col.dermis_bottom_um - col.dej_depth_um) / MN_HEALING_NZ;
    for (int k = 0; k < MN_HEALING_NZ; k++) {
        double top = col.dej_depth_um + k * dz, bottom = top + dz;
        double expect = bottom <= 300 ? 3e-6 : (top >= 300 && bottom <= 600 ? 2e-6 : -1);
        if (top >= 600)
            expect = 0;
        if (expect >= 0)
            assert_float_equal(inj.density_per_um2[k], expect, 1e-12);
        if (bottom <= 600)
            assert_float_equal(inj.bleed_density_per_um2[k], 1e-6, 1e-12);
    }
    /* Conical channels (radius 100 µm at the surface, 0 at their depth): the wounded volume of
     * the top cell, by midpoint quadrature of the cross-sections, overlap-corrected. */
    double vol = 0;
    const int nq = 20000;
    for (int i = 0; i < nq; i++) {
        double z = col.dej_depth_um + (i + 0.5) * dz / nq;
        double d3[3] = {600, 600, 300};
        for (int c = 0; c < 3; c++)
            if (z < d3[c])
                vol += M_PI * 1e4 * (1 - z / d3[c]) * (1 - z / d3[c]) * (dz / nq);
    }
    assert_float_equal(inj.wound_fraction[0], 1 - exp(-vol / dz / 1e6), 1e-7);
    /* The wounded fraction is far below the full-shaft track of the old closure. */
    assert_true(inj.wound_fraction[0] < 1 - exp(-3 * M_PI * 1e4 / 1e6));
    assert_float_equal(inj.punctures_per_cm2, 300.0, 1e-9);
    assert_float_equal(inj.bleeding_fraction, 1.0 / 3.0, 1e-12);
    assert_float_equal(inj.mean_depth_um, 500.0, 1e-9);
}

/* Sessions every interval from day 0, maintenance every maintenance_every_days within the
 * follow-up: 3 sessions 28 d apart, follow-up 365 d, maintenance 180 d → days 0, 28, 56, 236,
 * 416; end 421. */
static void schedule_with_maintenance(void **state)
{
    mn_protocol pr = {0};
    pr.sessions = 3;
    pr.interval_days = 28;
    pr.follow_up_days = 365;
    pr.maintenance_every_days = 180;
    double days[8], end = 0;
    int n = 0;
    assert_int_equal(mn_healing_schedule_days(&pr, days, 8, &n, &end), MN_OK);
    assert_int_equal(n, 5);
    double expect[5] = {0, 28, 56, 236, 416};
    for (int i = 0; i < 5; i++)
        assert_float_equal(days[i], expect[i], 1e-12);
    assert_float_equal(end, 421, 1e-12);
    pr.sessions = 0;
    assert_int_equal(mn_healing_schedule_days(&pr, days, 8, &n, &end), MN_EINPUT);
}

static void sampling_reproducible_from_seed(void **state)
{
    mn_healing_params a, b, c, d;
    assert_int_equal(mn_healing_params_sample(7, 3, &a), MN_OK);
    assert_int_equal(mn_healing_params_sample(7, 3, &b), MN_OK);
    assert_int_equal(mn_healing_params_sample(7, 4, &c), MN_OK);
    assert_int_equal(mn_healing_params_default(&d), MN_OK);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(memcmp(&a, &c, sizeof a) != 0);
    /* Draws stay inside the table ranges, e.g. leukocyte removal 0.45–0.75 /d; fixed rows keep
     * their value. */
    assert_true(a.k_leuk_per_day >= 0.45 && a.k_leuk_per_day <= 0.75);
    assert_true(a.col3_baseline_frac == d.col3_baseline_frac);
}

/* 12 virtual patients on 1 and on 2 threads give bit-identical outcomes and percentiles. */
static void samples_independent_of_threads(void **state)
{
    mn_column col = fixture_cheek();
    mn_patient pat = fixture_patient(40);
    mn_healing_injury inj[2] = {fixture_injury(1.0, FIXTURE_PEN_PER_CM2, 100),
                                fixture_injury(1.0, FIXTURE_PEN_PER_CM2, 100)};
    double days[2] = {0, 28};
    mn_healing_samples *s1 = NULL, *s2 = NULL;
    assert_int_equal(mn_healing_samples_run(11, 12, 1, &pat, &col, days, inj, 2, 120, &s1), MN_OK);
    assert_int_equal(mn_healing_samples_run(11, 12, 2, &pat, &col, days, inj, 2, 120, &s2), MN_OK);
    assert_int_equal(mn_healing_samples_count(s1), 12);
    for (int i = 0; i < 12; i++) {
        assert_memory_equal(mn_healing_samples_outcome(s1, i), mn_healing_samples_outcome(s2, i),
                            sizeof(mn_healing_outcome));
        assert_true(mn_healing_samples_erythema_days(s1, i, 1) ==
                    mn_healing_samples_erythema_days(s2, i, 1));
    }
    /* Patients differ. */
    assert_true(mn_healing_samples_outcome(s1, 0)->collagen_change_percent[1] !=
                mn_healing_samples_outcome(s1, 1)->collagen_change_percent[1]);

    cJSON *root1 = cJSON_CreateObject(), *root2 = cJSON_CreateObject();
    cJSON *ses1 = cJSON_AddArrayToObject(root1, "sessions");
    cJSON *ses2 = cJSON_AddArrayToObject(root2, "sessions");
    for (int k = 0; k < 2; k++) {
        cJSON_AddItemToArray(ses1, cJSON_CreateObject());
        cJSON_AddItemToArray(ses2, cJSON_CreateObject());
    }
    assert_int_equal(mn_summary_add_outcome_samples(root1, ses1, s1), MN_OK);
    assert_int_equal(mn_summary_add_outcome_samples(root2, ses2, s2), MN_OK);
    char *t1 = cJSON_PrintUnformatted(root1), *t2 = cJSON_PrintUnformatted(root2);
    assert_string_equal(t1, t2);
    cJSON *c90 = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(root1, "outcome"), "collagen_change_percent"),
        "day_90");
    double med = cJSON_GetObjectItem(c90, "median")->valuedouble;
    double p5 = cJSON_GetObjectItem(c90, "p5")->valuedouble;
    double p95 = cJSON_GetObjectItem(c90, "p95")->valuedouble;
    assert_true(p5 < med && med < p95);
    /* day_180 lies beyond this 120-day run: null, never NaN. */
    cJSON *c180 = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(root1, "outcome"), "collagen_change_percent"),
        "day_180");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(c180, "median")));
    assert_non_null(cJSON_GetObjectItem(cJSON_GetArrayItem(ses1, 1), "erythema_days"));
    free(t1);
    free(t2);
    cJSON_Delete(root1);
    cJSON_Delete(root2);
    mn_healing_samples_free(s1);
    mn_healing_samples_free(s2);
}

/* summary.json: erythema_days in each session object, outcome with the four days and downtime
 * equal to the sum of erythema days; timeline.csv with its header and one line per row. */
static void summary_and_timeline(void **state)
{
    mn_healing_params p;
    assert_int_equal(mn_healing_params_default(&p), MN_OK);
    mn_column col = fixture_cheek();
    mn_patient pat = fixture_patient(40);
    mn_healing_injury inj[3];
    double days[3] = {0, 28, 56};
    for (int s = 0; s < 3; s++)
        inj[s] = fixture_injury(1.5, FIXTURE_PEN_PER_CM2, 100);
    inj[2] = fixture_injury(0.5, FIXTURE_PEN_PER_CM2, 100); /* an override: shallower */
    mn_healing_result *r = NULL;
    assert_int_equal(mn_healing_course_run(&p, &pat, &col, days, inj, 3, 56 + 365, &r), MN_OK);
    assert_true(mn_healing_result_erythema_days(r, 2) < mn_healing_result_erythema_days(r, 0));

    cJSON *root = cJSON_CreateObject();
    cJSON *ses = cJSON_AddArrayToObject(root, "sessions");
    for (int k = 0; k < 3; k++)
        cJSON_AddItemToArray(ses, cJSON_CreateObject());
    assert_int_equal(mn_summary_add_outcome(root, ses, r), MN_OK);
    double sum = 0;
    for (int k = 0; k < 3; k++) {
        cJSON *e = cJSON_GetObjectItem(cJSON_GetArrayItem(ses, k), "erythema_days");
        assert_true(cJSON_IsNumber(e));
        sum += e->valuedouble;
    }
    cJSON *out = cJSON_GetObjectItem(root, "outcome");
    assert_float_equal(cJSON_GetObjectItem(out, "downtime_days_total")->valuedouble, sum, 1e-12);
    const char *names[3] = {"collagen_change_percent", "elastin_change_percent",
                            "epidermal_thickness_change_percent"};
    const char *keys[4] = {"day_30", "day_90", "day_180", "day_365"};
    for (int q = 0; q < 3; q++)
        for (int d = 0; d < 4; d++)
            assert_true(
                cJSON_IsNumber(cJSON_GetObjectItem(cJSON_GetObjectItem(out, names[q]), keys[d])));
    cJSON_Delete(root);

    const char *path = "healing_timeline_test.csv";
    assert_int_equal(mn_io_write_timeline_csv(path, r), MN_OK);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "day,collagen_I,collagen_III,elastin,fibroblasts,mediator,"
                              "erythema_index,epidermis_um,papillary_collagen\n");
    size_t n = 0;
    while (fgets(line, sizeof line, f))
        n++;
    fclose(f);
    remove(path);
    assert_int_equal(n, mn_healing_result_timeline_rows(r));
    /* Hourly rows during the first days: the second row is one hour in. */
    assert_float_equal(mn_healing_result_timeline(r)[MN_TL_NCOL + MN_TL_DAY], 1.0 / 24, 1e-12);
    mn_healing_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(injury_from_hand_built_punctures),
        cmocka_unit_test(schedule_with_maintenance),
        cmocka_unit_test(sampling_reproducible_from_seed),
        cmocka_unit_test(samples_independent_of_threads),
        cmocka_unit_test(summary_and_timeline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
