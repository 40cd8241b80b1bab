#include "core/progress.h"

#include <stddef.h>

static mn_progress_fn handler;
static void *handler_user;

void mn_progress_set_handler(mn_progress_fn fn, void *user)
{
    handler = fn;
    handler_user = user;
}

void mn_progress_report(const char *stage, double done, double total)
{
    if (handler)
        handler(handler_user, stage, done, total);
}
