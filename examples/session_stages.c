/* Drives an mnsim session stage by stage through the public C API and prints what each stage
 * produced: the punctures of session 1, the doses per layer of each session, the course outcome
 * and the risks. Build against an installed mnsim:
 *
 *   cc -std=c17 session_stages.c $(pkg-config --cflags --libs mnsim) -o session_stages
 *   ./session_stages [SCENARIO.yaml]
 */
#include <math.h>
#include <stdio.h>

#include <mnsim/session.h>

static int fail(const char *what)
{
    fprintf(stderr, "session_stages: %s: %s\n", what, mn_last_error());
    return 1;
}

int main(int argc, char **argv)
{
    mn_scenario *sc = NULL;
    mn_session *s = NULL;
    int rc = 1;
    if ((argc > 1 ? mn_scenario_read_file(argv[1], &sc) : mn_scenario_read_default(&sc)) != MN_OK)
        return fail("scenario");
    if (mn_session_create(sc, &s) != MN_OK) {
        mn_scenario_free(sc);
        return fail("session");
    }
    mn_scenario_free(sc); /* the session holds its own copy */

    int n = mn_session_count(s);
    for (int k = 1; k <= n; k++) {
        if (mn_session_needle(s, k) != MN_OK) {
            fail("needling");
            goto done;
        }
        if (k == 1) {
            mn_puncture_arrays p;
            mn_session_get_punctures(s, 1, &p);
            double deepest = 0;
            size_t bleeding = 0;
            for (size_t i = 0; i < p.n; i++) {
                deepest = fmax(deepest, p.tissue_depth_um[i]);
                bleeding += p.bleeds[i];
            }
            printf("session 1: %zu punctures, deepest %.0f um, %zu reach the capillaries\n", p.n,
                   deepest, bleeding);
        }
        if (mn_session_heat(s, k) != MN_OK || mn_session_deliver(s, k) != MN_OK) {
            fail("heat or delivery");
            goto done;
        }
        mn_doses d;
        if (mn_session_get_doses(s, k, &d) == MN_OK)
            printf("session %d: %s, ug/cm2: SC %.3g, epidermis %.3g, dermis %.3g, systemic "
                   "%.3g (x%.1f past the SC vs intact skin)\n",
                   k, d.product, d.ug_per_cm2[MN_DOSE_STRATUM_CORNEUM],
                   d.ug_per_cm2[MN_DOSE_EPIDERMIS], d.ug_per_cm2[MN_DOSE_DERMIS],
                   d.ug_per_cm2[MN_DOSE_SYSTEMIC], d.enhancement_ratio);
    }
    if (mn_session_heal(s) != MN_OK || mn_session_assess(s) != MN_OK) {
        fail("healing or assessment");
        goto done;
    }
    mn_outcome o;
    mn_session_get_outcome(s, &o);
    printf("collagen change, %%:");
    for (int d = 0; d < MN_OUTCOME_DAYS; d++)
        printf(" day %.0f %+.1f", o.day[d], o.collagen_change_percent[d]);
    printf("; downtime %.1f days\n", o.downtime_days_total);
    size_t nr = 0;
    mn_session_get_risk_count(s, &nr);
    for (size_t i = 0; i < nr; i++) {
        mn_risk_item r;
        mn_session_get_risk(s, i, &r);
        printf("risk %-10s %s\n", r.id, r.level);
    }
    rc = 0;
done:
    mn_session_free(s);
    return rc;
}
