/* Healing parameters from data/healing_params.csv: defaults, and virtual patients drawn from
 * each row's distribution. The table is the single home of every number and its source. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "core/error.h"
#include "core/rng.h"
#include "core/table.h"
#include "healing/healing.h"

typedef struct param_slot {
    const char *name;
    size_t offset;
} param_slot;

#define SLOT(f)                                                                                    \
    {                                                                                              \
#f, offsetof(mn_healing_params, f)                                                         \
    }
static const param_slot slots[] = {
    SLOT(k_syn_per_day),
    SLOT(act_synthesis_factor),
    SLOT(p_fib_per_day),
    SLOT(d_fib_per_day),
    SLOT(fib_max_rel),
    SLOT(d_fib_um2_s),
    SLOT(d_med_um2_s),
    SLOT(d_med_per_day),
    SLOT(med_baseline_rel),
    SLOT(med_wound_rel),
    SLOT(fib_med_ratio),
    SLOT(k_acute_per_day),
    SLOT(k_leuk_per_day),
    SLOT(bleed_signal_rel),
    SLOT(d_mmp_per_day),
    SLOT(mmp_collagen_rel),
    SLOT(col3_baseline_frac),
    SLOT(col3_new_frac),
    SLOT(k_mature_per_day),
    SLOT(remodel_half_life_days),
    SLOT(collagen_excess_cap),
    SLOT(epi_relax_per_day),
    SLOT(erythema_visible_um),
    SLOT(age_ref_young_years),
    SLOT(age_ref_old_years),
    SLOT(age_old_synthesis_ratio),
    SLOT(k_activation_per_day),
    SLOT(injury_ref_wound_fraction),
    SLOT(leuk_max_rel),
    SLOT(remodel_activity_per_day),
    SLOT(remodel_synthesis_factor),
    SLOT(elastin_turnover_per_day),
    SLOT(elastin_act_synthesis_factor),
    SLOT(elastin_assembly_per_day),
    SLOT(mmp_elastin_rel),
    SLOT(reepi_per_day),
    SLOT(epi_hyperplasia_per_closure),
    SLOT(epi_baseline_r50),
    SLOT(epi_max_rel),
    SLOT(epi_transient_max_rel),
    SLOT(epi_turnover_days),
    SLOT(smoking_synthesis_factor),
    SLOT(diabetes_synthesis_factor),
    SLOT(epidermis_thickness_factor),
    SLOT(dermis_thickness_factor),
    SLOT(burn_reepi_per_day),
    SLOT(thermal_stimulus_gain),
    SLOT(smoking_reepi_factor),
    SLOT(diabetes_reepi_factor),
};
#undef SLOT
enum { N_SLOTS = sizeof slots / sizeof slots[0] };

static double *slot_ptr(mn_healing_params *p, size_t i)
{
    return (double *)((char *)p + slots[i].offset);
}

static double normal_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* Draws one value for a table row. Only rows that vary between patients (column
 * between_patients) are drawn; the others keep their value for everyone. A "healing_rate" row
 * is drawn through z = 0.7 z_rate + sqrt(1 - 0.7^2) z_own, so the rates of one patient are
 * correlated. Every row consumes the same number of random numbers (two uniforms) whatever its
 * distribution, so adding a fixed row does not shift the others. */
static mn_status draw_row(const mn_table *t, size_t row, mn_rng *rng, double z_rate, double *v)
{
    const double rho = 0.7;
    double u1 = mn_rng_uniform(rng), u2 = mn_rng_uniform(rng);
    const char *dist = NULL, *who = NULL;
    MN_TRY(mn_table_text(t, row, "dist", &dist));
    MN_TRY(mn_table_text(t, row, "between_patients", &who));
    if (strcmp(dist, "fixed") == 0 || strcmp(who, "no") == 0)
        return MN_OK;
    double z = sqrt(-2.0 * log(u1 > 0 ? u1 : 1e-300)) * cos(2.0 * 3.14159265358979323846 * u2);
    if (strcmp(who, "healing_rate") == 0)
        z = rho * z_rate + sqrt(1.0 - rho * rho) * z;
    else if (strcmp(who, "yes") != 0)
        return mn_error_set(MN_EINTERNAL, "healing_params.csv:%zu: between_patients '%s'",
                            mn_table_line(t, row), who);
    double u = normal_cdf(z);
    double lo = 0, hi = 0;
    MN_TRY(mn_table_double_or(t, row, "low", NAN, &lo));
    MN_TRY(mn_table_double_or(t, row, "high", NAN, &hi));
    if (strcmp(dist, "uniform") == 0) {
        *v = lo + (hi - lo) * u;
    } else if (strcmp(dist, "loguniform") == 0) {
        *v = exp(log(lo) + (log(hi) - log(lo)) * u);
    } else if (strcmp(dist, "normal") == 0) {
        double sd = 0;
        MN_TRY(mn_table_double(t, row, "sd", &sd));
        *v += sd * z;
        if (isfinite(lo) && *v < lo)
            *v = lo;
        if (isfinite(hi) && *v > hi)
            *v = hi;
    } else {
        return mn_error_set(MN_EINTERNAL, "healing_params.csv:%zu: unknown dist '%s'",
                            mn_table_line(t, row), dist);
    }
    return MN_OK;
}

static mn_status load(mn_rng *rng, mn_healing_params *out)
{
    mn_table *t = NULL;
    mn_status st = MN_OK;
    int seen[N_SLOTS] = {0};
    memset(out, 0, sizeof *out);
    MN_TRY(mn_table_load_embedded("healing_params.csv", &t));
    double z_rate = 0;
    if (rng) { /* the patient's latent healing rate, drawn first */
        double u1 = mn_rng_uniform(rng), u2 = mn_rng_uniform(rng);
        z_rate = sqrt(-2.0 * log(u1 > 0 ? u1 : 1e-300)) * cos(2.0 * 3.14159265358979323846 * u2);
    }
    for (size_t r = 0; r < mn_table_rows(t); r++) {
        const char *name = NULL;
        double v = 0;
        MN_TRY_GOTO(mn_table_text(t, r, "name", &name), done);
        MN_TRY_GOTO(mn_table_double(t, r, "value", &v), done);
        if (rng)
            MN_TRY_GOTO(draw_row(t, r, rng, z_rate, &v), done);
        size_t i = 0;
        while (i < N_SLOTS && strcmp(slots[i].name, name) != 0)
            i++;
        if (i == N_SLOTS) {
            st = mn_error_set(MN_EINTERNAL, "healing_params.csv:%zu: unknown parameter '%s'",
                              mn_table_line(t, r), name);
            goto done;
        }
        *slot_ptr(out, i) = v;
        seen[i] = 1;
    }
    for (size_t i = 0; i < N_SLOTS; i++)
        if (!seen[i]) {
            st = mn_error_set(MN_EINTERNAL, "healing_params.csv: parameter '%s' missing",
                              slots[i].name);
            goto done;
        }
    out->healing_rate_z = z_rate;
done:
    mn_table_free(t);
    return st;
}

mn_status mn_healing_params_default(mn_healing_params *out)
{
    return load(NULL, out);
}

mn_status mn_healing_params_sample(uint64_t seed, uint32_t patient_index, mn_healing_params *out)
{
    mn_rng rng = mn_rng_stream(seed, MN_RNG_PATIENT, patient_index, 0, 0);
    return load(&rng, out);
}
