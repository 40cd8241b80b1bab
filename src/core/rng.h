/* Counter-based random streams (Random123 Philox4x32-10).
 *
 * A stream is named by the seed and up to three counters (e.g. session, pass, needle), so
 * any puncture's numbers can be drawn by any thread in any order and the results are
 * identical for every thread count. Salmon JK et al., "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11, doi:10.1145/2063384.2063405. */
#ifndef MN_CORE_RNG_H
#define MN_CORE_RNG_H

#include <stdint.h>

typedef struct mn_rng {
    uint32_t key[2];
    uint32_t ctr[4]; /* ctr[0..2] name the stream; ctr[3] counts blocks within it */
    uint32_t buf[4];
    int used; /* how many of buf have been handed out */
} mn_rng;

/* Purposes keep streams of different model components apart for the same indices. */
enum mn_rng_purpose {
    MN_RNG_NEEDLING = 1,
    MN_RNG_INSERTION = 2,
    MN_RNG_PATIENT = 3,
    MN_RNG_HEALING = 4,
};

/* A fresh stream for (seed, purpose, a, b, c). */
mn_rng mn_rng_stream(uint64_t seed, uint32_t purpose, uint32_t a, uint32_t b, uint32_t c);

uint32_t mn_rng_u32(mn_rng *r);
/* Uniform on the open interval (0, 1): never 0, so log() is safe. */
double mn_rng_uniform(mn_rng *r);
/* Standard normal (Box–Muller, both values from two fresh uniforms, the second discarded so
 * each call consumes a fixed number of draws). */
double mn_rng_normal(mn_rng *r);

#endif
