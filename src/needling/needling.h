/* Needling: every puncture of a session from the device kinematics, and how deep each one
 * really reaches in tissue (insertion mechanics), as flat arrays. */
#ifndef MN_NEEDLING_NEEDLING_H
#define MN_NEEDLING_NEEDLING_H

#include <stddef.h>
#include <stdint.h>

#include "anatomy/anatomy.h"
#include "model/model.h"

/* Punctures of one session, structure of arrays; coordinates on the patch, origin at its
 * lower-left corner, x across the patch width, y along its length. */
typedef struct mn_punctures {
    size_t n;
    int session;
    int *pass;               /* 0-based pass index */
    double *x_um, *y_um;     /* entry point on the surface */
    double *set_depth_um;    /* needle length or dial setting */
    double *tissue_depth_um; /* depth actually reached below the surface (0: not pierced) */
    double *angle_deg;       /* needle axis from the surface normal */
    unsigned char *layer;    /* deepest mn_layer reached */
    unsigned char *bleeds;   /* 1 if it drew blood (drawn from the graded probability below) */
    double needle_radius_um; /* shaft radius (half the needle's base diameter) */
    /* Fields below were added by issue 12 (after needle_radius_um so that positional
     * initialisers of the older fields still compile). */
    /* The channel left open after withdrawal (docs/validation/needling.md), consumed by delivery
     * and healing. channel_depth_um: depth below the resting surface down to which the hole
     * stays open once the tissue has rebounded; <= tissue_depth_um, 0 when the hole closed at
     * once. channel_diameter_um: the open hole's diameter at the surface after elastic
     * recovery; < 2 * needle_radius_um. The open radius at depth z (the needle's cone shrunk by
     * the same recovery) is mn_channel_radius_at. Both are 0 where tissue_depth_um is 0. */
    double *channel_depth_um;
    double *channel_diameter_um;
    double *bleed_probability; /* graded probability that this puncture bleeds */
    double tip_radius_um;      /* needle tip radius */
    double taper_tan;          /* tan of the needle's cone half-angle */
    double recovery_fraction;  /* mean share of the needle's width the hole loses on withdrawal
                                * (each puncture draws its own about it) */
    size_t first_index;        /* session-wide index of element 0 (chunks of a streamed zone) */
    /* Depths in the relaxed skin per unit of needle travel in the skin compressed under the
     * device's face: 1 / (1 - compressive strain) >= 1 (src/needling/insertion.c). The
     * needle's cone, seen in relaxed depths, is stretched by it: mn_channel_radius_at uses
     * taper_tan / depth_stretch. 0 (unset) counts as 1. */
    double depth_stretch;
} mn_punctures;

/* Tan of the needle cone's half-angle in relaxed depths (what a profile with depth below the
 * resting surface must use): taper_tan / depth_stretch, 0 for a cylinder. */
double mn_punctures_relaxed_taper(const mn_punctures *p);

/* Radius of the needle's own cross-section at depth z_um below the resting surface for
 * puncture i (the tissue it passed through, before elastic recovery): the cone from the tip at
 * tissue_depth_um, in relaxed depths, capped at the shaft radius; 0 at and below the tip's
 * deepest point. The healing stage's wounded volume is this cross-section's. */
double mn_needle_radius_at(const mn_punctures *p, size_t i, double z_um);

/* Open radius of channel i at depth z_um below the surface: the needle's cross-section there
 * (a cone of half-angle atan(taper_tan) from the tip, capped at the shaft radius) shrunk by
 * the elastic recovery; 0 at and below channel_depth_um. */
double mn_channel_radius_at(const mn_punctures *p, size_t i, double z_um);

/* Factor on a channel's closure time for its open diameter at the surface, relative to the
 * holes the closure constants were set on (src/needling/closure_scale.c): 1 for the default
 * needle's 58.75 um hole at 35 y,
 * proportional to the diameter (re-epithelialisation advances as a front of constant speed),
 * clipped to 0.25-4. Delivery multiplies its closure time constant by it. */
double mn_channel_closure_scale(double diameter_um);

/* Per-session figures of summary.json's `needling` block. */
typedef struct mn_needling_summary {
    size_t punctures;
    double area_cm2, punctures_per_cm2, coverage_fraction;
    double depth_mean_um, depth_p5_um, depth_p50_um, depth_p95_um; /* over pierced punctures */
    double bleeding_fraction;
    /* Open channel left behind (over pierced punctures): depth and surface diameter. */
    double channel_depth_mean_um, channel_depth_p5_um, channel_depth_p50_um, channel_depth_p95_um;
    double channel_diameter_mean_um, channel_diameter_p5_um, channel_diameter_p95_um;
    double bleeding_probability_mean; /* mean graded probability over all punctures */
    /* Uniformity: share of 0.5 mm cells with no pierced puncture; nearest-neighbour distance. */
    double empty_cell_fraction, nearest_neighbour_mean_um, nearest_neighbour_p5_um;
    double duration_min;      /* treating the patch */
    double zone_duration_min; /* treating the whole zone at the same density */
    double layer_fraction[5]; /* share of punctures whose deepest layer is each mn_layer */
} mn_needling_summary;

/* Generates all punctures of session (1-based) over the model's patch. Deterministic for a
 * seed whatever the thread count. */
mn_status mn_needling_generate(const mn_model *m, const mn_column *col, int session,
                               mn_punctures **out);
void mn_punctures_free(mn_punctures *p);

mn_status mn_needling_summarize(const mn_model *m, const mn_column *col, const mn_punctures *p,
                                mn_needling_summary *out);
/* Minutes to needle the whole zone of col once in a session (its passes, the device's glide
 * or stamping kinematics): the needling part of an appointment (clinic/plan.c). */
mn_status mn_needling_zone_minutes(const mn_model *m, const mn_column *col, int session,
                                   double *out);

/* Receives the punctures of a session, all at once or chunk by chunk in order (e.g. to write
 * punctures.csv); chunk->first_index is the session-wide index of its first puncture. */
typedef mn_status (*mn_puncture_sink)(void *ctx, const mn_punctures *chunk);

/* Patches larger than this (cm²) are whole zones and are streamed. */
#define MN_NEEDLING_STREAM_ABOVE_CM2 25.0
/* Side of the representative window kept from a streamed zone for the field stages. */
#define MN_NEEDLING_WINDOW_UM 20000.0

/* One session's needling with bounded memory. A patch of at most stream_above_cm2 is held
 * whole: *window holds every puncture, the sink gets them at once and *window_model = *m. A
 * larger patch (a whole zone, up to 400 cm²) is generated in chunks handed in order to the
 * sink and summarised on the fly (percentiles from 0.5 µm histograms); *window then holds
 * only the punctures of the central MN_NEEDLING_WINDOW_UM square, with coordinates relative to
 * it, and *window_model is *m with that square as its patch: the field stages (delivery,
 * healing) simulate this representative piece of the pattern. The punctures are the same as
 * when held whole. sink may be NULL; ns may be NULL when no summary is wanted (a patch held
 * whole then skips it). Free *window with mn_punctures_free. */
mn_status mn_needling_session(const mn_model *m, const mn_column *col, int session,
                              double stream_above_cm2, mn_puncture_sink sink, void *ctx,
                              mn_needling_summary *ns, mn_punctures **window,
                              mn_model *window_model);

#endif
