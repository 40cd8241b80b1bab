#include "io/report_csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cnum.h"
#include "core/error.h"
#include "io/outdir.h"

/* The report reads only the files of its own run (io/outdir.h), but bounds what it reads all
 * the same: a table's size is what its file holds, never more. punctures.csv of a long course is
 * tens of MB. */
#define TABLE_MAX_BYTES (512L << 20)
#define TABLE_MAX_COLS  256

static mn_status slurp(const char *path, char **out, int *found)
{
    FILE *f = mn_io_fopen_result(path);
    *found = 0;
    *out = NULL;
    if (!f)
        return errno == ENOENT ? MN_OK : mn_error_set(MN_EIO, "%s: %s", path, strerror(errno));
    *found = 1;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len - 1, f);
        if (len < cap - 1)
            break;
        if (cap > (size_t)TABLE_MAX_BYTES) {
            free(buf);
            fclose(f);
            return mn_error_set(MN_EIO, "%s: larger than %ld bytes", path, TABLE_MAX_BYTES);
        }
        char *grown = realloc(buf, cap *= 2);
        if (!grown)
            free(buf);
        buf = grown;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf)
        return mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
    if (bad) {
        free(buf);
        return mn_error_set(MN_EIO, "%s: read failed", path);
    }
    buf[len] = '\0';
    *out = buf;
    return MN_OK;
}

/* Splits a line in place at commas; returns the number of cells (at most cap). */
static size_t split(char *line, char **cells, size_t cap)
{
    size_t n = 0;
    char *p = line;
    while (n < cap) {
        cells[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

/* Parses text (taken over and freed) as a table. */
static mn_status parse_text(const char *path, char *text, mn_rtable *t)
{
    const size_t bytes = strlen(text); /* before the lines are cut apart */
    mn_status st = MN_OK;
    char **cells = NULL;
    /* Lines: '#' comments and blank lines skipped; the first other line is the header. */
    size_t nlines = 1;
    for (char *p = text; *p; p++)
        nlines += *p == '\n';
    char **lines = calloc(nlines, sizeof *lines);
    if (!lines) {
        free(text);
        return mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
    }
    size_t n = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        l[strcspn(l, "\r")] = '\0';
        if (*l && *l != '#')
            lines[n++] = l;
    }
    if (n == 0) {
        st = mn_error_set(MN_EIO, "%s: no header line", path);
        goto done;
    }
    size_t ncol = 1;
    for (char *p = lines[0]; *p; p++)
        ncol += *p == ',';
    /* Every cell of a row takes at least a separator (or the line's end): a table larger than
     * its file is malformed (a wide header over short rows), not a reason to allocate
     * gigabytes. */
    if (ncol > TABLE_MAX_COLS || (n - 1) > bytes / ncol + 1) {
        st = mn_error_set(MN_EIO,
                          "%s: %zu columns x %zu rows in %zu bytes is not a table of this run "
                          "(expected at most %d columns and complete rows)",
                          path, ncol, n - 1, bytes, TABLE_MAX_COLS);
        goto done;
    }
    if (!(cells = calloc(ncol, sizeof *cells))) {
        st = mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    split(lines[0], cells, ncol);
    t->ncol = ncol;
    t->nrow = n - 1;
    t->names = calloc(ncol, sizeof *t->names);
    t->v = malloc((ncol * t->nrow + 1) * sizeof *t->v);
    if (!t->names || !t->v) {
        st = mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    for (size_t c = 0; c < ncol; c++)
        if (!(t->names[c] = strdup(cells[c]))) {
            st = mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
            goto done;
        }
    for (size_t r = 0; r < t->nrow; r++) {
        size_t got = split(lines[r + 1], cells, ncol);
        for (size_t c = 0; c < ncol; c++) {
            char *end = NULL;
            double v = c < got ? mn_strtod(cells[c], &end) : NAN;
            t->v[c * t->nrow + r] = c < got && end != cells[c] && *end == '\0' ? v : NAN;
        }
    }
done:
    free(cells);
    free(lines);
    free(text);
    if (st != MN_OK)
        mn_rtable_free(t);
    return st;
}

mn_status mn_rtable_read(const char *path, mn_rtable *t, int *found)
{
    memset(t, 0, sizeof *t);
    char *text = NULL;
    MN_TRY(slurp(path, &text, found));
    if (!text)
        return MN_OK;
    return parse_text(path, text, t);
}

/* Data lines of an open file: not blank, not '#', not the header (the first other line). */
static int is_data(const char *line, int *seen_header)
{
    if (line[0] == '\n' || line[0] == '\r' || line[0] == '#' || line[0] == '\0')
        return 0;
    if (!*seen_header) {
        *seen_header = 1;
        return 0;
    }
    return 1;
}

mn_status mn_rtable_read_sampled(const char *path, size_t max_rows, mn_rtable *t, int *found)
{
    memset(t, 0, sizeof *t);
    *found = 0;
    FILE *f = mn_io_fopen_result(path);
    if (!f)
        return errno == ENOENT ? MN_OK : mn_error_set(MN_EIO, "%s: %s", path, strerror(errno));
    *found = 1;
    char *line = NULL;
    size_t cap = 0, rows = 0;
    int header = 0;
    while (getline(&line, &cap, f) > 0)
        rows += (size_t)is_data(line, &header);
    const size_t stride = max_rows && rows > max_rows ? (rows + max_rows - 1) / max_rows : 1;
    rewind(f);
    size_t tcap = 1 << 16, len = 0, k = 0;
    char *text = malloc(tcap);
    header = 0;
    ssize_t got;
    while (text && (got = getline(&line, &cap, f)) > 0) {
        int data = is_data(line, &header);
        if (data && k++ % stride != 0)
            continue;
        if (len + (size_t)got + 1 > tcap) {
            while (len + (size_t)got + 1 > tcap)
                tcap *= 2;
            char *grown = realloc(text, tcap);
            if (!grown)
                free(text);
            text = grown;
            if (!text)
                break;
        }
        memcpy(text + len, line, (size_t)got);
        len += (size_t)got;
    }
    int bad = ferror(f);
    free(line);
    fclose(f);
    if (!text)
        return mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
    if (bad) {
        free(text);
        return mn_error_set(MN_EIO, "%s: read failed", path);
    }
    text[len] = '\0';
    return parse_text(path, text, t);
}

int mn_rtable_col(const mn_rtable *t, const char *name)
{
    for (size_t c = 0; c < t->ncol; c++)
        if (strcmp(t->names[c], name) == 0)
            return (int)c;
    return -1;
}

const double *mn_rtable_column(const mn_rtable *t, const char *name)
{
    int c = mn_rtable_col(t, name);
    return c < 0 ? NULL : t->v + (size_t)c * t->nrow;
}

void mn_rtable_free(mn_rtable *t)
{
    if (!t)
        return;
    for (size_t c = 0; t->names && c < t->ncol; c++)
        free(t->names[c]);
    free(t->names);
    free(t->v);
    memset(t, 0, sizeof *t);
}
