/* libmnsim — public interface (this header includes every other one of include/mnsim/).
 *
 * A run takes a treatment scenario through the pipeline (anatomy -> needling -> fields ->
 * delivery -> healing -> clinic) and writes its results. It is a thin wrapper over the session
 * API of mnsim/session.h (what `mnsim run` itself uses): mn_run_execute creates a session with
 * the run's settings, runs every stage in order and writes the session's outputs.
 *
 *   mn_run *run = NULL;
 *   if (mn_run_create(&run) != MN_OK) ...
 *   mn_run_set_scenario_file(run, "cheek.yaml");     // or mn_run_set_default_scenario(run)
 *   mn_run_set_output_dir(run, "out");
 *   if (mn_run_execute(run) != MN_OK) fprintf(stderr, "%s\n", mn_last_error());
 *   const char *json; mn_run_get_summary_json(run, &json);
 *   mn_run_free(run);
 *
 * Every call returns an mn_status; on failure mn_last_error() holds the message. The library
 * never exits or aborts. */
#ifndef MNSIM_MNSIM_H
#define MNSIM_MNSIM_H

#include <stddef.h>
#include <stdint.h>

#include "mnsim/bench.h"
#include "mnsim/clinic.h"
#include "mnsim/export.h"
#include "mnsim/field.h"
#include "mnsim/permeability.h"
#include "mnsim/progress.h"
#include "mnsim/session.h"
#include "mnsim/signals.h"
#include "mnsim/status.h"
#include "mnsim/tables.h"
#include "mnsim/trial.h"
#include "mnsim/verify.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mn_run mn_run;

MN_API mn_status mn_run_create(mn_run **out);
/* Loads and validates a scenario file (errors as FILE:LINE:COL: key: problem (expected ...)). */
MN_API mn_status mn_run_set_scenario_file(mn_run *run, const char *path);
/* Loads a scenario from YAML text; label names it in messages. */
MN_API mn_status mn_run_set_scenario_text(mn_run *run, const char *label, const char *yaml);
MN_API mn_status mn_run_set_default_scenario(mn_run *run);
/* Overrides the scenario's seed. */
MN_API mn_status mn_run_set_seed(mn_run *run, uint64_t seed);
/* OpenMP threads (>= 1); results do not depend on it. Default: the OpenMP default. */
MN_API mn_status mn_run_set_threads(mn_run *run, int threads);
/* Virtual patients drawn from the cited parameter ranges (0: none). With N > 0 every outcome
 * number of summary.json becomes {median, p5, p95}; the draws are reproducible from the seed. */
#define MN_RUN_MAX_SAMPLES MN_MAX_SAMPLES
MN_API mn_status mn_run_set_samples(mn_run *run, int samples);
/* Progress of mn_run_execute, reported to fn on the calling thread (NULL: none). */
MN_API mn_status mn_run_set_progress(mn_run *run, mn_progress_fn fn, void *user);
/* Folder for output files; NULL writes nothing. Default "mnsim-out". */
MN_API mn_status mn_run_set_output_dir(mn_run *run, const char *dir);
/* Memory budget of a session's grids in bytes (0: half of physical memory). A grid that would
 * need more stops the run before allocating, with a message naming its size. */
MN_API mn_status mn_run_set_max_memory(mn_run *run, size_t bytes);
/* Allow writing into an existing folder that is not an mnsim output. */
MN_API mn_status mn_run_set_force(mn_run *run, int force);
/* Every run screens its patient (summary.json `screening`); a do-not-treat decision makes
 * mn_run_execute fail with MN_EINPUT before anything is written, unless this is set (then
 * `screening.overridden` is true). */
MN_API mn_status mn_run_set_override_screening(mn_run *run, int override);
/* Checkpoint to DIR/checkpoint/ after a session once `minutes` of wall time have passed since
 * the last one (0: after every session); negative: never (the default). */
MN_API mn_status mn_run_set_checkpoint_every(mn_run *run, double minutes);
/* Continues the checkpoint in dir (scenario, seed, threads, progress and output folder come
 * from it; mn_run_set_threads may follow); then mn_run_execute. */
MN_API mn_status mn_run_resume(mn_run *run, const char *dir);
/* The pre-flight estimate of a configured run (scenario, seed, samples set), from the scenario
 * alone: nothing is allocated or written. mn_run_execute computes the same before it starts and
 * refuses (MN_EINPUT, naming the scenario keys) a run whose memory exceeds the budget of
 * mn_run_set_max_memory or whose files exceed the output folder's free disk. Estimates are good
 * to a factor of about two; seconds are CPU seconds of the development machine. */
MN_API mn_status mn_run_estimate(const mn_run *run, mn_estimate *out);
/* Runs the scenario. A stop request (SIGINT/SIGTERM once the command installed its handler)
 * ends it at a session boundary with MN_EINTERRUPTED: the outputs hold the whole sessions done,
 * summary.json says "complete": false, and a checkpoint is left for mn_run_resume. */
MN_API mn_status mn_run_execute(mn_run *run);
/* summary.json of the last execute (owned by the run). */
MN_API mn_status mn_run_get_summary_json(const mn_run *run, const char **json);
MN_API void mn_run_free(mn_run *run);

#ifdef __cplusplus
}
#endif
#endif
