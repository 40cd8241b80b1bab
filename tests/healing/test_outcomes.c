/* Healing outcomes required by issue 14: injury at needle scale with diminishing returns, a
 * bounded epidermis with its own dynamics, elastin apart from collagen, patient and product
 * modifiers, RF downtime, erythema starting at each session, PIH and the clinical score. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/error.h"
#include "healing/healing_internal.h"
#include "healing_fixture.h"

static mn_healing_params params(void)
{
    mn_healing_params p;
    assert_int_equal(mn_healing_params_default(&p), MN_OK);
    return p;
}

static mn_healing_result *course_pat(const mn_healing_params *p, const mn_patient *pat,
                                     const mn_healing_injury *inj, int n, double interval,
                                     double end_day)
{
    mn_column col = fixture_cheek();
    double days[16];
    mn_healing_injury injs[16];
    for (int s = 0; s < n; s++) {
        days[s] = s * interval;
        injs[s] = *inj;
    }
    mn_healing_result *r = NULL;
    if (mn_healing_course_run(p, pat, &col, days, injs, n, end_day, &r) != MN_OK)
        fail_msg("%s", mn_last_error());
    return r;
}

static mn_healing_outcome outcome_of(const mn_healing_params *p, const mn_patient *pat,
                                     const mn_healing_injury *inj, int n)
{
    mn_healing_result *r = course_pat(p, pat, inj, n, 28, 28.0 * (n - 1) + 365);
    mn_healing_outcome o;
    mn_healing_result_outcome(r, &o);
    mn_healing_result_free(r);
    return o;
}

static double mean_wound(const mn_healing_injury *inj)
{
    double m = 0;
    for (int k = 0; k < MN_HEALING_NZ; k++)
        m += inj->wound_fraction[k];
    return m / MN_HEALING_NZ;
}

/* 5, 10, 15 roller passes and pens at 1000, 2000, 4000 punctures/cm², on the needles' real
 * shape (0.25 mm shaft over the needling stage's taper): each step wounds more tissue and gives more
 * collagen at day 90, and the second doubling gains less than the first (diminishing returns,
 * not a ceiling at a few dozen punctures/cm²). With the previous inflammatory anchor the pen
 * steps all gave the same collagen (docs/validation/healing.md). */
static void density_more_injury_diminishing_returns(void **state)
{
    mn_healing_params p = params();
    mn_patient pat = fixture_patient(40);
    double per_pass = 192.0 / 12.566;
    double sets[2][3] = {{5 * per_pass, 10 * per_pass, 15 * per_pass}, {1000, 2000, 4000}};
    for (int d = 0; d < 2; d++) {
        double w[3], c[3];
        for (int i = 0; i < 3; i++) {
            mn_healing_injury inj = fixture_real_needles(sets[d][i], 125, 1275);
            w[i] = mean_wound(&inj);
            c[i] = outcome_of(&p, &pat, &inj, 1).collagen_change_percent[1];
        }
        for (int i = 0; i < 2; i++) {
            if (!(w[i + 1] > w[i]) || !(c[i + 1] > c[i] + 0.5))
                fail_msg("device %d step %d: wound %.4f -> %.4f, collagen %.2f -> %.2f", d, i, w[i],
                         w[i + 1], c[i], c[i + 1]);
        }
        if (!(c[2] - c[1] < c[1] - c[0]))
            fail_msg("device %d: no diminishing returns %.2f %.2f %.2f", d, c[0], c[1], c[2]);
    }
}

/* Fibroblasts die in the wounded (channel) volume only: 15 roller passes wound a few per cent
 * of the needled dermis, not all of it. */
static void fibroblast_loss_from_wounded_volume(void **state)
{
    mn_healing_injury inj = fixture_injury(1.5, FIXTURE_ROLLER_PER_CM2, 125);
    assert_true(inj.wound_fraction[0] < 0.2);
    assert_true(inj.wound_fraction[0] > 0.0);
    /* deeper cells hold the narrow tips of the cones: less wounded */
    assert_true(inj.wound_fraction[10] < inj.wound_fraction[0]);
}

/* The needling stage reports relaxed-skin depths: a needle pushed in under the device's face
 * spans depth_stretch times its cone length once the skin relaxes (src/needling). The wound
 * follows that stretched cone: with a stretch of 1.25 the narrow tip part reaches further up,
 * so the cells just above the depth reached hold less wounded volume, the cells above the cone
 * (the shaft's cylinder) hold the same, and the result equals a stretch of 1 with the taper
 * divided by 1.25. An unset stretch (0) counts as 1. */
static mn_healing_injury needles_stretched(double taper, double stretch)
{
    mn_column c = fixture_cheek();
    enum { N = 500 };
    double d[N];
    unsigned char layer[N], bleeds[N];
    for (size_t i = 0; i < N; i++) {
        d[i] = 1100.0;
        layer[i] = MN_LAYER_DERMIS;
        bleeds[i] = 1;
    }
    mn_punctures p = {0};
    p.n = N;
    p.tissue_depth_um = d;
    p.layer = layer;
    p.bleeds = bleeds;
    p.needle_radius_um = 125;
    p.tip_radius_um = 4;
    p.taper_tan = taper;
    p.depth_stretch = stretch;
    mn_healing_injury inj;
    assert_int_equal(mn_healing_injury_from_punctures(&p, &c, 25e6, &inj), MN_OK);
    return inj;
}

static void depth_stretch_lengthens_the_cone(void **state)
{
    const double taper = 121.0 / 770.0;
    mn_healing_injury one = needles_stretched(taper, 1.0), unset = needles_stretched(taper, 0.0);
    mn_healing_injury st = needles_stretched(taper, 1.25);
    mn_healing_injury same = needles_stretched(taper / 1.25, 1.0);
    /* dermis cells of 47.9 um from 87 um: depth 1100 um is in cell 21; the cone (770 um, or
     * 962 um stretched) starts in cell 5 (or 1); cell 0 is shaft in both */
    assert_float_equal(st.wound_fraction[0], one.wound_fraction[0], 1e-12);
    for (int k = 10; k <= 20; k++)
        if (!(st.wound_fraction[k] < one.wound_fraction[k]))
            fail_msg("cell %d: stretched %g, unstretched %g", k, st.wound_fraction[k],
                     one.wound_fraction[k]);
    for (int k = 0; k < MN_HEALING_NZ; k++) {
        assert_float_equal(st.wound_fraction[k], same.wound_fraction[k], 1e-12);
        assert_float_equal(unset.wound_fraction[k], one.wound_fraction[k], 1e-12);
    }
}

/* The epidermis never exceeds its stated bound (epi_max_rel) even for six dense sessions, and
 * returns toward baseline after the course: thinner at day 365 than at its peak. */
static void epidermis_bounded_and_returns(void **state)
{
    mn_healing_params p = params();
    mn_patient pat = fixture_patient(30);
    mn_column col = fixture_cheek();
    mn_healing_injury inj = fixture_injury(2.0, 4000, 125);
    mn_healing_result *r = course_pat(&p, &pat, &inj, 6, 14, 70 + 365);
    size_t n = mn_healing_result_timeline_rows(r);
    const double *tl = mn_healing_result_timeline(r);
    double peak = 0, last = tl[(n - 1) * MN_TL_NCOL + MN_TL_EPIDERMIS_UM];
    for (size_t i = 0; i < n; i++) {
        double e = tl[i * MN_TL_NCOL + MN_TL_EPIDERMIS_UM];
        assert_true(e <= col.viable_epidermis_um * (1.0 + p.epi_max_rel) + 1e-9);
        peak = e > peak ? e : peak;
    }
    assert_true(last < peak - 0.1 * (peak - col.viable_epidermis_um));
    mn_healing_result_free(r);
}

/* The epidermis tells treatments apart (issue 14, the epidermis no longer at its ceiling for
 * every course): a light course (one session at 0.5 mm) thickens it clearly less than an
 * intensive one (six sessions at 2.0 mm) at every reported day, both stay below the cited
 * ceiling epi_max_rel with room to spare (the ceiling is not the typical value), and the
 * intensive course returns toward baseline: day 365 well below its level 30 days after the
 * last session. */
static void epidermis_tells_courses_apart(void **state)
{
    mn_healing_params p = params();
    mn_patient pat = fixture_patient(35);
    mn_column col = fixture_cheek();
    mn_healing_injury light = fixture_real_needles(2000, 125, 425);
    mn_healing_injury dense = fixture_real_needles(9360, 125, 1700);
    mn_healing_result *rl = course_pat(&p, &pat, &light, 1, 28, 365);
    mn_healing_result *rd = course_pat(&p, &pat, &dense, 6, 28, 365);
    mn_healing_outcome ol, od;
    mn_healing_result_outcome(rl, &ol);
    mn_healing_result_outcome(rd, &od);
    for (int d = 1; d < MN_HEALING_N_OUTCOME_DAYS; d++) {
        double l = ol.epidermal_thickness_change_percent[d];
        double h = od.epidermal_thickness_change_percent[d];
        if (!(h > 5.0 && l < h / 3.0))
            fail_msg("day index %d: light %+.2f %%, intensive %+.2f %%", d, l, h);
    }
    const mn_healing_result *rs[2] = {rl, rd};
    double at170 = NAN, peak = 0;
    for (int k = 0; k < 2; k++) {
        size_t n = mn_healing_result_timeline_rows(rs[k]);
        const double *tl = mn_healing_result_timeline(rs[k]);
        for (size_t i = 0; i < n; i++) {
            double e = tl[i * MN_TL_NCOL + MN_TL_EPIDERMIS_UM] / col.viable_epidermis_um - 1.0;
            if (k == 1 && fabs(tl[i * MN_TL_NCOL + MN_TL_DAY] - 170.0) < 1e-6)
                at170 = e;
            peak = e > peak ? e : peak;
        }
    }
    /* both courses stay clearly below the ceiling */
    if (!(peak < 0.85 * p.epi_max_rel))
        fail_msg("peak %+.1f %% near the ceiling %+.0f %%", 100 * peak, 100 * p.epi_max_rel);
    double last = od.epidermal_thickness_change_percent[3] / 100.0;
    if (!(last < 0.8 * at170))
        fail_msg("intensive: day 170 %+.1f %%, day 365 %+.1f %%: no return", 100 * at170,
                 100 * last);
    mn_healing_result_free(rl);
    mn_healing_result_free(rd);
}

/* Elastin is not a copy of collagen: its change relative to collagen's differs between day 30
 * and day 365 (collagen relaxes over ~1 y, new elastin stays). */
static void elastin_not_collagen(void **state)
{
    mn_healing_params p = params();
    mn_patient pat = fixture_patient(40);
    mn_healing_injury inj = fixture_injury(1.5, 2000, 100);
    mn_healing_outcome o = outcome_of(&p, &pat, &inj, 3);
    double r30 = o.elastin_change_percent[0] / o.collagen_change_percent[0];
    double r365 = o.elastin_change_percent[3] / o.collagen_change_percent[3];
    if (!(fabs(r365 - r30) > 0.2))
        fail_msg("elastin/collagen %.3f at day 30, %.3f at day 365", r30, r365);
}

/* A smoker and a patient with uncontrolled diabetes lay down less collagen by day 90 than the
 * same patient without (Jorgensen 1998; diabetic-mouse wound collagen). */
static void smoking_and_diabetes_slow_healing(void **state)
{
    mn_healing_params p = params();
    mn_patient pat = fixture_patient(40);
    mn_healing_injury inj = fixture_injury(1.5, 2000, 100);
    double base = outcome_of(&p, &pat, &inj, 1).collagen_change_percent[1];
    const char *cond[2] = {"smoker", "diabetes_uncontrolled"};
    for (int i = 0; i < 2; i++) {
        mn_patient q = pat;
        q.n_conditions = 1;
        snprintf(q.conditions[0], sizeof q.conditions[0], "%s", cond[i]);
        double c = outcome_of(&p, &q, &inj, 1).collagen_change_percent[1];
        if (!(c < 0.9 * base))
            fail_msg("%s: %.2f vs %.2f", cond[i], c, base);
    }
}

/* Time of the largest viable-epidermis thickness within the first 5 days of a course. */
static double epidermis_peak_day(const mn_healing_result *r)
{
    const double *tl = mn_healing_result_timeline(r);
    double best = -1, day = 0;
    for (size_t i = 0; i < mn_healing_result_timeline_rows(r); i++) {
        const double *row = tl + i * MN_TL_NCOL;
        if (row[MN_TL_DAY] > 5.0)
            break;
        if (row[MN_TL_EPIDERMIS_UM] > best)
            best = row[MN_TL_EPIDERMIS_UM], day = row[MN_TL_DAY];
    }
    return day;
}

/* Smoking and uncontrolled diabetes slow epidermal healing as well (suction-blister barrier
 * recovery: smokers x0.86, Sorensen 2009; type 1 diabetes x0.50, Koivukangas 1999): the needle
 * micro-wounds close later, so the wound-edge hyperplasia peaks later, and a full-surface burn
 * stays open and red longer. Controlled diabetes changes nothing (Diabetes Care 2007). */
static void smoking_and_diabetes_slow_epidermal_healing(void **state)
{
    mn_healing_params p = params();
    mn_patient pat = fixture_patient(40);
    mn_column col = fixture_cheek();
    mn_healing_injury inj = fixture_injury(1.5, 2000, 100), burn;
    mn_healing_injury_none(&col, &burn);
    for (int k = 0; k < 4; k++)
        burn.thermal_fraction[k] = 1.0;
    mn_healing_result *r0 = course_pat(&p, &pat, &inj, 1, 28, 10);
    mn_healing_result *b0 = course_pat(&p, &pat, &burn, 1, 28, 120);
    double peak0 = epidermis_peak_day(r0), red0 = mn_healing_result_erythema_days(b0, 0);
    const char *cond[3] = {"smoker", "diabetes_uncontrolled", "diabetes_controlled"};
    for (int i = 0; i < 3; i++) {
        mn_patient q = pat;
        q.n_conditions = 1;
        snprintf(q.conditions[0], sizeof q.conditions[0], "%s", cond[i]);
        mn_healing_result *r = course_pat(&p, &q, &inj, 1, 28, 10);
        mn_healing_result *b = course_pat(&p, &q, &burn, 1, 28, 120);
        double peak = epidermis_peak_day(r), red = mn_healing_result_erythema_days(b, 0);
        if (i < 2 && !(peak > peak0 + 1.0 / 24.0 && red > red0 * 1.1))
            fail_msg("%s: hyperplasia peak day %.2f vs %.2f, burn redness %.1f vs %.1f d", cond[i],
                     peak, peak0, red, red0);
        if (i == 2 && !(peak == peak0 && red == red0))
            fail_msg("controlled diabetes changed healing: %.2f vs %.2f, %.1f vs %.1f d", peak,
                     peak0, red, red0);
        mn_healing_result_free(r);
        mn_healing_result_free(b);
    }
    mn_healing_result_free(r0);
    mn_healing_result_free(b0);
}

/* RF coagulation adds wounded volume: the same punctures with a coagulated band in the upper
 * dermis keep the skin red longer. */
static void rf_burn_lengthens_downtime(void **state)
{
    mn_healing_params p = params();
    mn_patient pat = fixture_patient(40);
    mn_healing_injury inj = fixture_injury(1.5, FIXTURE_ROLLER_PER_CM2, 125);
    mn_healing_injury hot = inj;
    for (int k = 0; k < 8; k++)
        hot.thermal_fraction[k] = 0.05;
    double a = outcome_of(&p, &pat, &inj, 1).downtime_days_total;
    double b = outcome_of(&p, &pat, &hot, 1).downtime_days_total;
    if (!(b > a + 0.3))
        fail_msg("downtime %.2f without, %.2f with coagulation", a, b);
}

/* Thermal injury as a repair stimulus (issue 14, RF). (1) Calibration: a 20 % fractional
 * coagulation of the top 200 um gives 40-50 % of the collagen of a full-surface one at 1 y
 * (Orringer: fractionated CO2 induced collagen 40-50 % as strongly as fully ablative;
 * thermal_stimulus_gain fitted to 45 %). With the old rule (a coagulated volume stimulating like
 * the same volume of needle channel) the ratio was 26 %. (2) The heat kills cells in a zone wider
 * than the coagulated one (src/heat: Omega_skin >= 1 around Omega_collagen >= 1): reporting it
 * kills more fibroblasts and, once they are replaced, gives more collagen than the coagulated
 * band alone. (3) A coagulated band of the reticular dermis gives more collagen at 1 y than the
 * same volume of needle channels (the heat-shocked rim, HSP47 high for months, Xu 2011). */
static void thermal_injury_stimulates_repair(void **state)
{
    mn_healing_params p = params();
    mn_patient pat = fixture_patient(50);
    mn_column col = fixture_cheek();
    mn_healing_injury full, frac;
    mn_healing_injury_none(&col, &full);
    frac = full;
    for (int k = 0; k < 4; k++) {
        full.thermal_fraction[k] = 1.0;
        frac.thermal_fraction[k] = 0.2;
    }
    double cf = outcome_of(&p, &pat, &full, 1).collagen_change_percent[3];
    double cp = outcome_of(&p, &pat, &frac, 1).collagen_change_percent[3];
    if (!(cf > 0 && cp / cf >= 0.40 && cp / cf <= 0.50))
        fail_msg("fractional / full collagen at 1 y: %.2f / %.2f = %.2f", cp, cf, cp / cf);

    mn_healing_injury band, killed, needles;
    mn_healing_injury_none(&col, &band);
    needles = band;
    for (int k = 10; k < 20; k++) {
        band.thermal_fraction[k] = 0.08;
        needles.wound_fraction[k] = 0.08;
    }
    killed = band;
    for (int k = 9; k < 21; k++)
        killed.thermal_kill_fraction[k] = 0.18;
    mn_healing_outcome ob = outcome_of(&p, &pat, &band, 1), ok = outcome_of(&p, &pat, &killed, 1);
    mn_healing_outcome on = outcome_of(&p, &pat, &needles, 1);
    if (!(ok.collagen_change_percent[2] > ob.collagen_change_percent[2] + 0.5))
        fail_msg("day 180: killed zone %.2f %%, coagulated band alone %.2f %%",
                 ok.collagen_change_percent[2], ob.collagen_change_percent[2]);
    if (!(ob.collagen_change_percent[3] > on.collagen_change_percent[3]))
        fail_msg("day 365: coagulated band %.2f %%, same volume of channels %.2f %%",
                 ob.collagen_change_percent[3], on.collagen_change_percent[3]);
    /* fibroblasts just after the session (first timeline row after day 0) */
    mn_healing_result *rb = course_pat(&p, &pat, &band, 1, 28, 30);
    mn_healing_result *rk = course_pat(&p, &pat, &killed, 1, 28, 30);
    const double *tb = mn_healing_result_timeline(rb), *tk = mn_healing_result_timeline(rk);
    assert_true(tk[MN_TL_NCOL + MN_TL_FIBROBLASTS] < tb[MN_TL_NCOL + MN_TL_FIBROBLASTS]);
    mn_healing_result_free(rb);
    mn_healing_result_free(rk);
}

/* A burn stays red while it is open (the previous model's miss: 2.2 d after a full-surface
 * burn). Coagulating the top 200 µm of the dermis over the whole surface (fully ablative, as the
 * CO2 calibration scenario) leaves a wound that re-epithelialises at 0.157 /d (Kim 2022): the
 * redness lasts at least the 5-14 d a CO2-resurfaced face takes to heal (patient information of
 * surgical centres; redness then fades over months, not modelled) and below two months; a 20 %
 * fractional coagulation is red for less time, and a needle course without coagulation keeps its
 * 1-5 days (test erythema_bounds). */
static void burn_redness_lasts_while_open(void **state)
{
    mn_healing_params p = params();
    mn_patient pat = fixture_patient(50);
    mn_column col = fixture_cheek();
    mn_healing_injury full, frac;
    mn_healing_injury_none(&col, &full);
    frac = full;
    for (int k = 0; k < 4; k++) {
        full.thermal_fraction[k] = 1.0;
        frac.thermal_fraction[k] = 0.2;
    }
    mn_healing_result *rf = course_pat(&p, &pat, &full, 1, 28, 120);
    mn_healing_result *rp = course_pat(&p, &pat, &frac, 1, 28, 120);
    double ef = mn_healing_result_erythema_days(rf, 0), ep = mn_healing_result_erythema_days(rp, 0);
    if (!(ef >= 7.0 && ef < 60.0 && ep < ef && ep > 0))
        fail_msg("erythema: full-surface burn %.1f d, 20 %% fractional %.1f d", ef, ep);
    mn_healing_result_free(rf);
    mn_healing_result_free(rp);
}

/* A product with a cited healing effect (tretinoin, Griffiths 1993; PRP, Abuaf 2016) delivered
 * to the dermis (its peak amount there during the application) raises collagen; ones without a
 * cited effect size (caffeine, the growth-factor serum, vitamin C) leave the outcome unchanged;
 * tranexamic acid acts on pigment only: at an intradermal-like dose it lowers the PIH probability
 * (one RCT: 16 vs 28 %), at a topical channel dose it barely does (no lasting effect in the
 * meta-analysis, Feng 2023), and it never changes collagen. */
static void products_through_delivered_dose(void **state)
{
    mn_healing_params p = params();
    mn_patient pat = fixture_patient(40);
    pat.fitzpatrick = 5;
    mn_healing_injury inj = fixture_injury(1.5, 2000, 100);
    mn_healing_outcome o0 = outcome_of(&p, &pat, &inj, 1);
    double base = o0.collagen_change_percent[1];
    struct {
        const char *name;
        double dose_ug_per_cm2;
    } k[7] = {{"tretinoin", 0.05},          {"caffeine", 50.0},         {"prp", 1e-4},
              {"growth_factor_serum", 1.0}, {"tranexamic_acid", 500.0}, {"tranexamic_acid", 0.5},
              {"ascorbic_acid", 850.0}};
    mn_healing_outcome o[7];
    for (int i = 0; i < 7; i++) {
        mn_healing_injury x = inj;
        snprintf(x.product, sizeof x.product, "%s", k[i].name);
        x.product_dermis_ug_per_cm2 = k[i].dose_ug_per_cm2;
        o[i] = outcome_of(&p, &pat, &x, 1);
    }
    assert_true(o[0].collagen_change_percent[1] > 1.1 * base);
    assert_float_equal(o[1].collagen_change_percent[1], base, 1e-12);
    assert_true(o[2].collagen_change_percent[1] > 1.3 * base); /* PRP: x1.93 on the synthesis */
    assert_float_equal(o[3].collagen_change_percent[1], base, 1e-12);
    assert_float_equal(o[4].collagen_change_percent[1], base, 1e-12);
    /* vitamin C at the default serum's dermal peak (~850 ug/cm2): no cited effect size, none */
    assert_float_equal(o[6].collagen_change_percent[1], base, 1e-12);
    assert_float_equal(o[1].pih_probability, o0.pih_probability, 1e-15);
    if (!(o0.pih_probability > 0.005 && o[4].pih_probability < 0.85 * o0.pih_probability))
        fail_msg("TXA intradermal-like dose: PIH %.4f -> %.4f", o0.pih_probability,
                 o[4].pih_probability);
    assert_true(o[5].pih_probability < o0.pih_probability &&
                o[5].pih_probability > 0.99 * o0.pih_probability);
}

/* Tretinoin's dose-response: half its maximal effect (+80 %, Griffiths 1993) at the EC50 of
 * all-trans retinoic acid on its receptor, 10.8 nM = 0.00324 ug/ml (Mol Cell Biol 1999), and a
 * plateau at the doses topical strengths deliver: a 4-fold dose changes the factor by < 2 %
 * (0.025 % and 0.1 % tretinoin improved photoaging alike, Griffiths 1995). With the assumed
 * 1 nM half effect of before, the EC50 dose gave 1.73, not 1.40. */
static void tretinoin_dose_response(void **state)
{
    mn_column col = fixture_cheek();
    mn_healing_injury inj;
    mn_healing_injury_none(&col, &inj);
    snprintf(inj.product, sizeof inj.product, "tretinoin");
    double thick_cm = col.dermis_um * 1e-4, f = 0, lo = 0, hi = 0;
    inj.product_dermis_ug_per_cm2 = 0.00324 * thick_cm;
    assert_int_equal(mn_healing_product_factor(&inj, 1, &f), MN_OK);
    assert_float_equal(f, 1.4, 0.005);
    inj.product_dermis_ug_per_cm2 = 0.0125;
    assert_int_equal(mn_healing_product_factor(&inj, 1, &lo), MN_OK);
    inj.product_dermis_ug_per_cm2 = 0.05;
    assert_int_equal(mn_healing_product_factor(&inj, 1, &hi), MN_OK);
    if (!(hi > lo && hi < 1.02 * lo && hi < 1.8))
        fail_msg("tretinoin factor at 4-fold dose: %.4f vs %.4f", hi, lo);
}

/* Erythema starts on the day of each session: the index is below the visibility threshold just
 * before a later session and above it at the session. */
static void erythema_starts_each_session(void **state)
{
    mn_healing_params p = params();
    mn_patient pat = fixture_patient(40);
    mn_healing_injury inj = fixture_injury(1.5, 2000, 100);
    mn_healing_result *r = course_pat(&p, &pat, &inj, 3, 28, 56 + 30);
    size_t n = mn_healing_result_timeline_rows(r);
    const double *tl = mn_healing_result_timeline(r);
    for (int s = 0; s < 3; s++) {
        double day = 28.0 * s;
        for (size_t i = 0; i < n; i++) {
            double t = tl[i * MN_TL_NCOL + MN_TL_DAY], e = tl[i * MN_TL_NCOL + MN_TL_ERYTHEMA];
            if (fabs(t - day) < 1e-9)
                assert_true(e >= 1.0);
            if (s > 0 && fabs(t - (day - 1.0)) < 1e-9)
                assert_true(e < 1.0);
        }
        assert_true(mn_healing_result_erythema_days(r, s) > 1.0);
    }
    mn_healing_result_free(r);
}

/* PIH: none without injury; darker skin and thermal epidermal injury raise it; a mechanical
 * course in type III stays low (0/23 after microneedling in Cachafeiro 2016). */
static void pih_probability_behaviour(void **state)
{
    mn_healing_injury inj = fixture_injury(1.5, 2000, 100), none;
    mn_column col = fixture_cheek();
    mn_healing_injury_none(&col, &none);
    double ery[3] = {3, 3, 3};
    mn_patient light = fixture_patient(40), dark = light;
    dark.fitzpatrick = 5;
    mn_healing_injury three[3] = {inj, inj, inj}, zero[3] = {none, none, none};
    double pl = mn_healing_pih_probability(&light, three, ery, 3);
    double pd = mn_healing_pih_probability(&dark, three, ery, 3);
    assert_float_equal(mn_healing_pih_probability(&dark, zero, ery, 3), 0.0, 0.0);
    assert_true(pd > pl && pl > 0);
    assert_true(pl < 0.05);
    mn_healing_injury hot[3] = {inj, inj, inj};
    for (int s = 0; s < 3; s++)
        hot[s].epidermal_thermal_fraction = 0.17;
    assert_true(mn_healing_pih_probability(&dark, hot, ery, 3) > 2 * pd);
    /* Sun after treatment (patient.sun_exposure): the odds of PIH x 8.1 for afternoon outdoor
     * activity (PMID 39265567), x 2.85 moderate; low is the reference, and no injury stays 0. */
    mn_patient sunny = dark, some = dark;
    sunny.sun_exposure = MN_SUN_HIGH;
    some.sun_exposure = MN_SUN_MODERATE;
    double ph = mn_healing_pih_probability(&sunny, three, ery, 3);
    double pm = mn_healing_pih_probability(&some, three, ery, 3);
    assert_true(ph > pm && pm > pd);
    assert_float_equal(ph / (1 - ph), 8.1 * pd / (1 - pd), 1e-9);
    assert_float_equal(mn_healing_pih_probability(&sunny, zero, ery, 3), 0.0, 0.0);
}

/* Clinical score: the acne-scar grade improves more with more sessions, never beyond the best
 * grade; the fitted protocols reproduce their responder fractions (acne scars: Ishfaq 2022,
 * 73 %; wrinkles: J Cosmet Dermatol 2023, 68.8 %); a concern without calibration reports NaN;
 * an unknown concern is an input error. */
static void clinical_scores(void **state)
{
    mn_healing_params p = params();
    mn_patient pat = fixture_patient(30);
    mn_healing_injury inj = fixture_injury(1.5, 2000, 100);
    mn_healing_result *r = course_pat(&p, &pat, &inj, 6, 14, 70 + 365);
    mn_healing_outcome o6;
    mn_healing_result_outcome(r, &o6);
    mn_healing_result_free(r);
    mn_healing_clinical c6, c1, cw;
    assert_int_equal(mn_healing_clinical_score("acne_scars", 3, &o6, &c6), MN_OK);
    assert_true(c6.calibrated);
    /* the fit is at day 90 (2 weeks after the last session ~ day 84), the fraction at 180 */
    double z = (fabs(c6.change[0]) - 1.0) / c6.change_sd;
    assert_float_equal(0.5 * erfc(-z / sqrt(2.0)), 22.0 / 30.0, 0.01);
    mn_healing_outcome o1 = outcome_of(&p, &pat, &inj, 1);
    assert_int_equal(mn_healing_clinical_score("acne_scars", 3, &o1, &c1), MN_OK);
    assert_true(c6.change[0] < c1.change[0] && c1.change[0] < 0);
    assert_true(c6.change[0] > -2.0);
    assert_true(c6.responder_fraction > c1.responder_fraction);
    /* wrinkles: fitted to 68.8 % improved 90 d after 4 monthly pen procedures (J Cosmet
     * Dermatol 2023;22:206), scenario of the fit in docs/validation/healing.md */
    mn_patient old = fixture_patient(56);
    mn_healing_injury face = fixture_injury(1.0, 2000, 100);
    mn_healing_result *rw = course_pat(&p, &old, &face, 4, 28, 84 + 365);
    mn_healing_outcome ow;
    mn_healing_result_outcome(rw, &ow);
    mn_healing_result_free(rw);
    assert_int_equal(mn_healing_clinical_score("wrinkles", -1, &ow, &cw), MN_OK);
    assert_true(cw.calibrated && cw.baseline == 3);
    assert_float_equal(cw.responder_fraction, 0.688, 0.01);
    /* melasma: no cited calibration outside RESERVED.md: the scale with null numbers */
    assert_int_equal(mn_healing_clinical_score("melasma", -1, &o6, &cw), MN_OK);
    assert_false(cw.calibrated);
    assert_true(isnan(cw.change[1]) && cw.baseline == 8);
    assert_int_equal(mn_healing_clinical_score("no_such_concern", 2, &o6, &cw), MN_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(density_more_injury_diminishing_returns),
        cmocka_unit_test(fibroblast_loss_from_wounded_volume),
        cmocka_unit_test(depth_stretch_lengthens_the_cone),
        cmocka_unit_test(epidermis_bounded_and_returns),
        cmocka_unit_test(epidermis_tells_courses_apart),
        cmocka_unit_test(burn_redness_lasts_while_open),
        cmocka_unit_test(elastin_not_collagen),
        cmocka_unit_test(smoking_and_diabetes_slow_healing),
        cmocka_unit_test(smoking_and_diabetes_slow_epidermal_healing),
        cmocka_unit_test(rf_burn_lengthens_downtime),
        cmocka_unit_test(thermal_injury_stimulates_repair),
        cmocka_unit_test(products_through_delivered_dose),
        cmocka_unit_test(tretinoin_dose_response),
        cmocka_unit_test(erythema_starts_each_session),
        cmocka_unit_test(pih_probability_behaviour),
        cmocka_unit_test(clinical_scores),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
