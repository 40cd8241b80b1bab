#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include <mnsim/signals.h>
#include <mnsim/status.h>

int mn_cli_fail(mn_status status)
{
    fprintf(stderr, "mnsim: %s\n", mn_last_error());
    /* Stopped by SIGINT/SIGTERM wherever it was (a trial's report, say): 128 + the signal, the
     * status shells report for a signal (issue 18). */
    int signo = mn_signals_stop_requested();
    if (status == MN_EINTERRUPTED && signo > 0)
        return 128 + signo;
    return mn_status_exit_code(status);
}

int mn_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "mnsim %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'mnsim %s --help'.\n", cmd);
    va_end(ap);
    return 2;
}

int mn_cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

int mn_cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || end == s || *end || errno == ERANGE || v < lo || v > hi) {
        mn_cli_usage_error(cmd, "%s: '%s' is not valid (expected a whole number in [%ld, %ld])",
                           opt, s ? s : "", lo, hi);
        return 0;
    }
    *out = v;
    return 1;
}

int mn_cli_parse_double(const char *cmd, const char *opt, const char *s, double lo, double hi,
                        double *out)
{
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : 0;
    if (!s || end == s || *end || errno == ERANGE || !isfinite(v) || v < lo || v > hi) {
        mn_cli_usage_error(cmd, "%s: '%s' is not valid (expected a number in [%g, %g])", opt,
                           s ? s : "", lo, hi);
        return 0;
    }
    *out = v;
    return 1;
}

int mn_cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    /* Digits only: strtoull would take "-1" as 2^64 - 1 and skip leading blanks. */
    int digits = s && *s && strspn(s, "0123456789") == strlen(s);
    unsigned long long v = digits ? strtoull(s, &end, 10) : 0;
    if (!digits || errno == ERANGE) {
        mn_cli_usage_error(cmd,
                           "%s: '%s' is not valid (expected a whole number in [0, "
                           "18446744073709551615])",
                           opt, s ? s : "");
        return 0;
    }
    *out = (uint64_t)v;
    return 1;
}
