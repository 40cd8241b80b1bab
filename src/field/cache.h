/* Cached operators of the field engine's general path (step.c).
 *
 * The general path's tridiagonal coefficients depend only on D, K, the capacity and the
 * boundary kinds, which change a few times per run; their SDIRK factors depend on those and on
 * c = γ·tau, of which one step uses two per direction (the big step and the two equal half
 * steps); the reaction's decay factor e^{−rate·tau} likewise. Rebuilding them in every line
 * sweep cost about a third of a delivery run. The cache keeps, per direction, the coefficients
 * for the current coefficient version and the factors for the last two values of c; per
 * species, the decay factors for the last two reaction steps. Entries are filled by the same
 * expressions in the same order as before, so results are bitwise identical. */
#ifndef MN_FIELD_CACHE_H
#define MN_FIELD_CACHE_H

#include <stddef.h>

enum { MN_CACHE_SLOTS = 2 };

typedef struct mn_line_factor {
    double c;              /* γ·tau the factors are for */
    unsigned long version; /* coefficient version; 0: empty */
    double *a, *cp, *inv;  /* per (fixed, m, n), as mn_kern_factor_mn writes them */
} mn_line_factor;

typedef struct mn_line_cache {
    unsigned long version; /* coefficient version of lo/up/dg/w; 0: never built */
    double *lo, *up, *dg;  /* per (fixed, m, n) */
    double *wlo, *whi;     /* boundary weights per (fixed, n) */
    mn_line_factor fac[MN_CACHE_SLOTS];
    int next; /* slot replaced on the next miss */
} mn_line_cache;

typedef struct mn_react_cache {
    double tau[MN_CACHE_SLOTS];
    unsigned long version[MN_CACHE_SLOTS]; /* reaction version; 0: empty */
    double *e[MN_CACHE_SLOTS];             /* e^{−rate·tau} per voxel */
    int next;
    /* Per voxel, for the reaction version coef_version (0: never built): the capacity m = cap·K,
     * the rate decay + xrate/m and xrate·xref, formed by the expressions react() used to form
     * in every call (a fifth of a delivery run went to those lookups and divisions). */
    unsigned long coef_version;
    double *m, *rate, *rx;
} mn_react_cache;

typedef struct mn_field_cache {
    mn_line_cache dir[3];
    mn_react_cache react;
} mn_field_cache;

/* What a pass must do before it sweeps direction `dir` with stage coefficient c. */
typedef struct mn_line_plan {
    int slot;       /* factor slot to use */
    int build_coef; /* rebuild lo/up/dg/w for each plane/slab first */
    int build_fac;  /* factor each plane/slab into the slot */
} mn_line_plan;

/* Allocates the cache for nvox voxels (w arrays: nw[dir] values per direction) on first use;
 * 0 on success, -1 out of memory. */
int mn_field_cache_alloc(mn_field_cache *c, size_t nvox, const size_t nw[3]);
void mn_field_cache_free(mn_field_cache *c);
/* Memory the cache takes for nvox voxels, for estimates. */
size_t mn_field_cache_bytes(size_t nvox);

/* Chooses the slot for (version, c) along dir; marks nothing valid yet. */
mn_line_plan mn_field_cache_plan(const mn_line_cache *lc, unsigned long version, double c);
/* After every plane/slab was built as planned. */
void mn_field_cache_commit(mn_line_cache *lc, const mn_line_plan *p, unsigned long version,
                           double c);

/* Slot of the reaction decay factors for (version, tau); *build says they must be filled. */
int mn_field_cache_react_slot(const mn_react_cache *rc, unsigned long version, double tau,
                              int *build);
void mn_field_cache_react_commit(mn_react_cache *rc, int slot, unsigned long version, double tau);

#endif
