/* summary.json `thermal` block and the thermal.csv temperature-time curve of the heat stage. */
#include <math.h>
#include <stdio.h>

#include "core/error.h"
#include "heat/heat_result.h"
#include "heat/tissue.h"

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

mn_status mn_heat_summary_json(const mn_heat_result *r, cJSON *session)
{
    if (!r || !session)
        return mn_error_set(MN_EUSAGE, "mn_heat_summary_json: NULL argument");
    const mn_heat_summary *s = &r->sum;
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

mn_status mn_heat_write_curve_csv(const mn_heat_result *r, FILE *f, int session, int write_header)
{
    if (!r || !f)
        return mn_error_set(MN_EUSAGE, "mn_heat_write_curve_csv: NULL argument");
    if (write_header)
        fprintf(f,
                "%stime_ms,tip_temperature_c,epidermis_max_temperature_c,max_temperature_c,"
                "max_omega_skin,max_omega_collagen\n",
                session > 0 ? "session," : "");
    for (size_t q = 0; q < r->nc; q++) {
        if (session > 0)
            fprintf(f, "%d,", session);
        fprintf(f, "%.6g,%.4f,%.4f,%.4f,%.6g,%.6g\n", r->curve[0][q], r->curve[1][q],
                r->curve[2][q], r->curve[3][q], r->curve[4][q], r->curve[5][q]);
    }
    if (ferror(f))
        return mn_error_set(MN_EIO, "thermal.csv: write failed");
    return MN_OK;
}

mn_status mn_heat_write_lesion_csv(const mn_heat_result *r, FILE *f, int session, int write_header)
{
    if (!r || !f)
        return mn_error_set(MN_EUSAGE, "mn_heat_write_lesion_csv: NULL argument");
    if (!r->tpeak || !r->om_skin || !r->om_col)
        return mn_error_set(MN_EUSAGE, "heat fields were not kept (keep_fields = 0)");
    if (write_header)
        fprintf(f, "%sdepth_um,collagen_halfwidth_um,skin_halfwidth_um,peak_temperature_c\n",
                session > 0 ? "session," : "");
    const mn_hgrid *g = &r->g;
    const size_t sz = (size_t)g->nx * (size_t)g->ny;
    for (int k = 0; k < g->nz; k++) {
        double rc = 0.0, rs = 0.0, tp = -INFINITY;
        int tissue = 0;
        for (int j = 0; j < g->ny; j++)
            for (int i = 0; i < g->nx; i++) {
                const size_t w = (size_t)i + (size_t)j * (size_t)g->nx + (size_t)k * sz;
                if (r->label[w] == MN_HMAT_NEEDLE)
                    continue;
                tissue = 1;
                const double rr = hypot((i + 0.5) * g->dx, (j + 0.5) * g->dy) + 0.5 * g->dx;
                tp = fmax(tp, r->tpeak[w]);
                if (r->om_col[w] >= 1.0)
                    rc = fmax(rc, rr);
                if (r->om_skin[w] >= 1.0)
                    rs = fmax(rs, rr);
            }
        if (!tissue)
            continue;
        if (session > 0)
            fprintf(f, "%d,", session);
        fprintf(f, "%.2f,%.1f,%.1f,%.3f\n", mn_hgrid_zc(g, k), rc, rs, tp);
        if (mn_hgrid_zc(g, k) > r->sum.cell_death.bottom_um + 500.0 &&
            mn_hgrid_zc(g, k) > r->tip_um + 500.0)
            break; /* nothing to draw below */
    }
    if (ferror(f))
        return mn_error_set(MN_EIO, "thermal_lesion.csv: write failed");
    return MN_OK;
}
