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
    unsigned char *bleeds;   /* 1 if it reached the papillary capillary loops */
    double needle_radius_um; /* shaft radius, for channel geometry */
} mn_punctures;

/* Per-session figures of summary.json's `needling` block. */
typedef struct mn_needling_summary {
    size_t punctures;
    double area_cm2, punctures_per_cm2, coverage_fraction;
    double depth_mean_um, depth_p5_um, depth_p50_um, depth_p95_um; /* over pierced punctures */
    double bleeding_fraction;
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

#endif
