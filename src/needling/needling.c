#include "needling/needling.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "needling/builder.h"

void mn_punctures_free(mn_punctures *p)
{
    if (!p)
        return;
    free(p->pass);
    free(p->x_um);
    free(p->y_um);
    free(p->set_depth_um);
    free(p->tissue_depth_um);
    free(p->angle_deg);
    free(p->layer);
    free(p->bleeds);
    free(p->channel_depth_um);
    free(p->channel_diameter_um);
    free(p->bleed_probability);
    free(p);
}

double mn_punctures_relaxed_taper(const mn_punctures *p)
{
    if (!(p->taper_tan > 0.0))
        return 0.0;
    return p->taper_tan / (p->depth_stretch > 0.0 ? p->depth_stretch : 1.0);
}

double mn_needle_radius_at(const mn_punctures *p, size_t i, double z_um)
{
    const double d = p->tissue_depth_um[i];
    if (!(d > 0.0) || z_um >= d)
        return 0.0;
    const double taper = mn_punctures_relaxed_taper(p);
    /* A cylinder (no taper) is the shaft all the way down. */
    if (!(taper > 0.0))
        return p->needle_radius_um;
    return fmin(p->needle_radius_um,
                fmin(p->tip_radius_um, p->needle_radius_um) + (d - fmax(0.0, z_um)) * taper);
}

double mn_channel_radius_at(const mn_punctures *p, size_t i, double z_um)
{
    if (!(p->channel_depth_um[i] > 0.0) || z_um >= p->channel_depth_um[i])
        return 0.0;
    /* The needle's cross-section there, scaled so that the surface value is this puncture's
     * own open diameter (its elastic recovery is drawn per puncture). */
    double r_z = mn_needle_radius_at(p, i, z_um), r_0 = mn_needle_radius_at(p, i, 0.0);
    return r_0 > 0.0 ? 0.5 * p->channel_diameter_um[i] * r_z / r_0 : 0.0;
}

mn_status mn_needling_generate(const mn_model *m, const mn_column *col, int session,
                               mn_punctures **out)
{
    mn_status st = MN_OK;
    mn_needling_params np;
    *out = NULL;
    MN_TRY(mn_needling_params_load(&np));
    mn_device_spec d = mn_model_session_device(m, session);
    mn_punctures *p = calloc(1, sizeof *p);
    if (!p)
        return mn_error_set(MN_ENOMEM, "out of memory for punctures");
    p->session = session;
    p->needle_radius_um = 0.5 * d.needle_diameter_um;
    p->tip_radius_um = d.tip_radius_um;
    mn_puncture_builder b = {
        .p = p, .patch_w_um = m->patch_width_um, .patch_l_um = m->patch_length_um};
    MN_TRY_GOTO(mn_pen_layout_of(&d, &b.pen_layout), fail);
    for (int pass = 0; pass < d.passes; pass++) {
        switch (d.type) {
        case MN_DEVICE_ROLLER:
            MN_TRY_GOTO(mn_roller_pass(&d, &np, m->seed, session, pass, &b), fail);
            break;
        case MN_DEVICE_PEN:
            MN_TRY_GOTO(mn_pen_pass(&d, &np, m->seed, session, pass, &b), fail);
            break;
        /* Fractional RF handpieces are placed and fired like a stamp. */
        case MN_DEVICE_RF:
        case MN_DEVICE_STAMP:
            MN_TRY_GOTO(mn_stamp_pass(&d, &np, m->seed, session, pass, &b), fail);
            break;
        }
    }
    MN_TRY_GOTO(mn_insertion_apply(&d, &np, col, m->experiment.type == MN_EXPERIMENT_FRANZ_CELL,
                                   m->patient.age_years, m->seed, p),
                fail);
    *out = p;
    return MN_OK;
fail:
    mn_punctures_free(p);
    return st;
}
