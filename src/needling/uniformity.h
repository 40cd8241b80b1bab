/* How evenly punctures cover a patch (issue 12, item 3): the share of 0.5 mm x 0.5 mm cells
 * with no pierced puncture, accumulated chunk by chunk so that a whole zone can be streamed,
 * and the nearest-neighbour distance between pierced punctures. */
#ifndef MN_NEEDLING_UNIFORMITY_H
#define MN_NEEDLING_UNIFORMITY_H

#include "needling/needling.h"

/* Cell size of needling.empty_cell_fraction (the 0.5 mm). */
#define MN_UNIFORMITY_CELL_UM 500.0

typedef struct mn_cell_map {
    size_t nx, ny;
    double cell_um;
    unsigned char *hit;
} mn_cell_map;

mn_status mn_cell_map_init(mn_cell_map *c, double width_um, double length_um, double cell_um);
/* Marks the cells holding a pierced puncture of p. */
void mn_cell_map_add(mn_cell_map *c, const mn_punctures *p);
/* Share of whole cells with no pierced puncture (1 when the patch holds no whole cell). */
double mn_cell_map_empty_fraction(const mn_cell_map *c);
void mn_cell_map_free(mn_cell_map *c);

/* Mean and 5th percentile of the distance from each pierced puncture to the nearest other
 * one, on a patch of width x length (0 when fewer than two are pierced). */
mn_status mn_uniformity_nearest(const mn_punctures *p, double width_um, double length_um,
                                double *mean_um, double *p5_um);

#endif
