#include "core/checkpoint.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static const char MAGIC[8] = {'M', 'N', 'S', 'I', 'M', 'C', 'K', 'P'};
enum { MAX_KEY = 256 };

typedef struct entry {
    char *key;
    unsigned char *data;
    size_t len;
} entry;

struct mn_checkpoint {
    entry *e;
    size_t n, cap;
};

uint64_t mn_fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

mn_status mn_checkpoint_create(mn_checkpoint **out)
{
    MN_ALLOC(*out, 1);
    return MN_OK;
}

void mn_checkpoint_free(mn_checkpoint *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].key);
        free(c->e[i].data);
    }
    free(c->e);
    free(c);
}

static entry *find(const mn_checkpoint *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->e[i].key, key) == 0)
            return &c->e[i];
    return NULL;
}

mn_status mn_checkpoint_put(mn_checkpoint *c, const char *key, const void *data, size_t len)
{
    size_t klen = strlen(key);
    if (klen == 0 || klen > MAX_KEY)
        return mn_error_set(MN_EINTERNAL, "checkpoint key '%.40s' is empty or too long", key);
    /* One spare byte keeps text blobs NUL-terminated in memory. */
    unsigned char *copy = malloc(len + 1);
    if (!copy)
        return mn_error_set(MN_ENOMEM, "out of memory storing checkpoint entry %s", key);
    if (len)
        memcpy(copy, data, len);
    copy[len] = '\0';
    entry *e = find(c, key);
    if (e) {
        free(e->data);
        e->data = copy;
        e->len = len;
        return MN_OK;
    }
    if (c->n >= MN_CHECKPOINT_MAX_ENTRIES) {
        free(copy);
        return mn_error_set(MN_EINTERNAL, "checkpoint holds more than %d entries",
                            MN_CHECKPOINT_MAX_ENTRIES);
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        entry *grown = realloc(c->e, cap * sizeof *grown);
        if (!grown) {
            free(copy);
            return mn_error_set(MN_ENOMEM, "out of memory storing checkpoint entry %s", key);
        }
        c->e = grown;
        c->cap = cap;
    }
    char *k = strdup(key);
    if (!k) {
        free(copy);
        return mn_error_set(MN_ENOMEM, "out of memory storing checkpoint entry %s", key);
    }
    c->e[c->n++] = (entry){k, copy, len};
    return MN_OK;
}

mn_status mn_checkpoint_put_u64(mn_checkpoint *c, const char *key, uint64_t v)
{
    return mn_checkpoint_put(c, key, &v, sizeof v);
}

mn_status mn_checkpoint_put_text(mn_checkpoint *c, const char *key, const char *text)
{
    return mn_checkpoint_put(c, key, text, strlen(text));
}

int mn_checkpoint_has(const mn_checkpoint *c, const char *key)
{
    return find(c, key) != NULL;
}

mn_status mn_checkpoint_get(const mn_checkpoint *c, const char *key, const void **data, size_t *len)
{
    const entry *e = find(c, key);
    if (!e)
        return mn_error_set(MN_EINPUT,
                            "checkpoint has no entry '%s' (expected a checkpoint "
                            "written by this version of mnsim)",
                            key);
    *data = e->data;
    *len = e->len;
    return MN_OK;
}

mn_status mn_checkpoint_get_u64(const mn_checkpoint *c, const char *key, uint64_t *v)
{
    const void *d = NULL;
    size_t len = 0;
    MN_TRY(mn_checkpoint_get(c, key, &d, &len));
    if (len != sizeof *v)
        return mn_error_set(MN_EINPUT, "checkpoint entry '%s' has %zu bytes (expected %zu)", key,
                            len, sizeof *v);
    memcpy(v, d, sizeof *v);
    return MN_OK;
}

mn_status mn_checkpoint_get_text(const mn_checkpoint *c, const char *key, const char **text)
{
    const void *d = NULL;
    size_t len = 0;
    MN_TRY(mn_checkpoint_get(c, key, &d, &len));
    if (memchr(d, '\0', len))
        return mn_error_set(MN_EINPUT, "checkpoint entry '%s' is not text", key);
    *text = d;
    return MN_OK;
}

mn_status mn_checkpoint_merge(mn_checkpoint *dst, const mn_checkpoint *src)
{
    for (size_t i = 0; i < src->n; i++)
        MN_TRY(mn_checkpoint_put(dst, src->e[i].key, src->e[i].data, src->e[i].len));
    return MN_OK;
}

size_t mn_checkpoint_count(const mn_checkpoint *c)
{
    return c->n;
}

const char *mn_checkpoint_key(const mn_checkpoint *c, size_t i)
{
    return i < c->n ? c->e[i].key : NULL;
}

static void put_bytes(unsigned char **p, const void *d, size_t n)
{
    memcpy(*p, d, n);
    *p += n;
}

mn_status mn_checkpoint_serialize(const mn_checkpoint *c, unsigned char **buf, size_t *len)
{
    size_t total = sizeof MAGIC + 4 + 4 + 8;
    for (size_t i = 0; i < c->n; i++)
        total += 4 + strlen(c->e[i].key) + 8 + c->e[i].len;
    unsigned char *b = malloc(total), *p = b;
    if (!b)
        return mn_error_set(MN_ENOMEM, "out of memory writing a checkpoint of %zu bytes", total);
    uint32_t version = MN_CHECKPOINT_FORMAT, n = (uint32_t)c->n;
    put_bytes(&p, MAGIC, sizeof MAGIC);
    put_bytes(&p, &version, 4);
    put_bytes(&p, &n, 4);
    for (size_t i = 0; i < c->n; i++) {
        uint32_t kl = (uint32_t)strlen(c->e[i].key);
        uint64_t bl = c->e[i].len;
        put_bytes(&p, &kl, 4);
        put_bytes(&p, c->e[i].key, kl);
        put_bytes(&p, &bl, 8);
        put_bytes(&p, c->e[i].data, c->e[i].len);
    }
    uint64_t h = mn_fnv1a(MN_FNV_OFFSET, b, (size_t)(p - b));
    put_bytes(&p, &h, 8);
    *buf = b;
    *len = total;
    return MN_OK;
}

/* Reads n bytes at *off if they are there. */
static int take(const unsigned char *buf, size_t len, size_t *off, void *out, size_t n)
{
    if (n > len - *off)
        return 0;
    memcpy(out, buf + *off, n);
    *off += n;
    return 1;
}

mn_status mn_checkpoint_parse(const char *label, const unsigned char *buf, size_t len,
                              mn_checkpoint **out)
{
    *out = NULL;
    char magic[8];
    uint32_t version, n;
    size_t off = 0;
    if (len < sizeof MAGIC + 16 || !take(buf, len, &off, magic, 8) || memcmp(magic, MAGIC, 8) != 0)
        return mn_error_set(MN_EINPUT, "%s: not an mnsim checkpoint", label);
    uint64_t stored;
    memcpy(&stored, buf + len - 8, 8);
    if (mn_fnv1a(MN_FNV_OFFSET, buf, len - 8) != stored)
        return mn_error_set(MN_EINPUT, "%s: checkpoint is damaged (checksum mismatch)", label);
    len -= 8; /* the hash is not an entry */
    take(buf, len, &off, &version, 4);
    take(buf, len, &off, &n, 4);
    if (version != MN_CHECKPOINT_FORMAT)
        return mn_error_set(MN_EINPUT, "%s: checkpoint format %u (expected %d)", label, version,
                            MN_CHECKPOINT_FORMAT);
    if (n > MN_CHECKPOINT_MAX_ENTRIES)
        return mn_error_set(MN_EINPUT, "%s: checkpoint claims %u entries (expected at most %d)",
                            label, n, MN_CHECKPOINT_MAX_ENTRIES);
    mn_checkpoint *c = NULL;
    MN_TRY(mn_checkpoint_create(&c));
    mn_status st = MN_OK;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t kl;
        uint64_t bl;
        char key[MAX_KEY + 1];
        if (!take(buf, len, &off, &kl, 4) || kl == 0 || kl > MAX_KEY ||
            !take(buf, len, &off, key, kl) || !take(buf, len, &off, &bl, 8) || bl > len - off ||
            memchr(key, '\0', kl)) {
            st = mn_error_set(MN_EINPUT, "%s: checkpoint entry %u is malformed", label, i);
            goto fail;
        }
        key[kl] = '\0';
        MN_TRY_GOTO(mn_checkpoint_put(c, key, buf + off, (size_t)bl), fail);
        off += (size_t)bl;
    }
    if (off != len) {
        st = mn_error_set(MN_EINPUT, "%s: checkpoint has %zu trailing bytes", label, len - off);
        goto fail;
    }
    *out = c;
    return MN_OK;
fail:
    mn_checkpoint_free(c);
    return st;
}
