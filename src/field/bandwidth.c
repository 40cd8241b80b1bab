/* The machine's memory bandwidth, measured as STREAM does (McCalpin 1995, IEEE TCCA Newsletter,
 * "Memory bandwidth and machine balance in current high performance computers"): copy
 * a = b and triad a = b + q·c over arrays far larger than the caches, each kernel the best of
 * several repetitions, bytes counted as explicit loads and stores. It is the bound the field
 * engine's benchmark is compared with (`mnsim bench bandwidth`, `mnsim bench diffusion`). */
#include <omp.h>
#include <stdlib.h>

#include "core/error.h"
#include "mnsim/bench.h"

mn_bench_bandwidth_params mn_bench_bandwidth_defaults(void)
{
    return (mn_bench_bandwidth_params){.elements = 1L << 24, .repeats = 10, .threads = 0};
}

mn_status mn_bench_bandwidth(const mn_bench_bandwidth_params *p, mn_bench_bandwidth_result *r)
{
    if (!p || !r)
        return mn_error_set(MN_EINPUT, "mn_bench_bandwidth: NULL argument");
    if (p->elements < 1024 || p->elements > (1L << 30) || p->repeats < 1 || p->repeats > 1000 ||
        p->threads < 0)
        return mn_error_set(MN_EINPUT,
                            "mn_bench_bandwidth: elements %ld, repeats %d, threads %d (expected "
                            "1024..2^30, 1..1000, >= 0)",
                            p->elements, p->repeats, p->threads);
    if (p->threads > 0)
        omp_set_num_threads(p->threads);
    const long n = p->elements;
    double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b),
           *c = malloc((size_t)n * sizeof *c);
    if (!a || !b || !c) {
        free(a), free(b), free(c);
        return mn_error_set(MN_ENOMEM, "mn_bench_bandwidth: out of memory for 3 x %ld doubles", n);
    }
    /* first touch by the threads that will use the pages */
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++)
        a[i] = 1.0, b[i] = 2.0, c[i] = 0.5;
    double best_copy = 1e300, best_triad = 1e300;
    const double q = 3.0;
    for (int rep = 0; rep < p->repeats; rep++) {
        double t0 = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (long i = 0; i < n; i++)
            a[i] = b[i];
        double t1 = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (long i = 0; i < n; i++)
            a[i] = b[i] + q * c[i];
        double t2 = omp_get_wtime();
        best_copy = t1 - t0 < best_copy ? t1 - t0 : best_copy;
        best_triad = t2 - t1 < best_triad ? t2 - t1 : best_triad;
    }
    /* keep the stores observable */
    volatile double sink = a[n / 2];
    (void)sink;
    r->elements = n;
    r->threads = omp_get_max_threads();
    r->copy_gb_s = 16.0 * (double)n / best_copy * 1e-9;
    r->triad_gb_s = 24.0 * (double)n / best_triad * 1e-9;
    free(a), free(b), free(c);
    return MN_OK;
}
