/* --samples N: virtual patients in parallel. Sample i draws its parameters from the stream
 * (seed, MN_RNG_PATIENT, i) and writes only its own slot, and the percentiles are taken over
 * the slots in index order, so the result is the same for every thread count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/error.h"
#include "core/signals.h"
#include "core/stats.h"
#include "healing/healing_internal.h"

_Static_assert(sizeof(mn_healing_outcome) == (4 * MN_HEALING_N_OUTCOME_DAYS + 2) * sizeof(double),
               "the percentile code reads mn_healing_outcome as an array of doubles");

/* What a virtual patient drew, to explain it (see explain()). */
enum {
    W_RATE_Z = 0,
    W_SYNTHESIS,
    W_LEUK,
    W_REEPI,
    W_EPI,
    W_DERMIS,
    NW
}; /* W_EPI, W_DERMIS: skin */

struct mn_healing_samples {
    int n, n_sessions;
    mn_healing_outcome *outcome; /* n */
    double *erythema;            /* n x n_sessions */
    double *why;                 /* n x NW */
    double why_default[NW];      /* the same for the cited (default) parameters */
};

void mn_healing_samples_free(mn_healing_samples *s)
{
    if (!s)
        return;
    free(s->outcome);
    free(s->erythema);
    free(s->why);
    free(s);
}

mn_status mn_healing_samples_create(int n_samples, int n_sessions, const mn_patient *pat,
                                    mn_healing_samples **out)
{
    *out = NULL;
    if (n_samples < 1)
        return mn_error_set(MN_EINPUT, "healing: --samples needs N >= 1");
    mn_healing_samples *s = calloc(1, sizeof *s);
    if (!s)
        return mn_error_set(MN_ENOMEM, "healing: out of memory");
    s->n = n_samples;
    s->n_sessions = n_sessions;
    s->outcome = calloc((size_t)n_samples, sizeof *s->outcome);
    s->erythema =
        calloc((size_t)n_samples * (size_t)(n_sessions > 0 ? n_sessions : 1), sizeof *s->erythema);
    s->why = calloc((size_t)n_samples * NW, sizeof *s->why);
    {
        mn_healing_params d;
        if (mn_healing_params_default(&d) == MN_OK) {
            s->why_default[W_RATE_Z] = 0;
            s->why_default[W_SYNTHESIS] = d.k_syn_per_day * mn_healing_synthesis_factor(&d, pat);
            s->why_default[W_LEUK] = d.k_leuk_per_day;
            s->why_default[W_REEPI] = d.reepi_per_day;
            s->why_default[W_EPI] = d.epidermis_thickness_factor;
            s->why_default[W_DERMIS] = d.dermis_thickness_factor;
        }
    }
    if (!s->outcome || !s->erythema || !s->why) {
        mn_healing_samples_free(s);
        return mn_error_set(MN_ENOMEM, "healing: out of memory");
    }
    *out = s;
    return MN_OK;
}

mn_status mn_healing_samples_run_range(mn_healing_samples *s, int first, int count, uint64_t seed,
                                       int threads, const mn_patient *pat, const mn_column *col,
                                       const double *session_days,
                                       const mn_healing_injury *injuries, int n_sessions,
                                       double end_day)
{
    if (first < 0 || count < 0 || first > s->n - count || n_sessions != s->n_sessions)
        return mn_error_set(MN_EINTERNAL, "healing: virtual patients %d..%d of %d", first,
                            first + count, s->n);
    if (count == 0)
        return MN_OK;
    mn_status *status = calloc((size_t)count, sizeof *status);
    if (!status)
        return mn_error_set(MN_ENOMEM, "healing: out of memory");
    int first_bad = count;
    char message[512] = "";
    int nt = threads > 0 ? threads : omp_get_max_threads();
    /* One CVODE object per thread, made by its first patient and reused by the next (a reused
     * solver gives the same bits as a new one: the result does not depend on the thread count);
     * a thread that cannot make one lets each course make its own. */
    mn_healing_solver **sv = calloc((size_t)nt, sizeof *sv);
    if (!sv) {
        free(status);
        return mn_error_set(MN_ENOMEM, "healing: out of memory");
    }
#pragma omp parallel for schedule(dynamic, 4) num_threads(nt)
    for (int j = 0; j < count; j++) {
        int i = first + j;
        mn_healing_params p;
        mn_healing_result *r = NULL;
        /* A stop request skips the patients not yet begun (core/signals.h). */
        mn_status st = mn_signals_stop_requested()
                           ? MN_EINTERRUPTED
                           : mn_healing_params_sample(seed, (uint32_t)i, &p);
        mn_healing_solver **mine = &sv[omp_get_thread_num()];
        if (st == MN_OK && !*mine && mn_healing_solver_create(mine) != MN_OK)
            *mine = NULL;
        if (st == MN_OK)
            st = mn_healing_course_run_on(*mine, &p, pat, col, session_days, injuries, n_sessions,
                                          end_day, &r);
        if (st == MN_OK) {
            double *w = s->why + (size_t)i * NW;
            w[W_RATE_Z] = p.healing_rate_z;
            w[W_SYNTHESIS] = p.k_syn_per_day * mn_healing_synthesis_factor(&p, pat);
            w[W_LEUK] = p.k_leuk_per_day;
            w[W_REEPI] = p.reepi_per_day;
            w[W_EPI] = p.epidermis_thickness_factor;
            w[W_DERMIS] = p.dermis_thickness_factor;
            mn_healing_result_outcome(r, &s->outcome[i]);
            for (int k = 0; k < n_sessions; k++)
                s->erythema[(size_t)i * (size_t)n_sessions + (size_t)k] =
                    mn_healing_result_erythema_days(r, k);
        } else {
#pragma omp critical /* unnamed: a named one is a global symbol of the library */
            if (j < first_bad) {
                first_bad = j;
                snprintf(message, sizeof message, "%s", mn_last_error());
            }
        }
        status[j] = st;
        mn_healing_result_free(r);
    }
    for (int k = 0; k < nt; k++)
        mn_healing_solver_free(sv[k]);
    free(sv);
    mn_status st = MN_OK;
    if (first_bad < count && status[first_bad] == MN_EINTERRUPTED)
        st = mn_error_set(MN_EINTERRUPTED, "stopped on request (virtual patients)");
    else if (first_bad < count)
        st = mn_error_set(status[first_bad], "virtual patient %d: %s", first + first_bad, message);
    free(status);
    return st;
}

mn_status mn_healing_samples_run(uint64_t seed, int n_samples, int threads, const mn_patient *pat,
                                 const mn_column *col, const double *session_days,
                                 const mn_healing_injury *injuries, int n_sessions, double end_day,
                                 mn_healing_samples **out)
{
    mn_healing_samples *s = NULL;
    *out = NULL;
    MN_TRY(mn_healing_samples_create(n_samples, n_sessions, pat, &s));
    mn_status st = mn_healing_samples_run_range(s, 0, n_samples, seed, threads, pat, col,
                                                session_days, injuries, n_sessions, end_day);
    if (st != MN_OK) {
        mn_healing_samples_free(s);
        return st;
    }
    *out = s;
    return MN_OK;
}

/* A patient's row: the outcome's doubles, erythema days per session, what was drawn. */
#define OUTCOME_DOUBLES (sizeof(mn_healing_outcome) / sizeof(double))

size_t mn_healing_samples_row_doubles(const mn_healing_samples *s)
{
    return OUTCOME_DOUBLES + (size_t)s->n_sessions + NW;
}

void mn_healing_samples_get_rows(const mn_healing_samples *s, int first, int count, double *out)
{
    size_t row = mn_healing_samples_row_doubles(s);
    for (int i = first; i < first + count; i++, out += row) {
        memcpy(out, &s->outcome[i], sizeof(mn_healing_outcome));
        memcpy(out + OUTCOME_DOUBLES, s->erythema + (size_t)i * (size_t)s->n_sessions,
               (size_t)s->n_sessions * sizeof(double));
        memcpy(out + OUTCOME_DOUBLES + s->n_sessions, s->why + (size_t)i * NW, NW * sizeof(double));
    }
}

/* Values a course can produce: a crafted checkpoint's rows must be refused, not summarised.
 * Changes in percent and days are bounded (NaN: a day beyond the follow-up, or no figure);
 * probabilities in [0, 1]; erythema days >= 0; drawn rates finite and non-negative. */
static int row_valid(const double *r, int n_sessions)
{
    const mn_healing_outcome *o = (const void *)r;
    for (size_t d = 0; d < OUTCOME_DOUBLES; d++)
        if (!isnan(r[d]) && !(fabs(r[d]) <= 1e6))
            return 0;
    if (!isnan(o->pih_probability) && !(o->pih_probability >= 0 && o->pih_probability <= 1))
        return 0;
    if (!isnan(o->downtime_days_total) && !(o->downtime_days_total >= 0))
        return 0;
    for (int k = 0; k < n_sessions; k++) {
        double e = r[OUTCOME_DOUBLES + (size_t)k];
        if (!isnan(e) && !(e >= 0 && e <= 1e6))
            return 0;
    }
    const double *w = r + OUTCOME_DOUBLES + n_sessions;
    return fabs(w[W_RATE_Z]) <= 100 && w[W_SYNTHESIS] >= 0 && w[W_SYNTHESIS] <= 1e3 &&
           w[W_LEUK] >= 0 && w[W_LEUK] <= 1e3 && w[W_REEPI] >= 0 && w[W_REEPI] <= 1e3;
}

mn_status mn_healing_samples_set_rows(mn_healing_samples *s, int first, int count, const double *in)
{
    size_t row = mn_healing_samples_row_doubles(s);
    if (first < 0 || count < 0 || first > s->n - count)
        return mn_error_set(MN_EINPUT, "virtual patients %d..%d: out of range (expected 0 to %d)",
                            first, first + count, s->n);
    for (int j = 0; j < count; j++)
        if (!row_valid(in + (size_t)j * row, s->n_sessions))
            return mn_error_set(MN_EINPUT,
                                "virtual patient %d: values no course produces (expected "
                                "finite changes, probabilities in [0, 1], days >= 0)",
                                first + j);
    for (int i = first; i < first + count; i++, in += row) {
        memcpy(&s->outcome[i], in, sizeof(mn_healing_outcome));
        memcpy(s->erythema + (size_t)i * (size_t)s->n_sessions, in + OUTCOME_DOUBLES,
               (size_t)s->n_sessions * sizeof(double));
        memcpy(s->why + (size_t)i * NW, in + OUTCOME_DOUBLES + s->n_sessions, NW * sizeof(double));
    }
    return MN_OK;
}

int mn_healing_samples_count(const mn_healing_samples *s)
{
    return s ? s->n : 0;
}

const mn_healing_outcome *mn_healing_samples_outcome(const mn_healing_samples *s, int i)
{
    return s && i >= 0 && i < s->n ? &s->outcome[i] : NULL;
}

double mn_healing_samples_erythema_days(const mn_healing_samples *s, int i, int k)
{
    if (!s || i < 0 || i >= s->n || k < 0 || k >= s->n_sessions)
        return NAN;
    return s->erythema[(size_t)i * (size_t)s->n_sessions + (size_t)k];
}

int mn_healing_samples_sessions(const mn_healing_samples *s)
{
    return s ? s->n_sessions : 0;
}

mn_status mn_healing_samples_explain(const mn_healing_samples *s, double q, int *found,
                                     mn_healing_sample_why *out)
{
    *found = 0;
    if (!s || !out)
        return mn_error_set(MN_EINPUT, "healing: explaining a patient needs samples");
    double *work = calloc((size_t)s->n, sizeof *work);
    if (!work)
        return mn_error_set(MN_ENOMEM, "healing: out of memory");
    int n = 0;
    for (int i = 0; i < s->n; i++)
        if (isfinite(s->outcome[i].collagen_change_percent[1]))
            work[n++] = s->outcome[i].collagen_change_percent[1];
    if (n == 0) {
        free(work);
        return MN_OK;
    }
    mn_stats_sort(work, (size_t)n);
    double target = mn_stats_percentile_sorted(work, (size_t)n, q);
    double median = mn_stats_percentile_sorted(work, (size_t)n, 0.5);
    free(work);
    int best = 0;
    for (int i = 1; i < s->n; i++)
        if (fabs(s->outcome[i].collagen_change_percent[1] - target) <
            fabs(s->outcome[best].collagen_change_percent[1] - target))
            best = i;
    const double *w = s->why + (size_t)best * NW;
    *out = (mn_healing_sample_why){
        .patient = best,
        .collagen_day90_percent = s->outcome[best].collagen_change_percent[1],
        .cohort_median_percent = median,
        .healing_rate_z = w[W_RATE_Z],
        .synthesis_per_day = w[W_SYNTHESIS],
        .synthesis_cited_per_day = s->why_default[W_SYNTHESIS],
        .leukocyte_removal_per_day = w[W_LEUK],
        .leukocyte_removal_cited_per_day = s->why_default[W_LEUK],
        .reepithelialisation_per_day = w[W_REEPI],
        .reepithelialisation_cited_per_day = s->why_default[W_REEPI],
        .epidermis_factor = w[W_EPI],
        .dermis_factor = w[W_DERMIS],
    };
    *found = 1;
    return MN_OK;
}
