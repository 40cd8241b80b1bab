/* Internal units of mnsim, fixed here and nowhere else: length µm, time s, mass µg.
 * Scenario values carry their unit in the key name and are converted at the edges only. */
#ifndef MN_CORE_UNITS_H
#define MN_CORE_UNITS_H

#define MN_UM_PER_MM       1000.0
#define MN_UM_PER_CM       10000.0
#define MN_S_PER_MIN       60.0
#define MN_S_PER_H         3600.0
#define MN_S_PER_DAY       86400.0
#define MN_UM2_PER_CM2     1.0e8  /* area */
#define MN_UM2_S_PER_CM2_S 1.0e8  /* diffusivity: 1 cm²/s = 1e8 µm²/s */
#define MN_UM3_PER_ML      1.0e12 /* volume: 1 mL = 1 cm³ = 1e12 µm³ */
#define MN_UG_PER_MG       1000.0
#define MN_PI              3.14159265358979323846

#endif
