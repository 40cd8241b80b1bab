#include "clinic/appointment.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/risks.h"
#include "core/error.h"
#include "core/table.h"

mn_status mn_clinic_pain(const char *zone, double depth_mm, bool rf, double *vas)
{
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("pain.csv", &t));
    int kc = mn_table_col(t, "kind"), keyc = mn_table_col(t, "key");
    double px[16], py[16], extra = 0, rf_vas = -1;
    size_t n = 0;
    mn_status st = MN_OK;
    for (size_t r = 0; r < mn_table_rows(t) && st == MN_OK; r++) {
        const char *kind = mn_table_cell(t, r, kc), *key = mn_table_cell(t, r, keyc);
        double v = 0;
        st = mn_table_double(t, r, "value", &v);
        if (st != MN_OK)
            break;
        if (strcmp(kind, "depth") == 0 && n < 16) {
            px[n] = strtod(key, NULL);
            py[n++] = v;
        } else if (strcmp(kind, "zone") == 0 && zone && strcmp(key, zone) == 0) {
            extra += v;
        } else if (strcmp(kind, "device") == 0 && strcmp(key, "rf") == 0) {
            rf_vas = v;
        }
    }
    mn_table_free(t);
    MN_TRY(st);
    if (n == 0 || (rf && rf_vas < 0))
        return mn_error_set(MN_EINTERNAL, "pain.csv: no %s rows", n == 0 ? "depth" : "device rf");
    if (rf) { /* RF studies report their own pain: one value, not the needling depth curve */
        *vas = fmin(10.0, rf_vas + extra);
        return MN_OK;
    }
    /* Rows are in increasing depth; flat outside, linear between. */
    double base = py[0];
    if (depth_mm >= px[n - 1])
        base = py[n - 1];
    else
        for (size_t i = 0; i + 1 < n; i++)
            if (depth_mm >= px[i] && depth_mm < px[i + 1])
                base = py[i] + (py[i + 1] - py[i]) * (depth_mm - px[i]) / (px[i + 1] - px[i]);
    *vas = fmin(10.0, base + extra);
    return MN_OK;
}

static const char *feel(double vas)
{
    return vas < 2.5   ? "mild prickling and pressure"
           : vas < 4.5 ? "moderate discomfort, like a mild sunburn being touched"
                       : "moderate to marked discomfort despite the numbing cream";
}

mn_status mn_clinic_appointment(const char *zone, double depth_mm, bool rf,
                                double zone_needling_min, mn_appointment *out)
{
    double base = 0, deep = 0, above = 0, after = 0;
    memset(out, 0, sizeof *out);
    MN_TRY(mn_clinic_limit("numbing_minutes", &base));
    MN_TRY(mn_clinic_limit("numbing_deep_minutes", &deep));
    MN_TRY(mn_clinic_limit("numbing_deep_above_mm", &above));
    MN_TRY(mn_clinic_limit("aftercare_minutes", &after));
    /* The depth below which numbing is optional was said of mechanical needling; RF adds heat
     * and its studies' pain scores are taken as with numbing (data/pain.csv, device rf). */
    out->numbing_optional = !rf && depth_mm <= above + 1e-9;
    out->numbing_min = depth_mm > above + 1e-9 ? deep : base;
    out->needling_min = zone_needling_min > 0 ? zone_needling_min : 0;
    out->aftercare_min = after;
    out->chair_min = out->numbing_min + out->needling_min + out->aftercare_min;
    MN_TRY(mn_clinic_pain(zone, depth_mm, rf, &out->pain));
    snprintf(out->pain_text, sizeof out->pain_text, "about %.0f out of 10: %s", out->pain,
             feel(out->pain));
    return MN_OK;
}
