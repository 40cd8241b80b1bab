/* The needling section of report.html: the per-session table, and per session the puncture
 * map and the histogram of reached tissue depth over the skin layers (punctures.csv). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "io/report_html.h"
#include "model/model.h"

#define REPORT_PUNCTURES_MAX 200000

enum { HIST_BINS = 60, NLAYERS = 4, MAP_POINTS = 5000 };

static void session_table(mn_report *r)
{
    FILE *f = r->f;
    const cJSON *sessions = cJSON_GetObjectItemCaseSensitive(r->summary, "sessions"), *it;
    fputs("<table><tr><th>Session</th><th>Day</th><th>Punctures</th><th>per cm²</th>"
          "<th>Coverage</th><th>Reached depth µm: mean [p5, p95]</th><th>Bleeding</th>"
          "<th>Minutes (patch)</th><th>Minutes (zone)</th></tr>\n",
          f);
    cJSON_ArrayForEach(it, sessions)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "needling");
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(n, "tissue_depth_um");
        fprintf(f,
                "<tr><td class=n>%.0f</td><td class=n>%.0f</td><td class=n>%.0f</td>"
                "<td class=n>%.0f</td><td class=n>%.1f %%</td><td class=n>%.0f [%.0f, %.0f]</td>"
                "<td class=n>%.1f %%</td><td class=n>%.2f</td><td class=n>%.1f</td></tr>\n",
                mn_report_num(it, "index"), mn_report_num(it, "day"), mn_report_num(n, "punctures"),
                mn_report_num(n, "punctures_per_cm2"), 100 * mn_report_num(n, "coverage_fraction"),
                mn_report_num(d, "mean"), mn_report_num(d, "p5"), mn_report_num(d, "p95"),
                100 * mn_report_num(n, "bleeding_fraction"), mn_report_num(n, "duration_min"),
                mn_report_num(n, "zone_duration_min"));
    }
    fputs("</table>\n", f);
}

/* Puncture positions of one session, split into bleeding and not. */
static mn_status puncture_map(mn_report *r, const mn_rtable *t, int session, double *bx, double *by,
                              double *nx, double *ny)
{
    const double *s = mn_rtable_column(t, "session"), *x = mn_rtable_column(t, "x_mm"),
                 *y = mn_rtable_column(t, "y_mm"), *b = mn_rtable_column(t, "bleeds");
    size_t nb = 0, nn = 0, total = 0, seen = 0;
    for (size_t i = 0; i < t->nrow; i++)
        total += (int)s[i] == session;
    /* Beyond MAP_POINTS a map shows every k-th puncture: the pattern stays visible and the SVG
     * (about 500 bytes a point) stays small. */
    size_t stride = total > MAP_POINTS ? (total + MAP_POINTS - 1) / MAP_POINTS : 1;
    for (size_t i = 0; i < t->nrow; i++) {
        if ((int)s[i] != session || seen++ % stride != 0)
            continue;
        if (b && b[i] > 0)
            bx[nb] = x[i], by[nb++] = y[i];
        else
            nx[nn] = x[i], ny[nn++] = y[i];
    }
    char nlabel[64], blabel[64], title[96], name[64], caption[256];
    snprintf(nlabel, sizeof nlabel, "no bleeding (%zu)", nn);
    snprintf(blabel, sizeof blabel, "bleeding (%zu)", nb);
    mn_plot_series ser[2] = {
        {.label = nlabel, .kind = MN_PLOT_POINTS, .x = nx, .y = ny, .n = nn, .colour = MN_COL_BLUE},
        {.label = blabel, .kind = MN_PLOT_POINTS, .x = bx, .y = by, .n = nb, .colour = MN_COL_RED},
    };
    snprintf(title, sizeof title, "Session %d: puncture map (%zu punctures)", session, total);
    mn_plot p = {.title = title,
                 .xlabel = "x (mm)",
                 .ylabel = "y (mm)",
                 .equal_aspect = 1,
                 .series = ser,
                 .nseries = 2};
    if (r->model) {
        p.xmax = r->model->patch_width_um / 1000;
        p.ymax = r->model->patch_length_um / 1000;
    }
    snprintf(name, sizeof name, "session%d_punctures", session);
    snprintf(caption, sizeof caption,
             "%s puncture of session %d on the treated patch, red where the needle reached "
             "the papillary capillary loops (bleeding).",
             stride > 1 ? "One in every few" : "Every", session);
    if (stride > 1)
        snprintf(caption + strlen(caption), sizeof caption - strlen(caption),
                 " Shown: every %zu-th of %zu.", stride, total);
    return mn_report_figure(r, &p, name, caption);
}

static int layer_at(const mn_column *c, double depth)
{
    return depth < c->sc_um ? 0 : depth < c->dej_depth_um ? 1 : depth < c->dermis_bottom_um ? 2 : 3;
}

/* Histogram of reached tissue depth; bars coloured by the layer they fall in. */
static mn_status depth_histogram(mn_report *r, const mn_rtable *t, int session, double dmax,
                                 double *buf)
{
    const double *s = mn_rtable_column(t, "session"), *d = mn_rtable_column(t, "tissue_depth_um");
    double w = dmax / HIST_BINS;
    double *edges = buf, *counts = buf + HIST_BINS;
    double *lx = buf + 2 * HIST_BINS, *ly = lx + NLAYERS * HIST_BINS; /* per layer */
    memset(counts, 0, HIST_BINS * sizeof *counts);
    size_t n = 0;
    for (size_t i = 0; i < t->nrow; i++)
        if ((int)s[i] == session && d[i] > 0) {
            int b = (int)(d[i] / w);
            counts[b < HIST_BINS ? b : HIST_BINS - 1] += 1;
            n++;
        }
    static const char *const names[NLAYERS] = {"stratum corneum", "viable epidermis", "dermis",
                                               "subcutis"};
    static const mn_plot_colour cols[NLAYERS] = {MN_COL_BROWN, MN_COL_ORANGE, MN_COL_PINK,
                                                 MN_COL_GREEN};
    mn_plot_series ser[NLAYERS];
    size_t nser = 0, len[NLAYERS] = {0};
    for (int b = 0; b < HIST_BINS; b++) {
        edges[b] = b * w;
        int l = r->column ? layer_at(r->column, edges[b] + w / 2) : 2;
        lx[(size_t)l * HIST_BINS + len[l]] = edges[b];
        ly[(size_t)l * HIST_BINS + len[l]++] = counts[b];
    }
    for (int l = 0; l < NLAYERS; l++)
        if (len[l])
            ser[nser++] = (mn_plot_series){.label = r->column ? names[l] : "punctures",
                                           .kind = MN_PLOT_BARS,
                                           .x = lx + l * HIST_BINS,
                                           .y = ly + l * HIST_BINS,
                                           .n = len[l],
                                           .colour = r->column ? cols[l] : MN_COL_BLUE,
                                           .bar_width = w};
    mn_plot_marker mk[5];
    size_t nmk = 0;
    char set_label[64];
    if (r->column) {
        mk[nmk++] = (mn_plot_marker){r->column->sc_um, "stratum corneum | epidermis", 0};
        mk[nmk++] = (mn_plot_marker){r->column->dej_depth_um, "dermal-epidermal junction", 0};
        mk[nmk++] = (mn_plot_marker){r->column->capillary_depth_um, "capillary loops", 0};
        mk[nmk++] = (mn_plot_marker){r->column->dermis_bottom_um, "dermis | subcutis", 0};
    }
    for (size_t k = 0; k < nmk; k++) /* only boundaries inside the plotted range */
        if (mk[k].value > dmax)
            mk[k--] = mk[--nmk];
    if (r->model) {
        double set = mn_model_session_device(r->model, session).set_depth_um;
        snprintf(set_label, sizeof set_label, "needle set depth %.0f µm", set);
        mk[nmk++] = (mn_plot_marker){set, set_label, 0};
    }
    char title[96], name[64], caption[320];
    snprintf(title, sizeof title, "Session %d: reached tissue depth (%zu punctures)", session, n);
    mn_plot p = {.title = title,
                 .xlabel = "depth below the skin surface (µm)",
                 .ylabel = "punctures per bin",
                 .xmin = 0,
                 .xmax = dmax,
                 .series = ser,
                 .nseries = nser,
                 .markers = mk,
                 .nmarkers = nmk};
    snprintf(name, sizeof name, "session%d_depth", session);
    snprintf(caption, sizeof caption,
             "Depth each needle of session %d really reached in tissue (bins of %.0f µm), "
             "coloured by the skin layer; dotted lines mark the layer boundaries of this "
             "patient's %s and the device's set depth.",
             session, w, r->model ? r->model->site.zone : "site");
    return mn_report_figure(r, &p, name, caption);
}

mn_status mn_report_needling(mn_report *r)
{
    mn_status st = MN_OK;
    fputs("<h2 id=\"needling\">Needling</h2>\n", r->f);
    const cJSON *sessions = cJSON_GetObjectItemCaseSensitive(r->summary, "sessions");
    if (cJSON_GetArraySize(sessions) == 0) {
        mn_report_missing(r, "no sessions in summary.json");
        return MN_OK;
    }
    session_table(r);
    mn_rtable t;
    int found;
    /* A whole zone's punctures.csv can hold millions of rows (issue 12): the maps and
     * histograms are drawn from an even sample of at most REPORT_PUNCTURES_MAX. */
    MN_TRY(mn_report_table_sampled(r, "punctures.csv", REPORT_PUNCTURES_MAX, &t, &found));
    if (!found || !mn_rtable_column(&t, "session") || !mn_rtable_column(&t, "x_mm") ||
        !mn_rtable_column(&t, "y_mm") || !mn_rtable_column(&t, "tissue_depth_um")) {
        mn_report_missing(r, "punctures.csv is missing or lacks its columns");
        mn_rtable_free(&t);
        return MN_OK;
    }
    double *buf = malloc((4 * t.nrow + (2 + 2 * NLAYERS) * HIST_BINS + 1) * sizeof *buf);
    if (!buf) {
        mn_rtable_free(&t);
        return mn_error_set(MN_ENOMEM, "out of memory drawing the puncture maps");
    }
    /* One depth range for every session, so their histograms compare at a glance. */
    const double *depth = mn_rtable_column(&t, "tissue_depth_um");
    double dmax = 0;
    for (size_t i = 0; i < t.nrow; i++)
        dmax = fmax(dmax, depth[i]);
    if (r->column)
        dmax = fmax(dmax, r->column->dej_depth_um);
    dmax = ceil(dmax * 1.1 / 50) * 50;
    const cJSON *it;
    cJSON_ArrayForEach(it, sessions)
    {
        int s = (int)mn_report_num(it, "index");
        fprintf(r->f, "<h3>Session %d, day %.0f</h3>\n", s, mn_report_num(it, "day"));
        MN_TRY_GOTO(puncture_map(r, &t, s, buf, buf + t.nrow, buf + 2 * t.nrow, buf + 3 * t.nrow),
                    done);
        MN_TRY_GOTO(depth_histogram(r, &t, s, dmax, buf + 4 * t.nrow), done);
    }
done:
    free(buf);
    mn_rtable_free(&t);
    return st;
}
