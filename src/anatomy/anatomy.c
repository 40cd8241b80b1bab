#include "anatomy/anatomy.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"

/* Papillary capillary loops: apex 150 µm below the dermal–epidermal junction (Anissimov group,
 * Pharm Res 2022, doi:10.1007/s11095-022-03215-z; literature/permeation.md §5, V). */
#define CAPILLARY_LOOP_BELOW_DEJ_UM 150.0

/* Relative thickness change of a layer at an age, from data/age_trends.csv: compounded per
 * decade from the reference age, applied only beyond from_age_years (Branchet MC et al. Gerontology
 * 1990;36:28–35 and the other rows cited there). */
static mn_status age_factor(const mn_table *t, const char *layer, const char *sex, double age,
                            double *out)
{
    *out = 1.0;
    int lc = mn_table_col(t, "layer"), sc = mn_table_col(t, "sex");
    for (size_t r = 0; r < mn_table_rows(t); r++) {
        if (strcmp(mn_table_cell(t, r, lc), layer) || strcmp(mn_table_cell(t, r, sc), sex))
            continue;
        double pct, ref, from;
        MN_TRY(mn_table_double(t, r, "percent_per_decade", &pct));
        MN_TRY(mn_table_double(t, r, "reference_age_years", &ref));
        MN_TRY(mn_table_double(t, r, "from_age_years", &from));
        double start = fmax(ref, from);
        double decades = (fmax(age, from) - start) / 10.0;
        *out = pow(1.0 + pct / 100.0, decades);
        return MN_OK;
    }
    return MN_OK;
}

static mn_status site_row(const mn_table *t, const char *zone, const char *sex, long *row)
{
    int zc = mn_table_col(t, "zone"), sc = mn_table_col(t, "sex");
    for (size_t r = 0; r < mn_table_rows(t); r++)
        if (strcmp(mn_table_cell(t, r, zc), zone) == 0 &&
            strcmp(mn_table_cell(t, r, sc), sex) == 0) {
            *row = (long)r;
            return MN_OK;
        }
    return mn_error_set(MN_EINPUT, "site table has no zone '%s' for sex %s", zone, sex);
}

/* Skin stiffness of a zone (data/site_stiffness.csv, cited there). */
static mn_status skin_modulus(const char *zone, double *out)
{
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("site_stiffness.csv", &t));
    mn_status st = MN_OK;
    long row = mn_table_find(t, "zone", zone);
    if (row < 0)
        st = mn_error_set(MN_EINTERNAL, "site_stiffness.csv has no zone '%s'", zone);
    else
        st = mn_table_double(t, (size_t)row, "skin_modulus_kpa", out);
    mn_table_free(t);
    return st;
}

mn_status mn_anatomy_column_for(const mn_model *m, mn_column *out)
{
    mn_status st = MN_OK;
    mn_table *sites = NULL, *trends = NULL;
    const char *sex = m->patient.sex == MN_SEX_MALE ? "M" : "F";
    memset(out, 0, sizeof *out);
    snprintf(out->zone, sizeof out->zone, "%s", m->site.zone);
    MN_TRY_GOTO(mn_table_load_embedded("sites.csv", &sites), done);
    MN_TRY_GOTO(mn_table_load_embedded("age_trends.csv", &trends), done);
    long row = -1;
    MN_TRY_GOTO(site_row(sites, m->site.zone, sex, &row), done);
    MN_TRY_GOTO(mn_table_double(sites, (size_t)row, "area_cm2", &out->zone_area_cm2), done);
    MN_TRY_GOTO(skin_modulus(m->site.zone, &out->skin_modulus_kpa), done);
    if (m->site.layers_given) {
        /* The user's measurement of this patient: no age or sex adjustment. */
        out->sc_um = m->site.stratum_corneum_um;
        out->viable_epidermis_um = m->site.epidermis_um;
        out->dermis_um = m->site.dermis_um;
    } else {
        double f;
        MN_TRY_GOTO(mn_table_double(sites, (size_t)row, "sc_um", &out->sc_um), done);
        MN_TRY_GOTO(
            mn_table_double(sites, (size_t)row, "viable_epidermis_um", &out->viable_epidermis_um),
            done);
        MN_TRY_GOTO(mn_table_double(sites, (size_t)row, "dermis_um", &out->dermis_um), done);
        double age = m->patient.age_years;
        MN_TRY_GOTO(age_factor(trends, "sc", sex, age, &f), done);
        out->sc_um *= f;
        MN_TRY_GOTO(age_factor(trends, "viable_epidermis", sex, age, &f), done);
        out->viable_epidermis_um *= f;
        MN_TRY_GOTO(age_factor(trends, "dermis", sex, age, &f), done);
        out->dermis_um *= f;
    }
    out->dej_depth_um = out->sc_um + out->viable_epidermis_um;
    out->capillary_depth_um = out->dej_depth_um + CAPILLARY_LOOP_BELOW_DEJ_UM;
    out->dermis_bottom_um = out->dej_depth_um + out->dermis_um;
done:
    mn_table_free(sites);
    mn_table_free(trends);
    return st;
}

mn_layer mn_anatomy_layer_at(const mn_column *c, double depth_um)
{
    if (depth_um <= 0.0)
        return MN_LAYER_NONE;
    if (depth_um <= c->sc_um)
        return MN_LAYER_SC;
    if (depth_um <= c->dej_depth_um)
        return MN_LAYER_EPIDERMIS;
    if (depth_um <= c->dermis_bottom_um)
        return MN_LAYER_DERMIS;
    return MN_LAYER_SUBCUTIS;
}

const char *mn_anatomy_layer_name(mn_layer l)
{
    static const char *const names[] = {"none", "stratum_corneum", "epidermis", "dermis",
                                        "subcutis"};
    return (unsigned)l <= MN_LAYER_SUBCUTIS ? names[l] : "unknown";
}
