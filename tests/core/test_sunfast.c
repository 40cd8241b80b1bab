/* The LAPACK band solver and the optimised vector/matrix kernels give SUNDIALS' answers:
 * the solver reproduces a known solution of a band system that needs row pivoting and agrees
 * with SUNDIALS' own band LU to rounding; each kernel matches the Debian build's. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sunlinsol/sunlinsol_band.h>
#include <sunmatrix/sunmatrix_band.h>

#include <lapacke.h>

#include "core/sunfast.h"

enum { N = 61, ML = 3, MU = 4 };

/* Deterministic pseudo-random numbers in [-1, 1) (no library state). */
static double rnd(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return (double)(*s >> 8) / (double)(1u << 23) - 1.0;
}

/* A band matrix whose diagonal is small against its sub-diagonals, so partial pivoting must
 * swap rows, filled identically into a and b. */
static void fill(SUNMatrix a, SUNMatrix b)
{
    unsigned s = 12345u;
    for (sunindextype j = 0; j < N; j++)
        for (sunindextype i = j - MU; i <= j + ML; i++) {
            if (i < 0 || i >= N)
                continue;
            double v = i == j ? 0.01 * rnd(&s) : rnd(&s);
            SM_ELEMENT_B(a, i, j) = v;
            SM_ELEMENT_B(b, i, j) = v;
        }
}

static void band_solver_matches_known_solution_and_sundials(void **state)
{
    (void)state;
    SUNContext ctx;
    assert_int_equal(SUNContext_Create(NULL, &ctx), 0);
    N_Vector x = N_VNew_Serial(N, ctx), b = N_VClone(x), xs = N_VClone(x), bs = N_VClone(x);
    SUNMatrix a = SUNBandMatrix(N, MU, ML, ctx), as = SUNBandMatrix(N, MU, ML, ctx);
    fill(a, as);
    /* b = A x_true with x_true(i) = 1 + i/N */
    double *bd = N_VGetArrayPointer(b);
    for (sunindextype i = 0; i < N; i++) {
        double sum = 0;
        for (sunindextype j = i - ML; j <= i + MU; j++)
            if (j >= 0 && j < N)
                sum += SM_ELEMENT_B(a, i, j) * (1.0 + (double)j / N);
        bd[i] = sum;
    }
    N_VScale(1.0, b, bs);

    SUNLinearSolver ls = mn_sunfast_band_solver(x, a, ctx);
    SUNLinearSolver ref = SUNLinSol_Band(xs, as, ctx);
    assert_non_null(ls);
    assert_int_equal(SUNLinSolGetType(ls), SUNLINEARSOLVER_DIRECT);
    assert_int_equal(SUNLinSolInitialize(ls), SUNLS_SUCCESS);
    assert_int_equal(SUNLinSolSetup(ls, a), SUNLS_SUCCESS);
    assert_int_equal(SUNLinSolSolve(ls, a, x, b, 0.0), SUNLS_SUCCESS);
    assert_int_equal(SUNLinSolInitialize(ref), SUNLS_SUCCESS);
    assert_int_equal(SUNLinSolSetup(ref, as), SUNLS_SUCCESS);
    assert_int_equal(SUNLinSolSolve(ref, as, xs, bs, 0.0), SUNLS_SUCCESS);

    const double *xd = N_VGetArrayPointer(x), *xr = N_VGetArrayPointer(xs);
    for (sunindextype i = 0; i < N; i++) {
        assert_true(fabs(xd[i] - (1.0 + (double)i / N)) < 1e-9);
        assert_true(fabs(xd[i] - xr[i]) < 1e-11);
    }
    /* solving in place (x == b) gives the same answer */
    N_VScale(1.0, bs, b);
    assert_int_equal(SUNLinSolSolve(ls, a, b, b, 0.0), SUNLS_SUCCESS);
    for (sunindextype i = 0; i < N; i++)
        assert_true(N_VGetArrayPointer(b)[i] == xd[i]);

    /* a singular matrix is a recoverable failure, as with SUNDIALS' band solver */
    SUNMatZero(a);
    assert_int_equal(SUNLinSolSetup(ls, a), SUNLS_LUFACT_FAIL);

    SUNLinSolFree(ls);
    SUNLinSolFree(ref);
    SUNMatDestroy(a);
    SUNMatDestroy(as);
    N_VDestroy(x);
    N_VDestroy(b);
    N_VDestroy(xs);
    N_VDestroy(bs);
    SUNContext_Free(&ctx);
}

/* The factorisation is LAPACK's dgbtrf (its unblocked dgbtf2) operation for operation: the
 * same pivots and, to rounding, the same factors (bit for bit with the reference BLAS Debian
 * installs by default, which does not contract a - l*u) — with row swaps (a small diagonal) and
 * without (a dominant one, where U keeps the upper bandwidth mu and the back substitution skips
 * the fill rows); both solves reproduce the known solution. */
static void band_lu_is_dgbtrf(void **state)
{
    (void)state;
    SUNContext ctx;
    assert_int_equal(SUNContext_Create(NULL, &ctx), 0);
    for (int dominant = 0; dominant < 2; dominant++) {
        N_Vector x = N_VNew_Serial(N, ctx), b = N_VClone(x);
        SUNMatrix a = SUNBandMatrix(N, MU, ML, ctx), r = SUNBandMatrix(N, MU, ML, ctx);
        fill(a, r);
        if (dominant)
            for (sunindextype j = 0; j < N; j++) {
                SM_ELEMENT_B(a, j, j) = 10.0 + j % 3;
                SM_ELEMENT_B(r, j, j) = 10.0 + j % 3;
            }
        double *bd = N_VGetArrayPointer(b);
        for (sunindextype i = 0; i < N; i++) {
            double sum = 0;
            for (sunindextype j = i - ML; j <= i + MU; j++)
                if (j >= 0 && j < N)
                    sum += SM_ELEMENT_B(a, i, j) * (1.0 + (double)j / N);
            bd[i] = sum;
        }
        SUNLinearSolver ls = mn_sunfast_band_solver(x, a, ctx);
        assert_int_equal(SUNLinSolSetup(ls, a), SUNLS_SUCCESS);
        lapack_int piv[N];
        assert_int_equal(LAPACKE_dgbtrf(LAPACK_COL_MAJOR, N, N, ML, MU, SM_DATA_B(r),
                                        (lapack_int)SM_LDIM_B(r), piv),
                         0);
        int swaps = 0;
        for (sunindextype j = 0; j < N; j++)
            swaps += piv[j] != j + 1;
        assert_true(dominant ? swaps == 0 : swaps > 0);
        const double *fa = SM_DATA_B(a), *fr = SM_DATA_B(r);
        for (sunindextype k = 0; k < SM_LDATA_B(a); k++)
            assert_true(fabs(fa[k] - fr[k]) <= 1e-13 * (1 + fabs(fr[k])));
        assert_int_equal(SUNLinSolSolve(ls, a, x, b, 0.0), SUNLS_SUCCESS);
        for (sunindextype i = 0; i < N; i++)
            assert_true(fabs(N_VGetArrayPointer(x)[i] - (1.0 + (double)i / N)) < 1e-9);
        SUNLinSolFree(ls);
        SUNMatDestroy(a);
        SUNMatDestroy(r);
        N_VDestroy(x);
        N_VDestroy(b);
    }
    SUNContext_Free(&ctx);
}

static int close_rel(double a, double b)
{
    return fabs(a - b) <= 1e-15 * (fabs(a) + fabs(b)) + 1e-300;
}

static void vector_kernels_match_serial(void **state)
{
    (void)state;
    SUNContext ctx;
    assert_int_equal(SUNContext_Create(NULL, &ctx), 0);
    N_Vector f[4], r[4]; /* fast, reference */
    f[0] = N_VNew_Serial(N, ctx);
    r[0] = N_VNew_Serial(N, ctx);
    assert_int_equal(mn_sunfast_vector(f[0]), 0);
    for (int k = 1; k < 4; k++) {
        f[k] = N_VClone(f[0]); /* clones inherit the fast operations */
        r[k] = N_VClone(r[0]);
    }
    assert_true(f[1]->ops->nvlinearsum == f[0]->ops->nvlinearsum);
    assert_true(f[1]->ops->nvlinearsum != r[1]->ops->nvlinearsum);
    unsigned s = 7u;
    for (int k = 0; k < 3; k++)
        for (sunindextype i = 0; i < N; i++) {
            double v = rnd(&s) + (k == 2 ? 2.0 : 0.0);
            N_VGetArrayPointer(f[k])[i] = v;
            N_VGetArrayPointer(r[k])[i] = v;
        }
#define SAME()                                                                                     \
    for (sunindextype i = 0; i < N; i++)                                                           \
        assert_true(close_rel(N_VGetArrayPointer(f[3])[i], N_VGetArrayPointer(r[3])[i]));
    N_VLinearSum(0.3, f[0], -1.7, f[1], f[3]);
    N_VLinearSum(0.3, r[0], -1.7, r[1], r[3]);
    SAME();
    N_VLinearSum(2.0, f[0], -2.0, f[1], f[3]);
    N_VLinearSum(2.0, r[0], -2.0, r[1], r[3]);
    SAME();
    N_VProd(f[0], f[1], f[3]);
    N_VProd(r[0], r[1], r[3]);
    SAME();
    N_VDiv(f[0], f[2], f[3]);
    N_VDiv(r[0], r[2], r[3]);
    SAME();
    N_VScale(-0.25, f[1], f[3]);
    N_VScale(-0.25, r[1], r[3]);
    SAME();
    N_VAbs(f[1], f[3]);
    N_VAbs(r[1], r[3]);
    SAME();
    N_VInv(f[2], f[3]);
    N_VInv(r[2], r[3]);
    SAME();
    N_VAddConst(f[1], 0.5, f[3]);
    N_VAddConst(r[1], 0.5, r[3]);
    SAME();
    sunrealtype c[3] = {0.5, -1.25, 3.0};
    N_VLinearCombination(3, c, f, f[3]);
    N_VLinearCombination(3, c, r, r[3]);
    SAME();
    N_VScale(1.0, f[1], f[3]);
    N_VScale(1.0, r[1], r[3]);
    N_Vector fy[1] = {f[3]}, ry[1] = {r[3]};
    N_VScaleAddMulti(1, c, f[0], fy, fy);
    N_VScaleAddMulti(1, c, r[0], ry, ry);
    SAME();
    assert_true(close_rel(N_VWrmsNorm(f[0], f[2]), N_VWrmsNorm(r[0], r[2])));
    assert_true(N_VMaxNorm(f[1]) == N_VMaxNorm(r[1]));
    N_VConst(4.5, f[3]);
    N_VConst(4.5, r[3]);
    SAME();
#undef SAME
    for (int k = 0; k < 4; k++) {
        N_VDestroy(f[k]);
        N_VDestroy(r[k]);
    }
    SUNContext_Free(&ctx);
}

static void band_matrix_kernels_match_sundials(void **state)
{
    (void)state;
    SUNContext ctx;
    assert_int_equal(SUNContext_Create(NULL, &ctx), 0);
    SUNMatrix a = SUNBandMatrix(N, MU, ML, ctx), ar = SUNBandMatrix(N, MU, ML, ctx);
    assert_int_equal(mn_sunfast_band_matrix(a), 0);
    fill(a, ar);
    SUNMatrix b = SUNMatClone(a), br = SUNMatClone(ar);
    assert_true(b->ops->copy == a->ops->copy); /* clones (CVODE's saved Jacobian) too */
    assert_int_equal(SUNMatCopy(a, b), SUNMAT_SUCCESS);
    assert_int_equal(SUNMatCopy(ar, br), SUNMAT_SUCCESS);
    assert_int_equal(SUNMatScaleAddI(-0.3, b), SUNMAT_SUCCESS);
    assert_int_equal(SUNMatScaleAddI(-0.3, br), SUNMAT_SUCCESS);
    for (sunindextype k = 0; k < SM_LDATA_B(b); k++)
        assert_true(SM_DATA_B(b)[k] == SM_DATA_B(br)[k]);
    assert_int_equal(SUNMatZero(b), SUNMAT_SUCCESS);
    for (sunindextype k = 0; k < SM_LDATA_B(b); k++)
        assert_true(SM_DATA_B(b)[k] == 0.0);
    SUNMatDestroy(a);
    SUNMatDestroy(ar);
    SUNMatDestroy(b);
    SUNMatDestroy(br);
    SUNContext_Free(&ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(band_solver_matches_known_solution_and_sundials),
        cmocka_unit_test(band_lu_is_dgbtrf),
        cmocka_unit_test(vector_kernels_match_serial),
        cmocka_unit_test(band_matrix_kernels_match_sundials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
