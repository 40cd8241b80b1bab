/* Virtual patients are patients (issue 14 item 7): over 1,000 patients drawn for a dense
 * three-session pen course, the 95th percentile of every outcome stays inside the bounds the
 * model states (docs/validation/healing.md): collagen, papillary collagen and elastin at most
 * +100 % (the matrix bound: the papillary collagen band doubled after >= 6 months of daily
 * retinoic acid, J Am Acad Dermatol 2005;53:769), epidermis at most epi_max_rel (+65 %: the
 * new-baseline ceiling +40 %, Aust 2008, plus the transient +25 %), erythema under 10 days a
 * session, PIH probability a probability; and the spread is not degenerate (p95 > p5). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core/error.h"
#include "core/stats.h"
#include "healing_fixture.h"

static double pct(double *v, int n, double q)
{
    mn_stats_sort(v, (size_t)n);
    return mn_stats_percentile_sorted(v, (size_t)n, q);
}

static void p95_physiological(void **state)
{
    enum { N = 1000 };
    mn_column col = fixture_cheek();
    mn_patient pat = fixture_patient(45);
    mn_healing_injury inj = fixture_injury(1.5, 4000, 125);
    double days[3] = {0, 28, 56};
    mn_healing_injury injs[3] = {inj, inj, inj};
    mn_healing_samples *s = NULL;
    if (mn_healing_samples_run(7, N, 2, &pat, &col, days, injs, 3, 56 + 365, &s) != MN_OK)
        fail_msg("%s", mn_last_error());
    static double v[N];
    struct {
        const char *name;
        size_t offset;
        double bound;
    } q[5] = {
        {"collagen", offsetof(mn_healing_outcome, collagen_change_percent), 100.0},
        {"papillary collagen", offsetof(mn_healing_outcome, papillary_collagen_change_percent),
         100.0},
        {"elastin", offsetof(mn_healing_outcome, elastin_change_percent), 100.0},
        {"epidermis", offsetof(mn_healing_outcome, epidermal_thickness_change_percent), 0.0},
        {"pih", offsetof(mn_healing_outcome, pih_probability), 1.0},
    };
    mn_healing_params def;
    assert_int_equal(mn_healing_params_default(&def), MN_OK);
    q[3].bound = 100.0 * def.epi_max_rel;
    for (int k = 0; k < 5; k++)
        for (int d = 0; d < (k == 4 ? 1 : MN_HEALING_N_OUTCOME_DAYS); d++) {
            for (int i = 0; i < N; i++)
                v[i] = ((const double *)((const char *)mn_healing_samples_outcome(s, i) +
                                         q[k].offset))[d];
            double p5 = pct(v, N, 0.05), p95 = pct(v, N, 0.95);
            if (!(p95 <= q[k].bound) || !(p95 > p5) || !(p5 >= -100.0))
                fail_msg("%s day index %d: p5 %.2f p95 %.2f (bound %.0f)", q[k].name, d, p5, p95,
                         q[k].bound);
        }
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < N; i++)
            v[i] = mn_healing_samples_erythema_days(s, i, k);
        double p95 = pct(v, N, 0.95);
        if (!(p95 < 10.0 && p95 > 0))
            fail_msg("erythema session %d: p95 %.2f d", k, p95);
    }
    mn_healing_samples_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(p95_physiological)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
