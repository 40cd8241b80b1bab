/* Internals shared by the healing files: the result object. */
#ifndef MN_HEALING_INTERNAL_H
#define MN_HEALING_INTERNAL_H

#include "healing/healing.h"

struct mn_healing_result {
    int n_sessions;
    double end_day, epidermis0_um;
    double *session_days, *erythema_days, *peak_inflammation, *peak_mediator;
    size_t rows;
    double *times;    /* rows */
    double *timeline; /* rows x MN_TL_NCOL */
    double pih_probability;
};

/* Activated-synthesis factor of a patient: age, smoking, uncontrolled diabetes (course.c). */
double mn_healing_synthesis_factor(const mn_healing_params *p, const mn_patient *pat);
/* Re-epithelialisation rate factor of a patient: smoking, uncontrolled diabetes (course.c). */
double mn_healing_reepi_factor(const mn_healing_params *p, const mn_patient *pat);
/* Factor on activated synthesis from the healing-active products delivered to the dermis over
 * the sessions (products.c, data/healing_products.csv); 1 without one. */
mn_status mn_healing_product_factor(const mn_healing_injury *injuries, int n_sessions,
                                    double *factor);
/* Factor on the PIH hazard from the products delivered (target "pih", e.g. tranexamic acid);
 * 1 without one. */
mn_status mn_healing_product_pih_factor(const mn_healing_injury *injuries, int n_sessions,
                                        double *factor);

/* A virtual patient's own skin (thickness.c): when p's epidermis or dermis thickness factor is
 * not 1, fills pcol with the patient's column and pin[0..n-1] with the injuries re-read at the
 * same depths below the surface on its grid, and returns 1; returns 0 (nothing written) for
 * the column's own skin. */
int mn_healing_patient_skin(const mn_healing_params *p, const mn_column *col,
                            const mn_healing_injury *in, int n, mn_column *pcol,
                            mn_healing_injury *pin);

/* Derives erythema days from the finished timeline. */
void mn_healing_result_finish(mn_healing_result *r);

#endif
