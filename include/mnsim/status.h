/* mnsim — status codes and the error message every failing call leaves behind. */
#ifndef MNSIM_STATUS_H
#define MNSIM_STATUS_H

#include "mnsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every library call that can fail returns one of these. The failing function sets the
 * message once (mn_last_error); callers propagate the status unchanged. */
typedef enum mn_status {
    MN_OK = 0,
    MN_EINPUT,       /* bad scenario, patient file or argument value: the user can fix it */
    MN_EUSAGE,       /* bad command-line usage */
    MN_ENOMEM,       /* allocation failed, or a grid exceeds the memory budget */
    MN_EIO,          /* a file could not be read or written */
    MN_ENUMERIC,     /* NaN, infinity or a negative concentration appeared */
    MN_ESOLVER,      /* an integrator failed to converge */
    MN_EINTERRUPTED, /* stopped on request (SIGINT) */
    MN_EINTERNAL     /* a broken invariant: a bug in mnsim */
} mn_status;

/* Message of the last failure on this thread ("" if none). Valid until the next failure. */
MN_API const char *mn_last_error(void);

/* Short name of a status ("input error", ...). */
MN_API const char *mn_status_name(mn_status st);

/* Exit code the command line uses for a status: 0 ok, 2 bad usage or input, 1 otherwise. */
MN_API int mn_status_exit_code(mn_status st);

#ifdef __cplusplus
}
#endif
#endif
