/* Test double of the simulator for planner tests (never in the library or the command): a
 * transparent stand-in whose outputs move the right way with depth, passes and sessions, so the
 * tests check the planner's limits and choices, not the healing model.
 *   reach = set depth - 100 um (tenting; cf. data/needling_params.csv offsets of ~100-140 um)
 *   bleeding = 0.8 when the reach passes the capillary loops, else 0
 *   erythema per session = 0.5 + 2 d/mm x depth x sqrt(passes / 4); downtime = that x sessions
 *   collagen(day) = 10 %/mm x reach x sqrt(passes) x sessions completed by that day
 *   papillary collagen = collagen; the clinical score is the healing stage's own
 *   (mn_healing_clinical_score) of that outcome, for the candidate's indication */
#ifndef MN_TEST_PLAN_DOUBLE_H
#define MN_TEST_PLAN_DOUBLE_H

#include <math.h>
#include <string.h>

#include "anatomy/anatomy.h"
#include "clinic/plan.h"

static int double_calls;

static mn_status plan_double(void *ctx, const mn_model *m, mn_plan_prediction *out)
{
    (void)ctx;
    double_calls++;
    mn_column c;
    mn_status st = mn_anatomy_column_for(m, &c);
    if (st != MN_OK)
        return st;
    memset(out, 0, sizeof *out);
    out->pih_probability = -1.0;      /* not simulated: the risks use the erythema */
    out->coagulated_nl_per_cm2 = NAN; /* no heat stage: RF candidates heal as punctures */
    out->epidermis_peak_c = out->epidermis_omega = out->heat_on_time_s = NAN;
    double depth_mm = m->device.set_depth_um / 1000.0;
    double reach = fmax(0.0, m->device.set_depth_um - 100.0);
    out->tissue_depth_max_um = reach;
    out->bleeding_fraction = reach > c.capillary_depth_um ? 0.8 : 0.0;
    out->erythema_days = 0.5 + 2.0 * depth_mm * sqrt(m->device.passes / 4.0);
    out->downtime_days_total = out->erythema_days * m->protocol.sessions;
    for (int i = 0; i < 4; i++) {
        int done = 0;
        for (int s = 0; s < m->protocol.sessions; s++)
            done += s * m->protocol.interval_days <= mn_plan_days[i];
        out->collagen_change_percent[i] = 10.0 * reach / 1000.0 * sqrt(m->device.passes) * done;
        out->elastin_change_percent[i] = 0.3 * out->collagen_change_percent[i];
        out->papillary_collagen_change_percent[i] = out->collagen_change_percent[i];
    }
    if (m->indication.present) {
        mn_healing_outcome o;
        memset(&o, 0, sizeof o);
        for (int i = 0; i < 4; i++)
            o.papillary_collagen_change_percent[i] = out->papillary_collagen_change_percent[i];
        double sev = isnan(m->indication.severity) ? -1.0 : m->indication.severity;
        return mn_healing_clinical_score(m->indication.concern, sev, &o, &out->clinical);
    }
    return MN_OK;
}

#endif
