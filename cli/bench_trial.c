/* mnsim bench trial: the per-patient cost of an in-silico trial. Simulates the first N
 * patients of a trial file in every arm they belong to (no outputs, no journal) and prints
 * the wall time, patients per second and milliseconds per simulated patient-arm. */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include <math.h>

#include <mnsim/trial.h>

#include "cli.h"
#include "progress_bar.h"

int mn_bench_trial(int argc, char **argv)
{
    const char *file = NULL;
    long patients = 0, threads = 0;
    int json = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--patients") && i + 1 < argc) {
            if (!mn_cli_parse_long("bench", "--patients", argv[++i], 1, MN_TRIAL_MAX_PATIENTS,
                                   &patients))
                return 2;
        } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            if (!mn_cli_parse_long("bench", "--threads", argv[++i], 1, 1024, &threads))
                return 2;
        } else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else
            return mn_cli_usage_error("bench", "trial: unexpected argument '%s'", argv[i]);
    }
    if (!file)
        return mn_cli_usage_error("bench", "trial: missing the trial file");
    mn_trial *t = NULL;
    mn_trial_info info;
    mn_status st = mn_trial_read_file(file, &t);
    if (st == MN_OK)
        st = mn_trial_get_info(t, &info);
    if (st != MN_OK) {
        mn_trial_free(t);
        return mn_cli_fail(st);
    }
    long n = patients > 0 && patients < info.size ? patients : info.size;
    int stopped = 0;
    double t0 = mn_progress_now();
    st = mn_trial_simulate(t, 0, n, (int)threads, NULL, NULL, &stopped);
    double s = mn_progress_now() - t0;
    long arms = 0;
    double *y = NULL;
    size_t count = 0;
    if (st == MN_OK)
        st = mn_trial_endpoints(t, &y, &count);
    for (size_t i = 0; st == MN_OK && i < (size_t)n * (size_t)info.arms; i++)
        arms += !isnan(y[i]);
    int nt = threads > 0 ? (int)threads : omp_get_max_threads();
    if (st == MN_OK && json)
        printf("{\"benchmark\": \"trial\", \"patients\": %ld, \"patient_arms\": %ld, "
               "\"threads\": %d, \"seconds\": %.3f, \"patients_per_s\": %.2f, "
               "\"ms_per_patient_arm_thread\": %.2f}\n",
               n, arms, nt, s, (double)n / s, 1000.0 * s * nt / (double)arms);
    else if (st == MN_OK)
        printf("trial %s: %ld patients (%ld patient-arms), %d threads: %.3f s, %.2f patients/s, "
               "%.2f ms per patient-arm and thread\n",
               info.name, n, arms, nt, s, (double)n / s, 1000.0 * s * nt / (double)arms);
    mn_trial_free(t);
    return st == MN_OK ? 0 : mn_cli_fail(st);
}
