#include "core/rng.h"

#include <math.h>
#include <Random123/philox.h>

#include "core/units.h"

mn_rng mn_rng_stream(uint64_t seed, uint32_t purpose, uint32_t a, uint32_t b, uint32_t c)
{
    mn_rng r;
    r.key[0] = (uint32_t)(seed & 0xffffffffu);
    r.key[1] = (uint32_t)(seed >> 32) ^ (purpose * 0x9e3779b9u);
    r.ctr[0] = a;
    r.ctr[1] = b;
    r.ctr[2] = c;
    r.ctr[3] = 0;
    r.used = 4;
    return r;
}

uint32_t mn_rng_u32(mn_rng *r)
{
    if (r->used == 4) {
        philox4x32_ctr_t ctr = {{r->ctr[0], r->ctr[1], r->ctr[2], r->ctr[3]}};
        philox4x32_key_t key = {{r->key[0], r->key[1]}};
        philox4x32_ctr_t out = philox4x32(ctr, key);
        for (int i = 0; i < 4; i++)
            r->buf[i] = out.v[i];
        r->ctr[3]++;
        r->used = 0;
    }
    return r->buf[r->used++];
}

double mn_rng_uniform(mn_rng *r)
{
    /* (k + 0.5) / 2^32: strictly inside (0, 1). */
    return ((double)mn_rng_u32(r) + 0.5) * (1.0 / 4294967296.0);
}

double mn_rng_normal(mn_rng *r)
{
    double u1 = mn_rng_uniform(r);
    double u2 = mn_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * MN_PI * u2);
}
