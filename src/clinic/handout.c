#include "clinic/handout.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "io/atomic.h"
#include "model/device.h"

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

/* "1 session", "3 sessions" */
static const char *plural(int n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* Days as a patient reads them: "about 2 days", "about 1 day", "less than a day". */
static void days_text(char *buf, size_t cap, double d)
{
    if (d < 0.75)
        snprintf(buf, cap, "less than a day");
    else {
        long n = lround(d);
        snprintf(buf, cap, "about %ld %s", n, n == 1 ? "day" : "days");
    }
}

/* The clinician's part: decision, findings with their rule ids and sources, and each zone's
 * settings and sources. Kept apart so the patient's text carries no codes. */
static void clinician_section(doc *d, const mn_plan *p)
{
    char zname[MN_NAME_CAP];
    heading(d, "For the practitioner (not for the patient)");
    para(d, "Screening decision: %s.", mn_clinic_decision_name(p->screening->decision));
    if (p->screening->n_findings) {
        list_begin(d);
        for (size_t i = 0; i < p->screening->n_findings; i++) {
            const mn_finding *f = &p->screening->findings[i];
            item(d, "[%s] %s: %s Advice: %s Source: %s (%s).", f->severity, f->id, f->reason,
                 f->advice, f->source, f->status);
        }
        list_end(d);
    }
    list_begin(d);
    for (size_t i = 0; i < p->n_zones; i++) {
        const mn_plan_zone *z = &p->zones[i];
        pretty(z->zone, zname, sizeof zname);
        if (!z->planned)
            item(d, "%s: no plan. %s", zname, z->why_not);
        else if (z->device == MN_DEVICE_RF) /* with its energy and the set-up's assumption */
            item(d,
                 "%s: rf, %.2f mm at %g mJ per needle, %d %s, %d %s every %.0f days; endpoint "
                 "%s; objective (%s) %+.2f. %s Sources: %s",
                 zname, z->depth_mm_max, z->energy_mj, z->passes,
                 plural(z->passes, "pass", "passes"), z->sessions,
                 plural(z->sessions, "session", "sessions"), z->interval_days, z->endpoint,
                 p->objective, z->objective, z->rf_text, z->source);
        else
            item(d,
                 "%s: %s, %.2f-%.2f mm, %d passes, %d %s every %.0f days; endpoint %s; "
                 "objective (%s) %+.2f. Sources: %s",
                 zname, mn_device_type_name(z->device), z->depth_mm_min, z->depth_mm_max, z->passes,
                 z->sessions, plural(z->sessions, "session", "sessions"), z->interval_days,
                 z->endpoint, p->objective, z->objective, z->source);
    }
    list_end(d);
}

/* A patient who must not be treated, or must wait, gets a note for the referral or the wait,
 * never an aftercare sheet. */
static void referral(doc *d, const mn_plan *p)
{
    int dnt = p->screening->decision == MN_DECISION_DO_NOT_TREAT;
    md(d, dnt ? "# Microneedling is not advised for you at present\n\n"
              : "# Your microneedling treatment has been postponed\n\n");
    html(d, dnt ? "<h1>Microneedling is not advised for you at present</h1>\n"
                : "<h1>Your microneedling treatment has been postponed</h1>\n");
    para(d, dnt ? "Based on the health information you gave, microneedling should not be done "
                  "at present. You have not been treated, so there is no aftercare to follow."
                : "Based on the health information you gave, it is safer to wait before "
                  "microneedling. You have not been treated today, so there is no aftercare "
                  "to follow.");
    heading(d, "Why");
    list_begin(d);
    for (size_t i = 0; i < p->screening->n_findings; i++) {
        const mn_finding *f = &p->screening->findings[i];
        if (f->decision >= MN_DECISION_DEFER)
            item(d, "%s", f->reason);
    }
    list_end(d);
    heading(d, "What happens next");
    para(d, dnt ? "Please talk to your doctor or practitioner about other options. Bring this "
                  "note with you."
                : "Your practitioner will tell you when it is safe to book again. Please come "
                  "back for a new check before any treatment.");
}

mn_status mn_clinic_handout_build(const mn_plan *p, char **markdown, char **html_out)
{
    doc d = {0};
    char name[MN_NAME_CAP], zname[MN_NAME_CAP], t1[64], t2[64];
    *markdown = *html_out = NULL;
    pretty(p->concern, name, sizeof name);
    const char *title = "Aftercare after microneedling";
    html(&d, "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
             "<title>Microneedling</title></head>\n<body>\n");
    int planned = 0;
    for (size_t i = 0; i < p->n_zones; i++)
        planned += p->zones[i].planned;
    if (p->screening->decision >= MN_DECISION_DEFER || !planned) {
        if (p->screening->decision >= MN_DECISION_DEFER)
            referral(&d, p);
        else {
            md(&d, "# No microneedling treatment planned\n\n");
            html(&d, "<h1>No microneedling treatment planned</h1>\n");
            para(&d, "No treatment could be planned for you this time, so there is no aftercare "
                     "to follow. Your practitioner will explain why and talk about other "
                     "options.");
            int rf = 0;
            for (size_t i = 0; i < p->n_zones; i++)
                rf |= p->zones[i].rf_planned;
            if (rf)
                para(&d, "One of those options is radiofrequency (RF) microneedling, which "
                         "heats the skin through fine needles. If you choose it, your "
                         "practitioner sets it up on their device and gives you its own "
                         "aftercare sheet.");
        }
        para(&d, "This note supports and does not replace your practitioner's judgement.");
        clinician_section(&d, p);
        goto finish;
    }
    md(&d, "# ");
    md(&d, title);
    md(&d, "\n\n");
    html(&d, "<h1>");
    html_text(&d, title);
    html(&d, "</h1>\n");
    para(&d, "This sheet supports and does not replace your practitioner's judgement. Follow "
             "the advice your practitioner gives you; ask them if anything here is unclear.");
    para(&d, "Treatment for: %s.", name);

    heading(&d, "Your treatment and what to expect");
    list_begin(&d);
    for (size_t i = 0; i < p->n_zones; i++) {
        const mn_plan_zone *z = &p->zones[i];
        pretty(z->zone, zname, sizeof zname);
        zname[0] = (char)toupper((unsigned char)zname[0]);
        if (!z->planned) {
            item(&d, "%s: not treated. Your practitioner will explain why.", zname);
            continue;
        }
        days_text(t1, sizeof t1, z->predicted.erythema_days);
        days_text(t2, sizeof t2, z->predicted.downtime_days_total);
        if (z->sessions > 1)
            item(&d,
                 "%s: %d sessions, one every %.0f days. After each session expect redness "
                 "like a mild sunburn, tightness and mild swelling for %s (%s in all over "
                 "the course)%s.",
                 zname, z->sessions, z->interval_days, t1, t2,
                 z->predicted.bleeding_fraction > 0
                     ? "; small pinpoint bleeding during treatment is normal and stops within "
                       "minutes"
                     : "");
        else
            item(&d,
                 "%s: 1 session. Afterwards expect redness like a mild sunburn, tightness and "
                 "mild swelling for %s%s.",
                 zname, t1,
                 z->predicted.bleeding_fraction > 0
                     ? "; small pinpoint bleeding during treatment is normal and stops within "
                       "minutes"
                     : "");
    }
    list_end(&d);
    para(&d, "These times are estimates from a computer simulation of your plan; your skin "
             "may settle sooner or later.");
    int rf_chosen = 0;
    for (size_t i = 0; i < p->n_zones; i++)
        rf_chosen |= p->zones[i].planned && p->zones[i].device == MN_DEVICE_RF;
    if (rf_chosen)
        para(&d, "Your treatment uses radiofrequency (RF) microneedling, which heats the skin "
                 "through fine needles. Your practitioner sets the energy on their device and "
                 "may give you that device's own aftercare sheet as well: follow it where it "
                 "says more than this one.");

    heading(&d, "Your appointment");
    list_begin(&d);
    for (size_t i = 0; i < p->n_zones; i++) {
        const mn_plan_zone *z = &p->zones[i];
        if (!z->planned)
            continue;
        pretty(z->zone, zname, sizeof zname);
        zname[0] = (char)toupper((unsigned char)zname[0]);
        item(&d,
             "%s: plan on about %.0f minutes in all: about %.0f minutes for a numbing cream "
             "to work, about %.0f %s of treatment and about %.0f minutes of aftercare in the "
             "clinic. Most people feel %s (pain %d out of 10).",
             zname, z->chair_minutes, z->numbing_minutes, fmax(1.0, round(z->needling_minutes)),
             plural((int)fmax(1.0, round(z->needling_minutes)), "minute", "minutes"),
             z->aftercare_minutes,
             z->pain < 3   ? "mild prickling and pressure"
             : z->pain < 5 ? "moderate discomfort, like a mild sunburn being touched"
                           : "moderate to marked discomfort even with the numbing cream",
             z->pain);
    }
    list_end(&d);

    heading(&d, "After treatment");
    list_begin(&d);
    item(&d, "Protect the treated skin from the sun: use a broad-spectrum sunscreen every day "
             "and avoid strong sun and tanning while it heals. Sun on freshly treated skin can "
             "leave dark marks, especially on darker skin.");
    item(&d, "Wash with a gentle cleanser and lukewarm water, pat dry, and use a plain, "
             "fragrance-free moisturiser.");
    item(&d, "You can wear make-up again from the next day.");
    item(&d, "Avoid vigorous exercise, sauna and swimming for 24 hours.");
    item(&d, "An ice pack wrapped in a clean cloth, a few minutes at a time, makes the skin more "
             "comfortable.");
    list_end(&d);

    heading(&d, "What not to put on your skin");
    list_begin(&d);
    item(&d, "Until the redness has gone: no retinoids (tretinoin, adapalene, retinol), no "
             "acids (glycolic, salicylic), no scrubs.");
    item(&d, "No vitamin C serums, fragranced products or other serums unless your "
             "practitioner gave them to you: products carried into the tiny channels have "
             "caused lasting lumps.");
    list_end(&d);

    heading(&d, "Your next session");
    list_begin(&d);
    for (size_t i = 0; i < p->n_zones; i++) {
        const mn_plan_zone *z = &p->zones[i];
        if (!z->planned)
            continue;
        pretty(z->zone, zname, sizeof zname);
        zname[0] = (char)toupper((unsigned char)zname[0]);
        if (z->sessions > 1)
            item(&d, "%s: next session in %.0f days (%d sessions in all)%s.", zname,
                 z->interval_days, z->sessions,
                 z->maintenance_days > 0 ? "; after that, a top-up session every 6 to 12 months"
                                         : "");
        else
            item(&d,
                 "%s: this is a single session; your practitioner will tell you if a "
                 "repeat would help.",
                 zname);
    }
    list_end(&d);

    heading(&d, "Call your practitioner or a doctor if you notice");
    list_begin(&d);
    item(&d, "Bleeding that continues beyond 24 hours.");
    item(&d, "Blisters, or grouped blisters with tingling or burning, often around the mouth "
             "(a cold-sore flare).");
    item(&d, "Swelling that lasts beyond a week.");
    item(&d, "Pus, spreading warmth or redness that gets worse after the second or third day, "
             "or a fever (possible infection).");
    item(&d, "Firm red bumps or lumps appearing days to weeks later, or a rash beyond the "
             "treated area.");
    item(&d, "Redness or discomfort that lasts clearly longer than the times above, lines or "
             "dark spots, or numbness that does not pass.");
    list_end(&d);
    para(&d, "This sheet supports and does not replace your practitioner's judgement.");
    clinician_section(&d, p);
finish:
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

mn_status mn_clinic_handout_write(const mn_plan *p, const char *dir, int force)
{
    char path[4096], path2[4096];
    char *m = NULL, *h = NULL;
    MN_TRY(mn_io_join(path, sizeof path, dir, "handout.md"));
    MN_TRY(mn_io_join(path2, sizeof path2, dir, "handout.html"));
    if (!force && (access(path, F_OK) == 0 || access(path2, F_OK) == 0))
        return mn_error_set(MN_EUSAGE,
                            "%s: a handout is already there (expected a folder without "
                            "handout.md/handout.html, or --force to overwrite)",
                            dir);
    MN_TRY(mn_io_mkdir(dir));
    MN_TRY(mn_clinic_handout_build(p, &m, &h));
    mn_status st = mn_io_write_text(path, m);
    if (st == MN_OK)
        st = mn_io_write_text(path2, h);
    free(m);
    free(h);
    return st;
}
