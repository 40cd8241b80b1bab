/* report.html of a trial (`mnsim trial`): the endpoint's distribution per arm and a forest
 * plot of the main effect by subgroup, with the numbers of trial.json beside them. Plots are
 * saved as plots/trial_*.png and .svg and embedded in the page (no network). */
#ifndef MN_IO_TRIAL_REPORT_H
#define MN_IO_TRIAL_REPORT_H

#include <stddef.h>

#include "mnsim/status.h"

typedef struct mn_io_trial_arm {
    const char *name;
    const double *values; /* the endpoint of each simulated patient */
    long n;
} mn_io_trial_arm;

typedef struct mn_io_forest_row {
    char label[96]; /* "all patients", "sex female", ... */
    long n;
    double difference, lo, hi;
} mn_io_forest_row;

typedef struct mn_io_trial_report {
    const char *title, *endpoint_label;
    const mn_io_trial_arm *arms;
    size_t n_arms;
    const char *reference, *compared; /* the main effect: compared - reference */
    const mn_io_forest_row *rows;     /* rows[0]: all patients, then the subgroups */
    size_t n_rows;
    const char *trial_json; /* shown at the end of the page */
} mn_io_trial_report;

mn_status mn_io_trial_report_write(const char *dir, const mn_io_trial_report *r);

#endif
