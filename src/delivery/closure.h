/* Closure of needle channels: the open share of each channel's cross-section shrinks first
 * order and reaches zero at the closure time t_c = 3·tau (ln 20 tau), the time by which the
 * barrier is back:
 *     open(t) = max(0, (exp(-t/tau) - 0.05) / 0.95).
 * Why it must reach zero: an open channel conducts about 1e5 times more than the stratum
 * corneum, so any residual opening (a pure exponential never reaches 0) would keep the barrier
 * far from baseline, against the observed recovery. tau is set by occlusion, age and
 * inflammation; the constants are a fit to the bounds of ../shared/literature/channel_closure.md
 * (docs/validation/delivery.md). */
#ifndef MN_DELIVERY_CLOSURE_H
#define MN_DELIVERY_CLOSURE_H

#include <stdbool.h>

#include "mnsim/status.h"

typedef struct mn_closure_conditions {
    bool occluded;                /* site covered (patch, film, occlusive product) */
    double age_years;             /* patient age */
    bool inflammation_suppressed; /* e.g. topical NSAID at the site (Brogden 2012/2013) */
} mn_closure_conditions;

/* Time constant tau (h) of the open fraction. */
mn_status mn_closure_time_constant_h(const mn_closure_conditions *c, double *tau_h);
/* Time at which open(t) = 1/2: tau·ln(1/0.525) (the channel_half_life_h output). */
mn_status mn_closure_half_life_h(const mn_closure_conditions *c, double *half_life_h);
/* The open share above; 1 for t <= 0, 0 from 3 tau on. */
double mn_closure_open_fraction(double t_h, double tau_h);

#endif
