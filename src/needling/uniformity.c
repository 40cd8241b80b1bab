/* How evenly the punctures cover the patch: empty 0.5 mm cells and nearest-neighbour
 * distances (issue 12, item 3). */
#include "needling/uniformity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/stats.h"

mn_status mn_cell_map_init(mn_cell_map *c, double width_um, double length_um, double cell_um)
{
    memset(c, 0, sizeof *c);
    c->cell_um = cell_um;
    /* Whole cells only: a strip narrower than a cell at the far edges is not judged. */
    c->nx = (size_t)floor(width_um / cell_um);
    c->ny = (size_t)floor(length_um / cell_um);
    if (c->nx == 0 || c->ny == 0)
        return MN_OK;
    c->hit = calloc(c->nx * c->ny, 1);
    if (!c->hit)
        return mn_error_set(MN_ENOMEM, "out of memory for %zu x %zu uniformity cells", c->nx,
                            c->ny);
    return MN_OK;
}

void mn_cell_map_add(mn_cell_map *c, const mn_punctures *p)
{
    if (!c->hit)
        return;
    for (size_t i = 0; i < p->n; i++) {
        if (!(p->tissue_depth_um[i] > 0.0))
            continue;
        double fx = floor(p->x_um[i] / c->cell_um), fy = floor(p->y_um[i] / c->cell_um);
        if (fx < 0 || fy < 0 || fx >= (double)c->nx || fy >= (double)c->ny)
            continue;
        c->hit[(size_t)fy * c->nx + (size_t)fx] = 1;
    }
}

double mn_cell_map_empty_fraction(const mn_cell_map *c)
{
    if (!c->hit)
        return 1.0;
    size_t hit = 0, n = c->nx * c->ny;
    for (size_t k = 0; k < n; k++)
        hit += c->hit[k];
    return 1.0 - (double)hit / (double)n;
}

void mn_cell_map_free(mn_cell_map *c)
{
    free(c->hit);
    c->hit = NULL;
}

/* Bucket grid of pierced punctures: cell k holds idx[start[k] .. start[k+1]). */
typedef struct grid {
    size_t nx, ny, *start, *idx;
    double h;
} grid;

static mn_status grid_build(const mn_punctures *p, double W, double L, size_t pierced, grid *g)
{
    /* About two punctures per bucket. */
    g->h = fmax(1.0, sqrt(W * L / (double)(pierced ? pierced : 1) * 2.0));
    g->nx = (size_t)ceil(W / g->h) + 1;
    g->ny = (size_t)ceil(L / g->h) + 1;
    g->start = calloc(g->nx * g->ny + 1, sizeof *g->start);
    g->idx = malloc((pierced ? pierced : 1) * sizeof *g->idx);
    if (!g->start || !g->idx)
        return mn_error_set(MN_ENOMEM, "out of memory for the neighbour grid");
    size_t *cell = malloc((pierced ? pierced : 1) * sizeof *cell);
    if (!cell)
        return mn_error_set(MN_ENOMEM, "out of memory for the neighbour grid");
    size_t m = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (!(p->tissue_depth_um[i] > 0.0))
            continue;
        size_t cx = (size_t)fmin((double)(g->nx - 1), fmax(0.0, floor(p->x_um[i] / g->h)));
        size_t cy = (size_t)fmin((double)(g->ny - 1), fmax(0.0, floor(p->y_um[i] / g->h)));
        cell[m] = cy * g->nx + cx;
        g->start[cell[m] + 1]++;
        m++;
    }
    for (size_t k = 0; k < g->nx * g->ny; k++)
        g->start[k + 1] += g->start[k];
    size_t *fill = calloc(g->nx * g->ny, sizeof *fill);
    if (!fill) {
        free(cell);
        return mn_error_set(MN_ENOMEM, "out of memory for the neighbour grid");
    }
    m = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (!(p->tissue_depth_um[i] > 0.0))
            continue;
        size_t k = cell[m++];
        g->idx[g->start[k] + fill[k]++] = i;
    }
    free(fill);
    free(cell);
    return MN_OK;
}

/* Distance from puncture i to its nearest other pierced puncture (INFINITY if none). */
static double nearest(const mn_punctures *p, const grid *g, size_t i)
{
    long cx = (long)fmin((double)(g->nx - 1), fmax(0.0, floor(p->x_um[i] / g->h)));
    long cy = (long)fmin((double)(g->ny - 1), fmax(0.0, floor(p->y_um[i] / g->h)));
    double best2 = INFINITY;
    long maxr = (long)(g->nx > g->ny ? g->nx : g->ny);
    for (long r = 0; r <= maxr; r++) {
        /* Every point of ring r is at least (r - 1) h away. */
        double lower = (double)(r - 1) * g->h;
        if (r > 0 && lower > 0 && lower * lower > best2)
            break;
        for (long y = cy - r; y <= cy + r; y++) {
            if (y < 0 || y >= (long)g->ny)
                continue;
            for (long x = cx - r; x <= cx + r; x++) {
                if (x < 0 || x >= (long)g->nx)
                    continue;
                if (labs(x - cx) != r && labs(y - cy) != r)
                    continue; /* interior: done at a smaller ring */
                size_t k = (size_t)y * g->nx + (size_t)x;
                for (size_t q = g->start[k]; q < g->start[k + 1]; q++) {
                    size_t j = g->idx[q];
                    if (j == i)
                        continue;
                    double dx = p->x_um[j] - p->x_um[i], dy = p->y_um[j] - p->y_um[i];
                    double d2 = dx * dx + dy * dy;
                    if (d2 < best2)
                        best2 = d2;
                }
            }
        }
    }
    return sqrt(best2);
}

mn_status mn_uniformity_nearest(const mn_punctures *p, double width_um, double length_um,
                                double *mean_um, double *p5_um)
{
    *mean_um = *p5_um = 0.0;
    size_t pierced = 0;
    for (size_t i = 0; i < p->n; i++)
        pierced += p->tissue_depth_um[i] > 0.0;
    if (pierced < 2)
        return MN_OK;
    mn_status st = MN_OK;
    grid g = {0};
    double *d = malloc(pierced * sizeof *d);
    if (!d)
        return mn_error_set(MN_ENOMEM, "out of memory for nearest-neighbour distances");
    MN_TRY_GOTO(grid_build(p, width_um, length_um, pierced, &g), done);
    size_t m = 0;
    double sum = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        if (!(p->tissue_depth_um[i] > 0.0))
            continue;
        d[m] = nearest(p, &g, i);
        sum += d[m++];
    }
    mn_stats_sort(d, m);
    *mean_um = sum / (double)m;
    *p5_um = mn_stats_percentile_sorted(d, m, 0.05);
done:
    free(d);
    free(g.start);
    free(g.idx);
    return st;
}
