/* The pipeline of one run: scenario -> anatomy -> needling -> (delivery) -> healing -> clinic
 * -> outputs. The per-session stages run for every session of the protocol; healing integrates
 * the whole course from the sessions' injuries; the clinic stage judges the course. */
#include "mnsim/mnsim.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clinic/plan.h"
#include "clinic/risks.h"
#include "core/checkpoint_run.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/units.h"
#include "delivery/delivery.h"
#include "delivery/delivery_json.h"
#include "healing/healing.h"
#include "heat/heat.h"
#include "io/atomic.h"
#include "io/heat_vti.h"
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
    int samples;
    int force;
    size_t max_memory_bytes; /* 0: half of physical memory */
    char *output_dir;
    char *summary_json;
    mn_runckpt ck; /* checkpoint, resume and interruption (core/checkpoint_run.h) */
};

/* Tables assembled from every session's rows at the end of a run. */
enum { TABLE_THERMAL, TABLE_DELIVERY, TABLE_PROFILES, N_SESSION_TABLES };
static const char *const table_files[N_SESSION_TABLES] = {"thermal.csv", "delivery.csv",
                                                          "delivery_profiles.csv"};

/* What the course-level stages need from the per-session ones. */
typedef struct course {
    int n_sessions;
    double *days;
    mn_healing_injury *injuries;
    double end_day;
    double max_tissue_depth_um;
    double max_bleeding_fraction;
    double max_erythema_days;    /* < 0 until healing reports */
    double max_epidermis_peak_c; /* RF: hottest epidermis of any session; NAN without RF */
    double heat_on_time_s;       /* RF: pulse time of that session */
    /* RF: the last session's heat solve, reused while the settings repeat (the unit cell does
     * not depend on where the needles land). */
    mn_heat_result *heat;
    mn_device_spec heat_device;
    /* Each session's rows of the per-session tables (NULL where a session has none). They are
     * kept as text, and in checkpoints, so that a resumed run writes the same files. */
    char **rows[N_SESSION_TABLES];
} course;

static void course_free(course *c)
{
    mn_heat_result_free(c->heat);
    for (int t = 0; t < N_SESSION_TABLES; t++) {
        for (int s = 0; c->rows[t] && s < c->n_sessions; s++)
            free(c->rows[t][s]);
        free(c->rows[t]);
    }
    free(c->days);
    free(c->injuries);
}

static mn_status course_init(const mn_model *m, course *c)
{
    memset(c, 0, sizeof *c);
    c->n_sessions = mn_model_total_sessions(m);
    c->end_day = mn_model_end_day(m);
    c->max_erythema_days = -1.0;
    c->max_epidermis_peak_c = NAN;
    MN_ALLOC(c->days, c->n_sessions);
    MN_ALLOC(c->injuries, c->n_sessions);
    for (int t = 0; t < N_SESSION_TABLES; t++)
        MN_ALLOC(c->rows[t], c->n_sessions);
    for (int s = 1; s <= c->n_sessions; s++)
        c->days[s - 1] = mn_model_session_day(m, s);
    return MN_OK;
}

/* Where the per-session stages report: all optional (planning runs report nowhere). */
typedef struct session_sinks {
    cJSON *summary;
    FILE *punctures_csv;
    const char *dir;         /* output folder for field files */
    size_t max_memory_bytes; /* budget of a session's grids */
} session_sinks;

/* Captures what a table writer prints for one session as text. */
typedef struct text_sink {
    FILE *f;
    char *text;
    size_t len;
} text_sink;

static mn_status text_open(text_sink *t)
{
    t->text = NULL;
    t->len = 0;
    t->f = open_memstream(&t->text, &t->len);
    if (!t->f)
        return mn_error_set(MN_ENOMEM, "out of memory for a session's table rows");
    return MN_OK;
}

/* Closes the sink and hands its text to *slot (freeing what was there). */
static mn_status text_close(text_sink *t, char **slot)
{
    if (fclose(t->f) != 0) {
        free(t->text);
        return mn_error_set(MN_ENOMEM, "out of memory for a session's table rows");
    }
    free(*slot);
    *slot = t->text;
    return MN_OK;
}

/* Spreads the coagulated volume of an RF session uniformly over the depth band of its columns,
 * onto the healing grid's depth cells. */
static void add_thermal_injury(const mn_heat_injury *hi, mn_healing_injury *inj)
{
    /* nL per cm² -> µm of tissue-equivalent thickness: 1 nL = 1e6 µm³, 1 cm² = 1e8 µm². */
    const double thickness_um = hi->coagulated_nl_per_cm2 * 1e6 / MN_UM2_PER_CM2;
    const double band = hi->depth_bottom_um - hi->depth_top_um;
    if (thickness_um <= 0.0 || band <= 0.0)
        return;
    const double dz = (inj->dermis_bottom_um - inj->dermis_top_um) / MN_HEALING_NZ;
    inj->thermal_zone_radius_um = 0.5 * hi->zone_width_um;
    for (int k = 0; k < MN_HEALING_NZ; k++) {
        double z0 = inj->dermis_top_um + k * dz, z1 = z0 + dz;
        double overlap = fmin(z1, hi->depth_bottom_um) - fmax(z0, hi->depth_top_um);
        if (overlap > 0.0)
            inj->thermal_fraction[k] =
                fmin(1.0, inj->thermal_fraction[k] + thickness_um / band * overlap / dz);
    }
}

/* RF sessions: current, heat and thermal damage around the needles (src/heat). */
static mn_status heat_session(const mn_model *m, const mn_column *col, int s, course *c,
                              cJSON *session, const session_sinks *out)
{
    mn_device_spec dev = mn_model_session_device(m, s);
    mn_heat_injury hi;
    mn_heat_summary hs;
    if (!c->heat || memcmp(&dev, &c->heat_device, sizeof dev) != 0) {
        mn_heat_result_free(c->heat);
        c->heat = NULL;
        MN_TRY(mn_heat_run(&dev, col, NULL, &c->heat));
        c->heat_device = dev;
    }
    MN_TRY(mn_heat_get_injury(c->heat, dev.passes, &hi));
    MN_TRY(mn_heat_get_summary(c->heat, &hs));
    if (session)
        MN_TRY(mn_heat_summary_json(c->heat, session));
    if (out->dir) {
        text_sink t;
        char path[4200], name[64];
        MN_TRY(text_open(&t));
        mn_heat_write_curve_csv(c->heat, t.f, s, s == 1);
        MN_TRY(text_close(&t, &c->rows[TABLE_THERMAL][s - 1]));
        snprintf(name, sizeof name, "fields/thermal_s%d.vti", s);
        MN_TRY(mn_io_join(path, sizeof path, out->dir, "fields"));
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return mn_error_set(MN_EIO, "%s: cannot create folder: %s", path, strerror(errno));
        MN_TRY(mn_io_join(path, sizeof path, out->dir, name));
        MN_TRY(mn_heat_write_vti(c->heat, path));
    }
    add_thermal_injury(&hi, &c->injuries[s - 1]);
    if (!(hi.epidermis_peak_temperature_c <= c->max_epidermis_peak_c)) {
        c->max_epidermis_peak_c = hi.epidermis_peak_temperature_c;
        c->heat_on_time_s = hs.on_time_ms / 1000.0;
    }
    return MN_OK;
}

/* The product through the session's channels and through intact skin (src/delivery). */
static mn_status deliver_session(const mn_model *m, const mn_column *col, const mn_punctures *p,
                                 int s, course *c, cJSON *session, const session_sinks *out)
{
    mn_status st = MN_OK;
    mn_delivery_options opt;
    mn_delivery_result *d = NULL;
    mn_delivery_options_default(&opt);
    opt.max_memory_bytes = out->max_memory_bytes;
    MN_TRY(mn_delivery_run(m, col, p, &opt, &d));
    MN_TRY_GOTO(mn_delivery_summary_json(d, session), done);
    if (out->dir) {
        text_sink t;
        MN_TRY_GOTO(mn_delivery_write_fields(d, out->dir), done);
        MN_TRY_GOTO(text_open(&t), done);
        mn_delivery_write_series(t.f, d, s == 1);
        MN_TRY_GOTO(text_close(&t, &c->rows[TABLE_DELIVERY][s - 1]), done);
        MN_TRY_GOTO(text_open(&t), done);
        mn_delivery_write_profiles(t.f, d, s == 1);
        MN_TRY_GOTO(text_close(&t, &c->rows[TABLE_PROFILES][s - 1]), done);
    }
done:
    mn_delivery_result_free(d);
    return st;
}

/* Writes each per-session table whose first session has rows: the rows of sessions 1..n in
 * order (session 1's carry the header). */
static mn_status write_session_tables(const course *c, int n, const char *dir)
{
    char path[4200];
    for (int t = 0; t < N_SESSION_TABLES; t++) {
        if (n < 1 || !c->rows[t][0])
            continue;
        mn_afile af;
        MN_TRY(mn_io_join(path, sizeof path, dir, table_files[t]));
        MN_TRY(mn_afile_open(path, &af));
        for (int s = 0; s < n; s++)
            if (c->rows[t][s])
                fputs(c->rows[t][s], af.f);
        MN_TRY(mn_afile_commit(&af));
    }
    return MN_OK;
}

static mn_status run_session(const mn_model *m, const mn_column *col, int s, course *c,
                             const session_sinks *out)
{
    mn_status st = MN_OK;
    mn_punctures *p = NULL;
    mn_needling_summary ns;
    cJSON *session = NULL;
    MN_TRY(mn_needling_generate(m, col, s, &p));
    MN_TRY_GOTO(mn_needling_summarize(m, col, p, &ns), done);
    if (out->summary)
        MN_TRY_GOTO(mn_summary_add_session(out->summary, s, c->days[s - 1], &ns, &session), done);
    if (out->punctures_csv)
        MN_TRY_GOTO(mn_punctures_write_csv(out->punctures_csv, p, s == 1), done);
    MN_TRY_GOTO(mn_healing_injury_from_punctures(p, col, m->patch_width_um * m->patch_length_um,
                                                 &c->injuries[s - 1]),
                done);
    for (size_t i = 0; i < p->n; i++)
        if (p->tissue_depth_um[i] > c->max_tissue_depth_um)
            c->max_tissue_depth_um = p->tissue_depth_um[i];
    if (ns.bleeding_fraction > c->max_bleeding_fraction)
        c->max_bleeding_fraction = ns.bleeding_fraction;
    if (m->device.type == MN_DEVICE_RF)
        MN_TRY_GOTO(heat_session(m, col, s, c, session, out), done);
    if (m->product.present && out->summary)
        MN_TRY_GOTO(deliver_session(m, col, p, s, c, session, out), done);
done:
    mn_punctures_free(p);
    return st;
}

static mn_status heal(const mn_model *m, const mn_column *col, course *c, mn_healing_result **out)
{
    mn_healing_params prm;
    MN_TRY(mn_healing_params_default(&prm));
    MN_TRY(mn_healing_course_run(&prm, &m->patient, col, c->days, c->injuries, c->n_sessions,
                                 c->end_day, out));
    for (int s = 0; s < c->n_sessions; s++) {
        double e = mn_healing_result_erythema_days(*out, s);
        if (e > c->max_erythema_days)
            c->max_erythema_days = e;
    }
    return MN_OK;
}

/* Risks of the course (clinic stage) into summary.json. */
static mn_status add_risks(const mn_model *m, const mn_column *col, const course *c, cJSON *summary)
{
    mn_risk_inputs in;
    mn_risks risks;
    mn_risk_inputs_init(&in);
    in.patient = &m->patient;
    in.zone = m->site.zone;
    in.column = col;
    in.device_type = m->device.type;
    in.set_depth_um = m->device.set_depth_um;
    for (int s = 1; s <= c->n_sessions; s++) {
        double d = mn_model_session_device(m, s).set_depth_um;
        if (d > in.set_depth_um)
            in.set_depth_um = d;
    }
    in.tissue_depth_max_um = c->max_tissue_depth_um;
    in.bleeding_fraction = c->max_bleeding_fraction;
    in.erythema_days = c->max_erythema_days;
    in.product_name = m->product.present ? m->product.name : NULL;
    if (!isnan(c->max_epidermis_peak_c)) {
        in.epidermis_peak_temperature_c = c->max_epidermis_peak_c;
        in.heat_duration_s = c->heat_on_time_s;
    }
    MN_TRY(mn_clinic_risks(&in, &risks));
    return mn_clinic_risks_json(&risks, summary);
}

mn_status mn_run_predict(void *ctx, const mn_model *m, mn_plan_prediction *out)
{
    (void)ctx;
    mn_status st = MN_OK;
    mn_column col;
    course c;
    mn_healing_result *h = NULL;
    /* Planning predicts the healing outcome only: no product delivery, no files. */
    const session_sinks none = {NULL, NULL, NULL, 0};
    memset(out, 0, sizeof *out);
    MN_TRY(mn_anatomy_column_for(m, &col));
    MN_TRY_GOTO(course_init(m, &c), done);
    for (int s = 1; s <= c.n_sessions; s++)
        MN_TRY_GOTO(run_session(m, &col, s, &c, &none), done);
    MN_TRY_GOTO(heal(m, &col, &c, &h), done);
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
    course_free(&c);
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

/* The course state of the sessions done, kept in checkpoints so a resumed run heals exactly
 * the course an uninterrupted one would have: keys "course/injury/<session>" (one per
 * session, so saving stays linear in the sessions), "course/max", "course/samples". */
static mn_status course_save(mn_runckpt *k, const course *c, int samples, int s)
{
    char key[64];
    double max[4] = {c->max_tissue_depth_um, c->max_bleeding_fraction, c->max_epidermis_peak_c,
                     c->heat_on_time_s};
    uint64_t n = (uint64_t)samples;
    snprintf(key, sizeof key, "course/injury/%d", s);
    MN_TRY(mn_checkpoint_put(k->stages, key, &c->injuries[s - 1], sizeof *c->injuries));
    for (int t = 0; t < N_SESSION_TABLES; t++)
        if (c->rows[t][s - 1]) {
            snprintf(key, sizeof key, "course/rows/%s/%d", table_files[t], s);
            MN_TRY(mn_checkpoint_put_text(k->stages, key, c->rows[t][s - 1]));
        }
    MN_TRY(mn_checkpoint_put(k->stages, "course/max", max, sizeof max));
    return mn_checkpoint_put(k->stages, "course/samples", &n, sizeof n);
}

static mn_status course_restore(const mn_runckpt *k, course *c, int *samples)
{
    char key[64];
    const void *d;
    size_t len;
    uint64_t n;
    for (int s = 1; s < k->first_session; s++) {
        snprintf(key, sizeof key, "course/injury/%d", s);
        MN_TRY(mn_checkpoint_get(k->stages, key, &d, &len));
        if (len != sizeof *c->injuries)
            return mn_error_set(MN_EINPUT, "checkpoint: %s has %zu bytes (expected %zu)", key, len,
                                sizeof *c->injuries);
        memcpy(&c->injuries[s - 1], d, len);
        for (int t = 0; t < N_SESSION_TABLES; t++) {
            const char *text = NULL;
            snprintf(key, sizeof key, "course/rows/%s/%d", table_files[t], s);
            if (mn_checkpoint_get_text(k->stages, key, &text) == MN_OK && text &&
                !(c->rows[t][s - 1] = strdup(text)))
                return mn_error_set(MN_ENOMEM, "out of memory restoring a checkpoint");
        }
    }
    MN_TRY(mn_checkpoint_get(k->stages, "course/max", &d, &len));
    if (len != 4 * sizeof(double))
        return mn_error_set(MN_EINPUT, "checkpoint: course/max has %zu bytes", len);
    const double *max = d;
    c->max_tissue_depth_um = max[0];
    c->max_bleeding_fraction = max[1];
    c->max_epidermis_peak_c = max[2];
    c->heat_on_time_s = max[3];
    MN_TRY(mn_checkpoint_get_u64(k->stages, "course/samples", &n));
    *samples = (int)n;
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
static mn_status add_healing(const mn_run *r, const mn_column *col, course *c, int threads,
                             cJSON *summary, const char *timeline_path)
{
    const mn_model *m = &r->model;
    cJSON *sessions = cJSON_GetObjectItemCaseSensitive(summary, "sessions");
    mn_healing_result *h = NULL;
    MN_TRY(heal(m, col, c, &h));
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

mn_status mn_run_execute(mn_run *r)
{
    mn_status st = MN_OK;
    cJSON *summary = NULL;
    mn_afile csv = {0};
    int csv_open = 0;
    course c = {0};
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
    MN_TRY(course_init(m, &c));
    MN_TRY_GOTO(mn_runckpt_begin(&r->ck, m, threads, r->output_dir, &summary), done);
    if (r->ck.resuming)
        MN_TRY_GOTO(course_restore(&r->ck, &c, &r->samples), done);
    char path[4200], timeline[4200];
    if (r->output_dir) {
        MN_TRY_GOTO(mn_io_prepare_output_dir(r->output_dir, r->force), done);
        MN_TRY_GOTO(mn_io_join(path, sizeof path, r->output_dir, "punctures.csv"), done);
        MN_TRY_GOTO(mn_io_join(timeline, sizeof timeline, r->output_dir, "timeline.csv"), done);
        MN_TRY_GOTO(mn_runckpt_open_csv(&r->ck, path, &csv), done);
        csv_open = 1;
    }
    session_sinks sinks = {summary, csv_open ? csv.f : NULL, r->output_dir, r->max_memory_bytes};
    int units = c.n_sessions + 2; /* progress (core/progress.h): sessions, healing, outputs */
    for (int s = r->ck.first_session; s <= c.n_sessions && st == MN_OK; s++) {
        char stage[64];
        snprintf(stage, sizeof stage, "session %d/%d: needling", s, c.n_sessions);
        mn_progress_report(stage, s - 1, units);
        st = run_session(m, &col, s, &c, &sinks);
        if (st == MN_OK)
            st = course_save(&r->ck, &c, r->samples, s);
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
        MN_TRY_GOTO(add_risks(m, &col, &c, summary), done);
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
        MN_TRY_GOTO(write_session_tables(&c, r->ck.done_sessions, r->output_dir), done);
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
    course_free(&c);
    return st;
}
