/* Delivery through channels on the field engine (see delivery.h).
 *
 * Model (docs/validation/delivery.md):
 * - Window: a square of side W centred on the patch, holding the punctures whose entry points
 *   fall in it, zero-flux sides. Doses are amounts in the window per window area. The default
 *   W = 1 mm (at least 3 mean puncture spacings) keeps the grid small enough to run a 24 h
 *   application in seconds while holding tens of channels of a pen pass.
 * - z graded: SC, viable epidermis, dermis from the anatomy column; dermis cells grow
 *   geometrically below the deepest puncture.
 * - Coefficients relative to water: K and D per layer from permeability.c, SC D set so that
 *   K_sc·D_sc/h_sc equals the SC conductance of the mechanistic model for this thickness.
 * - Channels: every voxel whose centre lies within the needle radius of a puncture axis (at
 *   least its nearest column) down to tissue_depth_um is interstitial fluid, K = 1. Its D is
 *   D_w·open(t) + D_closed·(1 − open(t)), D_closed = K_t·D_t (conductance of the tissue it
 *   heals into; K stays 1 so mass is conserved exactly while the channel closes).
 * - Donor on top: a well-mixed aqueous film (volume_ul_per_cm2 × area; infinite if asked).
 *   Applied before needling: the needles carry donor solution into the channels at t = 0 (the
 *   channel voxels start at the donor concentration, that amount taken from the donor).
 * - Dermal capillary clearance below the capillary-loop depth: first-order rate
 *   Q_skin / V_dermis / K_dermis/blood (permeation.md §5, SurreyDPK dermis.py/blood.py): skin
 *   blood flow 5 % of cardiac output (5.25 L/min, mean of 5.6 and 4.9), V_dermis = 1.8 m² body
 *   surface (U: standard adult value, not in the pack) × dermis thickness; K = 1.01 (caffeine).
 *   What is cleared is the systemic amount (no elimination from blood is modelled).
 * - The intact twin: the same column as a 1 × 1 × nz field without channels. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/table.h"
#include "core/units.h"
#include "delivery/closure.h"
#include "delivery/delivery.h"
#include "io/vti.h"
#include "mnsim/field.h"

#define CARDIAC_OUTPUT_L_MIN 5.25    /* permeation.md §5: 5.6 (men), 4.9 (women) */
#define SKIN_FLOW_FRACTION   0.05    /* permeation.md §5 */
#define BODY_SKIN_AREA_CM2   18000.0 /* U: 1.8 m² adult body surface area */
#define K_DERMIS_BLOOD       1.01    /* permeation.md §5, caffeine */

typedef struct sample {
    double t_h, flux_ch, flux_in, open;
    double amount_ch[5], amount_in[5]; /* donor, SC, epidermis, dermis, systemic (µg/cm²) */
} sample;

typedef struct snapshot {
    double t_h;
    double *c;                       /* nx*ny*nz concentrations, µg/µm³ */
    double *profile_ch, *profile_in; /* per z layer, lateral mean */
} snapshot;

struct mn_delivery_result {
    char product[MN_NAME_CAP];
    int nx, ny, nz;
    double dx_um, *dz_um;
    double area_cm2, applied, kp_cm_h, conc_ug_um3;
    double dose_ch[4], dose_in[4], remaining_ch, remaining_in;
    double lag_h, half_life_h;
    size_t nsamples, cap_samples;
    sample *samples;
    size_t nsnap;
    snapshot snap[MN_FIELD_TIMES_CAP];
    bool binary_vti;
};

void mn_delivery_options_default(mn_delivery_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->binary_vti = true;
}

mn_status mn_delivery_solute_for(const mn_product_spec *prod, mn_solute *out)
{
    mn_solute s = {prod->mw_da, prod->log_kow, 0.0, 0.0};
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("products.csv", &t));
    long row = mn_table_find(t, "name", prod->name);
    mn_status st = MN_OK;
    if (row >= 0) {
        const char *lk = mn_table_cell(t, (size_t)row, mn_table_col(t, "log_kow"));
        MN_TRY_GOTO(mn_table_double(t, (size_t)row, "mw_da", &s.mw_da), done);
        s.log_kow = NAN;
        if (*lk)
            MN_TRY_GOTO(mn_table_double(t, (size_t)row, "log_kow", &s.log_kow), done);
        MN_TRY_GOTO(mn_table_double_or(t, (size_t)row, "aqueous_diffusivity_cm2_s", 0.0,
                                       &s.aqueous_diffusivity_cm2_s),
                    done);
        MN_TRY_GOTO(mn_table_double_or(t, (size_t)row, "f_unbound", 0.0, &s.f_unbound), done);
    }
    *out = s;
done:
    mn_table_free(t);
    return st;
}

/* z layers: SC in 2 cells, viable epidermis in cells of <= 20 µm, dermis in cells of <= 25 µm
 * down to 200 µm below the deepest puncture, then growing by 1.5× to the dermis bottom. */
static int build_dz(const mn_column *col, double deepest_um, double *dz, int cap, int *k_ve,
                    int *k_de, int *k_cap, double *cap_depth)
{
    int n = 0;
    for (int i = 0; i < 2; i++)
        dz[n++] = col->sc_um / 2;
    *k_ve = n;
    int nve = (int)ceil(col->viable_epidermis_um / 20.0);
    for (int i = 0; i < nve; i++)
        dz[n++] = col->viable_epidermis_um / nve;
    *k_de = n;
    double z = col->dej_depth_um, bottom = col->dermis_bottom_um;
    double fine_to = fmin(bottom, fmax(deepest_um + 200.0, col->dej_depth_um + 200.0));
    int nf = (int)ceil((fine_to - z) / 25.0);
    for (int i = 0; i < nf && n < cap; i++)
        dz[n++] = (fine_to - z) / nf;
    z = fine_to;
    double h = 25.0;
    while (z < bottom - 1e-9 && n < cap) {
        h *= 1.5;
        double step = fmin(h, bottom - z);
        if (bottom - (z + step) < 0.5 * h)
            step = bottom - z;
        dz[n++] = step;
        z += step;
    }
    /* First dermis cell whose centre is at or below the capillary-loop apex. */
    double acc = 0;
    *k_cap = n;
    for (int k = 0; k < n; k++) {
        if (k >= *k_de && acc + dz[k] / 2 >= col->capillary_depth_um) {
            *k_cap = k;
            break;
        }
        acc += dz[k];
    }
    *cap_depth = col->capillary_depth_um;
    return n;
}

static size_t physical_memory_half(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || psize <= 0)
        return (size_t)1 << 31;
    return (size_t)pages * (size_t)psize / 2;
}

typedef struct layout {
    double window_um, dx_um, x0, y0;
    int nx, ny, nz, k_ve, k_de, k_cap;
    double dz[256], cap_depth;
} layout;

static mn_status plan(const mn_model *m, const mn_column *col, const mn_punctures *p,
                      const mn_delivery_options *opt, layout *L)
{
    if (!(col->sc_um > 0 && col->viable_epidermis_um > 0 && col->dermis_um > 0))
        return mn_error_set(MN_EINPUT, "skin column: layer thicknesses must be > 0");
    double deepest = 0;
    for (size_t i = 0; i < p->n; i++)
        deepest = fmax(deepest, p->tissue_depth_um[i]);
    deepest = fmin(deepest, col->dermis_bottom_um - 50.0);
    double patch_w = m->patch_width_um, patch_l = m->patch_length_um;
    L->window_um = opt->window_um > 0 ? opt->window_um : fmin(1000.0, fmin(patch_w, patch_l));
    double r = p->needle_radius_um > 0 ? p->needle_radius_um : 50.0;
    L->dx_um = opt->voxel_um > 0 ? opt->voxel_um : fmax(10.0, fmin(2.0 * r, 40.0));
    L->nx = L->ny = (int)ceil(L->window_um / L->dx_um);
    L->window_um = L->nx * L->dx_um;
    L->x0 = 0.5 * (patch_w - L->window_um);
    L->y0 = 0.5 * (patch_l - L->window_um);
    L->nz = build_dz(col, deepest, L->dz, 256, &L->k_ve, &L->k_de, &L->k_cap, &L->cap_depth);
    return MN_OK;
}

mn_status mn_delivery_memory_needed(const mn_model *m, const mn_column *col, const mn_punctures *p,
                                    const mn_delivery_options *opt, size_t *bytes, long dims[3])
{
    layout L;
    MN_TRY(plan(m, col, p, opt, &L));
    dims[0] = L.nx, dims[1] = L.ny, dims[2] = L.nz;
    size_t b = mn_field_memory_bytes(L.nx, L.ny, L.nz, 1);
    size_t extra = (size_t)L.nx * L.ny * L.nz * sizeof(double) * 6; /* coefficient copies */
    *bytes = b == SIZE_MAX ? SIZE_MAX : b + extra;
    return MN_OK;
}

/* Per-voxel tissue coefficients of one column layer index k. */
static void tissue_kd(const layout *L, const mn_skin_coefficients *c, int k, double *K, double *D)
{
    if (k < L->k_ve) {
        *K = c->K_sc;
        /* conductance of the mechanistic SC for this SC thickness: k_sc scales with layers */
        double h = 0;
        for (int i = 0; i < L->k_ve; i++)
            h += L->dz[i];
        *D = c->k_sc_cm_s * 1e4 * h / c->K_sc; /* µm²/s: k [µm/s] · h / K */
    } else if (k < L->k_de) {
        *K = c->K_ve, *D = c->D_ve_um2_s;
    } else {
        *K = c->K_de, *D = c->D_de_um2_s;
    }
}

static mn_status add_sample(mn_delivery_result *r, const sample *s)
{
    if (r->nsamples == r->cap_samples) {
        size_t cap = r->cap_samples ? 2 * r->cap_samples : 128;
        sample *ns = realloc(r->samples, cap * sizeof *ns);
        if (!ns)
            return mn_error_set(MN_ENOMEM, "out of memory storing the delivery time series");
        r->samples = ns, r->cap_samples = cap;
    }
    r->samples[r->nsamples++] = *s;
    return MN_OK;
}

/* Amounts per layer group (µg/cm²): donor, SC, epidermis, dermis, systemic. */
static mn_status amounts(mn_field *f, const layout *L, int nz, double area_um2, double out[5])
{
    double donor_c, donor_amount, m, removed;
    MN_TRY(mn_field_get_donor(f, 0, &donor_c, &donor_amount));
    double per = MN_UM2_PER_CM2 / area_um2;
    out[0] = donor_amount * per;
    MN_TRY(mn_field_get_mass_layers(f, 0, 0, L->k_ve, &m));
    out[1] = m * per;
    MN_TRY(mn_field_get_mass_layers(f, 0, L->k_ve, L->k_de, &m));
    out[2] = m * per;
    MN_TRY(mn_field_get_mass_layers(f, 0, L->k_de, nz, &m));
    out[3] = m * per;
    MN_TRY(mn_field_get_reaction_amount(f, 0, &removed));
    out[4] = removed * per;
    return MN_OK;
}

static mn_status lateral_profile(const mn_field *f, int nx, int ny, int nz, double *buf,
                                 double *profile)
{
    MN_TRY(mn_field_get_values(f, 0, buf));
    size_t plane = (size_t)nx * ny;
    for (int k = 0; k < nz; k++) {
        double s = 0;
        for (size_t i = 0; i < plane; i++)
            s += buf[k * plane + i];
        profile[k] = s / plane;
    }
    return MN_OK;
}

mn_status mn_delivery_run(const mn_model *m, const mn_column *col, const mn_punctures *p,
                          const mn_delivery_options *opt_in, mn_delivery_result **out)
{
    *out = NULL;
    const mn_product_spec *prod = &m->product;
    if (!prod->present)
        return mn_error_set(MN_EINPUT, "product: no product in the scenario");
    if (!(prod->duration_h > 0))
        return mn_error_set(MN_EINPUT, "product.duration_h: %g (expected > 0)", prod->duration_h);
    if (!(prod->concentration_mg_ml > 0))
        return mn_error_set(MN_EINPUT, "product.concentration_mg_ml: %g (expected > 0)",
                            prod->concentration_mg_ml);
    if (!prod->infinite_dose && !(prod->volume_ul_per_cm2 > 0))
        return mn_error_set(MN_EINPUT, "product.volume_ul_per_cm2: %g (expected > 0)",
                            prod->volume_ul_per_cm2);
    mn_delivery_options opt;
    if (opt_in)
        opt = *opt_in;
    else
        mn_delivery_options_default(&opt);

    layout L;
    MN_TRY(plan(m, col, p, &opt, &L));
    /* Resource guard: refuse before allocating anything large. */
    size_t need;
    long dims[3];
    MN_TRY(mn_delivery_memory_needed(m, col, p, &opt, &need, dims));
    size_t budget = opt.max_memory_bytes ? opt.max_memory_bytes : physical_memory_half();
    if (need > budget)
        return mn_error_set(MN_EINPUT,
                            "delivery grid %ld x %ld x %ld voxels needs %.3g MB, over the "
                            "memory budget of %.3g MB (raise --max-memory or coarsen the grid)",
                            dims[0], dims[1], dims[2], need / 1e6, budget / 1e6);

    mn_solute sol;
    MN_TRY(mn_delivery_solute_for(prod, &sol));
    mn_skin_coefficients co;
    MN_TRY(mn_permeability_coefficients(&sol, mn_permeability_sc_layers(col->sc_um), &co));
    mn_permeability perm;
    MN_TRY(mn_permeability_compute(&sol, mn_permeability_sc_layers(col->sc_um),
                                   col->viable_epidermis_um, col->dermis_um, MN_MEMBRANE_EPIDERMIS,
                                   &perm));
    mn_closure_conditions cc = {prod->occluded, m->patient.age_years, opt.inflammation_suppressed};
    double tau_h;
    MN_TRY(mn_closure_time_constant_h(&cc, &tau_h));

    mn_status st = MN_OK;
    mn_delivery_result *r = calloc(1, sizeof *r);
    mn_grid *g = NULL, *g1 = NULL;
    mn_field *f = NULL, *fi = NULL;
    double *K = NULL, *Dt = NULL, *D = NULL, *decay = NULL, *c0 = NULL, *buf = NULL;
    unsigned char *chan = NULL;
    if (!r)
        return mn_error_set(MN_ENOMEM, "out of memory");
    snprintf(r->product, sizeof r->product, "%s", prod->name[0] ? prod->name : "custom");
    r->nx = L.nx, r->ny = L.ny, r->nz = L.nz, r->dx_um = L.dx_um;
    r->binary_vti = opt.binary_vti;
    r->half_life_h = M_LN2 * tau_h;
    r->kp_cm_h = perm.kp_cm_h;
    size_t nvox = (size_t)L.nx * L.ny * L.nz, plane = (size_t)L.nx * L.ny;
    r->dz_um = malloc(L.nz * sizeof *r->dz_um);
    K = malloc(nvox * sizeof *K), Dt = malloc(nvox * sizeof *Dt), D = malloc(nvox * sizeof *D);
    decay = calloc(nvox, sizeof *decay), c0 = calloc(nvox, sizeof *c0);
    buf = malloc(nvox * sizeof *buf), chan = calloc(nvox, 1);
    if (!r->dz_um || !K || !Dt || !D || !decay || !c0 || !buf || !chan) {
        st = mn_error_set(MN_ENOMEM, "out of memory allocating the delivery grid (%zu voxels)",
                          nvox);
        goto done;
    }
    memcpy(r->dz_um, L.dz, L.nz * sizeof *L.dz);

    /* Clearance rate (1/s) below the capillary loops (permeation.md §5). */
    double q_skin_um3_s = SKIN_FLOW_FRACTION * CARDIAC_OUTPUT_L_MIN * 1e15 / 60.0;
    double v_dermis_um3 = BODY_SKIN_AREA_CM2 * MN_UM2_PER_CM2 * col->dermis_um;
    double k_clear = q_skin_um3_s / v_dermis_um3 / K_DERMIS_BLOOD;

    /* Channel voxels. */
    double r_needle = p->needle_radius_um > 0 ? p->needle_radius_um : 0.5 * L.dx_um;
    for (size_t n = 0; n < p->n; n++) {
        double depth = p->tissue_depth_um[n];
        double px = p->x_um[n] - L.x0, py = p->y_um[n] - L.y0;
        if (!(depth > 0) || px < 0 || py < 0 || px >= L.window_um || py >= L.window_um)
            continue;
        int ic = (int)(px / L.dx_um), jc = (int)(py / L.dx_um);
        int reach = (int)ceil(r_needle / L.dx_um);
        for (int j = jc - reach; j <= jc + reach; j++)
            for (int i = ic - reach; i <= ic + reach; i++) {
                if (i < 0 || j < 0 || i >= L.nx || j >= L.ny)
                    continue;
                double cx = (i + 0.5) * L.dx_um - px, cy = (j + 0.5) * L.dx_um - py;
                if (!(i == ic && j == jc) && cx * cx + cy * cy > r_needle * r_needle)
                    continue;
                double z = 0;
                for (int k = 0; k < L.nz && z < depth; z += L.dz[k], k++)
                    chan[(size_t)k * plane + (size_t)j * L.nx + i] = 1;
            }
    }
    for (int k = 0; k < L.nz; k++) {
        double Kt, Dk;
        tissue_kd(&L, &co, k, &Kt, &Dk);
        for (size_t ij = 0; ij < plane; ij++) {
            size_t v = (size_t)k * plane + ij;
            K[v] = chan[v] ? 1.0 : Kt;
            Dt[v] = chan[v] ? Kt * Dk : Dk; /* healed channel: tissue conductance, K = 1 */
            decay[v] = k >= L.k_cap ? k_clear : 0.0;
        }
    }

    /* Donor. */
    double area_um2 = L.window_um * L.window_um;
    r->area_cm2 = area_um2 / MN_UM2_PER_CM2;
    double conc = prod->concentration_mg_ml * MN_UG_PER_MG / MN_UM3_PER_ML; /* µg/µm³ */
    r->conc_ug_um3 = conc;
    double vol =
        prod->infinite_dose ? INFINITY : prod->volume_ul_per_cm2 * 1e9 / MN_UM2_PER_CM2 * area_um2;
    r->applied = prod->infinite_dose
                     ? INFINITY
                     : prod->volume_ul_per_cm2 * 1e-3 * prod->concentration_mg_ml * MN_UG_PER_MG;
    double donor_conc = conc;
    if (prod->applied == MN_APPLIED_BEFORE) {
        double carried = 0;
        for (int k = 0; k < L.nz; k++)
            for (size_t ij = 0; ij < plane; ij++) {
                size_t v = (size_t)k * plane + ij;
                if (chan[v]) {
                    c0[v] = conc;
                    carried += conc * L.dx_um * L.dx_um * L.dz[k];
                }
            }
        if (isfinite(vol)) {
            if (carried > conc * vol) {
                st = mn_error_set(MN_EINPUT,
                                  "product.volume_ul_per_cm2: %g is less than the "
                                  "channel volume it must fill when applied before "
                                  "needling",
                                  prod->volume_ul_per_cm2);
                goto done;
            }
            donor_conc = (conc * vol - carried) / vol;
        }
    }

    /* Channel field and its intact twin (one column). */
    MN_TRY_GOTO(mn_grid_create(L.nx, L.ny, L.nz, L.dx_um, L.dx_um, L.dz, &g), done);
    MN_TRY_GOTO(mn_grid_create(1, 1, L.nz, L.window_um, L.window_um, L.dz, &g1), done);
    MN_TRY_GOTO(mn_field_create(g, 1, &f), done);
    MN_TRY_GOTO(mn_field_create(g1, 1, &fi), done);
    MN_TRY_GOTO(mn_field_set_partition(f, 0, K), done);
    MN_TRY_GOTO(mn_field_set_decay(f, 0, decay), done);
    MN_TRY_GOTO(mn_field_set_values(f, 0, c0), done);
    MN_TRY_GOTO(mn_field_set_donor(f, 0, MN_FACE_TOP, vol, 1.0, donor_conc), done);
    {
        double Ki[256], Di[256], dec[256];
        for (int k = 0; k < L.nz; k++) {
            tissue_kd(&L, &co, k, &Ki[k], &Di[k]);
            dec[k] = k >= L.k_cap ? k_clear : 0.0;
        }
        MN_TRY_GOTO(mn_field_set_partition(fi, 0, Ki), done);
        MN_TRY_GOTO(mn_field_set_diffusivity(fi, 0, Di), done);
        MN_TRY_GOTO(mn_field_set_decay(fi, 0, dec), done);
        MN_TRY_GOTO(mn_field_set_donor(fi, 0, MN_FACE_TOP, vol, 1.0, conc), done);
    }

    /* March: sample times on a grid fine early (closure, lag) and 0.25 h later; the channel D
     * is refreshed at each sample (piecewise-constant closure, error O(dt/tau)). */
    double T = prod->duration_h, t = 0;
    double dt0 = fmin(tau_h / 20.0, 0.05);
    size_t next_snap = 0;
    sample s = {0};
    MN_TRY_GOTO(amounts(f, &L, L.nz, area_um2, s.amount_ch), done);
    MN_TRY_GOTO(amounts(fi, &L, L.nz, area_um2, s.amount_in), done);
    s.open = 1.0;
    MN_TRY_GOTO(add_sample(r, &s), done);
    double prev_in_ch = 0, prev_in_in = 0;
    while (t < T - 1e-12) {
        double dt = fmin(fmax(dt0, t / 10.0), 0.25);
        if (next_snap < m->output.n_field_times) {
            double ts = m->output.field_times_h[next_snap];
            if (ts > t && ts < t + dt)
                dt = ts - t;
        }
        dt = fmin(dt, T - t);
        double open = mn_closure_open_fraction(t + 0.5 * dt, tau_h);
        for (size_t v = 0; v < nvox; v++)
            D[v] = chan[v] ? co.D_water_um2_s * open + Dt[v] * (1.0 - open) : Dt[v];
        MN_TRY_GOTO(mn_field_set_diffusivity(f, 0, D), done);
        MN_TRY_GOTO(mn_field_step(f, dt * MN_S_PER_H), done);
        MN_TRY_GOTO(mn_field_step(fi, dt * MN_S_PER_H), done);
        t += dt;
        sample q = {0};
        q.t_h = t;
        q.open = mn_closure_open_fraction(t, tau_h);
        MN_TRY_GOTO(amounts(f, &L, L.nz, area_um2, q.amount_ch), done);
        MN_TRY_GOTO(amounts(fi, &L, L.nz, area_um2, q.amount_in), done);
        double in_ch, in_in;
        MN_TRY_GOTO(mn_field_get_boundary_amount(f, 0, MN_FACE_TOP, &in_ch), done);
        MN_TRY_GOTO(mn_field_get_boundary_amount(fi, 0, MN_FACE_TOP, &in_in), done);
        q.flux_ch = (in_ch - prev_in_ch) * MN_UM2_PER_CM2 / area_um2 / dt;
        q.flux_in = (in_in - prev_in_in) * MN_UM2_PER_CM2 / area_um2 / dt;
        prev_in_ch = in_ch, prev_in_in = in_in;
        MN_TRY_GOTO(add_sample(r, &q), done);
        while (next_snap < m->output.n_field_times &&
               m->output.field_times_h[next_snap] <= t + 1e-9) {
            snapshot *sn = &r->snap[r->nsnap];
            sn->t_h = t;
            sn->c = malloc(nvox * sizeof *sn->c);
            sn->profile_ch = malloc(L.nz * sizeof(double));
            sn->profile_in = malloc(L.nz * sizeof(double));
            if (!sn->c || !sn->profile_ch || !sn->profile_in) {
                st = mn_error_set(MN_ENOMEM, "out of memory storing field snapshots");
                goto done;
            }
            r->nsnap++;
            MN_TRY_GOTO(mn_field_get_values(f, 0, sn->c), done);
            MN_TRY_GOTO(lateral_profile(f, L.nx, L.ny, L.nz, buf, sn->profile_ch), done);
            MN_TRY_GOTO(mn_field_get_values(fi, 0, sn->profile_in), done);
            next_snap++;
        }
    }
    /* Final doses. */
    sample *e = &r->samples[r->nsamples - 1];
    for (int l = 0; l < 4; l++)
        r->dose_ch[l] = e->amount_ch[l + 1], r->dose_in[l] = e->amount_in[l + 1];
    r->remaining_ch = e->amount_ch[0], r->remaining_in = e->amount_in[0];
    /* Lag time: intercept with the time axis of the tangent to the amount past the SC at the
     * sample of largest rate (the classical lag time when the curve becomes linear). */
    double best = -1;
    r->lag_h = NAN;
    for (size_t i = 1; i < r->nsamples; i++) {
        const sample *a = &r->samples[i - 1], *b = &r->samples[i];
        double pa = a->amount_ch[2] + a->amount_ch[3] + a->amount_ch[4];
        double pb = b->amount_ch[2] + b->amount_ch[3] + b->amount_ch[4];
        double rate = (pb - pa) / (b->t_h - a->t_h);
        if (rate > best && rate > 0) {
            best = rate;
            r->lag_h = fmax(0.0, b->t_h - pb / rate);
        }
    }
done:
    mn_field_free(f);
    mn_field_free(fi);
    mn_grid_free(g);
    mn_grid_free(g1);
    free(K), free(Dt), free(D), free(decay), free(c0), free(buf), free(chan);
    if (st != MN_OK) {
        mn_delivery_result_free(r);
        return st;
    }
    *out = r;
    return MN_OK;
}

void mn_delivery_result_free(mn_delivery_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nsnap; i++) {
        free(r->snap[i].c);
        free(r->snap[i].profile_ch);
        free(r->snap[i].profile_in);
    }
    free(r->samples);
    free(r->dz_um);
    free(r);
}

double mn_delivery_get_dose(const mn_delivery_result *r, mn_dose_layer l, bool intact)
{
    return intact ? r->dose_in[l] : r->dose_ch[l];
}
double mn_delivery_get_applied(const mn_delivery_result *r)
{
    return r->applied;
}
double mn_delivery_get_remaining(const mn_delivery_result *r, bool intact)
{
    return intact ? r->remaining_in : r->remaining_ch;
}
double mn_delivery_get_enhancement_ratio(const mn_delivery_result *r)
{
    double ch = r->dose_ch[1] + r->dose_ch[2] + r->dose_ch[3];
    double in = r->dose_in[1] + r->dose_in[2] + r->dose_in[3];
    return in > 0 ? ch / in : INFINITY;
}
double mn_delivery_get_lag_time_h(const mn_delivery_result *r)
{
    return r->lag_h;
}
double mn_delivery_get_channel_half_life_h(const mn_delivery_result *r)
{
    return r->half_life_h;
}
const char *mn_delivery_get_product(const mn_delivery_result *r)
{
    return r->product;
}
size_t mn_delivery_get_samples(const mn_delivery_result *r)
{
    return r->nsamples;
}
mn_status mn_delivery_get_sample(const mn_delivery_result *r, size_t i, double *time_h,
                                 double *flux_channels, double *flux_intact, double *open_fraction)
{
    if (i >= r->nsamples)
        return mn_error_set(MN_EINPUT, "sample %zu of %zu", i, r->nsamples);
    const sample *s = &r->samples[i];
    *time_h = s->t_h, *flux_channels = s->flux_ch, *flux_intact = s->flux_in;
    *open_fraction = s->open;
    return MN_OK;
}
double mn_delivery_get_intact_kp_cm_h(const mn_delivery_result *r)
{
    return r->kp_cm_h;
}

static mn_status open_out(const char *dir, const char *name, char *path, size_t cap, FILE **f)
{
    snprintf(path, cap, "%s/%s.tmp", dir, name);
    *f = fopen(path, "w");
    if (!*f)
        return mn_error_set(MN_EIO, "%s: cannot create", path);
    return MN_OK;
}

static mn_status close_out(FILE *f, const char *dir, const char *name, const char *tmp)
{
    char final[4096];
    snprintf(final, sizeof final, "%s/%s", dir, name);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || rename(tmp, final) != 0) {
        remove(tmp);
        return mn_error_set(MN_EIO, "%s: write failed", final);
    }
    return MN_OK;
}

mn_status mn_delivery_write_csv(const mn_delivery_result *r, const char *dir)
{
    char tmp[4096];
    FILE *f;
    MN_TRY(open_out(dir, "delivery.csv", tmp, sizeof tmp, &f));
    fprintf(f, "time_h,flux_ug_cm2_h,donor_ug_cm2,stratum_corneum_ug_cm2,epidermis_ug_cm2,"
               "dermis_ug_cm2,systemic_ug_cm2,intact_flux_ug_cm2_h,intact_donor_ug_cm2,"
               "intact_stratum_corneum_ug_cm2,intact_epidermis_ug_cm2,intact_dermis_ug_cm2,"
               "intact_systemic_ug_cm2,open_channel_fraction\n");
    for (size_t i = 0; i < r->nsamples; i++) {
        const sample *s = &r->samples[i];
        fprintf(f, "%.6g,%.6g", s->t_h, s->flux_ch);
        for (int l = 0; l < 5; l++)
            fprintf(f, ",%.6g", s->amount_ch[l]);
        fprintf(f, ",%.6g", s->flux_in);
        for (int l = 0; l < 5; l++)
            fprintf(f, ",%.6g", s->amount_in[l]);
        fprintf(f, ",%.6g\n", s->open);
    }
    MN_TRY(close_out(f, dir, "delivery.csv", tmp));
    MN_TRY(open_out(dir, "delivery_profiles.csv", tmp, sizeof tmp, &f));
    fprintf(f, "time_h,depth_um,concentration_ug_ml,intact_concentration_ug_ml\n");
    for (size_t n = 0; n < r->nsnap; n++) {
        double z = 0;
        for (int k = 0; k < r->nz; k++) {
            /* µg/µm³ -> µg/mL */
            fprintf(f, "%.6g,%.6g,%.6g,%.6g\n", r->snap[n].t_h, z + r->dz_um[k] / 2,
                    r->snap[n].profile_ch[k] * MN_UM3_PER_ML,
                    r->snap[n].profile_in[k] * MN_UM3_PER_ML);
            z += r->dz_um[k];
        }
    }
    return close_out(f, dir, "delivery_profiles.csv", tmp);
}

mn_status mn_delivery_write_fields(const mn_delivery_result *r, const char *dir)
{
    if (r->nsnap == 0)
        return MN_OK;
    char path[4096];
    snprintf(path, sizeof path, "%s/fields", dir);
    if (mkdir(path, 0777) != 0 && access(path, W_OK) != 0)
        return mn_error_set(MN_EIO, "%s: cannot create the folder", path);
    /* Image data needs uniform spacing: resample z to cells of the thinnest layer's size or
     * 10 µm, whichever is larger, by the layer each cell centre falls in. */
    double total = 0, dzmin = INFINITY;
    for (int k = 0; k < r->nz; k++)
        total += r->dz_um[k], dzmin = fmin(dzmin, r->dz_um[k]);
    double h = fmax(dzmin, 10.0);
    int nzo = (int)ceil(total / h);
    size_t plane = (size_t)r->nx * r->ny;
    double *img = malloc(plane * nzo * sizeof *img);
    if (!img)
        return mn_error_set(MN_ENOMEM, "out of memory resampling the field");
    mn_status st = MN_OK;
    for (size_t n = 0; n < r->nsnap && st == MN_OK; n++) {
        int k = 0;
        double ztop = 0;
        for (int ko = 0; ko < nzo; ko++) {
            double zc = (ko + 0.5) * h;
            while (k < r->nz - 1 && zc > ztop + r->dz_um[k])
                ztop += r->dz_um[k++];
            for (size_t ij = 0; ij < plane; ij++)
                img[(size_t)ko * plane + ij] = r->snap[n].c[(size_t)k * plane + ij] * MN_UM3_PER_ML;
        }
        mn_vti_array a = {"concentration_ug_ml", img};
        double sp[3] = {r->dx_um, r->dx_um, h}, org[3] = {0, 0, 0};
        snprintf(path, sizeof path, "%s/fields/delivery_%gh.vti", dir, r->snap[n].t_h);
        st = mn_vti_write(path, r->nx, r->ny, nzo, sp, org, &a, 1, r->binary_vti);
    }
    free(img);
    return st;
}
