/* report.html and its plots: the CSV reader the report uses, PLplot output (real PNG of the
 * stated size, SVG), failures reported instead of PLplot exiting the process, and every stage's
 * section drawn when its files are present and marked "not simulated" when they are not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/error.h"
#include "io/plot.h"
#include "io/report.h"
#include "io/report_csv.h"

static char tmpdir[256];

static void put(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    s[fread(s, 1, (size_t)n, f)] = '\0';
    fclose(f);
    return s;
}

static int exists(const char *name)
{
    char path[512];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return stat(path, &sb) == 0 && sb.st_size > 0;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static int setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mnsim_report_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[300];
    if (getenv("MNSIM_KEEP_REPORT")) { /* to look at the synthetic report */
        fprintf(stderr, "kept %s\n", tmpdir);
        return 0;
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The reader returns columns by name, skips comments, reads text cells as NaN, and treats a
 * missing file as "stage not run" rather than an error. */
static void csv_reader_returns_columns_by_name(void **state)
{
    put("t.csv", "# written by a test\nday,collagen_I,layer\n0,1,dermis\n1.5,1.02,x\n\n");
    char path[512];
    snprintf(path, sizeof path, "%s/t.csv", tmpdir);
    mn_rtable t;
    int found = 0;
    assert_int_equal(mn_rtable_read(path, &t, &found), MN_OK);
    assert_true(found);
    assert_int_equal(t.nrow, 2);
    assert_int_equal(t.ncol, 3);
    const double *c = mn_rtable_column(&t, "collagen_I");
    assert_non_null(c);
    assert_true(c[0] == 1.0 && c[1] == 1.02);
    assert_true(mn_rtable_column(&t, "layer")[0] != mn_rtable_column(&t, "layer")[0]); /* NaN */
    assert_null(mn_rtable_column(&t, "elastin"));
    mn_rtable_free(&t);
    snprintf(path, sizeof path, "%s/absent.csv", tmpdir);
    assert_int_equal(mn_rtable_read(path, &t, &found), MN_OK);
    assert_false(found);
}

/* A plot becomes a PNG of 960 x 540 pixels (PNG signature, IHDR width/height big-endian) and an
 * SVG; an unwritable destination is an I/O error, not an exit of the process by PLplot. */
static void plot_writes_png_and_svg(void **state)
{
    double x[3] = {0, 1, 2}, y[3] = {1, 4, 9}, lo[3] = {0, 3, 8}, hi[3] = {2, 5, 10};
    mn_plot_series s[3] = {
        {.label = "band", .kind = MN_PLOT_BAND, .x = x, .y = lo, .y_hi = hi, .n = 3},
        {.label = "line", .kind = MN_PLOT_LINE, .x = x, .y = y, .n = 3, .colour = MN_COL_BLUE},
        {.label = "bars", .kind = MN_PLOT_BARS, .x = x, .y = y, .n = 3, .bar_width = 1},
    };
    mn_plot_marker m = {1.0, "threshold", 1};
    mn_plot p = {.title = "squares",
                 .xlabel = "x (mm)",
                 .ylabel = "y (mm²)",
                 .series = s,
                 .nseries = 3,
                 .markers = &m,
                 .nmarkers = 1};
    char stem[512];
    snprintf(stem, sizeof stem, "%s/sq", tmpdir);
    assert_int_equal(mn_plot_save(&p, stem), MN_OK);
    unsigned char *png = (unsigned char *)slurp("sq.png");
    assert_non_null(png);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    unsigned w = png[16] << 24 | png[17] << 16 | png[18] << 8 | png[19];
    unsigned h = png[20] << 24 | png[21] << 16 | png[22] << 8 | png[23];
    assert_int_equal(w, 960);
    assert_int_equal(h, 540);
    free(png);
    char *svg = slurp("sq.svg");
    assert_non_null(svg);
    assert_non_null(strstr(svg, "<svg"));
    free(svg);
    assert_false(exists("sq.png.tmp"));
    p.logy = 1; /* log axes clip values <= 0 instead of failing */
    assert_int_equal(mn_plot_save(&p, stem), MN_OK);
    assert_int_equal(mn_plot_save(&p, "/nonexistent-dir/x"), MN_EIO);
}

static const char SUMMARY_FULL[] =
    "{\"schema\":\"mnsim.summary/1\",\"seed\":3,\"threads\":1,"
    "\"scenario\":{\"name\":\"synthetic\",\"zone\":\"cheek\",\"device\":\"pen\"},"
    "\"screening\":{\"decision\":\"proceed_with_caution\",\"findings\":[{\"id\":\"herpes_history\","
    "\"severity\":\"relative\",\"reason\":\"cold sores\",\"advice\":\"antiviral\","
    "\"source\":\"clinical.md\"}]},"
    "\"sessions\":[{\"index\":1,\"day\":0,\"needling\":{\"punctures\":4,\"punctures_per_cm2\":16,"
    "\"coverage_fraction\":0.1,\"tissue_depth_um\":{\"mean\":800,\"p5\":700,\"p50\":800,"
    "\"p95\":900},\"bleeding_fraction\":0.5,\"duration_min\":0.1,\"zone_duration_min\":5},"
    "\"delivery\":{\"product\":\"caffeine\",\"dose_ug_per_cm2\":{\"stratum_corneum\":1,"
    "\"epidermis\":2,\"dermis\":3,\"systemic\":4},\"intact_dose_ug_per_cm2\":{"
    "\"stratum_corneum\":1,\"epidermis\":0.1,\"dermis\":0.01,\"systemic\":0.001},"
    "\"enhancement_ratio\":81.2,\"lag_time_h\":1.5,\"channel_half_life_h\":6},"
    "\"erythema_days\":{\"median\":2.5,\"p5\":1.5,\"p95\":4}}],"
    "\"outcome\":{\"collagen_change_percent\":{\"day_30\":{\"median\":5,\"p5\":2,\"p95\":8},"
    "\"day_90\":{\"median\":12,\"p5\":6,\"p95\":20},\"day_180\":{\"median\":15,\"p5\":8,\"p95\":25}"
    ","
    "\"day_365\":{\"median\":10,\"p5\":4,\"p95\":18}},\"downtime_days_total\":{\"median\":2.5,"
    "\"p5\":1.5,\"p95\":4}},"
    "\"risks\":[{\"id\":\"pih\",\"level\":\"moderate\",\"reason\":\"Fitzpatrick 4\"}],"
    "\"aftercare\":[\"sunscreen daily\"]}";

static const char PUNCTURES[] =
    "session,pass,x_mm,y_mm,set_depth_um,tissue_depth_um,angle_deg,layer,bleeds\n"
    "1,1,0.5,0.5,1000,780.5,0,dermis,1\n1,1,1.5,0.5,1000,820,0,dermis,0\n"
    "1,2,0.5,1.5,1000,700,0,dermis,1\n1,2,1.5,1.5,1000,900,0,dermis,0\n";

/* With every stage's outputs present, every section is drawn (its plots exist as PNG and SVG
 * and are embedded) and none says "not simulated"; the page refers to nothing on a network. */
static void report_draws_every_stage_present(void **state)
{
    put("summary.json", SUMMARY_FULL);
    put("punctures.csv", PUNCTURES);
    put("delivery.csv", "time_h,flux_ug_cm2_h,stratum_corneum_ug_cm2,epidermis_ug_cm2,"
                        "dermis_ug_cm2,systemic_ug_cm2,intact_flux_ug_cm2_h,"
                        "intact_stratum_corneum_ug_cm2,intact_epidermis_ug_cm2,"
                        "intact_dermis_ug_cm2,intact_systemic_ug_cm2,open_channel_fraction\n"
                        "0,0,0,0,0,0,0,0,0,0,0,1\n1,5,1,1,1,0.5,0.1,0.5,0.01,0.001,0,0.6\n"
                        "2,4,1,2,3,4,0.1,1,0.1,0.01,0.001,0.3\n");
    put("delivery_profiles.csv", "time_h,depth_um,concentration_ug_ml,intact_concentration_ug_ml\n"
                                 "1,5,100,50\n1,50,10,0.1\n1,500,1,0.001\n"
                                 "2,5,80,40\n2,50,20,0.2\n2,500,2,0.002\n");
    put("timeline.csv", "day,collagen_I,collagen_III,elastin,fibroblasts,mediator,erythema_index,"
                        "epidermis_um\n0,1,1,1,1,0,3,80\n2,1,1.01,1,1.5,0.5,1.2,81\n"
                        "5,1,1.05,1,2,0.2,0.4,84\n30,1.05,1.1,1.02,1.2,0,0,86\n"
                        "365,1.1,1.02,1.05,1,0,0,85\n");
    assert_int_equal(mn_report_write(tmpdir, NULL, NULL), MN_OK);
    char *html = slurp("report.html");
    assert_non_null(html);
    assert_null(strstr(html, "Not simulated"));
    static const char *const plots[] = {
        "session1_punctures", "session1_depth",     "delivery_dose",  "delivery_flux",
        "delivery_channels",  "delivery_profiles",  "healing_matrix", "healing_epidermis",
        "healing_erythema",   "uncertainty_outcome"};
    char name[128];
    for (size_t i = 0; i < sizeof plots / sizeof plots[0]; i++) {
        snprintf(name, sizeof name, "plots/%s.png", plots[i]);
        assert_true(exists(name));
        snprintf(name, sizeof name, "plots/%s.svg", plots[i]);
        assert_true(exists(name));
    }
    assert_int_equal(count(html, "src=\"data:image/png;base64,"), 10);
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    /* The numbers come from summary.json: screening decision, risk level, enhancement ratio,
     * samples shown as "median [p5, p95]". */
    assert_non_null(strstr(html, "proceed_with_caution"));
    assert_non_null(strstr(html, "class=\"moderate\""));
    assert_non_null(strstr(html, "81.2"));
    assert_non_null(strstr(html, "2.5 [1.5, 4.0]"));
    assert_non_null(strstr(html, "sunscreen daily"));
    free(html);
}

/* With the needling stage only (today's pipeline), the other sections say so. */
static void report_marks_stages_not_run(void **state)
{
    char saved[256], cmd[400];
    strcpy(saved, tmpdir); /* a folder of its own, beside the full one */
    snprintf(tmpdir, sizeof tmpdir, "%.200s/needling_only", saved);
    assert_int_equal(mkdir(tmpdir, 0777), 0);
    put("summary.json",
        "{\"schema\":\"mnsim.summary/1\",\"seed\":1,\"threads\":1,\"scenario\":{\"name\":\"n\","
        "\"zone\":\"cheek\",\"device\":\"pen\"},\"sessions\":[{\"index\":1,\"day\":0,"
        "\"needling\":{\"punctures\":4}}]}");
    put("punctures.csv", PUNCTURES);
    assert_int_equal(mn_report_write(tmpdir, NULL, NULL), MN_OK);
    char *html = slurp("report.html");
    assert_non_null(html);
    /* screening, delivery, healing, risks, aftercare, uncertainty */
    assert_int_equal(count(html, "Not simulated in this run"), 6);
    assert_int_equal(count(html, "src=\"data:image/png;base64,"), 2);
    free(html);
    /* Without summary.json there is nothing to report: an I/O error naming the file. */
    snprintf(cmd, sizeof cmd, "rm -f '%s'/summary.json", tmpdir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(mn_report_write(tmpdir, NULL, NULL), MN_EIO);
    assert_non_null(strstr(mn_last_error(), "summary.json"));
    strcpy(tmpdir, saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_reader_returns_columns_by_name),
        cmocka_unit_test(plot_writes_png_and_svg),
        cmocka_unit_test(report_draws_every_stage_present),
        cmocka_unit_test(report_marks_stages_not_run),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
