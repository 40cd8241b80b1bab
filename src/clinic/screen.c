#include "clinic/screen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"
#include "model/vocab.h"

static const char *const decision_names[] = {"proceed", "proceed_with_caution", "defer",
                                             "do_not_treat"};

const char *mn_clinic_decision_name(mn_clinic_decision d)
{
    return (d >= MN_DECISION_PROCEED && d <= MN_DECISION_DO_NOT_TREAT) ? decision_names[d] : "?";
}

static int decision_parse(const char *s, mn_clinic_decision *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, decision_names[i]) == 0) {
            *out = (mn_clinic_decision)i;
            return 1;
        }
    return 0;
}

/* Whether name is a canonical term of kind in the patient vocabulary. */
static mn_status term_known(const char *kind, const char *name, int *known)
{
    return mn_vocab_known(kind, name, known);
}

static mn_status check_row(const mn_table *t, size_t r)
{
    static const char *const cols[] = {"id",        "applies_to", "name",     "window_days",
                                       "threshold", "severity",   "decision", "reason",
                                       "advice",    "source",     "status"};
    const char *v[11];
    for (int i = 0; i < 11; i++)
        MN_TRY(mn_table_text(t, r, cols[i], &v[i]));
    const char *applies = v[1], *name = v[2], *sev = v[5], *dec = v[6];
    size_t line = mn_table_line(t, r);
    for (int i = 0; i < 11; i++)
        if (i != 3 && i != 4 && !*v[i])
            return mn_error_set(MN_EINTERNAL, "rules.csv:%zu: %s is empty", line, cols[i]);
    /* A U lead never sets a rule on its own (literature README). */
    if (strcmp(v[10], "U") == 0)
        return mn_error_set(MN_EINTERNAL, "rules.csv:%zu: status U cannot set a rule", line);
    mn_clinic_decision d;
    if (!decision_parse(dec, &d))
        return mn_error_set(MN_EINTERNAL, "rules.csv:%zu: decision '%s' unknown", line, dec);
    if (strcmp(sev, "absolute") == 0     ? d != MN_DECISION_DO_NOT_TREAT
        : strcmp(sev, "precaution") == 0 ? d != MN_DECISION_PROCEED_WITH_CAUTION
        : strcmp(sev, "relative") == 0
            ? (d != MN_DECISION_DEFER && d != MN_DECISION_PROCEED_WITH_CAUTION)
            : 1)
        return mn_error_set(MN_EINTERNAL, "rules.csv:%zu: severity '%s' with decision '%s'", line,
                            sev, dec);
    double w = -1, th = -1;
    MN_TRY(mn_table_double_or(t, r, "window_days", -1.0, &w));
    MN_TRY(mn_table_double_or(t, r, "threshold", -1.0, &th));
    int known = 1;
    if (strcmp(applies, "condition") == 0 || strcmp(applies, "allergy") == 0 ||
        strcmp(applies, "medication") == 0) {
        MN_TRY(term_known(applies, name, &known));
    } else if (strcmp(applies, "procedure") == 0) {
        MN_TRY(term_known(applies, name, &known));
        if (w <= 0)
            return mn_error_set(MN_EINTERNAL, "rules.csv:%zu: procedure rule needs window_days",
                                line);
    } else if (strcmp(applies, "pregnancy") == 0) {
        known = strcmp(name, "pregnant") == 0 || strcmp(name, "breastfeeding") == 0;
    } else if (strcmp(applies, "age") == 0 || strcmp(applies, "fitzpatrick") == 0) {
        if (th <= 0)
            return mn_error_set(MN_EINTERNAL, "rules.csv:%zu: %s rule needs threshold", line,
                                applies);
    } else {
        return mn_error_set(MN_EINTERNAL, "rules.csv:%zu: applies_to '%s' unknown", line, applies);
    }
    if (!known)
        return mn_error_set(MN_EINTERNAL, "rules.csv:%zu: %s '%s' is not in patient_terms.csv",
                            line, applies, name);
    return MN_OK;
}

static mn_status check_table(const mn_table *t)
{
    for (size_t r = 0; r < mn_table_rows(t); r++) {
        MN_TRY(check_row(t, r));
        for (size_t q = 0; q < r; q++)
            if (strcmp(mn_table_cell(t, q, 0), mn_table_cell(t, r, 0)) == 0)
                return mn_error_set(MN_EINTERNAL, "rules.csv:%zu: duplicate id '%s'",
                                    mn_table_line(t, r), mn_table_cell(t, r, 0));
    }
    return MN_OK;
}

mn_status mn_clinic_rules_check_text(const char *csv, size_t len)
{
    mn_table *t = NULL;
    MN_TRY(mn_table_parse("rules.csv", csv, len, &t));
    mn_status st = check_table(t);
    mn_table_free(t);
    return st;
}

mn_status mn_clinic_rules_check(void)
{
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("rules.csv", &t));
    mn_status st = check_table(t);
    mn_table_free(t);
    return st;
}

static int listed(const char (*names)[MN_NAME_CAP], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

/* Whether rule row r applies to the patient (semantics in the header of rules.csv). */
static int rule_matches(const mn_table *t, size_t r, const mn_patient *p)
{
    const char *applies = mn_table_cell(t, r, mn_table_col(t, "applies_to"));
    const char *name = mn_table_cell(t, r, mn_table_col(t, "name"));
    double w = -1, th = -1;
    (void)mn_table_double_or(t, r, "window_days", -1.0, &w); /* validated in check_table */
    (void)mn_table_double_or(t, r, "threshold", -1.0, &th);
    if (strcmp(applies, "condition") == 0)
        return listed(p->conditions, p->n_conditions, name);
    if (strcmp(applies, "allergy") == 0)
        return listed(p->allergies, p->n_allergies, name);
    if (strcmp(applies, "medication") == 0) {
        for (size_t i = 0; i < p->n_medications; i++) {
            const mn_medication *m = &p->medications[i];
            if (strcmp(m->name, name) != 0)
                continue;
            if (w < 0 ? m->stopped_days_ago < 0
                      : (m->stopped_days_ago >= 0 && m->stopped_days_ago < w))
                return 1;
        }
        return 0;
    }
    if (strcmp(applies, "procedure") == 0) {
        for (size_t i = 0; i < p->n_procedures; i++)
            if (strcmp(p->procedures[i].name, name) == 0 && p->procedures[i].days_ago < w)
                return 1;
        return 0;
    }
    if (strcmp(applies, "pregnancy") == 0)
        return strcmp(name, "pregnant") == 0 ? p->pregnant : p->breastfeeding;
    if (strcmp(applies, "age") == 0)
        return p->age_years < th;
    if (strcmp(applies, "fitzpatrick") == 0)
        return p->fitzpatrick >= (int)lround(th);
    return 0;
}

/* One finding per name of the patient file that the vocabulary does not hold. */
static mn_status add_unrecognised(mn_screening *s, const char *kind, const char *name)
{
    int known = 0;
    MN_TRY(mn_vocab_known(kind, name, &known));
    if (known)
        return MN_OK;
    char out[MN_NAME_CAP], hint[160];
    mn_term_match match;
    MN_TRY(mn_vocab_resolve(kind, name, out, sizeof out, &match, hint, sizeof hint));
    mn_finding_text *x = &s->texts[s->n_texts++];
    snprintf(x->id, sizeof x->id, "unrecognised_%s:%s", kind, name);
    snprintf(x->reason, sizeof x->reason,
             "The %s '%s' is not in mnsim's vocabulary, so no rule could check it: "
             "unrecognised — review.",
             kind, name);
    if (hint[0])
        snprintf(x->advice, sizeof x->advice,
                 "Review it before treating. Did you mean '%s'? (mnsim screen --list)", hint);
    else
        snprintf(x->advice, sizeof x->advice,
                 "Review it before treating (known names: mnsim screen --list).");
    mn_finding *f = &s->findings[s->n_findings++];
    f->id = x->id;
    f->severity = "unrecognised";
    f->reason = x->reason;
    f->advice = x->advice;
    f->source = "data/patient_terms.csv (no rule can match a name it does not hold)";
    f->status = "-";
    f->decision = MN_DECISION_PROCEED_WITH_CAUTION;
    if (f->decision > s->decision)
        s->decision = f->decision;
    return MN_OK;
}

static mn_status screen_unrecognised(mn_screening *s, const mn_patient *p)
{
    for (size_t i = 0; i < p->n_conditions; i++)
        MN_TRY(add_unrecognised(s, "condition", p->conditions[i]));
    for (size_t i = 0; i < p->n_medications; i++)
        MN_TRY(add_unrecognised(s, "medication", p->medications[i].name));
    for (size_t i = 0; i < p->n_allergies; i++)
        MN_TRY(add_unrecognised(s, "allergy", p->allergies[i]));
    for (size_t i = 0; i < p->n_procedures; i++)
        MN_TRY(add_unrecognised(s, "procedure", p->procedures[i].name));
    return MN_OK;
}

mn_status mn_clinic_screen(const mn_patient *p, mn_screening **out)
{
    mn_status st = MN_OK;
    mn_screening *s = NULL;
    *out = NULL;
    MN_ALLOC(s, 1);
    MN_TRY_GOTO(mn_table_load_embedded("rules.csv", &s->rules), fail);
    MN_TRY_GOTO(check_table(s->rules), fail);
    const mn_table *t = s->rules;
    size_t rows = mn_table_rows(t);
    s->findings = calloc(rows + 4 * MN_LIST_CAP, sizeof *s->findings);
    s->texts = calloc(4 * MN_LIST_CAP, sizeof *s->texts);
    if (!s->findings || !s->texts) {
        st = mn_error_set(MN_ENOMEM, "out of memory for %zu findings", rows);
        goto fail;
    }
    for (size_t r = 0; r < rows; r++) {
        if (!rule_matches(t, r, p))
            continue;
        mn_finding *f = &s->findings[s->n_findings++];
        f->id = mn_table_cell(t, r, mn_table_col(t, "id"));
        f->severity = mn_table_cell(t, r, mn_table_col(t, "severity"));
        f->reason = mn_table_cell(t, r, mn_table_col(t, "reason"));
        f->advice = mn_table_cell(t, r, mn_table_col(t, "advice"));
        f->source = mn_table_cell(t, r, mn_table_col(t, "source"));
        f->status = mn_table_cell(t, r, mn_table_col(t, "status"));
        decision_parse(mn_table_cell(t, r, mn_table_col(t, "decision")), &f->decision);
        if (f->decision > s->decision)
            s->decision = f->decision;
    }
    MN_TRY_GOTO(screen_unrecognised(s, p), fail);
    /* Most severe first (stable insertion sort: table order within a class). */
    for (size_t i = 1; i < s->n_findings; i++) {
        mn_finding f = s->findings[i];
        size_t j = i;
        for (; j > 0 && s->findings[j - 1].decision < f.decision; j--)
            s->findings[j] = s->findings[j - 1];
        s->findings[j] = f;
    }
    *out = s;
    return MN_OK;
fail:
    mn_screening_free(s);
    return st;
}

void mn_screening_free(mn_screening *s)
{
    if (!s)
        return;
    mn_table_free(s->rules);
    free(s->findings);
    free(s->texts);
    free(s);
}

mn_status mn_clinic_screening_json(const mn_screening *s, cJSON **out)
{
    cJSON *root = cJSON_CreateObject(), *arr = NULL;
    *out = NULL;
    if (!root || !cJSON_AddStringToObject(root, "decision", mn_clinic_decision_name(s->decision)) ||
        !(arr = cJSON_AddArrayToObject(root, "findings")))
        goto nomem;
    for (size_t i = 0; i < s->n_findings; i++) {
        const mn_finding *f = &s->findings[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            goto nomem;
        cJSON_AddItemToArray(arr, o);
        if (!cJSON_AddStringToObject(o, "id", f->id) ||
            !cJSON_AddStringToObject(o, "severity", f->severity) ||
            !cJSON_AddStringToObject(o, "decision", mn_clinic_decision_name(f->decision)) ||
            !cJSON_AddStringToObject(o, "reason", f->reason) ||
            !cJSON_AddStringToObject(o, "advice", f->advice) ||
            !cJSON_AddStringToObject(o, "source", f->source) ||
            !cJSON_AddStringToObject(o, "status", f->status))
            goto nomem;
    }
    *out = root;
    return MN_OK;
nomem:
    cJSON_Delete(root);
    return mn_error_set(MN_ENOMEM, "out of memory building the screening JSON");
}

mn_status mn_clinic_screening_summary(const mn_screening *s, int overridden, cJSON *summary)
{
    cJSON *o = NULL;
    MN_TRY(mn_clinic_screening_json(s, &o));
    if (!cJSON_AddBoolToObject(o, "overridden", overridden != 0)) {
        cJSON_Delete(o);
        return mn_error_set(MN_ENOMEM, "out of memory building the screening");
    }
    cJSON_DeleteItemFromObjectCaseSensitive(summary, "screening");
    if (!cJSON_AddItemToObject(summary, "screening", o)) {
        cJSON_Delete(o);
        return mn_error_set(MN_ENOMEM, "out of memory building the screening");
    }
    return MN_OK;
}
