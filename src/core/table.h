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
/* Like mn_table_double but an empty cell gives fallback. */
mn_status mn_table_double_or(const mn_table *t, size_t row, const char *col, double fallback,
                             double *out);
/* 1-based source line of a row, for messages. */
size_t mn_table_line(const mn_table *t, size_t row);

#endif
