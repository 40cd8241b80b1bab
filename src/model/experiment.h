/* The scenario's `experiment`: living skin (in_vivo, the default) or a laboratory permeation
 * cell (franz_cell, OECD 428) with its species, skin thickness, receptor and sampling. */
#ifndef MN_MODEL_EXPERIMENT_H
#define MN_MODEL_EXPERIMENT_H

#include "model/model.h"
#include "model/ycheck.h"

/* map may be NULL (in vivo). */
mn_status mn_experiment_parse(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                              mn_experiment *out);
const char *mn_experiment_type_name(mn_experiment_type t);
const char *mn_species_name(mn_species s);

#endif
