#include "clinic/risks.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/table.h"

static const char *const level_names[] = {"low", "moderate", "high"};
static const char *const risk_ids[] = {"infection", "pih",   "scarring",     "granuloma",
                                       "bleeding",  "burns", "uneven_result"};
enum { R_INFECTION, R_PIH, R_SCARRING, R_GRANULOMA, R_BLEEDING, R_BURNS, R_UNEVEN, R_COUNT };

const char *mn_risk_level_name(mn_risk_level l)
{
    return (l >= MN_RISK_LOW && l <= MN_RISK_HIGH) ? level_names[l] : "?";
}

void mn_risk_inputs_init(mn_risk_inputs *in)
{
    memset(in, 0, sizeof *in);
    in->device_type = MN_DEVICE_PEN;
    in->set_depth_um = -1.0;
    in->tissue_depth_max_um = -1.0;
    in->bleeding_fraction = -1.0;
    in->erythema_days = -1.0;
    in->epidermis_peak_temperature_c = NAN;
    in->heat_duration_s = 0.0;
    in->setting = MN_SETTING_CLINIC;
    in->sterile = true;
    in->reuse_count = 0;
    in->operator_ = MN_OPERATOR_TRAINED;
    in->epidermis_omega = NAN;
    in->pih_probability = -1.0;
}

mn_status mn_clinic_limit(const char *name, double *out)
{
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("plan_limits.csv", &t));
    long r = mn_table_find(t, "name", name);
    mn_status st = r < 0 ? mn_error_set(MN_EINTERNAL, "plan_limits.csv: no row '%s'", name)
                         : mn_table_double(t, (size_t)r, "value", out);
    mn_table_free(t);
    return st;
}

/* Reasons are kept per level; the reported reason is that of the final level, so the text
 * says why the level is what it is. */
typedef struct acc {
    char why[3][MN_RISK_REASON_CAP];
} acc;

static void add(acc *a, mn_risk_level l, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add(acc *a, mn_risk_level l, const char *fmt, ...)
{
    char *b = a->why[l];
    size_t used = strlen(b);
    if (used + 8 >= MN_RISK_REASON_CAP)
        return;
    if (used)
        used += (size_t)snprintf(b + used, MN_RISK_REASON_CAP - used, "; ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b + used, MN_RISK_REASON_CAP - used, fmt, ap);
    va_end(ap);
}

static int listed(const char (*names)[MN_NAME_CAP], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

static int taking(const mn_patient *p, const char *name)
{
    for (size_t i = 0; i < p->n_medications; i++)
        if (strcmp(p->medications[i].name, name) == 0 && p->medications[i].stopped_days_ago < 0)
            return 1;
    return 0;
}

static int row_matches(const mn_table *t, size_t r, const mn_risk_inputs *in)
{
    const mn_patient *p = in->patient;
    const char *kind = mn_table_cell(t, r, mn_table_col(t, "kind"));
    const char *name = mn_table_cell(t, r, mn_table_col(t, "name"));
    const char *zone = in->zone ? in->zone : "";
    if (strcmp(kind, "condition") == 0)
        return listed(p->conditions, p->n_conditions, name);
    if (strcmp(kind, "allergy") == 0)
        return listed(p->allergies, p->n_allergies, name);
    if (strcmp(kind, "medication") == 0)
        return taking(p, name);
    if (strcmp(kind, "procedure") == 0) {
        double w = 0;
        if (mn_table_double(t, r, "window_days", &w) != MN_OK)
            return 0;
        for (size_t i = 0; i < p->n_procedures; i++)
            if (strcmp(p->procedures[i].name, name) == 0 && p->procedures[i].days_ago < w)
                return 1;
        return 0;
    }
    if (strcmp(kind, "product") == 0)
        return in->product_name && strcmp(in->product_name, name) == 0;
    if (strcmp(kind, "zone") == 0)
        return strcmp(zone, name) == 0;
    if (strcmp(kind, "zone_roller") == 0)
        return in->device_type == MN_DEVICE_ROLLER && strcmp(zone, name) == 0;
    /* Who treats, where, with what (device.setting/sterile/reuse_count, operator). */
    if (strcmp(kind, "setting") == 0)
        return strcmp(name, in->setting == MN_SETTING_HOME ? "home" : "clinic") == 0;
    if (strcmp(kind, "operator") == 0)
        return strcmp(name, in->operator_ == MN_OPERATOR_UNTRAINED ? "untrained" : "trained") == 0;
    if (strcmp(kind, "device") == 0) {
        if (strcmp(name, "non_sterile") == 0)
            return !in->sterile;
        if (strcmp(name, "reused_clinic") == 0)
            return in->reuse_count > 0 && in->setting == MN_SETTING_CLINIC;
        if (strcmp(name, "reused_home") == 0)
            return in->reuse_count > 0 && in->setting == MN_SETTING_HOME;
    }
    return 0;
}

static mn_status table_rows(const mn_risk_inputs *in, acc *a, int *product_listed)
{
    mn_table *t = NULL;
    MN_TRY(mn_table_load_embedded("risk_rules.csv", &t));
    int rc = mn_table_col(t, "risk"), lc = mn_table_col(t, "level"), wc = mn_table_col(t, "reason"),
        kc = mn_table_col(t, "kind"), nc = mn_table_col(t, "name");
    mn_status st = MN_OK;
    for (size_t r = 0; r < mn_table_rows(t); r++) {
        int risk = -1, level = -1;
        for (int i = 0; i < R_COUNT; i++)
            if (strcmp(mn_table_cell(t, r, rc), risk_ids[i]) == 0)
                risk = i;
        for (int i = 0; i < 3; i++)
            if (strcmp(mn_table_cell(t, r, lc), level_names[i]) == 0)
                level = i;
        if (risk < 0 || level < 0) {
            st = mn_error_set(MN_EINTERNAL, "risk_rules.csv:%zu: unknown risk or level",
                              mn_table_line(t, r));
            break;
        }
        if (strcmp(mn_table_cell(t, r, kc), "product") == 0 && in->product_name &&
            strcmp(in->product_name, mn_table_cell(t, r, nc)) == 0)
            *product_listed = 1;
        if (!row_matches(t, r, in))
            continue;
        /* Drugs raise bleeding only where punctures reach the capillary loops. */
        if (risk == R_BLEEDING && strcmp(mn_table_cell(t, r, kc), "medication") == 0 &&
            in->bleeding_fraction == 0.0 && level > 0) {
            level--;
            add(&a[risk], (mn_risk_level)level,
                "%s (%s), but no simulated puncture reaches the "
                "capillary loops",
                mn_table_cell(t, r, nc), mn_table_cell(t, r, wc));
            continue;
        }
        add(&a[risk], (mn_risk_level)level, "%s: %s", mn_table_cell(t, r, nc),
            mn_table_cell(t, r, wc));
    }
    mn_table_free(t);
    return st;
}

/* PIH by skin type and simulated inflammation (limits in data/plan_limits.csv). Levels follow
 * cited incidence: the healing stage's simulated probability of the course where it ran (moderate
 * from 5 %, about one 1550 nm laser session in types IV-VI, 4.3 %, pigmentation_pih.csv; high
 * from 20 %, assumed: one patient in five); darker skin (IV-VI) is at least moderate, the one
 * factor the safety review found to raise persistent PIH (Chu 2021). Without a simulated
 * probability, erythema stands in: beyond the usual 3 d it raises darker skin one level; fair
 * skin (I-III) only beyond the 7 d of transient effects (Chu 2021), since microneedling in fair
 * skin rarely leaves PIH (no PIH in 23 microneedled patients, Cachafeiro 2016). */
static mn_status pih(const mn_risk_inputs *in, acc *a)
{
    double usual = 0, transient = 0;
    MN_TRY(mn_clinic_limit("erythema_usual_days", &usual));
    MN_TRY(mn_clinic_limit("transient_effects_days", &transient));
    const int fitz = in->patient->fitzpatrick, dark = fitz >= 4;
    char type[96];
    snprintf(type, sizeof type, "Fitzpatrick %d%s", fitz,
             fitz >= 6 ? " (type VI: treat with caution, InMode IFU)"
             : dark    ? " (darker skin raises PIH, Chu 2021)"
                       : "");
    char ery[96] = "erythema not simulated";
    if (in->erythema_days >= 0)
        snprintf(ery, sizeof ery, "%.1f d of simulated erythema per session", in->erythema_days);
    if (in->pih_probability >= 0) {
        const double p = in->pih_probability;
        mn_risk_level l = p >= 0.20 ? MN_RISK_HIGH : p >= 0.05 ? MN_RISK_MODERATE : MN_RISK_LOW;
        if (dark && l < MN_RISK_MODERATE)
            l = MN_RISK_MODERATE;
        add(a, l,
            "%s; simulated PIH probability %.0f %% over the course (healing model; moderate "
            "from 5 %%, high from 20 %%, pigmentation_pih.csv); %s",
            type, 100.0 * p, ery);
        return MN_OK;
    }
    int score = dark;
    if (dark && in->erythema_days > usual)
        score++;
    if (!dark && in->erythema_days > transient)
        score++;
    if (score > 2)
        score = 2;
    if (score == 0)
        add(a, MN_RISK_LOW,
            "%s, %s (PIH: Chu 2021; Cachafeiro 2016 saw none in 23 microneedled "
            "patients)",
            type, ery);
    else
        add(a, (mn_risk_level)score, "%s, %s > %.0f d (Chu 2021; clinical.md §2-3)", type, ery,
            dark ? usual : transient);
    return MN_OK;
}

/* Scarring from depth, graded by cited incidence: serious scarring after microneedling is rare
 * (no serious adverse events in 58 scar studies, 1,845 patients, Juhasz & Cohen 2020), so a
 * needle that stays in this patient's dermis is low, even past the planner's 0.63 margin (a
 * planning margin for a thinner-than-average dermis, plan_limits.csv, not a harm threshold:
 * 1.5 mm on the face is the labelled maximum, SkinPen, and the median of the acne-scar studies,
 * Harris 2015). A tip past the dermis, in the subcutis, is moderate: vessel and nerve injury and
 * scarring are FDA-listed risks, with no incidence to grade them higher. */
static mn_status scarring(const mn_risk_inputs *in, acc *a)
{
    double f = 0;
    MN_TRY(mn_clinic_limit("safe_dermis_fraction", &f));
    double reach = in->tissue_depth_max_um >= 0 ? in->tissue_depth_max_um : in->set_depth_um;
    const mn_column *c = in->column;
    if (c && reach >= 0) {
        double limit = c->dej_depth_um + f * c->dermis_um;
        if (reach > c->dermis_bottom_um)
            add(a, MN_RISK_MODERATE,
                "reach %.0f um passes the dermis of the %s (bottom %.0f um): the tip enters the "
                "subcutis, where vessel and nerve injury and scarring are FDA-listed risks "
                "(clinical.md §2)",
                reach, c->zone, c->dermis_bottom_um);
        else if (reach > limit)
            add(a, MN_RISK_LOW,
                "reach %.0f um stays in the %s dermis (bottom %.0f um), past the planner's "
                "%.2f margin (%.0f um) for a thinner dermis than the table's; serious scarring "
                "is rare (none in 58 scar studies, Juhasz & Cohen 2020)",
                reach, c->zone, c->dermis_bottom_um, f, limit);
        else
            add(a, MN_RISK_LOW,
                "reach %.0f um within the safe %.2f of the %s dermis (%.0f um); serious scarring "
                "is rare (none in 58 scar studies, Juhasz & Cohen 2020)",
                reach, f, c->zone, limit);
    } else {
        add(a, MN_RISK_LOW, "no serious adverse events in 58 scar studies (Juhasz & Cohen 2020)");
    }
    return MN_OK;
}

/* The low levels of infection and uneven result say what they assume; the raised levels come
 * from the rows of risk_rules.csv (setting, device, operator). A home device set deeper than
 * the vendors' home maximum scars more readily (plan_limits.csv home_depth_max_mm). */
static mn_status hands(const mn_risk_inputs *in, acc *a)
{
    if (in->sterile && in->reuse_count == 0)
        add(&a[R_INFECTION], MN_RISK_LOW,
            "sterile single-use needles (21 CFR 878.4430(b)(3)); no bacterial infection in the "
            "acne-scar studies reviewed by Harris 2015");
    add(&a[R_UNEVEN], MN_RISK_LOW, "%s, %s operator",
        in->setting == MN_SETTING_HOME ? "home device" : "clinic device",
        in->operator_ == MN_OPERATOR_UNTRAINED ? "untrained" : "trained");
    double home_max = 0;
    MN_TRY(mn_clinic_limit("home_depth_max_mm", &home_max));
    if (in->setting == MN_SETTING_HOME && in->set_depth_um > home_max * 1000.0)
        add(&a[R_SCARRING], MN_RISK_MODERATE,
            "home device set to %.2f mm, deeper than the %.1f mm vendors allow at home "
            "(Dr. Pen depth guide; microneedlingbeforeafter.com)",
            in->set_depth_um / 1000.0, home_max);
    return MN_OK;
}

static void bleeding(const mn_risk_inputs *in, acc *a)
{
    if (in->bleeding_fraction >= 0)
        add(a, MN_RISK_LOW,
            "%.0f %% of punctures reach the capillary loops; pinpoint bleeding "
            "is a common endpoint and stops in about 0.5-2 min (clinical.md §2)",
            100.0 * in->bleeding_fraction);
    else
        add(a, MN_RISK_LOW, "no bleeding disorder or anticoagulant listed");
}

static mn_status burns(const mn_risk_inputs *in, acc *a, int *present)
{
    *present = in->device_type == MN_DEVICE_RF && isfinite(in->epidermis_peak_temperature_c);
    if (!*present)
        return MN_OK;
    double A = 0, Ea = 0, w1 = 0, w2 = 0;
    MN_TRY(mn_clinic_limit("burn_a_1_s", &A));
    MN_TRY(mn_clinic_limit("burn_ea_j_mol", &Ea));
    MN_TRY(mn_clinic_limit("burn_omega_first_degree", &w1));
    MN_TRY(mn_clinic_limit("burn_omega_second_degree", &w2));
    /* The heat stage's integrated Ω over the viable epidermis when it ran (one judgement, from
     * the quantity the thermal block reports); otherwise the upper bound of the Henriques
     * integral: the peak held for the whole exposure. */
    if (isfinite(in->epidermis_omega)) {
        const double om = in->epidermis_omega;
        mn_risk_level l = om >= w2 ? MN_RISK_HIGH : om >= w1 ? MN_RISK_MODERATE : MN_RISK_LOW;
        add(a, l,
            "epidermal burn integral %.3g (thermal.epidermis.omega_max; first degree %.2f, "
            "second %.2f; Henriques & Moritz 1947), epidermis peak %.1f C",
            om, w1, w2, in->epidermis_peak_temperature_c);
        return MN_OK;
    }
    const double R = 8.314; /* J/mol/K */
    double T = in->epidermis_peak_temperature_c + 273.15;
    double omega = A * exp(-Ea / (R * T)) * fmax(in->heat_duration_s, 0.0);
    mn_risk_level l = omega >= w2 ? MN_RISK_HIGH : omega >= w1 ? MN_RISK_MODERATE : MN_RISK_LOW;
    add(a, l,
        "epidermis peak %.1f C for %.3g s: damage integral <= %.3g (first degree %.2f, "
        "second %.2f; Henriques & Moritz 1947)",
        in->epidermis_peak_temperature_c, in->heat_duration_s, omega, w1, w2);
    return MN_OK;
}

mn_status mn_clinic_risks(const mn_risk_inputs *in, mn_risks *out)
{
    if (!in || !in->patient)
        return mn_error_set(MN_EINTERNAL, "mn_clinic_risks: no patient");
    acc a[R_COUNT];
    memset(a, 0, sizeof a);
    memset(out, 0, sizeof *out);
    int product_listed = 0, has_burns = 0;
    MN_TRY(table_rows(in, a, &product_listed));
    MN_TRY(hands(in, a));
    MN_TRY(pih(in, &a[R_PIH]));
    MN_TRY(scarring(in, &a[R_SCARRING]));
    if (!in->product_name || !*in->product_name)
        add(&a[R_GRANULOMA], MN_RISK_LOW, "no product applied to the open channels");
    else if (!product_listed)
        add(&a[R_GRANULOMA], MN_RISK_MODERATE,
            "%s is not known to be sterile and labelled for "
            "intradermal use; most topicals are not (clinical.md §7)",
            in->product_name);
    bleeding(in, &a[R_BLEEDING]);
    MN_TRY(burns(in, &a[R_BURNS], &has_burns));
    for (int i = 0; i < R_COUNT; i++) {
        if (i == R_BURNS && !has_burns)
            continue;
        mn_risk *r = &out->items[out->n++];
        snprintf(r->id, sizeof r->id, "%s", risk_ids[i]);
        r->level = MN_RISK_LOW;
        for (int l = 2; l >= 0; l--)
            if (a[i].why[l][0]) {
                r->level = (mn_risk_level)l;
                snprintf(r->reason, sizeof r->reason, "%s", a[i].why[l]);
                break;
            }
    }
    return MN_OK;
}

int mn_risks_level_of(const mn_risks *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->items[i].id, id) == 0)
            return (int)r->items[i].level;
    return -1;
}

mn_status mn_clinic_risks_json(const mn_risks *r, cJSON *summary)
{
    cJSON *arr = cJSON_CreateArray();
    if (!arr)
        return mn_error_set(MN_ENOMEM, "out of memory building risks JSON");
    for (size_t i = 0; i < r->n; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o) ||
            !cJSON_AddStringToObject(o, "id", r->items[i].id) ||
            !cJSON_AddStringToObject(o, "level", mn_risk_level_name(r->items[i].level)) ||
            !cJSON_AddStringToObject(o, "reason", r->items[i].reason)) {
            cJSON_Delete(arr);
            return mn_error_set(MN_ENOMEM, "out of memory building risks JSON");
        }
    }
    cJSON_DeleteItemFromObject(summary, "risks");
    if (!cJSON_AddItemToObject(summary, "risks", arr)) {
        cJSON_Delete(arr);
        return mn_error_set(MN_ENOMEM, "out of memory building risks JSON");
    }
    return MN_OK;
}
