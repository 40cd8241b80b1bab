/* summary.json `thermal` block of an RF session, from the heat stage's summary
 * (io/summary_heat.h). */
#include "io/summary_heat.h"

#include "core/error.h"

static mn_status add_number(cJSON *o, const char *key, double v)
{
    if (!cJSON_AddNumberToObject(o, key, v))
        return mn_error_set(MN_ENOMEM, "summary.json: cannot add %s", key);
    return MN_OK;
}

static mn_status add_zone(cJSON *parent, const char *key, const mn_heat_zone *z)
{
    cJSON *o = cJSON_AddObjectToObject(parent, key);
    if (!o)
        return mn_error_set(MN_ENOMEM, "summary.json: cannot add %s", key);
    MN_TRY(add_number(o, "depth", z->bottom_um));
    MN_TRY(add_number(o, "top", z->top_um));
    MN_TRY(add_number(o, "width", z->width_um));
    MN_TRY(add_number(o, "volume_nl", z->volume_nl));
    return MN_OK;
}

/* The lesion as a histologist reports it (DESIGN.md: coagulation, epidermis, peak_c). The burn
 * judgement itself is the clinic's (src/clinic/risks.c), from epidermis.omega_max. */
static mn_status add_lesion(cJSON *t, const mn_heat_summary *s)
{
    cJSON *c = cJSON_AddObjectToObject(t, "coagulation");
    cJSON *dz = c ? cJSON_AddObjectToObject(c, "depth_um") : NULL;
    cJSON *e = cJSON_AddObjectToObject(t, "epidermis");
    cJSON *p = cJSON_AddObjectToObject(t, "peak_c");
    if (!dz || !e || !p)
        return mn_error_set(MN_ENOMEM, "summary.json: cannot add the thermal lesion");
    MN_TRY(add_number(dz, "min", s->coagulation.top_um));
    MN_TRY(add_number(dz, "max", s->coagulation.bottom_um));
    MN_TRY(add_number(c, "width_dej_um", s->coagulation_width_dej_um));
    MN_TRY(add_number(c, "width_max_um", s->coagulation.width_um));
    MN_TRY(add_number(c, "volume_nl", s->coagulation.volume_nl));
    if (!cJSON_AddBoolToObject(e, "damaged", s->epidermis_damaged))
        return mn_error_set(MN_ENOMEM, "summary.json: cannot add epidermis.damaged");
    MN_TRY(add_number(e, "area_fraction", s->epidermis_area_fraction));
    MN_TRY(add_number(e, "omega_max", s->epidermis_omega_skin));
    static const char *const layers[4] = {"stratum_corneum", "epidermis", "dermis", "subcutis"};
    for (int l = 0; l < 4; l++)
        MN_TRY(add_number(p, layers[l], s->layer_peak_c[l]));
    return MN_OK;
}

mn_status mn_summary_add_thermal(cJSON *session, const mn_heat_summary *s)
{
    if (!s || !session)
        return mn_error_set(MN_EUSAGE, "mn_summary_add_thermal: NULL argument");
    cJSON *t = cJSON_AddObjectToObject(session, "thermal");
    if (!t)
        return mn_error_set(MN_ENOMEM, "summary.json: cannot add thermal");
    MN_TRY(add_number(t, "peak_temperature_c", s->peak_temperature_c));
    MN_TRY(add_number(t, "epidermis_peak_temperature_c", s->epidermis_peak_temperature_c));
    MN_TRY(add_zone(t, "coagulation_zone_um", &s->coagulation));
    MN_TRY(add_number(t, "damage_volume_fraction", s->damage_volume_fraction));
    /* additions beyond the contract keys */
    MN_TRY(add_zone(t, "cell_death_zone_um", &s->cell_death));
    MN_TRY(add_number(t, "tip_peak_temperature_c", s->tip_peak_temperature_c));
    MN_TRY(add_number(t, "epidermis_omega_skin", s->epidermis_omega_skin));
    MN_TRY(add_lesion(t, s));
    MN_TRY(add_number(t, "energy_per_needle_mj", s->energy_per_needle_mj));
    MN_TRY(add_number(t, "power_per_needle_w", s->power_per_needle_w));
    MN_TRY(add_number(t, "impedance_ohm", s->impedance_ohm));
    MN_TRY(add_number(t, "impedance_end_ohm", s->impedance_end_ohm));
    MN_TRY(add_number(t, "delivered_energy_per_needle_mj", s->delivered_energy_mj));
    MN_TRY(add_number(t, "subpulses_cut_short", s->pulse_cut_short));
    MN_TRY(add_number(t, "vaporised_nl", s->vaporised_nl));
    MN_TRY(add_number(t, "latent_heat_per_needle_mj", s->latent_mj));
    /* issue 15: needle taper, passes at one spot, contact cooling */
    MN_TRY(add_number(t, "needle_taper_length_um", s->taper_length_um));
    MN_TRY(add_number(t, "passes_at_spot", s->passes_at_spot));
    if (s->cooled) {
        cJSON *c = cJSON_AddObjectToObject(t, "contact_cooling");
        if (!c)
            return mn_error_set(MN_ENOMEM, "summary.json: cannot add contact_cooling");
        MN_TRY(add_number(c, "plate_c", s->cooling_plate_c));
        /* 0: perfect contact, the surface held at the plate's temperature */
        MN_TRY(add_number(c, "h_w_m2k", s->cooling_h_w_m2k));
        MN_TRY(add_number(c, "precool_s", s->precool_s));
    }
    return MN_OK;
}
