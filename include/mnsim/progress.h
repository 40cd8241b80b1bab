/* mnsim — progress of long work, reported to a callback an application installs
 * (mn_run_set_progress, mn_session_set_progress). The library itself never prints. */
#ifndef MNSIM_PROGRESS_H
#define MNSIM_PROGRESS_H

#ifdef __cplusplus
extern "C" {
#endif

/* done of total units of the whole work; stage names what runs now ("session 2/3: needling").
 * Called on the thread that runs the work. */
typedef void (*mn_progress_fn)(void *user, const char *stage, double done, double total);

#ifdef __cplusplus
}
#endif
#endif
