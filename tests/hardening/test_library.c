/* The library under stress (issue 18, items 5 and 1): every public mn_run entry point refuses a
 * NULL or dead handle with a status instead of crashing; a rejected scenario leaves the previous
 * one in place; four threads running the library at once, each into its own folder, get the
 * same bytes as one thread alone (PLplot serialised, no shared state); a host in a decimal-comma
 * locale gets the same files as the C locale; the report's CSV reader refuses a table larger
 * than its file instead of allocating columns x rows. */
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

#include "io/report_csv.h"
#include "mnsim/mnsim.h"

/* Small and quick, with a product (CSV and plots of every kind). */
static const char *SCENARIO = "name: lib\nseed: 11\nsite: {zone: cheek}\n"
                              "patch: {width_mm: 4, length_mm: 4}\n"
                              "device: {type: pen, depth_mm: 1.5, passes: 2}\n"
                              "product: {name: ascorbic_acid, concentration_mg_ml: 100, "
                              "volume_ul_per_cm2: 20}\n"
                              "protocol: {sessions: 1}\n";

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

/* Same bytes in a/name and b/name. */
static void assert_same_file(const char *a, const char *b, const char *name)
{
    char pa[512], pb[512];
    size_t la = 0, lb = 0;
    snprintf(pa, sizeof pa, "%s/%s", a, name);
    snprintf(pb, sizeof pb, "%s/%s", b, name);
    char *x = slurp(pa, &la), *y = slurp(pb, &lb);
    if (!x || !y || la != lb || memcmp(x, y, la) != 0)
        fail_msg("%s and %s differ (%zu and %zu bytes)", pa, pb, la, lb);
    free(x);
    free(y);
}

static const char *const FILES[] = {"summary.json", "punctures.csv",         "timeline.csv",
                                    "delivery.csv", "delivery_profiles.csv", NULL};

static mn_status run_into(const char *dir)
{
    mn_run *r = NULL;
    mn_status st = mn_run_create(&r);
    if (st == MN_OK)
        st = mn_run_set_scenario_text(r, "lib.yaml", SCENARIO);
    if (st == MN_OK)
        st = mn_run_set_threads(r, 1);
    if (st == MN_OK)
        st = mn_run_set_output_dir(r, dir);
    if (st == MN_OK)
        st = mn_run_execute(r);
    mn_run_free(r);
    return st;
}

static void null_and_dead_handles(void **state)
{
    (void)state;
    const char *json = NULL;
    assert_int_equal(mn_run_create(NULL), MN_EUSAGE);
    assert_int_equal(mn_run_set_scenario_file(NULL, "x.yaml"), MN_EUSAGE);
    assert_int_equal(mn_run_set_scenario_text(NULL, "x", "site: {zone: cheek}"), MN_EUSAGE);
    assert_int_equal(mn_run_set_default_scenario(NULL), MN_EUSAGE);
    assert_int_equal(mn_run_set_seed(NULL, 1), MN_EUSAGE);
    assert_int_equal(mn_run_set_threads(NULL, 1), MN_EUSAGE);
    assert_int_equal(mn_run_set_samples(NULL, 1), MN_EUSAGE);
    assert_int_equal(mn_run_set_output_dir(NULL, "x"), MN_EUSAGE);
    assert_int_equal(mn_run_set_max_memory(NULL, 1), MN_EUSAGE);
    assert_int_equal(mn_run_set_force(NULL, 1), MN_EUSAGE);
    assert_int_equal(mn_run_set_checkpoint_every(NULL, 1), MN_EUSAGE);
    assert_int_equal(mn_run_resume(NULL, "x"), MN_EUSAGE);
    assert_int_equal(mn_run_execute(NULL), MN_EUSAGE);
    assert_int_equal(mn_run_get_summary_json(NULL, &json), MN_EUSAGE);
    assert_non_null(strstr(mn_last_error(), "run is NULL"));
    mn_run_free(NULL);

    /* NULL arguments on a live handle. */
    mn_run *r = NULL;
    assert_int_equal(mn_run_create(&r), MN_OK);
    assert_int_equal(mn_run_set_scenario_file(r, NULL), MN_EUSAGE);
    assert_int_equal(mn_run_set_scenario_text(r, "x", NULL), MN_EUSAGE);
    assert_int_equal(mn_run_resume(r, NULL), MN_EUSAGE);
    assert_int_equal(mn_run_get_summary_json(r, NULL), MN_EUSAGE);
    mn_run_free(r);

    /* Memory that is not a run (zeroed: no magic number) is refused, not used. */
    void *fake = calloc(1, 65536);
    assert_int_equal(mn_run_execute((mn_run *)fake), MN_EUSAGE);
    assert_non_null(strstr(mn_last_error(), "not a live run"));
    free(fake);
}

static void failed_setters_keep_state(void **state)
{
    (void)state;
    mn_run *r = NULL;
    const char *json = NULL;
    assert_int_equal(mn_run_create(&r), MN_OK);
    /* No scenario yet: a rejected one leaves none, and execute says so. */
    assert_int_equal(mn_run_set_scenario_text(r, "bad.yaml",
                                              "name: half\nsite: {zone: cheek}\n"
                                              "device: {type: pen, depth_mm: 99}\n"),
                     MN_EINPUT);
    assert_int_equal(mn_run_set_output_dir(r, NULL), MN_OK);
    assert_int_equal(mn_run_execute(r), MN_EUSAGE);
    /* A valid scenario, then a rejected one: the valid one runs. */
    assert_int_equal(mn_run_set_scenario_text(r, "lib.yaml", SCENARIO), MN_OK);
    assert_int_equal(mn_run_set_scenario_text(r, "bad.yaml",
                                              "name: half\nsite: {zone: cheek}\n"
                                              "device: {type: pen, depth_mm: 99}\n"),
                     MN_EINPUT);
    assert_int_equal(mn_run_set_scenario_file(r, "/nonexistent/x.yaml"), MN_EINPUT);
    assert_int_equal(mn_run_set_threads(r, 0), MN_EINPUT);
    assert_int_equal(mn_run_resume(r, "/nonexistent"), MN_EINPUT);
    assert_int_equal(mn_run_execute(r), MN_OK);
    assert_int_equal(mn_run_get_summary_json(r, &json), MN_OK);
    assert_non_null(strstr(json, "\"lib\""));
    assert_null(strstr(json, "\"half\""));
    mn_run_free(r);
}

typedef struct job {
    char dir[64];
    mn_status st;
    char message[512];
} job;

static void *thread_main(void *arg)
{
    job *j = arg;
    j->st = run_into(j->dir);
    snprintf(j->message, sizeof j->message, "%s", mn_last_error());
    return NULL;
}

static void four_threads(void **state)
{
    (void)state;
    assert_int_equal(run_into("lib-alone"), MN_OK);
    job jobs[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        snprintf(jobs[i].dir, sizeof jobs[i].dir, "lib-thread%d", i);
        assert_int_equal(pthread_create(&t[i], NULL, thread_main, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    for (int i = 0; i < 4; i++) {
        if (jobs[i].st != MN_OK)
            fail_msg("thread %d: %s", i, jobs[i].message);
        for (int f = 0; FILES[f]; f++)
            assert_same_file("lib-alone", jobs[i].dir, FILES[f]);
    }
    /* Two threads into one folder: one of them is refused, never both writing. */
    job same[2];
    for (int i = 0; i < 2; i++) {
        snprintf(same[i].dir, sizeof same[i].dir, "lib-shared");
        assert_int_equal(pthread_create(&t[i], NULL, thread_main, &same[i]), 0);
    }
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_true(same[0].st == MN_OK || same[1].st == MN_OK);
    for (int i = 0; i < 2; i++)
        if (same[i].st != MN_OK && !strstr(same[i].message, "another mnsim run"))
            fail_msg("thread %d into the shared folder: %s", i, same[i].message);
    assert_same_file("lib-alone", "lib-shared", "summary.json");
}

static void decimal_comma_locale(void **state)
{
    (void)state;
    /* A German locale built here (Debian package "locales" ships the sources), so the test needs
     * no system-wide locale. */
    setenv("LOCPATH", "./locales", 1);
    if (system("mkdir -p locales && localedef -i de_DE -f UTF-8 locales/de_DE.UTF-8 "
               ">/dev/null 2>&1") != 0 &&
        access("locales/de_DE.UTF-8", F_OK) != 0)
        fail_msg("cannot build the de_DE.UTF-8 locale (expected localedef and the Debian "
                 "package 'locales')");
    assert_int_equal(run_into("lib-c"), MN_OK);
    assert_non_null(setlocale(LC_ALL, "de_DE.UTF-8"));
    char buf[16];
    snprintf(buf, sizeof buf, "%.1f", 1.5);
    assert_string_equal(buf, "1,5"); /* the host really prints a decimal comma */
    mn_status st = run_into("lib-de");
    snprintf(buf, sizeof buf, "%.1f", 1.5);
    assert_string_equal(buf, "1,5"); /* and the library left the host's locale alone */
    setlocale(LC_ALL, "C");
    if (st != MN_OK)
        fail_msg("run in de_DE.UTF-8: %s", mn_last_error());
    for (int f = 0; FILES[f]; f++)
        assert_same_file("lib-c", "lib-de", FILES[f]);
}

static void bounded_csv_reader(void **state)
{
    (void)state;
    /* 20 000 columns over 5 000 one-cell rows: 105 KB that would need 800 MB as a table. */
    FILE *f = fopen("wide.csv", "w");
    assert_non_null(f);
    for (int c = 0; c < 20000; c++)
        fputs(c ? ",c" : "c", f);
    fputc('\n', f);
    for (int r = 0; r < 5000; r++)
        fputs("1\n", f);
    fclose(f);
    mn_rtable t;
    int found = 0;
    assert_int_equal(mn_rtable_read("wide.csv", &t, &found), MN_EIO);
    assert_non_null(strstr(mn_last_error(), "columns"));
    f = fopen("ok.csv", "w");
    fputs("a,b\n1,2\n3,4\n", f);
    fclose(f);
    assert_int_equal(mn_rtable_read("ok.csv", &t, &found), MN_OK);
    assert_int_equal(t.nrow, 2);
    assert_true(mn_rtable_column(&t, "b")[1] == 4.0);
    mn_rtable_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_and_dead_handles), cmocka_unit_test(failed_setters_keep_state),
        cmocka_unit_test(bounded_csv_reader),    cmocka_unit_test(four_threads),
        cmocka_unit_test(decimal_comma_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
