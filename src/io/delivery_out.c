/* Delivery outputs: delivery.csv (time series), delivery_profiles.csv (depth profiles) and
 * fields/delivery_s<session>_<t>h.vti (the representative cell). All written atomically
 * (io/delivery_out.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/units.h"
#include "delivery/delivery_impl.h"
#include "io/atomic.h"
#include "io/delivery_out.h"
#include "io/pvd.h"
#include "io/vti.h"

static void write_amounts(FILE *f, double flux, double entered, const double *a)
{
    fprintf(f, ",%.8g,%.8g", flux, entered);
    for (int l = 0; l <= AM_SYSTEMIC; l++)
        fprintf(f, ",%.8g", a[l]);
    fprintf(f, ",%.8g", a[AM_EPIDERMIS] + a[AM_DERMIS] + a[AM_SYSTEMIC]);
    fprintf(f, ",%.8g", a[AM_RECEPTOR]);
}

mn_status mn_io_write_delivery_series(FILE *f, const mn_delivery_result *r, int header)
{
    static const char *const cols = "flux_ug_cm2_h,cumulative_ug_cm2,donor_ug_cm2,"
                                    "stratum_corneum_ug_cm2,epidermis_ug_cm2,dermis_ug_cm2,"
                                    "systemic_ug_cm2,past_sc_ug_cm2,receptor_ug_cm2";
    if (header) {
        /* No '#' line: the columns are described in delivery.csv-metadata.json
         * (io/csv_meta.c), so pandas.read_csv reads the file as it is. */
        fprintf(f, "session,time_h,open_channel_fraction,%s", cols);
        for (const char *c = cols; *c;) {
            const char *e = c;
            while (*e && *e != ',')
                e++;
            fprintf(f, ",intact_%.*s", (int)(e - c), c);
            c = *e ? e + 1 : e;
        }
        fputc('\n', f);
    }
    for (size_t i = 0; i < r->nsamples; i++) {
        const mn_delivery_sample *s = &r->samples[i];
        fprintf(f, "%d,%.6g,%.6g", r->session, s->t_h, s->open);
        write_amounts(f, s->flux_ch, s->entered_ch, s->amount_ch);
        write_amounts(f, s->flux_in, s->entered_in, s->amount_in);
        fputc('\n', f);
    }
    return MN_OK;
}

mn_status mn_io_write_delivery_profiles(FILE *f, const mn_delivery_result *r, int header)
{
    if (header) {
        /* Described in delivery_profiles.csv-metadata.json (io/csv_meta.c). */
        fprintf(f, "session,time_h,depth_um,layer,concentration_ug_ml,channel_axis_ug_ml,"
                   "between_channels_ug_ml,intact_concentration_ug_ml\n");
    }
    const mn_cell *L = &r->cell;
    for (size_t j = 0; j < r->nprof; j++) {
        const mn_delivery_profile *p = &r->prof[j];
        double z = 0;
        for (int k = 0; k < L->nz; k++) {
            const char *layer = k < L->k_ve    ? "stratum_corneum"
                                : k < L->k_de  ? "epidermis"
                                : k < L->k_rec ? "dermis"
                                               : "receptor";
            /* the receptor layer stands for its whole volume: medium concentration = c / K */
            double u =
                (k >= L->k_rec && L->receptor_k > 0 ? 1.0 / L->receptor_k : 1.0) * MN_UM3_PER_ML;
            fprintf(f, "%d,%.6g,%.6g,%s,%.8g,%.8g,%.8g,%.8g\n", r->session, p->t_h,
                    z + 0.5 * L->dz_um[k], layer, p->mean[k] * u, p->axis[k] * u, p->between[k] * u,
                    p->intact[k] * u);
            z += L->dz_um[k];
        }
    }
    return MN_OK;
}

mn_status mn_io_write_delivery_csv_sessions(const mn_delivery_result *const *rs, size_t n,
                                            const char *dir)
{
    char path[4096];
    mn_afile af;
    for (size_t q = 0; q < n; q++)
        if (!rs[q])
            return mn_error_set(MN_EINTERNAL,
                                "mn_io_write_delivery_csv_sessions: result %zu is NULL", q);
    MN_TRY(mn_io_join(path, sizeof path, dir, "delivery.csv"));
    MN_TRY(mn_afile_open(path, &af));
    for (size_t q = 0; q < n; q++)
        mn_io_write_delivery_series(af.f, rs[q], q == 0);
    MN_TRY(mn_afile_commit(&af));
    MN_TRY(mn_io_join(path, sizeof path, dir, "delivery_profiles.csv"));
    MN_TRY(mn_afile_open(path, &af));
    for (size_t q = 0; q < n; q++)
        mn_io_write_delivery_profiles(af.f, rs[q], q == 0);
    return mn_afile_commit(&af);
}

mn_status mn_io_write_delivery_csv(const mn_delivery_result *r, const char *dir)
{
    return mn_io_write_delivery_csv_sessions(&r, 1, dir);
}

mn_status mn_io_write_delivery_fields(const mn_delivery_result *r, const char *dir)
{
    if (r->nsnap == 0)
        return MN_OK;
    char path[4096], name[128];
    MN_TRY(mn_io_join(path, sizeof path, dir, "fields"));
    MN_TRY(mn_io_mkdir(path));
    /* Image data needs uniform spacing: z is resampled to cells of h (the thinnest layer, at
     * least 5 µm), each taking the value of the layer its centre falls in. */
    const mn_cell *L = &r->cell;
    double total = 0, dzmin = INFINITY;
    for (int k = 0; k < L->k_rec; k++) /* the skin, not a Franz cell's receptor */
        total += L->dz_um[k], dzmin = fmin(dzmin, L->dz_um[k]);
    const double h = fmax(dzmin, 5.0);
    const int nzo = (int)ceil(total / h - 1e-9);
    /* The quarter cell is mirrored into the whole cell (2n × 2n, channel in the middle). */
    const int n = L->n, n2 = 2 * n;
    const size_t sn = (size_t)n, sn2 = (size_t)n2, snzo = (size_t)nzo;
    const size_t plane = sn * sn, plane2 = sn2 * sn2;
    double *img = malloc(2 * plane2 * snzo * sizeof *img);
    int *kof = malloc(snzo * sizeof *kof);
    if (!img || !kof) {
        free(img), free(kof);
        return mn_error_set(MN_ENOMEM, "out of memory resampling the field");
    }
    double *mask = img + plane2 * snzo;
    for (int ko = 0, k = 0; ko < nzo; ko++) {
        double zc = (ko + 0.5) * h, ztop = 0;
        for (k = 0; k < L->k_rec - 1 && zc > ztop + L->dz_um[k]; k++)
            ztop += L->dz_um[k];
        kof[ko] = k;
        for (int J = 0; J < n2; J++)
            for (int I = 0; I < n2; I++) {
                int i = I < n ? n - 1 - I : I - n, j = J < n ? n - 1 - J : J - n;
                mask[(size_t)ko * plane2 + (size_t)J * sn2 + (size_t)I] =
                    k < L->channel_depth_k && mn_cell_is_channel(L, i, j);
            }
    }
    mn_status st = MN_OK;
    /* fields/delivery_s<k>.pvd lists the session's snapshots with their times (io/pvd.h). */
    char **names = calloc(r->nsnap, sizeof *names);
    double *times = calloc(r->nsnap, sizeof *times);
    if (!names || !times)
        st = mn_error_set(MN_ENOMEM, "out of memory listing the field files");
    for (size_t s = 0; s < r->nsnap && st == MN_OK; s++) {
        for (int ko = 0; ko < nzo; ko++) {
            const double *src = r->snap[s].c + (size_t)kof[ko] * plane;
            for (int J = 0; J < n2; J++)
                for (int I = 0; I < n2; I++) {
                    int i = I < n ? n - 1 - I : I - n, j = J < n ? n - 1 - J : J - n;
                    img[(size_t)ko * plane2 + (size_t)J * sn2 + (size_t)I] =
                        src[(size_t)j * sn + (size_t)i] * MN_UM3_PER_ML;
                }
        }
        mn_vti_array a[2] = {{"concentration_ug_ml", img}, {"channel", mask}};
        double sp[3] = {L->dx_um, L->dx_um, h}, org[3] = {0, 0, 0};
        snprintf(name, sizeof name, "fields/delivery_s%d_%gh.vti", r->session, r->snap[s].t_h);
        st = mn_io_join(path, sizeof path, dir, name);
        if (st == MN_OK)
            st = mn_vti_write(path, n2, n2, nzo, sp, org, a, 2, r->binary_vti);
        times[s] = r->snap[s].t_h;
        if (st == MN_OK && !(names[s] = strdup(name + strlen("fields/"))))
            st = mn_error_set(MN_ENOMEM, "out of memory listing the field files");
    }
    if (st == MN_OK) {
        snprintf(name, sizeof name, "fields/delivery_s%d.pvd", r->session);
        st = mn_io_join(path, sizeof path, dir, name);
        if (st == MN_OK)
            st = mn_pvd_write(path, r->nsnap, times, (const char *const *)names);
    }
    for (size_t s = 0; names && s < r->nsnap; s++)
        free(names[s]);
    free(names), free(times);
    free(img), free(kof);
    return st;
}
