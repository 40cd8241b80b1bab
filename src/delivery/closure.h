/* Closure of needle channels: the open fraction of each channel falls first-order,
 * open(t) = exp(-t/tau), with tau set by occlusion, age and inflammation. The constants are a
 * fit to the bounds of ../shared/literature/channel_closure.md (docs/validation/delivery.md). */
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
/* ln 2 · tau: the channel_half_life_h output. */
mn_status mn_closure_half_life_h(const mn_closure_conditions *c, double *half_life_h);
/* exp(-t/tau); 1 for t <= 0. */
double mn_closure_open_fraction(double t_h, double tau_h);

#endif
