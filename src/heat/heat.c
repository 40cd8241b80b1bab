/* RF heating of one needle's unit cell: grid, materials, potential, bioheat time loop with
 * Arrhenius damage, zone measurement. The model and its conventions are in heat.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"
#include "heat/heat_result.h"
#include "heat/tissue.h"

#define J_PER_UM3_K   1.0e-18 /* ρc in J/m³/K to J/µm³/K */
#define W_UM_PER_M_K  1.0e-6  /* k in W/m/K to W/µm/K */
#define OMEGA_FLOOR_C 39.0    /* below this, damage rates are < 3e-7 /s (both sets): not tracked */

void mn_heat_options_default(mn_heat_options *o)
{
    memset(o, 0, sizeof *o);
    o->pitch_um = 0.0;
    o->voxel_um = 20.0; /* numerical: zones converge at this spacing (docs/validation/heat.md) */
    o->pulse_gap_ms = -1.0;
    /* Cooling is followed until the tissue is below 44 °C, where both Arrhenius sets of
     * data/arrhenius.csv damage at < 3e-5 of their 70 °C rate, or for at most 2 s. */
    o->cooldown_max_ms = 2000.0;
    o->cooldown_stop_c = 44.0;
    /* Arterial blood and the deep boundary at core temperature: the T_a of Pennes' bioheat
     * equation (Pennes HH, J Appl Physiol 1948;1:93-122; literature/README.md). */
    o->arterial_temperature_c = 37.0;
    o->sigma_temp_coeff_per_c = -1.0; /* the table's cited coefficient */
    o->sigma_damage = 1;
    o->vaporisation = 1;
    /* Numerical: σ changes by 20 % for 11 °C at 1.82 %/°C. On the unit-test reference (55 mJ,
     * 100 ms) re-solving at 5 / 10 / 20 % gave the same zone extent and 43.49 / 43.92 /
     * 44.04 nL, peaks 98.1 / 98.2 / 98.4 °C (docs/validation/heat.md); each solve costs as much
     * as the bioheat of a pulse. */
    o->resolve_sigma_rel = 0.2;
    /* ASSUMPTION (no cited generator logic): a constant-power generator stops a sub-pulse
     * once the load impedance has doubled from its lowest value, as RF-ablation generators do
     * on "roll-off"; the rise itself comes from desiccation (Zhu 2013, data/rf_dielectric.csv). */
    o->impedance_cutoff_rel = 2.0;
    o->k_temperature_dependent = 1;
    o->water_scale = 1.0;
    o->dry_sigma_factor = -1.0;
    o->keep_fields = 1;
}

void mn_heat_result_free(mn_heat_result *r)
{
    if (!r)
        return;
    mn_hgrid_clear(&r->g);
    free(r->label), free(r->tpeak), free(r->om_skin), free(r->om_col);
    for (int c = 0; c < MN_HCURVE_COLS; c++)
        free(r->curve[c]);
    free(r);
}

static mn_status check_device(const mn_device_spec *d)
{
    if (d->type != MN_DEVICE_RF)
        return mn_error_set(MN_EINPUT, "device.type: heat needs an rf device");
    if (!(d->needle_diameter_um > 0))
        return mn_error_set(MN_EINPUT, "device.needle_diameter_mm: must be > 0 for rf");
    if (!(d->set_depth_um > 0))
        return mn_error_set(MN_EINPUT, "device.depth_mm: must be > 0 for rf");
    if (!(d->pulse_ms > 0))
        return mn_error_set(MN_EINPUT, "device.pulse_ms: must be > 0");
    if (!(d->energy_mj_per_needle > 0) && !(d->power_w > 0 && d->needles > 0))
        return mn_error_set(MN_EINPUT,
                            "device: give power_w (> 0, with needles) or energy_mj_per_needle");
    if (d->insulated && !(d->tip_exposed_um > 0))
        return mn_error_set(MN_EINPUT, "device.tip_exposed_um: must be > 0 for insulated needles");
    if (d->stacks < 1)
        return mn_error_set(MN_EINPUT, "device.stacks: must be >= 1");
    if (d->cooled && !(d->cooling_c >= -30.0 && d->cooling_c <= 37.0))
        return mn_error_set(MN_EINPUT, "device.cooling_c: must be in -30 ... 37");
    if (d->cooled && !(d->precool_s >= 0.0 && d->precool_s <= 60.0))
        return mn_error_set(MN_EINPUT, "device.precool_s: must be in 0 ... 60");
    return MN_OK;
}

/* Length over which the needle widens from its tip radius to its diameter: the device's, else
 * the needling stage's needle_taper_length_um (data/needling_params.csv: a cone over 410 um,
 * from a measured metal microneedle's point angle), so that both stages see the same needle.
 * 0: a cylinder. */
static mn_status taper_length(const mn_device_spec *d, double *out)
{
    *out = d->taper_length_um;
    if (*out >= 0)
        return MN_OK;
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("needling_params.csv", &t));
    long row = mn_table_find(t, "name", "needle_taper_length_um");
    mn_status st =
        row < 0 ? mn_error_set(MN_EINTERNAL, "needling_params.csv: no needle_taper_length_um row")
                : mn_table_double(t, (size_t)row, "value", out);
    mn_table_free(t);
    return st;
}

/* z faces: 5 µm (or finer) through the stratum corneum and epidermis so both are resolved,
 * the lateral spacing h down to 300 µm below the tip, then growing by 1.25 per layer to
 * 200 µm; every layer boundary and the needle's insulation edge and tip lie on a face. */
static mn_status build_z(const mn_column *col, double tip_um, double ins_um, double h,
                         double **zf_out, int *nz_out)
{
    double bps[8];
    int nb = 0;
    const double bottom = fmax(tip_um, col->dermis_bottom_um) + 1500.0;
    bps[nb++] = col->sc_um;
    bps[nb++] = col->dej_depth_um;
    if (ins_um > 0)
        bps[nb++] = ins_um;
    bps[nb++] = tip_um;
    bps[nb++] = col->dermis_bottom_um;
    bps[nb++] = bottom;
    /* sort (tiny n) */
    for (int a = 0; a < nb; a++)
        for (int b = a + 1; b < nb; b++)
            if (bps[b] < bps[a]) {
                double t = bps[a];
                bps[a] = bps[b], bps[b] = t;
            }
    const double hfine = fmin(5.0, h), fine_end = tip_um + 300.0;
    size_t cap = 1024, nz = 0;
    double *zf = malloc(cap * sizeof *zf);
    if (!zf)
        return mn_error_set(MN_ENOMEM, "heat: out of memory for z faces");
    zf[0] = 0.0;
    double z = 0.0, last = hfine;
    while (z < bottom - 1e-9) {
        double tgt = z < col->dej_depth_um ? hfine
                     : z < fine_end        ? fmin(h, last * 1.5)
                                           : fmin(200.0, fmax(h, last * 1.25));
        double bp = bottom;
        for (int a = 0; a < nb; a++)
            if (bps[a] > z + 1e-9) {
                bp = bps[a];
                break;
            }
        double rem = bp - z, dz = tgt;
        if (rem <= 1.5 * tgt) {
            int n = (int)ceil(rem / tgt - 1e-9);
            dz = rem / (n < 1 ? 1 : n);
        }
        if (nz + 2 >= cap) {
            cap *= 2;
            double *nzf = realloc(zf, cap * sizeof *zf);
            if (!nzf) {
                free(zf);
                return mn_error_set(MN_ENOMEM, "heat: out of memory for z faces");
            }
            zf = nzf;
        }
        z = (rem <= 1.5 * tgt && dz >= rem - 1e-9) ? bp : z + dz;
        zf[++nz] = z;
        last = dz;
    }
    *zf_out = zf;
    *nz_out = (int)nz;
    return MN_OK;
}

static mn_status curve_push(mn_heat_result *r, const double row[MN_HCURVE_COLS])
{
    if (r->nc == r->cap) {
        size_t nc = r->cap ? 2 * r->cap : 256;
        for (int c = 0; c < MN_HCURVE_COLS; c++) {
            double *p = realloc(r->curve[c], nc * sizeof *p);
            if (!p)
                return mn_error_set(MN_ENOMEM, "heat: out of memory for the curve");
            r->curve[c] = p;
        }
        r->cap = nc;
    }
    for (int c = 0; c < MN_HCURVE_COLS; c++)
        r->curve[c][r->nc] = row[c];
    r->nc++;
    return MN_OK;
}

/* Work arrays of one run. */
typedef struct run_state {
    const mn_heat_tissue *tis;
    const mn_heat_options *o;
    mn_heat_result *r;
    unsigned char *role;
    double complex *sigma, *v, *sigma_next;
    double *pw, *src, *t, *t_old, *om_skin, *om_col, *om_sig, *water, *rho_c, *latent;
    /* damage rates at the end of the last step (skin, collagen, σ rise), valid where rate_ok:
     * the start rates of the next step, so each step takes one exp per set and voxel */
    double *rate_skin, *rate_col, *rate_sig;
    unsigned char *rate_ok;
    mn_bioheat bh;
    mn_potential pot;
    double target_w;    /* power into the quarter cell while on */
    double i1_abs;      /* |current| of the quarter cell at 1 V */
    double sigma_coeff; /* < 0: per layer from the table */
    double latent_j;    /* taken by vaporisation so far */
    double *ktop;       /* conductivity of the top layer, for the cooling plate */
} run_state;

static void run_state_clear(run_state *s)
{
    free(s->role), free(s->sigma), free(s->v), free(s->pw), free(s->src), free(s->t);
    free(s->t_old), free(s->om_skin), free(s->om_col), free(s->om_sig), free(s->water);
    free(s->rate_skin), free(s->rate_col), free(s->rate_sig), free(s->rate_ok);
    free(s->sigma_next), free(s->rho_c), free(s->latent), free(s->ktop);
    mn_bioheat_clear(&s->bh);
}

/* max(a, b) for the per-voxel loops: the temperatures and integrals there are finite, and libm's
 * fmax (a call, for its NaN rules) was 1 % of an RF session. */
static inline double max2(double a, double b)
{
    return b > a ? b : a;
}

/* Damage integral of one step from t0 to t1 (°C) over dt_s; *rate holds the rate at the end of
 * the previous step (the start of this one) when ok, and takes the end rate of this one. */
static inline double damage_step(const mn_arrhenius *a, double t0, double t1, double dt_s, int ok,
                                 double *rate)
{
    const double lr0 = mn_arrhenius_ln_rate(a, t0), lr1 = mn_arrhenius_ln_rate(a, t1);
    const double r0 = ok ? *rate : exp(lr0), r1 = exp(lr1);
    *rate = r1;
    return mn_arrhenius_integral(r0, r1, lr0, lr1, dt_s);
}

/* σ* of every tissue voxel now: the Cole–Cole value at the carrier frequency, times the
 * reversible temperature factor (1 + a (T − 37)) up to 100 °C, times the irreversible rise
 * with denaturation 1 + Δ (1 − e^{−Ω_σ}), times the desiccation factor, which falls linearly
 * from 1 (all water there) to the dry factor (all vaporised). The permittivity term follows the
 * desiccation only. Returns the largest relative change of |σ*| against s->sigma. */
static double sigma_now(run_state *s, double complex *out)
{
    const size_t n = mn_hgrid_n(&s->r->g);
    const double ta = s->o->arterial_temperature_c;
    double dmax = 0.0;
    for (size_t w = 0; w < n; w++) {
        const mn_heat_material *m = &s->tis->mat[s->r->label[w]];
        if (s->r->label[w] == MN_HMAT_NEEDLE) {
            out[w] = 0.0;
            continue;
        }
        const double a = s->sigma_coeff >= 0 ? s->sigma_coeff : m->sigma_temp_coeff;
        double f = 1.0 + a * (fmin(s->t[w], 100.0) - ta);
        f = f > 0.05 ? f : 0.05;
        if (s->o->sigma_damage)
            f *= 1.0 + m->irr_max_rel * (1.0 - exp(-s->om_sig[w]));
        const double dry = s->water[w] + (1.0 - s->water[w]) * m->dry_sigma_factor;
        out[w] = (m->sigma_s_m * f + I * cimag(m->sigma_complex)) * dry;
        /* squared moduli: two hypot() per voxel and step were 1 % of an RF session */
        const double complex dv = out[w] - s->sigma[w];
        const double ref2 =
            creal(s->sigma[w]) * creal(s->sigma[w]) + cimag(s->sigma[w]) * cimag(s->sigma[w]);
        if (ref2 > 0)
            dmax = max2(dmax, (creal(dv) * creal(dv) + cimag(dv) * cimag(dv)) / ref2);
    }
    return sqrt(dmax);
}

/* Thermal conductivity k(T) of each voxel (W/µm/K) into the bioheat field; the engine forms
 * the harmonic-mean face conductances and the half-cell conductance to the held bottom. */
static mn_status update_conductivity(run_state *s)
{
    const size_t n = mn_hgrid_n(&s->r->g);
    const double ta = s->o->arterial_temperature_c;
    /* pw is free scratch between potential solves */
    for (size_t w = 0; w < n; w++) {
        const mn_heat_material *m = &s->tis->mat[s->r->label[w]];
        double kv = m->k_w_mk;
        if (s->o->k_temperature_dependent)
            kv *= 1.0 + m->k_temp_coeff * (s->t[w] - ta);
        s->pw[w] = kv * W_UM_PER_M_K;
    }
    return mn_bioheat_set_conductivity(&s->bh, s->pw);
}

/* Puts the device's cooling plate on the skin surface (on) or takes it away, with the top
 * layer's conductivity k(T) of now (frozen while the plate stays: it changes by < 0.2 % per
 * °C). */
static mn_status set_cooling(run_state *s, const mn_device_spec *d, int on)
{
    if (!d->cooled)
        return MN_OK;
    const mn_hgrid *g = &s->r->g;
    const size_t sz = (size_t)g->nx * (size_t)g->ny;
    const double ta = s->o->arterial_temperature_c;
    for (size_t q = 0; q < sz; q++) {
        const mn_heat_material *m = &s->tis->mat[s->r->label[q]];
        double kv = m->k_w_mk;
        if (s->o->k_temperature_dependent)
            kv *= 1.0 + m->k_temp_coeff * (s->t[q] - ta);
        s->ktop[q] = kv * W_UM_PER_M_K;
    }
    /* W/m²/K to W/µm²/K */
    const double h = d->cooling_h_w_m2k > 0 ? d->cooling_h_w_m2k * 1e-12 : INFINITY;
    return mn_bioheat_set_cooling(&s->bh, on, d->cooling_c, h, s->ktop);
}

/* Potential at 1 V with σ* of the current state (sigma_now), then the source scaled to the
 * target power (the generator regulates power). */
static mn_status update_source(run_state *s)
{
    const size_t n = mn_hgrid_n(&s->r->g);
    sigma_now(s, s->sigma_next);
    memcpy(s->sigma, s->sigma_next, n * sizeof *s->sigma);
    double total = 0.0;
    double complex cur = 0.0;
    MN_TRY(mn_potential_solve(&s->pot, s->v, s->pw, &total, &cur, NULL));
    if (!(total > 0))
        return mn_error_set(MN_ENUMERIC, "heat: no current flows from the electrode");
    double scale = s->target_w / total;
    for (size_t w = 0; w < n; w++)
        s->src[w] = s->pw[w] * scale;
    s->i1_abs = cabs(cur);
    return MN_OK;
}

/* Needle pitch of the array: the option, the device's pitch, its needle-field width over the
 * columns (tip_width_um, else drum_width_um), else 1000 um (an assumption, no source). *key
 * names the scenario key the pitch came from, for errors. */
static double array_pitch(const mn_device_spec *d, const mn_heat_options *o, const char **key)
{
    const int cols = d->rows > 0 ? (d->needles + d->rows - 1) / d->rows : d->needles;
    *key = "device.pitch_mm";
    if (o->pitch_um > 0)
        return o->pitch_um;
    if (d->pitch_um > 0)
        return d->pitch_um;
    if (cols > 0 && d->tip_width_um > 0) {
        *key = "device.tip_width_mm";
        return d->tip_width_um / cols;
    }
    if (cols > 0 && d->drum_width_um > 0) {
        *key = "device.drum_width_mm";
        return d->drum_width_um / cols;
    }
    return 1000.0;
}

mn_status mn_heat_run(const mn_device_spec *d, const mn_column *col, const mn_heat_options *oin,
                      mn_heat_result **out)
{
    *out = NULL;
    MN_TRY(check_device(d));
    mn_heat_options o;
    if (oin)
        o = *oin;
    else
        mn_heat_options_default(&o);
    if (!(o.voxel_um > 0) || !(o.cooldown_max_ms >= 0) || !(o.water_scale > 0) ||
        !(o.dry_sigma_factor <= 1.0))
        return mn_error_set(MN_EINPUT, "heat options: voxel_um > 0, cooldown_max_ms >= 0, "
                                       "water_scale > 0, dry_sigma_factor <= 1");
    mn_heat_tissue tis;
    mn_arrhenius skin, coll;
    MN_TRY(mn_heat_tissue_load(d->frequency_mhz > 0 ? d->frequency_mhz : 1.0, &tis));
    for (int m = 0; m < MN_HMAT_COUNT; m++) {
        tis.mat[m].latent_j_m3 *= o.water_scale;
        if (o.dry_sigma_factor >= 0)
            tis.mat[m].dry_sigma_factor = o.dry_sigma_factor;
    }
    MN_TRY(mn_heat_arrhenius_load("skin_burn", &skin));
    MN_TRY(mn_heat_arrhenius_load("collagen", &coll));

    mn_status st = MN_OK;
    run_state s;
    memset(&s, 0, sizeof s);
    mn_heat_result *r = calloc(1, sizeof *r);
    if (!r)
        return mn_error_set(MN_ENOMEM, "heat: out of memory");
    s.tis = &tis, s.o = &o, s.r = r;

    /* Unit cell */
    const char *pitch_key = NULL;
    double pitch = array_pitch(d, &o, &pitch_key);
    const double rad = 0.5 * d->needle_diameter_um, tip = d->set_depth_um;
    if (!(pitch >= 2.0 * rad + 50.0)) {
        st = mn_error_set(MN_EINPUT,
                          "%s: pitch %.0f um leaves no tissue around %.0f um needles (expected at "
                          "least the needle diameter + 50 um)",
                          pitch_key, pitch, d->needle_diameter_um);
        goto fail;
    }
    /* at least two voxels of tissue on each side between neighbouring needles */
    if (0.5 * pitch - rad < 2.0 * o.voxel_um)
        o.voxel_um = 0.5 * (0.5 * pitch - rad);
    const double ins_bottom = d->insulated ? fmax(0.0, tip - d->tip_exposed_um) : 0.0;
    double taper_um = 0.0;
    MN_TRY_GOTO(taper_length(d, &taper_um), fail);
    const double tip_r = fmin(rad, fmax(0.0, d->tip_radius_um));
    const double taper_tan = taper_um > 0 ? (rad - tip_r) / taper_um : 0.0;
    int nxy = (int)lround(0.5 * pitch / o.voxel_um);
    if (nxy < 4)
        nxy = 4;
    const double dx = 0.5 * pitch / nxy;
    double *zf = NULL;
    int nz = 0;
    MN_TRY_GOTO(build_z(col, tip, ins_bottom, o.voxel_um, &zf, &nz), fail);
    st = mn_hgrid_init(&r->g, nxy, nxy, dx, dx, nz, zf);
    free(zf);
    if (st != MN_OK)
        goto fail;
    const mn_hgrid *g = &r->g;
    const size_t n = mn_hgrid_n(g), sz = (size_t)nxy * (size_t)nxy;
    r->pitch_um = pitch;
    r->skin_depth_um = col->dermis_bottom_um;
    r->tip_um = tip;
    r->passes = d->passes > 0 ? d->passes : 1;
    r->same_spot = d->pass_interval_s > 0;
    const int passes_sim = r->same_spot ? r->passes : 1;
#define ALLOC_GOTO(p, cnt)                                                                         \
    do {                                                                                           \
        (p) = calloc((cnt), sizeof *(p));                                                          \
        if (!(p)) {                                                                                \
            st = mn_error_set(MN_ENOMEM, "heat: out of memory (%zu voxels)", n);                   \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)
    ALLOC_GOTO(r->label, n);
    ALLOC_GOTO(s.role, n);
    ALLOC_GOTO(s.sigma, n);
    ALLOC_GOTO(s.v, n);
    ALLOC_GOTO(s.pw, n);
    ALLOC_GOTO(s.src, n);
    ALLOC_GOTO(s.t, n);
    ALLOC_GOTO(s.t_old, n);
    ALLOC_GOTO(s.om_skin, n);
    ALLOC_GOTO(s.om_col, n);
    ALLOC_GOTO(s.om_sig, n);
    ALLOC_GOTO(s.rate_skin, n);
    ALLOC_GOTO(s.rate_col, n);
    ALLOC_GOTO(s.rate_sig, n);
    ALLOC_GOTO(s.rate_ok, n);
    ALLOC_GOTO(s.water, n);
    ALLOC_GOTO(s.sigma_next, n);
    ALLOC_GOTO(s.rho_c, n);
    ALLOC_GOTO(s.latent, n);
    ALLOC_GOTO(s.ktop, sz);
    if (o.keep_fields)
        ALLOC_GOTO(r->tpeak, n);

    /* Labels and electrode roles. The needle reaches the set depth; within taper_um of its end
     * it narrows as a cone from its diameter to the tip radius (a cylinder when taper_um is 0),
     * resolved as the voxels whose centre lies inside it, and always at least the voxel on
     * its axis. */
    for (int k = 0; k < g->nz; k++) {
        double zc = mn_hgrid_zc(g, k);
        for (int j = 0; j < nxy; j++)
            for (int i = 0; i < nxy; i++) {
                size_t w = (size_t)i + (size_t)j * (size_t)nxy + (size_t)k * sz;
                double x = (i + 0.5) * dx, y = (j + 0.5) * dx;
                const double rz = taper_tan > 0 ? fmin(rad, tip_r + (tip - zc) * taper_tan) : rad;
                int in_needle = (hypot(x, y) < rz || (i == 0 && j == 0)) && zc < tip;
                unsigned char lab = zc < col->sc_um              ? MN_HMAT_SC
                                    : zc < col->dej_depth_um     ? MN_HMAT_EPIDERMIS
                                    : zc < col->dermis_bottom_um ? MN_HMAT_DERMIS
                                                                 : MN_HMAT_SUBCUTIS;
                r->label[w] = in_needle ? MN_HMAT_NEEDLE : lab;
                s.role[w] = !in_needle ? PV_TISSUE : zc > ins_bottom ? PV_ELECTRODE : PV_INSULATOR;
            }
    }
    /* Bioheat: ρc and w_b ρ_b c_b per voxel (t is scratch until the loop); water and its
     * latent heat (J/µm³) for vaporisation */
    for (size_t w = 0; w < n; w++) {
        const mn_heat_material *m = &tis.mat[r->label[w]];
        s.rho_c[w] = m->rho_c * J_PER_UM3_K;
        s.t[w] = m->perfusion_1_s * tis.blood_rho_c * J_PER_UM3_K;
        s.latent[w] = o.vaporisation ? m->latent_j_m3 * J_PER_UM3_K : 0.0;
        s.water[w] = r->label[w] == MN_HMAT_NEEDLE ? 0.0 : 1.0;
    }
    s.sigma_coeff = o.sigma_temp_coeff_per_c;
    MN_TRY_GOTO(mn_bioheat_create(&s.bh, g, s.rho_c, s.t, o.arterial_temperature_c, 1u << HF_ZHI),
                fail);
    for (size_t w = 0; w < n; w++) {
        s.t[w] = o.arterial_temperature_c;
        if (r->tpeak)
            r->tpeak[w] = s.t[w];
    }
    MN_TRY_GOTO(update_conductivity(&s), fail);

    /* Potential */
    s.pot.g = g;
    s.pot.role = s.role;
    s.pot.sigma = s.sigma;
    s.pot.v_electrode = 1.0;
    /* The Joule heat is rescaled to the set power after each solve, so only its distribution
     * needs the solve; 1e-7 changes peaks by < 0.01 °C against 1e-10 (docs/validation/heat.md)
     * at about half the iterations. */
    s.pot.rtol = 1e-6;
    if (d->polarity == MN_POLARITY_BIPOLAR)
        s.pot.dirichlet[HF_XHI] = 1; /* antisymmetry plane between opposite needles */
    else
        s.pot.dirichlet[HF_ZHI] = 1; /* return electrode far below */
    double p_needle = d->energy_mj_per_needle > 0 ? d->energy_mj_per_needle / d->pulse_ms
                                                  : d->power_w / d->needles; /* mJ/ms = W */
    s.target_w = 0.25 * p_needle;
    MN_TRY_GOTO(update_source(&s), fail);
    /* |Z| of one needle: the quarter cell carries a quarter of its current. */
    double z_needle = 1.0 / (4.0 * s.i1_abs);
    r->sum.impedance_ohm = d->polarity == MN_POLARITY_BIPOLAR ? 2.0 * z_needle : z_needle;
    r->sum.power_per_needle_w = p_needle;
    r->sum.on_time_ms = d->pulse_ms * d->stacks * passes_sim;
    r->sum.passes_at_spot = passes_sim;
    r->sum.cooled = d->cooled;
    r->sum.cooling_plate_c = d->cooled ? d->cooling_c : 0.0;
    r->sum.cooling_h_w_m2k = d->cooled && d->cooling_h_w_m2k > 0 ? d->cooling_h_w_m2k : 0.0;
    r->sum.precool_s = d->cooled && d->precool_s > 0 ? d->precool_s : 0.0;
    r->sum.taper_length_um = taper_tan > 0 ? taper_um : 0.0;
    r->sum.energy_per_needle_mj = p_needle * r->sum.on_time_ms;

    /* Tip probe: the tissue voxel just below the needle end on the axis. */
    size_t tip_w = 0;
    for (int k = 0; k < g->nz; k++)
        if (mn_hgrid_zc(g, k) > tip) {
            tip_w = (size_t)k * sz;
            break;
        }

    /* Time loop over the pulse train of each pass at this spot (passes_sim), the pass interval
     * between them (from the end of one train to the start of the next) and the cooling after
     * the last. The cooling plate, where the device has one, touches the skin during each
     * train (its pulses and the gaps between them) and is lifted between passes and after. */
    const double gap_ms = o.pulse_gap_ms >= 0 ? o.pulse_gap_ms : d->pulse_ms;
    const double pass_gap_ms = r->same_spot ? d->pass_interval_s * 1e3 : 0.0;
    /* Pre-cooling: with a plate, each pass begins with the plate alone on the skin for
     * precool_s (segment 0 of the pass); time 0 stays the first pulse. */
    const double precool_ms = d->cooled && d->precool_s > 0 ? d->precool_s * 1e3 : 0.0;
    const int pre = precool_ms > 0;
    int plate_on = 0;
    const double cell_w_per_needle = 4.0; /* the quarter cell carries a quarter of a needle */
    double t_ms = pre ? -precool_ms : 0.0, peak = o.arterial_temperature_c, epi_peak = peak,
           tip_peak = peak;
    double lpeak[4] = {peak, peak, peak, peak}, on_ms = 0.0, z_now = r->sum.impedance_ohm;
    double row0[MN_HCURVE_COLS] = {t_ms, peak, peak, peak, 0, 0};
    MN_TRY_GOTO(curve_push(r, row0), fail);
    const int seg_pass = pre + 2 * d->stacks, nseg = seg_pass * passes_sim;
    for (int sg = 0; sg < nseg; sg++) {
        const int q = sg % seg_pass, precooling = pre && q == 0;
        const int on = !precooling && (q - pre) % 2 == 0, last = sg == nseg - 1;
        const int pass_end = q == seg_pass - 1;
        const double seg_ms = precooling ? precool_ms
                              : on       ? d->pulse_ms
                              : last     ? o.cooldown_max_ms
                              : pass_end ? pass_gap_ms
                                         : gap_ms;
        if (!(seg_ms > 0))
            continue;
        if (plate_on != !pass_end) {
            plate_on = !pass_end;
            MN_TRY_GOTO(set_cooling(&s, d, plate_on), fail);
        }
        const double dt_max = on ? seg_ms / 8.0 : fmax(seg_ms / 8.0, 1.0);
        double done_ms = 0.0, dt = fmin(0.1, seg_ms / 4.0), z_min = INFINITY;
        int cut = 0;
        if (on && sg > 0) /* σ may have changed in the gap */
            MN_TRY_GOTO(update_source(&s), fail);
        if (on)
            z_min = z_now = 1.0 / (4.0 * s.i1_abs);
        MN_TRY_GOTO(mn_bioheat_set_source(&s.bh, on ? s.src : NULL), fail);
        while (done_ms < seg_ms - 1e-12) {
            if (done_ms + dt > seg_ms - 1e-9 * seg_ms)
                dt = seg_ms - done_ms;
            memcpy(s.t_old, s.t, n * sizeof *s.t);
            if (on && !cut && sigma_now(&s, s.sigma_next) > o.resolve_sigma_rel) {
                MN_TRY_GOTO(update_source(&s), fail);
                z_now = 1.0 / (4.0 * s.i1_abs);
                z_min = fmin(z_min, z_now);
                if (o.impedance_cutoff_rel > 0 && z_now > o.impedance_cutoff_rel * z_min) {
                    cut = 1; /* the generator ends this sub-pulse: the rest of it is cooling */
                    r->sum.pulse_cut_short++;
                    MN_TRY_GOTO(mn_bioheat_set_source(&s.bh, NULL), fail);
                } else {
                    MN_TRY_GOTO(mn_bioheat_set_source(&s.bh, s.src), fail);
                }
            }
            /* k(T) frozen over the step (operator splitting, first order in the k change) */
            if (o.k_temperature_dependent)
                MN_TRY_GOTO(update_conductivity(&s), fail);
            MN_TRY_GOTO(mn_bioheat_step(&s.bh, dt * 1e-3, s.t), fail);
            if (on && !cut)
                on_ms += dt;
            if (o.vaporisation) {
                double lat = mn_heat_phase_update(g, s.rho_c, s.latent, 100.0, s.t, s.water);
                if (lat > 0) {
                    s.latent_j += lat;
                    MN_TRY_GOTO(mn_bioheat_set_temperature(&s.bh, s.t), fail);
                }
            }
            done_ms += dt;
            t_ms += dt;
            /* damage, peaks */
            double tmax = -INFINITY, emax = -INFINITY, osk = 0, ocol = 0, dtmax = 0;
            for (size_t w = 0; w < n; w++) {
                double t0 = s.t_old[w], t1 = s.t[w];
                if (r->tpeak)
                    r->tpeak[w] = max2(r->tpeak[w], t1);
                const int lab = r->label[w];
                if (lab == MN_HMAT_NEEDLE)
                    continue;
                dtmax = max2(dtmax, fabs(t1 - t0));
                if (t0 > OMEGA_FLOOR_C || t1 > OMEGA_FLOOR_C) {
                    const int ok = s.rate_ok[w];
                    s.om_skin[w] += damage_step(&skin, t0, t1, dt * 1e-3, ok, &s.rate_skin[w]);
                    s.om_col[w] += damage_step(&coll, t0, t1, dt * 1e-3, ok, &s.rate_col[w]);
                    if (o.sigma_damage) {
                        const mn_heat_material *m = &tis.mat[lab];
                        mn_arrhenius irr = {0, m->irr_ea_j_mol, m->irr_ln_a};
                        s.om_sig[w] += damage_step(&irr, t0, t1, dt * 1e-3, ok, &s.rate_sig[w]);
                    }
                    s.rate_ok[w] = 1;
                } else {
                    s.rate_ok[w] = 0;
                }
                tmax = max2(tmax, t1);
                lpeak[lab] = max2(lpeak[lab], t1);
                if (lab <= MN_HMAT_EPIDERMIS)
                    emax = max2(emax, t1);
                osk = max2(osk, s.om_skin[w]);
                ocol = max2(ocol, s.om_col[w]);
            }
            peak = max2(peak, tmax);
            epi_peak = max2(epi_peak, emax);
            tip_peak = fmax(tip_peak, s.t[tip_w]);
            double row[MN_HCURVE_COLS] = {t_ms, s.t[tip_w], emax, tmax, osk, ocol};
            MN_TRY_GOTO(curve_push(r, row), fail);
            /* next step: keep the largest change per step near 3 °C (the Arrhenius rates change
             * by a factor ~4 per 3 °C near 70 °C; their log-mean integral is exact for a
             * log-linear rate) */
            double grow = dtmax > 0 ? 3.0 / dtmax : 1.5;
            dt = fmin(dt_max, dt * fmin(1.5, fmax(0.5, grow)));
            if (!on && last && tmax < o.cooldown_stop_c)
                break;
        }
    }
    for (int l = 0; l < 4; l++)
        r->sum.layer_peak_c[l] = lpeak[l];
    r->sum.delivered_energy_mj = p_needle * on_ms;
    r->sum.impedance_end_ohm = d->polarity == MN_POLARITY_BIPOLAR ? 2.0 * z_now : z_now;
    r->sum.latent_mj = s.latent_j * cell_w_per_needle * 1e3;

    /* Zones and summary */
    mn_heat_zone zc = {INFINITY, 0, 0, 0}, zs = {INFINITY, 0, 0, 0};
    double epi_om = 0.0, w_dej = 0.0, vap_nl = 0.0;
    unsigned char *epi_hit = (unsigned char *)s.pw; /* scratch: sz flags (pw holds n doubles) */
    memset(epi_hit, 0, sz);
    for (int k = 0; k < g->nz; k++)
        for (int j = 0; j < nxy; j++)
            for (int i = 0; i < nxy; i++) {
                size_t w = (size_t)i + (size_t)j * (size_t)nxy + (size_t)k * sz;
                if (r->label[w] == MN_HMAT_NEEDLE)
                    continue;
                double rr = hypot((i + 0.5) * dx, (j + 0.5) * dx) + 0.5 * dx;
                double vol_nl = 4.0 * dx * dx * g->dz[k] * 1e-6;
                if (r->label[w] == MN_HMAT_EPIDERMIS) {
                    epi_om = fmax(epi_om, s.om_skin[w]);
                    if (s.om_skin[w] >= 1.0)
                        epi_hit[(size_t)i + (size_t)j * (size_t)nxy] = 1;
                }
                if (s.water[w] <= 0.0 && s.latent[w] > 0.0)
                    vap_nl += vol_nl;
                /* width at the dermal–epidermal junction: the voxel layers on either side */
                const int at_dej = fabs(g->zf[k + 1] - col->dej_depth_um) < 1e-6 ||
                                   fabs(g->zf[k] - col->dej_depth_um) < 1e-6;
                if (at_dej && s.om_col[w] >= 1.0)
                    w_dej = fmax(w_dej, 2.0 * rr);
                mn_heat_zone *zz[2] = {&zc, &zs};
                double om[2] = {s.om_col[w], s.om_skin[w]};
                for (int q = 0; q < 2; q++)
                    if (om[q] >= 1.0) {
                        zz[q]->top_um = fmin(zz[q]->top_um, g->zf[k]);
                        zz[q]->bottom_um = fmax(zz[q]->bottom_um, g->zf[k + 1]);
                        zz[q]->width_um = fmax(zz[q]->width_um, 2.0 * rr);
                        zz[q]->volume_nl += vol_nl;
                    }
            }
    if (!(zc.volume_nl > 0))
        zc.top_um = 0;
    if (!(zs.volume_nl > 0))
        zs.top_um = 0;
    r->sum.peak_temperature_c = peak;
    r->sum.epidermis_peak_temperature_c = epi_peak;
    r->sum.tip_peak_temperature_c = tip_peak;
    r->sum.coagulation = zc;
    r->sum.cell_death = zs;
    r->sum.epidermis_omega_skin = epi_om;
    r->sum.epidermis_damaged = epi_om >= 1.0;
    r->sum.coagulation_width_dej_um = w_dej;
    r->sum.vaporised_nl = vap_nl;
    size_t hits = 0;
    for (size_t q = 0; q < sz; q++)
        hits += epi_hit[q];
    r->sum.epidermis_area_fraction = (double)hits / (double)sz;
    /* passes side by side make as many zones; passes at one spot were simulated (one zone) */
    double frac = zc.volume_nl * 1e6 / (pitch * pitch * col->dermis_bottom_um) *
                  (r->same_spot ? 1 : r->passes);
    r->sum.damage_volume_fraction = fmin(1.0, frac);
    mn_energy en;
    MN_TRY_GOTO(mn_bioheat_get_energy(&s.bh, &en), fail);
    const mn_energy *e = &en;
    r->sum.energy_balance_rel =
        e->deposited > 0
            ? fabs(e->deposited - e->stored - e->conducted - e->perfused - s.latent_j) /
                  e->deposited
            : 0.0;
    if (o.keep_fields) {
        r->om_skin = s.om_skin, r->om_col = s.om_col;
        s.om_skin = s.om_col = NULL;
    }
    run_state_clear(&s);
    *out = r;
    return MN_OK;
fail:
    run_state_clear(&s);
    mn_heat_result_free(r);
    return st;
#undef ALLOC_GOTO
}

mn_status mn_heat_get_summary(const mn_heat_result *r, mn_heat_summary *out)
{
    if (!r || !out)
        return mn_error_set(MN_EUSAGE, "mn_heat_get_summary: NULL argument");
    *out = r->sum;
    return MN_OK;
}

mn_status mn_heat_get_injury(const mn_heat_result *r, int passes, mn_heat_injury *out)
{
    if (!r || !out)
        return mn_error_set(MN_EUSAGE, "mn_heat_get_injury: NULL argument");
    if (passes < 1)
        passes = 1;
    memset(out, 0, sizeof *out);
    const mn_heat_zone *z = &r->sum.coagulation;
    if (r->same_spot) /* the passes hit the same spot: one (simulated) zone per needle */
        passes = 1;
    out->zones_per_cm2 = z->volume_nl > 0 ? 1e8 / (r->pitch_um * r->pitch_um) * passes : 0.0;
    out->coagulated_nl_per_cm2 = out->zones_per_cm2 * z->volume_nl;
    out->depth_top_um = z->top_um;
    out->depth_bottom_um = z->bottom_um;
    out->zone_width_um = z->width_um;
    out->epidermis_peak_temperature_c = r->sum.epidermis_peak_temperature_c;
    out->epidermis_omega_skin = r->sum.epidermis_omega_skin;
    return MN_OK;
}

mn_status mn_heat_get_curve(const mn_heat_result *r, mn_heat_curve *out)
{
    if (!r || !out)
        return mn_error_set(MN_EUSAGE, "mn_heat_get_curve: NULL argument");
    out->n = r->nc;
    out->time_ms = r->curve[0], out->tip_c = r->curve[1], out->epidermis_max_c = r->curve[2];
    out->tissue_max_c = r->curve[3], out->omega_skin_max = r->curve[4];
    out->omega_collagen_max = r->curve[5];
    return MN_OK;
}

mn_status mn_heat_get_fields(const mn_heat_result *r, mn_heat_fields *out)
{
    if (!r || !out)
        return mn_error_set(MN_EUSAGE, "mn_heat_get_fields: NULL argument");
    if (!r->tpeak || !r->om_skin)
        return mn_error_set(MN_EUSAGE, "heat fields were not kept (keep_fields = 0)");
    out->nx = r->g.nx, out->ny = r->g.ny, out->nz = r->g.nz;
    out->dx_um = r->g.dx, out->dy_um = r->g.dy;
    out->z_faces_um = r->g.zf;
    out->peak_temperature_c = r->tpeak;
    out->omega_skin = r->om_skin;
    out->omega_collagen = r->om_col;
    out->label = r->label;
    out->tip_depth_um = r->tip_um;
    return MN_OK;
}
