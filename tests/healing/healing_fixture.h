/* Shared inputs of the healing tests: a cheek column and typical injuries, built by hand. */
#ifndef MN_TESTS_HEALING_FIXTURE_H
#define MN_TESTS_HEALING_FIXTURE_H

#include <stdlib.h>

#include "healing/healing.h"

/* Female cheek: SC 17 µm (Egawa 2007, skin_sites.csv), viable epidermis 70 µm and dermis
 * 1150 µm (Oltulu 2022 face ranges 66–121 / 1150–1498 µm), capillary loops 150 µm below the
 * DEJ (permeation.md §5). */
static inline mn_column fixture_cheek(void)
{
    mn_column c = {0};
    c.sc_um = 17;
    c.viable_epidermis_um = 70;
    c.dermis_um = 1150;
    c.dej_depth_um = 87;
    c.capillary_depth_um = 237;
    c.dermis_bottom_um = 1237;
    return c;
}

static inline mn_patient fixture_patient(double age)
{
    mn_patient p = {0};
    p.age_years = age;
    p.sex = MN_SEX_FEMALE;
    p.fitzpatrick = 3;
    return p;
}

/* Roller of 192 needles on a 20 x 20 mm drum (devices.csv, Dermaroller MF8): 192 / 12.57 cm²
 * = 15.3 punctures/cm² per pass; 15 passes (depth_guidance.csv, 15–20 passes). Needle
 * 0.25 mm wide. Punctures reach 85 % of the needle length (an assumption of the fixture). */
#define FIXTURE_ROLLER_PER_CM2 (192.0 * 15.0 / 12.566)
/* A pen stamping densely: 2000 punctures/cm², 0.2 mm needles. */
#define FIXTURE_PEN_PER_CM2 2000.0

static inline mn_healing_injury fixture_injury(double needle_mm, double per_cm2, double radius_um)
{
    mn_column c = fixture_cheek();
    double depth = 850.0 * needle_mm;
    /* Bleeding once the papillary capillary loops are reached. */
    double bleed = depth > c.capillary_depth_um ? 1.0 : 0.0;
    mn_healing_injury inj;
    mn_healing_injury_uniform(&c, depth, per_cm2, radius_um, bleed, &inj);
    return inj;
}

/* Injury of identical punctures on the needle shape the healing calibration was fitted on (a
 * cone of the taper from a 4 µm tip over 770 µm, capped at the shaft radius: the needling
 * stage's needle before issue 12's third pass, whose source is reserved; the needling stage now
 * uses a 5 µm tip and a 410 µm taper, data/devices.csv and data/needling_params.csv — to be
 * refitted by the healing stage's owner), per_cm2 punctures on a 5 x 5 mm patch all reaching depth_um, bleeding below
 * the capillary loops. */
static inline mn_healing_injury fixture_real_needles(double per_cm2, double shaft_radius_um,
                                                     double depth_um)
{
    mn_column c = fixture_cheek();
    size_t n = (size_t)(per_cm2 * 0.25 + 0.5);
    double *d = calloc(n ? n : 1, sizeof *d);
    unsigned char *layer = calloc(n ? n : 1, 1), *bleeds = calloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        d[i] = depth_um;
        layer[i] = MN_LAYER_DERMIS;
        bleeds[i] = depth_um > c.capillary_depth_um;
    }
    mn_punctures p = {0};
    p.n = n;
    p.tissue_depth_um = d;
    p.layer = layer;
    p.bleeds = bleeds;
    p.needle_radius_um = shaft_radius_um;
    p.tip_radius_um = 4;
    p.taper_tan = (125.0 - 4.0) / 770.0;
    mn_healing_injury inj;
    mn_healing_injury_from_punctures(&p, &c, 25e6, &inj);
    free(d);
    free(layer);
    free(bleeds);
    return inj;
}

#endif
