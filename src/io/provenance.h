/* summary.json's provenance block (DESIGN.md additions): what produced these numbers, so a
 * result can be reproduced and audited — the build (version, commit), the seed as a string (a
 * JSON number cannot hold every 64-bit seed), the fully resolved scenario (every value the run
 * used, defaults and device-table values included, in the scenario file's units and key
 * names) and a copy of the input text. */
#ifndef MN_IO_PROVENANCE_H
#define MN_IO_PROVENANCE_H

#include <cjson/cJSON.h>

#include "anatomy/anatomy.h"
#include "model/model.h"

/* Adds "provenance" to summary (replacing one already there). input: the scenario text as
 * read (NULL: unknown). */
mn_status mn_provenance_add(cJSON *summary, const mn_model *m, const mn_column *col,
                            const char *input);

/* The text of a scenario file for the provenance block (*out: malloc'd; NULL when the file is
 * larger than the loader accepts, which the loader reports itself). */
mn_status mn_provenance_read_input(const char *path, char **out);

#endif
