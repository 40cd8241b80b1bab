/* The cited guidance rows and severity bands the planner starts from (plan_internal.h). */
#include "clinic/plan_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic/severity.h"
#include "core/error.h"
#include "core/table.h"

static double cell_or(const mn_table *t, size_t r, const char *col, double fallback)
{
    double v = fallback;
    if (mn_table_double_or(t, r, col, fallback, &v) != MN_OK)
        return fallback;
    return v;
}

mn_status mn_plan_guide_get(const char *kind, const char *name, mn_plan_guide *g)
{
    mn_table *t = NULL;
    memset(g, 0, sizeof *g);
    MN_TRY(mn_table_load_embedded("guidance.csv", &t));
    int kc = mn_table_col(t, "kind"), nc = mn_table_col(t, "name");
    for (size_t r = 0; r < mn_table_rows(t); r++) {
        if (strcmp(mn_table_cell(t, r, kc), kind) || strcmp(mn_table_cell(t, r, nc), name))
            continue;
        g->found = 1;
        g->has_depth = *mn_table_cell(t, r, mn_table_col(t, "depth_max_mm")) != '\0';
        g->dmin = cell_or(t, r, "depth_min_mm", 0);
        g->dmax = cell_or(t, r, "depth_max_mm", 0);
        g->pmin = cell_or(t, r, "passes_min", 2);
        g->pmax = cell_or(t, r, "passes_max", g->pmin);
        g->smin = cell_or(t, r, "sessions_min", 1);
        g->smax = cell_or(t, r, "sessions_max", g->smin);
        g->imin = cell_or(t, r, "interval_days_min", 0);
        g->imax = cell_or(t, r, "interval_days_max", g->imin);
        g->maint = cell_or(t, r, "maintenance_days", 0);
        snprintf(g->endpoint, sizeof g->endpoint, "%s",
                 mn_table_cell(t, r, mn_table_col(t, "endpoint")));
        snprintf(g->source, sizeof g->source, "%s (%s)",
                 mn_table_cell(t, r, mn_table_col(t, "source")),
                 mn_table_cell(t, r, mn_table_col(t, "status")));
        snprintf(g->note, sizeof g->note, "%s", mn_table_cell(t, r, mn_table_col(t, "note")));
        break;
    }
    mn_table_free(t);
    return MN_OK;
}

/* The concern's row of data/severity.csv, if any (the table `mnsim run` reads too). */
static mn_status severity_scale(const char *concern, mn_plan_band *b)
{
    mn_severity_scale s;
    MN_TRY(mn_clinic_severity_scale(concern, &s));
    b->has_scale = s.found;
    snprintf(b->scale, sizeof b->scale, "%s", s.name);
    b->scale_lo = s.lo;
    b->scale_hi = s.hi;
    b->mild_max = s.mild_max;
    b->severe_min = s.severe_min;
    return MN_OK;
}

/* Severity -> the session band within the guidance (data/severity.csv header). */
mn_status mn_plan_severity_band(const char *concern, const char *severity, const mn_plan_guide *g,
                                mn_plan_band *b)
{
    int smin = (int)g->smin, smax = (int)g->smax, mid = (int)lround(0.5 * (smin + smax));
    memset(b, 0, sizeof *b);
    b->lo = smin;
    b->hi = smax;
    b->name = "";
    b->level = -1;
    b->value = NAN;
    MN_TRY(severity_scale(concern, b));
    if (!severity || !*severity)
        return MN_OK;
    int level = -1; /* 0 mild, 1 moderate, 2 severe */
    if (!strcmp(severity, "mild"))
        level = 0;
    else if (!strcmp(severity, "moderate"))
        level = 1;
    else if (!strcmp(severity, "severe"))
        level = 2;
    else {
        char *end = NULL;
        double v = strtod(severity, &end);
        if (end == severity || *end || !isfinite(v))
            return mn_error_set(MN_EINPUT,
                                "--severity: '%.40s' (expected mild, moderate, severe or a "
                                "number on the concern's scale)",
                                severity);
        if (!b->has_scale)
            return mn_error_set(MN_EINPUT,
                                "--severity: %s has no severity scale in data/severity.csv "
                                "(expected mild, moderate or severe)",
                                concern);
        if (v < b->scale_lo || v > b->scale_hi)
            return mn_error_set(MN_EINPUT, "--severity: %g is off the %s scale (expected %g to %g)",
                                v, b->scale, b->scale_lo, b->scale_hi);
        level = v <= b->mild_max ? 0 : v >= b->severe_min ? 2 : 1;
        b->value = v;
    }
    static const char *const names[] = {"mild", "moderate", "severe"};
    b->name = names[level];
    b->level = level;
    if (level == 0)
        b->hi = mid;
    else if (level == 2)
        b->lo = mid;
    return MN_OK;
}

const char *mn_plan_sessions_word(int n)
{
    return n == 1 ? "session" : "sessions";
}
