/* Numeric CSV tables as the report reads them back from a run's folder (punctures.csv,
 * delivery.csv, timeline.csv ...): a header of names, then rows; columns are stored one
 * contiguous array each, so a column goes straight to a plot. Text cells read as NaN. */
#ifndef MN_IO_REPORT_CSV_H
#define MN_IO_REPORT_CSV_H

#include <stddef.h>

#include "mnsim/status.h"

typedef struct mn_rtable {
    size_t ncol, nrow;
    char **names;
    double *v; /* column c is v + c * nrow */
} mn_rtable;

/* Reads path into t. A missing file is not an error: *found is 0 and t is empty. */
mn_status mn_rtable_read(const char *path, mn_rtable *t, int *found);
/* As mn_rtable_read, keeping at most max_rows data rows (every k-th, evenly through the file)
 * and reading the file line by line: bounded memory for a whole zone's punctures.csv. */
mn_status mn_rtable_read_sampled(const char *path, size_t max_rows, mn_rtable *t, int *found);
/* Index of the column called name, or -1. */
int mn_rtable_col(const mn_rtable *t, const char *name);
/* The column called name, or NULL when there is none. */
const double *mn_rtable_column(const mn_rtable *t, const char *name);
void mn_rtable_free(mn_rtable *t);

#endif
