/* Read-only tables of text cells parsed from CSV: the public part is mnsim/tables.h; here the
 * helpers the stages use. The data tables of data/ are embedded into the library at build
 * time and read through this module, so every literature number lives beside its source
 * column. */
#ifndef MN_CORE_TABLE_H
#define MN_CORE_TABLE_H

#include <stddef.h>

#include "mnsim/tables.h"

/* Embedded tables parsed so far in this process (each at most once). */
unsigned long mn_table_cache_parses(void);
/* Cell of a named column; fails with a message naming table, line and column if the column
 * is missing. */
mn_status mn_table_text(const mn_table *t, size_t row, const char *col, const char **out);
/* mn_table_double_or and mn_table_line are public (mnsim/tables.h). */

#endif
