/* mnsim verify: the code-verification suite (exact solutions, observed orders, mass
 * balance). Exit 0 when every case passes, 1 otherwise. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include <mnsim/verify.h>
#include <mnsim/status.h>

static void usage(FILE *out)
{
    fprintf(out, "Usage: mnsim verify [--json] [--case NAME]\n\n"
                 "Runs the code-verification suite: the field engine against exact solutions\n"
                 "(Gaussian with Neumann images, two-layer slab with a partition jump, erfc,\n"
                 "a manufactured solution on a layered graded medium) and exact balances,\n"
                 "printing errors, observed orders in space and time, and mass drift.\n\n"
                 "Options:\n"
                 "  --json       print one JSON object\n"
                 "  --case NAME  run only the case NAME (e.g. field.erfc_semi_infinite)\n"
                 "Exit status 0 when every case passes, 1 when one fails.\n");
}

int mn_cmd_verify(int argc, char **argv)
{
    if (mn_cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    int json = 0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc)
            only = argv[++i];
        else
            return mn_cli_usage_error("verify", "unknown or incomplete option '%s'", argv[i]);
    }
    size_t n;
    const mn_verify_case *cases = mn_verify_cases(&n);
    if (only) {
        size_t i = 0;
        while (i < n && strcmp(cases[i].name, only) != 0)
            i++;
        if (i == n)
            return mn_cli_usage_error("verify", "--case: '%s' unknown", only);
    }
    int all = 1, first = 1;
    if (json)
        printf("{\"schema\": \"mnsim.verify/1\", \"cases\": [");
    for (size_t i = 0; i < n; i++) {
        if (only && strcmp(cases[i].name, only) != 0)
            continue;
        mn_verify_result r;
        mn_status st = mn_verify_run(&cases[i], &r);
        all = all && r.passed;
        if (json) {
            printf("%s\n  {\"name\": \"%s\", \"summary\": \"%s\", \"passed\": %s, "
                   "\"seconds\": %.3f, \"metrics\": {",
                   first ? "" : ",", cases[i].name, cases[i].summary, r.passed ? "true" : "false",
                   r.seconds);
            for (int m = 0; m < r.nmetrics; m++)
                printf("%s\"%s\": {\"value\": %.6e, \"limit\": %.3e, \"at_least\": %s}",
                       m ? ", " : "", r.metrics[m].name, r.metrics[m].value, r.metrics[m].limit,
                       r.metrics[m].at_least ? "true" : "false");
            printf("}");
            if (st != MN_OK)
                printf(", \"error\": \"%s\"", mn_last_error());
            printf("}");
        } else {
            printf("%-28s %s  (%.2f s)  %s\n", cases[i].name, r.passed ? "PASS" : "FAIL", r.seconds,
                   cases[i].summary);
            for (int m = 0; m < r.nmetrics; m++)
                printf("    %-30s %12.4e  (%s %.1e)\n", r.metrics[m].name, r.metrics[m].value,
                       r.metrics[m].at_least ? ">=" : "<=", r.metrics[m].limit);
            if (st != MN_OK)
                printf("    error: %s\n", mn_last_error());
        }
        first = 0;
    }
    if (json)
        printf("\n], \"passed\": %s}\n", all ? "true" : "false");
    return all ? 0 : 1;
}
