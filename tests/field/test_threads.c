/* Results are bitwise identical for 1 and 2 OpenMP threads: every voxel is computed by one
 * thread with the same operations, and reductions are per plane in a fixed order. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <omp.h>

#include "field/bench.h"
#include "mnsim/field.h"

/* The benchmark problem (fast path, single-precision storage), small. */
static void bench_identical(void **state)
{
    mn_bench_diffusion_params p = mn_bench_diffusion_defaults();
    p.n = 40;
    p.steps = 10;
    mn_bench_diffusion_result r1, r2;
    p.threads = 1;
    assert_int_equal(mn_bench_diffusion(&p, &r1), MN_OK);
    p.threads = 2;
    assert_int_equal(mn_bench_diffusion(&p, &r2), MN_OK);
    assert_int_equal(r2.threads, 2);
    assert_true(r1.checksum == r2.checksum);
    assert_int_equal(r1.internal_steps, r2.internal_steps);
    /* and it is the diffusion it claims: the image-sum error is small */
    assert_true(r1.rel_l2_error < 1e-3);
}

/* A heterogeneous field with a finite donor (general path, double storage). */
static void run_general(int threads, double *c, double *amounts)
{
    omp_set_num_threads(threads);
    const int nx = 34, ny = 32, nz = 32; /* above the one-thread threshold */
    const size_t nv = (size_t)nx * ny * nz;
    double *D = malloc(nv * sizeof *D), *K = malloc(nv * sizeof *K);
    assert_non_null(D);
    assert_non_null(K);
    for (size_t q = 0; q < nv; q++) {
        D[q] = 1.0 + (double)((q * 7) % 13) * 30.0;
        K[q] = 1.0 + (double)((q * 3) % 5);
    }
    mn_grid *g = NULL;
    mn_field *f = NULL;
    assert_int_equal(mn_grid_create_uniform(nx, ny, nz, 5.0, &g), MN_OK);
    assert_int_equal(mn_field_create(g, 1, &f), MN_OK);
    assert_int_equal(mn_field_set_diffusivity(f, 0, D), MN_OK);
    assert_int_equal(mn_field_set_partition(f, 0, K), MN_OK);
    assert_int_equal(mn_field_set_decay_uniform(f, 0, 1e-3), MN_OK);
    assert_int_equal(mn_field_set_donor(f, 0, MN_FACE_TOP, 1e5, 1.5, 2.0), MN_OK);
    assert_int_equal(mn_field_set_boundary(f, 0, MN_FACE_X_HI, MN_BC_FIXED, 0.5), MN_OK);
    assert_int_equal(mn_field_set_tolerance(f, 1e-2, 0), MN_OK);
    assert_int_equal(mn_field_step(f, 0.5), MN_OK);
    assert_int_equal(mn_field_get_values(f, 0, c), MN_OK);
    assert_int_equal(mn_field_get_mass(f, 0, &amounts[0]), MN_OK);
    assert_int_equal(mn_field_get_boundary_amount(f, 0, MN_FACE_TOP, &amounts[1]), MN_OK);
    assert_int_equal(mn_field_get_reaction_amount(f, 0, &amounts[2]), MN_OK);
    mn_field_free(f);
    mn_grid_free(g);
    free(D);
    free(K);
}

static void general_identical(void **state)
{
    enum { NV = 34 * 32 * 32 };
    static double c1[NV], c2[NV];
    double a1[3], a2[3];
    run_general(1, c1, a1);
    run_general(2, c2, a2);
    assert_memory_equal(c1, c2, sizeof c1);
    assert_memory_equal(a1, a2, sizeof a1);
    assert_true(a1[1] > 0); /* the donor delivered something */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bench_identical),
        cmocka_unit_test(general_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
