#include "io/summary.h"

#include "io/fmt.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/units.h"
#include "model/device.h"
#include "mnsim/version.h"

#define JSON_ADD(obj, call)                                                                        \
    do {                                                                                           \
        if (!(call))                                                                               \
            return mn_error_set(MN_ENOMEM, "out of memory building summary.json");                 \
    } while (0)

mn_status mn_summary_set_seed(cJSON *summary, uint64_t seed)
{
    /* A 64-bit seed above 2^53 has no exact double: its digits go out as they are (a JSON
     * number of any length), so the run can be repeated from its summary. */
    char digits[32];
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)seed);
    cJSON *raw = cJSON_CreateRaw(digits);
    if (!raw || !cJSON_ReplaceItemInObjectCaseSensitive(summary, "seed", raw)) {
        cJSON_Delete(raw);
        return mn_error_set(MN_ENOMEM, "out of memory building summary.json");
    }
    return MN_OK;
}

mn_status mn_summary_create(const mn_model *m, int threads, cJSON **out)
{
    cJSON *s = cJSON_CreateObject();
    if (!s)
        return mn_error_set(MN_ENOMEM, "out of memory building summary.json");
    *out = s;
    JSON_ADD(s, cJSON_AddStringToObject(s, "schema", "mnsim.summary/1"));
    JSON_ADD(s, cJSON_AddStringToObject(s, "mnsim_version", MNSIM_VERSION));
    JSON_ADD(s, cJSON_AddNullToObject(s, "seed"));
    MN_TRY(mn_summary_set_seed(s, m->seed));
    JSON_ADD(s, cJSON_AddNumberToObject(s, "threads", threads));
    cJSON *sc = cJSON_AddObjectToObject(s, "scenario");
    JSON_ADD(s, sc);
    JSON_ADD(sc, cJSON_AddStringToObject(sc, "name", m->name));
    JSON_ADD(sc, cJSON_AddStringToObject(sc, "zone", m->site.zone));
    JSON_ADD(sc, cJSON_AddStringToObject(sc, "device",
                                         m->device.model[0] ? m->device.model
                                                            : mn_device_type_name(m->device.type)));
    JSON_ADD(s, cJSON_AddArrayToObject(s, "sessions"));
    return MN_OK;
}

/* Issue 12: the open channel left behind, beside the tip's reach (tissue_depth_um). */
static mn_status add_needling_channels(cJSON *n, const mn_needling_summary *ns)
{
    cJSON *c = cJSON_AddObjectToObject(n, "channel_depth_um");
    JSON_ADD(n, c);
    JSON_ADD(c, cJSON_AddNumberToObject(c, "mean", ns->channel_depth_mean_um));
    JSON_ADD(c, cJSON_AddNumberToObject(c, "p5", ns->channel_depth_p5_um));
    JSON_ADD(c, cJSON_AddNumberToObject(c, "p50", ns->channel_depth_p50_um));
    JSON_ADD(c, cJSON_AddNumberToObject(c, "p95", ns->channel_depth_p95_um));
    cJSON *d = cJSON_AddObjectToObject(n, "channel_diameter_um");
    JSON_ADD(n, d);
    JSON_ADD(d, cJSON_AddNumberToObject(d, "mean", ns->channel_diameter_mean_um));
    JSON_ADD(d, cJSON_AddNumberToObject(d, "p5", ns->channel_diameter_p5_um));
    JSON_ADD(d, cJSON_AddNumberToObject(d, "p95", ns->channel_diameter_p95_um));
    JSON_ADD(
        n, cJSON_AddNumberToObject(n, "bleeding_probability_mean", ns->bleeding_probability_mean));
    JSON_ADD(n, cJSON_AddNumberToObject(n, "empty_cell_fraction", ns->empty_cell_fraction));
    cJSON *nn = cJSON_AddObjectToObject(n, "nearest_neighbour_um");
    JSON_ADD(n, nn);
    JSON_ADD(nn, cJSON_AddNumberToObject(nn, "mean", ns->nearest_neighbour_mean_um));
    JSON_ADD(nn, cJSON_AddNumberToObject(nn, "p5", ns->nearest_neighbour_p5_um));
    return MN_OK;
}

mn_status mn_summary_add_session(cJSON *summary, int index, double day,
                                 const mn_needling_summary *ns, cJSON **session_out)
{
    cJSON *sessions = cJSON_GetObjectItemCaseSensitive(summary, "sessions");
    cJSON *s = cJSON_CreateObject();
    if (!s || !sessions)
        return mn_error_set(MN_ENOMEM, "out of memory building summary.json");
    cJSON_AddItemToArray(sessions, s);
    JSON_ADD(s, cJSON_AddNumberToObject(s, "index", index));
    JSON_ADD(s, cJSON_AddNumberToObject(s, "day", day));
    cJSON *n = cJSON_AddObjectToObject(s, "needling");
    JSON_ADD(s, n);
    JSON_ADD(n, cJSON_AddNumberToObject(n, "punctures", (double)ns->punctures));
    JSON_ADD(n, cJSON_AddNumberToObject(n, "area_cm2", ns->area_cm2));
    JSON_ADD(n, cJSON_AddNumberToObject(n, "punctures_per_cm2", ns->punctures_per_cm2));
    JSON_ADD(n, cJSON_AddNumberToObject(n, "coverage_fraction", ns->coverage_fraction));
    cJSON *d = cJSON_AddObjectToObject(n, "tissue_depth_um");
    JSON_ADD(n, d);
    JSON_ADD(d, cJSON_AddNumberToObject(d, "mean", ns->depth_mean_um));
    JSON_ADD(d, cJSON_AddNumberToObject(d, "p5", ns->depth_p5_um));
    JSON_ADD(d, cJSON_AddNumberToObject(d, "p50", ns->depth_p50_um));
    JSON_ADD(d, cJSON_AddNumberToObject(d, "p95", ns->depth_p95_um));
    JSON_ADD(n, cJSON_AddNumberToObject(n, "bleeding_fraction", ns->bleeding_fraction));
    MN_TRY(add_needling_channels(n, ns));
    JSON_ADD(n, cJSON_AddNumberToObject(n, "duration_min", ns->duration_min));
    JSON_ADD(n, cJSON_AddNumberToObject(n, "zone_duration_min", ns->zone_duration_min));
    cJSON *lf = cJSON_AddObjectToObject(n, "deepest_layer_fraction");
    JSON_ADD(n, lf);
    for (int l = 0; l <= MN_LAYER_SUBCUTIS; l++)
        JSON_ADD(lf, cJSON_AddNumberToObject(lf, mn_anatomy_layer_name((mn_layer)l),
                                             ns->layer_fraction[l]));
    if (session_out)
        *session_out = s;
    return MN_OK;
}

mn_status mn_punctures_write_csv(FILE *f, const mn_punctures *p, int write_header)
{
    if (write_header)
        fputs("session,pass,x_mm,y_mm,set_depth_um,tissue_depth_um,angle_deg,layer,bleeds,"
              "channel_depth_um,channel_diameter_um\n",
              f);
    /* One row at a time into a buffer, numbers by mn_fmt (exactly printf's "%.Nf"): a whole
     * zone writes millions of rows, and fprintf's format parsing was most of their cost. */
    char row[16 * MN_FMT_FIXED_BUF];
    for (size_t i = 0; i < p->n; i++) {
        size_t n = mn_fmt_int(row, p->session);
        row[n++] = ',';
        n += mn_fmt_int(row + n, p->pass[i] + 1);
        const double a[3] = {p->x_um[i] / MN_UM_PER_MM, p->y_um[i] / MN_UM_PER_MM,
                             p->set_depth_um[i]};
        const int ad[3] = {4, 4, 1};
        for (int c = 0; c < 3; c++) {
            row[n++] = ',';
            n += mn_fmt_fixed(row + n, a[c], ad[c]);
        }
        row[n++] = ',';
        n += mn_fmt_fixed(row + n, p->tissue_depth_um[i], 2);
        row[n++] = ',';
        n += mn_fmt_fixed(row + n, p->angle_deg[i], 2);
        row[n++] = ',';
        const char *layer = mn_anatomy_layer_name((mn_layer)p->layer[i]);
        size_t ll = strlen(layer);
        memcpy(row + n, layer, ll);
        n += ll;
        row[n++] = ',';
        n += mn_fmt_int(row + n, p->bleeds[i]);
        row[n++] = ',';
        n += mn_fmt_fixed(row + n, p->channel_depth_um[i], 2);
        row[n++] = ',';
        n += mn_fmt_fixed(row + n, p->channel_diameter_um[i], 2);
        row[n++] = '\n';
        fwrite(row, 1, n, f);
    }
    return MN_OK;
}
