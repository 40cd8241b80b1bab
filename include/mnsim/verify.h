/* mnsim — code verification: every stage's engine compared with exact solutions (image sums,
 * erfc, manufactured solutions, closed-form potentials, energy and mass balances), each case
 * reporting named metrics with the limit each must meet. `mnsim verify` runs this table. */
#ifndef MNSIM_VERIFY_H
#define MNSIM_VERIFY_H

#include <stddef.h>

#include "mnsim/export.h"
#include "mnsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif

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

/* The table of cases, in the order `mnsim verify` runs them (static storage). */
MN_API const mn_verify_case *mn_verify_cases(size_t *count);
/* Runs one case: fills r, sets r->passed from the metrics' limits and times it. */
MN_API mn_status mn_verify_run(const mn_verify_case *c, mn_verify_result *r);

#ifdef __cplusplus
}
#endif
#endif
