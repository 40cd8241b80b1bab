/* Treatment risks of one simulated treatment, for summary.json `risks`: infection,
 * post-inflammatory hyperpigmentation (pih), scarring and tram-track marks (scarring),
 * granuloma/hypersensitivity from products in the channels (granuloma), bleeding, burns
 * (RF only) and an uneven result (uneven_result: home devices, untrained hands). Each level is the
 * highest over the cited rows of data/risk_rules.csv that match and over the simulated quantities
 * weighed here (limits in data/plan_limits.csv). */
#ifndef MN_CLINIC_RISKS_H
#define MN_CLINIC_RISKS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "anatomy/anatomy.h"
#include "model/model.h"
#include "mnsim/status.h"

typedef enum mn_risk_level {
    MN_RISK_LOW = 0,
    MN_RISK_MODERATE = 1,
    MN_RISK_HIGH = 2
} mn_risk_level;

/* Everything the assessment needs; the run pipeline fills it from the model and the
 * simulated sessions. Unknown simulated values: pass a negative number (NAN for the
 * temperature). */
typedef struct mn_risk_inputs {
    const mn_patient *patient; /* required */
    const char *zone;          /* site zone name */
    const mn_column *column;   /* this patient's column at the zone; NULL if unknown */
    mn_device_type device_type;
    double set_depth_um;        /* needle length or dial setting */
    double tissue_depth_max_um; /* deepest reach over all punctures and sessions */
    double bleeding_fraction;   /* highest over sessions: punctures reaching capillary loops */
    double erythema_days;       /* longest erythema of one session (simulated inflammation) */
    const char *product_name;   /* product in contact with open channels; NULL or "" none */
    double epidermis_peak_temperature_c; /* RF only; NAN when not simulated */
    double heat_duration_s;              /* time the epidermis stays near its peak (RF pulse) */
    /* Who treats, where, with what (default: trained operator, clinic, sterile, unused). */
    mn_device_setting setting;
    bool sterile;
    int reuse_count;
    mn_operator operator_;
    /* RF: the Henriques skin-burn integral Ω the heat stage integrated over the viable
     * epidermis (its maximum over sessions); NAN when not simulated. When given, the burn
     * rule uses it instead of the peak-temperature bound. */
    double epidermis_omega;
    double pih_probability; /* simulated PIH probability of the course (healing); < 0 unknown */
} mn_risk_inputs;

/* Sets the fields a caller commonly leaves unknown (no product, no RF, unknown depth). */
void mn_risk_inputs_init(mn_risk_inputs *in);

enum { MN_RISK_CAP = 8, MN_RISK_REASON_CAP = 512 };

typedef struct mn_risk {
    char id[16];
    mn_risk_level level;
    char reason[MN_RISK_REASON_CAP];
} mn_risk;

typedef struct mn_risks {
    size_t n;
    mn_risk items[MN_RISK_CAP];
} mn_risks;

mn_status mn_clinic_risks(const mn_risk_inputs *in, mn_risks *out);

/* "low", "moderate", "high". */
const char *mn_risk_level_name(mn_risk_level l);
/* Highest level of a risk id, or -1 if absent. */
int mn_risks_level_of(const mn_risks *r, const char *id);

/* Adds "risks": [{id, level, reason}] to a summary object (replacing one already there). */
mn_status mn_clinic_risks_json(const mn_risks *r, cJSON *summary);

/* Reads a named value of data/plan_limits.csv. */
mn_status mn_clinic_limit(const char *name, double *out);

#endif
