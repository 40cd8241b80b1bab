/* The planner's simulator (see predict.h). */
#include "run/predict.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/risks.h"
#include "clinic/severity.h"
#include "core/error.h"
#include "healing/healing.h"
#include "heat/heat.h"
#include "needling/needling.h"
#include "run/course.h"

/* RF heat solves of one plan, by device and column (a zone has a few RF settings). */
enum { HEAT_CACHE_CAP = 32 };

struct mn_run_predict_cache {
    size_t n;
    mn_device_spec dev[HEAT_CACHE_CAP];
    mn_column col[HEAT_CACHE_CAP];
    mn_heat_result *heat[HEAT_CACHE_CAP];
};

mn_status mn_run_predict_cache_create(mn_run_predict_cache **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return mn_error_set(MN_ENOMEM, "out of memory for the planner's cache");
    return MN_OK;
}

void mn_run_predict_cache_free(mn_run_predict_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        mn_heat_result_free(c->heat[i]);
    free(c);
}

/* The heat solve of dev in col from the cache, solved on the planner's grid when missing; the
 * cache keeps ownership (NULL without a cache: the course solves it itself). */
static mn_status cached_heat(mn_run_predict_cache *c, const mn_device_spec *dev,
                             const mn_column *col, mn_heat_result **out)
{
    *out = NULL;
    if (!c)
        return MN_OK;
    /* Passes side by side (no pass interval) heat the same spot once each: the solve is one
     * pass's, and the course scales the injury by its own passes (mn_heat_get_injury). So they
     * share one cache entry, solved for one pass. */
    mn_device_spec key = *dev;
    if (!(key.pass_interval_s > 0))
        key.passes = 1;
    dev = &key;
    for (size_t i = 0; i < c->n; i++)
        if (!memcmp(&c->dev[i], dev, sizeof *dev) && !memcmp(&c->col[i], col, sizeof *col)) {
            *out = c->heat[i];
            return MN_OK;
        }
    mn_heat_options o;
    mn_heat_options_default(&o);
    MN_TRY(mn_clinic_limit("rf_voxel_um", &o.voxel_um));
    o.keep_fields = 0; /* planning writes no field files */
    mn_heat_result *h = NULL;
    MN_TRY(mn_heat_run(dev, col, &o, &h));
    if (c->n == HEAT_CACHE_CAP) { /* full: the oldest goes */
        mn_heat_result_free(c->heat[0]);
        memmove(c->dev, c->dev + 1, (HEAT_CACHE_CAP - 1) * sizeof c->dev[0]);
        memmove(c->col, c->col + 1, (HEAT_CACHE_CAP - 1) * sizeof c->col[0]);
        memmove(c->heat, c->heat + 1, (HEAT_CACHE_CAP - 1) * sizeof c->heat[0]);
        c->n--;
    }
    c->dev[c->n] = *dev;
    c->col[c->n] = *col;
    c->heat[c->n] = h;
    c->n++;
    *out = h;
    return MN_OK;
}

mn_status mn_run_predict(void *ctx, const mn_model *m, mn_plan_prediction *out)
{
    mn_run_predict_cache *cache = ctx;
    mn_status st = MN_OK;
    mn_column col;
    mn_course c;
    mn_healing_result *h = NULL;
    mn_heat_result *lent = NULL; /* the cache's heat solve lent to the course */
    /* Planning predicts the healing outcome only: no product delivery, no files. */
    const mn_session_sinks none = {NULL, NULL, NULL, 0};
    memset(out, 0, sizeof *out);
    out->coagulated_nl_per_cm2 = NAN;
    out->epidermis_peak_c = NAN;
    out->epidermis_omega = NAN;
    out->heat_on_time_s = NAN;
    MN_TRY(mn_anatomy_column_for(m, &col));
    MN_TRY_GOTO(mn_course_init(m, &c), done);
    if (m->device.type == MN_DEVICE_RF) {
        /* The course reuses a heat solve while the session's device is the same (course.c):
         * hand it the cached one and take it back before the course is freed. */
        mn_device_spec dev = mn_model_session_device(m, 1);
        int same = 1; /* a course whose device changes would free the lent solve */
        for (int s = 2; s <= c.n_sessions; s++) {
            mn_device_spec ds = mn_model_session_device(m, s);
            same &= !memcmp(&ds, &dev, sizeof dev);
        }
        if (same) {
            MN_TRY_GOTO(cached_heat(cache, &dev, &col, &lent), done);
            c.heat = lent;
            c.heat_device = dev;
        }
    }
    for (int s = 1; s <= c.n_sessions; s++)
        MN_TRY_GOTO(mn_course_run_session(m, &col, s, &c, &none), done);
    MN_TRY_GOTO(mn_course_heal(m, &col, &c, &h), done);
    mn_healing_outcome o;
    mn_healing_result_outcome(h, &o);
    for (int d = 0; d < 4; d++) {
        out->collagen_change_percent[d] = o.collagen_change_percent[d];
        out->elastin_change_percent[d] = o.elastin_change_percent[d];
        out->epidermal_thickness_change_percent[d] = o.epidermal_thickness_change_percent[d];
        out->papillary_collagen_change_percent[d] = o.papillary_collagen_change_percent[d];
    }
    /* The clinical score of the candidate's indication (the planner's objective): the concern
     * and severity travel in the candidate scenario, as in a run (run.c add_healing). */
    if (m->indication.present) {
        double sev = -1.0; /* as run.c: on the clinical scale when severity.csv uses it */
        MN_TRY_GOTO(
            mn_clinic_severity_for_score(m->indication.concern, m->indication.severity, &sev),
            done);
        MN_TRY_GOTO(mn_healing_clinical_score(m->indication.concern, sev, &o, &out->clinical),
                    done);
    }
    out->downtime_days_total = o.downtime_days_total;
    out->pih_probability = o.pih_probability;
    out->erythema_days = c.max_erythema_days;
    out->bleeding_fraction = c.max_bleeding_fraction;
    out->tissue_depth_max_um = c.max_tissue_depth_um;
    if (m->device.type == MN_DEVICE_RF && c.heat) {
        mn_heat_injury hi;
        MN_TRY_GOTO(mn_heat_get_injury(c.heat, m->device.passes, &hi), done);
        out->coagulated_nl_per_cm2 = hi.coagulated_nl_per_cm2;
        out->epidermis_peak_c = c.max_epidermis_peak_c;
        out->epidermis_omega = c.max_epidermis_omega;
        out->heat_on_time_s = c.heat_on_time_s;
    }
    MN_TRY_GOTO(mn_needling_zone_minutes(m, &col, 1, &out->zone_minutes), done);
done:
    if (lent && c.heat == lent)
        c.heat = NULL; /* the cache's */
    mn_healing_result_free(h);
    mn_course_free(&c);
    return st;
}
