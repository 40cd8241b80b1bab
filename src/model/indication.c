#include "model/indication.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

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

/* Severity is "on the concern's own scale" (Goodman & Baron 1–4, wrinkle scales 0–9, MASI
 * 0–48, Hamilton–Norwood 1–7, ...). The loader bounds it by the widest such scale, MASI's
 * 0–48 (Kimbrough-Green 1994); the outcome model checks it against the concern's scale. */
#define SEVERITY_MAX 48.0

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
