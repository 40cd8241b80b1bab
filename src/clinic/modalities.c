#include "clinic/modalities.h"

#include <string.h>

#include "core/error.h"
#include "core/table.h"

/* Whether concern is one of the ';'-separated names of list. */
static int listed(const char *list, const char *concern)
{
    size_t n = strlen(concern);
    for (const char *p = list; p && *p;) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        if (len == n && strncmp(p, concern, n) == 0)
            return 1;
        p = semi ? semi + 1 : NULL;
    }
    return 0;
}

static cJSON *range(const mn_table *t, size_t r, const char *lo, const char *hi)
{
    double a = -1, b = -1;
    if (mn_table_double_or(t, r, lo, -1, &a) != MN_OK ||
        mn_table_double_or(t, r, hi, -1, &b) != MN_OK || a < 0 || b < 0)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "min", a);
    cJSON_AddNumberToObject(o, "max", b);
    return o;
}

mn_status mn_clinic_modalities_json(const char *concern, cJSON **out)
{
    mn_table *t = NULL;
    *out = NULL;
    MN_TRY(mn_table_load_embedded("modalities.csv", &t));
    cJSON *arr = cJSON_CreateArray();
    int cc = mn_table_col(t, "concerns");
    for (size_t r = 0; arr && r < mn_table_rows(t); r++) {
        if (!listed(mn_table_cell(t, r, cc), concern))
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "modality", mn_table_cell(t, r, mn_table_col(t, "modality")));
        cJSON_AddItemToObject(o, "downtime_days",
                              range(t, r, "downtime_days_min", "downtime_days_max"));
        cJSON *pih = cJSON_AddObjectToObject(o, "pih");
        cJSON_AddStringToObject(pih, "fitzpatrick_1_3",
                                mn_table_cell(t, r, mn_table_col(t, "pih_fitzpatrick_1_3")));
        cJSON_AddStringToObject(pih, "fitzpatrick_4_6",
                                mn_table_cell(t, r, mn_table_col(t, "pih_fitzpatrick_4_6")));
        cJSON_AddItemToObject(o, "sessions", range(t, r, "sessions_min", "sessions_max"));
        double iv = -1;
        if (mn_table_double_or(t, r, "interval_days", -1, &iv) == MN_OK && iv > 0)
            cJSON_AddNumberToObject(o, "interval_days", iv);
        else
            cJSON_AddNullToObject(o, "interval_days");
        cJSON_AddStringToObject(o, "source", mn_table_cell(t, r, mn_table_col(t, "source")));
        cJSON_AddStringToObject(o, "status", mn_table_cell(t, r, mn_table_col(t, "status")));
    }
    mn_table_free(t);
    if (!arr)
        return mn_error_set(MN_ENOMEM, "out of memory building the modality comparison");
    *out = arr;
    return MN_OK;
}
