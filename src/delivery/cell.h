/* The representative cell the delivery model solves on: one channel in a square cell with
 * zero-flux (mirror) sides, sized so that the cell has the treated patch's open-channel area
 * fraction and channel perimeter per area, with the channel as deep as the patch's channels
 * are on average (area-weighted). Why a cell and not a window of the patch: the doses are
 * patch averages, and across a patch the channel pattern repeats (pen strokes, roller rings);
 * lateral exchange between channel fluid and tissue is set by those two measures, and a cell
 * of a few thousand voxels runs a 24 h application in well under a second, where a patch
 * window that resolves 125 µm channels needs 10⁵–10⁶ voxels. docs/validation/delivery.md. */
#ifndef MN_DELIVERY_CELL_H
#define MN_DELIVERY_CELL_H

#include <stdbool.h>

#include "anatomy/anatomy.h"
#include "mnsim/status.h"
#include "model/model.h"
#include "needling/needling.h"

enum { MN_CELL_MAX_NZ = 256 };

/* What the channel pattern of the patch measures (raster of the pierced punctures' discs). */
typedef struct mn_channel_pattern {
    double area_fraction; /* share of the patch surface that is channel */
    double perimeter_um;  /* channel edge length per µm² of patch (1/µm) */
    double depth_um;      /* mean depth of the channel area */
    double radius_um;     /* equivalent radius 2·area/perimeter (the needle's for a disc) */
    double punctures_per_cm2;
    double bleed_fraction; /* share of the open channels whose puncture bled (blood-filled) */
    /* Share of the open channel area whose puncture reached the dermis: a wound into vascular,
     * weeping tissue. The rest are dry perforations of the SC and avascular epidermis. */
    double wound_fraction;
} mn_channel_pattern;

/* Measures the pattern of the channels that perforate the stratum corneum of the column the
 * punctures were made in (col: the needling stage's site). A hole that ends inside the SC is
 * not a path past it and is left out (the intact route covers that skin). */
mn_status mn_channel_pattern_measure(const mn_model *m, const mn_column *col, const mn_punctures *p,
                                     mn_channel_pattern *out);

typedef struct mn_cell {
    /* lateral: by the cell's mirror symmetry only a quarter is solved: n × n voxels of dx
     * (n·dx = side/2), the channel axis on the corner x = y = 0 */
    int n;
    double dx_um, side_um;
    double rho2;             /* channel: voxel centres within sqrt(rho2) voxels of the corner */
    double channel_fraction; /* voxels of channel / all voxels (what the cell really has) */
    double weight;           /* pattern area fraction / channel_fraction, ≤ 1 (dilute scaling) */
    int channel_depth_k;     /* channel occupies layers k < channel_depth_k */
    /* z: SC, viable epidermis, dermis */
    int nz, k_ve, k_de, k_cap;
    int k_rec;         /* first receptor layer (Franz cell), nz when there is none */
    double receptor_k; /* its capacity relative to water (receptor volume / layer volume) */
    double dz_um[MN_CELL_MAX_NZ];
} mn_cell;

/* Plans the cell for a pattern; lateral_n > 0 forces the voxels per side (else automatic). */
mn_status mn_cell_plan(const mn_column *col, const mn_channel_pattern *pat, int lateral_n,
                       mn_cell *out);

/* Whether voxel (i, j) of the quarter cell is channel (in the layers above channel_depth_k). */
bool mn_cell_is_channel(const mn_cell *c, int i, int j);

#endif
