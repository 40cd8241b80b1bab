/* The contract figures coverage_fraction, duration_min and zone_duration_min against exact
 * values on constructed cases (issue 11: they were only range-checked, so scaling them by 1.7
 * or 1/4 passed the suite):
 *  - coverage is the union of the open holes (each puncture's channel_diameter_um) over the
 *    patch: one hole of radius r covers pi r^2 / A, two apart twice that, the same disk twice once,
 * a needle that did not pierce nothing, and disks tiling the patch all of it;
 *  - a glided pen treats area / (head width x glide speed) per pass: 1 cm^2 with a 5 mm head
 *    at 10 mm/s is 2 s a pass, 3 passes 0.1 min, and a 50 cm^2 zone 5 min;
 *  - a stamp is pressed area / head^2 times per pass, each press taking the cited press time;
 *  - an RF handpiece is pressed and fired spot by spot over its needle field, like a stamp
 *    (it was timed as a gliding pen, several-fold too fast). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "anatomy/anatomy.h"
#include "model/scenario.h"
#include "needling/needling.h"
#include "needling/params.h"

static void load(const char *yaml, mn_model *m, mn_column *col)
{
    assert_int_equal(mn_scenario_load_text("exact", yaml, strlen(yaml), m), MN_OK);
    assert_int_equal(mn_anatomy_column_for(m, col), MN_OK);
}

/* n punctures at (x, y) µm; depth 0 means not pierced. */
typedef struct hole {
    double x, y, depth;
} hole;

static mn_punctures *punctures(const hole *h, size_t n, double radius_um)
{
    mn_punctures *p = calloc(1, sizeof *p);
    p->n = n;
    p->session = 1;
    p->pass = calloc(n, sizeof *p->pass);
    p->x_um = calloc(n, sizeof(double));
    p->y_um = calloc(n, sizeof(double));
    p->set_depth_um = calloc(n, sizeof(double));
    p->tissue_depth_um = calloc(n, sizeof(double));
    p->angle_deg = calloc(n, sizeof(double));
    p->layer = calloc(n, 1);
    p->bleeds = calloc(n, 1);
    p->channel_depth_um = calloc(n, sizeof(double));
    p->channel_diameter_um = calloc(n, sizeof(double));
    p->bleed_probability = calloc(n, sizeof(double));
    for (size_t i = 0; i < n; i++) {
        p->channel_depth_um[i] = h[i].depth;
        p->channel_diameter_um[i] = h[i].depth > 0 ? 2.0 * radius_um : 0;
        p->x_um[i] = h[i].x;
        p->y_um[i] = h[i].y;
        p->set_depth_um[i] = 500;
        p->tissue_depth_um[i] = h[i].depth;
        p->layer[i] = h[i].depth > 0 ? 2 : 0;
    }
    p->needle_radius_um = radius_um;
    p->tip_radius_um = 10;
    return p;
}

static double coverage(const mn_model *m, const mn_column *col, const hole *h, size_t n, double r)
{
    mn_punctures *p = punctures(h, n, r);
    mn_needling_summary s;
    assert_int_equal(mn_needling_summarize(m, col, p, &s), MN_OK);
    assert_int_equal(s.punctures, n);
    mn_punctures_free(p);
    return s.coverage_fraction;
}

static const char *PEN = "name: exact pen\nseed: 1\nsite: {zone: cheek}\n"
                         "patch: {width_mm: 10, length_mm: 10}\n"
                         "device: {type: pen, model: dermapen_md, depth_mm: 0.5, drum_width_mm: 5,"
                         " glide_speed_mm_s: 10, passes: 3}\n"
                         "protocol: {sessions: 1}\n";

static void coverage_is_the_union_of_pierced_disks(void **state)
{
    mn_model m;
    mn_column col;
    load(PEN, &m, &col);
    const double A = 1e4 * 1e4, r = 200; /* 10 mm x 10 mm patch; radius 200 µm */
    const double one = M_PI * r * r / A; /* 0.0012566 */
    hole a[] = {{3000, 3000, 400}};
    hole two[] = {{3000, 3000, 400}, {7000, 7000, 400}};
    hole same[] = {{3000, 3000, 400}, {3000, 3000, 400}};
    hole dry[] = {{3000, 3000, 400}, {7000, 7000, 0}};
    /* The raster measures a disk to about a percent. */
    assert_true(fabs(coverage(&m, &col, a, 1, r) / one - 1) < 0.02);
    assert_true(fabs(coverage(&m, &col, two, 2, r) / (2 * one) - 1) < 0.02);
    assert_true(coverage(&m, &col, same, 2, r) == coverage(&m, &col, a, 1, r));
    assert_true(coverage(&m, &col, dry, 2, r) == coverage(&m, &col, a, 1, r));
    /* Disks of radius 1000 µm on a 1 mm grid (their squares' circumcircle is 707 µm) cover
     * every point of the patch. */
    hole tiles[121];
    size_t n = 0;
    for (int i = 0; i <= 10; i++)
        for (int j = 0; j <= 10; j++)
            tiles[n++] = (hole){1000.0 * i, 1000.0 * j, 400};
    assert_true(coverage(&m, &col, tiles, n, 1000) == 1.0);
}

/* The summary of one puncture at the patch centre of scenario yaml, its zone zone_area_cm2. */
static mn_needling_summary one_puncture(const char *yaml, double zone_area_cm2, mn_model *m)
{
    mn_column col;
    load(yaml, m, &col);
    col.zone_area_cm2 = zone_area_cm2;
    hole a[] = {{m->patch_width_um / 2, m->patch_length_um / 2, 400}};
    mn_punctures *p = punctures(a, 1, 100);
    mn_needling_summary s;
    assert_int_equal(mn_needling_summarize(m, &col, p, &s), MN_OK);
    mn_punctures_free(p);
    return s;
}

static double press_time_s(void)
{
    mn_needling_params np;
    assert_int_equal(mn_needling_params_load(&np), MN_OK);
    return np.stamp_press_time_s;
}

static void pen_minutes_are_area_over_head_width_times_speed(void **state)
{
    mn_model m;
    mn_needling_summary s = one_puncture(PEN, 50, &m);
    assert_true(s.area_cm2 == 1.0);
    /* 1e8 µm² / (5000 µm x 10000 µm/s) = 2 s per pass; 3 passes = 6 s = 0.1 min. */
    assert_true(fabs(s.duration_min - 0.1) < 1e-12);
    assert_true(fabs(s.zone_duration_min - 5.0) < 1e-12);
}

static void stamp_minutes_are_presses_times_press_time(void **state)
{
    const char *yaml = "name: exact stamp\nseed: 1\nsite: {zone: forehead}\n"
                       "patch: {width_mm: 9, length_mm: 18}\n"
                       "device: {type: stamp, model: stamp_digital, drum_width_mm: 9, passes: 2}\n"
                       "protocol: {sessions: 1}\n";
    mn_model m;
    mn_needling_summary s = one_puncture(yaml, 81, &m); /* 100 heads of 0.81 cm² */
    /* 9 x 18 mm = 2 presses of the 9 mm head per pass, 2 passes = 4 presses. */
    assert_true(fabs(s.duration_min - 4 * press_time_s() / 60) < 1e-12);
    /* 81 cm² = 100 presses per pass, 200 in all. */
    assert_true(fabs(s.zone_duration_min - 200 * press_time_s() / 60) < 1e-9);
}

static void rf_minutes_are_spots_times_press_time(void **state)
{
    const char *yaml = "name: exact rf\nseed: 1\nsite: {zone: cheek}\n"
                       "patch: {width_mm: 10, length_mm: 10}\n"
                       "device: {type: rf, needles: 25, rows: 5, pitch_mm: 1.0,"
                       " needle_diameter_mm: 0.2, depth_mm: 1.5, insulated: true,"
                       " tip_exposed_um: 500, energy_mj_per_needle: 20, pulse_ms: 100,"
                       " passes: 2}\n"
                       "protocol: {sessions: 1}\n";
    mn_model m;
    mn_needling_summary s = one_puncture(yaml, 25, &m);        /* 100 spots of 0.25 cm² */
    assert_true(fabs(m.device.drum_width_um - 5000.0) < 1e-9); /* 5 columns at 1 mm */
    /* 10 x 10 mm = 4 spots of the 5 mm field per pass, 2 passes = 8 spots. */
    assert_true(fabs(s.duration_min - 8 * press_time_s() / 60) < 1e-12);
    /* 25 cm² = 100 spots per pass, 200 in all. */
    assert_true(fabs(s.zone_duration_min - 200 * press_time_s() / 60) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(coverage_is_the_union_of_pierced_disks),
        cmocka_unit_test(pen_minutes_are_area_over_head_width_times_speed),
        cmocka_unit_test(stamp_minutes_are_presses_times_press_time),
        cmocka_unit_test(rf_minutes_are_spots_times_press_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
