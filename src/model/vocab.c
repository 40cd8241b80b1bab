#include "model/vocab.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"

enum { TERM_CAP = 96 };

/* Lower case; runs of spaces, hyphens and underscores become one '_'; ends trimmed. */
static void normalise(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    int sep = 0;
    for (const char *c = in; *c && n + 1 < cap; c++) {
        if (*c == ' ' || *c == '-' || *c == '_' || *c == '\t') {
            sep = n > 0;
            continue;
        }
        if (sep && n + 2 < cap)
            out[n++] = '_';
        sep = 0;
        out[n++] = (char)tolower((unsigned char)*c);
    }
    out[n] = '\0';
}

size_t mn_vocab_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la >= TERM_CAP || lb >= TERM_CAP)
        return la > lb ? la : lb;
    static _Thread_local size_t d[TERM_CAP][TERM_CAP];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

/* Edits a typo may hold: none for names of 3 letters or fewer (too many real words sit one
 * letter from "hiv" or "asa"), one up to 6 letters, two beyond. Assumption: a tuning of
 * spell-checkers' usual 1-2 edit radius, chosen so every brand name of the table stays
 * more than this far from every other term (checked in tests/clinic/test_vocab.c). */
static size_t typo_radius(size_t len)
{
    return len <= 3 ? 0 : len <= 6 ? 1 : 2;
}

typedef struct best {
    size_t dist;
    char term[TERM_CAP], name[TERM_CAP];
} best;

static void consider(best *b, const char *in, const char *term, const char *name)
{
    size_t dist = mn_vocab_distance(in, term);
    if (dist < b->dist) {
        b->dist = dist;
        snprintf(b->term, sizeof b->term, "%s", term);
        snprintf(b->name, sizeof b->name, "%s", name);
    }
}

static void hint_of(const best *b, char *hint, size_t cap)
{
    if (strcmp(b->term, b->name) == 0)
        snprintf(hint, cap, "%s", b->name);
    else
        snprintf(hint, cap, "%s (%s)", b->term, b->name);
}

mn_status mn_vocab_resolve(const char *kind, const char *input, char *out, size_t cap,
                           mn_term_match *match, char *hint, size_t hint_cap)
{
    mn_table *t = NULL;
    char in[TERM_CAP], term[TERM_CAP];
    normalise(input, in, sizeof in);
    snprintf(out, cap, "%s", in);
    if (hint_cap)
        hint[0] = '\0';
    *match = MN_TERM_UNKNOWN;
    MN_TRY(mn_table_load_embedded("patient_terms.csv", &t));
    int kc = mn_table_col(t, "kind"), nc = mn_table_col(t, "name"),
        sc = mn_table_col(t, "synonyms");
    best near = {(size_t)-1, "", ""}, part = {(size_t)-1, "", ""};
    for (size_t r = 0; r < mn_table_rows(t) && *match != MN_TERM_KNOWN; r++) {
        if (strcmp(mn_table_cell(t, r, kc), kind) != 0)
            continue;
        const char *name = mn_table_cell(t, r, nc);
        const char *syn = sc >= 0 ? mn_table_cell(t, r, sc) : "";
        /* The canonical name, then each ';'-separated synonym. */
        for (const char *p = name, *next = syn; p; p = next, next = NULL) {
            while (p && *p) {
                const char *semi = strchr(p, ';');
                size_t len = semi ? (size_t)(semi - p) : strlen(p);
                char raw[TERM_CAP];
                snprintf(raw, sizeof raw, "%.*s", (int)(len < TERM_CAP - 1 ? len : TERM_CAP - 1),
                         p);
                normalise(raw, term, sizeof term);
                if (strcmp(term, in) == 0) {
                    snprintf(out, cap, "%s", name);
                    *match = MN_TERM_KNOWN;
                    break;
                }
                consider(&near, in, term, name);
                /* A known word inside a longer phrase ("severe acne") is a related term. */
                if (strlen(term) >= 4 && strstr(in, term) && part.dist == (size_t)-1) {
                    part.dist = 0;
                    snprintf(part.term, sizeof part.term, "%s", term);
                    snprintf(part.name, sizeof part.name, "%s", name);
                }
                p = semi ? semi + 1 : NULL;
            }
            if (*match == MN_TERM_KNOWN)
                break;
        }
    }
    mn_table_free(t);
    if (*match == MN_TERM_KNOWN)
        return MN_OK;
    size_t len = strlen(in);
    if (near.dist <= typo_radius(len) && near.dist > 0) {
        *match = MN_TERM_MISSPELT;
        hint_of(&near, hint, hint_cap);
    } else if (part.dist == 0) {
        hint_of(&part, hint, hint_cap);
    } else if (near.dist != (size_t)-1 && 2 * near.dist <= len) {
        hint_of(&near, hint, hint_cap);
    }
    return MN_OK;
}

mn_status mn_vocab_known(const char *kind, const char *name, int *known)
{
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("patient_terms.csv", &t));
    int kc = mn_table_col(t, "kind"), nc = mn_table_col(t, "name");
    *known = 0;
    for (size_t r = 0; r < mn_table_rows(t) && !*known; r++)
        *known = strcmp(mn_table_cell(t, r, kc), kind) == 0 &&
                 strcmp(mn_table_cell(t, r, nc), name) == 0;
    mn_table_free(t);
    return MN_OK;
}
