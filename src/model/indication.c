#include "model/indication.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"
#include "model/ycheck.h"

/* The concern vocabulary is contract (DESIGN.md "Scenario additions"). */
static const char *const concerns[] = {"acne_scars",
                                       "acne_scars_boxcar",
                                       "acne_scars_icepick",
                                       "acne_scars_rolling",
                                       "acne",
                                       "rosacea",
                                       "alopecia",
                                       "alopecia_areata",
                                       "burn_scar",
                                       "surgical_scar",
                                       "drug_delivery",
                                       "enlarged_pores",
                                       "fine_lines",
                                       "wrinkles",
                                       "hyperhidrosis",
                                       "hyperpigmentation",
                                       "melasma",
                                       "laxity",
                                       "stretch_marks",
                                       "sun_damage",
                                       "uneven_tone",
                                       NULL};

/* Severity is "on the concern's own scale" (Goodman & Baron 1–4, Lemperle 0–5, mMASI 0–24,
 * Hamilton–Norwood 1–7, ...). The loader first bounds it by the widest such scale (SALT's
 * 0–100), then by the concern's row of data/severity.csv, the one table `mnsim plan` reads too
 * (issue 19), so a number means the same in run and plan. */
#define SEVERITY_MAX 100.0

/* The severity against the concern's scale in data/severity.csv. */
static mn_status check_severity(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                                const mn_indication *in)
{
    if (isnan(in->severity))
        return MN_OK;
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("severity.csv", &t));
    long r = mn_table_find(t, "concern", in->concern);
    double lo = 0, hi = 0;
    char scale[96] = "";
    mn_status st = MN_OK;
    if (r >= 0) {
        snprintf(scale, sizeof scale, "%s", mn_table_cell(t, (size_t)r, mn_table_col(t, "scale")));
        st = mn_table_double(t, (size_t)r, "scale_min", &lo);
        if (st == MN_OK)
            st = mn_table_double(t, (size_t)r, "scale_max", &hi);
    }
    mn_table_free(t);
    MN_TRY(st);
    char p[128];
    const mn_ynode *n = mn_ynode_get(map, "severity");
    if (r < 0)
        return mn_y_error(doc, n, mn_y_path(p, sizeof p, path, "severity"),
                          "%s has no severity scale in data/severity.csv (expected no severity)",
                          in->concern);
    if (in->severity < lo || in->severity > hi)
        return mn_y_error(doc, n, mn_y_path(p, sizeof p, path, "severity"),
                          "%g is off the %s of %s (expected %g to %g)", in->severity, scale,
                          in->concern, lo, hi);
    return MN_OK;
}

const char *const *mn_indication_concerns(void)
{
    return concerns;
}

int mn_indication_concern_known(const char *name)
{
    for (int i = 0; concerns[i]; i++)
        if (strcmp(concerns[i], name) == 0)
            return 1;
    return 0;
}

mn_status mn_indication_parse(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                              mn_indication *out)
{
    static const char *const keys[] = {"concern", "severity", NULL};
    memset(out, 0, sizeof *out);
    out->severity = NAN;
    if (!map)
        return MN_OK;
    MN_TRY(mn_y_expect(doc, map, MN_Y_MAP, path));
    MN_TRY(mn_y_check_keys(doc, map, path, keys));
    MN_TRY(mn_y_require(doc, map, path, "concern"));
    int idx = 0;
    MN_TRY(mn_y_choice(doc, map, path, "concern", concerns, &idx));
    snprintf(out->concern, sizeof out->concern, "%s", concerns[idx]);
    MN_TRY(mn_y_double(doc, map, path, "severity", 0.0, SEVERITY_MAX, &out->severity));
    MN_TRY(check_severity(doc, map, path, out));
    out->present = true;
    return MN_OK;
}

mn_status mn_operator_parse(const mn_ydoc *doc, const mn_ynode *root, mn_operator *out)
{
    static const char *const operators[] = {"trained", "untrained", NULL};
    int op = MN_OPERATOR_TRAINED;
    MN_TRY(mn_y_choice(doc, root, "", "operator", operators, &op));
    *out = (mn_operator)op;
    return MN_OK;
}
