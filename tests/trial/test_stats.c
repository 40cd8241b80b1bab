/* Trial statistics against published reference values (issue 16, Tests): the paired and
 * Welch intervals on Student's sleep data as R's t.test reports them, and the sample-size
 * formula on the textbook case d = 0.5. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "trial/stats.h"

/* Student (1908) sleep data (R `datasets::sleep`): extra hours of sleep under two drugs, the
 * same ten patients. */
static const double drug1[10] = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
static const double drug2[10] = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

/* R: t.test(extra ~ group, data = sleep, paired = TRUE): mean difference -1.58, 95 % CI
 * [-2.4598858, -0.7001142] (group 1 minus group 2; here drug2 - drug1, so the signs flip). */
static void paired_interval_matches_r(void **state)
{
    (void)state;
    double work[10];
    mn_trial_effect e;
    mn_trial_effect_paired(drug1, drug2, 10, work, &e);
    assert_true(fabs(e.difference - 1.58) < 1e-12);
    assert_true(fabs(e.lo - 0.7001142) < 1e-6);
    assert_true(fabs(e.hi - 2.4598858) < 1e-6);
}

/* R: t.test(extra ~ group, data = sleep) (Welch): 95 % CI [-3.3654832, 0.2054832], df 17.776. */
static void welch_interval_matches_r(void **state)
{
    (void)state;
    mn_trial_effect e;
    mn_trial_effect_parallel(drug1, 10, drug2, 10, &e);
    assert_true(fabs(e.difference - 1.58) < 1e-12);
    assert_true(fabs(e.lo - -0.2054832) < 1e-6);
    assert_true(fabs(e.hi - 3.3654832) < 1e-6);
    /* The same values in both arms: the interval is centred on 0 and covers it. */
    mn_trial_effect_parallel(drug1, 10, drug1, 10, &e);
    assert_true(e.difference == 0.0 && e.lo < 0.0 && e.hi > 0.0);
}

/* Normal-approximation sample size per group, n = 2 (z_0.975 + z_power)^2 / d^2 (Chow, Shao &
 * Wang 2008, §3.2.1): d = 0.5 gives 62.8 -> 63 at 80 % power and 84.1 -> 85 at 90 % (Cohen's
 * t-based Table 2.4.1 lists 64 and 86, one more each, the usual small-sample correction);
 * d = 0.25 gives 251.2 -> 252. The formula scales with (sd / difference)^2. */
static void sample_size_textbook(void **state)
{
    (void)state;
    assert_int_equal(mn_trial_sample_size(0.5, 1.0, 0.05, 0.8), 63);
    assert_int_equal(mn_trial_sample_size(0.5, 1.0, 0.05, 0.9), 85);
    assert_int_equal(mn_trial_sample_size(0.25, 1.0, 0.05, 0.8), 252);
    assert_int_equal(mn_trial_sample_size(-5.0, 10.0, 0.05, 0.8), 63);
    assert_int_equal(mn_trial_sample_size(0.0, 1.0, 0.05, 0.8), -1);
}

/* Percentiles interpolate like R's default (type 7), responders count values >= threshold. */
static void summary_percentiles(void **state)
{
    (void)state;
    double v[5] = {5, 1, 4, 2, 3};
    mn_trial_summary s;
    mn_trial_summarize(v, 5, 3.0, 0, &s);
    assert_true(fabs(s.mean - 3.0) < 1e-15);
    assert_true(fabs(s.sd - sqrt(2.5)) < 1e-12);
    assert_true(fabs(s.p5 - 1.2) < 1e-12);
    assert_true(fabs(s.p50 - 3.0) < 1e-15);
    assert_true(fabs(s.p95 - 4.8) < 1e-12);
    assert_true(fabs(s.responder_fraction - 0.6) < 1e-15);
    /* Lower is better (a grading scale): responders at or below the threshold. */
    double w[5] = {5, 1, 4, 2, 3};
    mn_trial_summarize(w, 5, 2.0, 1, &s);
    assert_true(fabs(s.responder_fraction - 0.4) < 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paired_interval_matches_r),
        cmocka_unit_test(welch_interval_matches_r),
        cmocka_unit_test(sample_size_textbook),
        cmocka_unit_test(summary_percentiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
