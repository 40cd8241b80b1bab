/* RF microneedling heat stage: the qualitative facts every RF-microneedling study reports and
 * the contract of the outputs. One reference needle: 200 µm diameter, 1.5 mm deep, insulated
 * with 500 µm exposed, bipolar, 1 MHz, in a 15/60/1800 µm SC/epidermis/dermis column; coarse
 * grid (25 µm voxels, 800 µm pitch) so the suite stays fast. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "heat/heat.h"

static mn_device_spec reference_device(void)
{
    mn_device_spec d;
    memset(&d, 0, sizeof d);
    d.type = MN_DEVICE_RF, d.needles = 10, d.rows = 2, d.needle_diameter_um = 200;
    d.set_depth_um = 1500, d.insulated = true, d.tip_exposed_um = 500;
    d.polarity = MN_POLARITY_BIPOLAR, d.energy_mj_per_needle = 40, d.pulse_ms = 100;
    d.frequency_mhz = 1, d.stacks = 1, d.passes = 1;
    return d;
}

static mn_column reference_column(void)
{
    mn_column c;
    memset(&c, 0, sizeof c);
    c.sc_um = 15, c.viable_epidermis_um = 60, c.dermis_um = 1800;
    c.dej_depth_um = 75, c.dermis_bottom_um = 1875;
    return c;
}

static mn_heat_summary run(const mn_device_spec *d)
{
    mn_column c = reference_column();
    mn_heat_options o;
    mn_heat_options_default(&o);
    o.voxel_um = 25, o.pitch_um = 800, o.cooldown_max_ms = 300, o.keep_fields = 0;
    mn_heat_result *r = NULL;
    if (mn_heat_run(d, &c, &o, &r) != MN_OK)
        fail_msg("%s", mn_last_error());
    mn_heat_summary s;
    assert_int_equal(mn_heat_get_summary(r, &s), MN_OK);
    mn_heat_result_free(r);
    if (getenv("MN_HEAT_TEST_VERBOSE"))
        fprintf(stderr,
                "E %.0f mJ pulse %.0f ms depth %.0f ins %d: peak %.1f epi %.1f zone %.0f-%.0f "
                "w %.0f vol %.2f nl, epi omega %.3g, balance %.1e\n",
                s.energy_per_needle_mj, s.on_time_ms, d->set_depth_um, d->insulated,
                s.peak_temperature_c, s.epidermis_peak_temperature_c, s.coagulation.top_um,
                s.coagulation.bottom_um, s.coagulation.width_um, s.coagulation.volume_nl,
                s.epidermis_omega_skin, s.energy_balance_rel);
    return s;
}

/* More energy in the same pulse heats more tissue above the collagen denaturation threshold:
 * the zone volume must grow (Manuskiatti 2016: RF thermal zone depth rises with energy). */
static void zone_grows_with_energy(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    d.energy_mj_per_needle = 40;
    mn_heat_summary lo = run(&d);
    d.energy_mj_per_needle = 55;
    mn_heat_summary hi = run(&d);
    assert_true(lo.coagulation.volume_nl > 0);
    assert_true(hi.coagulation.volume_nl > 1.2 * lo.coagulation.volume_nl);
    assert_true(hi.peak_temperature_c > lo.peak_temperature_c);
    /* energy balance of the run (deposited = stored + conducted + perfused) */
    assert_true(hi.energy_balance_rel < 1e-6);
}

/* Same power for a longer pulse delivers more energy: larger zone (Wang & Hamblin: pulse
 * duration significantly affected the coagulation amount). */
static void zone_grows_with_pulse_length(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    d.energy_mj_per_needle = 0, d.power_w = 10 * 0.35; /* 0.35 W per needle */
    d.pulse_ms = 100;
    mn_heat_summary shortp = run(&d);
    d.pulse_ms = 140;
    mn_heat_summary longp = run(&d);
    assert_true(fabs(shortp.energy_per_needle_mj - 35.0) < 1e-9);
    assert_true(longp.coagulation.volume_nl > shortp.coagulation.volume_nl);
    assert_true(longp.coagulation.bottom_um >= shortp.coagulation.bottom_um);
}

/* Insulating the shaft keeps current out of the epidermis (Wootten 2021 compares insulated and
 * non-insulated needles): lower epidermal temperature and burn dose. */
static void insulation_spares_the_epidermis(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    mn_heat_summary ins = run(&d);
    d.insulated = false;
    mn_heat_summary bare = run(&d);
    assert_true(ins.epidermis_peak_temperature_c + 2.0 < bare.epidermis_peak_temperature_c);
    assert_true(ins.epidermis_omega_skin < bare.epidermis_omega_skin);
}

/* The heat is made where the current leaves the exposed tip: a deeper tip moves the zone down
 * by about the same distance. */
static void deeper_tip_puts_the_zone_deeper(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    d.set_depth_um = 1000;
    mn_heat_summary shallow = run(&d);
    d.set_depth_um = 1500;
    mn_heat_summary deep = run(&d);
    assert_true(shallow.coagulation.volume_nl > 0 && deep.coagulation.volume_nl > 0);
    assert_true(deep.coagulation.bottom_um > shallow.coagulation.bottom_um + 300.0);
    assert_true(deep.coagulation.top_um > shallow.coagulation.top_um + 300.0);
}

/* Burn rule on the Arrhenius skin-burn dose in the viable epidermis (thresholds 0.53 first
 * degree, 1 second degree: data/arrhenius.csv): the level never falls as the dose rises, and a
 * hotter epidermis (bare shallow needle, more energy, against the deep insulated reference)
 * carries a higher dose and level. */
static void hotter_epidermis_raises_the_burn_risk(void **state)
{
    (void)state;
    assert_string_equal(mn_heat_burn_risk_level(0.0), "low");
    assert_string_equal(mn_heat_burn_risk_level(0.52), "low");
    assert_string_equal(mn_heat_burn_risk_level(0.53), "moderate");
    assert_string_equal(mn_heat_burn_risk_level(1.0), "high");
    mn_device_spec d = reference_device();
    mn_heat_summary cool = run(&d);
    d.set_depth_um = 500;
    d.insulated = false;
    d.energy_mj_per_needle = 60;
    mn_heat_summary hot = run(&d);
    assert_true(hot.epidermis_peak_temperature_c > cool.epidermis_peak_temperature_c + 5.0);
    assert_true(hot.epidermis_omega_skin > cool.epidermis_omega_skin);
    static const char *const order[] = {"low", "moderate", "high"};
    int lc = 0, lh = 0;
    for (int q = 0; q < 3; q++) {
        if (!strcmp(mn_heat_burn_risk_level(cool.epidermis_omega_skin), order[q]))
            lc = q;
        if (!strcmp(mn_heat_burn_risk_level(hot.epidermis_omega_skin), order[q]))
            lh = q;
    }
    assert_true(lh > lc);
}

/* Output contract: summary.json `thermal` keys (DESIGN.md / issue 8), thermal.csv, fields and the
 * injury handed to healing agree with the summary. Injury per cm²: one column per pitch² cell,
 * 800 µm pitch → 1e8/6.4e5 = 156.25 columns/cm² per pass. */
static void outputs_agree_with_the_summary(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    mn_column c = reference_column();
    mn_heat_options o;
    mn_heat_options_default(&o);
    o.voxel_um = 25, o.pitch_um = 800, o.cooldown_max_ms = 300;
    mn_heat_result *r = NULL;
    if (mn_heat_run(&d, &c, &o, &r) != MN_OK)
        fail_msg("%s", mn_last_error());
    mn_heat_summary s;
    mn_heat_get_summary(r, &s);
    assert_true(s.coagulation.volume_nl > 0);
    cJSON *session = cJSON_CreateObject();
    assert_int_equal(mn_heat_summary_json(r, session), MN_OK);
    cJSON *t = cJSON_GetObjectItem(session, "thermal");
    assert_non_null(t);
    assert_true(cJSON_GetObjectItem(t, "peak_temperature_c")->valuedouble == s.peak_temperature_c);
    assert_non_null(cJSON_GetObjectItem(t, "epidermis_peak_temperature_c"));
    assert_non_null(cJSON_GetObjectItem(t, "damage_volume_fraction"));
    cJSON *z = cJSON_GetObjectItem(t, "coagulation_zone_um");
    assert_true(cJSON_GetObjectItem(z, "depth")->valuedouble == s.coagulation.bottom_um);
    assert_true(cJSON_GetObjectItem(z, "width")->valuedouble == s.coagulation.width_um);
    assert_true(cJSON_GetObjectItem(z, "volume_nl")->valuedouble == s.coagulation.volume_nl);
    cJSON_Delete(session);

    mn_heat_injury inj;
    assert_int_equal(mn_heat_get_injury(r, 2, &inj), MN_OK);
    assert_true(fabs(inj.zones_per_cm2 - 2 * 156.25) < 1e-9);
    assert_true(fabs(inj.coagulated_nl_per_cm2 - 2 * 156.25 * s.coagulation.volume_nl) < 1e-9);

    mn_heat_curve cv;
    assert_int_equal(mn_heat_get_curve(r, &cv), MN_OK);
    double tmax = 0;
    for (size_t q = 0; q < cv.n; q++)
        tmax = fmax(tmax, cv.tissue_max_c[q]);
    assert_true(tmax == s.peak_temperature_c);
    assert_true(cv.time_ms[cv.n - 1] >= d.pulse_ms);

    mn_heat_fields f;
    assert_int_equal(mn_heat_get_fields(r, &f), MN_OK);
    double vol = 0;
    for (int k = 0; k < f.nz; k++)
        for (int q = 0; q < f.nx * f.ny; q++) {
            size_t w = (size_t)q + (size_t)k * f.nx * f.ny;
            if (f.label[w] != 4 && f.omega_collagen[w] >= 1.0)
                vol += 4.0 * f.dx_um * f.dy_um * (f.z_faces_um[k + 1] - f.z_faces_um[k]) * 1e-6;
        }
    assert_true(fabs(vol - s.coagulation.volume_nl) < 1e-9 * (1 + vol));

    char buf[256] = {0};
    FILE *mf = fmemopen(buf, sizeof buf, "w");
    assert_int_equal(mn_heat_write_curve_csv(r, mf, 1, 1), MN_OK);
    fclose(mf);
    assert_true(!strncmp(buf, "session,time_ms,tip_temperature_c,", 34));
    mn_heat_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zone_grows_with_energy),
        cmocka_unit_test(zone_grows_with_pulse_length),
        cmocka_unit_test(insulation_spares_the_epidermis),
        cmocka_unit_test(deeper_tip_puts_the_zone_deeper),
        cmocka_unit_test(hotter_epidermis_raises_the_burn_risk),
        cmocka_unit_test(outputs_agree_with_the_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
