#include "model/ydoc.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/error.h"

/* Keys of one mapping. Duplicate keys are found by a linear scan, so without a bound a map of
 * 100 000 keys (2 MB of text) takes minutes (found by tests/hardening/hostile_yaml.sh); no
 * mnsim mapping has more than a few dozen keys. */
enum { MAX_MAP_KEYS = 1024 };

typedef struct {
    yaml_parser_t parser;
    mn_ydoc *doc;
} builder;

static mn_status node_new(builder *b, mn_ykind kind, const yaml_mark_t *mark, mn_ynode **out)
{
    if (++b->doc->nodes > MN_YDOC_MAX_NODES)
        return mn_error_set(MN_EINPUT, "%s:%zu:%zu: document has more than %d nodes", b->doc->file,
                            mark->line + 1, mark->column + 1, MN_YDOC_MAX_NODES);
    mn_ynode *n = calloc(1, sizeof *n);
    if (!n)
        return mn_error_set(MN_ENOMEM, "out of memory reading %s", b->doc->file);
    n->kind = kind;
    n->line = (int)mark->line + 1;
    n->col = (int)mark->column + 1;
    *out = n;
    return MN_OK;
}

static void node_free(mn_ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        if (n->keys)
            node_free(n->keys[i]);
        node_free(n->items[i]);
    }
    free(n->keys);
    free(n->items);
    free(n->value);
    free(n);
}

static mn_status next_event(builder *b, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&b->parser, ev)) {
        const char *problem = b->parser.problem ? b->parser.problem : "malformed YAML";
        return mn_error_set(MN_EINPUT, "%s:%zu:%zu: not valid YAML: %s", b->doc->file,
                            b->parser.problem_mark.line + 1, b->parser.problem_mark.column + 1,
                            problem);
    }
    return MN_OK;
}

static mn_status append(builder *b, mn_ynode *parent, mn_ynode *key, mn_ynode *item)
{
    if ((parent->n & (parent->n - 1)) == 0) { /* grow at powers of two */
        size_t cap = parent->n ? 2 * parent->n : 4;
        mn_ynode **items = realloc(parent->items, cap * sizeof *items);
        if (!items)
            return mn_error_set(MN_ENOMEM, "out of memory reading %s", b->doc->file);
        parent->items = items;
        if (parent->kind == MN_Y_MAP) {
            mn_ynode **keys = realloc(parent->keys, cap * sizeof *keys);
            if (!keys)
                return mn_error_set(MN_ENOMEM, "out of memory reading %s", b->doc->file);
            parent->keys = keys;
        }
    }
    if (parent->kind == MN_Y_MAP)
        parent->keys[parent->n] = key;
    parent->items[parent->n++] = item;
    return MN_OK;
}

static mn_status build_node(builder *b, yaml_event_t *ev, int depth, mn_ynode **out);

static mn_status build_children(builder *b, mn_ynode *parent, int depth)
{
    mn_status st = MN_OK;
    for (;;) {
        yaml_event_t ev;
        MN_TRY(next_event(b, &ev));
        if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return MN_OK;
        }
        mn_ynode *key = NULL, *item = NULL;
        if (parent->kind == MN_Y_MAP && parent->n >= MAX_MAP_KEYS) {
            st = mn_error_set(MN_EINPUT, "%s:%d:%d: mapping has more than %d keys", b->doc->file,
                              parent->line, parent->col, MAX_MAP_KEYS);
            goto fail;
        }
        if (parent->kind == MN_Y_MAP) {
            MN_TRY_GOTO(build_node(b, &ev, depth + 1, &key), fail);
            yaml_event_delete(&ev);
            if (key->kind != MN_Y_SCALAR) {
                st = mn_error_set(MN_EINPUT, "%s:%d:%d: a mapping key must be a plain name",
                                  b->doc->file, key->line, key->col);
                goto fail;
            }
            if (mn_ynode_get(parent, key->value)) {
                st = mn_error_set(MN_EINPUT,
                                  "%s:%d:%d: %s: key given twice (expected each key once)",
                                  b->doc->file, key->line, key->col, key->value);
                goto fail;
            }
            MN_TRY_GOTO(next_event(b, &ev), fail);
        }
        MN_TRY_GOTO(build_node(b, &ev, depth + 1, &item), fail);
        yaml_event_delete(&ev);
        MN_TRY_GOTO(append(b, parent, key, item), fail);
        continue;
    fail:
        yaml_event_delete(&ev);
        node_free(key);
        node_free(item);
        return st;
    }
}

static mn_status build_node(builder *b, yaml_event_t *ev, int depth, mn_ynode **out)
{
    *out = NULL;
    if (depth > MN_YDOC_MAX_DEPTH)
        return mn_error_set(MN_EINPUT, "%s:%zu:%zu: nesting deeper than %d levels", b->doc->file,
                            ev->start_mark.line + 1, ev->start_mark.column + 1, MN_YDOC_MAX_DEPTH);
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        return mn_error_set(MN_EINPUT,
                            "%s:%zu:%zu: YAML aliases (*name) are not supported in mnsim files "
                            "(expected the value written out)",
                            b->doc->file, ev->start_mark.line + 1, ev->start_mark.column + 1);
    case YAML_SCALAR_EVENT: {
        if (ev->data.scalar.length > MN_YDOC_MAX_SCALAR)
            return mn_error_set(MN_EINPUT, "%s:%zu:%zu: value longer than %d characters",
                                b->doc->file, ev->start_mark.line + 1, ev->start_mark.column + 1,
                                MN_YDOC_MAX_SCALAR);
        /* A "\0" escape would cut the value short where C reads it: refuse it. */
        if (memchr(ev->data.scalar.value, 0, ev->data.scalar.length))
            return mn_error_set(MN_EINPUT,
                                "%s:%zu:%zu: value holds a NUL character (a \\0 or \\x00 "
                                "escape; expected text without one)",
                                b->doc->file, (size_t)ev->start_mark.line + 1,
                                (size_t)ev->start_mark.column + 1);
        MN_TRY(node_new(b, MN_Y_SCALAR, &ev->start_mark, out));
        (*out)->value = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
        (*out)->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (!(*out)->value) {
            node_free(*out);
            *out = NULL;
            return mn_error_set(MN_ENOMEM, "out of memory reading %s", b->doc->file);
        }
        return MN_OK;
    }
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT: {
        mn_ykind kind = ev->type == YAML_MAPPING_START_EVENT ? MN_Y_MAP : MN_Y_SEQ;
        MN_TRY(node_new(b, kind, &ev->start_mark, out));
        mn_status st = build_children(b, *out, depth);
        if (st != MN_OK) {
            node_free(*out);
            *out = NULL;
        }
        return st;
    }
    default:
        return mn_error_set(MN_EINPUT, "%s:%zu:%zu: unexpected YAML structure", b->doc->file,
                            ev->start_mark.line + 1, ev->start_mark.column + 1);
    }
}

mn_status mn_ydoc_parse(const char *file_label, const char *text, size_t len, mn_ydoc **out)
{
    mn_status st = MN_OK;
    *out = NULL;
    if (len > MN_YDOC_MAX_BYTES)
        return mn_error_set(MN_EINPUT, "%s: file is larger than %d bytes", file_label,
                            MN_YDOC_MAX_BYTES);
    builder b;
    memset(&b, 0, sizeof b);
    b.doc = calloc(1, sizeof *b.doc);
    if (!b.doc || !(b.doc->file = strdup(file_label))) {
        free(b.doc);
        return mn_error_set(MN_ENOMEM, "out of memory reading %s", file_label);
    }
    if (!yaml_parser_initialize(&b.parser)) {
        mn_ydoc_free(b.doc);
        return mn_error_set(MN_ENOMEM, "out of memory reading %s", file_label);
    }
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);

    yaml_event_t ev;
    int have_event = 0;
    for (;;) {
        MN_TRY_GOTO(next_event(&b, &ev), done);
        have_event = 1;
        if (ev.type == YAML_STREAM_END_EVENT)
            break;
        if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_END_EVENT) {
            yaml_event_delete(&ev);
            have_event = 0;
            continue;
        }
        if (ev.type == YAML_DOCUMENT_START_EVENT) {
            if (b.doc->root) {
                st = mn_error_set(MN_EINPUT, "%s:%zu:%zu: more than one YAML document", file_label,
                                  ev.start_mark.line + 1, ev.start_mark.column + 1);
                goto done;
            }
            yaml_event_delete(&ev);
            have_event = 0;
            continue;
        }
        MN_TRY_GOTO(build_node(&b, &ev, 0, &b.doc->root), done);
        yaml_event_delete(&ev);
        have_event = 0;
    }
    if (!b.doc->root) {
        st = mn_error_set(MN_EINPUT, "%s:1:1: (top level): file is empty (expected a mapping)",
                          file_label);
        goto done;
    }
done:
    if (have_event)
        yaml_event_delete(&ev);
    yaml_parser_delete(&b.parser);
    if (st != MN_OK) {
        mn_ydoc_free(b.doc);
        return st;
    }
    *out = b.doc;
    return MN_OK;
}

mn_status mn_ydoc_read_file(const char *path, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    /* Opened without blocking and checked before reading: a FIFO would block forever, a
     * device (/dev/zero, /dev/urandom) never ends. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return mn_error_set(MN_EINPUT, "%s: cannot open file: %m", path);
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return mn_error_set(MN_EINPUT,
                            "%s: is not a regular file (a FIFO, device or folder; expected a "
                            "YAML file)",
                            path);
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return mn_error_set(MN_EINPUT, "%s: cannot open file: %m", path);
    }
    char *buf = malloc(MN_YDOC_MAX_BYTES + 2);
    if (!buf) {
        fclose(f);
        return mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
    }
    size_t got = fread(buf, 1, MN_YDOC_MAX_BYTES + 1, f);
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return mn_error_set(MN_EINPUT, "%s: cannot read file", path);
    }
    buf[got] = '\0';
    *text = buf;
    *len = got;
    return MN_OK;
}

mn_status mn_ydoc_load(const char *path, mn_ydoc **out)
{
    *out = NULL;
    char *buf;
    size_t len;
    MN_TRY(mn_ydoc_read_file(path, &buf, &len));
    mn_status st = mn_ydoc_parse(path, buf, len, out);
    free(buf);
    return st;
}

void mn_ydoc_free(mn_ydoc *doc)
{
    if (!doc)
        return;
    node_free(doc->root);
    free(doc->file);
    free(doc);
}

const mn_ynode *mn_ynode_get(const mn_ynode *map, const char *key)
{
    if (!map || map->kind != MN_Y_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->value, key) == 0)
            return map->items[i];
    return NULL;
}
