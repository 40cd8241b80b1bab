/* mnsim — in-silico trials (`mnsim trial`, docs/TRIAL.md): a virtual cohort treated by two or
 * more arms, an endpoint at a day, and the statistics a trialist reads.
 *
 * Patient i depends on (seed, i) only, so a program may simulate any ranges of patients, on
 * any threads, processes or batch slices, and gather them: the outputs are always computed
 * from the whole table. The library knows nothing of MPI; `cli/cmd_trial.c` shows a caller
 * that splits the patients over ranks (mn_trial_endpoints, mn_trial_mark_done).
 *
 *   mn_trial *t = NULL;
 *   MN_CHECK(mn_trial_read_file("trial.yaml", &t));
 *   mn_trial_prepare_dir(t, "out", 0);             // claim the folder, drop other trials' journals
 *   mn_trial_resume(t, "out", &restored);          // patients journalled by a stopped run
 *   mn_trial_set_journal(t, "out", 0);             // journal patients as they finish
 *   mn_trial_simulate(t, 0, info.size, 0, NULL, NULL, &stopped);
 *   mn_trial_set_journal(t, NULL, 0);
 *   mn_trial_write(t, "out");                      // trial.json, patients.csv, report.html
 *   mn_trial_remove_journals("out");
 *   mn_trial_free(t);
 *
 * Every call returns an mn_status (MN_EUSAGE for a NULL or freed handle); on failure
 * mn_last_error() holds the message. */
#ifndef MNSIM_TRIAL_H
#define MNSIM_TRIAL_H

#include <stddef.h>

#include "mnsim/export.h"
#include "mnsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest cohort a trial file may ask for. */
#define MN_TRIAL_MAX_PATIENTS 10000000L

typedef struct mn_trial mn_trial;

/* Loads and validates a trial file (FILE:LINE:COL: key.path: problem (expected ...),
 * MN_EINPUT); *out is NULL on failure. */
MN_API mn_status mn_trial_read_file(const char *path, mn_trial **out);
MN_API void mn_trial_free(mn_trial *t);

typedef struct mn_trial_info {
    const char *name; /* owned by the trial */
    long size;        /* patients */
    int arms;
} mn_trial_info;
MN_API mn_status mn_trial_get_info(const mn_trial *t, mn_trial_info *out);

/* Slice k of n (1-based) of size patients: [first, last), contiguous blocks. */
MN_API mn_status mn_trial_slice_bounds(long size, int k, int n, long *first, long *last);

/* Claims dir as this trial's output folder (a non-empty folder that is not mnsim's needs
 * force) and removes journals of other trials. Call on one process only. */
MN_API mn_status mn_trial_prepare_dir(const mn_trial *t, const char *dir, int force);
/* Marks done the patients this trial journalled in dir (a stopped run); *restored of them. */
MN_API mn_status mn_trial_resume(mn_trial *t, const char *dir, long *restored);
/* Journals every patient mn_trial_simulate finishes to dir (one journal per part, e.g. the
 * MPI rank); dir NULL closes the journal. */
MN_API mn_status mn_trial_set_journal(mn_trial *t, const char *dir, int part);
/* Patients of [first, last) not yet done. */
MN_API mn_status mn_trial_pending(const mn_trial *t, long first, long last, long *n);

/* Called under a lock after each finished patient, on the thread that finished it. */
typedef void (*mn_trial_patient_fn)(void *user, long index);

/* Simulates the patients of [first, last) not yet done in every arm they belong to, on
 * `threads` OpenMP threads (<= 0: the default). A stop request (mn_signals) ends it early with
 * MN_OK and *stopped = 1; finished patients stay done (and journalled). */
MN_API mn_status mn_trial_simulate(mn_trial *t, long first, long last, int threads,
                                   mn_trial_patient_fn fn, void *user, int *stopped);

/* The result table: endpoints[i * arms + a] of patient i in arm a (NaN where not simulated),
 * size × arms values, owned by the trial and writable, so a program can gather ranges other
 * processes computed into it; then mn_trial_mark_done on those ranges. */
MN_API mn_status mn_trial_endpoints(mn_trial *t, double **endpoints, size_t *count);
MN_API mn_status mn_trial_mark_done(mn_trial *t, long first, long last);

/* trial.json, patients.csv and report.html (+ plots/) of the whole table into dir (every
 * patient must be done). */
MN_API mn_status mn_trial_write(const mn_trial *t, const char *dir);
/* Slice k of n into dir (trial.yaml, slice.json, patients.csv of its range). */
MN_API mn_status mn_trial_write_slice_dir(const mn_trial *t, int k, int n, const char *dir);
/* Combines slice folders that hold the same trial and cover every patient once. */
MN_API mn_status mn_trial_merge_dirs(const char *const *dirs, int n, mn_trial **out);
/* Removes every trial journal of dir (after the outputs are written). */
MN_API mn_status mn_trial_remove_journals(const char *dir);

#ifdef __cplusplus
}
#endif
#endif
