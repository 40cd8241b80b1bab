/* Healing: the wound-healing response of the dermis to each session's micro-injuries, carried
 * across a treatment course — inflammation, a TGF-β-like mediator, fibroblasts, collagen III/I,
 * elastin, MMP remodelling, epidermal thickness and erythema.
 *
 * The dermis is resolved in depth (MN_HEALING_NZ finite-volume cells from the dermal–epidermal
 * junction to the dermis bottom; mediator and fibroblasts diffuse in z); the lateral pattern of
 * channels enters through a sub-grid closure (the area each channel inflames is set by the
 * mediator's diffusion length). The kinetics are stiff and integrated by SUNDIALS CVODE (BDF,
 * band linear solver). Equations, parameters and the calibration are in
 * docs/validation/healing.md; parameter values with sources in data/healing_params.csv. */
#ifndef MN_HEALING_HEALING_H
#define MN_HEALING_HEALING_H

#include <stddef.h>
#include <stdint.h>

#include "anatomy/anatomy.h"
#include "model/model.h"
#include "needling/needling.h"
#include "mnsim/status.h"

enum { MN_HEALING_NZ = 24 }; /* depth cells across the dermis */

/* One session's injury on the healing grid: per depth cell (cell k spans
 * [dermis_top_um + k*dz, dermis_top_um + (k+1)*dz], dz = (bottom - top) / MN_HEALING_NZ). */
typedef struct mn_healing_injury {
    double dermis_top_um, dermis_bottom_um;      /* depth below the surface of the grid ends */
    double density_per_um2[MN_HEALING_NZ];       /* punctures reaching the cell centre, per µm² */
    double bleed_density_per_um2[MN_HEALING_NZ]; /* of those, punctures that bled */
    double wound_fraction[MN_HEALING_NZ];   /* volume fraction of matrix destroyed (channels) */
    double thermal_fraction[MN_HEALING_NZ]; /* volume fraction thermally coagulated (RF) */
    double thermal_zone_radius_um;          /* radius of a coagulated column (RF; 0: none) */
    double epidermal_wound_fraction;        /* area fraction of epidermis pierced */
    double punctures_per_cm2;               /* pierced punctures */
    double bleeding_fraction;               /* share of pierced punctures that bled */
    double mean_depth_um;                   /* mean tissue depth of pierced punctures */
    double epidermal_thermal_fraction;      /* area fraction of epidermis coagulated (RF) */
    /* Products acting on healing (from the delivery stage): the dermis's exposure, i.e. the
     * largest amount of the product the dermis held during the session's application
     * (mn_delivery_get_exposure peak; not the amount left at its end). */
    char product[64];
    double product_dermis_ug_per_cm2;
    /* Volume fraction whose cells the heat killed (RF: the Ω_skin >= 1 zone of src/heat, wider
     * than the coagulated one); where below thermal_fraction (0: not reported), the coagulated
     * volume counts as killed. */
    double thermal_kill_fraction[MN_HEALING_NZ];
} mn_healing_injury;

/* Model parameters (units in names; per_day rates). Filled from data/healing_params.csv. */
typedef struct mn_healing_params {
    double k_syn_per_day;        /* basal collagen fractional synthesis (Babraj 2005) */
    double act_synthesis_factor; /* extra synthesis per fibroblast at full activation */
    double p_fib_per_day, d_fib_per_day, fib_max_rel;
    double d_fib_um2_s, d_med_um2_s; /* random motility, mediator diffusivity */
    double d_med_per_day;
    double med_baseline_rel, med_wound_rel; /* in units of the half-saturation constant */
    double fib_med_ratio;                   /* mediator production: fibroblast vs leukocyte */
    double k_acute_per_day, k_leuk_per_day, k_activation_per_day;
    double bleed_signal_rel; /* extra acute signal of a bleeding channel */
    double d_mmp_per_day, mmp_collagen_rel;
    double col3_baseline_frac, col3_new_frac, k_mature_per_day;
    double remodel_half_life_days;
    double collagen_excess_cap; /* relative excess at which synthesis excess stops */
    double epi_relax_per_day;
    double erythema_visible_um; /* inflamed dermal thickness at the visibility threshold */
    double age_ref_young_years, age_ref_old_years, age_old_synthesis_ratio;
    /* Injury at needle scale (injury.c, course.c). */
    double injury_ref_wound_fraction; /* wounded volume fraction that inflames fully (A = 1) */
    double leuk_max_rel;              /* leukocyte ceiling (units of the reference load) */
    /* Remodelling-phase synthesis: lingers for months after the proliferative phase. */
    double remodel_activity_per_day, remodel_synthesis_factor;
    /* Elastin: own (tropoelastin) synthesis and degradation of damaged fibres. */
    double elastin_turnover_per_day, elastin_act_synthesis_factor, elastin_assembly_per_day;
    double mmp_elastin_rel;
    /* Epidermis: re-epithelialisation, transient hyperplasia and its new baseline. */
    double reepi_per_day, epi_hyperplasia_per_closure;
    double epi_baseline_r50;      /* papillary remodelling activity giving half the new baseline */
    double epi_max_rel;           /* bound of the whole thickening e = H + P */
    double epi_transient_max_rel; /* bound of the transient hyperplasia H */
    double epi_turnover_days;     /* the new baseline follows its target with this time */
    /* Patient modifiers (multiply activated synthesis; slow leukocyte clearance). */
    double smoking_synthesis_factor, diabetes_synthesis_factor;
    /* The patient's viable epidermis and dermis relative to the column's (1 for the defaults;
     * virtual patients differ at one age, Meng 2022): thickness.c. */
    double epidermis_thickness_factor, dermis_thickness_factor;
    /* Re-epithelialisation of a coagulated (burnt) surface, per day (Kim 2022). */
    double burn_reepi_per_day;
    /* Stimulus of a thermally coagulated volume relative to the same volume of needle channel:
     * the heat-shocked rim around each coagulation zone (course.c apply_injury). */
    double thermal_stimulus_gain;
    /* Patient modifiers of re-epithelialisation (needle channels and burns). */
    double smoking_reepi_factor, diabetes_reepi_factor;
    /* Not a table row: the virtual patient's latent healing-rate score (SD units; 0 for the
     * defaults), kept so a sample can say why it differs from the cohort. */
    double healing_rate_z;
} mn_healing_params;

/* Defaults (table `value` column). */
mn_status mn_healing_params_default(mn_healing_params *out);
/* A virtual patient: each parameter drawn from its table distribution with the stream
 * mn_rng_stream(seed, MN_RNG_PATIENT, patient_index, 0, 0). Same (seed, index) → same draw. */
mn_status mn_healing_params_sample(uint64_t seed, uint32_t patient_index, mn_healing_params *out);

/* Injury from one session's punctures. patch_area_um2 is the area the punctures cover. Each
 * channel is a cone from its surface radius (the needle's shaft radius until the needling
 * stage reports channel diameters) to zero at its depth; the wounded volume of a depth cell is
 * the channels' volume in it, overlapping at random (1 - exp(-volume density)). */
mn_status mn_healing_injury_from_punctures(const mn_punctures *p, const mn_column *col,
                                           double patch_area_um2, mn_healing_injury *out);
/* Injury of identical punctures (all reaching depth_um, surface radius needle_radius_um) at a
 * density, for planning and tests. */
mn_status mn_healing_injury_uniform(const mn_column *col, double depth_um, double punctures_per_cm2,
                                    double needle_radius_um, double bleeding_fraction,
                                    mn_healing_injury *out);
/* No needling (all zeros on the column's grid). */
void mn_healing_injury_none(const mn_column *col, mn_healing_injury *out);
/* Adds an RF session's thermal injury: the coagulated volume per cm² of skin spread uniformly
 * over the depth band [depth_top_um, depth_bottom_um] of its columns (zone_width_um wide). */
void mn_healing_injury_add_thermal(mn_healing_injury *inj, double coagulated_nl_per_cm2,
                                   double depth_top_um, double depth_bottom_um,
                                   double zone_width_um);
/* Adds the volume per cm² of skin whose cells an RF session's heat killed (src/heat: the
 * Ω_skin >= 1 zones), spread over their depth band like mn_healing_injury_add_thermal. */
void mn_healing_injury_add_cell_death(mn_healing_injury *inj, double killed_nl_per_cm2,
                                      double depth_top_um, double depth_bottom_um);

/* Session days (day 0 = first session): course sessions every interval_days, then maintenance
 * every maintenance_every_days within the follow-up. Local twin of mn_model_session_day. */
int mn_healing_schedule_count(const mn_protocol *pr);
mn_status mn_healing_schedule_days(const mn_protocol *pr, double *days, int cap, int *n_out,
                                   double *end_day);

typedef struct mn_healing_result mn_healing_result;

/* Runs the course: sessions at session_days[0..n_sessions-1] (ascending, first 0) with the
 * given injuries, until end_day (≥ last session; the outcome needs end_day ≥ 365 for day_365,
 * later days are reported as NaN / null otherwise). */
mn_status mn_healing_course_run(const mn_healing_params *prm, const mn_patient *pat,
                                const mn_column *col, const double *session_days,
                                const mn_healing_injury *injuries, int n_sessions, double end_day,
                                mn_healing_result **out);
void mn_healing_result_free(mn_healing_result *r);

/* CVODE with its band solver, reusable across courses: one per thread for virtual or trial
 * patients (creating one per course is a context, vectors, a band matrix and CVODE's memory).
 * A course on a reused solver gives the same bits as on a new one (tests/healing). Not for two
 * threads at once. */
typedef struct mn_healing_solver mn_healing_solver;
mn_status mn_healing_solver_create(mn_healing_solver **out);
void mn_healing_solver_free(mn_healing_solver *s);
/* mn_healing_course_run on solver sv (NULL: a new one for this course). */
mn_status mn_healing_course_run_on(mn_healing_solver *sv, const mn_healing_params *prm,
                                   const mn_patient *pat, const mn_column *col,
                                   const double *session_days, const mn_healing_injury *injuries,
                                   int n_sessions, double end_day, mn_healing_result **out);

/* Outcome days (from the first session) at which changes are reported. */
enum { MN_HEALING_N_OUTCOME_DAYS = 4 };
extern const double mn_healing_outcome_days[MN_HEALING_N_OUTCOME_DAYS]; /* 30, 90, 180, 365 */

typedef struct mn_healing_outcome {
    double collagen_change_percent[MN_HEALING_N_OUTCOME_DAYS];
    double elastin_change_percent[MN_HEALING_N_OUTCOME_DAYS];
    double epidermal_thickness_change_percent[MN_HEALING_N_OUTCOME_DAYS];
    double downtime_days_total;
    /* Collagen of the papillary dermis (DEJ to twice the capillary-loop depth): what biopsies
     * measure; collagen_change_percent is the whole dermis. */
    double papillary_collagen_change_percent[MN_HEALING_N_OUTCOME_DAYS];
    double pih_probability; /* over the course (pih.c) */
} mn_healing_outcome;

int mn_healing_result_sessions(const mn_healing_result *r);
double mn_healing_result_erythema_days(const mn_healing_result *r, int session0);
/* Peak of the depth-mean inflammatory signal (leukocytes + acute) after a session, and the
 * peak depth-mean mediator (relative excess): the accumulated inflammation of a session. */
double mn_healing_result_peak_inflammation(const mn_healing_result *r, int session0);
double mn_healing_result_peak_mediator(const mn_healing_result *r, int session0);
void mn_healing_result_outcome(const mn_healing_result *r, mn_healing_outcome *out);

/* Timeline: rows at hourly steps for 5 days after each session, then daily. Columns as in
 * timeline.csv; collagen and elastin are dermis means relative to the untreated baseline (1). */
enum {
    MN_TL_DAY = 0,
    MN_TL_COLLAGEN_I,
    MN_TL_COLLAGEN_III,
    MN_TL_ELASTIN,
    MN_TL_FIBROBLASTS,
    MN_TL_MEDIATOR,
    MN_TL_ERYTHEMA,
    MN_TL_EPIDERMIS_UM,
    MN_TL_PAPILLARY_COLLAGEN, /* papillary dermis, relative to the untreated baseline (1) */
    MN_TL_NCOL
};
size_t mn_healing_result_timeline_rows(const mn_healing_result *r);
/* Row-major [rows][MN_TL_NCOL]. */
const double *mn_healing_result_timeline(const mn_healing_result *r);
/* Collagen (I + III) change in percent at a day, interpolated on the timeline. */
double mn_healing_result_collagen_change_at(const mn_healing_result *r, double day);

/* --samples N: N virtual patients (params sampled with patient_index 0..N-1) run in parallel
 * (OpenMP, `threads` ≤ 0: default). Each sample writes its own slot; results are identical for
 * any thread count. */
typedef struct mn_healing_samples mn_healing_samples;
mn_status mn_healing_samples_run(uint64_t seed, int n_samples, int threads, const mn_patient *pat,
                                 const mn_column *col, const double *session_days,
                                 const mn_healing_injury *injuries, int n_sessions, double end_day,
                                 mn_healing_samples **out);
void mn_healing_samples_free(mn_healing_samples *s);
/* The same in parts, so a run can checkpoint between batches (src/run): create allocates the
 * slots of n_samples patients; run_range fills patients first .. first+count-1 (the result of
 * every patient depends only on its index). A patient's row of doubles (row_doubles of them)
 * goes into a checkpoint with get_rows and back with set_rows, which refuses (MN_EINPUT) values
 * no course produces. */
mn_status mn_healing_samples_create(int n_samples, int n_sessions, const mn_patient *pat,
                                    mn_healing_samples **out);
mn_status mn_healing_samples_run_range(mn_healing_samples *s, int first, int count, uint64_t seed,
                                       int threads, const mn_patient *pat, const mn_column *col,
                                       const double *session_days,
                                       const mn_healing_injury *injuries, int n_sessions,
                                       double end_day);
size_t mn_healing_samples_row_doubles(const mn_healing_samples *s);
void mn_healing_samples_get_rows(const mn_healing_samples *s, int first, int count, double *out);
mn_status mn_healing_samples_set_rows(mn_healing_samples *s, int first, int count,
                                      const double *in);
int mn_healing_samples_count(const mn_healing_samples *s);
/* Outcome and per-session erythema days of sample i. */
const mn_healing_outcome *mn_healing_samples_outcome(const mn_healing_samples *s, int i);
double mn_healing_samples_erythema_days(const mn_healing_samples *s, int i, int session0);
int mn_healing_samples_sessions(const mn_healing_samples *s);
/* The virtual patient nearest percentile q of collagen at day 90 and what it drew, against the
 * cited (default) values: why it differs from the cohort (io/summary_healing.c writes it into
 * summary.json `virtual_patients`). *found = 0 when no patient has a day-90 collagen (a
 * follow-up shorter than 90 days). */
typedef struct mn_healing_sample_why {
    int patient;
    double collagen_day90_percent, cohort_median_percent;
    double healing_rate_z; /* the patient's latent healing-rate score (SD) */
    double synthesis_per_day, synthesis_cited_per_day;
    double leukocyte_removal_per_day, leukocyte_removal_cited_per_day;
    double reepithelialisation_per_day, reepithelialisation_cited_per_day;
    double epidermis_factor, dermis_factor; /* its skin against the typical skin */
} mn_healing_sample_why;
mn_status mn_healing_samples_explain(const mn_healing_samples *s, double q, int *found,
                                     mn_healing_sample_why *out);

/* Clinical scores (clinical.c, data/clinical_scales.csv): the change on the scale clinicians
 * use for a concern (scenario key indication {concern, severity}), from the tissue outcome of a
 * course. The planner and trials call mn_healing_clinical_score on the outcome of each
 * simulated course. */
enum { MN_HEALING_N_CLINICAL_DAYS = 3 };
extern const double mn_healing_clinical_days[MN_HEALING_N_CLINICAL_DAYS]; /* 90, 180, 365 */

typedef struct mn_healing_clinical {
    char concern[64], scale[96];
    int calibrated;  /* 0: no cited trial calibrates this concern; numbers are NaN */
    double baseline; /* severity on the scale (the scenario's, or the scale's typical value) */
    /* Mean change on the scale at days 90, 180, 365 (negative = better on a grading scale). */
    double change[MN_HEALING_N_CLINICAL_DAYS];
    double change_sd;          /* between-patient SD of the change (scale units) */
    double responder_fraction; /* share improving by at least the scale's step, day 180 */
} mn_healing_clinical;

/* The clinical score change of a course for a concern and its severity (severity < 0: the
 * scale's typical baseline). Unknown concern: MN_EINPUT. Concern without a calibration:
 * MN_OK with calibrated = 0 and NaN numbers. */
mn_status mn_healing_clinical_score(const char *concern, double severity,
                                    const mn_healing_outcome *o, mn_healing_clinical *out);

/* Probability of post-inflammatory hyperpigmentation over a course (pih.c): per-session hazard
 * from Fitzpatrick type, epidermal injury (mechanical and thermal) and the session's erythema.
 * Fills o->pih_probability; erythema_days per session from the result. */
double mn_healing_pih_probability(const mn_patient *pat, const mn_healing_injury *injuries,
                                  const double *erythema_days, int n_sessions);

#endif
