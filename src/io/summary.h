/* summary.json (schema mnsim.summary/1, DESIGN.md) and the CSV tables of a run. */
#ifndef MN_IO_SUMMARY_H
#define MN_IO_SUMMARY_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "needling/needling.h"

/* Top-level object with schema, version, seed, threads and the scenario block. */
/* Sets "seed" to the exact integer (also after a checkpoint's summary was parsed back, which
 * reads numbers as doubles). The key must exist. */
mn_status mn_summary_set_seed(cJSON *summary, uint64_t seed);
mn_status mn_summary_create(const mn_model *m, int threads, cJSON **out);
/* Appends a session object {index, day, needling {...}} to the sessions array. */
mn_status mn_summary_add_session(cJSON *summary, int index, double day,
                                 const mn_needling_summary *ns, cJSON **session_out);

/* punctures.csv rows of one session; the header is written when session == 1. */
mn_status mn_punctures_write_csv(FILE *f, const mn_punctures *p, int write_header);

#endif
