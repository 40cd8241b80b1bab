/* The pipeline of one run: scenario -> anatomy -> needling -> (RF heat, delivery) -> healing ->
 * clinic -> outputs. The per-session stages run for every session of the protocol (course.c);
 * healing integrates the whole course from the sessions' injuries; the clinic stage judges the
 * course; the report reads back the files. This file holds the mn_run handle and that order. */
#include "mnsim/mnsim.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cnum.h"
#include "clinic/screen.h"
#include "clinic/severity.h"
#include "core/error.h"
#include "core/table.h"
#include "core/progress.h"
#include "core/signals.h"
#include "healing/healing.h"
#include "io/csv_meta.h"
#include "io/outdir.h"
#include "io/provenance.h"
#include "io/report.h"
#include "io/summary.h"
#include "model/scenario.h"
#include "model/ydoc.h"
#include "needling/needling.h"
#include "run/checkpoint_run.h"
#include "run/course.h"
#include "run/preflight.h"

/* A live handle starts with this; a freed one with RUN_DEAD, so a call on a freed handle is
 * refused while its memory is still mapped (use after free caught where possible). */
#define RUN_MAGIC 0x6d6e5275u /* "mnRu" */
#define RUN_DEAD  0x64656164u /* "dead" */

struct mn_run {
    uint32_t magic;
    mn_model model;
    int have_model;
    int seed_set;
    uint64_t seed;
    int threads;
    int samples;
    int force;
    int override_screening;  /* simulate a do-not-treat patient anyway (recorded) */
    size_t max_memory_bytes; /* 0: half of physical memory */
    char *output_dir;
    char *summary_json;
    char *input; /* the scenario text, for summary.json's provenance (NULL: unknown) */
    mn_progress_fn progress;
    void *progress_user;
    mn_runckpt ck; /* checkpoint, resume and interruption (run/checkpoint_run.h) */
};

/* Every public entry point checks its handle first (issue 18, item 5). */
#define CHECK_RUN(r, fn)                                                                           \
    do {                                                                                           \
        if (!(r) || (r)->magic != RUN_MAGIC)                                                       \
            return mn_error_set(MN_EUSAGE, "%s: %s (expected a run from mn_run_create)", fn,       \
                                !(r) ? "run is NULL" : "not a live run (freed?)");                 \
    } while (0)
#define CHECK_ARG(p, fn, what)                                                                     \
    do {                                                                                           \
        if (!(p))                                                                                  \
            return mn_error_set(MN_EUSAGE, "%s: %s is NULL", fn, what);                            \
    } while (0)

mn_status mn_run_create(mn_run **out)
{
    CHECK_ARG(out, "mn_run_create", "out");
    *out = NULL;
    mn_run *r = calloc(1, sizeof *r);
    if (!r)
        return mn_error_set(MN_ENOMEM, "out of memory creating a run");
    r->output_dir = strdup("mnsim-out");
    if (!r->output_dir) {
        free(r);
        return mn_error_set(MN_ENOMEM, "out of memory creating a run");
    }
    r->magic = RUN_MAGIC;
    *out = r;
    return MN_OK;
}

void mn_run_free(mn_run *r)
{
    if (!r || r->magic != RUN_MAGIC)
        return;
    r->magic = RUN_DEAD;
    free(r->output_dir);
    free(r->summary_json);
    free(r->input);
    mn_runckpt_free(&r->ck);
    free(r);
}

/* Scenario setters load into a new model and keep it only when it is valid: a rejected scenario
 * leaves the previous one (or none) in place, never a half-loaded one. Every scenario is parsed
 * from text, which the run keeps for its checkpoints (run/checkpoint_run.h) and for
 * summary.json's provenance. */
static mn_status set_model(mn_run *r, const char *label, const char *text, size_t len)
{
    mn_model *m = malloc(sizeof *m);
    if (!m)
        return mn_error_set(MN_ENOMEM, "out of memory loading a scenario");
    mn_cnum loc;
    mn_cnum_enter(&loc);
    mn_status st = mn_scenario_load_text(label, text, len, m);
    mn_cnum_leave(&loc);
    char *input = st == MN_OK ? strndup(text, len) : NULL;
    if (st == MN_OK && !input)
        st = mn_error_set(MN_ENOMEM, "out of memory loading a scenario");
    if (st == MN_OK)
        st = mn_runckpt_set_scenario(&r->ck, label, text, len);
    if (st == MN_OK) {
        r->model = *m;
        r->have_model = 1;
        free(r->input);
        r->input = input;
        input = NULL;
    }
    free(input);
    free(m);
    return st;
}

mn_status mn_run_set_scenario_file(mn_run *r, const char *path)
{
    CHECK_RUN(r, "mn_run_set_scenario_file");
    CHECK_ARG(path, "mn_run_set_scenario_file", "path");
    char *text;
    size_t len;
    MN_TRY(mn_ydoc_read_file(path, &text, &len));
    mn_status st = set_model(r, path, text, len);
    free(text);
    return st;
}

mn_status mn_run_set_scenario_text(mn_run *r, const char *label, const char *yaml)
{
    CHECK_RUN(r, "mn_run_set_scenario_text");
    CHECK_ARG(yaml, "mn_run_set_scenario_text", "yaml");
    return set_model(r, label ? label : "<text>", yaml, strlen(yaml));
}

mn_status mn_run_set_default_scenario(mn_run *r)
{
    CHECK_RUN(r, "mn_run_set_default_scenario");
    const char *text;
    size_t len;
    MN_TRY(mn_embedded_get("default_scenario.yaml", &text, &len));
    return set_model(r, "(built-in default scenario)", text, len);
}

mn_status mn_run_set_seed(mn_run *r, uint64_t seed)
{
    CHECK_RUN(r, "mn_run_set_seed");
    r->seed_set = 1;
    r->seed = seed;
    return MN_OK;
}

mn_status mn_run_set_threads(mn_run *r, int threads)
{
    CHECK_RUN(r, "mn_run_set_threads");
    if (threads < 1 || threads > 1024)
        return mn_error_set(MN_EINPUT, "threads: %d is out of range (expected 1 to 1024)", threads);
    r->threads = threads;
    return MN_OK;
}

mn_status mn_run_set_samples(mn_run *r, int samples)
{
    CHECK_RUN(r, "mn_run_set_samples");
    if (samples < 0 || samples > MN_RUN_MAX_SAMPLES)
        return mn_error_set(MN_EINPUT, "samples: %d is out of range (expected 0 to %d)", samples,
                            MN_RUN_MAX_SAMPLES);
    r->samples = samples;
    return MN_OK;
}

mn_status mn_run_set_output_dir(mn_run *r, const char *dir)
{
    CHECK_RUN(r, "mn_run_set_output_dir");
    char *copy = NULL;
    if (dir && !(copy = strdup(dir)))
        return mn_error_set(MN_ENOMEM, "out of memory");
    free(r->output_dir);
    r->output_dir = copy;
    return MN_OK;
}

mn_status mn_run_set_max_memory(mn_run *r, size_t bytes)
{
    CHECK_RUN(r, "mn_run_set_max_memory");
    r->max_memory_bytes = bytes;
    return MN_OK;
}

mn_status mn_run_set_force(mn_run *r, int force)
{
    CHECK_RUN(r, "mn_run_set_force");
    r->force = force != 0;
    return MN_OK;
}

mn_status mn_run_set_override_screening(mn_run *r, int override)
{
    r->override_screening = override != 0;
    return MN_OK;
}

/* Every run screens its patient (DESIGN.md summary.json `screening`). A do-not-treat decision
 * stops the run before anything is written unless the user overrides it; the override is
 * recorded. A resumed run keeps the screening its checkpoint's summary holds. */
static mn_status screen_patient(const mn_run *r, mn_screening **s)
{
    MN_TRY(mn_clinic_screen(&r->model.patient, s));
    if ((*s)->decision < MN_DECISION_DO_NOT_TREAT || r->override_screening || r->ck.resuming)
        return MN_OK;
    char why[768] = "";
    size_t u = 0;
    for (size_t i = 0; i < (*s)->n_findings && u < sizeof why; i++)
        if ((*s)->findings[i].decision == MN_DECISION_DO_NOT_TREAT)
            u += (size_t)snprintf(why + u, sizeof why - u, "%s%s (%s)", u ? "; " : "",
                                  (*s)->findings[i].id, (*s)->findings[i].reason);
    mn_screening_free(*s);
    *s = NULL;
    return mn_error_set(MN_EINPUT,
                        "patient: screening decision do_not_treat: %s (mnsim screen shows the "
                        "findings; pass --override-screening to simulate anyway, for teaching "
                        "or research: the override is recorded in summary.json)",
                        why);
}

static mn_status add_screening(const mn_run *r, const mn_screening *s, cJSON *summary)
{
    if (r->ck.resuming && cJSON_GetObjectItemCaseSensitive(summary, "screening"))
        return MN_OK;
    return mn_clinic_screening_summary(
        s, r->override_screening && s->decision == MN_DECISION_DO_NOT_TREAT, summary);
}

mn_status mn_run_set_checkpoint_every(mn_run *r, double minutes)
{
    CHECK_RUN(r, "mn_run_set_checkpoint_every");
    return mn_runckpt_set_every(&r->ck, minutes);
}

mn_status mn_run_resume(mn_run *r, const char *dir)
{
    CHECK_RUN(r, "mn_run_resume");
    CHECK_ARG(dir, "mn_run_resume", "dir");
    /* Loaded aside and kept only when the whole checkpoint is valid. */
    mn_runckpt ck = {0};
    mn_model *m = malloc(sizeof *m);
    char *copy = strdup(dir);
    int threads = 0;
    mn_status st = m && copy ? MN_OK : mn_error_set(MN_ENOMEM, "out of memory resuming %s", dir);
    mn_cnum loc;
    mn_cnum_enter(&loc);
    if (st == MN_OK)
        st = mn_runckpt_load(&ck, dir, m, &threads);
    mn_cnum_leave(&loc);
    if (st != MN_OK) {
        mn_runckpt_free(&ck);
        free(m);
        free(copy);
        return st;
    }
    mn_runckpt_free(&r->ck);
    r->ck = ck;
    r->model = *m;
    r->threads = threads;
    free(m);
    free(r->output_dir);
    r->output_dir = copy;
    r->have_model = 1;
    r->seed_set = 0; /* the checkpoint's model holds the seed it ran with */
    return MN_OK;
}

mn_status mn_run_get_summary_json(const mn_run *r, const char **json)
{
    CHECK_RUN(r, "mn_run_get_summary_json");
    CHECK_ARG(json, "mn_run_get_summary_json", "json");
    if (!r->summary_json)
        return mn_error_set(MN_EUSAGE, "no summary: the run has not been executed");
    *json = r->summary_json;
    return MN_OK;
}

/* The healing block: one course with the cited parameters, or --samples virtual patients
 * whose outcomes become {median, p5, p95}. */
static mn_status add_healing(const mn_run *r, const mn_column *col, mn_course *c, int threads,
                             cJSON *summary, const char *timeline_path)
{
    const mn_model *m = &r->model;
    cJSON *sessions = cJSON_GetObjectItemCaseSensitive(summary, "sessions");
    mn_healing_result *h = NULL;
    mn_healing_clinical clin;
    MN_TRY(mn_course_heal(m, col, c, &h));
    mn_status st = mn_healing_summary_json(h, summary, sessions);
    if (st == MN_OK && timeline_path)
        st = mn_healing_write_timeline_csv(h, timeline_path);
    if (st == MN_OK && m->indication.present) { /* clinical score of the cited-parameter course */
        mn_healing_outcome o;
        mn_healing_result_outcome(h, &o);
        /* On the concern's clinical scale when data/severity.csv uses it (issue 19). */
        double sev = -1.0;
        st = mn_clinic_severity_for_score(m->indication.concern, m->indication.severity, &sev);
        if (st == MN_OK)
            st = mn_healing_clinical_score(m->indication.concern, sev, &o, &clin);
    }
    mn_healing_result_free(h);
    MN_TRY(st);
    if (r->samples > 0) {
        mn_healing_samples *hs = NULL;
        MN_TRY(mn_healing_samples_run(m->seed, r->samples, threads, &m->patient, col, c->days,
                                      c->injuries, c->n_sessions, c->end_day, &hs));
        st = mn_healing_samples_summary_json(hs, summary, sessions);
        mn_healing_samples_free(hs);
        MN_TRY(st);
        cJSON_AddNumberToObject(summary, "samples", r->samples);
    }
    if (m->indication.present)
        MN_TRY(mn_healing_clinical_json(&clin, summary));
    return MN_OK;
}

static mn_status execute(mn_run *r);

mn_status mn_run_estimate(const mn_run *r, mn_estimate *out)
{
    CHECK_RUN(r, "mn_run_estimate");
    CHECK_ARG(out, "mn_run_estimate", "out");
    if (!r->have_model)
        return mn_error_set(MN_EUSAGE, "mn_run_estimate: no scenario set");
    mn_model m = r->model;
    if (r->seed_set)
        m.seed = r->seed;
    mn_preflight pf;
    MN_TRY(mn_preflight_estimate(&m, r->samples, &pf));
    *out = (mn_estimate){pf.punctures_per_session, pf.punctures,  pf.punctures_held,
                         pf.memory_bytes,          pf.disk_bytes, pf.seconds};
    return MN_OK;
}

mn_status mn_run_execute(mn_run *r)
{
    CHECK_RUN(r, "mn_run_execute");
    /* Numbers in every file and message in the C locale, whatever the host set. */
    mn_cnum loc;
    mn_cnum_enter(&loc);
    /* The stages report to core/progress.h's process-wide handler: this run's, while it runs. */
    if (r->progress)
        mn_progress_set_handler(r->progress, r->progress_user);
    mn_status st = execute(r);
    if (r->progress)
        mn_progress_set_handler(NULL, NULL);
    mn_cnum_leave(&loc);
    return st;
}

mn_status mn_run_set_progress(mn_run *r, mn_progress_fn fn, void *user)
{
    CHECK_RUN(r, "mn_run_set_progress");
    r->progress = fn;
    r->progress_user = user;
    return MN_OK;
}

/* A stop while the report was drawn: the course is whole, so everything but the report is
 * published, marked "complete": false; the checkpoint written after the last session stays,
 * and `mnsim resume` redoes the course stages (deterministically) and writes the report. */
static mn_status report_stopped(mn_run *r, cJSON *summary, const char *summary_path)
{
    r->ck.interrupted = 1;
    r->ck.stop_signal = mn_signals_stop_requested();
    snprintf(r->ck.interrupt_message, sizeof r->ck.interrupt_message,
             "interrupted (signal %d) while writing the report: results in %s/ without "
             "report.html, marked \"complete\": false; `mnsim resume %s` writes it",
             r->ck.stop_signal, r->output_dir, r->output_dir);
    cJSON_ReplaceItemInObjectCaseSensitive(summary, "complete", cJSON_CreateFalse());
    char *text = cJSON_Print(summary);
    if (!text)
        return mn_error_set(MN_ENOMEM, "out of memory printing summary.json");
    free(r->summary_json);
    r->summary_json = text;
    return mn_io_write_text(summary_path, r->summary_json);
}

static mn_status execute(mn_run *r)
{
    mn_status st = MN_OK;
    cJSON *summary = NULL;
    mn_afile csv = {0};
    int csv_open = 0;
    mn_course c = {0};
    mn_outdir *od = NULL; /* the output folder this run owns (io/outdir.h) */
    if (!r->have_model)
        return mn_error_set(MN_EUSAGE, "no scenario set (expected mn_run_set_scenario_file or "
                                       "mn_run_set_default_scenario first)");
    if (r->seed_set)
        r->model.seed = r->seed;
    const mn_model *m = &r->model;
    int threads = r->threads > 0 ? r->threads : omp_get_max_threads();
    omp_set_num_threads(threads);

    mn_column col;
    mn_screening *screening = NULL;
    MN_TRY(mn_anatomy_column_for(m, &col));
    /* Before anything is allocated or written: refuse a run whose punctures cannot fit the
     * memory budget or the output folder's disk (run/preflight.h). */
    mn_preflight pf;
    MN_TRY(mn_preflight_estimate(m, r->samples, &pf));
    MN_TRY(mn_preflight_check(&pf, r->max_memory_bytes, r->output_dir));
    MN_TRY(screen_patient(r, &screening));
    st = mn_course_init(m, &c);
    if (st != MN_OK) {
        mn_screening_free(screening);
        return st;
    }
    MN_TRY_GOTO(mn_runckpt_begin(&r->ck, m, threads, r->output_dir, &summary), done);
    MN_TRY_GOTO(mn_summary_set_seed(summary, m->seed), done);
    MN_TRY_GOTO(add_screening(r, screening, summary), done);
    if (r->ck.resuming)
        MN_TRY_GOTO(mn_course_restore(&r->ck, &c, &r->samples), done);
    else /* a resumed run's summary holds the provenance of the run that started it */
        MN_TRY_GOTO(mn_provenance_add(summary, m, &col, r->input), done);
    if (!r->ck.resuming)
        MN_TRY_GOTO(mn_course_save(&r->ck, &c, r->samples, 0), done);
    char path[4200], timeline[4200];
    if (r->output_dir) {
        MN_TRY_GOTO(mn_outdir_open(r->output_dir, r->force, r->ck.resuming,
                                   r->ck.resuming ? r->ck.resume_csv_tmp : NULL, &od),
                    done);
        MN_TRY_GOTO(mn_io_join(path, sizeof path, r->output_dir, "punctures.csv"), done);
        MN_TRY_GOTO(mn_io_join(timeline, sizeof timeline, r->output_dir, "timeline.csv"), done);
        MN_TRY_GOTO(mn_runckpt_open_csv(&r->ck, path, &csv), done);
        csv_open = 1;
    }
    mn_session_sinks sinks = {summary, csv_open ? csv.f : NULL, r->output_dir, r->max_memory_bytes};
    int units = c.n_sessions + 2; /* progress (core/progress.h): sessions, healing, outputs */
    for (int s = r->ck.first_session; s <= c.n_sessions && st == MN_OK; s++) {
        char stage[64];
        snprintf(stage, sizeof stage, "session %d/%d: needling", s, c.n_sessions);
        mn_progress_report(stage, s - 1, units);
        st = mn_course_run_session(m, &col, s, &c, &sinks);
        if (st == MN_OK)
            st = mn_course_save(&r->ck, &c, r->samples, s);
        if (st == MN_OK)
            st = mn_runckpt_after_session(&r->ck, s, summary, csv_open ? &csv : NULL);
    }
    /* Interrupted: whole sessions only, no course-level stages on a partial course. */
    MN_TRY_GOTO(mn_runckpt_finish(&r->ck, st, summary, csv_open ? &csv : NULL), done);
    if (!r->ck.interrupted) {
        mn_progress_report(r->samples > 0 ? "healing, virtual patients" : "healing", c.n_sessions,
                           units);
        /* A stop during healing or the virtual patients ends the run like one at the last
         * session's end: the summary as it was then, and a checkpoint to resume from. */
        cJSON *before = cJSON_Duplicate(summary, 1);
        if (!before) {
            st = mn_error_set(MN_ENOMEM, "out of memory building summary.json");
            goto done;
        }
        st = add_healing(r, &col, &c, threads, summary, r->output_dir ? timeline : NULL);
        if (st == MN_OK)
            st = mn_course_add_risks(m, &col, &c, summary);
        if (st == MN_EINTERRUPTED) {
            cJSON_Delete(summary);
            summary = before;
            before = NULL;
            st = mn_runckpt_finish(&r->ck, st, summary, csv_open ? &csv : NULL);
        }
        cJSON_Delete(before);
        MN_TRY_GOTO(st, done);
    }
    MN_TRY_GOTO(mn_runckpt_mark_complete(&r->ck, summary), done);

    free(r->summary_json);
    r->summary_json = cJSON_Print(summary);
    if (!r->summary_json) {
        st = mn_error_set(MN_ENOMEM, "out of memory printing summary.json");
        goto done;
    }
    if (r->output_dir) {
        csv_open = 0;
        MN_TRY_GOTO(mn_afile_commit(&csv), done);
        MN_TRY_GOTO(mn_course_write_tables(&c, r->ck.done_sessions, r->output_dir), done);
        MN_TRY_GOTO(mn_io_join(path, sizeof path, r->output_dir, "summary.json"), done);
        MN_TRY_GOTO(mn_io_write_text(path, r->summary_json), done);
        MN_TRY_GOTO(mn_io_write_csv_metadata(r->output_dir), done);
        /* Last: report.html reads back the files the stages wrote (src/io/report.h). An
         * interrupted run has none: it exits at once, and its resume writes the report. */
        if (!r->ck.interrupted) {
            mn_progress_report("writing the report", c.n_sessions + 1, units);
            st = mn_report_write(r->output_dir, m, &col);
            if (st == MN_EINTERRUPTED)
                st = report_stopped(r, summary, path);
            MN_TRY_GOTO(st, done);
        }
        /* Every file succeeded: all of them into place at once, summary.json last. */
        MN_TRY_GOTO(mn_outdir_publish(od), done);
    }
    st = mn_runckpt_end(&r->ck);
done:
    if (csv_open)
        mn_afile_abort(&csv);
    mn_outdir_close(od);
    cJSON_Delete(summary);
    mn_course_free(&c);
    mn_screening_free(screening);
    return st;
}
