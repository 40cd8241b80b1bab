/* The summary.json "delivery" block of one session (DESIGN.md contract). */
#ifndef MN_IO_SUMMARY_DELIVERY_H
#define MN_IO_SUMMARY_DELIVERY_H

#include <cjson/cJSON.h>

#include "delivery/delivery.h"

/* Adds (or replaces) session.delivery {product, dose_ug_per_cm2 {stratum_corneum, epidermis,
 * dermis, systemic}, intact_dose_ug_per_cm2 {same}, enhancement_ratio, lag_time_h,
 * channel_half_life_h, and the additions of ARCHITECTURE.md}. */
mn_status mn_summary_add_delivery(cJSON *session, const mn_delivery_result *r);

#endif
