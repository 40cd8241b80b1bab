/* A roller: a drum of diameter D and width W carrying `needles` in `rows` rings across its
 * width, rolled along straight strokes. Each needle pierces once per revolution, so one stroke
 * lays needles / (pi D W) punctures per unit area (the geometric check). Strokes of a
 * pass are lanes W apart with a random start and hand jitter in position and direction. */
#include <math.h>

#include "core/error.h"
#include "core/units.h"
#include "needling/builder.h"

mn_status mn_roller_pass(const mn_device_spec *d, const mn_needling_params *np, uint64_t seed,
                         int session, int pass, mn_puncture_builder *b)
{
    mn_pass_frame f = mn_pass_frame_make(b, pass);
    mn_rng lane_rng = mn_rng_stream(seed, MN_RNG_NEEDLING, (uint32_t)session, (uint32_t)pass, 0);
    const double W = d->drum_width_um, circumference = MN_PI * d->drum_diameter_um;
    const double R = 0.5 * d->drum_diameter_um;
    /* A radial needle of length l on a drum of radius R meets the skin at acos(R / (R + l))
     * from the normal and is upright at the bottom of its arc (geometry, D). */
    const double entry_deg = acos(R / (R + d->set_depth_um)) * 180.0 / MN_PI;
    const double reach = f.half_extent_um + W + 4.0 * np->roller_lane_jitter_sd_um;
    const double offset = mn_rng_uniform(&lane_rng) * W;
    const int nlanes = (int)ceil(2.0 * reach / W) + 1;

    for (int lane = 0; lane < nlanes; lane++) {
        mn_rng r = mn_rng_stream(seed, MN_RNG_NEEDLING, (uint32_t)session, (uint32_t)pass,
                                 (uint32_t)lane + 1u);
        double w_lane = -reach + offset + lane * W + np->roller_lane_jitter_sd_um * mn_rng_normal(&r);
        double tilt = np->roller_angle_jitter_sd_deg * MN_PI / 180.0 * mn_rng_normal(&r);
        double phase = mn_rng_uniform(&r);
        double ct = cos(tilt), st = sin(tilt);
        for (int ring = 0; ring < d->rows; ring++) {
            /* Needles are shared as evenly as possible among rings. */
            int in_ring = d->needles / d->rows + (ring < d->needles % d->rows ? 1 : 0);
            if (in_ring == 0)
                continue;
            double pitch = circumference / in_ring;
            double w_ring = -0.5 * W + (ring + 0.5) * W / d->rows;
            /* Rings are staggered (helical arrangement), so their punctures interleave. */
            double u0 = -reach + (phase + (double)ring / d->rows) * pitch;
            for (double u = u0; u < reach; u += pitch) {
                double uu = u * ct - w_ring * st, ww = w_lane + u * st + w_ring * ct;
                double x, y;
                mn_pass_frame_to_xy(&f, uu, ww, &x, &y);
                MN_TRY(mn_builder_add(b, pass, x, y, entry_deg));
            }
        }
    }
    return MN_OK;
}
