/* The healing course: a depth-resolved reaction–diffusion model of the dermis integrated by
 * CVODE (BDF, band Jacobian), with each session's injury applied as an impulse to the state
 * carried over from the previous sessions. Equations and parameter sources:
 * docs/validation/healing.md and data/healing_params.csv. Time unit inside: days. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunmatrix/sunmatrix_band.h>

#include "core/error.h"
#include "core/signals.h"
#include "core/stats.h"
#include "core/sunfast.h"
#include "core/numcheck.h"
#include "healing/healing_internal.h"

/* Unknowns per depth cell, interleaved so diffusion couples only entries NV apart (band). */
enum { V_A = 0, V_L, V_C, V_G, V_F, V_M, V_X3, V_X1, V_R, V_T, V_XE, V_D, NV };
enum { NY = NV * MN_HEALING_NZ };

/* Tolerances: outcomes change by < 1e-3 percentage points from rtol 1e-7 to 1e-4
 * (docs/validation/healing.md, calculation verification). */
#define MN_HEALING_RTOL 1e-4
#define MN_HEALING_ATOL 1e-6

const double mn_healing_outcome_days[MN_HEALING_N_OUTCOME_DAYS] = {30, 90, 180, 365};

typedef struct rates {
    double dz_um, inv_dz2;
    double d_med, d_fib; /* µm²/d */
    double k_a, k_l, l_max, dec_med, c_b, h_b, c_w, fib_ratio;
    double k_act, p_f, d_f, f_max;
    double k_syn, a_syn, syn_factor, k_mmp_deg, d_mmp;
    double k_r, a_r;
    double phi3_new, phi3_base, c3_base, c1_base, ratio31, k_mat, k_rem, cap;
    double k_el_act, k_asm, k_el_turn, k_mmp_el;
    /* Coagulated (open) surface: the sessions' injuries, the rate it re-epithelialises, the
     * inflammatory load per unit open area and the cells under it that show as redness. */
    const mn_healing_injury *inj;
    const double *days;
    int n_sess, n_open_cells;
    double k_open, open_load;
} rates;

/* Area fraction of the surface still open after thermal coagulation at day t: where the top of
 * the dermis was coagulated (an ablative or non-insulated thermal injury; an insulated RF needle
 * coagulates deeper and leaves it intact) or the epidermis was coagulated, the wound stays open
 * until re-epithelialised from its edges, far slower than a needle channel (Kim 2022, ablative
 * fractional microwounds: 75 % open at day 7, 25 % at day 14). */
static double open_area(const rates *q, double t)
{
    double a = 0;
    for (int s = 0; s < q->n_sess && q->days[s] <= t + 1e-12; s++) {
        double f = q->inj[s].thermal_fraction[0];
        if (q->inj[s].epidermal_thermal_fraction > f)
            f = q->inj[s].epidermal_thermal_fraction;
        if (f > 0)
            a += (f < 1 ? f : 1) * exp(-q->k_open * (t - q->days[s]));
    }
    return a < 1 ? a : 1;
}

static double hill(double x)
{
    return x > 0 ? x / (1.0 + x) : 0.0;
}

/* Fraction of the maximal fibroblast activation at mediator excess c. */
static double activation(const rates *q, double c)
{
    return (hill(q->c_b + c) - q->h_b) / (1.0 - q->h_b);
}

/* Matrix excess above the untreated level relaxes slowly (cross-linked matrix remodelled over
 * ~1 y); a deficit is refilled by basal turnover synthesis. */
static double relax(const rates *q, double x)
{
    return x > 0 ? q->k_rem * x : q->k_syn * x;
}

static int rhs(sunrealtype t, N_Vector yv, N_Vector ydotv, void *data)
{
    const rates *q = data;
    const double *y = N_VGetArrayPointer(yv);
    double *dy = N_VGetArrayPointer(ydotv);
    /* An open coagulated surface keeps the acute signal of the dermis under it at the load of a
     * fresh wound of its area fraction (A -> open / w_ref) until it closes: the redness of a
     * burn lasts while the wound is open. Needle channels close within a day (epidermis()). */
    double open = q->inj ? open_area(q, t) : 0.0;
    for (int k = 0; k < MN_HEALING_NZ; k++) {
        const double *u = y + k * NV;
        const double *up = k > 0 ? u - NV : u + NV; /* mirror ghosts: no flux at both ends */
        const double *dn = k < MN_HEALING_NZ - 1 ? u + NV : u - NV;
        double *du = dy + k * NV;
        double a = u[V_A], l = u[V_L], c = u[V_C], f = u[V_F], m = u[V_M];
        double x3 = u[V_X3], x1 = u[V_X1], xe = u[V_XE], r = u[V_R], te = u[V_T];
        double g = u[V_G], fib = 1.0 + f, dmg = u[V_D];

        du[V_A] = -q->k_a * a;
        if (open > 0 && k < q->n_open_cells)
            du[V_A] += q->k_a * q->open_load * open;
        /* Wounded tissue under repair (volume fraction): cleared by the leukocytes over the
         * inflammatory phase. Its debris and platelets drive the mediator in proportion to the
         * wounded volume, without the leukocytes' ceiling: a fully wounded cell (dmg = 1) holds
         * the wound cytokine level of the Buganza Tepole code, so the fibroblast response is
         * graded from a sparse roller to a full-surface wound. */
        du[V_D] = -q->k_l * dmg;
        /* Leukocyte recruitment saturates (a tissue holds at most so many cells), so a denser
         * injury prolongs inflammation by ever less. */
        double room = 1.0 - l / q->l_max;
        du[V_L] = q->k_a * a * (room > 0 ? room : 0) - q->k_l * l;
        du[V_C] = q->d_med * (up[V_C] - 2 * c + dn[V_C]) * q->inv_dz2 +
                  q->dec_med * (q->c_w * (dmg + q->fib_ratio * f) - c);
        /* Fibroblasts take days to switch to the proliferative, synthetic phenotype (they
         * arrive 2–3 d after injury; proliferation from days 2–5, healing.md §1): the
         * activation g follows the mediator's signal with that lag. */
        du[V_G] = q->k_act * (activation(q, c) - g);
        du[V_F] = q->d_fib * (up[V_F] - 2 * f + dn[V_F]) * q->inv_dz2 +
                  q->p_f * g * fib * (1.0 - fib / q->f_max) - q->d_f * f;
        /* MMPs follow the wounded tissue being cleared (the same full-wound units as the
         * mediator), so a sparse injury degrades little matrix. */
        du[V_M] = q->d_mmp * (dmg - m);
        /* Remodelling activity: follows the activation over months (collagen still rising at
         * 6 months and 1 year after resurfacing, calibration/healing_timecourse.csv). */
        du[V_R] = q->k_r * (g - r);

        double s = q->k_syn * q->syn_factor * (fib * (1.0 + q->a_syn * g + q->a_r * r) - 1.0);
        double xs = x1 + x3;
        double phi = q->phi3_base;
        if (s > 0) { /* no synthesis above the bound of the local excess (matrix homeostasis) */
            double left = 1.0 - (xs > 0 ? xs : 0) / q->cap;
            s *= left > 0 ? left : 0;
            phi = q->phi3_new;
        }
        double deg = q->k_mmp_deg * m, mat = q->k_mat * (x3 - q->ratio31 * x1);
        du[V_X3] = phi * s - mat - relax(q, x3) - deg * (q->c3_base + x3);
        du[V_X1] = (1.0 - phi) * s + mat - relax(q, x1) - deg * (q->c1_base + x1);
        /* Elastin: activated and remodelling fibroblasts secrete tropoelastin, assembled into
         * fibres over weeks; MMPs of the inflammation degrade damaged fibres; adult elastin is
         * hardly turned over (residence ~74 y), so what is gained or lost stays. */
        double eroom = 1.0 - (xe > 0 ? xe : 0) / q->cap;
        du[V_T] = q->syn_factor * q->k_el_act * fib * ((g > 0 ? g : 0) + (r > 0 ? r : 0)) *
                      (eroom > 0 ? eroom : 0) -
                  q->k_asm * te;
        du[V_XE] = q->k_asm * te - q->k_mmp_el * m * (1.0 + xe) - q->k_el_turn * xe;
    }
    return 0;
}

static double age_factor(const mn_healing_params *p, double age)
{
    double s = (age - p->age_ref_young_years) / (p->age_ref_old_years - p->age_ref_young_years);
    s = s < 0 ? 0 : (s > 1 ? 1 : s);
    return 1.0 - (1.0 - p->age_old_synthesis_ratio) * s;
}

static int has_condition(const mn_patient *pat, const char *name)
{
    for (size_t i = 0; pat && i < pat->n_conditions; i++)
        if (strcmp(pat->conditions[i], name) == 0)
            return 1;
    return 0;
}

/* Activated synthesis relative to a healthy non-smoker of the reference age: age (Varani
 * 2006), smoking (Jorgensen 1998), uncontrolled diabetes (obese diabetic mice); controlled
 * diabetes closes skin wounds at the normal rate (Diabetes Care 2007;30:3058), so it is left
 * unchanged. Parameters in data/healing_params.csv. */
double mn_healing_synthesis_factor(const mn_healing_params *p, const mn_patient *pat)
{
    double f = age_factor(p, pat ? pat->age_years : p->age_ref_young_years);
    if (has_condition(pat, "smoker"))
        f *= p->smoking_synthesis_factor;
    if (has_condition(pat, "diabetes_uncontrolled"))
        f *= p->diabetes_synthesis_factor;
    return f;
}

/* Re-epithelialisation rate relative to a healthy non-smoker: epidermal barrier recovery of
 * suction-blister wounds, slower in smokers (Sorensen 2009) and in type 1 diabetes
 * (Koivukangas 1999), applied to uncontrolled diabetes only (controlled type 2 diabetics close
 * biopsy wounds at the control rate, Diabetes Care 2007;30:3058). data/healing_params.csv. */
double mn_healing_reepi_factor(const mn_healing_params *p, const mn_patient *pat)
{
    double f = 1.0;
    if (has_condition(pat, "smoker"))
        f *= p->smoking_reepi_factor;
    if (has_condition(pat, "diabetes_uncontrolled"))
        f *= p->diabetes_reepi_factor;
    return f;
}

static void set_rates(const mn_healing_params *p, const mn_patient *pat, double dz,
                      double product_factor, rates *q)
{
    memset(q, 0, sizeof *q);
    q->dz_um = dz;
    q->inv_dz2 = 1.0 / (dz * dz);
    q->d_med = p->d_med_um2_s * 86400.0;
    q->d_fib = p->d_fib_um2_s * 86400.0;
    q->k_a = p->k_acute_per_day;
    q->k_l = p->k_leuk_per_day;
    q->l_max = p->leuk_max_rel;
    q->dec_med = p->d_med_per_day;
    q->c_b = p->med_baseline_rel;
    q->h_b = hill(q->c_b);
    q->c_w = p->med_wound_rel;
    q->fib_ratio = p->fib_med_ratio;
    q->k_act = p->k_activation_per_day;
    q->p_f = p->p_fib_per_day;
    q->d_f = p->d_fib_per_day;
    q->f_max = p->fib_max_rel;
    q->k_syn = p->k_syn_per_day;
    q->a_syn = p->act_synthesis_factor;
    q->syn_factor = mn_healing_synthesis_factor(p, pat) * product_factor;
    q->k_mmp_deg = p->mmp_collagen_rel * p->act_synthesis_factor * p->k_syn_per_day;
    q->d_mmp = p->d_mmp_per_day;
    q->k_r = p->remodel_activity_per_day;
    q->a_r = p->remodel_synthesis_factor;
    q->phi3_new = p->col3_new_frac;
    q->phi3_base = p->col3_baseline_frac;
    q->c3_base = p->col3_baseline_frac;
    q->c1_base = 1.0 - p->col3_baseline_frac;
    q->ratio31 = q->c3_base / q->c1_base;
    q->k_mat = p->k_mature_per_day;
    q->k_rem = log(2.0) / p->remodel_half_life_days;
    q->cap = p->collagen_excess_cap;
    q->k_el_act = p->elastin_act_synthesis_factor;
    q->k_asm = p->elastin_assembly_per_day;
    q->k_el_turn = p->elastin_turnover_per_day;
    q->k_mmp_el = p->mmp_elastin_rel * q->k_mmp_deg;
    q->k_open = p->burn_reepi_per_day * mn_healing_reepi_factor(p, pat);
    q->open_load = 1.0 / p->injury_ref_wound_fraction;
    /* the cells whose redness shows: down to the papillary capillary loops */
    while (q->n_open_cells < MN_HEALING_NZ && (q->n_open_cells + 0.5) * dz < p->erythema_visible_um)
        q->n_open_cells++;
    if (q->n_open_cells < 1)
        q->n_open_cells = 1;
}

/* The session's injury as an impulse. The inflammatory load of a cell is its wounded volume
 * (needle channels and RF coagulation) in units of the reference wounded fraction; the mediator
 * spreads it laterally, so the depth cell's mean is what matters. A bleeding channel also
 * releases platelet growth factors (healing.md §1 haemostasis); cells in the wounded volume
 * die. The needle parts the fibres rather than removing them, so matrix is lost only where it
 * is thermally coagulated and afterwards through MMP activity. */
static void apply_injury(const mn_healing_params *p, const rates *q, const mn_healing_injury *inj,
                         double *y)
{
    for (int k = 0; k < MN_HEALING_NZ; k++) {
        double *u = y + k * NV;
        double n = inj->density_per_um2[k];
        double bleed = n > 0 ? inj->bleed_density_per_um2[k] / n : 0.0;
        double w = inj->wound_fraction[k], th = inj->thermal_fraction[k];
        /* cells die in the whole heat-killed zone, which contains the coagulated one */
        double kill = inj->thermal_kill_fraction[k] > th ? inj->thermal_kill_fraction[k] : th;
        double load = (w + th) / p->injury_ref_wound_fraction;
        u[V_A] += load;
        /* Thermal repair stimulus: the heat-killed volume, weighted by the heat-shock gain (the
         * sublethally heated rim around each zone expresses HSP70 and the collagen chaperone
         * HSP47 for months, Xu 2011; gain fitted to Orringer's fractional vs fully ablative
         * collagen induction, healing.md §1). */
        double stim = w + kill * p->thermal_stimulus_gain;
        double hit = stim < 1.0 ? stim : 1.0;
        u[V_D] += (1.0 - u[V_D]) * hit;
        u[V_C] += q->c_w * p->bleed_signal_rel * bleed * w;
        double cells = (1.0 - w) * (1.0 - kill);
        u[V_F] = (1.0 + u[V_F]) * cells - 1.0;
        u[V_X3] = (q->c3_base + u[V_X3]) * (1.0 - th) - q->c3_base;
        u[V_X1] = (q->c1_base + u[V_X1]) * (1.0 - th) - q->c1_base;
        u[V_XE] = (1.0 + u[V_XE]) * (1.0 - th) - 1.0;
    }
}

/* Output times: daily, plus hourly for 10 days after every session. */
static mn_status output_times(const double *days, int n, double end_day, double **out,
                              size_t *n_out)
{
    size_t cap = (size_t)end_day + 2 + (size_t)n * 241;
    double *t = NULL;
    MN_ALLOC(t, cap);
    size_t m = 0;
    for (double d = 0; d <= end_day + 1e-9; d += 1.0)
        t[m++] = d;
    for (int s = 0; s < n; s++)
        for (int h = 0; h <= 240; h++) {
            double x = days[s] + h / 24.0;
            if (x <= end_day + 1e-9)
                t[m++] = x;
        }
    if (end_day > floor(end_day))
        t[m++] = end_day;
    mn_stats_sort(t, m);
    size_t u = 0;
    for (size_t i = 0; i < m; i++)
        if (u == 0 || t[i] - t[u - 1] > 1e-7)
            t[u++] = t[i];
    *out = t;
    *n_out = u;
    return MN_OK;
}

/* CVODE and its band solver for one course at a time. Created once and reused across courses
 * (virtual patients, trial patients on one thread: issue 16, 17): every course starts with
 * solver_start, which resets the integrator's whole history (CVodeReInit: order, step size,
 * counters, the Jacobian's age), so a reused object gives the same bits as a new one. */
struct mn_healing_solver {
    SUNContext ctx;
    N_Vector y;
    SUNMatrix jac;
    SUNLinearSolver ls;
    void *mem;
};
typedef mn_healing_solver solver;

void mn_healing_solver_free(mn_healing_solver *s)
{
    if (!s)
        return;
    if (s->mem)
        CVodeFree(&s->mem);
    if (s->ls)
        SUNLinSolFree(s->ls);
    if (s->jac)
        SUNMatDestroy(s->jac);
    if (s->y)
        N_VDestroy(s->y);
    if (s->ctx)
        SUNContext_Free(&s->ctx);
    free(s);
}

mn_status mn_healing_solver_create(mn_healing_solver **out)
{
    mn_healing_solver *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s)
        return mn_error_set(MN_ENOMEM, "healing: out of memory");
    if (SUNContext_Create(NULL, &s->ctx) != 0) {
        free(s);
        return mn_error_set(MN_ESOLVER, "healing: SUNDIALS context creation failed");
    }
    s->y = N_VNew_Serial(NY, s->ctx);
    s->jac = SUNBandMatrix(NY, NV, NV, s->ctx);
    if (!s->y || !s->jac) {
        mn_healing_solver_free(s);
        return mn_error_set(MN_ENOMEM, "healing: SUNDIALS allocation failed");
    }
    /* optimised kernels and a LAPACK band LU in place of the Debian build's (core/sunfast.h) */
    mn_sunfast_vector(s->y);
    mn_sunfast_band_matrix(s->jac);
    N_VConst(0.0, s->y);
    s->ls = mn_sunfast_band_solver(s->y, s->jac, s->ctx);
    s->mem = CVodeCreate(CV_BDF, s->ctx);
    if (!s->ls || !s->mem || CVodeInit(s->mem, rhs, 0.0, s->y) != CV_SUCCESS ||
        CVodeSStolerances(s->mem, MN_HEALING_RTOL, MN_HEALING_ATOL) != CV_SUCCESS ||
        CVodeSetLinearSolver(s->mem, s->ls, s->jac) != CV_SUCCESS ||
        CVodeSetMaxNumSteps(s->mem, 20000) != CV_SUCCESS) {
        mn_healing_solver_free(s);
        return mn_error_set(MN_ESOLVER, "healing: CVODE setup failed");
    }
    *out = s;
    return MN_OK;
}

/* A new course from day 0 on this course's rates: zero state, no integrator history. The stop
 * time a previous course left is replaced before every advance (course_run). */
static mn_status solver_start(solver *s, rates *q)
{
    N_VConst(0.0, s->y);
    if (CVodeReInit(s->mem, 0.0, s->y) != CV_SUCCESS || CVodeSetUserData(s->mem, q) != CV_SUCCESS)
        return mn_error_set(MN_ESOLVER, "healing: CVODE setup failed");
    return MN_OK;
}

static mn_status advance(solver *s, double *t, double to)
{
    if (to <= *t)
        return MN_OK;
    if (mn_signals_stop_requested())
        return mn_error_set(MN_EINTERRUPTED, "stopped on request (healing at day %.3f)", *t);
    sunrealtype tret = *t;
    int flag = CVode(s->mem, to, s->y, &tret, CV_NORMAL);
    if (flag < 0)
        return mn_error_set(MN_ESOLVER, "healing: CVODE failed at day %.3f (flag %d)", tret, flag);
    /* States are relative deviations (signed): only NaN and infinity are faults. */
    MN_TRY(mn_numcheck_values(N_VGetArrayPointer(s->y), (size_t)N_VGetLength(s->y), "healing",
                              "state", to * 86400.0, 1));
    *t = to;
    return MN_OK;
}

/* The viable epidermis, with its own dynamics (it does not feed back on the dermis), integrated
 * between output rows (hourly for 10 days after each session, daily after):
 * - open micro-wounds W (area fraction): each session adds its pierced (and coagulated)
 *   epidermal area; they re-epithelialise at k_re (Stumpp 2009: ED50 10–22 h);
 * - transient hyperplasia H: each unit of area re-epithelialised adds epi_hyperplasia_per_closure
 *   of relative thickness, which relaxes at epi_relax_per_day (assumption: 5 d, within the 7 d of
 *   textbook epidermal regeneration); bounded by epi_transient_max_rel;
 * - new baseline P: follows, with the epidermal turnover time, a target set by the remodelling
 *   activity R of the papillary dermis (the paracrine keratinocyte growth signal of fibroblasts
 *   that keep remodelling for months): P* = P_max R / (R + R50). So it rises over weeks, holds
 *   while the dermis remodels and fades with it, never faster than keratinocytes turn over.
 *   P_max = epi_max_rel - epi_transient_max_rel is a ceiling (the largest sustained thickening
 *   cited, +40 % after needling with vitamin A creams, Aust 2008), not the typical value: R50
 *   is fitted so that 2 sessions give at most the +8 % an ultrasound study could miss (Wu 2022),
 *   which leaves a single light session near 1 % and six 2 mm sessions near +26 % at 6 months.
 * Each growth term stops at its own bound, so e = H + P <= epi_max_rel always. */
static void epidermis(const mn_healing_params *p, const mn_column *col, const double *session_days,
                      const mn_healing_injury *injuries, int n_sessions, mn_healing_result *r,
                      const double *rpap, double reepi_factor)
{
    double w = 0, h = 0, pb = 0;
    double k_re = p->reepi_per_day * reepi_factor, k_e = p->epi_relax_per_day;
    double k_p = 1.0 / p->epi_turnover_days;
    double hmax = p->epi_transient_max_rel, pmax = p->epi_max_rel - p->epi_transient_max_rel;
    int si = 0;
    for (size_t i = 0; i < r->rows; i++) {
        if (i > 0) {
            double dt = r->times[i] - r->times[i - 1];
            double hroom = hmax > 0 ? 1.0 - h / hmax : 0;
            hroom = hroom > 0 ? hroom : 0;
            /* Exact for the linear parts over the step, the bounds frozen at its start. */
            double ew = exp(-k_re * dt), ee = exp(-k_e * dt), ep = exp(-k_p * dt);
            double hgain = p->epi_hyperplasia_per_closure * hroom;
            double hw =
                fabs(k_e - k_re) > 1e-9 ? k_re * w * (ew - ee) / (k_e - k_re) : k_re * w * dt * ee;
            h = h * ee + hgain * hw;
            double rr = 0.5 * (rpap[i - 1] + rpap[i]);
            double target = pmax * rr / (rr + p->epi_baseline_r50);
            pb = target + (pb - target) * ep;
            w *= ew;
            /* the frozen bounds can overshoot by a step: clip to them */
            h = h < hmax ? h : hmax;
            pb = pb < pmax ? pb : pmax;
        }
        while (si < n_sessions && session_days[si] <= r->times[i] + 1e-9) {
            double open =
                injuries[si].epidermal_wound_fraction + injuries[si].epidermal_thermal_fraction;
            w = w + (1.0 - w) * (open > 1 ? 1 : open);
            si++;
        }
        r->timeline[i * MN_TL_NCOL + MN_TL_EPIDERMIS_UM] = col->viable_epidermis_um * (1 + h + pb);
    }
}

static mn_status course_run(solver *given, const mn_healing_params *prm, const mn_patient *pat,
                            const mn_column *col, const double *session_days,
                            const mn_healing_injury *injuries, int n_sessions, double end_day,
                            mn_healing_result **out)
{
    *out = NULL;
    if (!prm || !col || n_sessions < 0 || (n_sessions > 0 && (!session_days || !injuries)))
        return mn_error_set(MN_EINPUT, "healing: course needs parameters, column and sessions");
    for (int s = 0; s < n_sessions; s++)
        if (!(session_days[s] >= 0) || (s > 0 && session_days[s] < session_days[s - 1]) ||
            session_days[s] > end_day)
            return mn_error_set(MN_EINPUT, "healing: session days must ascend within [0, %g]",
                                end_day);
    if (!(col->dermis_bottom_um > col->dej_depth_um))
        return mn_error_set(MN_EINPUT, "healing: column has no dermis");

    mn_status st = MN_OK;
    mn_healing_result *r = NULL;
    double *pap = NULL, *gpap = NULL;
    solver *sv = given, *own = NULL;
    rates q;
    double dz = (col->dermis_bottom_um - col->dej_depth_um) / MN_HEALING_NZ;
    double product_factor = 1.0, pih_factor = 1.0;
    MN_TRY(mn_healing_product_factor(injuries, n_sessions, &product_factor));
    MN_TRY(mn_healing_product_pih_factor(injuries, n_sessions, &pih_factor));
    set_rates(prm, pat, dz, product_factor, &q);
    q.inj = injuries, q.days = session_days, q.n_sess = n_sessions; /* open burns (rhs) */

    r = calloc(1, sizeof *r);
    if (!r)
        return mn_error_set(MN_ENOMEM, "healing: out of memory");
    r->n_sessions = n_sessions;
    r->end_day = end_day;
    r->epidermis0_um = col->viable_epidermis_um;
    MN_TRY_GOTO(output_times(session_days, n_sessions, end_day, &r->times, &r->rows), fail);
    r->timeline = calloc(r->rows * MN_TL_NCOL, sizeof *r->timeline);
    r->session_days = calloc((size_t)n_sessions + 1, sizeof *r->session_days);
    r->erythema_days = calloc((size_t)n_sessions + 1, sizeof *r->erythema_days);
    r->peak_inflammation = calloc((size_t)n_sessions + 1, sizeof *r->peak_inflammation);
    r->peak_mediator = calloc((size_t)n_sessions + 1, sizeof *r->peak_mediator);
    pap = calloc(r->rows, sizeof *pap);
    gpap = calloc(r->rows, sizeof *gpap);
    if (!r->timeline || !r->session_days || !r->erythema_days || !r->peak_inflammation ||
        !r->peak_mediator || !pap || !gpap) {
        free(pap);
        free(gpap);
        st = mn_error_set(MN_ENOMEM, "healing: out of memory");
        goto fail;
    }
    if (n_sessions > 0)
        memcpy(r->session_days, session_days, (size_t)n_sessions * sizeof *session_days);

    /* Papillary dermis: down to twice the capillary-loop apex depth below the DEJ (loops sit
     * 150 µm below it, permeation.md §5) — the layer whose matrix supports the epidermis. */
    double loop = col->capillary_depth_um - col->dej_depth_um;
    if (!(loop > 0))
        loop = 150.0;
    int n_pap = (int)ceil(2.0 * loop / dz);
    n_pap = n_pap < 1 ? 1 : (n_pap > MN_HEALING_NZ ? MN_HEALING_NZ : n_pap);

    if (!sv)
        MN_TRY_GOTO(mn_healing_solver_create(&own), fail_pap);
    sv = sv ? sv : own;
    MN_TRY_GOTO(solver_start(sv, &q), fail_pap);
    double t = 0;
    int si = 0;
    double *y = N_VGetArrayPointer(sv->y);
    for (size_t i = 0; i < r->rows; i++) {
        double T = r->times[i];
        while (si < n_sessions && session_days[si] <= T + 1e-9) {
            double ts = session_days[si];
            MN_TRY_GOTO(advance(sv, &t, ts), fail_pap);
            apply_injury(prm, &q, &injuries[si], y);
            t = ts;
            if (CVodeReInit(sv->mem, t, sv->y) != CV_SUCCESS) {
                st = mn_error_set(MN_ESOLVER, "healing: CVODE reinit failed");
                goto fail_pap;
            }
            double next = si + 1 < n_sessions ? session_days[si + 1] : end_day;
            CVodeSetStopTime(sv->mem, next > t ? next : end_day);
            si++;
        }
        if (si == 0)
            CVodeSetStopTime(sv->mem, n_sessions > 0 ? session_days[0] : end_day);
        MN_TRY_GOTO(advance(sv, &t, T), fail_pap);

        double c1 = 0, c3 = 0, el = 0, fb = 0, med = 0, infl = 0, xp = 0, gp = 0;
        for (int k = 0; k < MN_HEALING_NZ; k++) {
            const double *u = y + k * NV;
            if (!isfinite(u[V_X1]) || !isfinite(u[V_C])) {
                st = mn_error_set(MN_ENUMERIC, "healing: non-finite state at day %.3f", T);
                goto fail_pap;
            }
            c1 += q.c1_base + u[V_X1];
            c3 += q.c3_base + u[V_X3];
            el += 1.0 + u[V_XE];
            fb += 1.0 + u[V_F];
            med += u[V_C];
            infl += (u[V_A] + u[V_L]) * dz;
            if (k < n_pap) {
                xp += u[V_X1] + u[V_X3];
                gp += u[V_R] > 0 ? u[V_R] : 0;
            }
        }
        double *row = r->timeline + i * MN_TL_NCOL;
        row[MN_TL_DAY] = T;
        row[MN_TL_COLLAGEN_I] = c1 / MN_HEALING_NZ;
        row[MN_TL_COLLAGEN_III] = c3 / MN_HEALING_NZ;
        row[MN_TL_ELASTIN] = el / MN_HEALING_NZ;
        row[MN_TL_FIBROBLASTS] = fb / MN_HEALING_NZ;
        row[MN_TL_MEDIATOR] = med / MN_HEALING_NZ;
        row[MN_TL_ERYTHEMA] = infl / prm->erythema_visible_um;
        pap[i] = xp / n_pap;
        gpap[i] = gp / n_pap;
        row[MN_TL_PAPILLARY_COLLAGEN] = 1.0 + pap[i];
        if (si > 0) {
            int s = si - 1;
            if (row[MN_TL_ERYTHEMA] > r->peak_inflammation[s])
                r->peak_inflammation[s] = row[MN_TL_ERYTHEMA];
            if (row[MN_TL_MEDIATOR] > r->peak_mediator[s])
                r->peak_mediator[s] = row[MN_TL_MEDIATOR];
        }
    }

    epidermis(prm, col, session_days, injuries, n_sessions, r, gpap,
              mn_healing_reepi_factor(prm, pat));
    free(pap);
    free(gpap);
    pap = gpap = NULL;
    mn_healing_result_finish(r);
    /* p = 1 - exp(-H); a product scaling the hazard H by k gives 1 - (1 - p)^k. */
    r->pih_probability =
        1.0 - pow(1.0 - mn_healing_pih_probability(pat, injuries, r->erythema_days, n_sessions),
                  pih_factor);
    mn_healing_solver_free(own);
    *out = r;
    return MN_OK;

fail_pap:
    free(pap);
    free(gpap);
fail:
    mn_healing_solver_free(own);
    mn_healing_result_free(r);
    return st;
}

/* The course on the patient's own skin: a virtual patient whose epidermis or dermis differs from
 * the column's gets the column and the injuries re-read at the same depths (thickness.c). */
mn_status mn_healing_course_run(const mn_healing_params *prm, const mn_patient *pat,
                                const mn_column *col, const double *session_days,
                                const mn_healing_injury *injuries, int n_sessions, double end_day,
                                mn_healing_result **out)
{
    return mn_healing_course_run_on(NULL, prm, pat, col, session_days, injuries, n_sessions,
                                    end_day, out);
}

mn_status mn_healing_course_run_on(mn_healing_solver *sv, const mn_healing_params *prm,
                                   const mn_patient *pat, const mn_column *col,
                                   const double *session_days, const mn_healing_injury *injuries,
                                   int n_sessions, double end_day, mn_healing_result **out)
{
    mn_column pcol;
    mn_healing_injury *pin = NULL;
    if (prm && col && injuries && n_sessions > 0) {
        pin = malloc((size_t)n_sessions * sizeof *pin);
        if (!pin)
            return mn_error_set(MN_ENOMEM, "healing: out of memory");
        if (!mn_healing_patient_skin(prm, col, injuries, n_sessions, &pcol, pin)) {
            free(pin);
            pin = NULL;
        }
    }
    mn_status st = course_run(sv, prm, pat, pin ? &pcol : col, session_days, pin ? pin : injuries,
                              n_sessions, end_day, out);
    free(pin);
    return st;
}
