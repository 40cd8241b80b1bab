/* `mnsim sites` and `mnsim devices`: the embedded tables, with their sources. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include <mnsim/tables.h>

/* Prints chosen columns of a table as aligned text, or every column as CSV with --csv. */
static int print_table(const char *cmd, const char *file, const char *const *cols,
                       const int *widths, int argc, char **argv)
{
    int csv = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--csv"))
            csv = 1;
        else
            return mn_cli_usage_error(cmd, "unknown option '%s'", argv[i]);
    }
    mn_table *t = NULL;
    mn_status st = mn_table_load_embedded(file, &t);
    if (st != MN_OK)
        return mn_cli_fail(st);
    if (csv) {
        const char *text;
        size_t len;
        mn_embedded_get(file, &text, &len);
        fwrite(text, 1, len, stdout);
        mn_table_free(t);
        return 0;
    }
    for (int c = 0; cols[c]; c++)
        printf("%-*s ", widths[c], cols[c]);
    printf("\n");
    for (size_t r = 0; r < mn_table_rows(t); r++) {
        for (int c = 0; cols[c]; c++) {
            const char *cell = mn_table_cell(t, r, mn_table_col(t, cols[c]));
            if (widths[c] > 0)
                printf("%-*.*s ", widths[c], widths[c], cell);
            else
                printf("%s", cell);
        }
        printf("\n");
    }
    printf("\n(%zu rows; `mnsim %s --csv` prints the whole table with sources and notes)\n",
           mn_table_rows(t), cmd);
    mn_table_free(t);
    return 0;
}

int mn_cmd_sites(int argc, char **argv)
{
    static const char *const cols[] = {"zone",      "sex",      "sc_um",  "viable_epidermis_um",
                                       "dermis_um", "area_cm2", "status", "dermis_source",
                                       NULL};
    static const int widths[] = {12, 3, 6, 19, 9, 8, 6, 0};
    if (mn_cli_wants_help(argc, argv)) {
        printf("Usage: mnsim sites [--csv]\n\nSkin layer thicknesses (um, adult of 35 y) and "
               "typical zone areas by zone and sex,\nwith sources (data/sites.csv). The age "
               "trend is in data/age_trends.csv.\n");
        return 0;
    }
    return print_table("sites", "sites.csv", cols, widths, argc, argv);
}

int mn_cmd_devices(int argc, char **argv)
{
    static const char *const cols[] = {"model",
                                       "type",
                                       "needles",
                                       "rows",
                                       "drum_width_mm",
                                       "needle_diameter_mm",
                                       "needle_length_mm",
                                       "frequency_hz",
                                       "status",
                                       "source",
                                       NULL};
    static const int widths[] = {22, 6, 7, 4, 13, 18, 16, 12, 6, 0};
    if (mn_cli_wants_help(argc, argv)) {
        printf("Usage: mnsim devices [--csv]\n\nMicroneedling devices (rollers, pens, stamps, RF) "
               "with their geometry and sources\n(data/devices.csv).\n");
        return 0;
    }
    return print_table("devices", "devices.csv", cols, widths, argc, argv);
}
