/* Parameters of the needling stage, read once from data/needling_params.csv (cited there). */
#ifndef MN_NEEDLING_PARAMS_H
#define MN_NEEDLING_PARAMS_H

#include "mnsim/status.h"

typedef struct mn_needling_params {
    double insertion_offset_um, insertion_reference_tip_radius_um;
    double insertion_critical_speed_um_s, insertion_offset_log_sd;
    double pen_stroke_clearance_um, stamp_press_speed_um_s;
    double roller_lane_jitter_sd_um, roller_angle_jitter_sd_deg;
    double pen_tilt_sd_deg, pen_lane_jitter_sd_um, stamp_press_time_s;
} mn_needling_params;

mn_status mn_needling_params_load(mn_needling_params *out);

#endif
