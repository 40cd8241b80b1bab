/* Slices for batch systems without MPI (a Slurm job array): `--slice K/N` simulates one
 * contiguous block of patients into its own folder, and `--merge` reads the folders back into
 * one table, from which the outputs are written exactly as a single run writes them. A slice
 * folder holds the trial file as read (so the merge needs nothing else), slice.json and the
 * slice's patients.csv. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/error.h"
#include "io/atomic.h"
#include "trial/trial.h"

void mn_trial_slice_range(long size, int k, int n, long *first, long *last)
{
    *first = (long)((long long)size * (k - 1) / n);
    *last = (long)((long long)size * k / n);
}

mn_status mn_trial_write_slice(const mn_trial_spec *t, const mn_trial_table *tab, int k, int n,
                               const char *dir)
{
    char path[4200], fp[32];
    long first, last;
    mn_trial_slice_range(t->size, k, n, &first, &last);
    MN_TRY(mn_io_mkdir(dir));
    MN_TRY(mn_io_join(path, sizeof path, dir, "trial.yaml"));
    MN_TRY(mn_io_write_text(path, t->text));
    MN_TRY(mn_io_join(path, sizeof path, dir, "patients.csv"));
    MN_TRY(mn_trial_write_patients_csv(t, tab, first, last, path));
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return mn_error_set(MN_ENOMEM, "out of memory writing slice.json");
    snprintf(fp, sizeof fp, "%016" PRIx64, t->fingerprint);
    cJSON_AddStringToObject(o, "schema", "mnsim.trial-slice/1");
    cJSON_AddNumberToObject(o, "slice", k);
    cJSON_AddNumberToObject(o, "of", n);
    cJSON_AddNumberToObject(o, "first_patient", (double)first);
    cJSON_AddNumberToObject(o, "end_patient", (double)last);
    cJSON_AddStringToObject(o, "fingerprint", fp);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text)
        return mn_error_set(MN_ENOMEM, "out of memory writing slice.json");
    mn_status st = mn_io_join(path, sizeof path, dir, "slice.json");
    if (st == MN_OK)
        st = mn_io_write_text(path, text);
    free(text);
    return st;
}

static mn_status read_text(const char *path, char **out, size_t *len)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return mn_error_set(MN_EIO, "%s: cannot open (%s)", path, strerror(errno));
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *b = cap < (64u << 20) ? realloc(buf, 2 * cap + 1) : NULL;
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return mn_error_set(MN_ENOMEM, "%s: too large or out of memory", path);
    buf[n] = '\0';
    *out = buf;
    if (len)
        *len = n;
    return MN_OK;
}

static int json_int(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valueint : -1;
}

mn_status mn_trial_merge(const char *const *dirs, int n_dirs, mn_trial_spec **spec,
                         mn_trial_table *tab)
{
    mn_status st = MN_OK;
    mn_trial_spec *t = NULL;
    char path[4200];
    char *text = NULL;
    int n_slices = 0;
    unsigned char *have = NULL;
    *spec = NULL;
    memset(tab, 0, sizeof *tab);
    if (n_dirs < 1)
        return mn_error_set(MN_EUSAGE, "--merge needs at least one slice folder");
    for (int d = 0; d < n_dirs; d++) {
        size_t len;
        MN_TRY_GOTO(mn_io_join(path, sizeof path, dirs[d], "trial.yaml"), fail);
        MN_TRY_GOTO(read_text(path, &text, &len), fail);
        if (!t) {
            MN_TRY_GOTO(mn_trial_load_text(path, text, len, &t), fail);
            MN_TRY_GOTO(mn_trial_table_init(tab, t->size, t->n_arms), fail);
        } else if (len != t->text_len || memcmp(text, t->text, len) != 0) {
            st = mn_error_set(MN_EINPUT,
                              "%s: another trial than in %s (expected slices of one "
                              "trial file)",
                              path, dirs[0]);
            goto fail;
        }
        free(text);
        text = NULL;
        MN_TRY_GOTO(mn_io_join(path, sizeof path, dirs[d], "slice.json"), fail);
        MN_TRY_GOTO(read_text(path, &text, NULL), fail);
        cJSON *o = cJSON_Parse(text);
        const cJSON *fpj = cJSON_GetObjectItemCaseSensitive(o, "fingerprint");
        char fp[32];
        snprintf(fp, sizeof fp, "%016" PRIx64, t->fingerprint);
        int k = json_int(o, "slice"), n = json_int(o, "of");
        int same_version = cJSON_IsString(fpj) && strcmp(fpj->valuestring, fp) == 0;
        cJSON_Delete(o);
        free(text);
        text = NULL;
        if (k < 1 || n < 1 || k > n) {
            st = mn_error_set(MN_EINPUT, "%s: not a slice description (expected slice and of)",
                              path);
            goto fail;
        }
        if (!same_version) {
            st = mn_error_set(MN_EINPUT,
                              "%s: written by another mnsim version (expected slices "
                              "of one version: patients are drawn by the code)",
                              path);
            goto fail;
        }
        if (!have) {
            n_slices = n;
            if (!(have = calloc((size_t)n + 1, 1))) {
                st = mn_error_set(MN_ENOMEM, "out of memory merging slices");
                goto fail;
            }
        }
        if (n != n_slices || have[k]) {
            st = mn_error_set(MN_EINPUT, "%s: slice %d/%d %s", path, k, n,
                              n != n_slices ? "does not match the other folders' count"
                                            : "given twice");
            goto fail;
        }
        have[k] = 1;
        MN_TRY_GOTO(mn_io_join(path, sizeof path, dirs[d], "patients.csv"), fail);
        MN_TRY_GOTO(mn_trial_read_patients_csv(t, path, tab), fail);
    }
    for (int k = 1; k <= n_slices; k++)
        if (!have[k]) {
            st = mn_error_set(MN_EINPUT, "slice %d/%d is missing (expected all %d slice folders)",
                              k, n_slices, n_slices);
            goto fail;
        }
    for (long i = 0; i < tab->n; i++)
        if (!tab->done[i]) {
            st = mn_error_set(MN_EINPUT,
                              "patient %ld has no rows in the slices (an unfinished "
                              "slice? run it again to complete it)",
                              i);
            goto fail;
        }
    free(have);
    *spec = t;
    return MN_OK;
fail:
    free(text);
    free(have);
    mn_trial_table_free(tab);
    mn_trial_spec_free(t);
    return st;
}
