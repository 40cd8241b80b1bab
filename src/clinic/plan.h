/* Treatment planner: per zone, candidate settings from the cited guidance (data/guidance.csv),
 * limited by this patient's anatomy (reach <= dej + safe_dermis_fraction x dermis,
 * data/plan_limits.csv) and by the screening; each candidate is simulated through a callback
 * and the one with the best predicted collagen gain whose downtime and risks stay within the
 * limits is chosen, with the trade-off a deeper or more frequent plan would make. It supports
 * and does not replace the practitioner's judgement. */
#ifndef MN_CLINIC_PLAN_H
#define MN_CLINIC_PLAN_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "anatomy/anatomy.h"
#include "clinic/risks.h"
#include "clinic/screen.h"
#include "model/model.h"

/* Outcome of one simulated candidate (the outcome keys of summary.json). Index 0..3 = day 30,
 * 90, 180, 365 after the first session. */
typedef struct mn_plan_prediction {
    double collagen_change_percent[4];
    double elastin_change_percent[4];
    double epidermal_thickness_change_percent[4];
    double downtime_days_total;
    double erythema_days;       /* longest erythema of one session */
    double bleeding_fraction;   /* highest over sessions */
    double tissue_depth_max_um; /* deepest reach of any puncture, all sessions */
} mn_plan_prediction;

extern const int mn_plan_days[4]; /* 30, 90, 180, 365 */

/* Simulates one candidate scenario (needling + healing over its protocol). The clinic does not
 * know the pipeline: the caller passes it in (run/predict.h provides the real one). */
typedef mn_status (*mn_plan_predict_fn)(void *ctx, const mn_model *candidate,
                                        mn_plan_prediction *out);

typedef struct mn_plan_request {
    const mn_patient *patient;
    const char *concern;
    const char *const *zones;
    size_t n_zones;
    double max_downtime_days; /* < 0: no limit */
    const mn_model *base;     /* device, patch, product, seed of the candidates; NULL: the
                                 built-in default scenario (a pen) */
    mn_plan_predict_fn predict;
    void *predict_ctx;
} mn_plan_request;

enum { MN_PLAN_ZONE_CAP = 20, MN_PLAN_TEXT_CAP = 1024 };

typedef struct mn_plan_zone {
    char zone[MN_NAME_CAP];
    int planned; /* 0: why_not says why */
    char why_not[MN_PLAN_TEXT_CAP];
    double depth_mm_min;   /* start here and titrate up to depth_mm_max */
    double depth_mm_max;   /* the chosen setting */
    double depth_limit_mm; /* deepest setting the guidance and anatomy allow */
    double reach_limit_um; /* dej + safe fraction x dermis for this patient */
    int passes, sessions;
    double interval_days, maintenance_days; /* maintenance 0: none cited */
    char endpoint[128];
    char source[MN_PLAN_TEXT_CAP];
    mn_plan_prediction predicted;
    mn_risks risks;
    char tradeoff[MN_PLAN_TEXT_CAP];
    int candidates; /* simulated */
} mn_plan_zone;

typedef struct mn_plan {
    char concern[MN_NAME_CAP];
    mn_screening *screening;
    size_t n_zones;
    mn_plan_zone zones[MN_PLAN_ZONE_CAP];
} mn_plan;

mn_status mn_clinic_plan(const mn_plan_request *req, mn_plan **out);
void mn_plan_free(mn_plan *p);

/* Checks a concern name; on failure the message lists the known ones. */
mn_status mn_clinic_concern_known(const char *concern);
/* Known concerns, one per line (for `mnsim plan --list`); static storage. */
mn_status mn_clinic_concern_list(char *buf, size_t cap);

/* {"decision", "concern", "findings", "zones": [{zone, planned, why_not | depth_mm_min,
 * depth_mm_max, depth_limit_mm, passes, sessions, interval_days, maintenance_days, endpoint,
 * predicted {collagen_change_percent {day_30..day_365}, elastin_change_percent,
 * epidermal_thickness_change_percent, downtime_days_total}, risks, tradeoff, source}]} */
mn_status mn_clinic_plan_json(const mn_plan *p, cJSON **out);

#endif
