/* The public clinic entry points (include/mnsim/clinic.h): the clinic stage's screening and
 * planner with the run layer's simulator (run/predict.h), serialised to JSON text. */
#include "mnsim/clinic.h"

#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clinic/handout.h"
#include "clinic/modalities.h"
#include "clinic/plan.h"
#include "clinic/screen.h"
#include "core/cnum.h"
#include "core/error.h"
#include "model/device.h"
#include "model/patient.h"
#include "run/predict.h"

void mn_free(void *p)
{
    free(p);
}

static mn_status load_patient(const char *path, mn_patient *p)
{
    MN_RETURN_IN_C_LOCALE(mn_patient_load(path, p));
}

/* Prints root into *json (malloc'd: mn_free), deleting root. */
static mn_status print_json(cJSON *root, char **json)
{
    mn_cnum loc;
    mn_cnum_enter(&loc);
    char *text = cJSON_Print(root);
    mn_cnum_leave(&loc);
    cJSON_Delete(root);
    if (!text)
        return mn_error_set(MN_ENOMEM, "out of memory printing JSON");
    *json = strdup(text); /* cJSON's allocator may differ from malloc: hand out a malloc copy */
    cJSON_free(text);
    if (!*json)
        return mn_error_set(MN_ENOMEM, "out of memory printing JSON");
    return MN_OK;
}

mn_status mn_screen_file(const char *patient_path, char **json)
{
    mn_patient p;
    mn_screening *s = NULL;
    cJSON *root = NULL;
    if (!json)
        return mn_error_set(MN_EUSAGE, "mn_screen_file: json is NULL");
    *json = NULL;
    if (!patient_path)
        return mn_error_set(MN_EUSAGE, "mn_screen_file: no patient file");
    MN_TRY(load_patient(patient_path, &p));
    MN_TRY(mn_clinic_screen(&p, &s));
    mn_status st = mn_clinic_screening_json(s, &root);
    mn_screening_free(s);
    MN_TRY(st);
    return print_json(root, json);
}

/* ---- Handles ------------------------------------------------------------------------- */

/* Handles carry a magic number so that memory which is not a live handle (a freed one, a
 * pointer of another type) is refused with MN_EUSAGE instead of being trusted. */
#define SCREEN_MAGIC 0x6d6e5363u /* "mnSc" */
#define PLAN_MAGIC   0x6d6e506cu /* "mnPl" */
#define DEAD_MAGIC   0xdeadbeefu

struct mn_screen_result {
    uint32_t magic;
    mn_screening *s;
    int owned; /* 0: the screening of a plan, freed with it */
};

struct mn_plan_result {
    uint32_t magic;
    mn_plan *plan;
    mn_screen_result screening;
};

static mn_status check_screen(const mn_screen_result *r, const char *fn)
{
    if (!r || r->magic != SCREEN_MAGIC || !r->s)
        return mn_error_set(MN_EUSAGE, "%s: not a screening result (NULL or freed)", fn);
    return MN_OK;
}

static mn_status check_plan(const mn_plan_result *p, const char *fn)
{
    if (!p || p->magic != PLAN_MAGIC || !p->plan)
        return mn_error_set(MN_EUSAGE, "%s: not a plan result (NULL or freed)", fn);
    return MN_OK;
}

#define NEED(ptr, fn)                                                                              \
    do {                                                                                           \
        if (!(ptr))                                                                                \
            return mn_error_set(MN_EUSAGE, "%s: " #ptr " is NULL", fn);                            \
    } while (0)

mn_status mn_screen_patient_file(const char *patient_path, mn_screen_result **out)
{
    NEED(out, "mn_screen_patient_file");
    *out = NULL;
    NEED(patient_path, "mn_screen_patient_file");
    mn_patient p;
    mn_screening *s = NULL;
    MN_TRY(load_patient(patient_path, &p));
    MN_TRY(mn_clinic_screen(&p, &s));
    mn_screen_result *r = calloc(1, sizeof *r);
    if (!r) {
        mn_screening_free(s);
        return mn_error_set(MN_ENOMEM, "out of memory");
    }
    *r = (mn_screen_result){SCREEN_MAGIC, s, 1};
    *out = r;
    return MN_OK;
}

mn_status mn_screen_result_decision(const mn_screen_result *r, const char **decision)
{
    MN_TRY(check_screen(r, "mn_screen_result_decision"));
    NEED(decision, "mn_screen_result_decision");
    *decision = mn_clinic_decision_name(r->s->decision);
    return MN_OK;
}

mn_status mn_screen_result_finding_count(const mn_screen_result *r, size_t *n)
{
    MN_TRY(check_screen(r, "mn_screen_result_finding_count"));
    NEED(n, "mn_screen_result_finding_count");
    *n = r->s->n_findings;
    return MN_OK;
}

mn_status mn_screen_result_finding(const mn_screen_result *r, size_t i, mn_screen_finding *out)
{
    MN_TRY(check_screen(r, "mn_screen_result_finding"));
    NEED(out, "mn_screen_result_finding");
    if (i >= r->s->n_findings)
        return mn_error_set(MN_EUSAGE, "mn_screen_result_finding: finding %zu of %zu", i,
                            r->s->n_findings);
    const mn_finding *f = &r->s->findings[i];
    *out = (mn_screen_finding){f->id,     f->severity, mn_clinic_decision_name(f->decision),
                               f->reason, f->advice,   f->source,
                               f->status};
    return MN_OK;
}

mn_status mn_screen_result_json(const mn_screen_result *r, char **json)
{
    MN_TRY(check_screen(r, "mn_screen_result_json"));
    NEED(json, "mn_screen_result_json");
    *json = NULL;
    cJSON *root = NULL;
    MN_TRY(mn_clinic_screening_json(r->s, &root));
    return print_json(root, json);
}

void mn_screen_result_free(mn_screen_result *r)
{
    if (!r || r->magic != SCREEN_MAGIC || !r->owned)
        return;
    mn_screening_free(r->s);
    r->magic = DEAD_MAGIC;
    free(r);
}

/* Splits opt->zones into zones[] (pointers into buf) and fills the planner's request. */
static mn_status plan_request(const mn_plan_options *opt, const mn_patient *patient, char *buf,
                              size_t cap, const char **zones, mn_plan_request *req)
{
    size_t nz = 0;
    if (!opt->concern || !opt->zones || !*opt->zones)
        return mn_error_set(MN_EUSAGE, "plan: expected a concern and zones");
    if (strlen(opt->zones) >= cap)
        return mn_error_set(MN_EINPUT, "zones: list too long (expected at most %d zones)",
                            MN_PLAN_ZONE_CAP);
    snprintf(buf, cap, "%s", opt->zones);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (nz == MN_PLAN_ZONE_CAP)
            return mn_error_set(MN_EINPUT, "zones: more than %d zones", MN_PLAN_ZONE_CAP);
        zones[nz++] = t;
    }
    unsigned devices = 0;
    const char *d = opt->device;
    if (d && strcmp(d, "any") != 0) {
        if (!strcmp(d, "pen"))
            devices = 1u << MN_DEVICE_PEN;
        else if (!strcmp(d, "roller"))
            devices = 1u << MN_DEVICE_ROLLER;
        else if (!strcmp(d, "stamp"))
            devices = 1u << MN_DEVICE_STAMP;
        else if (!strcmp(d, "rf"))
            devices = 1u << MN_DEVICE_RF;
        else
            return mn_error_set(MN_EINPUT,
                                "device: '%.40s' (expected pen, roller, stamp, rf or any)", d);
    }
    mn_device_setting setting = MN_SETTING_CLINIC;
    if (opt->setting && !strcmp(opt->setting, "home"))
        setting = MN_SETTING_HOME;
    else if (opt->setting && strcmp(opt->setting, "clinic") != 0)
        return mn_error_set(MN_EINPUT, "setting: '%.40s' (expected clinic or home)", opt->setting);
    if (opt->max_sessions < 0 || opt->max_sessions > 100)
        return mn_error_set(MN_EINPUT, "max_sessions: %d (expected 0 to 100)", opt->max_sessions);
    *req = (mn_plan_request){.patient = patient,
                             .concern = opt->concern,
                             .zones = zones,
                             .n_zones = nz,
                             .max_downtime_days = opt->max_downtime_days,
                             .base = NULL,
                             .predict = mn_run_predict,
                             .predict_ctx = NULL,
                             .severity = opt->severity,
                             .max_sessions = opt->max_sessions,
                             .devices = devices,
                             .setting = setting};
    return MN_OK;
}

static mn_status plan_compute_c(const char *patient_path, const mn_plan_options *opt,
                                mn_plan **plan)
{
    char buf[1024];
    const char *zones[MN_PLAN_ZONE_CAP];
    mn_patient patient;
    mn_plan_request req;
    if (!patient_path || !opt)
        return mn_error_set(MN_EUSAGE, "plan: expected a patient file, a concern and zones");
    MN_TRY(mn_patient_load(patient_path, &patient));
    MN_TRY(plan_request(opt, &patient, buf, sizeof buf, zones, &req));
    /* Repeated RF heat solves are simulated once per plan (issue 19). */
    mn_run_predict_cache *cache = NULL;
    MN_TRY(mn_run_predict_cache_create(&cache));
    req.predict_ctx = cache;
    mn_status st = mn_clinic_plan(&req, plan);
    mn_run_predict_cache_free(cache);
    return st;
}

static mn_status plan_compute(const char *patient_path, const mn_plan_options *opt, mn_plan **plan)
{
    MN_RETURN_IN_C_LOCALE(plan_compute_c(patient_path, opt, plan));
}

static mn_status plan_json(const mn_plan *plan, cJSON **root)
{
    MN_RETURN_IN_C_LOCALE(mn_clinic_plan_json(plan, root));
}

mn_status mn_plan_file(const char *patient_path, const mn_plan_options *opt, char **json)
{
    NEED(json, "mn_plan_file");
    *json = NULL;
    mn_plan *plan = NULL;
    cJSON *root = NULL;
    MN_TRY(plan_compute(patient_path, opt, &plan));
    mn_status st = plan_json(plan, &root);
    mn_plan_free(plan);
    MN_TRY(st);
    return print_json(root, json);
}

mn_status mn_plan_patient_file(const char *patient_path, const mn_plan_options *opt,
                               mn_plan_result **out)
{
    NEED(out, "mn_plan_patient_file");
    *out = NULL;
    mn_plan *plan = NULL;
    MN_TRY(plan_compute(patient_path, opt, &plan));
    mn_plan_result *p = calloc(1, sizeof *p);
    if (!p) {
        mn_plan_free(plan);
        return mn_error_set(MN_ENOMEM, "out of memory");
    }
    p->magic = PLAN_MAGIC;
    p->plan = plan;
    p->screening = (mn_screen_result){SCREEN_MAGIC, plan->screening, 0};
    *out = p;
    return MN_OK;
}

mn_status mn_plan_result_header(const mn_plan_result *p, mn_plan_header *out)
{
    MN_TRY(check_plan(p, "mn_plan_result_header"));
    NEED(out, "mn_plan_result_header");
    *out =
        (mn_plan_header){p->plan->concern, p->plan->severity, p->plan->objective, p->plan->n_zones};
    return MN_OK;
}

mn_status mn_plan_result_screening(const mn_plan_result *p, const mn_screen_result **out)
{
    MN_TRY(check_plan(p, "mn_plan_result_screening"));
    NEED(out, "mn_plan_result_screening");
    *out = &p->screening;
    return MN_OK;
}

mn_status mn_plan_result_zone(const mn_plan_result *p, size_t i, mn_plan_zone_info *out)
{
    MN_TRY(check_plan(p, "mn_plan_result_zone"));
    NEED(out, "mn_plan_result_zone");
    if (i >= p->plan->n_zones)
        return mn_error_set(MN_EUSAGE, "mn_plan_result_zone: zone %zu of %zu", i, p->plan->n_zones);
    const mn_plan_zone *z = &p->plan->zones[i];
    memset(out, 0, sizeof *out);
    out->zone = z->zone;
    out->planned = z->planned;
    out->why_not = z->why_not;
    if (!z->planned)
        return MN_OK;
    out->device = mn_device_type_name(z->device);
    out->depth_mm_min = z->depth_mm_min;
    out->depth_mm_max = z->depth_mm_max;
    out->depth_limit_mm = z->depth_limit_mm;
    out->reach_limit_um = z->reach_limit_um;
    out->passes = z->passes;
    out->sessions = z->sessions;
    out->interval_days = z->interval_days;
    out->maintenance_days = z->maintenance_days;
    out->endpoint = z->endpoint;
    for (int d = 0; d < 4; d++) {
        out->predicted_collagen_change_percent[d] = z->predicted.collagen_change_percent[d];
        out->predicted_elastin_change_percent[d] = z->predicted.elastin_change_percent[d];
        out->predicted_epidermal_thickness_change_percent[d] =
            z->predicted.epidermal_thickness_change_percent[d];
    }
    out->predicted_downtime_days_total = z->predicted.downtime_days_total;
    out->numbing_minutes = z->numbing_minutes;
    out->numbing_optional = z->numbing_optional;
    out->needling_minutes = z->needling_minutes;
    out->aftercare_minutes = z->aftercare_minutes;
    out->chair_minutes = z->chair_minutes;
    out->pain = z->pain;
    out->pain_text = z->pain_text;
    out->risks = z->risks.n;
    out->tradeoff = z->tradeoff;
    out->source = z->source;
    out->candidates = z->candidates;
    return MN_OK;
}

mn_status mn_plan_result_zone_clinical(const mn_plan_result *p, size_t zone, mn_plan_clinical *out)
{
    MN_TRY(check_plan(p, "mn_plan_result_zone_clinical"));
    NEED(out, "mn_plan_result_zone_clinical");
    if (zone >= p->plan->n_zones)
        return mn_error_set(MN_EUSAGE, "mn_plan_result_zone_clinical: zone %zu of %zu", zone,
                            p->plan->n_zones);
    const mn_plan_zone *z = &p->plan->zones[zone];
    if (!z->planned)
        return mn_error_set(MN_EUSAGE, "mn_plan_result_zone_clinical: zone %s is not planned (%s)",
                            z->zone, z->why_not);
    const mn_healing_clinical *c = &z->predicted.clinical;
    int has = c->scale[0] != '\0'; /* as the plan document: numbers where the score exists */
    memset(out, 0, sizeof *out);
    out->calibrated = has && c->calibrated;
    out->scale = c->scale;
    out->baseline = has ? c->baseline : NAN;
    for (int d = 0; d < 3; d++)
        out->change[d] = has ? c->change[d] : NAN;
    out->responder_fraction = has ? c->responder_fraction : NAN;
    out->objective = z->objective;
    for (int d = 0; d < 4; d++)
        out->papillary_collagen_change_percent[d] =
            z->predicted.papillary_collagen_change_percent[d];
    out->pih_probability = z->predicted.pih_probability;
    return MN_OK;
}

mn_status mn_plan_result_zone_rf(const mn_plan_result *p, size_t zone, mn_plan_rf *out)
{
    MN_TRY(check_plan(p, "mn_plan_result_zone_rf"));
    NEED(out, "mn_plan_result_zone_rf");
    if (zone >= p->plan->n_zones)
        return mn_error_set(MN_EUSAGE, "mn_plan_result_zone_rf: zone %zu of %zu", zone,
                            p->plan->n_zones);
    const mn_plan_zone *z = &p->plan->zones[zone];
    *out = (mn_plan_rf){z->rf_planned,
                        z->rf_depth_mm_min,
                        z->rf_depth_mm_max,
                        z->rf_sessions_min,
                        z->rf_sessions_max,
                        z->rf_interval_days_min,
                        z->rf_interval_days_max,
                        z->rf_target,
                        z->rf_text,
                        z->rf_source,
                        z->rf_simulated,
                        z->energy_mj};
    return MN_OK;
}

mn_status mn_plan_result_zone_risk(const mn_plan_result *p, size_t zone, size_t k,
                                   mn_plan_risk *out)
{
    MN_TRY(check_plan(p, "mn_plan_result_zone_risk"));
    NEED(out, "mn_plan_result_zone_risk");
    if (zone >= p->plan->n_zones || k >= p->plan->zones[zone].risks.n)
        return mn_error_set(MN_EUSAGE, "mn_plan_result_zone_risk: no risk %zu of zone %zu", k,
                            zone);
    const mn_risk *r = &p->plan->zones[zone].risks.items[k];
    *out = (mn_plan_risk){r->id, mn_risk_level_name(r->level), r->reason};
    return MN_OK;
}

mn_status mn_plan_result_json(const mn_plan_result *p, char **json)
{
    MN_TRY(check_plan(p, "mn_plan_result_json"));
    NEED(json, "mn_plan_result_json");
    *json = NULL;
    cJSON *root = NULL;
    MN_TRY(plan_json(p->plan, &root));
    return print_json(root, json);
}

mn_status mn_plan_result_write_handout(const mn_plan_result *p, const char *dir, int force)
{
    MN_TRY(check_plan(p, "mn_plan_result_write_handout"));
    NEED(dir, "mn_plan_result_write_handout");
    MN_RETURN_IN_C_LOCALE(mn_clinic_handout_write(p->plan, dir, force));
}

void mn_plan_result_free(mn_plan_result *p)
{
    if (!p || p->magic != PLAN_MAGIC)
        return;
    mn_plan_free(p->plan);
    p->magic = DEAD_MAGIC;
    p->screening.magic = DEAD_MAGIC;
    free(p);
}

mn_status mn_plan_concerns(char *buf, size_t cap)
{
    NEED(buf, "mn_plan_concerns");
    if (!cap)
        return mn_error_set(MN_EUSAGE, "mn_plan_concerns: no room");
    return mn_clinic_concern_list(buf, cap);
}

mn_status mn_plan_modalities_json(const char *concern, char **json)
{
    NEED(json, "mn_plan_modalities_json");
    *json = NULL;
    NEED(concern, "mn_plan_modalities_json");
    cJSON *arr = NULL;
    MN_TRY(mn_clinic_modalities_json(concern, &arr));
    return print_json(arr, json);
}
