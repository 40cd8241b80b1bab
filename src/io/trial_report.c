#include "io/trial_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "io/atomic.h"
#include "io/report_html.h"

enum { BINS = 30 };

static const mn_plot_colour colours[] = {MN_COL_BLUE, MN_COL_ORANGE, MN_COL_GREEN, MN_COL_PURPLE,
                                         MN_COL_RED,  MN_COL_BROWN,  MN_COL_PINK,  MN_COL_GREY};

/* Histograms of every arm on shared bins, as fractions of each arm's patients. */
static mn_status distribution(mn_report *rep, const mn_io_trial_report *r)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t a = 0; a < r->n_arms; a++)
        for (long i = 0; i < r->arms[a].n; i++) {
            lo = fmin(lo, r->arms[a].values[i]);
            hi = fmax(hi, r->arms[a].values[i]);
        }
    if (!(hi >= lo))
        return MN_OK;
    if (hi == lo)
        hi = lo + 1.0;
    double w = (hi - lo) / BINS;
    double *x = calloc(BINS * r->n_arms, sizeof *x), *y = calloc(BINS * r->n_arms, sizeof *y);
    mn_plot_series s[8];
    if (!x || !y) {
        free(x);
        free(y);
        return mn_error_set(MN_ENOMEM, "out of memory for the trial report");
    }
    size_t na = r->n_arms < 8 ? r->n_arms : 8;
    for (size_t a = 0; a < na; a++) {
        double *xa = x + a * BINS, *ya = y + a * BINS;
        for (int b = 0; b < BINS; b++)
            xa[b] = lo + b * w;
        for (long i = 0; i < r->arms[a].n; i++) {
            int b = (int)((r->arms[a].values[i] - lo) / w);
            ya[b < 0 ? 0 : (b >= BINS ? BINS - 1 : b)] += 1.0 / (double)r->arms[a].n;
        }
        /* Outlines rather than bars, so overlapping arms stay readable. */
        s[a] = (mn_plot_series){.label = r->arms[a].name,
                                .kind = MN_PLOT_LINE,
                                .x = xa,
                                .y = ya,
                                .n = BINS,
                                .colour = colours[a]};
    }
    mn_plot p = {.title = "Endpoint per arm",
                 .xlabel = r->endpoint_label,
                 .ylabel = "fraction of patients per bin",
                 .series = s,
                 .nseries = na};
    mn_status st = mn_report_figure(rep, &p, "trial_distribution",
                                    "Distribution of the endpoint over the virtual patients of "
                                    "each arm (bin starts on the x axis).");
    free(x);
    free(y);
    return st;
}

/* Forest plot: one row per subgroup (row k at y = -k, labelled), estimate and 95 % CI, with
 * the line of no effect; the x range always shows 0. */
static mn_status forest(mn_report *rep, const mn_io_trial_report *r)
{
    size_t n = r->n_rows;
    if (n == 0)
        return MN_OK;
    double *buf = calloc(7 * n, sizeof *buf);
    mn_plot_series *s = calloc(n + 1, sizeof *s);
    const char **labels = calloc(n, sizeof *labels);
    if (!buf || !s || !labels) {
        free(buf);
        free(s);
        free(labels);
        return mn_error_set(MN_ENOMEM, "out of memory for the forest plot");
    }
    double *px = buf, *py = buf + n, *seg = buf + 2 * n, *yt = buf + 6 * n;
    double lo = 0.0, hi = 0.0;
    size_t ns = 0;
    for (size_t k = 0; k < n; k++) {
        const mn_io_forest_row *row = &r->rows[k];
        px[k] = row->difference;
        py[k] = yt[k] = -(double)k;
        labels[k] = row->label;
        lo = fmin(lo, isfinite(row->lo) ? row->lo : row->difference);
        hi = fmax(hi, isfinite(row->hi) ? row->hi : row->difference);
        if (isfinite(row->lo) && isfinite(row->hi)) {
            double *sx = seg + 4 * k, *sy = sx + 2;
            sx[0] = row->lo;
            sx[1] = row->hi;
            sy[0] = sy[1] = -(double)k;
            const char *label = ns == 0 ? "95 % CI" : NULL;
            s[ns++] = (mn_plot_series){.label = label,
                                       .kind = MN_PLOT_LINE,
                                       .x = sx,
                                       .y = sy,
                                       .n = 2,
                                       .colour = k == 0 ? MN_COL_RED : MN_COL_BLUE};
        }
    }
    s[ns++] = (mn_plot_series){.label = "difference",
                               .kind = MN_PLOT_POINTS,
                               .x = px,
                               .y = py,
                               .n = n,
                               .colour = MN_COL_ORANGE};
    double pad = 0.08 * (hi - lo > 0 ? hi - lo : 1.0);
    mn_plot_marker zero = {.value = 0.0, .label = NULL};
    char title[160];
    snprintf(title, sizeof title, "%s minus %s, by subgroup", r->compared, r->reference);
    mn_plot p = {.title = title,
                 .xlabel = r->endpoint_label,
                 .ylabel = "",
                 .xmin = lo - pad,
                 .xmax = hi + pad,
                 .ymin = -(double)n + 0.5,
                 .ymax = 0.5,
                 .series = s,
                 .nseries = ns,
                 .markers = &zero,
                 .nmarkers = 1,
                 .ytick_labels = labels,
                 .ytick_values = yt,
                 .nyticks = n};
    mn_status st = mn_report_figure(rep, &p, "trial_forest",
                                    "Forest plot: the difference between the arms with its 95 % "
                                    "confidence interval, for all patients (top, red) and each "
                                    "subgroup; the dashed line is no difference.");
    if (st == MN_OK) {
        fputs("<table><tr><th>subgroup</th><th>n</th><th>difference</th><th>95 % CI</th></tr>\n",
              rep->f);
        for (size_t k = 0; k < n; k++) {
            fputs("<tr><td>", rep->f);
            mn_report_text(rep->f, r->rows[k].label);
            fprintf(rep->f, "</td><td>%ld</td><td>%.3g</td><td>[%.3g, %.3g]</td></tr>\n",
                    r->rows[k].n, r->rows[k].difference, r->rows[k].lo, r->rows[k].hi);
        }
        fputs("</table>\n", rep->f);
    }
    free(buf);
    free(s);
    free(labels);
    return st;
}

mn_status mn_io_trial_report_write(const char *dir, const mn_io_trial_report *r)
{
    char path[4200];
    mn_afile af;
    MN_TRY(mn_io_join(path, sizeof path, dir, "plots"));
    MN_TRY(mn_io_mkdir(path));
    MN_TRY(mn_io_join(path, sizeof path, dir, "report.html"));
    MN_TRY(mn_afile_open(path, &af));
    mn_report rep = {.f = af.f, .dir = dir};
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", af.f);
    mn_report_text(af.f, r->title);
    fputs("</title><style>body{font-family:sans-serif;max-width:60em;margin:auto}"
          "img{max-width:100%}td,th{padding:0 .6em;text-align:left}"
          "pre{background:#f4f4f4;padding:.5em;overflow:auto}</style></head><body>\n<h1>",
          af.f);
    mn_report_text(af.f, r->title);
    fputs("</h1>\n<p>In-silico trial simulated by mnsim: every number below comes from "
          "trial.json and patients.csv in this folder. A simulation supports and does not "
          "replace a clinical trial.</p>\n<h2>Endpoint distributions</h2>\n",
          af.f);
    mn_status st = distribution(&rep, r);
    if (st == MN_OK) {
        fputs("<h2>Subgroups</h2>\n", af.f);
        st = forest(&rep, r);
    }
    if (st == MN_OK && r->trial_json) {
        fputs("<h2>trial.json</h2>\n<pre>", af.f);
        mn_report_text(af.f, r->trial_json);
        fputs("</pre>\n", af.f);
    }
    fputs("</body></html>\n", af.f);
    if (st != MN_OK) {
        mn_afile_abort(&af);
        return st;
    }
    return mn_afile_commit(&af);
}
