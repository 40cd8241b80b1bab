/* Fault points for tests/hardening/fault_stages.sh (issue 18, item 7). Preloaded into mnsim
 * (LD_PRELOAD), this interposes the library's stop-request poll, mn_signals_stop_requested,
 * which every long loop of every stage calls through the PLT (field steps of delivery and RF
 * heat, healing's CVODE intervals, each virtual patient, each trial patient, each chunk of a
 * streamed needling zone, each plot, each session boundary). A poll site is the caller's return
 * address as an offset into libmnsim, so a fault point is "the N-th poll of site S": a point in
 * the middle of one stage, drawn by the test from a seed and reproducible.
 *
 *   MNSIM_FAULT_COUNT=FILE   at exit, write "OFFSET COUNT MAXGAP_MS" per site: polls made there,
 *                            and the longest wall time between two consecutive polls (any site)
 *                            that ended at this site (the worst wait of a stop request there;
 *                            the first poll's counts from the start of the process).
 *   MNSIM_FAULT_SITE=OFFSET  (hex) with MNSIM_FAULT_N=N and MNSIM_FAULT_SIGNAL=KILL|TERM: at the
 *                            N-th poll of that site, send the signal to this process; the time
 *                            (ns, CLOCK_REALTIME) is written to MNSIM_FAULT_LOG if set.
 * Test code only: never linked into mnsim. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { MAX_SITES = 64 };

static struct {
    uintptr_t offset;
    long count;
    double max_gap_ms;
} sites[MAX_SITES];
static int n_sites;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static double last_poll_ms = -1.0;
static int (*real_poll)(void);

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e3 * (double)ts.tv_sec + 1e-6 * (double)ts.tv_nsec;
}

static void fire(const char *signame)
{
    int sig = strcmp(signame, "KILL") == 0 ? SIGKILL : SIGTERM;
    const char *log = getenv("MNSIM_FAULT_LOG");
    if (log) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        FILE *f = fopen(log, "w");
        if (f) {
            fprintf(f, "%lld%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
            fclose(f);
        }
    }
    kill(getpid(), sig);
}

int mn_signals_stop_requested(void)
{
    void *ret = __builtin_return_address(0);
    Dl_info info;
    uintptr_t off = (uintptr_t)ret;
    if (dladdr(ret, &info) && info.dli_fbase)
        off -= (uintptr_t)info.dli_fbase;
    const char *site = getenv("MNSIM_FAULT_SITE");
    int fire_now = 0;
    pthread_mutex_lock(&lock);
    if (!real_poll)
        real_poll = (int (*)(void))dlsym(RTLD_NEXT, "mn_signals_stop_requested");
    int i = 0;
    while (i < n_sites && sites[i].offset != off)
        i++;
    if (i == n_sites && n_sites < MAX_SITES)
        sites[n_sites++].offset = off;
    if (i < MAX_SITES) {
        double t = now_ms();
        if (last_poll_ms >= 0.0 && t - last_poll_ms > sites[i].max_gap_ms)
            sites[i].max_gap_ms = t - last_poll_ms;
        last_poll_ms = t;
        sites[i].count++;
        if (site && strtoull(site, NULL, 16) == off) {
            const char *n = getenv("MNSIM_FAULT_N");
            fire_now = n && sites[i].count == strtol(n, NULL, 10);
        }
    }
    pthread_mutex_unlock(&lock);
    if (fire_now)
        fire(getenv("MNSIM_FAULT_SIGNAL") ? getenv("MNSIM_FAULT_SIGNAL") : "KILL");
    return real_poll ? real_poll() : 0;
}

/* The first poll's wait counts from the start of the process. */
__attribute__((constructor)) static void started(void)
{
    last_poll_ms = now_ms();
}

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("MNSIM_FAULT_COUNT");
    if (!path)
        return;
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    for (int i = 0; i < n_sites; i++)
        fprintf(f, "%lx %ld %.0f\n", (unsigned long)sites[i].offset, sites[i].count,
                sites[i].max_gap_ms);
    fclose(f);
}
