/* Channel pattern of a patch and the representative cell built from it (see cell.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/stats.h"
#include "core/units.h"
#include "delivery/cell.h"

/* Raster of the pattern: cells of r/5 (area of a disc within ~1 %), at most this many. */
#define PATTERN_MAX_CELLS 2.0e6

/* SC cells: a membrane of N cells has a time lag 1 + 1/(2N²) times the continuous L²/6D (the
 * lumped capacities of a cell-centred grid): 12.5 % long with 2 cells, 1.4 % with 6. The SC
 * carries almost all of the intact skin's lag, so it gets 6. */
#define SC_CELLS 6

/* z grid: SC in SC_CELLS cells, viable epidermis in cells of <= 20 µm, dermis in cells of
 * <= DERMIS_DZ_UM down to DERMIS_FINE_BELOW_UM below the channel tip, then growing by 1.5×. */
#define VE_DZ_UM             20.0
#define DERMIS_DZ_UM         40.0
#define DERMIS_FINE_BELOW_UM 200.0

/* Lateral voxels per side of the quarter cell: the voxel resolves both the channel radius
 * and the tissue gap between channels (RADIUS_CELLS and GAP_CELLS voxels across), within
 * these bounds. The convergence study is in docs/validation/delivery.md. */
#define RADIUS_CELLS 4.0
#define GAP_CELLS    4.0
#define CELL_N_MIN   4
#define CELL_N_MAX   16

/* The open channel each puncture leaves: the needling stage's channel after the tissue's rebound
 * and elastic recovery (channel_depth_um, channel_diameter_um; docs/validation/needling.md).
 * Punctures built without them (NULL arrays, e.g. by hand in tests) fall back to the needle's
 * track: as deep as the needle reached and as wide as its shaft. */
static double channel_depth(const mn_punctures *p, size_t i)
{
    return p->channel_depth_um ? p->channel_depth_um[i] : p->tissue_depth_um[i];
}
static double channel_radius(const mn_punctures *p, size_t i)
{
    return p->channel_diameter_um ? 0.5 * p->channel_diameter_um[i] : p->needle_radius_um;
}

/* Whether puncture i reached the dermis (its deepest layer, else its depth against the
 * column's dermal-epidermal junction). */
static bool reached_dermis(const mn_column *col, const mn_punctures *p, size_t i)
{
    if (p->layer)
        return p->layer[i] >= MN_LAYER_DERMIS;
    return p->tissue_depth_um[i] > col->dej_depth_um;
}

/* Index of raster cell (i, j), both >= 0, in a raster nx cells wide. */
static size_t raster_at(size_t nx, long i, long j)
{
    return (size_t)j * nx + (size_t)i;
}

mn_status mn_channel_pattern_measure(const mn_model *m, const mn_column *col, const mn_punctures *p,
                                     mn_channel_pattern *out)
{
    memset(out, 0, sizeof *out);
    const double W = m->patch_width_um, Lp = m->patch_length_um;
    if (!(W > 0 && Lp > 0))
        return mn_error_set(MN_EINPUT, "patch: %g x %g um (expected > 0)", W, Lp);
    /* a channel must pass the SC to be a pore (a few nm of rounding allowed) */
    const double min_depth = col->sc_um * (1.0 - 1e-9);
    size_t pierced = 0, open = 0, bled = 0;
    double area = 0, wound_area = 0;
    double r = INFINITY; /* the narrowest open channel sets the raster */
    for (size_t i = 0; i < p->n; i++) {
        pierced += p->tissue_depth_um[i] > 0;
        if (channel_depth(p, i) >= min_depth) {
            open++;
            bled += p->bleeds && p->bleeds[i];
            const double ri = channel_radius(p, i);
            r = fmin(r, ri);
            area += ri * ri;
            wound_area += reached_dermis(col, p, i) ? ri * ri : 0.0;
        }
    }
    out->bleed_fraction = open > 0 ? (double)bled / (double)open : 0.0;
    out->wound_fraction = area > 0 ? wound_area / area : 0.0;
    out->punctures_per_cm2 = (double)pierced / (W * Lp / MN_UM2_PER_CM2);
    if (open == 0)
        return MN_OK;
    if (!(r > 0))
        return mn_error_set(MN_EINPUT, "channel radius %g um (expected > 0 for channels)", r);
    const double h = fmax(0.2 * r, sqrt(W * Lp / PATTERN_MAX_CELLS));
    const long nx = (long)ceil(W / h), ny = (long)ceil(Lp / h);
    const size_t snx = (size_t)nx;
    float *depth = calloc(snx * (size_t)ny, sizeof *depth);
    if (!depth)
        return mn_error_set(MN_ENOMEM, "out of memory for the channel raster (%ld x %ld)", nx, ny);
    for (size_t n = 0; n < p->n; n++) {
        double d = channel_depth(p, n);
        if (!(d >= min_depth))
            continue;
        const double rc = channel_radius(p, n);
        double x = p->x_um[n], y = p->y_um[n];
        long i0 = (long)floor((x - rc) / h), i1 = (long)floor((x + rc) / h);
        long j0 = (long)floor((y - rc) / h), j1 = (long)floor((y + rc) / h);
        for (long j = j0 < 0 ? 0 : j0; j <= j1 && j < ny; j++) {
            double yc = ((double)j + 0.5) * h - y;
            for (long i = i0 < 0 ? 0 : i0; i <= i1 && i < nx; i++) {
                double xc = ((double)i + 0.5) * h - x;
                float *c = &depth[raster_at(snx, i, j)];
                if (xc * xc + yc * yc <= rc * rc && d > *c)
                    *c = (float)d;
            }
        }
    }
    double covered = 0, dsum = 0, edges = 0;
    for (long j = 0; j < ny; j++)
        for (long i = 0; i < nx; i++) {
            const float dij = depth[raster_at(snx, i, j)];
            int in = dij > 0;
            covered += in, dsum += dij;
            if (i + 1 < nx && in != (depth[raster_at(snx, i + 1, j)] > 0))
                edges++;
            if (j + 1 < ny && in != (depth[raster_at(snx, i, j + 1)] > 0))
                edges++;
        }
    free(depth);
    double cells = (double)nx * (double)ny;
    out->area_fraction = covered / cells;
    out->depth_um = covered > 0 ? dsum / covered : 0;
    /* A staircase is 4/π longer than the smooth edge it follows, averaged over directions
     * (Cauchy–Crofton); for a disc the correction is exact: 8r · π/4 = 2πr. */
    out->perimeter_um = edges * h * (MN_PI / 4.0) / (cells * h * h);
    out->radius_um = out->perimeter_um > 0 ? 2.0 * out->area_fraction / out->perimeter_um : r;
    return MN_OK;
}

static int build_dz(const mn_column *col, double deepest_um, mn_cell *c)
{
    int n = 0;
    double *dz = c->dz_um;
    for (int i = 0; i < SC_CELLS; i++)
        dz[n++] = col->sc_um / SC_CELLS;
    c->k_ve = n;
    int nve = (int)ceil(col->viable_epidermis_um / VE_DZ_UM);
    for (int i = 0; i < nve; i++)
        dz[n++] = col->viable_epidermis_um / nve;
    c->k_de = n;
    double z = col->dej_depth_um, bottom = col->dermis_bottom_um;
    double fine_to = fmin(bottom, fmax(deepest_um, col->capillary_depth_um) + DERMIS_FINE_BELOW_UM);
    int nf = (int)ceil((fine_to - z) / DERMIS_DZ_UM);
    for (int i = 0; i < nf && n < MN_CELL_MAX_NZ; i++)
        dz[n++] = (fine_to - z) / nf;
    z = fine_to;
    double h = DERMIS_DZ_UM;
    while (z < bottom - 1e-9 && n < MN_CELL_MAX_NZ) {
        h *= 1.5;
        double step = fmin(h, bottom - z);
        if (bottom - (z + step) < 0.5 * h)
            step = bottom - z;
        dz[n++] = step;
        z += step;
    }
    return n;
}

/* Layers whose centre lies above depth (at least the first). */
static int layers_above(const mn_cell *c, double depth_um)
{
    double z = 0;
    int k = 0;
    while (k < c->nz && z + 0.5 * c->dz_um[k] < depth_um)
        z += c->dz_um[k++];
    return k < 1 ? 1 : k;
}

static double centre_dist2(int i, int j)
{
    return (i + 0.5) * (i + 0.5) + (j + 0.5) * (j + 0.5);
}

mn_status mn_cell_plan(const mn_column *col, const mn_channel_pattern *pat, int lateral_n,
                       mn_cell *c)
{
    memset(c, 0, sizeof *c);
    if (!(col->sc_um > 0 && col->viable_epidermis_um > 0 && col->dermis_um > 0))
        return mn_error_set(MN_EINPUT, "skin column: layer thicknesses must be > 0");
    double depth = fmin(pat->depth_um, col->dermis_bottom_um - 50.0);
    c->nz = build_dz(col, depth, c);
    c->k_rec = c->nz, c->receptor_k = 1.0;
    double z = 0;
    c->k_cap = c->nz;
    for (int k = 0; k < c->nz; z += c->dz_um[k], k++)
        if (k >= c->k_de && z + 0.5 * c->dz_um[k] >= col->capillary_depth_um) {
            c->k_cap = k;
            break;
        }
    double f = pat->area_fraction;
    if (!(f > 0)) { /* no channel: the cell is one column, the same as the intact twin */
        c->n = 1, c->side_um = 1000.0, c->dx_um = 500.0;
        c->weight = 1.0;
        return MN_OK;
    }
    c->channel_depth_k = layers_above(c, depth);
    double r = pat->radius_um, side = f < 1.0 ? r * sqrt(MN_PI / f) : 2.0 * r;
    /* gap: half the tissue width between channels, as for a square channel of that area */
    double half = 0.5 * side, gap = half * (1.0 - sqrt(fmin(f, 1.0)));
    double dx = fmin(r / RADIUS_CELLS, gap > 0 ? gap / GAP_CELLS : INFINITY);
    int n = lateral_n > 0 ? lateral_n : (int)ceil(half / dx - 1e-9);
    if (lateral_n <= 0)
        n = n < CELL_N_MIN ? CELL_N_MIN : n > CELL_N_MAX ? CELL_N_MAX : n;
    c->n = n, c->side_um = side, c->dx_um = half / n;
    /* Smallest disc (in voxels) holding at least f of the cell: its area is then matched to
     * one ring of voxels, and the excess is taken out by the weight below. */
    const size_t sn = (size_t)n, nn = sn * sn;
    double *d2 = malloc(nn * sizeof *d2);
    if (!d2)
        return mn_error_set(MN_ENOMEM, "out of memory planning the delivery cell");
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            d2[(size_t)j * sn + (size_t)i] = centre_dist2(i, j);
    mn_stats_sort(d2, nn);
    size_t want = (size_t)ceil(f * (double)nn - 1e-9);
    if (want < 1)
        want = 1;
    if (want > nn)
        want = nn;
    double rho2 = d2[want - 1];
    size_t count = 0;
    while (count < nn && d2[count] <= rho2)
        count++;
    free(d2);
    c->rho2 = rho2;
    c->channel_fraction = (double)count / (double)nn;
    c->weight = fmin(1.0, f / c->channel_fraction);
    return MN_OK;
}

bool mn_cell_is_channel(const mn_cell *c, int i, int j)
{
    return c->channel_fraction > 0 && centre_dist2(i, j) <= c->rho2;
}
