/* Virtual patients of a trial: each drawn from its own counter-based stream keyed on (seed,
 * patient index), so patient i is the same whichever thread, rank or slice draws it.
 *
 * Streams (core/rng.h, purpose MN_RNG_PATIENT): (i, 0, 0) is the healing stage's parameter
 * draw of patient i (mn_healing_params_sample); (i, 1, 0) the demographics and needling seed
 * here; (block, 2, 0) the permuted block that allocates arms in a parallel design. */
#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "trial/trial.h"

/* Uniform integer in [lo, hi]. */
static int uniform_int(mn_rng *r, int lo, int hi)
{
    int v = lo + (int)floor(mn_rng_uniform(r) * (hi - lo + 1));
    return v > hi ? hi : v;
}

/* Parallel design: permuted blocks of one patient per arm (balanced allocation, Altman & Bland
 * 1999, BMJ 318:1209), the block's permutation drawn from its own stream. */
static int allocated_arm(const mn_trial_spec *t, uint32_t index)
{
    int n = t->n_arms, perm[MN_TRIAL_ARM_CAP];
    uint32_t block = index / (uint32_t)n;
    mn_rng r = mn_rng_stream(t->seed, MN_RNG_PATIENT, block, 2, 0);
    for (int a = 0; a < n; a++)
        perm[a] = a;
    for (int a = n - 1; a > 0; a--) {
        int j = uniform_int(&r, 0, a), tmp = perm[a];
        perm[a] = perm[j];
        perm[j] = tmp;
    }
    return perm[index % (uint32_t)n];
}

void mn_trial_patient_draw(const mn_trial_spec *t, uint32_t index, mn_trial_patient *out)
{
    memset(out, 0, sizeof *out);
    mn_rng r = mn_rng_stream(t->seed, MN_RNG_PATIENT, index, 1, 0);
    out->index = index;
    /* Every draw is taken whether used or not, so adding a cohort key does not shift the
     * others' streams. */
    double u_age = mn_rng_uniform(&r), u_sex = mn_rng_uniform(&r);
    out->age_years = round((t->age_lo + u_age * (t->age_hi - t->age_lo)) * 10.0) / 10.0;
    out->sex = u_sex < t->female_fraction ? MN_SEX_FEMALE : MN_SEX_MALE;
    out->fitzpatrick = uniform_int(&r, t->fitz_lo, t->fitz_hi);
    out->zone = uniform_int(&r, 0, t->n_zones - 1);
    out->severity = uniform_int(&r, t->severity_lo, t->severity_hi);
    for (int c = 0; c < MN_TRIAL_CONDITION_CAP; c++) {
        double u = mn_rng_uniform(&r);
        if (c < t->n_conditions && u < t->prevalence[c])
            out->conditions |= 1u << c;
    }
    uint64_t hi = mn_rng_u32(&r), lo = mn_rng_u32(&r);
    out->needling_seed = hi << 32 | lo;
    out->arm = t->design == MN_TRIAL_PARALLEL ? allocated_arm(t, index) : -1;
}
