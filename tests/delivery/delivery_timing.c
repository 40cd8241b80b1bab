/* Timing of one session's delivery for the default-like case (not a test, not built by CMake):
 * the built-in default scenario (cheek, pen at 1.5 mm, 4 passes, 5 × 5 mm patch), session 1's
 * punctures, and ascorbic acid 100 mg/mL, 20 µL/cm², applied after needling, 24 h.
 *
 *   gcc -O2 -std=c17 -fopenmp -Isrc -Iinclude tests/delivery/delivery_timing.c \
 *       build/libmnsim_static.a -lyaml -lcjson -lm -o /tmp/delivery_timing
 *   OMP_NUM_THREADS=2 /tmp/delivery_timing [PRODUCT [OCCLUDED 0|1 [RTOL [CELL_VOXELS [OUTDIR]]]]]
 *
 * Prints the cell, the engine's internal steps, the wall time of mn_delivery_run and the doses;
 * with OUTDIR it also writes delivery.csv, delivery_profiles.csv and fields/ (1 h and 24 h). */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anatomy/anatomy.h"
#include "core/error.h"
#include "delivery/delivery.h"
#include "io/delivery_out.h"
#include "model/scenario.h"
#include "needling/needling.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv)
{
    mn_model m;
    if (mn_scenario_load_default(&m) != MN_OK)
        return fprintf(stderr, "%s\n", mn_last_error()), 1;
    mn_product_spec *p = &m.product;
    memset(p, 0, sizeof *p);
    p->present = true;
    snprintf(p->name, sizeof p->name, "%s", argc > 1 ? argv[1] : "ascorbic_acid");
    p->concentration_mg_ml = 100, p->volume_ul_per_cm2 = 20, p->duration_h = 24;
    p->applied = MN_APPLIED_AFTER;
    p->occluded = argc > 2 && atoi(argv[2]);
    mn_solute sol;
    if (mn_delivery_solute_for(p, &sol) != MN_OK)
        return fprintf(stderr, "%s\n", mn_last_error()), 1;
    p->mw_da = sol.mw_da, p->log_kow = sol.log_kow;
    m.output.n_field_times = 2;
    m.output.field_times_h[0] = 1, m.output.field_times_h[1] = 24;
    mn_column col;
    mn_punctures *pu = NULL;
    if (mn_anatomy_column_for(&m, &col) != MN_OK || mn_needling_generate(&m, &col, 1, &pu) != MN_OK)
        return fprintf(stderr, "%s\n", mn_last_error()), 1;
    mn_delivery_options o;
    mn_delivery_options_default(&o);
    o.rtol = argc > 3 ? atof(argv[3]) : 0;
    o.cell_voxels = argc > 4 ? atoi(argv[4]) : 0;
    mn_delivery_result *r = NULL;
    double t0 = now();
    if (mn_delivery_run(&m, &col, pu, &o, &r) != MN_OK)
        return fprintf(stderr, "%s\n", mn_last_error()), 1;
    double t1 = now();
    double side, fa, depth;
    int d[3];
    long steps, rej;
    mn_delivery_get_cell(r, &side, d, &fa, &depth);
    mn_delivery_get_steps(r, &steps, &rej);
    printf("%s %s: %zu punctures, channel area fraction %.4f, depth %.0f um; cell side %.0f um, "
           "grid %d x %d x %d; %ld internal steps (%ld rejected)\n",
           p->name, p->occluded ? "occluded" : "uncovered", pu->n, fa, depth, side, d[0], d[1],
           d[2], steps, rej);
    printf("time %.3f s with %d threads\n", t1 - t0, omp_get_max_threads());
    const char *names[] = {"stratum_corneum", "epidermis", "dermis", "systemic"};
    for (int l = 0; l < 4; l++)
        printf("%-16s channels %10.5g  intact %10.5g ug/cm2\n", names[l],
               mn_delivery_get_dose(r, (mn_dose_layer)l, false),
               mn_delivery_get_dose(r, (mn_dose_layer)l, true));
    printf("donor left: channels %.5g intact %.5g of %.5g ug/cm2\n",
           mn_delivery_get_remaining(r, false), mn_delivery_get_remaining(r, true),
           mn_delivery_get_applied(r));
    printf("enhancement %.4g, lag %.3g h (intact %.3g h), channel half-life %.3g h\n",
           mn_delivery_get_enhancement_ratio(r), mn_delivery_get_lag_time_h(r, false),
           mn_delivery_get_lag_time_h(r, true), mn_delivery_get_channel_half_life_h(r));
    if (argc > 5 && (mn_io_write_delivery_csv(r, argv[5]) != MN_OK ||
                     mn_io_write_delivery_fields(r, argv[5]) != MN_OK))
        return fprintf(stderr, "%s\n", mn_last_error()), 1;
    mn_delivery_result_free(r);
    mn_punctures_free(pu);
    return 0;
}
