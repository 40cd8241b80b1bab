/* The code-verification table behind `mnsim verify` and the ctest cases: every stage's cases
 * (field/verify.h, heat/verify.h) in the order they run. It lives in the run layer because it
 * is the one place that knows every stage; the engines know no model. */
#ifndef MN_RUN_VERIFY_H
#define MN_RUN_VERIFY_H

#include <stddef.h>

#include "core/verify.h"

/* mn_verify_cases (mnsim/verify.h) is defined here. */

#endif
