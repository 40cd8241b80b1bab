/* The shape of a code-verification case (public: mnsim/verify.h). Stages define cases
 * (field/verify.h, heat/verify.h); the table `mnsim verify` runs lives in the run layer
 * (run/verify.h), the only place that knows every stage. */
#ifndef MN_CORE_VERIFY_H
#define MN_CORE_VERIFY_H

#include "mnsim/verify.h"

/* Adds a metric to r (used by the cases). */
void mn_verify_metric_add(mn_verify_result *r, const char *name, double value, double limit,
                          int at_least);

#endif
