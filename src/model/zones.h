/* Zone names: the model owns which body zones a scenario may name (the zones of the site table,
 * data/sites.csv); anatomy then builds a zone's layers. */
#ifndef MN_MODEL_ZONES_H
#define MN_MODEL_ZONES_H

#include <stddef.h>

#include "mnsim/status.h"

/* Whether zone is a known zone (*known), and the known zones, comma-separated, in list. */
mn_status mn_model_zone_known(const char *zone, int *known, char *list, size_t list_cap);

#endif
