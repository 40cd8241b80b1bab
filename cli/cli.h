/* The mnsim command: one function per subcommand, each in its own cmd_<name>.c. */
#ifndef MN_CLI_H
#define MN_CLI_H

#include <stdint.h>
#include <stdio.h>

#include <mnsim/status.h>

typedef int (*mn_cli_fn)(int argc, char **argv);

typedef struct mn_cli_command {
    const char *name;
    const char *summary;
    mn_cli_fn run;
} mn_cli_command;

/* Prints "mnsim: <message>" for the last library error and returns its exit code. */
int mn_cli_fail(mn_status status);
/* Prints a usage error and returns 2. */
int mn_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when argv[i] is --help or -h. */
int mn_cli_wants_help(int argc, char **argv);
/* Parses a whole number option value into [lo, hi]; prints a usage error on failure. */
int mn_cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);
/* A whole number of 0 .. 2^64 - 1 (seeds), exactly. */
int mn_cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t *out);
int mn_cli_parse_double(const char *cmd, const char *opt, const char *s, double lo, double hi,
                        double *out);

int mn_cmd_run(int argc, char **argv);
int mn_cmd_resume(int argc, char **argv);
int mn_cmd_sites(int argc, char **argv);
int mn_cmd_devices(int argc, char **argv);
int mn_cmd_screen(int argc, char **argv);
int mn_cmd_plan(int argc, char **argv);
int mn_cmd_verify(int argc, char **argv);
int mn_cmd_bench(int argc, char **argv);
int mn_cmd_permeability(int argc, char **argv);
int mn_cmd_products(int argc, char **argv);
int mn_cmd_trial(int argc, char **argv);
/* mnsim bench trial (bench_trial.c). */
int mn_bench_trial(int argc, char **argv);

/* Re-executes the command once with OMP_WAIT_POLICY=PASSIVE unless the user set a policy
 * (omp_env.c); returns only if it did not re-execute. */
void mn_cli_omp_wait_policy(char **argv);

#endif
