/* summary.json `thermal` block of an RF session and the heat stage's tables (thermal.csv,
 * thermal_lesion.csv), from its typed results: heat computes, io serialises. */
#ifndef MN_IO_SUMMARY_HEAT_H
#define MN_IO_SUMMARY_HEAT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "heat/heat.h"

/* Adds "thermal": {peak_temperature_c, epidermis_peak_temperature_c, coagulation_zone_um
 * {depth, top, width, volume_nl}, damage_volume_fraction, ..., coagulation, epidermis,
 * peak_c} to a summary.json session object. depth is the deepest extent of the zone below the
 * skin surface. */
mn_status mn_summary_add_thermal(cJSON *session, const mn_heat_summary *s);

/* thermal.csv: header time_ms,tip_temperature_c,epidermis_max_temperature_c,
 * max_temperature_c,max_omega_skin,max_omega_collagen; session column first when session > 0
 * (the header is written when write_header). */
mn_status mn_io_write_thermal_curve_csv(FILE *f, const mn_heat_result *r, int session,
                                        int write_header);

/* thermal_lesion.csv, the depth–width map of the damage: per voxel layer of the cell down to
 * 500 µm below the deepest damage and the tip, the half-width (largest distance from the
 * needle axis) of the Ω_collagen ≥ 1 and Ω_skin ≥ 1 regions (0 where none) and the layer's peak
 * temperature. Header session,depth_um,collagen_halfwidth_um,skin_halfwidth_um,
 * peak_temperature_c (session column when session > 0). Needs the run's fields. */
mn_status mn_io_write_thermal_lesion_csv(FILE *f, const mn_heat_result *r, int session,
                                         int write_header);

#endif
