/* Progress handlers belong to their session, not to the process (issue 18): two sessions run at
 * once in two threads, each with its own handler and user pointer, and each handler hears only
 * its own session's stages (its user pointer, its own session count in the units), in order, the
 * last report before the outputs being the course's stages; a session without a handler reports
 * nowhere. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mnsim/mnsim.h"

static const char *const YAML_TWO = "name: two\nseed: 3\nsite: {zone: forehead}\n"
                                    "patch: {width_mm: 2, length_mm: 2}\n"
                                    "device: {type: pen, depth_mm: 0.5, passes: 1}\n"
                                    "protocol: {sessions: 2, interval_days: 28, "
                                    "follow_up_days: 60}\n";
static const char *const YAML_FOUR = "name: four\nseed: 4\nsite: {zone: forehead}\n"
                                     "patch: {width_mm: 2, length_mm: 2}\n"
                                     "device: {type: pen, depth_mm: 0.5, passes: 1}\n"
                                     "protocol: {sessions: 4, interval_days: 28, "
                                     "follow_up_days: 60}\n";

typedef struct seen {
    int calls, foreign;
    double last_done, total;
    char last_stage[64];
    const char *yaml;
    mn_status st;
} seen;

static void on_progress(void *user, const char *stage, double done, double total)
{
    seen *s = user;
    if (s->calls > 0 && (total != s->total || done < s->last_done))
        s->foreign++; /* another session's units, or out of order */
    s->calls++;
    s->total = total;
    s->last_done = done;
    snprintf(s->last_stage, sizeof s->last_stage, "%s", stage);
}

static void *run(void *arg)
{
    seen *s = arg;
    mn_scenario *sc = NULL;
    mn_session *ss = NULL;
    s->st = mn_scenario_read_text("progress", s->yaml, &sc);
    if (s->st == MN_OK)
        s->st = mn_session_create(sc, &ss);
    mn_scenario_free(sc);
    if (s->st == MN_OK)
        s->st = mn_session_set_threads(ss, 1);
    if (s->st == MN_OK)
        s->st = mn_session_set_progress(ss, on_progress, s);
    if (s->st == MN_OK)
        s->st = mn_session_run_all(ss);
    mn_session_free(ss);
    return NULL;
}

static void each_session_reports_to_its_own_handler(void **state)
{
    (void)state;
    seen a = {.yaml = YAML_TWO}, b = {.yaml = YAML_FOUR};
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, run, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, run, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(a.st, MN_OK);
    assert_int_equal(b.st, MN_OK);
    assert_int_equal(a.foreign, 0);
    assert_int_equal(b.foreign, 0);
    /* Units: the sessions, the course stages, the outputs. */
    assert_true(a.total == 2 + 2 && b.total == 4 + 2);
    /* needling of every session, healing and risks */
    assert_true(a.calls >= 2 + 2 && b.calls >= 4 + 2);
    assert_string_equal(a.last_stage, "risks");
    assert_string_equal(b.last_stage, "risks");
    assert_true(a.last_done == 2 && b.last_done == 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_session_reports_to_its_own_handler),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
