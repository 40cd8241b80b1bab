/* A program built against an installed libmnsim, as a user would write it: runs the built-in
 * default scenario without writing files and checks the summary it gets back. */
#include <mnsim/mnsim.h>
#include <mnsim/version.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    mn_run *run = NULL;
    const char *json = NULL;
    if (mn_run_create(&run) != MN_OK || mn_run_set_default_scenario(run) != MN_OK ||
        mn_run_set_output_dir(run, NULL) != MN_OK || mn_run_set_threads(run, 1) != MN_OK ||
        mn_run_execute(run) != MN_OK || mn_run_get_summary_json(run, &json) != MN_OK) {
        fprintf(stderr, "consumer: %s\n", mn_last_error());
        mn_run_free(run);
        return 1;
    }
    int ok = strstr(json, "\"mnsim.summary/1\"") != NULL;
    printf("consumer: mnsim %s, summary %s\n", MNSIM_VERSION, ok ? "ok" : "missing schema");
    /* A bad call must leave a message: the error idiom works across the library boundary. */
    mn_run *empty = NULL;
    mn_run_create(&empty);
    ok = ok && mn_run_execute(empty) == MN_EUSAGE && strlen(mn_last_error()) > 0;
    mn_run_free(empty);
    mn_run_free(run);
    return ok ? 0 : 1;
}
