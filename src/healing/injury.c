/* A session's injury on the healing grid: from the punctures of the needling stage, or from
 * identical punctures for planning and tests. Per depth cell it records how many channels pass
 * through (each contributes the fraction of the cell's thickness it spans, so a small change of
 * depth changes the injury smoothly) and the tissue volume the channels wounded.
 *
 * Wound geometry: the tissue the needle passed through, its cross-section at depth z being the
 * needle's there: a cone of the needle's taper from the tip radius at the depth reached, capped
 * at the shaft radius (src/needling: tip_radius_um, taper_tan). The open channel left after the
 * elastic recovery is narrower (delivery uses it); the cells in the needle's path are wounded
 * either way. Identical punctures for planning and tests use a full cone from the shaft radius
 * at the surface to zero at the depth. The wounded volume of a cell is the channels' volume in
 * it; channels placed at random overlap, so the wounded
 * fraction is 1 - exp(-volume density): it grows with density and passes without a ceiling at
 * realistic densities and with diminishing returns where channels overlap. */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "core/units.h"
#include "healing/healing.h"

static mn_status init_grid(const mn_column *col, mn_healing_injury *out)
{
    memset(out, 0, sizeof *out);
    if (!col || !(col->dermis_bottom_um > col->dej_depth_um) || !(col->dej_depth_um >= 0))
        return mn_error_set(MN_EINPUT,
                            "healing: column needs 0 <= dej_depth_um < dermis_bottom_um");
    out->dermis_top_um = col->dej_depth_um;
    out->dermis_bottom_um = col->dermis_bottom_um;
    return MN_OK;
}

void mn_healing_injury_none(const mn_column *col, mn_healing_injury *out)
{
    if (init_grid(col, out) != MN_OK)
        memset(out, 0, sizeof *out);
}

/* Integral over [a, b] of the cone's cross-section pi r0^2 (1 - z/d)^2 (zero below d). */
static double cone_volume(double r0, double d, double a, double b)
{
    if (b > d)
        b = d;
    if (!(b > a) || !(d > 0))
        return 0.0;
    double ua = 1.0 - a / d, ub = 1.0 - b / d;
    return MN_PI * r0 * r0 * d * (ua * ua * ua - ub * ub * ub) / 3.0;
}

/* Cross-section of the cone at depth z. */
static double cone_area(double r0, double d, double z)
{
    if (!(d > 0) || z >= d)
        return 0.0;
    double u = 1.0 - z / d;
    return MN_PI * r0 * r0 * u * u;
}

/* A needle's wounded volume in [a, b]: radius min(R, rt + (d - z) t) above its depth d. */
typedef struct needle_shape {
    double shaft_r, tip_r, taper; /* taper = tan of the cone half-angle; <= 0: full cone */
} needle_shape;

static double needle_volume(const needle_shape *n, double d, double a, double b)
{
    if (n->taper <= 0)
        return cone_volume(n->shaft_r, d, a, b);
    if (b > d)
        b = d;
    if (!(b > a))
        return 0.0;
    /* the cone part spans depths [d - h, d], h = (R - rt)/t; above it the shaft's cylinder */
    double h = n->shaft_r > n->tip_r ? (n->shaft_r - n->tip_r) / n->taper : 0.0, zc = d - h;
    double v = 0;
    if (a < zc)
        v += MN_PI * n->shaft_r * n->shaft_r * (fmin(b, zc) - a);
    double lo = fmax(a, zc);
    if (b > lo) { /* integral of pi (rt + (d - z) t)^2 dz = pi [r(lo)^3 - r(b)^3] / (3 t) */
        double r1 = n->tip_r + (d - lo) * n->taper, r2 = n->tip_r + (d - b) * n->taper;
        v += MN_PI * (r1 * r1 * r1 - r2 * r2 * r2) / (3.0 * n->taper);
    }
    return v;
}

static double needle_area(const needle_shape *n, double d, double z)
{
    if (n->taper <= 0)
        return cone_area(n->shaft_r, d, z);
    if (!(d > z))
        return 0.0;
    double r = fmin(n->shaft_r, n->tip_r + (d - z) * n->taper);
    return MN_PI * r * r;
}

/* Adds `weight` channels per µm² of the given shape reaching depth_um to the per-cell sums
 * (channel counts and wounded volume per µm³). */
static void add_channels(mn_healing_injury *inj, double depth_um, double weight, int bleeds,
                         const needle_shape *shape, double *volume_density)
{
    double dz = (inj->dermis_bottom_um - inj->dermis_top_um) / MN_HEALING_NZ;
    for (int k = 0; k < MN_HEALING_NZ; k++) {
        double lo = inj->dermis_top_um + k * dz;
        double span = (depth_um - lo) / dz;
        if (span <= 0)
            break;
        if (span > 1)
            span = 1;
        inj->density_per_um2[k] += weight * span;
        if (bleeds)
            inj->bleed_density_per_um2[k] += weight * span;
        volume_density[k] += weight * needle_volume(shape, depth_um, lo, lo + dz) / dz;
    }
}

static void finish(mn_healing_injury *inj, const double *volume_density)
{
    for (int k = 0; k < MN_HEALING_NZ; k++)
        inj->wound_fraction[k] = 1.0 - exp(-volume_density[k]);
}

mn_status mn_healing_injury_from_punctures(const mn_punctures *p, const mn_column *col,
                                           double patch_area_um2, mn_healing_injury *out)
{
    MN_TRY(init_grid(col, out));
    if (!p || !(patch_area_um2 > 0))
        return mn_error_set(MN_EINPUT, "healing: punctures and a positive patch area needed");
    double vol[MN_HEALING_NZ] = {0};
    double r = p->needle_radius_um > 0 ? p->needle_radius_um : 0, w = 1.0 / patch_area_um2;
    /* Depths are relaxed-skin depths: the needle's cone, pushed in under the device's face,
     * spans depth_stretch times its length once the skin relaxes (src/needling, as
     * mn_channel_radius_at uses it); 0 counts as 1. */
    double stretch = p->depth_stretch > 0 ? p->depth_stretch : 1.0;
    needle_shape shape = {r, p->tip_radius_um > 0 ? fmin(p->tip_radius_um, r) : 0.0,
                          p->taper_tan > 0 ? p->taper_tan / stretch : 0.0};
    /* Epidermal wound: the channel's cross-section at mid viable epidermis. */
    double z_epi = col->sc_um + 0.5 * col->viable_epidermis_um, epi_area = 0;
    size_t pierced = 0, bled = 0;
    double depth_sum = 0;
    for (size_t i = 0; i < p->n; i++) {
        double d = p->tissue_depth_um[i];
        if (!(d > 0) || p->layer[i] == MN_LAYER_NONE)
            continue;
        pierced++;
        depth_sum += d;
        if (p->bleeds[i])
            bled++;
        epi_area += needle_area(&shape, d, z_epi);
        add_channels(out, d, w, p->bleeds[i] != 0, &shape, vol);
    }
    finish(out, vol);
    out->epidermal_wound_fraction = 1.0 - exp(-epi_area * w);
    out->punctures_per_cm2 = (double)pierced * w * MN_UM2_PER_CM2;
    out->bleeding_fraction = pierced ? (double)bled / (double)pierced : 0.0;
    out->mean_depth_um = pierced ? depth_sum / (double)pierced : 0.0;
    return MN_OK;
}

mn_status mn_healing_injury_uniform(const mn_column *col, double depth_um, double punctures_per_cm2,
                                    double needle_radius_um, double bleeding_fraction,
                                    mn_healing_injury *out)
{
    MN_TRY(init_grid(col, out));
    if (!(depth_um >= 0) || !(punctures_per_cm2 >= 0) || !(needle_radius_um >= 0) ||
        !(bleeding_fraction >= 0 && bleeding_fraction <= 1))
        return mn_error_set(MN_EINPUT, "healing: uniform injury needs depth, density, radius >= 0 "
                                       "and a bleeding fraction in [0, 1]");
    double vol[MN_HEALING_NZ] = {0};
    double n = punctures_per_cm2 / MN_UM2_PER_CM2;
    needle_shape cone = {needle_radius_um, 0.0, 0.0};
    if (depth_um > 0 && n > 0) {
        add_channels(out, depth_um, n * bleeding_fraction, 1, &cone, vol);
        add_channels(out, depth_um, n * (1.0 - bleeding_fraction), 0, &cone, vol);
    }
    finish(out, vol);
    double z_epi = col->sc_um + 0.5 * col->viable_epidermis_um;
    out->epidermal_wound_fraction = 1.0 - exp(-n * cone_area(needle_radius_um, depth_um, z_epi));
    out->punctures_per_cm2 = depth_um > 0 ? punctures_per_cm2 : 0.0;
    out->bleeding_fraction = depth_um > 0 ? bleeding_fraction : 0.0;
    out->mean_depth_um = depth_um > 0 ? depth_um : 0.0;
    return MN_OK;
}

/* The calendar is the model's (src/model/model.c); these adapt it to flat arrays. */
int mn_healing_schedule_count(const mn_protocol *pr)
{
    if (!pr || pr->sessions < 1)
        return 0;
    return mn_protocol_total_sessions(pr);
}

mn_status mn_healing_schedule_days(const mn_protocol *pr, double *days, int cap, int *n_out,
                                   double *end_day)
{
    if (!pr || pr->sessions < 1 || !(pr->interval_days > 0 || pr->sessions == 1) ||
        !(pr->follow_up_days >= 0))
        return mn_error_set(MN_EINPUT, "healing: protocol needs sessions >= 1, interval_days > 0, "
                                       "follow_up_days >= 0");
    int n = mn_healing_schedule_count(pr);
    if (n > cap)
        return mn_error_set(MN_EINPUT, "healing: %d sessions exceed the capacity %d", n, cap);
    for (int s = 0; s < n; s++)
        days[s] = mn_protocol_session_day(pr, s + 1);
    *n_out = n;
    *end_day = mn_protocol_end_day(pr);
    return MN_OK;
}

/* Spreads a volume per cm² uniformly over the depth band [top, bottom] onto the healing grid's
 * depth cells (the healing model owns its grid arithmetic), adding to frac[] (capped at 1). */
static void spread_band(const mn_healing_injury *inj, double *frac, double nl_per_cm2,
                        double depth_top_um, double depth_bottom_um)
{
    /* nL per cm² -> µm of tissue-equivalent thickness: 1 nL = 1e6 µm³, 1 cm² = 1e8 µm². */
    const double thickness_um = nl_per_cm2 * 1e6 / MN_UM2_PER_CM2;
    const double band = depth_bottom_um - depth_top_um;
    if (!(thickness_um > 0.0) || !(band > 0.0))
        return;
    const double dz = (inj->dermis_bottom_um - inj->dermis_top_um) / MN_HEALING_NZ;
    for (int k = 0; k < MN_HEALING_NZ; k++) {
        double z0 = inj->dermis_top_um + k * dz, z1 = z0 + dz;
        double overlap = fmin(z1, depth_bottom_um) - fmax(z0, depth_top_um);
        if (overlap > 0.0)
            frac[k] = fmin(1.0, frac[k] + thickness_um / band * overlap / dz);
    }
}

void mn_healing_injury_add_thermal(mn_healing_injury *inj, double coagulated_nl_per_cm2,
                                   double depth_top_um, double depth_bottom_um,
                                   double zone_width_um)
{
    if (!(coagulated_nl_per_cm2 > 0.0) || !(depth_bottom_um > depth_top_um))
        return;
    inj->thermal_zone_radius_um = 0.5 * zone_width_um;
    spread_band(inj, inj->thermal_fraction, coagulated_nl_per_cm2, depth_top_um, depth_bottom_um);
}

void mn_healing_injury_add_cell_death(mn_healing_injury *inj, double killed_nl_per_cm2,
                                      double depth_top_um, double depth_bottom_um)
{
    spread_band(inj, inj->thermal_kill_fraction, killed_nl_per_cm2, depth_top_um, depth_bottom_um);
}
