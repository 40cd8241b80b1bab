/* Progress of long work. Stages call mn_progress_report() as they go (cheap, and a no-op
 * unless an application installed a handler); the library itself never prints. The command
 * line installs the terminal bar below, on stderr, only when stderr is a terminal. */
#ifndef MN_CORE_PROGRESS_H
#define MN_CORE_PROGRESS_H

#include <stdio.h>

/* done of total units of the whole run; stage names what runs now ("session 2/3: needling"). */
typedef void (*mn_progress_fn)(void *user, const char *stage, double done, double total);

/* Installs a handler for this process (NULL removes it). Not for use while a run executes. */
void mn_progress_set_handler(mn_progress_fn fn, void *user);
void mn_progress_report(const char *stage, double done, double total);

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
