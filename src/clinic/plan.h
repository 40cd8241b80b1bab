/* Treatment planner: per zone, candidate treatments over device (pen, roller, stamp), depth,
 * passes, sessions and interval from the cited guidance (data/guidance.csv; sessions by
 * severity, data/severity.csv), limited by this patient's anatomy (reach <= dej +
 * safe_dermis_fraction x dermis, data/plan_limits.csv), the screening and the patient's limits
 * (downtime, sessions, no high risk); each candidate is simulated through a callback (cached
 * where inputs repeat) and the one with the best objective (plan.c `objective`) is chosen, with
 * the trade-off against its neighbours, compared like with like. It supports and does not
 * replace the practitioner's judgement. */
#ifndef MN_CLINIC_PLAN_H
#define MN_CLINIC_PLAN_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "anatomy/anatomy.h"
#include "clinic/risks.h"
#include "clinic/screen.h"
#include "healing/healing.h"
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
    double zone_minutes;        /* needling time of the whole zone, one session (< 0 unknown) */
    /* Added by issue 19: papillary collagen (what the clinical scores read, day 30..365) and
     * the clinical score of the candidate's indication {concern, severity}
     * (mn_healing_clinical_score; calibrated 0 when the concern has no calibrated scale or the
     * candidate has no indication). */
    double papillary_collagen_change_percent[4];
    mn_healing_clinical clinical;
    double pih_probability; /* over the course (healing); < 0 unknown */
    /* RF candidates (issue 19: RF is simulated like the other devices): the heat stage's
     * coagulated volume per cm2 of skin for one session, the hottest epidermis, its burn integral
     * and the pulse time; NAN for mechanical needling. */
    double coagulated_nl_per_cm2;
    double epidermis_peak_c, epidermis_omega, heat_on_time_s;
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
    /* Added by issue 19; zero means "no limit / any". */
    const char *severity; /* "mild" | "moderate" | "severe" | a number on the concern's scale */
    int max_sessions;     /* budget of appointments for the course (0: none) */
    unsigned devices;     /* bit mask of 1 << mn_device_type (0: any: pen, roller, stamp and,
                             where the concern has cited RF guidance, rf) */
    mn_device_setting setting; /* home: vendors' home depth maximum applies */
} mn_plan_request;

/* One simulated candidate of a zone (all of them are kept for --json). */
typedef struct mn_plan_candidate {
    mn_device_type device;
    double depth_mm;
    double energy_mj; /* RF: energy per needle of one pulse (data/plan_limits.csv); 0 otherwise */
    int passes, sessions;
    double interval_days;
    mn_plan_prediction pred;
    mn_risks risks;
    double objective;
    int feasible;
    char why_not[256]; /* "" when feasible */
} mn_plan_candidate;

enum { MN_PLAN_ZONE_CAP = 20, MN_PLAN_TEXT_CAP = 2048 };

typedef struct mn_plan_zone {
    char zone[MN_NAME_CAP];
    int planned; /* 0: why_not says why */
    char why_not[MN_PLAN_TEXT_CAP];
    double depth_mm_min;   /* start here and titrate up to depth_mm_max */
    double depth_mm_max;   /* the chosen setting */
    double depth_limit_mm; /* deepest setting the guidance and anatomy allow */
    double reach_limit_um; /* dej + safe fraction x dermis for this patient */
    mn_device_type device;
    int passes, sessions;
    double interval_days, maintenance_days; /* maintenance 0: none cited */
    int sessions_min, sessions_max;         /* the band severity allows */
    double objective;                       /* of the chosen candidate */
    double numbing_minutes, needling_minutes, aftercare_minutes, chair_minutes;
    int numbing_optional; /* mn_appointment.numbing_optional */
    int pain;             /* expected pain 0-10 (clinic/pain.h) */
    char pain_text[256];  /* how it feels and why */
    char endpoint[128];
    char source[MN_PLAN_TEXT_CAP];
    mn_plan_prediction predicted;
    mn_risks risks;
    char tradeoff[2 * MN_PLAN_TEXT_CAP];
    /* RF microneedling where the cited guidance makes it the usual device (issue 19;
     * data/guidance.csv kind rf): its depth range, sessions and interval bound the RF
     * candidates, which are simulated (heat stage and healing with the thermal injury) and
     * ranked with the others; the energies per needle are the planner's set-up
     * (data/plan_limits.csv rf_*: no cited clinical energy, said in rf_text). rf_planned 0 with
     * rf_text set: why RF is not considered; rf_text empty: the concern has no RF guidance. */
    int rf_planned;
    int rf_simulated; /* RF candidates simulated */
    double energy_mj; /* the chosen plan's energy per needle when its device is RF, else 0 */
    double rf_depth_mm_min, rf_depth_mm_max;
    int rf_sessions_min, rf_sessions_max;
    double rf_interval_days_min, rf_interval_days_max;
    char rf_target[32]; /* reticular_dermis | dermis_fat_junction */
    char rf_text[MN_PLAN_TEXT_CAP];
    char rf_source[MN_PLAN_TEXT_CAP];
    int candidates; /* simulated */
    size_t n_cands;
    mn_plan_candidate *cands; /* every candidate considered (owned) */
} mn_plan_zone;

typedef struct mn_plan {
    char concern[MN_NAME_CAP];
    char severity[32];   /* band used: "", "mild", "moderate", "severe" */
    char objective[512]; /* what the objective measures (and, when it falls back, why) */
    /* Added by issue 19: the objective is the predicted improvement on the concern's clinical
     * scale at day 180 when that scale is calibrated (data/clinical_scales.csv), else the
     * day-180 collagen change (clinical_calibrated 0). */
    int clinical_calibrated;
    char clinical_scale[96];
    double clinical_baseline;   /* severity on that scale the score starts from */
    double severity_value;      /* severity passed to the clinical score (< 0: scale's typical) */
    double objective_tolerance; /* absolute floor under which two objectives count as equal */
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

/* Name of the fallback objective (collagen change at day 180), used where a concern has no
 * calibrated clinical scale; a plan's own objective text is mn_plan.objective. */
const char *mn_clinic_plan_objective_name(void);

/* {"decision", "concern", "findings", "zones": [{zone, planned, why_not | depth_mm_min,
 * depth_mm_max, depth_limit_mm, passes, sessions, interval_days, maintenance_days, endpoint,
 * predicted {collagen_change_percent {day_30..day_365}, elastin_change_percent,
 * epidermal_thickness_change_percent, downtime_days_total}, risks, tradeoff, source,
 * device, appointment {numbing_min, needling_min, aftercare_min, chair_min}, pain {level,
 * text}, candidates [{device, depth_mm, passes, sessions, interval_days, objective, feasible,
 * why_not, predicted {...}}]}], severity, objective, modalities} */
mn_status mn_clinic_plan_json(const mn_plan *p, cJSON **out);

#endif
