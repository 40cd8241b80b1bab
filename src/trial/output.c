/* trial.json (schema mnsim.trial/1) and patients.csv from a complete result table. Everything
 * is computed from the table in patient-index order, so the files depend only on the table,
 * never on how it was filled (threads, ranks, slices, resumes). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "io/atomic.h"
#include "io/trial_report.h"
#include "mnsim/version.h"
#include "trial/stats.h"
#include "trial/trial.h"

static cJSON *num(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(mn_trial_round(v)) : cJSON_CreateNull();
}

/* Level of patient p for a stratification variable, as text; "" when undefined. */
static void level_of(const mn_trial_spec *t, const mn_trial_patient *p, mn_trial_stratum s,
                     char *buf, size_t cap)
{
    switch (s) {
    case MN_STRATUM_SEX:
        snprintf(buf, cap, "%s", p->sex == MN_SEX_FEMALE ? "female" : "male");
        break;
    case MN_STRATUM_AGE: {
        int d = (int)floor(p->age_years / 10.0) * 10;
        snprintf(buf, cap, "%d-%d", d, d + 9);
        break;
    }
    case MN_STRATUM_FITZPATRICK:
        snprintf(buf, cap, "%d", p->fitzpatrick);
        break;
    case MN_STRATUM_ZONE:
        snprintf(buf, cap, "%s", t->zones[p->zone]);
        break;
    case MN_STRATUM_SEVERITY:
        snprintf(buf, cap, "%d", p->severity);
        break;
    default:
        buf[0] = '\0';
    }
}

/* Sort key of a level within its variable (levels are listed in natural order). */
static int level_key(const mn_trial_spec *t, const mn_trial_patient *p, mn_trial_stratum s)
{
    switch (s) {
    case MN_STRATUM_SEX:
        return (int)p->sex;
    case MN_STRATUM_AGE:
        return (int)floor(p->age_years / 10.0);
    case MN_STRATUM_FITZPATRICK:
        return p->fitzpatrick;
    case MN_STRATUM_ZONE:
        return p->zone;
    case MN_STRATUM_SEVERITY:
        return p->severity;
    default:
        return 0;
    }
}

enum { LEVEL_KEYS = 64 }; /* keys 0..63 cover every variable's levels */

/* Effect of arm a against arm 0 over the patients i with mask[i] (NULL: all). */
static mn_status effect_of(const mn_trial_spec *t, const mn_trial_table *tab, int a,
                           const unsigned char *mask, mn_trial_effect *out)
{
    size_t n = (size_t)tab->n;
    double *ref = malloc(n * sizeof *ref), *arm = malloc(n * sizeof *arm),
           *work = malloc(n * sizeof *work);
    if (!ref || !arm || !work) {
        free(ref);
        free(arm);
        free(work);
        return mn_error_set(MN_ENOMEM, "out of memory for the trial statistics");
    }
    long n0 = 0, n1 = 0;
    for (long i = 0; i < tab->n; i++) {
        if (mask && !mask[i])
            continue;
        double y0 = tab->endpoint[(size_t)i * (size_t)tab->n_arms],
               y1 = tab->endpoint[(size_t)i * (size_t)tab->n_arms + (size_t)a];
        if (t->design == MN_TRIAL_PAIRED) {
            ref[n0++] = y0;
            arm[n1++] = y1;
        } else {
            if (isfinite(y0))
                ref[n0++] = y0;
            if (isfinite(y1))
                arm[n1++] = y1;
        }
    }
    if (t->design == MN_TRIAL_PAIRED)
        mn_trial_effect_paired(ref, arm, n0, work, out);
    else
        mn_trial_effect_parallel(ref, n0, arm, n1, out);
    free(ref);
    free(arm);
    free(work);
    return MN_OK;
}

/* Patients behind an effect: each in both arms (paired) or in one (parallel). */
static long patients_of(const mn_trial_spec *t, const mn_trial_effect *e)
{
    return t->design == MN_TRIAL_PAIRED ? e->n_ref : e->n_ref + e->n_arm;
}

static cJSON *effect_json(const mn_trial_spec *t, int a, const mn_trial_effect *e, int full)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    if (full) {
        cJSON_AddStringToObject(o, "reference", t->arms[0].name);
        cJSON_AddStringToObject(o, "arm", t->arms[a].name);
    }
    cJSON_AddItemToObject(o, "difference", num(e->difference));
    cJSON *ci = cJSON_AddArrayToObject(o, "ci95");
    if (ci) {
        cJSON_AddItemToArray(ci, num(e->lo));
        cJSON_AddItemToArray(ci, num(e->hi));
    }
    if (full)
        cJSON_AddItemToObject(o, "standardised", num(e->standardised));
    return o;
}

/* Subgroups of the main effect (arms[1] vs arms[0]) by each stratification variable. */
static mn_status add_subgroups(const mn_trial_spec *t, const mn_trial_table *tab, cJSON *root,
                               mn_io_forest_row **rows, size_t *n_rows)
{
    cJSON *list = cJSON_AddArrayToObject(root, "subgroups");
    if (!list)
        return mn_error_set(MN_ENOMEM, "out of memory building trial.json");
    unsigned char *mask = calloc((size_t)tab->n, 1);
    int *keys = calloc((size_t)tab->n, sizeof *keys);
    mn_status st = MN_OK;
    if (!mask || !keys) {
        st = mn_error_set(MN_ENOMEM, "out of memory for the subgroups");
        goto done;
    }
    for (int v = 0; v < t->n_strata; v++) {
        mn_trial_stratum s = t->strata[v];
        int present[LEVEL_KEYS] = {0};
        for (long i = 0; i < tab->n; i++) {
            mn_trial_patient p;
            mn_trial_patient_draw(t, (uint32_t)i, &p);
            keys[i] = level_key(t, &p, s);
            if (keys[i] >= 0 && keys[i] < LEVEL_KEYS && !present[keys[i]])
                present[keys[i]] = (int)i + 1; /* first patient of the level, for its name */
        }
        for (int k = 0; k < LEVEL_KEYS; k++) {
            if (!present[k])
                continue;
            mn_trial_patient p;
            char level[MN_NAME_CAP];
            mn_trial_patient_draw(t, (uint32_t)(present[k] - 1), &p);
            level_of(t, &p, s, level, sizeof level);
            for (long i = 0; i < tab->n; i++)
                mask[i] = keys[i] == k;
            mn_trial_effect e;
            MN_TRY_GOTO(effect_of(t, tab, 1, mask, &e), done);
            cJSON *o = cJSON_CreateObject();
            if (!o || !cJSON_AddItemToArray(list, o)) {
                cJSON_Delete(o);
                st = mn_error_set(MN_ENOMEM, "out of memory building trial.json");
                goto done;
            }
            cJSON_AddStringToObject(o, "variable", mn_trial_stratum_name(s));
            cJSON_AddStringToObject(o, "level", level);
            cJSON_AddNumberToObject(o, "n", (double)patients_of(t, &e));
            cJSON_AddItemToObject(o, "effect", effect_json(t, 1, &e, 0));
            if (rows) {
                mn_io_forest_row *r = realloc(*rows, (*n_rows + 1) * sizeof **rows);
                if (!r) {
                    st = mn_error_set(MN_ENOMEM, "out of memory for the forest plot");
                    goto done;
                }
                *rows = r;
                snprintf(r[*n_rows].label, sizeof r[*n_rows].label, "%s %s",
                         mn_trial_stratum_name(s), level);
                r[*n_rows].difference = e.difference;
                r[*n_rows].lo = e.lo;
                r[*n_rows].hi = e.hi;
                r[*n_rows].n = patients_of(t, &e);
                (*n_rows)++;
            }
        }
    }
done:
    free(mask);
    free(keys);
    return st;
}

/* The whole trial.json; rows (optional) receives the forest plot's subgroup rows. */
static mn_status build_json(const mn_trial_spec *t, const mn_trial_table *tab, cJSON **out,
                            mn_io_forest_row **rows, size_t *n_rows)
{
    *out = NULL;
    for (long i = 0; i < tab->n; i++)
        if (!tab->done[i])
            return mn_error_set(MN_EINTERNAL,
                                "trial statistics of an incomplete table "
                                "(patient %ld missing)",
                                i);
    cJSON *root = cJSON_CreateObject();
    double *v = malloc((size_t)tab->n * sizeof *v);
    mn_status st = MN_OK;
    if (!root || !v) {
        st = mn_error_set(MN_ENOMEM, "out of memory building trial.json");
        goto fail;
    }
    cJSON_AddStringToObject(root, "schema", "mnsim.trial/1");
    cJSON_AddStringToObject(root, "mnsim_version", MNSIM_VERSION);
    cJSON_AddStringToObject(root, "name", t->name);
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)t->seed);
    cJSON_AddItemToObject(root, "seed",
                          t->seed < (1ULL << 53) ? cJSON_CreateNumber((double)t->seed)
                                                 : cJSON_CreateString(seed));
    /* The results do not depend on the number of ranks, and the file is the same for any:
     * the count a run used is printed, not recorded here. */
    cJSON_AddNullToObject(root, "ranks");
    cJSON_AddStringToObject(root, "design", t->design == MN_TRIAL_PAIRED ? "paired" : "parallel");
    cJSON *cohort = cJSON_AddObjectToObject(root, "cohort");
    cJSON_AddNumberToObject(cohort, "size", (double)t->size);
    cJSON *ep = cJSON_AddObjectToObject(root, "endpoint");
    cJSON_AddStringToObject(ep, "measure", mn_trial_measure_name(t->measure));
    cJSON_AddNumberToObject(ep, "day", t->day);
    cJSON_AddNumberToObject(ep, "responder_threshold", t->responder_threshold);
    cJSON_AddStringToObject(ep, "better", t->lower_is_better ? "lower" : "higher");
    if (t->measure == MN_TRIAL_CLINICAL) {
        cJSON_AddStringToObject(ep, "concern", t->concern);
        cJSON_AddStringToObject(ep, "scale", t->scale);
    }
    cJSON *arms = cJSON_AddArrayToObject(root, "arms");
    mn_trial_summary sum[MN_TRIAL_ARM_CAP];
    for (int a = 0; a < t->n_arms; a++) {
        long n = 0;
        for (long i = 0; i < tab->n; i++) {
            double y = tab->endpoint[(size_t)i * (size_t)tab->n_arms + (size_t)a];
            if (isfinite(y))
                v[n++] = y;
        }
        mn_trial_summarize(v, n, t->responder_threshold, t->lower_is_better, &sum[a]);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arms, o);
        cJSON_AddStringToObject(o, "name", t->arms[a].name);
        cJSON_AddNumberToObject(o, "n", (double)n);
        cJSON *e = cJSON_AddObjectToObject(o, "endpoint");
        cJSON_AddItemToObject(e, "mean", num(sum[a].mean));
        cJSON_AddItemToObject(e, "sd", num(sum[a].sd));
        cJSON_AddItemToObject(e, "p5", num(sum[a].p5));
        cJSON_AddItemToObject(e, "p50", num(sum[a].p50));
        cJSON_AddItemToObject(e, "p95", num(sum[a].p95));
        cJSON_AddItemToObject(o, "responder_fraction", num(sum[a].responder_fraction));
    }
    /* effect: arms[1] against the reference arms[0]; effects: every arm against it. */
    cJSON *effects = cJSON_CreateArray();
    mn_trial_effect main_effect = {0};
    for (int a = 1; a < t->n_arms; a++) {
        mn_trial_effect e;
        MN_TRY_GOTO(effect_of(t, tab, a, NULL, &e), fail);
        if (a == 1) {
            main_effect = e;
            cJSON_AddItemToObject(root, "effect", effect_json(t, a, &e, 1));
        }
        cJSON_AddItemToArray(effects, effect_json(t, a, &e, 1));
    }
    cJSON_AddItemToObject(root, "effects", effects);
    cJSON *ss = cJSON_AddObjectToObject(root, "sample_size");
    const double powers[2] = {0.8, 0.9};
    const char *pk[2] = {"power_80", "power_90"};
    for (int k = 0; k < 2; k++) {
        long n =
            mn_trial_sample_size(main_effect.difference, main_effect.sd_pooled, 0.05, powers[k]);
        cJSON_AddItemToObject(ss, pk[k],
                              n > 0 ? cJSON_CreateNumber((double)n) : cJSON_CreateNull());
    }
    cJSON_AddNumberToObject(ss, "alpha", 0.05);
    cJSON_AddItemToObject(ss, "sd", num(main_effect.sd_pooled));
    if (rows) {
        if (!(*rows = calloc(1, sizeof **rows))) {
            st = mn_error_set(MN_ENOMEM, "out of memory for the forest plot");
            goto fail;
        }
        snprintf((*rows)[0].label, sizeof(*rows)[0].label, "all patients");
        (*rows)[0].n = patients_of(t, &main_effect);
        (*rows)[0].difference = main_effect.difference;
        (*rows)[0].lo = main_effect.lo;
        (*rows)[0].hi = main_effect.hi;
        *n_rows = 1;
    }
    MN_TRY_GOTO(add_subgroups(t, tab, root, rows, n_rows), fail);
    free(v);
    *out = root;
    return MN_OK;
fail:
    free(v);
    cJSON_Delete(root);
    return st;
}

mn_status mn_trial_json(const mn_trial_spec *t, const mn_trial_table *tab, cJSON **out)
{
    return build_json(t, tab, out, NULL, NULL);
}

static void conditions_text(const mn_trial_spec *t, uint32_t bits, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int c = 0; c < t->n_conditions; c++)
        if (bits & (1u << c))
            used += (size_t)snprintf(buf + used, used < cap ? cap - used : 0, "%s%s",
                                     used ? ";" : "", t->conditions[c]);
}

mn_status mn_trial_write_patients_csv(const mn_trial_spec *t, const mn_trial_table *tab, long first,
                                      long last, const char *path)
{
    mn_afile af;
    MN_TRY(mn_afile_open(path, &af));
    fprintf(af.f, "patient,arm,age_years,sex,fitzpatrick,zone,concern,severity,conditions,%s\n",
            mn_trial_measure_name(t->measure));
    for (long i = first; i < last; i++) {
        if (!tab->done[i])
            continue;
        mn_trial_patient p;
        char cond[MN_TRIAL_CONDITION_CAP * MN_NAME_CAP];
        mn_trial_patient_draw(t, (uint32_t)i, &p);
        conditions_text(t, p.conditions, cond, sizeof cond);
        for (int a = 0; a < t->n_arms; a++) {
            double y = tab->endpoint[(size_t)i * (size_t)tab->n_arms + (size_t)a];
            if (!isfinite(y))
                continue;
            fprintf(af.f, "%ld,%s,%.1f,%s,%d,%s,%s,", i, t->arms[a].name, p.age_years,
                    p.sex == MN_SEX_FEMALE ? "female" : "male", p.fitzpatrick, t->zones[p.zone],
                    t->concern);
            if (t->concern[0] && t->severity_given)
                fprintf(af.f, "%d", p.severity);
            fprintf(af.f, ",%s,%.6f\n", cond, y);
        }
    }
    return mn_afile_commit(&af);
}

mn_status mn_trial_read_patients_csv(const mn_trial_spec *t, const char *path, mn_trial_table *tab)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return mn_error_set(MN_EIO, "%s: cannot open (%s)", path, strerror(errno));
    char line[4096];
    long lineno = 0;
    mn_status st = MN_OK;
    unsigned char *seen = calloc((size_t)tab->n * (size_t)t->n_arms, 1);
    if (!seen) {
        fclose(f);
        return mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
    }
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (lineno == 1)
            continue; /* header */
        if (len == 0 || line[len - 1] != '\n') {
            st = mn_error_set(MN_EINPUT, "%s:%ld: truncated row", path, lineno);
            break;
        }
        char *comma1 = strchr(line, ','), *last = strrchr(line, ',');
        char *end = NULL;
        errno = 0;
        long i = strtol(line, &end, 10);
        if (!comma1 || end != comma1 || errno || i < 0 || i >= tab->n) {
            st = mn_error_set(MN_EINPUT, "%s:%ld: bad patient index (expected 0..%ld)", path,
                              lineno, tab->n - 1);
            break;
        }
        char *comma2 = strchr(comma1 + 1, ',');
        int a = -1;
        for (int k = 0; comma2 && k < t->n_arms; k++)
            if ((size_t)(comma2 - comma1 - 1) == strlen(t->arms[k].name) &&
                strncmp(comma1 + 1, t->arms[k].name, (size_t)(comma2 - comma1 - 1)) == 0)
                a = k;
        double y = strtod(last + 1, &end);
        if (a < 0 || *end != '\n' || !isfinite(y)) {
            st = mn_error_set(MN_EINPUT, "%s:%ld: unknown arm or bad endpoint value", path, lineno);
            break;
        }
        size_t slot = (size_t)i * (size_t)t->n_arms + (size_t)a;
        if (seen[slot] || tab->done[i]) {
            st = mn_error_set(MN_EINPUT, "%s:%ld: patient %ld in arm %s appears twice", path,
                              lineno, i, t->arms[a].name);
            break;
        }
        seen[slot] = 1;
        tab->endpoint[slot] = y;
    }
    fclose(f);
    /* A patient is done when every arm it belongs to has its row. */
    for (long i = 0; st == MN_OK && i < tab->n; i++) {
        int any = 0, all = 1;
        mn_trial_patient p;
        for (int a = 0; a < t->n_arms; a++)
            any |= seen[(size_t)i * (size_t)t->n_arms + (size_t)a];
        if (!any)
            continue;
        mn_trial_patient_draw(t, (uint32_t)i, &p);
        for (int a = 0; a < t->n_arms; a++)
            if ((p.arm < 0 || p.arm == a) != seen[(size_t)i * (size_t)t->n_arms + (size_t)a])
                all = 0;
        if (!all)
            st = mn_error_set(MN_EINPUT,
                              "%s: patient %ld lacks an arm's row or has one it was "
                              "not allocated to",
                              path, i);
        else
            tab->done[i] = 1;
    }
    free(seen);
    return st;
}

mn_status mn_trial_write_outputs(const mn_trial_spec *t, const mn_trial_table *tab, const char *dir)
{
    char path[4200];
    cJSON *root = NULL;
    mn_io_forest_row *rows = NULL;
    size_t n_rows = 0;
    mn_status st = MN_OK;
    MN_TRY(mn_io_mkdir(dir));
    MN_TRY_GOTO(build_json(t, tab, &root, &rows, &n_rows), done);
    char *text = cJSON_Print(root);
    if (!text) {
        st = mn_error_set(MN_ENOMEM, "out of memory printing trial.json");
        goto done;
    }
    size_t len = strlen(text);
    char *withnl = realloc(text, len + 2);
    if (withnl) {
        text = withnl;
        memcpy(text + len, "\n", 2);
    }
    st = mn_io_join(path, sizeof path, dir, "trial.json");
    if (st == MN_OK)
        st = mn_io_write_text(path, text);
    free(text);
    MN_TRY_GOTO(st, done);
    MN_TRY_GOTO(mn_io_join(path, sizeof path, dir, "patients.csv"), done);
    MN_TRY_GOTO(mn_trial_write_patients_csv(t, tab, 0, tab->n, path), done);

    /* Report: per-arm distributions and the subgroup forest plot. */
    mn_io_trial_arm arms[MN_TRIAL_ARM_CAP];
    double *vals = malloc((size_t)tab->n * (size_t)t->n_arms * sizeof *vals);
    if (!vals) {
        st = mn_error_set(MN_ENOMEM, "out of memory for the trial report");
        goto done;
    }
    for (int a = 0; a < t->n_arms; a++) {
        arms[a].name = t->arms[a].name;
        arms[a].values = vals + (size_t)a * (size_t)tab->n;
        arms[a].n = 0;
        for (long i = 0; i < tab->n; i++) {
            double y = tab->endpoint[(size_t)i * (size_t)tab->n_arms + (size_t)a];
            if (isfinite(y))
                vals[(size_t)a * (size_t)tab->n + (size_t)arms[a].n++] = y;
        }
    }
    char xlabel[128];
    snprintf(xlabel, sizeof xlabel, "%s at day %g", mn_trial_measure_name(t->measure), t->day);
    char *json = cJSON_Print(root);
    mn_io_trial_report rep = {.title = t->name,
                              .endpoint_label = xlabel,
                              .arms = arms,
                              .n_arms = (size_t)t->n_arms,
                              .reference = t->arms[0].name,
                              .compared = t->arms[1].name,
                              .rows = rows,
                              .n_rows = n_rows,
                              .trial_json = json};
    st = mn_io_trial_report_write(dir, &rep);
    free(json);
    free(vals);
done:
    free(rows);
    cJSON_Delete(root);
    return st;
}
