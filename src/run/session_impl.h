/* The session's insides, shared by src/run/session.c (lifecycle, settings, stages),
 * session_get.c (typed getters), session_write.c (outputs) and run.c (mn_run, a wrapper over
 * a session). Internal to src/run. */
#ifndef MN_RUN_SESSION_IMPL_H
#define MN_RUN_SESSION_IMPL_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "anatomy/anatomy.h"
#include "healing/healing.h"
#include "io/atomic.h"
#include "io/outdir.h"
#include "mnsim/session.h"
#include "model/model.h"
#include "run/checkpoint_run.h"
#include "core/error.h"
#include "run/course.h"

/* Handles start with a magic number; a freed one is overwritten, so a call on it (while its
 * memory is still mapped) or on memory of another type is refused with MN_EUSAGE. */
#define SCENARIO_MAGIC 0x6d6e5363u /* "mnSc" */
#define SESSION_MAGIC  0x6d6e5373u /* "mnSs" */
#define DEAD_MAGIC     0x64656164u /* "dead" */

struct mn_scenario {
    uint32_t magic;
    mn_model model;
    char *label; /* names the scenario in messages (its path, or the text's label) */
    char *input; /* the scenario text: provenance in summary.json, and checkpoints */
};

enum { DONE_NEEDLE = 1, DONE_HEAT = 2, DONE_DELIVER = 4 };

struct mn_session {
    uint32_t magic;
    mn_model model;
    mn_column col;
    mn_course c;
    cJSON *summary;
    char *summary_text;
    char *input; /* the scenario text, for summary.json's provenance (NULL: unknown) */
    /* Settings (fixed once started). */
    int threads; /* requested; 0: the OpenMP default */
    size_t max_memory_bytes;
    int samples, force, override_screening, keep_all;
    char *dir; /* output folder the stages stream into; NULL: none (memory) */
    mn_progress_fn progress;
    void *progress_user;
    /* State of the run. */
    int started;      /* the first stage ran start(): summary, folder, checkpoint bookkeeping */
    int threads_used; /* what the stages run with (recorded in summary.json) */
    mn_runckpt ck;    /* checkpoint, resume and interruption (run/checkpoint_run.h) */
    mn_outdir *od;    /* dir owned from the first stage on, published by mn_session_write */
    mn_afile csv;     /* with dir: punctures.csv, streamed */
    int csv_open;
    int boundaries;       /* treatment sessions whose end was recorded (checkpoint bookkeeping) */
    int stopped;          /* a stop request ended the stages: whole sessions only remain */
    int written;          /* with dir: 1 the outputs are published, -1 a write failed */
    cJSON *before_course; /* summary at the end of the sessions, while the course stages run */
    unsigned char *done;  /* DONE_* per session */
    mn_punctures **punctures; /* per session, kept for the getters (a whole zone: its window) */
    char **csv_rows;          /* without dir: per session, its punctures.csv rows */
    double (*window)[2];      /* per session, the patch (or zone window) delivery works on */
    cJSON **session_json;     /* per session, inside summary */
    mn_healing_result *healing;
    int assessed;
};

/* The check every public entry point of a session starts with: a live session. */
#define CHECK_S(s, fn)                                                                             \
    do {                                                                                           \
        if (!(s) || (s)->magic != SESSION_MAGIC)                                                   \
            return mn_error_set(MN_EUSAGE, "%s: %s (expected a session from mn_session_create)",   \
                                fn, !(s) ? "session is NULL" : "not a live session (freed?)");     \
    } while (0)

/* Starts the stages (once): pre-flight check, screening, summary, output folder. */
mn_status mn_session_start(mn_session *s);
/* Adds "complete" as summary.json's last key: every stage of every session ran, unstopped. */
mn_status mn_session_finish_summary(mn_session *s);
/* MN_OK if s is a session and k one of its sessions (1-based); else MN_EUSAGE naming fn. */
mn_status mn_session_check(const mn_session *s, int k, const char *fn);
/* mn_session_check, and session k needled already; else MN_EUSAGE naming the stage. */
mn_status mn_session_check_needled(const mn_session *s, int k, const char *fn, const char *stage);
/* Sessions needled, in order. */
int mn_session_needled(const mn_session *s);

#endif
