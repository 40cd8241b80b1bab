/* summary.json `outcome`, `erythema_days`, `virtual_patients` and timeline.csv from the healing
 * stage's results (io/summary_healing.h). */
#include <math.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/stats.h"
#include "io/atomic.h"
#include "io/summary_healing.h"

_Static_assert(sizeof(mn_healing_outcome) == (4 * MN_HEALING_N_OUTCOME_DAYS + 2) * sizeof(double),
               "the percentile code reads mn_healing_outcome as an array of doubles");

static const char *day_keys[MN_HEALING_N_OUTCOME_DAYS] = {"day_30", "day_90", "day_180", "day_365"};

/* Numbers beyond the run are null: summary.json never holds NaN. */
static cJSON *number_or_null(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static mn_status nomem(void)
{
    return mn_error_set(MN_ENOMEM, "healing: JSON allocation failed");
}

/* name: {day_30, day_90, day_180, day_365} (NaN -> null). */
static mn_status add_days(cJSON *parent, const char *name, const double *v)
{
    cJSON *o = cJSON_AddObjectToObject(parent, name);
    if (!o)
        return nomem();
    for (int d = 0; d < MN_HEALING_N_OUTCOME_DAYS; d++)
        if (!cJSON_AddItemToObject(o, day_keys[d], number_or_null(v[d])))
            return nomem();
    return MN_OK;
}

mn_status mn_summary_add_outcome(cJSON *summary, cJSON *sessions, const mn_healing_result *r)
{
    if (!r || !summary)
        return mn_error_set(MN_EINPUT, "healing: summary needs a result and a root object");
    if (sessions) {
        int n = cJSON_GetArraySize(sessions), ns = mn_healing_result_sessions(r);
        for (int s = 0; s < n && s < ns; s++) {
            cJSON *item = cJSON_GetArrayItem(sessions, s);
            cJSON_DeleteItemFromObject(item, "erythema_days");
            if (!cJSON_AddItemToObject(item, "erythema_days",
                                       number_or_null(mn_healing_result_erythema_days(r, s))))
                return nomem();
        }
    }
    mn_healing_outcome o;
    mn_healing_result_outcome(r, &o);
    cJSON_DeleteItemFromObject(summary, "outcome");
    cJSON *out = cJSON_AddObjectToObject(summary, "outcome");
    if (!out)
        return nomem();
    MN_TRY(add_days(out, "collagen_change_percent", o.collagen_change_percent));
    MN_TRY(add_days(out, "elastin_change_percent", o.elastin_change_percent));
    MN_TRY(
        add_days(out, "epidermal_thickness_change_percent", o.epidermal_thickness_change_percent));
    if (!cJSON_AddItemToObject(out, "downtime_days_total", number_or_null(o.downtime_days_total)))
        return nomem();
    MN_TRY(add_days(out, "papillary_collagen_change_percent", o.papillary_collagen_change_percent));
    if (!cJSON_AddItemToObject(out, "pih_probability", number_or_null(o.pih_probability)))
        return nomem();
    return MN_OK;
}

/* {median, p5, p95} of the finite values among v[0..n-1]; null members if none is finite. */
static mn_status add_stats(cJSON *parent, const char *name, const double *v, int n, double *work)
{
    int m = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i]))
            work[m++] = v[i];
    mn_stats_sort(work, (size_t)m);
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToObject(parent, name, o)) {
        cJSON_Delete(o);
        return nomem();
    }
    double p[3] = {mn_stats_percentile_sorted(work, (size_t)m, 0.5),
                   mn_stats_percentile_sorted(work, (size_t)m, 0.05),
                   mn_stats_percentile_sorted(work, (size_t)m, 0.95)};
    const char *k[3] = {"median", "p5", "p95"};
    for (int j = 0; j < 3; j++)
        if (!cJSON_AddItemToObject(o, k[j], number_or_null(p[j])))
            return nomem();
    return MN_OK;
}

/* The patient nearest percentile q of collagen at day 90 and why it differs from the cohort:
 * its healing-rate score and the rates it drew against the cited values. *o = NULL when no
 * patient has a day-90 collagen. */
static mn_status explain(const mn_healing_samples *s, double q, cJSON **o)
{
    *o = NULL;
    int found = 0;
    mn_healing_sample_why w;
    MN_TRY(mn_healing_samples_explain(s, q, &found, &w));
    if (!found)
        return MN_OK;
    char why[512];
    snprintf(why, sizeof why,
             "collagen at day 90 %+.1f %% vs the cohort median %+.1f %%: healing-rate score %+.1f "
             "SD; collagen synthesis %.4f vs %.4f /d (Babraj 2005, with age and conditions); "
             "leukocyte removal %.2f vs %.2f /d; re-epithelialisation %.2f vs %.2f /d; "
             "epidermis x%.2f and dermis x%.2f the typical skin (Meng 2022: a thinner dermis is "
             "wounded deeper by the same needles)",
             w.collagen_day90_percent, w.cohort_median_percent, w.healing_rate_z,
             w.synthesis_per_day, w.synthesis_cited_per_day, w.leukocyte_removal_per_day,
             w.leukocyte_removal_cited_per_day, w.reepithelialisation_per_day,
             w.reepithelialisation_cited_per_day, w.epidermis_factor, w.dermis_factor);
    cJSON *e = cJSON_CreateObject();
    if (!e || !cJSON_AddNumberToObject(e, "patient", w.patient) ||
        !cJSON_AddNumberToObject(e, "healing_rate_z", w.healing_rate_z) ||
        !cJSON_AddStringToObject(e, "why", why)) {
        cJSON_Delete(e);
        return nomem();
    }
    *o = e;
    return MN_OK;
}

mn_status mn_summary_add_outcome_samples(cJSON *summary, cJSON *sessions,
                                         const mn_healing_samples *s)
{
    if (!s || !summary)
        return mn_error_set(MN_EINPUT, "healing: summary needs samples and a root object");
    const int n = mn_healing_samples_count(s), ns = mn_healing_samples_sessions(s);
    /* one column of values (v) and the sort buffer of add_stats (work) */
    double *v = calloc(2 * (size_t)n, sizeof *v), *work = v + n;
    if (!v)
        return mn_error_set(MN_ENOMEM, "healing: out of memory");
    mn_status st = MN_OK;
    if (sessions) {
        int m = cJSON_GetArraySize(sessions);
        for (int k = 0; k < m && k < ns; k++) {
            cJSON *item = cJSON_GetArrayItem(sessions, k);
            cJSON_DeleteItemFromObject(item, "erythema_days");
            for (int i = 0; i < n; i++)
                v[i] = mn_healing_samples_erythema_days(s, i, k);
            MN_TRY_GOTO(add_stats(item, "erythema_days", v, n, work), done);
        }
    }
    cJSON_DeleteItemFromObject(summary, "outcome");
    cJSON *out = cJSON_AddObjectToObject(summary, "outcome");
    if (!out) {
        st = nomem();
        goto done;
    }
    /* Each figure: its name, or NULL for one per outcome day (offset into the outcome read as
     * an array of doubles), in the order of the contract. */
    static const struct {
        const char *name;
        size_t offset;
        int days;
    } figs[] = {
        {"collagen_change_percent", offsetof(mn_healing_outcome, collagen_change_percent), 1},
        {"elastin_change_percent", offsetof(mn_healing_outcome, elastin_change_percent), 1},
        {"epidermal_thickness_change_percent",
         offsetof(mn_healing_outcome, epidermal_thickness_change_percent), 1},
        {"downtime_days_total", offsetof(mn_healing_outcome, downtime_days_total), 0},
        {"papillary_collagen_change_percent",
         offsetof(mn_healing_outcome, papillary_collagen_change_percent), 1},
        {"pih_probability", offsetof(mn_healing_outcome, pih_probability), 0},
    };
    for (size_t f = 0; f < sizeof figs / sizeof figs[0]; f++) {
        cJSON *parent = out;
        if (figs[f].days && !(parent = cJSON_AddObjectToObject(out, figs[f].name))) {
            st = nomem();
            goto done;
        }
        for (int d = 0; d < (figs[f].days ? MN_HEALING_N_OUTCOME_DAYS : 1); d++) {
            for (int i = 0; i < n; i++) {
                const double *o = (const double *)mn_healing_samples_outcome(s, i);
                v[i] = o[figs[f].offset / sizeof(double) + (size_t)d];
            }
            MN_TRY_GOTO(add_stats(parent, figs[f].days ? day_keys[d] : figs[f].name, v, n, work),
                        done);
        }
    }
    {
        cJSON_DeleteItemFromObject(summary, "virtual_patients");
        cJSON *vp = cJSON_AddObjectToObject(summary, "virtual_patients");
        cJSON *lo = NULL, *hi = NULL;
        if (!vp) {
            st = nomem();
            goto done;
        }
        MN_TRY_GOTO(explain(s, 0.05, &lo), done);
        if (lo && !cJSON_AddItemToObject(vp, "p5_patient", lo)) {
            cJSON_Delete(lo);
            st = nomem();
            goto done;
        }
        if (lo) {
            MN_TRY_GOTO(explain(s, 0.95, &hi), done);
            if (hi && !cJSON_AddItemToObject(vp, "p95_patient", hi)) {
                cJSON_Delete(hi);
                st = nomem();
                goto done;
            }
        }
        /* A follow-up shorter than 90 days has no day-90 collagen to rank patients by: no
         * percentile patients then, not a failure. */
        if (!cJSON_AddStringToObject(
                vp, "varies",
                "rows of data/healing_params.csv with between_patients yes or healing_rate "
                "(one latent healing-rate score, correlation 0.7); the rest is the same "
                "for all"))
            st = nomem();
    }
done:
    free(v);
    return st;
}

mn_status mn_summary_add_clinical(cJSON *summary, const mn_healing_clinical *c)
{
    if (!c || !summary)
        return mn_error_set(MN_EINPUT, "healing: clinical JSON needs a score and a root");
    cJSON *out = cJSON_GetObjectItemCaseSensitive(summary, "outcome");
    if (!out && !(out = cJSON_AddObjectToObject(summary, "outcome")))
        return nomem();
    cJSON_DeleteItemFromObject(out, "clinical");
    cJSON *o = cJSON_AddObjectToObject(out, "clinical");
    cJSON *ch = o ? cJSON_CreateObject() : NULL;
    if (!o || !ch) {
        cJSON_Delete(ch);
        return nomem();
    }
    static const char *keys[MN_HEALING_N_CLINICAL_DAYS] = {"day_90", "day_180", "day_365"};
    for (int d = 0; d < MN_HEALING_N_CLINICAL_DAYS; d++)
        cJSON_AddItemToObject(ch, keys[d], number_or_null(c->change[d]));
    if (!cJSON_AddStringToObject(o, "concern", c->concern) ||
        !cJSON_AddStringToObject(o, "scale", c->scale) ||
        !cJSON_AddItemToObject(o, "baseline", number_or_null(c->baseline)) ||
        !cJSON_AddItemToObject(o, "change", ch) ||
        !cJSON_AddItemToObject(o, "change_sd", number_or_null(c->change_sd)) ||
        !cJSON_AddItemToObject(o, "responder_fraction", number_or_null(c->responder_fraction)) ||
        !cJSON_AddBoolToObject(o, "calibrated", c->calibrated != 0))
        return nomem();
    return MN_OK;
}

mn_status mn_io_write_timeline_csv(const char *path, const mn_healing_result *r)
{
    if (!r || !path)
        return mn_error_set(MN_EINPUT, "healing: timeline needs a result and a path");
    const double *tl = mn_healing_result_timeline(r);
    const size_t rows = mn_healing_result_timeline_rows(r);
    mn_afile af;
    MN_TRY(mn_afile_open(path, &af));
    FILE *f = af.f;
    fprintf(f, "day,collagen_I,collagen_III,elastin,fibroblasts,mediator,erythema_index,"
               "epidermis_um,papillary_collagen\n");
    for (size_t i = 0; i < rows; i++) {
        const double *row = tl + i * MN_TL_NCOL;
        fprintf(f, "%.4f,%.6f,%.6f,%.6f,%.5f,%.5f,%.5f,%.3f,%.6f\n", row[MN_TL_DAY],
                row[MN_TL_COLLAGEN_I], row[MN_TL_COLLAGEN_III], row[MN_TL_ELASTIN],
                row[MN_TL_FIBROBLASTS], row[MN_TL_MEDIATOR], row[MN_TL_ERYTHEMA],
                row[MN_TL_EPIDERMIS_UM], row[MN_TL_PAPILLARY_COLLAGEN]);
    }
    return mn_afile_commit(&af);
}
