/* RF microneedling heat stage: the qualitative facts every RF-microneedling study reports and
 * the contract of the outputs. One reference needle: 200 µm diameter, 1.5 mm deep, insulated
 * with 500 µm exposed, bipolar, 1 MHz, in a 15/60/1800 µm SC/epidermis/dermis column; coarse
 * grid (25 µm voxels, 800 µm pitch) so the suite stays fast. 55 mJ in 100 ms: a zone of
 * about 40 nL around the exposed tip with σ(T), its damage rise and vaporisation on. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "heat/heat.h"
#include "heat/tissue.h"
#include "io/summary_heat.h"

enum { MN_HMAT_EPIDERMIS_ID = 1 }; /* layer_peak_c order: SC, epidermis, dermis, subcutis */

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
 * the zone volume must grow. */
static void zone_grows_with_energy(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    d.energy_mj_per_needle = 55;
    mn_heat_summary lo = run(&d);
    d.energy_mj_per_needle = 75;
    mn_heat_summary hi = run(&d);
    assert_true(lo.coagulation.volume_nl > 0);
    assert_true(hi.coagulation.volume_nl > 1.2 * lo.coagulation.volume_nl);
    assert_true(hi.peak_temperature_c > lo.peak_temperature_c);
    /* energy balance of the run (deposited = stored + conducted + perfused) */
    assert_true(hi.energy_balance_rel < 1e-6);
}

/* Same power for a longer pulse delivers more energy: larger zone. */
static void zone_grows_with_pulse_length(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    d.energy_mj_per_needle = 0, d.power_w = 10 * 0.55; /* 0.55 W per needle */
    d.pulse_ms = 100;
    mn_heat_summary shortp = run(&d);
    d.pulse_ms = 140;
    mn_heat_summary longp = run(&d);
    assert_true(fabs(shortp.energy_per_needle_mj - 55.0) < 1e-9);
    assert_true(longp.coagulation.volume_nl > shortp.coagulation.volume_nl);
    assert_true(longp.coagulation.bottom_um >= shortp.coagulation.bottom_um);
}

/* Insulating the shaft keeps current out of the epidermis: lower epidermal temperature and burn
 * dose, and no epidermal damage. */
static void insulation_spares_the_epidermis(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    mn_heat_summary ins = run(&d);
    d.insulated = false;
    mn_heat_summary bare = run(&d);
    assert_true(ins.epidermis_peak_temperature_c + 2.0 < bare.epidermis_peak_temperature_c);
    assert_true(ins.epidermis_omega_skin < bare.epidermis_omega_skin);
    assert_false(ins.epidermis_damaged);
    assert_true(ins.epidermis_area_fraction == 0);
}

/* The layers disperse differently (Gabriel 1996: dry skin's σ rises eightfold from 0.5 to
 * 2 MHz, wet skin's by half), so with a bare needle through the stratum corneum the carrier
 * frequency moves the current between layers: the impedance falls and the epidermal burn dose
 * changes by more than the 1 % a frequency-blind model would leave (numerical noise). */
static void frequency_changes_the_lesion_through_dispersion(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    d.insulated = false, d.set_depth_um = 300, d.energy_mj_per_needle = 20;
    d.frequency_mhz = 0.5;
    mn_heat_summary lo = run(&d);
    d.frequency_mhz = 2.0;
    mn_heat_summary hi = run(&d);
    assert_true(hi.impedance_ohm < 0.8 * lo.impedance_ohm);
    assert_true(fabs(hi.epidermis_omega_skin / lo.epidermis_omega_skin - 1.0) > 0.1);
    assert_true(fabs(hi.layer_peak_c[2] - lo.layer_peak_c[2]) > 0.3);
}

/* A low-energy pulse from a short bare needle denatures no dermal collagen but reaches the
 * skin-burn dose in the viable epidermis: epidermal-only damage (unperfused, under an adiabatic
 * surface, the epidermis integrates longest). */
static void low_energy_bare_needle_damages_the_epidermis_alone(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    d.insulated = false, d.set_depth_um = 300, d.energy_mj_per_needle = 20;
    mn_heat_summary s = run(&d);
    assert_true(s.epidermis_damaged && s.epidermis_area_fraction > 0.0);
    assert_true(s.coagulation.volume_nl == 0.0);
}

/* The same energy split into four sub-pulses with cooling between them coagulates less than
 * one pulse: the tissue loses heat by conduction and perfusion in the gaps. */
static void split_pulse_with_cooling_coagulates_less(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    mn_heat_summary one = run(&d);
    d.stacks = 4, d.pulse_ms = 25, d.energy_mj_per_needle = 55.0 / 4;
    mn_column c = reference_column();
    mn_heat_options o;
    mn_heat_options_default(&o);
    o.voxel_um = 25, o.pitch_um = 800, o.cooldown_max_ms = 300, o.keep_fields = 0;
    o.pulse_gap_ms = 100;
    mn_heat_result *r = NULL;
    if (mn_heat_run(&d, &c, &o, &r) != MN_OK)
        fail_msg("%s", mn_last_error());
    mn_heat_summary four;
    assert_int_equal(mn_heat_get_summary(r, &four), MN_OK);
    mn_heat_result_free(r);
    assert_true(fabs(four.delivered_energy_mj - one.delivered_energy_mj) < 1e-9);
    assert_true(four.coagulation.volume_nl < 0.5 * one.coagulation.volume_nl);
    assert_true(four.peak_temperature_c < one.peak_temperature_c);
}

/* Above 100 °C water boils off (enthalpy method): latent heat is taken, desiccated tissue
 * stops conducting, the impedance rises and the generator ends the pulse early, delivering
 * less than was set; the energy ledger closes with the latent term. Without vaporisation the
 * same pulse runs to the end. */
static void vaporisation_raises_the_impedance_and_ends_the_pulse(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    d.energy_mj_per_needle = 300, d.pulse_ms = 10;
    mn_heat_summary s = run(&d);
    assert_true(s.latent_mj > 0 && s.vaporised_nl > 0);
    assert_true(s.pulse_cut_short == 1);
    assert_true(s.impedance_end_ohm > s.impedance_ohm);
    assert_true(s.delivered_energy_mj < 0.9 * 300);
    assert_true(s.energy_balance_rel < 1e-6);
}

/* The Cole–Cole evaluation reproduces Gabriel 1996 at 1 MHz as the literature pack recomputed
 * it (rf_dielectric_thermal.csv: wet skin 0.221 S/m and ε_r 1833, dry skin 0.0132 and 991,
 * fat 0.0251 and 27). */
static void cole_cole_reproduces_gabriel_at_1_mhz(void **state)
{
    (void)state;
    mn_heat_tissue t;
    assert_int_equal(mn_heat_tissue_load(1.0, &t), MN_OK);
    assert_true(fabs(t.mat[MN_HMAT_DERMIS].sigma_s_m - 0.221) < 0.0015);
    assert_true(fabs(t.mat[MN_HMAT_DERMIS].eps_r - 1833) < 10);
    assert_true(fabs(t.mat[MN_HMAT_SC].sigma_s_m - 0.0132) < 0.0003);
    assert_true(fabs(t.mat[MN_HMAT_SC].eps_r - 991) < 10);
    assert_true(fabs(t.mat[MN_HMAT_SUBCUTIS].sigma_s_m - 0.0251) < 0.0003);
    assert_true(fabs(t.mat[MN_HMAT_SUBCUTIS].eps_r - 27) < 1);
    assert_int_equal(mn_heat_tissue_load(20.0, &t), MN_EINPUT);
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

/* A hotter epidermis (bare shallow needle, more energy, against the deep insulated reference)
 * carries a higher integrated skin-burn dose Ω, the quantity the clinic's burn rule reads. */
static void hotter_epidermis_raises_the_burn_risk(void **state)
{
    (void)state;
    mn_device_spec d = reference_device();
    mn_heat_summary cool = run(&d);
    d.set_depth_um = 500;
    d.insulated = false;
    d.energy_mj_per_needle = 60;
    mn_heat_summary hot = run(&d);
    assert_true(hot.epidermis_peak_temperature_c > cool.epidermis_peak_temperature_c + 5.0);
    assert_true(hot.epidermis_omega_skin > 10.0 * cool.epidermis_omega_skin);
    assert_true(hot.layer_peak_c[MN_HMAT_EPIDERMIS_ID] > cool.layer_peak_c[MN_HMAT_EPIDERMIS_ID]);
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
    assert_int_equal(mn_summary_add_thermal(session, &s), MN_OK);
    cJSON *t = cJSON_GetObjectItem(session, "thermal");
    assert_non_null(t);
    assert_true(cJSON_GetObjectItem(t, "peak_temperature_c")->valuedouble == s.peak_temperature_c);
    assert_non_null(cJSON_GetObjectItem(t, "epidermis_peak_temperature_c"));
    assert_non_null(cJSON_GetObjectItem(t, "damage_volume_fraction"));
    cJSON *z = cJSON_GetObjectItem(t, "coagulation_zone_um");
    assert_true(cJSON_GetObjectItem(z, "depth")->valuedouble == s.coagulation.bottom_um);
    assert_true(cJSON_GetObjectItem(z, "width")->valuedouble == s.coagulation.width_um);
    assert_true(cJSON_GetObjectItem(z, "volume_nl")->valuedouble == s.coagulation.volume_nl);
    /* the contract's lesion block (DESIGN.md sessions[].thermal) */
    cJSON *co = cJSON_GetObjectItem(t, "coagulation"), *ep = cJSON_GetObjectItem(t, "epidermis");
    cJSON *pk = cJSON_GetObjectItem(t, "peak_c");
    assert_true(co && ep && pk);
    cJSON *dr = cJSON_GetObjectItem(co, "depth_um");
    assert_true(cJSON_GetObjectItem(dr, "min")->valuedouble == s.coagulation.top_um);
    assert_true(cJSON_GetObjectItem(dr, "max")->valuedouble == s.coagulation.bottom_um);
    assert_true(cJSON_GetObjectItem(co, "width_max_um")->valuedouble == s.coagulation.width_um);
    assert_true(cJSON_GetObjectItem(co, "width_dej_um")->valuedouble == s.coagulation_width_dej_um);
    assert_true(cJSON_IsBool(cJSON_GetObjectItem(ep, "damaged")));
    assert_true(cJSON_GetObjectItem(ep, "omega_max")->valuedouble == s.epidermis_omega_skin);
    assert_true(cJSON_GetObjectItem(pk, "dermis")->valuedouble == s.peak_temperature_c);
    assert_null(cJSON_GetObjectItem(t, "epidermis_burn_risk")); /* judged once, by the clinic */
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
    assert_int_equal(mn_io_write_thermal_curve_csv(mf, r, 1, 1), MN_OK);
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
        cmocka_unit_test(frequency_changes_the_lesion_through_dispersion),
        cmocka_unit_test(low_energy_bare_needle_damages_the_epidermis_alone),
        cmocka_unit_test(split_pulse_with_cooling_coagulates_less),
        cmocka_unit_test(vaporisation_raises_the_impedance_and_ends_the_pulse),
        cmocka_unit_test(cole_cole_reproduces_gabriel_at_1_mhz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
