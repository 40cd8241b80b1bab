#include "core/table.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cnum.h"
#include "core/error.h"

struct mn_table {
    char name[64];
    int cached; /* owned by the process-wide cache: mn_table_free leaves it alone */
    size_t ncols, nrows;
    char **cells;  /* (nrows + 1) * ncols, row 0 is the header */
    size_t *lines; /* source line of each row, header included */
};

/* Growable list of cell strings while parsing. */
typedef struct {
    char **v;
    size_t n, cap;
} strvec;

static mn_status strvec_push(strvec *s, char *str)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            free(str);
            return mn_error_set(MN_ENOMEM, "out of memory parsing a table");
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = str;
    return MN_OK;
}

/* Reads one field starting at *pos; advances past the delimiter. Sets *eol at end of line. */
static mn_status read_field(const char *name, const char *t, size_t len, size_t *pos, size_t *line,
                            char **out, int *eol)
{
    size_t p = *pos, cap = 32, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return mn_error_set(MN_ENOMEM, "out of memory parsing %s", name);
    int quoted = p < len && t[p] == '"';
    if (quoted)
        p++;
    for (;;) {
        if (p >= len) {
            if (quoted) {
                free(buf);
                return mn_error_set(MN_EINTERNAL, "%s:%zu: unterminated quoted field", name, *line);
            }
            *eol = 1;
            break;
        }
        char c = t[p];
        if (quoted) {
            if (c == '"') {
                if (p + 1 < len && t[p + 1] == '"') {
                    p += 2;
                    c = '"';
                } else {
                    quoted = 0;
                    p++;
                    continue;
                }
            } else {
                if (c == '\n')
                    (*line)++;
                p++;
            }
        } else {
            if (c == ',') {
                p++;
                *eol = 0;
                break;
            }
            if (c == '\n' || c == '\r') {
                if (c == '\r' && p + 1 < len && t[p + 1] == '\n')
                    p++;
                p++;
                *eol = 1;
                break;
            }
            p++;
        }
        if (n + 2 > cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                return mn_error_set(MN_ENOMEM, "out of memory parsing %s", name);
            }
            buf = nb;
        }
        buf[n++] = c;
    }
    buf[n] = '\0';
    *pos = p;
    *out = buf;
    return MN_OK;
}

mn_status mn_table_parse(const char *name, const char *text, size_t len, mn_table **out)
{
    mn_status st = MN_OK;
    strvec cells = {0};
    size_t *lines = NULL, nlines = 0, lines_cap = 0;
    size_t ncols = 0, pos = 0, line = 1;
    mn_table *t = NULL;
    *out = NULL;

    while (pos < len) {
        /* Skip comments and blank lines. */
        if (text[pos] == '#' || text[pos] == '\n' || text[pos] == '\r') {
            while (pos < len && text[pos] != '\n')
                pos++;
            pos++;
            line++;
            continue;
        }
        size_t row_line = line, nfields = 0;
        int eol = 0;
        while (!eol) {
            char *field = NULL;
            MN_TRY_GOTO(read_field(name, text, len, &pos, &line, &field, &eol), fail);
            MN_TRY_GOTO(strvec_push(&cells, field), fail);
            nfields++;
        }
        line++;
        if (ncols == 0)
            ncols = nfields;
        else if (nfields != ncols) {
            st = mn_error_set(MN_EINTERNAL, "%s:%zu: %zu fields where the header has %zu", name,
                              row_line, nfields, ncols);
            goto fail;
        }
        if (nlines == lines_cap) {
            lines_cap = lines_cap ? 2 * lines_cap : 32;
            size_t *nl = realloc(lines, lines_cap * sizeof *nl);
            if (!nl) {
                st = mn_error_set(MN_ENOMEM, "out of memory parsing %s", name);
                goto fail;
            }
            lines = nl;
        }
        lines[nlines++] = row_line;
    }
    if (ncols == 0) {
        st = mn_error_set(MN_EINTERNAL, "%s: table has no header", name);
        goto fail;
    }
    t = calloc(1, sizeof *t);
    if (!t) {
        st = mn_error_set(MN_ENOMEM, "out of memory parsing %s", name);
        goto fail;
    }
    snprintf(t->name, sizeof t->name, "%s", name);
    t->ncols = ncols;
    t->nrows = nlines - 1;
    t->cells = cells.v;
    t->lines = lines;
    *out = t;
    return MN_OK;
fail:
    for (size_t i = 0; i < cells.n; i++)
        free(cells.v[i]);
    free(cells.v);
    free(lines);
    return st;
}

/* Embedded tables are parsed once per process and shared read-only: a `mnsim plan` looks up
 * the same tables hundreds of times. The lock covers lookup and the one parse; readers of a
 * cached table need none, since nothing writes it after the parse. Tables stay until exit. */
enum { TABLE_CACHE_CAP = 128 };
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static mn_table *cache[TABLE_CACHE_CAP];
static size_t cache_n;
static unsigned long cache_parses;

unsigned long mn_table_cache_parses(void)
{
    pthread_mutex_lock(&cache_lock);
    unsigned long n = cache_parses;
    pthread_mutex_unlock(&cache_lock);
    return n;
}

mn_status mn_table_load_embedded(const char *name, mn_table **out)
{
    const char *text;
    size_t len;
    mn_status st = MN_OK;
    *out = NULL;
    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < cache_n; i++)
        if (strcmp(cache[i]->name, name) == 0) {
            *out = cache[i];
            goto done;
        }
    MN_TRY_GOTO(mn_embedded_get(name, &text, &len), done);
    MN_TRY_GOTO(mn_table_parse(name, text, len, out), done);
    cache_parses++;
    /* Names longer than the name field could not be found again: keep them uncached. */
    if (cache_n < TABLE_CACHE_CAP && strlen(name) < sizeof(*out)->name) {
        (*out)->cached = 1;
        cache[cache_n++] = *out;
    }
done:
    pthread_mutex_unlock(&cache_lock);
    return st;
}

void mn_table_free(mn_table *t)
{
    if (!t || t->cached)
        return;
    for (size_t i = 0; i < (t->nrows + 1) * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->lines);
    free(t);
}

size_t mn_table_rows(const mn_table *t)
{
    return t->nrows;
}

size_t mn_table_cols(const mn_table *t)
{
    return t->ncols;
}

const char *mn_table_header(const mn_table *t, size_t col)
{
    return col < t->ncols ? t->cells[col] : "";
}

int mn_table_col(const mn_table *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->cells[c], name) == 0)
            return (int)c;
    return -1;
}

const char *mn_table_cell(const mn_table *t, size_t row, int col)
{
    if (col < 0 || (size_t)col >= t->ncols || row >= t->nrows)
        return "";
    return t->cells[(row + 1) * t->ncols + (size_t)col];
}

size_t mn_table_line(const mn_table *t, size_t row)
{
    return row < t->nrows ? t->lines[row + 1] : 0;
}

mn_status mn_table_text(const mn_table *t, size_t row, const char *col, const char **out)
{
    int c = mn_table_col(t, col);
    if (c < 0)
        return mn_error_set(MN_EINTERNAL, "%s: no column '%s'", t->name, col);
    *out = mn_table_cell(t, row, c);
    return MN_OK;
}

static mn_status parse_number(const mn_table *t, size_t row, const char *col, const char *s,
                              double *out)
{
    char *end;
    errno = 0;
    double v = mn_strtod(s, &end);
    while (*end == ' ')
        end++;
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return mn_error_set(MN_EINTERNAL, "%s:%zu: column '%s': '%s' is not a number", t->name,
                            mn_table_line(t, row), col, s);
    *out = v;
    return MN_OK;
}

mn_status mn_table_double(const mn_table *t, size_t row, const char *col, double *out)
{
    const char *s = "";
    MN_TRY(mn_table_text(t, row, col, &s));
    if (!*s)
        return mn_error_set(MN_EINTERNAL, "%s:%zu: column '%s' is empty", t->name,
                            mn_table_line(t, row), col);
    return parse_number(t, row, col, s, out);
}

mn_status mn_table_double_or(const mn_table *t, size_t row, const char *col, double fallback,
                             double *out)
{
    const char *s = "";
    MN_TRY(mn_table_text(t, row, col, &s));
    if (!*s) {
        *out = fallback;
        return MN_OK;
    }
    return parse_number(t, row, col, s, out);
}

long mn_table_find(const mn_table *t, const char *col, const char *key)
{
    int c = mn_table_col(t, col);
    if (c < 0)
        return -1;
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(mn_table_cell(t, r, c), key) == 0)
            return (long)r;
    return -1;
}
