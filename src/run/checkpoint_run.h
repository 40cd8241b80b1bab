/* Checkpoint, resume and clean interruption of a run (issue 7, item 3). run.c embeds one
 * mn_runckpt and calls the functions below at a few points; everything else lives here.
 *
 * A checkpoint is written at a session boundary to DIR/checkpoint/state.mnck (atomically:
 * temporary file, fsync, rename). It holds the validated model (struct bytes; resumed only by
 * the same mnsim version), the thread count, the next session, the partial summary.json, the
 * length and FNV-1a hash of punctures.csv so far, and every blob stages put into
 * `stages` (their state across sessions: put after each session, get when resuming):
 *
 *   MN_TRY(mn_checkpoint_put(run_ckpt->stages, "healing/state", &state, sizeof state));
 *
 * On a stop request (SIGINT/SIGTERM, core/signals.h) the run ends at the boundary: outputs are
 * written with the sessions done and "complete": false, a checkpoint is left for
 * `mnsim resume DIR`, and the run returns MN_EINTERRUPTED. */
#ifndef MN_RUN_CHECKPOINT_RUN_H
#define MN_RUN_CHECKPOINT_RUN_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "core/checkpoint.h"
#include "io/atomic.h"
#include "model/model.h"

typedef struct mn_runckpt {
    int enabled;          /* checkpoint periodically */
    double every_min;     /* wall-clock minutes between checkpoints; 0: every session */
    double last_s;        /* monotonic time of the last checkpoint (or of the start) */
    int resuming;         /* loaded from a checkpoint */
    int first_session;    /* 1, or the first session still to run when resuming */
    int done_sessions;    /* sessions completed and in the outputs */
    int interrupted;      /* the last execute stopped early */
    int stop_signal;      /* what stopped it */
    char *resume_summary; /* summary.json (unformatted) from the checkpoint */
    uint64_t csv_bytes;   /* punctures.csv bytes at the last session boundary */
    uint64_t csv_hashed;  /* bytes folded into csv_hash so far */
    uint64_t csv_hash;
    char resume_csv_tmp[4160]; /* temporary CSV of the run that wrote the checkpoint */
    mn_checkpoint *stages;     /* stage blobs (stages own their keys: "<stage>/...") */
    /* The per-session field files of the sessions done (fields/thermal_s1.vti ...), copied to
     * DIR/checkpoint/<name> so that a kill, which loses the run's pending temporaries, does not
     * lose them: "name size hash" per file, and the checkpoint lists them (run/files). */
    char **files;
    size_t n_files;
    const char *unsupported; /* set by the run when this run cannot be checkpointed: why */
    /* The scenario as YAML text: a checkpoint holds it, and resume parses it again with the
     * scenario's own validation, so no byte of a crafted checkpoint reaches the model
     * unchecked. */
    char *scenario_label;
    char *scenario_text;
    /* Set by mn_runckpt_begin for the length of one execute. */
    const mn_model *model;
    const char *dir;
    int threads;
    char interrupt_message[1024];
} mn_runckpt;

/* Zero-initialised is a valid, disabled state; free releases what it holds. */
void mn_runckpt_free(mn_runckpt *k);
/* minutes < 0 disables; 0 checkpoints after every session. */
mn_status mn_runckpt_set_every(mn_runckpt *k, double minutes);
/* The scenario text the run's model was parsed from (copied). */
mn_status mn_runckpt_set_scenario(mn_runckpt *k, const char *label, const char *text, size_t len);
/* Reads DIR/checkpoint/state.mnck: fills the model (parsed and validated from the scenario
 * text it holds) and thread count, remembers the rest. Every value is checked against the
 * limits a scenario or the command line has: a crafted checkpoint is refused with MN_EINPUT. */
mn_status mn_runckpt_load(mn_runckpt *k, const char *dir, mn_model *model, int *threads);

/* Start of an execute: the summary to fill (new, or the checkpoint's partial one). dir may be
 * NULL (no outputs, no checkpoints). */
mn_status mn_runckpt_begin(mn_runckpt *k, const mn_model *m, int threads, const char *dir,
                           cJSON **summary);
/* Opens punctures.csv for writing: a new temporary file, or, when resuming, one holding the
 * checkpoint's bytes (verified against its hash) ready to be appended to. */
mn_status mn_runckpt_open_csv(mn_runckpt *k, const char *path, mn_afile *csv);
/* Resuming: the field files of the sessions done, from DIR/checkpoint/, as this run's own
 * (checked against the checkpoint's sizes and hashes: missing or changed ones are MN_EINPUT). */
mn_status mn_runckpt_restore_files(mn_runckpt *k);
/* After session s completed (summary and CSV hold it). Writes a checkpoint when one is due;
 * returns MN_EINTERRUPTED when a stop was requested. csv may be NULL. */
mn_status mn_runckpt_after_session(mn_runckpt *k, int s, const cJSON *summary, mn_afile *csv);
/* Inside a long course-level stage (the virtual patients): writes a checkpoint when one is
 * due, with summary as the sessions left it (the stage's progress is in `stages`). */
mn_status mn_runckpt_tick(mn_runckpt *k, const cJSON *summary, mn_afile *csv);
/* After the session loop returned st: on MN_EINTERRUPTED rolls summary and CSV back to the
 * last boundary, writes a checkpoint and returns MN_OK (k->interrupted set) so the partial
 * outputs get written. Any other failure is returned unchanged. */
mn_status mn_runckpt_finish(mn_runckpt *k, mn_status st, cJSON *summary, mn_afile *csv);
/* Adds "complete": true, or false for an interrupted run, as summary.json's last key. */
mn_status mn_runckpt_mark_complete(mn_runckpt *k, cJSON *summary);
/* After the outputs are written: removes the checkpoint of a finished run; returns
 * MN_EINTERRUPTED (with its message) for an interrupted one. */
mn_status mn_runckpt_end(mn_runckpt *k);

#endif
