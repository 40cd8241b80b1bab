/* mnsim trial: an in-silico trial on one process, under `mpirun -n N` (patients split across
 * ranks, gathered on rank 0), as one slice of a batch job (--slice K/N), or the merge of such
 * slices (--merge). Every way writes the same trial.json and patients.csv, byte for byte:
 * patient i depends on (seed, i) only and the outputs are computed from the gathered table. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef MNSIM_HAVE_MPI
#include <mpi.h>
#endif

#include <mnsim/signals.h>
#include <mnsim/trial.h>

#include "cli.h"
#include "progress_bar.h"

static const char *CMD = "trial";

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: mnsim trial TRIAL.yaml [-o DIR] [--json] [--threads N] [--slice K/N]\n"
            "                   [--quiet] [--force]\n"
            "       mnsim trial --merge SLICE_DIR... [-o DIR] [--json] [--quiet]\n\n"
            "Simulates a virtual cohort through every arm of a trial file and reports, per\n"
            "arm, the endpoint's mean, SD, percentiles and responder fraction; the effect\n"
            "of arms[1] against arms[0] with its 95 %% CI and standardised size; the sample\n"
            "size per arm of a parallel-group trial (alpha 0.05, power 80 and 90 %%); and\n"
            "subgroups by the stratification variables. Writes DIR/trial.json, patients.csv\n"
            "and report.html (+ plots/). The trial file is described in docs/TRIAL.md.\n\n"
            "  -o, --output DIR  output folder (default mnsim-trial)\n"
            "  --json            print trial.json instead of the table\n"
            "  --threads N       OpenMP threads per process (results do not depend on it;\n"
            "                    under mpirun the default is 1 per rank)\n"
            "  --slice K/N       simulate only slice K of N (contiguous blocks of patients)\n"
            "                    into DIR, for a batch job array; combine with --merge\n"
            "  --merge DIR...    combine the slice folders into the full outputs\n"
            "  -q, --quiet       print nothing on success, and no progress bar\n"
            "  --force           write into an existing folder that is not an mnsim output\n\n"
            "MPI: `mpirun -n N mnsim trial TRIAL.yaml` splits the patients across N ranks\n"
            "(%s). Results are identical for any N, thread count and slicing.\n\n"
            "Checkpoint: finished patients are journalled in DIR as they end; a trial\n"
            "stopped by Ctrl-C, SIGTERM or a kill resumes from them when the same command\n"
            "is run again. Stopped by a signal, it exits with 128 + its number.\n\n"
            "Exit status: 0 success, 1 runtime failure, 2 bad usage or bad trial file.\n",
#ifdef MNSIM_HAVE_MPI
            "this build has MPI"
#else
            "this build has no MPI: install OpenMPI and rebuild"
#endif
    );
}

/* Execution context: this process's rank among size (1 without MPI). */
typedef struct ctx {
    int rank, size;
    int mpi;
    int quiet;
    mn_progress_bar bar;
    int show_bar;
    long done, pending; /* patients finished and left in this rank's range */
} ctx;

static int launched_by_mpi(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

/* The library journals the patient before calling this. */
static void on_done(void *user, long index)
{
    ctx *c = user;
    (void)index;
    c->done++;
    if (c->show_bar)
        mn_progress_bar_draw(&c->bar, c->size > 1 ? "patients (rank 0)" : "patients",
                             (double)c->done, (double)c->pending, mn_progress_now());
}

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static double getn(const cJSON *o, const char *k)
{
    const cJSON *v = get(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void print_ci(const cJSON *e)
{
    const cJSON *ci = get(e, "ci95");
    const cJSON *lo = cJSON_GetArrayItem(ci, 0), *hi = cJSON_GetArrayItem(ci, 1);
    printf("%+.3g ", getn(e, "difference"));
    if (cJSON_IsNumber(lo) && cJSON_IsNumber(hi))
        printf("(95 %% CI %+.3g to %+.3g)", lo->valuedouble, hi->valuedouble);
    else
        printf("(95 %% CI n/a: fewer than 2 patients)");
}

static void print_table(const cJSON *j, const char *dir)
{
    const cJSON *ep = get(j, "endpoint");
    printf("mnsim trial: %s — %.0f patients, %s design\n", get(j, "name")->valuestring,
           getn(get(j, "cohort"), "size"), get(j, "design")->valuestring);
    const cJSON *scale = get(ep, "scale"), *better = get(ep, "better");
    int lower = cJSON_IsString(better) && strcmp(better->valuestring, "lower") == 0;
    printf("endpoint: %s%s%s%s at day %g (responder: %s %g)\n\n", get(ep, "measure")->valuestring,
           cJSON_IsString(scale) ? " on " : "", cJSON_IsString(scale) ? scale->valuestring : "", "",
           getn(ep, "day"), lower ? "<=" : ">=", getn(ep, "responder_threshold"));
    printf("  %-16s %7s %9s %8s %8s %8s %8s %10s\n", "arm", "n", "mean", "sd", "p5", "p50", "p95",
           "responders");
    const cJSON *a;
    cJSON_ArrayForEach(a, get(j, "arms"))
    {
        const cJSON *e = get(a, "endpoint");
        printf("  %-16s %7.0f %9.3g %8.3g %8.3g %8.3g %8.3g %9.1f%%\n", get(a, "name")->valuestring,
               getn(a, "n"), getn(e, "mean"), getn(e, "sd"), getn(e, "p5"), getn(e, "p50"),
               getn(e, "p95"), 100.0 * getn(a, "responder_fraction"));
    }
    printf("\n");
    cJSON_ArrayForEach(a, get(j, "effects"))
    {
        printf("effect %s - %s: ", get(a, "arm")->valuestring, get(a, "reference")->valuestring);
        print_ci(a);
        printf(", standardised %.3g\n", getn(a, "standardised"));
    }
    const cJSON *ss = get(j, "sample_size");
    double n80 = getn(ss, "power_80"), n90 = getn(ss, "power_90");
    if (isnan(n80))
        printf("sample size: none detects a zero difference\n");
    else
        printf("sample size per arm (parallel groups, alpha 0.05): %.0f for 80 %% power, "
               "%.0f for 90 %%\n",
               n80, n90);
    const cJSON *sg = get(j, "subgroups");
    if (cJSON_GetArraySize(sg) > 0) {
        printf("\nsubgroups (effect of the first comparison):\n");
        cJSON_ArrayForEach(a, sg)
        {
            printf("  %-12s %-14s n=%-7.0f ", get(a, "variable")->valuestring,
                   get(a, "level")->valuestring, getn(a, "n"));
            print_ci(get(a, "effect"));
            printf("\n");
        }
    }
    if (dir)
        printf("\noutputs: %s/trial.json, patients.csv, report.html\n", dir);
}

/* Prints the outputs of dir (trial.json) as a table or JSON. */
static int print_outputs(const char *dir, int json)
{
    char path[4200];
    if ((size_t)snprintf(path, sizeof path, "%s/trial.json", dir) >= sizeof path) {
        fprintf(stderr, "mnsim: %s: path too long\n", dir);
        return 1;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "mnsim: %s: cannot read\n", path);
        return 1;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    int ch;
    while (m && (ch = fgetc(f)) != EOF)
        fputc(ch, m);
    fclose(f);
    if (!m || fclose(m) != 0) {
        free(text);
        return 1;
    }
    if (json) {
        fputs(text, stdout);
    } else {
        cJSON *j = cJSON_Parse(text);
        if (j)
            print_table(j, dir);
        cJSON_Delete(j);
    }
    free(text);
    return 0;
}

static int merge_main(char **dirs, int n, const char *out, int json, int quiet)
{
    mn_trial *t = NULL;
    mn_status st = mn_trial_merge_dirs((const char *const *)dirs, n, &t);
    if (st != MN_OK)
        return mn_cli_fail(st);
    st = mn_trial_write(t, out);
    mn_trial_free(t);
    if (st != MN_OK)
        return mn_cli_fail(st);
    return quiet ? 0 : print_outputs(out, json);
}

/* Any rank's flag, on every rank. */
static int any_rank(const ctx *c, int flag)
{
#ifdef MNSIM_HAVE_MPI
    if (c->mpi) {
        int all = 0;
        MPI_Allreduce(&flag, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        return all;
    }
#endif
    (void)c;
    return flag;
}

/* Gathers the ranks' blocks of [first, last) into rank 0's table. */
static void gather(const ctx *c, mn_trial *t, int na, long first, long last)
{
#ifdef MNSIM_HAVE_MPI
    if (!c->mpi || c->size == 1)
        return;
    double *endpoint = NULL;
    size_t count = 0;
    mn_trial_endpoints(t, &endpoint, &count);
    int *counts = calloc((size_t)c->size, sizeof *counts);
    int *displs = calloc((size_t)c->size, sizeof *displs);
    for (int r = 0; r < c->size; r++) {
        long a = first + (last - first) * r / c->size,
             b = first + (last - first) * (r + 1) / c->size;
        counts[r] = (int)((b - a) * na);
        displs[r] = (int)(a * na);
    }
    long a = first + (last - first) * c->rank / c->size;
    double *mine = endpoint + (size_t)a * (size_t)na;
    if (c->rank == 0)
        MPI_Gatherv(MPI_IN_PLACE, 0, MPI_DOUBLE, endpoint, counts, displs, MPI_DOUBLE, 0,
                    MPI_COMM_WORLD);
    else
        MPI_Gatherv(mine, counts[c->rank], MPI_DOUBLE, NULL, NULL, NULL, MPI_DOUBLE, 0,
                    MPI_COMM_WORLD);
    if (c->rank == 0)
        mn_trial_mark_done(t, first, last);
    free(counts);
    free(displs);
#else
    (void)c;
    (void)t;
    (void)na;
    (void)first;
    (void)last;
#endif
}

static int finish(ctx *c, int code)
{
#ifdef MNSIM_HAVE_MPI
    if (c->mpi)
        MPI_Finalize();
#endif
    (void)c;
    return code;
}

static int run_main(const char *file, const char *dir, int threads, int slice_k, int slice_n,
                    int json, int force, ctx *c)
{
    mn_trial *t = NULL;
    mn_trial_info info;
    mn_status st = mn_trial_read_file(file, &t);
    if (st == MN_OK)
        st = mn_trial_get_info(t, &info);
    if (st != MN_OK) {
        if (c->rank == 0)
            fprintf(stderr, "mnsim: %s\n", mn_last_error());
        mn_trial_free(t);
        return finish(c, mn_status_exit_code(st));
    }
    long first = 0, last = info.size;
    if (slice_n > 0)
        mn_trial_slice_bounds(info.size, slice_k, slice_n, &first, &last);
    long mine0 = first + (last - first) * c->rank / c->size;
    long mine1 = first + (last - first) * (c->rank + 1) / c->size;

    /* Rank 0 prepares the folder and removes another trial's journals before anyone reads. */
    int bad = 0;
    if (c->rank == 0) {
        st = mn_trial_prepare_dir(t, dir, force);
        if (st != MN_OK) {
            fprintf(stderr, "mnsim: %s\n", mn_last_error());
            bad = 1;
        }
    }
    if (any_rank(c, bad)) {
        mn_trial_free(t);
        return finish(c, 1);
    }
    long restored = 0;
    st = mn_trial_resume(t, dir, &restored);
    if (st == MN_OK)
        st = mn_trial_set_journal(t, dir, c->rank);
    int stopped = 0;
    double t0 = mn_progress_now();
    if (st == MN_OK) {
        mn_trial_pending(t, mine0, mine1, &c->pending);
        if (c->rank == 0 && !c->quiet && restored > 0)
            fprintf(stderr, "mnsim: resuming: %ld patients already finished in %s\n", restored,
                    dir);
        c->show_bar = c->rank == 0 && !c->quiet && isatty(STDERR_FILENO);
        if (c->show_bar)
            mn_progress_bar_init(&c->bar, stderr, !getenv("NO_COLOR"), 0.25);
        mn_signals_install();
        st = mn_trial_simulate(t, mine0, mine1, threads, on_done, c, &stopped);
        if (c->show_bar)
            mn_progress_bar_finish(&c->bar);
    }
    mn_status jst = mn_trial_set_journal(t, NULL, 0);
    if (st == MN_OK)
        st = jst;
    if (st != MN_OK) {
        if (c->size > 1)
            fprintf(stderr, "mnsim: rank %d: %s\n", c->rank, mn_last_error());
        else
            fprintf(stderr, "mnsim: %s\n", mn_last_error());
    }
    int failed = any_rank(c, st != MN_OK);
    int any_stop = any_rank(c, stopped);
    if (failed || any_stop) {
        if (c->rank == 0 && failed && c->size > 1)
            fprintf(stderr,
                    "mnsim: the trial failed on at least one of %d ranks (messages "
                    "above); finished patients are kept in %s\n",
                    c->size, dir);
        else if (c->rank == 0 && !failed)
            fprintf(stderr,
                    "mnsim: stopped; finished patients are kept in %s: run the same "
                    "command again to continue\n",
                    dir);
        int signo = mn_signals_stop_requested();
        mn_trial_free(t);
        return finish(c, failed ? mn_status_exit_code(st != MN_OK ? st : MN_EINTERNAL)
                                : 128 + (signo > 0 ? signo : 2));
    }
    gather(c, t, info.arms, first, last);
    double wall = mn_progress_now() - t0;
    int code = 0;
    if (c->rank == 0) {
        st = slice_n > 0 ? mn_trial_write_slice_dir(t, slice_k, slice_n, dir)
                         : mn_trial_write(t, dir);
        if (st != MN_OK) {
            code = mn_cli_fail(st);
        } else {
            mn_trial_remove_journals(dir);
            if (!c->quiet)
                fprintf(stderr, "mnsim: %ld patients x %d arms in %.1f s on %d rank%s\n",
                        last - first, info.arms, wall, c->size, c->size > 1 ? "s" : "");
            if (!c->quiet && slice_n > 0)
                printf("slice %d/%d (patients %ld to %ld) written to %s; combine the slices "
                       "with 'mnsim trial --merge'\n",
                       slice_k, slice_n, first, last - 1, dir);
            else if (!c->quiet)
                code = print_outputs(dir, json);
        }
    }
    mn_trial_free(t);
    return finish(c, code);
}

int mn_cmd_trial(int argc, char **argv)
{
    if (mn_cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    const char *file = NULL, *dir = "mnsim-trial";
    int json = 0, quiet = 0, force = 0, merge = 0, slice_k = 0, slice_n = 0;
    long threads = 0;
    char **merge_dirs = calloc((size_t)argc, sizeof *merge_dirs);
    int n_merge = 0;
    if (!merge_dirs)
        return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            dir = argv[++i];
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else if (!strcmp(a, "--threads") && i + 1 < argc) {
            if (!mn_cli_parse_long(CMD, "--threads", argv[++i], 1, 1024, &threads))
                goto usage_fail;
        } else if (!strcmp(a, "--slice") && i + 1 < argc) {
            const char *s = argv[++i];
            char extra;
            if (sscanf(s, "%d/%d%c", &slice_k, &slice_n, &extra) != 2 || slice_n < 1 ||
                slice_n > 100000 || slice_k < 1 || slice_k > slice_n) {
                mn_cli_usage_error(CMD,
                                   "--slice: '%s' is not valid (expected K/N with 1 <= K "
                                   "<= N)",
                                   s);
                goto usage_fail;
            }
        } else if (!strcmp(a, "--merge")) {
            merge = 1;
        } else if (a[0] == '-' && a[1]) {
            mn_cli_usage_error(CMD, "unknown option '%s'", a);
            goto usage_fail;
        } else if (merge) {
            merge_dirs[n_merge++] = argv[i];
        } else if (!file) {
            file = a;
        } else {
            mn_cli_usage_error(CMD, "more than one trial file ('%s', '%s')", file, a);
            goto usage_fail;
        }
    }
    if (merge) {
        int code;
        if (file || slice_n)
            code = mn_cli_usage_error(CMD, "--merge takes slice folders only (no trial file, "
                                           "no --slice)");
        else if (n_merge == 0)
            code = mn_cli_usage_error(CMD, "--merge needs the slice folders");
        else
            code = merge_main(merge_dirs, n_merge, dir, json, quiet);
        free(merge_dirs);
        return code;
    }
    free(merge_dirs);
    if (!file)
        return mn_cli_usage_error(CMD, "missing the trial file (expected mnsim trial TRIAL.yaml)");

    ctx c = {.rank = 0, .size = 1, .quiet = quiet};
#ifdef MNSIM_HAVE_MPI
    if (launched_by_mpi()) {
        if (MPI_Init(NULL, NULL) != MPI_SUCCESS) {
            fprintf(stderr, "mnsim: MPI_Init failed\n");
            return 1;
        }
        c.mpi = 1;
        MPI_Comm_rank(MPI_COMM_WORLD, &c.rank);
        MPI_Comm_size(MPI_COMM_WORLD, &c.size);
        /* mpirun binds each rank to a core: one thread per rank unless asked otherwise. */
        if (threads == 0 && c.size > 1 && !getenv("OMP_NUM_THREADS"))
            threads = 1;
    }
#else
    if (launched_by_mpi() && !quiet)
        fprintf(stderr, "mnsim: launched by mpirun, but this build has no MPI: every rank "
                        "would run the whole trial; rebuild with OpenMPI installed\n");
    if (launched_by_mpi())
        return 1;
#endif
    if (c.rank != 0)
        c.quiet = 1;
    return run_main(file, dir, (int)threads, slice_k, slice_n, json, force, &c);
usage_fail:
    free(merge_dirs);
    return 2;
}
