/* Sensitivity of the delivery outputs to the uncertain channel parameters (not a test, not built
 * by CMake; the table it prints is in docs/validation/delivery.md):
 *
 *   gcc -O2 -std=c17 -fopenmp -Isrc -Iinclude tests/delivery/delivery_sensitivity.c \
 *       build/libmnsim_static.a -lyaml -lcjson -lm -o /tmp/delivery_sensitivity
 *   OMP_NUM_THREADS=2 /tmp/delivery_sensitivity
 *
 * Three cases on the built-in default scenario's session-1 punctures (cheek, pen at 1.5 mm):
 *  - in vivo: ascorbic acid 100 mg/mL, 20 µL/cm², applied after, uncovered, 24 h;
 *  - Franz cell: the pen at 0.5 mm on 750 µm dermatomed human skin over a sink, caffeine
 *    10 mg/mL, infinite dose, 24 h;
 *  - in vivo as the first, the pen at 0.25 mm: dry SC perforations (no wound surface).
 * Each parameter is halved and doubled alone: closure time constant, channel (pore) radius,
 * channel depth, pore-fluid diffusivity, partition of the viable tissue (K up, D down, K·D
 * kept), the film's evaporation rate, the SC partition (K up, D down: kp kept, lag scaled), the
 * wound surface's conductance at the channel mouths in vivo (WOUND_P_CM_H).
 * Printed: enhancement ratio and the amount (past the SC in vivo, receptor in vitro), and the
 * elasticity ln(out(×2)/out(×½)) / ln 4. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anatomy/anatomy.h"
#include "core/error.h"
#include "delivery/delivery.h"
#include "model/scenario.h"
#include "needling/needling.h"

enum {
    P_BASE,
    P_TAU,
    P_RADIUS,
    P_DEPTH,
    P_FLUID,
    P_PARTITION,
    P_EVAP,
    P_SC_PARTITION,
    P_WOUND,
    P_N
};
static const char *const NAMES[P_N] = {"base",
                                       "closure tau",
                                       "pore radius",
                                       "channel depth",
                                       "pore-fluid D",
                                       "tissue partition",
                                       "film evaporation",
                                       "SC partition (lag)",
                                       "wound conductance (in vivo mouths)"};

static int run_case(const mn_model *m, const mn_column *col, const mn_punctures *p0, int par,
                    double f, double *enh, double *amount)
{
    mn_punctures p = *p0;
    double *depth = NULL, *cdepth = NULL, *cdiam = NULL;
    if (par == P_RADIUS) {
        p.needle_radius_um *= f;
        if (p0->channel_diameter_um) { /* the needling stage's recovered holes */
            cdiam = malloc(p.n * sizeof *cdiam);
            for (size_t i = 0; i < p.n; i++)
                cdiam[i] = p0->channel_diameter_um[i] * f;
            p.channel_diameter_um = cdiam;
        }
    }
    if (par == P_DEPTH) {
        depth = malloc(p.n * sizeof *depth);
        for (size_t i = 0; i < p.n; i++)
            depth[i] = fmin(p0->tissue_depth_um[i] * f, col->dermis_bottom_um - 60.0);
        p.tissue_depth_um = depth;
        if (p0->channel_depth_um) {
            cdepth = malloc(p.n * sizeof *cdepth);
            for (size_t i = 0; i < p.n; i++)
                cdepth[i] = fmin(p0->channel_depth_um[i] * f, col->dermis_bottom_um - 60.0);
            p.channel_depth_um = cdepth;
        }
    }
    mn_delivery_options o;
    mn_delivery_options_default(&o);
    o.scale_closure_tau = par == P_TAU ? f : 1;
    o.scale_pore_fluid_d = par == P_FLUID ? f : 1;
    o.scale_partition = par == P_PARTITION ? f : 1;
    o.scale_evaporation = par == P_EVAP ? f : 1;
    o.scale_sc_partition = par == P_SC_PARTITION ? f : 1;
    o.scale_wound = par == P_WOUND ? f : 1;
    mn_delivery_result *r = NULL;
    mn_status st = mn_delivery_run(m, col, &p, &o, &r);
    free(depth), free(cdepth), free(cdiam);
    if (st != MN_OK)
        return fprintf(stderr, "%s\n", mn_last_error()), 1;
    *enh = mn_delivery_get_enhancement_ratio(r);
    *amount = mn_delivery_is_franz(r) ? mn_delivery_get_receptor(r, false)
                                      : mn_delivery_get_dose(r, MN_DOSE_EPIDERMIS, false) +
                                            mn_delivery_get_dose(r, MN_DOSE_DERMIS, false) +
                                            mn_delivery_get_dose(r, MN_DOSE_SYSTEMIC, false);
    mn_delivery_result_free(r);
    return 0;
}

int main(void)
{
    for (int kase = 0; kase < 3; kase++) {
        const int franz = kase == 1, shallow = kase == 2;
        mn_model m;
        if (mn_scenario_load_default(&m) != MN_OK)
            return fprintf(stderr, "%s\n", mn_last_error()), 1;
        mn_product_spec *p = &m.product;
        memset(p, 0, sizeof *p);
        p->present = true;
        p->pka = p->ph = p->solubility_mg_ml = NAN;
        snprintf(p->name, sizeof p->name, "%s", franz ? "caffeine" : "ascorbic_acid");
        p->concentration_mg_ml = franz ? 10 : 100, p->volume_ul_per_cm2 = 20;
        p->infinite_dose = franz, p->duration_h = 24;
        p->applied = MN_APPLIED_AFTER;
        mn_solute sol;
        if (mn_delivery_solute_for(p, &sol) != MN_OK)
            return fprintf(stderr, "%s\n", mn_last_error()), 1;
        p->mw_da = sol.mw_da, p->log_kow = sol.log_kow;
        m.output.n_field_times = 0;
        if (franz) {
            mn_experiment *e = &m.experiment;
            e->type = MN_EXPERIMENT_FRANZ_CELL, e->species = MN_SPECIES_HUMAN;
            e->skin_thickness_um = 750, e->receptor_sink = true, e->duration_h = 24;
            const double s[] = {1, 2, 4, 8, 12, 24};
            e->n_sampling = 6;
            memcpy(e->sampling_h, s, sizeof s);
            m.device.set_depth_um = 500; /* a 0.5 mm pen setting: channels end in the dermis */
        }
        if (shallow)
            m.device.set_depth_um = 250; /* holes through the SC only, none bleeding */
        mn_column col;
        mn_punctures *pu = NULL;
        if (mn_anatomy_column_for(&m, &col) != MN_OK ||
            mn_needling_generate(&m, &col, 1, &pu) != MN_OK)
            return fprintf(stderr, "%s\n", mn_last_error()), 1;
        printf("\n%s (%s)\n",
               franz     ? "Franz cell, 750 um human skin, caffeine 10 mg/mL infinite"
               : shallow ? "in vivo, pen at 0.25 mm, ascorbic acid 100 mg/mL, 20 uL/cm2, uncovered"
                         : "in vivo, ascorbic acid 100 mg/mL, 20 uL/cm2, uncovered",
               franz ? "amount = receptor ug/cm2 at 24 h" : "amount = past the SC ug/cm2 at 24 h");
        printf(
            "| parameter | enhancement x0.5 | base | x2 | elasticity | amount x0.5 | base | x2 | "
            "elasticity |\n|---|---|---|---|---|---|---|---|---|\n");
        double eb, ab;
        if (run_case(&m, &col, pu, P_BASE, 1, &eb, &ab))
            return 1;
        for (int par = P_TAU; par < P_N; par++) {
            double e0, a0, e1, a1;
            if (run_case(&m, &col, pu, par, 0.5, &e0, &a0) ||
                run_case(&m, &col, pu, par, 2.0, &e1, &a1))
                return 1;
            printf("| %s | %.4g | %.4g | %.4g | %+.3f | %.4g | %.4g | %.4g | %+.3f |\n", NAMES[par],
                   e0, eb, e1, log(e1 / e0) / log(4.0), a0, ab, a1, log(a1 / a0) / log(4.0));
            fflush(stdout);
        }
        mn_punctures_free(pu);
    }
    return 0;
}
