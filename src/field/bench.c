/* Diffusion benchmark (DESIGN.md "Performance"): a cube of n³ voxels with zero-flux walls,
 * a Gaussian of width sigma0 at the centre summed with its mirror images (so it satisfies
 * the walls), diffusion with first-order decay. The exact solution is the same image sum
 * with sigma² = sigma0² + 2·D·t and amplitude (sigma0²/sigma²)^{3/2}·e^{−λt}. */
#include "field/bench.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/error.h"
#include "mnsim/field.h"

mn_bench_diffusion_params mn_bench_diffusion_defaults(void)
{
    return (mn_bench_diffusion_params){
        .n = 200,
        .steps = 100,
        .threads = 0,
        .h_um = 10.0,
        .d_um2_s = 1e-5 * 1e8, /* 1e-5 cm²/s in µm²/s */
        .decay_per_s = 0.1 / 60.0,
        .dt_s = 0.01 * 60.0,
        .sigma0_um = 100.0,
        .single = 1,
        .rtol = 3e-2,
    };
}

/* One axis of the image sum: Σ_m exp(−(x − L/2 − m·L)²/(2σ²)); images of a source at the
 * centre across walls at 0 and L sit at L/2 + m·L. */
static void axis_profile(int n, double h, double sigma, double *g)
{
    const double L = n * h;
    const int images = (int)ceil(8.0 * sigma / L) + 1;
    for (int i = 0; i < n; i++) {
        double x = (i + 0.5) * h, sum = 0;
        for (int m = -images; m <= images; m++) {
            double d = x - 0.5 * L - m * L;
            sum += exp(-d * d / (2 * sigma * sigma));
        }
        g[i] = sum;
    }
}

mn_status mn_bench_diffusion(const mn_bench_diffusion_params *p, mn_bench_diffusion_result *r)
{
    mn_status st = MN_OK;
    if (!p || !r)
        return mn_error_set(MN_EINPUT, "mn_bench_diffusion: NULL argument");
    if (p->n < 2 || p->n > 2000 || p->steps < 1 || p->threads < 0 || !(p->h_um > 0) ||
        !(p->d_um2_s > 0) || !(p->decay_per_s >= 0) || !(p->dt_s > 0) || !(p->sigma0_um > 0))
        return mn_error_set(MN_EINPUT, "bench: invalid parameters (n %d, steps %d, threads %d)",
                            p->n, p->steps, p->threads);
    memset(r, 0, sizeof *r);
    if (p->threads > 0)
        omp_set_num_threads(p->threads);
    const int n = p->n;
    const size_t un = (size_t)n, plane = un * un;
    mn_grid *g = NULL;
    mn_field *f = NULL;
    double *gx = calloc((size_t)n, sizeof *gx), *buf = calloc(plane, sizeof *buf);
    if (!gx || !buf) {
        st = mn_error_set(MN_ENOMEM, "bench: out of memory");
        goto done;
    }
    MN_TRY_GOTO(mn_grid_create_uniform(n, n, n, p->h_um, &g), done);
    MN_TRY_GOTO(mn_field_create(g, 1, &f), done);
    if (p->single)
        MN_TRY_GOTO(mn_field_set_storage(f, 0, MN_STORAGE_FLOAT), done);
    if (p->general) {
        /* the same values as arrays: the engine cannot tell they are uniform */
        double *v = malloc(plane * un * sizeof *v);
        if (!v) {
            st = mn_error_set(MN_ENOMEM, "bench: out of memory");
            goto done;
        }
        for (size_t q = 0; q < plane * un; q++)
            v[q] = p->d_um2_s;
        st = mn_field_set_diffusivity(f, 0, v);
        for (size_t q = 0; st == MN_OK && q < plane * un; q++)
            v[q] = p->decay_per_s;
        if (st == MN_OK)
            st = mn_field_set_decay(f, 0, v);
        free(v);
        MN_TRY_GOTO(st, done);
    } else {
        MN_TRY_GOTO(mn_field_set_diffusivity_uniform(f, 0, p->d_um2_s), done);
        MN_TRY_GOTO(mn_field_set_decay_uniform(f, 0, p->decay_per_s), done);
    }
    axis_profile(n, p->h_um, p->sigma0_um, gx);
    for (int k = 0; k < n; k++) {
        for (size_t q = 0; q < plane; q++)
            buf[q] = gx[q % un] * gx[q / un] * gx[k];
        MN_TRY_GOTO(mn_field_set_values_layers(f, 0, k, k + 1, buf), done);
    }
    /* the user's output step is the first internal step; the controller may then grow it */
    MN_TRY_GOTO(mn_field_set_initial_step(f, p->dt_s), done);
    if (p->rtol > 0)
        MN_TRY_GOTO(mn_field_set_tolerance(f, p->rtol, 1e-30), done);
    const double t_end = p->steps * p->dt_s;
    double t0 = omp_get_wtime();
    MN_TRY_GOTO(mn_field_step(f, t_end), done);
    r->seconds = omp_get_wtime() - t0;

    const double s2 = p->sigma0_um * p->sigma0_um + 2 * p->d_um2_s * t_end;
    const double amp = pow(p->sigma0_um * p->sigma0_um / s2, 1.5) * exp(-p->decay_per_s * t_end);
    axis_profile(n, p->h_um, sqrt(s2), gx);
    double e2 = 0, x2 = 0;
    uint64_t hash = 1469598103934665603ull;
    for (int k = 0; k < n; k++) {
        MN_TRY_GOTO(mn_field_get_values_layers(f, 0, k, k + 1, buf), done);
        for (size_t q = 0; q < plane; q++) {
            double ex = amp * gx[q % un] * gx[q / un] * gx[k];
            e2 += (buf[q] - ex) * (buf[q] - ex);
            x2 += ex * ex;
            uint64_t bits;
            memcpy(&bits, &buf[q], sizeof bits);
            hash = (hash ^ bits) * 1099511628211ull;
        }
    }
    size_t bytes = 0;
    MN_TRY_GOTO(mn_field_get_memory_bytes(f, &bytes), done);
    r->voxels = (long)(plane * un);
    r->steps = p->steps;
    MN_TRY_GOTO(mn_field_get_stats(f, &r->internal_steps, &r->rejected_steps), done);
    r->voxel_updates_per_s = (double)r->voxels * p->steps / r->seconds;
    r->rel_l2_error = sqrt(e2 / x2);
    /* the field's buffers plus per-thread plane scratch (3 planes + lines per thread) */
    r->threads = omp_get_max_threads();
    double scratch = (double)r->threads * (3.0 * (double)plane + 7.0 * n) * sizeof(double);
    r->bytes_per_voxel = ((double)bytes + scratch) / (double)r->voxels;
    r->checksum = hash;
    double traffic = 0;
    MN_TRY_GOTO(mn_field_get_state_traffic(f, &traffic), done);
    r->traffic_bytes_per_update = traffic / ((double)r->voxels * p->steps);
    r->traffic_gb_s = traffic / r->seconds * 1e-9;
done:
    mn_field_free(f);
    mn_grid_free(g);
    free(gx);
    free(buf);
    return st;
}
