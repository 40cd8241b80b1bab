/* The course result: getters, erythema days, outcome at fixed days, timeline.csv and the
 * summary.json pieces of the healing stage. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "healing/healing_internal.h"

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
