/* The delivery, healing and uncertainty sections of report.html, drawn from delivery.csv,
 * delivery_profiles.csv, timeline.csv and summary.json. Each says "not simulated in this run"
 * when its stage left no output. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "io/report_html.h"

enum { NLAYER = 4, MAX_PROFILES = 4 };

static const char *const LAYER_KEYS[NLAYER] = {"stratum_corneum", "epidermis", "dermis",
                                               "systemic"};
static const char *const LAYER_NAMES[NLAYER] = {"SC", "epidermis", "dermis", "systemic"};
static const char *const LAYER_TITLES[NLAYER] = {"stratum corneum", "viable epidermis", "dermis",
                                                 "systemic (cleared from the dermis)"};
static const mn_plot_colour LAYER_COLS[NLAYER] = {MN_COL_BROWN, MN_COL_ORANGE, MN_COL_PINK,
                                                  MN_COL_BLUE};

/* Log axes need a floor: six decades below the largest value keeps the intact-skin curves
 * (often orders of magnitude lower) visible without letting near-zero noise flatten them. */
static void log_range(mn_plot *p)
{
    double hi = 0;
    for (size_t s = 0; s < p->nseries; s++)
        for (size_t i = 0; i < p->series[s].n; i++)
            if (isfinite(p->series[s].y[i]))
                hi = fmax(hi, p->series[s].y[i]);
    if (hi > 0) {
        p->ymax = pow(10, ceil(log10(hi)));
        p->ymin = p->ymax * 1e-6;
    }
}

static void delivery_table(mn_report *r)
{
    FILE *f = r->f;
    const cJSON *sessions = cJSON_GetObjectItemCaseSensitive(r->summary, "sessions"), *it;
    int header = 0;
    cJSON_ArrayForEach(it, sessions)
    {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(it, "delivery");
        if (!cJSON_IsObject(d))
            continue;
        if (!header++)
            fputs("<table><tr><th>Session</th><th>Product</th><th>Layer</th>"
                  "<th>Dose µg/cm² (microneedled)</th><th>Dose µg/cm² (intact)</th></tr>\n",
                  f);
        const cJSON *dose = cJSON_GetObjectItemCaseSensitive(d, "dose_ug_per_cm2");
        const cJSON *intact = cJSON_GetObjectItemCaseSensitive(d, "intact_dose_ug_per_cm2");
        for (int l = 0; l < NLAYER; l++) {
            fprintf(f, "<tr><td class=n>%.0f</td><td>", mn_report_num(it, "index"));
            mn_report_text(f, mn_report_str(d, "product"));
            fprintf(f, "</td><td>%s</td><td class=n>", LAYER_TITLES[l]);
            mn_report_value(f, cJSON_GetObjectItemCaseSensitive(dose, LAYER_KEYS[l]), "%.4g");
            fputs("</td><td class=n>", f);
            mn_report_value(f, cJSON_GetObjectItemCaseSensitive(intact, LAYER_KEYS[l]), "%.4g");
            fputs("</td></tr>\n", f);
        }
        fputs("<tr><td colspan=5>Enhancement ratio (amount past the stratum corneum, "
              "microneedled ÷ intact): ",
              f);
        mn_report_value(f, cJSON_GetObjectItemCaseSensitive(d, "enhancement_ratio"), "%.3g");
        fputs("; lag time ", f);
        mn_report_value(f, cJSON_GetObjectItemCaseSensitive(d, "lag_time_h"), "%.3g");
        fputs(" h; channel half-life ", f);
        mn_report_value(f, cJSON_GetObjectItemCaseSensitive(d, "channel_half_life_h"), "%.3g");
        fputs(" h</td></tr>\n", f);
    }
    if (header)
        fputs("</table>\n", f);
}

/* Rows of the first session: delivery.csv and delivery_profiles.csv hold every session one
 * after the other (column `session`), each starting again at time 0; the figures show the
 * first session and the table above them gives every session's doses. */
static size_t first_session_rows(const mn_rtable *t)
{
    const double *session = mn_rtable_column(t, "session");
    size_t n = 0;
    while (n < t->nrow && (!session || session[n] == session[0]))
        n++;
    return n;
}

static mn_status dose_plots(mn_report *r, const mn_rtable *t)
{
    const double *time = mn_rtable_column(t, "time_h");
    const size_t rows = first_session_rows(t);
    mn_plot_series ser[2 * NLAYER];
    size_t n = 0;
    char col[64], labels[2 * NLAYER][64];
    for (int intact = 0; intact < 2; intact++)
        for (int l = 0; l < NLAYER; l++) {
            snprintf(col, sizeof col, "%s%s_ug_cm2", intact ? "intact_" : "", LAYER_KEYS[l]);
            const double *y = mn_rtable_column(t, col);
            if (!y)
                continue;
            snprintf(labels[n], sizeof labels[n], "%s, %s", LAYER_NAMES[l],
                     intact ? "intact" : "microneedled");
            ser[n] = (mn_plot_series){.label = labels[n],
                                      .kind = MN_PLOT_LINE,
                                      .x = time,
                                      .y = y,
                                      .n = rows,
                                      .colour = LAYER_COLS[l],
                                      .dashed = intact};
            n++; /* after the initialiser: reading n inside it while n++ writes it is unsequenced */
        }
    mn_plot p = {.title = "Amount in each skin layer over time (session 1)",
                 .xlabel = "time after application (h)",
                 .ylabel = "amount (µg/cm²)",
                 .logy = 1,
                 .series = ser,
                 .nseries = n};
    log_range(&p);
    MN_TRY(mn_report_figure(r, &p, "delivery_dose",
                            "Cumulative amount per layer through the microneedle channels (solid) "
                            "and through intact skin from the same model (dashed)."));
    const double *flux = mn_rtable_column(t, "flux_ug_cm2_h");
    const double *iflux = mn_rtable_column(t, "intact_flux_ug_cm2_h");
    const double *open = mn_rtable_column(t, "open_channel_fraction");
    n = 0;
    if (flux)
        ser[n++] = (mn_plot_series){.label = "microneedled",
                                    .kind = MN_PLOT_LINE,
                                    .x = time,
                                    .y = flux,
                                    .n = rows,
                                    .colour = MN_COL_BLUE};
    if (iflux)
        ser[n++] = (mn_plot_series){.label = "intact skin",
                                    .kind = MN_PLOT_LINE,
                                    .x = time,
                                    .y = iflux,
                                    .n = rows,
                                    .colour = MN_COL_GREY,
                                    .dashed = 1};
    if (n) {
        mn_plot q = {.title = "Flux into the skin, session 1: microneedled against intact",
                     .xlabel = "time after application (h)",
                     .ylabel = "flux (µg/cm²/h)",
                     .logy = 1,
                     .series = ser,
                     .nseries = n};
        log_range(&q);
        MN_TRY(mn_report_figure(r, &q, "delivery_flux",
                                "Flux past the skin surface through the channels and through "
                                "intact skin."));
    }
    if (open) {
        mn_plot_series o = {.label = "open channels",
                            .kind = MN_PLOT_LINE,
                            .x = time,
                            .y = open,
                            .n = rows,
                            .colour = MN_COL_GREEN};
        mn_plot q = {.title = "Microneedle channels closing (session 1)",
                     .xlabel = "time after application (h)",
                     .ylabel = "open-channel fraction (1)",
                     .ymin = 0,
                     .ymax = 1.05,
                     .series = &o,
                     .nseries = 1};
        MN_TRY(mn_report_figure(r, &q, "delivery_channels",
                                "Fraction of the channels still open (closure kinetics)."));
    }
    return MN_OK;
}

/* Depth profiles at up to MAX_PROFILES of the recorded times (first, last and between). */
static mn_status profile_plot(mn_report *r, const mn_rtable *t)
{
    const double *time = mn_rtable_column(t, "time_h"), *z = mn_rtable_column(t, "depth_um"),
                 *c = mn_rtable_column(t, "concentration_ug_ml"),
                 *ci = mn_rtable_column(t, "intact_concentration_ug_ml");
    if (!time || !z || !c || t->nrow == 0)
        return MN_OK;
    /* Rows are grouped by time: find the start of each group (first session only). */
    const size_t rows = first_session_rows(t);
    size_t starts[256], ng = 0;
    for (size_t i = 0; i < rows && ng < 255; i++)
        if (i == 0 || time[i] != time[i - 1])
            starts[ng++] = i;
    starts[ng] = rows;
    mn_plot_series ser[2 * MAX_PROFILES];
    char labels[2 * MAX_PROFILES][64];
    static const mn_plot_colour cols[MAX_PROFILES] = {MN_COL_BLUE, MN_COL_ORANGE, MN_COL_GREEN,
                                                      MN_COL_RED};
    size_t n = 0, shown = ng < MAX_PROFILES ? ng : MAX_PROFILES;
    for (size_t k = 0; k < shown; k++) {
        size_t g = shown == 1 ? 0 : k * (ng - 1) / (shown - 1);
        size_t a = starts[g], len = starts[g + 1] - a;
        snprintf(labels[n], sizeof labels[n], "%g h, microneedled", time[a]);
        ser[n] = (mn_plot_series){.label = labels[n],
                                  .kind = MN_PLOT_LINE,
                                  .x = z + a,
                                  .y = c + a,
                                  .n = len,
                                  .colour = cols[k]};
        n++;
        if (ci) {
            snprintf(labels[n], sizeof labels[n], "%g h, intact", time[a]);
            ser[n] = (mn_plot_series){.label = labels[n],
                                      .kind = MN_PLOT_LINE,
                                      .x = z + a,
                                      .y = ci + a,
                                      .n = len,
                                      .colour = cols[k],
                                      .dashed = 1};
            n++;
        }
    }
    mn_plot_marker mk[3];
    size_t nmk = 0;
    if (r->column) {
        mk[nmk++] = (mn_plot_marker){r->column->sc_um, "stratum corneum | epidermis", 0};
        mk[nmk++] = (mn_plot_marker){r->column->dej_depth_um, "dermal-epidermal junction", 0};
        mk[nmk++] = (mn_plot_marker){r->column->dermis_bottom_um, "dermis | subcutis", 0};
    }
    mn_plot p = {.title = "Concentration against depth (session 1)",
                 .xlabel = "depth below the skin surface (µm)",
                 .ylabel = "concentration (µg/mL)",
                 .logy = 1,
                 .series = ser,
                 .nseries = n,
                 .markers = mk,
                 .nmarkers = nmk};
    log_range(&p);
    return mn_report_figure(r, &p, "delivery_profiles",
                            "Depth profiles, averaged over the patch, at recorded times: "
                            "microneedled (solid) and intact skin (dashed).");
}

mn_status mn_report_delivery(mn_report *r)
{
    fputs("<h2 id=\"delivery\">Delivery</h2>\n", r->f);
    mn_rtable t;
    int found;
    MN_TRY(mn_report_table(r, "delivery.csv", &t, &found));
    if (!found || !mn_rtable_column(&t, "time_h")) {
        mn_rtable_free(&t);
        mn_report_missing(r, "no product in the scenario, or no delivery.csv");
        return MN_OK;
    }
    delivery_table(r);
    mn_status st = dose_plots(r, &t);
    mn_rtable_free(&t);
    MN_TRY(st);
    MN_TRY(mn_report_table(r, "delivery_profiles.csv", &t, &found));
    st = found ? profile_plot(r, &t) : MN_OK;
    mn_rtable_free(&t);
    return st;
}

/* Session days as vertical markers (only the first labelled, to keep the legend short). */
static size_t session_markers(mn_report *r, mn_plot_marker *mk, size_t cap)
{
    const cJSON *sessions = cJSON_GetObjectItemCaseSensitive(r->summary, "sessions"), *it;
    size_t n = 0;
    cJSON_ArrayForEach(it, sessions)
    {
        if (n == cap)
            break;
        mk[n] = (mn_plot_marker){mn_report_num(it, "day"), n == 0 ? "sessions" : NULL, 0};
        n++;
    }
    return n;
}

static void outcome_table(mn_report *r)
{
    FILE *f = r->f;
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(r->summary, "outcome");
    if (!cJSON_IsObject(o))
        return;
    static const char *const keys[] = {"collagen_change_percent", "elastin_change_percent",
                                       "epidermal_thickness_change_percent"};
    static const char *const names[] = {"Collagen", "Elastin", "Epidermal thickness"};
    static const char *const days[] = {"day_30", "day_90", "day_180", "day_365"};
    fputs("<table><tr><th>Change from baseline (%)</th><th>Day 30</th><th>Day 90</th>"
          "<th>Day 180</th><th>Day 365</th></tr>\n",
          f);
    for (int k = 0; k < 3; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, keys[k]);
        fprintf(f, "<tr><th>%s</th>", names[k]);
        for (int d = 0; d < 4; d++) {
            fputs("<td class=n>", f);
            mn_report_value(f, cJSON_GetObjectItemCaseSensitive(v, days[d]), "%+.1f");
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n<p>Redness per session (days until below visibility):", f);
    const cJSON *sessions = cJSON_GetObjectItemCaseSensitive(r->summary, "sessions"), *it;
    cJSON_ArrayForEach(it, sessions)
    {
        fprintf(f, " session %.0f: ", mn_report_num(it, "index"));
        mn_report_value(f, cJSON_GetObjectItemCaseSensitive(it, "erythema_days"), "%.1f");
        fputs(";", f);
    }
    fputs(" total downtime ", f);
    mn_report_value(f, cJSON_GetObjectItemCaseSensitive(o, "downtime_days_total"), "%.1f");
    fputs(" days.</p>\n", f);
}

mn_status mn_report_healing(mn_report *r)
{
    fputs("<h2 id=\"healing\">Healing</h2>\n", r->f);
    mn_rtable t;
    int found;
    MN_TRY(mn_report_table(r, "timeline.csv", &t, &found));
    const double *day = found ? mn_rtable_column(&t, "day") : NULL;
    if (!day) {
        mn_rtable_free(&t);
        mn_report_missing(r, "no timeline.csv");
        return MN_OK;
    }
    outcome_table(r);
    mn_status st = MN_OK;
    mn_plot_marker mk[MN_OVERRIDE_CAP + 2];
    size_t nmk = session_markers(r, mk, MN_OVERRIDE_CAP);
    static const char *const cols[] = {"collagen_I", "collagen_III", "elastin"};
    static const char *const names[] = {"collagen I", "collagen III", "elastin"};
    static const mn_plot_colour colours[] = {MN_COL_BLUE, MN_COL_ORANGE, MN_COL_GREEN};
    mn_plot_series ser[7];
    size_t n = 0;
    for (int k = 0; k < 3; k++) {
        const double *y = mn_rtable_column(&t, cols[k]);
        char lo[32], hi[32];
        snprintf(lo, sizeof lo, "%s_p5", cols[k]);
        snprintf(hi, sizeof hi, "%s_p95", cols[k]);
        const double *yl = mn_rtable_column(&t, lo), *yh = mn_rtable_column(&t, hi);
        if (yl && yh)
            ser[n++] = (mn_plot_series){.label = "5-95 % of patients",
                                        .kind = MN_PLOT_BAND,
                                        .x = day,
                                        .y = yl,
                                        .y_hi = yh,
                                        .n = t.nrow,
                                        .colour = colours[k]};
        if (y)
            ser[n++] = (mn_plot_series){.label = names[k],
                                        .kind = MN_PLOT_LINE,
                                        .x = day,
                                        .y = y,
                                        .n = t.nrow,
                                        .colour = colours[k]};
    }
    /* Collagen I and III are shares of the untreated total (I + III = 1 at baseline): their
     * sum is the collagen of summary.json's collagen_change_percent. */
    const double *c1 = mn_rtable_column(&t, "collagen_I"),
                 *c3 = mn_rtable_column(&t, "collagen_III");
    double *total = NULL;
    if (c1 && c3 && (total = malloc(t.nrow * sizeof *total))) {
        for (size_t i = 0; i < t.nrow; i++)
            total[i] = c1[i] + c3[i];
        ser[n++] = (mn_plot_series){.label = "collagen I + III",
                                    .kind = MN_PLOT_LINE,
                                    .x = day,
                                    .y = total,
                                    .n = t.nrow,
                                    .colour = MN_COL_PURPLE};
    }
    mn_plot p = {.title = "Dermal matrix over the course",
                 .xlabel = "days from the first session",
                 .ylabel = "relative to untreated skin (1)",
                 .series = ser,
                 .nseries = n,
                 .markers = mk,
                 .nmarkers = nmk};
    st = mn_report_figure(r, &p, "healing_matrix",
                          "Dermal collagen (I + III, and each type as its share of the untreated "
                          "total) and elastin relative to untreated skin (1 = no change); dotted "
                          "lines: sessions.");
    free(total);
    MN_TRY_GOTO(st, done);
    const double *epi = mn_rtable_column(&t, "epidermis_um");
    if (epi) {
        mn_plot_series e = {.label = "viable epidermis",
                            .kind = MN_PLOT_LINE,
                            .x = day,
                            .y = epi,
                            .n = t.nrow,
                            .colour = MN_COL_ORANGE};
        mn_plot q = {.title = "Epidermal thickness over the course",
                     .xlabel = "days from the first session",
                     .ylabel = "thickness (µm)",
                     .series = &e,
                     .nseries = 1,
                     .markers = mk,
                     .nmarkers = nmk};
        MN_TRY_GOTO(mn_report_figure(r, &q, "healing_epidermis",
                                     "Viable epidermal thickness; dotted lines: sessions."),
                    done);
    }
    const double *ery = mn_rtable_column(&t, "erythema_index");
    if (ery) {
        /* Redness lasts days after each session: show the course up to 14 days after the
         * last session, with the visibility threshold (index 1 by definition of the index). */
        double last = nmk ? mk[nmk - 1].value : 0;
        mk[nmk] = (mn_plot_marker){1.0, "visibility threshold", 1};
        mn_plot_series e = {.label = "erythema index",
                            .kind = MN_PLOT_LINE,
                            .x = day,
                            .y = ery,
                            .n = t.nrow,
                            .colour = MN_COL_RED};
        mn_plot q = {.title = "Redness (erythema) after each session",
                     .xlabel = "days from the first session",
                     .ylabel = "erythema index (1 = just visible)",
                     .xmin = 0,
                     .xmax = last + 14,
                     .series = &e,
                     .nseries = 1,
                     .markers = mk,
                     .nmarkers = nmk + 1};
        MN_TRY_GOTO(mn_report_figure(r, &q, "healing_erythema",
                                     "Redness index; above 1 the redness is visible. Dotted "
                                     "vertical lines: sessions."),
                    done);
    }
done:
    mn_rtable_free(&t);
    return st;
}

mn_status mn_report_uncertainty(mn_report *r)
{
    fputs("<h2 id=\"uncertainty\">Uncertainty</h2>\n", r->f);
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(r->summary, "outcome");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "collagen_change_percent");
    if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(c, "day_30")) &&
        !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(c, "day_90"))) {
        mn_report_missing(r, "run with --samples N for the spread over virtual patients");
        return MN_OK;
    }
    static const char *const keys[] = {"collagen_change_percent", "elastin_change_percent",
                                       "epidermal_thickness_change_percent"};
    static const char *const names[] = {"collagen", "elastin", "epidermis"};
    static const mn_plot_colour colours[] = {MN_COL_BLUE, MN_COL_GREEN, MN_COL_ORANGE};
    static const char *const days[] = {"day_30", "day_90", "day_180", "day_365"};
    static const double day_v[] = {30, 90, 180, 365};
    double x[3][4], med[3][4], lo[3][4], hi[3][4];
    char labels[3][64];
    mn_plot_series ser[6];
    size_t n = 0;
    for (int k = 0; k < 3; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, keys[k]);
        size_t m = 0;
        for (int d = 0; d < 4; d++) {
            const cJSON *e = cJSON_GetObjectItemCaseSensitive(v, days[d]);
            if (!cJSON_IsObject(e) || isnan(mn_report_num(e, "median")))
                continue;
            x[k][m] = day_v[d];
            med[k][m] = mn_report_num(e, "median");
            lo[k][m] = mn_report_num(e, "p5");
            hi[k][m++] = mn_report_num(e, "p95");
        }
        if (!m)
            continue;
        snprintf(labels[k], sizeof labels[k], "%s 5-95 %%", names[k]);
        ser[n++] = (mn_plot_series){.label = labels[k],
                                    .kind = MN_PLOT_BAND,
                                    .x = x[k],
                                    .y = lo[k],
                                    .y_hi = hi[k],
                                    .n = m,
                                    .colour = colours[k]};
        ser[n++] = (mn_plot_series){.label = names[k],
                                    .kind = MN_PLOT_LINE,
                                    .x = x[k],
                                    .y = med[k],
                                    .n = m,
                                    .colour = colours[k]};
    }
    mn_plot p = {.title = "Outcome over virtual patients: median and 5-95 % band",
                 .xlabel = "days from the first session",
                 .ylabel = "change from baseline (%)",
                 .series = ser,
                 .nseries = n};
    return mn_report_figure(r, &p, "uncertainty_outcome",
                            "Median (line) and 5th-95th percentile band (shaded) of each outcome "
                            "over the sampled virtual patients.");
}
