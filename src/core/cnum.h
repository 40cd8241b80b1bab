/* Numbers are read and written in the C locale whatever the host program set (issue 18,
 * item 5): a host with a decimal comma (de_DE, fr_FR ...) must neither fail to read "1.5" nor
 * write "1,5" into a CSV. Parsers call mn_strtod; every public entry point of the library that
 * parses or prints numbers runs inside mn_cnum_enter/mn_cnum_leave, which switch only the
 * calling thread's locale (uselocale), so a host's other threads are not disturbed. */
#ifndef MN_CORE_CNUM_H
#define MN_CORE_CNUM_H

#include <locale.h>

#include "mnsim/status.h"

/* strtod in the C locale. */
double mn_strtod(const char *s, char **end);

typedef struct mn_cnum {
    locale_t prev; /* the thread's locale before enter; (locale_t)0 when none was switched */
} mn_cnum;

void mn_cnum_enter(mn_cnum *saved);
void mn_cnum_leave(const mn_cnum *saved);

/* `return call;` evaluated in the C locale: for the body of a public entry point whose call
 * returns an mn_status. */
#define MN_RETURN_IN_C_LOCALE(call)                                                                \
    do {                                                                                           \
        mn_cnum mn_cnum_saved_;                                                                    \
        mn_cnum_enter(&mn_cnum_saved_);                                                            \
        mn_status mn_cnum_status_ = (call);                                                        \
        mn_cnum_leave(&mn_cnum_saved_);                                                            \
        return mn_cnum_status_;                                                                    \
    } while (0)

#endif
