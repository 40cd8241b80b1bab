/* How deep a needle really gets, and the channel it leaves (docs/validation/needling.md).
 *
 * 1. Tenting. The skin deflects under the tip until the load reaches the puncture force, so
 *    the tip pierces only after the needle has travelled the deflection delta:
 *        F_p   = F_0 (a / a_0)^2 (h_sc / h_sc0)      puncture force, linear in the tip's area
 *                                                    (Davis et al. J Biomech 2004) and, as an
 *                                                    assumption, in the horny layer to be cut
 *        delta = (1 - nu^2) F_p / (2 a E)            deflection of an elastic half-space under
 *                                                    a flat punch of radius a (Boussinesq)
 *    F_0 from Olatunji et al. J Pharm Sci 2013 (0.030 N per needle), E from Geerligs et al.
 *    J Biomech 2011 (epidermis 1-2 MPa). So delta grows linearly with the tip radius and the
 *    stratum corneum's thickness. Excised skin on a rigid support deflects less
 *    (rigid_support_tenting_fraction). A lognormal spread stands for hand pressure, hair,
 *    wrinkles. The tip reaches max(0, set - delta) along its axis, times cos(tilt) in depth.
 * 2. Rebound. A sharp needle enters skin by wedging open a planar crack (Shergold & Fleck,
 *    J Biomech Eng 2005, human skin in vivo), which the skin's elasticity closes again once the
 *    needle is out: the hole keeps the share (1 - R) of the needle's local width, R the skin's
 *    elastic recovery (Cutometer gross elasticity R2 of facial skin, falling with age;
 *    data/needling_params.csv), drawn per puncture about the patient's mean. Near the tip,
 *    where that leaves less than channel_min_open_radius_um, the hole closes at once. The
 *    needle is a cone from the tip radius to the shaft radius over needle_taper_length_um
 *    (the device's own taper where given; then cylindrical). channel_depth_um is the deepest open
 * point; channel_diameter_um the open diameter at the surface, so it follows the needle's
 * cross-section at the surface at the depth reached (a shallow puncture leaves a narrower hole).
 * 3. Compression under the device. The device's face (pen cartridge, roller drum, stamp plate)
 *    presses on the skin, which compresses by a strain that falls with the zone's stiffness
 *    (Young's modulus in vivo, data/site_stiffness.csv; same pressure everywhere, linear, capped):
 *    the tip's travel into the compressed skin is a deeper point of the relaxed skin, depth /
 *    (1 - strain). So a stiffer site is reached less deep at the same setting, a softer one
 *    deeper. Every depth reported (reach, open channel) is in the relaxed skin, where histology
 *    sees it.
 * 4. The horny layer's perforation stays open: the stratum corneum is dead, cornified tissue
 *    that does not recoil like the viable skin beneath (the elastic recovery above is the
 *    living skin's), so a puncture that crossed it leaves at least a channel through it even
 *    where the recovered hole beneath is narrower than the smallest open radius. Human
 *    volunteers' skin loses its barrier (TEWL rises) after 200 um solid microneedles (Bal SM
 *    et al. Eur J Pharm Sci 2008;35:193-202).
 * 5. Bleeding. Graded: the chance of cutting a vessel of the papillary capillary loops (vertical
 *    limbs on a lattice, apex at the column's capillary depth) and of the horizontal
 *    subpapillary plexus, from the needle's cross-section where it crosses them. Excised skin
 *    has no perfusion and does not bleed. */
#include <math.h>

#include "core/error.h"
#include "core/units.h"
#include "needling/builder.h"

/* Bounds of the elastic recovery drawn per puncture: skin neither recovers completely nor
 * keeps most of the needle's width open (Cutometer R2 of facial skin 0.66-0.82, needling
 * params); a draw outside is clipped. */
#define RECOVERY_MIN 0.3
#define RECOVERY_MAX 0.95

/* Needle radius at distance s (µm) from its tip, along its axis (no taper: a cylinder of the
 * shaft's radius, as in the heat stage). */
static double needle_radius(const mn_insertion_model *im, double s)
{
    if (!(im->taper_tan > 0.0))
        return im->shaft_radius_um;
    return fmin(im->shaft_radius_um, im->tip_radius_um + fmax(0.0, s) * im->taper_tan);
}

mn_status mn_insertion_model_make(const mn_device_spec *d, const mn_needling_params *np,
                                  const mn_column *col, int rigid_support, double age_years,
                                  mn_insertion_model *out)
{
    mn_insertion_model im = {0};
    im.set_depth_um = d->set_depth_um;
    im.shaft_radius_um = 0.5 * d->needle_diameter_um;
    /* A tip as wide as the shaft is a blunt cylinder: the tip radius cannot exceed it (the
     * scenario's ranges allow a 30 µm tip on a 50 µm needle). */
    im.tip_radius_um = fmin(d->tip_radius_um, im.shaft_radius_um);
    if (!(im.tip_radius_um > 0.0))
        return mn_error_set(MN_EINPUT,
                            "device: tip radius %g um, needle diameter %g um "
                            "(expected both > 0)",
                            d->tip_radius_um, d->needle_diameter_um);
    const double a = im.tip_radius_um * 1e-6, a0 = np->puncture_force_tip_radius_um * 1e-6;
    const double sc_ratio = col->sc_um / np->puncture_sc_reference_um;
    const double force_n = np->puncture_force_n * (a / a0) * (a / a0) * sc_ratio;
    const double nu = np->skin_poisson_ratio;
    double delta_m = (1.0 - nu * nu) * force_n / (2.0 * a * np->epidermis_modulus_pa);
    if (rigid_support)
        delta_m *= np->rigid_support_tenting_fraction;
    im.puncture_force_n = force_n;
    im.tenting_mean_um = delta_m * 1e6;
    im.tenting_log_sd = np->tenting_log_sd;
    /* The needle's point: the device's own taper where the scenario (or, for an RF model,
     * data/rf_devices.csv) gives one (0: a cylinder), so that the heat stage and this one see
     * the same needle; otherwise needle_taper_length_um. */
    const double taper_len =
        d->taper_length_um >= 0.0 ? d->taper_length_um : np->needle_taper_length_um;
    im.taper_tan = taper_len > 0.0 ? (im.shaft_radius_um - im.tip_radius_um) / taper_len : 0.0;
    /* A cylinder (no taper) is open all the way down or closed all the way. */
    if (!(im.taper_tan > 0.0))
        im.taper_tan = 0.0;
    /* Elastic recovery of this patient's skin: the reference value at the reference age, less
     * the loss with age (older skin recovers less and keeps wider holes). */
    im.recovery_mean = np->elastic_recovery -
                       np->elastic_recovery_loss_per_year * (age_years - np->elastic_recovery_age);
    im.recovery_mean = fmin(RECOVERY_MAX, fmax(RECOVERY_MIN, im.recovery_mean));
    im.recovery_sd = np->elastic_recovery_sd;
    im.min_open_radius_um = np->channel_min_open_radius_um;
    im.upright = d->type == MN_DEVICE_ROLLER;
    im.perfused = !rigid_support;
    im.loop_apex_um = col->capillary_depth_um;
    im.plexus_um =
        fmin(col->dej_depth_um + np->subpapillary_plexus_below_dej_um, col->dermis_bottom_um);
    im.loop_limbs_per_um2 = 2.0 / (np->capillary_loop_pitch_um * np->capillary_loop_pitch_um);
    im.capillary_radius_um = np->capillary_radius_um;
    im.plexus_length_per_um = np->plexus_vessel_length_per_area_um;
    im.plexus_radius_um = np->plexus_vessel_radius_um;
    im.compression = fmin(np->skin_compression_max, np->skin_compression_reference *
                                                        np->skin_modulus_reference_kpa /
                                                        fmax(col->skin_modulus_kpa, 1e-9));
    if (!(col->skin_modulus_kpa > 0.0))
        return mn_error_set(MN_EINPUT, "site %s: skin modulus %g kPa (expected > 0)", col->zone,
                            col->skin_modulus_kpa);
    im.depth_stretch = 1.0 / (1.0 - im.compression);
    im.sc_um = col->sc_um;
    *out = im;
    return MN_OK;
}

double mn_insertion_bleed_probability(const mn_insertion_model *im, double depth_um, double cos_t)
{
    if (!im->perfused || !(depth_um > im->loop_apex_um))
        return 0.0;
    /* The needle is widest where it crosses the loop apices: a limb within that radius (plus the
     * capillary's) is cut. Expected cuts, Poisson. */
    /* Relaxed depths back to the needle's travel in the compressed skin. */
    const double c = im->depth_stretch > 0.0 ? 1.0 / im->depth_stretch : 1.0;
    double s_apex = (depth_um - im->loop_apex_um) * c / cos_t;
    double r = needle_radius(im, s_apex) + im->capillary_radius_um;
    double hits = im->loop_limbs_per_um2 * MN_PI * r * r;
    if (depth_um > im->plexus_um) {
        /* A horizontal vessel network of length L per area is cut by a disc of radius r with
         * probability ~ 2 r L (Buffon). */
        double rp =
            needle_radius(im, (depth_um - im->plexus_um) * c / cos_t) + im->plexus_radius_um;
        hits += 2.0 * rp * im->plexus_length_per_um;
    }
    return 1.0 - exp(-hits);
}

/* Length behind the tip over which a hole keeping the share `keep` of the needle's radius is
 * narrower than the smallest open radius (closed at once). */
static double closed_tip_length(const mn_insertion_model *im, double keep)
{
    double r_open = im->min_open_radius_um / keep;
    if (!(im->taper_tan > 0.0))
        return r_open <= im->shaft_radius_um ? 0.0 : INFINITY;
    return r_open <= im->tip_radius_um     ? 0.0
           : r_open >= im->shaft_radius_um ? INFINITY
                                           : (r_open - im->tip_radius_um) / im->taper_tan;
}

void mn_insertion_puncture(const mn_insertion_model *im, double tilt_deg, double z_normal,
                           double z_recovery, double u_bleed, mn_insertion_result *out)
{
    const double sd = im->tenting_log_sd;
    /* Mean-preserving lognormal spread of the deflection. */
    double delta = im->tenting_mean_um * exp(sd * z_normal - 0.5 * sd * sd);
    double along = fmax(0.0, im->set_depth_um - delta);
    double cos_t = im->upright ? 1.0 : cos(tilt_deg * MN_PI / 180.0);
    const double stretch = im->depth_stretch > 0.0 ? im->depth_stretch : 1.0;
    out->tissue_depth_um = along * cos_t * stretch;
    double recovery =
        fmin(RECOVERY_MAX, fmax(RECOVERY_MIN, im->recovery_mean + im->recovery_sd * z_recovery));
    double keep = 1.0 - recovery;
    double open_along = along - closed_tip_length(im, keep);
    if (!(along > 0.0)) {
        out->channel_depth_um = 0.0;
        out->channel_diameter_um = 0.0;
    } else if (open_along > 0.0) {
        out->channel_depth_um =
            fmax(open_along * cos_t * stretch, fmin(im->sc_um, out->tissue_depth_um));
        out->channel_diameter_um = 2.0 * keep * needle_radius(im, along);
    } else if (out->tissue_depth_um > im->sc_um) {
        /* Only a perforation of the horny layer is left open. */
        out->channel_depth_um = im->sc_um;
        out->channel_diameter_um = 2.0 * keep * needle_radius(im, along);
    } else {
        out->channel_depth_um = 0.0;
        out->channel_diameter_um = 0.0;
    }
    out->bleed_probability = mn_insertion_bleed_probability(im, out->tissue_depth_um, cos_t);
    out->bleeds = u_bleed < out->bleed_probability;
}

mn_status mn_insertion_apply(const mn_device_spec *d, const mn_needling_params *np,
                             const mn_column *col, int rigid_support, double age_years,
                             uint64_t seed, mn_punctures *p)
{
    mn_insertion_model im;
    MN_TRY(mn_insertion_model_make(d, np, col, rigid_support, age_years, &im));
    p->taper_tan = im.taper_tan;
    p->recovery_fraction = im.recovery_mean;
    p->tip_radius_um = im.tip_radius_um;
    p->depth_stretch = im.depth_stretch;
    const long n = (long)p->n;

#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        mn_rng r = mn_rng_stream(seed, MN_RNG_INSERTION, (uint32_t)p->session, (uint32_t)p->pass[i],
                                 (uint32_t)(p->first_index + (size_t)i));
        double z = mn_rng_normal(&r);
        double u = mn_rng_uniform(&r);
        double zr = mn_rng_normal(&r);
        mn_insertion_result res;
        mn_insertion_puncture(&im, p->angle_deg[i], z, zr, u, &res);
        p->set_depth_um[i] = d->set_depth_um;
        p->tissue_depth_um[i] = res.tissue_depth_um;
        p->channel_depth_um[i] = res.channel_depth_um;
        p->channel_diameter_um[i] = res.channel_diameter_um;
        p->bleed_probability[i] = res.bleed_probability;
        p->layer[i] = (unsigned char)mn_anatomy_layer_at(col, res.tissue_depth_um);
        p->bleeds[i] = (unsigned char)res.bleeds;
    }
    return MN_OK;
}
