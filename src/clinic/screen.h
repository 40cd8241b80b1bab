/* Screening: may this patient be needled today? Every finding comes from a row of the cited
 * rule table data/rules.csv; the decision is the most severe over the findings. It supports
 * the practitioner's judgement and does not replace it. */
#ifndef MN_CLINIC_SCREEN_H
#define MN_CLINIC_SCREEN_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "model/model.h"
#include "mnsim/status.h"

/* Ordered from least to most severe, so the decision is the maximum over findings. */
typedef enum mn_clinic_decision {
    MN_DECISION_PROCEED = 0,
    MN_DECISION_PROCEED_WITH_CAUTION = 1,
    MN_DECISION_DEFER = 2,
    MN_DECISION_DO_NOT_TREAT = 3
} mn_clinic_decision;

/* One matched rule. Text fields point into the rule table the screening owns. */
typedef struct mn_finding {
    const char *id, *severity, *reason, *advice, *source, *status;
    mn_clinic_decision decision;
} mn_finding;

/* Texts of a finding that no rule row holds (an unrecognised term). */
typedef struct mn_finding_text {
    char id[96], reason[256], advice[320];
} mn_finding_text;

typedef struct mn_screening {
    mn_clinic_decision decision;
    size_t n_findings;
    mn_finding *findings;
    struct mn_table *rules; /* owner of the finding texts */
    mn_finding_text *texts; /* owner of the unrecognised-term findings' texts */
    size_t n_texts;
} mn_screening;

/* Screens a patient against data/rules.csv (validated first, see mn_clinic_rules_check).
 * A condition, medication, allergy or procedure that is not in the vocabulary (kept by the
 * patient loader) becomes an "unrecognised" finding (decision proceed_with_caution: the
 * practitioner reviews it) with a did-you-mean hint where one is close. */
mn_status mn_clinic_screen(const mn_patient *p, mn_screening **out);
void mn_screening_free(mn_screening *s);

/* "proceed", "proceed_with_caution", "defer", "do_not_treat". */
const char *mn_clinic_decision_name(mn_clinic_decision d);

/* Checks every row of data/rules.csv: known applies_to, names in the patient vocabulary,
 * windows and thresholds where the kind needs them, severity consistent with decision,
 * a non-empty source and a status that is not U alone. */
mn_status mn_clinic_rules_check(void);
/* The same checks on a rule table given as CSV text (for tests of the checks themselves). */
mn_status mn_clinic_rules_check_text(const char *csv, size_t len);

/* {"decision": …, "findings": [{id, severity, decision, reason, advice, source, status}]} */
mn_status mn_clinic_screening_json(const mn_screening *s, cJSON **out);

/* Sets summary.json `screening` {decision, findings, overridden} (replacing one already
 * there): the block every run and every session writes. */
mn_status mn_clinic_screening_summary(const mn_screening *s, int overridden, cJSON *summary);

#endif
