/* The shape of a code-verification case: each compares an engine with an exact solution and
 * reports named metrics (errors, observed orders, mass drift) with the limit each must meet.
 * Stages define cases (field/verify.h, heat/verify.h); the table `mnsim verify` runs lives in
 * the run layer (run/verify.h), the only place that knows every stage. */
#ifndef MN_CORE_VERIFY_H
#define MN_CORE_VERIFY_H

#include <stddef.h>

#include "mnsim/status.h"

enum { MN_VERIFY_MAX_METRICS = 10 };

typedef struct mn_verify_metric {
    const char *name; /* e.g. "order_space", "rel_l2_error", "mass_drift_per_step" */
    double value;
    double limit; /* the value must be <= limit (or >= limit when at_least) */
    int at_least;
} mn_verify_metric;

typedef struct mn_verify_result {
    int passed;
    int nmetrics;
    mn_verify_metric metrics[MN_VERIFY_MAX_METRICS];
    double seconds;
} mn_verify_result;

typedef mn_status (*mn_verify_fn)(mn_verify_result *r);

typedef struct mn_verify_case {
    const char *name;    /* short id, e.g. "field.gaussian_neumann" */
    const char *summary; /* what exact solution it checks */
    mn_verify_fn run;
} mn_verify_case;

/* Runs one case: fills r, sets r->passed from the metrics' limits and times it. */
mn_status mn_verify_run(const mn_verify_case *c, mn_verify_result *r);

/* Adds a metric to r (used by the cases). */
void mn_verify_metric_add(mn_verify_result *r, const char *name, double value, double limit,
                          int at_least);

#endif
