/* mnsim — the diffusion benchmark of the field engine (`mnsim bench diffusion`): a 3-D
 * Gaussian with decay on n³ voxels, timed, with its error against the exact solution. */
#ifndef MNSIM_BENCH_H
#define MNSIM_BENCH_H

#include "mnsim/export.h"
#include "mnsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mn_bench_diffusion_params {
    int n;              /* voxels per edge (200) */
    int steps;          /* S output steps (100) */
    int threads;        /* OpenMP threads, 0: the default */
    double h_um;        /* voxel edge (10 µm) */
    double d_um2_s;     /* diffusivity (1e-5 cm²/s = 1000 µm²/s) */
    double decay_per_s; /* 0.1/min */
    double dt_s;        /* 0.01 min */
    double sigma0_um;   /* initial Gaussian width (100 µm) */
    int single;         /* 1: single-precision storage (the reference setting) */
    double rtol;        /* engine tolerance per internal step; 0: the engine default */
    int general;        /* 1: coefficients as per-voxel arrays (same values), which takes the
                           engine's general path, as delivery and RF runs do */
} mn_bench_diffusion_params;

typedef struct mn_bench_diffusion_result {
    long voxels, steps, internal_steps, rejected_steps;
    double seconds, voxel_updates_per_s, rel_l2_error, bytes_per_voxel;
    int threads;
    unsigned long long checksum; /* hash of the final field, for thread-count identity */
    /* Modelled memory traffic of the constant path (mn_field_get_state_traffic): bytes per
     * voxel-update and the rate they moved at; 0 on the general path, which is not modelled. */
    double traffic_bytes_per_update, traffic_gb_s;
} mn_bench_diffusion_result;

/* The reference problem's defaults. */
MN_API mn_bench_diffusion_params mn_bench_diffusion_defaults(void);

MN_API mn_status mn_bench_diffusion(const mn_bench_diffusion_params *p,
                                    mn_bench_diffusion_result *r);

/* `mnsim bench bandwidth`: STREAM's copy and triad over three arrays of `elements` doubles,
 * best of `repeats`, in GB/s (10^9 bytes/s) counted as explicit loads and stores. */
typedef struct mn_bench_bandwidth_params {
    long elements; /* per array (2^24: 128 MiB each, far above any cache) */
    int repeats;   /* 10 */
    int threads;   /* OpenMP threads, 0: the default */
} mn_bench_bandwidth_params;

typedef struct mn_bench_bandwidth_result {
    long elements;
    int threads;
    double copy_gb_s, triad_gb_s;
} mn_bench_bandwidth_result;

MN_API mn_bench_bandwidth_params mn_bench_bandwidth_defaults(void);
MN_API mn_status mn_bench_bandwidth(const mn_bench_bandwidth_params *p,
                                    mn_bench_bandwidth_result *r);

#ifdef __cplusplus
}
#endif
#endif
