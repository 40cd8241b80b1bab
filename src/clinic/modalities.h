/* Other treatments patients ask about (chemical peels, fractional lasers, creams): downtime,
 * PIH risk by skin type and sessions, from the cited table data/modalities.csv, for the concerns
 * each one treats. Shown beside a plan so the comparison is the patient's to make. */
#ifndef MN_CLINIC_MODALITIES_H
#define MN_CLINIC_MODALITIES_H

#include <cjson/cJSON.h>

#include "mnsim/status.h"

/* [{modality, downtime_days {min, max}, pih {fitzpatrick_1_3, fitzpatrick_4_6}, sessions
 * {min, max} | null, interval_days | null, source, status}] of the rows listing concern
 * (an empty array when none does). */
mn_status mn_clinic_modalities_json(const char *concern, cJSON **out);

#endif
