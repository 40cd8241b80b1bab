#include "clinic/handout.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "io/atomic.h"

/* Two growing texts written side by side, so the Markdown and HTML say the same thing. */
typedef struct doc {
    char *md, *html;
    size_t md_len, html_len, md_cap, html_cap;
    int failed;
} doc;

static void put(char **buf, size_t *len, size_t *cap, const char *s, size_t n, int *failed)
{
    if (*failed)
        return;
    if (*len + n + 1 > *cap) {
        size_t nc = (*cap ? *cap * 2 : 4096);
        while (nc < *len + n + 1)
            nc *= 2;
        char *b = realloc(*buf, nc);
        if (!b) {
            *failed = 1;
            return;
        }
        *buf = b;
        *cap = nc;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

static void md(doc *d, const char *s)
{
    put(&d->md, &d->md_len, &d->md_cap, s, strlen(s), &d->failed);
}
static void html(doc *d, const char *s)
{
    put(&d->html, &d->html_len, &d->html_cap, s, strlen(s), &d->failed);
}
static void html_text(doc *d, const char *s)
{
    for (; *s; s++) {
        const char *e = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : NULL;
        if (e)
            html(d, e);
        else
            put(&d->html, &d->html_len, &d->html_cap, s, 1, &d->failed);
    }
}

static void heading(doc *d, const char *text)
{
    md(d, "\n## ");
    md(d, text);
    md(d, "\n\n");
    html(d, "<h2>");
    html_text(d, text);
    html(d, "</h2>\n");
}

static void para(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void para(doc *d, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    md(d, buf);
    md(d, "\n\n");
    html(d, "<p>");
    html_text(d, buf);
    html(d, "</p>\n");
}

static void list_begin(doc *d)
{
    html(d, "<ul>\n");
}
static void list_end(doc *d)
{
    md(d, "\n");
    html(d, "</ul>\n");
}
static void item(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void item(doc *d, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    md(d, "- ");
    md(d, buf);
    md(d, "\n");
    html(d, "<li>");
    html_text(d, buf);
    html(d, "</li>\n");
}

static const char *pretty(const char *name, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", name);
    for (char *c = buf; *c; c++)
        if (*c == '_')
            *c = ' ';
    return buf;
}

mn_status mn_clinic_handout_build(const mn_plan *p, char **markdown, char **html_out)
{
    doc d = {0};
    char name[MN_NAME_CAP], zname[MN_NAME_CAP];
    *markdown = *html_out = NULL;
    pretty(p->concern, name, sizeof name);
    md(&d, "# Aftercare after microneedling\n\n");
    html(&d, "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
             "<title>Aftercare after microneedling</title></head>\n<body>\n"
             "<h1>Aftercare after microneedling</h1>\n");
    para(&d, "This sheet supports and does not replace your practitioner's judgement. Follow "
             "the advice your practitioner gives you; ask them if anything here is unclear.");
    para(&d, "Treatment for: %s.", name);

    int planned = 0;
    double max_ery = 0;
    heading(&d, "Your treatment and what to expect");
    list_begin(&d);
    for (size_t i = 0; i < p->n_zones; i++) {
        const mn_plan_zone *z = &p->zones[i];
        pretty(z->zone, zname, sizeof zname);
        if (!z->planned) {
            item(&d, "%s: not treated. Reason: %s", zname, z->why_not);
            continue;
        }
        planned++;
        if (z->predicted.erythema_days > max_ery)
            max_ery = z->predicted.erythema_days;
        item(&d,
             "%s: %d sessions, one every %.0f days. Expect redness like a mild sunburn, "
             "tightness and mild swelling for about %.1f days after each session (about %.0f "
             "days in all over the course)%s.",
             zname, z->sessions, z->interval_days, z->predicted.erythema_days,
             z->predicted.downtime_days_total,
             z->predicted.bleeding_fraction > 0
                 ? "; small pinpoint bleeding during treatment is normal and stops within minutes"
                 : "");
    }
    list_end(&d);
    if (planned)
        para(&d, "These times are estimates from a computer simulation of your plan; your skin "
                 "may settle sooner or later.");

    heading(&d, "The first 24 hours");
    list_begin(&d);
    item(&d, "No make-up for 24 hours.");
    item(&d, "No strenuous exercise, sauna or swimming for 24 hours.");
    item(&d, "Wash only with a gentle cleanser and lukewarm water; pat dry.");
    item(&d, "Apply a plain, fragrance-free moisturiser to keep the skin comfortable.");
    item(&d, "A cold pack wrapped in a clean cloth eases warmth and swelling (a few minutes "
             "at a time).");
    list_end(&d);

    heading(&d, "Sun protection");
    para(&d, "Use a broad-spectrum sunscreen every day and avoid strong sun and tanning while "
             "your skin heals: sun on freshly treated skin can leave dark marks, especially on "
             "darker skin.");

    heading(&d, "What not to put on your skin");
    list_begin(&d);
    item(&d, "Until the redness has gone: no retinoids (tretinoin, adapalene, retinol), no "
             "acids (glycolic, salicylic), no scrubs.");
    item(&d, "No vitamin C serums, fragranced products or other serums unless your "
             "practitioner gave them to you: products carried into the tiny channels have "
             "caused lasting lumps (granulomas).");
    list_end(&d);

    heading(&d, "Your next session");
    if (planned) {
        list_begin(&d);
        for (size_t i = 0; i < p->n_zones; i++) {
            const mn_plan_zone *z = &p->zones[i];
            if (!z->planned)
                continue;
            pretty(z->zone, zname, sizeof zname);
            if (z->sessions > 1)
                item(&d, "%s: next session in %.0f days (%d sessions in all)%s.", zname,
                     z->interval_days, z->sessions,
                     z->maintenance_days > 0 ? "; then a maintenance session every 6-12 months"
                                             : "");
            else
                item(&d, "%s: a single session; your practitioner will advise on any repeat.",
                     zname);
        }
        list_end(&d);
    } else {
        para(&d, "No session is planned. Please talk to your practitioner.");
    }

    heading(&d, "See a doctor if you notice");
    list_begin(&d);
    item(&d, "Bleeding that continues beyond 24 hours.");
    item(&d, "Blisters, or grouped blisters with tingling or burning, often around the mouth "
             "(a cold-sore flare).");
    item(&d, "Swelling that lasts beyond a week.");
    item(&d, "Pus, spreading warmth or redness that gets worse after day 2-3, or a fever "
             "(possible infection).");
    item(&d, "Firm red bumps or lumps appearing days to weeks later, or a rash beyond the "
             "treated area.");
    item(&d, "Redness or discomfort that lasts clearly longer than the times above, lines or "
             "dark spots, or numbness that does not pass.");
    list_end(&d);
    para(&d, "This sheet supports and does not replace your practitioner's judgement.");
    html(&d, "</body>\n</html>\n");
    if (d.failed) {
        free(d.md);
        free(d.html);
        return mn_error_set(MN_ENOMEM, "out of memory building the handout");
    }
    *markdown = d.md;
    *html_out = d.html;
    return MN_OK;
}

mn_status mn_clinic_handout_write(const mn_plan *p, const char *dir)
{
    char path[4096];
    char *m = NULL, *h = NULL;
    MN_TRY(mn_io_mkdir(dir));
    MN_TRY(mn_clinic_handout_build(p, &m, &h));
    mn_status st = mn_io_join(path, sizeof path, dir, "handout.md");
    if (st == MN_OK)
        st = mn_io_write_text(path, m);
    if (st == MN_OK)
        st = mn_io_join(path, sizeof path, dir, "handout.html");
    if (st == MN_OK)
        st = mn_io_write_text(path, h);
    free(m);
    free(h);
    return st;
}
