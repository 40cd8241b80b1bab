/* Parameters of the needling stage, read once from data/needling_params.csv (cited there). */
#ifndef MN_NEEDLING_PARAMS_H
#define MN_NEEDLING_PARAMS_H

#include "mnsim/status.h"

typedef struct mn_needling_params {
    /* Insertion mechanics (src/needling/insertion.c). */
    double puncture_force_n, puncture_force_tip_radius_um, puncture_sc_reference_um;
    double epidermis_modulus_pa, skin_poisson_ratio, tenting_log_sd;
    double rigid_support_tenting_fraction;
    double needle_taper_length_um, channel_min_open_radius_um;
    /* Elastic recovery of the hole (insertion.c): reference value at a reference age, loss per
     * year of age, spread between punctures. */
    double elastic_recovery, elastic_recovery_age, elastic_recovery_loss_per_year;
    double elastic_recovery_sd;
    /* Graded bleeding. */
    double capillary_loop_pitch_um, capillary_radius_um, subpapillary_plexus_below_dej_um;
    double plexus_vessel_length_per_area_um, plexus_vessel_radius_um;
    double roller_lane_jitter_sd_um, roller_angle_jitter_sd_deg;
    double pen_tilt_sd_deg, pen_lane_jitter_sd_um, stamp_press_time_s;
    double pen_hand_sway_sd_um, pen_hand_turn_sd_deg, pen_hand_correlation_um;
    /* Compression of the skin under the device's face (insertion.c): strain at the reference
     * modulus, that modulus, and the cap. */
    double skin_compression_reference, skin_modulus_reference_kpa, skin_compression_max;
} mn_needling_params;

mn_status mn_needling_params_load(mn_needling_params *out);

#endif
