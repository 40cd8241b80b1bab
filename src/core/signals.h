/* Stop requests (declared in the public mnsim/signals.h: SIGINT/SIGTERM handling, and
 * mn_signals_request_stop for host programs). Stages poll mn_signals_stop_requested(). */
#ifndef MN_CORE_SIGNALS_H
#define MN_CORE_SIGNALS_H

#include "mnsim/signals.h"

#endif
