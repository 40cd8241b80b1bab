/* Delivery through channels on the field engine (see delivery.h).
 *
 * Model (docs/validation/delivery.md):
 * - Representative cell (cell.h): one channel in a square cell with mirror sides, built from
 *   the patch's measured open-channel area fraction, channel perimeter per area and mean
 *   channel depth. Doses are amounts in the cell per cell area (µg/cm²).
 * - z graded: SC in 2 cells, viable epidermis, dermis from the anatomy column.
 * - Coefficients relative to water: K and D per layer from permeability.c; the SC's D is set
 *   so that K_sc·D_sc/h_sc equals the SC conductance of the mechanistic model for this SC.
 *   The intact twin (a 1 × 1 × nz column) has exactly the same layers and coefficients.
 * - Channel voxels: interstitial fluid, K = 1. Their D is D_w·open(t) + K_t·D_t·(1 − open(t)):
 *   open, free diffusion in water; closed, the conductance K_t·D_t of the tissue it heals
 *   into (K stays 1, so the amount is conserved exactly while the channel closes).
 * - Donor on top: a well-mixed aqueous film (volume_ul_per_cm2 × area; infinite if asked),
 *   K = 1, over the whole top face: it touches the SC everywhere and the channel fluid at the
 *   mouths. Applied before needling: the needles carry donor solution into the channels at
 *   t = 0 (channel voxels start at the donor concentration, that amount taken from the donor).
 * - Dermal capillary clearance below the capillary-loop depth: first-order rate
 *   Q_skin / V_dermis / K_dermis/blood (permeation.md §5, SurreyDPK dermis.py/blood.py): skin
 *   blood flow 5 % of cardiac output (5.25 L/min, mean of 5.6 and 4.9), V_dermis = 1.8 m² body
 *   surface (U: standard adult value, not in the pack) × dermis thickness; K = 1.01 (caffeine).
 *   What is cleared is the systemic amount (no elimination from blood is modelled). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/numcheck.h"
#include "core/table.h"
#include "core/units.h"
#include "delivery/closure.h"
#include "delivery/delivery_impl.h"
#include "mnsim/field.h"

#define CARDIAC_OUTPUT_L_MIN 5.25    /* permeation.md §5: 5.6 (men), 4.9 (women) */
#define SKIN_FLOW_FRACTION   0.05    /* permeation.md §5 */
#define BODY_SKIN_AREA_CM2   18000.0 /* U: 1.8 m² adult body surface area */
#define K_DERMIS_BLOOD       1.01    /* permeation.md §5, caffeine */

/* Franz cell (OECD 428). The receptor is a thin layer of medium (20 µm, water diffusivity,
 * mixed within a second) under the skin: a perfect sink removes what arrives at a rate far
 * above any skin conductance (k·h = 200 µm/s against < 1 µm/s for skin); a finite, stirred
 * receptor holds its whole volume: the layer's capacity (partition) is V/(A·h) relative to
 * water, so its amount is V times the medium concentration (a 5 cm deep layer of water with a
 * large "stirring" diffusivity instead lost 3e-7 of the mass in the engine's steps, against
 * 1e-14 here). The diffusion area A is not in the scenario: 1 cm² is an
 * assumption (vertical Franz cells have 0.5–1.8 cm²); it only sets the receptor concentration,
 * which matters only for a receptor far from sink. Porcine ear skin: SC 17–28 µm and viable
 * epidermis 60–85 µm (Jacobi U et al. Skin Res Technol 2007;13:19–24, doi:10.1111/
 * j.1600-0846.2006.00179.x; midpoints), dermis as the scenario's site (assumption). */
/* Pore fluid. A channel fills with interstitial fluid (diffusivity taken as water's:
 * assumption, ISF is ~2-3 % protein) or, where the puncture bled, with blood that clots: in a
 * 0.27 % fibrin gel IGF-I (7.6 kDa, r = 1.20 nm by S1) diffuses at 1.59e-6 cm²/s (Nauman 2007,
 * permeation.md §4, V) against 2.44e-6 free (S1+S7 at 305 K): 0.65, read as exp(−β·r) with
 * β = 0.36 /nm (D: one point; small molecules ~0.9, 40 kDa dextran ~0.2). */
#define CLOT_BETA_PER_NM 0.36
/* A bled channel holds whole blood that clots: its red cells (volume fraction = haematocrit,
 * 0.42: midpoint of the adult reference range 0.36-0.50, U: standard value, not read in a
 * stored text) are obstacles the solute goes around. Maxwell's relation for diffusion through a
 * suspension of impermeable spheres, D_eff/D = 2(1 − φ)/(2 + φ) (Maxwell 1873, as used for
 * diffusion in blood and tissue; D) gives 0.48; with the fibrin factor above the clot passes a
 * small solute at ~0.42 of free water instead of ~0.88 (fibrin gel without cells). */
#define HAEMATOCRIT 0.42
/* Applied before needling, the needles carry film solution into the channels. Ink applied before
 * or just after needling was found in 15.5–98.1 % of channels in ex vivo human skin
 * (Dermatol Surg 2024, PMID 38691514; calibration/micropore_transport.csv, V): the channels
 * start at the midpoint, 57 %, of the film concentration (which point of the range applies
 * is an assumption). */
#define CARRIED_FRACTION 0.568

/* Bleeding channels deliver nothing inward (in vivo). While a punctured capillary bleeds, blood
 * flows out of its channel: with an outflow velocity v along a channel of length L the inward
 * diffusive flux is cut by Pe/(e^Pe − 1), Pe = v·L/D. Even a slow ooze of 1 nL/min from a
 * 60 µm channel 1 mm deep gives v ≈ 6 µm/s and Pe ≈ 8 for a small solute (D 700 µm²/s), a
 * factor 3e-3; a visible pinpoint bleed is far faster (D: the conclusion holds over orders of
 * magnitude of the unknown ooze rate, so no rate is needed). Bleeding from a puncture stops
 * within the bleeding time: 1–3 min for a lancet prick (Duke method), 1–9 min for a 1 mm deep
 * incision (Ivy method) (standard laboratory reference ranges, U; a needle puncture is a prick:
 * 3 min used). Hemostasis then plugs the channel's mouth with platelets and fibrin; the plugged
 * mouth is part of the wound surface whose uptake is measured in vivo (WOUND_P_CM_H below), so
 * after the bleeding time a bled channel passes what every channel mouth passes. The option
 * seal_bled_channels (sensitivity) makes the plug pass nothing instead. */
#define BLEEDING_TIME_H (3.0 / 60.0)

/* The wound surface in vivo: what a breach passes at its mouth. Oni, Rasko & Kenkel (Aesthet
 * Surg J 2013;33:854, PMID 23908302, abstract): 15 g of a 6 % lidocaine cream on the whole face
 * for 20 min on intact skin and 20 min after laser pretreatment; mean peak serum lidocaine +
 * MEGX 0.533 ug/mL after fractional ablation and 0.61 ug/mL after FULL ablation of the face —
 * nearly the same although full ablation removes the whole barrier: the uptake of a wounded
 * surface in vivo is limited by the wound surface itself (exudate flowing out, coagulum), not by
 * the open area. Derived (D): volume of distribution 1.1 ± 0.4 L/kg (standard value, U), 70 kg
 * → 26–56 mg in the body at the peak, ≈ 35–75 mg absorbed allowing for elimination (t½ ≈ 1.8 h,
 * U); over a face of 300–600 cm² (U) that is 58–250 ug/cm², from 60 mg/mL over 20–40 min: an
 * uptake conductance of the wounded surface of 1.5e-3–1.25e-2 cm/h, central (geometric)
 * 4.3e-3 cm/h. It is used as the conductance of each open channel's mouth per open area
 * (through the SC's thickness), for a small solute scaled by its free diffusivity relative to
 * lidocaine's (MW 234.34; D ∝ MW^-0.655, permeation.md K1): the exudate layer is aqueous.
 * What it applies to: wounds into the dermis, as the ablation was (the fractional laser's
 * columns and the full ablation both reach the papillary dermis), whose vessels weep exudate
 * and bleed. A puncture that stays in the SC and the avascular epidermis (a 0.25 mm pen, a
 * shallow roller) has no vessel to weep or bleed: its SC hole is a dry perforation, filled by
 * the applied film, and passes as an open pore of pore fluid (the mouth is split by the open
 * area of the two kinds, mn_channel_pattern.wound_fraction). That is what makes shallow
 * needling a way to let products in, and what permeation through microneedle-pretreated skin
 * measures (docs/validation/delivery.md).
 * Not in vitro: excised skin neither bleeds nor weeps. */
#define WOUND_P_CM_H 4.3e-3
#define WOUND_REF_MW 234.34

/* The applied film. An uncovered finite dose of an aqueous product loses its water: a wet film
 * evaporates at the air's evaporative capacity, E = h_e·(p_s − p_a) with the Lewis relation
 * h_e = 16.5·h_c W/m²/kPa (Lewis 1922; Nusselt 1930, NACA TM 1367) and natural convection
 * h_c ≈ 3.1 W/m²/K (still indoor air; ASHRAE/ISO 9920 value, U): film at 33 °C
 * (p_s 5.03 kPa) under air at 22 °C and 50 % RH (p_a 1.32 kPa) → 190 W/m², ÷ 2.43 kJ/g =
 * 0.28 kg/m²/h ≈ 28 µL/cm²/h (D). A 20 µL/cm² serum is then dry in about 45 min, a 2 µL/cm²
 * smear in 4 min. The solute concentrates as the water leaves; above its solubility the excess
 * is a solid deposit that redissolves while the film is wet; once the film is dry, the deposit
 * no longer feeds the skin or the channel mouths (assumption: a dry crystalline or gelled
 * residue of a hydrophilic product, together with the channel's crust of dried exudate, is not
 * a solution in contact with the tissue). An occluded dose keeps its water. */
#define FILM_EVAPORATION_UL_CM2_H 28.0
/* What remains of the film's volume when it is dry (a film of a few nm: the field's donor
 * needs a positive volume; it holds no dissolved product). */
#define FILM_DRY_FRACTION 1e-6

#define RECEPTOR_SINK_UM     20.0
#define RECEPTOR_SINK_RATE_S 10.0
#define FRANZ_AREA_CM2       1.0
#define PORCINE_EAR_SC_UM    22.5
#define PORCINE_EAR_VE_UM    72.5

/* Engine tolerance (relative L2 per internal step). 1e-3 is the engine default; the doses it
 * gives differ from those at 1e-5 by the amount recorded in docs/validation/delivery.md. */
#define DEFAULT_RTOL 1e-2
/* Sparse channels (a share of the cell's voxels below SPARSE_CHANNEL_FRACTION) get a tighter
 * tolerance: the engine's error norm is a relative L2 over the whole cell, so an error confined
 * to channel voxels holding a share f of them counts about sqrt(f) of its size. Measured on the
 * 0.25 mm pen (one channel voxel in 256, open dry pores; docs/validation/delivery.md): at 1e-2
 * the enhancement was 2.77 against 2.92 converged (1e-4), and with the closure time doubled
 * 2.63 against 5.20; at 3e-3 2.90 and 5.15 (within 1 %), for 3-4x the steps. */
#define SPARSE_CHANNEL_FRACTION 0.1
#define SPARSE_RTOL             3e-3
#define INTACT_RTOL             1e-5

/* Output steps: short while channels close (tau/20, at most 3 min), then growing with t/10,
 * at most 30 min; closure is applied piecewise constant at each step's midpoint. */
#define MAX_STEP_H 0.5
#define MIN_STEP_H 0.05

/* Depth profiles at these times (h) within the application, plus its end. */
static const double PROFILE_TIMES_H[] = {0.25, 0.5, 1, 2, 4, 8, 12, 24, 48, 72, 96, 120, 144};

void mn_delivery_options_default(mn_delivery_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->binary_vti = true;
}

mn_status mn_delivery_product_properties(const mn_product_spec *prod, mn_product_properties *out)
{
    mn_solute s = {prod->mw_da, prod->log_kow, 0.0, 0.0, NAN, MN_ACIDBASE_NEUTRAL, NAN};
    double sol = NAN, radius = NAN;
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("products.csv", &t));
    long row = mn_table_find(t, "name", prod->name);
    mn_status st = MN_OK;
    if (row >= 0) {
        size_t r = (size_t)row;
        const char *lk = mn_table_cell(t, r, mn_table_col(t, "log_kow"));
        MN_TRY_GOTO(mn_table_double(t, r, "mw_da", &s.mw_da), done);
        s.log_kow = NAN;
        if (*lk)
            MN_TRY_GOTO(mn_table_double(t, r, "log_kow", &s.log_kow), done);
        MN_TRY_GOTO(mn_table_double_or(t, r, "aqueous_diffusivity_cm2_s", 0.0,
                                       &s.aqueous_diffusivity_cm2_s),
                    done);
        MN_TRY_GOTO(mn_table_double_or(t, r, "f_unbound", 0.0, &s.f_unbound), done);
        MN_TRY_GOTO(mn_table_double_or(t, r, "pka", NAN, &s.pka), done);
        MN_TRY_GOTO(mn_table_double_or(t, r, "ph", NAN, &s.ph), done);
        MN_TRY_GOTO(mn_table_double_or(t, r, "solubility_mg_ml", NAN, &sol), done);
        MN_TRY_GOTO(mn_table_double_or(t, r, "hydrodynamic_radius_nm", NAN, &radius), done);
        const char *ab = mn_table_cell(t, r, mn_table_col(t, "acid_base"));
        s.acid_base = strcmp(ab, "acid") == 0   ? MN_ACIDBASE_ACID
                      : strcmp(ab, "base") == 0 ? MN_ACIDBASE_BASE
                                                : MN_ACIDBASE_NEUTRAL;
    }
    /* The scenario's values win over the table's. */
    /* (the scenario requires pka with acid or base; zero-filled specs leave both unset) */
    if (prod->acid_base != MN_ACIDBASE_UNSET) {
        s.acid_base = prod->acid_base;
        s.pka = prod->pka;
    }
    if (isfinite(prod->ph) && prod->ph > 0)
        s.ph = prod->ph;
    if (isfinite(prod->solubility_mg_ml) && prod->solubility_mg_ml > 0)
        sol = prod->solubility_mg_ml;
    if (!isfinite(radius)) /* permeation.md S1 from MW, nm */
        radius = cbrt(0.9087 * s.mw_da * 3.0 / (4.0 * MN_PI)) / 10.0;
    out->solute = s;
    out->solubility_mg_ml = sol;
    out->radius_nm = radius;
done:
    mn_table_free(t);
    return st;
}

mn_status mn_delivery_solute_for(const mn_product_spec *prod, mn_solute *out)
{
    mn_product_properties pp;
    MN_TRY(mn_delivery_product_properties(prod, &pp));
    *out = pp.solute;
    return MN_OK;
}

static size_t physical_memory_half(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || psize <= 0)
        return (size_t)1 << 31;
    return (size_t)pages * (size_t)psize / 2;
}

/* Renkin's centreline hindrance of a sphere of radius r_s in a cylindrical pore of radius r_p,
 * steric and hydrodynamic, lambda = r_s/r_p (calibration/micropore_transport.csv, V2):
 * H = (1−λ)²·(1 − 2.104λ + 2.09λ³ − 0.95λ⁵), 0 when the pore is narrower than the molecule. */
double mn_delivery_renkin(double lambda)
{
    if (!(lambda < 1.0))
        return 0.0;
    if (lambda <= 0.0)
        return 1.0;
    double l3 = lambda * lambda * lambda;
    return (1 - lambda) * (1 - lambda) *
           (1 - 2.104 * lambda + 2.09 * l3 - 0.95 * l3 * lambda * lambda);
}

static double scale_or_1(double v)
{
    return v > 0 ? v : 1.0;
}

static bool is_franz(const mn_model *m)
{
    return m->experiment.type == MN_EXPERIMENT_FRANZ_CELL;
}

/* The excised skin of a Franz cell: the species' SC and viable epidermis, the dermis cut to the
 * given thickness (full thickness of the site when none is given). */
static mn_status franz_column(const mn_model *m, const mn_column *col, mn_column *out)
{
    const mn_experiment *e = &m->experiment;
    *out = *col;
    if (e->species == MN_SPECIES_PORCINE)
        out->sc_um = PORCINE_EAR_SC_UM, out->viable_epidermis_um = PORCINE_EAR_VE_UM;
    double top = out->sc_um + out->viable_epidermis_um;
    double T = e->skin_thickness_um > 0 ? e->skin_thickness_um : top + col->dermis_um;
    if (T < top + 20.0)
        return mn_error_set(MN_EINPUT,
                            "experiment.skin_thickness_um: %g um is not thicker than the "
                            "stratum corneum and viable epidermis (%g um) (expected at least %g)",
                            T, top, top + 20.0);
    out->dermis_um = T - top;
    out->dej_depth_um = top;
    out->dermis_bottom_um = T;
    out->capillary_depth_um = T; /* no perfusion in vitro */
    return MN_OK;
}

/* Receptor layer under the skin of a Franz cell. */
static mn_status add_receptor(const mn_experiment *e, mn_cell *L)
{
    if (L->nz >= MN_CELL_MAX_NZ)
        return mn_error_set(MN_EINPUT, "delivery grid: no room for the receptor layer");
    L->k_rec = L->nz;
    L->dz_um[L->nz++] = e->receptor_sink ? RECEPTOR_SINK_UM
                                         : e->receptor_volume_ml * MN_UM3_PER_ML /
                                               (FRANZ_AREA_CM2 * MN_UM2_PER_CM2);
    L->k_cap = L->nz; /* nothing in the skin is perfused */
    return MN_OK;
}

static mn_status plan(const mn_model *m, const mn_column *col, const mn_punctures *p,
                      const mn_delivery_options *opt, mn_channel_pattern *pat, mn_cell *cell)
{
    MN_TRY(mn_channel_pattern_measure(m, col, p, pat));
    if (!is_franz(m))
        return mn_cell_plan(col, pat, opt->cell_voxels, cell);
    mn_column cf;
    MN_TRY(franz_column(m, col, &cf));
    MN_TRY(mn_cell_plan(&cf, pat, opt->cell_voxels, cell));
    return add_receptor(&m->experiment, cell);
}

static size_t bytes_needed(const mn_model *m, const mn_cell *c)
{
    size_t nvox = (size_t)c->n * (size_t)c->n * (size_t)c->nz;
    size_t b = mn_field_memory_bytes(c->n, c->n, c->nz, 1);
    if (b == SIZE_MAX)
        return SIZE_MAX;
    /* coefficient and work arrays (K, D_closed, D, decay, c0, buffer) and the snapshots */
    return b + nvox * sizeof(double) * (6 + m->output.n_field_times) + nvox;
}

mn_status mn_delivery_memory_needed(const mn_model *m, const mn_column *col, const mn_punctures *p,
                                    const mn_delivery_options *opt, size_t *bytes, long dims[3])
{
    mn_delivery_options o;
    if (opt)
        o = *opt;
    else
        mn_delivery_options_default(&o);
    mn_channel_pattern pat;
    mn_cell c;
    MN_TRY(plan(m, col, p, &o, &pat, &c));
    dims[0] = dims[1] = c.n, dims[2] = c.nz;
    *bytes = bytes_needed(m, &c);
    return MN_OK;
}

/* Tissue coefficients of layer k (relative to water). */
static void tissue_kd(const mn_cell *L, const mn_skin_coefficients *c, int k, double *K, double *D)
{
    if (k >= L->k_rec) { /* receptor medium; a finite one holds its volume (add_receptor) */
        *K = L->receptor_k;
        *D = c->D_water_um2_s;
    } else if (k < L->k_ve) {
        *K = c->K_sc;
        /* conductance of the mechanistic SC for this SC: k = K·D/h */
        double h = 0;
        for (int i = 0; i < L->k_ve; i++)
            h += L->dz_um[i];
        *D = c->k_sc_cm_s * 1e4 * h / c->K_sc; /* µm²/s: k [µm/s] · h / K */
    } else if (k < L->k_de) {
        *K = c->K_ve, *D = c->D_ve_um2_s;
    } else {
        *K = c->K_de, *D = c->D_de_um2_s;
    }
}

static mn_status add_sample(mn_delivery_result *r, const mn_delivery_sample *s)
{
    if (r->nsamples == r->cap_samples) {
        size_t cap = r->cap_samples ? 2 * r->cap_samples : 256;
        mn_delivery_sample *ns = realloc(r->samples, cap * sizeof *ns);
        if (!ns)
            return mn_error_set(MN_ENOMEM, "out of memory storing the delivery time series");
        r->samples = ns, r->cap_samples = cap;
    }
    r->samples[r->nsamples++] = *s;
    return MN_OK;
}

/* Amounts per area (µg/cm²): donor, SC, epidermis, dermis, systemic; and what entered the
 * top face so far. */
static mn_status amounts(mn_field *f, const mn_cell *L, double area_um2, bool franz,
                         double out[AM_N], double *entered)
{
    double donor_c, donor_amount, m, removed;
    const double per = MN_UM2_PER_CM2 / area_um2;
    MN_TRY(mn_field_get_donor(f, 0, &donor_c, &donor_amount));
    out[AM_DONOR] = donor_amount * per;
    MN_TRY(mn_field_get_mass_layers(f, 0, 0, L->k_ve, &m));
    out[AM_SC] = m * per;
    MN_TRY(mn_field_get_mass_layers(f, 0, L->k_ve, L->k_de, &m));
    out[AM_EPIDERMIS] = m * per;
    MN_TRY(mn_field_get_mass_layers(f, 0, L->k_de, L->k_rec, &m));
    out[AM_DERMIS] = m * per;
    MN_TRY(mn_field_get_reaction_amount(f, 0, &removed));
    out[AM_SYSTEMIC] = franz ? 0.0 : removed * per;
    out[AM_RECEPTOR] = 0.0;
    if (franz) { /* what is in the receptor medium plus what the sink took */
        MN_TRY(mn_field_get_mass_layers(f, 0, L->k_rec, L->nz, &m));
        out[AM_RECEPTOR] = (m + removed) * per;
    }
    MN_TRY(mn_field_get_boundary_amount(f, 0, MN_FACE_TOP, &m));
    *entered = m * per;
    return MN_OK;
}

/* The state of both fields at time t as one sample. The channel figures are the intact ones
 * plus the cell's excess over intact times the weight (≤ 1: the cell holds slightly more
 * channel area than the patch; a convex combination keeps every balance exact). */
typedef struct march {
    mn_field *f, *fi;
    const mn_cell *L;
    double area_ch, area_in, tau_h;
    double prev_t, prev_in_ch, prev_in_in;
    bool franz;
    double solid_ch, solid_in;    /* product deposited out of the film (µg in the cell/twin) */
    const double *decay, *deci;   /* clearance rate per voxel (cell) and per layer (twin) */
    double *buf, *bufi;           /* nvox and nz values */
    double bled_share, plug_open; /* channels that bled, and what a sealed one still passes */
} march;

/* Amount (µg/cm²) in voxels that are cleared (perfused tissue). */
static mn_status perfused(mn_field *f, const mn_cell *L, size_t plane, const double *decay,
                          double area_um2, double *buf, double *out)
{
    MN_TRY(mn_field_get_values(f, 0, buf));
    double m = 0;
    for (int k = L->k_cap; k < L->k_rec; k++)
        for (size_t ij = 0; ij < plane; ij++) {
            size_t v = (size_t)k * plane + ij;
            if (decay[v] > 0)
                m += buf[v] * L->dx_um * L->dx_um * L->dz_um[k];
        }
    *out = m * MN_UM2_PER_CM2 / area_um2;
    return MN_OK;
}

static mn_status take_sample(march *M, mn_delivery_result *r, double t)
{
    mn_delivery_sample q = {0};
    double e_ch, e_in, w = M->L->weight;
    MN_TRY(amounts(M->f, M->L, M->area_ch, M->franz, q.amount_ch, &e_ch));
    MN_TRY(amounts(M->fi, M->L, M->area_in, M->franz, q.amount_in, &e_in));
    q.amount_ch[AM_DONOR] += M->solid_ch * MN_UM2_PER_CM2 / M->area_ch;
    q.amount_in[AM_DONOR] += M->solid_in * MN_UM2_PER_CM2 / M->area_in;
    for (int a = 0; a < AM_N; a++)
        if (isfinite(q.amount_in[a])) /* an infinite donor stays infinite */
            q.amount_ch[a] = q.amount_in[a] + w * (q.amount_ch[a] - q.amount_in[a]);
    e_ch = e_in + w * (e_ch - e_in);
    q.t_h = t, q.entered_ch = e_ch, q.entered_in = e_in;
    if (!M->franz) {
        const mn_cell *L = M->L;
        double pc, pi = 0;
        MN_TRY(perfused(M->f, L, (size_t)L->n * (size_t)L->n, M->decay, M->area_ch, M->buf, &pc));
        /* the twin is one column of side half: dx_um differs, so compute it directly */
        MN_TRY(mn_field_get_values(M->fi, 0, M->bufi));
        for (int k = L->k_cap; k < L->k_rec; k++)
            if (M->deci[k] > 0)
                pi += M->bufi[k] * L->dz_um[k];
        q.perfused_in = pi * MN_UM2_PER_CM2; /* µg/µm² → µg/cm² */
        q.perfused_ch = q.perfused_in + w * (pc - q.perfused_in);
    }
    /* open share of the channels' cross-section: closure, less the bled channels while they
     * bleed and once sealed (BLEEDING_TIME_H) */
    q.open =
        mn_closure_open_fraction(t, M->tau_h) *
        (1.0 - M->bled_share + M->bled_share * (t < BLEEDING_TIME_H - 1e-12 ? 0.0 : M->plug_open));
    if (t > M->prev_t) {
        q.flux_ch = (e_ch - M->prev_in_ch) / (t - M->prev_t);
        q.flux_in = (e_in - M->prev_in_in) / (t - M->prev_t);
    }
    M->prev_t = t, M->prev_in_ch = e_ch, M->prev_in_in = e_in;
    return add_sample(r, &q);
}

static mn_status take_profile(march *M, mn_delivery_result *r, double t, double *buf)
{
    const mn_cell *L = M->L;
    if (r->nprof >= MN_DELIVERY_PROFILE_CAP)
        return MN_OK;
    mn_delivery_profile *p = &r->prof[r->nprof];
    p->t_h = t;
    p->mean = malloc(4 * (size_t)L->nz * sizeof *p->mean);
    if (!p->mean)
        return mn_error_set(MN_ENOMEM, "out of memory storing depth profiles");
    p->axis = p->mean + L->nz, p->between = p->axis + L->nz, p->intact = p->between + L->nz;
    r->nprof++;
    MN_TRY(mn_field_get_values(M->fi, 0, p->intact));
    MN_TRY(mn_field_get_values(M->f, 0, buf));
    const size_t plane = (size_t)L->n * (size_t)L->n;
    /* A NaN, an infinity or a negative concentration stops the run with the voxel (issue 7).
     * The engine's SDIRK2 is L-stable but not positivity-preserving: behind a steep front it
     * undershoots by a small fraction of the peak. With a strong partition contrast the
     * fraction reaches 2e-5 (tretinoin, log P 6.3, after a 1.5 mm pen: -2.5e-16 against a
     * peak of 1.3e-11 in the SC), so undershoots below 1e-4 of the larger of the two fields'
     * peaks pass; a sign or scheme error gives values of the order of the peak. */
    double peak = 0.0;
    for (size_t v = 0; v < plane * (size_t)L->nz; v++)
        peak = fmax(peak, buf[v]);
    for (int k = 0; k < L->nz; k++)
        peak = fmax(peak, p->intact[k]);
    MN_TRY(mn_numcheck_field_floor(buf, plane * (size_t)L->nz, (size_t)L->n, (size_t)L->n,
                                   (size_t)L->nz, "delivery", t * MN_S_PER_H, -1e-4 * peak, NULL));
    MN_TRY(mn_numcheck_field_floor(p->intact, (size_t)L->nz, 1, 1, (size_t)L->nz,
                                   "delivery (intact skin)", t * MN_S_PER_H, -1e-4 * peak, NULL));
    for (int k = 0; k < L->nz; k++) {
        const double *b = buf + (size_t)k * plane;
        double s = 0;
        for (size_t ij = 0; ij < plane; ij++)
            s += b[ij];
        s /= (double)plane;
        p->mean[k] = p->intact[k] + L->weight * (s - p->intact[k]);
        p->axis[k] = b[0];            /* the channel axis is the corner (0, 0) */
        p->between[k] = b[plane - 1]; /* the cell's far corner */
    }
    return MN_OK;
}

static mn_status take_snapshot(march *M, mn_delivery_result *r, double t)
{
    const size_t nvox = (size_t)M->L->n * (size_t)M->L->n * (size_t)M->L->nz;
    mn_delivery_snapshot *s = &r->snap[r->nsnap];
    s->t_h = t;
    s->c = malloc(nvox * sizeof *s->c);
    if (!s->c)
        return mn_error_set(MN_ENOMEM, "out of memory storing field snapshots");
    r->nsnap++;
    return mn_field_get_values(M->f, 0, s->c);
}

/* Lag time of the amount that has crossed the skin into the capillaries (the receptor of a
 * diffusion-cell experiment): intercept with the time axis of the tangent to that cumulative
 * amount at the sample of largest rate (the classical lag time when the curve becomes
 * linear). NAN if nothing crossed. */
static double lag_time_h(const mn_delivery_result *r, bool intact)
{
    double best = 0, lag = NAN;
    for (size_t i = 1; i < r->nsamples; i++) {
        const mn_delivery_sample *a = &r->samples[i - 1], *b = &r->samples[i];
        int g = r->franz ? AM_RECEPTOR : AM_SYSTEMIC;
        double pa = intact ? a->amount_in[g] : a->amount_ch[g];
        double pb = intact ? b->amount_in[g] : b->amount_ch[g];
        double rate = (pb - pa) / (b->t_h - a->t_h);
        if (rate > best) {
            best = rate;
            lag = fmax(0.0, b->t_h - pb / rate);
        }
    }
    return lag;
}

/* The experimenter's analysis of a Franz-cell receptor curve: the cumulative amounts at the
 * sampling times, a least-squares line through the last (up to) three of them — the linear,
 * "steady-state" part of a study that runs several lag times — its slope the steady flux and
 * its time-axis intercept the lag time; kp = intact steady flux / donor concentration. */
static void steady_line(const mn_delivery_result *r, const mn_experiment *e, bool intact,
                        double *flux, double *lag, double window[2])
{
    double t[MN_FIELD_TIMES_CAP], q[MN_FIELD_TIMES_CAP];
    size_t n = 0;
    for (size_t j = 0; j < e->n_sampling; j++)
        for (size_t i = 0; i < r->nsamples; i++)
            if (fabs(r->samples[i].t_h - e->sampling_h[j]) < 1e-9) {
                t[n] = r->samples[i].t_h;
                q[n++] = intact ? r->samples[i].amount_in[AM_RECEPTOR]
                                : r->samples[i].amount_ch[AM_RECEPTOR];
                break;
            }
    *flux = *lag = NAN;
    if (n < 2)
        return;
    size_t i0 = n > 3 ? n - 3 : 0, k = n - i0;
    double st = 0, sq = 0, stt = 0, stq = 0;
    for (size_t i = i0; i < n; i++)
        st += t[i], sq += q[i], stt += t[i] * t[i], stq += t[i] * q[i];
    const double dk = (double)k;
    double den = dk * stt - st * st;
    double slope = den > 0 ? (dk * stq - st * sq) / den : NAN;
    window[0] = t[i0], window[1] = t[n - 1];
    *flux = slope;
    if (slope > 0)
        *lag = (st - sq / slope) / dk; /* t where the line reaches 0: mean t − mean q / slope */
}

static void franz_analysis(mn_delivery_result *r, const mn_experiment *e)
{
    double w[2] = {NAN, NAN};
    steady_line(r, e, true, &r->flux_ss_in, &r->lag_rec_in, w);
    steady_line(r, e, false, &r->flux_ss_ch, &r->lag_rec_ch, r->window_h);
    double c_ug_cm3 = r->conc_ug_um3 * MN_UM3_PER_ML;
    r->kp_rec_cm_h = c_ug_cm3 > 0 ? r->flux_ss_in / c_ug_cm3 : NAN;
}

/* Sets the film's volume to vol and its dissolved concentration to what the film holds, up to
 * saturation sat; the rest is (or stays) the solid deposit. sat = 0: the film is dry and the
 * whole product left in it is deposit. Conserves film + deposit exactly. */
static mn_status film_update(mn_field *f, double vol, double sat, double *solid)
{
    double c, a;
    MN_TRY(mn_field_get_donor(f, 0, &c, &a));
    double total = a + *solid;
    double cn = fmin(sat, total / vol);
    *solid = total - cn * vol;
    return mn_field_set_donor(f, 0, MN_FACE_TOP, vol, 1.0, cn);
}

static mn_status check_product(const mn_product_spec *prod)
{
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
    return MN_OK;
}

mn_status mn_delivery_run(const mn_model *m, const mn_column *col, const mn_punctures *p,
                          const mn_delivery_options *opt_in, mn_delivery_result **out)
{
    *out = NULL;
    const mn_product_spec *prod = &m->product;
    MN_TRY(check_product(prod));
    mn_delivery_options opt;
    if (opt_in)
        opt = *opt_in;
    else
        mn_delivery_options_default(&opt);

    mn_channel_pattern pat;
    mn_cell L;
    MN_TRY(plan(m, col, p, &opt, &pat, &L));
    /* Resource guard: refuse before allocating anything large. */
    size_t need = bytes_needed(m, &L);
    size_t budget = opt.max_memory_bytes ? opt.max_memory_bytes : physical_memory_half();
    if (need > budget)
        return mn_error_set(MN_EINPUT,
                            "delivery grid %d x %d x %d voxels needs %.3g MB, over the "
                            "memory budget of %.3g MB (raise --max-memory or use fewer voxels)",
                            L.n, L.n, L.nz, (double)need / 1e6, (double)budget / 1e6);

    mn_product_properties props;
    MN_TRY(mn_delivery_product_properties(prod, &props));
    const mn_solute sol = props.solute;
    const int layers = mn_permeability_sc_layers(col->sc_um);
    mn_skin_coefficients co;
    MN_TRY(mn_permeability_coefficients(&sol, layers, &co));
    mn_permeability perm;
    MN_TRY(mn_permeability_compute(&sol, layers, col->viable_epidermis_um, col->dermis_um,
                                   MN_MEMBRANE_EPIDERMIS, &perm));
    mn_closure_conditions cc = {prod->occluded, m->patient.age_years, opt.inflammation_suppressed};
    double tau_h, half_life_h;
    MN_TRY(mn_closure_time_constant_h(&cc, &tau_h));
    MN_TRY(mn_closure_half_life_h(&cc, &half_life_h));
    tau_h *= scale_or_1(opt.scale_closure_tau);
    half_life_h *= scale_or_1(opt.scale_closure_tau);
    /* Larger holes close more slowly (issue 12): the closure constants hold for the default
     * needle's hole; scale by this session's mean open diameter (src/needling/closure_scale.c). */
    {
        double sum_d = 0;
        size_t open_n = 0;
        for (size_t i = 0; i < p->n; i++)
            if (p->channel_diameter_um && p->channel_diameter_um[i] > 0)
                sum_d += p->channel_diameter_um[i], open_n++;
        if (open_n) {
            const double size = mn_channel_closure_scale(sum_d / (double)open_n);
            tau_h *= size;
            half_life_h *= size;
        }
    }
    const bool franz = is_franz(m);
    if (franz) {
        /* Assumption: excised skin does not heal (closure in vivo is barrier repair by living
         * tissue), so its channels stay open for the study. docs/validation/delivery.md. */
        tau_h = INFINITY, half_life_h = INFINITY;
    }

    mn_status st = MN_OK;
    mn_delivery_result *r = calloc(1, sizeof *r);
    mn_grid *g = NULL, *g1 = NULL;
    mn_field *f = NULL, *fi = NULL;
    double *K = NULL, *Dt = NULL, *D = NULL, *decay = NULL, *c0 = NULL, *buf = NULL;
    unsigned char *chan = NULL;
    if (!r)
        return mn_error_set(MN_ENOMEM, "out of memory");
    snprintf(r->product, sizeof r->product, "%s", prod->name[0] ? prod->name : "custom");
    r->pattern = pat, r->cell = L;
    r->session = p->session;
    r->binary_vti = opt.binary_vti;
    r->half_life_h = half_life_h;
    r->kp_cm_h = perm.kp_cm_h;
    const int n = L.n, nz = L.nz;
    const size_t plane = (size_t)n * (size_t)n, nvox = plane * (size_t)nz;
    K = malloc(nvox * sizeof *K), Dt = malloc(nvox * sizeof *Dt), D = malloc(nvox * sizeof *D);
    decay = calloc(nvox, sizeof *decay), c0 = calloc(nvox, sizeof *c0);
    buf = malloc(nvox * sizeof *buf), chan = calloc(nvox, 1);
    if (!K || !Dt || !D || !decay || !c0 || !buf || !chan) {
        st = mn_error_set(MN_ENOMEM, "out of memory allocating the delivery grid (%zu voxels)",
                          nvox);
        goto done;
    }

    /* Clearance rate (1/s) below the capillary loops (permeation.md §5). */
    const double q_skin_um3_s = SKIN_FLOW_FRACTION * CARDIAC_OUTPUT_L_MIN * 1e15 / 60.0;
    const double v_dermis_um3 = BODY_SKIN_AREA_CM2 * MN_UM2_PER_CM2 * col->dermis_um;
    const double k_clear = q_skin_um3_s / v_dermis_um3 / K_DERMIS_BLOOD;
    r->k_clear_s = franz ? 0.0 : k_clear;
    r->franz = franz;

    /* Coefficients: tissue everywhere, channel fluid in the channel voxels. */
    double Ki[MN_CELL_MAX_NZ], Di[MN_CELL_MAX_NZ], deci[MN_CELL_MAX_NZ];
    for (int k = 0; k < nz; k++) {
        tissue_kd(&L, &co, k, &Ki[k], &Di[k]);
        if (k < L.k_ve) { /* SC: K up, D down, K·D kept */
            Ki[k] *= scale_or_1(opt.scale_sc_partition);
            Di[k] /= scale_or_1(opt.scale_sc_partition);
        }
        if (k >= L.k_ve && k < L.k_rec) { /* viable tissue: K up, D down, K·D kept */
            Ki[k] *= scale_or_1(opt.scale_partition);
            Di[k] /= scale_or_1(opt.scale_partition);
        }
        deci[k] = k >= L.k_rec   ? (m->experiment.receptor_sink ? RECEPTOR_SINK_RATE_S : 0.0)
                  : k >= L.k_cap ? k_clear
                                 : 0.0;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                size_t v = (size_t)k * plane + (size_t)j * (size_t)n + (size_t)i;
                chan[v] = k < L.channel_depth_k && mn_cell_is_channel(&L, i, j);
                K[v] = chan[v] ? 1.0 : Ki[k];
                Dt[v] = chan[v] ? Ki[k] * Di[k] : Di[k]; /* healed channel: tissue K·D, K = 1 */
                decay[v] = chan[v] ? 0.0 : deci[k];      /* no capillaries in the lumen */
            }
    }

    /* Donor. */
    const double half = L.n * L.dx_um; /* the quarter cell solved */
    const double area_um2 = half * half, area_in = area_um2;
    /* Dissolved concentration: the donor cannot exceed saturation. An infinite dose is a
     * saturated (or given) solution; in a finite dose above saturation the excess is a solid
     * (a suspension) that dissolves as the solution is depleted (film_update). */
    const double c_mg_ml = isfinite(props.solubility_mg_ml)
                               ? fmin(prod->concentration_mg_ml, props.solubility_mg_ml)
                               : prod->concentration_mg_ml;
    const double conc = c_mg_ml * MN_UG_PER_MG / MN_UM3_PER_ML; /* µg/µm³ */
    const double sat = isfinite(props.solubility_mg_ml)
                           ? props.solubility_mg_ml * MN_UG_PER_MG / MN_UM3_PER_ML
                           : INFINITY;
    r->conc_ug_um3 = conc;
    const double vol_per_um2 = prod->volume_ul_per_cm2 * 1e9 / MN_UM2_PER_CM2; /* µm³/µm² */
    const double vol = prod->infinite_dose ? INFINITY : vol_per_um2 * area_um2;
    /* the undissolved part of a finite dose above saturation, per µm² */
    const double solid0 = prod->infinite_dose
                              ? 0.0
                              : fmax(0.0, (prod->concentration_mg_ml - c_mg_ml) * MN_UG_PER_MG /
                                              MN_UM3_PER_ML * vol_per_um2);
    /* Evaporation of an uncovered finite film (FILM_EVAPORATION_UL_CM2_H): dry at t_dry. */
    const bool evaporates = !prod->infinite_dose && !prod->occluded;
    const double t_dry_h = evaporates
                               ? prod->volume_ul_per_cm2 /
                                     (FILM_EVAPORATION_UL_CM2_H * scale_or_1(opt.scale_evaporation))
                               : INFINITY;
    r->film_dry_h = t_dry_h;
    r->applied = prod->infinite_dose
                     ? INFINITY
                     : prod->volume_ul_per_cm2 * 1e-3 * prod->concentration_mg_ml * MN_UG_PER_MG;
    double donor_conc = conc;
    if (prod->applied == MN_APPLIED_BEFORE) {
        /* The needles carry film solution into the channels; where the channels hold more
         * than the film, what the film has is spread over them (diluted by tissue fluid). */
        double v_ch = 0;
        for (int k = 0; k < nz; k++)
            for (size_t ij = 0; ij < plane; ij++)
                if (chan[(size_t)k * plane + ij])
                    v_ch += L.dx_um * L.dx_um * L.dz_um[k];
        /* In vivo the bled channels' lumen is flushed back to the surface while they bleed
         * (the outflow that blocks inward diffusion, BLEEDING_TIME_H, replaces the lumen's
         * fluid): only the unbled share keeps what the needles carried in. */
        double c_ch = CARRIED_FRACTION * conc * (franz ? 1.0 : 1.0 - pat.bleed_fraction);
        if (isfinite(vol) && c_ch * v_ch > conc * vol)
            c_ch = conc * vol / v_ch;
        for (size_t v = 0; v < nvox; v++)
            c0[v] = chan[v] ? c_ch : 0.0;
        if (isfinite(vol))
            donor_conc = fmax(0.0, (conc * vol - c_ch * v_ch) / vol);
    }

    /* Channel cell and its intact twin (one column, the same layers and coefficients). */
    const double rtol = opt.rtol > 0 ? opt.rtol
                        : L.channel_fraction > 0 && L.channel_fraction < SPARSE_CHANNEL_FRACTION
                            ? SPARSE_RTOL
                            : DEFAULT_RTOL;
    MN_TRY_GOTO(mn_grid_create(n, n, nz, L.dx_um, L.dx_um, L.dz_um, &g), done);
    MN_TRY_GOTO(mn_grid_create(1, 1, nz, half, half, L.dz_um, &g1), done);
    MN_TRY_GOTO(mn_field_create(g, 1, &f), done);
    MN_TRY_GOTO(mn_field_create(g1, 1, &fi), done);
    /* without channels the cell is one column too, solved like the twin */
    MN_TRY_GOTO(
        mn_field_set_tolerance(f, L.channel_fraction > 0 ? rtol : fmin(rtol, INTACT_RTOL), 1e-30),
        done);
    /* the twin is one column: a tight tolerance costs nothing and keeps its small late layer
     * amounts (a few 1e-4 of the dose) within about 0.1 % of those at 1e-7 */
    MN_TRY_GOTO(mn_field_set_tolerance(fi, fmin(rtol, INTACT_RTOL), 1e-30), done);
    MN_TRY_GOTO(mn_field_set_partition(f, 0, K), done);
    MN_TRY_GOTO(mn_field_set_decay(f, 0, decay), done);
    MN_TRY_GOTO(mn_field_set_values(f, 0, c0), done);
    MN_TRY_GOTO(mn_field_set_donor(f, 0, MN_FACE_TOP, vol, 1.0, donor_conc), done);
    MN_TRY_GOTO(mn_field_set_partition(fi, 0, Ki), done);
    MN_TRY_GOTO(mn_field_set_diffusivity(fi, 0, Di), done);
    MN_TRY_GOTO(mn_field_set_decay(fi, 0, deci), done);
    MN_TRY_GOTO(mn_field_set_donor(fi, 0, MN_FACE_TOP,
                                   prod->infinite_dose ? INFINITY : vol_per_um2 * area_in, 1.0,
                                   conc),
                done);

    /* Pore fluid: interstitial fluid, blood clot in the share of channels that bled. */
    const double d_fluid = co.D_water_um2_s * scale_or_1(opt.scale_pore_fluid_d) *
                           ((1.0 - pat.bleed_fraction) +
                            pat.bleed_fraction * exp(-CLOT_BETA_PER_NM * props.radius_nm) * 2.0 *
                                (1.0 - HAEMATOCRIT) / (2.0 + HAEMATOCRIT));
    const double pore_r_um = pat.radius_um * scale_or_1(opt.scale_pore_radius);
    /* The wound surface's conductance (WOUND_P_CM_H) as the diffusivity of the channel's mouth
     * over the SC's thickness, µm²/s (K = 1 in the channel). */
    double h_sc_um = 0;
    for (int k = 0; k < L.k_ve; k++)
        h_sc_um += L.dz_um[k];
    const double d_wound = WOUND_P_CM_H * scale_or_1(opt.scale_wound) * 1e4 / MN_S_PER_H *
                           pow(WOUND_REF_MW / sol.mw_da, 0.655) * h_sc_um;
    r->pore_d_um2_s = d_fluid;
    /* the share of the open mouths that are wounds into the dermis (in vivo) */
    const double wound_share = pat.wound_fraction;

    /* March between output times; the channel D is refreshed when the open fraction at the
     * step midpoint has moved by more than OPEN_TOL since it was last set. */
    const double OPEN_TOL = 0.005;
    /* In vivo, the share of channels that bled (BLEEDING_TIME_H); excised skin does not bleed. */
    const double bled_share = franz ? 0.0 : pat.bleed_fraction;
    const double plug_open = opt.seal_bled_channels ? 0.0 : 1.0;
    const double T = franz ? m->experiment.duration_h : prod->duration_h;
    const double dt0 = fmin(tau_h / 20.0, MIN_STEP_H);
    double bufi[MN_CELL_MAX_NZ];
    march M = {f,     fi,   &L,  area_um2, area_in,           tau_h,
               0,     0,    0,   franz,    solid0 * area_um2, solid0 * area_in,
               decay, deci, buf, bufi,     bled_share,        plug_open};
    bool dry = false;
    size_t next_sampling = 0;
    const size_t nsampling = franz ? m->experiment.n_sampling : 0;
    size_t next_field = 0, next_prof = 0;
    const size_t nprof_std = sizeof PROFILE_TIMES_H / sizeof *PROFILE_TIMES_H;
    double t = 0, open_set = -1;
    MN_TRY_GOTO(take_sample(&M, r, 0), done);
    while (t < T - 1e-12) {
        double stop = fmin(t + fmin(fmax(dt0, t / 10.0), MAX_STEP_H), T);
        while (next_field < m->output.n_field_times &&
               m->output.field_times_h[next_field] < t + 1e-9 && next_field < MN_FIELD_TIMES_CAP)
            next_field++; /* times at 0 or already passed */
        if (next_field < m->output.n_field_times)
            stop = fmin(stop, m->output.field_times_h[next_field]);
        while (next_prof < nprof_std && PROFILE_TIMES_H[next_prof] < t + 1e-9)
            next_prof++;
        if (next_prof < nprof_std)
            stop = fmin(stop, PROFILE_TIMES_H[next_prof]);
        while (next_sampling < nsampling && m->experiment.sampling_h[next_sampling] < t + 1e-9)
            next_sampling++;
        if (next_sampling < nsampling)
            stop = fmin(stop, m->experiment.sampling_h[next_sampling]);
        if (t < t_dry_h - 1e-9)
            stop = fmin(stop, t_dry_h);
        if (bled_share > 0 && t < BLEEDING_TIME_H - 1e-9)
            stop = fmin(stop, BLEEDING_TIME_H);
        double dt = stop - t;
        if (!dry && isfinite(vol)) {
            /* the film over this step: its volume at the step's midpoint (dry: a trace) */
            dry = t >= t_dry_h - 1e-9;
            double frac =
                dry ? FILM_DRY_FRACTION : fmax(FILM_DRY_FRACTION, 1.0 - (t + 0.5 * dt) / t_dry_h);
            if (dry || evaporates || M.solid_ch > 0 || M.solid_in > 0) {
                MN_TRY_GOTO(film_update(f, vol * frac, dry ? 0.0 : sat, &M.solid_ch), done);
                MN_TRY_GOTO(
                    film_update(fi, vol_per_um2 * area_in * frac, dry ? 0.0 : sat, &M.solid_in),
                    done);
            }
        }
        double open = L.channel_fraction > 0 ? mn_closure_open_fraction(t + 0.5 * dt, tau_h) : 0;
        /* the bled share conducts nothing while it bleeds, then only through its seal */
        open *= 1.0 - bled_share + bled_share * (t + 0.5 * dt < BLEEDING_TIME_H ? 0.0 : plug_open);
        if (L.channel_fraction > 0 &&
            (fabs(open - open_set) > OPEN_TOL || (open == 0 && open_set != 0))) {
            /* the open part of the cross-section is a pore of radius r·sqrt(open) */
            double lam = props.radius_nm * 1e-3 / (pore_r_um * sqrt(open));
            double d_open = d_fluid * mn_delivery_renkin(lam);
            /* in vivo the mouth (the channel through the SC) of a puncture into the dermis
             * passes what a wound surface does; a dry perforation of the SC and avascular
             * epidermis is an open pore (WOUND_P_CM_H); the two kinds of mouth in parallel by
             * their open area. Never less than the SC it replaced (a lipophilic solute whose
             * intact SC passes more than a wound surface's measured uptake is not slowed). */
            double d_mouth = franz ? d_open
                                   : wound_share * fmin(d_open, d_wound * mn_delivery_renkin(lam)) +
                                         (1.0 - wound_share) * d_open;
            for (size_t v = 0; v < nvox; v++)
                D[v] = chan[v]
                           ? (v < (size_t)L.k_ve * plane ? fmax(d_mouth, Dt[v]) : d_open) * open +
                                 Dt[v] * (1.0 - open)
                           : Dt[v];
            MN_TRY_GOTO(mn_field_set_diffusivity(f, 0, D), done);
            open_set = open;
        } else if (open_set < 0) {
            MN_TRY_GOTO(mn_field_set_diffusivity(f, 0, Dt), done);
            open_set = 0;
        }
        MN_TRY_GOTO(mn_field_step(f, dt * MN_S_PER_H), done);
        MN_TRY_GOTO(mn_field_step(fi, dt * MN_S_PER_H), done);
        t = stop;
        MN_TRY_GOTO(take_sample(&M, r, t), done);
        int at_field = next_field < m->output.n_field_times &&
                       fabs(m->output.field_times_h[next_field] - t) < 1e-9;
        int at_prof = (next_prof < nprof_std && fabs(PROFILE_TIMES_H[next_prof] - t) < 1e-9) ||
                      t >= T - 1e-12 || at_field;
        if (at_field) {
            MN_TRY_GOTO(take_snapshot(&M, r, t), done);
            next_field++;
        }
        if (at_prof)
            MN_TRY_GOTO(take_profile(&M, r, t, buf), done);
    }
    MN_TRY_GOTO(mn_field_get_stats(f, &r->steps, &r->rejected), done);

    /* Final doses. */
    const mn_delivery_sample *e = &r->samples[r->nsamples - 1];
    for (int l = 0; l < 4; l++)
        r->dose_ch[l] = e->amount_ch[l + 1], r->dose_in[l] = e->amount_in[l + 1];
    r->remaining_ch = e->amount_ch[AM_DONOR], r->remaining_in = e->amount_in[AM_DONOR];
    r->lag_h = lag_time_h(r, false);
    r->lag_in_h = lag_time_h(r, true);
    if (franz) {
        r->receptor_ch = e->amount_ch[AM_RECEPTOR], r->receptor_in = e->amount_in[AM_RECEPTOR];
        franz_analysis(r, &m->experiment);
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
    for (size_t i = 0; i < r->nsnap; i++)
        free(r->snap[i].c);
    for (size_t i = 0; i < r->nprof; i++)
        free(r->prof[i].mean);
    free(r->samples);
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
    if (r->franz) /* cumulative receptor amount with pretreatment ÷ without, at the end */
        return r->receptor_in > 0 ? r->receptor_ch / r->receptor_in : INFINITY;
    double ch = r->dose_ch[1] + r->dose_ch[2] + r->dose_ch[3];
    double in = r->dose_in[1] + r->dose_in[2] + r->dose_in[3];
    return in > 0 ? ch / in : INFINITY;
}
double mn_delivery_get_lag_time_h(const mn_delivery_result *r, bool intact)
{
    if (r->franz)
        return intact ? r->lag_rec_in : r->lag_rec_ch;
    return intact ? r->lag_in_h : r->lag_h;
}
bool mn_delivery_is_franz(const mn_delivery_result *r)
{
    return r->franz;
}
double mn_delivery_get_receptor(const mn_delivery_result *r, bool intact)
{
    return r->franz ? (intact ? r->receptor_in : r->receptor_ch) : 0.0;
}
mn_status mn_delivery_get_franz(const mn_delivery_result *r, mn_delivery_franz *out)
{
    if (!r->franz)
        return mn_error_set(MN_EINPUT, "not a Franz-cell experiment");
    out->receptor_ug_cm2 = r->receptor_ch, out->intact_receptor_ug_cm2 = r->receptor_in;
    out->flux_ug_cm2_h = r->flux_ss_ch, out->intact_flux_ug_cm2_h = r->flux_ss_in;
    out->window_h[0] = r->window_h[0], out->window_h[1] = r->window_h[1];
    out->lag_time_h = r->lag_rec_ch, out->intact_lag_time_h = r->lag_rec_in;
    out->kp_cm_h = r->kp_rec_cm_h;
    return MN_OK;
}
double mn_delivery_get_channel_half_life_h(const mn_delivery_result *r)
{
    return r->half_life_h;
}
mn_status mn_delivery_get_exposure(const mn_delivery_result *r, mn_dose_layer layer, bool intact,
                                   mn_delivery_exposure *out)
{
    if (layer != MN_DOSE_EPIDERMIS && layer != MN_DOSE_DERMIS)
        return mn_error_set(MN_EINPUT, "exposure of layer %d (expected epidermis or dermis)",
                            (int)layer);
    const int g = layer == MN_DOSE_EPIDERMIS ? AM_EPIDERMIS : AM_DERMIS;
    out->peak_ug_cm2 = out->peak_h = out->auc_ug_h_cm2 = 0.0;
    for (size_t i = 0; i < r->nsamples; i++) {
        const mn_delivery_sample *q = &r->samples[i];
        double a = intact ? q->amount_in[g] : q->amount_ch[g];
        if (a > out->peak_ug_cm2)
            out->peak_ug_cm2 = a, out->peak_h = q->t_h;
        if (i > 0) {
            const mn_delivery_sample *p = &r->samples[i - 1];
            double b = intact ? p->amount_in[g] : p->amount_ch[g];
            out->auc_ug_h_cm2 += 0.5 * (a + b) * (q->t_h - p->t_h);
        }
    }
    return MN_OK;
}
double mn_delivery_get_film_dry_h(const mn_delivery_result *r)
{
    return r->film_dry_h;
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
    const mn_delivery_sample *s = &r->samples[i];
    *time_h = s->t_h, *flux_channels = s->flux_ch, *flux_intact = s->flux_in;
    *open_fraction = s->open;
    return MN_OK;
}
double mn_delivery_get_intact_kp_cm_h(const mn_delivery_result *r)
{
    return r->kp_cm_h;
}
mn_status mn_delivery_get_cell(const mn_delivery_result *r, double *side_um, int dims[3],
                               double *channel_area_fraction, double *channel_depth_um)
{
    *side_um = r->cell.side_um;
    dims[0] = dims[1] = r->cell.n, dims[2] = r->cell.nz;
    *channel_area_fraction = r->pattern.area_fraction;
    *channel_depth_um = r->pattern.depth_um;
    return MN_OK;
}
void mn_delivery_get_steps(const mn_delivery_result *r, long *steps, long *rejected)
{
    *steps = r->steps, *rejected = r->rejected;
}
