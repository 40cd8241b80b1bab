/* Progress of long work. Stages call mn_progress_report() as they go (cheap, and a no-op
 * unless an application installed a handler); the library itself never prints. The handler
 * type is public (mnsim/progress.h); the command's terminal bar lives in cli/. */
#ifndef MN_CORE_PROGRESS_H
#define MN_CORE_PROGRESS_H

#include "mnsim/progress.h"

/* Installs a handler for this process (NULL removes it). Not for use while a run executes. */
void mn_progress_set_handler(mn_progress_fn fn, void *user);
void mn_progress_report(const char *stage, double done, double total);

#endif
