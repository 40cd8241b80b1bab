/* Calibration of the intact-skin model on measured human kp (see permeability.h): three factors
 * (lipid route, polar route, viable resistance of the measured membranes), fitted by
 * Levenberg–Marquardt on log10 kp; leave-one-out refits each compound out; the two-descriptor
 * regression (Potts–Guy form) is refitted on the same data for comparison. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"
#include "delivery/permeability.h"

/* Per compound: raw lipid and polar SC conductances (cm/s), viable resistance of 100 µm of
 * viable epidermis (s/cm), measured log kp. */
typedef struct fit_point {
    double kl, kp, rv, y;
} fit_point;

static double model(const fit_point *q, const double p[3], double grad[3])
{
    double al = pow(10.0, p[0]) * q->kl, ap = pow(10.0, p[1]) * q->kp;
    double av = pow(10.0, p[2]) * q->rv;
    double S = al + ap, R = 1.0 / S + av;
    if (grad) { /* d log10 kp / d p_i */
        grad[0] = al / (S * S * R);
        grad[1] = ap / (S * S * R);
        grad[2] = -av / R;
    }
    return log10(3600.0 / R);
}

static double sse(const fit_point *pts, size_t n, size_t skip, const double p[3])
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        if (i != skip) {
            double r = model(&pts[i], p, NULL) - pts[i].y;
            s += r * r;
        }
    return s;
}

/* Solves the 3 × 3 system A x = b (Gaussian elimination with partial pivoting). */
static int solve3(double A[3][3], double b[3], double x[3])
{
    for (int c = 0; c < 3; c++) {
        int piv = c;
        for (int r = c + 1; r < 3; r++)
            if (fabs(A[r][c]) > fabs(A[piv][c]))
                piv = r;
        if (fabs(A[piv][c]) < 1e-300)
            return -1;
        for (int k = 0; k < 3; k++) {
            double t = A[c][k];
            A[c][k] = A[piv][k], A[piv][k] = t;
        }
        double t = b[c];
        b[c] = b[piv], b[piv] = t;
        for (int r = c + 1; r < 3; r++) {
            double f = A[r][c] / A[c][c];
            for (int k = c; k < 3; k++)
                A[r][k] -= f * A[c][k];
            b[r] -= f * b[c];
        }
    }
    for (int r = 2; r >= 0; r--) {
        double s = b[r];
        for (int k = r + 1; k < 3; k++)
            s -= A[r][k] * x[k];
        x[r] = s / A[r][r];
    }
    return 0;
}

/* Levenberg–Marquardt from p (in/out), all points but skip. */
static void lm(const fit_point *pts, size_t n, size_t skip, double p[3])
{
    double lambda = 1e-3, cur = sse(pts, n, skip, p);
    for (int it = 0; it < 200; it++) {
        double A[3][3] = {{0}}, g[3] = {0}, J[3];
        for (size_t i = 0; i < n; i++) {
            if (i == skip)
                continue;
            double r = model(&pts[i], p, J) - pts[i].y;
            for (int a = 0; a < 3; a++) {
                g[a] -= J[a] * r;
                for (int b = 0; b < 3; b++)
                    A[a][b] += J[a] * J[b];
            }
        }
        double step[3], trial[3];
        for (;;) {
            double M[3][3], rhs[3] = {g[0], g[1], g[2]};
            memcpy(M, A, sizeof M);
            for (int a = 0; a < 3; a++)
                M[a][a] += lambda * (A[a][a] + 1e-12);
            if (solve3(M, rhs, step) != 0) {
                lambda *= 10;
                if (lambda > 1e12)
                    return;
                continue;
            }
            for (int a = 0; a < 3; a++)
                trial[a] = p[a] + step[a];
            double s = sse(pts, n, skip, trial);
            if (s <= cur) {
                double gain = cur - s;
                memcpy(p, trial, sizeof trial);
                cur = s;
                lambda = fmax(lambda / 10, 1e-12);
                if (gain < 1e-14 * (1 + cur))
                    return;
                break;
            }
            lambda *= 10;
            if (lambda > 1e12)
                return;
        }
    }
}

/* Least squares of y on (1, log Kow, MW) without point skip. */
static int regress(const double *mw, const double *lk, const double *y, size_t n, size_t skip,
                   double c[3])
{
    double A[3][3] = {{0}}, b[3] = {0};
    for (size_t i = 0; i < n; i++) {
        if (i == skip)
            continue;
        double x[3] = {1.0, lk[i], mw[i]};
        for (int a = 0; a < 3; a++) {
            b[a] += x[a] * y[i];
            for (int k = 0; k < 3; k++)
                A[a][k] += x[a] * x[k];
        }
    }
    return solve3(A, b, c);
}

mn_status mn_permeability_training_ionisation(const char *compound, mn_solute *s)
{
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("kp_training_ionisation.csv", &t));
    mn_status st = MN_OK;
    long row = mn_table_find(t, "compound", compound);
    if (row >= 0) {
        size_t r = (size_t)row;
        const char *ab = mn_table_cell(t, r, mn_table_col(t, "acid_base"));
        if ((st = mn_table_double(t, r, "pka", &s->pka)) == MN_OK)
            st = mn_table_double(t, r, "ph", &s->ph);
        s->acid_base = strcmp(ab, "acid") == 0   ? MN_ACIDBASE_ACID
                       : strcmp(ab, "base") == 0 ? MN_ACIDBASE_BASE
                                                 : MN_ACIDBASE_NEUTRAL;
    }
    mn_table_free(t);
    return st;
}

mn_status mn_permeability_fit(const double *mw, const double *log_kow, const double *log_kp,
                              size_t n, mn_perm_fit *out)
{
    mn_solute *s = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return mn_error_set(MN_ENOMEM, "out of memory for the permeability fit");
    mn_table *t = NULL;
    mn_status st = mn_table_load_embedded("kp_training_ionisation.csv", &t);
    for (size_t i = 0; i < n && st == MN_OK; i++) {
        s[i] = (mn_solute){mw[i], log_kow[i], 0.0, 0.0, NAN, MN_ACIDBASE_NEUTRAL, NAN};
        /* a compound measured as a salt (same MW and log Kow as an annotated row) */
        for (size_t r = 0; r < mn_table_rows(t) && st == MN_OK; r++) {
            double m, k;
            if ((st = mn_table_double(t, r, "mw_da", &m)) != MN_OK ||
                (st = mn_table_double(t, r, "log_kow", &k)) != MN_OK)
                break;
            if (fabs(m - mw[i]) < 1e-6 && fabs(k - log_kow[i]) < 1e-6)
                st = mn_permeability_training_ionisation(
                    mn_table_cell(t, r, mn_table_col(t, "compound")), &s[i]);
        }
    }
    mn_table_free(t);
    if (st == MN_OK)
        st = mn_permeability_fit_solutes(s, log_kp, n, out);
    free(s);
    return st;
}

mn_status mn_permeability_fit_solutes(const mn_solute *sol, const double *log_kp, size_t n,
                                      mn_perm_fit *out)
{
    memset(out, 0, sizeof *out);
    if (n < 5)
        return mn_error_set(MN_EINPUT, "permeability fit: %zu compounds (expected at least 5)", n);
    fit_point *pts = calloc(n, sizeof *pts);
    double *mw = calloc(2 * n, sizeof *mw);
    if (!pts || !mw) {
        free(pts), free(mw);
        return mn_error_set(MN_ENOMEM, "out of memory for the permeability fit");
    }
    double *log_kow = mw + n;
    for (size_t i = 0; i < n; i++) {
        mn_solute s = sol[i];
        mw[i] = s.mw_da, log_kow[i] = s.log_kow;
        mn_skin_coefficients c, ci;
        mn_status st = mn_permeability_raw_coefficients(&s, MN_PERM_REF_SC_LAYERS, &c);
        if (st == MN_OK && !isfinite(log_kp[i]))
            st = mn_error_set(MN_EINPUT, "compound %zu: log kp is not a number", i + 1);
        /* measured per total concentration: neutral and ion in parallel (the route factors
         * multiply each route of both species, so they act on the mixed conductances) */
        double f = mn_permeability_unionised_fraction(&s);
        if (st == MN_OK && f < 1.0) {
            mn_solute ion = s;
            ion.log_kow = s.log_kow - MN_PERM_ION_DLOGP;
            ion.acid_base = MN_ACIDBASE_NEUTRAL;
            if ((st = mn_permeability_raw_coefficients(&ion, MN_PERM_REF_SC_LAYERS, &ci)) ==
                MN_OK) {
                c.k_sc_lipid_cm_s = f * c.k_sc_lipid_cm_s + (1 - f) * ci.k_sc_lipid_cm_s;
                c.k_sc_polar_cm_s = f * c.k_sc_polar_cm_s + (1 - f) * ci.k_sc_polar_cm_s;
            }
        }
        if (st != MN_OK) {
            free(pts), free(mw);
            return st;
        }
        pts[i].kl = c.k_sc_lipid_cm_s, pts[i].kp = c.k_sc_polar_cm_s;
        pts[i].rv = MN_PERM_REF_VE_UM * 1e-4 / (c.K_ve * c.D_ve_um2_s * 1e-8);
        pts[i].y = log_kp[i];
    }
    out->n = n;
    double p[3] = {0, 0, 0};
    lm(pts, n, n, p);
    memcpy(out->log_a, p, sizeof p);
    double sq = 0, sl = 0, bias = 0, rq = 0, rl = 0, c[3];
    for (size_t i = 0; i < n; i++) {
        double r = model(&pts[i], p, NULL) - pts[i].y;
        sq += r * r, bias += r;
        double q[3] = {p[0], p[1], p[2]};
        lm(pts, n, i, q);
        r = model(&pts[i], q, NULL) - pts[i].y;
        sl += r * r;
        if (regress(mw, log_kow, log_kp, n, i, c) == 0) {
            r = c[0] + c[1] * log_kow[i] + c[2] * mw[i] - log_kp[i];
            rl += r * r;
        }
    }
    if (regress(mw, log_kow, log_kp, n, n, out->reg) != 0) {
        free(pts), free(mw);
        return mn_error_set(MN_EINPUT, "permeability fit: the regression is singular");
    }
    for (size_t i = 0; i < n; i++) {
        double r = out->reg[0] + out->reg[1] * log_kow[i] + out->reg[2] * mw[i] - log_kp[i];
        rq += r * r;
    }
    const double dn = (double)n;
    out->rmse = sqrt(sq / dn), out->loo_rmse = sqrt(sl / dn), out->bias = bias / dn;
    out->reg_rmse = sqrt(rq / dn), out->reg_loo_rmse = sqrt(rl / dn);
    free(pts), free(mw);
    return MN_OK;
}
