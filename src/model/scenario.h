/* Scenario files: YAML with units in key names, validated key by key into an mn_model.
 * Every problem is reported as FILE:LINE:COL: key.path: problem (expected ...). */
#ifndef MN_MODEL_SCENARIO_H
#define MN_MODEL_SCENARIO_H

#include "model/model.h"
#include "model/ydoc.h"
#include "mnsim/status.h"

mn_status mn_scenario_load_file(const char *path, mn_model *out);
/* Parses YAML text; label names it in messages. */
mn_status mn_scenario_load_text(const char *label, const char *text, size_t len, mn_model *out);
/* The built-in default scenario (data/default_scenario.yaml). */
mn_status mn_scenario_load_default(mn_model *out);

/* The blocks of a scenario read on their own, for files that hold scenario blocks inside
 * their own structure (a trial's arms). Messages name the block's own keys ("protocol.
 * sessions") at the node's FILE:LINE:COL. map may be NULL where the block is optional
 * (defaults). The product block sets product.present. */
mn_status mn_scenario_parse_product(const mn_ydoc *doc, const mn_ynode *map, mn_product_spec *out);
mn_status mn_scenario_parse_protocol(const mn_ydoc *doc, const mn_ynode *map, mn_protocol *out);
mn_status mn_scenario_parse_patch(const mn_ydoc *doc, const mn_ynode *map, mn_model *out);

#endif
