/* One CVODE object reused across courses (issues 16 and 17: one solver per thread for virtual
 * and trial patients) gives the same bits as a new object per course: every timeline value,
 * erythema day and the PIH probability, for courses that differ in patient parameters, injury,
 * number of sessions and end day, run one after another on the same solver and again in
 * another order. Would fail if anything of a course (step size, order, Jacobian age, stop time,
 * the rates it reads) leaked into the next. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/error.h"
#include "healing_fixture.h"

enum { N_COURSES = 4 };

typedef struct course_case {
    uint32_t patient;
    int n_sessions;
    double end_day;
    int pen; /* pen injury, else roller */
} course_case;

static const course_case cases[N_COURSES] = {
    {3, 3, 200.0, 1},
    {11, 1, 95.5, 0},
    {7, 6, 400.0, 1},
    {0, 2, 60.0, 0},
};

static mn_healing_result *run(mn_healing_solver *sv, const course_case *k)
{
    mn_column col = fixture_cheek();
    mn_patient pat = fixture_patient(30 + 5 * (double)k->patient);
    mn_healing_params prm;
    assert_int_equal(mn_healing_params_sample(42, k->patient, &prm), MN_OK);
    mn_healing_injury inj[6];
    double days[6];
    for (int s = 0; s < k->n_sessions; s++) {
        inj[s] = k->pen ? fixture_injury(1.0, FIXTURE_PEN_PER_CM2, 100)
                        : fixture_injury(0.5, FIXTURE_ROLLER_PER_CM2, 125);
        days[s] = 28.0 * s;
    }
    mn_healing_result *r = NULL;
    mn_status st =
        mn_healing_course_run_on(sv, &prm, &pat, &col, days, inj, k->n_sessions, k->end_day, &r);
    if (st != MN_OK)
        print_error("%s\n", mn_last_error());
    assert_int_equal(st, MN_OK);
    return r;
}

static void assert_same(const mn_healing_result *a, const mn_healing_result *b, int n_sessions)
{
    size_t rows = mn_healing_result_timeline_rows(a);
    assert_int_equal(rows, mn_healing_result_timeline_rows(b));
    assert_memory_equal(mn_healing_result_timeline(a), mn_healing_result_timeline(b),
                        rows * MN_TL_NCOL * sizeof(double));
    for (int s = 0; s < n_sessions; s++) {
        double ea = mn_healing_result_erythema_days(a, s),
               eb = mn_healing_result_erythema_days(b, s);
        assert_memory_equal(&ea, &eb, sizeof ea);
    }
    mn_healing_outcome oa, ob;
    mn_healing_result_outcome(a, &oa);
    mn_healing_result_outcome(b, &ob);
    assert_memory_equal(&oa, &ob, sizeof oa);
}

static void reused_solver_gives_the_same_bits(void **state)
{
    (void)state;
    mn_healing_result *fresh[N_COURSES];
    for (int k = 0; k < N_COURSES; k++)
        fresh[k] = run(NULL, &cases[k]);
    mn_healing_solver *sv = NULL;
    assert_int_equal(mn_healing_solver_create(&sv), MN_OK);
    /* forward, then backward: each course follows a different one the second time */
    for (int pass = 0; pass < 2; pass++)
        for (int j = 0; j < N_COURSES; j++) {
            int k = pass ? N_COURSES - 1 - j : j;
            mn_healing_result *r = run(sv, &cases[k]);
            assert_same(fresh[k], r, cases[k].n_sessions);
            mn_healing_result_free(r);
        }
    mn_healing_solver_free(sv);
    for (int k = 0; k < N_COURSES; k++)
        mn_healing_result_free(fresh[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reused_solver_gives_the_same_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
