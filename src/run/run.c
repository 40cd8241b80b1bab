/* The pipeline of one run: scenario -> anatomy -> needling -> (RF heat, delivery) -> healing ->
 * clinic -> outputs. The per-session stages run for every session of the protocol (course.c);
 * healing integrates the whole course from the sessions' injuries; the clinic stage judges the
 * course; the report reads back the files. This file holds the mn_run handle and that order. */
#include "mnsim/mnsim.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/checkpoint_run.h"
#include "core/error.h"
#include "core/progress.h"
#include "healing/healing.h"
#include "core/table.h"
#include "io/csv_meta.h"
#include "io/provenance.h"
#include "io/report.h"
#include "model/scenario.h"
#include "run/course.h"

struct mn_run {
    mn_model model;
    int have_model;
    int seed_set;
    uint64_t seed;
    int threads;
    int samples;
    int force;
    size_t max_memory_bytes; /* 0: half of physical memory */
    char *output_dir;
    char *summary_json;
    char *input; /* the scenario text, for summary.json's provenance (NULL: unknown) */
    mn_progress_fn progress;
    void *progress_user;
    mn_runckpt ck; /* checkpoint, resume and interruption (run/checkpoint_run.h) */
};

mn_status mn_run_create(mn_run **out)
{
    mn_run *r = calloc(1, sizeof *r);
    if (!r)
        return mn_error_set(MN_ENOMEM, "out of memory creating a run");
    r->output_dir = strdup("mnsim-out");
    if (!r->output_dir) {
        free(r);
        return mn_error_set(MN_ENOMEM, "out of memory creating a run");
    }
    *out = r;
    return MN_OK;
}

void mn_run_free(mn_run *r)
{
    if (!r)
        return;
    free(r->output_dir);
    free(r->summary_json);
    free(r->input);
    mn_runckpt_free(&r->ck);
    free(r);
}

/* Keeps the scenario's text for the provenance block (text NULL: read path). */
static mn_status keep_input(mn_run *r, const char *text, const char *path)
{
    free(r->input);
    r->input = NULL;
    if (path)
        return mn_provenance_read_input(path, &r->input);
    if (text && !(r->input = strdup(text)))
        return mn_error_set(MN_ENOMEM, "out of memory");
    return MN_OK;
}

mn_status mn_run_set_scenario_file(mn_run *r, const char *path)
{
    MN_TRY(mn_scenario_load_file(path, &r->model));
    r->have_model = 1;
    return keep_input(r, NULL, path);
}

mn_status mn_run_set_scenario_text(mn_run *r, const char *label, const char *yaml)
{
    MN_TRY(mn_scenario_load_text(label, yaml, strlen(yaml), &r->model));
    r->have_model = 1;
    return keep_input(r, yaml, NULL);
}

mn_status mn_run_set_default_scenario(mn_run *r)
{
    const char *text = NULL;
    size_t len = 0;
    MN_TRY(mn_scenario_load_default(&r->model));
    r->have_model = 1;
    free(r->input);
    r->input = NULL;
    MN_TRY(mn_embedded_get("default_scenario.yaml", &text, &len));
    if (!(r->input = strndup(text, len)))
        return mn_error_set(MN_ENOMEM, "out of memory");
    return MN_OK;
}

mn_status mn_run_set_seed(mn_run *r, uint64_t seed)
{
    r->seed_set = 1;
    r->seed = seed;
    return MN_OK;
}

mn_status mn_run_set_threads(mn_run *r, int threads)
{
    if (threads < 1 || threads > 1024)
        return mn_error_set(MN_EINPUT, "threads: %d is out of range (expected 1 to 1024)", threads);
    r->threads = threads;
    return MN_OK;
}

mn_status mn_run_set_samples(mn_run *r, int samples)
{
    if (samples < 0 || samples > MN_RUN_MAX_SAMPLES)
        return mn_error_set(MN_EINPUT, "samples: %d is out of range (expected 0 to %d)", samples,
                            MN_RUN_MAX_SAMPLES);
    r->samples = samples;
    return MN_OK;
}

mn_status mn_run_set_output_dir(mn_run *r, const char *dir)
{
    char *copy = NULL;
    if (dir && !(copy = strdup(dir)))
        return mn_error_set(MN_ENOMEM, "out of memory");
    free(r->output_dir);
    r->output_dir = copy;
    return MN_OK;
}

mn_status mn_run_set_max_memory(mn_run *r, size_t bytes)
{
    r->max_memory_bytes = bytes;
    return MN_OK;
}

mn_status mn_run_set_force(mn_run *r, int force)
{
    r->force = force != 0;
    return MN_OK;
}

mn_status mn_run_set_checkpoint_every(mn_run *r, double minutes)
{
    return mn_runckpt_set_every(&r->ck, minutes);
}

mn_status mn_run_resume(mn_run *r, const char *dir)
{
    MN_TRY(mn_run_set_output_dir(r, dir));
    MN_TRY(mn_runckpt_load(&r->ck, dir, &r->model, &r->threads));
    r->have_model = 1;
    r->seed_set = 0; /* the checkpoint's model holds the seed it ran with */
    return MN_OK;
}

mn_status mn_run_get_summary_json(const mn_run *r, const char **json)
{
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
    MN_TRY(mn_course_heal(m, col, c, &h));
    mn_status st = mn_healing_summary_json(h, summary, sessions);
    if (st == MN_OK && timeline_path)
        st = mn_healing_write_timeline_csv(h, timeline_path);
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
    return MN_OK;
}

static mn_status execute(mn_run *r)
{
    mn_status st = MN_OK;
    cJSON *summary = NULL;
    mn_afile csv = {0};
    int csv_open = 0;
    mn_course c = {0};
    if (!r->have_model)
        return mn_error_set(MN_EUSAGE, "no scenario set (expected mn_run_set_scenario_file or "
                                       "mn_run_set_default_scenario first)");
    if (r->seed_set)
        r->model.seed = r->seed;
    const mn_model *m = &r->model;
    int threads = r->threads > 0 ? r->threads : omp_get_max_threads();
    omp_set_num_threads(threads);

    mn_column col;
    MN_TRY(mn_anatomy_column_for(m, &col));
    MN_TRY(mn_course_init(m, &c));
    MN_TRY_GOTO(mn_runckpt_begin(&r->ck, m, threads, r->output_dir, &summary), done);
    if (r->ck.resuming)
        MN_TRY_GOTO(mn_course_restore(&r->ck, &c, &r->samples), done);
    else /* a resumed run's summary holds the provenance of the run that started it */
        MN_TRY_GOTO(mn_provenance_add(summary, m, &col, r->input), done);
    char path[4200], timeline[4200];
    if (r->output_dir) {
        MN_TRY_GOTO(mn_io_prepare_output_dir(r->output_dir, r->force), done);
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
        MN_TRY_GOTO(add_healing(r, &col, &c, threads, summary, r->output_dir ? timeline : NULL),
                    done);
        MN_TRY_GOTO(mn_course_add_risks(m, &col, &c, summary), done);
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
        /* Last: report.html reads back the files the stages wrote (src/io/report.h). */
        mn_progress_report("writing the report", c.n_sessions + 1, units);
        MN_TRY_GOTO(mn_report_write(r->output_dir, m, &col), done);
    }
    st = mn_runckpt_end(&r->ck);
done:
    if (csv_open)
        mn_afile_abort(&csv);
    cJSON_Delete(summary);
    mn_course_free(&c);
    return st;
}

mn_status mn_run_set_progress(mn_run *r, mn_progress_fn fn, void *user)
{
    r->progress = fn;
    r->progress_user = user;
    return MN_OK;
}

mn_status mn_run_execute(mn_run *r)
{
    /* The stages report to core/progress.h's process-wide handler: this run's, while it runs. */
    if (r->progress)
        mn_progress_set_handler(r->progress, r->progress_user);
    mn_status st = execute(r);
    if (r->progress)
        mn_progress_set_handler(NULL, NULL);
    return st;
}
