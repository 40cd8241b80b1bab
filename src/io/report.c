/* report.html: the page, its helpers and the text sections (scenario, screening, risks,
 * aftercare, files). The plot sections are in report_needling.c and report_stages.c. */
#include "io/report.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/signals.h"
#include "io/atomic.h"
#include "io/base64.h"
#include "io/outdir.h"
#include "io/report_html.h"
#include "model/device.h"
#include "mnsim/version.h"

static const char CSS[] =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1000px;margin:2em "
    "auto;padding:0 1em;color:#222;line-height:1.45}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #0072b2;padding-bottom:"
    ".2em;margin-top:2em}h3{margin-top:1.5em}"
    "table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.25em "
    ".6em;text-align:left;vertical-align:top}th{background:#f0f4f8}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}"
    "figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}"
    "figcaption{font-size:.9em;color:#555}.missing{color:#777;font-style:italic}"
    ".note{font-size:.9em;color:#555}.low{color:#00734d}.moderate{color:#b36b00}"
    ".high{color:#b32400;font-weight:bold}nav a{margin-right:.8em}";

void mn_report_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

void mn_report_missing(mn_report *r, const char *what)
{
    fprintf(r->f, "<p class=\"missing\">Not simulated in this run");
    if (what && *what) {
        fputs(" (", r->f);
        mn_report_text(r->f, what);
        fputs(")", r->f);
    }
    fputs(".</p>\n", r->f);
}

double mn_report_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

const char *mn_report_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

void mn_report_value(FILE *f, const cJSON *v, const char *fmt)
{
    if (cJSON_IsNumber(v)) {
        fprintf(f, fmt, v->valuedouble);
    } else if (cJSON_IsObject(v) && !isnan(mn_report_num(v, "median"))) {
        fprintf(f, fmt, mn_report_num(v, "median"));
        fputs(" [", f);
        fprintf(f, fmt, mn_report_num(v, "p5"));
        fputs(", ", f);
        fprintf(f, fmt, mn_report_num(v, "p95"));
        fputs("]", f);
    } else {
        fputs("–", f);
    }
}

mn_status mn_report_table(mn_report *r, const char *name, mn_rtable *t, int *found)
{
    char path[4200];
    MN_TRY(mn_io_join(path, sizeof path, r->dir, name));
    return mn_rtable_read(path, t, found);
}

mn_status mn_report_table_sampled(mn_report *r, const char *name, size_t max_rows, mn_rtable *t,
                                  int *found)
{
    char path[4200];
    MN_TRY(mn_io_join(path, sizeof path, r->dir, name));
    return mn_rtable_read_sampled(path, max_rows, t, found);
}

/* Streams a file as base64 into the page. */
static mn_status embed_base64(FILE *out, const char *path)
{
    FILE *in = mn_io_fopen_result(path);
    if (!in)
        return mn_error_set(MN_EIO, "%s: %s", path, strerror(errno));
    unsigned char buf[3 * 4096];
    size_t n;
    mn_base64 b;
    mn_base64_init(&b, out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        mn_base64_put(&b, buf, n);
    mn_base64_end(&b);
    int bad = ferror(in);
    fclose(in);
    return bad ? mn_error_set(MN_EIO, "%s: read failed", path) : MN_OK;
}

mn_status mn_report_figure(mn_report *r, const mn_plot *p, const char *name, const char *caption)
{
    char stem[4200], rel[256], png[4300];
    if (mn_signals_stop_requested())
        return mn_error_set(MN_EINTERRUPTED, "stopped on request (report, plot %s)", name);
    snprintf(rel, sizeof rel, "plots/%s", name);
    MN_TRY(mn_io_join(stem, sizeof stem, r->dir, rel));
    MN_TRY(mn_plot_save(p, stem));
    snprintf(png, sizeof png, "%s.png", stem);
    fputs("<figure><img alt=\"", r->f);
    mn_report_text(r->f, p->title);
    fputs("\" src=\"data:image/png;base64,", r->f);
    MN_TRY(embed_base64(r->f, png));
    fputs("\"><figcaption>", r->f);
    mn_report_text(r->f, caption);
    fprintf(r->f,
            " <a href=\"%s.svg\">SVG</a> · <a href=\"%s.png\">PNG</a></figcaption></figure>\n", rel,
            rel);
    r->nplots++;
    return MN_OK;
}

static void row(FILE *f, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void row(FILE *f, const char *key, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fputs("<tr><th>", f);
    mn_report_text(f, key);
    fputs("</th><td>", f);
    mn_report_text(f, buf);
    fputs("</td></tr>\n", f);
}

static void list_names(char *buf, size_t cap, const char (*names)[MN_NAME_CAP], size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", i ? ", " : "", names[i]);
    if (n == 0)
        snprintf(buf, cap, "none");
}

static void scenario_section(mn_report *r)
{
    FILE *f = r->f;
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(r->summary, "scenario");
    fputs("<h2 id=\"scenario\">Scenario</h2>\n<table>\n", f);
    const mn_model *m = r->model;
    if (!m) {
        row(f, "Name", "%s", mn_report_str(sc, "name") ? mn_report_str(sc, "name") : "");
        row(f, "Zone", "%s", mn_report_str(sc, "zone") ? mn_report_str(sc, "zone") : "");
        row(f, "Device", "%s", mn_report_str(sc, "device") ? mn_report_str(sc, "device") : "");
        fputs("</table>\n", f);
        return;
    }
    char list[MN_LIST_CAP * MN_NAME_CAP];
    const mn_patient *p = &m->patient;
    row(f, "Name", "%s", m->name);
    row(f, "Patient", "%.0f years, %s, Fitzpatrick type %d%s%s", p->age_years,
        p->sex == MN_SEX_MALE ? "male" : "female", p->fitzpatrick, p->pregnant ? ", pregnant" : "",
        p->breastfeeding ? ", breast-feeding" : "");
    list_names(list, sizeof list, p->conditions, p->n_conditions);
    row(f, "Conditions", "%s", list);
    list[0] = '\0';
    for (size_t i = 0; i < p->n_medications; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                 p->medications[i].name);
    row(f, "Medications", "%s", p->n_medications ? list : "none");
    if (r->column)
        row(f, "Site", "%s: stratum corneum %.0f µm, viable epidermis %.0f µm, dermis %.0f µm",
            m->site.zone, r->column->sc_um, r->column->viable_epidermis_um, r->column->dermis_um);
    else
        row(f, "Site", "%s", m->site.zone);
    row(f, "Patch", "%.1f mm × %.1f mm", m->patch_width_um / 1000, m->patch_length_um / 1000);
    const mn_device_spec *d = &m->device;
    row(f, "Device", "%s%s%s, %d needles of %.0f µm, set depth %.2f mm, %d passes",
        mn_device_type_name(d->type), d->model[0] ? " " : "", d->model, d->needles,
        d->needle_diameter_um, d->set_depth_um / 1000, d->passes);
    if (d->type == MN_DEVICE_PEN)
        row(f, "Pen settings", "%.0f Hz, glide %.1f mm/s", d->frequency_hz,
            d->glide_speed_um_s / 1000);
    if (d->type == MN_DEVICE_RF) {
        char energy[96];
        if (d->energy_mj_per_needle > 0)
            snprintf(energy, sizeof energy, "%g mJ per needle", d->energy_mj_per_needle);
        else
            snprintf(energy, sizeof energy, "%g W in all", d->power_w);
        const int cols = d->rows > 0 ? (d->needles + d->rows - 1) / d->rows : d->needles;
        const double pitch_mm = (d->pitch_um > 0 ? d->pitch_um : d->drum_width_um / cols) / 1000;
        row(f, "RF settings", "%s, %g MHz, %s in %g ms%s, %s needles, pitch %.2f mm",
            d->polarity == MN_POLARITY_BIPOLAR ? "bipolar" : "monopolar", d->frequency_mhz, energy,
            d->pulse_ms, d->stacks > 1 ? " per sub-pulse" : "", d->insulated ? "insulated" : "bare",
            pitch_mm);
        if (d->insulated)
            row(f, "RF tip", "%.0f µm exposed; %d sub-pulse%s", d->tip_exposed_um, d->stacks,
                d->stacks > 1 ? "s" : "");
    }
    const mn_product_spec *pr = &m->product;
    if (pr->present) {
        char dose[64];
        if (pr->infinite_dose)
            snprintf(dose, sizeof dose, "infinite dose");
        else
            snprintf(dose, sizeof dose, "%.0f µL/cm²", pr->volume_ul_per_cm2);
        row(f, "Product", "%s (%.0f Da, log Kow %.2f), %g mg/mL, %s, applied %s needling, %g h%s",
            pr->name, pr->mw_da, pr->log_kow, pr->concentration_mg_ml, dose,
            pr->applied == MN_APPLIED_BEFORE ? "before" : "after", pr->duration_h,
            pr->occluded ? ", occluded" : "");
    } else {
        row(f, "Product", "none");
    }
    const mn_protocol *pc = &m->protocol;
    row(f, "Protocol", "%d sessions every %g days, follow-up %g days%s", pc->sessions,
        pc->interval_days, pc->follow_up_days,
        pc->maintenance_every_days > 0 ? ", with maintenance" : "");
    row(f, "Seed", "%llu", (unsigned long long)m->seed);
    fputs("</table>\n", f);
}

void mn_report_screening(mn_report *r)
{
    FILE *f = r->f;
    fputs("<h2 id=\"screening\">Screening</h2>\n", f);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(r->summary, "screening");
    if (!cJSON_IsObject(s)) {
        mn_report_missing(r, "no screening result in summary.json");
        return;
    }
    fputs("<p>Decision: <strong>", f);
    mn_report_text(f, mn_report_str(s, "decision"));
    fputs("</strong></p>\n", f);
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "overridden")))
        fputs("<p class=\"missing\"><strong>Overridden</strong> with --override-screening: the "
              "screening says this patient must not be treated; the simulation below is for "
              "teaching or research only.</p>\n",
              f);
    const cJSON *fs = cJSON_GetObjectItemCaseSensitive(s, "findings"), *it;
    if (!cJSON_GetArraySize(fs)) {
        fputs("<p>No findings.</p>\n", f);
        return;
    }
    fputs("<table><tr><th>Finding</th><th>Severity</th><th>Reason</th><th>Advice</th>"
          "<th>Source</th></tr>\n",
          f);
    cJSON_ArrayForEach(it, fs)
    {
        static const char *const keys[] = {"id", "severity", "reason", "advice", "source"};
        fputs("<tr>", f);
        for (int k = 0; k < 5; k++) {
            fputs("<td>", f);
            mn_report_text(f, mn_report_str(it, keys[k]));
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

void mn_report_risks(mn_report *r)
{
    FILE *f = r->f;
    fputs("<h2 id=\"risks\">Risks</h2>\n", f);
    const cJSON *rs = cJSON_GetObjectItemCaseSensitive(r->summary, "risks"), *it;
    if (!cJSON_IsArray(rs)) {
        mn_report_missing(r, "no risks in summary.json");
        return;
    }
    if (cJSON_GetArraySize(rs) == 0) {
        fputs("<p>No risk was raised.</p>\n", f);
        return;
    }
    fputs("<table><tr><th>Risk</th><th>Level</th><th>Reason</th></tr>\n", f);
    cJSON_ArrayForEach(it, rs)
    {
        const char *level = mn_report_str(it, "level");
        fputs("<tr><td>", f);
        mn_report_text(f, mn_report_str(it, "id"));
        fputs("</td><td class=\"", f);
        mn_report_text(f, level);
        fputs("\">", f);
        mn_report_text(f, level);
        fputs("</td><td>", f);
        mn_report_text(f, mn_report_str(it, "reason"));
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* Prints a JSON value as text: strings as they are, arrays as lists, objects as tables. */
static void json_text(FILE *f, const cJSON *v)
{
    const cJSON *it;
    if (cJSON_IsString(v)) {
        mn_report_text(f, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        fprintf(f, "%g", v->valuedouble);
    } else if (cJSON_IsArray(v)) {
        fputs("<ul>", f);
        cJSON_ArrayForEach(it, v)
        {
            fputs("<li>", f);
            json_text(f, it);
            fputs("</li>", f);
        }
        fputs("</ul>", f);
    } else if (cJSON_IsObject(v)) {
        fputs("<table>", f);
        cJSON_ArrayForEach(it, v)
        {
            fputs("<tr><th>", f);
            mn_report_text(f, it->string);
            fputs("</th><td>", f);
            json_text(f, it);
            fputs("</td></tr>", f);
        }
        fputs("</table>", f);
    } else if (cJSON_IsBool(v)) {
        fputs(cJSON_IsTrue(v) ? "yes" : "no", f);
    }
}

/* A file of this run (io/outdir.h): never one an earlier run left in the folder. */
static int file_exists(const char *dir, const char *name)
{
    char path[4200];
    FILE *f = NULL;
    if (mn_io_join(path, sizeof path, dir, name) == MN_OK && (f = mn_io_fopen_result(path)))
        fclose(f);
    return f != NULL;
}

void mn_report_aftercare(mn_report *r)
{
    FILE *f = r->f;
    fputs("<h2 id=\"aftercare\">Aftercare</h2>\n", f);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(r->summary, "aftercare");
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(r->summary, "outcome");
    int any = 0;
    if (a) {
        json_text(f, a);
        any = 1;
    }
    const cJSON *down = cJSON_GetObjectItemCaseSensitive(out, "downtime_days_total");
    if (down) {
        fputs("<p>Expected visible redness over the whole course (downtime): ", f);
        mn_report_value(f, down, "%.1f");
        fputs(" days; per session in the healing section.</p>\n", f);
        any = 1;
    }
    static const char *const handouts[] = {"handout.html", "handout.md"};
    for (int i = 0; i < 2; i++)
        if (file_exists(r->dir, handouts[i])) {
            fprintf(f, "<p>Patient handout: <a href=\"%s\">%s</a></p>\n", handouts[i], handouts[i]);
            any = 1;
        }
    if (!any)
        mn_report_missing(r, "no aftercare advice or handout in this run's outputs");
}

static void list_field(void *ctx, const char *name)
{
    FILE *f = ctx;
    fputs("<li><a href=\"fields/", f);
    mn_report_text(f, name);
    fputs("\">fields/", f);
    mn_report_text(f, name);
    fputs("</a> (VTK image data: open in ParaView)</li>\n", f);
}

static void files_section(mn_report *r)
{
    FILE *f = r->f;
    static const char *const names[] = {"summary.json",       "punctures.csv",
                                        "delivery.csv",       "delivery_profiles.csv",
                                        "timeline.csv",       "thermal.csv",
                                        "thermal_lesion.csv", "handout.md",
                                        "handout.html",       NULL};
    fputs("<h2 id=\"files\">Files of this run</h2>\n<ul>\n", f);
    for (int i = 0; names[i]; i++)
        if (file_exists(r->dir, names[i]))
            fprintf(f, "<li><a href=\"%s\">%s</a></li>\n", names[i], names[i]);
    char fields[4200];
    if (mn_io_join(fields, sizeof fields, r->dir, "fields") == MN_OK)
        mn_io_list_results(fields, ".vti", list_field, f);
    fprintf(f, "<li>plots/: each of the %d plots above as PNG and SVG</li>\n</ul>\n", r->nplots);
}

/* summary.json grows with the sessions; a few hundred sessions take well under 1 MB. */
#define SUMMARY_MAX_BYTES (256L << 20)

static mn_status read_summary(const char *dir, cJSON **out)
{
    char path[4200];
    MN_TRY(mn_io_join(path, sizeof path, dir, "summary.json"));
    FILE *in = mn_io_fopen_result(path);
    if (!in)
        return mn_error_set(MN_EIO, "%s: %s (the report is built from it)", path, strerror(errno));
    fseek(in, 0, SEEK_END);
    long len = ftell(in);
    rewind(in);
    if (len > SUMMARY_MAX_BYTES) {
        fclose(in);
        return mn_error_set(MN_EIO, "%s: larger than %ld bytes", path, SUMMARY_MAX_BYTES);
    }
    char *text = len >= 0 ? malloc((size_t)len + 1) : NULL;
    size_t got = text ? fread(text, 1, (size_t)len, in) : 0;
    fclose(in);
    if (!text)
        return mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
    text[got] = '\0';
    *out = cJSON_Parse(text);
    free(text);
    if (!*out)
        return mn_error_set(MN_EIO, "%s: not valid JSON", path);
    return MN_OK;
}

mn_status mn_report_write(const char *dir, const mn_model *model, const mn_column *column)
{
    mn_status st = MN_OK;
    mn_report r = {.dir = dir, .model = model, .column = column};
    mn_afile html = {0};
    int open = 0;
    char path[4200];
    MN_TRY(read_summary(dir, &r.summary));
    MN_TRY_GOTO(mn_io_join(path, sizeof path, dir, "plots"), done);
    MN_TRY_GOTO(mn_io_mkdir(path), done);
    MN_TRY_GOTO(mn_io_join(path, sizeof path, dir, "report.html"), done);
    MN_TRY_GOTO(mn_afile_open(path, &html), done);
    open = 1;
    r.f = html.f;
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(r.summary, "scenario");
    const char *name = mn_report_str(sc, "name");
    fputs(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>mnsim: ",
        r.f);
    mn_report_text(r.f, name);
    fprintf(r.f, "</title>\n<style>%s</style></head><body>\n<h1>mnsim report: ", CSS);
    mn_report_text(r.f, name);
    fprintf(r.f,
            "</h1>\n<p class=\"note\">mnsim %s · seed %llu. A research and "
            "teaching simulation: it supports and never replaces clinical judgement.</p>\n"
            "<nav><a href=\"#scenario\">Scenario</a><a href=\"#screening\">Screening</a>"
            "<a href=\"#needling\">Needling</a>%s<a href=\"#delivery\">Delivery</a>"
            "<a href=\"#healing\">Healing</a><a href=\"#risks\">Risks</a>"
            "<a href=\"#aftercare\">Aftercare</a><a href=\"#uncertainty\">Uncertainty</a>"
            "<a href=\"#files\">Files</a></nav>\n",
            MNSIM_VERSION,
            model ? (unsigned long long)model->seed
                  : (unsigned long long)mn_report_num(r.summary, "seed"),
            model && model->device.type == MN_DEVICE_RF ? "<a href=\"#heating\">Heating</a>" : "");
    scenario_section(&r);
    mn_report_screening(&r);
    MN_TRY_GOTO(mn_report_needling(&r), done);
    MN_TRY_GOTO(mn_report_heat(&r), done);
    MN_TRY_GOTO(mn_report_delivery(&r), done);
    MN_TRY_GOTO(mn_report_healing(&r), done);
    mn_report_risks(&r);
    mn_report_aftercare(&r);
    MN_TRY_GOTO(mn_report_uncertainty(&r), done);
    files_section(&r);
    fputs("</body></html>\n", r.f);
    open = 0;
    st = mn_afile_commit(&html);
done:
    if (open)
        mn_afile_abort(&html);
    cJSON_Delete(r.summary);
    return st;
}
