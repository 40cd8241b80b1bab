/* The scenario's `indication` (what is treated, how severe) and `operator` (who treats). */
#ifndef MN_MODEL_INDICATION_H
#define MN_MODEL_INDICATION_H

#include "model/model.h"
#include "model/ycheck.h"

/* The concern names of the contract (DESIGN.md), NULL-terminated. */
const char *const *mn_indication_concerns(void);
/* 1 when name is one of them. */
int mn_indication_concern_known(const char *name);

/* map may be NULL (no indication: present false, severity NAN). */
mn_status mn_indication_parse(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                              mn_indication *out);
/* node may be NULL (default: trained). */
mn_status mn_operator_parse(const mn_ydoc *doc, const mn_ynode *root, mn_operator *out);

#endif
