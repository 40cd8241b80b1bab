/* The delivery stage's tables and fields as files: delivery.csv (time series),
 * delivery_profiles.csv (depth profiles) and fields/delivery_s<session>_<t>h.vti with its .pvd
 * (the representative cell), from the stage's result (the layout of delivery/delivery_impl.h):
 * delivery computes, io serialises. All written atomically. */
#ifndef MN_IO_DELIVERY_OUT_H
#define MN_IO_DELIVERY_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "delivery/delivery.h"

/* delivery.csv and delivery_profiles.csv in dir, one block of rows per session (column
 * `session`, from the punctures' session): the _sessions form writes every session of a run
 * into the same two files, the plain form one session. fields/delivery_s<session>_<t>h.vti:
 * the representative cell at the scenario's output.field_times_h (within duration_h). */
/* One session's rows of delivery.csv / delivery_profiles.csv (with the header lines first
 * when header is set), for writers that assemble the files session by session. */
mn_status mn_io_write_delivery_series(FILE *f, const mn_delivery_result *r, int header);
mn_status mn_io_write_delivery_profiles(FILE *f, const mn_delivery_result *r, int header);
mn_status mn_io_write_delivery_csv_sessions(const mn_delivery_result *const *rs, size_t n,
                                            const char *dir);
mn_status mn_io_write_delivery_csv(const mn_delivery_result *r, const char *dir);
mn_status mn_io_write_delivery_fields(const mn_delivery_result *r, const char *dir);

#endif
