#include "clinic/plan.h"
#include "clinic/plan_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"
#include "clinic/appointment.h"
#include "clinic/modalities.h"
#include "clinic/severity.h"
#include "model/device.h"
#include "model/scenario.h"
#include "model/zones.h"

const int mn_plan_days[4] = {30, 90, 180, 365};

/* The day-180 collagen change is the objective: remodelling runs for months after the course
 * (healing.md wound phases), and day 180 falls after nearly every guidance course (at most 12
 * weekly or 6 monthly sessions). */
enum { OBJECTIVE_DAY = 2 };

mn_status mn_clinic_concern_list(char *buf, size_t cap)
{
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("guidance.csv", &t));
    size_t used = 0;
    buf[0] = '\0';
    int kc = mn_table_col(t, "kind"), nc = mn_table_col(t, "name");
    mn_status st = MN_OK;
    for (size_t r = 0; r < mn_table_rows(t); r++) {
        if (strcmp(mn_table_cell(t, r, kc), "concern"))
            continue;
        int n = snprintf(buf + used, cap - used, "%s%s", used ? "\n" : "", mn_table_cell(t, r, nc));
        if (n < 0 || (size_t)n >= cap - used) {
            st = mn_error_set(MN_EINTERNAL, "concern list does not fit in %zu bytes", cap);
            break;
        }
        used += (size_t)n;
    }
    mn_table_free(t);
    return st;
}

mn_status mn_clinic_concern_known(const char *concern)
{
    mn_plan_guide g;
    MN_TRY(mn_plan_guide_get("concern", concern, &g));
    if (g.found)
        return MN_OK;
    char list[1024];
    MN_TRY(mn_clinic_concern_list(list, sizeof list));
    for (char *c = list; *c; c++)
        if (*c == '\n')
            *c = ',';
    return mn_error_set(MN_EINPUT, "--concern: unknown concern '%.60s' (expected one of: %s)",
                        concern, list);
}

/* How the planner scores a candidate (issue 19): the predicted improvement on the concern's
 * clinical scale at day 180 after the first session (mn_healing_clinical_score of the
 * healing stage, data/clinical_scales.csv) where that scale is calibrated; else the collagen
 * change at day 180 stands in, and the plan says so. Every candidate is scored at the same day,
 * so a longer course is not favoured by a later look. */
typedef struct scoring {
    int calibrated;
    double direction; /* +1: higher is better on the scale, -1: lower is better */
    int day_index;    /* index of day 180 in mn_healing_clinical_days */
    double tol_abs;   /* objectives closer than max(tol_abs, 1 %) are the same */
    char label[160];  /* short name for texts */
} scoring;

/* The planner's objective, higher is better; NaN when the prediction has no score. */
static double objective(const scoring *sc, const mn_plan_prediction *p)
{
    if (!sc->calibrated)
        return p->collagen_change_percent[OBJECTIVE_DAY];
    if (!p->clinical.calibrated)
        return NAN;
    return sc->direction * p->clinical.change[sc->day_index];
}

const char *mn_clinic_plan_objective_name(void)
{
    return "collagen change at day 180 (% of untreated)";
}

/* Two objectives closer than this are the same plan quality: below what the model resolves
 * (assumption: 1 % of the value, at least 0.05 collagen points or 0.01 of the clinical
 * scale's step); the cheaper plan (fewer sessions, shallower, fewer passes) is then kept. */
static double same_within(const scoring *sc, double a)
{
    return fmax(sc->tol_abs, 0.01 * fabs(a));
}

static const char *const device_names[] = {"roller", "pen", "stamp", "rf"};
/* The device of each type the candidates use (data/devices.csv; pen: the base scenario's). */
static const char *const device_yaml[] = {
    "site: {zone: cheek}\ndevice: {type: roller, model: dermaroller_192, needle_length_mm: 1.0}\n",
    NULL,
    "site: {zone: cheek}\ndevice: {type: stamp, model: stamp_digital, needle_length_mm: 1.0}\n",
    /* RF (issue 19): an insulated bipolar array as in examples/rf_array_49.yaml (200 um needles,
     * 1 mm pitch, 1 MHz), 5 x 5 needles: the heat stage solves one periodic unit cell, so the
     * array size changes only the puncture count. Depth, exposed tip, energy and pulse are set
     * per candidate (build_model, data/plan_limits.csv rf_* rows). */
    "site: {zone: cheek}\ndevice: {type: rf, needles: 25, rows: 5, pitch_mm: 1.0, "
    "needle_diameter_mm: 0.2, depth_mm: 1.0, insulated: true, tip_exposed_um: 500, polarity: "
    "bipolar, frequency_mhz: 1.0, energy_mj_per_needle: 20, pulse_ms: 100}\n"};

typedef struct search {
    const mn_plan_request *req;
    const scoring *sc;
    double severity_value; /* < 0: the clinical scale's typical baseline */
    const mn_model *base;
    mn_device_spec dev[4]; /* per type; have[t] when usable */
    int have[4];
    const char *zone;
    const mn_column *col;
    double reach_limit, depth_cap_mm;
    int max_sessions;
    mn_plan_candidate *c; /* every candidate of the zone */
    size_t n, cap;
    double rf_pulse_ms; /* RF candidates' pulse (data/plan_limits.csv) */
} search;

static void build_model(const search *sr, const mn_plan_candidate *c, mn_model *m)
{
    *m = *sr->base;
    m->patient = *sr->req->patient;
    snprintf(m->site.zone, sizeof m->site.zone, "%s", sr->zone);
    m->site.layers_given = false;
    m->device = sr->dev[c->device];
    m->device.set_depth_um = c->depth_mm * 1000.0;
    if (m->device.type != MN_DEVICE_PEN)
        m->device.depth_min_um = m->device.depth_max_um = m->device.set_depth_um;
    m->device.passes = c->passes;
    m->device.setting = sr->req->setting;
    if (m->device.type == MN_DEVICE_RF) {
        /* Energy per needle and pulse of the candidate; the distal half of the needle, at most
         * 500 um (the example array's exposed tip), is bare, so the insulation covers the
         * epidermis at every cited depth (assumption: insulated handpieces expose the distal
         * part; the bare length of real handpieces is not in the pack). */
        m->device.energy_mj_per_needle = c->energy_mj;
        m->device.power_w = -1.0;
        m->device.pulse_ms = sr->rf_pulse_ms;
        m->device.tip_exposed_um = fmin(500.0, 0.5 * m->device.set_depth_um);
    }
    m->protocol.sessions = c->sessions;
    m->protocol.interval_days = c->interval_days;
    m->protocol.n_overrides = 0;
    m->protocol.maintenance_every_days = 0;
    /* The indication travels with the candidate, so the simulator scores it on the concern's
     * clinical scale from this patient's severity. */
    m->indication.present = true;
    snprintf(m->indication.concern, sizeof m->indication.concern, "%s", sr->req->concern);
    m->indication.severity = sr->severity_value >= 0 ? sr->severity_value : NAN;
    /* Follow every candidate to day 365 at least, so day_365 exists for all. */
    double course = (c->sessions - 1) * c->interval_days;
    if (m->protocol.follow_up_days < 365.0 - course)
        m->protocol.follow_up_days = 365.0 - course;
}

static int feasible(const search *sr, mn_plan_candidate *c)
{
    double max_down = sr->req->max_downtime_days;
    c->why_not[0] = '\0';
    /* RF depths come from the RF guidance already bounded by this patient's dermis (plan_rf.c;
     * the hyperhidrosis target lies below it on purpose), so the mechanical reach margin does
     * not apply to them. */
    if (!isfinite(c->objective))
        snprintf(c->why_not, sizeof c->why_not, "no %s predicted", sr->sc->label);
    else if (c->device != MN_DEVICE_RF && c->pred.tissue_depth_max_um > sr->reach_limit)
        snprintf(c->why_not, sizeof c->why_not, "reach %.0f um passes the safe limit %.0f um",
                 c->pred.tissue_depth_max_um, sr->reach_limit);
    else if (max_down >= 0 && c->pred.downtime_days_total > max_down)
        snprintf(c->why_not, sizeof c->why_not, "downtime %.1f d exceeds the %.1f d allowed",
                 c->pred.downtime_days_total, max_down);
    else if (sr->max_sessions > 0 && c->sessions > sr->max_sessions)
        snprintf(c->why_not, sizeof c->why_not, "%d sessions exceed the %d appointments allowed",
                 c->sessions, sr->max_sessions);
    else
        for (size_t i = 0; i < c->risks.n; i++)
            if (c->risks.items[i].level >= MN_RISK_HIGH) {
                snprintf(c->why_not, sizeof c->why_not, "%s risk would be high (%.180s)",
                         c->risks.items[i].id, c->risks.items[i].reason);
                break;
            }
    c->feasible = c->why_not[0] == '\0';
    return c->feasible;
}

/* Simulates a candidate, or returns the one already simulated with the same inputs. */
static mn_status evaluate(search *sr, mn_device_type dev, double depth_mm, double energy_mj,
                          int passes, int sessions, double interval, mn_plan_candidate **out)
{
    for (size_t i = 0; i < sr->n; i++) {
        mn_plan_candidate *c = &sr->c[i];
        if (c->device == dev && fabs(c->depth_mm - depth_mm) < 1e-9 &&
            fabs(c->energy_mj - energy_mj) < 1e-9 && c->passes == passes &&
            c->sessions == sessions && fabs(c->interval_days - interval) < 1e-9) {
            *out = c;
            return MN_OK;
        }
    }
    if (sr->n == sr->cap) {
        size_t cap = sr->cap ? 2 * sr->cap : 64;
        mn_plan_candidate *g = realloc(sr->c, cap * sizeof *g);
        if (!g)
            return mn_error_set(MN_ENOMEM, "out of memory for %zu plan candidates", cap);
        sr->c = g;
        sr->cap = cap;
    }
    mn_plan_candidate *c = &sr->c[sr->n];
    memset(c, 0, sizeof *c);
    c->device = dev;
    c->depth_mm = depth_mm;
    c->energy_mj = energy_mj;
    c->passes = passes;
    c->sessions = sessions;
    c->interval_days = interval;
    mn_model m;
    build_model(sr, c, &m);
    MN_TRY(sr->req->predict(sr->req->predict_ctx, &m, &c->pred));
    mn_risk_inputs in;
    mn_risk_inputs_init(&in);
    in.patient = sr->req->patient;
    in.zone = sr->zone;
    in.column = sr->col;
    in.device_type = m.device.type;
    in.set_depth_um = m.device.set_depth_um;
    in.tissue_depth_max_um = c->pred.tissue_depth_max_um;
    in.bleeding_fraction = c->pred.bleeding_fraction;
    in.erythema_days = c->pred.erythema_days;
    in.pih_probability = c->pred.pih_probability;
    in.product_name = m.product.present ? m.product.name : NULL;
    in.setting = m.device.setting;
    in.sterile = m.device.sterile;
    in.reuse_count = m.device.reuse_count;
    in.operator_ = m.operator_;
    if (dev == MN_DEVICE_RF) { /* the burn rule reads the simulated epidermis */
        in.epidermis_peak_temperature_c = c->pred.epidermis_peak_c;
        in.heat_duration_s = c->pred.heat_on_time_s;
        in.epidermis_omega = c->pred.epidermis_omega;
    }
    MN_TRY(mn_clinic_risks(&in, &c->risks));
    c->objective = objective(sr->sc, &c->pred);
    feasible(sr, c);
    sr->n++;
    *out = c;
    return MN_OK;
}

/* a is a better plan than b: a clearly higher objective, or the same objective for less
 * (fewer sessions, then a longer interval, shallower, fewer passes). */
static int better(const scoring *sc, const mn_plan_candidate *a, const mn_plan_candidate *b)
{
    if (!b)
        return 1;
    double tol = same_within(sc, b->objective);
    if (a->objective > b->objective + tol)
        return 1;
    if (a->objective < b->objective - tol)
        return 0;
    if (a->sessions != b->sessions)
        return a->sessions < b->sessions;
    if (fabs(a->interval_days - b->interval_days) > 1e-9)
        return a->interval_days > b->interval_days;
    if (fabs(a->depth_mm - b->depth_mm) > 1e-9)
        return a->depth_mm < b->depth_mm;
    if (fabs(a->energy_mj - b->energy_mj) > 1e-9)
        return a->energy_mj < b->energy_mj;
    return a->passes < b->passes;
}

static void describe(const scoring *sc, char *buf, size_t cap, const char *label,
                     const mn_plan_candidate *best, const mn_plan_candidate *alt)
{
    size_t u = strlen(buf);
    if (u + 16 >= cap)
        return;
    double d = alt->objective - best->objective, tol = same_within(sc, best->objective);
    const char *cmp = d > tol ? "better" : d < -tol ? "worse" : "about the same";
    char energy[48] = "";
    if (alt->device == MN_DEVICE_RF)
        snprintf(energy, sizeof energy, " at %g mJ per needle", alt->energy_mj);
    u += (size_t)snprintf(buf + u, cap - u,
                          " %s (%s %.2f mm%s, %d %s, %d %s every %.0f d): objective %+.2f "
                          "(%s), downtime %+.1f d",
                          label, device_names[alt->device], alt->depth_mm, energy, alt->passes,
                          alt->passes == 1 ? "pass" : "passes", alt->sessions,
                          mn_plan_sessions_word(alt->sessions), alt->interval_days, d, cmp,
                          alt->pred.downtime_days_total - best->pred.downtime_days_total);
    if (u >= cap)
        return;
    if (!alt->feasible)
        snprintf(buf + u, cap - u, "; not allowed: %s.", alt->why_not);
    else if (d > tol)
        snprintf(buf + u, cap - u, "; within the limits (this should not happen: report it).");
    else if (d >= -tol)
        snprintf(buf + u, cap - u,
                 "; not chosen: the same predicted result, and the chosen plan asks less "
                 "(fewer sessions, a longer interval, a shallower setting or fewer passes).");
    else
        snprintf(buf + u, cap - u, ".");
}

/* How candidates are scored for this concern and severity: the clinical scale when the
 * healing stage calibrates it (probed through mn_healing_clinical_score), else the collagen
 * change. The severity reaches the clinical score only when it is on the same scale: a number
 * as given, a word as its band's edge (mild: mild_max, severe: severe_min, moderate: their
 * midpoint; assumption: the band's representative grade). Fills p's objective fields. */
static mn_status setup_scoring(const char *concern, const mn_plan_band *bd, scoring *sc, mn_plan *p)
{
    memset(sc, 0, sizeof *sc);
    sc->day_index = -1;
    for (int d = 0; d < MN_HEALING_N_CLINICAL_DAYS; d++)
        if (fabs(mn_healing_clinical_days[d] - mn_plan_days[OBJECTIVE_DAY]) < 1e-9)
            sc->day_index = d;
    double lo = NAN, hi = NAN, step = 0;
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("clinical_scales.csv", &t));
    long r = mn_table_find(t, "concern", concern);
    mn_status st = MN_OK;
    if (r >= 0) {
        st = mn_table_double(t, (size_t)r, "direction", &sc->direction);
        if (st == MN_OK)
            st = mn_table_double(t, (size_t)r, "scale_min", &lo);
        if (st == MN_OK)
            st = mn_table_double(t, (size_t)r, "scale_max", &hi);
        if (st == MN_OK)
            st = mn_table_double(t, (size_t)r, "step", &step);
    }
    mn_table_free(t);
    MN_TRY(st);
    /* Severity on the clinical scale, when the severity scale is the same one (the rule
     * `mnsim run` applies too: mn_clinic_severity_for_score). */
    double sev = -1;
    if (bd->has_scale && bd->level >= 0)
        MN_TRY(mn_clinic_severity_for_score(concern,
                                            isfinite(bd->value) ? bd->value
                                            : bd->level == 0    ? bd->mild_max
                                            : bd->level == 2
                                                ? bd->severe_min
                                                : 0.5 * (bd->mild_max + bd->severe_min),
                                            &sev));
    p->severity_value = sev;
    mn_healing_clinical probe;
    mn_healing_outcome zero;
    memset(&zero, 0, sizeof zero);
    if (r >= 0)
        MN_TRY(mn_healing_clinical_score(concern, sev, &zero, &probe));
    else
        memset(&probe, 0, sizeof probe);
    sc->calibrated = r >= 0 && probe.calibrated && sc->day_index >= 0 &&
                     (sc->direction == 1 || sc->direction == -1);
    p->clinical_calibrated = sc->calibrated;
    snprintf(p->clinical_scale, sizeof p->clinical_scale, "%s", r >= 0 ? probe.scale : "");
    p->clinical_baseline = r >= 0 ? probe.baseline : NAN;
    if (sc->calibrated) {
        sc->tol_abs = 0.01 * (step > 0 ? step : 1);
        snprintf(sc->label, sizeof sc->label, "predicted improvement on the %s at day 180",
                 probe.scale);
        int n = snprintf(p->objective, sizeof p->objective,
                         "predicted improvement on the %s at day 180 after the first session, "
                         "from %g",
                         probe.scale, probe.baseline);
        if (n > 0 && (size_t)n < sizeof p->objective)
            snprintf(p->objective + n, sizeof p->objective - (size_t)n, "%s",
                     sev >= 0 ? " (this patient's severity)"
                     : bd->level >= 0
                         ? " (the scale's typical baseline: the severity given is on another "
                           "scale)"
                         : " (the scale's typical baseline: no severity given)");
    } else {
        sc->tol_abs = 0.05;
        snprintf(sc->label, sizeof sc->label, "%s", mn_clinic_plan_objective_name());
        snprintf(p->objective, sizeof p->objective,
                 "%s, standing in for the clinical score: the %s of %s has no calibrated "
                 "mapping in data/clinical_scales.csv (no cited trial number), so plans are "
                 "ranked by the collagen change",
                 mn_clinic_plan_objective_name(), r >= 0 ? probe.scale : "scale", concern);
    }
    p->objective_tolerance = sc->tol_abs;
    return MN_OK;
}

/* The devices of the zone's candidates: the mechanical ones asked for where the concern has a
 * needling depth (mech), RF where its cited guidance plans it here (rf: plan_rf.c). */
static mn_status load_devices(search *sr, int mech, int rf)
{
    unsigned mask = sr->req->devices ? sr->req->devices
                                     : (1u << MN_DEVICE_PEN) | (1u << MN_DEVICE_ROLLER) |
                                           (1u << MN_DEVICE_STAMP) | (1u << MN_DEVICE_RF);
    for (int t = 0; t < 4; t++) {
        sr->have[t] = 0;
        if (!(mask & (1u << t)) || (t == MN_DEVICE_RF ? !rf : !mech))
            continue;
        if (t == (int)sr->base->device.type) {
            sr->dev[t] = sr->base->device;
        } else if (device_yaml[t]) {
            mn_model m;
            MN_TRY(mn_scenario_load_text("planner device", device_yaml[t], strlen(device_yaml[t]),
                                         &m));
            sr->dev[t] = m.device;
        } else {
            continue;
        }
        sr->have[t] = 1;
    }
    return MN_OK;
}

/* Why the first RF candidate was not allowed (for the RF text when none was). */
static const char *first_rf_why(const search *sr)
{
    for (size_t i = 0; i < sr->n; i++)
        if (sr->c[i].device == MN_DEVICE_RF)
            return sr->c[i].why_not;
    return "none simulated";
}

static mn_status plan_zone(const mn_plan_request *req, const mn_model *base,
                           const mn_plan_guide *cg, const mn_plan_band *bd, const scoring *sc,
                           double severity_value, const char *zone, mn_plan_zone *z)
{
    mn_plan_guide zg;
    MN_TRY(mn_plan_guide_get("zone", zone, &zg));
    if (zg.found && zg.dmax <= 0) { /* never needled: no RF either */
        snprintf(z->why_not, sizeof z->why_not, "%s: %s", zg.note, zg.source);
        if (z->rf_planned) {
            z->rf_planned = 0;
            snprintf(z->rf_text, sizeof z->rf_text, "no RF microneedling here either: %s", zg.note);
        }
        return MN_OK;
    }
    unsigned mech_mask = (1u << MN_DEVICE_PEN) | (1u << MN_DEVICE_ROLLER) | (1u << MN_DEVICE_STAMP);
    int mech = cg->has_depth && (!req->devices || (req->devices & mech_mask));
    int rf = z->rf_planned;
    if (!mech && !rf) {
        if (!cg->has_depth)
            snprintf(z->why_not, sizeof z->why_not, "%s: %s", cg->note, cg->source);
        else
            snprintf(z->why_not, sizeof z->why_not,
                     "no mechanical needling: only RF microneedling was asked for");
        return MN_OK;
    }
    double lo = cg->dmin, hi = cg->dmax;
    snprintf(z->source, sizeof z->source, "%s", cg->has_depth ? cg->source : z->rf_source);
    if (zg.found && cg->has_depth) {
        /* The zone chart caps the indication's depth (thin and bony zones shallower); its
         * minimum is a vendor's starting point, not a floor. If the indication starts deeper
         * than the chart allows, the chart's range is used. */
        double b = fmin(hi, zg.dmax);
        lo = lo <= b ? lo : zg.dmin;
        hi = b;
        size_t u = strlen(z->source);
        snprintf(z->source + u, sizeof z->source - u, "; zone: %s (%s)", zg.source,
                 zg.note[0] ? zg.note : "chart");
    }
    if (req->setting == MN_SETTING_HOME) {
        double home = 0;
        MN_TRY(mn_clinic_limit("home_depth_max_mm", &home));
        hi = fmin(hi, home);
        lo = fmin(lo, hi);
    }

    double f = 0, step = 0;
    MN_TRY(mn_clinic_limit("safe_dermis_fraction", &f));
    MN_TRY(mn_clinic_limit("depth_step_mm", &step));
    search sr = {0};
    sr.req = req;
    sr.sc = sc;
    sr.severity_value = severity_value;
    sr.base = base;
    sr.zone = zone;
    sr.max_sessions = req->max_sessions;
    MN_TRY(load_devices(&sr, mech, rf));
    mn_column col;
    MN_TRY(mn_plan_zone_column(req, base, zone, &col));
    sr.col = &col;
    sr.reach_limit = col.dej_depth_um + f * col.dermis_um;
    z->reach_limit_um = sr.reach_limit;
    z->sessions_min = bd->lo;
    z->sessions_max = bd->hi;
    /* RF candidates' set-up (data/plan_limits.csv): depths through the RF guidance's range in
     * rf_depth_step_mm steps, two energies per needle, one pulse length, the fewest and the
     * most passes (side by side: the heat solve is shared, only the healing differs). */
    double rf_e[2] = {0, 0}, rf_step = 0, rf_pass[2] = {1, 1};
    if (rf) {
        MN_TRY(mn_clinic_limit("rf_energy_low_mj", &rf_e[0]));
        MN_TRY(mn_clinic_limit("rf_energy_high_mj", &rf_e[1]));
        MN_TRY(mn_clinic_limit("rf_pulse_ms", &sr.rf_pulse_ms));
        MN_TRY(mn_clinic_limit("rf_depth_step_mm", &rf_step));
        MN_TRY(mn_clinic_limit("rf_passes_min", &rf_pass[0]));
        MN_TRY(mn_clinic_limit("rf_passes_max", &rf_pass[1]));
    }

    /* Stage 1: device x depth x passes (RF: x energy) at the band's fewest sessions and longest
     * interval. Stage 2: for the best mechanical setting and the best RF one, every session
     * count of their band at both intervals. */
    mn_status st = MN_OK;
    mn_plan_candidate *cand = NULL;
    const mn_plan_candidate *best = NULL;
    long bi = -1, bi_rf = -1; /* indices: evaluate() may move the array */
    double first = ceil(lo / step - 1e-9) * step;
    int passes[2] = {(int)cg->pmin, (int)cg->pmax};
    /* Fitzpatrick IV-VI: "conservative passes" (screening rule fitzpatrick_4_plus, clinical.md
     * §1; PIH rises with darker skin, Chu 2021), so only the guidance's fewest passes. */
    int conservative = req->patient->fitzpatrick >= 4 && passes[1] > passes[0];
    if (conservative)
        passes[1] = passes[0];
    const double rf_pass_most = rf_pass[1];
    int rf_conservative = req->patient->fitzpatrick >= 4 && rf_pass[1] > rf_pass[0];
    if (rf_conservative)
        rf_pass[1] = rf_pass[0];
    for (int t = 0; t < 3 && st == MN_OK && mech; t++) {
        if (!sr.have[t])
            continue;
        for (double d = first; d <= hi + 1e-9 && st == MN_OK; d += step)
            for (int k = 0; k < (passes[1] != passes[0] ? 2 : 1) && st == MN_OK; k++) {
                st = evaluate(&sr, (mn_device_type)t, d, 0, passes[k], bd->lo, cg->imax, &cand);
                if (st == MN_OK && cand->feasible && better(sr.sc, cand, bi < 0 ? NULL : &sr.c[bi]))
                    bi = cand - sr.c;
            }
    }
    /* A cited range deeper than this patient's safe reach (thin dermis: a body zone, an older
     * patient) is not a reason to refuse the concern: the settings below it are tried, and
     * the plan says it stays shallower than the guidance. */
    int below_range = 0;
    int reach_only = sr.n > 0;
    for (size_t i = 0; i < sr.n; i++)
        reach_only &= strncmp(sr.c[i].why_not, "reach", 5) == 0;
    if (st == MN_OK && mech && bi < 0 && reach_only) {
        below_range = 1;
        for (int t = 0; t < 3 && st == MN_OK; t++) {
            if (!sr.have[t])
                continue;
            for (double d = step; d < first - 1e-9 && st == MN_OK; d += step)
                for (int k = 0; k < (passes[1] != passes[0] ? 2 : 1) && st == MN_OK; k++) {
                    st = evaluate(&sr, (mn_device_type)t, d, 0, passes[k], bd->lo, cg->imax, &cand);
                    if (st == MN_OK && cand->feasible &&
                        better(sr.sc, cand, bi < 0 ? NULL : &sr.c[bi]))
                        bi = cand - sr.c;
                }
        }
    }
    if (rf && sr.have[MN_DEVICE_RF]) {
        double rd[16];
        int nd = 0;
        for (double d = z->rf_depth_mm_min; d < z->rf_depth_mm_max - 1e-9 && nd < 15; d += rf_step)
            rd[nd++] = d;
        rd[nd++] = z->rf_depth_mm_max;
        for (int j = 0; j < nd && st == MN_OK; j++)
            for (int e = 0; e < 2 && st == MN_OK; e++)
                for (int k = 0; k < (rf_pass[1] != rf_pass[0] ? 2 : 1) && st == MN_OK; k++) {
                    st = evaluate(&sr, MN_DEVICE_RF, rd[j], rf_e[e], (int)rf_pass[k],
                                  z->rf_sessions_min, z->rf_interval_days_max, &cand);
                    if (st == MN_OK && cand->feasible &&
                        better(sr.sc, cand, bi_rf < 0 ? NULL : &sr.c[bi_rf]))
                        bi_rf = cand - sr.c;
                }
    }
    size_t stage1 = sr.n;
    if (st == MN_OK && bi >= 0) {
        /* The schedules of the best setting and of the one a step shallower (the deepest
         * setting can sit at the reach limit, where the deepest of more sessions' punctures
         * passes it). */
        mn_plan_candidate b1 = sr.c[bi];
        for (int j = 0; j < 2 && st == MN_OK; j++) {
            double depth = b1.depth_mm - j * step;
            /* Never below the cited range, unless the whole range is past the safe reach. */
            if (depth < step - 1e-9 || (!below_range && depth < first - 1e-9))
                break;
            for (int s = bd->lo; s <= bd->hi && st == MN_OK; s++)
                for (int k = 0; k < 2 && st == MN_OK; k++) {
                    double iv = k == 0 ? cg->imax : cg->imin;
                    if ((s == 1 && k == 1) || (k == 1 && cg->imin == cg->imax))
                        continue;
                    st = evaluate(&sr, b1.device, depth, 0, b1.passes, s, iv, &cand);
                }
        }
    }
    if (st == MN_OK && bi_rf >= 0) {
        /* The RF band's schedules at the best RF setting (the heat solve is reused: only the
         * needling and the healing are simulated again). */
        mn_plan_candidate b1 = sr.c[bi_rf];
        double iv2[2] = {z->rf_interval_days_max, z->rf_interval_days_min};
        for (int s = z->rf_sessions_min; s <= z->rf_sessions_max && st == MN_OK; s++)
            for (int k = 0; k < 2 && st == MN_OK; k++) {
                if ((s == 1 && k == 1) || (k == 1 && iv2[0] == iv2[1]))
                    continue;
                st = evaluate(&sr, MN_DEVICE_RF, b1.depth_mm, b1.energy_mj, b1.passes, s, iv2[k],
                              &cand);
            }
    }
    /* Pointers into sr.c may have moved: choose again over everything. */
    best = NULL;
    const mn_plan_candidate *best_rf = NULL;
    for (size_t i = 0; st == MN_OK && i < sr.n; i++) {
        if (sr.c[i].feasible && better(sr.sc, &sr.c[i], best))
            best = &sr.c[i];
        if (sr.c[i].device == MN_DEVICE_RF && sr.c[i].feasible && better(sr.sc, &sr.c[i], best_rf))
            best_rf = &sr.c[i];
    }
    if (st != MN_OK) {
        free(sr.c);
        return st;
    }
    if (rf) { /* the RF option's outcome, in the RF text every reader sees */
        size_t u = strlen(z->rf_text);
        int n_rf = 0;
        for (size_t i = 0; i < sr.n; i++)
            n_rf += sr.c[i].device == MN_DEVICE_RF;
        z->rf_simulated = n_rf;
        if (best_rf)
            snprintf(z->rf_text + u, sizeof z->rf_text - u,
                     " Simulated %d RF %s; the best RF course, %.2f mm at %g mJ per needle, %d "
                     "%s every %.0f d, scores %+.2f on the plan's objective%s.",
                     n_rf, n_rf == 1 ? "candidate" : "candidates", best_rf->depth_mm,
                     best_rf->energy_mj, best_rf->sessions,
                     mn_plan_sessions_word(best_rf->sessions), best_rf->interval_days,
                     best_rf->objective, best_rf == best ? " and is the plan chosen" : "");
        else
            snprintf(z->rf_text + u, sizeof z->rf_text - u,
                     " Simulated %d RF %s; none stays within the limits (%.200s).", n_rf,
                     n_rf == 1 ? "candidate" : "candidates", first_rf_why(&sr));
    }
    z->candidates = (int)sr.n;
    z->n_cands = sr.n;
    z->cands = sr.c;
    z->depth_limit_mm = 0;
    for (size_t i = 0; i < sr.n; i++)
        if (sr.c[i].device != MN_DEVICE_RF && sr.c[i].pred.tissue_depth_max_um <= sr.reach_limit &&
            sr.c[i].depth_mm > z->depth_limit_mm)
            z->depth_limit_mm = sr.c[i].depth_mm;
    if (best && best->device == MN_DEVICE_RF)
        z->depth_limit_mm = z->rf_depth_mm_max;
    if (!best && !mech) {
        snprintf(z->why_not, sizeof z->why_not, "%s", cg->has_depth ? "" : cg->note);
        return MN_OK;
    }
    if (!best) {
        const char *why = sr.n ? sr.c[0].why_not : "no candidate depth";
        snprintf(z->why_not, sizeof z->why_not,
                 "no candidate between %.2f and %.2f mm stays within the limits (gentlest: %.250s)",
                 lo, hi, why);
        return MN_OK;
    }
    for (size_t i = 0; i < stage1; i++)
        if (sr.c[i].feasible && sr.c[i].device == best->device &&
            (z->depth_mm_min == 0 || sr.c[i].depth_mm < z->depth_mm_min))
            z->depth_mm_min = sr.c[i].depth_mm;
    if (z->depth_mm_min == 0 || z->depth_mm_min > best->depth_mm)
        z->depth_mm_min = best->depth_mm;
    z->planned = 1;
    z->device = best->device;
    z->depth_mm_max = best->depth_mm;
    z->passes = best->passes;
    z->sessions = best->sessions;
    z->interval_days = best->sessions > 1 ? best->interval_days : 0;
    z->maintenance_days = cg->maint;
    z->objective = best->objective;
    snprintf(z->endpoint, sizeof z->endpoint, "%s", cg->endpoint);
    if (best->device == MN_DEVICE_RF) { /* the RF guidance's band, target and sources */
        z->sessions_min = z->rf_sessions_min;
        z->sessions_max = z->rf_sessions_max;
        z->energy_mj = best->energy_mj;
        z->maintenance_days = 0;
        snprintf(z->endpoint, sizeof z->endpoint, "RF heat in the %s", z->rf_target);
        snprintf(z->source, sizeof z->source, "%s", z->rf_source);
    }
    z->predicted = best->pred;
    z->risks = best->risks;

    char reach_text[160]; /* RF depths are bounded by their guidance, not the reach margin */
    if (mech)
        snprintf(reach_text, sizeof reach_text, "needling reach <= %.0f um%s", sr.reach_limit,
                 rf ? "; RF within its cited depths" : "");
    else
        snprintf(reach_text, sizeof reach_text, "RF within its cited depths");
    snprintf(z->tradeoff, sizeof z->tradeoff,
             "Chosen for the highest %s (%+.2f) of %zu simulated candidates within the limits "
             "(%s, %s%s, no high risk); options within %.2f of it count as the same and the "
             "cheaper one is kept.",
             sc->label, best->objective, sr.n, reach_text,
             req->max_downtime_days >= 0 ? "downtime within the maximum" : "no downtime maximum",
             req->max_sessions > 0 ? ", sessions within the budget" : "",
             same_within(sc, best->objective));
    if (sc->calibrated) {
        const mn_healing_clinical *cl = &best->pred.clinical;
        size_t u = strlen(z->tradeoff);
        snprintf(z->tradeoff + u, sizeof z->tradeoff - u,
                 " Predicted %s: %g before, %.1f at day 180 and %.1f at day 365; %.0f %% of "
                 "patients like this one improve by at least one step by day 180.",
                 cl->scale, cl->baseline, cl->baseline + cl->change[sc->day_index],
                 cl->baseline + cl->change[MN_HEALING_N_CLINICAL_DAYS - 1],
                 100.0 * cl->responder_fraction);
    }
    /* Neighbours compared like with like: one step deeper (same device, passes, schedule),
     * one session more and one fewer (same settings and interval), the other interval, and the
     * best candidate of each other device. */
    const mn_plan_candidate *nb[8];
    const char *label[8];
    int nn = 0;
    const mn_plan_candidate *deeper = NULL, *more = NULL, *fewer = NULL, *other_iv = NULL;
    for (size_t i = 0; i < sr.n; i++) {
        const mn_plan_candidate *c = &sr.c[i];
        int same_dev = c->device == best->device, same_p = c->passes == best->passes;
        int same_sched =
            c->sessions == best->sessions && fabs(c->interval_days - best->interval_days) < 1e-9;
        int same_set = same_dev && same_p && fabs(c->depth_mm - best->depth_mm) < 1e-9 &&
                       fabs(c->energy_mj - best->energy_mj) < 1e-9;
        if (same_dev && same_p && same_sched && fabs(c->energy_mj - best->energy_mj) < 1e-9 &&
            c->depth_mm > best->depth_mm + 1e-9 && (!deeper || c->depth_mm < deeper->depth_mm))
            deeper = c;
        if (same_set && fabs(c->interval_days - best->interval_days) < 1e-9) {
            if (c->sessions == best->sessions + 1)
                more = c;
            if (c->sessions == best->sessions - 1)
                fewer = c;
        }
        if (same_set && c->sessions == best->sessions &&
            fabs(c->interval_days - best->interval_days) > 1e-9)
            other_iv = c;
    }
    if (deeper)
        nb[nn] = deeper, label[nn++] = "One step deeper";
    else {
        size_t u = strlen(z->tradeoff);
        double top = best->device == MN_DEVICE_RF ? z->rf_depth_mm_max : hi;
        if (best->depth_mm >= top - 1e-9)
            snprintf(z->tradeoff + u, sizeof z->tradeoff - u,
                     " No deeper setting: %.2f mm is the deepest the guidance allows here.", top);
        else
            snprintf(z->tradeoff + u, sizeof z->tradeoff - u,
                     " Deeper settings were simulated at the first schedule only (--json lists "
                     "them).");
    }
    if (more)
        nb[nn] = more, label[nn++] = "One session more";
    if (fewer)
        nb[nn] = fewer, label[nn++] = "One session fewer";
    if (other_iv)
        nb[nn] = other_iv, label[nn++] = "Other interval";
    /* Other devices were simulated at the band's first schedule: compare them with the chosen
     * setting at that same schedule. */
    const mn_plan_candidate *ref = NULL;
    for (size_t i = 0; i < stage1; i++)
        if (sr.c[i].device == best->device && fabs(sr.c[i].depth_mm - best->depth_mm) < 1e-9 &&
            sr.c[i].passes == best->passes)
            ref = &sr.c[i];
    for (int t = 0; t < 3 && ref && best->device != MN_DEVICE_RF; t++) {
        if (t == (int)best->device || !sr.have[t])
            continue;
        const mn_plan_candidate *bt = NULL;
        for (size_t i = 0; i < stage1; i++)
            if ((int)sr.c[i].device == t && sr.c[i].feasible && better(sr.sc, &sr.c[i], bt))
                bt = &sr.c[i];
        if (bt && nn < 8) {
            nb[nn] = bt;
            label[nn++] = t == MN_DEVICE_ROLLER  ? "Best roller"
                          : t == MN_DEVICE_STAMP ? "Best stamp"
                                                 : "Best pen";
        }
    }
    int n_same = nn; /* the first n_same compare with best, the rest with ref */
    for (int i = 0; i < nn; i++)
        if (nb[i]->device != best->device) {
            n_same = i;
            break;
        }
    for (int i = 0; i < nn; i++) {
        if (i == n_same && ref != best) {
            size_t u = strlen(z->tradeoff);
            snprintf(z->tradeoff + u, sizeof z->tradeoff - u,
                     " Devices compared at %d %s every %.0f d (the chosen %s there: %+.2f):",
                     ref->sessions, mn_plan_sessions_word(ref->sessions), ref->interval_days,
                     device_names[ref->device], ref->objective);
        }
        describe(sr.sc, z->tradeoff, sizeof z->tradeoff, label[i], i < n_same ? best : ref, nb[i]);
    }
    /* RF against mechanical needling: each family's best whole course (their guidance gives
     * them different schedules), by the same objective. */
    const mn_plan_candidate *cross = NULL;
    for (size_t i = 0; i < sr.n; i++)
        if ((sr.c[i].device == MN_DEVICE_RF) != (best->device == MN_DEVICE_RF) &&
            sr.c[i].feasible && better(sr.sc, &sr.c[i], cross))
            cross = &sr.c[i];
    if (cross)
        describe(sr.sc, z->tradeoff, sizeof z->tradeoff,
                 cross->device == MN_DEVICE_RF ? "Best RF course" : "Best mechanical course", best,
                 cross);
    if (best->device == MN_DEVICE_RF ? rf_conservative : conservative) {
        size_t u = strlen(z->tradeoff);
        snprintf(z->tradeoff + u, sizeof z->tradeoff - u,
                 " Passes kept to the guidance's fewest (%d, not up to %d): conservative passes "
                 "for Fitzpatrick IV-VI (screening precaution).",
                 best->device == MN_DEVICE_RF ? (int)rf_pass[0] : (int)cg->pmin,
                 best->device == MN_DEVICE_RF ? (int)rf_pass_most : (int)cg->pmax);
    }
    if (below_range) {
        size_t u = strlen(z->tradeoff);
        snprintf(z->tradeoff + u, sizeof z->tradeoff - u,
                 " The guidance's %.2f-%.2f mm would reach past this patient's safe limit of "
                 "%.0f um here, so the plan stays shallower than the guidance.",
                 lo, hi, sr.reach_limit);
    }
    if (bd->name[0]) {
        size_t u = strlen(z->tradeoff);
        snprintf(z->tradeoff + u, sizeof z->tradeoff - u,
                 " Severity %s: %d to %d sessions considered (guidance %d to %d).", bd->name,
                 bd->lo, bd->hi, (int)cg->smin, (int)cg->smax);
    }
    double zone_min = best->pred.zone_minutes;
    mn_appointment ap;
    MN_TRY(
        mn_clinic_appointment(zone, best->depth_mm, best->device == MN_DEVICE_RF, zone_min, &ap));
    z->numbing_minutes = ap.numbing_min;
    z->numbing_optional = ap.numbing_optional;
    z->needling_minutes = ap.needling_min;
    z->aftercare_minutes = ap.aftercare_min;
    z->chair_minutes = ap.chair_min;
    z->pain = (int)lround(ap.pain);
    snprintf(z->pain_text, sizeof z->pain_text, "%s", ap.pain_text);
    return MN_OK;
}

mn_status mn_clinic_plan(const mn_plan_request *req, mn_plan **out)
{
    mn_status st = MN_OK;
    mn_plan *p = NULL;
    mn_model def;
    *out = NULL;
    if (!req || !req->patient || !req->concern || !req->predict)
        return mn_error_set(MN_EINTERNAL, "mn_clinic_plan: incomplete request");
    if (req->n_zones == 0 || req->n_zones > MN_PLAN_ZONE_CAP)
        return mn_error_set(MN_EINPUT, "--zones: %zu zones (expected 1 to %d)", req->n_zones,
                            MN_PLAN_ZONE_CAP);
    MN_TRY(mn_clinic_concern_known(req->concern));
    const mn_model *base = req->base;
    if (!base) {
        /* The default scenario's device and patch, without its product: a plan is about the
         * needling; what may meet the open channels is the practitioner's separate choice. */
        MN_TRY(mn_scenario_load_default(&def));
        def.product.present = false;
        base = &def;
    }
    mn_plan_guide cg;
    MN_TRY(mn_plan_guide_get("concern", req->concern, &cg));
    mn_plan_band bd;
    MN_TRY(mn_plan_severity_band(req->concern, req->severity, &cg, &bd));
    MN_ALLOC(p, 1);
    snprintf(p->concern, sizeof p->concern, "%s", req->concern);
    snprintf(p->severity, sizeof p->severity, "%s", bd.name);
    scoring sc;
    MN_TRY_GOTO(setup_scoring(req->concern, &bd, &sc, p), fail);
    MN_TRY_GOTO(mn_clinic_screen(req->patient, &p->screening), fail);
    p->n_zones = req->n_zones;
    for (size_t i = 0; i < req->n_zones; i++) {
        mn_plan_zone *z = &p->zones[i];
        if (p->screening->decision >= MN_DECISION_DEFER) {
            snprintf(z->zone, sizeof z->zone, "%s", req->zones[i]);
            size_t u = (size_t)snprintf(z->why_not, sizeof z->why_not, "screening decision %s:",
                                        mn_clinic_decision_name(p->screening->decision));
            for (size_t k = 0; k < p->screening->n_findings && u < sizeof z->why_not; k++)
                if (p->screening->findings[k].decision >= MN_DECISION_DEFER)
                    u += (size_t)snprintf(z->why_not + u, sizeof z->why_not - u, " %s (%s);",
                                          p->screening->findings[k].id,
                                          p->screening->findings[k].reason);
            continue;
        }
        /* RF's set-up from its guidance first: plan_zone simulates its candidates with the
         * mechanical ones (a request for RF alone simulates RF only). */
        snprintf(z->zone, sizeof z->zone, "%s", req->zones[i]);
        int known = 0;
        char list[1024];
        MN_TRY_GOTO(mn_model_zone_known(z->zone, &known, list, sizeof list), fail);
        if (!known) {
            st = mn_error_set(MN_EINPUT, "--zones: unknown zone '%.60s' (expected one of: %s)",
                              z->zone, list);
            goto fail;
        }
        MN_TRY_GOTO(mn_plan_rf_zone(req, base, p->screening, req->zones[i], z), fail);
        MN_TRY_GOTO(plan_zone(req, base, &cg, &bd, &sc, p->severity_value, req->zones[i], z), fail);
        if (z->rf_text[0]) { /* so every reader of the plan's texts sees the RF option too */
            char *t = z->planned ? z->tradeoff : z->why_not;
            size_t cap = z->planned ? sizeof z->tradeoff : sizeof z->why_not, u = strlen(t);
            snprintf(t + u, cap - u, "%s%s", u ? " " : "", z->rf_text);
        }
    }
    *out = p;
    return MN_OK;
fail:
    mn_plan_free(p);
    return st;
}

void mn_plan_free(mn_plan *p)
{
    if (!p)
        return;
    mn_screening_free(p->screening);
    for (size_t i = 0; i < p->n_zones; i++)
        free(p->zones[i].cands);
    free(p);
}

static cJSON *prediction_json(const mn_plan_prediction *p);
static cJSON *num_or_null(double v);

/* Every simulated candidate of a zone, so users can draw their own frontier. */
static cJSON *candidates_json(const mn_plan_zone *z)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < z->n_cands; i++) {
        const mn_plan_candidate *c = &z->cands[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "device", mn_device_type_name(c->device));
        cJSON_AddNumberToObject(o, "depth_mm", c->depth_mm);
        if (c->device == MN_DEVICE_RF)
            cJSON_AddNumberToObject(o, "energy_mj_per_needle", c->energy_mj);
        cJSON_AddNumberToObject(o, "passes", c->passes);
        cJSON_AddNumberToObject(o, "sessions", c->sessions);
        cJSON_AddNumberToObject(o, "interval_days", c->interval_days);
        cJSON_AddItemToObject(o, "objective", num_or_null(c->objective));
        cJSON_AddBoolToObject(o, "feasible", c->feasible);
        if (!c->feasible)
            cJSON_AddStringToObject(o, "why_not", c->why_not);
        cJSON_AddItemToObject(o, "predicted", prediction_json(&c->pred));
        cJSON *r = cJSON_AddObjectToObject(o, "risks");
        for (size_t k = 0; r && k < c->risks.n; k++)
            cJSON_AddStringToObject(r, c->risks.items[k].id,
                                    mn_risk_level_name(c->risks.items[k].level));
    }
    return arr;
}

static cJSON *num_or_null(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *by_day(const double v[4])
{
    cJSON *o = cJSON_CreateObject();
    char key[16];
    for (int i = 0; o && i < 4; i++) {
        snprintf(key, sizeof key, "day_%d", mn_plan_days[i]);
        cJSON_AddNumberToObject(o, key, v[i]);
    }
    return o;
}

static cJSON *prediction_json(const mn_plan_prediction *p)
{
    cJSON *pr = cJSON_CreateObject();
    if (!pr)
        return NULL;
    cJSON_AddItemToObject(pr, "collagen_change_percent", by_day(p->collagen_change_percent));
    cJSON_AddItemToObject(pr, "elastin_change_percent", by_day(p->elastin_change_percent));
    cJSON_AddItemToObject(pr, "epidermal_thickness_change_percent",
                          by_day(p->epidermal_thickness_change_percent));
    cJSON_AddNumberToObject(pr, "downtime_days_total", p->downtime_days_total);
    cJSON_AddNumberToObject(pr, "erythema_days", p->erythema_days);
    cJSON_AddNumberToObject(pr, "bleeding_fraction", p->bleeding_fraction);
    cJSON_AddNumberToObject(pr, "tissue_depth_max_um", p->tissue_depth_max_um);
    if (p->pih_probability >= 0)
        cJSON_AddNumberToObject(pr, "pih_probability", p->pih_probability);
    cJSON_AddItemToObject(pr, "papillary_collagen_change_percent",
                          by_day(p->papillary_collagen_change_percent));
    if (isfinite(p->coagulated_nl_per_cm2)) { /* RF: the heat stage's (issue 19) */
        cJSON *h = cJSON_AddObjectToObject(pr, "thermal");
        cJSON_AddNumberToObject(h, "coagulated_nl_per_cm2", p->coagulated_nl_per_cm2);
        cJSON_AddItemToObject(h, "epidermis_peak_temperature_c", num_or_null(p->epidermis_peak_c));
        cJSON_AddItemToObject(h, "epidermis_omega", num_or_null(p->epidermis_omega));
    }
    /* The clinical score (issue 19), null numbers where the scale is not calibrated. */
    if (p->clinical.scale[0]) {
        cJSON *c = cJSON_AddObjectToObject(pr, "clinical");
        cJSON *ch = cJSON_AddObjectToObject(c, "change");
        char key[16];
        for (int d = 0; ch && d < MN_HEALING_N_CLINICAL_DAYS; d++) {
            snprintf(key, sizeof key, "day_%.0f", mn_healing_clinical_days[d]);
            cJSON_AddItemToObject(ch, key, num_or_null(p->clinical.change[d]));
        }
        cJSON_AddStringToObject(c, "scale", p->clinical.scale);
        cJSON_AddItemToObject(c, "baseline", num_or_null(p->clinical.baseline));
        cJSON_AddItemToObject(c, "responder_fraction", num_or_null(p->clinical.responder_fraction));
        cJSON_AddBoolToObject(c, "calibrated", p->clinical.calibrated != 0);
    }
    return pr;
}

mn_status mn_clinic_plan_json(const mn_plan *p, cJSON **out)
{
    cJSON *root = NULL;
    MN_TRY(mn_clinic_screening_json(p->screening, &root));
    cJSON_AddStringToObject(root, "concern", p->concern);
    if (p->severity[0])
        cJSON_AddStringToObject(root, "severity", p->severity);
    else
        cJSON_AddNullToObject(root, "severity");
    cJSON_AddStringToObject(root, "objective", p->objective);
    /* Issue 19: what the objective is measured on. */
    cJSON_AddBoolToObject(root, "objective_is_clinical_score", p->clinical_calibrated != 0);
    cJSON_AddStringToObject(root, "clinical_scale", p->clinical_scale);
    cJSON_AddItemToObject(root, "clinical_baseline", num_or_null(p->clinical_baseline));
    cJSON_AddNumberToObject(root, "objective_tolerance", p->objective_tolerance);
    cJSON *mods = NULL;
    if (mn_clinic_modalities_json(p->concern, &mods) != MN_OK) {
        cJSON_Delete(root);
        return MN_ENOMEM;
    }
    cJSON_AddItemToObject(root, "modalities", mods);
    cJSON *zones = cJSON_AddArrayToObject(root, "zones");
    for (size_t i = 0; zones && i < p->n_zones; i++) {
        const mn_plan_zone *z = &p->zones[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(zones, o);
        cJSON_AddStringToObject(o, "zone", z->zone);
        cJSON_AddBoolToObject(o, "planned", z->planned);
        cJSON_AddItemToObject(o, "candidates", candidates_json(z));
        if (z->rf_text[0]) /* RF from the cited guidance (issue 19), not simulated */
            cJSON_AddItemToObject(o, "rf", mn_plan_rf_json(z));
        if (!z->planned) {
            cJSON_AddStringToObject(o, "why_not", z->why_not);
            continue;
        }
        cJSON_AddStringToObject(o, "device", mn_device_type_name(z->device));
        if (z->device == MN_DEVICE_RF)
            cJSON_AddNumberToObject(o, "energy_mj_per_needle", z->energy_mj);
        cJSON_AddNumberToObject(o, "sessions_min", z->sessions_min);
        cJSON_AddNumberToObject(o, "sessions_max", z->sessions_max);
        cJSON_AddNumberToObject(o, "objective", z->objective);
        cJSON *ap = cJSON_AddObjectToObject(o, "appointment");
        cJSON_AddNumberToObject(ap, "numbing_min", z->numbing_minutes);
        cJSON_AddBoolToObject(ap, "numbing_optional", z->numbing_optional);
        cJSON_AddNumberToObject(ap, "needling_min", z->needling_minutes);
        cJSON_AddNumberToObject(ap, "aftercare_min", z->aftercare_minutes);
        cJSON_AddNumberToObject(ap, "chair_min", z->chair_minutes);
        cJSON *pain = cJSON_AddObjectToObject(o, "pain");
        cJSON_AddNumberToObject(pain, "level", z->pain);
        cJSON_AddStringToObject(pain, "text", z->pain_text);
        cJSON_AddNumberToObject(o, "depth_mm_min", z->depth_mm_min);
        cJSON_AddNumberToObject(o, "depth_mm_max", z->depth_mm_max);
        cJSON_AddNumberToObject(o, "depth_limit_mm", z->depth_limit_mm);
        cJSON_AddNumberToObject(o, "reach_limit_um", z->reach_limit_um);
        cJSON_AddNumberToObject(o, "passes", z->passes);
        cJSON_AddNumberToObject(o, "sessions", z->sessions);
        cJSON_AddNumberToObject(o, "interval_days", z->interval_days);
        cJSON_AddNumberToObject(o, "maintenance_days", z->maintenance_days);
        cJSON_AddStringToObject(o, "endpoint", z->endpoint);
        cJSON_AddItemToObject(o, "predicted", prediction_json(&z->predicted));
        if (mn_clinic_risks_json(&z->risks, o) != MN_OK) {
            cJSON_Delete(root);
            return MN_ENOMEM;
        }
        cJSON_AddStringToObject(o, "tradeoff", z->tradeoff);
        cJSON_AddStringToObject(o, "source", z->source);
    }
    if (!zones || cJSON_GetArraySize(zones) != (int)p->n_zones) {
        cJSON_Delete(root);
        return mn_error_set(MN_ENOMEM, "out of memory building the plan JSON");
    }
    *out = root;
    return MN_OK;
}
