/* The code-verification suite behind `mnsim verify` and the ctest cases: a table of cases,
 * each comparing the engine with an exact solution and reporting named metrics (errors,
 * observed orders, mass drift) with the limit each must meet. Later modules (RF heat,
 * healing) add their cases to the table in verify.c. */
#ifndef MN_FIELD_VERIFY_H
#define MN_FIELD_VERIFY_H

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

/* The table of cases, in the order `mnsim verify` runs them. */
const mn_verify_case *mn_verify_cases(size_t *count);

/* Runs one case: fills r, sets r->passed from the metrics' limits and times it. */
mn_status mn_verify_run(const mn_verify_case *c, mn_verify_result *r);

/* Adds a metric to r (used by the cases). */
void mn_verify_metric_add(mn_verify_result *r, const char *name, double value, double limit,
                          int at_least);

/* The field engine's cases (verify_cases.c). */
mn_status mn_verify_gaussian_neumann(mn_verify_result *r);
mn_status mn_verify_two_layer_partition(mn_verify_result *r);
mn_status mn_verify_erfc_semi_infinite(mn_verify_result *r);
mn_status mn_verify_manufactured_layered(mn_verify_result *r);
mn_status mn_verify_mass_balance(mn_verify_result *r);

#endif
