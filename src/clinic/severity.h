/* Severity of a concern: one table (data/severity.csv) for `mnsim run` (indication.severity)
 * and `mnsim plan` (--severity), so a number means the same in both (issue 19). */
#ifndef MN_CLINIC_SEVERITY_H
#define MN_CLINIC_SEVERITY_H

#include "mnsim/status.h"

typedef struct mn_severity_scale {
    int found; /* 0: the concern has no severity scale (words only in the planner) */
    char name[96];
    double lo, hi, mild_max, severe_min;
} mn_severity_scale;

/* The concern's row of data/severity.csv. */
mn_status mn_clinic_severity_scale(const char *concern, mn_severity_scale *out);

/* The severity the clinical score starts from (mn_healing_clinical_score): severity itself when
 * the concern's severity scale is its clinical scale (data/clinical_scales.csv: same range),
 * else -1, the clinical scale's typical baseline (alopecia: the severity is a Hamilton-Norwood
 * stage, the clinical scale a hair-count change). severity NAN or < 0: -1. */
mn_status mn_clinic_severity_for_score(const char *concern, double severity, double *out);

#endif
