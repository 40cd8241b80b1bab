/* Probability of post-inflammatory hyperpigmentation (PIH) over a course. Each session is a
 * hazard h = h_ref * skin(fitzpatrick) * (thermal + k_mech * mechanical epidermal injury area)
 * / area_ref * (erythema days / erythema_ref); p = 1 - exp(-sum h). Melanocytes are stimulated
 * by the inflammatory mediators of an epidermal injury, and coagulated epidermis shuttles
 * melanin into debris (MEND) (pigmentation_pih.csv mechanism rows): so thermal injury weighs
 * more than a needle channel that closes within a day. A product acting on pigment scales the
 * hazard through its delivered dose (course.c, products.c). Sun exposure after treatment
 * (patient.sun_exposure) multiplies the odds of PIH. Evidence: calibration/pigmentation_pih.csv;
 * docs/validation/healing.md. */
#include <math.h>

#include "healing/healing_internal.h"

/* 5 PIH episodes in 115 sessions (4.3 %) of 1550 nm non-ablative fractional laser in skin types
 * IV-VI (J Drugs Dermatol 2013;12:428, PMID 23652890): hazard -ln(1 - 0.043) per session. */
#define PIH_HAZARD_REF 0.0440
/* Epidermal area coagulated by that laser: 1500-2000 MTZ/cm2 (the Wanner protocol,
 * clinical_trajectories.csv) of ~110 um (MEND 50-200 um, healing_timecourse.csv): 1750 x
 * pi (55 um)^2 = 0.17 (D). */
#define PIH_AREA_REF 0.17
/* Erythema of that reference taken as 3 d, the middle of the typical 1-5 d (assumption). */
#define PIH_ERYTHEMA_REF_DAYS 3.0
/* A mechanical channel per unit area against a coagulated zone: 0.1 (assumption, bounded by
 * 0 PIH in 23 microneedled acne-scar patients vs 13.6 % after 1340 nm laser, Cachafeiro 2016,
 * and 0/29 after non-insulated RF microneedling in types III-V, PMC9110589). */
#define PIH_MECHANICAL_WEIGHT 0.1

/* Relative susceptibility by Fitzpatrick type, 1 for IV-VI (the reference). Darker skin has
 * more PIH (Chu 2021 in src/clinic/risks.c; pigmentation_pih.csv); the steps below IV are an
 * assumption. */
static double skin_factor(int fitzpatrick)
{
    static const double f[7] = {0.3, 0.05, 0.1, 0.3, 1.0, 1.0, 1.0};
    return fitzpatrick >= 1 && fitzpatrick <= 6 ? f[fitzpatrick] : f[0];
}

/* Odds ratio of PIH for outdoor activity between 1 and 5 pm after treatment: 8.10 (p = 0.038),
 * 28 patients, 67 solar lentigines after 532 nm Q-switched Nd:YAG laser, sun-exposure
 * questionnaire ('Postoperative risk assessment of post-inflammatory hyperpigmentation and the
 * efficacy of delayed prevention following 532 nm Q-switched Nd:YAG laser treatment of solar
 * lentigines: a randomized controlled study', PMID 39265567). low = the sun avoided, the
 * reference (the calibration cohort of J Drugs Dermatol 2013 had standard aftercare with
 * hydroquinone); moderate = sqrt(8.1) (assumption: halfway on the log-odds scale). */
static double sun_odds_ratio(mn_sun_exposure s)
{
    return s == MN_SUN_HIGH ? 8.10 : (s == MN_SUN_MODERATE ? 2.846 : 1.0);
}

double mn_healing_pih_probability(const mn_patient *pat, const mn_healing_injury *injuries,
                                  const double *erythema_days, int n_sessions)
{
    if (!pat || !injuries || n_sessions < 1)
        return 0.0;
    double hazard = 0;
    for (int s = 0; s < n_sessions; s++) {
        /* coagulated surface: the epidermis, or the top of the dermis with the epidermis above
         * it (ablative), as the open burn of course.c */
        double burnt = injuries[s].epidermal_thermal_fraction;
        if (injuries[s].thermal_fraction[0] > burnt)
            burnt = injuries[s].thermal_fraction[0];
        double area = burnt + PIH_MECHANICAL_WEIGHT * injuries[s].epidermal_wound_fraction;
        double ery = erythema_days && isfinite(erythema_days[s]) ? erythema_days[s] : 0.0;
        hazard += PIH_HAZARD_REF * skin_factor(pat->fitzpatrick) * area / PIH_AREA_REF * ery /
                  PIH_ERYTHEMA_REF_DAYS;
    }
    double p = 1.0 - exp(-hazard), k = sun_odds_ratio(pat->sun_exposure);
    return k == 1.0 ? p : k * p / (1.0 - p + k * p);
}
