/* Running one verification case and judging its metrics (see verify.h). */
#include "core/verify.h"

#include <math.h>
#include <string.h>

#include <omp.h>

void mn_verify_metric_add(mn_verify_result *r, const char *name, double value, double limit,
                          int at_least)
{
    if (r->nmetrics >= MN_VERIFY_MAX_METRICS)
        return;
    r->metrics[r->nmetrics++] = (mn_verify_metric){name, value, limit, at_least};
}

mn_status mn_verify_run(const mn_verify_case *c, mn_verify_result *r)
{
    memset(r, 0, sizeof *r);
    double t0 = omp_get_wtime();
    mn_status st = c->run(r);
    r->seconds = omp_get_wtime() - t0;
    r->passed = st == MN_OK && r->nmetrics > 0;
    for (int i = 0; i < r->nmetrics; i++) {
        const mn_verify_metric *m = &r->metrics[i];
        int ok = m->at_least ? m->value >= m->limit : m->value <= m->limit;
        if (!ok || !isfinite(m->value))
            r->passed = 0;
    }
    return st;
}
