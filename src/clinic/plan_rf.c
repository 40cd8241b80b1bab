/* RF microneedling where it is the usual device: its set-up from the cited guidance (data/
 * guidance.csv kinds rf and rf_zone), whose candidates plan.c simulates and ranks; see
 * mn_plan_zone.rf_* in plan.h. */
#include "clinic/plan_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "clinic/risks.h"

mn_status mn_plan_zone_column(const mn_plan_request *req, const mn_model *base, const char *zone,
                              mn_column *col)
{
    mn_model m0 = *base;
    m0.patient = *req->patient;
    snprintf(m0.site.zone, sizeof m0.site.zone, "%s", zone);
    m0.site.layers_given = false;
    return mn_anatomy_column_for(&m0, col);
}

/* A screening finding that rules out RF current (metal or electronics under the area). */
static const char *rf_excluded_by(const mn_screening *s)
{
    for (size_t i = 0; i < s->n_findings; i++)
        if (!strcmp(s->findings[i].id, "metal_implant_in_area") ||
            !strcmp(s->findings[i].id, "implanted_electronic_device"))
            return s->findings[i].id;
    return NULL;
}

/* The RF set-up of a zone from the cited guidance (kind rf, capped by kind rf_zone and, for a
 * tip aimed at the reticular dermis, by this patient's dermis), sessions by severity as for
 * needling; plan.c simulates its candidates. */
mn_status mn_plan_rf_zone(const mn_plan_request *req, const mn_model *base, const mn_screening *scr,
                          const char *zone, mn_plan_zone *z)
{
    mn_plan_guide rg, zg;
    MN_TRY(mn_plan_guide_get("rf", req->concern, &rg));
    if (!rg.found || !rg.has_depth)
        return MN_OK;
    const char *excl = rf_excluded_by(scr);
    if (req->devices && !(req->devices & (1u << MN_DEVICE_RF))) {
        snprintf(z->rf_text, sizeof z->rf_text,
                 "RF microneedling is the usual device for %s; not planned because it was not "
                 "among the devices asked for.",
                 req->concern);
        return MN_OK;
    }
    if (req->setting == MN_SETTING_HOME) {
        snprintf(z->rf_text, sizeof z->rf_text,
                 "RF microneedling is the usual device for %s; not planned at home (a clinic "
                 "procedure: no device is authorised for home use, clinical.md §8).",
                 req->concern);
        return MN_OK;
    }
    if (excl) {
        snprintf(z->rf_text, sizeof z->rf_text,
                 "RF microneedling is the usual device for %s; not planned: screening finding %s "
                 "(no RF current over metal or implanted electronics).",
                 req->concern, excl);
        return MN_OK;
    }
    mn_plan_band rb;
    MN_TRY(mn_plan_severity_band(req->concern, req->severity, &rg, &rb));
    mn_column col;
    MN_TRY(mn_plan_zone_column(req, base, zone, &col));
    double step = 0;
    MN_TRY(mn_clinic_limit("depth_step_mm", &step));
    double lo = rg.dmin, hi = rg.dmax;
    size_t u = (size_t)snprintf(z->rf_source, sizeof z->rf_source, "%s", rg.source);
    MN_TRY(mn_plan_guide_get("rf_zone", zone, &zg));
    if (zg.found) {
        lo = hi = fmin(fmax(zg.dmax, rg.dmin), rg.dmax);
        if (u < sizeof z->rf_source)
            snprintf(z->rf_source + u, sizeof z->rf_source - u, "; zone: %s (%s)", zg.source,
                     zg.note[0] ? zg.note : "RF depth by zone");
    }
    double bottom_mm = col.dermis_bottom_um / 1000.0;
    const char *target = rg.endpoint;
    char where[512];
    int shallower = 0;
    if (!strcmp(target, "reticular_dermis")) {
        /* The tip stays in the dermis: the deepest step at or above this patient's dermis
         * bottom (sites.csv). */
        double cap = floor(bottom_mm / step + 1e-9) * step;
        if (hi > cap) {
            shallower = 1;
            hi = cap;
            lo = fmin(lo, hi);
        }
        snprintf(where, sizeof where,
                 "tip in the reticular dermis, which ends at %.2f mm in this patient's %s "
                 "(sites.csv)%s",
                 bottom_mm, zone,
                 shallower ? "; shallower than the cited depth so the tip stays in the dermis"
                           : "");
    } else {
        snprintf(where, sizeof where,
                 "aimed at the sweat glands at the dermis-fat junction; this patient's tabulated "
                 "%s dermis ends at %.2f mm (sites.csv), so %.1f-%.1f mm places the tip %.1f-%.1f "
                 "mm below it: check the depth on the device before treating; the objective "
                 "reads the dermis, not the sweat glands below it, so it does not rank the RF "
                 "depths and energies for this target (a stand-in, said here)",
                 zone, bottom_mm, lo, hi, lo - bottom_mm, hi - bottom_mm);
    }
    if (hi < step - 1e-9) {
        snprintf(z->rf_text, sizeof z->rf_text,
                 "RF microneedling is the usual device for %s; not planned: this patient's %s "
                 "dermis (%.2f mm) is thinner than the shallowest setting.",
                 req->concern, zone, bottom_mm);
        return MN_OK;
    }
    z->rf_planned = 1;
    z->rf_depth_mm_min = lo;
    z->rf_depth_mm_max = hi;
    z->rf_sessions_min = rb.lo;
    z->rf_sessions_max = rb.hi;
    z->rf_interval_days_min = rg.imin;
    z->rf_interval_days_max = rg.imax;
    snprintf(z->rf_target, sizeof z->rf_target, "%.31s", target);
    char depth[48];
    if (fabs(hi - lo) < 1e-9)
        snprintf(depth, sizeof depth, "%.2f mm", hi);
    else
        snprintf(depth, sizeof depth, "%.2f-%.2f mm", lo, hi);
    char sessions[48];
    if (rb.lo == rb.hi)
        snprintf(sessions, sizeof sessions, "%d %s", rb.lo, mn_plan_sessions_word(rb.lo));
    else
        snprintf(sessions, sizeof sessions, "%d to %d sessions", rb.lo, rb.hi);
    double e_lo = 0, e_hi = 0, pulse = 0;
    MN_TRY(mn_clinic_limit("rf_energy_low_mj", &e_lo));
    MN_TRY(mn_clinic_limit("rf_energy_high_mj", &e_hi));
    MN_TRY(mn_clinic_limit("rf_pulse_ms", &pulse));
    char apart[48];
    if (fabs(rg.imax - rg.imin) < 1e-9)
        snprintf(apart, sizeof apart, "%.0f days apart", rg.imin);
    else
        snprintf(apart, sizeof apart, "%.0f-%.0f days apart", rg.imin, rg.imax);
    snprintf(z->rf_text, sizeof z->rf_text,
             "RF microneedling (simulated with the heat stage and healing): needle depth %s "
             "(%s); %s %s%s%s (cited guidance). Energy per needle %g or %g mJ "
             "in %g ms pulses through an insulated bipolar array: the planner's set-up within "
             "the heat stage's trusted range, not a cited clinical setting (none is cited "
             "outside the validation set; assumption): use the device's own setting for this "
             "depth.",
             depth, where, sessions, apart, rb.name[0] ? ", severity " : "", rb.name, e_lo, e_hi,
             pulse);
    return MN_OK;
}

cJSON *mn_plan_rf_json(const mn_plan_zone *z)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddBoolToObject(o, "planned", z->rf_planned);
    cJSON_AddBoolToObject(o, "simulated", z->rf_simulated > 0);
    cJSON_AddNumberToObject(o, "candidates_simulated", z->rf_simulated);
    if (z->rf_planned) {
        cJSON_AddNumberToObject(o, "depth_mm_min", z->rf_depth_mm_min);
        cJSON_AddNumberToObject(o, "depth_mm_max", z->rf_depth_mm_max);
        cJSON_AddNumberToObject(o, "sessions_min", z->rf_sessions_min);
        cJSON_AddNumberToObject(o, "sessions_max", z->rf_sessions_max);
        cJSON_AddNumberToObject(o, "interval_days_min", z->rf_interval_days_min);
        cJSON_AddNumberToObject(o, "interval_days_max", z->rf_interval_days_max);
        cJSON_AddStringToObject(o, "target", z->rf_target);
        cJSON_AddStringToObject(o, "energy",
                                "planner set-up, data/plan_limits.csv rf_energy_* (assumption: "
                                "no cited clinical energy per needle)");
        cJSON_AddStringToObject(o, "source", z->rf_source);
    }
    cJSON_AddStringToObject(o, "text", z->rf_text);
    return o;
}
