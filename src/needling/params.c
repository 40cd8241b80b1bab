#include "needling/params.h"

#include <stddef.h>

#include "core/error.h"
#include "core/table.h"
#include "core/units.h"

static mn_status get(const mn_table *t, const char *name, double scale, double *out)
{
    long row = mn_table_find(t, "name", name);
    if (row < 0)
        return mn_error_set(MN_EINTERNAL, "needling_params.csv has no parameter '%s'", name);
    MN_TRY(mn_table_double(t, (size_t)row, "value", out));
    *out *= scale;
    return MN_OK;
}

mn_status mn_needling_params_load(mn_needling_params *p)
{
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("needling_params.csv", &t));
    mn_status st = MN_OK;
    struct {
        const char *name;
        double scale;
        double *dst;
    } fields[] = {
        {"puncture_force_n", 1.0, &p->puncture_force_n},
        {"puncture_force_tip_radius_um", 1.0, &p->puncture_force_tip_radius_um},
        {"puncture_sc_reference_um", 1.0, &p->puncture_sc_reference_um},
        {"epidermis_modulus_mpa", 1.0e6, &p->epidermis_modulus_pa},
        {"skin_poisson_ratio", 1.0, &p->skin_poisson_ratio},
        {"tenting_log_sd", 1.0, &p->tenting_log_sd},
        {"rigid_support_tenting_fraction", 1.0, &p->rigid_support_tenting_fraction},
        {"needle_taper_length_um", 1.0, &p->needle_taper_length_um},
        {"elastic_recovery", 1.0, &p->elastic_recovery},
        {"elastic_recovery_age_years", 1.0, &p->elastic_recovery_age},
        {"elastic_recovery_loss_per_year", 1.0, &p->elastic_recovery_loss_per_year},
        {"elastic_recovery_sd", 1.0, &p->elastic_recovery_sd},
        {"channel_min_open_radius_um", 1.0, &p->channel_min_open_radius_um},
        {"capillary_loop_pitch_um", 1.0, &p->capillary_loop_pitch_um},
        {"capillary_radius_um", 1.0, &p->capillary_radius_um},
        {"subpapillary_plexus_below_dej_um", 1.0, &p->subpapillary_plexus_below_dej_um},
        {"plexus_vessel_length_per_area_per_um", 1.0, &p->plexus_vessel_length_per_area_um},
        {"plexus_vessel_radius_um", 1.0, &p->plexus_vessel_radius_um},
        {"roller_lane_jitter_sd_um", 1.0, &p->roller_lane_jitter_sd_um},
        {"roller_angle_jitter_sd_deg", 1.0, &p->roller_angle_jitter_sd_deg},
        {"pen_tilt_sd_deg", 1.0, &p->pen_tilt_sd_deg},
        {"pen_lane_jitter_sd_um", 1.0, &p->pen_lane_jitter_sd_um},
        {"stamp_press_time_s", 1.0, &p->stamp_press_time_s},
        {"pen_hand_sway_sd_um", 1.0, &p->pen_hand_sway_sd_um},
        {"pen_hand_turn_sd_deg", 1.0, &p->pen_hand_turn_sd_deg},
        {"pen_hand_correlation_um", 1.0, &p->pen_hand_correlation_um},
        {"skin_compression_reference", 1.0, &p->skin_compression_reference},
        {"skin_modulus_reference_kpa", 1.0, &p->skin_modulus_reference_kpa},
        {"skin_compression_max", 1.0, &p->skin_compression_max},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0] && st == MN_OK; i++)
        st = get(t, fields[i].name, fields[i].scale, fields[i].dst);
    mn_table_free(t);
    return st;
}
