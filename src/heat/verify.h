/* Verification cases of the heat stage, callable one by one (tests use fewer levels than
 * `mnsim verify`). Each fills errs[0..levels-1] for grids refined by 2 per level from
 * coarsest, and the observed order between the last two levels. */
#ifndef MN_HEAT_VERIFY_H
#define MN_HEAT_VERIFY_H

#include "core/verify.h"

/* Continuous Gaussian heat source (σ₀ = 60 µm, 10 mW) switched on at t = 0 in uniform dermis
 * (k 0.45 W/m/K, ρc 3.96e6 J/m³/K), t = 50 ms, octant with symmetry planes: relative L2 error
 * of T − T₀ against T = P/(4πkr)[erfc(r/√(2(σ₀²+2αt))) − erfc(r/(√2σ₀))]. Coarsest voxel
 * 40 µm, halved per level; time steps chosen by the field engine's error control. */
mn_status mn_heat_verify_gaussian(int levels, double *errs, double *order);

/* Spherical electrode (a = 100 µm) at V₀ in a homogeneous medium of complex conductivity
 * σ* = 0.221 + 0.102j S/m (wet skin, 1 MHz), outer faces held at the exact V₀a/r: relative L2
 * error of V for r ≥ 2a (errs) and relative error of the current against 4πσ*aV₀ (cur_errs).
 * Coarsest voxel 25 µm. The electrode is a staircase of voxels, so about first order. */
mn_status mn_heat_verify_sphere(int levels, double *errs, double *cur_errs, double *order);

/* Energy ledger of a full RF run (bipolar insulated needle, 2 × 30 mJ in 100 ms):
 * |deposited − stored − conducted − perfused| / deposited. */
mn_status mn_heat_verify_energy_balance(double *rel);

/* One-phase Stefan problem: vaporisation front driven by a hot surface (150 °C) into dermis at
 * 100 °C, against Neumann's exact front s = 2λ√(αt) and temperature, t = 0.5 s; relative
 * front error and relative L2 temperature error per level (voxel 10 µm halved per level). */
mn_status mn_heat_verify_stefan(int levels, double *front_errs, double *t_errs, double *order);

/* Cases for the `mnsim verify` table (run/verify.c). */
mn_status mn_heat_verify_case_gaussian(mn_verify_result *r);
mn_status mn_heat_verify_case_sphere(mn_verify_result *r);
mn_status mn_heat_verify_case_energy(mn_verify_result *r);
mn_status mn_heat_verify_case_stefan(mn_verify_result *r);

#endif
