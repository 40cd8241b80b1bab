/* OpenMP's wait policy, set where it takes effect.
 *
 * libgomp reads OMP_WAIT_POLICY once, when it is loaded, before main() runs; its default
 * spins waiting threads for up to about 300,000 iterations between parallel regions. On a
 * shared machine a spinning thread takes the core a working thread of this or another process
 * needs, and a 2-thread run became 2.6-2.8 times slower than a 1-thread one as soon as another
 * process competed (issue 17). So, unless the user chose a policy, the command re-executes
 * itself once with OMP_WAIT_POLICY=PASSIVE: waiting threads sleep. */
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

void mn_cli_omp_wait_policy(char **argv)
{
    if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT"))
        return; /* the user's choice, or already re-executed */
    if (setenv("OMP_WAIT_POLICY", "PASSIVE", 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    /* No /proc (or exec refused): run on with libgomp's default policy. */
}
