/* How deep a needle really reaches. Skin tents under the tip before it is pierced, so the
 * reached depth is the set depth less a tenting offset (literature/permeation.md §7: "the
 * reached depth is a fraction of the set length that depends on force, speed ... and site").
 *
 *   offset = offset_ref * (tip_radius / tip_radius_ref) / (1 + v / v_c) * lognormal spread
 *
 * Linear in tip radius: an elastic half-space under a punch of radius a deflects
 * F (1 - nu^2) / (2 a E), and the piercing force grows with the tip area (Davis SP et al.
 * J Biomech 2004;37:1155-63), so the deflection at piercing grows with a. Faster needles pierce
 * before the skin has tented (Verbaan 2008, impact vs pressing). offset_ref is fitted to the one
 * human in-vivo pair of the pack (600 -> ~460 um, Donnelly 2010). data/needling_params.csv
 * holds every constant with its source; docs/VALIDATION.md the calibration. */
#include <math.h>

#include "core/error.h"
#include "core/units.h"
#include "needling/builder.h"

double mn_insertion_speed_um_s(const mn_device_spec *d, const mn_needling_params *np)
{
    switch (d->type) {
    case MN_DEVICE_PEN:
        /* The needle travels the stroke down and up once per cycle. */
        return 2.0 * (d->set_depth_um + np->pen_stroke_clearance_um) * d->frequency_hz;
    case MN_DEVICE_ROLLER:
        /* A rolling drum presses needles in at about the hand's speed. */
        return d->glide_speed_um_s;
    case MN_DEVICE_STAMP:
    case MN_DEVICE_RF:
        return np->stamp_press_speed_um_s;
    }
    return np->stamp_press_speed_um_s;
}

mn_status mn_insertion_apply(const mn_device_spec *d, const mn_needling_params *np,
                             const mn_column *col, uint64_t seed, mn_punctures *p)
{
    const double v = mn_insertion_speed_um_s(d, np);
    const double mean_offset = np->insertion_offset_um *
                               (d->tip_radius_um / np->insertion_reference_tip_radius_um) /
                               (1.0 + v / np->insertion_critical_speed_um_s);
    const double sd = np->insertion_offset_log_sd;
    const int upright_at_bottom = d->type == MN_DEVICE_ROLLER;
    const long n = (long)p->n;

#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        mn_rng r = mn_rng_stream(seed, MN_RNG_INSERTION, (uint32_t)p->session, (uint32_t)p->pass[i],
                                 (uint32_t)i);
        /* Mean-preserving lognormal spread of the offset. */
        double offset = mean_offset * exp(sd * mn_rng_normal(&r) - 0.5 * sd * sd);
        double along = fmax(0.0, d->set_depth_um - offset);
        double depth = upright_at_bottom ? along : along * cos(p->angle_deg[i] * MN_PI / 180.0);
        p->set_depth_um[i] = d->set_depth_um;
        p->tissue_depth_um[i] = depth;
        p->layer[i] = (unsigned char)mn_anatomy_layer_at(col, depth);
        p->bleeds[i] = depth >= col->capillary_depth_um;
    }
    return MN_OK;
}
