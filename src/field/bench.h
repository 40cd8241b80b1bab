/* The diffusion benchmark of DESIGN.md "Performance", as a library function so the
 * command prints it and tests can run it small (declared in the public mnsim/bench.h). */
#ifndef MN_FIELD_BENCH_H
#define MN_FIELD_BENCH_H

#include "mnsim/bench.h"

#endif
