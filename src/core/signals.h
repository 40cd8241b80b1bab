/* Stop requests: SIGINT/SIGTERM ask a run to stop cleanly at the next session boundary (or
 * sooner, where a stage polls mn_signals_stop_requested()); a second one ends the process at
 * once. The library installs no handler itself: the command does (mn_signals_install), and a
 * host program may call mn_signals_request_stop from its own handler or thread. */
#ifndef MN_CORE_SIGNALS_H
#define MN_CORE_SIGNALS_H

/* SIGINT and SIGTERM -> stop request (the second one: default action); SIGXFSZ ignored, so
 * writing past `ulimit -f` fails with EFBIG and is reported like a full disk. */
void mn_signals_install(void);
/* Async-signal-safe. */
void mn_signals_request_stop(int signo);
/* Non-zero (the signal number, or -1 for a request without one) once a stop was requested. */
int mn_signals_stop_requested(void);
void mn_signals_clear(void);

#endif
