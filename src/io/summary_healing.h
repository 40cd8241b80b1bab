/* summary.json blocks of the healing stage (DESIGN.md contract) and timeline.csv, from the
 * stage's typed results: healing computes, io serialises. */
#ifndef MN_IO_SUMMARY_HEALING_H
#define MN_IO_SUMMARY_HEALING_H

#include <cjson/cJSON.h>

#include "healing/healing.h"

/* Adds `erythema_days` to each existing object of sessions (in order; sessions may be NULL)
 * and replaces `outcome` in summary (days beyond the run are null: summary.json never holds
 * NaN). */
mn_status mn_summary_add_outcome(cJSON *summary, cJSON *sessions, const mn_healing_result *r);
/* The same for virtual patients: every number becomes {median, p5, p95}, and
 * `virtual_patients` {varies, p5_patient, p95_patient} says what varies between patients and
 * why the patients at the 5th and 95th percentile of collagen at day 90 differ from the
 * median. */
mn_status mn_summary_add_outcome_samples(cJSON *summary, cJSON *sessions,
                                         const mn_healing_samples *s);
/* Adds outcome.clinical {concern, scale, baseline, change {day_90, day_180, day_365},
 * change_sd, responder_fraction, calibrated} to summary's outcome (created if absent). */
mn_status mn_summary_add_clinical(cJSON *summary, const mn_healing_clinical *c);

/* timeline.csv (header day,collagen_I,...; mn_healing_result_timeline's columns), written to
 * path.tmp, then renamed to path. */
mn_status mn_io_write_timeline_csv(const char *path, const mn_healing_result *r);

#endif
