/* A stamp: a square head of width W with `needles` in a grid, pressed side by side so that one
 * pass lays needles / W^2 punctures per unit area, each pass from a new random origin. */
#include <math.h>

#include "core/error.h"
#include "needling/builder.h"

mn_status mn_stamp_pass(const mn_device_spec *d, const mn_needling_params *np, uint64_t seed,
                        int session, int pass, mn_puncture_builder *b)
{
    mn_rng r = mn_rng_stream(seed, MN_RNG_NEEDLING, (uint32_t)session, (uint32_t)pass, 0);
    const double W = d->drum_width_um;
    const int cols = (d->needles + d->rows - 1) / d->rows;
    const double pitch_y = W / d->rows, pitch_x = W / cols;
    const double x0 = -mn_rng_uniform(&r) * W, y0 = -mn_rng_uniform(&r) * W;
    for (double sy = y0; sy < b->patch_l_um; sy += W)
        for (double sx = x0; sx < b->patch_w_um; sx += W) {
            double tilt_deg = fabs(np->pen_tilt_sd_deg * mn_rng_normal(&r));
            for (int k = 0; k < d->needles; k++) {
                int row = k % d->rows, col = k / d->rows;
                MN_TRY(mn_builder_add(b, pass, sx + (col + 0.5) * pitch_x,
                                      sy + (row + 0.5) * pitch_y, tilt_deg));
            }
        }
    return MN_OK;
}
