/* The pipeline of one run: scenario -> anatomy -> needling (-> delivery -> healing -> clinic
 * as those stages land) -> outputs. Each session repeats the per-session stages. */
#include "mnsim/mnsim.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/risks.h"
#include "core/error.h"
#include "core/progress.h"
#include "io/atomic.h"
#include "io/report.h"
#include "io/summary.h"
#include "model/scenario.h"
#include "needling/needling.h"

struct mn_run {
    mn_model model;
    int have_model;
    int seed_set;
    uint64_t seed;
    int threads;
    int force;
    char *output_dir;
    char *summary_json;
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

mn_status mn_run_set_output_dir(mn_run *r, const char *dir)
{
    char *copy = NULL;
    if (dir && !(copy = strdup(dir)))
        return mn_error_set(MN_ENOMEM, "out of memory");
    free(r->output_dir);
    r->output_dir = copy;
    return MN_OK;
}

mn_status mn_run_set_force(mn_run *r, int force)
{
    r->force = force != 0;
    return MN_OK;
}

mn_status mn_run_get_summary_json(const mn_run *r, const char **json)
{
    if (!r->summary_json)
        return mn_error_set(MN_EUSAGE, "no summary: the run has not been executed");
    *json = r->summary_json;
    return MN_OK;
}

/* What the course-level stages (healing, risks) need from the per-session ones. */
typedef struct course_tally {
    double max_tissue_depth_um;
    double max_bleeding_fraction;
    double max_erythema_days; /* < 0 until the healing stage reports */
} course_tally;

/* Runs every session's needling and writes punctures.csv as it goes (atomically). */
static mn_status run_sessions(mn_run *r, const mn_column *col, cJSON *summary, mn_afile *csv,
                              course_tally *tally)
{
    const mn_model *m = &r->model;
    int total = mn_model_total_sessions(m);
    for (int s = 1; s <= total; s++) {
        mn_punctures *p = NULL;
        mn_needling_summary ns;
        char stage[64]; /* progress: one unit per session, one for the outputs (core/progress.h) */
        snprintf(stage, sizeof stage, "session %d/%d: needling", s, total);
        mn_progress_report(stage, s - 1, total + 1);
        MN_TRY(mn_needling_generate(m, col, s, &p));
        mn_status st = mn_needling_summarize(m, col, p, &ns);
        if (st == MN_OK)
            st = mn_summary_add_session(summary, s, mn_model_session_day(m, s), &ns, NULL);
        if (st == MN_OK && csv)
            st = mn_punctures_write_csv(csv->f, p, s == 1);
        for (size_t i = 0; i < p->n; i++)
            if (p->tissue_depth_um[i] > tally->max_tissue_depth_um)
                tally->max_tissue_depth_um = p->tissue_depth_um[i];
        if (ns.bleeding_fraction > tally->max_bleeding_fraction)
            tally->max_bleeding_fraction = ns.bleeding_fraction;
        mn_punctures_free(p);
        MN_TRY(st);
    }
    return MN_OK;
}

/* Risks of the course (clinic stage) into summary.json. */
static mn_status add_risks(const mn_model *m, const mn_column *col, const course_tally *t,
                           cJSON *summary)
{
    mn_risk_inputs in;
    mn_risks risks;
    mn_risk_inputs_init(&in);
    in.patient = &m->patient;
    in.zone = m->site.zone;
    in.column = col;
    in.device_type = m->device.type;
    in.set_depth_um = m->device.set_depth_um;
    for (int s = 1; s <= mn_model_total_sessions(m); s++) {
        double d = mn_model_session_device(m, s).set_depth_um;
        if (d > in.set_depth_um)
            in.set_depth_um = d;
    }
    in.tissue_depth_max_um = t->max_tissue_depth_um;
    in.bleeding_fraction = t->max_bleeding_fraction;
    in.erythema_days = t->max_erythema_days;
    in.product_name = m->product.present ? m->product.name : NULL;
    MN_TRY(mn_clinic_risks(&in, &risks));
    return mn_clinic_risks_json(&risks, summary);
}

mn_status mn_run_execute(mn_run *r)
{
    mn_status st = MN_OK;
    cJSON *summary = NULL;
    mn_afile csv = {0};
    int csv_open = 0;
    if (!r->have_model)
        return mn_error_set(MN_EUSAGE, "no scenario set (expected mn_run_set_scenario_file or "
                                       "mn_run_set_default_scenario first)");
    if (r->seed_set)
        r->model.seed = r->seed;
    int threads = r->threads > 0 ? r->threads : omp_get_max_threads();
    omp_set_num_threads(threads);

    mn_column col;
    MN_TRY(mn_anatomy_column_for(&r->model, &col));
    MN_TRY(mn_summary_create(&r->model, threads, &summary));
    char path[4200];
    if (r->output_dir) {
        MN_TRY_GOTO(mn_io_prepare_output_dir(r->output_dir, r->force), done);
        MN_TRY_GOTO(mn_io_join(path, sizeof path, r->output_dir, "punctures.csv"), done);
        MN_TRY_GOTO(mn_afile_open(path, &csv), done);
        csv_open = 1;
    }
    course_tally tally = {0.0, 0.0, -1.0};
    MN_TRY_GOTO(run_sessions(r, &col, summary, csv_open ? &csv : NULL, &tally), done);
    MN_TRY_GOTO(add_risks(&r->model, &col, &tally, summary), done);

    free(r->summary_json);
    r->summary_json = cJSON_Print(summary);
    if (!r->summary_json) {
        st = mn_error_set(MN_ENOMEM, "out of memory printing summary.json");
        goto done;
    }
    if (r->output_dir) {
        csv_open = 0;
        MN_TRY_GOTO(mn_afile_commit(&csv), done);
        MN_TRY_GOTO(mn_io_join(path, sizeof path, r->output_dir, "summary.json"), done);
        MN_TRY_GOTO(mn_io_write_text(path, r->summary_json), done);
        mn_progress_report("writing the report", mn_model_total_sessions(&r->model),
                           mn_model_total_sessions(&r->model) + 1);
        /* Last: report.html reads back the files the stages wrote (src/io/report.h). */
        MN_TRY_GOTO(mn_report_write(r->output_dir, &r->model, &col), done);
    }
done:
    if (csv_open)
        mn_afile_abort(&csv);
    cJSON_Delete(summary);
    return st;
}
