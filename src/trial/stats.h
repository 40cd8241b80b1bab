/* The statistics of a trial, on GSL (gsl_stats_*, gsl_cdf_*): per-arm summaries, the effect of
 * an arm against the reference with its 95 % confidence interval, the standardised effect and
 * the sample size of a parallel-group trial. Internal to src/trial. */
#ifndef MN_TRIAL_STATS_H
#define MN_TRIAL_STATS_H

#include <stddef.h>

typedef struct mn_trial_summary {
    long n;
    double mean, sd, p5, p50, p95;
    double responder_fraction; /* share with a value >= the threshold (<= when lower is better) */
} mn_trial_summary;

typedef struct mn_trial_effect {
    long n_ref, n_arm;
    double difference;   /* arm - reference */
    double lo, hi;       /* 95 % CI (NaN when fewer than 2 patients) */
    double sd_pooled;    /* of the two arms' values */
    double standardised; /* difference / sd_pooled (Cohen's d); NaN when sd_pooled is 0 */
} mn_trial_effect;

/* v is reordered (sorted). */
void mn_trial_summarize(double *v, long n, double threshold, int lower_is_better,
                        mn_trial_summary *out);

/* Paired design: the same patients in both arms (ref[i], arm[i]); CI from the t distribution
 * of the within-patient differences. work holds n doubles. */
void mn_trial_effect_paired(const double *ref, const double *arm, long n, double *work,
                            mn_trial_effect *out);
/* Parallel groups: Welch's t interval (unequal variances, Welch–Satterthwaite df). */
void mn_trial_effect_parallel(const double *ref, long n_ref, const double *arm, long n_arm,
                              mn_trial_effect *out);

/* Patients per arm of a two-sided parallel-group comparison of means at level alpha with the
 * given power (normal approximation: n = 2 (z_{1-alpha/2} + z_power)^2 sd^2 / difference^2,
 * rounded up; Chow, Shao & Wang, Sample Size Calculations in Clinical Research, 2nd ed. 2008,
 * §3.2.1). -1 when the difference is 0 or not finite (no finite trial detects it). */
long mn_trial_sample_size(double difference, double sd, double alpha, double power);

#endif
