/* mnsim — the clinic entry points: screening a patient and planning a course, as `mnsim screen`
 * and `mnsim plan` do. Results come back as JSON text (the documents `--json` prints), so they
 * can grow keys without changing this interface. Both support and do not replace the
 * practitioner's judgement. */
#ifndef MNSIM_CLINIC_H
#define MNSIM_CLINIC_H

#include <stddef.h>

#include "mnsim/export.h"
#include "mnsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Screens a patient file (YAML: age_years, sex, conditions, medications, ...) against the cited
 * contraindication rules: {"decision", "findings": [...]} in *json (free with mn_free). A bad
 * file is MN_EINPUT with FILE:LINE:COL: key: problem (expected ...). */
MN_API mn_status mn_screen_file(const char *patient_path, char **json);

/* ---- Screening as a handle with typed getters ----------------------------------------- */

typedef struct mn_screen_result mn_screen_result;

/* One matched rule (texts owned by the result, valid until it is freed). decision:
 * "proceed" | "proceed_with_caution" | "defer" | "do_not_treat". */
typedef struct mn_screen_finding {
    const char *id, *severity, *decision, *reason, *advice, *source, *status;
} mn_screen_finding;

/* Screens a patient file; *out is NULL on failure. */
MN_API mn_status mn_screen_patient_file(const char *patient_path, mn_screen_result **out);
MN_API mn_status mn_screen_result_decision(const mn_screen_result *r, const char **decision);
MN_API mn_status mn_screen_result_finding_count(const mn_screen_result *r, size_t *n);
MN_API mn_status mn_screen_result_finding(const mn_screen_result *r, size_t i,
                                          mn_screen_finding *out);
/* The document of mn_screen_file (free with mn_free). */
MN_API mn_status mn_screen_result_json(const mn_screen_result *r, char **json);
MN_API void mn_screen_result_free(mn_screen_result *r);

/* ---- Planning ------------------------------------------------------------------------- */

/* A plan request: concern (mnsim plan --list), zones comma-separated ("cheek,forehead"),
 * max_downtime_days < 0 for no limit. The fields after max_downtime_days were added later;
 * zero / NULL means "no limit" or "any". */
typedef struct mn_plan_options {
    const char *concern;
    const char *zones;
    double max_downtime_days;
    const char *severity; /* "mild" | "moderate" | "severe" | a number on the concern's scale */
    int max_sessions;     /* budget of appointments for the course (0: none) */
    const char *device;   /* "pen" | "roller" | "stamp" | "rf" | "any" (NULL: any) */
    const char *setting;  /* "clinic" (NULL) | "home" (vendors' home depth maximum) */
} mn_plan_options;

/* Plans a course per zone for a patient file, each candidate simulated through the pipeline:
 * {"decision", "concern", "findings", "zones": [...]} in *json (free with mn_free). */
MN_API mn_status mn_plan_file(const char *patient_path, const mn_plan_options *opt, char **json);

typedef struct mn_plan_result mn_plan_result;

/* What the plan is for. */
typedef struct mn_plan_header {
    const char *concern;
    const char *severity;  /* band used: "", "mild", "moderate", "severe" */
    const char *objective; /* what the planner maximised */
    size_t zones;
} mn_plan_header;

/* One zone's plan. When planned is 0 only zone and why_not are set. predicted_* index 0..3 =
 * day 30, 90, 180, 365 after the first session. Texts owned by the result. */
typedef struct mn_plan_zone_info {
    const char *zone;
    int planned;
    const char *why_not;
    const char *device; /* "pen" | "roller" | "stamp" | "rf" */
    double depth_mm_min, depth_mm_max, depth_limit_mm, reach_limit_um;
    int passes, sessions;
    double interval_days, maintenance_days;
    const char *endpoint;
    double predicted_collagen_change_percent[4];
    double predicted_elastin_change_percent[4];
    double predicted_epidermal_thickness_change_percent[4];
    double predicted_downtime_days_total;
    double numbing_minutes, needling_minutes, aftercare_minutes, chair_minutes;
    int pain; /* expected pain 0-10 */
    const char *pain_text;
    size_t risks; /* mn_plan_result_zone_risk 0 .. risks-1 */
    const char *tradeoff;
    const char *source;
    int candidates;       /* simulated */
    int numbing_optional; /* numbing is usually skipped at this setting (mechanical, shallow) */
} mn_plan_zone_info;

/* One risk of a planned zone: level "low" | "moderate" | "high". */
typedef struct mn_plan_risk {
    const char *id, *level, *reason;
} mn_plan_risk;

/* Screens the patient and plans every zone; *out is NULL on failure. A bad option is
 * MN_EINPUT naming it. */
MN_API mn_status mn_plan_patient_file(const char *patient_path, const mn_plan_options *opt,
                                      mn_plan_result **out);
MN_API mn_status mn_plan_result_header(const mn_plan_result *p, mn_plan_header *out);
/* The screening the plan started from (owned by the plan: do not free). */
MN_API mn_status mn_plan_result_screening(const mn_plan_result *p, const mn_screen_result **out);
MN_API mn_status mn_plan_result_zone(const mn_plan_result *p, size_t i, mn_plan_zone_info *out);
MN_API mn_status mn_plan_result_zone_risk(const mn_plan_result *p, size_t zone, size_t k,
                                          mn_plan_risk *out);
/* What the planner maximised for a planned zone (issue 19): the predicted change on the
 * concern's clinical scale when that scale is calibrated (data/clinical_scales.csv), else the
 * day-180 collagen change (calibrated 0; change and baseline NAN). change index 0..2 = day 90,
 * 180, 365; papillary collagen index 0..3 = day 30, 90, 180, 365. Texts owned by the result.
 * MN_EUSAGE for a zone that is not planned. */
typedef struct mn_plan_clinical {
    int calibrated;
    const char *scale; /* "" when the concern has none */
    double baseline;   /* severity on the scale the score starts from */
    double change[3];
    double responder_fraction;
    double objective; /* the chosen candidate's value of what was maximised */
    double papillary_collagen_change_percent[4];
    double pih_probability; /* over the course; < 0 unknown */
} mn_plan_clinical;
MN_API mn_status mn_plan_result_zone_clinical(const mn_plan_result *p, size_t zone,
                                              mn_plan_clinical *out);

/* RF microneedling for a zone where the cited guidance makes it a usual device (data/guidance.csv
 * kind rf): its depth range, sessions and interval bound the RF candidates, which are simulated
 * and ranked with the others (candidates_simulated of them); the energy per needle is the
 * planner's set-up, not a cited clinical value (an assumption text says). planned 0 with text
 * set: why RF is not considered; text "": the concern has no RF guidance. energy_mj: the chosen
 * plan's energy per needle when its device is RF, else 0. Texts owned by the result. */
typedef struct mn_plan_rf {
    int planned;
    double depth_mm_min, depth_mm_max;
    int sessions_min, sessions_max;
    double interval_days_min, interval_days_max;
    const char *target; /* "reticular_dermis" | "dermis_fat_junction" */
    const char *text, *source;
    int candidates_simulated;
    double energy_mj;
} mn_plan_rf;
MN_API mn_status mn_plan_result_zone_rf(const mn_plan_result *p, size_t zone, mn_plan_rf *out);

/* The document of mn_plan_file (free with mn_free). */
MN_API mn_status mn_plan_result_json(const mn_plan_result *p, char **json);
/* handout.md and handout.html for the patient into dir (a referral note when the patient must
 * not be treated or must wait); an existing handout is replaced only with force. */
MN_API mn_status mn_plan_result_write_handout(const mn_plan_result *p, const char *dir, int force);
MN_API void mn_plan_result_free(mn_plan_result *p);

/* The concerns the planner knows, one per line, into buf (cap bytes). */
MN_API mn_status mn_plan_concerns(char *buf, size_t cap);
/* Other treatments patients ask about for a concern (data/modalities.csv): [{modality,
 * downtime_days {min, max}, pih {fitzpatrick_1_3, fitzpatrick_4_6}, sessions {min, max} |
 * null, interval_days | null, source, status}] in *json (free with mn_free). */
MN_API mn_status mn_plan_modalities_json(const char *concern, char **json);

/* Frees text the library returned. */
MN_API void mn_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
