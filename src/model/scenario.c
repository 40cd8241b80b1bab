#include "model/scenario.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/zones.h"
#include "core/error.h"
#include "core/table.h"
#include "core/units.h"
#include "model/device.h"
#include "model/experiment.h"
#include "model/indication.h"
#include "model/patient.h"
#include "model/ycheck.h"

/* Patch: 1–50 mm a side keeps a session's punctures in the hundreds of thousands at most. */
#define PATCH_MIN_MM 1.0
/* A patch may be a whole zone (issue 12): up to 400 mm on a side and 400 cm² in area (a full
 * face or abdomen); zones are streamed by the needling stage with bounded memory. */
#define PATCH_MAX_MM       400.0
#define PATCH_MAX_AREA_MM2 40000.0
#define PATCH_DEFAULT_MM   5.0

static mn_status parse_site(const mn_ydoc *doc, const mn_ynode *map, mn_site_spec *out)
{
    static const char *const keys[] = {"zone", "layers_um", NULL};
    static const char *const layer_keys[] = {"stratum_corneum", "epidermis", "dermis", NULL};
    MN_TRY(mn_y_check_keys(doc, map, "site", keys));
    MN_TRY(mn_y_require(doc, map, "site", "zone"));
    MN_TRY(mn_y_string(doc, map, "site", "zone", out->zone, sizeof out->zone));
    int known = 0;
    char list[1024];
    MN_TRY(mn_model_zone_known(out->zone, &known, list, sizeof list));
    if (!known)
        return mn_y_error(doc, mn_ynode_get(map, "zone"), "site.zone",
                          "unknown zone '%s' (expected one of: %s)", out->zone, list);
    const mn_ynode *layers = mn_ynode_get(map, "layers_um");
    if (layers) {
        MN_TRY(mn_y_check_keys(doc, layers, "site.layers_um", layer_keys));
        for (int i = 0; layer_keys[i]; i++)
            MN_TRY(mn_y_require(doc, layers, "site.layers_um", layer_keys[i]));
        /* Bounds span the pack's extremes (skin_sites.csv: SC 10–173 µm incl. palm, epidermis
         * 30–640 µm, dermis 470–5900 µm) with margin. */
        MN_TRY(mn_y_double(doc, layers, "site.layers_um", "stratum_corneum", 5.0, 200.0,
                           &out->stratum_corneum_um));
        MN_TRY(mn_y_double(doc, layers, "site.layers_um", "epidermis", 20.0, 700.0,
                           &out->epidermis_um));
        MN_TRY(
            mn_y_double(doc, layers, "site.layers_um", "dermis", 300.0, 6000.0, &out->dermis_um));
        out->layers_given = true;
    }
    return MN_OK;
}

static mn_status parse_patch(const mn_ydoc *doc, const mn_ynode *map, mn_model *out)
{
    static const char *const keys[] = {"width_mm", "length_mm", NULL};
    double w = PATCH_DEFAULT_MM, l = PATCH_DEFAULT_MM;
    if (map) {
        MN_TRY(mn_y_check_keys(doc, map, "patch", keys));
        MN_TRY(mn_y_double(doc, map, "patch", "width_mm", PATCH_MIN_MM, PATCH_MAX_MM, &w));
        MN_TRY(mn_y_double(doc, map, "patch", "length_mm", PATCH_MIN_MM, PATCH_MAX_MM, &l));
        if (w * l > PATCH_MAX_AREA_MM2)
            return mn_y_error(doc, map, "patch",
                              "%g mm x %g mm = %g cm2 (expected at most %g cm2, a whole zone)", w,
                              l, w * l / 100.0, PATCH_MAX_AREA_MM2 / 100.0);
    }
    out->patch_width_um = w * MN_UM_PER_MM;
    out->patch_length_um = l * MN_UM_PER_MM;
    return MN_OK;
}

static mn_status parse_product(const mn_ydoc *doc, const mn_ynode *map, mn_product_spec *out)
{
    static const char *const keys[] = {"name",
                                       "mw_da",
                                       "log_kow",
                                       "concentration_mg_ml",
                                       "volume_ul_per_cm2",
                                       "dose",
                                       "applied",
                                       "duration_h",
                                       "occluded",
                                       "pka",
                                       "acid_base",
                                       "ph",
                                       "solubility_mg_ml",
                                       NULL};
    static const char *const applied[] = {"after", "before", NULL};
    static const char *const acid_base[] = {"neutral", "acid", "base", NULL};
    static const char *const doses[] = {"infinite", "finite", NULL};
    memset(out, 0, sizeof *out);
    MN_TRY(mn_y_check_keys(doc, map, "product", keys));
    out->present = true;
    /* Defaults: 20 µL/cm² is the DESIGN.md example volume; 24 h covers the channel lifetime
     * of uncovered skin (literature/channel_closure.md: barrier back within ~2 h). */
    out->concentration_mg_ml = 10.0;
    out->volume_ul_per_cm2 = 20.0;
    out->duration_h = 24.0;
    out->applied = MN_APPLIED_AFTER;
    out->pka = NAN;
    out->ph = NAN;
    out->solubility_mg_ml = NAN;
    out->acid_base = MN_ACIDBASE_UNSET;
    const mn_ynode *name = mn_ynode_get(map, "name");
    const mn_ynode *mw = mn_ynode_get(map, "mw_da");
    if (name) {
        MN_TRY(mn_y_string(doc, map, "product", "name", out->name, sizeof out->name));
        mn_table *t = NULL;
        MN_TRY(mn_table_load_embedded("products.csv", &t));
        long row = mn_table_find(t, "name", out->name);
        char known[1024] = "";
        size_t used = 0;
        int ncol = mn_table_col(t, "name");
        for (size_t r = 0; r < mn_table_rows(t) && used < sizeof known - 80; r++)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", r ? ", " : "",
                                     mn_table_cell(t, r, ncol));
        mn_status st = MN_OK;
        if (row < 0)
            st = mn_y_error(doc, name, "product.name", "unknown product '%s' (expected one of: %s)",
                            out->name, known);
        else if ((st = mn_table_double(t, (size_t)row, "mw_da", &out->mw_da)) == MN_OK)
            /* Empty for macromolecules: no lipid route (data/products.csv). */
            st = mn_table_double_or(t, (size_t)row, "log_kow", NAN, &out->log_kow);
        mn_table_free(t);
        MN_TRY(st);
        if (mw || mn_ynode_get(map, "log_kow"))
            return mn_y_error(doc, mw ? mw : mn_ynode_get(map, "log_kow"), "product",
                              "both a name and explicit properties (expected either name, or "
                              "mw_da and log_kow)");
    } else {
        if (!mw)
            return mn_y_error(doc, map, "product.name",
                              "missing (expected a product name, or mw_da and log_kow)");
        MN_TRY(mn_y_require(doc, map, "product", "log_kow"));
        snprintf(out->name, sizeof out->name, "custom");
        /* 18 Da (water) to 2 MDa (high-MW hyaluronic acid); log Kow of drugs spans -6..8. */
        MN_TRY(mn_y_double(doc, map, "product", "mw_da", 18.0, 2.0e6, &out->mw_da));
        MN_TRY(mn_y_double(doc, map, "product", "log_kow", -6.0, 8.0, &out->log_kow));
    }
    MN_TRY(mn_y_double(doc, map, "product", "concentration_mg_ml", 1e-6, 1000.0,
                       &out->concentration_mg_ml));
    int dose = 1;
    MN_TRY(mn_y_choice(doc, map, "product", "dose", doses, &dose));
    out->infinite_dose = dose == 0;
    if (out->infinite_dose && mn_ynode_get(map, "volume_ul_per_cm2"))
        return mn_y_error(doc, mn_ynode_get(map, "volume_ul_per_cm2"), "product.volume_ul_per_cm2",
                          "given with dose: infinite (expected one of the two)");
    MN_TRY(mn_y_double(doc, map, "product", "volume_ul_per_cm2", 0.1, 1000.0,
                       &out->volume_ul_per_cm2));
    int ap = 0;
    MN_TRY(mn_y_choice(doc, map, "product", "applied", applied, &ap));
    out->applied = (mn_applied)ap;
    MN_TRY(mn_y_double(doc, map, "product", "duration_h", 0.1, 168.0, &out->duration_h));
    MN_TRY(mn_y_bool(doc, map, "product", "occluded", &out->occluded));
    /* Ionisation: pKa of drugs spans about -2 (strong acids) to 14 (weak bases' conjugates);
     * a formulation's pH 1–14. A pKa means nothing without the side it ionises to. */
    MN_TRY(mn_y_double(doc, map, "product", "pka", -2.0, 16.0, &out->pka));
    int ab = -1;
    MN_TRY(mn_y_choice(doc, map, "product", "acid_base", acid_base, &ab));
    if (ab >= 0)
        out->acid_base = (mn_acid_base)(ab + MN_ACIDBASE_NEUTRAL);
    const mn_ynode *pka = mn_ynode_get(map, "pka");
    if (pka && ab < 0)
        return mn_y_error(doc, pka, "product.acid_base",
                          "missing with pka (expected acid_base: acid or base)");
    if (pka && out->acid_base == MN_ACIDBASE_NEUTRAL)
        return mn_y_error(doc, mn_ynode_get(map, "acid_base"), "product.acid_base",
                          "neutral given with a pka (expected acid or base)");
    if (!pka && (out->acid_base == MN_ACIDBASE_ACID || out->acid_base == MN_ACIDBASE_BASE))
        return mn_y_error(doc, mn_ynode_get(map, "acid_base"), "product.pka",
                          "missing for an ionisable active (expected its pKa)");
    MN_TRY(mn_y_double(doc, map, "product", "ph", 1.0, 14.0, &out->ph));
    /* From practically insoluble (1 ng/mL) to miscible (1 g/mL). */
    MN_TRY(
        mn_y_double(doc, map, "product", "solubility_mg_ml", 1e-6, 1000.0, &out->solubility_mg_ml));
    return MN_OK;
}

static mn_status parse_overrides(const mn_ydoc *doc, const mn_ynode *list, mn_protocol *out)
{
    static const char *const keys[] = {"session", "depth_mm",     "needle_length_mm",
                                       "passes",  "frequency_hz", "glide_speed_mm_s",
                                       NULL};
    const char *path = "protocol.session_overrides";
    MN_TRY(mn_y_expect_list(doc, list, path, MN_OVERRIDE_CAP));
    for (size_t i = 0; i < list->n; i++) {
        char ip[96];
        const mn_ynode *item = list->items[i];
        mn_session_override *o = &out->overrides[i];
        snprintf(ip, sizeof ip, "%s[%zu]", path, i);
        MN_TRY(mn_y_expect(doc, item, MN_Y_MAP, ip));
        MN_TRY(mn_y_check_keys(doc, item, ip, keys));
        MN_TRY(mn_y_require(doc, item, ip, "session"));
        long s = 1, passes = 0;
        MN_TRY(mn_y_int(doc, item, ip, "session", 1, out->sessions, &s));
        for (size_t j = 0; j < i; j++)
            if (out->overrides[j].session == (int)s)
                return mn_y_error(doc, mn_ynode_get(item, "session"), ip,
                                  "session %ld is overridden twice (expected one entry per "
                                  "session)",
                                  s);
        o->session = (int)s;
        double depth_mm = -1.0, f = -1.0, v = -1.0;
        MN_TRY(mn_y_double(doc, item, ip, "depth_mm", MN_DEVICE_DEPTH_MIN_MM,
                           MN_DEVICE_DEPTH_MAX_MM, &depth_mm));
        MN_TRY(mn_y_double(doc, item, ip, "needle_length_mm", MN_DEVICE_DEPTH_MIN_MM,
                           MN_DEVICE_DEPTH_MAX_MM, &depth_mm));
        MN_TRY(mn_y_int(doc, item, ip, "passes", 1, MN_DEVICE_PASSES_MAX, &passes));
        MN_TRY(mn_y_double(doc, item, ip, "frequency_hz", MN_DEVICE_FREQ_MIN_HZ,
                           MN_DEVICE_FREQ_MAX_HZ, &f));
        MN_TRY(mn_y_double(doc, item, ip, "glide_speed_mm_s", MN_DEVICE_SPEED_MIN_MM_S,
                           MN_DEVICE_SPEED_MAX_MM_S, &v));
        o->set_depth_um = depth_mm > 0 ? depth_mm * MN_UM_PER_MM : -1.0;
        o->passes = (int)passes;
        o->frequency_hz = f;
        o->glide_speed_um_s = v > 0 ? v * MN_UM_PER_MM : -1.0;
    }
    out->n_overrides = list->n;
    return MN_OK;
}

static mn_status parse_protocol(const mn_ydoc *doc, const mn_ynode *map, mn_protocol *out)
{
    static const char *const keys[] = {"sessions",          "interval_days",
                                       "follow_up_days",    "maintenance_every_days",
                                       "session_overrides", NULL};
    /* Defaults: one session, and the usual 4-week interval and 1-year follow-up of the
     * pack's protocols (literature/depth_guidance.csv; clinical.md: 3–6 sessions 4–6 weeks
     * apart). */
    memset(out, 0, sizeof *out);
    out->sessions = 1;
    out->interval_days = 28.0;
    out->follow_up_days = 365.0;
    if (!map)
        return MN_OK;
    MN_TRY(mn_y_check_keys(doc, map, "protocol", keys));
    long sessions = out->sessions;
    MN_TRY(mn_y_int(doc, map, "protocol", "sessions", 1, 24, &sessions));
    out->sessions = (int)sessions;
    MN_TRY(mn_y_double(doc, map, "protocol", "interval_days", 1.0, 365.0, &out->interval_days));
    MN_TRY(mn_y_double(doc, map, "protocol", "follow_up_days", 0.0, 1825.0, &out->follow_up_days));
    MN_TRY(mn_y_double(doc, map, "protocol", "maintenance_every_days", 7.0, 1825.0,
                       &out->maintenance_every_days));
    const mn_ynode *ov = mn_ynode_get(map, "session_overrides");
    if (ov)
        MN_TRY(parse_overrides(doc, ov, out));
    return MN_OK;
}

static mn_status parse_output(const mn_ydoc *doc, const mn_ynode *map, mn_output_spec *out)
{
    static const char *const keys[] = {"field_times_h", NULL};
    memset(out, 0, sizeof *out);
    if (!map)
        return MN_OK;
    MN_TRY(mn_y_check_keys(doc, map, "output", keys));
    const mn_ynode *list = mn_ynode_get(map, "field_times_h");
    if (!list)
        return MN_OK;
    MN_TRY(mn_y_expect_list(doc, list, "output.field_times_h", MN_FIELD_TIMES_CAP));
    for (size_t i = 0; i < list->n; i++) {
        char ip[64];
        snprintf(ip, sizeof ip, "output.field_times_h[%zu]", i);
        MN_TRY(mn_y_node_double(doc, list->items[i], ip, 0.0, 168.0, &out->field_times_h[i]));
        if (i > 0 && out->field_times_h[i] <= out->field_times_h[i - 1])
            return mn_y_error(doc, list->items[i], ip,
                              "%g h is not after the previous time (expected increasing times)",
                              out->field_times_h[i]);
    }
    out->n_field_times = list->n;
    return MN_OK;
}

static mn_status parse_model(const mn_ydoc *doc, mn_model *out)
{
    static const char *const keys[] = {"name",       "seed",     "patient",  "site",   "patch",
                                       "device",     "product",  "protocol", "output", "indication",
                                       "experiment", "operator", NULL};
    const mn_ynode *root = doc->root;
    memset(out, 0, sizeof *out);
    out->product.pka = out->product.ph = out->product.solubility_mg_ml = NAN;
    out->indication.severity = NAN;
    MN_TRY(mn_y_expect(doc, root, MN_Y_MAP, ""));
    MN_TRY(mn_y_check_keys(doc, root, "", keys));
    MN_TRY(mn_y_require(doc, root, "", "site"));
    MN_TRY(mn_y_require(doc, root, "", "device"));
    snprintf(out->name, sizeof out->name, "unnamed scenario");
    MN_TRY(mn_y_string(doc, root, "", "name", out->name, sizeof out->name));
    unsigned long long seed = 1;
    MN_TRY(mn_y_uint64(doc, root, "", "seed", &seed));
    out->seed = seed;

    const mn_ynode *patient = mn_ynode_get(root, "patient");
    if (patient) {
        MN_TRY(mn_y_expect(doc, patient, MN_Y_MAP, "patient"));
        MN_TRY(mn_patient_parse(doc, patient, "patient", &out->patient));
    } else {
        mn_patient_defaults(&out->patient);
    }
    const mn_ynode *site = mn_ynode_get(root, "site");
    MN_TRY(mn_y_expect(doc, site, MN_Y_MAP, "site"));
    MN_TRY(parse_site(doc, site, &out->site));
    const mn_ynode *patch = mn_ynode_get(root, "patch");
    if (patch)
        MN_TRY(mn_y_expect(doc, patch, MN_Y_MAP, "patch"));
    MN_TRY(parse_patch(doc, patch, out));
    const mn_ynode *device = mn_ynode_get(root, "device");
    MN_TRY(mn_y_expect(doc, device, MN_Y_MAP, "device"));
    MN_TRY(mn_device_parse(doc, device, "device", &out->device));
    const mn_ynode *product = mn_ynode_get(root, "product");
    if (product) {
        MN_TRY(mn_y_expect(doc, product, MN_Y_MAP, "product"));
        MN_TRY(parse_product(doc, product, &out->product));
    }
    const mn_ynode *protocol = mn_ynode_get(root, "protocol");
    if (protocol)
        MN_TRY(mn_y_expect(doc, protocol, MN_Y_MAP, "protocol"));
    MN_TRY(parse_protocol(doc, protocol, &out->protocol));
    const mn_ynode *output = mn_ynode_get(root, "output");
    if (output)
        MN_TRY(mn_y_expect(doc, output, MN_Y_MAP, "output"));
    MN_TRY(parse_output(doc, output, &out->output));
    MN_TRY(
        mn_indication_parse(doc, mn_ynode_get(root, "indication"), "indication", &out->indication));
    MN_TRY(
        mn_experiment_parse(doc, mn_ynode_get(root, "experiment"), "experiment", &out->experiment));
    MN_TRY(mn_operator_parse(doc, root, &out->operator_));

    /* Overrides must stay within the device's own range (a pen's dial). */
    for (size_t i = 0; i < out->protocol.n_overrides; i++) {
        const mn_session_override *o = &out->protocol.overrides[i];
        if (o->set_depth_um > 0)
            MN_TRY(mn_device_check_depth(doc, protocol, "protocol.session_overrides", &out->device,
                                         o->set_depth_um));
    }
    return MN_OK;
}

mn_status mn_scenario_load_text(const char *label, const char *text, size_t len, mn_model *out)
{
    mn_ydoc *doc = NULL;
    MN_TRY(mn_ydoc_parse(label, text, len, &doc));
    mn_status st = parse_model(doc, out);
    mn_ydoc_free(doc);
    return st;
}

mn_status mn_scenario_load_file(const char *path, mn_model *out)
{
    mn_ydoc *doc = NULL;
    MN_TRY(mn_ydoc_load(path, &doc));
    mn_status st = parse_model(doc, out);
    mn_ydoc_free(doc);
    return st;
}

mn_status mn_scenario_load_default(mn_model *out)
{
    const char *text;
    size_t len;
    MN_TRY(mn_embedded_get("default_scenario.yaml", &text, &len));
    return mn_scenario_load_text("(built-in default scenario)", text, len, out);
}

mn_status mn_scenario_parse_product(const mn_ydoc *doc, const mn_ynode *map, mn_product_spec *out)
{
    MN_TRY(mn_y_expect(doc, map, MN_Y_MAP, "product"));
    return parse_product(doc, map, out);
}

mn_status mn_scenario_parse_protocol(const mn_ydoc *doc, const mn_ynode *map, mn_protocol *out)
{
    if (map)
        MN_TRY(mn_y_expect(doc, map, MN_Y_MAP, "protocol"));
    return parse_protocol(doc, map, out);
}

mn_status mn_scenario_parse_patch(const mn_ydoc *doc, const mn_ynode *map, mn_model *out)
{
    if (map)
        MN_TRY(mn_y_expect(doc, map, MN_Y_MAP, "patch"));
    return parse_patch(doc, map, out);
}
