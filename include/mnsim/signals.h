/* mnsim — stop requests. SIGINT/SIGTERM ask a run to stop cleanly at the next session boundary
 * (or sooner, where a stage polls mn_signals_stop_requested()); a second one ends the process
 * at once. The library installs no handler by itself: a command calls mn_signals_install, and
 * a host program (the Python package, a GUI) may instead call mn_signals_request_stop from its
 * own handler or thread. */
#ifndef MNSIM_SIGNALS_H
#define MNSIM_SIGNALS_H

#include "mnsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* SIGINT and SIGTERM -> stop request (the second one: default action); SIGXFSZ ignored, so
 * writing past `ulimit -f` fails with EFBIG and is reported like a full disk. */
MN_API void mn_signals_install(void);
/* Async-signal-safe. */
MN_API void mn_signals_request_stop(int signo);
/* Non-zero (the signal number, or -1 for a request without one) once a stop was requested. */
MN_API int mn_signals_stop_requested(void);
MN_API void mn_signals_clear(void);

#ifdef __cplusplus
}
#endif
#endif
