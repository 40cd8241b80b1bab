/* Anatomy: the layered skin column of a site for this patient (sex, age), from the cited site
 * table (data/sites.csv, data/age_trends.csv) or from explicit site.layers_um. */
#ifndef MN_ANATOMY_ANATOMY_H
#define MN_ANATOMY_ANATOMY_H

#include "model/model.h"
#include "mnsim/status.h"

/* Layers of the column, top down. */
typedef enum mn_layer {
    MN_LAYER_NONE = 0,      /* the needle did not pierce the surface */
    MN_LAYER_SC = 1,        /* stratum corneum */
    MN_LAYER_EPIDERMIS = 2, /* viable epidermis */
    MN_LAYER_DERMIS = 3,
    MN_LAYER_SUBCUTIS = 4
} mn_layer;

typedef struct mn_column {
    char zone[MN_NAME_CAP];
    double sc_um, viable_epidermis_um, dermis_um; /* thicknesses */
    /* Depths below the skin surface. */
    double dej_depth_um;       /* dermal–epidermal junction = sc + viable epidermis */
    double capillary_depth_um; /* apex of the papillary capillary loops */
    double dermis_bottom_um;   /* dermis–subcutis boundary */
    double zone_area_cm2;      /* typical treatable area of the zone */
    /* Young's modulus of the zone's skin in vivo (data/site_stiffness.csv; issue 12): how much
     * it compresses under a device pressed on it (src/needling/insertion.c). */
    double skin_modulus_kpa;
} mn_column;

/* Builds the column for the model's site and patient. */
mn_status mn_anatomy_column_for(const mn_model *m, mn_column *out);

/* Layer at a depth below the surface (depth <= 0 -> MN_LAYER_NONE). */
mn_layer mn_anatomy_layer_at(const mn_column *c, double depth_um);
const char *mn_anatomy_layer_name(mn_layer l);

#endif
