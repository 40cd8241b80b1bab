/* summary.json delivery block (DESIGN.md, summary.json contract). */
#include "core/error.h"
#include "delivery/delivery_json.h"

static cJSON *doses(const mn_delivery_result *r, bool intact)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "stratum_corneum", mn_delivery_get_dose(r, MN_DOSE_SC, intact));
    cJSON_AddNumberToObject(o, "epidermis", mn_delivery_get_dose(r, MN_DOSE_EPIDERMIS, intact));
    cJSON_AddNumberToObject(o, "dermis", mn_delivery_get_dose(r, MN_DOSE_DERMIS, intact));
    cJSON_AddNumberToObject(o, "systemic", mn_delivery_get_dose(r, MN_DOSE_SYSTEMIC, intact));
    return o;
}

mn_status mn_delivery_summary_json(const mn_delivery_result *r, cJSON *session)
{
    if (!r || !session)
        return mn_error_set(MN_EINTERNAL, "mn_delivery_summary_json: NULL argument");
    cJSON *d = cJSON_CreateObject();
    cJSON *dc = doses(r, false), *di = doses(r, true);
    if (!d || !dc || !di) {
        cJSON_Delete(d);
        cJSON_Delete(dc);
        cJSON_Delete(di);
        return mn_error_set(MN_ENOMEM, "out of memory building the delivery block");
    }
    cJSON_AddStringToObject(d, "product", mn_delivery_get_product(r));
    cJSON_AddItemToObject(d, "dose_ug_per_cm2", dc);
    cJSON_AddItemToObject(d, "intact_dose_ug_per_cm2", di);
    cJSON_AddNumberToObject(d, "enhancement_ratio", mn_delivery_get_enhancement_ratio(r));
    cJSON_AddNumberToObject(d, "lag_time_h", mn_delivery_get_lag_time_h(r));
    cJSON_AddNumberToObject(d, "channel_half_life_h", mn_delivery_get_channel_half_life_h(r));
    cJSON_DeleteItemFromObject(session, "delivery");
    cJSON_AddItemToObject(session, "delivery", d);
    return MN_OK;
}
