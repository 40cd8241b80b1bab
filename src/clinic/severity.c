/* One severity table for run and plan (severity.h). */
#include "clinic/severity.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"

mn_status mn_clinic_severity_scale(const char *concern, mn_severity_scale *out)
{
    mn_table *t = NULL;
    memset(out, 0, sizeof *out);
    MN_TRY(mn_table_load_embedded("severity.csv", &t));
    long r = mn_table_find(t, "concern", concern);
    mn_status st = MN_OK;
    if (r >= 0) {
        out->found = 1;
        snprintf(out->name, sizeof out->name, "%s",
                 mn_table_cell(t, (size_t)r, mn_table_col(t, "scale")));
        st = mn_table_double(t, (size_t)r, "scale_min", &out->lo);
        if (st == MN_OK)
            st = mn_table_double(t, (size_t)r, "scale_max", &out->hi);
        if (st == MN_OK)
            st = mn_table_double(t, (size_t)r, "mild_max", &out->mild_max);
        if (st == MN_OK)
            st = mn_table_double(t, (size_t)r, "severe_min", &out->severe_min);
    }
    mn_table_free(t);
    return st;
}

mn_status mn_clinic_severity_for_score(const char *concern, double severity, double *out)
{
    *out = -1.0;
    if (!(severity >= 0))
        return MN_OK;
    mn_severity_scale s;
    MN_TRY(mn_clinic_severity_scale(concern, &s));
    if (!s.found)
        return MN_OK;
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("clinical_scales.csv", &t));
    long r = mn_table_find(t, "concern", concern);
    double lo = NAN, hi = NAN;
    mn_status st = MN_OK;
    if (r >= 0) {
        st = mn_table_double(t, (size_t)r, "scale_min", &lo);
        if (st == MN_OK)
            st = mn_table_double(t, (size_t)r, "scale_max", &hi);
    }
    mn_table_free(t);
    MN_TRY(st);
    if (r >= 0 && fabs(lo - s.lo) < 1e-9 && fabs(hi - s.hi) < 1e-9)
        *out = severity;
    return MN_OK;
}
