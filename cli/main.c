/* mnsim — command-line front end of libmnsim. Exit status: 0 success, 1 runtime failure,
 * 2 bad usage or bad input. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include <mnsim/version.h>

static const mn_cli_command commands[] = {
    {"run", "simulate a treatment scenario (built-in default without a file)", mn_cmd_run},
    {"resume", "continue a run from the checkpoint in its output folder", mn_cmd_resume},
    {"sites", "print the embedded skin-site table with sources", mn_cmd_sites},
    {"devices", "print the embedded device table with sources", mn_cmd_devices},
    {"screen", "screen a patient file against the cited contraindication rules", mn_cmd_screen},
    {"plan", "plan settings per zone with predictions and a handout", mn_cmd_plan},
    {"verify", "code verification: exact solutions, observed orders, conservation", mn_cmd_verify},
    {"bench", "benchmarks: the field engine (diffusion) and whole runs (scenario)", mn_cmd_bench},
    {"permeability", "intact-skin permeability of a molecule (mechanistic model)",
     mn_cmd_permeability},
    {"products", "print the embedded product table with sources", mn_cmd_products},
    {"trial", "in-silico trial: compare arms over a virtual cohort (MPI, slices)", mn_cmd_trial},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: mnsim COMMAND [OPTIONS]\n\n"
                 "Simulates microneedling (collagen induction therapy): punctures, delivery,\n"
                 "healing and clinical planning from a treatment scenario.\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'mnsim COMMAND --help' for a command's options.\n"
                 "Exit status: 0 success, 1 runtime failure, 2 bad usage or bad input.\n");
}

int main(int argc, char **argv)
{
    mn_cli_omp_wait_policy(argv);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("mnsim %s\n", MNSIM_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "mnsim: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
