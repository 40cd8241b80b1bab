/* Aftercare handout for the patient, in plain language (Markdown and HTML), from a plan: what
 * to expect and for how long (the simulated erythema and downtime), the appointment and its
 * pain, sun protection, gentle cleansing, make-up from the next day, no vigorous exercise for
 * 24 hours, an ice pack for comfort, what not to apply, the next session, and the red flags
 * that need a doctor (literature/clinical.md §2, §4, §7). The patient's part carries no rule
 * ids or citations: those go in a section for the practitioner. A patient who must not be
 * treated, or must wait, gets a referral note instead. It supports and does not replace the
 * practitioner. */
#ifndef MN_CLINIC_HANDOUT_H
#define MN_CLINIC_HANDOUT_H

#include "clinic/plan.h"

/* Builds both texts (malloc'd; free with free()). */
mn_status mn_clinic_handout_build(const mn_plan *p, char **markdown, char **html);

/* Writes DIR/handout.md and DIR/handout.html atomically (temporary file, then rename);
 * creates DIR if missing. An existing handout is never overwritten unless force (MN_EUSAGE,
 * nothing written). */
mn_status mn_clinic_handout_write(const mn_plan *p, const char *dir, int force);

#endif
