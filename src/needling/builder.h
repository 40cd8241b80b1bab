/* Internal to needling: growing the puncture arrays, and the lane geometry shared by the
 * devices that are glided across the patch (rollers, pens). */
#ifndef MN_NEEDLING_BUILDER_H
#define MN_NEEDLING_BUILDER_H

#include "core/rng.h"
#include "needling/needling.h"
#include "needling/params.h"

typedef struct mn_puncture_builder {
    mn_punctures *p;
    size_t cap;
    double patch_w_um, patch_l_um;
} mn_puncture_builder;

/* Appends a puncture if (x, y) lies on the patch. */
mn_status mn_builder_add(mn_puncture_builder *b, int pass, double x_um, double y_um,
                         double angle_deg);

/* Frame of one pass: strokes run along u (direction phi), lanes are stacked along w. */
typedef struct mn_pass_frame {
    double cos_phi, sin_phi;
    double cx, cy;         /* patch centre */
    double half_extent_um; /* half the patch diagonal: lanes cover the rotated patch */
} mn_pass_frame;

/* Directions of successive passes: 0, 90, 45, 135 degrees, repeating (strokes "in several
 * directions", literature/depth_guidance.csv: horizontal, vertical, oblique). */
mn_pass_frame mn_pass_frame_make(const mn_puncture_builder *b, int pass);
void mn_pass_frame_to_xy(const mn_pass_frame *f, double u, double w, double *x, double *y);

/* Device kinematics: every puncture of one pass. */
mn_status mn_roller_pass(const mn_device_spec *d, const mn_needling_params *np, uint64_t seed,
                         int session, int pass, mn_puncture_builder *b);
mn_status mn_pen_pass(const mn_device_spec *d, const mn_needling_params *np, uint64_t seed,
                      int session, int pass, mn_puncture_builder *b);
mn_status mn_stamp_pass(const mn_device_spec *d, const mn_needling_params *np, uint64_t seed,
                        int session, int pass, mn_puncture_builder *b);

/* Insertion mechanics: fills tissue_depth_um, layer and bleeds of every puncture. */
mn_status mn_insertion_apply(const mn_device_spec *d, const mn_needling_params *np,
                             const mn_column *col, uint64_t seed, mn_punctures *p);
/* Needle tip speed at skin contact (µm/s) for a device. */
double mn_insertion_speed_um_s(const mn_device_spec *d, const mn_needling_params *np);

#endif
