/* Internal to the report: the state shared by its sections and the HTML helpers. */
#ifndef MN_IO_REPORT_HTML_H
#define MN_IO_REPORT_HTML_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "io/plot.h"
#include "io/report.h"
#include "io/report_csv.h"

typedef struct mn_report {
    FILE *f; /* report.html being written */
    const char *dir;
    const mn_model *model;   /* may be NULL */
    const mn_column *column; /* may be NULL */
    cJSON *summary;
    int nplots;
} mn_report;

/* HTML-escaped text. */
void mn_report_text(FILE *f, const char *s);
/* "<p class=missing>…not simulated in this run…</p>" naming what would produce it. */
void mn_report_missing(mn_report *r, const char *what);
/* Saves the plot as plots/name.png and .svg and embeds the PNG as a figure with a caption. */
mn_status mn_report_figure(mn_report *r, const mn_plot *p, const char *name, const char *caption);
/* Reads dir/name; *found says whether the file exists. */
mn_status mn_report_table(mn_report *r, const char *name, mn_rtable *t, int *found);
/* At most max_rows data rows, evenly sampled, read with bounded memory (a whole zone's
 * punctures.csv holds millions of rows). */
mn_status mn_report_table_sampled(mn_report *r, const char *name, size_t max_rows, mn_rtable *t,
                                  int *found);

/* A number of an object (NaN when absent or not a number); a text (NULL when absent). */
double mn_report_num(const cJSON *o, const char *key);
const char *mn_report_str(const cJSON *o, const char *key);
/* A number or, with --samples, {median, p5, p95}: prints "median [p5, p95]" with the format. */
void mn_report_value(FILE *f, const cJSON *v, const char *fmt);

/* The sections. */
mn_status mn_report_needling(mn_report *r);
mn_status mn_report_delivery(mn_report *r);
mn_status mn_report_heat(mn_report *r); /* RF devices only (report_heat.c) */
mn_status mn_report_healing(mn_report *r);
mn_status mn_report_uncertainty(mn_report *r);
void mn_report_screening(mn_report *r);
void mn_report_risks(mn_report *r);
void mn_report_aftercare(mn_report *r);

#endif
