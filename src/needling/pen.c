/* A pen: a cartridge of `needles` in a square-ish grid of width W stamping `frequency_hz`
 * times a second while the hand glides at v. One lane lays needles x f / (v W) punctures per
 * unit area (the geometric check); lanes of a pass are W apart. */
#include <math.h>

#include "core/error.h"
#include "core/units.h"
#include "needling/builder.h"

mn_status mn_pen_pass(const mn_device_spec *d, const mn_needling_params *np, uint64_t seed,
                      int session, int pass, mn_puncture_builder *b)
{
    mn_pass_frame f = mn_pass_frame_make(b, pass);
    mn_rng lane_rng = mn_rng_stream(seed, MN_RNG_NEEDLING, (uint32_t)session, (uint32_t)pass, 0);
    const double W = d->drum_width_um;
    const double step = d->glide_speed_um_s / d->frequency_hz; /* glide between strokes */
    const int cols = (d->needles + d->rows - 1) / d->rows;
    const double pitch_w = W / d->rows, pitch_u = W / cols;
    const double reach = f.half_extent_um + W + 4.0 * np->pen_lane_jitter_sd_um;
    const double offset = mn_rng_uniform(&lane_rng) * W;
    const int nlanes = (int)ceil(2.0 * reach / W) + 1;

    for (int lane = 0; lane < nlanes; lane++) {
        mn_rng r = mn_rng_stream(seed, MN_RNG_NEEDLING, (uint32_t)session, (uint32_t)pass,
                                 (uint32_t)lane + 1u);
        double w_lane = -reach + offset + lane * W + np->pen_lane_jitter_sd_um * mn_rng_normal(&r);
        double u_start = -reach + mn_rng_uniform(&r) * step;
        double tilt_deg = fabs(np->pen_tilt_sd_deg * mn_rng_normal(&r));
        for (double u = u_start; u < reach; u += step) {
            for (int k = 0; k < d->needles; k++) {
                int row = k % d->rows, col = k / d->rows;
                double uu = u + (col + 0.5) * pitch_u - 0.5 * W;
                double ww = w_lane + (row + 0.5) * pitch_w - 0.5 * W;
                double x, y;
                mn_pass_frame_to_xy(&f, uu, ww, &x, &y);
                MN_TRY(mn_builder_add(b, pass, x, y, tilt_deg));
            }
        }
    }
    return MN_OK;
}
