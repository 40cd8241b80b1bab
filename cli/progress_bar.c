/* The terminal progress bar of the command (see progress_bar.h). */
#include "progress_bar.h"

#include <math.h>
#include <string.h>
#include <time.h>

enum { BAR_WIDTH = 24 };

double mn_progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void mn_progress_bar_init(mn_progress_bar *bar, FILE *out, int colour, double delay_s)
{
    memset(bar, 0, sizeof *bar);
    bar->out = out;
    bar->colour = colour;
    bar->delay_s = delay_s;
    bar->start_s = mn_progress_now();
    bar->last_draw_s = -INFINITY;
}

static void format_eta(char *buf, size_t cap, double s)
{
    if (!isfinite(s) || s < 0) {
        snprintf(buf, cap, "ETA --");
        return;
    }
    /* Whole seconds, rounded once: the estimate comes from a difference of clock readings
     * whose rounding must not flip 270 s into "4 min 29 s". */
    const double r = round(s);
    if (r < 60)
        snprintf(buf, cap, "ETA %.0f s", r);
    else if (r < 3600)
        snprintf(buf, cap, "ETA %.0f min %02.0f s", floor(r / 60), fmod(r, 60));
    else
        snprintf(buf, cap, "ETA %.0f h %02.0f min", floor(r / 3600), fmod(floor(r / 60), 60));
}

void mn_progress_bar_draw(mn_progress_bar *bar, const char *stage, double done, double total,
                          double now_s)
{
    double elapsed = now_s - bar->start_s;
    double f = total > 0 ? fmin(fmax(done / total, 0.0), 1.0) : 0.0;
    if (elapsed < bar->delay_s || now_s - bar->last_draw_s < 0.1)
        return;
    bar->last_draw_s = now_s;
    char cells[BAR_WIDTH + 1], eta[48];
    int full = (int)floor(f * BAR_WIDTH);
    for (int i = 0; i < BAR_WIDTH; i++)
        cells[i] = i < full ? '#' : '-';
    cells[BAR_WIDTH] = '\0';
    /* Time left at the rate so far; unknown until some work is done. */
    format_eta(eta, sizeof eta, f > 0 ? elapsed * (1 - f) / f : NAN);
    if (bar->colour)
        fprintf(bar->out, "\r\033[K[\033[36m%s\033[0m] %3.0f%%  \033[1m%.40s\033[0m  %s", cells,
                100 * f, stage ? stage : "", eta);
    else
        fprintf(bar->out, "\r[%s] %3.0f%%  %.40s  %s\033[K", cells, 100 * f, stage ? stage : "",
                eta);
    fflush(bar->out);
    bar->drawn = 1;
}

void mn_progress_bar_handler(void *bar, const char *stage, double done, double total)
{
    mn_progress_bar_draw(bar, stage, done, total, mn_progress_now());
}

void mn_progress_bar_finish(mn_progress_bar *bar)
{
    if (bar->drawn) {
        fputs("\r\033[K", bar->out);
        fflush(bar->out);
    }
    bar->drawn = 0;
}
