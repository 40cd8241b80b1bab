/* The public trial entry points (include/mnsim/trial.h): a handle holding a trial file, its
 * result table and its journal, over the trial module's functions (trial.h). */
#include "mnsim/trial.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/cnum.h"
#include "core/error.h"
#include "io/outdir.h"
#include "trial/trial.h"

#define TRIAL_MAGIC 0x6d6e5472u /* "mnTr": memory that is not a live handle is refused */
#define TRIAL_DEAD  0xdeadbeefu

struct mn_trial {
    uint32_t magic;
    mn_trial_spec *spec;
    mn_trial_table tab;
    mn_trial_journal *journal;
    mn_status journal_status; /* first failure to journal a patient */
    mn_trial_patient_fn fn;
    void *user;
};

static mn_status check(const mn_trial *t, const char *fn)
{
    if (!t || t->magic != TRIAL_MAGIC || !t->spec)
        return mn_error_set(MN_EUSAGE, "%s: not a trial (NULL or freed)", fn);
    return MN_OK;
}

static mn_status wrap(mn_trial_spec *spec, mn_trial_table *tab, mn_trial **out)
{
    mn_trial *t = calloc(1, sizeof *t);
    if (!t) {
        mn_trial_table_free(tab);
        mn_trial_spec_free(spec);
        return mn_error_set(MN_ENOMEM, "out of memory");
    }
    t->magic = TRIAL_MAGIC;
    t->spec = spec;
    t->tab = *tab;
    *out = t;
    return MN_OK;
}

mn_status mn_trial_read_file(const char *path, mn_trial **out)
{
    if (!out || !path)
        return mn_error_set(MN_EUSAGE, "mn_trial_read_file: %s is NULL", !out ? "out" : "path");
    *out = NULL;
    mn_trial_spec *spec = NULL;
    mn_trial_table tab = {0};
    mn_cnum loc;
    mn_cnum_enter(&loc);
    mn_status st = mn_trial_load_file(path, &spec);
    mn_cnum_leave(&loc);
    MN_TRY(st);
    st = mn_trial_table_init(&tab, spec->size, spec->n_arms);
    if (st != MN_OK) {
        mn_trial_spec_free(spec);
        return st;
    }
    return wrap(spec, &tab, out);
}

void mn_trial_free(mn_trial *t)
{
    if (!t || t->magic != TRIAL_MAGIC)
        return;
    mn_trial_journal_close(t->journal);
    mn_trial_table_free(&t->tab);
    mn_trial_spec_free(t->spec);
    t->magic = TRIAL_DEAD;
    free(t);
}

mn_status mn_trial_get_info(const mn_trial *t, mn_trial_info *out)
{
    MN_TRY(check(t, "mn_trial_get_info"));
    if (!out)
        return mn_error_set(MN_EUSAGE, "mn_trial_get_info: out is NULL");
    *out = (mn_trial_info){t->spec->name, t->spec->size, t->spec->n_arms};
    return MN_OK;
}

mn_status mn_trial_slice_bounds(long size, int k, int n, long *first, long *last)
{
    if (!first || !last || size < 0 || n < 1 || k < 1 || k > n)
        return mn_error_set(MN_EUSAGE,
                            "mn_trial_slice_bounds: slice %d of %d (expected 1 <= K "
                            "<= N)",
                            k, n);
    mn_trial_slice_range(size, k, n, first, last);
    return MN_OK;
}

mn_status mn_trial_prepare_dir(const mn_trial *t, const char *dir, int force)
{
    MN_TRY(check(t, "mn_trial_prepare_dir"));
    if (!dir)
        return mn_error_set(MN_EUSAGE, "mn_trial_prepare_dir: dir is NULL");
    MN_TRY(mn_io_prepare_output_dir(dir, force));
    return mn_trial_journal_reset(t->spec, dir);
}

mn_status mn_trial_resume(mn_trial *t, const char *dir, long *restored)
{
    MN_TRY(check(t, "mn_trial_resume"));
    if (!dir || !restored)
        return mn_error_set(MN_EUSAGE, "mn_trial_resume: NULL argument");
    MN_RETURN_IN_C_LOCALE(mn_trial_journal_load(t->spec, dir, &t->tab, restored));
}

mn_status mn_trial_set_journal(mn_trial *t, const char *dir, int part)
{
    MN_TRY(check(t, "mn_trial_set_journal"));
    mn_trial_journal_close(t->journal);
    t->journal = NULL;
    t->journal_status = MN_OK;
    if (!dir)
        return MN_OK;
    return mn_trial_journal_open(t->spec, dir, part, &t->journal);
}

static mn_status check_range(const mn_trial *t, long first, long last, const char *fn)
{
    if (first < 0 || last < first || last > t->spec->size)
        return mn_error_set(MN_EUSAGE, "%s: patients [%ld, %ld) (expected within [0, %ld))", fn,
                            first, last, t->spec->size);
    return MN_OK;
}

mn_status mn_trial_pending(const mn_trial *t, long first, long last, long *n)
{
    MN_TRY(check(t, "mn_trial_pending"));
    MN_TRY(check_range(t, first, last, "mn_trial_pending"));
    if (!n)
        return mn_error_set(MN_EUSAGE, "mn_trial_pending: n is NULL");
    long k = 0;
    for (long i = first; i < last; i++)
        k += !t->tab.done[i];
    *n = k;
    return MN_OK;
}

/* Under the simulation's lock: journal the patient, then tell the caller. */
static void on_done(void *user, long index, const double *y, int n_arms)
{
    mn_trial *t = user;
    /* On whichever OpenMP thread finished the patient: its locale too. */
    mn_cnum loc;
    mn_cnum_enter(&loc);
    if (t->journal && t->journal_status == MN_OK)
        t->journal_status = mn_trial_journal_add(t->journal, index, y, n_arms);
    mn_cnum_leave(&loc);
    if (t->fn)
        t->fn(t->user, index);
}

mn_status mn_trial_simulate(mn_trial *t, long first, long last, int threads, mn_trial_patient_fn fn,
                            void *user, int *stopped)
{
    MN_TRY(check(t, "mn_trial_simulate"));
    MN_TRY(check_range(t, first, last, "mn_trial_simulate"));
    if (!stopped)
        return mn_error_set(MN_EUSAGE, "mn_trial_simulate: stopped is NULL");
    *stopped = 0;
    t->fn = fn;
    t->user = user;
    mn_cnum loc;
    mn_cnum_enter(&loc);
    mn_status st =
        mn_trial_simulate_range(t->spec, first, last, threads, &t->tab, on_done, t, stopped);
    mn_cnum_leave(&loc);
    t->fn = NULL;
    t->user = NULL;
    if (st == MN_OK && t->journal_status != MN_OK)
        st = t->journal_status;
    return st;
}

mn_status mn_trial_endpoints(mn_trial *t, double **endpoints, size_t *count)
{
    MN_TRY(check(t, "mn_trial_endpoints"));
    if (!endpoints || !count)
        return mn_error_set(MN_EUSAGE, "mn_trial_endpoints: NULL argument");
    *endpoints = t->tab.endpoint;
    *count = (size_t)t->tab.n * (size_t)t->tab.n_arms;
    return MN_OK;
}

mn_status mn_trial_mark_done(mn_trial *t, long first, long last)
{
    MN_TRY(check(t, "mn_trial_mark_done"));
    MN_TRY(check_range(t, first, last, "mn_trial_mark_done"));
    for (long i = first; i < last; i++)
        t->tab.done[i] = 1;
    return MN_OK;
}

mn_status mn_trial_write(const mn_trial *t, const char *dir)
{
    MN_TRY(check(t, "mn_trial_write"));
    if (!dir)
        return mn_error_set(MN_EUSAGE, "mn_trial_write: dir is NULL");
    MN_RETURN_IN_C_LOCALE(mn_trial_write_outputs(t->spec, &t->tab, dir));
}

mn_status mn_trial_write_slice_dir(const mn_trial *t, int k, int n, const char *dir)
{
    MN_TRY(check(t, "mn_trial_write_slice_dir"));
    if (!dir || n < 1 || k < 1 || k > n)
        return mn_error_set(MN_EUSAGE, "mn_trial_write_slice_dir: slice %d of %d into %s", k, n,
                            dir ? dir : "(NULL)");
    MN_RETURN_IN_C_LOCALE(mn_trial_write_slice(t->spec, &t->tab, k, n, dir));
}

mn_status mn_trial_merge_dirs(const char *const *dirs, int n, mn_trial **out)
{
    if (!out || !dirs || n < 1)
        return mn_error_set(MN_EUSAGE, "mn_trial_merge_dirs: no slice folders");
    *out = NULL;
    mn_trial_spec *spec = NULL;
    mn_trial_table tab = {0};
    mn_cnum loc;
    mn_cnum_enter(&loc);
    mn_status st = mn_trial_merge(dirs, n, &spec, &tab);
    mn_cnum_leave(&loc);
    MN_TRY(st);
    return wrap(spec, &tab, out);
}

mn_status mn_trial_remove_journals(const char *dir)
{
    if (!dir)
        return mn_error_set(MN_EUSAGE, "mn_trial_remove_journals: dir is NULL");
    mn_trial_journal_remove(dir);
    return MN_OK;
}
