#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { MESSAGE_CAPACITY = 4096 };

/* Thread-local so that OpenMP workers and threads of a host program never overwrite each
 * other's message. */
static _Thread_local char message[MESSAGE_CAPACITY];

mn_status mn_error_set(mn_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return st;
}

mn_status mn_error_prefix(mn_status st, const char *fmt, ...)
{
    char old[MESSAGE_CAPACITY];
    memcpy(old, message, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof message)
        snprintf(message + n, sizeof message - (size_t)n, "%s", old);
    return st;
}

void mn_error_clear(void)
{
    message[0] = '\0';
}

const char *mn_last_error(void)
{
    return message;
}

const char *mn_status_name(mn_status st)
{
    switch (st) {
    case MN_OK:
        return "ok";
    case MN_EINPUT:
        return "input error";
    case MN_EUSAGE:
        return "usage error";
    case MN_ENOMEM:
        return "out of memory";
    case MN_EIO:
        return "i/o error";
    case MN_ENUMERIC:
        return "numerical fault";
    case MN_ESOLVER:
        return "solver failure";
    case MN_EINTERRUPTED:
        return "interrupted";
    case MN_EINTERNAL:
        return "internal error";
    }
    return "unknown status";
}

int mn_status_exit_code(mn_status st)
{
    if (st == MN_OK)
        return 0;
    if (st == MN_EINPUT || st == MN_EUSAGE)
        return 2;
    return 1;
}
