#include "run/course.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/risks.h"
#include "core/error.h"
#include "core/units.h"
#include "delivery/delivery.h"
#include "io/atomic.h"
#include "io/delivery_out.h"
#include "io/heat_vti.h"
#include "io/pvd.h"
#include "io/summary.h"
#include "io/summary_delivery.h"
#include "io/summary_heat.h"
#include "needling/needling.h"

static const char *const table_files[N_SESSION_TABLES] = {
    "thermal.csv", "delivery.csv", "delivery_profiles.csv", "thermal_lesion.csv"};

void mn_course_free(mn_course *c)
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

mn_status mn_course_init(const mn_model *m, mn_course *c)
{
    memset(c, 0, sizeof *c);
    c->n_sessions = mn_model_total_sessions(m);
    c->end_day = mn_model_end_day(m);
    c->max_erythema_days = -1.0;
    c->pih_probability = -1.0;
    c->max_epidermis_peak_c = NAN;
    c->max_epidermis_omega = NAN;
    MN_ALLOC(c->days, c->n_sessions);
    MN_ALLOC(c->injuries, c->n_sessions);
    for (int t = 0; t < N_SESSION_TABLES; t++)
        MN_ALLOC(c->rows[t], c->n_sessions);
    for (int s = 1; s <= c->n_sessions; s++)
        c->days[s - 1] = mn_model_session_day(m, s);
    return MN_OK;
}

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

/* RF sessions: current, heat and thermal damage around the needles (src/heat). */
mn_status mn_course_heat(const mn_model *m, const mn_column *col, int s, mn_course *c,
                         cJSON *session, const mn_session_sinks *out)
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
        MN_TRY(mn_summary_add_thermal(session, &hs));
    if (out->dir) {
        text_sink t;
        char path[4200], name[64];
        MN_TRY(text_open(&t));
        mn_io_write_thermal_curve_csv(t.f, c->heat, s, s == 1);
        MN_TRY(text_close(&t, &c->rows[TABLE_THERMAL][s - 1]));
        MN_TRY(text_open(&t));
        mn_io_write_thermal_lesion_csv(t.f, c->heat, s, s == 1);
        MN_TRY(text_close(&t, &c->rows[TABLE_LESION][s - 1]));
        snprintf(name, sizeof name, "fields/thermal_s%d.vti", s);
        MN_TRY(mn_io_join(path, sizeof path, out->dir, "fields"));
        MN_TRY(mn_io_mkdir(path));
        MN_TRY(mn_io_join(path, sizeof path, out->dir, name));
        MN_TRY(mn_heat_write_vti(c->heat, path));
    }
    mn_healing_injury_add_thermal(&c->injuries[s - 1], hi.coagulated_nl_per_cm2, hi.depth_top_um,
                                  hi.depth_bottom_um, hi.zone_width_um);
    /* The cells die in the wider Ω_skin >= 1 zone around each coagulation column (healing). */
    mn_healing_injury_add_cell_death(&c->injuries[s - 1],
                                     hi.zones_per_cm2 * hs.cell_death.volume_nl,
                                     hs.cell_death.top_um, hs.cell_death.bottom_um);
    if (!(hs.epidermis_omega_skin <= c->max_epidermis_omega))
        c->max_epidermis_omega = hs.epidermis_omega_skin;
    if (!(hi.epidermis_peak_temperature_c <= c->max_epidermis_peak_c)) {
        c->max_epidermis_peak_c = hi.epidermis_peak_temperature_c;
        c->heat_on_time_s = hs.on_time_ms / 1000.0;
    }
    return MN_OK;
}

/* The product through the session's channels and through intact skin (src/delivery). */
mn_status mn_course_deliver(const mn_model *m, const mn_column *col, const mn_punctures *p, int s,
                            mn_course *c, cJSON *session, const mn_session_sinks *out)
{
    mn_status st = MN_OK;
    mn_delivery_options opt;
    mn_delivery_result *d = NULL;
    mn_delivery_options_default(&opt);
    opt.max_memory_bytes = out->max_memory_bytes;
    MN_TRY(mn_delivery_run(m, col, p, &opt, &d));
    /* Healing reads the dermis's exposure to the product (healing_products.csv): the largest
     * amount it held during the application. What is left at the end is ~10^4 times smaller for
     * a product cleared within hours, and is not what the fibroblasts saw. */
    mn_delivery_exposure ex;
    MN_TRY_GOTO(mn_delivery_get_exposure(d, MN_DOSE_DERMIS, false, &ex), done);
    snprintf(c->injuries[s - 1].product, sizeof c->injuries[s - 1].product, "%s", m->product.name);
    c->injuries[s - 1].product_dermis_ug_per_cm2 = ex.peak_ug_cm2;
    if (session)
        MN_TRY_GOTO(mn_summary_add_delivery(session, d), done);
    if (out->dir) {
        text_sink t;
        MN_TRY_GOTO(mn_io_write_delivery_fields(d, out->dir), done);
        MN_TRY_GOTO(text_open(&t), done);
        mn_io_write_delivery_series(t.f, d, s == 1);
        MN_TRY_GOTO(text_close(&t, &c->rows[TABLE_DELIVERY][s - 1]), done);
        MN_TRY_GOTO(text_open(&t), done);
        mn_io_write_delivery_profiles(t.f, d, s == 1);
        MN_TRY_GOTO(text_close(&t, &c->rows[TABLE_PROFILES][s - 1]), done);
    }
done:
    mn_delivery_result_free(d);
    return st;
}

/* Writes each per-session table whose first session has rows: the rows of sessions 1..n in
 * order (session 1's carry the header). */
mn_status mn_course_write_tables(const mn_course *c, int n, const char *dir)
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
    /* RF: fields/thermal.pvd, the sessions' thermal fields in time order (hours after the
     * first session), for ParaView. */
    if (n >= 1 && c->rows[TABLE_THERMAL][0]) {
        char(*names)[32] = calloc((size_t)n, sizeof *names);
        const char **files = calloc((size_t)n, sizeof *files);
        double *times = calloc((size_t)n, sizeof *times);
        size_t m = 0;
        mn_status st = names && files && times
                           ? mn_io_join(path, sizeof path, dir, "fields/thermal.pvd")
                           : mn_error_set(MN_ENOMEM, "out of memory listing the thermal fields");
        for (int s = 1; st == MN_OK && s <= n; s++)
            if (c->rows[TABLE_THERMAL][s - 1]) {
                snprintf(names[m], sizeof names[m], "thermal_s%d.vti", s);
                files[m] = names[m];
                times[m++] = 24.0 * c->days[s - 1];
            }
        if (st == MN_OK)
            st = mn_pvd_write(path, m, times, files);
        free(names), free(files), free(times);
        MN_TRY(st);
    }
    return MN_OK;
}

/* punctures.csv rows of a session, chunk by chunk: a whole zone is streamed (issue 12). */
typedef struct csv_sink {
    FILE *f;
    int header;
} csv_sink;

static mn_status write_punctures(void *ctx, const mn_punctures *chunk)
{
    csv_sink *k = ctx;
    MN_TRY(mn_punctures_write_csv(k->f, chunk, k->header));
    k->header = 0;
    return MN_OK;
}

mn_status mn_course_needle(const mn_model *m, const mn_column *col, int s, mn_course *c,
                           const mn_session_sinks *out, cJSON **session_out, mn_punctures **kept,
                           mn_model *wm)
{
    mn_status st = MN_OK;
    mn_punctures *p = NULL;
    mn_needling_summary ns;
    cJSON *session = NULL;
    /* wm: the patch, or the representative window of a streamed whole zone (issue 12). */
    csv_sink k = {out->punctures_csv, s == 1};
    /* Without a summary to write (trial and virtual patients) a patch held whole skips the
     * needling summary; a streamed zone's bleeding fraction needs it (p is then a window). */
    int summarize = out->summary || m->patch_width_um * m->patch_length_um / MN_UM2_PER_CM2 >
                                        MN_NEEDLING_STREAM_ABOVE_CM2;
    MN_TRY(mn_needling_session(m, col, s, MN_NEEDLING_STREAM_ABOVE_CM2,
                               out->punctures_csv ? write_punctures : NULL, &k,
                               summarize ? &ns : NULL, &p, wm));
    if (!summarize) { /* the course still needs the bleeding fraction */
        size_t bled = 0;
        for (size_t i = 0; i < p->n; i++)
            bled += p->bleeds[i] != 0;
        ns.bleeding_fraction = p->n ? (double)bled / (double)p->n : 0.0;
    }
    if (out->summary)
        MN_TRY_GOTO(mn_summary_add_session(out->summary, s, c->days[s - 1], &ns, &session), done);
    MN_TRY_GOTO(mn_healing_injury_from_punctures(p, col, wm->patch_width_um * wm->patch_length_um,
                                                 &c->injuries[s - 1]),
                done);
    for (size_t i = 0; i < p->n; i++)
        if (p->tissue_depth_um[i] > c->max_tissue_depth_um)
            c->max_tissue_depth_um = p->tissue_depth_um[i];
    if (ns.bleeding_fraction > c->max_bleeding_fraction)
        c->max_bleeding_fraction = ns.bleeding_fraction;
done:
    if (session_out)
        *session_out = session;
    if (st == MN_OK && kept)
        *kept = p;
    else
        mn_punctures_free(p);
    return st;
}

mn_status mn_course_run_session(const mn_model *m, const mn_column *col, int s, mn_course *c,
                                const mn_session_sinks *out)
{
    mn_status st = MN_OK;
    mn_punctures *p = NULL;
    cJSON *session = NULL;
    mn_model wm;
    MN_TRY(mn_course_needle(m, col, s, c, out, &session, &p, &wm));
    if (m->device.type == MN_DEVICE_RF)
        MN_TRY_GOTO(mn_course_heat(m, col, s, c, session, out), done);
    if (m->product.present && out->summary)
        MN_TRY_GOTO(mn_course_deliver(&wm, col, p, s, c, session, out), done);
done:
    mn_punctures_free(p);
    return st;
}

mn_status mn_course_heal(const mn_model *m, const mn_column *col, mn_course *c,
                         mn_healing_result **out)
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
    mn_healing_outcome o;
    mn_healing_result_outcome(*out, &o);
    c->pih_probability = o.pih_probability;
    return MN_OK;
}

/* Risks of the course (clinic stage) into summary.json. */
mn_status mn_course_add_risks(const mn_model *m, const mn_column *col, const mn_course *c,
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
    for (int s = 1; s <= c->n_sessions; s++) {
        double d = mn_model_session_device(m, s).set_depth_um;
        if (d > in.set_depth_um)
            in.set_depth_um = d;
    }
    in.tissue_depth_max_um = c->max_tissue_depth_um;
    in.bleeding_fraction = c->max_bleeding_fraction;
    in.erythema_days = c->max_erythema_days;
    in.pih_probability = c->pih_probability;
    in.product_name = m->product.present ? m->product.name : NULL;
    in.setting = m->device.setting;
    in.sterile = m->device.sterile;
    in.reuse_count = m->device.reuse_count;
    in.operator_ = m->operator_;
    if (!isnan(c->max_epidermis_peak_c)) {
        in.epidermis_peak_temperature_c = c->max_epidermis_peak_c;
        in.heat_duration_s = c->heat_on_time_s;
        in.epidermis_omega = c->max_epidermis_omega;
    }
    MN_TRY(mn_clinic_risks(&in, &risks));
    return mn_clinic_risks_json(&risks, summary);
}

/* The course state of the sessions done, kept in checkpoints so a resumed run heals exactly
 * the course an uninterrupted one would have: keys "course/injury/<session>" (one per
 * session, so saving stays linear in the sessions), "course/max", "course/samples". */
mn_status mn_course_save(mn_runckpt *k, const mn_course *c, int samples, int s)
{
    char key[64];
    double max[5] = {c->max_tissue_depth_um, c->max_bleeding_fraction, c->max_epidermis_peak_c,
                     c->heat_on_time_s, c->max_epidermis_omega};
    uint64_t n = (uint64_t)samples;
    /* s = 0: before the first session (a stop there still leaves a complete checkpoint). */
    if (s >= 1) {
        snprintf(key, sizeof key, "course/injury/%d", s);
        MN_TRY(mn_checkpoint_put(k->stages, key, &c->injuries[s - 1], sizeof *c->injuries));
    }
    for (int t = 0; s >= 1 && t < N_SESSION_TABLES; t++)
        if (c->rows[t][s - 1]) {
            snprintf(key, sizeof key, "course/rows/%s/%d", table_files[t], s);
            MN_TRY(mn_checkpoint_put_text(k->stages, key, c->rows[t][s - 1]));
        }
    MN_TRY(mn_checkpoint_put(k->stages, "course/max", max, sizeof max));
    return mn_checkpoint_put(k->stages, "course/samples", &n, sizeof n);
}

/* A checkpoint's injury is used only when every value is one a session can produce: finite, the
 * fractions in [0, 1], densities and depths non-negative and bounded (a crafted checkpoint must
 * be refused, never crash or hang the healing stage). */
/* MN_RUN_MAX_SAMPLES of mnsim.h (not included here: its session.h names the dose layers too). */
#define COURSE_MAX_SAMPLES 100000

static int injury_valid(const mn_healing_injury *in)
{
    const double max_depth_um = 1e5, max_density_per_um2 = 1.0;
    if (!(in->dermis_top_um >= 0 && in->dermis_top_um < in->dermis_bottom_um &&
          in->dermis_bottom_um <= max_depth_um))
        return 0;
    for (int z = 0; z < MN_HEALING_NZ; z++)
        if (!(in->density_per_um2[z] >= 0 && in->density_per_um2[z] <= max_density_per_um2) ||
            !(in->bleed_density_per_um2[z] >= 0 &&
              in->bleed_density_per_um2[z] <= max_density_per_um2) ||
            !(in->wound_fraction[z] >= 0 && in->wound_fraction[z] <= 1) ||
            !(in->thermal_fraction[z] >= 0 && in->thermal_fraction[z] <= 1) ||
            !(in->thermal_kill_fraction[z] >= 0 && in->thermal_kill_fraction[z] <= 1))
            return 0;
    return in->thermal_zone_radius_um >= 0 && in->thermal_zone_radius_um <= max_depth_um &&
           in->epidermal_wound_fraction >= 0 && in->epidermal_wound_fraction <= 1 &&
           in->punctures_per_cm2 >= 0 && in->punctures_per_cm2 <= 1e8 &&
           in->bleeding_fraction >= 0 && in->bleeding_fraction <= 1 && in->mean_depth_um >= 0 &&
           in->mean_depth_um <= max_depth_um;
}

mn_status mn_course_restore(const mn_runckpt *k, mn_course *c, int *samples)
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
        if (!injury_valid(&c->injuries[s - 1]))
            return mn_error_set(MN_EINPUT,
                                "checkpoint: %s holds values no session produces (expected "
                                "finite fractions in [0, 1], densities and depths >= 0)",
                                key);
        for (int t = 0; t < N_SESSION_TABLES; t++) {
            const char *text = NULL;
            snprintf(key, sizeof key, "course/rows/%s/%d", table_files[t], s);
            if (mn_checkpoint_get_text(k->stages, key, &text) == MN_OK && text &&
                !(c->rows[t][s - 1] = strdup(text)))
                return mn_error_set(MN_ENOMEM, "out of memory restoring a checkpoint");
        }
    }
    MN_TRY(mn_checkpoint_get(k->stages, "course/max", &d, &len));
    if (len != 5 * sizeof(double))
        return mn_error_set(MN_EINPUT, "checkpoint: course/max has %zu bytes", len);
    const double *max = d;
    for (int i = 0; i < 4; i++)
        if (!(max[i] >= 0 && max[i] <= 1e9) && !(i == 2 && isnan(max[i]))) /* NaN: no RF */
            return mn_error_set(
                MN_EINPUT, "checkpoint: course/max[%d] = %g (expected finite, >= 0)", i, max[i]);
    /* Arrhenius damage of the epidermis: NaN without RF, else finite and non-negative. */
    if (!(isnan(max[4]) || (max[4] >= 0 && isfinite(max[4]))))
        return mn_error_set(MN_EINPUT, "checkpoint: course/max[4] = %g (expected finite, >= 0)",
                            max[4]);
    c->max_tissue_depth_um = max[0];
    c->max_bleeding_fraction = max[1];
    c->max_epidermis_peak_c = max[2];
    c->heat_on_time_s = max[3];
    c->max_epidermis_omega = max[4];
    MN_TRY(mn_checkpoint_get_u64(k->stages, "course/samples", &n));
    if (n > COURSE_MAX_SAMPLES)
        return mn_error_set(MN_EINPUT, "checkpoint: course/samples %llu (expected 0 to %d)",
                            (unsigned long long)n, COURSE_MAX_SAMPLES);
    *samples = (int)n;
    return MN_OK;
}
