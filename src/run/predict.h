/* The planner's simulator: the pipeline for one candidate scenario (needling and healing over
 * its protocol, no product delivery, no files), as the clinic's mn_plan_predict_fn. It lives
 * in the run layer so that the clinic never re-enters the pipeline on its own. */
#ifndef MN_RUN_PREDICT_H
#define MN_RUN_PREDICT_H

#include "clinic/plan.h"

/* Fills out for m. ctx: NULL, or a cache from mn_run_predict_cache_create, which keeps the RF
 * heat solves of the candidates (issue 19: the unit cell depends only on the device and the
 * column, so candidates that differ in sessions or interval reuse it) and solves them on the
 * planner's grid (data/plan_limits.csv rf_voxel_um). */
mn_status mn_run_predict(void *ctx, const mn_model *m, mn_plan_prediction *out);

typedef struct mn_run_predict_cache mn_run_predict_cache;
mn_status mn_run_predict_cache_create(mn_run_predict_cache **out);
void mn_run_predict_cache_free(mn_run_predict_cache *c);

#endif
