/* Topical delivery through microneedle channels on the field engine, with the intact-skin twin
 * run alongside so the enhancement is a ratio from one model.
 *
 *   mn_delivery_options opt;
 *   mn_delivery_options_default(&opt);
 *   mn_delivery_result *r = NULL;
 *   MN_TRY(mn_delivery_run(model, &column, punctures, &opt, &r));
 * and src/io turns the result into files: summary.json's "delivery" block
 * (io/summary_delivery.h), delivery.csv, delivery_profiles.csv and fields/ (io/delivery_out.h).
 *   mn_delivery_result_free(r);
 */
#ifndef MN_DELIVERY_DELIVERY_H
#define MN_DELIVERY_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>

#include <stdio.h>

#include "anatomy/anatomy.h"
#include "delivery/permeability.h"
#include "mnsim/status.h"
#include "model/model.h"
#include "needling/needling.h"

typedef struct mn_delivery_options {
    size_t max_memory_bytes;      /* 0: half of physical memory (--max-memory) */
    int cell_voxels;              /* lateral voxels per side of the cell; 0: auto (7..31) */
    double rtol;                  /* field engine tolerance per internal step; 0: 1e-3 */
    bool inflammation_suppressed; /* anti-inflammatory at the site slows closure */
    bool binary_vti;              /* base64 Float64 (default) or ASCII */
    /* Multipliers on the uncertain channel parameters, for the sensitivity analysis
     * (docs/validation/delivery.md); 0 means 1: closure time constant, channel radius in the
     * hindrance, diffusivity of the pore fluid, partition of the tissue around the channel. */
    double scale_closure_tau, scale_pore_radius, scale_pore_fluid_d, scale_partition;
    /* Also for the sensitivity analysis: the film's evaporation rate, and the stratum
     * corneum's partition (its diffusivity divided by the same factor: kp kept, lag scaled). */
    double scale_evaporation, scale_sc_partition;
    /* Bled channels pass nothing after hemostasis (default: their plugged mouth passes what a
     * wound surface does; docs/validation/delivery.md), for the sensitivity. */
    bool seal_bled_channels;
    /* Multiplier on the wound surface's uptake conductance in vivo (channel mouths), for the
     * sensitivity; 0 means 1. */
    double scale_wound;
} mn_delivery_options;

void mn_delivery_options_default(mn_delivery_options *opt);

typedef struct mn_delivery_result mn_delivery_result;

/* Layers of the reported doses. */
typedef enum mn_dose_layer {
    MN_DOSE_SC = 0,
    MN_DOSE_EPIDERMIS = 1,
    MN_DOSE_DERMIS = 2,
    MN_DOSE_SYSTEMIC = 3
} mn_dose_layer;

mn_status mn_delivery_run(const mn_model *m, const mn_column *col, const mn_punctures *p,
                          const mn_delivery_options *opt, mn_delivery_result **out);
void mn_delivery_result_free(mn_delivery_result *r);

/* Amounts at the end of the application (µg/cm²); intact = the twin without channels. */
double mn_delivery_get_dose(const mn_delivery_result *r, mn_dose_layer layer, bool intact);
/* Applied dose (INFINITY for an infinite dose) and what is left in the donor, µg/cm². */
double mn_delivery_get_applied(const mn_delivery_result *r);
double mn_delivery_get_remaining(const mn_delivery_result *r, bool intact);
/* Amount past the SC (epidermis + dermis + systemic), channels ÷ intact. */
double mn_delivery_get_enhancement_ratio(const mn_delivery_result *r);
/* Lag time (h) of the amount reaching the capillaries (systemic), channels or intact: the
 * time-axis intercept of its tangent at the steepest point; NAN if nothing reached them. */
double mn_delivery_get_lag_time_h(const mn_delivery_result *r, bool intact);
double mn_delivery_get_channel_half_life_h(const mn_delivery_result *r);
/* Exposure of a living layer (MN_DOSE_EPIDERMIS or MN_DOSE_DERMIS) over the application, from
 * the output rows: its largest amount (µg/cm²) and when (h), and the area under its amount
 * curve (µg·h/cm², trapezoids). The dose at the end says what is left; in vivo a small
 * solute is cleared within hours, so these say what the tissue saw. */
typedef struct mn_delivery_exposure {
    double peak_ug_cm2, peak_h, auc_ug_h_cm2;
} mn_delivery_exposure;
mn_status mn_delivery_get_exposure(const mn_delivery_result *r, mn_dose_layer layer, bool intact,
                                   mn_delivery_exposure *out);
/* When the water of an uncovered finite film has evaporated (h); INFINITY when it does not
 * (occluded, infinite dose). */
double mn_delivery_get_film_dry_h(const mn_delivery_result *r);

/* Franz cell (experiment.type franz_cell): in vitro, no perfusion, a receptor under the skin.
 * The enhancement ratio is then the cumulative receptor amount with pretreatment ÷ without at
 * the end, and the lag time the x-intercept of the steady line of the receptor curve. */
bool mn_delivery_is_franz(const mn_delivery_result *r);
/* Cumulative receptor amount at the end (µg/cm²); 0 in vivo. */
double mn_delivery_get_receptor(const mn_delivery_result *r, bool intact);
typedef struct mn_delivery_franz {
    double receptor_ug_cm2, intact_receptor_ug_cm2; /* at the end of the study */
    double flux_ug_cm2_h, intact_flux_ug_cm2_h;     /* slope of the steady line */
    double window_h[2];                             /* sampling times it was fitted over */
    double lag_time_h, intact_lag_time_h;           /* its time-axis intercept */
    double kp_cm_h;                                 /* intact steady flux / donor conc. */
} mn_delivery_franz;
mn_status mn_delivery_get_franz(const mn_delivery_result *r, mn_delivery_franz *out);
const char *mn_delivery_get_product(const mn_delivery_result *r);
/* Time series: rows, and per row time_h, flux into the skin (µg/cm²/h) and open fraction. */
size_t mn_delivery_get_samples(const mn_delivery_result *r);
mn_status mn_delivery_get_sample(const mn_delivery_result *r, size_t i, double *time_h,
                                 double *flux_channels, double *flux_intact, double *open_fraction);
/* Steady intact flux predicted by kp·C (µg/cm²/h) for the product, for checks. */
double mn_delivery_get_intact_kp_cm_h(const mn_delivery_result *r);
/* The representative cell: side (µm), voxels (nx, ny, nz), channel area fraction of the
 * patch and channel depth (µm) it was built from. */
mn_status mn_delivery_get_cell(const mn_delivery_result *r, double *side_um, int dims[3],
                               double *channel_area_fraction, double *channel_depth_um);
/* Internal steps the field engine took for the channel cell (accepted, rejected). */
void mn_delivery_get_steps(const mn_delivery_result *r, long *steps, long *rejected);

/* Bytes the channel grid of this run would need (for the resource guard and messages). */
mn_status mn_delivery_memory_needed(const mn_model *m, const mn_column *col, const mn_punctures *p,
                                    const mn_delivery_options *opt, size_t *bytes, long dims[3]);

/* Renkin's hindrance factor for a solute/pore radius ratio lambda (1 at 0, 0 from 1 on). */
double mn_delivery_renkin(double lambda);

/* Resolves the product of the scenario to a solute: table row by name (data/products.csv),
 * else the scenario's mw_da and log_kow with Stokes–Einstein diffusivity. */
mn_status mn_delivery_solute_for(const mn_product_spec *prod, mn_solute *out);

/* The solute with its ionisation (table row, overridden by the scenario's pka, acid_base, ph),
 * the donor solubility (mg/mL, NAN: no cap) and the hydrodynamic radius (nm; S1 from MW when
 * the table has none). */
typedef struct mn_product_properties {
    mn_solute solute;
    double solubility_mg_ml, radius_nm;
} mn_product_properties;
mn_status mn_delivery_product_properties(const mn_product_spec *prod, mn_product_properties *out);

#endif
