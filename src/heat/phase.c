/* Water vaporisation at 100 °C by the enthalpy method (temperature recovery form).
 *
 * Each voxel's enthalpy per volume is H = ρc (T − T_b) + L·(1 − f) above T_b, where L is the
 * latent heat of its water (ρ · water mass fraction · h_fg, J/m³) and f the share of that water
 * still there. The bioheat step advances the sensible field alone; afterwards, the heat a
 * voxel has gained above T_b goes first into its remaining water: f falls by
 * ρc (T − T_b) / L and T returns to T_b, until the water is gone and T rises again. This is the
 * enthalpy method with the phase front smeared over one voxel (Voller VR, Swaminathan CR,
 * Numer Heat Transfer B 1991;19:175, "temperature recovery"), exact in energy: the latent heat
 * taken equals the sensible heat removed. Its accuracy is measured on the one-phase Stefan
 * problem in `mnsim verify` (heat.stefan). Condensation is not modelled: vapour leaves (f
 * never rises again), as in desiccated RF-ablation tissue. */
#include "heat/heat_impl.h"

double mn_heat_phase_update(const mn_hgrid *g, const double *rho_c, const double *latent,
                            double t_boil, double *t, double *f)
{
    const size_t sz = (size_t)g->nx * (size_t)g->ny;
    double taken = 0.0;
    for (int k = 0; k < g->nz; k++) {
        const double vol = g->dx * g->dy * g->dz[k];
        for (size_t q = 0; q < sz; q++) {
            const size_t v = q + (size_t)k * sz;
            if (!(t[v] > t_boil) || !(f[v] > 0.0) || !(latent[v] > 0.0))
                continue;
            const double excess = rho_c[v] * (t[v] - t_boil); /* J per µm³ */
            const double avail = latent[v] * f[v];
            if (excess <= avail) {
                f[v] -= excess / latent[v];
                t[v] = t_boil;
                taken += excess * vol;
            } else {
                f[v] = 0.0;
                t[v] = t_boil + (excess - avail) / rho_c[v];
                taken += avail * vol;
            }
        }
    }
    return taken;
}
