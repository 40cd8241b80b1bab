/* Pre-flight estimate of a run (run/preflight.h). */
#include "run/preflight.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/error.h"
#include "core/units.h"
#include "needling/needling.h"

/* Bytes per puncture held in memory: 11 arrays of the puncture set (mn_punctures: 8 doubles,
 * an int, 2 bytes = 70 B) with the builder's doubling growth (up to 2x) and the sort and
 * neighbour buckets of the session figures: about 200 B (an assumption from the layout, not a
 * measurement). */
#define BYTES_PER_PUNCTURE_HELD 200.0
/* Bytes per punctures.csv row: 62 to 64 B measured on the default scenario and a 100 cm² roller
 * (2026-11-29); 70 B leaves room for longer coordinates on large zones. */
#define BYTES_PER_CSV_ROW 70.0
/* Fixed memory of a run (code, libraries, tables, healing, PLplot): the peak resident set of
 * small runs is 22 to 24 MB (`/usr/bin/time -v`, the default scenario, a 4 x 4 mm pen and a
 * streamed 100 cm² roller, 2026-11-29); 24 MB. */
#define FIXED_BYTES (24.0 * 1024 * 1024)
/* Other files: summary.json, timeline.csv, report and plots: about 7 MB for the default run with
 * a product (measured, `du -sb` 2026-11-29), most of it plots; 10 MB. */
#define OTHER_FILES_BYTES (10.0 * 1024 * 1024)
/* CPU seconds on the development machine (measured 2026-11-29 on the 2-core machine): 3.5e-5 s
 * per puncture (12 333 punctures of a 100 cm² roller in 0.43 s), 0.6 s per session for healing,
 * figures and the report's share, 0.5 s per session with a product (delivery), 2 ms per virtual
 * patient and session. */
#define S_PER_PUNCTURE      3.5e-5
#define S_PER_SESSION       0.6
#define S_PER_DELIVERY      0.5
#define S_PER_PATIENT_VISIT 0.002

/* Expected punctures per µm² in one pass (the device geometry of src/needling). */
static double density_per_pass_um2(const mn_device_spec *d)
{
    double w = d->drum_width_um;
    switch (d->type) {
    case MN_DEVICE_ROLLER: /* needles / (pi D W) per stroke */
        return d->drum_diameter_um > 0 && w > 0 ? d->needles / (MN_PI * d->drum_diameter_um * w)
                                                : 0;
    case MN_DEVICE_PEN: /* needles f / (v W) per lane */
        return d->glide_speed_um_s > 0 && w > 0
                   ? d->needles * d->frequency_hz / (d->glide_speed_um_s * w)
                   : 0;
    case MN_DEVICE_RF: /* placed like a stamp */
    case MN_DEVICE_STAMP:
        return w > 0 ? d->needles / (w * w) : 0;
    }
    return 0;
}

mn_status mn_preflight_estimate(const mn_model *m, int samples, mn_preflight *out)
{
    memset(out, 0, sizeof *out);
    const mn_device_spec *d = &m->device;
    const double area = m->patch_width_um * m->patch_length_um;
    const int sessions = mn_model_total_sessions(m);
    const double per_pass = density_per_pass_um2(d);
    out->punctures_per_session = per_pass * d->passes * area;
    out->punctures = out->punctures_per_session * sessions;
    const double stream_above = MN_NEEDLING_STREAM_ABOVE_CM2 * 1e8;
    const double held_area =
        area > stream_above ? fmin(area, MN_NEEDLING_WINDOW_UM * MN_NEEDLING_WINDOW_UM) : area;
    out->punctures_held = per_pass * d->passes * held_area;
    out->memory_bytes = FIXED_BYTES + BYTES_PER_PUNCTURE_HELD * out->punctures_held;
    out->disk_bytes = OTHER_FILES_BYTES + BYTES_PER_CSV_ROW * out->punctures;
    out->seconds = S_PER_PUNCTURE * out->punctures + S_PER_SESSION * sessions +
                   (m->product.present ? S_PER_DELIVERY * sessions : 0) +
                   S_PER_PATIENT_VISIT * samples * sessions;
    snprintf(out->keys, sizeof out->keys,
             "patch %g x %g mm, device.passes %d, protocol.sessions %d (%s %s)",
             m->patch_width_um / 1000.0, m->patch_length_um / 1000.0, d->passes, sessions,
             d->model[0] ? "device.model" : "device.type", d->model[0] ? d->model : "");
    if (!isfinite(out->punctures) || out->punctures < 0)
        return mn_error_set(MN_EINTERNAL, "pre-flight estimate: %g punctures", out->punctures);
    return MN_OK;
}

static size_t physical_half(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    return pages > 0 && psize > 0 ? (size_t)pages * (size_t)psize / 2 : (size_t)1 << 31;
}

/* Free bytes for an unprivileged writer on the file system of dir or of its nearest existing
 * parent; < 0 when unknown. */
static double free_bytes(const char *dir)
{
    char p[4200];
    snprintf(p, sizeof p, "%s", dir);
    for (;;) {
        struct statvfs v;
        if (statvfs(p, &v) == 0)
            return (double)v.f_bavail * (double)v.f_frsize;
        if (errno != ENOENT && errno != ENOTDIR)
            return -1;
        char *slash = strrchr(p, '/');
        if (!slash)
            return statvfs(".", &v) == 0 ? (double)v.f_bavail * (double)v.f_frsize : -1;
        if (slash == p) {
            p[1] = '\0';
        } else {
            *slash = '\0';
        }
    }
}

mn_status mn_preflight_check(const mn_preflight *p, size_t memory_budget, const char *dir)
{
    const double budget = (double)(memory_budget ? memory_budget : physical_half());
    if (p->memory_bytes > budget)
        return mn_error_set(MN_EINPUT,
                            "%s: about %.3g punctures held at once need about %.3g MB, over the "
                            "memory budget of %.3g MB (expected a smaller patch, fewer passes or "
                            "a larger --max-memory)",
                            p->keys, p->punctures_held, p->memory_bytes / 1e6, budget / 1e6);
    if (dir) {
        double avail = free_bytes(dir);
        if (avail >= 0 && p->disk_bytes > avail)
            return mn_error_set(MN_EINPUT,
                                "%s: about %.3g punctures in all make about %.3g MB of files, "
                                "more than the %.3g MB free for %s (expected a smaller patch, "
                                "fewer passes or sessions, or another folder)",
                                p->keys, p->punctures, p->disk_bytes / 1e6, avail / 1e6, dir);
    }
    return MN_OK;
}
