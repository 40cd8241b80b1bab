/* The library shared by a host (issue 18, items 5 and 7):
 *  - four sessions of four different scenarios (a product with its field files, an RF array, a
 *    roller with virtual patients, the built-in default) run at once in four threads through the
 *    session API, each into its own folder, and write exactly the files, byte for byte, that the
 *    same four write one after the other (every file of each folder, report and plots included):
 *    no stage keeps hidden state another thread can disturb;
 *  - a host whose locale writes a decimal comma (de_DE.UTF-8, built here from Debian's
 *    `locales` sources with localedef) gets from every public entry point that parses or prints
 *    numbers the same bytes as in the C locale: a session's whole folder, a trial's folder
 *    (trial.json, patients.csv, report) and its resume from a journal, a plan's JSON and handout,
 *    a screening's JSON; and its own locale is untouched afterwards. */
#include <dirent.h>
#include <locale.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "mnsim/clinic.h"
#include "mnsim/session.h"
#include "mnsim/trial.h"

static const char *const SCENARIOS[4] = {
    /* a product, with field files */
    "name: product\nseed: 21\nsite: {zone: cheek}\npatch: {width_mm: 3, length_mm: 3}\n"
    "device: {type: pen, depth_mm: 1.0, passes: 2}\n"
    "product: {name: caffeine, concentration_mg_ml: 20, duration_h: 2}\n"
    "protocol: {sessions: 2, interval_days: 28}\noutput: {field_times_h: [1]}\n",
    /* a small bipolar RF array */
    "name: rf\nseed: 22\nsite: {zone: cheek}\npatch: {width_mm: 3, length_mm: 3}\n"
    "device: {type: rf, needles: 4, rows: 2, pitch_mm: 1.0, needle_diameter_mm: 0.2, "
    "depth_mm: 1.0, insulated: true, tip_exposed_um: 500, polarity: bipolar, frequency_mhz: 1.0, "
    "energy_mj_per_needle: 10, pulse_ms: 10, passes: 1}\n"
    "protocol: {sessions: 1, follow_up_days: 60}\n",
    /* a roller with virtual patients (set below) */
    "name: roller\nseed: 23\nsite: {zone: forehead}\npatch: {width_mm: 5, length_mm: 5}\n"
    "device: {type: roller, model: dermaroller_192, passes: 4}\n"
    "protocol: {sessions: 3, interval_days: 21}\n",
    NULL, /* the built-in default */
};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    *len = fread(s, 1, (size_t)n, f);
    s[*len] = '\0';
    fclose(f);
    return s;
}

/* Every file under a (recursively) is in b with the same bytes, and b has no other file;
 * returns the number of files compared. */
static int compare_trees(const char *a, const char *b, const char *rel)
{
    char pa[1024], pb[1024];
    snprintf(pa, sizeof pa, "%s%s%s", a, *rel ? "/" : "", rel);
    snprintf(pb, sizeof pb, "%s%s%s", b, *rel ? "/" : "", rel);
    DIR *d = opendir(pa);
    if (!d)
        fail_msg("%s: not a folder", pa);
    int n = 0, count_a = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            !strcmp(e->d_name, ".mnsim-lock"))
            continue;
        count_a++;
        char sub[1024], fa[1100], fb[1100];
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        snprintf(fa, sizeof fa, "%s/%s", a, sub);
        snprintf(fb, sizeof fb, "%s/%s", b, sub);
        struct stat st;
        if (stat(fa, &st) == 0 && S_ISDIR(st.st_mode)) {
            n += compare_trees(a, b, sub);
            continue;
        }
        size_t la = 0, lb = 0;
        char *x = slurp(fa, &la), *y = slurp(fb, &lb);
        if (!x || !y || la != lb || memcmp(x, y, la) != 0)
            fail_msg("%s and %s differ (%zu and %zu bytes)", fa, fb, la, lb);
        free(x);
        free(y);
        n++;
    }
    closedir(d);
    /* Nothing in b that a lacks. */
    d = opendir(pb);
    if (!d)
        fail_msg("%s: not a folder", pb);
    int count_b = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, ".mnsim-lock"))
            count_b++;
    closedir(d);
    if (count_a != count_b)
        fail_msg("%s holds %d entries, %s %d", pa, count_a, pb, count_b);
    return n;
}

typedef struct job {
    int which;
    char dir[64];
    mn_status st;
    char message[512];
} job;

static int session_threads = 1;

static mn_status run_session(int which, const char *dir)
{
    mn_scenario *sc = NULL;
    mn_session *s = NULL;
    mn_status st = SCENARIOS[which] ? mn_scenario_read_text("shared.yaml", SCENARIOS[which], &sc)
                                    : mn_scenario_read_default(&sc);
    if (st == MN_OK)
        st = mn_session_create(sc, &s);
    mn_scenario_free(sc);
    if (st == MN_OK)
        st = mn_session_set_threads(s, session_threads);
    if (st == MN_OK)
        st = mn_session_set_output_dir(s, dir);
    if (st == MN_OK && which == 2)
        st = mn_session_set_samples(s, 6);
    if (st == MN_OK)
        st = mn_session_run_all(s);
    if (st == MN_OK)
        st = mn_session_write(s, dir);
    mn_session_free(s);
    return st;
}

static void *thread_main(void *arg)
{
    job *j = arg;
    j->st = run_session(j->which, j->dir);
    snprintf(j->message, sizeof j->message, "%s", mn_last_error());
    return NULL;
}

static void four_different_sessions_at_once(void **state)
{
    (void)state;
    assert_int_equal(system("rm -rf shared-serial* shared-thread*"), 0);
    char serial[4][64];
    for (int i = 0; i < 4; i++) {
        snprintf(serial[i], sizeof serial[i], "shared-serial%d", i);
        if (run_session(i, serial[i]) != MN_OK)
            fail_msg("serial session %d: %s", i, mn_last_error());
    }
    job jobs[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        jobs[i].which = i;
        snprintf(jobs[i].dir, sizeof jobs[i].dir, "shared-thread%d", i);
        assert_int_equal(pthread_create(&t[i], NULL, thread_main, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    for (int i = 0; i < 4; i++) {
        if (jobs[i].st != MN_OK)
            fail_msg("thread %d: %s", i, jobs[i].message);
        int n = compare_trees(serial[i], jobs[i].dir, "");
        /* summary, punctures, timeline, report at least, and plots */
        assert_true(n >= 6);
    }
}

/* ---- A decimal-comma host ----------------------------------------------------------------- */

static const char *TRIAL =
    "name: locale trial\nseed: 7\n"
    "cohort: {size: 6, age_years: [30, 50], fitzpatrick: [2, 4], zone: cheek}\n"
    "arms:\n"
    "  - {name: shallow, device: {type: pen, depth_mm: 0.5, passes: 2}, protocol: {sessions: 1},"
    " patch: {width_mm: 3, length_mm: 3}}\n"
    "  - {name: deep, device: {type: pen, depth_mm: 1.5, passes: 2}, protocol: {sessions: 1},"
    " patch: {width_mm: 3, length_mm: 3}}\n"
    "endpoint: {measure: collagen_change_percent, day: 30}\n";

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A trial into dir on two threads: half the patients, a stop, then the rest resumed from the
 * journal (what `mnsim trial` does after Ctrl-C), then the outputs. */
static mn_status run_trial(const char *dir)
{
    mn_trial *t = NULL;
    long restored = 0;
    int stopped = 0;
    mn_status st = mn_trial_read_file("locale-trial.yaml", &t);
    if (st == MN_OK)
        st = mn_trial_prepare_dir(t, dir, 0);
    if (st == MN_OK)
        st = mn_trial_set_journal(t, dir, 0);
    if (st == MN_OK)
        st = mn_trial_simulate(t, 0, 3, 2, NULL, NULL, &stopped);
    if (st == MN_OK)
        st = mn_trial_set_journal(t, NULL, 0);
    mn_trial_free(t);
    t = NULL;
    if (st == MN_OK)
        st = mn_trial_read_file("locale-trial.yaml", &t);
    if (st == MN_OK)
        st = mn_trial_resume(t, dir, &restored);
    if (st == MN_OK && restored != 3)
        st = MN_EINTERNAL;
    if (st == MN_OK)
        st = mn_trial_simulate(t, 0, 6, 2, NULL, NULL, &stopped);
    if (st == MN_OK)
        st = mn_trial_write(t, dir);
    if (st == MN_OK)
        st = mn_trial_remove_journals(dir);
    mn_trial_free(t);
    return st;
}

typedef struct texts {
    char *plan, *screen;
} texts;

static mn_status run_clinic(const char *dir, texts *out)
{
    mn_plan_options opt = {
        .concern = "fine_lines", .zones = "forehead", .max_downtime_days = -1, .device = "pen"};
    mn_plan_result *p = NULL;
    mn_status st = mn_plan_patient_file("locale-patient.yaml", &opt, &p);
    if (st == MN_OK)
        st = mn_plan_result_json(p, &out->plan);
    if (st == MN_OK) {
        mkdir(dir, 0755);
        st = mn_plan_result_write_handout(p, dir, 0);
    }
    mn_plan_result_free(p);
    if (st == MN_OK)
        st = mn_screen_file("locale-patient.yaml", &out->screen);
    return st;
}

static void decimal_comma_host(void **state)
{
    (void)state;
    assert_int_equal(system("rm -rf locale-c-* locale-de-*"), 0);
    /* A German locale built here (Debian package "locales" ships the sources), so the test needs
     * no system-wide locale. */
    setenv("LOCPATH", "./locales", 1);
    if (system("mkdir -p locales && localedef -i de_DE -f UTF-8 locales/de_DE.UTF-8 "
               ">/dev/null 2>&1") != 0 &&
        access("locales/de_DE.UTF-8", F_OK) != 0)
        fail_msg("cannot build the de_DE.UTF-8 locale (expected localedef and the Debian "
                 "package 'locales')");
    write_text("locale-trial.yaml", TRIAL);
    write_text("locale-patient.yaml", "age_years: 34.5\nsex: female\nfitzpatrick: 3\n");

    /* Two threads: OpenMP's workers have the host's locale too. */
    session_threads = 2;
    texts c = {0}, de = {0};
    if (run_session(0, "locale-c-session") != MN_OK || run_trial("locale-c-trial") != MN_OK ||
        run_clinic("locale-c-handout", &c) != MN_OK)
        fail_msg("in the C locale: %s", mn_last_error());

    assert_non_null(setlocale(LC_ALL, "de_DE.UTF-8"));
    char buf[16];
    snprintf(buf, sizeof buf, "%.1f", 1.5);
    assert_string_equal(buf, "1,5"); /* the host really prints a decimal comma */
    mn_status st = run_session(0, "locale-de-session");
    if (st == MN_OK)
        st = run_trial("locale-de-trial");
    if (st == MN_OK)
        st = run_clinic("locale-de-handout", &de);
    snprintf(buf, sizeof buf, "%.1f", 1.5);
    char *msg = strdup(mn_last_error());
    setlocale(LC_ALL, "C");
    assert_string_equal(buf, "1,5"); /* and the library left the host's locale alone */
    if (st != MN_OK)
        fail_msg("in de_DE.UTF-8: %s", msg);
    free(msg);

    assert_true(compare_trees("locale-c-session", "locale-de-session", "") >= 6);
    assert_true(compare_trees("locale-c-trial", "locale-de-trial", "") >= 3);
    assert_true(compare_trees("locale-c-handout", "locale-de-handout", "") == 2);
    assert_string_equal(c.plan, de.plan);
    assert_string_equal(c.screen, de.screen);
    mn_free(c.plan), mn_free(c.screen), mn_free(de.plan), mn_free(de.screen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(four_different_sessions_at_once),
        cmocka_unit_test(decimal_comma_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
