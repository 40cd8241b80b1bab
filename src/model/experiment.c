#include "model/experiment.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"

static const char *const type_names[] = {"in_vivo", "franz_cell", NULL};
static const char *const species_names[] = {"human", "porcine", NULL};

/* Franz-cell defaults: a 24 h study sampled at 1, 2, 4, 8 and 24 h into a perfect sink, the
 * DESIGN.md example and the usual OECD 428 design (OECD Test Guideline 428, 2004: "normally
 * 24 h"; sink conditions in the receptor). */
static const double default_sampling_h[] = {1.0, 2.0, 4.0, 8.0, 24.0};
/* Bounds: OECD 428 studies run up to 72 h at most in practice; thickness from a 100 µm
 * split-thickness (dermatome) sample to the full 3.4 mm of porcine flank skin with margin;
 * receptor volumes of vertical Franz cells are 2–20 mL (PermeGear catalogue). */
#define DURATION_MAX_H   168.0
#define THICKNESS_MIN_UM 100.0
#define THICKNESS_MAX_UM 5000.0
#define RECEPTOR_MIN_ML  0.1
#define RECEPTOR_MAX_ML  100.0

const char *mn_experiment_type_name(mn_experiment_type t)
{
    return (unsigned)t < 2 ? type_names[t] : "unknown";
}

const char *mn_species_name(mn_species s)
{
    return (unsigned)s < 2 ? species_names[s] : "unknown";
}

static mn_status parse_receptor(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                                mn_experiment *out)
{
    static const char *const keys[] = {"volume_ml", "replace", NULL};
    static const char *const sink[] = {"sink", NULL};
    char p[256];
    const mn_ynode *r = mn_ynode_get(map, "receptor");
    out->receptor_sink = true;
    out->receptor_volume_ml = -1.0;
    if (!r)
        return MN_OK;
    mn_y_path(p, sizeof p, path, "receptor");
    if (r->kind == MN_Y_SCALAR) {
        int i = 0;
        return mn_y_node_choice(doc, r, p, sink, &i);
    }
    if (r->kind != MN_Y_MAP)
        return mn_y_error(doc, r, p, "not a scalar or map (expected sink or {volume_ml, replace})");
    MN_TRY(mn_y_check_keys(doc, r, p, keys));
    MN_TRY(mn_y_require(doc, r, p, "volume_ml"));
    MN_TRY(mn_y_double(doc, r, p, "volume_ml", RECEPTOR_MIN_ML, RECEPTOR_MAX_ML,
                       &out->receptor_volume_ml));
    out->receptor_replace = true;
    MN_TRY(mn_y_bool(doc, r, p, "replace", &out->receptor_replace));
    out->receptor_sink = false;
    return MN_OK;
}

static mn_status parse_sampling(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                                mn_experiment *out)
{
    char p[256], ip[300];
    const mn_ynode *list = mn_ynode_get(map, "sampling_h");
    if (!list) {
        out->n_sampling = 0;
        for (size_t i = 0; i < sizeof default_sampling_h / sizeof *default_sampling_h; i++)
            if (default_sampling_h[i] <= out->duration_h)
                out->sampling_h[out->n_sampling++] = default_sampling_h[i];
        if (out->n_sampling == 0 || out->sampling_h[out->n_sampling - 1] < out->duration_h)
            out->sampling_h[out->n_sampling++] = out->duration_h;
        return MN_OK;
    }
    mn_y_path(p, sizeof p, path, "sampling_h");
    MN_TRY(mn_y_expect_list(doc, list, p, MN_FIELD_TIMES_CAP));
    if (list->n == 0)
        return mn_y_error(doc, list, p, "empty list (expected at least one sampling time)");
    for (size_t i = 0; i < list->n; i++) {
        snprintf(ip, sizeof ip, "%s[%zu]", p, i);
        MN_TRY(
            mn_y_node_double(doc, list->items[i], ip, 0.01, out->duration_h, &out->sampling_h[i]));
        if (i > 0 && out->sampling_h[i] <= out->sampling_h[i - 1])
            return mn_y_error(doc, list->items[i], ip,
                              "%g h is not after the previous time (expected increasing times)",
                              out->sampling_h[i]);
    }
    out->n_sampling = list->n;
    return MN_OK;
}

mn_status mn_experiment_parse(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                              mn_experiment *out)
{
    static const char *const keys[] = {
        "type", "species", "skin_thickness_um", "receptor", "duration_h", "sampling_h", NULL};
    static const char *const franz_only[] = {"species",    "skin_thickness_um", "receptor",
                                             "duration_h", "sampling_h",        NULL};
    char p[256];
    memset(out, 0, sizeof *out);
    out->type = MN_EXPERIMENT_IN_VIVO;
    out->species = MN_SPECIES_HUMAN;
    out->skin_thickness_um = -1.0;
    out->receptor_sink = true;
    out->receptor_volume_ml = -1.0;
    out->duration_h = 24.0;
    if (!map)
        return MN_OK;
    MN_TRY(mn_y_expect(doc, map, MN_Y_MAP, path));
    MN_TRY(mn_y_check_keys(doc, map, path, keys));
    MN_TRY(mn_y_require(doc, map, path, "type"));
    int type = 0;
    MN_TRY(mn_y_choice(doc, map, path, "type", type_names, &type));
    out->type = (mn_experiment_type)type;
    if (out->type == MN_EXPERIMENT_IN_VIVO) {
        for (int i = 0; franz_only[i]; i++)
            if (mn_ynode_get(map, franz_only[i]))
                return mn_y_error(doc, mn_ynode_get(map, franz_only[i]),
                                  mn_y_path(p, sizeof p, path, franz_only[i]),
                                  "only a franz_cell experiment takes this key (expected "
                                  "type: franz_cell)");
        return MN_OK;
    }
    int species = 0;
    MN_TRY(mn_y_choice(doc, map, path, "species", species_names, &species));
    out->species = (mn_species)species;
    MN_TRY(mn_y_double(doc, map, path, "skin_thickness_um", THICKNESS_MIN_UM, THICKNESS_MAX_UM,
                       &out->skin_thickness_um));
    MN_TRY(parse_receptor(doc, map, path, out));
    MN_TRY(mn_y_double(doc, map, path, "duration_h", 0.1, DURATION_MAX_H, &out->duration_h));
    MN_TRY(parse_sampling(doc, map, path, out));
    return MN_OK;
}
