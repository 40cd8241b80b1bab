#include "trial/stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

void mn_trial_summarize(double *v, long n, double threshold, int lower_is_better,
                        mn_trial_summary *out)
{
    out->n = n;
    out->mean = out->sd = out->p5 = out->p50 = out->p95 = out->responder_fraction = NAN;
    if (n < 1)
        return;
    size_t m = (size_t)n;
    out->mean = gsl_stats_mean(v, 1, m);
    out->sd = n > 1 ? gsl_stats_sd_m(v, 1, m, out->mean) : NAN;
    gsl_sort(v, 1, m);
    /* GSL's quantile interpolates between order statistics like R's default (type 7). */
    out->p5 = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.05);
    out->p50 = gsl_stats_median_from_sorted_data(v, 1, m);
    out->p95 = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.95);
    long r = 0;
    for (long i = 0; i < n; i++)
        r += lower_is_better ? v[i] <= threshold : v[i] >= threshold;
    out->responder_fraction = (double)r / (double)n;
}

static double pooled_sd(const double *a, long na, const double *b, long nb)
{
    if (na < 2 || nb < 2)
        return NAN;
    double va = gsl_stats_variance(a, 1, (size_t)na), vb = gsl_stats_variance(b, 1, (size_t)nb);
    return sqrt(((double)(na - 1) * va + (double)(nb - 1) * vb) / (double)(na + nb - 2));
}

static void finish(mn_trial_effect *out)
{
    out->standardised = out->sd_pooled > 0 ? out->difference / out->sd_pooled : NAN;
}

void mn_trial_effect_paired(const double *ref, const double *arm, long n, double *work,
                            mn_trial_effect *out)
{
    out->n_ref = out->n_arm = n;
    out->difference = out->lo = out->hi = out->sd_pooled = out->standardised = NAN;
    if (n < 1)
        return;
    for (long i = 0; i < n; i++)
        work[i] = arm[i] - ref[i];
    out->difference = gsl_stats_mean(work, 1, (size_t)n);
    if (n >= 2) {
        double sd = gsl_stats_sd_m(work, 1, (size_t)n, out->difference);
        double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
        out->lo = out->difference - half;
        out->hi = out->difference + half;
    }
    out->sd_pooled = pooled_sd(ref, n, arm, n);
    finish(out);
}

void mn_trial_effect_parallel(const double *ref, long n_ref, const double *arm, long n_arm,
                              mn_trial_effect *out)
{
    out->n_ref = n_ref;
    out->n_arm = n_arm;
    out->difference = out->lo = out->hi = out->sd_pooled = out->standardised = NAN;
    if (n_ref < 1 || n_arm < 1)
        return;
    double m0 = gsl_stats_mean(ref, 1, (size_t)n_ref), m1 = gsl_stats_mean(arm, 1, (size_t)n_arm);
    out->difference = m1 - m0;
    if (n_ref >= 2 && n_arm >= 2) {
        double q0 = gsl_stats_variance_m(ref, 1, (size_t)n_ref, m0) / (double)n_ref;
        double q1 = gsl_stats_variance_m(arm, 1, (size_t)n_arm, m1) / (double)n_arm;
        double se = sqrt(q0 + q1);
        if (se > 0) {
            double df = (q0 + q1) * (q0 + q1) /
                        (q0 * q0 / (double)(n_ref - 1) + q1 * q1 / (double)(n_arm - 1));
            double half = gsl_cdf_tdist_Pinv(0.975, df) * se;
            out->lo = out->difference - half;
            out->hi = out->difference + half;
        } else {
            out->lo = out->hi = out->difference;
        }
        out->sd_pooled = pooled_sd(ref, n_ref, arm, n_arm);
    }
    finish(out);
}

long mn_trial_sample_size(double difference, double sd, double alpha, double power)
{
    if (!(fabs(difference) > 0) || !isfinite(difference) || !(sd >= 0) || !isfinite(sd))
        return -1;
    double z = gsl_cdf_ugaussian_Pinv(1.0 - alpha / 2.0) + gsl_cdf_ugaussian_Pinv(power);
    double n = 2.0 * z * z * sd * sd / (difference * difference);
    /* Guard against 62.999999 from rounding when the exact value is an integer. */
    long k = (long)ceil(n - 1e-9);
    return k < 2 ? 2 : k;
}
