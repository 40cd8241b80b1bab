/* ParaView collection files (.pvd): a list of .vti files with the time of each, so ParaView
 * opens a run's fields as one time series in time order (the file names alone sort 0.5h, 24h,
 * 2h). Written atomically. */
#ifndef MN_IO_PVD_H
#define MN_IO_PVD_H

#include <stddef.h>

#include "mnsim/status.h"

/* path: the .pvd; files[i]: paths relative to the .pvd's folder; times[i] in hours. */
mn_status mn_pvd_write(const char *path, size_t n, const double *times_h, const char *const *files);

#endif
