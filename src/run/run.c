/* The pipeline of one run: scenario -> anatomy -> needling (-> delivery -> healing -> clinic
 * as those stages land) -> outputs. Each session repeats the per-session stages. */
#include "mnsim/mnsim.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/checkpoint_run.h"
#include "core/error.h"
#include "io/atomic.h"
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
    mn_runckpt ck; /* checkpoint, resume and interruption (core/checkpoint_run.h) */
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

/* Runs every session's needling and writes punctures.csv as it goes (atomically). */
static mn_status run_sessions(mn_run *r, const mn_column *col, cJSON *summary, mn_afile *csv)
{
    const mn_model *m = &r->model;
    int total = mn_model_total_sessions(m);
    for (int s = r->ck.first_session; s <= total; s++) {
        mn_punctures *p = NULL;
        mn_needling_summary ns;
        MN_TRY(mn_needling_generate(m, col, s, &p));
        mn_status st = mn_needling_summarize(m, col, p, &ns);
        if (st == MN_OK)
            st = mn_summary_add_session(summary, s, mn_model_session_day(m, s), &ns, NULL);
        if (st == MN_OK && csv)
            st = mn_punctures_write_csv(csv->f, p, s == 1);
        mn_punctures_free(p);
        MN_TRY(st);
        MN_TRY(mn_runckpt_after_session(&r->ck, s, summary, csv));
    }
    return MN_OK;
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
    MN_TRY(mn_runckpt_begin(&r->ck, &r->model, threads, r->output_dir, &summary));
    char path[4200];
    if (r->output_dir) {
        MN_TRY_GOTO(mn_io_prepare_output_dir(r->output_dir, r->force), done);
        MN_TRY_GOTO(mn_io_join(path, sizeof path, r->output_dir, "punctures.csv"), done);
        MN_TRY_GOTO(mn_runckpt_open_csv(&r->ck, path, &csv), done);
        csv_open = 1;
    }
    st = run_sessions(r, &col, summary, csv_open ? &csv : NULL);
    MN_TRY_GOTO(mn_runckpt_finish(&r->ck, st, summary, csv_open ? &csv : NULL), done);

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
    }
    st = mn_runckpt_end(&r->ck);
done:
    if (csv_open)
        mn_afile_abort(&csv);
    cJSON_Delete(summary);
    return st;
}
