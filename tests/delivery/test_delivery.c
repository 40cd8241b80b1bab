/* Delivery through channels: physical facts the model must show. Punctures are built by hand
 * (a square lattice over a 1 × 1 mm patch) so the tests do not depend on the needling
 * generator. Skin column: 14 µm SC (16 corneocyte layers, the reference membrane of the
 * caffeine calibration), 80 µm viable epidermis, 1200 µm dermis, capillary loops at 244 µm. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/units.h"
#include "delivery/cell.h"
#include "delivery/delivery.h"
#include "delivery/delivery_impl.h"
#include "io/delivery_out.h"
#include "io/summary_delivery.h"
#include "delivery/permeability.h"

#include "delivery/fixtures.h"

static double past_sc_for(int n, double depth_um, double hours)
{
    mn_model m;
    mn_column c;
    make_case(&m, &c, true, false, hours);
    lattice *L = make_lattice(n, depth_um);
    mn_delivery_result *r = run_open_mouths(&m, &c, &L->p);
    double v = past_sc(r, false);
    mn_delivery_result_free(r);
    free(L);
    return v;
}

/* The pattern measure that sizes the cell: 25 separate discs of r = 50 µm in 1 mm² cover
 * 25·π·50² / 1e6 = 0.19635 of the surface, and their equivalent radius 2·area/perimeter is the
 * disc radius (Cauchy–Crofton correction of the raster edge count). Raster error < 2 %. */
static void pattern_of_separate_discs(void **state)
{
    (void)state;
    mn_model m;
    mn_column c;
    make_case(&m, &c, true, false, 1);
    lattice *L = make_lattice(5, 300);
    mn_channel_pattern pat;
    assert_int_equal(mn_channel_pattern_measure(&m, &c, &L->p, &pat), MN_OK);
    assert_float_equal(pat.area_fraction, 25 * MN_PI * 2500 / 1e6, 0.02 * 0.19635);
    assert_float_equal(pat.radius_um, NEEDLE_R_UM, 0.02 * NEEDLE_R_UM);
    assert_float_equal(pat.depth_um, 300, 1e-9);
    assert_float_equal(pat.punctures_per_cm2, 2500, 1e-9);
    mn_cell cell;
    assert_int_equal(mn_cell_plan(&c, &pat, 0, &cell), MN_OK);
    /* cell side r·sqrt(π/f) = 200 µm: the lattice spacing, as it must be for a square lattice */
    assert_float_equal(cell.side_um, 200.0, 0.02 * 200.0);
    /* the cell holds at least the patch's channel share, and the weight takes out the excess */
    assert_true(cell.channel_fraction >= pat.area_fraction);
    assert_float_equal(cell.weight * cell.channel_fraction, pat.area_fraction, 1e-12);
    free(L);
}

/* Without channels the model is the intact twin: enhancement exactly 1. */
static void no_channels_is_intact(void **state)
{
    (void)state;
    mn_model m;
    mn_column c;
    make_case(&m, &c, false, false, 2);
    lattice *L = make_lattice(3, 0); /* tissue_depth 0: nothing pierced */
    mn_delivery_result *r = run(&m, &c, &L->p);
    assert_float_equal(mn_delivery_get_enhancement_ratio(r), 1.0, 1e-12);
    mn_delivery_result_free(r);
    free(L);
}

/* The channels' own physics (their mouths not limited by the in-vivo wound surface, as in
 * excised skin; the in-vivo limit is wound_surface_limits_uptake_in_vivo below).
 * Depth and density, infinite dose, first hour (channels open, tau 0.67 h). Channels bypass the
 * SC, so any channel gives orders of magnitude more than intact skin (intact caffeine lag is
 * hours). Below the SC, an open channel of water (D_w·1 = 840 µm²/s) beside dermis
 * (K·D = 0.6·D_free = 134 µm²/s) raises the depth-averaged conductance of the treated layer
 * from 134 to 0.2·840 + 0.8·134 = 275 µm²/s (20 % open area): deeper channels add product
 * faster, but dermal clearance (1.2e-3 /s, permeation.md §5) limits how deep it goes
 * (sqrt(D/k) ≈ 0.5 mm), and none inside the channel lumen (it has no capillaries), so the gain
 * from 300 to 800 µm is modest (about 5 %); the test asks for a rise.
 * Four times the density (spacing 200 → 100 µm, open area 0.2 → 0.79) at least 1.3×. */
static void dose_grows_with_depth_and_density(void **state)
{
    (void)state;
    double d40 = past_sc_for(5, 40, 1), d300 = past_sc_for(5, 300, 1);
    double d800 = past_sc_for(5, 800, 1), dense = past_sc_for(10, 300, 1);
    print_message("past SC at 1 h (ug/cm2): depth 40 %.4g, 300 %.4g, 800 %.4g; "
                  "4x density at 300: %.4g\n",
                  d40, d300, d800, dense);
    assert_true(d300 > d40);
    assert_true(d800 > 1.01 * d300);
    assert_true(dense > 1.3 * d300);
    /* against intact skin */
    mn_model m;
    mn_column c;
    make_case(&m, &c, true, false, 1);
    lattice *L = make_lattice(5, 300);
    mn_delivery_result *r = run_open_mouths(&m, &c, &L->p);
    assert_true(mn_delivery_get_enhancement_ratio(r) > 100.0);
    mn_delivery_result_free(r);
    free(L);
}

static double flux_at(const mn_delivery_result *r, double t_h, bool intact)
{
    double t, fc, fi, o, best = INFINITY, v = NAN;
    for (size_t i = 1; i < mn_delivery_get_samples(r); i++) {
        assert_int_equal(mn_delivery_get_sample(r, i, &t, &fc, &fi, &o), MN_OK);
        if (fabs(t - t_h) < best)
            best = fabs(t - t_h), v = intact ? fi : fc;
    }
    return v;
}

/* (Channels' own physics, mouths not limited by the wound surface.)
 * Closure: uncovered channels are 95 % closed at 2 h (tau 0.67 h, channel_closure.md rows 1, 5),
 * occluded ones only at 72 h (tau 24 h, row 3b). Infinite dose, 10 h: the uncovered flux into
 * the skin at 10 h must be far below its value at 0.5 h (below a fifth), and below half of the
 * occluded flux at 10 h; the occluded half-life is over 10× the uncovered one. */
static void closing_channels_lower_late_flux(void **state)
{
    (void)state;
    mn_model m;
    mn_column c;
    make_case(&m, &c, true, false, 10);
    lattice *L = make_lattice(5, 500);
    mn_delivery_result *open = run_open_mouths(&m, &c, &L->p);
    m.product.occluded = true;
    mn_delivery_result *occ = run_open_mouths(&m, &c, &L->p);
    double early = flux_at(open, 0.5, false), late = flux_at(open, 10, false);
    double late_occ = flux_at(occ, 10, false);
    print_message("flux (ug/cm2/h): uncovered 0.5 h %.4g, 10 h %.4g; occluded 10 h %.4g\n", early,
                  late, late_occ);
    assert_true(late < 0.2 * early);
    assert_true(late < 0.5 * late_occ);
    assert_true(past_sc(occ, false) > past_sc(open, false));
    assert_true(mn_delivery_get_channel_half_life_h(occ) >
                10 * mn_delivery_get_channel_half_life_h(open));
    mn_delivery_result_free(open);
    mn_delivery_result_free(occ);
    free(L);
}

/* Intact twin, infinite dose of caffeine at 10 mg/mL, 24 h (several SC lag times): the flux into
 * the skin reaches the steady value kp·C of the calibrated permeability model for this column
 * (16 SC layers, 80 µm viable epidermis), within 5 %. This checks the field solution of the
 * layered column (partition jumps, layer mapping, clearance sink) against the closed form, not
 * the calibration (that is tests/delivery/permeability_cli.sh); Potts–Guy (permeation.md P1, 1.163
 * µg/cm²/h) is printed beside it and only required within the spread of the training data (a factor
 * 10). */
static void caffeine_intact_flux_matches_kp(void **state)
{
    (void)state;
    mn_model m;
    mn_column c;
    make_case(&m, &c, true, false, 24);
    lattice *L = make_lattice(2, 0); /* no channel: only the intact twin matters here */
    mn_delivery_result *r = run(&m, &c, &L->p);
    double pg = mn_potts_guy_kp_cm_h(194.19, -0.07) * 10.0 * 1000.0;
    assert_float_equal(pg, 1.163, 0.01);
    double fi = flux_at(r, 24, true);
    mn_solute caf = {194.19, -0.07, 8.4e-6, 0.63, NAN, MN_ACIDBASE_NEUTRAL, NAN};
    mn_permeability perm;
    assert_int_equal(mn_permeability_compute(&caf, 16, 80, 1200, MN_MEMBRANE_EPIDERMIS, &perm),
                     MN_OK);
    double kc = perm.kp_cm_h * 10.0 * 1000.0;
    print_message("intact caffeine flux at 24 h %.4g ug/cm2/h; model kp*C %.4g (ratio %.3f); "
                  "Potts-Guy %.4g\n",
                  fi, kc, fi / kc, pg);
    assert_true(fabs(fi / kc - 1.0) < 0.05);
    assert_true(kc / pg > 0.1 && kc / pg < 10.0);
    mn_delivery_result_free(r);
    free(L);
}

/* A finite dose (20 µL/cm² of 10 mg/mL = 200 µg/cm²) applied before needling (the needles
 * carry some into the channels) is conserved: applied = left in the donor + in SC, epidermis,
 * dermis + cleared to the systemic compartment, to 1e-9 relative, in both models. */
static void finite_dose_is_conserved(void **state)
{
    (void)state;
    mn_model m;
    mn_column c;
    make_case(&m, &c, false, true, 12);
    m.product.applied = MN_APPLIED_BEFORE;
    lattice *L = make_lattice(6, 400); /* channel fluid 0.28 × 400 µm < the 200 µm film */
    mn_delivery_result *r = run(&m, &c, &L->p);
    double applied = mn_delivery_get_applied(r);
    assert_float_equal(applied, 200.0, 1e-12);
    for (int intact = 0; intact < 2; intact++) {
        double sum = mn_delivery_get_remaining(r, intact);
        for (int l = 0; l < 4; l++)
            sum += mn_delivery_get_dose(r, (mn_dose_layer)l, intact);
        print_message("balance %s: %.3e\n", intact ? "intact" : "channels",
                      fabs(sum - applied) / applied);
        assert_true(fabs(sum - applied) / applied < 1e-9);
    }
    assert_true(mn_delivery_get_dose(r, MN_DOSE_SYSTEMIC, false) > 0);
    mn_delivery_result_free(r);
    /* Channels deeper than the film can fill (0.28 × 1000 µm > 200 µm): the film's product is
     * spread over them, still conserved. */
    free(L);
    L = make_lattice(6, 1000);
    r = run(&m, &c, &L->p);
    double sum = mn_delivery_get_remaining(r, false);
    for (int l = 0; l < 4; l++)
        sum += mn_delivery_get_dose(r, (mn_dose_layer)l, false);
    assert_true(fabs(sum - applied) / applied < 1e-9);
    mn_delivery_result_free(r);
    free(L);
}

/* An uncovered finite film loses its water (28 µL/cm²/h: 20 µL/cm² dry at 0.714 h) and then
 * feeds nothing: the amount that entered the skin stops growing at the drying time, while the
 * same film occluded keeps feeding. Caffeine at 100 mg/mL is above its solubility (21.6 mg/mL,
 * products.csv): the excess is a deposit that redissolves while the film is wet. Every output
 * row balances: applied = film + deposit + SC + epidermis + dermis + cleared, to 1e-9. */
static void uncovered_film_dries_and_stops_feeding(void **state)
{
    (void)state;
    double grow[2][2]; /* [occluded][intact]: entered at 6 h / entered at drying */
    for (int occ = 0; occ < 2; occ++) {
        mn_model m;
        mn_column c;
        make_case(&m, &c, false, occ, 6);
        m.product.concentration_mg_ml = 100;
        lattice *L = make_lattice(5, 400);
        mn_delivery_result *r = run(&m, &c, &L->p);
        const double applied = mn_delivery_get_applied(r), t_dry = 20.0 / 28.0;
        assert_float_equal(applied, 2000.0, 1e-9);
        if (!occ)
            assert_float_equal(r->film_dry_h, t_dry, 1e-12);
        else
            assert_true(isinf(r->film_dry_h));
        double worst = 0, at_dry[2] = {NAN, NAN};
        for (size_t i = 0; i < r->nsamples; i++) {
            const mn_delivery_sample *q = &r->samples[i];
            for (int in = 0; in < 2; in++) {
                const double *a = in ? q->amount_in : q->amount_ch;
                double sum = 0;
                for (int g = AM_DONOR; g <= AM_SYSTEMIC; g++)
                    sum += a[g];
                worst = fmax(worst, fabs(sum - applied) / applied);
                if (q->t_h > t_dry - 1e-9 && isnan(at_dry[in])) /* occluded: first row after */
                    at_dry[in] = in ? q->entered_in : q->entered_ch;
            }
        }
        assert_true(worst < 1e-9);
        const mn_delivery_sample *e = &r->samples[r->nsamples - 1];
        grow[occ][0] = e->entered_ch / at_dry[0];
        grow[occ][1] = e->entered_in / at_dry[1];
        print_message("%s: balance %.2e, entered ch %.7g -> %.7g, intact %.7g -> %.7g ug/cm2\n",
                      occ ? "occluded" : "uncovered", worst, at_dry[0], e->entered_ch, at_dry[1],
                      e->entered_in);
        mn_delivery_result_free(r);
        free(L);
    }
    for (int in = 0; in < 2; in++) {
        assert_true(fabs(grow[0][in] - 1.0) < 1e-4); /* dry: nothing more enters */
        assert_true(grow[1][in] > (in ? 2.0 : 1.1)); /* occluded: the film keeps feeding */
    }
}

/* (Channels' own physics, mouths not limited by the wound surface.)
 * What the living layers saw: in vivo a small solute that reaches the dermis through channels
 * is cleared within hours, so the dermis dose at the end of a 12 h application is a small part
 * of its peak (here < 1/10); the peak comes early (< 2 h) and is far above intact skin's; the
 * area under the curve is at least peak × (time above half of it) > 0. Only the epidermis and
 * the dermis have an exposure. */
static void exposure_reports_the_peak_not_only_the_end(void **state)
{
    (void)state;
    mn_model m;
    mn_column c;
    make_case(&m, &c, false, false, 12);
    lattice *L = make_lattice(5, 400);
    mn_delivery_result *r = run_open_mouths(&m, &c, &L->p);
    mn_delivery_exposure e, ei;
    assert_int_equal(mn_delivery_get_exposure(r, MN_DOSE_DERMIS, false, &e), MN_OK);
    assert_int_equal(mn_delivery_get_exposure(r, MN_DOSE_DERMIS, true, &ei), MN_OK);
    double end = mn_delivery_get_dose(r, MN_DOSE_DERMIS, false);
    print_message("dermis: peak %.4g ug/cm2 at %.3g h, AUC %.4g ug h/cm2, end %.4g; intact peak "
                  "%.4g\n",
                  e.peak_ug_cm2, e.peak_h, e.auc_ug_h_cm2, end, ei.peak_ug_cm2);
    assert_true(e.peak_ug_cm2 > 10.0 * end);
    assert_true(e.peak_h > 0 && e.peak_h < 2.0);
    assert_true(e.peak_ug_cm2 > 10.0 * ei.peak_ug_cm2);
    assert_true(e.auc_ug_h_cm2 > 0.0 && e.auc_ug_h_cm2 < e.peak_ug_cm2 * 12.0);
    assert_int_equal(mn_delivery_get_exposure(r, MN_DOSE_SYSTEMIC, false, &e), MN_EINPUT);
    mn_delivery_result_free(r);
    free(L);
}

/* A bled channel holds clotted blood: its red cells (haematocrit 0.42) are obstacles, Maxwell's
 * 2(1 − φ)/(2 + φ) = 0.48 on top of the fibrin factor. With every puncture bled, an infinite
 * caffeine dose sends less past the SC in the first 15 min than through channels of tissue
 * fluid (channels 1000 µm deep: the channel fluid carries the early flux). */
static void clotted_channels_pass_less_than_fluid_filled_ones(void **state)
{
    (void)state;
    double past[2];
    for (int bled = 0; bled < 2; bled++) {
        mn_model m;
        mn_column c;
        make_case(&m, &c, true, false, 0.25);
        lattice *L = make_lattice(5, 1000);
        for (size_t i = 0; i < L->p.n; i++)
            L->bleeds[i] = (unsigned char)bled;
        mn_delivery_result *r = run(&m, &c, &L->p);
        past[bled] = past_sc(r, false);
        mn_delivery_result_free(r);
        free(L);
    }
    print_message("past the SC at 0.25 h: fluid %.4g, clot %.4g ug/cm2\n", past[0], past[1]);
    assert_true(past[1] < 0.8 * past[0]);
    assert_true(past[1] > 0.2 * past[0]);
}

/* The resource guard refuses a grid over the budget before allocating, naming the grid size
 * (voxels per axis) and the memory it needs. */
static void resource_guard_refuses_large_grids(void **state)
{
    (void)state;
    mn_model m;
    mn_column c;
    make_case(&m, &c, true, false, 1);
    lattice *L = make_lattice(2, 300);
    mn_delivery_options opt;
    mn_delivery_options_default(&opt);
    opt.max_memory_bytes = 100000;
    size_t need;
    long dims[3];
    assert_int_equal(mn_delivery_memory_needed(&m, &c, &L->p, &opt, &need, dims), MN_OK);
    assert_true(need > opt.max_memory_bytes);
    mn_delivery_result *r = NULL;
    assert_int_equal(mn_delivery_run(&m, &c, &L->p, &opt, &r), MN_EINPUT);
    assert_null(r);
    char grid[64], mb[64];
    snprintf(grid, sizeof grid, "%ld x %ld x %ld voxels", dims[0], dims[1], dims[2]);
    snprintf(mb, sizeof mb, "needs %.3g MB", need / 1e6);
    print_message("%s\n", mn_last_error());
    assert_non_null(strstr(mn_last_error(), grid));
    assert_non_null(strstr(mn_last_error(), mb));
    free(L);
}

/* Outputs: delivery.csv has one row per sample with the contract columns, the profiles file
 * holds every layer at each profile time, the VTI files are well-formed XML (parsed by
 * python3) with the cell's extent, and the summary block has exactly the DESIGN.md keys. */
static void outputs_are_complete(void **state)
{
    (void)state;
    mn_model m;
    mn_column c;
    make_case(&m, &c, false, false, 2);
    m.output.n_field_times = 2;
    m.output.field_times_h[0] = 0.5, m.output.field_times_h[1] = 2;
    lattice *L = make_lattice(5, 300);
    mn_delivery_result *r = run(&m, &c, &L->p);
    char dir[] = "delivery_out_XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(mn_io_write_delivery_csv(r, dir), MN_OK);
    assert_int_equal(mn_io_write_delivery_fields(r, dir), MN_OK);
    char cmd[2048];
    snprintf(
        cmd, sizeof cmd,
        "python3 - '%s' %zu <<'PY'\n"
        "import csv, sys, xml.etree.ElementTree as ET\n"
        "d, n = sys.argv[1], int(sys.argv[2])\n"
        "rows = list(csv.DictReader(l for l in open(d + '/delivery.csv') if l[0] != '#'))\n"
        "assert len(rows) == n, (len(rows), n)\n"
        "for k in ('time_h', 'flux_ug_cm2_h', 'open_channel_fraction', "
        "'stratum_corneum_ug_cm2', 'epidermis_ug_cm2', 'dermis_ug_cm2', 'systemic_ug_cm2', "
        "'intact_flux_ug_cm2_h', 'intact_dermis_ug_cm2'):\n"
        "    assert k in rows[0], k\n"
        "assert float(rows[-1]['time_h']) == 2.0 and rows[0]['session'] == '1'\n"
        "prof = list(csv.DictReader(l for l in open(d + '/delivery_profiles.csv') "
        "if l[0] != '#'))\n"
        "assert {float(p['time_h']) for p in prof} >= {0.5, 1.0, 2.0}\n"
        "d0 = [p for p in prof if p['layer'] == 'dermis' and p['time_h'] == prof[0]['time_h']]\n"
        "assert float(d0[0]['concentration_ug_ml']) > 100 * "
        "float(d0[0]['intact_concentration_ug_ml'])\n"
        "float(prof[0]['intact_concentration_ug_ml'])\n"
        "for t in ('0.5', '2'):\n"
        "    root = ET.parse(d + '/fields/delivery_s1_' + t + 'h.vti').getroot()\n"
        "    assert root.tag == 'VTKFile' and root.get('type') == 'ImageData'\n"
        "    img = root.find('ImageData')\n"
        "    ext = [int(v) for v in img.get('WholeExtent').split()]\n"
        "    assert ext[1] == ext[3] > 0 and ext[5] > 0, ext\n"
        "    names = [a.get('Name') for a in img.iter('DataArray')]\n"
        "    assert names == ['concentration_ug_ml', 'channel'], names\n"
        "PY",
        dir, mn_delivery_get_samples(r));
    assert_int_equal(system(cmd), 0);

    cJSON *session = cJSON_CreateObject();
    assert_int_equal(mn_summary_add_delivery(session, r), MN_OK);
    cJSON *d = cJSON_GetObjectItem(session, "delivery");
    const char *keys[] = {
        "product",    "dose_ug_per_cm2",     "intact_dose_ug_per_cm2", "enhancement_ratio",
        "lag_time_h", "channel_half_life_h", "enhancement_definition"};
    int nk = 0;
    for (cJSON *it = d->child; it && nk < 7; it = it->next, nk++)
        assert_string_equal(it->string, keys[nk]);
    assert_int_equal(nk, 7);
    assert_null(cJSON_GetObjectItem(d, "receptor_ug_per_cm2")); /* Franz-cell keys only */
    assert_string_equal(cJSON_GetObjectItem(d, "enhancement_definition")->valuestring,
                        "past_stratum_corneum");
    const char *layers[] = {"stratum_corneum", "epidermis", "dermis", "systemic"};
    for (int b = 0; b < 2; b++) {
        cJSON *o = cJSON_GetObjectItem(d, b ? "intact_dose_ug_per_cm2" : "dose_ug_per_cm2");
        int nl = 0;
        for (cJSON *it = o->child; it; it = it->next, nl++)
            assert_string_equal(it->string, layers[nl]);
        assert_int_equal(nl, 4);
    }
    cJSON_Delete(session);
    mn_delivery_result *first = r;

    /* Insulin: no route through intact SC in the model (no lipid route, lamellae closed), so
     * intact skin delivers nothing and the ratio is not a finite number: JSON null. */
    strcpy(m.product.name, "insulin");
    m.product.duration_h = 0.5, m.output.n_field_times = 0;
    L->p.session = 2;
    r = run(&m, &c, &L->p);
    /* both sessions in one delivery.csv, told apart by the session column */
    const mn_delivery_result *both[2] = {first, r};
    assert_int_equal(mn_io_write_delivery_csv_sessions(both, 2, dir), MN_OK);
    snprintf(cmd, sizeof cmd,
             "python3 - '%s' %zu <<'PY'\n"
             "import csv, sys\n"
             "rows = list(csv.DictReader(l for l in open(sys.argv[1] + '/delivery.csv') "
             "if l[0] != '#'))\n"
             "assert len(rows) == int(sys.argv[2]), len(rows)\n"
             "assert [r['session'] for r in rows].count('2') == %zu\n"
             "PY",
             dir, mn_delivery_get_samples(first) + mn_delivery_get_samples(r),
             mn_delivery_get_samples(r));
    assert_int_equal(system(cmd), 0);
    mn_delivery_result_free(first);
    assert_true(mn_delivery_get_dose(r, MN_DOSE_EPIDERMIS, false) > 0);
    assert_true(mn_delivery_get_dose(r, MN_DOSE_EPIDERMIS, true) == 0);
    session = cJSON_CreateObject();
    assert_int_equal(mn_summary_add_delivery(session, r), MN_OK);
    char *text = cJSON_PrintUnformatted(session);
    assert_non_null(strstr(text, "\"enhancement_ratio\":null"));
    cJSON_free(text);
    cJSON_Delete(session);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    mn_delivery_result_free(r);
    free(L);
}

/* In vivo the mouths of the channels pass only what a wounded skin surface takes up
 * (WOUND_P_CM_H, from serum lidocaine after fractional and full facial ablation being nearly
 * equal: Oni 2013). Caffeine 10 mg/mL, infinite dose, 1 h, 25 channels/mm² of 50 µm (open area
 * 0.196): uptake no longer depends on channel depth (300 vs 800 µm within 5 %), it stays above
 * intact skin's, and it is far below what open mouths would pass (< 1/5). The bound: the
 * entered amount is at most what the upper end of the measured wound conductance, 1.25e-2 cm/h,
 * passes over the open area in an hour plus what intact skin takes up over the rest. */
static void wound_surface_limits_uptake_in_vivo(void **state)
{
    (void)state;
    mn_model m;
    mn_column c;
    make_case(&m, &c, true, false, 1);
    lattice *L3 = make_lattice(5, 300), *L8 = make_lattice(5, 800);
    mn_delivery_result *r3 = run(&m, &c, &L3->p), *r8 = run(&m, &c, &L8->p);
    mn_delivery_result *o3 = run_open_mouths(&m, &c, &L3->p);
    const mn_delivery_sample *e3 = &r3->samples[r3->nsamples - 1];
    const mn_delivery_sample *e8 = &r8->samples[r8->nsamples - 1];
    const mn_delivery_sample *eo = &o3->samples[o3->nsamples - 1];
    double bound = 1.25e-2 * 10e3 * 1.0 * 0.2 + e3->entered_in; /* cm/h · µg/cm³ · h */
    print_message("entered at 1 h (ug/cm2): 300 um %.4g, 800 um %.4g, open mouths %.4g, intact "
                  "%.4g; bound %.4g\n",
                  e3->entered_ch, e8->entered_ch, eo->entered_ch, e3->entered_in, bound);
    assert_true(fabs(e8->entered_ch / e3->entered_ch - 1.0) < 0.05);
    assert_true(e3->entered_ch > 1.2 * e3->entered_in);
    assert_true(e3->entered_ch < 0.2 * eo->entered_ch);
    assert_true(e3->entered_ch < bound);
    mn_delivery_result_free(r3);
    mn_delivery_result_free(r8);
    mn_delivery_result_free(o3);
    free(L3);
    free(L8);
}

/* A bleeding channel passes nothing inward while it bleeds (outflow, Péclet ≫ 1), for the
 * bleeding time of a prick (3 min); then its plugged mouth passes what every mouth passes.
 * Caffeine 10 mg/mL, infinite dose, every puncture bled vs none: over the first 3 min the bled
 * channels add nothing over intact skin (entered within 5 % of intact: a closed channel keeps the
 * SC's conductance K·D but the channel fluid's capacity K = 1, so the SC's early uptake differs
 * by a few per cent), the unbled ones do;
 * by 1 h the bled lattice has caught up to within the clot's slower diffusion (> 0.5 of
 * unbled). With seal_bled_channels the bled lattice takes up no more than intact skin (a little
 * less, by the capacity difference above over the 20 % of the surface the channels cover). */
static void bleeding_channels_pass_nothing_while_they_bleed(void **state)
{
    (void)state;
    mn_model m;
    mn_column c;
    double v[3][2];
    for (int h = 0; h < 2; h++) {
        make_case(&m, &c, true, false, h ? 1.0 : 0.05);
        lattice *Ln = make_lattice(5, 300), *Lb = make_lattice(5, 300);
        memset(Lb->bleeds, 1, sizeof Lb->bleeds);
        mn_delivery_options o;
        mn_delivery_options_default(&o);
        o.seal_bled_channels = true;
        mn_delivery_result *rn = run(&m, &c, &Ln->p), *rb = run(&m, &c, &Lb->p);
        mn_delivery_result *rs = run_opt(&m, &c, &Lb->p, &o);
        v[0][h] = rn->samples[rn->nsamples - 1].entered_ch;
        v[1][h] = rb->samples[rb->nsamples - 1].entered_ch;
        v[2][h] = rs->samples[rs->nsamples - 1].entered_ch;
        double in = rb->samples[rb->nsamples - 1].entered_in;
        print_message("%s: entered unbled %.4g, bled %.4g, bled and sealed %.4g, intact %.4g "
                      "ug/cm2\n",
                      h ? "1 h" : "3 min", v[0][h], v[1][h], v[2][h], in);
        if (h == 0) {
            assert_true(fabs(v[1][0] / in - 1.0) < 0.05);
            assert_true(v[0][0] > 1.2 * in);
        } else {
            assert_true(v[1][1] > 0.5 * v[0][1] && v[1][1] < v[0][1]);
            assert_true(v[2][1] <= in && v[2][1] > 0.85 * in);
        }
        mn_delivery_result_free(rn);
        mn_delivery_result_free(rb);
        mn_delivery_result_free(rs);
        free(Ln);
        free(Lb);
    }
}

/* Applied before needling, the needles carry film solution into the channels; in vivo the
 * lumen of a bled channel is flushed back to the surface while it bleeds (the same outflow that
 * blocks inward diffusion). At t = 0 the skin under an all-bled lattice holds nothing, under an
 * unbled one the carried product (57 % of the film concentration in the channel lumen); in both
 * the applied dose is conserved exactly. */
static void bleeding_flushes_what_the_needles_carried(void **state)
{
    (void)state;
    double held[2];
    for (int bled = 0; bled < 2; bled++) {
        mn_model m;
        mn_column c;
        make_case(&m, &c, false, false, 0.1);
        m.product.applied = MN_APPLIED_BEFORE;
        lattice *L = make_lattice(5, 300);
        memset(L->bleeds, bled, sizeof L->bleeds);
        mn_delivery_result *r = run(&m, &c, &L->p);
        const mn_delivery_sample *q = &r->samples[0], *e = &r->samples[r->nsamples - 1];
        held[bled] = q->amount_ch[AM_SC] + q->amount_ch[AM_EPIDERMIS] + q->amount_ch[AM_DERMIS];
        for (const mn_delivery_sample *x = q; x <= e; x += e - q) {
            double sum = 0;
            for (int a = 0; a < AM_N; a++)
                sum += x->amount_ch[a];
            assert_true(fabs(sum - r->applied) < 1e-9 * r->applied);
        }
        mn_delivery_result_free(r);
        free(L);
    }
    print_message("carried into the skin at t = 0: unbled %.4g, bled %.4g ug/cm2\n", held[0],
                  held[1]);
    assert_true(held[0] > 1.0);
    assert_true(held[1] == 0.0);
}

/* Shallow needling (a 0.25 mm pen): the punctures stay in the viable epidermis (avascular: no
 * vessel to bleed or weep) and leave open only a small hole through the SC. Such a dry
 * perforation is not the wound surface the in-vivo limit was derived from (laser ablation into
 * the dermis, Oni 2013), so it must pass as an open pore: the run equals the one with the wound
 * limit lifted, and a hydrophilic small molecule (caffeine 10 mg/mL, 20 uL/cm2 serum, uncovered,
 * 24 h) gets a real gain past the SC. The same holes counted as wounds into the dermis must pass
 * less (the limit then acts), and a hole that ends inside the SC is no path at all (ratio 1).
 * The bounds: > 1.5 (the first version gave 1.003 here: the limit capped the dry holes, and the
 * representative channel ended inside the SC) and < 100 (published gains for small hydrophilic
 * drugs after solid microneedles, with occlusion and hours of open channels, are 10-100;
 * docs/validation/delivery.md); the pattern's wound share is 0 / 1. */
static lattice *shallow_holes(int layer, double channel_depth_um, double *cd, double *cdiam)
{
    lattice *L = make_lattice(8, 60); /* 6,400 /cm2, 60 um into the viable epidermis */
    for (int k = 0; k < 64; k++)
        cd[k] = channel_depth_um, cdiam[k] = 8.0, L->layer[k] = (unsigned char)layer;
    L->p.channel_depth_um = cd, L->p.channel_diameter_um = cdiam;
    return L;
}

static void shallow_dry_perforations_pass_as_open_pores(void **state)
{
    (void)state;
    mn_model m;
    mn_column c;
    make_case(&m, &c, false, false, 24);
    double cd[3][64], cdiam[3][64];
    lattice *Ld = shallow_holes(2, c.sc_um, cd[0], cdiam[0]);
    lattice *Lw = shallow_holes(3, c.sc_um, cd[1], cdiam[1]);
    lattice *Ls = shallow_holes(2, 0.5 * c.sc_um, cd[2], cdiam[2]);
    mn_channel_pattern pd, pw, ps;
    assert_int_equal(mn_channel_pattern_measure(&m, &c, &Ld->p, &pd), MN_OK);
    assert_int_equal(mn_channel_pattern_measure(&m, &c, &Lw->p, &pw), MN_OK);
    assert_int_equal(mn_channel_pattern_measure(&m, &c, &Ls->p, &ps), MN_OK);
    assert_true(pd.wound_fraction == 0.0 && pw.wound_fraction == 1.0);
    assert_true(ps.area_fraction == 0.0);
    mn_delivery_result *dry = run(&m, &c, &Ld->p), *open = run_open_mouths(&m, &c, &Ld->p);
    mn_delivery_result *wound = run(&m, &c, &Lw->p), *shal = run(&m, &c, &Ls->p);
    double er = mn_delivery_get_enhancement_ratio(dry);
    double erw = mn_delivery_get_enhancement_ratio(wound);
    mn_delivery_exposure ed, ei;
    assert_int_equal(mn_delivery_get_exposure(dry, MN_DOSE_EPIDERMIS, false, &ed), MN_OK);
    assert_int_equal(mn_delivery_get_exposure(dry, MN_DOSE_EPIDERMIS, true, &ei), MN_OK);
    print_message("open area %.3g: enhancement dry %.4g, as wounds %.4g, holes inside the SC "
                  "%.4g; systemic %.4g of %.4g ug/cm2; epidermis peak %.4g vs intact %.4g\n",
                  pd.area_fraction, er, erw, mn_delivery_get_enhancement_ratio(shal),
                  mn_delivery_get_dose(dry, MN_DOSE_SYSTEMIC, false), mn_delivery_get_applied(dry),
                  ed.peak_ug_cm2, ei.peak_ug_cm2);
    assert_true(past_sc(dry, false) == past_sc(open, false));
    assert_true(er > 1.5 && er < 100.0);
    assert_true(erw < 0.8 * er);
    assert_true(mn_delivery_get_enhancement_ratio(shal) == 1.0);
    assert_true(ed.peak_ug_cm2 > 3.0 * ei.peak_ug_cm2);
    mn_delivery_result_free(dry);
    mn_delivery_result_free(open);
    mn_delivery_result_free(wound);
    mn_delivery_result_free(shal);
    free(Ld);
    free(Lw);
    free(Ls);
}

/* The wound share is by open area (the mouths pass in parallel): of 64 holes, the 32 whose
 * punctures reached the dermis with twice the radius of the 32 that stayed in the epidermis
 * hold 4/5 of the open area (4 r² against r²); with equal radii, one half. */
static void wound_fraction_is_by_open_area(void **state)
{
    (void)state;
    mn_model m;
    mn_column c;
    make_case(&m, &c, false, false, 1);
    double cd[64], cdiam[64];
    lattice *L = shallow_holes(2, c.sc_um, cd, cdiam);
    for (int k = 0; k < 64; k += 2)
        L->layer[k] = 3, cdiam[k] = 16.0;
    mn_channel_pattern pat;
    assert_int_equal(mn_channel_pattern_measure(&m, &c, &L->p, &pat), MN_OK);
    assert_float_equal(pat.wound_fraction, 0.8, 1e-12);
    for (int k = 0; k < 64; k += 2)
        cdiam[k] = 8.0;
    assert_int_equal(mn_channel_pattern_measure(&m, &c, &L->p, &pat), MN_OK);
    assert_float_equal(pat.wound_fraction, 0.5, 1e-12);
    free(L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pattern_of_separate_discs),
        cmocka_unit_test(no_channels_is_intact),
        cmocka_unit_test(dose_grows_with_depth_and_density),
        cmocka_unit_test(closing_channels_lower_late_flux),
        cmocka_unit_test(caffeine_intact_flux_matches_kp),
        cmocka_unit_test(finite_dose_is_conserved),
        cmocka_unit_test(uncovered_film_dries_and_stops_feeding),
        cmocka_unit_test(exposure_reports_the_peak_not_only_the_end),
        cmocka_unit_test(wound_surface_limits_uptake_in_vivo),
        cmocka_unit_test(bleeding_channels_pass_nothing_while_they_bleed),
        cmocka_unit_test(bleeding_flushes_what_the_needles_carried),
        cmocka_unit_test(shallow_dry_perforations_pass_as_open_pores),
        cmocka_unit_test(wound_fraction_is_by_open_area),
        cmocka_unit_test(clotted_channels_pass_less_than_fluid_filled_ones),
        cmocka_unit_test(resource_guard_refuses_large_grids),
        cmocka_unit_test(outputs_are_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
