/* libFuzzer target: `mnsim resume` reads a checkpoint file that may be damaged; parsing any
 * bytes must give MN_OK or MN_EINPUT, and a parsed checkpoint must serialise back to the same
 * bytes (the format has one spelling per content, duplicate keys aside). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/checkpoint.h"

static void one(const uint8_t *data, size_t size);

/* Each input is parsed as it is (exercising the checksum) and with its last 8 bytes replaced by
 * the right checksum, so mutations reach the entry parser behind it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(data, size);
    if (size >= 8) {
        uint8_t *fixed = malloc(size);
        if (!fixed)
            return 0;
        memcpy(fixed, data, size);
        uint64_t h = mn_fnv1a(MN_FNV_OFFSET, fixed, size - 8);
        memcpy(fixed + size - 8, &h, 8);
        one(fixed, size);
        free(fixed);
    }
    return 0;
}

static void one(const uint8_t *data, size_t size)
{
    mn_checkpoint *c = NULL;
    mn_status st = mn_checkpoint_parse("fuzz", data, size, &c);
    if (st != MN_OK && st != MN_EINPUT)
        abort();
    if (st == MN_OK) {
        unsigned char *buf = NULL;
        size_t len = 0;
        if (mn_checkpoint_serialize(c, &buf, &len) != MN_OK)
            abort();
        mn_checkpoint *again = NULL;
        if (mn_checkpoint_parse("again", buf, len, &again) != MN_OK)
            abort();
        mn_checkpoint_free(again);
        free(buf);
    }
    mn_checkpoint_free(c);
}
