/* The verification table (see verify.h). */
#include "run/verify.h"

#include "field/verify.h"
#include "heat/verify.h"

static const mn_verify_case cases[] = {
    {"field.gaussian_neumann",
     "3D Gaussian with Neumann image sums, uniform D: error, order in space and time",
     mn_verify_gaussian_neumann},
    {"field.two_layer_partition",
     "two-layer slab, partition jump, D contrast 1e4: exact piecewise-linear steady state",
     mn_verify_two_layer_partition},
    {"field.erfc_semi_infinite", "fixed surface value on a deep medium: c0*erfc(z/(2 sqrt(Dt)))",
     mn_verify_erfc_semi_infinite},
    {"field.manufactured_layered",
     "manufactured solution, 3 layers with D, K, capacity jumps, graded z, decay, source",
     mn_verify_manufactured_layered},
    {"field.mass_balance",
     "closed heterogeneous domain and finite donor + sink + decay: amounts balance",
     mn_verify_mass_balance},
    {"heat.gaussian_source",
     "continuous Gaussian heat source in uniform dermis: erfc closed form, order in space+time",
     mn_heat_verify_case_gaussian},
    {"heat.sphere_potential",
     "spherical electrode in a complex conductor: V0 a/r and current 4 pi sigma* a V0",
     mn_heat_verify_case_sphere},
    {"heat.energy_balance", "RF run: deposited = stored + conducted + perfused + latent",
     mn_heat_verify_case_energy},
    {"heat.stefan", "one-phase Stefan problem (vaporisation front, enthalpy method): Neumann",
     mn_heat_verify_case_stefan},
    /* Later stages add their cases here. */
};

const mn_verify_case *mn_verify_cases(size_t *count)
{
    if (count)
        *count = sizeof cases / sizeof cases[0];
    return cases;
}
