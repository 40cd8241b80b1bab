/* Typed, range-checked reads from a YAML tree. Every failure leaves one message of the form
 *   FILE:LINE:COL: key.path: problem (expected ...)
 * and returns MN_EINPUT. `path` is the dotted path of the map being read ("device"), or ""
 * for the top level. A missing optional key leaves *out at the default the caller set. */
#ifndef MN_MODEL_YCHECK_H
#define MN_MODEL_YCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "model/ydoc.h"

/* Joins path and key ("device" + "passes" -> "device.passes") into buf. */
const char *mn_y_path(char *buf, size_t cap, const char *path, const char *key);

/* Error at a node (or at the map when the key is missing). */
mn_status mn_y_error(const mn_ydoc *doc, const mn_ynode *at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

mn_status mn_y_expect(const mn_ydoc *doc, const mn_ynode *n, mn_ykind kind, const char *path);
/* Fails on the first key of map not in the NULL-terminated list `allowed`. */
/* A list of at most cap items. */
mn_status mn_y_expect_list(const mn_ydoc *doc, const mn_ynode *n, const char *path, size_t cap);
mn_status mn_y_check_keys(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                          const char *const *allowed);
mn_status mn_y_require(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key);

/* Scalars. `node` variants read a node directly (list items). */
mn_status mn_y_node_double(const mn_ydoc *doc, const mn_ynode *n, const char *path, double lo,
                           double hi, double *out);
mn_status mn_y_double(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key,
                      double lo, double hi, double *out);
mn_status mn_y_int(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key,
                   long lo, long hi, long *out);
mn_status mn_y_uint64(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key,
                      unsigned long long *out);
mn_status mn_y_bool(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key,
                    bool *out);
/* One of the NULL-terminated `choices`; *out is its index. */
mn_status mn_y_choice(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key,
                      const char *const *choices, int *out);
mn_status mn_y_node_choice(const mn_ydoc *doc, const mn_ynode *n, const char *path,
                           const char *const *choices, int *out);
/* A string of at most cap-1 bytes, printable, no control characters. */
mn_status mn_y_string(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key,
                      char *out, size_t cap);
mn_status mn_y_node_string(const mn_ydoc *doc, const mn_ynode *n, const char *path, char *out,
                           size_t cap);

#endif
