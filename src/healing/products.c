/* Products that act on healing, through the dose they deliver (data/healing_products.csv):
 * the mean over the sessions of the dermis's peak concentration during the application (the
 * delivery stage's exposure: intradermal references such as PRP and tranexamic acid report the
 * concentration the tissue received, which is the peak) changes its target by the factor
 * 1 + emax * C / (C + c_half) — the fibroblasts' activated synthesis (target "synthesis") or the
 * hazard of post-inflammatory hyperpigmentation (target "pih"). A product without a row for the
 * target has no cited effect on it and changes nothing. */
#include <string.h>

#include "core/error.h"
#include "core/table.h"
#include "healing/healing_internal.h"

static mn_status product_factor(const mn_healing_injury *injuries, int n_sessions,
                                const char *target, double *factor)
{
    *factor = 1.0;
    if (n_sessions < 1 || !injuries || injuries[0].product[0] == '\0')
        return MN_OK;
    mn_table *t = NULL;
    mn_status st = MN_OK;
    MN_TRY(mn_table_load_embedded("healing_products.csv", &t));
    for (size_t row = 0; row < mn_table_rows(t); row++) {
        const char *name = NULL, *tgt = NULL;
        double emax = 0, c_half = 0;
        MN_TRY_GOTO(mn_table_text(t, row, "product", &name), done);
        MN_TRY_GOTO(mn_table_text(t, row, "target", &tgt), done);
        if (strcmp(name, injuries[0].product) != 0 || strcmp(tgt, target) != 0)
            continue;
        MN_TRY_GOTO(mn_table_double(t, row, "emax", &emax), done);
        MN_TRY_GOTO(mn_table_double(t, row, "c_half_ug_ml", &c_half), done);
        double c = 0;
        for (int s = 0; s < n_sessions; s++) {
            const mn_healing_injury *in = &injuries[s];
            double thick_cm = (in->dermis_bottom_um - in->dermis_top_um) * 1e-4;
            if (thick_cm > 0 && in->product_dermis_ug_per_cm2 > 0)
                c += in->product_dermis_ug_per_cm2 / thick_cm;
        }
        c /= n_sessions;
        *factor = 1.0 + emax * c / (c + c_half);
        if (*factor < 0)
            *factor = 0;
        break;
    }
done:
    mn_table_free(t);
    return st;
}

mn_status mn_healing_product_factor(const mn_healing_injury *injuries, int n_sessions,
                                    double *factor)
{
    return product_factor(injuries, n_sessions, "synthesis", factor);
}

mn_status mn_healing_product_pih_factor(const mn_healing_injury *injuries, int n_sessions,
                                        double *factor)
{
    return product_factor(injuries, n_sessions, "pih", factor);
}
