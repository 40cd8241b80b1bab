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

#include "clinic/plan.h"
#include "core/checkpoint_run.h"
#include "core/error.h"
#include "core/progress.h"
#include "healing/healing.h"
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
    mn_runckpt ck; /* checkpoint, resume and interruption (core/checkpoint_run.h) */
};

mn_status mn_run_predict(void *ctx, const mn_model *m, mn_plan_prediction *out)
{
    (void)ctx;
    mn_status st = MN_OK;
    mn_column col;
    mn_course c;
    mn_healing_result *h = NULL;
    /* Planning predicts the healing outcome only: no product delivery, no files. */
    const mn_session_sinks none = {NULL, NULL, NULL, 0};
    memset(out, 0, sizeof *out);
    MN_TRY(mn_anatomy_column_for(m, &col));
    MN_TRY_GOTO(mn_course_init(m, &c), done);
    for (int s = 1; s <= c.n_sessions; s++)
        MN_TRY_GOTO(mn_course_run_session(m, &col, s, &c, &none), done);
    MN_TRY_GOTO(mn_course_heal(m, &col, &c, &h), done);
    mn_healing_outcome o;
    mn_healing_result_outcome(h, &o);
    for (int d = 0; d < 4; d++) {
        out->collagen_change_percent[d] = o.collagen_change_percent[d];
        out->elastin_change_percent[d] = o.elastin_change_percent[d];
        out->epidermal_thickness_change_percent[d] = o.epidermal_thickness_change_percent[d];
    }
    out->downtime_days_total = o.downtime_days_total;
    out->erythema_days = c.max_erythema_days;
    out->bleeding_fraction = c.max_bleeding_fraction;
    out->tissue_depth_max_um = c.max_tissue_depth_um;
done:
    mn_healing_result_free(h);
    mn_course_free(&c);
    return st;
}

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
    mn_runckpt_free(&r->ck);
    free(r);
}

mn_status mn_run_set_scenario_file(mn_run *r, const char *path)
{
    MN_TRY(mn_scenario_load_file(path, &r->model));
    r->have_model = 1;
    return MN_OK;
}

mn_status mn_run_set_scenario_text(mn_run *r, const char *label, const char *yaml)
{
    MN_TRY(mn_scenario_load_text(label, yaml, strlen(yaml), &r->model));
    r->have_model = 1;
    return MN_OK;
}

mn_status mn_run_set_default_scenario(mn_run *r)
{
    MN_TRY(mn_scenario_load_default(&r->model));
    r->have_model = 1;
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
    mn_healing_clinical clin;
    MN_TRY(mn_course_heal(m, col, c, &h));
    mn_status st = mn_healing_summary_json(h, summary, sessions);
    if (st == MN_OK && timeline_path)
        st = mn_healing_write_timeline_csv(h, timeline_path);
    if (st == MN_OK && m->indication.present) { /* clinical score of the cited-parameter course */
        mn_healing_outcome o;
        mn_healing_result_outcome(h, &o);
        double sev = isnan(m->indication.severity) ? -1.0 : m->indication.severity;
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

mn_status mn_run_execute(mn_run *r)
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
