/* Puncture density follows from device kinematics alone (issue 2, item 6):
 *   roller: punctures per cm² per pass = needles / (pi D W)        (one hit per revolution)
 *   pen:    punctures per cm² per pass = needles f / (v W)          (strokes per glide length)
 *   stamp:  punctures per cm² per pass = needles / W²               (presses side by side)
 * and deeper settings never reach less deep on average. */
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
#include "core/units.h"
#include "model/scenario.h"
#include "needling/builder.h"
#include "needling/needling.h"
#include "needling/params.h"
#include "needling/uniformity.h"

static void load(const char *yaml, mn_model *m)
{
    mn_status st = mn_scenario_load_text("test.yaml", yaml, strlen(yaml), m);
    if (st != MN_OK)
        fail_msg("%s", mn_last_error());
}

/* Mean punctures per cm² per pass over `seeds` seeds. */
static double density_per_pass(mn_model *m, int seeds)
{
    mn_column col;
    assert_int_equal(mn_anatomy_column_for(m, &col), MN_OK);
    double total = 0.0;
    for (int s = 0; s < seeds; s++) {
        m->seed = 1000u + (unsigned)s;
        mn_punctures *p = NULL;
        assert_int_equal(mn_needling_generate(m, &col, 1, &p), MN_OK);
        total += (double)p->n;
        mn_punctures_free(p);
    }
    double area_cm2 = m->patch_width_um * m->patch_length_um / MN_UM2_PER_CM2;
    return total / seeds / area_cm2 / m->device.passes;
}

static void roller_density_is_needles_over_drum_area(void **state)
{
    mn_model m;
    load("site: {zone: cheek}\npatch: {width_mm: 50, length_mm: 50}\n"
         "device: {type: roller, model: dermaroller_192, passes: 4}\n",
         &m);
    /* 192 / (pi * 2.0 cm * 2.0 cm) = 15.28 per cm² per pass. */
    double expected = m.device.needles /
                      (MN_PI * m.device.drum_diameter_um * m.device.drum_width_um / MN_UM2_PER_CM2);
    assert_true(fabs(expected - 15.28) < 0.01);
    double got = density_per_pass(&m, 8);
    /* 8 seeds x 4 passes x ~382 punctures: Monte-Carlo error about 1 %; allow 4 %. */
    if (fabs(got / expected - 1.0) > 0.04)
        fail_msg("roller density %.3f per cm² per pass, expected %.3f", got, expected);
}

static void pen_density_is_strokes_per_glide_area(void **state)
{
    mn_model m;
    /* A lane is one cartridge wide, so a patch holds only ~W/patch lanes and the count per pass
     * varies by up to a lane: a 50 mm patch (~11 lanes), 4 passes and 4 seeds bring the
     * Monte-Carlo error under 1 %. */
    load("site: {zone: forehead}\npatch: {width_mm: 50, length_mm: 50}\n"
         "device: {type: pen, depth_mm: 1.0, frequency_hz: 120, glide_speed_mm_s: 15, passes: 4}\n",
         &m);
    double expected = m.device.needles * m.device.frequency_hz /
                      (m.device.glide_speed_um_s * m.device.drum_width_um) * MN_UM2_PER_CM2;
    double got = density_per_pass(&m, 4);
    if (fabs(got / expected - 1.0) > 0.03)
        fail_msg("pen density %.1f per cm² per pass, expected %.1f", got, expected);
}

static void stamp_density_is_needles_over_head_area(void **state)
{
    mn_model m;
    load("site: {zone: upper_back}\npatch: {width_mm: 50, length_mm: 50}\n"
         "device: {type: stamp, needle_length_mm: 1.0, passes: 3}\n",
         &m);
    double expected =
        m.device.needles / (m.device.drum_width_um * m.device.drum_width_um) * MN_UM2_PER_CM2;
    double got = density_per_pass(&m, 4);
    if (fabs(got / expected - 1.0) > 0.03)
        fail_msg("stamp density %.1f per cm² per pass, expected %.1f", got, expected);
}

static void deeper_settings_reach_deeper(void **state)
{
    const char *types[] = {"pen", "roller"};
    for (int t = 0; t < 2; t++) {
        double previous = -1.0;
        for (double depth = 0.25; depth <= 2.5 + 1e-9; depth += 0.25) {
            char yaml[256];
            snprintf(yaml, sizeof yaml,
                     "site: {zone: cheek}\npatch: {width_mm: 10, length_mm: 10}\n"
                     "device: {type: %s, %s: %.2f, passes: 2}\n",
                     types[t], t == 0 ? "depth_mm" : "needle_length_mm", depth);
            mn_model m;
            load(yaml, &m);
            mn_column col;
            assert_int_equal(mn_anatomy_column_for(&m, &col), MN_OK);
            mn_punctures *p = NULL;
            assert_int_equal(mn_needling_generate(&m, &col, 1, &p), MN_OK);
            mn_needling_summary s;
            assert_int_equal(mn_needling_summarize(&m, &col, p, &s), MN_OK);
            /* The reached depth is below the set depth: skin tents before it is pierced. */
            assert_true(s.depth_mean_um < depth * MN_UM_PER_MM);
            if (s.depth_mean_um < previous)
                fail_msg("%s at %.2f mm reaches %.1f um on average, less than %.1f um at the "
                         "shallower setting",
                         types[t], depth, s.depth_mean_um, previous);
            previous = s.depth_mean_um;
            mn_punctures_free(p);
        }
    }
}

/* Bleeding is graded (test_insertion.c); here: nothing above the capillary loops bleeds. */
static void bleeding_only_past_the_capillary_loops(void **state)
{
    mn_model m;
    load("site: {zone: cheek}\npatch: {width_mm: 10, length_mm: 10}\n"
         "device: {type: pen, depth_mm: 0.5, passes: 2}\n",
         &m);
    mn_column col;
    assert_int_equal(mn_anatomy_column_for(&m, &col), MN_OK);
    mn_punctures *p = NULL;
    assert_int_equal(mn_needling_generate(&m, &col, 1, &p), MN_OK);
    for (size_t i = 0; i < p->n; i++) {
        if (p->tissue_depth_um[i] <= col.capillary_depth_um)
            assert_int_equal(p->bleeds[i], 0);
        assert_int_equal(p->layer[i], mn_anatomy_layer_at(&col, p->tissue_depth_um[i]));
        assert_true(p->x_um[i] >= 0 && p->x_um[i] < m.patch_width_um);
        assert_true(p->y_um[i] >= 0 && p->y_um[i] < m.patch_length_um);
    }
    mn_punctures_free(p);
}

/* Empty 0.5 mm cells after four passes of a pen over a 30 mm patch, with a cartridge layout
 * and the hand's wander switched on or off. */
static double pen_empty_cells(mn_pen_layout layout, int hand)
{
    mn_model m;
    load("site: {zone: cheek}\npatch: {width_mm: 30, length_mm: 30}\n"
         "device: {type: pen, depth_mm: 1.0, glide_speed_mm_s: 40, passes: 4}\n",
         &m);
    mn_needling_params np;
    assert_int_equal(mn_needling_params_load(&np), MN_OK);
    if (!hand)
        np.pen_hand_sway_sd_um = np.pen_hand_turn_sd_deg = 0.0;
    mn_punctures *p = calloc(1, sizeof *p);
    assert_non_null(p);
    mn_puncture_builder b = {.p = p,
                             .patch_w_um = m.patch_width_um,
                             .patch_l_um = m.patch_length_um,
                             .pen_layout = layout};
    for (int pass = 0; pass < 4; pass++)
        assert_int_equal(mn_pen_pass(&m.device, &np, 7u, 1, pass, &b), MN_OK);
    for (size_t i = 0; i < p->n; i++)
        p->tissue_depth_um[i] = 1.0; /* count every puncture as pierced */
    mn_cell_map c;
    assert_int_equal(mn_cell_map_init(&c, m.patch_width_um, m.patch_length_um, 500.0), MN_OK);
    mn_cell_map_add(&c, p);
    double f = mn_cell_map_empty_fraction(&c);
    mn_cell_map_free(&c);
    mn_punctures_free(p);
    return f;
}

/* The old row layout held steady traces parallel lines: after four passes in four directions
 * a large share of the 0.5 mm cells is still empty. The cartridge's rings with the hand's
 * wander spread the punctures: at ~5 punctures per cell on average (2,000 per cm²), a
 * Poisson pattern leaves e^-5 < 1 % of cells empty. */
static void pen_pattern_leaves_no_stripes(void **state)
{
    double rows = pen_empty_cells(MN_PEN_LAYOUT_SQUARE, 0);
    double ring = pen_empty_cells(MN_PEN_LAYOUT_CIRCULAR, 1);
    double hex = pen_empty_cells(MN_PEN_LAYOUT_HEXAGONAL, 1);
    print_message("empty cells: rows %.3f, circular %.3f, hexagonal %.3f\n", rows, ring, hex);
    if (!(rows > 0.2 && ring < 0.03 && hex < 0.03 && ring < rows / 10.0))
        fail_msg("empty cells: rows %.3f, circular %.3f, hexagonal %.3f", rows, ring, hex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roller_density_is_needles_over_drum_area),
        cmocka_unit_test(pen_density_is_strokes_per_glide_area),
        cmocka_unit_test(stamp_density_is_needles_over_head_area),
        cmocka_unit_test(deeper_settings_reach_deeper),
        cmocka_unit_test(bleeding_only_past_the_capillary_loops),
        cmocka_unit_test(pen_pattern_leaves_no_stripes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
