/* The stage-by-stage session API (include/mnsim/session.h) over the course of src/run/course.c.
 * A session is the one engine of a run: `mnsim run` and mn_run_execute are loops over these
 * calls. Besides the stages it owns what a run needs around them: the pre-flight check and the
 * screening refusal before anything is written, the output folder (io/outdir.h), punctures.csv
 * streamed into it, the virtual patients, and checkpoints at the end of each treatment session
 * (run/checkpoint_run.h), with the fall-back to whole sessions when a stop is requested.
 * The session's summary.json tree is built as the stages run and is where the typed getters
 * (session_get.c) read their numbers, so a session and a run report the same values. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clinic/screen.h"
#include "clinic/severity.h"
#include "core/checkpoint.h"
#include "core/cnum.h"
#include "core/error.h"
#include "core/signals.h"
#include "core/table.h"
#include "io/provenance.h"
#include "io/summary.h"
#include "io/summary_healing.h"
#include "model/scenario.h"
#include "model/ydoc.h"
#include "run/preflight.h"
#include "run/session_impl.h"

#define CHECK_SC(sc, fn)                                                                           \
    do {                                                                                           \
        if (!(sc) || (sc)->magic != SCENARIO_MAGIC)                                                \
            return mn_error_set(MN_EUSAGE, "%s: %s (expected a scenario from mn_scenario_read_*)", \
                                fn, !(sc) ? "scenario is NULL" : "not a live scenario (freed?)");  \
    } while (0)
#define CHECK_ARG(p, fn)                                                                           \
    do {                                                                                           \
        if (!(p))                                                                                  \
            return mn_error_set(MN_EUSAGE, "%s: " #p " is NULL", fn);                              \
    } while (0)
/* Settings that shape the run's results or files are fixed once a stage ran. */
#define CHECK_NOT_STARTED(s, fn)                                                                   \
    do {                                                                                           \
        if ((s)->started)                                                                          \
            return mn_error_set(MN_EUSAGE,                                                         \
                                "%s: a stage already ran (expected it before the "                 \
                                "first stage)",                                                    \
                                fn);                                                               \
    } while (0)

/* ---- Scenario ------------------------------------------------------------------------ */

/* Every scenario is parsed from text (numbers in the C locale whatever the host set), and the
 * text is kept: summary.json's provenance and checkpoints hold it. */
static mn_status scenario_from_text(const char *label, const char *text, size_t len,
                                    mn_scenario **out)
{
    mn_scenario *sc = calloc(1, sizeof *sc);
    if (!sc)
        return mn_error_set(MN_ENOMEM, "out of memory creating a scenario");
    sc->magic = SCENARIO_MAGIC;
    mn_cnum loc;
    mn_cnum_enter(&loc);
    mn_status st = mn_scenario_load_text(label, text, len, &sc->model);
    mn_cnum_leave(&loc);
    if (st == MN_OK && (!(sc->label = strdup(label)) || !(sc->input = strndup(text, len))))
        st = mn_error_set(MN_ENOMEM, "out of memory keeping a scenario");
    if (st != MN_OK) {
        mn_scenario_free(sc);
        return st;
    }
    *out = sc;
    return MN_OK;
}

mn_status mn_scenario_read_file(const char *path, mn_scenario **out)
{
    CHECK_ARG(out, "mn_scenario_read_file");
    *out = NULL;
    CHECK_ARG(path, "mn_scenario_read_file");
    char *text;
    size_t len;
    MN_TRY(mn_ydoc_read_file(path, &text, &len));
    mn_status st = scenario_from_text(path, text, len, out);
    free(text);
    return st;
}

mn_status mn_scenario_read_text(const char *label, const char *yaml, mn_scenario **out)
{
    CHECK_ARG(out, "mn_scenario_read_text");
    *out = NULL;
    if (!yaml)
        return mn_error_set(MN_EUSAGE, "mn_scenario_read_text: no text");
    return scenario_from_text(label ? label : "<text>", yaml, strlen(yaml), out);
}

mn_status mn_scenario_read_default(mn_scenario **out)
{
    CHECK_ARG(out, "mn_scenario_read_default");
    *out = NULL;
    const char *text = NULL;
    size_t len = 0;
    MN_TRY(mn_embedded_get("default_scenario.yaml", &text, &len));
    return scenario_from_text("(built-in default scenario)", text, len, out);
}

mn_status mn_scenario_set_seed(mn_scenario *sc, uint64_t seed)
{
    CHECK_SC(sc, "mn_scenario_set_seed");
    sc->model.seed = seed;
    return MN_OK;
}

mn_status mn_scenario_get_seed(const mn_scenario *sc, uint64_t *seed)
{
    CHECK_SC(sc, "mn_scenario_get_seed");
    CHECK_ARG(seed, "mn_scenario_get_seed");
    *seed = sc->model.seed;
    return MN_OK;
}

int mn_scenario_sessions(const mn_scenario *sc)
{
    return sc && sc->magic == SCENARIO_MAGIC ? mn_model_total_sessions(&sc->model) : 0;
}

void mn_scenario_free(mn_scenario *sc)
{
    if (!sc || sc->magic != SCENARIO_MAGIC)
        return;
    sc->magic = DEAD_MAGIC;
    free(sc->label);
    free(sc->input);
    free(sc);
}

/* ---- Session ------------------------------------------------------------------------- */

void mn_session_free(mn_session *s)
{
    if (!s || s->magic != SESSION_MAGIC)
        return;
    s->magic = DEAD_MAGIC;
    if (s->csv_open)
        mn_afile_abort(&s->csv);
    mn_outdir_close(s->od); /* files of stages never written out are removed */
    for (int k = 0; s->punctures && k < s->c.n_sessions; k++)
        mn_punctures_free(s->punctures[k]);
    free(s->punctures);
    for (int k = 0; s->csv_rows && k < s->c.n_sessions; k++)
        free(s->csv_rows[k]);
    free(s->csv_rows);
    free(s->window);
    free(s->session_json);
    free(s->done);
    mn_healing_result_free(s->healing);
    mn_course_free(&s->c);
    mn_runckpt_free(&s->ck);
    cJSON_Delete(s->summary);
    cJSON_Delete(s->before_course);
    free(s->summary_text);
    free(s->input);
    free(s->dir);
    free(s);
}

/* A session of model m (copied) with its per-session arrays. */
static mn_status session_new(const mn_model *m, mn_session **out)
{
    mn_status st = MN_OK;
    mn_session *s = calloc(1, sizeof *s);
    if (!s)
        return mn_error_set(MN_ENOMEM, "out of memory creating a session");
    s->magic = SESSION_MAGIC;
    s->model = *m;
    s->keep_all = 1;
    MN_TRY_GOTO(mn_anatomy_column_for(&s->model, &s->col), fail);
    MN_TRY_GOTO(mn_course_init(&s->model, &s->c), fail);
    int n = s->c.n_sessions;
    s->punctures = calloc((size_t)n, sizeof *s->punctures);
    s->session_json = calloc((size_t)n, sizeof *s->session_json);
    s->done = calloc((size_t)n, 1);
    s->csv_rows = calloc((size_t)n, sizeof *s->csv_rows);
    s->window = calloc((size_t)n, sizeof *s->window);
    if (!s->punctures || !s->session_json || !s->done || !s->csv_rows || !s->window) {
        st = mn_error_set(MN_ENOMEM, "out of memory creating a session");
        goto fail;
    }
    *out = s;
    return MN_OK;
fail:
    mn_session_free(s);
    return st;
}

mn_status mn_session_create(const mn_scenario *sc, mn_session **out)
{
    mn_status st = MN_OK;
    mn_session *s = NULL;
    CHECK_ARG(out, "mn_session_create");
    *out = NULL;
    CHECK_SC(sc, "mn_session_create");
    MN_TRY(session_new(&sc->model, &s));
    if (sc->input && !(s->input = strdup(sc->input))) {
        st = mn_error_set(MN_ENOMEM, "out of memory creating a session");
        goto fail;
    }
    if (sc->input)
        MN_TRY_GOTO(mn_runckpt_set_scenario(&s->ck, sc->label, sc->input, strlen(sc->input)), fail);
    /* What summary.json holds before the first stage (mn_session_start builds the run's). */
    MN_TRY_GOTO(mn_summary_create(&s->model, omp_get_max_threads(), &s->summary), fail);
    mn_screening *scr = NULL;
    MN_TRY_GOTO(mn_clinic_screen(&s->model.patient, &scr), fail);
    st = mn_clinic_screening_summary(scr, 0, s->summary);
    mn_screening_free(scr);
    MN_TRY_GOTO(st, fail);
    MN_TRY_GOTO(mn_provenance_add(s->summary, &s->model, &s->col, s->input), fail);
    *out = s;
    return MN_OK;
fail:
    mn_session_free(s);
    return st;
}

mn_status mn_session_resume(const char *dir, mn_session **out)
{
    CHECK_ARG(out, "mn_session_resume");
    *out = NULL;
    CHECK_ARG(dir, "mn_session_resume");
    /* Loaded aside: a session exists only for a checkpoint valid as a whole. */
    mn_runckpt ck = {0};
    mn_model *m = malloc(sizeof *m);
    int threads = 0;
    mn_session *s = NULL;
    mn_status st = m ? MN_OK : mn_error_set(MN_ENOMEM, "out of memory resuming %s", dir);
    mn_cnum loc;
    mn_cnum_enter(&loc);
    if (st == MN_OK)
        st = mn_runckpt_load(&ck, dir, m, &threads);
    mn_cnum_leave(&loc);
    if (st == MN_OK)
        st = session_new(m, &s);
    free(m);
    if (st == MN_OK && !(s->dir = strdup(dir)))
        st = mn_error_set(MN_ENOMEM, "out of memory resuming %s", dir);
    if (st != MN_OK) {
        mn_session_free(s);
        mn_runckpt_free(&ck);
        return st;
    }
    s->ck = ck;
    s->threads = threads;
    /* The sessions the checkpoint holds are done (their figures: its summary's). */
    for (int k = 1; k < s->ck.first_session; k++)
        s->done[k - 1] = DONE_NEEDLE | DONE_HEAT | DONE_DELIVER;
    s->boundaries = s->ck.first_session - 1;
    *out = s;
    return MN_OK;
}

mn_status mn_session_set_threads(mn_session *s, int threads)
{
    CHECK_S(s, "mn_session_set_threads");
    if (threads < 1 || threads > 1024)
        return mn_error_set(MN_EINPUT, "threads: %d is out of range (expected 1 to 1024)", threads);
    s->threads = threads;
    if (!s->started && !s->ck.resuming)
        cJSON_ReplaceItemInObjectCaseSensitive(s->summary, "threads", cJSON_CreateNumber(threads));
    return MN_OK;
}

mn_status mn_session_set_progress(mn_session *s, mn_progress_fn fn, void *user)
{
    CHECK_S(s, "mn_session_set_progress");
    s->progress = fn;
    s->progress_user = user;
    return MN_OK;
}

mn_status mn_session_set_max_memory(mn_session *s, size_t bytes)
{
    CHECK_S(s, "mn_session_set_max_memory");
    s->max_memory_bytes = bytes;
    return MN_OK;
}

mn_status mn_session_set_samples(mn_session *s, int samples)
{
    CHECK_S(s, "mn_session_set_samples");
    CHECK_NOT_STARTED(s, "mn_session_set_samples");
    if (s->ck.resuming)
        return mn_error_set(MN_EUSAGE, "mn_session_set_samples: a resumed session draws the "
                                       "virtual patients of its checkpoint");
    if (samples < 0 || samples > MN_MAX_SAMPLES)
        return mn_error_set(MN_EINPUT, "samples: %d is out of range (expected 0 to %d)", samples,
                            MN_MAX_SAMPLES);
    s->samples = samples;
    return MN_OK;
}

mn_status mn_session_set_override_screening(mn_session *s, int override)
{
    CHECK_S(s, "mn_session_set_override_screening");
    CHECK_NOT_STARTED(s, "mn_session_set_override_screening");
    s->override_screening = override != 0;
    return MN_OK;
}

mn_status mn_session_set_force(mn_session *s, int force)
{
    CHECK_S(s, "mn_session_set_force");
    CHECK_NOT_STARTED(s, "mn_session_set_force");
    s->force = force != 0;
    return MN_OK;
}

mn_status mn_session_set_checkpoint_every(mn_session *s, double minutes)
{
    CHECK_S(s, "mn_session_set_checkpoint_every");
    CHECK_NOT_STARTED(s, "mn_session_set_checkpoint_every");
    return mn_runckpt_set_every(&s->ck, minutes);
}

mn_status mn_session_set_keep_punctures(mn_session *s, int all)
{
    CHECK_S(s, "mn_session_set_keep_punctures");
    s->keep_all = all != 0;
    return MN_OK;
}

mn_status mn_session_set_output_dir(mn_session *s, const char *dir)
{
    CHECK_S(s, "mn_session_set_output_dir");
    if (s->started || s->ck.resuming) {
        if (s->dir && dir && strcmp(s->dir, dir) == 0)
            return MN_OK;
        return mn_error_set(MN_EUSAGE,
                            "mn_session_set_output_dir: %s%s (expected the folder before the "
                            "first stage)",
                            s->dir ? "the stages write into " : "a stage already ran",
                            s->dir ? s->dir : "");
    }
    char *copy = NULL;
    if (dir && !(copy = strdup(dir)))
        return mn_error_set(MN_ENOMEM, "out of memory");
    free(s->dir);
    s->dir = copy;
    return MN_OK;
}

int mn_session_count(const mn_session *s)
{
    return s && s->magic == SESSION_MAGIC ? s->c.n_sessions : 0;
}

mn_status mn_session_estimate(const mn_session *s, mn_estimate *out)
{
    CHECK_S(s, "mn_session_estimate");
    CHECK_ARG(out, "mn_session_estimate");
    mn_preflight pf;
    MN_TRY(mn_preflight_estimate(&s->model, s->samples, &pf));
    *out = (mn_estimate){pf.punctures_per_session, pf.punctures,  pf.punctures_held,
                         pf.memory_bytes,          pf.disk_bytes, pf.seconds};
    return MN_OK;
}

int mn_session_needled(const mn_session *s)
{
    int n = 0;
    while (n < s->c.n_sessions && (s->done[n] & DONE_NEEDLE))
        n++;
    return n;
}

/* ---- Start, session boundaries, stop ------------------------------------------------------ */

/* Every session screens its patient (DESIGN.md summary.json `screening`). A do-not-treat
 * decision stops it before anything is written unless the user overrides it; the override is
 * recorded. A resumed session keeps the screening its checkpoint's summary holds. */
static mn_status screen_patient(const mn_session *s, mn_screening **scr)
{
    MN_TRY(mn_clinic_screen(&s->model.patient, scr));
    if ((*scr)->decision < MN_DECISION_DO_NOT_TREAT || s->override_screening || s->ck.resuming)
        return MN_OK;
    char why[768] = "";
    size_t u = 0;
    for (size_t i = 0; i < (*scr)->n_findings && u < sizeof why; i++)
        if ((*scr)->findings[i].decision == MN_DECISION_DO_NOT_TREAT)
            u += (size_t)snprintf(why + u, sizeof why - u, "%s%s (%s)", u ? "; " : "",
                                  (*scr)->findings[i].id, (*scr)->findings[i].reason);
    mn_screening_free(*scr);
    *scr = NULL;
    return mn_error_set(MN_EINPUT,
                        "patient: screening decision do_not_treat: %s (mnsim screen shows the "
                        "findings; pass --override-screening to simulate anyway, for teaching "
                        "or research: the override is recorded in summary.json)",
                        why);
}

/* The summary of a new or resumed run, with its screening and provenance. */
static mn_status start_summary(mn_session *s, const mn_screening *scr, cJSON **summary)
{
    const mn_model *m = &s->model;
    MN_TRY(mn_runckpt_begin(&s->ck, m, s->threads_used, s->dir, summary));
    MN_TRY(mn_summary_set_seed(*summary, m->seed));
    if (!s->ck.resuming || !cJSON_GetObjectItemCaseSensitive(*summary, "screening"))
        MN_TRY(mn_clinic_screening_summary(
            scr, s->override_screening && scr->decision == MN_DECISION_DO_NOT_TREAT, *summary));
    if (s->ck.resuming) {
        MN_TRY(mn_course_restore(&s->ck, &s->c, &s->samples));
        /* The sessions the checkpoint holds are done; their figures are its summary's. */
        cJSON *sessions = cJSON_GetObjectItemCaseSensitive(*summary, "sessions");
        for (int k = 1; k < s->ck.first_session; k++)
            s->session_json[k - 1] = cJSON_GetArrayItem(sessions, k - 1);
        return MN_OK;
    }
    /* A resumed run's summary holds the provenance of the run that started it. */
    MN_TRY(mn_provenance_add(*summary, m, &s->col, s->input));
    return mn_course_save(&s->ck, &s->c, s->samples, 0);
}

mn_status mn_session_start(mn_session *s)
{
    if (s->started)
        return MN_OK;
    const mn_model *m = &s->model;
    s->threads_used = s->threads > 0 ? s->threads : omp_get_max_threads();
    omp_set_num_threads(s->threads_used);
    /* Before anything is allocated or written: refuse a run whose punctures cannot fit the
     * memory budget or the output folder's disk (run/preflight.h), or whose patient must not
     * be treated. */
    mn_preflight pf;
    mn_screening *scr = NULL;
    cJSON *summary = NULL;
    MN_TRY(mn_preflight_estimate(m, s->samples, &pf));
    MN_TRY(mn_preflight_check(&pf, s->max_memory_bytes, s->dir));
    MN_TRY(screen_patient(s, &scr));
    mn_status st = start_summary(s, scr, &summary);
    mn_screening_free(scr);
    if (st == MN_OK && s->dir) {
        char path[4200];
        st = mn_outdir_open(s->dir, s->force, s->ck.resuming,
                            s->ck.resuming ? s->ck.resume_csv_tmp : NULL, &s->od);
        if (st == MN_OK)
            st = mn_io_join(path, sizeof path, s->dir, "punctures.csv");
        if (st == MN_OK)
            st = mn_runckpt_open_csv(&s->ck, path, &s->csv);
        s->csv_open = st == MN_OK;
        if (st == MN_OK && (st = mn_runckpt_restore_files(&s->ck)) != MN_OK) {
            mn_afile_abort(&s->csv);
            s->csv_open = 0;
        }
    }
    if (st != MN_OK) {
        cJSON_Delete(summary);
        mn_outdir_close(s->od);
        s->od = NULL;
        return st;
    }
    cJSON_Delete(s->summary);
    s->summary = summary;
    s->started = 1;
    return MN_OK;
}

/* The summary as the treatment sessions left it, back after a failed or stopped course stage
 * (healing adds to the session objects, so the copy taken before it is restored). */
static void restore_course_summary(mn_session *s)
{
    if (!s->before_course)
        return;
    cJSON_Delete(s->summary);
    s->summary = s->before_course;
    s->before_course = NULL;
    mn_healing_result_free(s->healing);
    s->healing = NULL;
    s->assessed = 0;
    cJSON *sessions = cJSON_GetObjectItemCaseSensitive(s->summary, "sessions");
    for (int k = 0; k < s->c.n_sessions; k++)
        s->session_json[k] = cJSON_GetArrayItem(sessions, k);
}

/* A stop request ended a stage: back to the last whole treatment session (the summary and
 * punctures.csv cut there, a checkpoint in the output folder); later stages are refused. */
static mn_status stop(mn_session *s)
{
    restore_course_summary(s); /* in the course stages: the summary the sessions left */
    mn_status st =
        mn_runckpt_finish(&s->ck, MN_EINTERRUPTED, s->summary, s->csv_open ? &s->csv : NULL);
    for (int k = s->ck.done_sessions; k < s->c.n_sessions; k++) {
        s->done[k] = 0;
        s->session_json[k] = NULL; /* cut from the summary */
        mn_punctures_free(s->punctures[k]);
        s->punctures[k] = NULL;
        free(s->csv_rows[k]);
        s->csv_rows[k] = NULL;
    }
    s->boundaries = s->ck.done_sessions;
    s->stopped = 1;
    MN_TRY(st);
    return mn_error_set(MN_EINTERRUPTED, "%s", s->ck.interrupt_message);
}

/* A stage's status: a stop request becomes the session's stop. */
static mn_status stage_end(mn_session *s, mn_status st)
{
    return st == MN_EINTERRUPTED && !s->stopped ? stop(s) : st;
}

static int session_whole(const mn_session *s, int k)
{
    unsigned char d = s->done[k - 1];
    return (d & DONE_NEEDLE) && ((d & DONE_HEAT) || s->model.device.type != MN_DEVICE_RF) &&
           ((d & DONE_DELIVER) || !s->model.product.present);
}

/* Records the end of every treatment session that became whole, in order: its state into the
 * checkpoint, which is written when one is due; a stop request becomes the session's stop
 * there (whole sessions are kept). */
static mn_status advance(mn_session *s)
{
    while (s->boundaries < s->c.n_sessions && session_whole(s, s->boundaries + 1)) {
        int k = s->boundaries + 1;
        mn_status st = mn_course_save(&s->ck, &s->c, s->samples, k);
        s->boundaries = k;
        if (st == MN_OK)
            st = mn_runckpt_after_session(&s->ck, k, s->summary, s->csv_open ? &s->csv : NULL);
        MN_TRY(stage_end(s, st));
    }
    return MN_OK;
}

/* Before a stage: started, not stopped; threads; progress. */
static mn_status begin_stage(mn_session *s, const char *stage, int k)
{
    MN_TRY(mn_session_start(s));
    if (s->stopped)
        return mn_error_set(MN_EINTERRUPTED,
                            "%s: the session was stopped (expected mn_session_write, then "
                            "mn_session_resume to continue)",
                            stage);
    omp_set_num_threads(s->threads > 0 ? s->threads : s->threads_used);
    if (s->progress) {
        /* Units: the treatment sessions, the course stages, the outputs. */
        char name[64];
        int n = s->c.n_sessions;
        if (k > 0)
            snprintf(name, sizeof name, "session %d/%d: %s", k, n, stage);
        else
            snprintf(name, sizeof name, "%s", stage);
        s->progress(s->progress_user, name, k > 0 ? k - 1 : n, n + 2);
    }
    return MN_OK;
}

static mn_session_sinks sinks_of(const mn_session *s)
{
    return (mn_session_sinks){s->summary, NULL, s->dir, s->max_memory_bytes};
}

/* ---- The stages ----------------------------------------------------------------------- */

mn_status mn_session_check(const mn_session *s, int k, const char *fn)
{
    CHECK_S(s, fn);
    if (k < 1 || k > s->c.n_sessions)
        return mn_error_set(MN_EUSAGE, "session %d does not exist (expected 1 to %d)", k,
                            s->c.n_sessions);
    return MN_OK;
}

mn_status mn_session_check_needled(const mn_session *s, int k, const char *fn, const char *stage)
{
    MN_TRY(mn_session_check(s, k, fn));
    if (!(s->done[k - 1] & DONE_NEEDLE))
        return mn_error_set(MN_EUSAGE,
                            "%s of session %d: session %d is not needled yet (expected "
                            "mn_session_needle first)",
                            stage, k, k);
    return MN_OK;
}

static mn_status needle(mn_session *s, int k)
{
    MN_TRY(mn_session_check(s, k, "session stage"));
    if (s->done[k - 1] & DONE_NEEDLE)
        return MN_OK;
    /* Sessions are appended to summary.json in order, and healing's injuries follow them. */
    if (k > 1 && !(s->done[k - 2] & DONE_NEEDLE))
        return mn_error_set(MN_EUSAGE,
                            "needling session %d: session %d is not needled yet "
                            "(expected the sessions in order)",
                            k, k - 1);
    MN_TRY(begin_stage(s, "needling", k));
    mn_session_sinks sinks = sinks_of(s);
    /* The session's punctures.csv rows: into the output folder's file as a run streams them (a
     * whole zone chunk by chunk), or kept in memory for mn_session_write. */
    char *text = NULL;
    size_t len = 0;
    mn_model wm;
    if (s->csv_open)
        sinks.punctures_csv = s->csv.f;
    else if (!(sinks.punctures_csv = open_memstream(&text, &len)))
        return mn_error_set(MN_ENOMEM, "out of memory for the punctures of session %d", k);
    mn_status st = mn_course_needle(&s->model, &s->col, k, &s->c, &sinks, &s->session_json[k - 1],
                                    &s->punctures[k - 1], &wm);
    if (!s->csv_open && fclose(sinks.punctures_csv) != 0 && st == MN_OK)
        st = mn_error_set(MN_ENOMEM, "out of memory for the punctures of session %d", k);
    if (st != MN_OK) {
        free(text);
        return stage_end(s, st);
    }
    s->csv_rows[k - 1] = text;
    s->window[k - 1][0] = wm.patch_width_um;
    s->window[k - 1][1] = wm.patch_length_um;
    s->done[k - 1] |= DONE_NEEDLE;
    /* Memory of one session in a long run: the earlier sessions' punctures go. */
    for (int j = 0; !s->keep_all && j < k - 1; j++) {
        mn_punctures_free(s->punctures[j]);
        s->punctures[j] = NULL;
    }
    return advance(s);
}

static mn_status heat(mn_session *s, int k)
{
    MN_TRY(mn_session_check_needled(s, k, "session stage", "heating"));
    if (s->done[k - 1] & DONE_HEAT)
        return MN_OK;
    if (s->model.device.type == MN_DEVICE_RF) {
        MN_TRY(begin_stage(s, "RF heating", k));
        mn_session_sinks sinks = sinks_of(s);
        MN_TRY(stage_end(
            s, mn_course_heat(&s->model, &s->col, k, &s->c, s->session_json[k - 1], &sinks)));
    }
    s->done[k - 1] |= DONE_HEAT;
    return advance(s);
}

static mn_status deliver(mn_session *s, int k)
{
    MN_TRY(mn_session_check_needled(s, k, "session stage", "delivery"));
    if (s->done[k - 1] & DONE_DELIVER)
        return MN_OK;
    /* Heat first, as in a run: its thermal block precedes delivery in summary.json. */
    MN_TRY(heat(s, k));
    if (s->model.product.present) {
        if (!s->punctures[k - 1])
            return mn_error_set(MN_EUSAGE, "delivery of session %d: its punctures are not kept", k);
        mn_model wm = s->model; /* the patch, or the window of a whole zone */
        wm.patch_width_um = s->window[k - 1][0];
        wm.patch_length_um = s->window[k - 1][1];
        MN_TRY(begin_stage(s, "delivery", k));
        mn_session_sinks sinks = sinks_of(s);
        MN_TRY(stage_end(s, mn_course_deliver(&wm, &s->col, s->punctures[k - 1], k, &s->c,
                                              s->session_json[k - 1], &sinks)));
    }
    s->done[k - 1] |= DONE_DELIVER;
    return advance(s);
}

/* The virtual patients are drawn in batches (issue 18, item 4); after each, its rows go into
 * the checkpoint's stage blobs ("healing/samples/<first patient>", and "healing/samples/done"),
 * and a checkpoint is written when one is due, so a run killed or stopped among them resumes
 * with the next batch. Every patient's result depends only on its index: any batch size, and a
 * resumed run, give the same bytes. At most 256 batches, so a checkpoint stays small in
 * entries. */
static mn_status samples_restore(mn_session *s, mn_healing_samples *hs, int *done)
{
    uint64_t n = 0;
    *done = 0;
    if (!s->ck.resuming || !mn_checkpoint_has(s->ck.stages, "healing/samples/done"))
        return MN_OK;
    MN_TRY(mn_checkpoint_get_u64(s->ck.stages, "healing/samples/done", &n));
    if (n > (uint64_t)s->samples)
        return mn_error_set(MN_EINPUT, "checkpoint: healing/samples/done %llu (expected 0 to %d)",
                            (unsigned long long)n, s->samples);
    size_t row = mn_healing_samples_row_doubles(hs) * sizeof(double);
    int pos = 0;
    while (pos < (int)n) {
        char key[64];
        const void *d;
        size_t len;
        snprintf(key, sizeof key, "healing/samples/%d", pos);
        MN_TRY(mn_checkpoint_get(s->ck.stages, key, &d, &len));
        if (len == 0 || len % row != 0 || len / row > (size_t)n - (size_t)pos)
            return mn_error_set(MN_EINPUT,
                                "checkpoint: %s holds %zu bytes (expected whole rows of %zu bytes "
                                "for at most %d patients)",
                                key, len, row, (int)n - pos);
        int count = (int)(len / row);
        double *rows = malloc(len);
        if (!rows)
            return mn_error_set(MN_ENOMEM, "out of memory restoring a checkpoint");
        memcpy(rows, d, len); /* aligned for doubles */
        mn_status st = mn_healing_samples_set_rows(hs, pos, count, rows);
        free(rows);
        if (st != MN_OK) {
            mn_error_prefix(st, "checkpoint: %s: ", key);
            return st;
        }
        pos += count;
    }
    *done = pos;
    return MN_OK;
}

static mn_status samples_save(mn_session *s, const mn_healing_samples *hs, int first, int count)
{
    size_t len = (size_t)count * mn_healing_samples_row_doubles(hs) * sizeof(double);
    char key[64];
    double *rows = malloc(len);
    if (!rows)
        return mn_error_set(MN_ENOMEM, "out of memory checkpointing virtual patients");
    mn_healing_samples_get_rows(hs, first, count, rows);
    snprintf(key, sizeof key, "healing/samples/%d", first);
    mn_status st = mn_checkpoint_put(s->ck.stages, key, rows, len);
    free(rows);
    MN_TRY(st);
    MN_TRY(mn_checkpoint_put_u64(s->ck.stages, "healing/samples/done", (uint64_t)(first + count)));
    /* The checkpoint's summary is the one the sessions left (before_course). */
    return mn_runckpt_tick(&s->ck, s->before_course, s->csv_open ? &s->csv : NULL);
}

static mn_status virtual_patients(mn_session *s, mn_healing_samples *hs)
{
    const mn_model *m = &s->model;
    const mn_course *c = &s->c;
    int done = 0;
    MN_TRY(samples_restore(s, hs, &done));
    int batch = 8 * s->threads_used, min_batch = (s->samples + 255) / 256;
    batch = batch < 32 ? 32 : batch;
    batch = batch < min_batch ? min_batch : batch;
    while (done < s->samples) {
        int count = s->samples - done < batch ? s->samples - done : batch;
        MN_TRY(mn_healing_samples_run_range(hs, done, count, m->seed, s->threads_used, &m->patient,
                                            &s->col, c->days, c->injuries, c->n_sessions,
                                            c->end_day));
        MN_TRY(samples_save(s, hs, done, count));
        done += count;
    }
    return MN_OK;
}

/* The healing block: one course with the cited parameters, or the virtual patients whose
 * outcomes become {median, p5, p95}, and the clinical score of an indication. */
static mn_status heal_course(mn_session *s)
{
    const mn_model *m = &s->model;
    mn_course *c = &s->c;
    cJSON *sessions = cJSON_GetObjectItemCaseSensitive(s->summary, "sessions");
    mn_healing_clinical clin;
    MN_TRY(mn_course_heal(m, &s->col, c, &s->healing));
    MN_TRY(mn_summary_add_outcome(s->summary, sessions, s->healing));
    if (m->indication.present) { /* clinical score of the cited-parameter course */
        mn_healing_outcome o;
        mn_healing_result_outcome(s->healing, &o);
        /* On the concern's clinical scale when data/severity.csv uses it (issue 19). */
        double sev = -1.0;
        MN_TRY(mn_clinic_severity_for_score(m->indication.concern, m->indication.severity, &sev));
        MN_TRY(mn_healing_clinical_score(m->indication.concern, sev, &o, &clin));
    }
    if (s->samples > 0) {
        mn_healing_samples *hs = NULL;
        MN_TRY(mn_healing_samples_create(s->samples, c->n_sessions, &m->patient, &hs));
        mn_status st = virtual_patients(s, hs);
        if (st == MN_OK)
            st = mn_summary_add_outcome_samples(s->summary, sessions, hs);
        mn_healing_samples_free(hs);
        MN_TRY(st);
        cJSON_AddNumberToObject(s->summary, "samples", s->samples);
    }
    if (m->indication.present)
        MN_TRY(mn_summary_add_clinical(s->summary, &clin));
    return MN_OK;
}

static mn_status heal(mn_session *s)
{
    CHECK_S(s, "mn_session_heal");
    if (s->healing)
        return MN_OK;
    for (int k = 1; k <= s->c.n_sessions; k++) {
        if (!(s->done[k - 1] & DONE_NEEDLE))
            return mn_error_set(MN_EUSAGE,
                                "healing: session %d is not needled yet (expected "
                                "mn_session_needle for every session first)",
                                k);
        /* An RF session's thermal injury is part of what heals. */
        if (s->model.device.type == MN_DEVICE_RF && !(s->done[k - 1] & DONE_HEAT))
            return mn_error_set(MN_EUSAGE,
                                "healing: session %d is not heated yet (expected "
                                "mn_session_heat for every RF session first)",
                                k);
    }
    MN_TRY(begin_stage(s, s->samples > 0 ? "healing, virtual patients" : "healing", 0));
    /* A stop in healing or the virtual patients ends the session like one at the last
     * session's end: the summary as it was then, and a checkpoint to resume from. */
    cJSON_Delete(s->before_course);
    if (!(s->before_course = cJSON_Duplicate(s->summary, 1)))
        return mn_error_set(MN_ENOMEM, "out of memory building summary.json");
    mn_status st = heal_course(s);
    if (st != MN_OK && st != MN_EINTERRUPTED)
        restore_course_summary(s); /* heal may be called again */
    return stage_end(s, st);
}

static mn_status assess(mn_session *s)
{
    CHECK_S(s, "mn_session_assess");
    if (s->assessed)
        return MN_OK;
    if (!s->healing)
        return mn_error_set(MN_EUSAGE, "assessment: the course is not healed yet (expected "
                                       "mn_session_heal first)");
    MN_TRY(begin_stage(s, "risks", 0));
    MN_TRY(stage_end(s, mn_course_add_risks(&s->model, &s->col, &s->c, s->summary)));
    s->assessed = 1;
    cJSON_Delete(s->before_course);
    s->before_course = NULL;
    return MN_OK;
}

mn_status mn_session_needle(mn_session *s, int k)
{
    CHECK_S(s, "mn_session_needle");
    MN_RETURN_IN_C_LOCALE(needle(s, k));
}

mn_status mn_session_heat(mn_session *s, int k)
{
    CHECK_S(s, "mn_session_heat");
    MN_RETURN_IN_C_LOCALE(heat(s, k));
}

mn_status mn_session_deliver(mn_session *s, int k)
{
    CHECK_S(s, "mn_session_deliver");
    MN_RETURN_IN_C_LOCALE(deliver(s, k));
}

mn_status mn_session_heal(mn_session *s)
{
    CHECK_S(s, "mn_session_heal");
    MN_RETURN_IN_C_LOCALE(heal(s));
}

mn_status mn_session_assess(mn_session *s)
{
    CHECK_S(s, "mn_session_assess");
    MN_RETURN_IN_C_LOCALE(assess(s));
}

mn_status mn_session_run_all(mn_session *s)
{
    CHECK_S(s, "mn_session_run_all");
    for (int k = 1; k <= s->c.n_sessions; k++) {
        MN_TRY(mn_session_needle(s, k));
        MN_TRY(mn_session_heat(s, k));
        MN_TRY(mn_session_deliver(s, k));
    }
    MN_TRY(mn_session_heal(s));
    return mn_session_assess(s);
}
