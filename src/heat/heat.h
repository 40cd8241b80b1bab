/* Heat stage: radiofrequency (RF) microneedling. For one RF device setting and one skin column
 * it solves, in a representative unit cell around one needle of the array,
 *
 *   the quasi-static potential   ∇·((σ + jωε₀ε_r)∇V) = 0   (complex, per layer),
 *   Joule heating                Q = ½σ|E|²  (peak phasor), scaled to the delivered power,
 *   Pennes bioheat               ρc ∂T/∂t = ∇·(k(T)∇T) + w_b ρ_b c_b (T_a − T) + Q,
 *   Arrhenius damage             Ω = ∫ A exp(−E_a/(R T)) dt  (skin-burn and collagen sets),
 *
 * and reports the coagulation zone (Ω_collagen ≥ 1), peak and epidermal temperatures, the
 * epidermal burn dose and the thermal injury the healing stage takes as input. Tables:
 * data/tissue_thermal.csv, data/arrhenius.csv. See docs/validation/heat.md.
 *
 * Unit cell: the array is taken as a square lattice of pitch p with every needle firing at
 * once. Symmetry leaves a quarter cell [0, p/2]² with the needle axis on its corner. Monopolar:
 * side walls are symmetry planes, the return electrode is far below (V = 0 at the bottom).
 * Bipolar: neighbours along x carry the opposite phase, so the plane x = p/2 is V = 0
 * (antisymmetry); y walls and the bottom are symmetry planes. Thermally all side walls are
 * symmetry planes (zero flux), the skin surface is adiabatic and the bottom is held at the
 * arterial temperature. */
#ifndef MN_HEAT_HEAT_H
#define MN_HEAT_HEAT_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stddef.h>

#include "anatomy/anatomy.h"
#include "model/model.h"
#include "mnsim/status.h"

typedef struct mn_heat_options {
    double pitch_um;        /* needle spacing in the array; 0: from the device (drum_width_um /
                               (needles / rows)) or, if the device has no width, 1000 µm */
    double voxel_um;        /* lateral voxel edge (also z spacing near the needle); default 20 */
    double pulse_gap_ms;    /* pause between stacked pulses; < 0: equal to pulse_ms */
    double cooldown_max_ms; /* simulated time after the last pulse at most; default 2000 */
    double cooldown_stop_c; /* stop cooling earlier once every voxel is below this; default 44 */
    double arterial_temperature_c; /* and the initial temperature; default 37 */
    /* Relative change of σ per °C below 100 °C. Default < 0: each layer's cited coefficient
     * (data/rf_dielectric.csv, 1.82 %/°C); 0 switches σ(T) off. */
    double sigma_temp_coeff_per_c;
    int sigma_damage;            /* irreversible σ rise with denaturation; default 1 */
    int vaporisation;            /* water vaporisation at 100 °C (enthalpy); default 1 */
    double resolve_sigma_rel;    /* re-solve the potential once σ moved this much; 0.2 */
    double impedance_cutoff_rel; /* the generator ends a sub-pulse when |Z| exceeds this × its
                                    lowest value in the pulse (impedance roll-off); default 2 */
    int k_temperature_dependent; /* k(T) = k0 (1 + a (T − 37)), Duck 1990 (V2); default 1 */
    /* Sensitivity of the assumptions (docs/validation/heat.md): each layer's water content
     * (latent heat) times water_scale (default 1), and σ of desiccated tissue relative to wet
     * (< 0, the default: data/rf_dielectric.csv, 0.01). */
    double water_scale;
    double dry_sigma_factor;
    int keep_fields; /* keep peak-temperature and Ω fields for .vti; default 1 */
} mn_heat_options;

void mn_heat_options_default(mn_heat_options *o);

typedef struct mn_heat_result mn_heat_result;

/* Runs the RF heating of one session setting (device type MN_DEVICE_RF). Needs
 * needle_diameter_um > 0, set_depth_um > 0, pulse_ms > 0, power_w > 0 or
 * energy_mj_per_needle > 0 (power_w is the generator power over all needles),
 * frequency_mhz in [0.5, 2], stacks >= 1; tip_exposed_um > 0 when insulated. o may be NULL. */
mn_status mn_heat_run(const mn_device_spec *d, const mn_column *col, const mn_heat_options *o,
                      mn_heat_result **out);
void mn_heat_result_free(mn_heat_result *r);

/* Coagulation zone (Ω_collagen ≥ 1) around one needle; all zero when there is none. */
typedef struct mn_heat_zone {
    double top_um, bottom_um; /* shallowest and deepest extent below the skin surface */
    double width_um;          /* largest diameter across the needle axis */
    double volume_nl;         /* tissue volume (needle metal excluded), 1 nL = 1e6 µm³ */
} mn_heat_zone;

typedef struct mn_heat_summary {
    double peak_temperature_c;           /* tissue, over space and time */
    double epidermis_peak_temperature_c; /* stratum corneum + viable epidermis */
    double tip_peak_temperature_c;       /* tissue voxel just below the needle tip */
    mn_heat_zone coagulation;            /* Ω_collagen ≥ 1 (Maitland & Walsh) */
    mn_heat_zone cell_death;             /* Ω_skin ≥ 1 (Henriques & Moritz) */
    double damage_volume_fraction;       /* coagulated share of epidermis+dermis under the tip,
                                            all passes of the session (non-overlapping), ≤ 1 */
    double epidermis_omega_skin;         /* max Ω_skin in the viable epidermis (burn dose) */
    double power_per_needle_w, energy_per_needle_mj, on_time_ms;
    double impedance_ohm;      /* |V/I| of one needle to its return (bipolar: of the pair) */
    double energy_balance_rel; /* |deposited − stored − conducted − perfused − latent| / dep. */
    /* Lesion as a histologist measures it (issue 15). */
    double coagulation_width_dej_um; /* diameter of the coagulation zone at the DEJ */
    int epidermis_damaged;           /* Ω_skin ≥ 1 somewhere in the viable epidermis */
    double epidermis_area_fraction;  /* share of the skin surface above such damage */
    double layer_peak_c[4];          /* peak tissue temperature: SC, epidermis, dermis, subcutis */
    double delivered_energy_mj;      /* per needle, after any impedance cut-off */
    double impedance_end_ohm;        /* at the end of the last sub-pulse */
    int pulse_cut_short;             /* sub-pulses ended early by the impedance rise */
    double vaporised_nl;             /* tissue volume that lost all its water */
    double latent_mj;                /* per needle: heat taken by vaporisation */
    int passes_at_spot;              /* pulse trains simulated at this spot (pass_interval_s) */
    int cooled;                      /* a contact-cooling plate touched the skin in each train */
    double cooling_plate_c;          /* its temperature */
    double cooling_h_w_m2k;          /* its heat-transfer coefficient; 0: surface held */
    double precool_s;                /* the plate alone on the skin before each train */
    double taper_length_um;          /* the needle's cone length (0: a cylinder) */
} mn_heat_summary;

mn_status mn_heat_get_summary(const mn_heat_result *r, mn_heat_summary *out);

/* Thermal injury of the session for the healing model. */
typedef struct mn_heat_injury {
    double zones_per_cm2;                 /* coagulation columns per cm² of skin (all passes) */
    double coagulated_nl_per_cm2;         /* Ω_collagen ≥ 1 volume per cm² of skin */
    double depth_top_um, depth_bottom_um; /* depth range of the columns */
    double zone_width_um;
    double epidermis_peak_temperature_c, epidermis_omega_skin;
} mn_heat_injury;

mn_status mn_heat_get_injury(const mn_heat_result *r, int passes, mn_heat_injury *out);

/* Temperature-time curve, n samples: time since the first pulse (ms), tissue temperature
 * just below the tip, max epidermal and max tissue temperature (°C), max Ω of both sets. */
typedef struct mn_heat_curve {
    size_t n;
    const double *time_ms, *tip_c, *epidermis_max_c, *tissue_max_c, *omega_skin_max,
        *omega_collagen_max;
} mn_heat_curve;

mn_status mn_heat_get_curve(const mn_heat_result *r, mn_heat_curve *out);
/* Fields of the quarter cell (x, y from the needle axis, z down from the skin surface), flat
 * arrays i + nx (j + ny k): peak temperature (°C), final Ω_skin and Ω_collagen, material
 * label (0 SC, 1 epidermis, 2 dermis, 3 subcutis, 4 needle). z is graded: z_faces_um has
 * nz + 1 entries. Fails if the run was made with keep_fields = 0. */
typedef struct mn_heat_fields {
    int nx, ny, nz;
    double dx_um, dy_um;
    const double *z_faces_um;
    const double *peak_temperature_c, *omega_skin, *omega_collagen;
    const unsigned char *label;
    double tip_depth_um; /* the needle tip below the skin surface */
} mn_heat_fields;

mn_status mn_heat_get_fields(const mn_heat_result *r, mn_heat_fields *out);

/* Verification suite (exact solutions, energy balance, observed orders) for `mnsim verify`.
 * Appends one object per case to json_cases (a cJSON array; may be NULL); when print is set,
 * writes a line per case to out (may be NULL). Sets *passed to 1 when every case passes. */
mn_status mn_heat_verify_run(cJSON *json_cases, FILE *out, int *passed);

#endif
