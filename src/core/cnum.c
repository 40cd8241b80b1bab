#define _GNU_SOURCE
#include "core/cnum.h"

#include <pthread.h>
#include <stdlib.h>

static locale_t c_locale;
static pthread_once_t c_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static locale_t get_c_locale(void)
{
    pthread_once(&c_once, make_c_locale);
    return c_locale;
}

double mn_strtod(const char *s, char **end)
{
    locale_t c = get_c_locale();
    return c ? strtod_l(s, end, c) : strtod(s, end);
}

void mn_cnum_enter(mn_cnum *saved)
{
    locale_t c = get_c_locale();
    saved->prev = c ? uselocale(c) : (locale_t)0;
}

void mn_cnum_leave(const mn_cnum *saved)
{
    if (saved->prev)
        uselocale(saved->prev);
}
