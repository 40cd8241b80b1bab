/* A pen: a cartridge of `needles` laid out in a field of width W (square grid, circular rings
 * or hexagonal packing, data/devices.csv `layout`), stamping `frequency_hz` times a second
 * while the hand glides at v along lanes W apart. One lane lays needles x f / (v W) punctures
 * per unit area whatever the layout (the kinematic check).
 *
 * The hand is not a machine: within a lane the cartridge wanders sideways and turns a little
 * about the pen's axis (first-order autoregressive wander along the lane, sd and correlation
 * length in data/needling_params.csv). Without it the needles of a fixed layout trace parallel
 * lines and leave unpunctured stripes between them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"
#include "core/units.h"
#include "needling/builder.h"

/* Needle positions (u along the glide, w across) of a cartridge, centred on its axis, inside
 * a field of width W. */
static mn_status cartridge_layout(const mn_device_spec *d, mn_pen_layout layout, double *u,
                                  double *w)
{
    const int n = d->needles;
    const double W = d->drum_width_um;
    if (layout == MN_PEN_LAYOUT_SQUARE) {
        const int cols = (n + d->rows - 1) / d->rows;
        for (int k = 0; k < n; k++) {
            int row = k % d->rows, col = k / d->rows;
            u[k] = (col + 0.5) * W / cols - 0.5 * W;
            w[k] = (row + 0.5) * W / d->rows - 0.5 * W;
        }
        return MN_OK;
    }
    if (layout == MN_PEN_LAYOUT_CIRCULAR) {
        /* Concentric rings: a centre needle when n is odd, then rings whose needle count
         * grows with the radius (6 per ring step, as in a close-packed disc), outermost ring
         * on the field's edge; each ring turned by half a pitch against the previous one. */
        int left = n, ring = 0, k = 0;
        int nrings = 0, cap = n % 2;
        while (cap < n)
            cap += 6 * ++nrings;
        const double step = nrings ? 0.5 * W / nrings : 0.0;
        if (n % 2) {
            u[k] = w[k] = 0.0;
            k++;
            left--;
        }
        for (ring = 1; left > 0; ring++) {
            int in_ring = ring == nrings ? left : (6 * ring < left ? 6 * ring : left);
            for (int j = 0; j < in_ring; j++, k++) {
                double a = 2.0 * MN_PI * (j + 0.5 * (ring % 2)) / in_ring;
                u[k] = ring * step * cos(a);
                w[k] = ring * step * sin(a);
            }
            left -= in_ring;
        }
        return MN_OK;
    }
    /* Hexagonal: the n lattice points nearest the centre of a triangular lattice whose pitch
     * fits them into the field (disc of diameter W). */
    const double pitch = W / (sqrt((double)n * 2.0 * sqrt(3.0) / MN_PI) + 1.0);
    int k = 0;
    for (int shell = 0; k < n; shell++) {
        /* Candidates with hex distance == shell, sorted by Euclidean radius within the shell
         * by construction order (good enough for a centred disc). */
        for (int q = -shell; q <= shell && k < n; q++)
            for (int r = -shell; r <= shell && k < n; r++) {
                int s = -q - r;
                int dist = (abs(q) > abs(r) ? abs(q) : abs(r));
                dist = dist > abs(s) ? dist : abs(s);
                if (dist != shell)
                    continue;
                u[k] = pitch * (q + 0.5 * r);
                w[k] = pitch * (sqrt(3.0) / 2.0) * r;
                k++;
            }
    }
    return MN_OK;
}

mn_status mn_pen_pass(const mn_device_spec *d, const mn_needling_params *np, uint64_t seed,
                      int session, int pass, mn_puncture_builder *b)
{
    if (d->needles > MN_PEN_NEEDLES_MAX)
        return mn_error_set(MN_EINPUT, "pen cartridge with %d needles (expected at most %d)",
                            d->needles, MN_PEN_NEEDLES_MAX);
    double cu[MN_PEN_NEEDLES_MAX], cw[MN_PEN_NEEDLES_MAX];
    MN_TRY(cartridge_layout(d, b->pen_layout, cu, cw));
    mn_pass_frame f = mn_pass_frame_make(b, pass);
    mn_rng lane_rng = mn_rng_stream(seed, MN_RNG_NEEDLING, (uint32_t)session, (uint32_t)pass, 0);
    const double W = d->drum_width_um;
    const double step = d->glide_speed_um_s / d->frequency_hz; /* glide between strokes */
    const double sway = np->pen_hand_sway_sd_um, turn = np->pen_hand_turn_sd_deg * MN_PI / 180.0;
    /* AR(1) along the lane: correlation exp(-step / length) between strokes. */
    const double rho = exp(-step / np->pen_hand_correlation_um), kick = sqrt(1.0 - rho * rho);
    const double reach = f.half_extent_um + W + 4.0 * (np->pen_lane_jitter_sd_um + sway);
    const double offset = mn_rng_uniform(&lane_rng) * W;
    const int nlanes = (int)ceil(2.0 * reach / W) + 1;

    for (int lane = 0; lane < nlanes; lane++) {
        mn_rng r = mn_rng_stream(seed, MN_RNG_NEEDLING, (uint32_t)session, (uint32_t)pass,
                                 (uint32_t)lane + 1u);
        double w_lane = -reach + offset + lane * W + np->pen_lane_jitter_sd_um * mn_rng_normal(&r);
        double u_start = -reach + mn_rng_uniform(&r) * step;
        double tilt_deg = fabs(np->pen_tilt_sd_deg * mn_rng_normal(&r));
        double dw = sway * mn_rng_normal(&r), th = turn * mn_rng_normal(&r);
        for (double u = u_start; u < reach; u += step) {
            dw = rho * dw + kick * sway * mn_rng_normal(&r);
            th = rho * th + kick * turn * mn_rng_normal(&r);
            const double c = cos(th), s = sin(th);
            for (int k = 0; k < d->needles; k++) {
                double uu = u + c * cu[k] - s * cw[k];
                double ww = w_lane + dw + s * cu[k] + c * cw[k];
                double x, y;
                mn_pass_frame_to_xy(&f, uu, ww, &x, &y);
                MN_TRY(mn_builder_add(b, pass, x, y, tilt_deg));
            }
        }
    }
    return MN_OK;
}

mn_status mn_pen_layout_of(const mn_device_spec *d, mn_pen_layout *out)
{
    *out = MN_PEN_LAYOUT_CIRCULAR;
    if (d->type != MN_DEVICE_PEN)
        return MN_OK;
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("devices.csv", &t));
    long row = mn_table_find(t, "model", d->model[0] ? d->model : "default_pen_cartridge");
    const char *v = "";
    mn_status st = MN_OK;
    if (row >= 0 && mn_table_col(t, "layout") >= 0)
        st = mn_table_text(t, (size_t)row, "layout", &v);
    if (st == MN_OK) {
        if (strcmp(v, "square") == 0)
            *out = MN_PEN_LAYOUT_SQUARE;
        else if (strcmp(v, "hexagonal") == 0)
            *out = MN_PEN_LAYOUT_HEXAGONAL;
        else if (v[0] && strcmp(v, "circular") != 0)
            st = mn_error_set(MN_EINTERNAL,
                              "devices.csv: layout '%s' of %s (expected square, circular or "
                              "hexagonal)",
                              v, d->model);
    }
    mn_table_free(t);
    return st;
}
