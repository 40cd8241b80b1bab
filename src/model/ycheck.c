#include "model/ycheck.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cnum.h"
#include "core/error.h"

const char *mn_y_path(char *buf, size_t cap, const char *path, const char *key)
{
    if (!path || !*path)
        snprintf(buf, cap, "%s", key);
    else
        snprintf(buf, cap, "%s.%s", path, key);
    return buf;
}

mn_status mn_y_error(const mn_ydoc *doc, const mn_ynode *at, const char *path, const char *fmt, ...)
{
    char problem[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem, sizeof problem, fmt, ap);
    va_end(ap);
    return mn_error_set(MN_EINPUT, "%s:%d:%d: %s: %s", doc->file, at ? at->line : 1,
                        at ? at->col : 1, (path && *path) ? path : "(top level)", problem);
}

static const char *kind_name(mn_ykind k)
{
    return k == MN_Y_MAP ? "a mapping" : k == MN_Y_SEQ ? "a list" : "a single value";
}

mn_status mn_y_expect(const mn_ydoc *doc, const mn_ynode *n, mn_ykind kind, const char *path)
{
    if (n->kind != kind)
        return mn_y_error(doc, n, path, "is %s (expected %s)", kind_name(n->kind), kind_name(kind));
    return MN_OK;
}

mn_status mn_y_expect_list(const mn_ydoc *doc, const mn_ynode *n, const char *path, size_t cap)
{
    MN_TRY(mn_y_expect(doc, n, MN_Y_SEQ, path));
    if (n->n > cap)
        return mn_y_error(doc, n, path, "%zu entries (expected at most %zu)", n->n, cap);
    return MN_OK;
}

mn_status mn_y_check_keys(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                          const char *const *allowed)
{
    MN_TRY(mn_y_expect(doc, map, MN_Y_MAP, path));
    for (size_t i = 0; i < map->n; i++) {
        const char *k = map->keys[i]->value;
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, k) == 0)
                ok = 1;
        if (!ok) {
            char list[1024] = "", p[256];
            size_t used = 0;
            for (const char *const *a = allowed; *a && used < sizeof list - 64; a++)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                         a == allowed ? "" : ", ", *a);
            return mn_y_error(doc, map->keys[i], mn_y_path(p, sizeof p, path, k),
                              "unknown key (expected one of: %s)", list);
        }
    }
    return MN_OK;
}

mn_status mn_y_require(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key)
{
    char p[256];
    if (!mn_ynode_get(map, key))
        return mn_y_error(doc, map, mn_y_path(p, sizeof p, path, key),
                          "missing required key (expected it in this mapping)");
    return MN_OK;
}

static mn_status scalar_of(const mn_ydoc *doc, const mn_ynode *n, const char *path,
                           const char *expected)
{
    if (n->kind != MN_Y_SCALAR)
        return mn_y_error(doc, n, path, "is %s (expected %s)", kind_name(n->kind), expected);
    return MN_OK;
}

/* YAML 1.2 core schema (yaml.org/spec/1.2.2, 10.3.2), the only number forms a key accepts:
 * integers [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+; floats
 * [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?. strtod alone would also take C's hex
 * floats (0x1p3), "infinity", "nan" and leading blanks. Returns 1 for an integer (its value, or
 * ERANGE, in *v), 2 for a decimal float, 0 for anything else. */
static int core_number(const char *s, unsigned long long *v, int *neg, int *range)
{
    *v = 0;
    *neg = 0;
    *range = 0;
    int base = 10;
    const char *p = s;
    if (p[0] == '0' && (p[1] == 'o' || p[1] == 'x')) {
        base = p[1] == 'o' ? 8 : 16;
        p += 2;
    } else if (*p == '-' || *p == '+') {
        *neg = *p == '-';
        p++;
    }
    const char *digits = p;
    for (;; p++) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            break;
        if (d >= base)
            return 0;
        if (*v > (~0ULL - (unsigned)d) / (unsigned)base)
            *range = 1;
        else
            *v = *v * (unsigned)base + (unsigned)d;
    }
    if (*p == '\0')
        return p > digits ? 1 : 0;
    if (base != 10)
        return 0;
    /* A float: digits so far, then an optional fraction and exponent. */
    int mantissa = p > digits;
    if (*p == '.') {
        p++;
        const char *frac = p;
        while (*p >= '0' && *p <= '9')
            p++;
        mantissa = mantissa || p > frac;
    }
    if (!mantissa)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        const char *exp = p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == exp)
            return 0;
    }
    return *p == '\0' ? 2 : 0;
}

/* YAML 1.1 spells non-finite numbers .nan, .inf, -.inf (any case); strtod does not. */
static int yaml_non_finite(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    return strcasecmp(s, ".nan") == 0 || strcasecmp(s, ".inf") == 0;
}

mn_status mn_y_node_double(const mn_ydoc *doc, const mn_ynode *n, const char *path, double lo,
                           double hi, double *out)
{
    char expected[128];
    snprintf(expected, sizeof expected, "a number in [%g, %g]", lo, hi);
    MN_TRY(scalar_of(doc, n, path, expected));
    const char *s = n->value;
    char *end;
    errno = 0;
    unsigned long long iv;
    int neg, range;
    int form = core_number(s, &iv, &neg, &range);
    double v = form == 2 || (form == 1 && !(s[0] == '0' && (s[1] == 'x' || s[1] == 'o')))
                   ? mn_strtod(s, &end)
                   : (double)iv;
    if (form == 1 && range)
        errno = ERANGE;
    if (n->plain && yaml_non_finite(s))
        v = NAN;
    else if (!form || !n->plain)
        return mn_y_error(doc, n, path, "'%.40s' is not a number (expected %s)", s, expected);
    if (!isfinite(v) || errno == ERANGE)
        return mn_y_error(doc, n, path, "'%.40s' is not a finite number (expected %s)", s,
                          expected);
    if (v < lo || v > hi)
        return mn_y_error(doc, n, path, "%g is out of range (expected %s)", v, expected);
    *out = v;
    return MN_OK;
}

mn_status mn_y_double(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key,
                      double lo, double hi, double *out)
{
    const mn_ynode *n = mn_ynode_get(map, key);
    char p[256];
    if (!n)
        return MN_OK;
    return mn_y_node_double(doc, n, mn_y_path(p, sizeof p, path, key), lo, hi, out);
}

mn_status mn_y_int(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key,
                   long lo, long hi, long *out)
{
    const mn_ynode *n = mn_ynode_get(map, key);
    char p[256], expected[128];
    if (!n)
        return MN_OK;
    mn_y_path(p, sizeof p, path, key);
    snprintf(expected, sizeof expected, "a whole number in [%ld, %ld]", lo, hi);
    MN_TRY(scalar_of(doc, n, p, expected));
    unsigned long long mag;
    int neg, range;
    if (core_number(n->value, &mag, &neg, &range) != 1 || range ||
        mag > (unsigned long long)LONG_MAX || !n->plain)
        return mn_y_error(doc, n, p, "'%.40s' is not a whole number (expected %s)", n->value,
                          expected);
    long v = neg ? -(long)mag : (long)mag;
    if (v < lo || v > hi)
        return mn_y_error(doc, n, p, "%ld is out of range (expected %s)", v, expected);
    *out = v;
    return MN_OK;
}

mn_status mn_y_uint64(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key,
                      unsigned long long *out)
{
    const mn_ynode *n = mn_ynode_get(map, key);
    char p[256];
    const char *expected = "a whole number in [0, 18446744073709551615]";
    if (!n)
        return MN_OK;
    mn_y_path(p, sizeof p, path, key);
    MN_TRY(scalar_of(doc, n, p, expected));
    unsigned long long v;
    int neg, range;
    if (core_number(n->value, &v, &neg, &range) != 1 || range || (neg && v != 0) || !n->plain)
        return mn_y_error(doc, n, p, "'%.40s' is not a non-negative whole number (expected %s)",
                          n->value, expected);
    *out = v;
    return MN_OK;
}

mn_status mn_y_bool(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key,
                    bool *out)
{
    const mn_ynode *n = mn_ynode_get(map, key);
    char p[256];
    if (!n)
        return MN_OK;
    mn_y_path(p, sizeof p, path, key);
    MN_TRY(scalar_of(doc, n, p, "true or false"));
    if (n->plain && (strcmp(n->value, "true") == 0 || strcmp(n->value, "True") == 0))
        *out = true;
    else if (n->plain && (strcmp(n->value, "false") == 0 || strcmp(n->value, "False") == 0))
        *out = false;
    else
        return mn_y_error(doc, n, p, "'%.40s' is not a boolean (expected true or false)", n->value);
    return MN_OK;
}

mn_status mn_y_node_choice(const mn_ydoc *doc, const mn_ynode *n, const char *path,
                           const char *const *choices, int *out)
{
    char list[1024] = "";
    size_t used = 0;
    for (const char *const *c = choices; *c && used < sizeof list - 64; c++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", c == choices ? "" : " | ",
                                 *c);
    char expected[1100];
    snprintf(expected, sizeof expected, "one of %s", list);
    MN_TRY(scalar_of(doc, n, path, expected));
    for (int i = 0; choices[i]; i++)
        if (strcmp(choices[i], n->value) == 0) {
            *out = i;
            return MN_OK;
        }
    return mn_y_error(doc, n, path, "unknown value '%.60s' (expected %s)", n->value, expected);
}

mn_status mn_y_choice(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key,
                      const char *const *choices, int *out)
{
    const mn_ynode *n = mn_ynode_get(map, key);
    char p[256];
    if (!n)
        return MN_OK;
    return mn_y_node_choice(doc, n, mn_y_path(p, sizeof p, path, key), choices, out);
}

mn_status mn_y_node_string(const mn_ydoc *doc, const mn_ynode *n, const char *path, char *out,
                           size_t cap)
{
    char expected[96];
    snprintf(expected, sizeof expected, "text of at most %zu characters", cap - 1);
    MN_TRY(scalar_of(doc, n, path, expected));
    size_t len = strlen(n->value);
    if (len >= cap)
        return mn_y_error(doc, n, path, "text of %zu characters is too long (expected %s)", len,
                          expected);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)n->value[i] < 0x20)
            return mn_y_error(doc, n, path, "contains a control character (expected %s)", expected);
    memcpy(out, n->value, len + 1);
    return MN_OK;
}

mn_status mn_y_string(const mn_ydoc *doc, const mn_ynode *map, const char *path, const char *key,
                      char *out, size_t cap)
{
    const mn_ynode *n = mn_ynode_get(map, key);
    char p[256];
    if (!n)
        return MN_OK;
    return mn_y_node_string(doc, n, mn_y_path(p, sizeof p, path, key), out, cap);
}
