/* In-silico trials: a virtual cohort treated by two or more arms, an endpoint at a day, and
 * the statistics a trialist reads (effect with its 95 % CI, standardised effect, responder
 * fractions, sample size, subgroups).
 *
 * The work divides into independent patients: patient i's demographics, healing parameters
 * and needling streams are keyed on (seed, i) only, so any division of the index range over
 * threads, MPI ranks or batch slices gives the same numbers, and the statistics are always
 * computed from the whole result table in index order. The library knows nothing of MPI:
 * a caller simulates a range of patients (mn_trial_simulate_range), gathers the ranges into
 * one table however it likes, and writes the outputs from it (mn_trial_write_outputs). */
#ifndef MN_TRIAL_TRIAL_H
#define MN_TRIAL_TRIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "healing/healing.h"
#include "model/model.h"
#include "run/course.h"
#include "mnsim/status.h"

enum {
    MN_TRIAL_ARM_CAP = 8,
    MN_TRIAL_ZONE_CAP = 16,
    MN_TRIAL_STRATA_CAP = 5,
    MN_TRIAL_CONDITION_CAP = 8,
    MN_TRIAL_SIZE_MAX = 10000000
};

typedef enum mn_trial_design { MN_TRIAL_PAIRED = 0, MN_TRIAL_PARALLEL = 1 } mn_trial_design;

/* Endpoint measures: tissue outcomes of the healing stage (percent change from baseline), or
 * the clinical score of the cohort's concern (change on the concern's scale). */
typedef enum mn_trial_measure {
    MN_TRIAL_COLLAGEN = 0,
    MN_TRIAL_ELASTIN,
    MN_TRIAL_EPIDERMIS,
    MN_TRIAL_PAPILLARY_COLLAGEN,
    MN_TRIAL_CLINICAL,
    MN_TRIAL_N_MEASURES
} mn_trial_measure;

/* Stratification variables (subgroups). */
typedef enum mn_trial_stratum {
    MN_STRATUM_SEX = 0,
    MN_STRATUM_AGE,
    MN_STRATUM_FITZPATRICK,
    MN_STRATUM_ZONE,
    MN_STRATUM_SEVERITY,
    MN_TRIAL_N_STRATA
} mn_trial_stratum;

typedef struct mn_trial_arm {
    char name[MN_NAME_CAP];
    mn_model model; /* device, product, protocol, patch; patient and site are set per patient */
} mn_trial_arm;

typedef struct mn_trial_spec {
    char name[MN_TEXT_CAP];
    uint64_t seed;
    long size;
    /* cohort */
    double age_lo, age_hi;  /* uniform; equal for a fixed age */
    double female_fraction; /* 0.5 for sex: any */
    int fitz_lo, fitz_hi;   /* uniform integer */
    int n_zones;            /* zone drawn uniformly from the list */
    char zones[MN_TRIAL_ZONE_CAP][MN_NAME_CAP];
    char concern[MN_NAME_CAP]; /* "" when not given */
    int severity_lo, severity_hi;
    bool severity_given;  /* else each patient has the scale's typical baseline */
    bool severity_scores; /* the severity scale is the clinical scale: the score starts from it
                             (mn_clinic_severity_for_score), else from the typical baseline */
    int n_conditions;     /* each present with its prevalence */
    char conditions[MN_TRIAL_CONDITION_CAP][MN_NAME_CAP];
    double prevalence[MN_TRIAL_CONDITION_CAP];
    /* arms; arms[0] is the reference */
    int n_arms;
    mn_trial_arm arms[MN_TRIAL_ARM_CAP];
    mn_trial_design design;
    /* endpoint */
    mn_trial_measure measure;
    double day;
    double responder_threshold; /* responder: endpoint >= threshold (<= when lower_is_better) */
    bool lower_is_better;       /* clinical grading scales improve downwards */
    int clinical_day;           /* index into mn_healing_clinical_days (clinical measure) */
    char scale[96];             /* the clinical scale's name (clinical measure) */
    int n_strata;
    mn_trial_stratum strata[MN_TRIAL_STRATA_CAP];
    /* the file as read, for the slice folders (a merge re-reads it) and the fingerprint */
    char *text;
    size_t text_len;
    uint64_t fingerprint; /* FNV-1a of the text and the mnsim version */
} mn_trial_spec;

/* Loads and validates TRIAL.yaml; messages FILE:LINE:COL: key.path: problem (expected ...),
 * MN_EINPUT. Free with mn_trial_spec_free. */
mn_status mn_trial_load_file(const char *path, mn_trial_spec **out);
mn_status mn_trial_load_text(const char *label, const char *text, size_t len, mn_trial_spec **out);
void mn_trial_spec_free(mn_trial_spec *t);

const char *mn_trial_measure_name(mn_trial_measure m);
const char *mn_trial_stratum_name(mn_trial_stratum s);

/* One virtual patient, drawn from (seed, index) alone. */
typedef struct mn_trial_patient {
    uint32_t index;
    double age_years; /* rounded to 0.1 year, as written to patients.csv */
    mn_sex sex;
    int fitzpatrick;
    int zone;            /* index into spec->zones */
    int severity;        /* 0 when no concern */
    uint32_t conditions; /* bit c: spec->conditions[c] */
    int arm;             /* parallel design: the arm assigned; paired: -1 */
    uint64_t needling_seed;
} mn_trial_patient;

void mn_trial_patient_draw(const mn_trial_spec *t, uint32_t index, mn_trial_patient *out);

/* The whole trial's results: endpoint[i * n_arms + a] of patient i in arm a (NaN where the
 * patient was not simulated in the arm: parallel design). Values are rounded to 1e-6 (as
 * written to patients.csv), so a table read back from the file is the same bit for bit. */
typedef struct mn_trial_table {
    long n;
    int n_arms;
    double *endpoint;
    unsigned char *done; /* n: the patient's arms are all simulated */
} mn_trial_table;

mn_status mn_trial_table_init(mn_trial_table *tab, long n, int n_arms);
void mn_trial_table_free(mn_trial_table *tab);
double mn_trial_round(double v);

/* Called from worker threads after each finished patient (serialised by the caller). */
typedef void (*mn_trial_done_fn)(void *user, long index, const double *endpoints, int n_arms);

/* Simulates patients [first, last) in every arm they belong to, on `threads` OpenMP threads
 * (<= 0: default), skipping those already marked done, and fills the table rows. Stops early
 * (MN_OK, *stopped = 1) when mn_signals_stop_requested(). On_done (optional) is called under a
 * lock after each patient; it also drives progress. */
mn_status mn_trial_simulate_range(const mn_trial_spec *t, long first, long last, int threads,
                                  mn_trial_table *tab, mn_trial_done_fn on_done, void *user,
                                  int *stopped);

/* Patient p's sessions in arm `arm` up to the endpoint day, as a run takes them (needling, RF
 * heat, the product's delivery into this patient's skin): m the patient's scenario, col the
 * column, c the course with each session's injury. The caller frees c (mn_course_free). */
mn_status mn_trial_patient_course(const mn_trial_spec *t, const mn_trial_patient *p, int arm,
                                  mn_model *m, mn_column *col, mn_course *c);
/* The endpoint of patient p in arm `arm` (the pipeline up to the endpoint day, no files);
 * healing on solver sv (a thread's own, reused across its patients; NULL: a new one for this
 * patient — the same bits either way). */
mn_status mn_trial_simulate_one(const mn_trial_spec *t, const mn_trial_patient *p, int arm,
                                mn_healing_solver *sv, double *endpoint);

/* Statistics and outputs of a complete table. */
mn_status mn_trial_json(const mn_trial_spec *t, const mn_trial_table *tab, cJSON **out);
/* patients.csv of patients [first, last) that are done. */
mn_status mn_trial_write_patients_csv(const mn_trial_spec *t, const mn_trial_table *tab, long first,
                                      long last, const char *path);
/* Reads rows of a patients.csv into the table (marks them done); fails on a row whose
 * patient is already done or does not belong to the trial. */
mn_status mn_trial_read_patients_csv(const mn_trial_spec *t, const char *path, mn_trial_table *tab);
/* trial.json, patients.csv and report.html (+ plots/) into dir. */
mn_status mn_trial_write_outputs(const mn_trial_spec *t, const mn_trial_table *tab,
                                 const char *dir);

/* Slices for batch systems: slice k of n (1-based) covers [first, last). */
void mn_trial_slice_range(long size, int k, int n, long *first, long *last);
/* A slice folder: trial.yaml (the file as read), slice.json, patients.csv of its range. */
mn_status mn_trial_write_slice(const mn_trial_spec *t, const mn_trial_table *tab, int k, int n,
                               const char *dir);
/* Merges slice folders: checks they hold the same trial and cover every patient once, and
 * returns the trial and the full table. */
mn_status mn_trial_merge(const char *const *dirs, int n_dirs, mn_trial_spec **spec,
                         mn_trial_table *tab);

/* Checkpoint journal: finished patients appended to dir/.trial-journal-<part> as they end,
 * so an interrupted trial resumes from them. Resume reads every journal in dir that belongs
 * to this trial (same fingerprint) into the table; journals of another trial are removed
 * by mn_trial_journal_reset. */
typedef struct mn_trial_journal mn_trial_journal;
mn_status mn_trial_journal_load(const mn_trial_spec *t, const char *dir, mn_trial_table *tab,
                                long *restored);
mn_status mn_trial_journal_reset(const mn_trial_spec *t, const char *dir);
mn_status mn_trial_journal_open(const mn_trial_spec *t, const char *dir, int part,
                                mn_trial_journal **out);
/* Appends one patient (call under the caller's lock). */
mn_status mn_trial_journal_add(mn_trial_journal *j, long index, const double *endpoints,
                               int n_arms);
void mn_trial_journal_close(mn_trial_journal *j);
/* Removes every journal of dir (after the outputs are written). */
void mn_trial_journal_remove(const char *dir);

#endif
