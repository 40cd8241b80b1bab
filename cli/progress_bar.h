/* The command's terminal progress bar (stderr, only when it is a terminal). The library only
 * reports progress (mnsim/progress.h); drawing it is the command's business. */
#ifndef MN_CLI_PROGRESS_BAR_H
#define MN_CLI_PROGRESS_BAR_H

#include <stdio.h>

/* A one-line terminal progress bar with the stage and the time left:
 *   [##########----------]  50%  session 2/3: needling   ETA 4 s
 * Redrawn at most 10 times a second, shown only once the work has lasted `delay_s` (short
 * runs stay silent); colour only when `colour` is set. */
typedef struct mn_progress_bar {
    FILE *out;
    int colour;
    double delay_s;
    double start_s, last_draw_s;
    int drawn; /* a line is on screen and must be cleared */
} mn_progress_bar;

/* Monotonic clock in seconds. */
double mn_progress_now(void);
void mn_progress_bar_init(mn_progress_bar *bar, FILE *out, int colour, double delay_s);
/* Draws the bar for done/total at time now_s (seconds of mn_progress_now). */
void mn_progress_bar_draw(mn_progress_bar *bar, const char *stage, double done, double total,
                          double now_s);
/* An mn_progress_fn drawing bar (user) at the current time. */
void mn_progress_bar_handler(void *bar, const char *stage, double done, double total);
/* Clears the line, leaving the terminal as it was. */
void mn_progress_bar_finish(mn_progress_bar *bar);

#endif
