/* Internal to needling: growing the puncture arrays, and the lane geometry shared by the
 * devices that are glided across the patch (rollers, pens). */
#ifndef MN_NEEDLING_BUILDER_H
#define MN_NEEDLING_BUILDER_H

#include "core/rng.h"
#include "needling/needling.h"
#include "needling/params.h"

/* Needle layout of a pen cartridge (data/devices.csv `layout`). */
typedef enum mn_pen_layout {
    MN_PEN_LAYOUT_CIRCULAR = 0,
    MN_PEN_LAYOUT_SQUARE = 1,
    MN_PEN_LAYOUT_HEXAGONAL = 2
} mn_pen_layout;

#define MN_PEN_NEEDLES_MAX 256

typedef struct mn_puncture_builder mn_puncture_builder;
struct mn_puncture_builder {
    mn_punctures *p;
    size_t cap;
    double patch_w_um, patch_l_um;
    mn_pen_layout pen_layout;
    /* Streaming (src/needling/stream.c): when set, a full array of chunk_cap punctures is
     * handed to flush, which empties it, instead of growing. */
    mn_status (*flush)(mn_puncture_builder *b);
    void *flush_ctx;
    size_t chunk_cap;
};

/* Union of the open holes at the surface (each puncture's channel_diameter_um) on a raster
 * (coverage_fraction): overlapping holes count once. Accumulated chunk by chunk
 * (src/needling/summary.c). The raster's cell is a fifth of resolution_um (a typical hole
 * radius) or coarser on very large patches, where each cell centre still samples the union
 * without bias. */
typedef struct mn_coverage {
    double h;
    size_t nx, ny;
    unsigned char *cells;
} mn_coverage;
mn_status mn_coverage_init(mn_coverage *c, double width_um, double length_um, double resolution_um);
/* A typical open hole's radius for a needle of this shaft radius: the raster's resolution. */
double mn_coverage_resolution(double needle_radius_um);
void mn_coverage_add(mn_coverage *c, const mn_punctures *p);
double mn_coverage_fraction(const mn_coverage *c);
void mn_coverage_free(mn_coverage *c);
/* Minutes to treat an area once per pass, times the passes. */
double mn_treatment_minutes(const mn_device_spec *d, const mn_needling_params *np, double area_um2);

/* Layout of the device's cartridge from devices.csv (circular when the row gives none). */
mn_status mn_pen_layout_of(const mn_device_spec *d, mn_pen_layout *out);

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

/* Insertion mechanics of one session (src/needling/insertion.c). */
typedef struct mn_insertion_model {
    double set_depth_um, tip_radius_um, shaft_radius_um, taper_tan;
    double puncture_force_n, tenting_mean_um, tenting_log_sd;
    /* Elastic recovery of the hole: mean share of the needle's width the skin closes (this
     * patient's age), its spread between punctures, and the smallest radius left open. */
    double recovery_mean, recovery_sd, min_open_radius_um;
    int upright;  /* roller needles are upright at the bottom */
    int perfused; /* living skin (bleeds) */
    double loop_apex_um, plexus_um, loop_limbs_per_um2, capillary_radius_um;
    double plexus_length_per_um, plexus_radius_um;
    /* Added for issue 12's second pass. compression: strain of the skin above the tip under
     * the device's face, so a depth d in the compressed skin is d / (1 - compression) once it
     * relaxes (depth_stretch). sc_um: the horny layer, whose perforation stays open (it is dead
     * tissue that does not recoil, unlike the viable skin beneath). */
    double compression, depth_stretch, sc_um;
} mn_insertion_model;

typedef struct mn_insertion_result {
    double tissue_depth_um, channel_depth_um, channel_diameter_um, bleed_probability;
    int bleeds;
} mn_insertion_result;

/* rigid_support: excised skin on a hard support (experiment.type franz_cell). */
mn_status mn_insertion_model_make(const mn_device_spec *d, const mn_needling_params *np,
                                  const mn_column *col, int rigid_support, double age_years,
                                  mn_insertion_model *out);
/* One puncture: tilt from the normal, z_normal a standard normal draw (tenting spread),
 * z_recovery a standard normal draw (elastic recovery spread), u_bleed a uniform draw
 * (bleeding). */
void mn_insertion_puncture(const mn_insertion_model *im, double tilt_deg, double z_normal,
                           double z_recovery, double u_bleed, mn_insertion_result *out);
/* Probability that a puncture whose tip reached depth_um (axis at cos_t from the normal)
 * cuts a vessel. */
double mn_insertion_bleed_probability(const mn_insertion_model *im, double depth_um, double cos_t);
/* Fills set/tissue/channel depths, diameter, bleeding and layer of every puncture of p. */
mn_status mn_insertion_apply(const mn_device_spec *d, const mn_needling_params *np,
                             const mn_column *col, int rigid_support, double age_years,
                             uint64_t seed, mn_punctures *p);

#endif
