/* Clinical scores from tissue outcomes (data/clinical_scales.csv): the change on the concern's
 * scale saturates with the papillary collagen gain, X / (X + x50), up to the best grade; the
 * between-patient spread gives the responder fraction. Concerns without a cited calibration
 * report their scale with null numbers rather than a guess. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"
#include "healing/healing_internal.h"

const double mn_healing_clinical_days[MN_HEALING_N_CLINICAL_DAYS] = {90, 180, 365};

static double normal_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* Outcome index of a day (outcome days 30, 90, 180, 365). */
static double papillary_at(const mn_healing_outcome *o, double day)
{
    for (int d = 0; d < MN_HEALING_N_OUTCOME_DAYS; d++)
        if (fabs(mn_healing_outcome_days[d] - day) < 1e-9)
            return o->papillary_collagen_change_percent[d];
    return NAN;
}

mn_status mn_healing_clinical_score(const char *concern, double severity,
                                    const mn_healing_outcome *o, mn_healing_clinical *out)
{
    memset(out, 0, sizeof *out);
    if (!concern || !o)
        return mn_error_set(MN_EINPUT, "healing: clinical score needs a concern and an outcome");
    mn_table *t = NULL;
    mn_status st = MN_OK;
    MN_TRY(mn_table_load_embedded("clinical_scales.csv", &t));
    size_t row = 0, n = mn_table_rows(t);
    const char *name = NULL, *scale = NULL, *cal = NULL;
    for (; row < n; row++) {
        MN_TRY_GOTO(mn_table_text(t, row, "concern", &name), done);
        if (strcmp(name, concern) == 0)
            break;
    }
    if (row == n) {
        st = mn_error_set(MN_EINPUT,
                          "healing: unknown concern '%s' (expected a name of "
                          "data/clinical_scales.csv)",
                          concern);
        goto done;
    }
    double lo = 0, hi = 0, typical = 0, dir = 0, step = 0;
    MN_TRY_GOTO(mn_table_text(t, row, "scale", &scale), done);
    MN_TRY_GOTO(mn_table_text(t, row, "calibrated", &cal), done);
    MN_TRY_GOTO(mn_table_double(t, row, "scale_min", &lo), done);
    MN_TRY_GOTO(mn_table_double(t, row, "scale_max", &hi), done);
    MN_TRY_GOTO(mn_table_double(t, row, "typical_baseline", &typical), done);
    MN_TRY_GOTO(mn_table_double(t, row, "direction", &dir), done);
    MN_TRY_GOTO(mn_table_double(t, row, "step", &step), done);
    snprintf(out->concern, sizeof out->concern, "%s", concern);
    snprintf(out->scale, sizeof out->scale, "%s", scale);
    out->baseline = severity >= 0 ? severity : typical;
    if (out->baseline < lo)
        out->baseline = lo;
    if (out->baseline > hi)
        out->baseline = hi;
    for (int d = 0; d < MN_HEALING_N_CLINICAL_DAYS; d++)
        out->change[d] = NAN;
    out->change_sd = NAN;
    out->responder_fraction = NAN;
    if (strcmp(cal, "yes") != 0)
        goto done;
    double x50 = 0, sd = 0;
    MN_TRY_GOTO(mn_table_double(t, row, "x50_percent", &x50), done);
    MN_TRY_GOTO(mn_table_double(t, row, "change_sd", &sd), done);
    out->calibrated = 1;
    out->change_sd = sd;
    /* Room to improve: from the baseline to the best grade of the scale. */
    double room = dir < 0 ? out->baseline - lo : hi - out->baseline;
    for (int d = 0; d < MN_HEALING_N_CLINICAL_DAYS; d++) {
        double x = papillary_at(o, mn_healing_clinical_days[d]);
        if (!isfinite(x))
            continue;
        x = x > 0 ? x : 0;
        out->change[d] = dir * room * x / (x + x50);
    }
    double gain = fabs(out->change[1]);
    if (isfinite(gain))
        out->responder_fraction = sd > 0 ? normal_cdf((gain - step) / sd) : (gain >= step);
done:
    mn_table_free(t);
    return st;
}
