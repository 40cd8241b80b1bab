/* mnsim — the stage-by-stage session API.
 *
 * A scenario (patient, site, device, product, protocol) is loaded once; a session runs its
 * pipeline one stage at a time so a program can look at, or stop after, any stage:
 *
 *   mn_scenario *sc = NULL;
 *   mn_session *s = NULL;
 *   MN_CHECK(mn_scenario_read_file("cheek.yaml", &sc));    // or mn_scenario_read_default
 *   MN_CHECK(mn_session_create(sc, &s));
 *   int n = mn_session_count(s);                           // treatment sessions
 *   for (int k = 1; k <= n; k++) {
 *       mn_session_needle(s, k);                           // punctures of session k
 *       mn_session_heat(s, k);                             // RF devices; nothing otherwise
 *       mn_session_deliver(s, k);                          // the product; nothing without one
 *   }
 *   mn_session_heal(s);                                    // the whole course
 *   mn_session_assess(s);                                  // risks
 *   mn_doses d; mn_session_get_doses(s, 1, &d);            // typed results
 *   mn_session_write(s, "out");                            // the files of `mnsim run`
 *   mn_session_free(s); mn_scenario_free(sc);
 *
 * Stages run in order: session k's needling before its heat and delivery, every session
 * needled before healing, healing before assessment; a call out of order fails with
 * MN_EUSAGE and says what is missing. A stage already run is not run again (MN_OK). Results
 * are the same numbers `mnsim run` reports, byte-identical for any thread count.
 * Every call returns an mn_status; on failure mn_last_error() holds the message. A NULL or
 * freed handle (handles carry a magic number) is refused with MN_EUSAGE; a setter that fails
 * leaves the previous setting in place. */
#ifndef MNSIM_SESSION_H
#define MNSIM_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "mnsim/export.h"
#include "mnsim/progress.h"
#include "mnsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Scenario ------------------------------------------------------------------------ */

typedef struct mn_scenario mn_scenario;

/* Loads and validates a scenario file (errors as FILE:LINE:COL: key: problem (expected ...)). */
MN_API mn_status mn_scenario_read_file(const char *path, mn_scenario **out);
/* YAML text; label names it in messages. */
MN_API mn_status mn_scenario_read_text(const char *label, const char *yaml, mn_scenario **out);
/* The built-in default scenario (a cheek treated with a pen, 3 sessions). */
MN_API mn_status mn_scenario_read_default(mn_scenario **out);
MN_API mn_status mn_scenario_set_seed(mn_scenario *sc, uint64_t seed);
MN_API mn_status mn_scenario_get_seed(const mn_scenario *sc, uint64_t *seed);
/* Treatment sessions of the protocol (maintenance included). */
MN_API int mn_scenario_sessions(const mn_scenario *sc);
MN_API void mn_scenario_free(mn_scenario *sc);

/* ---- Session ------------------------------------------------------------------------- */

typedef struct mn_session mn_session;

/* The session copies the scenario; sc may be freed afterwards. */
MN_API mn_status mn_session_create(const mn_scenario *sc, mn_session **out);
/* OpenMP threads (>= 1); results do not depend on it. Default: the OpenMP default. */
MN_API mn_status mn_session_set_threads(mn_session *s, int threads);
/* Called at the start of every stage (NULL: none). */
MN_API mn_status mn_session_set_progress(mn_session *s, mn_progress_fn fn, void *user);
/* Memory budget of a session's grids in bytes (0: half of physical memory). */
MN_API mn_status mn_session_set_max_memory(mn_session *s, size_t bytes);
/* Folder for the field files (fields/<name>.vti) and per-stage tables, written as the stages run;
 * set it before the first stage to have them (NULL, the default: none). mn_session_write
 * writes the rest. */
MN_API mn_status mn_session_set_output_dir(mn_session *s, const char *dir);
/* Treatment sessions (k = 1 .. count in the stage calls). */
MN_API int mn_session_count(const mn_session *s);

/* ---- What a run sets (`mnsim run` is a loop over these calls) -------------------------
 * Set these before the first stage: once a stage ran they are fixed (MN_EUSAGE). */

/* Virtual patients drawn from the cited parameter ranges at mn_session_heal (0, the default:
 * none). With N > 0 every outcome number of summary.json becomes {median, p5, p95} (the typed
 * getters report the median); the draws are reproducible from the seed. */
#define MN_MAX_SAMPLES 100000
MN_API mn_status mn_session_set_samples(mn_session *s, int samples);
/* Every session screens its patient (summary.json `screening`); a do-not-treat decision makes
 * the first stage fail with MN_EINPUT before anything is written, unless this is set (then
 * `screening.overridden` is true). */
MN_API mn_status mn_session_set_override_screening(mn_session *s, int override);
/* Allow the output folder (mn_session_set_output_dir) to be an existing folder that is not an
 * mnsim output; mnsim then removes or overwrites only its own files. */
MN_API mn_status mn_session_set_force(mn_session *s, int force);
/* With an output folder: checkpoint to DIR/checkpoint/ at the end of a treatment session once
 * `minutes` of wall time have passed since the last one (0: after every session), and while
 * the virtual patients of mn_session_set_samples are drawn; negative: never (the default).
 * A stopped session (below) always leaves one. */
MN_API mn_status mn_session_set_checkpoint_every(mn_session *s, double minutes);
/* all != 0 (the default): the punctures of every session stay readable through
 * mn_session_get_punctures/get_channels until the session is freed. 0: only those of the
 * session needled last are kept (what a long run needs: memory stays that of one session). */
MN_API mn_status mn_session_set_keep_punctures(mn_session *s, int all);
/* The pre-flight estimate of the session's scenario with its samples, from the scenario alone:
 * nothing is allocated or written. The first stage computes the same and refuses (MN_EINPUT,
 * naming the scenario keys) a session whose memory exceeds mn_session_set_max_memory's budget
 * or whose files exceed the output folder's free disk. Estimates are good to a factor of
 * about two; seconds are CPU seconds of the development machine. */
typedef struct mn_estimate {
    double punctures_per_session, punctures, punctures_held;
    double memory_bytes, disk_bytes, seconds;
} mn_estimate;
MN_API mn_status mn_session_estimate(const mn_session *s, mn_estimate *out);
/* A new session continuing the checkpoint in dir (scenario, seed, samples, checkpoint interval
 * and output folder come from it; threads, progress and memory may be set after). A
 * checkpoint is validated as a scenario is: a damaged or crafted one is refused with
 * MN_EINPUT. The stages of the sessions it holds are done already (their calls return MN_OK;
 * their punctures, which the checkpoint does not hold, are needled again from the scenario on
 * the first mn_session_get_punctures/get_channels: the same arrays); the loop of stage calls
 * then continues where it stopped and
 * mn_session_write(s, dir) writes the bytes an uninterrupted session would have written. */
MN_API mn_status mn_session_resume(const char *dir, mn_session **out);

/* The stages. k is the treatment session, 1-based.
 * A stop request (mn_signals_request_stop, or SIGINT/SIGTERM once mn_signals_install ran) makes
 * the stage running return MN_EINTERRUPTED within a second; the session falls back to the last
 * whole treatment session (no course outcome), later stages return MN_EINTERRUPTED, and
 * mn_session_write then writes those whole sessions with "complete": false, leaves a checkpoint
 * in an output folder for mn_session_resume, and returns MN_EINTERRUPTED with a message saying
 * how to continue. */
MN_API mn_status mn_session_needle(mn_session *s, int k);
MN_API mn_status mn_session_heat(mn_session *s, int k);
MN_API mn_status mn_session_deliver(mn_session *s, int k);
MN_API mn_status mn_session_heal(mn_session *s);
MN_API mn_status mn_session_assess(mn_session *s);
/* Every stage of every session in order (what `mnsim run` does). */
MN_API mn_status mn_session_run_all(mn_session *s);

/* ---- Results ------------------------------------------------------------------------- */

/* Punctures of session k as arrays of n (owned by the session, valid until mn_session_free).
 * Coordinates on the patch, origin at its lower-left corner; depths below the surface. For a
 * whole zone large enough to be streamed (punctures.csv holds every puncture), these are the
 * punctures of its representative window, which the later stages use. */
typedef struct mn_puncture_arrays {
    size_t n;
    const int *pass;               /* 0-based pass */
    const double *x_um, *y_um;     /* entry point */
    const double *set_depth_um;    /* needle length or dial setting */
    const double *tissue_depth_um; /* reached in tissue (0: not pierced) */
    const double *angle_deg;       /* axis from the surface normal */
    const unsigned char *layer;    /* deepest layer: 0 SC, 1 epidermis, 2 papillary dermis,
                                      3 reticular dermis, 4 subcutis */
    const unsigned char *bleeds;   /* reached the papillary capillary loops */
    double needle_radius_um;
} mn_puncture_arrays;
MN_API mn_status mn_session_get_punctures(const mn_session *s, int k, mn_puncture_arrays *out);

/* Session figures of summary.json's needling block. */
typedef struct mn_needling_figures {
    size_t punctures;
    double area_cm2, punctures_per_cm2, coverage_fraction;
    double depth_mean_um, depth_p5_um, depth_p50_um, depth_p95_um;
    double bleeding_fraction, duration_min, zone_duration_min;
} mn_needling_figures;
MN_API mn_status mn_session_get_needling(const mn_session *s, int k, mn_needling_figures *out);

/* The channels the punctures of session k leave open after withdrawal, per puncture, in the order
 * and number of mn_session_get_punctures (owned by the session). channel_depth_um: depth below the
 * resting surface the hole stays open to once the tissue has rebounded (<= tissue depth; 0: it
 * closed at once); channel_diameter_um: the open hole at the surface; bleed_probability: the
 * graded probability that the puncture bleeds (from which `bleeds` was drawn). */
typedef struct mn_channel_arrays {
    size_t n;
    const double *channel_depth_um;
    const double *channel_diameter_um;
    const double *bleed_probability;
} mn_channel_arrays;
MN_API mn_status mn_session_get_channels(const mn_session *s, int k, mn_channel_arrays *out);

/* Session figures of those channels (summary.json's needling.channel_depth_um,
 * channel_diameter_um, bleeding_probability_mean: over the whole patch or zone). */
typedef struct mn_channel_figures {
    double depth_mean_um, depth_p5_um, depth_p50_um, depth_p95_um;
    double diameter_mean_um, diameter_p5_um, diameter_p95_um;
    double bleeding_probability_mean;
} mn_channel_figures;
MN_API mn_status mn_session_get_channel_figures(const mn_session *s, int k,
                                                mn_channel_figures *out);

/* Layers of the doses. */
enum {
    MN_DOSE_STRATUM_CORNEUM = 0,
    MN_DOSE_EPIDERMIS,
    MN_DOSE_DERMIS,
    MN_DOSE_SYSTEMIC,
    MN_DOSE_LAYERS
};
/* Product delivered in session k, µg per cm² of skin at the end of the application; intact:
 * the same product on intact skin. NAN where undefined (as null in summary.json). */
typedef struct mn_doses {
    char product[64];
    double ug_per_cm2[MN_DOSE_LAYERS];
    double intact_ug_per_cm2[MN_DOSE_LAYERS];
    double enhancement_ratio, lag_time_h, channel_half_life_h;
} mn_doses;
/* MN_EUSAGE when the scenario has no product or session k was not delivered. */
MN_API mn_status mn_session_get_doses(const mn_session *s, int k, mn_doses *out);

/* RF heating of session k (MN_EUSAGE for devices without RF or before mn_session_heat). */
typedef struct mn_thermal {
    double peak_temperature_c, epidermis_peak_temperature_c;
    double coagulation_depth_um, coagulation_width_um, coagulation_volume_nl;
} mn_thermal;
MN_API mn_status mn_session_get_thermal(const mn_session *s, int k, mn_thermal *out);

/* Course outcome after mn_session_heal: % change from untreated at days 30, 90, 180, 365 after
 * the first session (NAN beyond the simulated follow-up), and the total downtime. */
enum { MN_OUTCOME_DAYS = 4 };
typedef struct mn_outcome {
    double day[MN_OUTCOME_DAYS];
    double collagen_change_percent[MN_OUTCOME_DAYS];
    double elastin_change_percent[MN_OUTCOME_DAYS];
    double epidermal_thickness_change_percent[MN_OUTCOME_DAYS];
    double downtime_days_total;
} mn_outcome;
MN_API mn_status mn_session_get_outcome(const mn_session *s, mn_outcome *out);
/* Days of visible redness after session k (after mn_session_heal). */
MN_API mn_status mn_session_get_erythema_days(const mn_session *s, int k, double *days);

/* Risks after mn_session_assess: count, then each (id, level "low" | "moderate" | "high",
 * reason). */
typedef struct mn_risk_item {
    char id[16];
    char level[16];
    char reason[512];
} mn_risk_item;
MN_API mn_status mn_session_get_risk_count(const mn_session *s, size_t *n);
MN_API mn_status mn_session_get_risk(const mn_session *s, size_t i, mn_risk_item *out);

/* summary.json of the stages run so far (owned by the session, valid until the next call). */
MN_API mn_status mn_session_get_summary_json(mn_session *s, const char **json);

/* Writes summary.json, punctures.csv, timeline.csv (after healing), the stage tables and
 * report.html into dir (created if missing). All or nothing: the session owns the folder
 * (lock, manifest of mnsim's files) and publishes every file at once, summary.json last
 * ("complete": true when every stage of every session ran); on failure the folder keeps its
 * previous state, and the field files the stages wrote into it are discarded too.
 * With an output folder set (mn_session_set_output_dir) the stages stream into it (punctures,
 * fields, checkpoints) and dir must be that folder (another one: MN_EUSAGE, as the streamed
 * files live there); the first write publishes it and removes the checkpoint; a later write
 * writes the same bytes again (restoring a file removed since, keeping the streamed ones)
 * while the folder still holds this session's run, and fails with MN_EUSAGE once its
 * summary.json is another run's. Without one, dir may be any folder and the session may be
 * written several times. A folder holding another mnsim run is replaced (mnsim's own files
 * only); one holding other files needs mn_session_set_force. After a stop see the stages
 * above. */
MN_API mn_status mn_session_write(mn_session *s, const char *dir);
MN_API void mn_session_free(mn_session *s);

#ifdef __cplusplus
}
#endif
#endif
