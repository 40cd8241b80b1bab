/* The per-session figures of summary.json's needling block. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/stats.h"
#include "core/units.h"
#include "needling/builder.h"
#include "needling/uniformity.h"

/* Coverage raster: a fifth of a typical hole's radius, so the union of the holes is measured
 * to about a percent; at most this many cells (a whole zone: coarser cells, whose centres
 * still sample the union without bias). */
#define COVERAGE_MAX_CELLS 16000000.0

double mn_coverage_resolution(double needle_radius_um)
{
    /* Holes keep about a quarter of the needle's width (elastic recovery ~0.75, needling
     * params); the raster only needs the right scale. */
    return 0.25 * needle_radius_um;
}

mn_status mn_coverage_init(mn_coverage *c, double width_um, double length_um, double resolution_um)
{
    c->h = fmax(0.2 * resolution_um, sqrt(width_um * length_um / COVERAGE_MAX_CELLS));
    c->nx = (size_t)ceil(width_um / c->h);
    c->ny = (size_t)ceil(length_um / c->h);
    c->cells = calloc(c->nx * c->ny, 1);
    if (!c->cells)
        return mn_error_set(MN_ENOMEM, "out of memory for the coverage raster (%zu x %zu)", c->nx,
                            c->ny);
    return MN_OK;
}

void mn_coverage_add(mn_coverage *c, const mn_punctures *p)
{
    const double h = c->h;
    const size_t nx = c->nx, ny = c->ny;
    for (size_t i = 0; i < p->n; i++) {
        const double r = 0.5 * p->channel_diameter_um[i];
        if (p->tissue_depth_um[i] <= 0.0 || !(r > 0.0))
            continue;
        double x = p->x_um[i], y = p->y_um[i];
        long i0 = (long)floor((x - r) / h), i1 = (long)floor((x + r) / h);
        long j0 = (long)floor((y - r) / h), j1 = (long)floor((y + r) / h);
        for (long j = j0 < 0 ? 0 : j0; j <= j1 && j < (long)ny; j++) {
            double yc = ((double)j + 0.5) * h - y;
            for (long k = i0 < 0 ? 0 : i0; k <= i1 && k < (long)nx; k++) {
                double xc = ((double)k + 0.5) * h - x;
                if (xc * xc + yc * yc <= r * r)
                    c->cells[(size_t)j * nx + (size_t)k] = 1;
            }
        }
    }
}

double mn_coverage_fraction(const mn_coverage *c)
{
    size_t covered = 0;
    for (size_t k = 0; k < c->nx * c->ny; k++)
        covered += c->cells[k];
    return (double)covered / (double)(c->nx * c->ny);
}

void mn_coverage_free(mn_coverage *c)
{
    free(c->cells);
    c->cells = NULL;
}

static mn_status coverage_fraction(const mn_model *m, const mn_punctures *p, double *out)
{
    mn_coverage c;
    MN_TRY(mn_coverage_init(&c, m->patch_width_um, m->patch_length_um,
                            mn_coverage_resolution(p->needle_radius_um)));
    mn_coverage_add(&c, p);
    *out = mn_coverage_fraction(&c);
    mn_coverage_free(&c);
    return MN_OK;
}

/* Minutes to treat an area once per pass: glided devices sweep lanes of their head width at
 * the glide speed; stamps are pressed side by side, and so is an RF handpiece, which is pressed
 * and fired spot by spot over its needle field (the glide formula of a pen would underestimate
 * it several-fold). */
double mn_treatment_minutes(const mn_device_spec *d, const mn_needling_params *np, double area_um2)
{
    double seconds;
    if (d->type == MN_DEVICE_STAMP || d->type == MN_DEVICE_RF)
        seconds = area_um2 / (d->drum_width_um * d->drum_width_um) * np->stamp_press_time_s;
    else
        seconds = area_um2 / (d->drum_width_um * d->glide_speed_um_s);
    return d->passes * seconds / MN_S_PER_MIN;
}

mn_status mn_needling_zone_minutes(const mn_model *m, const mn_column *col, int session,
                                   double *out)
{
    mn_needling_params np;
    MN_TRY(mn_needling_params_load(&np));
    mn_device_spec d = mn_model_session_device(m, session);
    *out = mn_treatment_minutes(&d, &np, col->zone_area_cm2 * MN_UM2_PER_CM2);
    return MN_OK;
}

mn_status mn_needling_summarize(const mn_model *m, const mn_column *col, const mn_punctures *p,
                                mn_needling_summary *out)
{
    mn_needling_params np;
    MN_TRY(mn_needling_params_load(&np));
    mn_device_spec d = mn_model_session_device(m, p->session);
    memset(out, 0, sizeof *out);
    const double area_um2 = m->patch_width_um * m->patch_length_um;
    out->punctures = p->n;
    out->area_cm2 = area_um2 / MN_UM2_PER_CM2;
    out->punctures_per_cm2 = (double)p->n / out->area_cm2;

    const size_t cap = p->n ? p->n : 1;
    double *depths = malloc(cap * sizeof *depths), *channel = malloc(cap * sizeof *channel),
           *diameter = malloc(cap * sizeof *diameter);
    if (!depths || !channel || !diameter) {
        free(depths);
        free(channel);
        free(diameter);
        return mn_error_set(MN_ENOMEM, "out of memory summarising punctures");
    }
    size_t pierced = 0, bleeding = 0;
    double sum = 0.0, csum = 0.0, dsum = 0.0, psum = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        out->layer_fraction[p->layer[i]] += 1.0;
        bleeding += p->bleeds[i];
        psum += p->bleed_probability[i];
        if (p->tissue_depth_um[i] > 0.0) {
            depths[pierced] = p->tissue_depth_um[i];
            channel[pierced] = p->channel_depth_um[i];
            diameter[pierced] = p->channel_diameter_um[i];
            sum += p->tissue_depth_um[i];
            csum += p->channel_depth_um[i];
            dsum += p->channel_diameter_um[i];
            pierced++;
        }
    }
    for (int l = 0; l < 5; l++)
        out->layer_fraction[l] = p->n ? out->layer_fraction[l] / (double)p->n : 0.0;
    if (pierced) {
        const double np_ = (double)pierced;
        mn_stats_sort(depths, pierced);
        mn_stats_sort(channel, pierced);
        mn_stats_sort(diameter, pierced);
        out->depth_mean_um = sum / np_;
        out->depth_p5_um = mn_stats_percentile_sorted(depths, pierced, 0.05);
        out->depth_p50_um = mn_stats_percentile_sorted(depths, pierced, 0.50);
        out->depth_p95_um = mn_stats_percentile_sorted(depths, pierced, 0.95);
        out->channel_depth_mean_um = csum / np_;
        out->channel_depth_p5_um = mn_stats_percentile_sorted(channel, pierced, 0.05);
        out->channel_depth_p50_um = mn_stats_percentile_sorted(channel, pierced, 0.50);
        out->channel_depth_p95_um = mn_stats_percentile_sorted(channel, pierced, 0.95);
        out->channel_diameter_mean_um = dsum / np_;
        out->channel_diameter_p5_um = mn_stats_percentile_sorted(diameter, pierced, 0.05);
        out->channel_diameter_p95_um = mn_stats_percentile_sorted(diameter, pierced, 0.95);
    }
    free(depths);
    free(channel);
    free(diameter);
    out->bleeding_fraction = p->n ? (double)bleeding / (double)p->n : 0.0;
    out->bleeding_probability_mean = p->n ? psum / (double)p->n : 0.0;
    MN_TRY(coverage_fraction(m, p, &out->coverage_fraction));
    mn_cell_map cells;
    MN_TRY(mn_cell_map_init(&cells, m->patch_width_um, m->patch_length_um, MN_UNIFORMITY_CELL_UM));
    mn_cell_map_add(&cells, p);
    out->empty_cell_fraction = mn_cell_map_empty_fraction(&cells);
    mn_cell_map_free(&cells);
    MN_TRY(mn_uniformity_nearest(p, m->patch_width_um, m->patch_length_um,
                                 &out->nearest_neighbour_mean_um, &out->nearest_neighbour_p5_um));
    out->duration_min = mn_treatment_minutes(&d, &np, area_um2);
    out->zone_duration_min = mn_treatment_minutes(&d, &np, col->zone_area_cm2 * MN_UM2_PER_CM2);
    return MN_OK;
}
