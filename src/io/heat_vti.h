/* The RF heat stage's fields as VTK image data (ParaView): peak temperature and the two
 * Arrhenius damage integrals of one needle's unit cell. */
#ifndef MN_IO_HEAT_VTI_H
#define MN_IO_HEAT_VTI_H

#include "heat/heat.h"

/* Writes path (atomically). The heat grid is graded in depth; the image is resampled onto
 * cubes of the lateral voxel size, each taking the value of the heat cell holding its centre,
 * so every heat cell at least as thick as a voxel appears unchanged. */
mn_status mn_heat_write_vti(const mn_heat_result *r, const char *path);

#endif
