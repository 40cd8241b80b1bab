/* Number formatting for the CSV writers' hot loops (punctures.csv of a whole zone holds millions
 * of rows). Output is byte for byte that of printf's "%.Nf" in the C locale, which the tests
 * check against snprintf over random and tie values, without printf's parsing of a format and
 * its locale lookup per number. */
#ifndef MN_IO_FMT_H
#define MN_IO_FMT_H

#include <stddef.h>

enum { MN_FMT_MAX_DECIMALS = 6, MN_FMT_FIXED_BUF = 330 };

/* Writes x with `decimals` (0..MN_FMT_MAX_DECIMALS) digits after the point into buf (at least
 * MN_FMT_FIXED_BUF bytes: DBL_MAX has 309 digits), as "%.*f" would in the C locale: correctly
 * rounded from the exact binary value, ties to even. Returns the length written (no terminating NUL
 * is counted; one is written). Values that are not finite or whose magnitude is 2^53 or more go
 * through snprintf. */
size_t mn_fmt_fixed(char *buf, double x, int decimals);

/* Writes the decimal digits of v into buf; returns the length (a NUL follows). */
size_t mn_fmt_int(char *buf, long long v);

#endif
