/* RF microneedling heat stage: needle taper, contact cooling and passes at one spot (issue 15).
 * Same reference needle and coarse grid as test_heat.c: 200 µm diameter, 1.5 mm deep,
 * insulated with 500 µm exposed, bipolar, 1 MHz, 15/60/1800 µm SC/epidermis/dermis column,
 * 25 µm voxels, 800 µm pitch. */
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
    d.polarity = MN_POLARITY_BIPOLAR, d.energy_mj_per_needle = 55, d.pulse_ms = 100;
    d.frequency_mhz = 1, d.stacks = 1, d.passes = 1;
    return d;
}

static mn_heat_summary run(const mn_device_spec *d)
{
    mn_column c;
    memset(&c, 0, sizeof c);
    c.sc_um = 15, c.viable_epidermis_um = 60, c.dermis_um = 1800;
    c.dej_depth_um = 75, c.dermis_bottom_um = 1875;
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
                "taper %.0f cooled %d (%.0f C, h %.0f) passes %d/%d: peak %.1f epi %.1f tip %.1f "
                "zone %.0f-%.0f w %.0f vol %.2f nl, epi omega %.3g, Z %.0f, balance %.1e\n",
                d->taper_length_um, d->cooled, d->cooling_c, d->cooling_h_w_m2k, d->passes,
                s.passes_at_spot, s.peak_temperature_c, s.epidermis_peak_temperature_c,
                s.tip_peak_temperature_c, s.coagulation.top_um, s.coagulation.bottom_um,
                s.coagulation.width_um, s.coagulation.volume_nl, s.epidermis_omega_skin,
                s.impedance_ohm, s.energy_balance_rel);
    return s;
}

/* A cooled plate on the skin surface during the pulse takes heat out of the epidermis: at the
 * same energy, a bare needle's epidermal peak and burn dose fall, the more so the better the
 * contact (a held surface beats a finite heat-transfer coefficient, which beats none), and the
 * energy ledger still closes (the plate's heat is in the exchange term). */
static void contact_cooling_spares_the_epidermis(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    d.insulated = false, d.set_depth_um = 300, d.energy_mj_per_needle = 20;
    mn_heat_summary none = run(&d);
    d.cooled = true, d.cooling_c = 5.0, d.cooling_h_w_m2k = 5000.0;
    mn_heat_summary film = run(&d);
    d.cooling_h_w_m2k = -1.0; /* perfect contact: the surface held at 5 °C */
    mn_heat_summary held = run(&d);
    assert_true(none.epidermis_damaged);
    assert_true(film.epidermis_peak_temperature_c < none.epidermis_peak_temperature_c - 1.0);
    assert_true(held.epidermis_peak_temperature_c < film.epidermis_peak_temperature_c - 1.0);
    assert_true(film.epidermis_omega_skin < 0.5 * none.epidermis_omega_skin);
    assert_true(held.epidermis_omega_skin < 0.5 * film.epidermis_omega_skin);
    assert_true(held.energy_balance_rel < 1e-6 && film.energy_balance_rel < 1e-6);
}

/* Cooling the surface spares the epidermis but not the column around an insulated tip 1.5 mm
 * down: the dermal coagulation volume stays within 10 %. */
static void contact_cooling_keeps_the_deep_column(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    mn_heat_summary none = run(&d);
    d.cooled = true, d.cooling_c = 5.0, d.cooling_h_w_m2k = -1.0;
    mn_heat_summary held = run(&d);
    assert_true(none.coagulation.volume_nl > 0);
    assert_true(fabs(held.coagulation.volume_nl / none.coagulation.volume_nl - 1.0) < 0.1);
    assert_true(held.epidermis_peak_temperature_c < none.epidermis_peak_temperature_c);
}

/* Pre-cooling: a plate that rests on the skin for a second before the pulse has already drawn
 * heat out of the epidermis (and the tissue below it) when the needle starts heating, so with
 * the same finite contact the epidermis peaks lower and takes a smaller burn dose than with the
 * plate put down at the first pulse; the ledger still closes over the longer run. */
static void precooling_lowers_the_epidermal_peak(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    d.insulated = false, d.set_depth_um = 300, d.energy_mj_per_needle = 20;
    d.cooled = true, d.cooling_c = 5.0, d.cooling_h_w_m2k = 5000.0;
    mn_heat_summary at_pulse = run(&d);
    d.precool_s = 1.0;
    mn_heat_summary pre = run(&d);
    assert_true(pre.epidermis_peak_temperature_c < at_pulse.epidermis_peak_temperature_c - 1.0);
    assert_true(pre.epidermis_omega_skin < 0.5 * at_pulse.epidermis_omega_skin);
    assert_true(pre.precool_s == 1.0 && at_pulse.precool_s == 0.0);
    assert_true(fabs(pre.delivered_energy_mj - at_pulse.delivered_energy_mj) < 1e-9);
    assert_true(pre.energy_balance_rel < 1e-6);
}

/* A second pass at the same spot a second later heats tissue whose damage integral is already
 * part-way to 1 and whose σ has risen: the coagulation zone grows. Two passes side by side
 * (no interval) simulate one pulse train and make two zones instead. */
static void second_pass_at_the_same_spot_enlarges_the_lesion(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    mn_heat_summary one = run(&d);
    d.passes = 2, d.pass_interval_s = 1.0;
    mn_heat_summary two = run(&d);
    assert_int_equal(one.passes_at_spot, 1);
    assert_int_equal(two.passes_at_spot, 2);
    assert_true(two.coagulation.volume_nl > 1.1 * one.coagulation.volume_nl);
    assert_true(fabs(two.delivered_energy_mj - 2.0 * one.delivered_energy_mj) < 1e-6);
    assert_true(two.energy_balance_rel < 1e-6);
    d.pass_interval_s = -1.0; /* side by side: the lesion of one train */
    mn_heat_summary side = run(&d);
    assert_int_equal(side.passes_at_spot, 1);
    assert_true(fabs(side.coagulation.volume_nl - one.coagulation.volume_nl) < 1e-9);
    assert_true(fabs(side.damage_volume_fraction - 2.0 * one.damage_volume_fraction) < 1e-9);
}

/* A needle that narrows to a 5 µm tip over its last 400 µm sends the exposed length's current
 * through less metal surface, concentrated at the point: at the same power the tissue below
 * the tip heats faster than below a cylinder of the base diameter, and the impedance is
 * higher. */
static void tapered_needle_concentrates_current_at_the_tip(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    d.energy_mj_per_needle = 5, d.pulse_ms = 10; /* 0.5 W, short: heating ∝ |J|²/σ */
    mn_heat_summary cyl = run(&d);
    d.taper_length_um = 400, d.tip_radius_um = 5;
    mn_heat_summary cone = run(&d);
    assert_true(cone.impedance_ohm > 1.05 * cyl.impedance_ohm);
    assert_true(cone.tip_peak_temperature_c - 37.0 > 1.5 * (cyl.tip_peak_temperature_c - 37.0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(contact_cooling_spares_the_epidermis),
        cmocka_unit_test(contact_cooling_keeps_the_deep_column),
        cmocka_unit_test(precooling_lowers_the_epidermal_peak),
        cmocka_unit_test(second_pass_at_the_same_spot_enlarges_the_lesion),
        cmocka_unit_test(tapered_needle_concentrates_current_at_the_tip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
