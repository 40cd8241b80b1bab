/* A streamed zone gives the same punctures and the same summary as the patch held whole
 * (issue 12, item 5): the same 50 mm patch run both ways (streaming forced by a threshold of
 * 1 cm²), ~800,000 punctures so that several chunks are flushed. Counts, means, coverage,
 * empty cells and bleeding agree exactly; the streamed percentiles (0.5 µm histograms) within
 * half a bin; the sink receives every puncture once, in order; the window holds exactly the
 * punctures of its square, shifted to its origin. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "anatomy/anatomy.h"
#include "core/error.h"
#include "model/scenario.h"
#include "needling/needling.h"

typedef struct tally {
    size_t n, next_index;
    double depth_sum;
    int in_order;
} tally;

static mn_status count(void *ctx, const mn_punctures *chunk)
{
    tally *t = ctx;
    if (chunk->first_index != t->next_index)
        t->in_order = 0;
    t->next_index = chunk->first_index + chunk->n;
    t->n += chunk->n;
    for (size_t i = 0; i < chunk->n; i++)
        t->depth_sum += chunk->tissue_depth_um[i];
    return MN_OK;
}

static void streamed_zone_equals_whole_patch(void **state)
{
    (void)state;
    static const char yaml[] = "site: {zone: cheek}\npatch: {width_mm: 50, length_mm: 50}\n"
                               "device: {type: pen, depth_mm: 1.0, glide_speed_mm_s: 5, "
                               "passes: 8}\n";
    mn_model m;
    if (mn_scenario_load_text("t.yaml", yaml, strlen(yaml), &m) != MN_OK)
        fail_msg("%s", mn_last_error());
    mn_column col;
    assert_int_equal(mn_anatomy_column_for(&m, &col), MN_OK);
    mn_needling_summary a, b;
    mn_punctures *whole = NULL, *win = NULL;
    mn_model wm_a, wm_b;
    tally ta = {0, 0, 0.0, 1}, tb = {0, 0, 0.0, 1};
    assert_int_equal(mn_needling_session(&m, &col, 1, 1e9, count, &ta, &a, &whole, &wm_a), MN_OK);
    assert_int_equal(mn_needling_session(&m, &col, 1, 1.0, count, &tb, &b, &win, &wm_b), MN_OK);
    assert_true(whole->n > 600000);
    assert_int_equal(a.punctures, b.punctures);
    assert_int_equal(ta.n, a.punctures);
    assert_int_equal(tb.n, b.punctures);
    assert_true(tb.in_order && ta.in_order);
    assert_true(fabs(ta.depth_sum - tb.depth_sum) <= 1e-9 * ta.depth_sum);
    assert_true(fabs(a.depth_mean_um - b.depth_mean_um) < 1e-9 * a.depth_mean_um);
    assert_true(fabs(a.channel_depth_mean_um - b.channel_depth_mean_um) < 1e-6);
    assert_true(fabs(a.channel_diameter_mean_um - b.channel_diameter_mean_um) < 1e-6);
    assert_true(a.coverage_fraction == b.coverage_fraction);
    assert_true(a.empty_cell_fraction == b.empty_cell_fraction);
    assert_true(a.bleeding_fraction == b.bleeding_fraction);
    const double pa[] = {a.depth_p5_um,         a.depth_p50_um,         a.depth_p95_um,
                         a.channel_depth_p5_um, a.channel_depth_p50_um, a.channel_depth_p95_um};
    const double pb[] = {b.depth_p5_um,         b.depth_p50_um,         b.depth_p95_um,
                         b.channel_depth_p5_um, b.channel_depth_p50_um, b.channel_depth_p95_um};
    for (int k = 0; k < 6; k++)
        if (fabs(pa[k] - pb[k]) > 0.5)
            fail_msg("percentile %d: whole %.3f, streamed %.3f", k, pa[k], pb[k]);
    assert_true(fabs(a.channel_diameter_p95_um - b.channel_diameter_p95_um) <= 0.1);

    /* The window: the central 20 mm square, every puncture in it, shifted to its origin. */
    const double x0 = 0.5 * (m.patch_width_um - MN_NEEDLING_WINDOW_UM),
                 y0 = 0.5 * (m.patch_length_um - MN_NEEDLING_WINDOW_UM);
    assert_true(wm_b.patch_width_um == MN_NEEDLING_WINDOW_UM);
    assert_true(wm_a.patch_width_um == m.patch_width_um);
    size_t inside = 0, j = 0;
    for (size_t i = 0; i < whole->n; i++) {
        double x = whole->x_um[i] - x0, y = whole->y_um[i] - y0;
        if (x < 0 || y < 0 || x >= MN_NEEDLING_WINDOW_UM || y >= MN_NEEDLING_WINDOW_UM)
            continue;
        inside++;
        assert_true(j < win->n);
        assert_true(win->x_um[j] == x && win->y_um[j] == y);
        assert_true(win->channel_depth_um[j] == whole->channel_depth_um[i]);
        j++;
    }
    assert_int_equal(inside, win->n);
    mn_punctures_free(whole);
    mn_punctures_free(win);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(streamed_zone_equals_whole_patch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
