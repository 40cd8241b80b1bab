#include "needling/builder.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/units.h"

static mn_status grow(mn_puncture_builder *b)
{
    size_t cap = b->cap ? 2 * b->cap : 4096;
    mn_punctures *p = b->p;
#define GROW(field)                                                                                \
    do {                                                                                           \
        void *np_ = realloc(p->field, cap * sizeof *p->field);                                     \
        if (!np_)                                                                                  \
            return mn_error_set(MN_ENOMEM, "out of memory for %zu punctures", cap);                \
        p->field = np_;                                                                            \
    } while (0)
    GROW(pass);
    GROW(x_um);
    GROW(y_um);
    GROW(set_depth_um);
    GROW(tissue_depth_um);
    GROW(angle_deg);
    GROW(layer);
    GROW(bleeds);
    GROW(channel_depth_um);
    GROW(channel_diameter_um);
    GROW(bleed_probability);
#undef GROW
    b->cap = cap;
    return MN_OK;
}

/* Punctures per session are bounded so that a scenario cannot exhaust memory or disk (a
 * streamed zone writes every puncture to punctures.csv, ~80 bytes each): 50 × 50 mm at the
 * densest device (a 540-needle roller, 16 passes) stays far below this. */
#define MAX_PUNCTURES ((size_t)50000000)

mn_status mn_builder_add(mn_puncture_builder *b, int pass, double x_um, double y_um,
                         double angle_deg)
{
    if (x_um < 0.0 || y_um < 0.0 || x_um >= b->patch_w_um || y_um >= b->patch_l_um)
        return MN_OK;
    mn_punctures *p = b->p;
    if (p->first_index + p->n == MAX_PUNCTURES)
        return mn_error_set(MN_EINPUT,
                            "a session would make more than %zu punctures "
                            "(expected a smaller patch or fewer passes)",
                            MAX_PUNCTURES);
    if (b->flush && p->n == b->chunk_cap) {
        MN_TRY(b->flush(b));
        p->first_index += p->n;
        p->n = 0;
    }
    if (p->n == b->cap)
        MN_TRY(grow(b));
    size_t i = p->n++;
    p->pass[i] = pass;
    p->x_um[i] = x_um;
    p->y_um[i] = y_um;
    p->angle_deg[i] = angle_deg;
    p->set_depth_um[i] = 0.0;
    p->tissue_depth_um[i] = 0.0;
    p->layer[i] = 0;
    p->bleeds[i] = 0;
    p->channel_depth_um[i] = 0.0;
    p->channel_diameter_um[i] = 0.0;
    p->bleed_probability[i] = 0.0;
    return MN_OK;
}

mn_pass_frame mn_pass_frame_make(const mn_puncture_builder *b, int pass)
{
    static const double directions_deg[] = {0.0, 90.0, 45.0, 135.0};
    double phi = directions_deg[pass % 4] * MN_PI / 180.0;
    mn_pass_frame f;
    f.cos_phi = cos(phi);
    f.sin_phi = sin(phi);
    f.cx = 0.5 * b->patch_w_um;
    f.cy = 0.5 * b->patch_l_um;
    f.half_extent_um = 0.5 * hypot(b->patch_w_um, b->patch_l_um);
    return f;
}

void mn_pass_frame_to_xy(const mn_pass_frame *f, double u, double w, double *x, double *y)
{
    *x = f->cx + u * f->cos_phi - w * f->sin_phi;
    *y = f->cy + u * f->sin_phi + w * f->cos_phi;
}
