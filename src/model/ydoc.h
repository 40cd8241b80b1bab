/* A YAML document as a small tree that remembers where each node stood in its file, so every
 * validation message can say FILE:LINE:COL. Built on libyaml's parser; anchors and aliases are
 * refused (no alias bombs), and depth, node count and scalar length are bounded. */
#ifndef MN_MODEL_YDOC_H
#define MN_MODEL_YDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "mnsim/status.h"

typedef enum mn_ykind { MN_Y_SCALAR, MN_Y_MAP, MN_Y_SEQ } mn_ykind;

typedef struct mn_ynode {
    mn_ykind kind;
    int line, col;          /* 1-based */
    char *value;            /* scalar text */
    bool plain;             /* scalar written without quotes (so `no` may be a boolean) */
    size_t n;               /* entries of a map or items of a sequence */
    struct mn_ynode **keys; /* map keys (scalars), NULL for sequences */
    struct mn_ynode **items;
} mn_ynode;

typedef struct mn_ydoc {
    char *file; /* label used in messages */
    mn_ynode *root;
    size_t nodes;
} mn_ydoc;

/* Limits against hostile input. */
enum {
    MN_YDOC_MAX_BYTES = 4 << 20,
    MN_YDOC_MAX_DEPTH = 32,
    MN_YDOC_MAX_NODES = 200000,
    MN_YDOC_MAX_SCALAR = 65536
};

mn_status mn_ydoc_parse(const char *file_label, const char *text, size_t len, mn_ydoc **out);
mn_status mn_ydoc_load(const char *path, mn_ydoc **out);
/* The bytes of a YAML file (NUL-terminated; at most MN_YDOC_MAX_BYTES + 1, so the parser can
 * report an oversized file); refuses FIFOs and devices without blocking. */
mn_status mn_ydoc_read_file(const char *path, char **text, size_t *len);
void mn_ydoc_free(mn_ydoc *doc);

/* Value of key in a map, or NULL. */
const mn_ynode *mn_ynode_get(const mn_ynode *map, const char *key);

#endif
