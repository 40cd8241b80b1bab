/* The skin column of a site: table values at the reference age, the Branchet 1990 age trend
 * compounded per decade (data/age_trends.csv), explicit layers taken as given, and the layer
 * lookup used by the needling stage. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "anatomy/anatomy.h"
#include "core/error.h"
#include "core/table.h"
#include "model/scenario.h"

static void column(const char *yaml, mn_column *c)
{
    mn_model m;
    if (mn_scenario_load_text("t.yaml", yaml, strlen(yaml), &m) != MN_OK ||
        mn_anatomy_column_for(&m, c) != MN_OK)
        fail_msg("%s", mn_last_error());
}

static double table_value(const char *zone, const char *sex, const char *col)
{
    mn_table *t = NULL;
    assert_int_equal(mn_table_load_embedded("sites.csv", &t), MN_OK);
    double v = NAN;
    for (size_t r = 0; r < mn_table_rows(t); r++)
        if (!strcmp(mn_table_cell(t, r, mn_table_col(t, "zone")), zone) &&
            !strcmp(mn_table_cell(t, r, mn_table_col(t, "sex")), sex))
            assert_int_equal(mn_table_double(t, r, col, &v), MN_OK);
    mn_table_free(t);
    return v;
}

static void reference_age_gives_table_values(void **state)
{
    mn_column c;
    column("patient: {age_years: 35, sex: male}\nsite: {zone: cheek}\n"
           "device: {type: pen, depth_mm: 1}\n",
           &c);
    assert_true(fabs(c.dermis_um - table_value("cheek", "M", "dermis_um")) < 1e-9);
    assert_true(fabs(c.viable_epidermis_um - table_value("cheek", "M", "viable_epidermis_um")) <
                1e-9);
    /* Capillary loop apex 150 um below the DEJ (permeation.md §5). */
    assert_true(fabs(c.capillary_depth_um - (c.sc_um + c.viable_epidermis_um + 150.0)) < 1e-9);
}

static void older_skin_is_thinner_by_the_branchet_trend(void **state)
{
    mn_column young, old;
    column("patient: {age_years: 35, sex: female}\nsite: {zone: neck}\n"
           "device: {type: pen, depth_mm: 1}\n",
           &young);
    column("patient: {age_years: 75, sex: female}\nsite: {zone: neck}\n"
           "device: {type: pen, depth_mm: 1}\n",
           &old);
    /* Four decades at -5.7 %/decade (epidermis) and -6 %/decade (dermis), compounded. */
    assert_true(fabs(old.viable_epidermis_um / young.viable_epidermis_um - pow(0.943, 4)) < 1e-9);
    assert_true(fabs(old.dermis_um / young.dermis_um - pow(0.94, 4)) < 1e-9);
}

static void explicit_layers_are_used_as_given(void **state)
{
    mn_column c;
    column("patient: {age_years: 80}\nsite: {zone: neck, layers_um: {stratum_corneum: 12, "
           "epidermis: 70, dermis: 1100}}\ndevice: {type: pen, depth_mm: 1}\n",
           &c);
    assert_true(c.sc_um == 12 && c.viable_epidermis_um == 70 && c.dermis_um == 1100);
    assert_int_equal(mn_anatomy_layer_at(&c, 0.0), MN_LAYER_NONE);
    assert_int_equal(mn_anatomy_layer_at(&c, 10.0), MN_LAYER_SC);
    assert_int_equal(mn_anatomy_layer_at(&c, 50.0), MN_LAYER_EPIDERMIS);
    assert_int_equal(mn_anatomy_layer_at(&c, 1000.0), MN_LAYER_DERMIS);
    assert_int_equal(mn_anatomy_layer_at(&c, 1300.0), MN_LAYER_SUBCUTIS);
}

static void every_zone_and_sex_has_a_complete_row(void **state)
{
    static const char *zones[] = {"forehead", "glabella", "temple",    "periorbital", "eyelid",
                                  "nose",     "cheek",    "zygoma",    "perioral",    "upper_lip",
                                  "chin",     "jawline",  "neck",      "decollete",   "upper_back",
                                  "abdomen",  "thigh",    "upper_arm", "dorsal_hand", "scalp"};
    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++)
        for (int s = 0; s < 2; s++) {
            const char *sex = s ? "M" : "F";
            const char *cols[] = {"sc_um", "viable_epidermis_um", "dermis_um", "area_cm2"};
            for (int c = 0; c < 4; c++) {
                double v = table_value(zones[z], sex, cols[c]);
                if (!(v > 0))
                    fail_msg("%s %s: %s missing", zones[z], sex, cols[c]);
            }
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_age_gives_table_values),
        cmocka_unit_test(older_skin_is_thinner_by_the_branchet_trend),
        cmocka_unit_test(explicit_layers_are_used_as_given),
        cmocka_unit_test(every_zone_and_sex_has_a_complete_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
