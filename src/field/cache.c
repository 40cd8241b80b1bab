#include "field/cache.h"

#include <stdlib.h>
#include <string.h>

/* per direction: lo, up, dg + 3 arrays per factor slot; reaction: one array per slot and
 * m, rate, rx */
#define ARRAYS_PER_VOXEL (3 * (3 + 3 * MN_CACHE_SLOTS) + MN_CACHE_SLOTS + 3)

size_t mn_field_cache_bytes(size_t nvox)
{
    return (size_t)ARRAYS_PER_VOXEL * nvox * sizeof(double);
}

int mn_field_cache_alloc(mn_field_cache *c, size_t nvox, const size_t nw[3])
{
    if (c->dir[0].lo)
        return 0;
    const size_t b = nvox * sizeof(double);
    int ok = 1;
    for (int d = 0; d < 3; d++) {
        mn_line_cache *lc = &c->dir[d];
        double **arrs[] = {&lc->lo, &lc->up, &lc->dg};
        for (int i = 0; i < 3; i++)
            ok = ok && (*arrs[i] = malloc(b));
        ok = ok && (lc->wlo = malloc(nw[d] * sizeof(double)));
        ok = ok && (lc->whi = malloc(nw[d] * sizeof(double)));
        for (int s = 0; s < MN_CACHE_SLOTS; s++) {
            mn_line_factor *f = &lc->fac[s];
            ok = ok && (f->a = malloc(b)) && (f->cp = malloc(b)) && (f->inv = malloc(b));
        }
    }
    for (int s = 0; s < MN_CACHE_SLOTS; s++)
        ok = ok && (c->react.e[s] = malloc(b));
    ok = ok && (c->react.m = malloc(b)) && (c->react.rate = malloc(b)) && (c->react.rx = malloc(b));
    if (!ok) {
        mn_field_cache_free(c);
        return -1;
    }
    return 0;
}

void mn_field_cache_free(mn_field_cache *c)
{
    for (int d = 0; d < 3; d++) {
        mn_line_cache *lc = &c->dir[d];
        free(lc->lo);
        free(lc->up);
        free(lc->dg);
        free(lc->wlo);
        free(lc->whi);
        for (int s = 0; s < MN_CACHE_SLOTS; s++) {
            free(lc->fac[s].a);
            free(lc->fac[s].cp);
            free(lc->fac[s].inv);
        }
    }
    for (int s = 0; s < MN_CACHE_SLOTS; s++)
        free(c->react.e[s]);
    free(c->react.m);
    free(c->react.rate);
    free(c->react.rx);
    memset(c, 0, sizeof *c);
}

mn_line_plan mn_field_cache_plan(const mn_line_cache *lc, unsigned long version, double c)
{
    mn_line_plan p = {lc->next, lc->version != version, 1};
    for (int s = 0; s < MN_CACHE_SLOTS; s++)
        if (lc->fac[s].version == version && lc->fac[s].c == c) {
            p.slot = s;
            p.build_fac = 0;
            break;
        }
    return p;
}

void mn_field_cache_commit(mn_line_cache *lc, const mn_line_plan *p, unsigned long version,
                           double c)
{
    lc->version = version;
    if (p->build_fac) {
        lc->fac[p->slot].version = version;
        lc->fac[p->slot].c = c;
        lc->next = (p->slot + 1) % MN_CACHE_SLOTS;
    }
}

int mn_field_cache_react_slot(const mn_react_cache *rc, unsigned long version, double tau,
                              int *build)
{
    for (int s = 0; s < MN_CACHE_SLOTS; s++)
        if (rc->version[s] == version && rc->tau[s] == tau) {
            *build = 0;
            return s;
        }
    *build = 1;
    return rc->next;
}

void mn_field_cache_react_commit(mn_react_cache *rc, int slot, unsigned long version, double tau)
{
    rc->version[slot] = version;
    rc->tau[slot] = tau;
    if (slot == rc->next)
        rc->next = (slot + 1) % MN_CACHE_SLOTS;
}
