/* One virtual patient through one arm, simulating only what the endpoint needs: the sessions
 * up to the endpoint day (needling, RF heat where the device heats) and healing to that day
 * with the patient's own healing parameters. A product acts on healing through its dermal dose,
 * delivered through this patient's own channels into this patient's skin (docs/TRIAL.md: a dose
 * shared by the patients of a zone lost a thousandfold spread with age). No files, no summary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/error.h"
#include "core/signals.h"
#include "healing/healing.h"
#include "model/patient.h"
#include "run/course.h"
#include "trial/trial.h"

double mn_trial_round(double v)
{
    return isfinite(v) ? round(v * 1e6) / 1e6 : NAN;
}

mn_status mn_trial_table_init(mn_trial_table *tab, long n, int n_arms)
{
    memset(tab, 0, sizeof *tab);
    tab->n = n;
    tab->n_arms = n_arms;
    MN_ALLOC(tab->endpoint, (size_t)n * (size_t)n_arms);
    MN_ALLOC(tab->done, n);
    for (size_t i = 0; i < (size_t)n * (size_t)n_arms; i++)
        tab->endpoint[i] = NAN;
    return MN_OK;
}

void mn_trial_table_free(mn_trial_table *tab)
{
    free(tab->endpoint);
    free(tab->done);
    memset(tab, 0, sizeof *tab);
}

/* Column c of the healing timeline linearly interpolated at day (NaN outside it). */
static double timeline_at(const mn_healing_result *h, double day, int c)
{
    size_t rows = mn_healing_result_timeline_rows(h);
    const double *tl = mn_healing_result_timeline(h);
    if (rows == 0 || day < tl[MN_TL_DAY] - 1e-9 || day > tl[(rows - 1) * MN_TL_NCOL] + 1e-9)
        return NAN;
    size_t lo = 0, hi = rows - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (tl[mid * MN_TL_NCOL] <= day)
            lo = mid;
        else
            hi = mid;
    }
    double t0 = tl[lo * MN_TL_NCOL], t1 = tl[hi * MN_TL_NCOL];
    if (hi == lo || t1 == t0)
        return tl[lo * MN_TL_NCOL + (size_t)c];
    double w = fmin(1.0, fmax(0.0, (day - t0) / (t1 - t0)));
    return (1 - w) * tl[lo * MN_TL_NCOL + (size_t)c] + w * tl[hi * MN_TL_NCOL + (size_t)c];
}

static double endpoint_of(const mn_trial_spec *t, const mn_healing_result *h, const mn_column *col,
                          double severity)
{
    switch (t->measure) {
    case MN_TRIAL_COLLAGEN:
        return mn_healing_result_collagen_change_at(h, t->day);
    case MN_TRIAL_ELASTIN:
        return 100.0 * (timeline_at(h, t->day, MN_TL_ELASTIN) - 1.0);
    case MN_TRIAL_EPIDERMIS:
        /* Baseline: the column's viable epidermis, as the healing stage's own outcome. */
        return 100.0 *
               (timeline_at(h, t->day, MN_TL_EPIDERMIS_UM) / col->viable_epidermis_um - 1.0);
    case MN_TRIAL_PAPILLARY_COLLAGEN:
        return 100.0 * (timeline_at(h, t->day, MN_TL_PAPILLARY_COLLAGEN) - 1.0);
    case MN_TRIAL_CLINICAL: {
        /* The healing stage's clinical model on this patient's own tissue outcome. */
        mn_healing_outcome o;
        mn_healing_clinical c;
        mn_healing_result_outcome(h, &o);
        if (mn_healing_clinical_score(t->concern, severity, &o, &c) != MN_OK || !c.calibrated)
            return NAN;
        return c.change[t->clinical_day];
    }
    default:
        return NAN;
    }
}

/* The arm's scenario for this patient, cut at the endpoint day. */
static void patient_model(const mn_trial_spec *t, const mn_trial_patient *p, int arm, mn_model *m)
{
    *m = t->arms[arm].model;
    m->seed = p->needling_seed;
    mn_patient_defaults(&m->patient);
    m->patient.age_years = p->age_years;
    m->patient.sex = p->sex;
    m->patient.fitzpatrick = p->fitzpatrick;
    for (int c = 0; c < t->n_conditions; c++)
        if (p->conditions & (1u << c))
            snprintf(m->patient.conditions[m->patient.n_conditions++], MN_NAME_CAP, "%s",
                     t->conditions[c]);
    memset(&m->site, 0, sizeof m->site);
    snprintf(m->site.zone, sizeof m->site.zone, "%s", t->zones[p->zone]);
    memset(&m->indication, 0, sizeof m->indication);
    m->indication.severity = NAN;
    if (t->concern[0]) {
        m->indication.present = true;
        snprintf(m->indication.concern, sizeof m->indication.concern, "%s", t->concern);
        m->indication.severity = t->severity_given ? (double)p->severity : NAN;
    }
    /* Sessions after the endpoint day cannot change it; healing runs to the endpoint day. */
    mn_protocol *pr = &m->protocol;
    int keep = 1;
    while (keep < pr->sessions && keep * pr->interval_days <= t->day)
        keep++;
    pr->sessions = keep;
    pr->follow_up_days = t->day - (keep - 1) * pr->interval_days;
}

mn_status mn_trial_patient_course(const mn_trial_spec *t, const mn_trial_patient *p, int arm,
                                  mn_model *m, mn_column *col, mn_course *c)
{
    mn_status st = MN_OK;
    const mn_session_sinks none = {NULL, NULL, NULL, 0};
    mn_model *wm = NULL;
    patient_model(t, p, arm, m);
    memset(c, 0, sizeof *c);
    MN_TRY(mn_anatomy_column_for(m, col));
    st = mn_course_init(m, c);
    if (st == MN_OK && m->product.present && !(wm = malloc(sizeof *wm)))
        st = mn_error_set(MN_ENOMEM, "out of memory simulating a patient");
    for (int s = 1; s <= c->n_sessions && st == MN_OK; s++) {
        if (!m->product.present) {
            st = mn_course_run_session(m, col, s, c, &none);
            continue;
        }
        /* The session's stages as a run takes them, delivery included (mn_course_run_session
         * delivers only when it reports): the dose is this patient's own. */
        mn_punctures *pp = NULL;
        st = mn_course_needle(m, col, s, c, &none, NULL, &pp, wm);
        if (st == MN_OK && m->device.type == MN_DEVICE_RF)
            st = mn_course_heat(m, col, s, c, NULL, &none);
        if (st == MN_OK)
            st = mn_course_deliver(wm, col, pp, s, c, NULL, &none);
        mn_punctures_free(pp);
    }
    free(wm);
    if (st != MN_OK)
        mn_course_free(c);
    return st;
}

mn_status mn_trial_simulate_one(const mn_trial_spec *t, const mn_trial_patient *p, int arm,
                                mn_healing_solver *sv, double *endpoint)
{
    mn_status st = MN_OK;
    mn_model *m = malloc(sizeof *m);
    mn_course c;
    mn_column col;
    mn_healing_params prm;
    mn_healing_result *h = NULL;
    *endpoint = NAN;
    if (!m)
        return mn_error_set(MN_ENOMEM, "out of memory simulating a patient");
    st = mn_trial_patient_course(t, p, arm, m, &col, &c);
    if (st != MN_OK) {
        free(m);
        return st;
    }
    MN_TRY_GOTO(mn_healing_params_sample(t->seed, p->index, &prm), done);
    MN_TRY_GOTO(mn_healing_course_run_on(sv, &prm, &m->patient, &col, c.days, c.injuries,
                                         c.n_sessions, c.end_day, &h),
                done);
    /* The clinical model takes the scale's typical baseline for a severity < 0: no severity, or
     * one on a scale other than the clinical one (the clinic's rule, as in a run). */
    double severity = t->severity_given && t->severity_scores ? p->severity : -1.0;
    *endpoint = mn_trial_round(endpoint_of(t, h, &col, severity));
    if (!isfinite(*endpoint))
        st = mn_error_set(MN_ENUMERIC, "the endpoint is not finite at day %g", t->day);
done:
    mn_healing_result_free(h);
    mn_course_free(&c);
    free(m);
    return st;
}

mn_status mn_trial_simulate_range(const mn_trial_spec *t, long first, long last, int threads,
                                  mn_trial_table *tab, mn_trial_done_fn on_done, void *user,
                                  int *stopped)
{
    long first_bad = last;
    int stop = 0;
    mn_status bad_status = MN_OK;
    char message[512] = "";
    int nt = threads > 0 ? threads : omp_get_max_threads();
    /* One CVODE object per thread, made by its first patient and reused by the next (the same
     * bits as a new one per patient, so the table does not depend on threads or ranks). */
    mn_healing_solver **sv = calloc((size_t)nt, sizeof *sv);
    *stopped = 0;
    if (!sv)
        return mn_error_set(MN_ENOMEM, "out of memory for the trial's solvers");
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (long i = first; i < last; i++) {
        int halt;
#pragma omp atomic read
        halt = stop;
        if (halt || tab->done[i])
            continue;
        if (mn_signals_stop_requested()) {
#pragma omp atomic write
            stop = 1;
            continue;
        }
        mn_trial_patient p;
        mn_trial_patient_draw(t, (uint32_t)i, &p);
        double y[MN_TRIAL_ARM_CAP];
        mn_healing_solver **mine = &sv[omp_get_thread_num()];
        if (!*mine && mn_healing_solver_create(mine) != MN_OK)
            *mine = NULL; /* then each course makes its own, and says why it cannot */
        mn_status st = MN_OK;
        for (int a = 0; a < t->n_arms && st == MN_OK; a++) {
            y[a] = NAN;
            if (p.arm < 0 || p.arm == a)
                st = mn_trial_simulate_one(t, &p, a, *mine, &y[a]);
            /* A stop request inside a stage (field step, healing) ends this patient unfinished:
             * a stop, not an error; the journal resumes it. */
            if (st == MN_EINTERRUPTED) {
#pragma omp atomic write
                stop = 1;
            } else if (st != MN_OK) {
#pragma omp critical(mn_trial_error)
                if (i < first_bad) {
                    first_bad = i;
                    bad_status = st;
                    snprintf(message, sizeof message, "arm %s: %s", t->arms[a].name,
                             mn_last_error());
                }
#pragma omp atomic write
                stop = 1;
            }
        }
        if (st != MN_OK)
            continue;
#pragma omp critical(mn_trial_done)
        {
            memcpy(&tab->endpoint[(size_t)i * (size_t)t->n_arms], y,
                   sizeof(double) * (size_t)t->n_arms);
            tab->done[i] = 1;
            if (on_done)
                on_done(user, i, y, t->n_arms);
        }
    }
    for (int k = 0; k < nt; k++)
        mn_healing_solver_free(sv[k]);
    free(sv);
    if (first_bad < last)
        return mn_error_set(bad_status, "virtual patient %ld, %s", first_bad, message);
    *stopped = stop;
    return MN_OK;
}
