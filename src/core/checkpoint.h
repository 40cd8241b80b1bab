/* A checkpoint: named binary blobs ("run/next_session", "run/summary_json",
 * "healing/state", ...) serialised into one self-checking byte string. Stages add their own
 * state under their own prefix; the run writes the whole container atomically
 * (run/checkpoint_run.h). The container knows nothing about what the blobs mean.
 *
 * Format (little-endian as written by this machine; checkpoints are resumed by the same build):
 *   "MNSIMCKP" u32 format_version u32 entries
 *   entries x { u32 key_len, key bytes, u64 blob_len, blob bytes }
 *   u64 FNV-1a hash of everything before it
 * Parsing validates every length against the remaining bytes and the hash, so a truncated or
 * corrupted file is an input error, never a crash. */
#ifndef MN_CORE_CHECKPOINT_H
#define MN_CORE_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "mnsim/status.h"

enum { MN_CHECKPOINT_FORMAT = 1, MN_CHECKPOINT_MAX_ENTRIES = 4096 };

typedef struct mn_checkpoint mn_checkpoint;

mn_status mn_checkpoint_create(mn_checkpoint **out);
void mn_checkpoint_free(mn_checkpoint *c);

/* Stores a copy of data under key, replacing an earlier blob of that key. */
mn_status mn_checkpoint_put(mn_checkpoint *c, const char *key, const void *data, size_t len);
mn_status mn_checkpoint_put_u64(mn_checkpoint *c, const char *key, uint64_t v);
mn_status mn_checkpoint_put_text(mn_checkpoint *c, const char *key, const char *text);

/* The blob of key (owned by c) or MN_EINPUT naming the missing key. */
mn_status mn_checkpoint_get(const mn_checkpoint *c, const char *key, const void **data,
                            size_t *len);
int mn_checkpoint_has(const mn_checkpoint *c, const char *key);
mn_status mn_checkpoint_get_u64(const mn_checkpoint *c, const char *key, uint64_t *v);
/* A text blob, NUL-terminated (owned by c). */
mn_status mn_checkpoint_get_text(const mn_checkpoint *c, const char *key, const char **text);

/* Copies every entry of src into dst (replacing equal keys). */
mn_status mn_checkpoint_merge(mn_checkpoint *dst, const mn_checkpoint *src);
size_t mn_checkpoint_count(const mn_checkpoint *c);
const char *mn_checkpoint_key(const mn_checkpoint *c, size_t i);

/* Serialises into a malloc'd buffer (caller frees). */
mn_status mn_checkpoint_serialize(const mn_checkpoint *c, unsigned char **buf, size_t *len);
/* Parses bytes; label names the source in messages. */
mn_status mn_checkpoint_parse(const char *label, const unsigned char *buf, size_t len,
                              mn_checkpoint **out);

/* 64-bit FNV-1a, continuing from h (start with MN_FNV_OFFSET). */
#define MN_FNV_OFFSET 0xcbf29ce484222325ULL
uint64_t mn_fnv1a(uint64_t h, const void *data, size_t len);

#endif
