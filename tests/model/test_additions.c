/* The contract's scenario additions (DESIGN.md "Additions"): indication, experiment, operator,
 * the device's hands-and-hygiene keys, RF explicit arrays and the product's ionisation keys.
 * Each is read with its documented default and refused with FILE:LINE:COL: key.path. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/error.h"
#include "model/scenario.h"

static const char base[] = "site: {zone: cheek}\ndevice: {type: pen, depth_mm: 1.0}\n";

static mn_status load_with(const char *extra, mn_model *m)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml, "%s%s", base, extra);
    return mn_scenario_load_text("t.yaml", yaml, strlen(yaml), m);
}

static void load_ok(const char *extra, mn_model *m)
{
    if (load_with(extra, m) != MN_OK)
        fail_msg("%s", mn_last_error());
}

/* The scenario must fail with a message that starts at `where` and names what was expected. */
static void load_fails(const char *extra, const char *where)
{
    mn_model m;
    assert_int_equal(load_with(extra, &m), MN_EINPUT);
    const char *msg = mn_last_error();
    if (!strstr(msg, where) || !strstr(msg, "expected"))
        fail_msg("message '%s' does not contain '%s' and 'expected'", msg, where);
}

static void defaults_when_absent(void **state)
{
    (void)state;
    mn_model m;
    load_ok("", &m);
    assert_false(m.indication.present);
    assert_true(isnan(m.indication.severity));
    assert_int_equal(m.experiment.type, MN_EXPERIMENT_IN_VIVO);
    assert_int_equal(m.operator_, MN_OPERATOR_TRAINED);
    /* A clinic's sterile single-use needles unless said otherwise. */
    assert_int_equal(m.device.setting, MN_SETTING_CLINIC);
    assert_true(m.device.sterile);
    assert_int_equal(m.device.reuse_count, 0);
    assert_true(m.device.tip_width_um < 0 && m.device.pitch_um < 0);
}

static void indication_and_operator(void **state)
{
    (void)state;
    mn_model m;
    load_ok("indication: {concern: acne_scars_rolling, severity: 3}\noperator: untrained\n", &m);
    assert_true(m.indication.present);
    assert_string_equal(m.indication.concern, "acne_scars_rolling");
    assert_true(m.indication.severity == 3.0);
    assert_int_equal(m.operator_, MN_OPERATOR_UNTRAINED);
    load_fails("indication: {concern: freckles}\n", "t.yaml:3:23: indication.concern");
    load_fails("indication: {severity: 2}\n", "indication.concern: missing");
    load_fails("indication: {concern: melasma, severity: 60}\n", "indication.severity");
    load_fails("operator: robot\n", "t.yaml:3:11: operator");
}

static void franz_cell_experiment(void **state)
{
    (void)state;
    mn_model m;
    load_ok("experiment: {type: franz_cell, species: porcine, skin_thickness_um: 750,\n"
            "  receptor: {volume_ml: 5}, duration_h: 48, sampling_h: [2, 6, 48]}\n",
            &m);
    const mn_experiment *e = &m.experiment;
    assert_int_equal(e->type, MN_EXPERIMENT_FRANZ_CELL);
    assert_int_equal(e->species, MN_SPECIES_PORCINE);
    assert_true(e->skin_thickness_um == 750.0 && e->duration_h == 48.0);
    assert_false(e->receptor_sink);
    assert_true(e->receptor_volume_ml == 5.0 && e->receptor_replace);
    assert_int_equal(e->n_sampling, 3);
    assert_true(e->sampling_h[2] == 48.0);
    /* Defaults: human, full thickness, sink, 24 h sampled at 1, 2, 4, 8, 24 h (OECD 428). */
    load_ok("experiment: {type: franz_cell}\n", &m);
    assert_int_equal(m.experiment.species, MN_SPECIES_HUMAN);
    assert_true(m.experiment.skin_thickness_um < 0 && m.experiment.receptor_sink);
    assert_int_equal(m.experiment.n_sampling, 5);
    assert_true(m.experiment.sampling_h[4] == 24.0);
    /* A 6 h study keeps the default times inside it and ends with a sample at 6 h. */
    load_ok("experiment: {type: franz_cell, duration_h: 6}\n", &m);
    assert_int_equal(m.experiment.n_sampling, 4);
    assert_true(m.experiment.sampling_h[3] == 6.0);
    load_ok("experiment: {type: franz_cell, receptor: sink}\n", &m);
    assert_true(m.experiment.receptor_sink);
    load_fails("experiment: {type: in_vivo, species: human}\n", "experiment.species: only a");
    load_fails("experiment: {type: franz_cell, sampling_h: [4, 2]}\n", "experiment.sampling_h[1]");
    load_fails("experiment: {type: franz_cell, duration_h: 6, sampling_h: [8]}\n",
               "experiment.sampling_h[0]");
    load_fails("experiment: {type: franz_cell, receptor: bath}\n", "experiment.receptor");
    load_fails("experiment: {type: franz_cell, receptor: {replace: true}}\n",
               "experiment.receptor.volume_ml: missing");
    load_fails("experiment: {species: human}\n", "experiment.type: missing");
}

static void device_hands_and_rf_arrays(void **state)
{
    (void)state;
    mn_model m;
    const char *home = "site: {zone: cheek}\n"
                       "device: {type: roller, model: dermaroller_192, setting: home,\n"
                       "  sterile: false, reuse_count: 12}\n";
    if (mn_scenario_load_text("t.yaml", home, strlen(home), &m) != MN_OK)
        fail_msg("%s", mn_last_error());
    assert_int_equal(m.device.setting, MN_SETTING_HOME);
    assert_false(m.device.sterile);
    assert_int_equal(m.device.reuse_count, 12);
    const char *rf = "site: {zone: cheek}\n"
                     "device: {type: rf, depth_mm: 2, needles: 49, rows: 7, pulse_ms: 100,\n"
                     "  energy_mj_per_needle: 5, tip_exposed_um: 300, tip_width_mm: 10,\n"
                     "  pitch_mm: 1.4}\n";
    if (mn_scenario_load_text("t.yaml", rf, strlen(rf), &m) != MN_OK)
        fail_msg("%s", mn_last_error());
    assert_true(fabs(m.device.tip_width_um - 10000.0) < 1e-9);
    assert_true(fabs(m.device.pitch_um - 1400.0) < 1e-9);
}

static void pen_refuses_rf_array_keys(void **state)
{
    (void)state;
    mn_model m;
    const char *y = "site: {zone: cheek}\ndevice: {type: pen, depth_mm: 1.0, pitch_mm: 1.4}\n";
    assert_int_equal(mn_scenario_load_text("t.yaml", y, strlen(y), &m), MN_EINPUT);
    assert_non_null(strstr(mn_last_error(), "device.pitch_mm: only an rf device"));
    y = "site: {zone: cheek}\ndevice: {type: pen, depth_mm: 1.0, reuse_count: -1}\n";
    assert_int_equal(mn_scenario_load_text("t.yaml", y, strlen(y), &m), MN_EINPUT);
    assert_non_null(strstr(mn_last_error(), "device.reuse_count"));
    y = "site: {zone: cheek}\ndevice: {type: pen, depth_mm: 1.0, setting: spa}\n";
    assert_int_equal(mn_scenario_load_text("t.yaml", y, strlen(y), &m), MN_EINPUT);
    assert_non_null(strstr(mn_last_error(), "device.setting: unknown value 'spa'"));
}

static void product_ionisation_keys(void **state)
{
    (void)state;
    mn_model m;
    load_ok("product: {mw_da: 285, log_kow: 1.8, pka: 7.9, acid_base: base, ph: 5.5,\n"
            "  solubility_mg_ml: 50}\n",
            &m);
    assert_true(m.product.pka == 7.9 && m.product.ph == 5.5);
    assert_int_equal(m.product.acid_base, MN_ACIDBASE_BASE);
    assert_true(m.product.solubility_mg_ml == 50.0);
    /* Not given: NAN, so the delivery stage takes the product table's value. */
    load_ok("product: {name: ascorbic_acid}\n", &m);
    assert_true(isnan(m.product.pka) && isnan(m.product.ph) && isnan(m.product.solubility_mg_ml));
    assert_int_equal(m.product.acid_base, MN_ACIDBASE_UNSET);
    load_fails("product: {mw_da: 285, log_kow: 1.8, pka: 7.9}\n",
               "product.acid_base: missing with pka");
    load_fails("product: {mw_da: 285, log_kow: 1.8, acid_base: acid}\n",
               "product.pka: missing for an ionisable active");
    load_fails("product: {mw_da: 285, log_kow: 1.8, ph: 15}\n", "product.ph");
}

/* patient.sun_exposure (issue 14): low by default (the PIH calibration's reference), read when
 * given, refused with FILE:LINE:COL for a value outside low/moderate/high. */
static void patient_sun_exposure(void **state)
{
    (void)state;
    mn_model m;
    load_ok("", &m);
    assert_int_equal(m.patient.sun_exposure, MN_SUN_LOW);
    load_ok("patient: {age_years: 40, sun_exposure: high}\n", &m);
    assert_int_equal(m.patient.sun_exposure, MN_SUN_HIGH);
    load_ok("patient: {sun_exposure: moderate}\n", &m);
    assert_int_equal(m.patient.sun_exposure, MN_SUN_MODERATE);
    load_fails("patient: {sun_exposure: beach}\n", "t.yaml:3:25: patient.sun_exposure");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_when_absent),      cmocka_unit_test(indication_and_operator),
        cmocka_unit_test(franz_cell_experiment),     cmocka_unit_test(device_hands_and_rf_arrays),
        cmocka_unit_test(pen_refuses_rf_array_keys), cmocka_unit_test(product_ionisation_keys),
        cmocka_unit_test(patient_sun_exposure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
