/* One session's needling, held whole for a patch or streamed for a whole zone (issue 12,
 * item 5). A zone of up to 400 cm² can hold tens of millions of punctures: they are generated
 * in chunks of STREAM_CHUNK, each chunk gets its insertion mechanics (the same random streams,
 * keyed by the session-wide index, as when held whole), goes to the caller's sink
 * (punctures.csv) and to running summaries (histograms for the percentiles, the coverage and
 * empty-cell rasters), and only the punctures of a central representative window are kept
 * for the field stages. Memory is bounded by the chunk, the rasters and the window. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/signals.h"
#include "core/units.h"
#include "needling/builder.h"
#include "needling/uniformity.h"

#define STREAM_CHUNK ((size_t)1 << 18)
/* Histograms of the streamed percentiles: depths in 0.5 µm bins to 10 mm, diameters in
 * 0.1 µm bins to 1 mm (the percentiles are then within half a bin of the exact ones). */
#define DEPTH_BIN_UM    0.5
#define DEPTH_BINS      20000
#define DIAMETER_BIN_UM 0.1
#define DIAMETER_BINS   10000

typedef struct stream_state {
    const mn_model *m;
    const mn_column *col;
    const mn_device_spec *d;
    const mn_needling_params *np;
    int rigid;
    mn_puncture_sink sink;
    void *sink_ctx;
    /* running summaries */
    size_t total, pierced, bleeding, layer[5];
    double sum_depth, sum_channel, sum_diameter, sum_probability;
    size_t *h_depth, *h_channel, *h_diameter;
    mn_coverage coverage;
    mn_cell_map cells;
    /* the representative window */
    double wx0, wy0, ww, wl;
    mn_punctures *window;
    mn_puncture_builder wb;
} stream_state;

static void histogram_add(size_t *h, size_t nbins, double bin, double v)
{
    double k = floor(v / bin);
    h[k < 0 ? 0 : k >= (double)nbins ? nbins - 1 : (size_t)k]++;
}

/* Type-7-like percentile from a histogram: the centre of the bin holding rank q (n - 1). */
static double histogram_percentile(const size_t *h, size_t nbins, double bin, size_t n, double q)
{
    if (n == 0)
        return 0.0;
    double rank = q * (double)(n - 1);
    size_t seen = 0;
    for (size_t k = 0; k < nbins; k++) {
        seen += h[k];
        if ((double)seen > rank)
            return ((double)k + 0.5) * bin;
    }
    return ((double)nbins - 0.5) * bin;
}

static mn_status flush(mn_puncture_builder *b)
{
    stream_state *s = b->flush_ctx;
    mn_punctures *p = b->p;
    /* A stop request (SIGINT/SIGTERM) ends a streamed zone between chunks, about a second
     * apart: the session is then cut back to its last whole treatment session (issue 18). */
    if (mn_signals_stop_requested())
        return mn_error_set(MN_EINTERRUPTED, "stop requested while needling the zone");
    MN_TRY(
        mn_insertion_apply(s->d, s->np, s->col, s->rigid, s->m->patient.age_years, s->m->seed, p));
    for (size_t i = 0; i < p->n; i++) {
        s->total++;
        s->layer[p->layer[i]]++;
        s->bleeding += p->bleeds[i];
        s->sum_probability += p->bleed_probability[i];
        if (p->tissue_depth_um[i] > 0.0) {
            s->pierced++;
            s->sum_depth += p->tissue_depth_um[i];
            s->sum_channel += p->channel_depth_um[i];
            s->sum_diameter += p->channel_diameter_um[i];
            histogram_add(s->h_depth, DEPTH_BINS, DEPTH_BIN_UM, p->tissue_depth_um[i]);
            histogram_add(s->h_channel, DEPTH_BINS, DEPTH_BIN_UM, p->channel_depth_um[i]);
            histogram_add(s->h_diameter, DIAMETER_BINS, DIAMETER_BIN_UM, p->channel_diameter_um[i]);
        }
        double x = p->x_um[i] - s->wx0, y = p->y_um[i] - s->wy0;
        if (x >= 0.0 && y >= 0.0 && x < s->ww && y < s->wl) {
            MN_TRY(mn_builder_add(&s->wb, p->pass[i], x, y, p->angle_deg[i]));
            mn_punctures *w = s->window;
            size_t j = w->n - 1;
            w->set_depth_um[j] = p->set_depth_um[i];
            w->tissue_depth_um[j] = p->tissue_depth_um[i];
            w->layer[j] = p->layer[i];
            w->bleeds[j] = p->bleeds[i];
            w->channel_depth_um[j] = p->channel_depth_um[i];
            w->channel_diameter_um[j] = p->channel_diameter_um[i];
            w->bleed_probability[j] = p->bleed_probability[i];
        }
    }
    mn_coverage_add(&s->coverage, p);
    mn_cell_map_add(&s->cells, p);
    if (s->sink)
        MN_TRY(s->sink(s->sink_ctx, p));
    return MN_OK;
}

static mn_status stream(stream_state *s, mn_punctures *chunk, mn_needling_summary *ns)
{
    const mn_model *m = s->m;
    const mn_device_spec *d = s->d;
    mn_puncture_builder b = {
        .p = chunk, .patch_w_um = m->patch_width_um, .patch_l_um = m->patch_length_um};
    b.flush = flush;
    b.flush_ctx = s;
    b.chunk_cap = STREAM_CHUNK;
    MN_TRY(mn_pen_layout_of(d, &b.pen_layout));
    for (int pass = 0; pass < d->passes; pass++) {
        switch (d->type) {
        case MN_DEVICE_ROLLER:
            MN_TRY(mn_roller_pass(d, s->np, m->seed, chunk->session, pass, &b));
            break;
        case MN_DEVICE_PEN:
            MN_TRY(mn_pen_pass(d, s->np, m->seed, chunk->session, pass, &b));
            break;
        case MN_DEVICE_RF:
        case MN_DEVICE_STAMP:
            MN_TRY(mn_stamp_pass(d, s->np, m->seed, chunk->session, pass, &b));
            break;
        }
    }
    if (chunk->n > 0)
        MN_TRY(flush(&b));

    memset(ns, 0, sizeof *ns);
    const double area_um2 = m->patch_width_um * m->patch_length_um;
    ns->punctures = s->total;
    ns->area_cm2 = area_um2 / MN_UM2_PER_CM2;
    ns->punctures_per_cm2 = (double)s->total / ns->area_cm2;
    ns->coverage_fraction = mn_coverage_fraction(&s->coverage);
    for (int l = 0; l < 5; l++)
        ns->layer_fraction[l] = s->total ? (double)s->layer[l] / (double)s->total : 0.0;
    ns->bleeding_fraction = s->total ? (double)s->bleeding / (double)s->total : 0.0;
    ns->bleeding_probability_mean = s->total ? s->sum_probability / (double)s->total : 0.0;
    if (s->pierced) {
        const double n = (double)s->pierced;
        ns->depth_mean_um = s->sum_depth / n;
        ns->channel_depth_mean_um = s->sum_channel / n;
        ns->channel_diameter_mean_um = s->sum_diameter / n;
        ns->depth_p5_um =
            histogram_percentile(s->h_depth, DEPTH_BINS, DEPTH_BIN_UM, s->pierced, 0.05);
        ns->depth_p50_um =
            histogram_percentile(s->h_depth, DEPTH_BINS, DEPTH_BIN_UM, s->pierced, 0.50);
        ns->depth_p95_um =
            histogram_percentile(s->h_depth, DEPTH_BINS, DEPTH_BIN_UM, s->pierced, 0.95);
        ns->channel_depth_p5_um =
            histogram_percentile(s->h_channel, DEPTH_BINS, DEPTH_BIN_UM, s->pierced, 0.05);
        ns->channel_depth_p50_um =
            histogram_percentile(s->h_channel, DEPTH_BINS, DEPTH_BIN_UM, s->pierced, 0.50);
        ns->channel_depth_p95_um =
            histogram_percentile(s->h_channel, DEPTH_BINS, DEPTH_BIN_UM, s->pierced, 0.95);
        ns->channel_diameter_p5_um =
            histogram_percentile(s->h_diameter, DIAMETER_BINS, DIAMETER_BIN_UM, s->pierced, 0.05);
        ns->channel_diameter_p95_um =
            histogram_percentile(s->h_diameter, DIAMETER_BINS, DIAMETER_BIN_UM, s->pierced, 0.95);
    }
    ns->empty_cell_fraction = mn_cell_map_empty_fraction(&s->cells);
    /* Nearest neighbours within the window: a neighbour search over a whole zone would need
     * every puncture at once; the window is a random sample of the same pattern. */
    MN_TRY(mn_uniformity_nearest(s->window, s->ww, s->wl, &ns->nearest_neighbour_mean_um,
                                 &ns->nearest_neighbour_p5_um));
    ns->duration_min = mn_treatment_minutes(d, s->np, area_um2);
    ns->zone_duration_min = mn_treatment_minutes(d, s->np, s->col->zone_area_cm2 * MN_UM2_PER_CM2);
    return MN_OK;
}

static mn_status stream_session(const mn_model *m, const mn_column *col, int session,
                                const mn_needling_params *np, mn_puncture_sink sink, void *ctx,
                                mn_needling_summary *ns, mn_punctures **window,
                                mn_model *window_model)
{
    mn_status st = MN_OK;
    mn_device_spec d = mn_model_session_device(m, session);
    stream_state s = {0};
    s.m = m;
    s.col = col;
    s.d = &d;
    s.np = np;
    s.rigid = m->experiment.type == MN_EXPERIMENT_FRANZ_CELL;
    s.sink = sink;
    s.sink_ctx = ctx;
    s.ww = fmin(m->patch_width_um, MN_NEEDLING_WINDOW_UM);
    s.wl = fmin(m->patch_length_um, MN_NEEDLING_WINDOW_UM);
    s.wx0 = 0.5 * (m->patch_width_um - s.ww);
    s.wy0 = 0.5 * (m->patch_length_um - s.wl);
    mn_punctures *chunk = calloc(1, sizeof *chunk);
    s.window = calloc(1, sizeof *s.window);
    s.h_depth = calloc(DEPTH_BINS, sizeof *s.h_depth);
    s.h_channel = calloc(DEPTH_BINS, sizeof *s.h_channel);
    s.h_diameter = calloc(DIAMETER_BINS, sizeof *s.h_diameter);
    if (!chunk || !s.window || !s.h_depth || !s.h_channel || !s.h_diameter) {
        st = mn_error_set(MN_ENOMEM, "out of memory streaming the zone's punctures");
        goto done;
    }
    chunk->session = s.window->session = session;
    chunk->needle_radius_um = s.window->needle_radius_um = 0.5 * d.needle_diameter_um;
    chunk->tip_radius_um = s.window->tip_radius_um = d.tip_radius_um;
    s.wb = (mn_puncture_builder){.p = s.window, .patch_w_um = s.ww, .patch_l_um = s.wl};
    MN_TRY_GOTO(mn_coverage_init(&s.coverage, m->patch_width_um, m->patch_length_um,
                                 mn_coverage_resolution(chunk->needle_radius_um)),
                done);
    MN_TRY_GOTO(
        mn_cell_map_init(&s.cells, m->patch_width_um, m->patch_length_um, MN_UNIFORMITY_CELL_UM),
        done);
    MN_TRY_GOTO(stream(&s, chunk, ns), done);
    s.window->taper_tan = chunk->taper_tan;
    s.window->recovery_fraction = chunk->recovery_fraction;
    s.window->depth_stretch = chunk->depth_stretch;
    *window_model = *m;
    window_model->patch_width_um = s.ww;
    window_model->patch_length_um = s.wl;
    *window = s.window;
    s.window = NULL;
done:
    mn_punctures_free(chunk);
    mn_punctures_free(s.window);
    mn_coverage_free(&s.coverage);
    mn_cell_map_free(&s.cells);
    free(s.h_depth);
    free(s.h_channel);
    free(s.h_diameter);
    return st;
}

mn_status mn_needling_session(const mn_model *m, const mn_column *col, int session,
                              double stream_above_cm2, mn_puncture_sink sink, void *ctx,
                              mn_needling_summary *ns, mn_punctures **window,
                              mn_model *window_model)
{
    *window = NULL;
    const double area_cm2 = m->patch_width_um * m->patch_length_um / MN_UM2_PER_CM2;
    if (area_cm2 > stream_above_cm2) {
        mn_needling_params np;
        mn_needling_summary unused;
        MN_TRY(mn_needling_params_load(&np));
        return stream_session(m, col, session, &np, sink, ctx, ns ? ns : &unused, window,
                              window_model);
    }
    mn_punctures *p = NULL;
    MN_TRY(mn_needling_generate(m, col, session, &p));
    /* Callers that report nothing (trial patients, virtual patients) skip the summary: its
     * coverage and nearest-neighbour measures were a sixth of a trial patient's time. */
    mn_status st = ns ? mn_needling_summarize(m, col, p, ns) : MN_OK;
    if (st == MN_OK && sink)
        st = sink(ctx, p);
    if (st != MN_OK) {
        mn_punctures_free(p);
        return st;
    }
    *window_model = *m;
    *window = p;
    return MN_OK;
}
