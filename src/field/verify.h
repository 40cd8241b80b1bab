/* The field engine's code-verification cases (verify_cases.c), each comparing the engine with
 * an exact solution. The table `mnsim verify` runs is run/verify.h. */
#ifndef MN_FIELD_VERIFY_H
#define MN_FIELD_VERIFY_H

#include "core/verify.h"

mn_status mn_verify_gaussian_neumann(mn_verify_result *r);
mn_status mn_verify_two_layer_partition(mn_verify_result *r);
mn_status mn_verify_erfc_semi_infinite(mn_verify_result *r);
mn_status mn_verify_manufactured_layered(mn_verify_result *r);
mn_status mn_verify_mass_balance(mn_verify_result *r);

#endif
