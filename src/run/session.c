/* The stage-by-stage session API (include/mnsim/session.h) over the course of src/run/course.c:
 * the same stage functions `mnsim run` uses, called one at a time. The session's summary.json
 * tree is built as the stages run and is where the typed getters read their numbers, so a
 * session and a run report the same values. */
#include "mnsim/session.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/error.h"
#include "healing/healing.h"
#include "io/atomic.h"
#include "core/table.h"
#include "io/csv_meta.h"
#include "io/outdir.h"
#include "io/provenance.h"
#include "io/report.h"
#include "clinic/screen.h"
#include "io/summary.h"
#include "model/scenario.h"
#include "run/course.h"

/* Handles start with a magic number; a freed one is overwritten, so a call on it (while its
 * memory is still mapped) or on memory of another type is refused with MN_EUSAGE. */
#define SCENARIO_MAGIC 0x6d6e5363u /* "mnSc" */
#define SESSION_MAGIC  0x6d6e5373u /* "mnSs" */
#define DEAD_MAGIC     0x64656164u /* "dead" */

struct mn_scenario {
    uint32_t magic;
    mn_model model;
    char *input; /* the scenario text, for summary.json's provenance (NULL: unknown) */
};

enum { DONE_NEEDLE = 1, DONE_HEAT = 2, DONE_DELIVER = 4 };

struct mn_session {
    uint32_t magic;
    mn_model model;
    mn_column col;
    mn_course c;
    cJSON *summary;
    char *summary_text;
    int threads;
    size_t max_memory_bytes;
    char *dir; /* fields and stage tables as the stages run; NULL: none */
    int dir_ready;
    mn_outdir *od; /* dir owned while the stages write into it, published by mn_session_write */
    mn_progress_fn progress;
    void *progress_user;
    mn_punctures **punctures; /* per session, kept for the getters (a whole zone: its window) */
    char **csv;               /* per session, its punctures.csv rows (header in session 1's) */
    double (*window)[2];      /* per session, the patch (or zone window) delivery works on */
    cJSON **session_json;     /* per session, inside summary */
    unsigned char *done;      /* DONE_* per session */
    mn_healing_result *healing;
    int assessed;
};

#define CHECK_SC(sc, fn)                                                                           \
    do {                                                                                           \
        if (!(sc) || (sc)->magic != SCENARIO_MAGIC)                                                \
            return mn_error_set(MN_EUSAGE, "%s: %s (expected a scenario from mn_scenario_read_*)", \
                                fn, !(sc) ? "scenario is NULL" : "not a live scenario (freed?)");  \
    } while (0)
#define CHECK_S(s, fn)                                                                             \
    do {                                                                                           \
        if (!(s) || (s)->magic != SESSION_MAGIC)                                                   \
            return mn_error_set(MN_EUSAGE, "%s: %s (expected a session from mn_session_create)",   \
                                fn, !(s) ? "session is NULL" : "not a live session (freed?)");     \
    } while (0)
#define CHECK_ARG(p, fn)                                                                           \
    do {                                                                                           \
        if (!(p))                                                                                  \
            return mn_error_set(MN_EUSAGE, "%s: " #p " is NULL", fn);                              \
    } while (0)

/* ---- Scenario ------------------------------------------------------------------------ */

static mn_status scenario_new(mn_scenario **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return mn_error_set(MN_ENOMEM, "out of memory creating a scenario");
    (*out)->magic = SCENARIO_MAGIC;
    return MN_OK;
}

mn_status mn_scenario_read_file(const char *path, mn_scenario **out)
{
    mn_scenario *sc = NULL;
    CHECK_ARG(out, "mn_scenario_read_file");
    *out = NULL;
    CHECK_ARG(path, "mn_scenario_read_file");
    MN_TRY(scenario_new(&sc));
    mn_status st = mn_scenario_load_file(path, &sc->model);
    if (st == MN_OK)
        st = mn_provenance_read_input(path, &sc->input);
    if (st != MN_OK) {
        mn_scenario_free(sc);
        return st;
    }
    *out = sc;
    return MN_OK;
}

mn_status mn_scenario_read_text(const char *label, const char *yaml, mn_scenario **out)
{
    mn_scenario *sc = NULL;
    CHECK_ARG(out, "mn_scenario_read_text");
    *out = NULL;
    if (!yaml)
        return mn_error_set(MN_EUSAGE, "mn_scenario_read_text: no text");
    MN_TRY(scenario_new(&sc));
    mn_status st = mn_scenario_load_text(label ? label : "<text>", yaml, strlen(yaml), &sc->model);
    if (st == MN_OK && !(sc->input = strdup(yaml)))
        st = mn_error_set(MN_ENOMEM, "out of memory");
    if (st != MN_OK) {
        mn_scenario_free(sc);
        return st;
    }
    *out = sc;
    return MN_OK;
}

mn_status mn_scenario_read_default(mn_scenario **out)
{
    mn_scenario *sc = NULL;
    CHECK_ARG(out, "mn_scenario_read_default");
    *out = NULL;
    MN_TRY(scenario_new(&sc));
    const char *text = NULL;
    size_t len = 0;
    mn_status st = mn_scenario_load_default(&sc->model);
    if (st == MN_OK)
        st = mn_embedded_get("default_scenario.yaml", &text, &len);
    if (st == MN_OK && !(sc->input = strndup(text, len)))
        st = mn_error_set(MN_ENOMEM, "out of memory");
    if (st != MN_OK) {
        mn_scenario_free(sc);
        return st;
    }
    *out = sc;
    return MN_OK;
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
    free(sc->input);
    free(sc);
}

/* ---- Session ------------------------------------------------------------------------- */

void mn_session_free(mn_session *s)
{
    if (!s || s->magic != SESSION_MAGIC)
        return;
    s->magic = DEAD_MAGIC;
    mn_outdir_close(s->od); /* files of stages never written out are removed */
    for (int k = 0; s->punctures && k < s->c.n_sessions; k++)
        mn_punctures_free(s->punctures[k]);
    free(s->punctures);
    for (int k = 0; s->csv && k < s->c.n_sessions; k++)
        free(s->csv[k]);
    free(s->csv);
    free(s->window);
    free(s->session_json);
    free(s->done);
    mn_healing_result_free(s->healing);
    mn_course_free(&s->c);
    cJSON_Delete(s->summary);
    free(s->summary_text);
    free(s->dir);
    free(s);
}

mn_status mn_session_create(const mn_scenario *sc, mn_session **out)
{
    mn_status st = MN_OK;
    CHECK_ARG(out, "mn_session_create");
    *out = NULL;
    CHECK_SC(sc, "mn_session_create");
    mn_session *s = calloc(1, sizeof *s);
    if (!s)
        return mn_error_set(MN_ENOMEM, "out of memory creating a session");
    s->magic = SESSION_MAGIC;
    s->model = sc->model;
    MN_TRY_GOTO(mn_anatomy_column_for(&s->model, &s->col), fail);
    MN_TRY_GOTO(mn_course_init(&s->model, &s->c), fail);
    int n = s->c.n_sessions;
    s->punctures = calloc((size_t)n, sizeof *s->punctures);
    s->session_json = calloc((size_t)n, sizeof *s->session_json);
    s->done = calloc((size_t)n, 1);
    s->csv = calloc((size_t)n, sizeof *s->csv);
    s->window = calloc((size_t)n, sizeof *s->window);
    if (!s->punctures || !s->session_json || !s->done || !s->csv || !s->window) {
        st = mn_error_set(MN_ENOMEM, "out of memory creating a session");
        goto fail;
    }
    MN_TRY_GOTO(mn_summary_create(&s->model, omp_get_max_threads(), &s->summary), fail);
    /* The screening block a run writes (it is recorded, not enforced, here: a session is the
     * caller's own sequence of stages). */
    mn_screening *scr = NULL;
    MN_TRY_GOTO(mn_clinic_screen(&s->model.patient, &scr), fail);
    st = mn_clinic_screening_summary(scr, 0, s->summary);
    mn_screening_free(scr);
    MN_TRY_GOTO(st, fail);
    MN_TRY_GOTO(mn_provenance_add(s->summary, &s->model, &s->col, sc->input), fail);
    *out = s;
    return MN_OK;
fail:
    mn_session_free(s);
    return st;
}

mn_status mn_session_set_threads(mn_session *s, int threads)
{
    CHECK_S(s, "mn_session_set_threads");
    if (threads < 1 || threads > 1024)
        return mn_error_set(MN_EINPUT, "threads: %d is out of range (expected 1 to 1024)", threads);
    s->threads = threads;
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

mn_status mn_session_set_output_dir(mn_session *s, const char *dir)
{
    CHECK_S(s, "mn_session_set_output_dir");
    if (s->dir_ready)
        return mn_error_set(MN_EUSAGE,
                            "mn_session_set_output_dir: a stage already writes into "
                            "%s (expected the folder before the first stage)",
                            s->dir);
    char *copy = NULL;
    if (dir && !(copy = strdup(dir)))
        return mn_error_set(MN_ENOMEM, "out of memory");
    free(s->dir);
    s->dir = copy;
    s->dir_ready = 0;
    return MN_OK;
}

int mn_session_count(const mn_session *s)
{
    return s && s->magic == SESSION_MAGIC ? s->c.n_sessions : 0;
}

/* Threads, progress and the output folder before a stage; the sinks it reports to. */
static mn_status begin_stage(mn_session *s, const char *stage, int k, mn_session_sinks *sinks)
{
    if (s->threads > 0)
        omp_set_num_threads(s->threads);
    if (s->dir && !s->dir_ready) {
        /* The session owns its folder from the first stage on (lock, manifest); what the
         * stages write stays pending until mn_session_write publishes it with the rest. */
        MN_TRY(mn_outdir_open(s->dir, 0, 0, NULL, &s->od));
        s->dir_ready = 1;
    }
    if (s->progress) {
        char name[64];
        int n = s->c.n_sessions;
        if (k > 0)
            snprintf(name, sizeof name, "session %d/%d: %s", k, n, stage);
        else
            snprintf(name, sizeof name, "%s", stage);
        s->progress(s->progress_user, name, k > 0 ? k - 1 : n, n + 1);
    }
    *sinks = (mn_session_sinks){s->summary, NULL, s->dir, s->max_memory_bytes};
    return MN_OK;
}

static mn_status check_session(const mn_session *s, int k)
{
    CHECK_S(s, "session getter");
    if (k < 1 || k > s->c.n_sessions)
        return mn_error_set(MN_EUSAGE, "session %d does not exist (expected 1 to %d)", k,
                            s->c.n_sessions);
    return MN_OK;
}

static mn_status check_needled(const mn_session *s, int k, const char *stage)
{
    MN_TRY(check_session(s, k));
    if (!(s->done[k - 1] & DONE_NEEDLE))
        return mn_error_set(MN_EUSAGE,
                            "%s of session %d: session %d is not needled yet (expected "
                            "mn_session_needle first)",
                            stage, k, k);
    return MN_OK;
}

mn_status mn_session_needle(mn_session *s, int k)
{
    mn_session_sinks sinks;
    CHECK_S(s, "mn_session_needle");
    MN_TRY(check_session(s, k));
    if (s->done[k - 1] & DONE_NEEDLE)
        return MN_OK;
    /* Sessions are appended to summary.json in order, and healing's injuries follow them. */
    if (k > 1 && !(s->done[k - 2] & DONE_NEEDLE))
        return mn_error_set(MN_EUSAGE,
                            "needling session %d: session %d is not needled yet "
                            "(expected the sessions in order)",
                            k, k - 1);
    MN_TRY(begin_stage(s, "needling", k, &sinks));
    /* The session's punctures.csv rows, as a run streams them (a whole zone chunk by chunk). */
    char *text = NULL;
    size_t len = 0;
    mn_model wm;
    if (!(sinks.punctures_csv = open_memstream(&text, &len)))
        return mn_error_set(MN_ENOMEM, "out of memory for the punctures of session %d", k);
    mn_status st = mn_course_needle(&s->model, &s->col, k, &s->c, &sinks, &s->session_json[k - 1],
                                    &s->punctures[k - 1], &wm);
    if (fclose(sinks.punctures_csv) != 0 && st == MN_OK)
        st = mn_error_set(MN_ENOMEM, "out of memory for the punctures of session %d", k);
    if (st != MN_OK) {
        free(text);
        return st;
    }
    s->csv[k - 1] = text;
    s->window[k - 1][0] = wm.patch_width_um;
    s->window[k - 1][1] = wm.patch_length_um;
    s->done[k - 1] |= DONE_NEEDLE;
    return MN_OK;
}

mn_status mn_session_heat(mn_session *s, int k)
{
    mn_session_sinks sinks;
    CHECK_S(s, "mn_session_heat");
    MN_TRY(check_needled(s, k, "heating"));
    if (s->done[k - 1] & DONE_HEAT)
        return MN_OK;
    if (s->model.device.type == MN_DEVICE_RF) {
        MN_TRY(begin_stage(s, "RF heating", k, &sinks));
        MN_TRY(mn_course_heat(&s->model, &s->col, k, &s->c, s->session_json[k - 1], &sinks));
    }
    s->done[k - 1] |= DONE_HEAT;
    return MN_OK;
}

mn_status mn_session_deliver(mn_session *s, int k)
{
    mn_session_sinks sinks;
    CHECK_S(s, "mn_session_deliver");
    MN_TRY(check_needled(s, k, "delivery"));
    if (s->done[k - 1] & DONE_DELIVER)
        return MN_OK;
    /* Heat first, as in a run: its thermal block precedes delivery in summary.json. */
    MN_TRY(mn_session_heat(s, k));
    if (s->model.product.present) {
        mn_model wm = s->model; /* the patch, or the window of a whole zone */
        wm.patch_width_um = s->window[k - 1][0];
        wm.patch_length_um = s->window[k - 1][1];
        MN_TRY(begin_stage(s, "delivery", k, &sinks));
        MN_TRY(mn_course_deliver(&wm, &s->col, s->punctures[k - 1], k, &s->c,
                                 s->session_json[k - 1], &sinks));
    }
    s->done[k - 1] |= DONE_DELIVER;
    return MN_OK;
}

mn_status mn_session_heal(mn_session *s)
{
    mn_session_sinks sinks;
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
    MN_TRY(begin_stage(s, "healing", 0, &sinks));
    MN_TRY(mn_course_heal(&s->model, &s->col, &s->c, &s->healing));
    cJSON *sessions = cJSON_GetObjectItemCaseSensitive(s->summary, "sessions");
    return mn_healing_summary_json(s->healing, s->summary, sessions);
}

mn_status mn_session_assess(mn_session *s)
{
    mn_session_sinks sinks;
    CHECK_S(s, "mn_session_assess");
    if (s->assessed)
        return MN_OK;
    if (!s->healing)
        return mn_error_set(MN_EUSAGE, "assessment: the course is not healed yet (expected "
                                       "mn_session_heal first)");
    MN_TRY(begin_stage(s, "risks", 0, &sinks));
    MN_TRY(mn_course_add_risks(&s->model, &s->col, &s->c, s->summary));
    s->assessed = 1;
    return MN_OK;
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

/* ---- Results ------------------------------------------------------------------------- */

/* A number of the summary tree (NAN for null or absent). */
static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

mn_status mn_session_get_punctures(const mn_session *s, int k, mn_puncture_arrays *out)
{
    CHECK_ARG(out, "mn_session_get_punctures");
    MN_TRY(check_needled(s, k, "punctures"));
    const mn_punctures *p = s->punctures[k - 1];
    *out = (mn_puncture_arrays){p->n,
                                p->pass,
                                p->x_um,
                                p->y_um,
                                p->set_depth_um,
                                p->tissue_depth_um,
                                p->angle_deg,
                                p->layer,
                                p->bleeds,
                                p->needle_radius_um};
    return MN_OK;
}

mn_status mn_session_get_needling(const mn_session *s, int k, mn_needling_figures *out)
{
    CHECK_ARG(out, "mn_session_get_needling");
    MN_TRY(check_needled(s, k, "needling figures"));
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(s->session_json[k - 1], "needling");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(n, "tissue_depth_um");
    *out = (mn_needling_figures){(size_t)num(n, "punctures"),
                                 num(n, "area_cm2"),
                                 num(n, "punctures_per_cm2"),
                                 num(n, "coverage_fraction"),
                                 num(d, "mean"),
                                 num(d, "p5"),
                                 num(d, "p50"),
                                 num(d, "p95"),
                                 num(n, "bleeding_fraction"),
                                 num(n, "duration_min"),
                                 num(n, "zone_duration_min")};
    return MN_OK;
}

mn_status mn_session_get_channels(const mn_session *s, int k, mn_channel_arrays *out)
{
    CHECK_ARG(out, "mn_session_get_channels");
    MN_TRY(check_needled(s, k, "channels"));
    const mn_punctures *p = s->punctures[k - 1];
    *out = (mn_channel_arrays){p->n, p->channel_depth_um, p->channel_diameter_um,
                               p->bleed_probability};
    return MN_OK;
}

mn_status mn_session_get_channel_figures(const mn_session *s, int k, mn_channel_figures *out)
{
    CHECK_ARG(out, "mn_session_get_channel_figures");
    MN_TRY(check_needled(s, k, "channel figures"));
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(s->session_json[k - 1], "needling");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(n, "channel_depth_um");
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(n, "channel_diameter_um");
    *out = (mn_channel_figures){
        num(d, "mean"), num(d, "p5"), num(d, "p50"), num(d, "p95"),
        num(w, "mean"), num(w, "p5"), num(w, "p95"), num(n, "bleeding_probability_mean")};
    return MN_OK;
}

static const char *const DOSE_KEYS[MN_DOSE_LAYERS] = {"stratum_corneum", "epidermis", "dermis",
                                                      "systemic"};

mn_status mn_session_get_doses(const mn_session *s, int k, mn_doses *out)
{
    CHECK_ARG(out, "mn_session_get_doses");
    MN_TRY(check_needled(s, k, "doses"));
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(s->session_json[k - 1], "delivery");
    if (!d)
        return mn_error_set(MN_EUSAGE, "doses of session %d: %s", k,
                            s->model.product.present ? "not delivered yet (expected "
                                                       "mn_session_deliver first)"
                                                     : "the scenario applies no product");
    memset(out, 0, sizeof *out);
    const cJSON *prod = cJSON_GetObjectItemCaseSensitive(d, "product");
    snprintf(out->product, sizeof out->product, "%s",
             cJSON_IsString(prod) ? prod->valuestring : "");
    const cJSON *dose = cJSON_GetObjectItemCaseSensitive(d, "dose_ug_per_cm2");
    const cJSON *intact = cJSON_GetObjectItemCaseSensitive(d, "intact_dose_ug_per_cm2");
    for (int l = 0; l < MN_DOSE_LAYERS; l++) {
        out->ug_per_cm2[l] = num(dose, DOSE_KEYS[l]);
        out->intact_ug_per_cm2[l] = num(intact, DOSE_KEYS[l]);
    }
    out->enhancement_ratio = num(d, "enhancement_ratio");
    out->lag_time_h = num(d, "lag_time_h");
    out->channel_half_life_h = num(d, "channel_half_life_h");
    return MN_OK;
}

mn_status mn_session_get_thermal(const mn_session *s, int k, mn_thermal *out)
{
    CHECK_ARG(out, "mn_session_get_thermal");
    MN_TRY(check_needled(s, k, "thermal results"));
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(s->session_json[k - 1], "thermal");
    if (!t)
        return mn_error_set(MN_EUSAGE, "thermal results of session %d: %s", k,
                            s->model.device.type == MN_DEVICE_RF
                                ? "not heated yet (expected mn_session_heat first)"
                                : "the device has no RF");
    const cJSON *z = cJSON_GetObjectItemCaseSensitive(t, "coagulation_zone_um");
    *out = (mn_thermal){num(t, "peak_temperature_c"), num(t, "epidermis_peak_temperature_c"),
                        num(z, "depth"), num(z, "width"), num(z, "volume_nl")};
    return MN_OK;
}

mn_status mn_session_get_outcome(const mn_session *s, mn_outcome *out)
{
    static const char *const days[MN_OUTCOME_DAYS] = {"day_30", "day_90", "day_180", "day_365"};
    CHECK_S(s, "mn_session_get_outcome");
    CHECK_ARG(out, "mn_session_get_outcome");
    if (!s->healing)
        return mn_error_set(MN_EUSAGE, "outcome: the course is not healed yet (expected "
                                       "mn_session_heal first)");
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(s->summary, "outcome");
    const cJSON *col = cJSON_GetObjectItemCaseSensitive(o, "collagen_change_percent");
    const cJSON *ela = cJSON_GetObjectItemCaseSensitive(o, "elastin_change_percent");
    const cJSON *epi = cJSON_GetObjectItemCaseSensitive(o, "epidermal_thickness_change_percent");
    for (int d = 0; d < MN_OUTCOME_DAYS; d++) {
        out->day[d] = mn_healing_outcome_days[d];
        out->collagen_change_percent[d] = num(col, days[d]);
        out->elastin_change_percent[d] = num(ela, days[d]);
        out->epidermal_thickness_change_percent[d] = num(epi, days[d]);
    }
    out->downtime_days_total = num(o, "downtime_days_total");
    return MN_OK;
}

mn_status mn_session_get_erythema_days(const mn_session *s, int k, double *days)
{
    CHECK_ARG(days, "mn_session_get_erythema_days");
    MN_TRY(check_session(s, k));
    if (!s->healing)
        return mn_error_set(MN_EUSAGE, "erythema: the course is not healed yet (expected "
                                       "mn_session_heal first)");
    *days = mn_healing_result_erythema_days(s->healing, k - 1);
    return MN_OK;
}

static mn_status risks_array(const mn_session *s, const cJSON **out)
{
    CHECK_S(s, "session risks");
    if (!s->assessed)
        return mn_error_set(MN_EUSAGE, "risks: not assessed yet (expected mn_session_assess "
                                       "first)");
    *out = cJSON_GetObjectItemCaseSensitive(s->summary, "risks");
    return MN_OK;
}

mn_status mn_session_get_risk_count(const mn_session *s, size_t *n)
{
    CHECK_ARG(n, "mn_session_get_risk_count");
    const cJSON *r = NULL;
    MN_TRY(risks_array(s, &r));
    *n = (size_t)cJSON_GetArraySize(r);
    return MN_OK;
}

mn_status mn_session_get_risk(const mn_session *s, size_t i, mn_risk_item *out)
{
    CHECK_ARG(out, "mn_session_get_risk");
    const cJSON *r = NULL;
    MN_TRY(risks_array(s, &r));
    const cJSON *it = i < (size_t)cJSON_GetArraySize(r) ? cJSON_GetArrayItem(r, (int)i) : NULL;
    if (!it)
        return mn_error_set(MN_EUSAGE, "risk %zu does not exist (%d risks)", i,
                            cJSON_GetArraySize(r));
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
    const cJSON *level = cJSON_GetObjectItemCaseSensitive(it, "level");
    const cJSON *reason = cJSON_GetObjectItemCaseSensitive(it, "reason");
    snprintf(out->id, sizeof out->id, "%s", cJSON_IsString(id) ? id->valuestring : "");
    snprintf(out->level, sizeof out->level, "%s", cJSON_IsString(level) ? level->valuestring : "");
    snprintf(out->reason, sizeof out->reason, "%s",
             cJSON_IsString(reason) ? reason->valuestring : "");
    return MN_OK;
}

mn_status mn_session_get_summary_json(mn_session *s, const char **json)
{
    CHECK_S(s, "mn_session_get_summary_json");
    CHECK_ARG(json, "mn_session_get_summary_json");
    char *text = cJSON_Print(s->summary);
    if (!text)
        return mn_error_set(MN_ENOMEM, "out of memory printing summary.json");
    free(s->summary_text);
    s->summary_text = text;
    *json = text;
    return MN_OK;
}

/* Every file of mn_session_write, into the folder transaction that is open. */
static mn_status write_files(mn_session *s, const char *dir, int same_dir)
{
    char path[4200];
    const char *json;
    int n = 0; /* sessions needled, in order */
    while (n < s->c.n_sessions && (s->done[n] & DONE_NEEDLE))
        n++;
    mn_afile csv;
    MN_TRY(mn_io_join(path, sizeof path, dir, "punctures.csv"));
    MN_TRY(mn_afile_open(path, &csv));
    for (int k = 0; k < n; k++)
        fputs(s->csv[k], csv.f);
    MN_TRY(mn_afile_commit(&csv));
    if (same_dir)
        MN_TRY(mn_course_write_tables(&s->c, n, dir));
    if (s->healing) {
        MN_TRY(mn_io_join(path, sizeof path, dir, "timeline.csv"));
        MN_TRY(mn_healing_write_timeline_csv(s->healing, path));
    }
    /* "complete": every stage of every session ran, as in a run that was not stopped. */
    cJSON_DeleteItemFromObjectCaseSensitive(s->summary, "complete");
    if (!cJSON_AddBoolToObject(s->summary, "complete", n == s->c.n_sessions && s->assessed))
        return mn_error_set(MN_ENOMEM, "out of memory building summary.json");
    MN_TRY(mn_session_get_summary_json(s, &json));
    MN_TRY(mn_io_join(path, sizeof path, dir, "summary.json"));
    MN_TRY(mn_io_write_text(path, json));
    MN_TRY(mn_io_write_csv_metadata(dir));
    return mn_report_write(dir, &s->model, &s->col);
}

/* All or nothing (issue 18): the files go into the folder's transaction (io/outdir.h), opened
 * here or by the first stage that wrote fields into the same folder, and are published together,
 * summary.json last; a failure leaves the folder as it was and removes what this call wrote. */
mn_status mn_session_write(mn_session *s, const char *dir)
{
    CHECK_S(s, "mn_session_write");
    CHECK_ARG(dir, "mn_session_write");
    int same_dir = s->dir && strcmp(s->dir, dir) == 0;
    mn_outdir *od = same_dir ? s->od : NULL;
    if (same_dir)
        s->od = NULL; /* published or discarded below, whatever happens */
    mn_status st = od ? MN_OK : mn_outdir_open(dir, 0, 0, NULL, &od);
    if (st == MN_OK)
        st = write_files(s, dir, same_dir);
    if (st == MN_OK)
        st = mn_outdir_publish(od);
    mn_outdir_close(od);
    if (same_dir)
        s->dir_ready = 0; /* a later stage or write owns the folder anew */
    return st;
}
