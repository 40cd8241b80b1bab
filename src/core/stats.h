/* Order statistics shared by the stages: sorting doubles and percentiles. */
#ifndef MN_CORE_STATS_H
#define MN_CORE_STATS_H

#include <stddef.h>

/* Sorts v ascending (qsort with a total order on non-NaN values). */
void mn_stats_sort(double *v, size_t n);

/* Percentile q in [0, 1] of sorted values by linear interpolation between order statistics
 * (Hyndman & Fan type 7, the default of R and NumPy); NAN when n is 0. */
double mn_stats_percentile_sorted(const double *sorted, size_t n, double q);

#endif
