/* The planner's simulator: the pipeline for one candidate scenario (needling and healing over
 * its protocol, no product delivery, no files), as the clinic's mn_plan_predict_fn. It lives
 * in the run layer so that the clinic never re-enters the pipeline on its own. */
#ifndef MN_RUN_PREDICT_H
#define MN_RUN_PREDICT_H

#include "clinic/plan.h"

/* Fills out for m; ctx is unused (NULL). */
mn_status mn_run_predict(void *ctx, const mn_model *m, mn_plan_prediction *out);

#endif
