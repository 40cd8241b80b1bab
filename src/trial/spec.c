/* TRIAL.yaml: cohort, arms (scenario blocks), endpoint, design, stratification, validated key
 * by key on the scenario loader's YAML tree, so every message says FILE:LINE:COL. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anatomy/anatomy.h"
#include "clinic/severity.h"
#include "core/error.h"
#include "core/table.h"
#include "healing/healing.h"
#include "model/device.h"
#include "model/indication.h"
#include "model/scenario.h"
#include "model/ycheck.h"
#include "model/zones.h"
#include "mnsim/version.h"
#include "trial/trial.h"

static const char *const measure_names[] = {"collagen_change_percent",
                                            "elastin_change_percent",
                                            "epidermal_thickness_change_percent",
                                            "papillary_collagen_change_percent",
                                            "clinical",
                                            NULL};
static const char *const stratum_names[] = {"sex", "age", "fitzpatrick", "zone", "severity", NULL};

const char *mn_trial_measure_name(mn_trial_measure m)
{
    return m >= 0 && m < MN_TRIAL_N_MEASURES ? measure_names[m] : "?";
}

const char *mn_trial_stratum_name(mn_trial_stratum s)
{
    return s >= 0 && s < MN_TRIAL_N_STRATA ? stratum_names[s] : "?";
}

void mn_trial_spec_free(mn_trial_spec *t)
{
    if (!t)
        return;
    free(t->text);
    free(t);
}

/* A number or a [lo, hi] range at key; lo == hi for a number. Integers when `integer`. */
static mn_status read_range(const mn_ydoc *doc, const mn_ynode *map, const char *path,
                            const char *key, double min, double max, int integer, double *lo,
                            double *hi)
{
    char p[256], ip[280];
    const mn_ynode *n = mn_ynode_get(map, key);
    if (!n)
        return MN_OK;
    mn_y_path(p, sizeof p, path, key);
    if (n->kind == MN_Y_SCALAR) {
        MN_TRY(mn_y_node_double(doc, n, p, min, max, lo));
        *hi = *lo;
    } else {
        MN_TRY(mn_y_expect(doc, n, MN_Y_SEQ, p));
        if (n->n != 2)
            return mn_y_error(doc, n, p, "%zu entries (expected a number or a range [low, high])",
                              n->n);
        snprintf(ip, sizeof ip, "%s[0]", p);
        MN_TRY(mn_y_node_double(doc, n->items[0], ip, min, max, lo));
        snprintf(ip, sizeof ip, "%s[1]", p);
        MN_TRY(mn_y_node_double(doc, n->items[1], ip, min, max, hi));
        if (*hi < *lo)
            return mn_y_error(doc, n->items[1], ip,
                              "%g is below the low end %g (expected high "
                              ">= low)",
                              *hi, *lo);
    }
    if (integer && (*lo != floor(*lo) || *hi != floor(*hi)))
        return mn_y_error(doc, n, p, "not a whole number (expected whole numbers)");
    return MN_OK;
}

static mn_status check_zone(const mn_ydoc *doc, const mn_ynode *n, const char *path, char *out)
{
    int known = 0;
    char list[1024];
    MN_TRY(mn_y_node_string(doc, n, path, out, MN_NAME_CAP));
    MN_TRY(mn_model_zone_known(out, &known, list, sizeof list));
    if (!known)
        return mn_y_error(doc, n, path, "unknown zone '%s' (expected one of: %s)", out, list);
    return MN_OK;
}

/* A condition name of the patient vocabulary (data/patient_terms.csv, kind condition). */
static mn_status check_condition(const mn_ydoc *doc, const mn_ynode *at, const char *path,
                                 const char *name)
{
    mn_table *tb = NULL;
    MN_TRY(mn_table_load_embedded("patient_terms.csv", &tb));
    int kcol = mn_table_col(tb, "kind"), ncol = mn_table_col(tb, "name");
    char known[2048] = "";
    size_t used = 0;
    int found = 0;
    for (size_t r = 0; r < mn_table_rows(tb); r++) {
        if (strcmp(mn_table_cell(tb, r, kcol), "condition") != 0)
            continue;
        const char *nm = mn_table_cell(tb, r, ncol);
        found |= strcmp(nm, name) == 0;
        if (used < sizeof known - 80)
            used +=
                (size_t)snprintf(known + used, sizeof known - used, "%s%s", used ? ", " : "", nm);
    }
    mn_table_free(tb);
    if (found)
        return MN_OK;
    return mn_y_error(doc, at, path, "unknown condition '%.60s' (expected one of: %s)", name,
                      known);
}

/* The end of the severity range [s0, s1] that lies off the scale [lo, hi]: the node itself, or
 * the range's entry that does (its path and value written to ip and v); NULL when on it. */
static const mn_ynode *off_scale(const mn_ynode *n, double s0, double s1, double lo, double hi,
                                 char *ip, size_t cap, double *v)
{
    int seq = n->kind == MN_Y_SEQ;
    for (size_t i = 0; i < 2; i++) {
        *v = i ? s1 : s0;
        if (*v < lo || *v > hi) {
            if (!seq) {
                snprintf(ip, cap, "cohort.severity");
                return n;
            }
            snprintf(ip, cap, "cohort.severity[%zu]", i);
            return n->items[i];
        }
    }
    return NULL;
}

/* Severity by the clinic's one rule (data/severity.csv, src/clinic/severity.c), as `mnsim run`
 * (indication.severity) and `mnsim plan --severity` read it: a number on the concern's own
 * scale, refused off it or for a concern without a scale; the clinical score starts from it
 * only where that scale is the clinical scale (mn_clinic_severity_for_score), else from the
 * clinical scale's typical baseline, as in a run. */
static mn_status parse_severity(const mn_ydoc *doc, const mn_ynode *map, mn_trial_spec *t)
{
    const mn_ynode *n = mn_ynode_get(map, "severity");
    double s0 = 0, s1 = 0;
    if (!n)
        return MN_OK;
    if (!t->concern[0])
        return mn_y_error(doc, n, "cohort.severity",
                          "given without a concern (expected cohort.concern)");
    /* First the widest scale any concern has (the scenario loader's bound, SALT's 0–100). */
    MN_TRY(read_range(doc, map, "cohort", "severity", 0, 100, 1, &s0, &s1));
    mn_severity_scale sc;
    MN_TRY(mn_clinic_severity_scale(t->concern, &sc));
    if (!sc.found)
        return mn_y_error(doc, n, "cohort.severity",
                          "%s has no severity scale in data/severity.csv (expected no severity)",
                          t->concern);
    char ip[64];
    double v = 0;
    const mn_ynode *bad = off_scale(n, s0, s1, sc.lo, sc.hi, ip, sizeof ip, &v);
    if (bad)
        return mn_y_error(doc, bad, ip, "%g is off the %s of %s (expected %g to %g)", v, sc.name,
                          t->concern, sc.lo, sc.hi);
    double score = -1.0;
    MN_TRY(mn_clinic_severity_for_score(t->concern, s0, &score));
    t->severity_lo = (int)s0;
    t->severity_hi = (int)s1;
    t->severity_given = true;
    t->severity_scores = score >= 0;
    return MN_OK;
}

static mn_status parse_cohort(const mn_ydoc *doc, const mn_ynode *map, mn_trial_spec *t)
{
    static const char *const keys[] = {"size",    "age_years", "sex",        "fitzpatrick", "zone",
                                       "concern", "severity",  "conditions", NULL};
    static const char *const sexes[] = {"any", "female", "male", NULL};
    const char *path = "cohort";
    char p[256];
    MN_TRY(mn_y_expect(doc, map, MN_Y_MAP, path));
    MN_TRY(mn_y_check_keys(doc, map, path, keys));
    MN_TRY(mn_y_require(doc, map, path, "size"));
    MN_TRY(mn_y_require(doc, map, path, "zone"));
    MN_TRY(mn_y_int(doc, map, path, "size", 2, MN_TRIAL_SIZE_MAX, &t->size));
    /* Defaults: adults of any sex, skin types I–VI; the patient loader's 12–100 year range. */
    t->age_lo = 18.0;
    t->age_hi = 65.0;
    MN_TRY(read_range(doc, map, path, "age_years", 12.0, 100.0, 0, &t->age_lo, &t->age_hi));
    int sex = 0;
    MN_TRY(mn_y_choice(doc, map, path, "sex", sexes, &sex));
    t->female_fraction = sex == 0 ? 0.5 : (sex == 1 ? 1.0 : 0.0);
    double f0 = 1, f1 = 6;
    MN_TRY(read_range(doc, map, path, "fitzpatrick", 1, 6, 1, &f0, &f1));
    t->fitz_lo = (int)f0;
    t->fitz_hi = (int)f1;
    const mn_ynode *zone = mn_ynode_get(map, "zone");
    mn_y_path(p, sizeof p, path, "zone");
    if (zone->kind == MN_Y_SEQ) {
        MN_TRY(mn_y_expect_list(doc, zone, p, MN_TRIAL_ZONE_CAP));
        if (zone->n == 0)
            return mn_y_error(doc, zone, p, "empty (expected at least one zone)");
        for (size_t i = 0; i < zone->n; i++) {
            char ip[280];
            snprintf(ip, sizeof ip, "%s[%zu]", p, i);
            MN_TRY(check_zone(doc, zone->items[i], ip, t->zones[i]));
        }
        t->n_zones = (int)zone->n;
    } else {
        MN_TRY(check_zone(doc, zone, p, t->zones[0]));
        t->n_zones = 1;
    }
    const mn_ynode *concern = mn_ynode_get(map, "concern");
    if (concern) {
        int idx = 0;
        MN_TRY(mn_y_choice(doc, map, path, "concern", mn_indication_concerns(), &idx));
        snprintf(t->concern, sizeof t->concern, "%s", mn_indication_concerns()[idx]);
    }
    MN_TRY(parse_severity(doc, map, t));
    const mn_ynode *cond = mn_ynode_get(map, "conditions");
    if (cond) {
        mn_y_path(p, sizeof p, path, "conditions");
        MN_TRY(mn_y_expect(doc, cond, MN_Y_MAP, p));
        if (cond->n > MN_TRIAL_CONDITION_CAP)
            return mn_y_error(doc, cond, p, "%zu entries (expected at most %d)", cond->n,
                              MN_TRIAL_CONDITION_CAP);
        for (size_t i = 0; i < cond->n; i++) {
            char ip[320];
            const char *name = cond->keys[i]->value;
            snprintf(ip, sizeof ip, "%s.%.60s", p, name);
            if (strlen(name) >= MN_NAME_CAP)
                return mn_y_error(doc, cond->keys[i], ip, "name too long (expected a condition)");
            MN_TRY(check_condition(doc, cond->keys[i], ip, name));
            snprintf(t->conditions[i], MN_NAME_CAP, "%s", name);
            MN_TRY(mn_y_node_double(doc, cond->items[i], ip, 0.0, 1.0, &t->prevalence[i]));
        }
        t->n_conditions = (int)cond->n;
    }
    return MN_OK;
}

static mn_status parse_arm(const mn_ydoc *doc, const mn_ynode *item, const char *ip,
                           const mn_model *base, mn_trial_arm *arm)
{
    static const char *const keys[] = {"name", "device", "protocol", "product", "patch", NULL};
    MN_TRY(mn_y_expect(doc, item, MN_Y_MAP, ip));
    MN_TRY(mn_y_check_keys(doc, item, ip, keys));
    MN_TRY(mn_y_require(doc, item, ip, "name"));
    MN_TRY(mn_y_require(doc, item, ip, "device"));
    MN_TRY(mn_y_string(doc, item, ip, "name", arm->name, sizeof arm->name));
    if (!arm->name[0] || strpbrk(arm->name, ",\"\n"))
        return mn_y_error(doc, mn_ynode_get(item, "name"), ip,
                          "'%s' is empty or holds a comma or quote (expected a plain name)",
                          arm->name);
    arm->model = *base;
    mn_model *m = &arm->model;
    char p[320];
    snprintf(p, sizeof p, "%s.device", ip);
    const mn_ynode *device = mn_ynode_get(item, "device");
    MN_TRY(mn_y_expect(doc, device, MN_Y_MAP, p));
    MN_TRY(mn_device_parse(doc, device, p, &m->device));
    MN_TRY(mn_scenario_parse_protocol(doc, mn_ynode_get(item, "protocol"), &m->protocol));
    for (size_t i = 0; i < m->protocol.n_overrides; i++)
        if (m->protocol.overrides[i].set_depth_um > 0)
            MN_TRY(mn_device_check_depth(doc, mn_ynode_get(item, "protocol"),
                                         "protocol.session_overrides", &m->device,
                                         m->protocol.overrides[i].set_depth_um));
    MN_TRY(mn_scenario_parse_patch(doc, mn_ynode_get(item, "patch"), m));
    m->product.present = false;
    if (mn_ynode_get(item, "product"))
        MN_TRY(mn_scenario_parse_product(doc, mn_ynode_get(item, "product"), &m->product));
    snprintf(m->name, sizeof m->name, "%s", arm->name);
    return MN_OK;
}

/* The clinical measure: the cohort's concern must have a calibrated scale
 * (data/clinical_scales.csv, the healing stage's clinical model) and the day one of its days;
 * the default responder improves by at least the scale's step. */
static mn_status clinical_endpoint(const mn_ydoc *doc, const mn_ynode *map, mn_trial_spec *t)
{
    const mn_ynode *measure = mn_ynode_get(map, "measure"), *day = mn_ynode_get(map, "day");
    if (!t->concern[0])
        return mn_y_error(doc, measure, "endpoint.measure",
                          "clinical without a concern (expected cohort.concern)");
    t->clinical_day = -1;
    for (int d = 0; d < MN_HEALING_N_CLINICAL_DAYS; d++)
        if (fabs(t->day - mn_healing_clinical_days[d]) < 1e-9)
            t->clinical_day = d;
    if (t->clinical_day < 0)
        return mn_y_error(doc, day, "endpoint.day",
                          "%g for a clinical endpoint (expected 90, 180 or 365: the days the "
                          "clinical model reports)",
                          t->day);
    mn_table *tb = NULL;
    MN_TRY(mn_table_load_embedded("clinical_scales.csv", &tb));
    long row = mn_table_find(tb, "concern", t->concern);
    const char *cal = "", *scale = "";
    double dir = 0, step = 0;
    mn_status st =
        row < 0 ? mn_error_set(MN_EINTERNAL, "no clinical scale row for %s", t->concern) : MN_OK;
    if (st == MN_OK && (st = mn_table_text(tb, (size_t)row, "calibrated", &cal)) == MN_OK &&
        (st = mn_table_text(tb, (size_t)row, "scale", &scale)) == MN_OK &&
        (st = mn_table_double(tb, (size_t)row, "direction", &dir)) == MN_OK)
        st = mn_table_double(tb, (size_t)row, "step", &step);
    int calibrated = st == MN_OK && strcmp(cal, "yes") == 0;
    snprintf(t->scale, sizeof t->scale, "%s", st == MN_OK ? scale : "");
    char known[512] = "";
    size_t used = 0;
    for (size_t r = 0; st == MN_OK && r < mn_table_rows(tb) && used < sizeof known - 64; r++) {
        const char *c = "", *name = "";
        if (mn_table_text(tb, r, "calibrated", &c) == MN_OK && strcmp(c, "yes") == 0 &&
            mn_table_text(tb, r, "concern", &name) == MN_OK)
            used +=
                (size_t)snprintf(known + used, sizeof known - used, "%s%s", used ? ", " : "", name);
    }
    mn_table_free(tb);
    MN_TRY(st);
    if (!calibrated)
        return mn_y_error(doc, measure, "endpoint.measure",
                          "clinical for '%s', whose scale (%s) no cited trial calibrates (expected "
                          "a tissue outcome, or a concern of: %s)",
                          t->concern, t->scale, known);
    t->lower_is_better = dir < 0;
    t->responder_threshold = dir < 0 ? -step : step;
    return MN_OK;
}

static mn_status parse_endpoint(const mn_ydoc *doc, const mn_ynode *map, mn_trial_spec *t)
{
    static const char *const keys[] = {"measure", "day", "responder_threshold", NULL};
    const char *path = "endpoint";
    MN_TRY(mn_y_expect(doc, map, MN_Y_MAP, path));
    MN_TRY(mn_y_check_keys(doc, map, path, keys));
    MN_TRY(mn_y_require(doc, map, path, "measure"));
    MN_TRY(mn_y_require(doc, map, path, "day"));
    int idx = 0;
    MN_TRY(mn_y_choice(doc, map, path, "measure", measure_names, &idx));
    t->measure = (mn_trial_measure)idx;
    /* Day 1 to five years after the first session (the protocol's follow-up bound). */
    MN_TRY(mn_y_double(doc, map, path, "day", 1.0, 1825.0, &t->day));
    /* Default responder of a tissue outcome: a gain of at least 10 % of the baseline tissue.
     * An assumption (no cited minimal important difference exists for a tissue percentage);
     * state your own. */
    t->responder_threshold = 10.0;
    if (t->measure == MN_TRIAL_CLINICAL)
        MN_TRY(clinical_endpoint(doc, map, t));
    MN_TRY(mn_y_double(doc, map, path, "responder_threshold", -1000.0, 1000.0,
                       &t->responder_threshold));
    return MN_OK;
}

static mn_status parse_strata(const mn_ydoc *doc, const mn_ynode *list, mn_trial_spec *t)
{
    const char *path = "stratify";
    MN_TRY(mn_y_expect_list(doc, list, path, MN_TRIAL_STRATA_CAP));
    for (size_t i = 0; i < list->n; i++) {
        char ip[64];
        int idx = 0;
        snprintf(ip, sizeof ip, "%s[%zu]", path, i);
        MN_TRY(mn_y_node_choice(doc, list->items[i], ip, stratum_names, &idx));
        for (int j = 0; j < t->n_strata; j++)
            if (t->strata[j] == (mn_trial_stratum)idx)
                return mn_y_error(doc, list->items[i], ip,
                                  "'%s' listed twice (expected each "
                                  "variable once)",
                                  stratum_names[idx]);
        if (idx == MN_STRATUM_SEVERITY && !t->severity_given)
            return mn_y_error(doc, list->items[i], ip,
                              "severity without cohort.severity (expected a severity range to "
                              "stratify by)");
        t->strata[t->n_strata++] = (mn_trial_stratum)idx;
    }
    return MN_OK;
}

static mn_status parse_trial(const mn_ydoc *doc, mn_trial_spec *t)
{
    static const char *const keys[] = {"name",     "seed",   "cohort",   "arms",
                                       "endpoint", "design", "stratify", NULL};
    static const char *const designs[] = {"paired", "parallel", NULL};
    const mn_ynode *root = doc->root;
    MN_TRY(mn_y_expect(doc, root, MN_Y_MAP, ""));
    MN_TRY(mn_y_check_keys(doc, root, "", keys));
    MN_TRY(mn_y_require(doc, root, "", "cohort"));
    MN_TRY(mn_y_require(doc, root, "", "arms"));
    MN_TRY(mn_y_require(doc, root, "", "endpoint"));
    snprintf(t->name, sizeof t->name, "unnamed trial");
    MN_TRY(mn_y_string(doc, root, "", "name", t->name, sizeof t->name));
    unsigned long long seed = 1;
    MN_TRY(mn_y_uint64(doc, root, "", "seed", &seed));
    t->seed = seed;
    MN_TRY(parse_cohort(doc, mn_ynode_get(root, "cohort"), t));
    int design = 0;
    MN_TRY(mn_y_choice(doc, root, "", "design", designs, &design));
    t->design = (mn_trial_design)design;
    MN_TRY(parse_endpoint(doc, mn_ynode_get(root, "endpoint"), t));
    const mn_ynode *strata = mn_ynode_get(root, "stratify");
    if (strata)
        MN_TRY(parse_strata(doc, strata, t));

    /* Arms start from the built-in scenario's defaults for every block they do not give. */
    mn_model base;
    MN_TRY(mn_scenario_load_default(&base));
    const mn_ynode *arms = mn_ynode_get(root, "arms");
    MN_TRY(mn_y_expect_list(doc, arms, "arms", MN_TRIAL_ARM_CAP));
    if (arms->n < 2)
        return mn_y_error(doc, arms, "arms", "%zu arm%s (expected at least two to compare)",
                          arms->n, arms->n == 1 ? "" : "s");
    for (size_t i = 0; i < arms->n; i++) {
        char ip[32];
        snprintf(ip, sizeof ip, "arms[%zu]", i);
        MN_TRY(parse_arm(doc, arms->items[i], ip, &base, &t->arms[i]));
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->arms[j].name, t->arms[i].name) == 0)
                return mn_y_error(doc, mn_ynode_get(arms->items[i], "name"), ip,
                                  "name '%s' is used by arms[%zu] (expected unique names)",
                                  t->arms[i].name, j);
    }
    t->n_arms = (int)arms->n;
    if (t->design == MN_TRIAL_PARALLEL && t->size < 2L * t->n_arms)
        return mn_y_error(doc, mn_ynode_get(mn_ynode_get(root, "cohort"), "size"), "cohort.size",
                          "%ld patients for %d parallel arms (expected at least 2 per arm)",
                          t->size, t->n_arms);
    return MN_OK;
}

/* FNV-1a, 64 bit: tells a journal or slice of this trial file and version from another. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

mn_status mn_trial_load_text(const char *label, const char *text, size_t len, mn_trial_spec **out)
{
    *out = NULL;
    mn_trial_spec *t = calloc(1, sizeof *t);
    if (!t)
        return mn_error_set(MN_ENOMEM, "out of memory reading a trial");
    mn_ydoc *doc = NULL;
    mn_status st = mn_ydoc_parse(label, text, len, &doc);
    if (st == MN_OK)
        st = parse_trial(doc, t);
    mn_ydoc_free(doc);
    if (st == MN_OK && !(t->text = malloc(len + 1)))
        st = mn_error_set(MN_ENOMEM, "out of memory reading a trial");
    if (st != MN_OK) {
        mn_trial_spec_free(t);
        return st;
    }
    memcpy(t->text, text, len);
    t->text[len] = '\0';
    t->text_len = len;
    t->fingerprint =
        fnv1a(fnv1a(14695981039346656037ULL, text, len), MNSIM_VERSION, strlen(MNSIM_VERSION));
    *out = t;
    return MN_OK;
}

mn_status mn_trial_load_file(const char *path, mn_trial_spec **out)
{
    *out = NULL;
    char *buf;
    size_t len;
    /* The scenario loader's reader: refuses FIFOs and devices; the parser bounds the size. */
    MN_TRY(mn_ydoc_read_file(path, &buf, &len));
    mn_status st = mn_trial_load_text(path, buf, len, out);
    free(buf);
    return st;
}
