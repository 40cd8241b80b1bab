/* Scenario files: YAML with units in key names, validated key by key into an mn_model.
 * Every problem is reported as FILE:LINE:COL: key.path: problem (expected ...). */
#ifndef MN_MODEL_SCENARIO_H
#define MN_MODEL_SCENARIO_H

#include "model/model.h"
#include "mnsim/status.h"

mn_status mn_scenario_load_file(const char *path, mn_model *out);
/* Parses YAML text; label names it in messages. */
mn_status mn_scenario_load_text(const char *label, const char *text, size_t len, mn_model *out);
/* The built-in default scenario (data/default_scenario.yaml). */
mn_status mn_scenario_load_default(mn_model *out);

#endif
