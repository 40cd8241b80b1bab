/* The validated scenario in the form every stage reads. Filled only by the loaders of
 * src/model/ (from YAML or the built-in default); units are in the field names. Stages treat
 * it as read-only. */
#ifndef MN_MODEL_MODEL_H
#define MN_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mnsim/status.h"

enum {
    MN_NAME_CAP = 64,
    MN_TEXT_CAP = 256,
    MN_LIST_CAP = 32,
    MN_OVERRIDE_CAP = 64,
    MN_FIELD_TIMES_CAP = 32
};

typedef enum mn_sex { MN_SEX_FEMALE = 0, MN_SEX_MALE = 1 } mn_sex;

/* Sun exposure after treatment (scenario key patient.sun_exposure; healing's PIH, src/healing/
 * pih.c). low: standard aftercare with the sun avoided, the reference of the PIH calibration. */
typedef enum mn_sun_exposure {
    MN_SUN_LOW = 0,
    MN_SUN_MODERATE = 1,
    MN_SUN_HIGH = 2
} mn_sun_exposure;

typedef struct mn_medication {
    char name[MN_NAME_CAP];
    double stopped_days_ago; /* < 0: still taking it (or not stated) */
} mn_medication;

typedef struct mn_procedure {
    char name[MN_NAME_CAP];
    double days_ago;
} mn_procedure;

typedef struct mn_patient {
    double age_years;
    mn_sex sex;
    int fitzpatrick; /* 1..6 */
    bool pregnant, breastfeeding;
    size_t n_conditions, n_medications, n_allergies, n_procedures;
    char conditions[MN_LIST_CAP][MN_NAME_CAP];
    mn_medication medications[MN_LIST_CAP];
    char allergies[MN_LIST_CAP][MN_NAME_CAP];
    mn_procedure procedures[MN_LIST_CAP];
    mn_sun_exposure sun_exposure; /* after treatment; MN_SUN_LOW (0) by default */
} mn_patient;

typedef struct mn_site_spec {
    char zone[MN_NAME_CAP];
    bool layers_given; /* explicit layers_um override the site table */
    double stratum_corneum_um, epidermis_um, dermis_um;
} mn_site_spec;

typedef enum mn_device_type {
    MN_DEVICE_ROLLER = 0,
    MN_DEVICE_PEN = 1,
    MN_DEVICE_STAMP = 2,
    MN_DEVICE_RF = 3
} mn_device_type;

typedef enum mn_polarity { MN_POLARITY_BIPOLAR = 0, MN_POLARITY_MONOPOLAR = 1 } mn_polarity;

/* Where the device is used: by a practitioner in a clinic, or by the patient at home. */
typedef enum mn_device_setting { MN_SETTING_CLINIC = 0, MN_SETTING_HOME = 1 } mn_device_setting;

/* Device with every geometric and kinematic value resolved (model table, explicit keys,
 * defaults). Depth: needle_length_um for rollers and stamps, depth_um (dial setting) for pens
 * and RF; set_depth_um is whichever applies. */
typedef struct mn_device_spec {
    mn_device_type type;
    char model[MN_NAME_CAP]; /* "" when given explicitly */
    int needles;             /* per drum, cartridge, stamp head or RF tip */
    int rows;                /* needle rows (roller: rings around the drum; pen/stamp: grid rows) */
    double drum_diameter_um, drum_width_um; /* roller drum; pen/stamp head: width x width */
    double needle_diameter_um, tip_radius_um;
    double set_depth_um;
    double depth_min_um, depth_max_um; /* range the device allows (a pen's dial) */
    double frequency_hz;               /* pen/RF stroke rate */
    double glide_speed_um_s;           /* pen and roller hand speed */
    int passes;
    /* RF only */
    bool insulated;
    double tip_exposed_um;
    mn_polarity polarity;
    double power_w, energy_mj_per_needle, pulse_ms, frequency_mhz;
    int stacks;
    /* RF explicit arrays: needle-field width and needle pitch; < 0 when not given. */
    double tip_width_um, pitch_um;
    /* RF needle taper, contact cooling and passes at one spot (issue 15, src/heat):
     * taper_length_um: the needle widens from tip_radius_um at the tip to its diameter over
     * this length (< 0: the needling stage's needle_taper_length_um; 0: a cylinder). Any
     * device type may give it (issue 12); the needling and heat stages both use it.
     * cooled: a plate at cooling_c touches the skin surface during each pass's pulse train,
     * with heat-transfer coefficient cooling_h_w_m2k (<= 0: the surface held at cooling_c).
     * pass_interval_s > 0: the passes hit the same spot this far apart and are simulated one
     * after the other; otherwise passes lie side by side. */
    double taper_length_um;
    bool cooled;
    double cooling_c, cooling_h_w_m2k;
    double precool_s; /* the plate touches the skin this long before each pass's first pulse */
    double pass_interval_s;
    /* Hands and hygiene (every device): setting, sterile needles, earlier uses. */
    mn_device_setting setting;
    bool sterile;
    int reuse_count;
} mn_device_spec;

typedef enum mn_applied { MN_APPLIED_AFTER = 0, MN_APPLIED_BEFORE = 1 } mn_applied;

/* Ionisation class of a product's active; UNSET when neither scenario nor table says. */
typedef enum mn_acid_base {
    MN_ACIDBASE_UNSET = 0,
    MN_ACIDBASE_NEUTRAL = 1,
    MN_ACIDBASE_ACID = 2,
    MN_ACIDBASE_BASE = 3
} mn_acid_base;

typedef struct mn_product_spec {
    bool present;
    char name[MN_NAME_CAP]; /* from the product table, or "custom" */
    double mw_da, log_kow;
    double concentration_mg_ml;
    bool infinite_dose;
    double volume_ul_per_cm2;
    mn_applied applied;
    double duration_h;
    bool occluded;
    /* Ionisation and solubility as the scenario gives them; NAN (acid_base UNSET) when not
     * given, so the delivery stage falls back to the product table. */
    double pka;
    mn_acid_base acid_base;
    double ph;               /* formulation pH */
    double solubility_mg_ml; /* donor saturation */
} mn_product_spec;

/* Device settings one session may change. A negative value (or passes 0) means "as the
 * device block says". */
typedef struct mn_session_override {
    int session; /* 1-based */
    double set_depth_um;
    double depth_min_um, depth_max_um; /* range the device allows (a pen's dial) */
    int passes;
    double frequency_hz, glide_speed_um_s;
} mn_session_override;

typedef struct mn_protocol {
    int sessions;
    double interval_days;
    double follow_up_days;         /* after the last session */
    double maintenance_every_days; /* 0: none */
    size_t n_overrides;
    mn_session_override overrides[MN_OVERRIDE_CAP];
} mn_protocol;

typedef struct mn_output_spec {
    size_t n_field_times;
    double field_times_h[MN_FIELD_TIMES_CAP];
} mn_output_spec;

/* What is treated and how bad it is (DESIGN.md: severity on the concern's own scale). */
typedef struct mn_indication {
    bool present;
    char concern[MN_NAME_CAP]; /* one of mn_indication_concerns() */
    double severity;           /* NAN when not given */
} mn_indication;

typedef enum mn_experiment_type {
    MN_EXPERIMENT_IN_VIVO = 0,
    MN_EXPERIMENT_FRANZ_CELL = 1
} mn_experiment_type;

typedef enum mn_species { MN_SPECIES_HUMAN = 0, MN_SPECIES_PORCINE = 1 } mn_species;

/* In vivo (living skin, the default) or a laboratory permeation cell (OECD 428): excised skin
 * on a receptor, no perfusion. */
typedef struct mn_experiment {
    mn_experiment_type type;
    mn_species species;
    double skin_thickness_um; /* < 0: full thickness of the species' skin */
    bool receptor_sink;       /* perfect sink, else a finite volume */
    double receptor_volume_ml;
    bool receptor_replace; /* sampled volume replaced with fresh medium */
    double duration_h;
    size_t n_sampling;
    double sampling_h[MN_FIELD_TIMES_CAP];
} mn_experiment;

typedef enum mn_operator { MN_OPERATOR_TRAINED = 0, MN_OPERATOR_UNTRAINED = 1 } mn_operator;

typedef struct mn_model {
    char name[MN_TEXT_CAP];
    uint64_t seed;
    mn_patient patient;
    mn_site_spec site;
    double patch_width_um, patch_length_um;
    mn_device_spec device;
    mn_product_spec product;
    mn_protocol protocol;
    mn_output_spec output;
    mn_indication indication;
    mn_experiment experiment;
    mn_operator operator_;
} mn_model;

/* The device for a session (1-based), with that session's overrides applied. */
mn_device_spec mn_model_session_device(const mn_model *m, int session);

/* The treatment calendar, the one every stage uses. The protocol forms serve stages that
 * hold only a protocol (healing); the model forms are shorthands. */
int mn_protocol_total_sessions(const mn_protocol *p);
double mn_protocol_session_day(const mn_protocol *p, int session);
double mn_protocol_end_day(const mn_protocol *p);

/* Day of a session (1-based) counted from the first session (day 0). Maintenance sessions
 * follow the course every maintenance_every_days within the follow-up. */
double mn_model_session_day(const mn_model *m, int session);
/* All sessions including maintenance ones. */
int mn_model_total_sessions(const mn_model *m);
/* Last simulated day (last course session + follow_up_days). */
double mn_model_end_day(const mn_model *m);

#endif
