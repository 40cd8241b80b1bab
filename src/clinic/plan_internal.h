/* Internals shared by the planner's files (plan.c, plan_guide.c, plan_rf.c): the cited
 * guidance rows (data/guidance.csv) and the severity band (data/severity.csv). Not part of any
 * public interface. */
#ifndef MN_CLINIC_PLAN_INTERNAL_H
#define MN_CLINIC_PLAN_INTERNAL_H

#include "clinic/plan.h"

/* One row of data/guidance.csv (kind concern, zone, rf or rf_zone); found 0 when absent. */
typedef struct mn_plan_guide {
    int found, has_depth;
    double dmin, dmax, pmin, pmax, smin, smax, imin, imax, maint;
    char endpoint[128], source[512], note[256];
} mn_plan_guide;

mn_status mn_plan_guide_get(const char *kind, const char *name, mn_plan_guide *g);

/* The sessions a severity allows within a guidance row, and the severity scale it was read on. */
typedef struct mn_plan_band {
    int lo, hi; /* sessions */
    const char *name;
    int level;     /* -1 none, 0 mild, 1 moderate, 2 severe */
    double value;  /* the number given on the severity scale, NaN for a word or none */
    int has_scale; /* the concern has a row in data/severity.csv: */
    double scale_lo, scale_hi, mild_max, severe_min;
    char scale[96];
} mn_plan_band;

mn_status mn_plan_severity_band(const char *concern, const char *severity, const mn_plan_guide *g,
                                mn_plan_band *b);

/* "session" or "sessions". */
const char *mn_plan_sessions_word(int n);

/* This patient's column at a zone: the base scenario with the request's patient (plan_rf.c). */
mn_status mn_plan_zone_column(const mn_plan_request *req, const mn_model *base, const char *zone,
                              mn_column *col);

/* The RF set-up of a zone from the cited guidance (plan_rf.c): fills z->rf_* (depth range,
 * sessions band, interval, target, text); rf_planned 1 when RF candidates are to be simulated. */
mn_status mn_plan_rf_zone(const mn_plan_request *req, const mn_model *base, const mn_screening *scr,
                          const char *zone, mn_plan_zone *z);
/* The zone's `rf` object of the plan JSON. */
cJSON *mn_plan_rf_json(const mn_plan_zone *z);

#endif
