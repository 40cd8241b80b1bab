/* LAPACK band solver and optimised serial vector kernels for CVODE (why: sunfast.h). */
#include "core/sunfast.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sunmatrix/sunmatrix_band.h>

/* ---- band linear solver ------------------------------------------------------------------ */

/* Element-wise loops vectorise with the widest unit the CPU has; ISO C leaves floating-point
 * contraction off, so every clone rounds as the plain build does (the same bits). Reductions
 * are not vectorised (the compiler keeps their order). */
#define MN_HOT __attribute__((target_clones("avx512f", "avx2", "default")))

typedef struct band_content {
    lapack_int n;
    lapack_int *pivots;
    lapack_int uband; /* upper bandwidth of U after the last factorisation (ku without swaps) */
    sunindextype last_flag;
} band_content;

#define BAND(s) ((band_content *)(s)->content)

static SUNLinearSolver_Type band_type(SUNLinearSolver s)
{
    (void)s;
    return SUNLINEARSOLVER_DIRECT;
}

static SUNLinearSolver_ID band_id(SUNLinearSolver s)
{
    (void)s;
    return SUNLINEARSOLVER_CUSTOM;
}

static int band_initialize(SUNLinearSolver s)
{
    BAND(s)->last_flag = SUNLS_SUCCESS;
    return SUNLS_SUCCESS;
}

/* LU with partial pivoting in place: LAPACK's unblocked band LU (dgbtf2, which dgbtrf itself
 * runs when the bandwidth kl is below its block size, as here) operation for operation: the
 * pivot is the first entry of largest magnitude (idamax), rows swap over the columns the
 * factorisation has reached (ju), multipliers are scaled by the pivot's reciprocal (dscal) and
 * the trailing band gets a - l*u, skipping a zero u (dger). So the factors are dgbtrf's, bit for
 * bit (no contraction), whatever BLAS is installed, at a fraction of the cost: one BLAS call per
 * column for a dozen entries each was 18 % of a virtual patient (callgrind). Returns LAPACK's
 * info: 0, or j + 1 for the first zero pivot in column j. *uband: the upper bandwidth of U,
 * ku unless rows were swapped (so the back substitution skips the fill rows left zero). */
MN_HOT static lapack_int band_lu(lapack_int n, lapack_int kl, lapack_int ku, double *restrict ab,
                                 lapack_int ld, lapack_int *restrict ipiv, lapack_int *uband)
{
    lapack_int kv = ku + kl, info = 0, ju = 0, ub = ku;
    /* the fill rows of columns ku + 1 .. kv - 1 (0-based) start at zero */
    for (lapack_int j = ku + 1; j < (kv < n ? kv : n); j++)
        for (lapack_int i = kv - j; i < kl; i++)
            ab[(size_t)j * (size_t)ld + (size_t)i] = 0.0;
    for (lapack_int j = 0; j < n; j++) {
        double *cj = ab + (size_t)j * (size_t)ld;
        if (j + kv < n)
            memset(ab + (size_t)(j + kv) * (size_t)ld, 0, (size_t)kl * sizeof *ab);
        lapack_int km = kl < n - 1 - j ? kl : n - 1 - j;
        /* idamax over the diagonal and the km entries below it */
        lapack_int jp = 0;
        double big = fabs(cj[kv]);
        for (lapack_int i = 1; i <= km; i++)
            if (fabs(cj[kv + i]) > big) {
                big = fabs(cj[kv + i]);
                jp = i;
            }
        ipiv[j] = j + jp + 1;
        if (cj[kv + jp] == 0.0) {
            if (info == 0)
                info = j + 1;
            continue;
        }
        lapack_int last = j + ku + jp < n - 1 ? j + ku + jp : n - 1;
        ju = ju > last ? ju : last;
        ub = ub > ju - j ? ub : ju - j;
        if (jp != 0) /* rows j and j + jp over columns j .. ju (stride ld - 1 in the storage) */
            for (lapack_int c = 0; c <= ju - j; c++) {
                double *col = ab + (size_t)(j + c) * (size_t)ld + (size_t)(kv - c);
                double t = col[jp];
                col[jp] = col[0];
                col[0] = t;
            }
        if (km == 0)
            continue;
        double r = 1.0 / cj[kv];
        double *l = cj + kv + 1;
        for (lapack_int i = 0; i < km; i++)
            l[i] = r * l[i];
        for (lapack_int c = 1; c <= ju - j; c++) {
            double *col = ab + (size_t)(j + c) * (size_t)ld + (size_t)(kv - c); /* col[0]: row j */
            if (col[0] == 0.0)
                continue;
            double t = -1.0 * col[0];
            for (lapack_int i = 0; i < km; i++)
                col[1 + i] = col[1 + i] + l[i] * t;
        }
    }
    *uband = ub;
    return info;
}

/* SUNBandMatrix(n, mu, ml) stores mu + ml upper diagonals, so its ldim = 2 ml + mu + 1 is
 * LAPACK's LDAB with the fill rows on top. */
static int band_setup(SUNLinearSolver s, SUNMatrix a)
{
    band_content *c = BAND(s);
    if (SUNMatGetID(a) != SUNMATRIX_BAND || SUNBandMatrix_Columns(a) != c->n ||
        SUNBandMatrix_StoredUpperBandwidth(a) !=
            SUNBandMatrix_UpperBandwidth(a) + SUNBandMatrix_LowerBandwidth(a)) {
        c->last_flag = SUNLS_ILL_INPUT;
        return SUNLS_ILL_INPUT;
    }
    lapack_int ml = (lapack_int)SUNBandMatrix_LowerBandwidth(a);
    lapack_int mu = (lapack_int)SUNBandMatrix_UpperBandwidth(a);
    lapack_int info = band_lu(c->n, ml, mu, SUNBandMatrix_Data(a),
                              (lapack_int)SUNBandMatrix_LDim(a), c->pivots, &c->uband);
    c->last_flag = info;
    /* info > 0: a zero pivot, recoverable (CVODE retries with a smaller step) */
    return info == 0 ? SUNLS_SUCCESS : SUNLS_LUFACT_FAIL;
}

/* Forward and back substitution with dgbtrf's factors, as dgbtrs does for one right-hand
 * side (LAPACK's documented layout: row pivots in ipiv, multipliers of L in the kl rows below
 * the diagonal, U in the kl + ku rows above). Here rather than dgbtrs itself because dgbtrs
 * makes one BLAS call per column (dger on <= kl entries, then dtbsv): on the healing course
 * (n = 288, kl = ku = 12) those calls cost 125,000 instructions per solve against 60,000
 * (vectorised) for these loops (callgrind), and the solve was half of a virtual patient's
 * time. Without row swaps U keeps the upper bandwidth ku, not kl + ku, and the loops stop there
 * (38,000 instructions).
 * Checked against LAPACKE_dgbtrs in tests/core/test_sunfast.c. */
static inline __attribute__((always_inline)) void
substitute(lapack_int n, lapack_int kl, lapack_int kv, lapack_int ub, const double *restrict ab,
           lapack_int ld, const lapack_int *restrict ipiv, double *restrict b)
{
    for (lapack_int j = 0; j < n - 1; j++) {
        lapack_int p = ipiv[j] - 1;
        double t = b[p];
        if (p != j) {
            b[p] = b[j];
            b[j] = t;
        }
        const double *l = ab + (size_t)j * (size_t)ld + (size_t)kv + 1;
        double *bj = b + j + 1;
        if (j < n - 1 - kl) /* a full column of kl multipliers: a fixed trip count */
            for (lapack_int i = 0; i < kl; i++)
                bj[i] -= l[i] * t;
        else
            for (lapack_int i = 0; i < n - 1 - j; i++)
                bj[i] -= l[i] * t;
    }
    for (lapack_int j = n - 1; j >= 0; j--) {
        const double *col = ab + (size_t)j * (size_t)ld + (size_t)(kv - j); /* col[i] = U(i, j) */
        double t = b[j] / col[j];
        b[j] = t;
        /* U(i, j) = 0 above row j - ub: the fill rows never filled (band_lu) */
        if (j >= ub) {
            double *bt = b + (j - ub);
            const double *ct = col + (j - ub);
            for (lapack_int i = 0; i < ub; i++)
                bt[i] -= ct[i] * t;
        } else {
            for (lapack_int i = 0; i < j; i++)
                b[i] -= col[i] * t;
        }
    }
}

/* Compiled apart for the healing course's bandwidths (kl = ub = 12: its 12 unknowns per depth
 * cell), where the fixed trip counts become whole vectors (38,000 -> 35,600 instructions per
 * solve with AVX2, callgrind). The same operations in the same order either way. */
MN_HOT static void band_substitute(lapack_int n, lapack_int kl, lapack_int ku, lapack_int ub,
                                   const double *restrict ab, lapack_int ld,
                                   const lapack_int *restrict ipiv, double *restrict b)
{
    if (kl == 12 && ub == 12)
        substitute(n, 12, 12 + ku, 12, ab, ld, ipiv, b);
    else
        substitute(n, kl, kl + ku, ub, ab, ld, ipiv, b);
}

static int band_solve(SUNLinearSolver s, SUNMatrix a, N_Vector x, N_Vector b, sunrealtype tol)
{
    (void)tol;
    band_content *c = BAND(s);
    if (x != b)
        N_VScale(1.0, b, x);
    band_substitute(c->n, (lapack_int)SUNBandMatrix_LowerBandwidth(a),
                    (lapack_int)SUNBandMatrix_UpperBandwidth(a), c->uband, SUNBandMatrix_Data(a),
                    (lapack_int)SUNBandMatrix_LDim(a), c->pivots, N_VGetArrayPointer(x));
    c->last_flag = SUNLS_SUCCESS;
    return SUNLS_SUCCESS;
}

static sunindextype band_last_flag(SUNLinearSolver s)
{
    return BAND(s)->last_flag;
}

static int band_space(SUNLinearSolver s, long *lrw, long *liw)
{
    *lrw = 0;
    *liw = 2 + (long)BAND(s)->n;
    return SUNLS_SUCCESS;
}

static int band_free(SUNLinearSolver s)
{
    if (!s)
        return SUNLS_SUCCESS;
    if (s->content) {
        free(BAND(s)->pivots);
        free(s->content);
        s->content = NULL;
    }
    SUNLinSolFreeEmpty(s);
    return SUNLS_SUCCESS;
}

SUNLinearSolver mn_sunfast_band_solver(N_Vector y, SUNMatrix a, SUNContext ctx)
{
    if (!y || !a || SUNMatGetID(a) != SUNMATRIX_BAND ||
        SUNBandMatrix_Rows(a) != SUNBandMatrix_Columns(a) ||
        N_VGetLength(y) != SUNBandMatrix_Rows(a) || SUNBandMatrix_Rows(a) > 0x7fffffff ||
        SUNBandMatrix_StoredUpperBandwidth(a) !=
            SUNBandMatrix_UpperBandwidth(a) + SUNBandMatrix_LowerBandwidth(a))
        return NULL;
    SUNLinearSolver s = SUNLinSolNewEmpty(ctx);
    if (!s)
        return NULL;
    band_content *c = calloc(1, sizeof *c);
    lapack_int n = (lapack_int)SUNBandMatrix_Rows(a);
    if (c)
        c->pivots = malloc((size_t)(n > 0 ? n : 1) * sizeof *c->pivots);
    if (!c || !c->pivots) {
        free(c);
        SUNLinSolFreeEmpty(s);
        return NULL;
    }
    c->n = n;
    s->content = c;
    s->ops->gettype = band_type;
    s->ops->getid = band_id;
    s->ops->initialize = band_initialize;
    s->ops->setup = band_setup;
    s->ops->solve = band_solve;
    s->ops->lastflag = band_last_flag;
    s->ops->space = band_space;
    s->ops->free = band_free;
    return s;
}

/* ---- band matrix kernels ------------------------------------------------------------------
 * The operations CVODE's linear-solver interface applies at every setup (zero before a
 * Jacobian, copy to and from its saved Jacobian, A = I - gamma J), with SUNDIALS' semantics. */

static int bm_zero(SUNMatrix a)
{
    memset(SM_DATA_B(a), 0, (size_t)SM_LDATA_B(a) * sizeof(sunrealtype));
    return SUNMAT_SUCCESS;
}

/* B = A: the fill rows above the stored band become zero, the band is copied. */
MN_HOT static int bm_copy(SUNMatrix a, SUNMatrix b)
{
    if (SM_COLUMNS_B(a) != SM_COLUMNS_B(b) || SM_UBAND_B(a) != SM_UBAND_B(b) ||
        SM_LBAND_B(a) != SM_LBAND_B(b) || SM_SUBAND_B(a) != SM_SUBAND_B(b))
        return SUNMatCopy_Band(a, b);
    sunindextype ld = SM_LDIM_B(a), fill = SM_SUBAND_B(a) - SM_UBAND_B(a);
    const sunrealtype *src = SM_DATA_B(a);
    sunrealtype *dst = SM_DATA_B(b);
    for (sunindextype j = 0; j < SM_COLUMNS_B(a); j++) {
        memset(dst + j * ld, 0, (size_t)fill * sizeof *dst);
        memcpy(dst + j * ld + fill, src + j * ld + fill, (size_t)(ld - fill) * sizeof *dst);
    }
    return SUNMAT_SUCCESS;
}

/* A = c A + I over the band (the fill rows are left as they are, as SUNDIALS does). */
MN_HOT static int bm_scale_add_i(sunrealtype c, SUNMatrix a)
{
    sunindextype ld = SM_LDIM_B(a), smu = SM_SUBAND_B(a), mu = SM_UBAND_B(a);
    sunindextype ml = SM_LBAND_B(a);
    sunrealtype *d = SM_DATA_B(a);
    for (sunindextype j = 0; j < SM_COLUMNS_B(a); j++) {
        sunrealtype *col = d + j * ld + smu;
        for (sunindextype i = -mu; i <= ml; i++)
            col[i] *= c;
        col[0] += 1.0;
    }
    return SUNMAT_SUCCESS;
}

static SUNMatrix bm_clone(SUNMatrix a)
{
    SUNMatrix b = SUNMatClone_Band(a);
    if (b)
        mn_sunfast_band_matrix(b);
    return b;
}

int mn_sunfast_band_matrix(SUNMatrix a)
{
    if (!a || SUNMatGetID(a) != SUNMATRIX_BAND)
        return -1;
    a->ops->zero = bm_zero;
    a->ops->copy = bm_copy;
    a->ops->scaleaddi = bm_scale_add_i;
    a->ops->clone = bm_clone;
    return 0;
}

/* ---- serial vector kernels ----------------------------------------------------------------
 * Element-wise loops read every input of element i before writing output i, so an output may
 * alias any input, as the N_Vector contract allows. Reductions sum in index order, so results
 * do not depend on threads. */

#define DATA(v) NV_DATA_S(v)
#define LEN(v)  NV_LENGTH_S(v)

MN_HOT static void v_linear_sum(sunrealtype a, N_Vector x, sunrealtype b, N_Vector y, N_Vector z)
{
    const sunrealtype *xd = DATA(x), *yd = DATA(y);
    sunrealtype *zd = DATA(z);
    sunindextype n = LEN(x);
    for (sunindextype i = 0; i < n; i++)
        zd[i] = a * xd[i] + b * yd[i];
}

MN_HOT static void v_const(sunrealtype c, N_Vector z)
{
    sunrealtype *zd = DATA(z);
    sunindextype n = LEN(z);
    for (sunindextype i = 0; i < n; i++)
        zd[i] = c;
}

MN_HOT static void v_prod(N_Vector x, N_Vector y, N_Vector z)
{
    const sunrealtype *xd = DATA(x), *yd = DATA(y);
    sunrealtype *zd = DATA(z);
    sunindextype n = LEN(x);
    for (sunindextype i = 0; i < n; i++)
        zd[i] = xd[i] * yd[i];
}

MN_HOT static void v_div(N_Vector x, N_Vector y, N_Vector z)
{
    const sunrealtype *xd = DATA(x), *yd = DATA(y);
    sunrealtype *zd = DATA(z);
    sunindextype n = LEN(x);
    for (sunindextype i = 0; i < n; i++)
        zd[i] = xd[i] / yd[i];
}

MN_HOT static void v_scale(sunrealtype c, N_Vector x, N_Vector z)
{
    const sunrealtype *xd = DATA(x);
    sunrealtype *zd = DATA(z);
    sunindextype n = LEN(x);
    for (sunindextype i = 0; i < n; i++)
        zd[i] = c * xd[i];
}

MN_HOT static void v_abs(N_Vector x, N_Vector z)
{
    const sunrealtype *xd = DATA(x);
    sunrealtype *zd = DATA(z);
    sunindextype n = LEN(x);
    for (sunindextype i = 0; i < n; i++)
        zd[i] = fabs(xd[i]);
}

MN_HOT static void v_inv(N_Vector x, N_Vector z)
{
    const sunrealtype *xd = DATA(x);
    sunrealtype *zd = DATA(z);
    sunindextype n = LEN(x);
    for (sunindextype i = 0; i < n; i++)
        zd[i] = 1.0 / xd[i];
}

MN_HOT static void v_add_const(N_Vector x, sunrealtype b, N_Vector z)
{
    const sunrealtype *xd = DATA(x);
    sunrealtype *zd = DATA(z);
    sunindextype n = LEN(x);
    for (sunindextype i = 0; i < n; i++)
        zd[i] = xd[i] + b;
}

static sunrealtype v_max_norm(N_Vector x)
{
    const sunrealtype *xd = DATA(x);
    sunindextype n = LEN(x);
    sunrealtype m = 0;
    for (sunindextype i = 0; i < n; i++)
        m = fabs(xd[i]) > m ? fabs(xd[i]) : m;
    return m;
}

static sunrealtype v_wsqr_sum(N_Vector x, N_Vector w)
{
    const sunrealtype *xd = DATA(x), *wd = DATA(w);
    sunindextype n = LEN(x);
    sunrealtype s = 0;
    for (sunindextype i = 0; i < n; i++) {
        sunrealtype p = xd[i] * wd[i];
        s += p * p;
    }
    return s;
}

static sunrealtype v_wrms_norm(N_Vector x, N_Vector w)
{
    return sqrt(v_wsqr_sum(x, w) / (sunrealtype)LEN(x));
}

MN_HOT static int v_linear_combination(int m, sunrealtype *c, N_Vector *xs, N_Vector z)
{
    if (m < 1)
        return -1;
    sunrealtype *zd = DATA(z);
    sunindextype n = LEN(z);
    if (m == 1) {
        v_scale(c[0], xs[0], z);
        return 0;
    }
    /* two vectors at a time keeps each pass in registers; z may be one of xs only as xs[0]
     * (CVODE's use), so the first pass reads it before anything is written. */
    const sunrealtype *x0 = DATA(xs[0]), *x1 = DATA(xs[1]);
    for (sunindextype i = 0; i < n; i++)
        zd[i] = c[0] * x0[i] + c[1] * x1[i];
    for (int k = 2; k < m; k++) {
        const sunrealtype *xk = DATA(xs[k]);
        for (sunindextype i = 0; i < n; i++)
            zd[i] += c[k] * xk[i];
    }
    return 0;
}

MN_HOT static int v_scale_add_multi(int m, sunrealtype *a, N_Vector x, N_Vector *ys, N_Vector *zs)
{
    const sunrealtype *xd = DATA(x);
    sunindextype n = LEN(x);
    for (int k = 0; k < m; k++) {
        const sunrealtype *yd = DATA(ys[k]);
        sunrealtype *zd = DATA(zs[k]);
        for (sunindextype i = 0; i < n; i++)
            zd[i] = a[k] * xd[i] + yd[i];
    }
    return 0;
}

int mn_sunfast_vector(N_Vector v)
{
    if (!v || N_VGetVectorID(v) != SUNDIALS_NVEC_SERIAL)
        return -1;
    N_Vector_Ops o = v->ops;
    o->nvlinearsum = v_linear_sum;
    o->nvconst = v_const;
    o->nvprod = v_prod;
    o->nvdiv = v_div;
    o->nvscale = v_scale;
    o->nvabs = v_abs;
    o->nvinv = v_inv;
    o->nvaddconst = v_add_const;
    o->nvmaxnorm = v_max_norm;
    o->nvmaxnormlocal = v_max_norm;
    o->nvwrmsnorm = v_wrms_norm;
    o->nvwsqrsumlocal = v_wsqr_sum;
    o->nvlinearcombination = v_linear_combination;
    o->nvscaleaddmulti = v_scale_add_multi;
    return 0;
}
