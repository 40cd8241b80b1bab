/* The terminal progress bar: fraction, bar length and time left computed from the rate so far,
 * silence for short work, no colour codes unless asked, and a clean line when done. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "progress_bar.h" /* cli/: the command draws the bar */

static char buf[4096];

static FILE *sink(void)
{
    memset(buf, 0, sizeof buf);
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    assert_non_null(f);
    return f;
}

/* Half the work done in 10 s: at the same rate the other half takes 10 s more; 12 of the 24
 * cells are full. */
static void eta_from_rate_so_far(void **state)
{
    FILE *f = sink();
    mn_progress_bar bar;
    mn_progress_bar_init(&bar, f, 0, 0.0);
    mn_progress_bar_draw(&bar, "session 2/4: needling", 2, 4, bar.start_s + 10.0);
    fflush(f);
    assert_non_null(strstr(buf, "[############------------]"));
    assert_non_null(strstr(buf, " 50%"));
    assert_non_null(strstr(buf, "session 2/4: needling"));
    assert_non_null(strstr(buf, "ETA 10 s"));
    assert_null(strstr(buf, "\033[3")); /* no colour */
    assert_null(strstr(buf, "\033[1m"));
    /* 1 of 4 after 90 s: 270 s left = 4 min 30 s. */
    mn_progress_bar_draw(&bar, "x", 1, 4, bar.start_s + 90.0);
    fflush(f);
    assert_non_null(strstr(buf, "ETA 4 min 30 s"));
    /* Nothing done yet: the time left is unknown, not infinite or negative. */
    mn_progress_bar_draw(&bar, "x", 0, 4, bar.start_s + 100.0);
    fflush(f);
    assert_non_null(strstr(buf, "ETA --"));
    mn_progress_bar_finish(&bar);
    fclose(f);
}

/* Work shorter than the delay draws nothing, and finishing then prints nothing either. */
static void short_work_stays_silent(void **state)
{
    FILE *f = sink();
    mn_progress_bar bar;
    mn_progress_bar_init(&bar, f, 1, 0.25);
    mn_progress_bar_draw(&bar, "quick", 1, 2, bar.start_s + 0.1);
    mn_progress_bar_finish(&bar);
    fflush(f);
    assert_int_equal(strlen(buf), 0);
    fclose(f);
}

/* Colour when asked; the line is cleared at the end; redraws are throttled to 10 a second. */
static void colour_and_clear(void **state)
{
    FILE *f = sink();
    mn_progress_bar bar;
    mn_progress_bar_init(&bar, f, 1, 0.0);
    mn_progress_bar_draw(&bar, "healing", 1, 2, bar.start_s + 1.0);
    fflush(f);
    size_t first = strlen(buf);
    assert_non_null(strstr(buf, "\033[36m"));
    mn_progress_bar_draw(&bar, "healing", 1.5, 2, bar.start_s + 1.05); /* too soon */
    fflush(f);
    assert_int_equal(strlen(buf), first);
    mn_progress_bar_finish(&bar);
    fflush(f);
    assert_string_equal(buf + first, "\r\033[K");
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eta_from_rate_so_far),
        cmocka_unit_test(short_work_stays_silent),
        cmocka_unit_test(colour_and_clear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
