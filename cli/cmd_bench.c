/* mnsim bench diffusion: the field engine's reference benchmark (DESIGN.md "Performance"). */
#include <stdio.h>
#include <string.h>

#include <omp.h>
#include <stdlib.h>

#include "cli.h"
#include <mnsim/bench.h>
#include <mnsim/mnsim.h>

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: mnsim bench diffusion [--n N] [--steps S] [--threads T] [--json]\n"
            "       mnsim bench bandwidth [--elements N] [--threads T] [--json]\n"
            "       mnsim bench scenario [SCENARIO.yaml] [--samples N] [--threads T] [--json]\n"
            "       mnsim bench trial TRIAL.yaml [--patients N] [--threads T] [--json]\n\n"
            "bandwidth: the machine's memory bandwidth as STREAM measures it (copy and\n"
            "triad over three arrays of N doubles, N = 2^24, best of 10), in GB/s.\n\n"
            "trial: wall time of the first N patients of a trial in every arm (no files).\n\n"
            "scenario: wall time of a whole run (every stage, no files written) of a\n"
            "scenario or the built-in default, optionally with N virtual patients.\n\n"
            "diffusion:\n"
            "Times the field engine on the reference problem: a cube of N x 10 um voxels\n"
            "(N = 200), D = 1e-5 cm2/s, decay 0.1/min, zero-flux walls, a Gaussian of\n"
            "sigma0 = 100 um with its mirror images, advanced S x 0.01 min (S = 100).\n"
            "Prints voxels, steps, internal_steps, seconds (stepping only),\n"
            "voxel_updates_per_s = voxels x S / seconds, rel_l2_error against the exact\n"
            "image sum, bytes_per_voxel (memory held) and threads; on the constant path\n"
            "also the modelled traffic (traffic_bytes_per_update: state bytes loaded and\n"
            "stored per voxel-update, counted as STREAM counts them), the rate it moved at\n"
            "and its fraction of the triad bandwidth measured in the same run.\n\n"
            "Options:\n"
            "  --n N        voxels per edge (2..1000, default 200)\n"
            "  --steps S    output steps of 0.01 min (1..100000, default 100)\n"
            "  --threads T  OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
            "  --double     store the state in double precision (default single)\n"
            "  --rtol R     local error tolerance per internal step (engine default)\n"
            "  --path P     constant (uniform coefficients, the default), general (the same\n"
            "               values as per-voxel arrays: the path delivery and RF take), or\n"
            "               both: each in one run, and the general/constant time ratio\n"
            "  --json       print one JSON object\n");
}

/* mnsim bench scenario: wall time of a whole run (all stages, no files written), e.g. the
 * built-in default, or --samples 1000 virtual patients (issue 4's performance targets). */
static int bench_scenario(int argc, char **argv)
{
    const char *file = NULL;
    long samples = 0, threads = 0;
    int json = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--samples")) {
            if (!mn_cli_parse_long("bench", "--samples", i + 1 < argc ? argv[++i] : NULL, 1,
                                   MN_RUN_MAX_SAMPLES, &samples))
                return 2;
        } else if (!strcmp(argv[i], "--threads")) {
            if (!mn_cli_parse_long("bench", "--threads", i + 1 < argc ? argv[++i] : NULL, 1, 1024,
                                   &threads))
                return 2;
        } else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else
            return mn_cli_usage_error("bench", "unknown or incomplete option '%s'", argv[i]);
    }
    mn_run *run = NULL;
    mn_status st = mn_run_create(&run);
    if (st == MN_OK)
        st = file ? mn_run_set_scenario_file(run, file) : mn_run_set_default_scenario(run);
    if (st == MN_OK)
        st = mn_run_set_output_dir(run, NULL);
    if (st == MN_OK && samples > 0)
        st = mn_run_set_samples(run, (int)samples);
    if (st == MN_OK && threads > 0)
        st = mn_run_set_threads(run, (int)threads);
    double t0 = omp_get_wtime();
    if (st == MN_OK)
        st = mn_run_execute(run);
    double seconds = omp_get_wtime() - t0;
    mn_run_free(run);
    if (st != MN_OK)
        return mn_cli_fail(st);
    int used = threads > 0 ? (int)threads : omp_get_max_threads();
    if (json)
        printf("{\"benchmark\": \"scenario\", \"scenario\": \"%s\", \"samples\": %ld, "
               "\"threads\": %d, \"seconds\": %.4f}\n",
               file ? file : "(built-in default)", samples, used, seconds);
    else
        printf("scenario %s, %ld virtual patients, %d threads: %.3f s\n",
               file ? file : "(built-in default)", samples, used, seconds);
    return 0;
}

static void print_diffusion(const mn_bench_diffusion_params *p, const mn_bench_diffusion_result *r,
                            int json, const char *path, const char *after, double triad_gb_s)
{
    const double frac = triad_gb_s > 0 ? r->traffic_gb_s / triad_gb_s : 0;
    if (json) {
        printf("{\"benchmark\": \"diffusion\", \"path\": \"%s\", \"voxels\": %ld, "
               "\"steps\": %ld, \"internal_steps\": %ld, \"rejected_steps\": %ld, "
               "\"seconds\": %.6f, \"voxel_updates_per_s\": %.6e, \"rel_l2_error\": %.6e, "
               "\"bytes_per_voxel\": %.3f, \"threads\": %d, \"storage\": \"%s\", "
               "\"omp_wait_policy\": \"%s\", \"checksum\": \"%016llx\", "
               "\"traffic_bytes_per_update\": %.4f, \"traffic_gb_s\": %.4f, "
               "\"bandwidth_triad_gb_s\": %.4f, \"fraction_of_bandwidth\": %.4f}\n",
               path, r->voxels, r->steps, r->internal_steps, r->rejected_steps, r->seconds,
               r->voxel_updates_per_s, r->rel_l2_error, r->bytes_per_voxel, r->threads,
               p->single ? "float" : "double",
               getenv("OMP_WAIT_POLICY") ? getenv("OMP_WAIT_POLICY") : "", r->checksum,
               r->traffic_bytes_per_update, r->traffic_gb_s, triad_gb_s, frac);
        return;
    }
    printf("diffusion benchmark (%d^3 voxels of %g um, %s storage, %s path)\n", p->n, p->h_um,
           p->single ? "float" : "double", path);
    printf("  voxels               %ld\n", r->voxels);
    printf("  steps                %ld\n", r->steps);
    printf("  internal_steps       %ld (%ld rejected)\n", r->internal_steps, r->rejected_steps);
    printf("  seconds              %.4f\n", r->seconds);
    printf("  voxel_updates_per_s  %.3e\n", r->voxel_updates_per_s);
    printf("  rel_l2_error         %.3e\n", r->rel_l2_error);
    printf("  bytes_per_voxel      %.2f\n", r->bytes_per_voxel);
    printf("  threads              %d\n", r->threads);
    if (r->traffic_gb_s > 0)
        printf("  traffic              %.2f bytes/voxel-update, %.2f GB/s = %.1f %% of the "
               "triad bandwidth (%.2f GB/s)\n",
               r->traffic_bytes_per_update, r->traffic_gb_s, 100 * frac, triad_gb_s);
    printf("  checksum             %016llx\n%s", r->checksum, after);
}

/* mnsim bench bandwidth: the memory-bandwidth bound of this machine (STREAM copy and triad). */
static int bench_bandwidth(int argc, char **argv)
{
    mn_bench_bandwidth_params p = mn_bench_bandwidth_defaults();
    int json = 0;
    for (int i = 2; i < argc; i++) {
        long v;
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (i + 1 < argc && strcmp(argv[i], "--elements") == 0) {
            if (!mn_cli_parse_long("bench", "--elements", argv[++i], 1024, 1L << 30, &v))
                return 2;
            p.elements = v;
        } else if (i + 1 < argc && strcmp(argv[i], "--threads") == 0) {
            if (!mn_cli_parse_long("bench", "--threads", argv[++i], 1, 1024, &v))
                return 2;
            p.threads = (int)v;
        } else {
            return mn_cli_usage_error("bench", "unknown or incomplete option '%s'", argv[i]);
        }
    }
    mn_bench_bandwidth_result r;
    mn_status st = mn_bench_bandwidth(&p, &r);
    if (st)
        return mn_cli_fail(st);
    if (json)
        printf("{\"benchmark\": \"bandwidth\", \"elements\": %ld, \"threads\": %d, "
               "\"copy_gb_s\": %.4f, \"triad_gb_s\": %.4f}\n",
               r.elements, r.threads, r.copy_gb_s, r.triad_gb_s);
    else
        printf("memory bandwidth (STREAM, 3 x %ld doubles, %d threads): copy %.2f GB/s, "
               "triad %.2f GB/s\n",
               r.elements, r.threads, r.copy_gb_s, r.triad_gb_s);
    return 0;
}

int mn_cmd_bench(int argc, char **argv)
{
    if (mn_cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "scenario") == 0)
        return bench_scenario(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "trial") == 0)
        return mn_bench_trial(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "bandwidth") == 0)
        return bench_bandwidth(argc, argv);
    if (argc < 2 || strcmp(argv[1], "diffusion") != 0)
        return mn_cli_usage_error(
            "bench", "expected a benchmark name: diffusion, bandwidth, scenario or trial");
    mn_bench_diffusion_params p = mn_bench_diffusion_defaults();
    int json = 0, both = 0;
    for (int i = 2; i < argc; i++) {
        long v;
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--double") == 0) {
            p.single = 0;
        } else if (i + 1 < argc && strcmp(argv[i], "--path") == 0) {
            const char *pv = argv[++i];
            if (strcmp(pv, "constant") && strcmp(pv, "general") && strcmp(pv, "both"))
                return mn_cli_usage_error("bench", "--path %s (expected constant, general or both)",
                                          pv);
            p.general = strcmp(pv, "general") == 0;
            both = strcmp(pv, "both") == 0;
        } else if (i + 1 < argc && strcmp(argv[i], "--n") == 0) {
            if (!mn_cli_parse_long("bench", "--n", argv[++i], 2, 1000, &v))
                return 2;
            p.n = (int)v;
        } else if (i + 1 < argc && strcmp(argv[i], "--steps") == 0) {
            if (!mn_cli_parse_long("bench", "--steps", argv[++i], 1, 100000, &v))
                return 2;
            p.steps = (int)v;
        } else if (i + 1 < argc && strcmp(argv[i], "--rtol") == 0) {
            if (!mn_cli_parse_double("bench", "--rtol", argv[++i], 1e-12, 0.5, &p.rtol))
                return 2;
        } else if (i + 1 < argc && strcmp(argv[i], "--threads") == 0) {
            if (!mn_cli_parse_long("bench", "--threads", argv[++i], 1, 1024, &v))
                return 2;
            p.threads = (int)v;
        } else {
            return mn_cli_usage_error("bench", "unknown or incomplete option '%s'", argv[i]);
        }
    }
    /* the bound, measured in this run on the same threads (the machines are shared); arrays of
     * 2^24 doubles for the reference problem, smaller for toy sizes (a quick check, not a bound) */
    mn_bench_bandwidth_params bp = mn_bench_bandwidth_defaults();
    bp.threads = p.threads;
    long vox = (long)p.n * p.n * p.n;
    if (vox < bp.elements / 4)
        bp.elements = vox * 4 > 4096 ? vox * 4 : 4096;
    mn_bench_bandwidth_result bw;
    mn_status st = mn_bench_bandwidth(&bp, &bw);
    if (st)
        return mn_cli_fail(st);
    mn_bench_diffusion_result r, rg;
    st = mn_bench_diffusion(&p, &r);
    if (st)
        return mn_cli_fail(st);
    if (both) {
        mn_bench_diffusion_params pg = p;
        pg.general = 1;
        if ((st = mn_bench_diffusion(&pg, &rg)))
            return mn_cli_fail(st);
        print_diffusion(&p, &r, json, "constant", "\n", bw.triad_gb_s);
        print_diffusion(&pg, &rg, json, "general", "", bw.triad_gb_s);
        if (json)
            printf("{\"benchmark\": \"diffusion_ratio\", \"general_over_constant_seconds\": "
                   "%.4f, \"constant_over_general_updates\": %.4f}\n",
                   rg.seconds / r.seconds, r.voxel_updates_per_s / rg.voxel_updates_per_s);
        else
            printf("general path / constant path time per voxel-update: %.3f\n",
                   (rg.seconds / (double)rg.voxels / (double)rg.steps) /
                       (r.seconds / (double)r.voxels / (double)r.steps));
        return 0;
    }
    print_diffusion(&p, &r, json, p.general ? "general" : "constant", "", bw.triad_gb_s);
    return 0;
}
