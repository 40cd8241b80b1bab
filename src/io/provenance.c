/* The provenance block of summary.json (see provenance.h). */
#include "io/provenance.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/units.h"
#include "model/device.h"
#include "mnsim/version.h"

/* Numbers of the resolved scenario: NAN (not given, not used) becomes null. */
static cJSON *number(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

#define PUT(obj, key, item)                                                                        \
    do {                                                                                           \
        if (!cJSON_AddItemToObject((obj), (key), (item)))                                          \
            return mn_error_set(MN_ENOMEM, "out of memory building the provenance block");         \
    } while (0)
#define OBJ(parent, key, out)                                                                      \
    do {                                                                                           \
        if (!((out) = cJSON_AddObjectToObject((parent), (key))))                                   \
            return mn_error_set(MN_ENOMEM, "out of memory building the provenance block");         \
    } while (0)

static mn_status patient_json(cJSON *sc, const mn_patient *p)
{
    cJSON *o, *a;
    OBJ(sc, "patient", o);
    PUT(o, "age_years", number(p->age_years));
    PUT(o, "sex", cJSON_CreateString(p->sex == MN_SEX_MALE ? "male" : "female"));
    PUT(o, "fitzpatrick", cJSON_CreateNumber(p->fitzpatrick));
    static const char *const suns[] = {"low", "moderate", "high"};
    PUT(o, "sun_exposure",
        cJSON_CreateString(suns[p->sun_exposure <= MN_SUN_HIGH ? p->sun_exposure : 0]));
    PUT(o, "pregnant", cJSON_CreateBool(p->pregnant));
    PUT(o, "breastfeeding", cJSON_CreateBool(p->breastfeeding));
    PUT(o, "conditions", a = cJSON_CreateArray());
    for (size_t i = 0; i < p->n_conditions; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(p->conditions[i]));
    PUT(o, "allergies", a = cJSON_CreateArray());
    for (size_t i = 0; i < p->n_allergies; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(p->allergies[i]));
    PUT(o, "medications", a = cJSON_CreateArray());
    for (size_t i = 0; i < p->n_medications; i++) {
        cJSON *med = cJSON_CreateObject();
        cJSON_AddItemToArray(a, med);
        PUT(med, "name", cJSON_CreateString(p->medications[i].name));
        PUT(med, "stopped_days_ago",
            p->medications[i].stopped_days_ago < 0 ? cJSON_CreateNull()
                                                   : number(p->medications[i].stopped_days_ago));
    }
    PUT(o, "recent_procedures", a = cJSON_CreateArray());
    for (size_t i = 0; i < p->n_procedures; i++) {
        cJSON *pr = cJSON_CreateObject();
        cJSON_AddItemToArray(a, pr);
        PUT(pr, "name", cJSON_CreateString(p->procedures[i].name));
        PUT(pr, "days_ago", number(p->procedures[i].days_ago));
    }
    return MN_OK;
}

static mn_status device_json(cJSON *sc, const mn_device_spec *d)
{
    cJSON *o;
    OBJ(sc, "device", o);
    PUT(o, "type", cJSON_CreateString(mn_device_type_name(d->type)));
    PUT(o, "model", d->model[0] ? cJSON_CreateString(d->model) : cJSON_CreateNull());
    PUT(o, "needles", cJSON_CreateNumber(d->needles));
    PUT(o, "rows", cJSON_CreateNumber(d->rows));
    PUT(o, "drum_diameter_mm", number(d->drum_diameter_um / MN_UM_PER_MM));
    PUT(o, "drum_width_mm", number(d->drum_width_um / MN_UM_PER_MM));
    PUT(o, "needle_diameter_mm", number(d->needle_diameter_um / MN_UM_PER_MM));
    PUT(o, "tip_radius_um", number(d->tip_radius_um));
    PUT(o, "depth_mm", number(d->set_depth_um / MN_UM_PER_MM));
    PUT(o, "frequency_hz", number(d->frequency_hz));
    PUT(o, "glide_speed_mm_s", number(d->glide_speed_um_s / MN_UM_PER_MM));
    PUT(o, "passes", cJSON_CreateNumber(d->passes));
    if (d->type == MN_DEVICE_RF) {
        PUT(o, "insulated", cJSON_CreateBool(d->insulated));
        PUT(o, "tip_exposed_um", number(d->tip_exposed_um));
        PUT(o, "polarity",
            cJSON_CreateString(d->polarity == MN_POLARITY_MONOPOLAR ? "monopolar" : "bipolar"));
        PUT(o, "power_w", number(d->power_w));
        PUT(o, "energy_mj_per_needle", number(d->energy_mj_per_needle));
        PUT(o, "pulse_ms", number(d->pulse_ms));
        PUT(o, "frequency_mhz", number(d->frequency_mhz));
        PUT(o, "stacks", cJSON_CreateNumber(d->stacks));
    }
    PUT(o, "setting", cJSON_CreateString(d->setting == MN_SETTING_HOME ? "home" : "clinic"));
    PUT(o, "sterile", cJSON_CreateBool(d->sterile));
    PUT(o, "reuse_count", cJSON_CreateNumber(d->reuse_count));
    return MN_OK;
}

static mn_status product_json(cJSON *sc, const mn_product_spec *p)
{
    if (!p->present) {
        PUT(sc, "product", cJSON_CreateNull());
        return MN_OK;
    }
    cJSON *o;
    OBJ(sc, "product", o);
    PUT(o, "name", cJSON_CreateString(p->name));
    PUT(o, "mw_da", number(p->mw_da));
    PUT(o, "log_kow", number(p->log_kow));
    PUT(o, "concentration_mg_ml", number(p->concentration_mg_ml));
    PUT(o, "dose", cJSON_CreateString(p->infinite_dose ? "infinite" : "finite"));
    PUT(o, "volume_ul_per_cm2",
        p->infinite_dose ? cJSON_CreateNull() : number(p->volume_ul_per_cm2));
    PUT(o, "applied", cJSON_CreateString(p->applied == MN_APPLIED_BEFORE ? "before" : "after"));
    PUT(o, "duration_h", number(p->duration_h));
    PUT(o, "occluded", cJSON_CreateBool(p->occluded));
    return MN_OK;
}

static mn_status protocol_json(cJSON *sc, const mn_protocol *p)
{
    cJSON *o, *a;
    OBJ(sc, "protocol", o);
    PUT(o, "sessions", cJSON_CreateNumber(p->sessions));
    PUT(o, "interval_days", number(p->interval_days));
    PUT(o, "follow_up_days", number(p->follow_up_days));
    PUT(o, "maintenance_every_days", number(p->maintenance_every_days));
    PUT(o, "session_overrides", a = cJSON_CreateArray());
    for (size_t i = 0; i < p->n_overrides; i++) {
        const mn_session_override *v = &p->overrides[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddItemToArray(a, x);
        PUT(x, "session", cJSON_CreateNumber(v->session));
        PUT(x, "depth_mm", number(v->set_depth_um / MN_UM_PER_MM));
        PUT(x, "passes", cJSON_CreateNumber(v->passes));
        PUT(x, "frequency_hz", number(v->frequency_hz));
        PUT(x, "glide_speed_mm_s", number(v->glide_speed_um_s / MN_UM_PER_MM));
    }
    return MN_OK;
}

mn_status mn_provenance_add(cJSON *summary, const mn_model *m, const mn_column *col,
                            const char *input)
{
    char seed[24];
    cJSON *p = cJSON_CreateObject(), *sc, *site, *layers, *patch;
    if (!p)
        return mn_error_set(MN_ENOMEM, "out of memory building the provenance block");
    cJSON_DeleteItemFromObjectCaseSensitive(summary, "provenance");
    if (!cJSON_AddItemToObject(summary, "provenance", p)) {
        cJSON_Delete(p);
        return mn_error_set(MN_ENOMEM, "out of memory building the provenance block");
    }
    PUT(p, "version", cJSON_CreateString(MNSIM_VERSION));
    PUT(p, "commit", cJSON_CreateString(MNSIM_COMMIT));
    snprintf(seed, sizeof seed, "%" PRIu64, m->seed);
    PUT(p, "seed", cJSON_CreateString(seed));
    OBJ(p, "scenario_resolved", sc);
    PUT(sc, "name", cJSON_CreateString(m->name));
    PUT(sc, "seed", cJSON_CreateString(seed));
    MN_TRY(patient_json(sc, &m->patient));
    OBJ(sc, "site", site);
    PUT(site, "zone", cJSON_CreateString(m->site.zone));
    /* The layers the run used: the site table for this sex and age, or the scenario's. */
    OBJ(site, "layers_um", layers);
    PUT(layers, "stratum_corneum", number(col->sc_um));
    PUT(layers, "epidermis", number(col->viable_epidermis_um));
    PUT(layers, "dermis", number(col->dermis_um));
    OBJ(sc, "patch", patch);
    PUT(patch, "width_mm", number(m->patch_width_um / MN_UM_PER_MM));
    PUT(patch, "length_mm", number(m->patch_length_um / MN_UM_PER_MM));
    MN_TRY(device_json(sc, &m->device));
    MN_TRY(product_json(sc, &m->product));
    MN_TRY(protocol_json(sc, &m->protocol));
    PUT(p, "input", input ? cJSON_CreateString(input) : cJSON_CreateNull());
    return MN_OK;
}

mn_status mn_provenance_read_input(const char *path, char **out)
{
    enum { MAX_INPUT = 1 << 20 }; /* scenario files are a few kB */
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return MN_OK; /* the loader reports the file itself */
    char *buf = malloc(MAX_INPUT + 1);
    if (!buf) {
        fclose(f);
        return mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
    }
    size_t n = fread(buf, 1, MAX_INPUT + 1, f);
    fclose(f);
    if (n > MAX_INPUT) {
        free(buf);
        return MN_OK;
    }
    buf[n] = '\0';
    *out = buf;
    return MN_OK;
}
