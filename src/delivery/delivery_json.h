/* The summary.json "delivery" block of one session (DESIGN.md contract). */
#ifndef MN_DELIVERY_DELIVERY_JSON_H
#define MN_DELIVERY_DELIVERY_JSON_H

#include <cjson/cJSON.h>

#include "delivery/delivery.h"

/* Adds session.delivery {product, dose_ug_per_cm2 {stratum_corneum, epidermis, dermis,
 * systemic}, intact_dose_ug_per_cm2 {same}, enhancement_ratio, lag_time_h,
 * channel_half_life_h}. */
mn_status mn_delivery_summary_json(const mn_delivery_result *r, cJSON *session);

#endif
