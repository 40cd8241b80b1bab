#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mnsim/mnsim.h>

#include "cli.h"
#include "progress_bar.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: mnsim run [SCENARIO.yaml] [-o DIR] [--seed N] [--threads N] [--samples N]\n"
            "                 [--json] [--quiet] [--force] [--checkpoint-every MINUTES]\n"
            "                 [--override-screening]\n\n"
            "Simulates a treatment scenario; without a file, the built-in default (a cheek\n"
            "treated for acne scars with a pen at 1.5 mm, 3 sessions 4 weeks apart).\n\n"
            "  -o, --output DIR  output folder (default mnsim-out); holds summary.json,\n"
            "                    punctures.csv, the other stages' tables and fields,\n"
            "                    report.html and plots/ (PNG and SVG)\n"
            "  --seed N          override the scenario's seed\n"
            "  --threads N       OpenMP threads (results do not depend on it)\n"
            "  --samples N       also simulate N virtual patients drawn from the cited\n"
            "                    parameter ranges; outcomes become {median, p5, p95}\n"
            "  --max-memory MB   memory budget of a session's grids (default: half of the\n"
            "                    physical memory); a larger grid stops before allocating\n"
            "  --json            print summary.json instead of the table\n"
            "  --estimate        print the pre-flight estimate (punctures, memory, disk,\n"
            "                    time) as JSON and stop, writing nothing\n"
            "  -q, --quiet       print nothing on success, and no progress bar\n"
            "  --force           write into an existing folder that is not an mnsim output\n"
            "  --override-screening\n"
            "                    simulate a patient the screening says must not be treated\n"
            "                    (teaching, research); recorded in summary.json. Without it\n"
            "                    such a run stops with exit 2 and writes nothing\n"
            "  --checkpoint-every MINUTES\n"
            "                    save progress to DIR/checkpoint/ after a session once\n"
            "                    MINUTES have passed (0: after every session); continue\n"
            "                    an interrupted run with 'mnsim resume DIR'\n\n"
            "Ctrl-C (SIGINT) or SIGTERM stops after the current session: the outputs hold\n"
            "the sessions done, summary.json says \"complete\": false, and a checkpoint\n"
            "is left for 'mnsim resume DIR'. A second Ctrl-C stops at once; a run stopped\n"
            "by a signal exits with 128 + its number (130 for Ctrl-C).\n\n"
            "A progress bar (stage, time left) is drawn on stderr only when stderr is a\n"
            "terminal; colour only on a terminal and never when NO_COLOR is set.\n\n"
            "Exit status: 0 success, 1 runtime failure, 2 bad usage or bad scenario.\n");
}

/* A number, or the median of a {median, p5, p95} object (--samples); NAN if absent. */
static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (cJSON_IsObject(v))
        v = cJSON_GetObjectItemCaseSensitive(v, "median");
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* A percentile of a {median, p5, p95} object; NAN for a plain number. */
static double pct(const cJSON *o, const char *k, const char *which)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, which) : NULL;
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void print_outcome_row(const cJSON *outcome, const char *key, const char *label)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(outcome, key);
    if (!o)
        return;
    const char *days[] = {"day_30", "day_90", "day_180", "day_365"};
    printf("  %-22s", label);
    for (int d = 0; d < 4; d++) {
        double v = num(o, days[d]);
        if (isnan(v))
            printf(" %7s", "n/a"); /* the day lies beyond the simulated follow-up */
        else
            printf(" %+7.1f", v);
    }
    printf("\n");
    /* --samples: the 5-95 % range of the virtual patients under the median */
    if (!isnan(pct(o, days[0], "p5"))) {
        printf("  %-22s", "  5-95 % of patients");
        for (int d = 0; d < 4; d++) {
            double lo = pct(o, days[d], "p5"), hi = pct(o, days[d], "p95");
            if (isnan(lo) || isnan(hi))
                printf(" %7s", "n/a");
            else
                printf(" %3.0f..%-3.0f", lo, hi);
        }
        printf("\n");
    }
}

/* The clinical score of the indication and the PIH probability (healing stage). */
static void print_clinical(const cJSON *outcome)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(outcome, "clinical");
    if (cJSON_IsObject(c)) {
        const cJSON *ch = cJSON_GetObjectItemCaseSensitive(c, "change");
        const cJSON *concern = cJSON_GetObjectItemCaseSensitive(c, "concern");
        const cJSON *scale = cJSON_GetObjectItemCaseSensitive(c, "scale");
        double d180 = num(ch, "day_180");
        if (isnan(d180))
            printf("  %s on %s: no cited calibration, no score\n",
                   cJSON_IsString(concern) ? concern->valuestring : "?",
                   cJSON_IsString(scale) ? scale->valuestring : "?");
        else
            printf("  %s on %s: baseline %.1f, change %+.2f (day 90) %+.2f (day 180) %+.2f (day "
                   "365) +- %.2f; responders %.0f %%\n",
                   cJSON_IsString(concern) ? concern->valuestring : "?",
                   cJSON_IsString(scale) ? scale->valuestring : "?", num(c, "baseline"),
                   num(ch, "day_90"), d180, num(ch, "day_365"), num(c, "change_sd"),
                   100.0 * num(c, "responder_fraction"));
    }
    double pih = num(outcome, "pih_probability");
    if (!isnan(pih))
        printf("  post-inflammatory hyperpigmentation: %.1f %% probability over the course\n",
               100.0 * pih);
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* The screening of the patient (summary.json `screening`), before the simulated numbers. */
static void print_screening(const cJSON *sc)
{
    if (!sc)
        return;
    const cJSON *f, *fs = cJSON_GetObjectItemCaseSensitive(sc, "findings");
    printf("Screening: %s%s\n", str(sc, "decision"),
           cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sc, "overridden"))
               ? " (OVERRIDDEN with --override-screening: this patient must not be treated)"
               : "");
    cJSON_ArrayForEach(f, fs)
        printf("  [%s] %s: %s\n", str(f, "severity"), str(f, "id"), str(f, "advice"));
    printf("\n");
}

static void print_table(const char *json, const char *dir, int colour)
{
    cJSON *s = cJSON_Parse(json);
    if (!s)
        return;
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(s, "scenario");
    /* The seed as its exact digits (provenance.seed is a string): a JSON number read into a
     * double would print seeds above 2^53 as another number. */
    const char *seed = str(cJSON_GetObjectItemCaseSensitive(s, "provenance"), "seed");
    char seedbuf[32];
    if (!*seed) {
        snprintf(seedbuf, sizeof seedbuf, "%.0f", num(s, "seed"));
        seed = seedbuf;
    }
    printf("mnsim: %s — zone %s, device %s, seed %s\n\n",
           cJSON_GetObjectItemCaseSensitive(sc, "name")->valuestring,
           cJSON_GetObjectItemCaseSensitive(sc, "zone")->valuestring,
           cJSON_GetObjectItemCaseSensitive(sc, "device")->valuestring, seed);
    print_screening(cJSON_GetObjectItemCaseSensitive(s, "screening"));
    printf("Needling per session\n");
    printf("%7s %6s %10s %9s %8s %23s %8s %6s %8s %9s\n", "session", "day", "punctures", "per cm2",
           "coverage", "depth um mean [p5, p95]", "bleeding", "min", "zone min", "red days");
    const cJSON *sessions = cJSON_GetObjectItemCaseSensitive(s, "sessions"), *it;
    cJSON_ArrayForEach(it, sessions)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "needling");
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(n, "tissue_depth_um");
        printf("%7.0f %6.0f %10.0f %9.0f %7.1f%% %8.0f [%5.0f, %5.0f] %7.1f%% %6.2f %8.1f %9.1f\n",
               num(it, "index"), num(it, "day"), num(n, "punctures"), num(n, "punctures_per_cm2"),
               100.0 * num(n, "coverage_fraction"), num(d, "mean"), num(d, "p5"), num(d, "p95"),
               100.0 * num(n, "bleeding_fraction"), num(n, "duration_min"),
               num(n, "zone_duration_min"), num(it, "erythema_days"));
    }
    int header = 0;
    cJSON_ArrayForEach(it, sessions)
    {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(it, "delivery");
        if (!d)
            continue;
        const cJSON *dose = cJSON_GetObjectItemCaseSensitive(d, "dose_ug_per_cm2");
        if (!header++)
            printf("\nDelivery of %s per session, ug/cm2 (enhancement: past the stratum "
                   "corneum, channels / intact)\n%7s %10s %10s %10s %10s %12s %13s\n",
                   cJSON_GetObjectItemCaseSensitive(d, "product")->valuestring, "session", "SC",
                   "epidermis", "dermis", "systemic", "enhancement", "half-life h");
        printf("%7.0f %10.3g %10.3g %10.3g %10.3g %12.3g %13.2f\n", num(it, "index"),
               num(dose, "stratum_corneum"), num(dose, "epidermis"), num(dose, "dermis"),
               num(dose, "systemic"), num(d, "enhancement_ratio"), num(d, "channel_half_life_h"));
    }
    header = 0;
    cJSON_ArrayForEach(it, sessions)
    {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "thermal");
        if (!t)
            continue;
        const cJSON *z = cJSON_GetObjectItemCaseSensitive(t, "coagulation_zone_um");
        if (!header++)
            printf("\nRF heating per session\n%7s %10s %14s %23s %12s\n", "session", "peak C",
                   "epidermis C", "coagulation depth x width", "volume nL");
        printf("%7.0f %10.1f %14.1f %14.0f x %5.0f um %12.2f\n", num(it, "index"),
               num(t, "peak_temperature_c"), num(t, "epidermis_peak_temperature_c"),
               num(z, "depth"), num(z, "width"), num(z, "volume_nl"));
    }
    const cJSON *outcome = cJSON_GetObjectItemCaseSensitive(s, "outcome");
    if (outcome) {
        printf("\nCourse outcome, %% change from untreated%s\n",
               cJSON_GetObjectItemCaseSensitive(s, "samples") ? " (median of virtual patients)"
                                                              : "");
        printf("  %-22s %7s %7s %7s %7s\n", "", "day 30", "day 90", "day 180", "day 365");
        print_outcome_row(outcome, "collagen_change_percent", "collagen");
        print_outcome_row(outcome, "elastin_change_percent", "elastin");
        print_outcome_row(outcome, "papillary_collagen_change_percent", "papillary collagen");
        print_outcome_row(outcome, "epidermal_thickness_change_percent", "epidermal thickness");
        printf("  downtime (visible redness) %.1f days in all\n",
               num(outcome, "downtime_days_total"));
        print_clinical(outcome);
        const cJSON *vp = cJSON_GetObjectItemCaseSensitive(s, "virtual_patients");
        const cJSON *p95 = cJSON_GetObjectItemCaseSensitive(vp, "p95_patient");
        const cJSON *why = cJSON_GetObjectItemCaseSensitive(p95, "why");
        if (cJSON_IsString(why))
            printf("  patient %.0f (95th percentile): %s\n", num(p95, "patient"), why->valuestring);
    }
    const cJSON *risks = cJSON_GetObjectItemCaseSensitive(s, "risks"), *risk;
    if (risks) {
        printf("\nRisks\n");
        cJSON_ArrayForEach(risk, risks)
            printf("  %-10s %-9s %s\n", cJSON_GetObjectItemCaseSensitive(risk, "id")->valuestring,
                   cJSON_GetObjectItemCaseSensitive(risk, "level")->valuestring,
                   cJSON_GetObjectItemCaseSensitive(risk, "reason")->valuestring);
    }
    if (dir)
        printf("\nResults in %s/ (summary.json, punctures.csv, timeline.csv, ...)\n"
               "Report: %s%s/report.html%s\n",
               dir, colour ? "\033[1m" : "", dir, colour ? "\033[0m" : "");
    cJSON_Delete(s);
}

/* The run: every stage of every session in order, then the outputs (a stop request makes the
 * stage running return MN_EINTERRUPTED; the session then writes its whole sessions). */
static mn_status run_stages(mn_session *s, const char *dir)
{
    mn_status st = MN_OK;
    int n = mn_session_count(s);
    for (int k = 1; k <= n && st == MN_OK; k++) {
        st = mn_session_needle(s, k);
        if (st == MN_OK)
            st = mn_session_heat(s, k);
        if (st == MN_OK)
            st = mn_session_deliver(s, k);
    }
    if (st == MN_OK)
        st = mn_session_heal(s);
    if (st == MN_OK)
        st = mn_session_assess(s);
    if (st == MN_OK || st == MN_EINTERRUPTED)
        st = mn_session_write(s, dir);
    return st;
}

/* Runs a configured session (st: how configuring went) with the progress bar, and prints its
 * result. A run stopped by a signal exits with 128 + the signal number, as shells report it. */
static int execute_and_report(mn_session *s, mn_status st, int json, int quiet, const char *dir)
{
    {
        /* Progress on stderr only when it is a terminal (and not --quiet); shown once the run
         * has lasted a quarter of a second, so quick runs stay silent. */
        mn_progress_bar bar;
        int show = !quiet && isatty(STDERR_FILENO);
        if (show) {
            mn_progress_bar_init(&bar, stderr, !getenv("NO_COLOR"), 0.25);
            st = st == MN_OK ? mn_session_set_progress(s, mn_progress_bar_handler, &bar) : st;
        }
        if (st == MN_OK) {
            mn_signals_install();
            st = run_stages(s, dir);
        }
        if (show)
            mn_progress_bar_finish(&bar);
    }
    if (st != MN_OK) {
        int code = mn_cli_fail(st);
        int signo = mn_signals_stop_requested();
        if (st == MN_EINTERRUPTED && signo > 0)
            code = 128 + signo;
        mn_session_free(s);
        return code;
    }
    const char *summary = NULL;
    mn_session_get_summary_json(s, &summary);
    if (json)
        printf("%s\n", summary);
    else if (!quiet)
        print_table(summary, dir, isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
    mn_session_free(s);
    return 0;
}

/* The scenario and a session of it for `mnsim run`. */
static mn_status make_session(const char *scenario, int seed_given, uint64_t seed, mn_session **s)
{
    mn_scenario *sc = NULL;
    mn_status st = scenario ? mn_scenario_read_file(scenario, &sc) : mn_scenario_read_default(&sc);
    if (st == MN_OK && seed_given)
        st = mn_scenario_set_seed(sc, seed);
    if (st == MN_OK)
        st = mn_session_create(sc, s);
    mn_scenario_free(sc);
    return st;
}

int mn_cmd_run(int argc, char **argv)
{
    const char *scenario = NULL, *dir = "mnsim-out";
    int json = 0, quiet = 0, force = 0, override = 0, estimate = 0;
    long threads = 0, samples = 0, max_memory_mb = 0;
    uint64_t seed = 0;
    int seed_given = 0;
    double checkpoint_min = -1.0;
    if (mn_cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!next)
                return mn_cli_usage_error("run", "%s needs a folder", a);
            dir = argv[++i];
        } else if (!strcmp(a, "--seed")) {
            if (!mn_cli_parse_u64("run", a, next, &seed))
                return 2;
            seed_given = 1;
            i++;
        } else if (!strcmp(a, "--threads")) {
            if (!mn_cli_parse_long("run", a, next, 1, 1024, &threads))
                return 2;
            i++;
        } else if (!strcmp(a, "--max-memory")) {
            if (!mn_cli_parse_long("run", a, next, 1, 1L << 30, &max_memory_mb))
                return 2;
            i++;
        } else if (!strcmp(a, "--samples")) {
            if (!mn_cli_parse_long("run", a, next, 1, MN_MAX_SAMPLES, &samples))
                return 2;
            i++;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--estimate")) {
            estimate = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else if (!strcmp(a, "--override-screening")) {
            override = 1;
        } else if (!strcmp(a, "--checkpoint-every")) {
            if (!mn_cli_parse_double("run", a, next, 0.0, 525600.0, &checkpoint_min))
                return 2;
            i++;
        } else if (a[0] == '-' && a[1]) {
            return mn_cli_usage_error("run", "unknown option '%s'", a);
        } else if (!scenario) {
            scenario = a;
        } else {
            return mn_cli_usage_error("run", "more than one scenario file ('%s', '%s')", scenario,
                                      a);
        }
    }

    mn_session *s = NULL;
    mn_status st = make_session(scenario, seed_given, seed, &s);
    if (st == MN_OK && threads > 0)
        st = mn_session_set_threads(s, (int)threads);
    if (st == MN_OK && max_memory_mb > 0)
        st = mn_session_set_max_memory(s, (size_t)max_memory_mb << 20);
    if (st == MN_OK && samples > 0)
        st = mn_session_set_samples(s, (int)samples);
    if (st == MN_OK && estimate) {
        mn_estimate e;
        st = mn_session_estimate(s, &e);
        if (st == MN_OK)
            printf("{\"punctures_per_session\": %.0f, \"punctures\": %.0f, \"punctures_held\": "
                   "%.0f, \"memory_mb\": %.1f, \"disk_mb\": %.1f, \"cpu_seconds\": %.1f}\n",
                   e.punctures_per_session, e.punctures, e.punctures_held, e.memory_bytes / 1e6,
                   e.disk_bytes / 1e6, e.seconds);
        mn_session_free(s);
        return st == MN_OK ? 0 : mn_cli_fail(st);
    }
    if (st == MN_OK)
        st = mn_session_set_output_dir(s, dir);
    if (st == MN_OK)
        st = mn_session_set_force(s, force);
    if (st == MN_OK)
        st = mn_session_set_override_screening(s, override);
    if (st == MN_OK)
        st = mn_session_set_checkpoint_every(s, checkpoint_min);
    /* The run reads no punctures back: memory stays that of one session. */
    if (st == MN_OK)
        st = mn_session_set_keep_punctures(s, 0);
    return execute_and_report(s, st, json, quiet, dir);
}

/* mnsim resume DIR: continues the checkpoint an interrupted or killed run left in DIR. */
static void resume_usage(FILE *out)
{
    fprintf(out, "Usage: mnsim resume DIR [--threads N] [--json] [--quiet]\n\n"
                 "Continues the run whose checkpoint is in DIR/checkpoint/ (written by\n"
                 "'mnsim run --checkpoint-every' or by a run stopped with Ctrl-C) and writes\n"
                 "the same outputs into DIR that an uninterrupted run would have written.\n"
                 "Scenario, seed, samples, threads and checkpoint interval come from the\n"
                 "checkpoint.\n\n"
                 "Exit status: 0 success, 1 runtime failure, 2 bad usage or no usable\n"
                 "checkpoint, 128 + signal number when stopped by a signal.\n");
}

int mn_cmd_resume(int argc, char **argv)
{
    const char *dir = NULL;
    int json = 0, quiet = 0;
    long threads = 0;
    if (mn_cli_wants_help(argc, argv)) {
        resume_usage(stdout);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--threads")) {
            if (!mn_cli_parse_long("resume", a, i + 1 < argc ? argv[i + 1] : NULL, 1, 1024,
                                   &threads))
                return 2;
            i++;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return mn_cli_usage_error("resume", "unknown option '%s'", a);
        } else if (!dir) {
            dir = a;
        } else {
            return mn_cli_usage_error("resume", "more than one folder ('%s', '%s')", dir, a);
        }
    }
    if (!dir)
        return mn_cli_usage_error("resume", "which folder? (expected the -o DIR of the run)");
    mn_session *s = NULL;
    mn_status st = mn_session_resume(dir, &s);
    if (st == MN_OK && threads > 0)
        st = mn_session_set_threads(s, (int)threads);
    if (st == MN_OK)
        st = mn_session_set_keep_punctures(s, 0);
    return execute_and_report(s, st, json, quiet, dir);
}
