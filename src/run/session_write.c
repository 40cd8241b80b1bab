/* mn_session_write: the files of a session, all or nothing (issue 18). Two cases:
 * - the session streams into its output folder (mn_session_set_output_dir): what `mnsim run`
 *   does. punctures.csv is already there under its temporary name; the tables, timeline,
 *   summary.json and report join it in the folder's transaction (io/outdir.h), published at
 *   once, summary.json last; then the checkpoint of a finished run is removed. Written again
 *   into the same folder, it rewrites what it holds in memory and keeps what it streamed.
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

/* How write_files gets punctures.csv: its rows from memory, the streamed file committed, or
 * the file the first write published kept (a streamed session written again). */
enum { CSV_MEMORY, CSV_STREAMED, CSV_KEPT };

/* The files every write has. */
static mn_status write_files(mn_session *s, const char *dir, int csv)
{
    char path[4200];
    const char *json;
    int n = mn_session_needled(s);
    MN_TRY(mn_io_join(path, sizeof path, dir, "punctures.csv"));
    if (csv == CSV_KEPT) {
        /* published by the first write, inherited by this folder's transaction */
    } else if (csv == CSV_STREAMED) {
        s->csv_open = 0;
        MN_TRY(mn_afile_commit(&s->csv));
    } else {
        mn_afile f;
        MN_TRY(mn_afile_open(path, &f));
        for (int k = 0; k < n; k++)
            fputs(s->csv_rows[k], f.f);
        MN_TRY(mn_afile_commit(&f));
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

/* A streamed session written again into its folder: its punctures.csv and field files are
 * there already (the stages streamed them; they are not in memory), so the folder is opened
 * inheriting them and everything else is written again from memory, the same bytes; a file
 * removed since comes back. Only while the folder still holds this session's run: its
 * summary.json must be the one this session wrote (another run, or a user, may have written
 * there since; its files must not be mixed with this session's). */
static mn_status rewrite_session(mn_session *s, const char *dir)
{
    const char *json;
    char path[4200];
    mn_outdir *od = NULL;
    MN_TRY(mn_session_finish_summary(s));
    MN_TRY(mn_session_get_summary_json(s, &json));
    MN_TRY(mn_io_join(path, sizeof path, dir, "summary.json"));
    MN_TRY(mn_outdir_open(dir, s->force, 1, NULL, &od));
    /* under the folder's lock: nobody writes summary.json while it is compared */
    mn_status st = MN_OK;
    FILE *f = fopen(path, "rb");
    size_t len = strlen(json), got = 0;
    char *old = f ? malloc(len + 1) : NULL;
    if (old)
        got = fread(old, 1, len + 1, f);
    if (!f || (old && (got != len || memcmp(old, json, len) != 0)))
        st = mn_error_set(MN_EUSAGE,
                          "mn_session_write: %s no longer holds this session's run (its "
                          "summary.json is %s; expected the folder as this session wrote it, "
                          "or a new session for a folder another run wrote into)",
                          dir, f ? "another run's" : "missing");
    else if (!old)
        st = mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
    free(old);
    if (f)
        fclose(f);
    if (st == MN_OK)
        st = write_files(s, dir, CSV_KEPT);
    if (st == MN_OK)
        st = mn_report_write(dir, &s->model, &s->col);
    if (st == MN_OK)
        st = mn_outdir_publish(od);
    mn_outdir_close(od);
    return st;
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
    if (s->written < 0)
        return mn_error_set(MN_EUSAGE,
                            "mn_session_write: %s failed to be written; its streamed files are "
                            "gone (expected a new session)",
                            dir);
    if (s->written && s->stopped)
        return mn_error_set(MN_EUSAGE,
                            "mn_session_write: %s holds a stopped session (expected "
                            "mn_session_resume on it, which writes it whole)",
                            dir);
    if (s->written)
        return rewrite_session(s, dir);
    mn_outdir *od = NULL;
    if (streamed) {
        od = s->od;
        s->od = NULL; /* published or discarded below, whatever happens */
    }
    mn_status st = od ? MN_OK : mn_outdir_open(dir, s->force, 0, NULL, &od);
    if (st == MN_OK)
        st = write_files(s, dir, streamed ? CSV_STREAMED : CSV_MEMORY);
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
