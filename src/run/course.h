/* The course of one run: the per-session stages (needling, RF heat, delivery) and what they
 * leave for the course-level ones (healing, risks), with the state a checkpoint must keep.
 * Internal to src/run. */
#ifndef MN_RUN_COURSE_H
#define MN_RUN_COURSE_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "anatomy/anatomy.h"
#include "run/checkpoint_run.h"
#include "healing/healing.h"
#include "heat/heat.h"
#include "model/model.h"
#include "needling/needling.h"

/* Tables assembled from every session's rows at the end of a run. */
enum { TABLE_THERMAL, TABLE_DELIVERY, TABLE_PROFILES, TABLE_LESION, N_SESSION_TABLES };

/* What the course-level stages need from the per-session ones. */
typedef struct mn_course {
    int n_sessions;
    double *days;
    mn_healing_injury *injuries;
    double end_day;
    double max_tissue_depth_um;
    double max_bleeding_fraction;
    double max_erythema_days;    /* < 0 until healing reports */
    double pih_probability;      /* of the course (healing); < 0 until healing reports */
    double max_epidermis_peak_c; /* RF: hottest epidermis of any session; NAN without RF */
    double heat_on_time_s;       /* RF: pulse time of that session */
    double max_epidermis_omega;  /* RF: largest epidermal burn integral Ω; NAN without RF */
    /* RF: the last session's heat solve, reused while the settings repeat (the unit cell does
     * not depend on where the needles land). */
    mn_heat_result *heat;
    mn_device_spec heat_device;
    /* Each session's rows of the per-session tables (NULL where a session has none). They are
     * kept as text, and in checkpoints, so that a resumed run writes the same files. */
    char **rows[N_SESSION_TABLES];
} mn_course;

/* Where the per-session stages report: all optional (planning runs report nowhere). */
typedef struct mn_session_sinks {
    cJSON *summary;
    FILE *punctures_csv;
    const char *dir;         /* output folder for field files */
    size_t max_memory_bytes; /* budget of a session's grids */
} mn_session_sinks;

mn_status mn_course_init(const mn_model *m, mn_course *c);
void mn_course_free(mn_course *c);
/* Session s (1-based): punctures, RF heat, delivery; reports to the sinks; keeps the injury,
 * maxima and table rows. */
mn_status mn_course_run_session(const mn_model *m, const mn_column *col, int s, mn_course *c,
                                const mn_session_sinks *out);
/* The three stages of mn_course_run_session, one by one (the session API calls them apart).
 * needle: punctures (rows to out->punctures_csv as they are made), session figures (a new
 * session object in out->summary, returned in *session_out), the healing injury; keeps the
 * punctures in *kept when it is not NULL (the caller frees them: for a streamed whole zone,
 * those of the representative window) and sets *wm to the model of that patch or window.
 * heat: RF devices only. deliver: a product only, with the wm needle gave; session is the
 * object needle returned (NULL: nothing reported). */
mn_status mn_course_needle(const mn_model *m, const mn_column *col, int s, mn_course *c,
                           const mn_session_sinks *out, cJSON **session_out, mn_punctures **kept,
                           mn_model *wm);
mn_status mn_course_heat(const mn_model *m, const mn_column *col, int s, mn_course *c,
                         cJSON *session, const mn_session_sinks *out);
mn_status mn_course_deliver(const mn_model *m, const mn_column *col, const mn_punctures *p, int s,
                            mn_course *c, cJSON *session, const mn_session_sinks *out);
/* Heals the whole course from the sessions' injuries with the cited parameters. */
mn_status mn_course_heal(const mn_model *m, const mn_column *col, mn_course *c,
                         mn_healing_result **out);
/* Risks of the course (clinic stage) into summary.json. */
mn_status mn_course_add_risks(const mn_model *m, const mn_column *col, const mn_course *c,
                              cJSON *summary);
/* Writes the per-session tables of sessions 1..n into dir. */
mn_status mn_course_write_tables(const mn_course *c, int n, const char *dir);
/* The state of session s into a checkpoint, and back for the sessions before a resume. */
mn_status mn_course_save(mn_runckpt *k, const mn_course *c, int samples, int s);
mn_status mn_course_restore(const mn_runckpt *k, mn_course *c, int *samples);

#endif
