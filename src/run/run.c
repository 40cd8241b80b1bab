/* mn_run (include/mnsim/mnsim.h): the one-call interface, a thin wrapper over the session API
 * (include/mnsim/session.h, src/run/session.c). mn_run_execute creates a session with the
 * run's settings, runs every stage in order and writes the session's outputs, exactly what
 * `mnsim run` does with the session calls themselves. */
#include "mnsim/mnsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "run/preflight.h"
#include "run/session_impl.h"

/* A live handle starts with this; a freed one with RUN_DEAD, so a call on a freed handle is
 * refused while its memory is still mapped (use after free caught where possible). */
#define RUN_MAGIC 0x6d6e5275u /* "mnRu" */
#define RUN_DEAD  0x64656164u /* "dead" */

struct mn_run {
    uint32_t magic;
    mn_scenario *sc; /* NULL until a scenario setter succeeded */
    int seed_set;
    uint64_t seed;
    int threads;
    int samples;
    int force;
    int override_screening;  /* simulate a do-not-treat patient anyway (recorded) */
    size_t max_memory_bytes; /* 0: half of physical memory */
    double checkpoint_every; /* minutes; negative: never */
    char *output_dir;
    char *summary_json;
    mn_progress_fn progress;
    void *progress_user;
    mn_session *resumed; /* mn_run_resume's session, run by the next execute */
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
    r->checkpoint_every = -1.0;
    r->magic = RUN_MAGIC;
    *out = r;
    return MN_OK;
}

void mn_run_free(mn_run *r)
{
    if (!r || r->magic != RUN_MAGIC)
        return;
    r->magic = RUN_DEAD;
    mn_scenario_free(r->sc);
    mn_session_free(r->resumed);
    free(r->output_dir);
    free(r->summary_json);
    free(r);
}

/* A scenario setter keeps the new scenario only when it is valid: a rejected one leaves the
 * previous one (or none) in place, never a half-loaded one. */
static mn_status set_scenario(mn_run *r, mn_status st, mn_scenario *sc)
{
    if (st != MN_OK)
        return st;
    mn_scenario_free(r->sc);
    r->sc = sc;
    mn_session_free(r->resumed); /* a new scenario replaces a resumed run */
    r->resumed = NULL;
    return MN_OK;
}

mn_status mn_run_set_scenario_file(mn_run *r, const char *path)
{
    CHECK_RUN(r, "mn_run_set_scenario_file");
    CHECK_ARG(path, "mn_run_set_scenario_file", "path");
    mn_scenario *sc = NULL;
    mn_status st = mn_scenario_read_file(path, &sc); /* before sc is read */
    return set_scenario(r, st, sc);
}

mn_status mn_run_set_scenario_text(mn_run *r, const char *label, const char *yaml)
{
    CHECK_RUN(r, "mn_run_set_scenario_text");
    CHECK_ARG(yaml, "mn_run_set_scenario_text", "yaml");
    mn_scenario *sc = NULL;
    mn_status st = mn_scenario_read_text(label, yaml, &sc); /* before sc is read */
    return set_scenario(r, st, sc);
}

mn_status mn_run_set_default_scenario(mn_run *r)
{
    CHECK_RUN(r, "mn_run_set_default_scenario");
    mn_scenario *sc = NULL;
    mn_status st = mn_scenario_read_default(&sc); /* before sc is read */
    return set_scenario(r, st, sc);
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
    if (samples < 0 || samples > MN_MAX_SAMPLES)
        return mn_error_set(MN_EINPUT, "samples: %d is out of range (expected 0 to %d)", samples,
                            MN_MAX_SAMPLES);
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
    CHECK_RUN(r, "mn_run_set_override_screening");
    r->override_screening = override != 0;
    return MN_OK;
}

mn_status mn_run_set_checkpoint_every(mn_run *r, double minutes)
{
    CHECK_RUN(r, "mn_run_set_checkpoint_every");
    if (!(minutes <= 525600.0))
        return mn_error_set(MN_EINPUT,
                            "checkpoint interval %g min is out of range (expected 0 "
                            "to 525600 minutes, or negative for none)",
                            minutes);
    r->checkpoint_every = minutes;
    return MN_OK;
}

mn_status mn_run_set_progress(mn_run *r, mn_progress_fn fn, void *user)
{
    CHECK_RUN(r, "mn_run_set_progress");
    r->progress = fn;
    r->progress_user = user;
    return MN_OK;
}

mn_status mn_run_resume(mn_run *r, const char *dir)
{
    CHECK_RUN(r, "mn_run_resume");
    CHECK_ARG(dir, "mn_run_resume", "dir");
    /* Validated now, kept only when the whole checkpoint is valid. */
    mn_session *s = NULL;
    MN_TRY(mn_session_resume(dir, &s));
    char *copy = strdup(dir);
    if (!copy) {
        mn_session_free(s);
        return mn_error_set(MN_ENOMEM, "out of memory resuming %s", dir);
    }
    mn_session_free(r->resumed);
    r->resumed = s;
    free(r->output_dir);
    r->output_dir = copy;
    r->threads = s->threads;
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

mn_status mn_run_estimate(const mn_run *r, mn_estimate *out)
{
    CHECK_RUN(r, "mn_run_estimate");
    CHECK_ARG(out, "mn_run_estimate", "out");
    if (!r->sc && !r->resumed)
        return mn_error_set(MN_EUSAGE, "mn_run_estimate: no scenario set");
    mn_model m = r->resumed ? r->resumed->model : r->sc->model;
    if (r->seed_set)
        m.seed = r->seed;
    mn_preflight pf;
    MN_TRY(mn_preflight_estimate(&m, r->resumed ? r->resumed->samples : r->samples, &pf));
    *out = (mn_estimate){pf.punctures_per_session, pf.punctures,  pf.punctures_held,
                         pf.memory_bytes,          pf.disk_bytes, pf.seconds};
    return MN_OK;
}

/* The session of the next execute, with the run's settings. */
static mn_status configure(mn_run *r, mn_session **out)
{
    mn_session *s = r->resumed;
    r->resumed = NULL;
    mn_status st = MN_OK;
    if (!s) {
        if (r->seed_set)
            MN_TRY(mn_scenario_set_seed(r->sc, r->seed));
        MN_TRY(mn_session_create(r->sc, &s));
        st = mn_session_set_samples(s, r->samples);
        if (st == MN_OK)
            st = mn_session_set_force(s, r->force);
        if (st == MN_OK)
            st = mn_session_set_override_screening(s, r->override_screening);
        if (st == MN_OK && r->output_dir)
            st = mn_session_set_checkpoint_every(s, r->checkpoint_every);
        if (st == MN_OK)
            st = mn_session_set_output_dir(s, r->output_dir);
    }
    if (st == MN_OK && r->threads > 0)
        st = mn_session_set_threads(s, r->threads);
    if (st == MN_OK)
        st = mn_session_set_max_memory(s, r->max_memory_bytes);
    if (st == MN_OK)
        st = mn_session_set_progress(s, r->progress, r->progress_user);
    if (st == MN_OK)
        st = mn_session_set_keep_punctures(s, 0); /* a run reads no punctures back */
    if (st != MN_OK) {
        mn_session_free(s);
        return st;
    }
    *out = s;
    return MN_OK;
}

mn_status mn_run_execute(mn_run *r)
{
    CHECK_RUN(r, "mn_run_execute");
    if (!r->sc && !r->resumed)
        return mn_error_set(MN_EUSAGE, "no scenario set (expected mn_run_set_scenario_file or "
                                       "mn_run_set_default_scenario first)");
    mn_session *s = NULL;
    MN_TRY(configure(r, &s));
    mn_status st = mn_session_run_all(s);
    /* A stop leaves the whole sessions done: they are written, marked incomplete. */
    if (st == MN_OK || st == MN_EINTERRUPTED) {
        if (r->output_dir)
            st = mn_session_write(s, r->output_dir);
        else {
            mn_status f = mn_session_finish_summary(s);
            st = f != MN_OK ? f : st;
        }
    }
    const char *json = NULL;
    if ((st == MN_OK || st == MN_EINTERRUPTED) && s->started) {
        char *msg = st == MN_EINTERRUPTED ? strdup(mn_last_error()) : NULL;
        if (mn_session_get_summary_json(s, &json) == MN_OK) {
            free(r->summary_json);
            r->summary_json = strdup(json);
        }
        if (msg) {
            mn_error_set(MN_EINTERRUPTED, "%s", msg);
            free(msg);
        }
    }
    mn_session_free(s);
    return st;
}
