/* The one error idiom of mnsim (PETSc's discipline, C-sized).
 *
 *   mn_status f(...) {
 *       MN_TRY(g(...));                       // propagate unchanged
 *       if (bad) return mn_error_set(MN_EINPUT, "%s: ...", path);
 *   }
 *   mn_status h(...) {
 *       mn_status st = MN_OK;
 *       MN_TRY_GOTO(g(...), done);            // propagate, but clean up first
 *   done:
 *       free(...);
 *       return st;
 *   }
 */
#ifndef MN_CORE_ERROR_H
#define MN_CORE_ERROR_H

#include "mnsim/status.h"

/* Sets this thread's message (printf format) and returns st, so a failing function can
 * `return mn_error_set(...)` in one line. */
mn_status mn_error_set(mn_status st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prepends context to the current message ("while loading X: <old message>"). */
mn_status mn_error_prefix(mn_status st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void mn_error_clear(void);

#define MN_TRY(expr)                                                                               \
    do {                                                                                           \
        mn_status mn_try_st_ = (expr);                                                             \
        if (mn_try_st_ != MN_OK)                                                                   \
            return mn_try_st_;                                                                     \
    } while (0)

/* Requires a local `mn_status st` in scope. */
#define MN_TRY_GOTO(expr, label)                                                                   \
    do {                                                                                           \
        st = (expr);                                                                               \
        if (st != MN_OK)                                                                           \
            goto label;                                                                            \
    } while (0)

/* Allocation that fails with MN_ENOMEM and a message instead of returning NULL silently. */
#define MN_ALLOC(ptr, count)                                                                       \
    do {                                                                                           \
        (ptr) = calloc((size_t)(count) > 0 ? (size_t)(count) : 1, sizeof *(ptr));                  \
        if (!(ptr))                                                                                \
            return mn_error_set(MN_ENOMEM, "out of memory allocating %zu x %zu bytes",             \
                                (size_t)(count), sizeof *(ptr));                                   \
    } while (0)

#endif
