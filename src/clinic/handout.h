/* Aftercare handout for the patient, in plain language (Markdown and HTML), from a plan: what
 * to expect and for how long (the simulated erythema and downtime), sun protection, the first
 * 24 hours, what not to apply, the next session, and the red flags that need a doctor
 * (literature/clinical.md §2, §4, §7). It supports and does not replace the practitioner. */
#ifndef MN_CLINIC_HANDOUT_H
#define MN_CLINIC_HANDOUT_H

#include "clinic/plan.h"

/* Builds both texts (malloc'd; free with free()). */
mn_status mn_clinic_handout_build(const mn_plan *p, char **markdown, char **html);

/* Writes DIR/handout.md and DIR/handout.html atomically (temporary file, then rename);
 * creates DIR if missing. */
mn_status mn_clinic_handout_write(const mn_plan *p, const char *dir);

#endif
