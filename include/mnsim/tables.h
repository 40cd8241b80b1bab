/* mnsim — the cited data tables compiled into the library (data/<name>.csv: sites, devices,
 * products, rules, ...), read-only, each row with its `source`. Also a CSV reader for an
 * application's own tables in the same form (RFC 4180 quoting; lines starting with '#' are
 * comments). */
#ifndef MNSIM_TABLES_H
#define MNSIM_TABLES_H

#include <stddef.h>

#include "mnsim/export.h"
#include "mnsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mn_table mn_table;

/* Parses CSV text (not necessarily NUL-terminated); name is used in messages. */
MN_API mn_status mn_table_parse(const char *name, const char *text, size_t len, mn_table **out);
/* An embedded data file, e.g. "sites.csv", parsed on first use and then shared by the whole
 * process (thread-safe). The table is read-only; mn_table_free on it does nothing. */
MN_API mn_status mn_table_load_embedded(const char *name, mn_table **out);
/* Frees a table of mn_table_parse (a shared embedded table is left alone). */
MN_API void mn_table_free(mn_table *t);

MN_API size_t mn_table_rows(const mn_table *t);
MN_API size_t mn_table_cols(const mn_table *t);
MN_API const char *mn_table_header(const mn_table *t, size_t col);
/* Column index of a header name, or -1. */
MN_API int mn_table_col(const mn_table *t, const char *name);
/* Cell text ("" for an empty cell or one out of range). */
MN_API const char *mn_table_cell(const mn_table *t, size_t row, int col);
/* Cell as a finite number; an empty or malformed cell is an error naming table, line, column. */
MN_API mn_status mn_table_double(const mn_table *t, size_t row, const char *col, double *out);
/* Like mn_table_double but an empty cell gives fallback. */
MN_API mn_status mn_table_double_or(const mn_table *t, size_t row, const char *col, double fallback,
                                    double *out);
/* 1-based line of a row in the CSV text (comment lines counted), for messages. */
MN_API size_t mn_table_line(const mn_table *t, size_t row);
/* Row whose column col equals key, or -1. */
MN_API long mn_table_find(const mn_table *t, const char *col, const char *key);

/* The text of an embedded data file as compiled in (CSV with its comment lines). */
MN_API mn_status mn_embedded_get(const char *name, const char **text, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
