/* Hand-built punctures and skin columns shared by the delivery tests (a square lattice of
 * 50 µm punctures over a 1 × 1 mm patch; caffeine 10 mg/mL; 14 µm SC, 80 µm viable epidermis,
 * 1200 µm dermis, capillary loops at 244 µm), so the tests do not depend on the needling
 * generator. Include after cmocka.h. */
#ifndef MN_TESTS_DELIVERY_FIXTURES_H
#define MN_TESTS_DELIVERY_FIXTURES_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "anatomy/anatomy.h"
#include "core/error.h"
#include "delivery/delivery.h"
#include "model/model.h"
#include "needling/needling.h"

enum { LATTICE_CAP = 400 };

typedef struct lattice {
    mn_punctures p;
    double x[LATTICE_CAP], y[LATTICE_CAP], depth[LATTICE_CAP], set[LATTICE_CAP];
    double angle[LATTICE_CAP];
    int pass[LATTICE_CAP];
    unsigned char layer[LATTICE_CAP], bleeds[LATTICE_CAP];
} lattice;

#define NEEDLE_R_UM 50.0
#define PATCH_UM    1000.0

/* n × n punctures of radius 50 µm evenly spread over the 1 mm patch: spacing 1000/n µm. */
static inline lattice *make_lattice(int n, double depth_um)
{
    lattice *L = calloc(1, sizeof *L);
    assert_non_null(L);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            int k = j * n + i;
            L->x[k] = (i + 0.5) * PATCH_UM / n;
            L->y[k] = (j + 0.5) * PATCH_UM / n;
            L->depth[k] = L->set[k] = depth_um;
            L->layer[k] = 3;
        }
    /* no channel_depth_um / channel_diameter_um: the channels are the needle's track */
    L->p = (mn_punctures){.n = (size_t)n * n,
                          .session = 1,
                          .pass = L->pass,
                          .x_um = L->x,
                          .y_um = L->y,
                          .set_depth_um = L->set,
                          .tissue_depth_um = L->depth,
                          .angle_deg = L->angle,
                          .layer = L->layer,
                          .bleeds = L->bleeds,
                          .needle_radius_um = NEEDLE_R_UM};
    return L;
}

static inline void make_case(mn_model *m, mn_column *c, bool infinite, bool occluded, double hours)
{
    memset(m, 0, sizeof *m);
    m->patient.age_years = 35;
    m->patch_width_um = m->patch_length_um = PATCH_UM;
    mn_product_spec *p = &m->product;
    p->present = true;
    strcpy(p->name, "caffeine");
    p->mw_da = 194.19, p->log_kow = -0.07;
    p->concentration_mg_ml = 10;
    p->infinite_dose = infinite;
    p->volume_ul_per_cm2 = 20;
    p->applied = MN_APPLIED_AFTER;
    p->duration_h = hours;
    p->occluded = occluded;
    memset(c, 0, sizeof *c);
    c->sc_um = 14, c->viable_epidermis_um = 80, c->dermis_um = 1200;
    c->dej_depth_um = 94, c->capillary_depth_um = 244, c->dermis_bottom_um = 1294;
}

static inline double past_sc(const mn_delivery_result *r, bool intact)
{
    return mn_delivery_get_dose(r, MN_DOSE_EPIDERMIS, intact) +
           mn_delivery_get_dose(r, MN_DOSE_DERMIS, intact) +
           mn_delivery_get_dose(r, MN_DOSE_SYSTEMIC, intact);
}

static inline mn_delivery_result *run_opt(const mn_model *m, const mn_column *c,
                                          const mn_punctures *p, const mn_delivery_options *o)
{
    mn_delivery_result *r = NULL;
    mn_status st = mn_delivery_run(m, c, p, o, &r);
    if (st != MN_OK)
        print_error("%s\n", mn_last_error());
    assert_int_equal(st, MN_OK);
    return r;
}

/* The channels' own physics without the in-vivo wound surface's limit on their mouths (as in
 * excised skin): the wound conductance scaled far above that of an open channel. */
static inline mn_delivery_result *run_open_mouths(const mn_model *m, const mn_column *c,
                                                  const mn_punctures *p)
{
    mn_delivery_options o;
    mn_delivery_options_default(&o);
    o.scale_wound = 1e9;
    return run_opt(m, c, p, &o);
}

static inline mn_delivery_result *run(const mn_model *m, const mn_column *c, const mn_punctures *p)
{
    mn_delivery_result *r = NULL;
    mn_status st = mn_delivery_run(m, c, p, NULL, &r);
    if (st != MN_OK)
        print_error("%s\n", mn_last_error());
    assert_int_equal(st, MN_OK);
    return r;
}

#endif
