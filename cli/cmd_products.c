/* mnsim products: the embedded product table (data/products.csv) with its sources. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include <mnsim/tables.h>

int mn_cmd_products(int argc, char **argv)
{
    if (mn_cli_wants_help(argc, argv)) {
        printf("Usage: mnsim products\n\nPrints the embedded product table (name, label, "
               "mw_da, log_kow,\naqueous_diffusivity_cm2_s, source, status, pka, acid_base, ph,\n"
               "solubility_mg_ml, hydrodynamic_radius_nm, properties_source, properties_status)\n"
               "as CSV.\n");
        return 0;
    }
    if (argc > 1)
        return mn_cli_usage_error("products", "unexpected argument '%s'", argv[1]);
    mn_table *t = NULL;
    mn_status st = mn_table_load_embedded("products.csv", &t);
    if (st != MN_OK)
        return mn_cli_fail(st);
    const char *cols[] = {"name",
                          "label",
                          "mw_da",
                          "log_kow",
                          "aqueous_diffusivity_cm2_s",
                          "source",
                          "status",
                          "pka",
                          "acid_base",
                          "ph",
                          "solubility_mg_ml",
                          "hydrodynamic_radius_nm",
                          "properties_source",
                          "properties_status"};
    size_t nc = sizeof cols / sizeof cols[0];
    for (size_t c = 0; c < nc; c++)
        printf("%s%s", cols[c], c + 1 < nc ? "," : "\n");
    for (size_t r = 0; r < mn_table_rows(t); r++)
        for (size_t c = 0; c < nc; c++) {
            const char *v = mn_table_cell(t, r, mn_table_col(t, cols[c]));
            int quote = strchr(v, ',') || strchr(v, '"');
            if (quote) {
                putchar('"');
                for (const char *p = v; *p; p++) {
                    if (*p == '"')
                        putchar('"');
                    putchar(*p);
                }
                putchar('"');
            } else {
                fputs(v, stdout);
            }
            putchar(c + 1 < nc ? ',' : '\n');
        }
    mn_table_free(t);
    return 0;
}
