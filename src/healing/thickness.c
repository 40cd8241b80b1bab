/* A virtual patient's own skin thickness. The column of a run is the zone's typical skin at the
 * patient's age (src/anatomy, with the cited age trends of data/age_trends.csv); people of one
 * age still differ around it (healing_params.csv rows epidermis_thickness_factor and
 * dermis_thickness_factor, Meng 2022). The needles reach an absolute tissue depth whatever the
 * skin, so a patient with a thicker epidermis has less of the dermis wounded and one with a
 * thinner dermis has more of it: the session's injury, given on the shared column's grid, is
 * re-read on the patient's grid at the same depths below the surface. */
#include <string.h>

#include "healing/healing_internal.h"

/* Value of a per-cell profile at depth z (µm below the surface), linear between cell centres;
 * constant above the first centre and below the last (the channels' ends are resolved to a
 * cell, not finer). */
static double at_depth(const double *v, double top, double dz, double z)
{
    double x = (z - top) / dz - 0.5;
    if (x <= 0)
        return v[0];
    if (x >= MN_HEALING_NZ - 1)
        return v[MN_HEALING_NZ - 1];
    int k = (int)x;
    double f = x - k;
    return v[k] * (1.0 - f) + v[k + 1] * f;
}

static void regrid(double *v, double top, double dz, double ntop, double ndz)
{
    double old[MN_HEALING_NZ];
    memcpy(old, v, sizeof old);
    for (int k = 0; k < MN_HEALING_NZ; k++)
        v[k] = at_depth(old, top, dz, ntop + (k + 0.5) * ndz);
}

int mn_healing_patient_skin(const mn_healing_params *p, const mn_column *col,
                            const mn_healing_injury *in, int n, mn_column *pcol,
                            mn_healing_injury *pin)
{
    double fe = p->epidermis_thickness_factor, fd = p->dermis_thickness_factor;
    if ((fe == 1.0 && fd == 1.0) || !(fe > 0) || !(fd > 0))
        return 0;
    *pcol = *col;
    double loop = col->capillary_depth_um - col->dej_depth_um; /* loops stay below the DEJ */
    pcol->viable_epidermis_um = col->viable_epidermis_um * fe;
    pcol->dej_depth_um = col->dej_depth_um + (pcol->viable_epidermis_um - col->viable_epidermis_um);
    pcol->dermis_um = (col->dermis_bottom_um - col->dej_depth_um) * fd;
    pcol->dermis_bottom_um = pcol->dej_depth_um + pcol->dermis_um;
    pcol->capillary_depth_um = pcol->dej_depth_um + loop;
    for (int s = 0; s < n; s++) {
        const mn_healing_injury *a = &in[s];
        mn_healing_injury *b = &pin[s];
        *b = *a;
        double top = a->dermis_top_um,
               dz = (a->dermis_bottom_um - a->dermis_top_um) / MN_HEALING_NZ;
        double ntop = pcol->dej_depth_um, ndz = pcol->dermis_um / MN_HEALING_NZ;
        if (!(dz > 0))
            continue;
        regrid(b->density_per_um2, top, dz, ntop, ndz);
        regrid(b->bleed_density_per_um2, top, dz, ntop, ndz);
        regrid(b->wound_fraction, top, dz, ntop, ndz);
        regrid(b->thermal_fraction, top, dz, ntop, ndz);
        regrid(b->thermal_kill_fraction, top, dz, ntop, ndz);
        b->dermis_top_um = ntop;
        b->dermis_bottom_um = pcol->dermis_bottom_um;
    }
    return 1;
}
