/* Read-only tables of text cells parsed from CSV (RFC 4180 quoting; lines starting with '#'
 * are comments). The data tables of data/ are embedded into the library at build time and
 * read through this module, so every literature number lives beside its source column. */
#ifndef MN_CORE_TABLE_H
#define MN_CORE_TABLE_H

#include <stddef.h>

#include "mnsim/status.h"

typedef struct mn_table mn_table;

/* Parses text (not necessarily NUL-terminated); name is used in messages. */
mn_status mn_table_parse(const char *name, const char *text, size_t len, mn_table **out);
/* Parses an embedded data file, e.g. "sites.csv". */
mn_status mn_table_load_embedded(const char *name, mn_table **out);
void mn_table_free(mn_table *t);

size_t mn_table_rows(const mn_table *t);
size_t mn_table_cols(const mn_table *t);
const char *mn_table_header(const mn_table *t, size_t col);
/* Column index of a header name, or -1. */
int mn_table_col(const mn_table *t, const char *name);
/* Cell text ("" for an empty cell). */
const char *mn_table_cell(const mn_table *t, size_t row, int col);
/* Cell of a named column; fails with a message naming table, line and column if the column
 * is missing. */
mn_status mn_table_text(const mn_table *t, size_t row, const char *col, const char **out);
/* Cell as a finite number; an empty or malformed cell is an error naming table, line, column. */
mn_status mn_table_double(const mn_table *t, size_t row, const char *col, double *out);
/* Like mn_table_double but an empty cell gives fallback. */
mn_status mn_table_double_or(const mn_table *t, size_t row, const char *col, double fallback,
                             double *out);
/* 1-based source line of a row, for messages. */
size_t mn_table_line(const mn_table *t, size_t row);
/* Row whose column col equals key, or -1. */
long mn_table_find(const mn_table *t, const char *col, const char *key);

/* Embedded file text (generated at build time from data/). */
mn_status mn_embedded_get(const char *name, const char **text, size_t *len);

#endif
