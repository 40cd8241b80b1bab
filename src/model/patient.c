#include "model/patient.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"
#include "model/vocab.h"
#include "model/ycheck.h"

/* Adult reference patient. Age 35 y is the reference age of data/sites.csv. */
void mn_patient_defaults(mn_patient *p)
{
    memset(p, 0, sizeof *p);
    p->age_years = 35.0;
    p->sex = MN_SEX_FEMALE;
    p->fitzpatrick = 3;
}

/* Resolves name against the vocabulary of one kind (model/vocab.h): a synonym or brand name
 * becomes its canonical name; a near-miss of a known term is an error with the suggestion, so
 * a typo never passes as a healthy patient; any other name is kept (normalised) for the
 * screening to report as unrecognised. */
static mn_status check_term(const mn_ydoc *doc, const mn_ynode *at, const char *path,
                            const char *kind, char *name)
{
    char out[MN_NAME_CAP], hint[160];
    mn_term_match match;
    MN_TRY(mn_vocab_resolve(kind, name, out, sizeof out, &match, hint, sizeof hint));
    if (match == MN_TERM_MISSPELT)
        return mn_y_error(doc, at, path,
                          "unknown %s '%.60s' (did you mean '%s'? expected a known name: "
                          "mnsim screen --list)",
                          kind, name, hint);
    snprintf(name, MN_NAME_CAP, "%s", out);
    return MN_OK;
}

static mn_status parse_name_list(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                                 const char *key, const char *kind, char (*names)[MN_NAME_CAP],
                                 size_t *n)
{
    const mn_ynode *list = mn_ynode_get(map, key);
    char p[256], ip[300];
    if (!list)
        return MN_OK;
    mn_y_path(p, sizeof p, path, key);
    MN_TRY(mn_y_expect_list(doc, list, p, MN_LIST_CAP));
    for (size_t i = 0; i < list->n; i++) {
        snprintf(ip, sizeof ip, "%s[%zu]", p, i);
        MN_TRY(mn_y_node_string(doc, list->items[i], ip, names[i], MN_NAME_CAP));
        MN_TRY(check_term(doc, list->items[i], ip, kind, names[i]));
    }
    *n = list->n;
    return MN_OK;
}

/* A medication is a name, or {name, stopped_days_ago}. */
static mn_status parse_medications(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                                   mn_patient *out)
{
    static const char *const keys[] = {"name", "stopped_days_ago", NULL};
    const mn_ynode *list = mn_ynode_get(map, "medications");
    char p[256], ip[300];
    if (!list)
        return MN_OK;
    mn_y_path(p, sizeof p, path, "medications");
    MN_TRY(mn_y_expect_list(doc, list, p, MN_LIST_CAP));
    for (size_t i = 0; i < list->n; i++) {
        const mn_ynode *item = list->items[i];
        mn_medication *med = &out->medications[i];
        med->stopped_days_ago = -1.0;
        snprintf(ip, sizeof ip, "%s[%zu]", p, i);
        const mn_ynode *name_node = item;
        if (item->kind == MN_Y_MAP) {
            MN_TRY(mn_y_check_keys(doc, item, ip, keys));
            MN_TRY(mn_y_require(doc, item, ip, "name"));
            MN_TRY(mn_y_double(doc, item, ip, "stopped_days_ago", 0.0, 36500.0,
                               &med->stopped_days_ago));
            name_node = mn_ynode_get(item, "name");
            char np[320];
            snprintf(np, sizeof np, "%s.name", ip);
            MN_TRY(mn_y_node_string(doc, name_node, np, med->name, MN_NAME_CAP));
            MN_TRY(check_term(doc, name_node, np, "medication", med->name));
        } else {
            MN_TRY(mn_y_node_string(doc, item, ip, med->name, MN_NAME_CAP));
            MN_TRY(check_term(doc, item, ip, "medication", med->name));
        }
    }
    out->n_medications = list->n;
    return MN_OK;
}

static mn_status parse_procedures(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                                  mn_patient *out)
{
    static const char *const keys[] = {"name", "days_ago", NULL};
    const mn_ynode *list = mn_ynode_get(map, "recent_procedures");
    char p[256], ip[300], np[320];
    if (!list)
        return MN_OK;
    mn_y_path(p, sizeof p, path, "recent_procedures");
    MN_TRY(mn_y_expect_list(doc, list, p, MN_LIST_CAP));
    for (size_t i = 0; i < list->n; i++) {
        const mn_ynode *item = list->items[i];
        mn_procedure *proc = &out->procedures[i];
        snprintf(ip, sizeof ip, "%s[%zu]", p, i);
        MN_TRY(mn_y_expect(doc, item, MN_Y_MAP, ip));
        MN_TRY(mn_y_check_keys(doc, item, ip, keys));
        MN_TRY(mn_y_require(doc, item, ip, "name"));
        MN_TRY(mn_y_require(doc, item, ip, "days_ago"));
        snprintf(np, sizeof np, "%s.name", ip);
        MN_TRY(mn_y_node_string(doc, mn_ynode_get(item, "name"), np, proc->name, MN_NAME_CAP));
        MN_TRY(check_term(doc, mn_ynode_get(item, "name"), np, "procedure", proc->name));
        MN_TRY(mn_y_double(doc, item, ip, "days_ago", 0.0, 36500.0, &proc->days_ago));
    }
    out->n_procedures = list->n;
    return MN_OK;
}

mn_status mn_patient_parse(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                           mn_patient *out)
{
    static const char *const keys[] = {
        "age_years",         "sex",          "fitzpatrick", "pregnant",
        "breastfeeding",     "conditions",   "medications", "allergies",
        "recent_procedures", "sun_exposure", NULL};
    static const char *const sexes[] = {"female", "male", NULL};
    static const char *const suns[] = {"low", "moderate", "high", NULL};
    mn_patient_defaults(out);
    MN_TRY(mn_y_check_keys(doc, map, path, keys));
    /* Accepted ages span adolescents (acne scarring) to the very old; the site table's age
     * trend (data/age_trends.csv) is applied from its reference age on, so any age here has a
     * defined column. */
    MN_TRY(mn_y_double(doc, map, path, "age_years", 12.0, 100.0, &out->age_years));
    int sex = (int)out->sex;
    MN_TRY(mn_y_choice(doc, map, path, "sex", sexes, &sex));
    out->sex = (mn_sex)sex;
    long fitz = out->fitzpatrick;
    MN_TRY(mn_y_int(doc, map, path, "fitzpatrick", 1, 6, &fitz));
    out->fitzpatrick = (int)fitz;
    MN_TRY(mn_y_bool(doc, map, path, "pregnant", &out->pregnant));
    MN_TRY(mn_y_bool(doc, map, path, "breastfeeding", &out->breastfeeding));
    MN_TRY(parse_name_list(doc, map, path, "conditions", "condition", out->conditions,
                           &out->n_conditions));
    MN_TRY(parse_medications(doc, map, path, out));
    MN_TRY(
        parse_name_list(doc, map, path, "allergies", "allergy", out->allergies, &out->n_allergies));
    MN_TRY(parse_procedures(doc, map, path, out));
    int sun = (int)out->sun_exposure;
    MN_TRY(mn_y_choice(doc, map, path, "sun_exposure", suns, &sun));
    out->sun_exposure = (mn_sun_exposure)sun;
    if (out->sex == MN_SEX_MALE && (out->pregnant || out->breastfeeding)) {
        char p[256];
        return mn_y_error(
            doc, mn_ynode_get(map, out->pregnant ? "pregnant" : "breastfeeding"),
            mn_y_path(p, sizeof p, path, out->pregnant ? "pregnant" : "breastfeeding"),
            "true for a male patient (expected false)");
    }
    return MN_OK;
}

mn_status mn_patient_load(const char *file, mn_patient *out)
{
    mn_ydoc *doc = NULL;
    MN_TRY(mn_ydoc_load(file, &doc));
    mn_status st = mn_y_expect(doc, doc->root, MN_Y_MAP, "");
    if (st == MN_OK)
        st = mn_patient_parse(doc, doc->root, "", out);
    mn_ydoc_free(doc);
    return st;
}
