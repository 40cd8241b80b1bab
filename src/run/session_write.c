/* mn_session_write: the files of a session, all or nothing (issue 18). Two cases:
 * - the session streams into its output folder (mn_session_set_output_dir): what `mnsim run`
 *   does. punctures.csv is already there under its temporary name; the tables, timeline,
 *   summary.json and report join it in the folder's transaction (io/outdir.h), published at
 *   once, summary.json last; then the checkpoint of a finished run is removed. Once.
 * - no output folder: everything is in memory and goes into any folder, as often as wanted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/cnum.h"
#include "core/error.h"
#include "core/signals.h"
#include "io/csv_meta.h"
#include "io/report.h"
#include "io/summary_healing.h"
#include "run/session_impl.h"

mn_status mn_session_finish_summary(mn_session *s)
{
    int complete = mn_session_needled(s) == s->c.n_sessions && s->assessed && !s->stopped;
    cJSON_DeleteItemFromObjectCaseSensitive(s->summary, "complete");
    if (!cJSON_AddBoolToObject(s->summary, "complete", complete))
        return mn_error_set(MN_ENOMEM, "out of memory building summary.json");
    return MN_OK;
}

/* The files every write has; csv: punctures.csv's rows come from memory (else the streamed
 * file is committed). */
static mn_status write_files(mn_session *s, const char *dir, int streamed)
{
    char path[4200];
    const char *json;
    int n = mn_session_needled(s);
    MN_TRY(mn_io_join(path, sizeof path, dir, "punctures.csv"));
    if (streamed) {
        s->csv_open = 0;
        MN_TRY(mn_afile_commit(&s->csv));
    } else {
        mn_afile csv;
        MN_TRY(mn_afile_open(path, &csv));
        for (int k = 0; k < n; k++)
            fputs(s->csv_rows[k], csv.f);
        MN_TRY(mn_afile_commit(&csv));
    }
    MN_TRY(mn_course_write_tables(&s->c, n, dir));
    if (s->healing) {
        MN_TRY(mn_io_join(path, sizeof path, dir, "timeline.csv"));
        MN_TRY(mn_io_write_timeline_csv(path, s->healing));
    }
    MN_TRY(mn_session_finish_summary(s));
    MN_TRY(mn_session_get_summary_json(s, &json));
    MN_TRY(mn_io_join(path, sizeof path, dir, "summary.json"));
    MN_TRY(mn_io_write_text(path, json));
    return mn_io_write_csv_metadata(dir);
}

/* A stop while the report was drawn: the course is whole, so everything but the report is
 * published, marked "complete": false; a checkpoint written after the last session stays, and
 * `mnsim resume` redoes the course stages (deterministically) and writes the report. */
static mn_status report_stopped(mn_session *s, const char *dir)
{
    char path[4200];
    const char *json;
    s->ck.interrupted = 1;
    s->ck.stop_signal = mn_signals_stop_requested();
    snprintf(s->ck.interrupt_message, sizeof s->ck.interrupt_message,
             "interrupted (signal %d) while writing the report: results in %s/ without "
             "report.html, marked \"complete\": false; `mnsim resume %s` writes it",
             s->ck.stop_signal, dir, dir);
    cJSON_ReplaceItemInObjectCaseSensitive(s->summary, "complete", cJSON_CreateFalse());
    MN_TRY(mn_session_get_summary_json(s, &json));
    MN_TRY(mn_io_join(path, sizeof path, dir, "summary.json"));
    return mn_io_write_text(path, json);
}

static mn_status write_session(mn_session *s, const char *dir)
{
    MN_TRY(mn_session_start(s)); /* a session written before any stage: its empty run */
    int streamed = s->dir != NULL;
    if (streamed && strcmp(s->dir, dir) != 0)
        return mn_error_set(MN_EUSAGE,
                            "mn_session_write: the stages stream into %s (expected that folder, "
                            "not %s)",
                            s->dir, dir);
    if (s->written)
        return mn_error_set(MN_EUSAGE,
                            "mn_session_write: %s %s (expected one write of a session that "
                            "streams into its folder)",
                            dir,
                            s->written > 0 ? "is written already"
                                           : "failed to be written; its streamed files are gone");
    mn_outdir *od = NULL;
    if (streamed) {
        od = s->od;
        s->od = NULL; /* published or discarded below, whatever happens */
    }
    mn_status st = od ? MN_OK : mn_outdir_open(dir, s->force, 0, NULL, &od);
    if (st == MN_OK)
        st = write_files(s, dir, streamed);
    /* Last: report.html reads back this run's files (src/io/report.h). A stopped session has
     * none: its resume draws it. */
    if (st == MN_OK && !s->stopped) {
        if (s->progress)
            s->progress(s->progress_user, "writing the report", s->c.n_sessions + 1,
                        s->c.n_sessions + 2);
        st = mn_report_write(dir, &s->model, &s->col);
        if (st == MN_EINTERRUPTED && streamed)
            st = report_stopped(s, dir);
    }
    if (st == MN_OK)
        st = mn_outdir_publish(od);
    mn_outdir_close(od);
    if (!streamed)
        return st == MN_OK && s->stopped
                   ? mn_error_set(MN_EINTERRUPTED, "%s", s->ck.interrupt_message)
                   : st;
    if (st != MN_OK) {
        s->written = -1; /* the streamed punctures.csv went with the failed transaction */
        return st;
    }
    s->written = 1;
    /* The checkpoint of a finished run goes; an interrupted one's stays (MN_EINTERRUPTED). */
    return mn_runckpt_end(&s->ck);
}

mn_status mn_session_write(mn_session *s, const char *dir)
{
    if (!s || s->magic != SESSION_MAGIC)
        return mn_error_set(MN_EUSAGE,
                            "mn_session_write: %s (expected a session from "
                            "mn_session_create)",
                            !s ? "session is NULL" : "not a live session (freed?)");
    if (!dir)
        return mn_error_set(MN_EUSAGE, "mn_session_write: dir is NULL");
    mn_cnum loc;
    mn_cnum_enter(&loc);
    mn_status st = write_session(s, dir);
    mn_cnum_leave(&loc);
    return st;
}
