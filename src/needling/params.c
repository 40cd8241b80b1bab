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
    const double um_per_m = 1.0e6;
    mn_status st = MN_OK;
    struct {
        const char *name;
        double scale;
        double *dst;
    } fields[] = {
        {"insertion_offset_um", 1.0, &p->insertion_offset_um},
        {"insertion_reference_tip_radius_um", 1.0, &p->insertion_reference_tip_radius_um},
        {"insertion_critical_speed_m_s", um_per_m, &p->insertion_critical_speed_um_s},
        {"insertion_offset_log_sd", 1.0, &p->insertion_offset_log_sd},
        {"pen_stroke_clearance_um", 1.0, &p->pen_stroke_clearance_um},
        {"stamp_press_speed_m_s", um_per_m, &p->stamp_press_speed_um_s},
        {"roller_lane_jitter_sd_um", 1.0, &p->roller_lane_jitter_sd_um},
        {"roller_angle_jitter_sd_deg", 1.0, &p->roller_angle_jitter_sd_deg},
        {"pen_tilt_sd_deg", 1.0, &p->pen_tilt_sd_deg},
        {"pen_lane_jitter_sd_um", 1.0, &p->pen_lane_jitter_sd_um},
        {"stamp_press_time_s", 1.0, &p->stamp_press_time_s},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0] && st == MN_OK; i++)
        st = get(t, fields[i].name, fields[i].scale, fields[i].dst);
    mn_table_free(t);
    return st;
}
