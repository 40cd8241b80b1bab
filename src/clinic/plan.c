#include "clinic/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"
#include "model/scenario.h"
#include "model/zones.h"

const int mn_plan_days[4] = {30, 90, 180, 365};

/* The day-180 collagen change is the objective: remodelling runs for months after the course
 * (healing.md wound phases), and day 180 falls after every guidance course (at most 12 weekly
 * or 6 monthly sessions). */
enum { OBJECTIVE_DAY = 2, MAX_CANDIDATES = 64 };

typedef struct guide {
    int found, has_depth;
    double dmin, dmax, pmin, pmax, smin, smax, imin, imax, maint;
    char endpoint[128], source[512], note[256];
} guide;

static double cell_or(const mn_table *t, size_t r, const char *col, double fallback)
{
    double v = fallback;
    if (mn_table_double_or(t, r, col, fallback, &v) != MN_OK)
        return fallback;
    return v;
}

static mn_status guide_get(const char *kind, const char *name, guide *g)
{
    mn_table *t = NULL;
    memset(g, 0, sizeof *g);
    MN_TRY(mn_table_load_embedded("guidance.csv", &t));
    int kc = mn_table_col(t, "kind"), nc = mn_table_col(t, "name");
    for (size_t r = 0; r < mn_table_rows(t); r++) {
        if (strcmp(mn_table_cell(t, r, kc), kind) || strcmp(mn_table_cell(t, r, nc), name))
            continue;
        g->found = 1;
        g->has_depth = *mn_table_cell(t, r, mn_table_col(t, "depth_max_mm")) != '\0';
        g->dmin = cell_or(t, r, "depth_min_mm", 0);
        g->dmax = cell_or(t, r, "depth_max_mm", 0);
        g->pmin = cell_or(t, r, "passes_min", 2);
        g->pmax = cell_or(t, r, "passes_max", g->pmin);
        g->smin = cell_or(t, r, "sessions_min", 1);
        g->smax = cell_or(t, r, "sessions_max", g->smin);
        g->imin = cell_or(t, r, "interval_days_min", 0);
        g->imax = cell_or(t, r, "interval_days_max", g->imin);
        g->maint = cell_or(t, r, "maintenance_days", 0);
        snprintf(g->endpoint, sizeof g->endpoint, "%s",
                 mn_table_cell(t, r, mn_table_col(t, "endpoint")));
        snprintf(g->source, sizeof g->source, "%s (%s)",
                 mn_table_cell(t, r, mn_table_col(t, "source")),
                 mn_table_cell(t, r, mn_table_col(t, "status")));
        snprintf(g->note, sizeof g->note, "%s", mn_table_cell(t, r, mn_table_col(t, "note")));
        break;
    }
    mn_table_free(t);
    return MN_OK;
}

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
    guide g;
    MN_TRY(guide_get("concern", concern, &g));
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

typedef struct cand {
    double depth_mm;
    int passes, sessions;
    double interval_days;
    mn_plan_prediction pred;
    mn_risks risks;
} cand;

static cand mk(double depth_mm, int passes, int sessions, double interval_days)
{
    cand c;
    memset(&c, 0, sizeof c);
    c.depth_mm = depth_mm;
    c.passes = passes;
    c.sessions = sessions;
    c.interval_days = interval_days;
    return c;
}

static void build_model(const mn_model *base, const mn_patient *p, const char *zone, const cand *c,
                        mn_model *m)
{
    *m = *base;
    m->patient = *p;
    snprintf(m->site.zone, sizeof m->site.zone, "%s", zone);
    m->site.layers_given = false;
    m->device.set_depth_um = c->depth_mm * 1000.0;
    m->device.passes = c->passes;
    m->protocol.sessions = c->sessions;
    m->protocol.interval_days = c->interval_days;
    m->protocol.n_overrides = 0;
    m->protocol.maintenance_every_days = 0;
    /* Follow every candidate to day 365 at least, so day_365 exists for all. */
    double course = (c->sessions - 1) * c->interval_days;
    if (m->protocol.follow_up_days < 365.0 - course)
        m->protocol.follow_up_days = 365.0 - course;
}

static mn_status evaluate(const mn_plan_request *req, const mn_model *base, const char *zone,
                          const mn_column *col, cand *c)
{
    mn_model m;
    build_model(base, req->patient, zone, c, &m);
    MN_TRY(req->predict(req->predict_ctx, &m, &c->pred));
    mn_risk_inputs in;
    mn_risk_inputs_init(&in);
    in.patient = req->patient;
    in.zone = zone;
    in.column = col;
    in.device_type = m.device.type;
    in.set_depth_um = m.device.set_depth_um;
    in.tissue_depth_max_um = c->pred.tissue_depth_max_um;
    in.bleeding_fraction = c->pred.bleeding_fraction;
    in.erythema_days = c->pred.erythema_days;
    in.product_name = m.product.present ? m.product.name : NULL;
    return mn_clinic_risks(&in, &c->risks);
}

/* A plan never carries a high risk. Under a screening that lets a plan go ahead, the only
 * risks that can be high are those the settings cause (reach, bleeding, inflammation) or the
 * product of the base scenario. */
static int risks_ok(const cand *c, char *why, size_t cap)
{
    for (size_t i = 0; i < c->risks.n; i++)
        if (c->risks.items[i].level >= MN_RISK_HIGH) {
            snprintf(why, cap, "%s risk would be high (%s)", c->risks.items[i].id,
                     c->risks.items[i].reason);
            return 0;
        }
    return 1;
}

static int feasible(const cand *c, double reach_limit, double max_down, char *why, size_t cap)
{
    if (c->pred.tissue_depth_max_um > reach_limit) {
        snprintf(why, cap, "reach %.0f um passes the safe limit %.0f um",
                 c->pred.tissue_depth_max_um, reach_limit);
        return 0;
    }
    if (max_down >= 0 && c->pred.downtime_days_total > max_down) {
        snprintf(why, cap, "downtime %.1f d exceeds the %.1f d allowed",
                 c->pred.downtime_days_total, max_down);
        return 0;
    }
    return risks_ok(c, why, cap);
}

static void describe_alt(char *buf, size_t cap, const char *label, const cand *best,
                         const cand *alt, int ok, const char *why)
{
    size_t u = strlen(buf);
    snprintf(buf + u, cap - u,
             " %s (%.2f mm, %d passes, %d sessions every %.0f d): collagen %+.1f points at day %d, "
             "downtime %+.1f d%s%s.",
             label, alt->depth_mm, alt->passes, alt->sessions, alt->interval_days,
             alt->pred.collagen_change_percent[OBJECTIVE_DAY] -
                 best->pred.collagen_change_percent[OBJECTIVE_DAY],
             mn_plan_days[OBJECTIVE_DAY],
             alt->pred.downtime_days_total - best->pred.downtime_days_total,
             ok ? "; within the limits but no better" : "; not chosen: ", ok ? "" : why);
}

static mn_status plan_zone(const mn_plan_request *req, const mn_model *base, const guide *cg,
                           const char *zone, mn_plan_zone *z)
{
    mn_status st = MN_OK;
    cand *cs = NULL;
    snprintf(z->zone, sizeof z->zone, "%s", zone);
    int known = 0;
    char list[1024];
    MN_TRY(mn_model_zone_known(zone, &known, list, sizeof list));
    if (!known)
        return mn_error_set(MN_EINPUT, "--zones: unknown zone '%.60s' (expected one of: %s)", zone,
                            list);
    guide zg;
    MN_TRY(guide_get("zone", zone, &zg));
    if (zg.found && zg.dmax <= 0) {
        snprintf(z->why_not, sizeof z->why_not, "%s: %s", zg.note, zg.source);
        return MN_OK;
    }
    if (!cg->has_depth) {
        snprintf(z->why_not, sizeof z->why_not, "%s: %s", cg->note, cg->source);
        return MN_OK;
    }
    double lo = cg->dmin, hi = cg->dmax;
    snprintf(z->source, sizeof z->source, "%s", cg->source);
    if (zg.found) {
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

    double f = 0, step = 0;
    MN_TRY(mn_clinic_limit("safe_dermis_fraction", &f));
    MN_TRY(mn_clinic_limit("depth_step_mm", &step));
    mn_model m0;
    cand c0 = mk(lo, (int)cg->pmin, (int)cg->smin, cg->imax);
    build_model(base, req->patient, zone, &c0, &m0);
    mn_column col;
    MN_TRY(mn_anatomy_column_for(&m0, &col));
    z->reach_limit_um = col.dej_depth_um + f * col.dermis_um;

    MN_ALLOC(cs, MAX_CANDIDATES);
    int n = 0;
    double first = ceil(lo / step - 1e-9) * step;
    int passes[2] = {(int)cg->pmin, (int)cg->pmax};
    for (double d = first; d <= hi + 1e-9 && n < MAX_CANDIDATES - 2; d += step)
        for (int k = 0; k < (passes[1] != passes[0] ? 2 : 1); k++) {
            cs[n] = mk(d, passes[k], (int)cg->smin, cg->imax);
            MN_TRY_GOTO(evaluate(req, base, zone, &col, &cs[n]), done);
            n++;
        }
    z->candidates = n;
    int best = -1;
    char why[MN_PLAN_TEXT_CAP] = "", first_why[MN_PLAN_TEXT_CAP] = "";
    z->depth_limit_mm = 0;
    for (int i = 0; i < n; i++) {
        if (cs[i].pred.tissue_depth_max_um <= z->reach_limit_um &&
            cs[i].depth_mm > z->depth_limit_mm)
            z->depth_limit_mm = cs[i].depth_mm;
        if (!feasible(&cs[i], z->reach_limit_um, req->max_downtime_days, why, sizeof why)) {
            if (!first_why[0])
                snprintf(first_why, sizeof first_why, "%s", why);
            continue;
        }
        if (z->depth_mm_min == 0 || cs[i].depth_mm < z->depth_mm_min)
            z->depth_mm_min = cs[i].depth_mm;
        if (best < 0 || cs[i].pred.collagen_change_percent[OBJECTIVE_DAY] >
                            cs[best].pred.collagen_change_percent[OBJECTIVE_DAY] + 1e-9)
            best = i;
    }
    if (best < 0) {
        snprintf(z->why_not, sizeof z->why_not,
                 "no candidate between %.2f and %.2f mm stays within the limits (gentlest: %.250s)",
                 lo, hi, first_why);
        goto done;
    }
    const cand *b = &cs[best];
    z->planned = 1;
    z->depth_mm_max = b->depth_mm;
    z->passes = b->passes;
    z->sessions = b->sessions;
    z->interval_days = b->interval_days;
    z->maintenance_days = cg->maint;
    snprintf(z->endpoint, sizeof z->endpoint, "%s", cg->endpoint);
    z->predicted = b->pred;
    z->risks = b->risks;

    snprintf(z->tradeoff, sizeof z->tradeoff,
             "Chosen for the highest predicted collagen change at day %d (%+.1f %%) within the "
             "limits (reach <= %.0f um, %s).",
             mn_plan_days[OBJECTIVE_DAY], b->pred.collagen_change_percent[OBJECTIVE_DAY],
             z->reach_limit_um,
             req->max_downtime_days >= 0 ? "downtime within the maximum" : "no downtime maximum");
    /* Deeper: the next depth step with the same passes. */
    int deeper = -1;
    for (int i = 0; i < n; i++)
        if (cs[i].passes == b->passes && cs[i].depth_mm > b->depth_mm + 1e-9 &&
            (deeper < 0 || cs[i].depth_mm < cs[deeper].depth_mm))
            deeper = i;
    if (deeper >= 0) {
        int ok = feasible(&cs[deeper], z->reach_limit_um, req->max_downtime_days, why, sizeof why);
        describe_alt(z->tradeoff, sizeof z->tradeoff, "Deeper", b, &cs[deeper], ok, why);
    } else {
        size_t u = strlen(z->tradeoff);
        snprintf(z->tradeoff + u, sizeof z->tradeoff - u,
                 " No deeper setting: %.2f mm is the deepest the guidance allows here.", hi);
    }
    /* More frequent: the guidance's most sessions at its shortest interval. */
    if ((int)cg->smax != b->sessions || cg->imin != b->interval_days) {
        cand more = mk(b->depth_mm, b->passes, (int)cg->smax, cg->imin);
        MN_TRY_GOTO(evaluate(req, base, zone, &col, &more), done);
        z->candidates++;
        int ok = feasible(&more, z->reach_limit_um, req->max_downtime_days, why, sizeof why);
        describe_alt(z->tradeoff, sizeof z->tradeoff, "More frequent", b, &more, ok, why);
    }
done:
    free(cs);
    return st;
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
    guide cg;
    MN_TRY(guide_get("concern", req->concern, &cg));
    MN_ALLOC(p, 1);
    snprintf(p->concern, sizeof p->concern, "%s", req->concern);
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
        MN_TRY_GOTO(plan_zone(req, base, &cg, req->zones[i], z), fail);
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
    free(p);
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

mn_status mn_clinic_plan_json(const mn_plan *p, cJSON **out)
{
    cJSON *root = NULL;
    MN_TRY(mn_clinic_screening_json(p->screening, &root));
    cJSON_AddStringToObject(root, "concern", p->concern);
    cJSON *zones = cJSON_AddArrayToObject(root, "zones");
    for (size_t i = 0; zones && i < p->n_zones; i++) {
        const mn_plan_zone *z = &p->zones[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(zones, o);
        cJSON_AddStringToObject(o, "zone", z->zone);
        cJSON_AddBoolToObject(o, "planned", z->planned);
        if (!z->planned) {
            cJSON_AddStringToObject(o, "why_not", z->why_not);
            continue;
        }
        cJSON_AddNumberToObject(o, "depth_mm_min", z->depth_mm_min);
        cJSON_AddNumberToObject(o, "depth_mm_max", z->depth_mm_max);
        cJSON_AddNumberToObject(o, "depth_limit_mm", z->depth_limit_mm);
        cJSON_AddNumberToObject(o, "reach_limit_um", z->reach_limit_um);
        cJSON_AddNumberToObject(o, "passes", z->passes);
        cJSON_AddNumberToObject(o, "sessions", z->sessions);
        cJSON_AddNumberToObject(o, "interval_days", z->interval_days);
        cJSON_AddNumberToObject(o, "maintenance_days", z->maintenance_days);
        cJSON_AddStringToObject(o, "endpoint", z->endpoint);
        cJSON *pr = cJSON_AddObjectToObject(o, "predicted");
        if (pr) {
            cJSON_AddItemToObject(pr, "collagen_change_percent",
                                  by_day(z->predicted.collagen_change_percent));
            cJSON_AddItemToObject(pr, "elastin_change_percent",
                                  by_day(z->predicted.elastin_change_percent));
            cJSON_AddItemToObject(pr, "epidermal_thickness_change_percent",
                                  by_day(z->predicted.epidermal_thickness_change_percent));
            cJSON_AddNumberToObject(pr, "downtime_days_total", z->predicted.downtime_days_total);
            cJSON_AddNumberToObject(pr, "erythema_days", z->predicted.erythema_days);
            cJSON_AddNumberToObject(pr, "bleeding_fraction", z->predicted.bleeding_fraction);
            cJSON_AddNumberToObject(pr, "tissue_depth_max_um", z->predicted.tissue_depth_max_um);
        }
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
