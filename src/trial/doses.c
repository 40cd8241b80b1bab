/* The dermal dose of an arm's product, for the healing effect of products in trials (PRP,
 * growth factors: data/healing_products.csv). Simulating delivery for every virtual patient
 * would multiply a trial's cost several times for a quantity that varies little between
 * patients of one zone, so the dose is simulated once per (arm, zone, session) on the arm's
 * scenario at that zone with the default patient (src/model/patient.c) and the trial's seed,
 * and shared by every patient of that arm and zone. That is an approximation, stated in
 * docs/TRIAL.md: the dose does not follow each patient's age or skin. It is computed on first
 * use under a lock, from (arm, zone, session) alone, so the results do not depend on the
 * thread, the rank or the order of patients. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "model/patient.h"
#include "run/course.h"
#include "trial/trial.h"

struct mn_trial_doses {
    pthread_mutex_t mu;
    /* 0: not yet, 1: computed, -1: failed */
    int state[MN_TRIAL_ARM_CAP][MN_TRIAL_ZONE_CAP];
    double *dermis[MN_TRIAL_ARM_CAP][MN_TRIAL_ZONE_CAP]; /* µg/cm² per session */
    int sessions[MN_TRIAL_ARM_CAP][MN_TRIAL_ZONE_CAP];
};

mn_status mn_trial_doses_create(mn_trial_doses **out)
{
    mn_trial_doses *d = calloc(1, sizeof *d);
    if (!d)
        return mn_error_set(MN_ENOMEM, "out of memory for the trial's dose table");
    if (pthread_mutex_init(&d->mu, NULL) != 0) {
        free(d);
        return mn_error_set(MN_EINTERNAL, "trial dose table: cannot create its lock");
    }
    *out = d;
    return MN_OK;
}

void mn_trial_doses_free(mn_trial_doses *d)
{
    if (!d)
        return;
    for (int a = 0; a < MN_TRIAL_ARM_CAP; a++)
        for (int z = 0; z < MN_TRIAL_ZONE_CAP; z++)
            free(d->dermis[a][z]);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

/* Needling and delivery of every session of the arm at the zone; no files, no summary. */
static mn_status simulate(const mn_trial_spec *t, int arm, int zone, double **out, int *n)
{
    mn_status st = MN_OK;
    mn_model *m = malloc(sizeof *m), *wm = malloc(sizeof *wm);
    mn_course c;
    mn_column col;
    const mn_session_sinks none = {NULL, NULL, NULL, 0};
    memset(&c, 0, sizeof c);
    *out = NULL;
    if (!m || !wm) {
        st = mn_error_set(MN_ENOMEM, "out of memory simulating the trial's product dose");
        goto done;
    }
    *m = t->arms[arm].model;
    m->seed = t->seed;
    mn_patient_defaults(&m->patient);
    memset(&m->site, 0, sizeof m->site);
    snprintf(m->site.zone, sizeof m->site.zone, "%s", t->zones[zone]);
    MN_TRY_GOTO(mn_anatomy_column_for(m, &col), done);
    MN_TRY_GOTO(mn_course_init(m, &c), done);
    if (!(*out = calloc((size_t)c.n_sessions, sizeof **out))) {
        st = mn_error_set(MN_ENOMEM, "out of memory for the trial's product doses");
        goto done;
    }
    for (int s = 1; s <= c.n_sessions; s++) {
        mn_punctures *p = NULL;
        st = mn_course_needle(m, &col, s, &c, &none, NULL, &p, wm);
        if (st == MN_OK)
            st = mn_course_deliver(wm, &col, p, s, &c, NULL, &none);
        mn_punctures_free(p);
        if (st != MN_OK)
            goto done;
        (*out)[s - 1] = c.injuries[s - 1].product_dermis_ug_per_cm2;
    }
    *n = c.n_sessions;
done:
    if (st != MN_OK) {
        free(*out);
        *out = NULL;
    }
    mn_course_free(&c);
    free(m);
    free(wm);
    return st;
}

mn_status mn_trial_product_dose(const mn_trial_spec *t, int arm, int zone, int session,
                                double *dermis_ug_per_cm2)
{
    mn_trial_doses *d = t->doses;
    *dermis_ug_per_cm2 = 0;
    if (!t->arms[arm].model.product.present)
        return MN_OK;
    if (!d || arm < 0 || arm >= t->n_arms || zone < 0 || zone >= t->n_zones)
        return mn_error_set(MN_EINTERNAL, "trial dose of arm %d, zone %d: no such entry", arm,
                            zone);
    mn_status st = MN_OK;
    pthread_mutex_lock(&d->mu);
    if (d->state[arm][zone] == 0) {
        st = simulate(t, arm, zone, &d->dermis[arm][zone], &d->sessions[arm][zone]);
        d->state[arm][zone] = st == MN_OK ? 1 : -1;
    } else if (d->state[arm][zone] < 0) {
        st = mn_error_set(MN_ENUMERIC, "the product dose of arm %s at %s could not be simulated",
                          t->arms[arm].name, t->zones[zone]);
    }
    if (st == MN_OK) {
        if (session < 1 || session > d->sessions[arm][zone])
            st = mn_error_set(MN_EINTERNAL, "trial dose: session %d of %d", session,
                              d->sessions[arm][zone]);
        else
            *dermis_ug_per_cm2 = d->dermis[arm][zone][session - 1];
    }
    pthread_mutex_unlock(&d->mu);
    return st;
}
