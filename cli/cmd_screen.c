/* mnsim screen PATIENT.yaml [--json] | --list: may this patient be treated? Any decision is
 * a successful answer (exit 0); a bad file exits 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mnsim/clinic.h>
#include <mnsim/tables.h>

#include "cli.h"

static void help(FILE *out)
{
    fprintf(out,
            "Usage: mnsim screen PATIENT.yaml [--json]\n"
            "       mnsim screen --list\n\n"
            "Screens a patient file against the cited contraindication rules (data/rules.csv)\n"
            "and prints the decision (proceed | proceed_with_caution | defer | do_not_treat)\n"
            "with every finding, its advice and its source. The decision supports and does not\n"
            "replace the practitioner's judgement.\n\n"
            "  --json   print {\"decision\", \"findings\": [...]} as JSON\n"
            "  --list   print every condition, medication, allergy and procedure name known\n\n"
            "Exit status: 0 for any decision, 2 for a bad patient file or usage.\n");
}

static int list_terms(void)
{
    mn_table *t = NULL;
    mn_status st = mn_table_load_embedded("patient_terms.csv", &t);
    if (st != MN_OK)
        return mn_cli_fail(st);
    int kc = mn_table_col(t, "kind"), nc = mn_table_col(t, "name"),
        dc = mn_table_col(t, "description");
    static const char *const kinds[] = {"condition", "medication", "allergy", "procedure"};
    static const char *const headings[] = {"conditions", "medications", "allergies",
                                           "recent_procedures"};
    for (int k = 0; k < 4; k++) {
        printf("%s%s:\n", k ? "\n" : "", headings[k]);
        for (size_t r = 0; r < mn_table_rows(t); r++)
            if (strcmp(mn_table_cell(t, r, kc), kinds[k]) == 0)
                printf("  %-38s %s\n", mn_table_cell(t, r, nc), mn_table_cell(t, r, dc));
    }
    mn_table_free(t);
    return 0;
}

static void print_table(const char *file, const mn_screen_result *s)
{
    const char *decision = "";
    size_t n = 0;
    mn_screen_result_decision(s, &decision);
    mn_screen_result_finding_count(s, &n);
    printf("Screening of %s\nDecision: %s\n", file, decision);
    if (!n)
        printf("\nNo rule of data/rules.csv matched this patient.\n");
    for (size_t i = 0; i < n; i++) {
        mn_screen_finding f;
        if (mn_screen_result_finding(s, i, &f) != MN_OK)
            break;
        printf("\n[%s] %s -> %s\n  reason: %s\n  advice: %s\n  source: %s (%s)\n", f.severity, f.id,
               f.decision, f.reason, f.advice, f.source, f.status);
    }
    printf("\nThis screening supports and does not replace the practitioner's judgement.\n");
}

int mn_cmd_screen(int argc, char **argv)
{
    const char *file = NULL;
    int json = 0, list = 0;
    if (mn_cli_wants_help(argc, argv)) {
        help(stdout);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--list") == 0)
            list = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return mn_cli_usage_error("screen", "unknown option '%s'", argv[i]);
        else if (file)
            return mn_cli_usage_error("screen", "more than one patient file ('%s')", argv[i]);
        else
            file = argv[i];
    }
    if (list)
        return file ? mn_cli_usage_error("screen", "--list takes no patient file") : list_terms();
    if (!file)
        return mn_cli_usage_error("screen", "missing PATIENT.yaml");

    mn_screen_result *s = NULL;
    mn_status st = mn_screen_patient_file(file, &s);
    if (st != MN_OK)
        return mn_cli_fail(st);
    if (json) {
        char *text = NULL;
        st = mn_screen_result_json(s, &text);
        if (text)
            printf("%s\n", text);
        mn_free(text);
    } else {
        print_table(file, s);
    }
    mn_screen_result_free(s);
    return st == MN_OK ? 0 : mn_cli_fail(st);
}
