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

/* A plan request: concern (mnsim plan --list), zones comma-separated ("cheek,forehead"),
 * max_downtime_days < 0 for no limit. */
typedef struct mn_plan_options {
    const char *concern;
    const char *zones;
    double max_downtime_days;
} mn_plan_options;

/* Plans a course per zone for a patient file, each candidate simulated through the pipeline:
 * {"decision", "concern", "findings", "zones": [...]} in *json (free with mn_free). */
MN_API mn_status mn_plan_file(const char *patient_path, const mn_plan_options *opt, char **json);

/* Frees text the library returned. */
MN_API void mn_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
