/* The planner's simulator (see predict.h). */
#include "run/predict.h"

#include <math.h>
#include <string.h>

#include "core/error.h"
#include "healing/healing.h"
#include "needling/needling.h"
#include "run/course.h"

mn_status mn_run_predict(void *ctx, const mn_model *m, mn_plan_prediction *out)
{
    (void)ctx;
    mn_status st = MN_OK;
    mn_column col;
    mn_course c;
    mn_healing_result *h = NULL;
    /* Planning predicts the healing outcome only: no product delivery, no files. */
    const mn_session_sinks none = {NULL, NULL, NULL, 0};
    memset(out, 0, sizeof *out);
    MN_TRY(mn_anatomy_column_for(m, &col));
    MN_TRY_GOTO(mn_course_init(m, &c), done);
    for (int s = 1; s <= c.n_sessions; s++)
        MN_TRY_GOTO(mn_course_run_session(m, &col, s, &c, &none), done);
    MN_TRY_GOTO(mn_course_heal(m, &col, &c, &h), done);
    mn_healing_outcome o;
    mn_healing_result_outcome(h, &o);
    for (int d = 0; d < 4; d++) {
        out->collagen_change_percent[d] = o.collagen_change_percent[d];
        out->elastin_change_percent[d] = o.elastin_change_percent[d];
        out->epidermal_thickness_change_percent[d] = o.epidermal_thickness_change_percent[d];
        out->papillary_collagen_change_percent[d] = o.papillary_collagen_change_percent[d];
    }
    /* The clinical score of the candidate's indication (the planner's objective): the concern
     * and severity travel in the candidate scenario, as in a run (run.c add_healing). */
    if (m->indication.present) {
        double sev = isnan(m->indication.severity) ? -1.0 : m->indication.severity;
        MN_TRY_GOTO(mn_healing_clinical_score(m->indication.concern, sev, &o, &out->clinical),
                    done);
    }
    out->downtime_days_total = o.downtime_days_total;
    out->pih_probability = o.pih_probability;
    out->erythema_days = c.max_erythema_days;
    out->bleeding_fraction = c.max_bleeding_fraction;
    out->tissue_depth_max_um = c.max_tissue_depth_um;
    MN_TRY_GOTO(mn_needling_zone_minutes(m, &col, 1, &out->zone_minutes), done);
done:
    mn_healing_result_free(h);
    mn_course_free(&c);
    return st;
}
