/* The heating section of report.html (RF devices): the settings that produced the lesion, the
 * lesion per session as a histologist reports it (summary.json `thermal`), the temperature over
 * time (thermal.csv) and the depth–width map of the damage with its Ω = 1 contours
 * (thermal_lesion.csv). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "io/report_html.h"
#include "model/model.h"

static void lesion_table(mn_report *r)
{
    FILE *f = r->f;
    const cJSON *sessions = cJSON_GetObjectItemCaseSensitive(r->summary, "sessions"), *it;
    fputs("<table><tr><th>Session</th><th>Energy mJ/needle: set (delivered)</th>"
          "<th>Impedance Ω: start → end</th><th>Peak °C: SC / epidermis / dermis / fat</th>"
          "<th>Coagulation depth µm</th><th>Width µm: DEJ / widest</th><th>Volume nL</th>"
          "<th>Epidermis: damaged, area, Ω max</th></tr>\n",
          f);
    cJSON_ArrayForEach(it, sessions)
    {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "thermal");
        if (!cJSON_IsObject(t))
            continue;
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(t, "coagulation");
        const cJSON *dz = cJSON_GetObjectItemCaseSensitive(c, "depth_um");
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(t, "epidermis");
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(t, "peak_c");
        const double vol = mn_report_num(c, "volume_nl");
        fprintf(f,
                "<tr><td class=n>%.0f</td><td class=n>%.1f (%.1f)</td>"
                "<td class=n>%.0f → %.0f</td><td class=n>%.1f / %.1f / %.1f / %.1f</td>",
                mn_report_num(it, "index"), mn_report_num(t, "energy_per_needle_mj"),
                mn_report_num(t, "delivered_energy_per_needle_mj"),
                mn_report_num(t, "impedance_ohm"), mn_report_num(t, "impedance_end_ohm"),
                mn_report_num(p, "stratum_corneum"), mn_report_num(p, "epidermis"),
                mn_report_num(p, "dermis"), mn_report_num(p, "subcutis"));
        if (vol > 0)
            fprintf(f,
                    "<td class=n>%.0f–%.0f</td><td class=n>%.0f / %.0f</td>"
                    "<td class=n>%.2f</td>",
                    mn_report_num(dz, "min"), mn_report_num(dz, "max"),
                    mn_report_num(c, "width_dej_um"), mn_report_num(c, "width_max_um"), vol);
        else
            fputs("<td>none</td><td>–</td><td class=n>0</td>", f);
        const cJSON *dmg = cJSON_GetObjectItemCaseSensitive(e, "damaged");
        fprintf(f, "<td class=n>%s, %.1f %%, %.3g</td></tr>\n", cJSON_IsTrue(dmg) ? "yes" : "no",
                100 * mn_report_num(e, "area_fraction"), mn_report_num(e, "omega_max"));
    }
    fputs("</table>\n", f);
}

/* The device settings in words (also the caption of the figures). */
static void settings_text(const mn_report *r, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (!r->model)
        return;
    const mn_device_spec *d = &r->model->device;
    char energy[96];
    if (d->energy_mj_per_needle > 0)
        snprintf(energy, sizeof energy, "%g mJ per needle in %g ms", d->energy_mj_per_needle,
                 d->pulse_ms);
    else
        snprintf(energy, sizeof energy, "%g W over %d needles for %g ms", d->power_w, d->needles,
                 d->pulse_ms);
    char ins[64] = "bare needles";
    if (d->insulated)
        snprintf(ins, sizeof ins, "insulated, %.0f µm exposed", d->tip_exposed_um);
    snprintf(buf, cap, "%s, %g MHz, %s, %s%s, %d needles of %.0f µm at %.2f mm depth",
             d->polarity == MN_POLARITY_BIPOLAR ? "bipolar" : "monopolar", d->frequency_mhz, energy,
             ins, d->stacks > 1 ? ", stacked sub-pulses" : "", d->needles, d->needle_diameter_um,
             d->set_depth_um / 1000);
    if (d->stacks > 1)
        snprintf(buf + strlen(buf), cap - strlen(buf), " (%d sub-pulses)", d->stacks);
    /* issue 15: contact cooling and passes at one spot */
    if (d->cooled && d->cooling_h_w_m2k > 0)
        snprintf(buf + strlen(buf), cap - strlen(buf), ", cooling plate %g °C (h %g W/m²K)",
                 d->cooling_c, d->cooling_h_w_m2k);
    else if (d->cooled)
        snprintf(buf + strlen(buf), cap - strlen(buf), ", cooling plate %g °C", d->cooling_c);
    if (d->cooled && d->precool_s > 0)
        snprintf(buf + strlen(buf), cap - strlen(buf), ", %g s pre-cooling", d->precool_s);
    if (d->pass_interval_s > 0 && d->passes > 1)
        snprintf(buf + strlen(buf), cap - strlen(buf), ", %d passes at one spot %g s apart",
                 d->passes, d->pass_interval_s);
}

static mn_status temperature_plot(mn_report *r, const mn_rtable *t, const char *settings)
{
    const double *s = mn_rtable_column(t, "session"), *tm = mn_rtable_column(t, "time_ms");
    const double *tip = mn_rtable_column(t, "tip_temperature_c");
    const double *epi = mn_rtable_column(t, "epidermis_max_temperature_c");
    const double *mx = mn_rtable_column(t, "max_temperature_c");
    if (!s || !tm || !tip || !epi || !mx)
        return MN_OK;
    size_t n = 0;
    while (n < t->nrow && (int)s[n] == 1)
        n++;
    if (n < 2)
        return MN_OK;
    mn_plot_series ser[3] = {
        {.label = "hottest tissue",
         .kind = MN_PLOT_LINE,
         .x = tm,
         .y = mx,
         .n = n,
         .colour = MN_COL_RED},
        {.label = "below the needle tip",
         .kind = MN_PLOT_LINE,
         .x = tm,
         .y = tip,
         .n = n,
         .colour = MN_COL_ORANGE},
        {.label = "hottest epidermis",
         .kind = MN_PLOT_LINE,
         .x = tm,
         .y = epi,
         .n = n,
         .colour = MN_COL_BLUE},
    };
    mn_plot_marker mk[1] = {{100.0, "water boils (100 °C)", 1}};
    mn_plot p = {.title = "Session 1: temperature during and after the pulse",
                 .xlabel = "time since the pulse started (ms)",
                 .ylabel = "temperature (°C)",
                 .series = ser,
                 .nseries = 3,
                 .markers = mk,
                 .nmarkers = 1};
    char caption[512];
    snprintf(caption, sizeof caption,
             "Temperatures of one needle's unit cell over the pulse and the cooling after it "
             "(%s). Above 100 °C the tissue's water boils off before it heats further.",
             settings);
    return mn_report_figure(r, &p, "heat_temperature", caption);
}

/* Closed outline x = ±half-width(depth) of the layers where the half-width is > 0; y is minus
 * the depth, so the skin surface is at the top. Returns the number of points. */
static size_t outline(const double *depth, const double *hw, size_t n, double *x, double *y)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (hw[i] > 0)
            x[m] = hw[i], y[m++] = -depth[i];
    for (size_t i = n; i-- > 0;)
        if (hw[i] > 0)
            x[m] = -hw[i], y[m++] = -depth[i];
    if (m)
        x[m] = x[0], y[m] = y[0], m++;
    return m;
}

static mn_status lesion_map(mn_report *r, const mn_rtable *t, const char *settings)
{
    const double *s = mn_rtable_column(t, "session"), *z = mn_rtable_column(t, "depth_um");
    const double *hc = mn_rtable_column(t, "collagen_halfwidth_um");
    const double *hs = mn_rtable_column(t, "skin_halfwidth_um");
    if (!s || !z || !hc || !hs)
        return MN_OK;
    size_t n = 0;
    while (n < t->nrow && (int)s[n] == 1)
        n++;
    double *buf = malloc((4 * (2 * n + 1) + 10) * sizeof *buf);
    if (!buf)
        return mn_error_set(MN_ENOMEM, "report: out of memory for the lesion map");
    double *cx = buf, *cy = cx + 2 * n + 1, *sx = cy + 2 * n + 1, *sy = sx + 2 * n + 1;
    double *nx = sy + 2 * n + 1, *ny = nx + 5;
    size_t nc = outline(z, hc, n, cx, cy), ns = outline(z, hs, n, sx, sy);
    mn_plot_series ser[3];
    size_t nser = 0;
    if (ns)
        ser[nser++] = (mn_plot_series){.label = "cell death, Ω skin-burn = 1",
                                       .kind = MN_PLOT_LINE,
                                       .x = sx,
                                       .y = sy,
                                       .n = ns,
                                       .colour = MN_COL_ORANGE};
    if (nc)
        ser[nser++] = (mn_plot_series){.label = "coagulation, Ω collagen = 1",
                                       .kind = MN_PLOT_LINE,
                                       .x = cx,
                                       .y = cy,
                                       .n = nc,
                                       .colour = MN_COL_RED};
    double half = 0.0, tip = 0.0;
    for (size_t i = 0; i < n; i++)
        half = fmax(half, fmax(hc[i], hs[i]));
    if (r->model) {
        const mn_device_spec *d = &r->model->device;
        double a = 0.5 * d->needle_diameter_um;
        tip = d->set_depth_um;
        double xs[5] = {-a, -a, a, a, -a}, ys[5] = {0, -tip, -tip, 0, 0};
        memcpy(nx, xs, sizeof xs), memcpy(ny, ys, sizeof ys);
        ser[nser++] = (mn_plot_series){.label = "needle",
                                       .kind = MN_PLOT_LINE,
                                       .x = nx,
                                       .y = ny,
                                       .n = 5,
                                       .colour = MN_COL_GREY,
                                       .dashed = 1};
        half = fmax(half, 2 * a);
    }
    mn_plot_marker mk[2];
    size_t nmk = 0;
    if (r->column) {
        mk[nmk++] = (mn_plot_marker){-r->column->dej_depth_um, "dermal-epidermal junction", 1};
        if (r->column->dermis_bottom_um < tip + 600)
            mk[nmk++] = (mn_plot_marker){-r->column->dermis_bottom_um, "dermis | subcutis", 1};
    }
    double zmax = n ? z[n - 1] : tip + 500;
    mn_plot p = {.title = "Session 1: damage around one needle (depth–width section)",
                 .xlabel = "distance from the needle axis (µm)",
                 .ylabel = "minus depth below the skin surface (µm)",
                 .xmin = -1.2 * half - 50,
                 .xmax = 1.2 * half + 50,
                 .ymin = -zmax,
                 .ymax = 0,
                 .equal_aspect = 1,
                 .series = ser,
                 .nseries = nser,
                 .markers = mk,
                 .nmarkers = nmk};
    char caption[640];
    snprintf(caption, sizeof caption,
             "Section through one needle: the coagulation zone a histologist sees as denatured "
             "collagen (Ω collagen = 1, Maitland & Walsh) and the wider zone of cell death (Ω "
             "skin-burn = 1, Henriques & Moritz), as their largest distance from the needle "
             "axis per depth. Settings: %s.",
             settings);
    mn_status st = mn_report_figure(r, &p, "heat_lesion", caption);
    free(buf);
    return st;
}

mn_status mn_report_heat(mn_report *r)
{
    if (!r->model || r->model->device.type != MN_DEVICE_RF)
        return MN_OK;
    fputs("<h2 id=\"heating\">Heating</h2>\n", r->f);
    char settings[512];
    settings_text(r, settings, sizeof settings);
    fputs("<p>Settings: ", r->f);
    mn_report_text(r->f, settings);
    fputs(".</p>\n", r->f);
    lesion_table(r);
    mn_rtable t;
    int found = 0;
    MN_TRY(mn_report_table(r, "thermal.csv", &t, &found));
    mn_status st = found ? temperature_plot(r, &t, settings) : MN_OK;
    mn_rtable_free(&t);
    MN_TRY(st);
    MN_TRY(mn_report_table(r, "thermal_lesion.csv", &t, &found));
    if (!found)
        mn_report_missing(r, "no thermal_lesion.csv");
    st = found ? lesion_map(r, &t, settings) : MN_OK;
    mn_rtable_free(&t);
    return st;
}
