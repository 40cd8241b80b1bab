/* Streaming base64 (RFC 4648) onto a FILE: the inline binary of VTK files and the images
 * embedded in report.html. */
#ifndef MN_IO_BASE64_H
#define MN_IO_BASE64_H

#include <stddef.h>
#include <stdio.h>

typedef struct mn_base64 {
    FILE *f;
    unsigned char carry[3]; /* a partial 3-byte group between calls */
    int n;
} mn_base64;

void mn_base64_init(mn_base64 *b, FILE *f);
void mn_base64_put(mn_base64 *b, const void *bytes, size_t len);
/* Writes the last group with its padding. */
void mn_base64_end(mn_base64 *b);

#endif
