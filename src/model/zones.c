/* Zone names (see zones.h), read from the site table. */
#include "model/zones.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"

mn_status mn_model_zone_known(const char *zone, int *known, char *list, size_t list_cap)
{
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("sites.csv", &t));
    int zc = mn_table_col(t, "zone");
    size_t used = 0;
    *known = 0;
    list[0] = '\0';
    for (size_t r = 0; r < mn_table_rows(t); r++) {
        const char *z = mn_table_cell(t, r, zc);
        if (strcmp(z, zone) == 0)
            *known = 1;
        /* Rows come in F/M pairs: list each zone once. */
        if (r > 0 && strcmp(mn_table_cell(t, r - 1, zc), z) == 0)
            continue;
        if (used + strlen(z) + 3 < list_cap)
            used += (size_t)snprintf(list + used, list_cap - used, "%s%s", used ? ", " : "", z);
    }
    mn_table_free(t);
    return MN_OK;
}
