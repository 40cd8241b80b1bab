#include "core/signals.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_signal;

void mn_signals_request_stop(int signo)
{
    stop_signal = signo ? signo : -1;
}

int mn_signals_stop_requested(void)
{
    return stop_signal;
}

void mn_signals_clear(void)
{
    stop_signal = 0;
}

static void on_stop(int signo)
{
    if (stop_signal) {
        /* Asked twice: the user wants out now. */
        signal(signo, SIG_DFL);
        raise(signo);
        return;
    }
    mn_signals_request_stop(signo);
}

void mn_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGXFSZ, SIG_IGN);
}
