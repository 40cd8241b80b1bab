/* The course result: getters, erythema days, outcome at fixed days, timeline.csv and the
 * summary.json pieces of the healing stage. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "healing/healing_internal.h"
#include "io/atomic.h"

void mn_healing_result_free(mn_healing_result *r)
{
    if (!r)
        return;
    free(r->session_days);
    free(r->erythema_days);
    free(r->peak_inflammation);
    free(r->peak_mediator);
    free(r->times);
    free(r->timeline);
    free(r);
}

static double col_at(const mn_healing_result *r, size_t i, int c)
{
    return r->timeline[i * MN_TL_NCOL + (size_t)c];
}

/* Erythema lasts from the session until the index (1 = threshold of visibility) first falls
 * below 1 after having reached it; 0 if the session never makes the skin visibly red. */
static double erythema_duration(const mn_healing_result *r, int s)
{
    double ts = r->session_days[s];
    size_t i = 0;
    while (i < r->rows && r->times[i] < ts - 1e-9)
        i++;
    int seen = 0;
    for (; i < r->rows; i++) {
        double e = col_at(r, i, MN_TL_ERYTHEMA);
        if (e >= 1.0) {
            seen = 1;
        } else if (seen) {
            double e0 = col_at(r, i - 1, MN_TL_ERYTHEMA), t0 = r->times[i - 1];
            double t = t0 + (r->times[i] - t0) * (e0 - 1.0) / (e0 - e);
            return t - ts;
        }
    }
    return seen ? r->end_day - ts : 0.0;
}

void mn_healing_result_finish(mn_healing_result *r)
{
    for (int s = 0; s < r->n_sessions; s++)
        r->erythema_days[s] = erythema_duration(r, s);
}

int mn_healing_result_sessions(const mn_healing_result *r)
{
    return r ? r->n_sessions : 0;
}

double mn_healing_result_erythema_days(const mn_healing_result *r, int s)
{
    return r && s >= 0 && s < r->n_sessions ? r->erythema_days[s] : NAN;
}

double mn_healing_result_peak_inflammation(const mn_healing_result *r, int s)
{
    return r && s >= 0 && s < r->n_sessions ? r->peak_inflammation[s] : NAN;
}

double mn_healing_result_peak_mediator(const mn_healing_result *r, int s)
{
    return r && s >= 0 && s < r->n_sessions ? r->peak_mediator[s] : NAN;
}

size_t mn_healing_result_timeline_rows(const mn_healing_result *r)
{
    return r ? r->rows : 0;
}

const double *mn_healing_result_timeline(const mn_healing_result *r)
{
    return r ? r->timeline : NULL;
}

/* Timeline column c linearly interpolated at a day; NaN outside the run. */
static double interp(const mn_healing_result *r, double day, int c)
{
    if (!r || r->rows == 0 || day < r->times[0] - 1e-9 || day > r->times[r->rows - 1] + 1e-9)
        return NAN;
    size_t lo = 0, hi = r->rows - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (r->times[mid] <= day)
            lo = mid;
        else
            hi = mid;
    }
    if (hi == lo || r->times[hi] == r->times[lo])
        return col_at(r, lo, c);
    double w = (day - r->times[lo]) / (r->times[hi] - r->times[lo]);
    w = w < 0 ? 0 : (w > 1 ? 1 : w);
    return (1 - w) * col_at(r, lo, c) + w * col_at(r, hi, c);
}

double mn_healing_result_collagen_change_at(const mn_healing_result *r, double day)
{
    return 100.0 * (interp(r, day, MN_TL_COLLAGEN_I) + interp(r, day, MN_TL_COLLAGEN_III) - 1.0);
}

void mn_healing_result_outcome(const mn_healing_result *r, mn_healing_outcome *o)
{
    memset(o, 0, sizeof *o);
    for (int d = 0; d < MN_HEALING_N_OUTCOME_DAYS; d++) {
        double day = mn_healing_outcome_days[d];
        o->collagen_change_percent[d] = mn_healing_result_collagen_change_at(r, day);
        o->elastin_change_percent[d] = 100.0 * (interp(r, day, MN_TL_ELASTIN) - 1.0);
        o->epidermal_thickness_change_percent[d] =
            100.0 * (interp(r, day, MN_TL_EPIDERMIS_UM) / r->epidermis0_um - 1.0);
        o->papillary_collagen_change_percent[d] =
            100.0 * (interp(r, day, MN_TL_PAPILLARY_COLLAGEN) - 1.0);
    }
    for (int s = 0; s < r->n_sessions; s++)
        o->downtime_days_total += r->erythema_days[s];
    o->pih_probability = r->pih_probability;
}

mn_status mn_healing_write_timeline_csv(const mn_healing_result *r, const char *path)
{
    if (!r || !path)
        return mn_error_set(MN_EINPUT, "healing: timeline needs a result and a path");
    mn_afile af;
    MN_TRY(mn_afile_open(path, &af));
    FILE *f = af.f;
    fprintf(f, "day,collagen_I,collagen_III,elastin,fibroblasts,mediator,erythema_index,"
               "epidermis_um,papillary_collagen\n");
    for (size_t i = 0; i < r->rows; i++) {
        const double *row = r->timeline + i * MN_TL_NCOL;
        fprintf(f, "%.4f,%.6f,%.6f,%.6f,%.5f,%.5f,%.5f,%.3f,%.6f\n", row[MN_TL_DAY],
                row[MN_TL_COLLAGEN_I], row[MN_TL_COLLAGEN_III], row[MN_TL_ELASTIN],
                row[MN_TL_FIBROBLASTS], row[MN_TL_MEDIATOR], row[MN_TL_ERYTHEMA],
                row[MN_TL_EPIDERMIS_UM], row[MN_TL_PAPILLARY_COLLAGEN]);
    }
    return mn_afile_commit(&af);
}

/* Numbers beyond the run are null: summary.json never holds NaN. */
static cJSON *number_or_null(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static const char *day_keys[MN_HEALING_N_OUTCOME_DAYS] = {"day_30", "day_90", "day_180", "day_365"};

mn_status mn_healing_json_add_days(cJSON *parent, const char *name, const double *v)
{
    cJSON *o = cJSON_AddObjectToObject(parent, name);
    if (!o)
        return mn_error_set(MN_ENOMEM, "healing: JSON allocation failed");
    for (int d = 0; d < MN_HEALING_N_OUTCOME_DAYS; d++)
        if (!cJSON_AddItemToObject(o, day_keys[d], number_or_null(v[d])))
            return mn_error_set(MN_ENOMEM, "healing: JSON allocation failed");
    return MN_OK;
}

mn_status mn_healing_summary_json(const mn_healing_result *r, cJSON *summary_root,
                                  cJSON *sessions_array)
{
    if (!r || !summary_root)
        return mn_error_set(MN_EINPUT, "healing: summary needs a result and a root object");
    if (sessions_array) {
        int n = cJSON_GetArraySize(sessions_array);
        for (int s = 0; s < n && s < r->n_sessions; s++) {
            cJSON *item = cJSON_GetArrayItem(sessions_array, s);
            cJSON_DeleteItemFromObject(item, "erythema_days");
            if (!cJSON_AddItemToObject(item, "erythema_days", number_or_null(r->erythema_days[s])))
                return mn_error_set(MN_ENOMEM, "healing: JSON allocation failed");
        }
    }
    mn_healing_outcome o;
    mn_healing_result_outcome(r, &o);
    cJSON_DeleteItemFromObject(summary_root, "outcome");
    cJSON *out = cJSON_AddObjectToObject(summary_root, "outcome");
    if (!out)
        return mn_error_set(MN_ENOMEM, "healing: JSON allocation failed");
    MN_TRY(mn_healing_json_add_days(out, "collagen_change_percent", o.collagen_change_percent));
    MN_TRY(mn_healing_json_add_days(out, "elastin_change_percent", o.elastin_change_percent));
    MN_TRY(mn_healing_json_add_days(out, "epidermal_thickness_change_percent",
                                    o.epidermal_thickness_change_percent));
    if (!cJSON_AddItemToObject(out, "downtime_days_total", number_or_null(o.downtime_days_total)))
        return mn_error_set(MN_ENOMEM, "healing: JSON allocation failed");
    MN_TRY(mn_healing_json_add_days(out, "papillary_collagen_change_percent",
                                    o.papillary_collagen_change_percent));
    if (!cJSON_AddItemToObject(out, "pih_probability", number_or_null(o.pih_probability)))
        return mn_error_set(MN_ENOMEM, "healing: JSON allocation failed");
    return MN_OK;
}
