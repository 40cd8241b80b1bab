/* The typed getters of the session API (include/mnsim/session.h): arrays the session holds,
 * and figures read from its summary.json tree (the numbers a run reports). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/error.h"
#include "run/session_impl.h"

#define CHECK_ARG(p, fn)                                                                           \
    do {                                                                                           \
        if (!(p))                                                                                  \
            return mn_error_set(MN_EUSAGE, "%s: " #p " is NULL", fn);                              \
    } while (0)
/* The punctures of session k, which a session keeps unless told otherwise. A resumed session
 * has none of the sessions done before its checkpoint (the checkpoint holds their state, not
 * their punctures): they are needled again on first request, the same arrays, as a session's
 * needling is a function of the scenario and k alone (Random123 streams keyed on the seed, the
 * session and the puncture, whatever the thread count; tests/api/test_session_handles.c).
 * The getters take a const session: these punctures are a cache of that function. */
static mn_status check_kept(const mn_session *s, int k, const char *what)
{
    MN_TRY(mn_session_check_needled(s, k, "session getter", what));
    /* Keeping all, a needled session without punctures is one done before the checkpoint
     * (also once the resumed session is written and its checkpoint gone). */
    if (!s->punctures[k - 1] && s->keep_all) {
        mn_session *w = (mn_session *)s;
        mn_needling_summary ns;
        mn_model wm;
        MN_TRY(mn_needling_session(&w->model, &w->col, k, MN_NEEDLING_STREAM_ABOVE_CM2, NULL, NULL,
                                   &ns, &w->punctures[k - 1], &wm));
    }
    if (!s->punctures[k - 1])
        return mn_error_set(MN_EUSAGE, "%s of session %d: not kept (%s)", what, k,
                            "mn_session_set_keep_punctures(s, 0) keeps the last session's only");
    return MN_OK;
}

/* A number of the summary tree, or the median of a {median, p5, p95} object (virtual
 * patients); NAN for null or absent. */
static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsObject(v))
        v = cJSON_GetObjectItemCaseSensitive(v, "median");
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

mn_status mn_session_get_punctures(const mn_session *s, int k, mn_puncture_arrays *out)
{
    CHECK_ARG(out, "mn_session_get_punctures");
    MN_TRY(check_kept(s, k, "punctures"));
    const mn_punctures *p = s->punctures[k - 1];
    *out = (mn_puncture_arrays){p->n,
                                p->pass,
                                p->x_um,
                                p->y_um,
                                p->set_depth_um,
                                p->tissue_depth_um,
                                p->angle_deg,
                                p->layer,
                                p->bleeds,
                                p->needle_radius_um};
    return MN_OK;
}

mn_status mn_session_get_needling(const mn_session *s, int k, mn_needling_figures *out)
{
    CHECK_ARG(out, "mn_session_get_needling");
    MN_TRY(mn_session_check_needled(s, k, "session getter", "needling figures"));
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(s->session_json[k - 1], "needling");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(n, "tissue_depth_um");
    *out = (mn_needling_figures){(size_t)num(n, "punctures"),
                                 num(n, "area_cm2"),
                                 num(n, "punctures_per_cm2"),
                                 num(n, "coverage_fraction"),
                                 num(d, "mean"),
                                 num(d, "p5"),
                                 num(d, "p50"),
                                 num(d, "p95"),
                                 num(n, "bleeding_fraction"),
                                 num(n, "duration_min"),
                                 num(n, "zone_duration_min")};
    return MN_OK;
}

mn_status mn_session_get_channels(const mn_session *s, int k, mn_channel_arrays *out)
{
    CHECK_ARG(out, "mn_session_get_channels");
    MN_TRY(check_kept(s, k, "channels"));
    const mn_punctures *p = s->punctures[k - 1];
    *out = (mn_channel_arrays){p->n, p->channel_depth_um, p->channel_diameter_um,
                               p->bleed_probability};
    return MN_OK;
}

mn_status mn_session_get_channel_figures(const mn_session *s, int k, mn_channel_figures *out)
{
    CHECK_ARG(out, "mn_session_get_channel_figures");
    MN_TRY(mn_session_check_needled(s, k, "session getter", "channel figures"));
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(s->session_json[k - 1], "needling");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(n, "channel_depth_um");
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(n, "channel_diameter_um");
    *out = (mn_channel_figures){
        num(d, "mean"), num(d, "p5"), num(d, "p50"), num(d, "p95"),
        num(w, "mean"), num(w, "p5"), num(w, "p95"), num(n, "bleeding_probability_mean")};
    return MN_OK;
}

static const char *const DOSE_KEYS[MN_DOSE_LAYERS] = {"stratum_corneum", "epidermis", "dermis",
                                                      "systemic"};

mn_status mn_session_get_doses(const mn_session *s, int k, mn_doses *out)
{
    CHECK_ARG(out, "mn_session_get_doses");
    MN_TRY(mn_session_check_needled(s, k, "session getter", "doses"));
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(s->session_json[k - 1], "delivery");
    if (!d)
        return mn_error_set(MN_EUSAGE, "doses of session %d: %s", k,
                            s->model.product.present ? "not delivered yet (expected "
                                                       "mn_session_deliver first)"
                                                     : "the scenario applies no product");
    memset(out, 0, sizeof *out);
    const cJSON *prod = cJSON_GetObjectItemCaseSensitive(d, "product");
    snprintf(out->product, sizeof out->product, "%s",
             cJSON_IsString(prod) ? prod->valuestring : "");
    const cJSON *dose = cJSON_GetObjectItemCaseSensitive(d, "dose_ug_per_cm2");
    const cJSON *intact = cJSON_GetObjectItemCaseSensitive(d, "intact_dose_ug_per_cm2");
    for (int l = 0; l < MN_DOSE_LAYERS; l++) {
        out->ug_per_cm2[l] = num(dose, DOSE_KEYS[l]);
        out->intact_ug_per_cm2[l] = num(intact, DOSE_KEYS[l]);
    }
    out->enhancement_ratio = num(d, "enhancement_ratio");
    out->lag_time_h = num(d, "lag_time_h");
    out->channel_half_life_h = num(d, "channel_half_life_h");
    return MN_OK;
}

mn_status mn_session_get_thermal(const mn_session *s, int k, mn_thermal *out)
{
    CHECK_ARG(out, "mn_session_get_thermal");
    MN_TRY(mn_session_check_needled(s, k, "session getter", "thermal results"));
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(s->session_json[k - 1], "thermal");
    if (!t)
        return mn_error_set(MN_EUSAGE, "thermal results of session %d: %s", k,
                            s->model.device.type == MN_DEVICE_RF
                                ? "not heated yet (expected mn_session_heat first)"
                                : "the device has no RF");
    const cJSON *z = cJSON_GetObjectItemCaseSensitive(t, "coagulation_zone_um");
    *out = (mn_thermal){num(t, "peak_temperature_c"), num(t, "epidermis_peak_temperature_c"),
                        num(z, "depth"), num(z, "width"), num(z, "volume_nl")};
    return MN_OK;
}

mn_status mn_session_get_outcome(const mn_session *s, mn_outcome *out)
{
    static const char *const days[MN_OUTCOME_DAYS] = {"day_30", "day_90", "day_180", "day_365"};
    CHECK_S(s, "mn_session_get_outcome");
    CHECK_ARG(out, "mn_session_get_outcome");
    if (!s->healing)
        return mn_error_set(MN_EUSAGE, "outcome: the course is not healed yet (expected "
                                       "mn_session_heal first)");
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(s->summary, "outcome");
    const cJSON *col = cJSON_GetObjectItemCaseSensitive(o, "collagen_change_percent");
    const cJSON *ela = cJSON_GetObjectItemCaseSensitive(o, "elastin_change_percent");
    const cJSON *epi = cJSON_GetObjectItemCaseSensitive(o, "epidermal_thickness_change_percent");
    for (int d = 0; d < MN_OUTCOME_DAYS; d++) {
        out->day[d] = mn_healing_outcome_days[d];
        out->collagen_change_percent[d] = num(col, days[d]);
        out->elastin_change_percent[d] = num(ela, days[d]);
        out->epidermal_thickness_change_percent[d] = num(epi, days[d]);
    }
    out->downtime_days_total = num(o, "downtime_days_total");
    return MN_OK;
}

mn_status mn_session_get_erythema_days(const mn_session *s, int k, double *days)
{
    CHECK_ARG(days, "mn_session_get_erythema_days");
    MN_TRY(mn_session_check(s, k, "session getter"));
    if (!s->healing)
        return mn_error_set(MN_EUSAGE, "erythema: the course is not healed yet (expected "
                                       "mn_session_heal first)");
    *days = mn_healing_result_erythema_days(s->healing, k - 1);
    return MN_OK;
}

static mn_status risks_array(const mn_session *s, const cJSON **out)
{
    CHECK_S(s, "session risks");
    if (!s->assessed)
        return mn_error_set(MN_EUSAGE, "risks: not assessed yet (expected mn_session_assess "
                                       "first)");
    *out = cJSON_GetObjectItemCaseSensitive(s->summary, "risks");
    return MN_OK;
}

mn_status mn_session_get_risk_count(const mn_session *s, size_t *n)
{
    CHECK_ARG(n, "mn_session_get_risk_count");
    const cJSON *r = NULL;
    MN_TRY(risks_array(s, &r));
    *n = (size_t)cJSON_GetArraySize(r);
    return MN_OK;
}

mn_status mn_session_get_risk(const mn_session *s, size_t i, mn_risk_item *out)
{
    CHECK_ARG(out, "mn_session_get_risk");
    const cJSON *r = NULL;
    MN_TRY(risks_array(s, &r));
    const cJSON *it = i < (size_t)cJSON_GetArraySize(r) ? cJSON_GetArrayItem(r, (int)i) : NULL;
    if (!it)
        return mn_error_set(MN_EUSAGE, "risk %zu does not exist (%d risks)", i,
                            cJSON_GetArraySize(r));
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
    const cJSON *level = cJSON_GetObjectItemCaseSensitive(it, "level");
    const cJSON *reason = cJSON_GetObjectItemCaseSensitive(it, "reason");
    snprintf(out->id, sizeof out->id, "%s", cJSON_IsString(id) ? id->valuestring : "");
    snprintf(out->level, sizeof out->level, "%s", cJSON_IsString(level) ? level->valuestring : "");
    snprintf(out->reason, sizeof out->reason, "%s",
             cJSON_IsString(reason) ? reason->valuestring : "");
    return MN_OK;
}

mn_status mn_session_get_summary_json(mn_session *s, const char **json)
{
    CHECK_S(s, "mn_session_get_summary_json");
    CHECK_ARG(json, "mn_session_get_summary_json");
    char *text = cJSON_Print(s->summary);
    if (!text)
        return mn_error_set(MN_ENOMEM, "out of memory printing summary.json");
    free(s->summary_text);
    s->summary_text = text;
    *json = text;
    return MN_OK;
}
