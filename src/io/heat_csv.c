/* thermal.csv (the temperature-time curve) and thermal_lesion.csv (the depth–width map of the
 * damage) of an RF session, from the heat stage's getters (io/summary_heat.h). */
#include <math.h>
#include <stdio.h>

#include "core/error.h"
#include "heat/tissue.h"
#include "io/summary_heat.h"

mn_status mn_io_write_thermal_curve_csv(FILE *f, const mn_heat_result *r, int session,
                                        int write_header)
{
    mn_heat_curve c;
    if (!r || !f)
        return mn_error_set(MN_EUSAGE, "mn_io_write_thermal_curve_csv: NULL argument");
    MN_TRY(mn_heat_get_curve(r, &c));
    if (write_header)
        fprintf(f,
                "%stime_ms,tip_temperature_c,epidermis_max_temperature_c,max_temperature_c,"
                "max_omega_skin,max_omega_collagen\n",
                session > 0 ? "session," : "");
    for (size_t q = 0; q < c.n; q++) {
        if (session > 0)
            fprintf(f, "%d,", session);
        fprintf(f, "%.6g,%.4f,%.4f,%.4f,%.6g,%.6g\n", c.time_ms[q], c.tip_c[q],
                c.epidermis_max_c[q], c.tissue_max_c[q], c.omega_skin_max[q],
                c.omega_collagen_max[q]);
    }
    if (ferror(f))
        return mn_error_set(MN_EIO, "thermal.csv: write failed");
    return MN_OK;
}

mn_status mn_io_write_thermal_lesion_csv(FILE *f, const mn_heat_result *r, int session,
                                         int write_header)
{
    mn_heat_fields g;
    mn_heat_summary s;
    if (!r || !f)
        return mn_error_set(MN_EUSAGE, "mn_io_write_thermal_lesion_csv: NULL argument");
    MN_TRY(mn_heat_get_fields(r, &g));
    MN_TRY(mn_heat_get_summary(r, &s));
    if (!g.omega_collagen)
        return mn_error_set(MN_EUSAGE, "heat fields were not kept (keep_fields = 0)");
    if (write_header)
        fprintf(f, "%sdepth_um,collagen_halfwidth_um,skin_halfwidth_um,peak_temperature_c\n",
                session > 0 ? "session," : "");
    const size_t sz = (size_t)g.nx * (size_t)g.ny;
    for (int k = 0; k < g.nz; k++) {
        double rc = 0.0, rs = 0.0, tp = -INFINITY;
        int tissue = 0;
        for (int j = 0; j < g.ny; j++)
            for (int i = 0; i < g.nx; i++) {
                const size_t w = (size_t)i + (size_t)j * (size_t)g.nx + (size_t)k * sz;
                if (g.label[w] == MN_HMAT_NEEDLE)
                    continue;
                tissue = 1;
                const double rr = hypot((i + 0.5) * g.dx_um, (j + 0.5) * g.dy_um) + 0.5 * g.dx_um;
                tp = fmax(tp, g.peak_temperature_c[w]);
                if (g.omega_collagen[w] >= 1.0)
                    rc = fmax(rc, rr);
                if (g.omega_skin[w] >= 1.0)
                    rs = fmax(rs, rr);
            }
        if (!tissue)
            continue;
        const double zc = 0.5 * (g.z_faces_um[k] + g.z_faces_um[k + 1]);
        if (session > 0)
            fprintf(f, "%d,", session);
        fprintf(f, "%.2f,%.1f,%.1f,%.3f\n", zc, rc, rs, tp);
        if (zc > s.cell_death.bottom_um + 500.0 && zc > g.tip_depth_um + 500.0)
            break; /* nothing to draw below */
    }
    if (ferror(f))
        return mn_error_set(MN_EIO, "thermal_lesion.csv: write failed");
    return MN_OK;
}
