/* Internal layout of a delivery result, shared by the run (delivery.c) and the writers
 * (io/delivery_out.c). */
#ifndef MN_DELIVERY_DELIVERY_IMPL_H
#define MN_DELIVERY_DELIVERY_IMPL_H

#include "delivery/cell.h"
#include "delivery/delivery.h"

/* Amount groups of a sample, µg per cm² of skin. */
enum { AM_DONOR = 0, AM_SC, AM_EPIDERMIS, AM_DERMIS, AM_SYSTEMIC, AM_RECEPTOR, AM_N };

typedef struct mn_delivery_sample {
    double t_h, flux_ch, flux_in, open; /* flux into the skin, µg/cm²/h, over the last step */
    double entered_ch, entered_in;      /* cumulative amount that entered the skin, µg/cm² */
    double amount_ch[AM_N], amount_in[AM_N];
    /* in perfused tissue (voxels with capillary clearance), µg/cm²: what the clearance acts on */
    double perfused_ch, perfused_in;
} mn_delivery_sample;

/* Depth profiles (per z layer, µg/µm³): lateral mean of the cell, on the channel axis, at the
 * cell corner (farthest from the channel), and the intact twin. */
typedef struct mn_delivery_profile {
    double t_h;
    double *mean, *axis, *between, *intact;
} mn_delivery_profile;

/* A full 3D snapshot of the cell for the fields/ VTI files. */
typedef struct mn_delivery_snapshot {
    double t_h;
    double *c;
} mn_delivery_snapshot;

enum { MN_DELIVERY_PROFILE_CAP = 64 };

struct mn_delivery_result {
    char product[MN_NAME_CAP];
    int session;
    mn_channel_pattern pattern;
    mn_cell cell;
    double applied, kp_cm_h, conc_ug_um3;
    double k_clear_s;    /* capillary clearance rate of perfused tissue (1/s) */
    double pore_d_um2_s; /* diffusivity of the pore fluid (before hindrance) */
    double dose_ch[4], dose_in[4], remaining_ch, remaining_in;
    double lag_h, lag_in_h, half_life_h;
    double film_dry_h;    /* when the uncovered film's water has evaporated (INFINITY: never) */
    long steps, rejected; /* internal steps of the channel field */
    size_t nsamples, cap_samples;
    mn_delivery_sample *samples;
    size_t nprof;
    mn_delivery_profile prof[MN_DELIVERY_PROFILE_CAP];
    size_t nsnap;
    mn_delivery_snapshot snap[MN_FIELD_TIMES_CAP];
    bool binary_vti;
    /* Franz cell (in vitro): receptor amounts at the end and the experimenter's analysis of
     * the cumulative receptor curve at the sampling times (steady line over [t0, t1]). */
    bool franz;
    double receptor_ch, receptor_in;
    double flux_ss_ch, flux_ss_in, window_h[2], lag_rec_ch, lag_rec_in, kp_rec_cm_h;
};

#endif
