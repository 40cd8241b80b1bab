/* Pre-flight estimate of a run (issue 18 item 6): from the scenario alone, before anything is
 * allocated or written, the punctures it will make, the memory it will hold at its peak, the
 * disk its files will take and the time it will take, so that an enormous but legal scenario is
 * refused at once with a message naming its keys instead of running for hours or filling a disk.
 * The figures are estimates (expected puncture densities of the device geometry, bytes per
 * puncture measured on this code), good to a factor of about two. */
#ifndef MN_RUN_PREFLIGHT_H
#define MN_RUN_PREFLIGHT_H

#include <stddef.h>

#include "model/model.h"
#include "mnsim/status.h"

typedef struct mn_preflight {
    double punctures_per_session; /* expected, the whole patch or zone */
    double punctures;             /* all sessions */
    double punctures_held; /* the most held in memory at once (a streamed zone: its window) */
    double memory_bytes;   /* peak, without the delivery and RF grids (sized and bounded by
                              their own stages before they allocate) */
    double disk_bytes;     /* output files (punctures.csv dominates) */
    double seconds;        /* on one core of the 2-core development machine */
    char keys[160];        /* the scenario keys that drive the figures */
} mn_preflight;

/* The estimate of model m run with `samples` virtual patients. */
mn_status mn_preflight_estimate(const mn_model *m, int samples, mn_preflight *out);

/* Refuses (MN_EINPUT, naming the keys) a run whose estimate needs more memory than
 * memory_budget bytes (0: half of physical memory) or, when dir is not NULL, more disk than the
 * file system of dir (or of its nearest existing parent) has free. */
mn_status mn_preflight_check(const mn_preflight *p, size_t memory_budget, const char *dir);

#endif
