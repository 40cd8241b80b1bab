#include "io/base64.h"

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void mn_base64_init(mn_base64 *b, FILE *f)
{
    b->f = f;
    b->n = 0;
}

void mn_base64_put(mn_base64 *b, const void *bytes, size_t len)
{
    const unsigned char *p = bytes;
    for (size_t i = 0; i < len; i++) {
        b->carry[b->n++] = p[i];
        if (b->n == 3) {
            unsigned v = (unsigned)b->carry[0] << 16 | (unsigned)b->carry[1] << 8 | b->carry[2];
            char out[4] = {B64[v >> 18 & 63], B64[v >> 12 & 63], B64[v >> 6 & 63], B64[v & 63]};
            fwrite(out, 1, 4, b->f);
            b->n = 0;
        }
    }
}

void mn_base64_end(mn_base64 *b)
{
    if (b->n == 0)
        return;
    unsigned v = (unsigned)b->carry[0] << 16 | (b->n > 1 ? (unsigned)b->carry[1] << 8 : 0);
    char out[4] = {B64[v >> 18 & 63], B64[v >> 12 & 63], b->n > 1 ? B64[v >> 6 & 63] : '=', '='};
    fwrite(out, 1, 4, b->f);
    b->n = 0;
}
