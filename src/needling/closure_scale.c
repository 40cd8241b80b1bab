/* How a channel's size stretches its closure (issue 12, item 2; docs/validation/needling.md).
 *
 * Micro-wounds close by re-epithelialisation: keratinocytes migrate in from the rim, and a
 * circular epidermal wound closes as a travelling front of roughly constant speed (Sherratt JA,
 * Murray JD. J Math Biol 1991;29:389-404, literature/healing.md), so the time to close grows in
 * proportion to the hole's radius; larger micro-lesions are indeed re-epithelialised later
 * (Stumpp OF et al. J Biomed Opt 2009;14:024018: fractional micro-thermal zones, forearm,
 * confocal imaging hourly). The closure constants of the delivery stage (src/delivery/closure.c)
 * were set on the holes of the microneedle arrays of their studies, whose diameters are not
 * reported: the reference hole is taken as the default needle's (0.25 mm) in the default
 * patient (35 y: recovery R = 0.74 + 0.005 x 5 = 0.765), 2 x 125 um x 0.235 = 58.75 um
 * (ASSUMPTION), so that the closure constants hold unchanged for the default session. Depth is
 * left out: the barrier (what delivery's closure describes) reseals at the surface. */
#include <math.h>

#include "needling/needling.h"

/* Open diameter (um) of the reference hole (see above). */
#define REFERENCE_DIAMETER_UM 58.75
/* A hole far from the reference is not extrapolated without bound: a factor of 4 either way
 * spans 15 um to 235 um holes, the model's range for 0.05-0.4 mm needles. */
#define SCALE_MIN 0.25
#define SCALE_MAX 4.0

double mn_channel_closure_scale(double diameter_um)
{
    if (!(diameter_um > 0.0))
        return SCALE_MIN;
    return fmin(SCALE_MAX, fmax(SCALE_MIN, diameter_um / REFERENCE_DIAMETER_UM));
}
