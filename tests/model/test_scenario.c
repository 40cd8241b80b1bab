/* Scenario loading: documented defaults, model lookup, explicit keys over the table, session
 * overrides and the session calendar. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "core/error.h"
#include "core/units.h"
#include "model/scenario.h"

static void load(const char *yaml, mn_model *m)
{
    if (mn_scenario_load_text("t.yaml", yaml, strlen(yaml), m) != MN_OK)
        fail_msg("%s", mn_last_error());
}

static void minimal_scenario_gets_documented_defaults(void **state)
{
    mn_model m;
    load("site: {zone: cheek}\ndevice: {type: pen, depth_mm: 1.0}\n", &m);
    assert_true(m.seed == 1);
    assert_true(m.patient.age_years == 35.0 && m.patient.sex == MN_SEX_FEMALE);
    assert_int_equal(m.patient.fitzpatrick, 3);
    assert_true(m.patch_width_um == 5000.0 && m.patch_length_um == 5000.0);
    /* A pen without a model uses the default cartridge of data/devices.csv. */
    assert_int_equal(m.device.needles, 12);
    assert_true(m.device.set_depth_um == 1000.0);
    assert_int_equal(m.device.passes, 2);
    assert_int_equal(m.protocol.sessions, 1);
    assert_true(m.protocol.interval_days == 28.0 && m.protocol.follow_up_days == 365.0);
    assert_false(m.product.present);
}

static void model_values_and_explicit_overrides(void **state)
{
    mn_model m;
    load("site: {zone: neck}\ndevice: {type: roller, model: dermaroller_192}\n", &m);
    assert_int_equal(m.device.needles, 192);
    assert_true(m.device.set_depth_um == 1500.0); /* the model's fixed needle length */
    assert_true(m.device.drum_diameter_um == 20000.0);
    load("site: {zone: neck}\ndevice: {type: roller, model: dermaroller_192, needles: 96, "
         "needle_length_mm: 0.5}\n",
         &m);
    assert_int_equal(m.device.needles, 96);
    assert_true(m.device.set_depth_um == 500.0);
}

static void session_overrides_and_calendar(void **state)
{
    mn_model m;
    load("site: {zone: cheek}\ndevice: {type: pen, depth_mm: 1.5, passes: 3}\n"
         "protocol: {sessions: 3, interval_days: 35, follow_up_days: 180,\n"
         "  maintenance_every_days: 90,\n"
         "  session_overrides: [{session: 2, depth_mm: 1.0}, {session: 3, passes: 5}]}\n",
         &m);
    assert_true(mn_model_session_device(&m, 1).set_depth_um == 1500.0);
    assert_true(mn_model_session_device(&m, 2).set_depth_um == 1000.0);
    assert_int_equal(mn_model_session_device(&m, 2).passes, 3);
    assert_int_equal(mn_model_session_device(&m, 3).passes, 5);
    /* 3 course sessions on days 0, 35, 70, then maintenance at 160 and 250 within 180 days. */
    assert_int_equal(mn_model_total_sessions(&m), 5);
    assert_true(mn_model_session_day(&m, 3) == 70.0);
    assert_true(mn_model_session_day(&m, 5) == 250.0);
    assert_true(mn_model_end_day(&m) == 250.0);
}

static void patient_block_with_medication_forms(void **state)
{
    mn_model m;
    load("patient: {age_years: 52, sex: male, fitzpatrick: 5, conditions: [herpes_history],\n"
         "  medications: [warfarin, {name: isotretinoin, stopped_days_ago: 30}],\n"
         "  recent_procedures: [{name: filler, days_ago: 10}]}\n"
         "site: {zone: chin}\ndevice: {type: stamp, needle_length_mm: 0.5}\n",
         &m);
    assert_int_equal(m.patient.n_medications, 2);
    assert_true(m.patient.medications[0].stopped_days_ago < 0);
    assert_true(m.patient.medications[1].stopped_days_ago == 30.0);
    assert_string_equal(m.patient.procedures[0].name, "filler");
    assert_int_equal(m.patient.sex, MN_SEX_MALE);
}

/* Macromolecules have no octanol-water partition in data/products.csv: their log Kow is NaN
 * (no lipid route), and loading them must not fail. */
static void products_without_log_kow_load(void **state)
{
    mn_model m;
    load("site: {zone: cheek}\ndevice: {type: pen, depth_mm: 1.0}\n"
         "product: {name: hyaluronic_acid_high_mw, dose: infinite}\n",
         &m);
    assert_true(m.product.present && m.product.infinite_dose);
    assert_true(m.product.mw_da == 1.0e6);
    assert_true(isnan(m.product.log_kow));
    load("site: {zone: cheek}\ndevice: {type: pen, depth_mm: 1.0}\n"
         "product: {name: caffeine, concentration_mg_ml: 20}\n",
         &m);
    assert_true(fabs(m.product.log_kow - (-0.07)) < 1e-12);
}

static void built_in_default_is_the_cheek_pen_course(void **state)
{
    mn_model m;
    assert_int_equal(mn_scenario_load_default(&m), MN_OK);
    assert_string_equal(m.site.zone, "cheek");
    assert_int_equal(m.device.type, MN_DEVICE_PEN);
    assert_true(m.device.set_depth_um == 1500.0);
    assert_int_equal(m.protocol.sessions, 3);
    assert_true(m.protocol.interval_days == 28.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(minimal_scenario_gets_documented_defaults),
        cmocka_unit_test(model_values_and_explicit_overrides),
        cmocka_unit_test(session_overrides_and_calendar),
        cmocka_unit_test(patient_block_with_medication_forms),
        cmocka_unit_test(products_without_log_kow_load),
        cmocka_unit_test(built_in_default_is_the_cheek_pen_course),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
