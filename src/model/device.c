#include "model/device.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"
#include "core/units.h"
#include "model/ycheck.h"

static const char *const type_names[] = {"roller", "pen", "stamp", "rf", NULL};

const char *mn_device_type_name(mn_device_type t)
{
    static const char *const all[] = {"roller", "pen", "stamp", "rf"};
    return (unsigned)t < 4 ? all[t] : "unknown";
}

/* Documented defaults of keys neither the scenario nor the device table give. */
/* Tip radius and glide speed where a model's row has none: data/devices.csv is their one source,
 * the row of default_pen_cartridge (tip radius: an assumption with its plausible range; glide
 * speed: derived from reported session times; both cited there). */
#define DEFAULTS_ROW "default_pen_cartridge"
/* Needle diameter where the table has none: 0.25 mm, the Dermaroller MF8's needles (Schwarz &
 * Laaff 2011, V), inside the 0.2–0.4 mm of automated pens (PRIME International 2015, V). */
#define DEFAULT_NEEDLE_DIAMETER_MM 0.25
/* Stroke rate: automated pens run 50–150 strokes/s (PRIME International 2015;5(5):49–51,
 * literature/devices.csv, V); 100 Hz is the middle of that range. */
#define DEFAULT_PEN_FREQUENCY_HZ 100.0
/* Passes: "device companies often advise 2 passes; rollers 16–40 passes" (Setterfield L,
 * APAN newsletter 2021; literature/depth_guidance.csv, V2). */
#define DEFAULT_PASSES_PEN    2
#define DEFAULT_PASSES_ROLLER 16
#define DEFAULT_PASSES_STAMP  2

static mn_status table_value(const mn_table *t, long row, const char *col, double *inout)
{
    return mn_table_double_or(t, (size_t)row, col, *inout, inout);
}

/* Fills geometry from a table row. Empty cells leave the current value. */
static mn_status apply_table_row(const mn_table *t, long row, mn_device_spec *d, double *depth_min,
                                 double *depth_max)
{
    double needles = d->needles, rows = d->rows, v;
    MN_TRY(table_value(t, row, "needles", &needles));
    MN_TRY(table_value(t, row, "rows", &rows));
    d->needles = (int)needles;
    d->rows = (int)rows;
    v = d->drum_diameter_um / MN_UM_PER_MM;
    MN_TRY(table_value(t, row, "drum_diameter_mm", &v));
    d->drum_diameter_um = v * MN_UM_PER_MM;
    v = d->drum_width_um / MN_UM_PER_MM;
    MN_TRY(table_value(t, row, "drum_width_mm", &v));
    d->drum_width_um = v * MN_UM_PER_MM;
    v = d->needle_diameter_um / MN_UM_PER_MM;
    MN_TRY(table_value(t, row, "needle_diameter_mm", &v));
    d->needle_diameter_um = v * MN_UM_PER_MM;
    MN_TRY(table_value(t, row, "tip_radius_um", &d->tip_radius_um));
    v = -1.0;
    MN_TRY(table_value(t, row, "needle_length_mm", &v));
    if (v > 0)
        d->set_depth_um = v * MN_UM_PER_MM;
    MN_TRY(table_value(t, row, "depth_min_mm", depth_min));
    MN_TRY(table_value(t, row, "depth_max_mm", depth_max));
    MN_TRY(table_value(t, row, "frequency_hz", &d->frequency_hz));
    v = d->glide_speed_um_s / MN_UM_PER_MM;
    MN_TRY(table_value(t, row, "default_glide_speed_mm_s", &v));
    d->glide_speed_um_s = v * MN_UM_PER_MM;
    return MN_OK;
}

/* The model used when a scenario names none: default_pen_cartridge for pens, otherwise the
 * first row of that type in data/devices.csv (documented there). */
static long default_model_row(const mn_table *t, mn_device_type type)
{
    if (type == MN_DEVICE_PEN)
        return mn_table_find(t, "model", "default_pen_cartridge");
    int tc = mn_table_col(t, "type");
    for (size_t r = 0; r < mn_table_rows(t); r++)
        if (strcmp(mn_table_cell(t, r, tc), mn_device_type_name(type)) == 0)
            return (long)r;
    return -1;
}

mn_status mn_device_check_depth(const mn_ydoc *doc, const mn_ynode *at, const char *path,
                                const mn_device_spec *d, double depth_um)
{
    if (depth_um < d->depth_min_um - 1e-9 || depth_um > d->depth_max_um + 1e-9)
        return mn_y_error(doc, at, path,
                          "depth %g mm is outside the range of this %s (expected %g to %g mm)",
                          depth_um / MN_UM_PER_MM, mn_device_type_name(d->type),
                          d->depth_min_um / MN_UM_PER_MM, d->depth_max_um / MN_UM_PER_MM);
    return MN_OK;
}

static mn_status read_geometry_keys(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                                    mn_device_spec *d)
{
    long needles = d->needles, rows = d->rows, passes = d->passes;
    double v;
    MN_TRY(mn_y_int(doc, map, path, "needles", 1, 2000, &needles));
    MN_TRY(mn_y_int(doc, map, path, "rows", 1, 200, &rows));
    MN_TRY(mn_y_int(doc, map, path, "passes", 1, MN_DEVICE_PASSES_MAX, &passes));
    d->needles = (int)needles;
    d->rows = (int)rows;
    d->passes = (int)passes;
    v = d->drum_diameter_um / MN_UM_PER_MM;
    MN_TRY(mn_y_double(doc, map, path, "drum_diameter_mm", 5.0, 60.0, &v));
    d->drum_diameter_um = v * MN_UM_PER_MM;
    v = d->drum_width_um / MN_UM_PER_MM;
    MN_TRY(mn_y_double(doc, map, path, "drum_width_mm", 0.5, 60.0, &v));
    d->drum_width_um = v * MN_UM_PER_MM;
    v = d->needle_diameter_um / MN_UM_PER_MM;
    MN_TRY(mn_y_double(doc, map, path, "needle_diameter_mm", 0.05, 0.6, &v));
    d->needle_diameter_um = v * MN_UM_PER_MM;
    MN_TRY(mn_y_double(doc, map, path, "tip_radius_um", 1.0, 100.0, &d->tip_radius_um));
    /* The needle's point (any device; issue 12): the needle narrows to tip_radius_um over this
     * length; unset (< 0) the needling stage's needle_taper_length_um; 0 a cylinder. */
    MN_TRY(mn_y_double(doc, map, path, "taper_length_um", 0.0, 5000.0, &d->taper_length_um));
    MN_TRY(mn_y_double(doc, map, path, "frequency_hz", MN_DEVICE_FREQ_MIN_HZ, MN_DEVICE_FREQ_MAX_HZ,
                       &d->frequency_hz));
    v = d->glide_speed_um_s / MN_UM_PER_MM;
    MN_TRY(mn_y_double(doc, map, path, "glide_speed_mm_s", MN_DEVICE_SPEED_MIN_MM_S,
                       MN_DEVICE_SPEED_MAX_MM_S, &v));
    d->glide_speed_um_s = v * MN_UM_PER_MM;
    return MN_OK;
}

/* Needle taper and contact cooling of a named RF model (data/rf_devices.csv; no row: the
 * defaults stay). */
static mn_status rf_table_defaults(mn_device_spec *d)
{
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("rf_devices.csv", &t));
    long row = mn_table_find(t, "model", d->model);
    mn_status st = MN_OK;
    if (row >= 0) {
        double c = NAN;
        MN_TRY_GOTO(table_value(t, row, "taper_length_um", &d->taper_length_um), done);
        MN_TRY_GOTO(table_value(t, row, "cooling_c", &c), done);
        MN_TRY_GOTO(table_value(t, row, "cooling_h_w_m2k", &d->cooling_h_w_m2k), done);
        if (!isnan(c))
            d->cooled = true, d->cooling_c = c;
    }
done:
    mn_table_free(t);
    return st;
}

/* RF settings. Energy is given as power or as energy per needle (one of them); neither
 * the pulse nor the energy has a default: the literature pack reports no typical setting. The
 * carrier defaults to 1 MHz, the frequency of the tissue properties in
 * literature/thermal_electrical.csv (RF microneedling runs at 0.5–2 MHz: Wootten 2021, Cho
 * 2024, literature/devices.csv). Needles are insulated by default, as in Hantash 2009. */
static mn_status read_rf_keys(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                              mn_device_spec *d)
{
    static const char *const polarities[] = {"bipolar", "monopolar", NULL};
    char p[256];
    d->insulated = true;
    d->frequency_mhz = 1.0;
    d->stacks = 1;
    d->power_w = -1.0;
    d->energy_mj_per_needle = -1.0;
    MN_TRY(mn_y_bool(doc, map, path, "insulated", &d->insulated));
    int pol = 0;
    MN_TRY(mn_y_choice(doc, map, path, "polarity", polarities, &pol));
    d->polarity = (mn_polarity)pol;
    MN_TRY(mn_y_double(doc, map, path, "frequency_mhz", 0.1, 10.0, &d->frequency_mhz));
    long stacks = d->stacks;
    MN_TRY(mn_y_int(doc, map, path, "stacks", 1, 10, &stacks));
    d->stacks = (int)stacks;
    MN_TRY(mn_y_require(doc, map, path, "pulse_ms"));
    MN_TRY(mn_y_double(doc, map, path, "pulse_ms", 1.0, 30000.0, &d->pulse_ms));
    const mn_ynode *pw = mn_ynode_get(map, "power_w"),
                   *en = mn_ynode_get(map, "energy_mj_per_needle");
    if ((pw != NULL) == (en != NULL))
        return mn_y_error(doc, pw ? pw : map, mn_y_path(p, sizeof p, path, "power_w"),
                          "%s (expected exactly one of power_w and energy_mj_per_needle)",
                          pw ? "given with energy_mj_per_needle" : "missing");
    MN_TRY(mn_y_double(doc, map, path, "power_w", 0.1, 100.0, &d->power_w));
    MN_TRY(mn_y_double(doc, map, path, "energy_mj_per_needle", 0.01, 1000.0,
                       &d->energy_mj_per_needle));
    /* Explicit arrays: pitch 1.25 mm in Hantash 2009 (literature/devices.csv); tip widths are
     * an assumption (commercial RF tips are about 1 cm across); the bounds leave a wide margin
     * either way and the heat stage checks that the array fits. */
    double mm = -1.0;
    MN_TRY(mn_y_double(doc, map, path, "tip_width_mm", 0.5, 50.0, &mm));
    d->tip_width_um = mm > 0 ? mm * MN_UM_PER_MM : -1.0;
    mm = -1.0;
    MN_TRY(mn_y_double(doc, map, path, "pitch_mm", 0.1, 10.0, &mm));
    d->pitch_um = mm > 0 ? mm * MN_UM_PER_MM : -1.0;
    /* Needle taper, contact cooling and passes at one spot (issue 15). The taper defaults to
     * the needling stage's (data/needling_params.csv); 0 makes a cylinder. A cooling plate is
     * on only when cooling_c is given: sapphire contact coolers are run at +10 down to -30 C
     * (Altshuler GB et al. Phys Med Biol 1999;44:1003-23, V2), the bounds keep above freezing
     * damage at -30 and below body temperature. Its coefficient defaults to perfect contact
     * (the surface held at cooling_c, as Altshuler's model assumes); 100 W/m2K (dry contact)
     * up to 1e6 cover every cooler the heat stage documents (docs/validation/heat.md). Passes
     * at one spot: 0.1 s (stacked by the operator) to an hour. */
    d->taper_length_um = -1.0;
    d->cooled = false;
    d->cooling_c = 37.0;
    d->cooling_h_w_m2k = -1.0;
    if (d->model[0])
        MN_TRY(rf_table_defaults(d));
    MN_TRY(mn_y_double(doc, map, path, "taper_length_um", 0.0, 5000.0, &d->taper_length_um));
    const mn_ynode *cool = mn_ynode_get(map, "cooling_c");
    if (cool)
        d->cooled = true;
    MN_TRY(mn_y_bool(doc, map, path, "contact_cooling", &d->cooled));
    if (d->cooled && !cool && mn_ynode_get(map, "contact_cooling") && d->cooling_c >= 37.0)
        return mn_y_error(doc, mn_ynode_get(map, "contact_cooling"),
                          mn_y_path(p, sizeof p, path, "contact_cooling"),
                          "this device has no cooling plate (expected cooling_c as well)");
    MN_TRY(mn_y_double(doc, map, path, "cooling_c", -30.0, 37.0, &d->cooling_c));
    if (!d->cooled && mn_ynode_get(map, "cooling_h_w_m2k"))
        return mn_y_error(doc, mn_ynode_get(map, "cooling_h_w_m2k"),
                          mn_y_path(p, sizeof p, path, "cooling_h_w_m2k"),
                          "given without a cooling plate (expected cooling_c as well)");
    MN_TRY(mn_y_double(doc, map, path, "cooling_h_w_m2k", 100.0, 1e6, &d->cooling_h_w_m2k));
    /* Pre-cooling: the plate rests on the skin before the first pulse of each pass (the
     * contact-cooling sequence of Altshuler 1999, V2: pre-cooling, then the pulse with the
     * plate still on). 0 (the default, as before) puts it on at the first pulse; up to a
     * minute covers a handpiece held in place. */
    d->precool_s = 0.0;
    if (!d->cooled && mn_ynode_get(map, "precool_s"))
        return mn_y_error(doc, mn_ynode_get(map, "precool_s"),
                          mn_y_path(p, sizeof p, path, "precool_s"),
                          "given without a cooling plate (expected cooling_c as well)");
    MN_TRY(mn_y_double(doc, map, path, "precool_s", 0.0, 60.0, &d->precool_s));
    d->pass_interval_s = -1.0;
    MN_TRY(mn_y_double(doc, map, path, "pass_interval_s", 0.1, 3600.0, &d->pass_interval_s));
    /* Insulated needles conduct only through the exposed tip, whose length the pack gives
     * only for Hantash 2009 (3 mm of a 6 mm needle): so it is required when insulated. */
    if (d->insulated) {
        MN_TRY(mn_y_require(doc, map, path, "tip_exposed_um"));
        MN_TRY(mn_y_double(doc, map, path, "tip_exposed_um", 50.0, 3000.0, &d->tip_exposed_um));
    } else if (mn_ynode_get(map, "tip_exposed_um")) {
        return mn_y_error(doc, mn_ynode_get(map, "tip_exposed_um"),
                          mn_y_path(p, sizeof p, path, "tip_exposed_um"),
                          "given for an uninsulated needle (expected insulated: true)");
    }
    return MN_OK;
}

/* Explicit RF arrays (issue 15): the pitch is asked for, not guessed. pitch_mm gives it,
 * otherwise tip_width_mm (or drum_width_mm, its older spelling) over the columns, otherwise the
 * table row's width when the array is the table's own. The needle field's width follows the
 * pitch so that the needling stage lays the same array down. The heat stage needs tissue
 * between neighbouring needles: at least 50 um beyond the needle diameter (two of its finest
 * voxels on each side). */
#define RF_MIN_GAP_UM 50.0
static mn_status resolve_rf_array(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                                  mn_device_spec *d)
{
    char p[256];
    const int cols = (d->needles + d->rows - 1) / (d->rows > 0 ? d->rows : 1);
    const mn_ynode *pn = mn_ynode_get(map, "pitch_mm"), *tw = mn_ynode_get(map, "tip_width_mm");
    const mn_ynode *dw = mn_ynode_get(map, "drum_width_mm");
    if (!pn && !tw && !dw && mn_ynode_get(map, "needles") && !mn_ynode_get(map, "model"))
        return mn_y_error(doc, map, mn_y_path(p, sizeof p, path, "pitch_mm"),
                          "missing for an explicit array of %d needles (expected pitch_mm, or "
                          "tip_width_mm, the width of the needle field)",
                          d->needles);
    double width = d->tip_width_um > 0 ? d->tip_width_um : d->drum_width_um;
    const char *key = pn ? "pitch_mm" : tw ? "tip_width_mm" : "drum_width_mm";
    const mn_ynode *at = pn ? pn : tw ? tw : dw ? dw : map;
    double pitch = d->pitch_um > 0 ? d->pitch_um : width / cols;
    if (pitch < d->needle_diameter_um + RF_MIN_GAP_UM)
        return mn_y_error(doc, at, mn_y_path(p, sizeof p, path, key),
                          "pitch %.3g mm leaves no tissue around %.3g mm needles (expected a "
                          "pitch of at least the needle diameter + %.2g mm%s)",
                          pitch / MN_UM_PER_MM, d->needle_diameter_um / MN_UM_PER_MM,
                          RF_MIN_GAP_UM / MN_UM_PER_MM,
                          pn ? "" : "; give pitch_mm, or a wider tip_width_mm");
    if (pn && (tw || dw) && (cols - 1) * pitch > width + 1e-6)
        return mn_y_error(doc, pn, mn_y_path(p, sizeof p, path, "pitch_mm"),
                          "%d columns at %.3g mm span %.3g mm, wider than the %.3g mm tip "
                          "(expected pitch_mm <= %s / (columns - 1))",
                          cols, pitch / MN_UM_PER_MM, (cols - 1) * pitch / MN_UM_PER_MM,
                          width / MN_UM_PER_MM, tw ? "tip_width_mm" : "drum_width_mm");
    d->pitch_um = pitch;
    d->drum_width_um = cols * pitch;
    return MN_OK;
}

mn_status mn_device_parse(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                          mn_device_spec *out)
{
    static const char *const rf_keys[] = {
        "insulated", "tip_exposed_um",  "polarity",  "power_w",         "energy_mj_per_needle",
        "pulse_ms",  "frequency_mhz",   "stacks",    "tip_width_mm",    "pitch_mm",
        "cooling_c", "cooling_h_w_m2k", "precool_s", "pass_interval_s", "contact_cooling",
        NULL};
    /* the keys of every device; an rf device also takes rf_keys */
    static const char *const general_keys[] = {"type",
                                               "model",
                                               "needles",
                                               "rows",
                                               "drum_diameter_mm",
                                               "drum_width_mm",
                                               "needle_diameter_mm",
                                               "tip_radius_um",
                                               "taper_length_um",
                                               "needle_length_mm",
                                               "depth_mm",
                                               "frequency_hz",
                                               "glide_speed_mm_s",
                                               "passes",
                                               "setting",
                                               "sterile",
                                               "reuse_count",
                                               NULL};
    static const char *const settings[] = {"clinic", "home", NULL};
    mn_status st = MN_OK;
    mn_table *t = NULL;
    char p[256];
    memset(out, 0, sizeof *out);
    enum {
        NGENERAL = sizeof general_keys / sizeof *general_keys - 1,
        NRF = sizeof rf_keys / sizeof *rf_keys - 1
    };
    const char *keys[NGENERAL + NRF + 1];
    memcpy(keys, general_keys, NGENERAL * sizeof *keys);
    memcpy(keys + NGENERAL, rf_keys, (NRF + 1) * sizeof *keys); /* with its NULL */
    MN_TRY(mn_y_check_keys(doc, map, path, keys));
    MN_TRY(mn_y_require(doc, map, path, "type"));
    int type = 0;
    MN_TRY(mn_y_choice(doc, map, path, "type", type_names, &type));
    out->type = (mn_device_type)type;
    /* Hands and hygiene: a clinic's sterile single-use needles unless the scenario says
     * otherwise. Reuse: up to 1000 uses covers any home roller's life. */
    out->tip_width_um = out->pitch_um = -1.0;
    out->taper_length_um = -1.0;
    out->sterile = true;
    int setting = MN_SETTING_CLINIC;
    MN_TRY(mn_y_choice(doc, map, path, "setting", settings, &setting));
    out->setting = (mn_device_setting)setting;
    MN_TRY(mn_y_bool(doc, map, path, "sterile", &out->sterile));
    long reuse = 0;
    MN_TRY(mn_y_int(doc, map, path, "reuse_count", 0, 1000, &reuse));
    out->reuse_count = (int)reuse;

    /* Depth key by type: pens and RF handpieces have a dial (depth_mm), rollers and stamps a
     * fixed needle length. */
    const int dialled = out->type == MN_DEVICE_PEN || out->type == MN_DEVICE_RF;
    const char *depth_key = dialled ? "depth_mm" : "needle_length_mm";
    const char *wrong_key = dialled ? "needle_length_mm" : "depth_mm";
    if (out->type != MN_DEVICE_RF)
        for (int i = 0; rf_keys[i]; i++)
            if (mn_ynode_get(map, rf_keys[i]))
                return mn_y_error(doc, mn_ynode_get(map, rf_keys[i]),
                                  mn_y_path(p, sizeof p, path, rf_keys[i]),
                                  "only an rf device takes this key (expected type: rf)");
    if (mn_ynode_get(map, wrong_key))
        return mn_y_error(doc, mn_ynode_get(map, wrong_key),
                          mn_y_path(p, sizeof p, path, wrong_key),
                          "not a key of a %s (expected %s)", type_names[type], depth_key);

    MN_TRY(mn_table_load_embedded("devices.csv", &t));
    long row = -1;
    const mn_ynode *model = mn_ynode_get(map, "model");
    if (model) {
        MN_TRY_GOTO(mn_y_string(doc, map, path, "model", out->model, sizeof out->model), done);
        row = mn_table_find(t, "model", out->model);
        int mc = mn_table_col(t, "model"), tc = mn_table_col(t, "type");
        if (row < 0 || strcmp(mn_table_cell(t, (size_t)row, tc), type_names[type]) != 0) {
            char list[1024] = "";
            size_t used = 0;
            for (size_t r = 0; r < mn_table_rows(t) && used < sizeof list - 80; r++)
                if (strcmp(mn_table_cell(t, r, tc), type_names[type]) == 0)
                    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                             used ? ", " : "", mn_table_cell(t, r, mc));
            st = mn_y_error(doc, model, mn_y_path(p, sizeof p, path, "model"),
                            "unknown %s model '%s' (expected one of: %s)", type_names[type],
                            out->model, list);
            goto done;
        }
    } else {
        row = default_model_row(t, out->type);
        if (row < 0) {
            st = mn_error_set(MN_EINTERNAL, "devices.csv has no default %s", type_names[type]);
            goto done;
        }
    }
    out->needle_diameter_um = DEFAULT_NEEDLE_DIAMETER_MM * MN_UM_PER_MM;
    out->frequency_hz = DEFAULT_PEN_FREQUENCY_HZ;
    {
        long drow = mn_table_find(t, "model", DEFAULTS_ROW);
        double glide_mm_s = -1.0;
        out->tip_radius_um = -1.0;
        if (drow >= 0) {
            MN_TRY_GOTO(table_value(t, drow, "tip_radius_um", &out->tip_radius_um), done);
            MN_TRY_GOTO(table_value(t, drow, "default_glide_speed_mm_s", &glide_mm_s), done);
        }
        if (!(out->tip_radius_um > 0.0) || !(glide_mm_s > 0.0)) {
            st =
                mn_error_set(MN_EINTERNAL, "devices.csv: row " DEFAULTS_ROW
                                           " must give tip_radius_um and default_glide_speed_mm_s");
            goto done;
        }
        out->glide_speed_um_s = glide_mm_s * MN_UM_PER_MM;
    }
    out->passes = out->type == MN_DEVICE_PEN      ? DEFAULT_PASSES_PEN
                  : out->type == MN_DEVICE_ROLLER ? DEFAULT_PASSES_ROLLER
                                                  : DEFAULT_PASSES_STAMP;
    out->set_depth_um = -1.0;
    double depth_min_mm = MN_DEVICE_DEPTH_MIN_MM, depth_max_mm = MN_DEVICE_DEPTH_MAX_MM;
    MN_TRY_GOTO(apply_table_row(t, row, out, &depth_min_mm, &depth_max_mm), done);
    /* A model with a fixed needle length only comes in that length unless the user says
     * otherwise: explicit needle_length_mm describes a different roller of the same make. */
    MN_TRY_GOTO(read_geometry_keys(doc, map, path, out), done);
    /* Only a named pen's dial limits the depth; otherwise the general range applies. An RF
     * needle cannot reach past its own length. */
    if (out->type != MN_DEVICE_PEN || !model) {
        depth_min_mm = MN_DEVICE_DEPTH_MIN_MM;
        depth_max_mm = MN_DEVICE_DEPTH_MAX_MM;
    }
    if (out->type == MN_DEVICE_RF && out->set_depth_um > 0) {
        depth_max_mm = fmin(depth_max_mm, out->set_depth_um / MN_UM_PER_MM);
        out->set_depth_um = -1.0;
    }
    out->depth_min_um = depth_min_mm * MN_UM_PER_MM;
    out->depth_max_um = depth_max_mm * MN_UM_PER_MM;

    const mn_ynode *depth = mn_ynode_get(map, depth_key);
    if (depth) {
        double mm = 0;
        MN_TRY_GOTO(mn_y_double(doc, map, path, depth_key, MN_DEVICE_DEPTH_MIN_MM,
                                MN_DEVICE_DEPTH_MAX_MM, &mm),
                    done);
        MN_TRY_GOTO(mn_device_check_depth(doc, depth, mn_y_path(p, sizeof p, path, depth_key), out,
                                          mm * MN_UM_PER_MM),
                    done);
        out->set_depth_um = mm * MN_UM_PER_MM;
    } else if (out->set_depth_um <= 0 || !model) {
        st = mn_y_error(doc, map, mn_y_path(p, sizeof p, path, depth_key),
                        "missing required key (expected the %s in mm, %g to %g)",
                        out->type == MN_DEVICE_PEN ? "dial depth" : "needle length", depth_min_mm,
                        depth_max_mm);
        goto done;
    }
    if (out->type == MN_DEVICE_RF)
        MN_TRY_GOTO(read_rf_keys(doc, map, path, out), done);
    if (out->drum_width_um <= 0 &&
        !(out->type == MN_DEVICE_RF && (out->pitch_um > 0 || out->tip_width_um > 0))) {
        const int rf = out->type == MN_DEVICE_RF;
        st = mn_y_error(doc, map, mn_y_path(p, sizeof p, path, rf ? "pitch_mm" : "drum_width_mm"),
                        "missing: this device's table row gives no head width (expected %s)",
                        rf ? "pitch_mm, or tip_width_mm, the needle-field width in mm"
                           : "the needle-field width in mm");
        goto done;
    }
    if (out->needles < 1 || out->rows < 1 || out->rows > out->needles) {
        st = mn_y_error(doc, map, mn_y_path(p, sizeof p, path, "rows"),
                        "%d rows for %d needles (expected 1 <= rows <= needles)", out->rows,
                        out->needles);
        goto done;
    }
    if (out->type == MN_DEVICE_RF)
        MN_TRY_GOTO(resolve_rf_array(doc, map, path, out), done);
    if (out->needle_diameter_um <= 0 ||
        (out->type == MN_DEVICE_ROLLER && out->drum_diameter_um <= 0)) {
        st = mn_error_set(MN_EINTERNAL, "devices.csv row %ld lacks geometry", row);
        goto done;
    }
done:
    mn_table_free(t);
    return st;
}
