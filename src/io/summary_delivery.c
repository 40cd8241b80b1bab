/* summary.json "delivery" block of a session (DESIGN.md, summary.json contract), from the
 * delivery stage's typed result: the stage computes, io serialises. */
#include <stdio.h>

#include "core/error.h"
#include "io/summary_delivery.h"

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

mn_status mn_summary_add_delivery(cJSON *session, const mn_delivery_result *r)
{
    if (!r || !session)
        return mn_error_set(MN_EINTERNAL, "mn_summary_add_delivery: NULL argument");
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
    cJSON_AddNumberToObject(d, "lag_time_h", mn_delivery_get_lag_time_h(r, false));
    cJSON_AddNumberToObject(d, "channel_half_life_h", mn_delivery_get_channel_half_life_h(r));
    bool franz = mn_delivery_is_franz(r);
    cJSON_AddStringToObject(d, "enhancement_definition",
                            franz ? "receptor_cumulative" : "past_stratum_corneum");
    /* beside the contract keys: the balance a pharmacist checks (applied = left on the skin
     * + the doses) and when an uncovered film was dry (null: occluded or infinite dose) */
    cJSON_AddNumberToObject(d, "applied_ug_per_cm2", mn_delivery_get_applied(r));
    cJSON_AddNumberToObject(d, "remaining_on_skin_ug_per_cm2", mn_delivery_get_remaining(r, false));
    cJSON_AddNumberToObject(d, "film_dry_h", mn_delivery_get_film_dry_h(r));
    /* what the living layers saw over the application (the doses above are what is left at
     * its end): peak amount, its time and the area under the amount curve, per layer */
    cJSON *ex = cJSON_AddObjectToObject(d, "exposure");
    for (int in = 0; ex && in < 2; in++)
        for (int l = MN_DOSE_EPIDERMIS; l <= MN_DOSE_DERMIS; l++) {
            mn_delivery_exposure e;
            if (mn_delivery_get_exposure(r, (mn_dose_layer)l, in, &e) != MN_OK)
                continue;
            char key[64];
            const char *pre = in ? "intact_" : "",
                       *ln = l == MN_DOSE_EPIDERMIS ? "epidermis" : "dermis";
            snprintf(key, sizeof key, "%s%s_peak_ug_per_cm2", pre, ln);
            cJSON_AddNumberToObject(ex, key, e.peak_ug_cm2);
            snprintf(key, sizeof key, "%s%s_peak_h", pre, ln);
            cJSON_AddNumberToObject(ex, key, e.peak_h);
            snprintf(key, sizeof key, "%s%s_auc_ug_h_per_cm2", pre, ln);
            cJSON_AddNumberToObject(ex, key, e.auc_ug_h_cm2);
        }
    if (franz) {
        mn_delivery_franz fz = {0};
        (void)mn_delivery_get_franz(r, &fz); /* cannot fail: r is a Franz result */
        cJSON_AddNumberToObject(d, "receptor_ug_per_cm2", fz.receptor_ug_cm2);
        cJSON_AddNumberToObject(d, "intact_receptor_ug_per_cm2", fz.intact_receptor_ug_cm2);
        cJSON_AddNumberToObject(d, "flux_ug_cm2_h", fz.flux_ug_cm2_h);
        cJSON_AddNumberToObject(d, "kp_cm_h", fz.kp_cm_h);
        /* beside the contract keys: the intact arm and the window of the steady line */
        cJSON_AddNumberToObject(d, "intact_flux_ug_cm2_h", fz.intact_flux_ug_cm2_h);
        cJSON_AddNumberToObject(d, "intact_lag_time_h", fz.intact_lag_time_h);
        cJSON *w = cJSON_CreateDoubleArray(fz.window_h, 2);
        if (w)
            cJSON_AddItemToObject(d, "steady_window_h", w);
    }
    cJSON_DeleteItemFromObject(session, "delivery");
    cJSON_AddItemToObject(session, "delivery", d);
    return MN_OK;
}
