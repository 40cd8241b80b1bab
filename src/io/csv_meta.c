/* CSV sidecars (see csv_meta.h). The descriptions say what the columns mean; the units are in
 * the column names (_um, _mm, _h, _ug_cm2, _c, ...). */
#include "io/csv_meta.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/error.h"
#include "io/outdir.h"
#include "io/atomic.h"

typedef struct csv_meta {
    const char *file;
    const char *description;
} csv_meta;

static const csv_meta TABLES[] = {
    {"punctures.csv",
     "One row per puncture of every session. x_mm, y_mm: entry point on the patch (origin at its "
     "lower-left corner); set_depth_um: needle length or dial setting; tissue_depth_um: depth "
     "reached below the skin surface (0: not pierced); angle_deg: needle axis from the surface "
     "normal; layer: deepest layer reached; bleeds: 1 if it reached the papillary capillary "
     "loops; pass: 1-based."},
    {"timeline.csv",
     "The healing course, hourly for 5 days after each session, then daily. day: days after the "
     "first session; collagen_I, collagen_III, elastin: dermis means relative to the untreated "
     "baseline (1 = unchanged); fibroblasts: dermis mean relative to resting (1 = resting); "
     "mediator: dermis mean excess of the wound mediator (0 = none); erythema_index: "
     "depth-integrated inflammation relative to the threshold of visible redness (>= 1: "
     "visible); epidermis_um: viable epidermis thickness."},
    {"delivery.csv",
     "Amounts per cm2 of skin over time, per session. cumulative = entered the skin so far; layer "
     "columns = amount in the layer now; systemic = cleared by the dermal capillaries so far; "
     "past_sc = epidermis + dermis + systemic. intact_* = the same product on intact skin. time_h "
     "from the application in that session; open_channel_fraction: channels still open. "
     "receptor, intact_receptor: cumulative amount in the receptor of a Franz cell (0 in "
     "vivo; in vitro nothing is cleared, so systemic is 0)."},
    {"delivery_profiles.csv",
     "Concentration in tissue (ug/mL) by depth below the surface: concentration = lateral mean "
     "over the treated skin; channel_axis = on a channel's axis; between_channels = farthest "
     "from channels; intact_concentration = intact skin."},
    {"thermal.csv",
     "RF heating of each session over time since the first pulse: temperatures (degrees C) just "
     "below the needle tip, the hottest epidermis and the hottest tissue, and the largest "
     "Arrhenius damage integrals (omega, dimensionless; >= 1: skin burn or collagen "
     "coagulation)."},
};

/* A file of this run (io/outdir.h: pending until the run publishes). */
static int exists(const char *path)
{
    FILE *f = mn_io_fopen_result(path);
    if (f)
        fclose(f);
    return f != NULL;
}

static mn_status write_one(const char *dir, const csv_meta *t)
{
    char path[4200], name[128];
    mn_status st = MN_OK;
    snprintf(name, sizeof name, "%s-metadata.json", t->file);
    MN_TRY(mn_io_join(path, sizeof path, dir, t->file));
    int have_csv = exists(path);
    MN_TRY(mn_io_join(path, sizeof path, dir, name));
    if (!have_csv) /* an earlier run's description goes with its CSV (io/outdir.h) */
        return MN_OK;
    cJSON *m = cJSON_CreateObject();
    cJSON *dialect = cJSON_AddObjectToObject(m, "dialect");
    if (!m || !dialect || !cJSON_AddStringToObject(m, "@context", "http://www.w3.org/ns/csvw") ||
        !cJSON_AddStringToObject(m, "url", t->file) ||
        !cJSON_AddStringToObject(m, "dc:description", t->description) ||
        !cJSON_AddBoolToObject(dialect, "header", 1) ||
        !cJSON_AddStringToObject(dialect, "delimiter", ",")) {
        cJSON_Delete(m);
        return mn_error_set(MN_ENOMEM, "out of memory describing %s", t->file);
    }
    char *text = cJSON_Print(m);
    cJSON_Delete(m);
    if (!text)
        return mn_error_set(MN_ENOMEM, "out of memory describing %s", t->file);
    st = mn_io_write_text(path, text);
    cJSON_free(text);
    return st;
}

mn_status mn_io_write_csv_metadata(const char *dir)
{
    for (size_t i = 0; i < sizeof TABLES / sizeof TABLES[0]; i++)
        MN_TRY(write_one(dir, &TABLES[i]));
    return MN_OK;
}
