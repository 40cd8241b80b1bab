/* What each CSV table of an output folder holds, in a sidecar beside it (<file>-metadata.json,
 * the W3C "CSV on the Web" name) instead of a '#' line in the file: the CSV files stay plain
 * (header line first, units in the column names) so pandas.read_csv(path) and spreadsheets
 * read them as they are. */
#ifndef MN_IO_CSV_META_H
#define MN_IO_CSV_META_H

#include "mnsim/status.h"

/* Writes the sidecar of every known CSV file present in dir (and removes a sidecar whose CSV
 * is absent, so a folder never describes a table it does not hold). */
mn_status mn_io_write_csv_metadata(const char *dir);

#endif
