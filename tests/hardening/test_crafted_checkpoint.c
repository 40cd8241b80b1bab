/* A crafted checkpoint is refused, never trusted (issue 18 item 4): a checkpoint whose counts,
 * sizes, states or texts were edited and then re-sealed with a valid checksum (as an attacker or
 * a buggy tool would) makes `mnsim resume` fail with an input error (exit 2) and a message naming
 * the checkpoint: never a crash, a hang, an allocation of the edited size, or a "successful" run
 * from the edited state. Each case runs in a child process with a 60 s alarm, so a crash or hang
 * fails that case by name. The unedited checkpoint, re-sealed the same way, must still resume
 * (so the harness itself cannot be what is refused). */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/checkpoint.h"
#include "mnsim/mnsim.h"

static char root[] = "/tmp/mnsim-crafted-XXXXXX";
static char orig[300];

/* Three pen sessions on a small patch with a product and its field files, checkpointed after
 * every session, stopped (as by SIGTERM) when the second session starts: the folder keeps a
 * checkpoint of session 1, with copies of session 1's field files (run/files lists them). */
static const char *YAML = "name: crafted\nseed: 11\nsite: {zone: forehead}\n"
                          "patch: {width_mm: 3, length_mm: 3}\n"
                          "device: {type: pen, depth_mm: 1.0, passes: 2}\n"
                          "product: {name: ascorbic_acid}\n"
                          "protocol: {sessions: 3, interval_days: 14, follow_up_days: 60}\n"
                          "output: {field_times_h: [1]}\n";

static void stop_at_session_2(void *user, const char *stage, double done, double total)
{
    (void)user, (void)done, (void)total;
    if (strncmp(stage, "session 2/", 10) == 0)
        mn_signals_request_stop(SIGTERM);
}

static int setup(void **state)
{
    if (!mkdtemp(root))
        return -1;
    snprintf(orig, sizeof orig, "%s/orig", root);
    mn_run *r = NULL;
    if (mn_run_create(&r) != MN_OK || mn_run_set_scenario_text(r, "crafted", YAML) != MN_OK ||
        mn_run_set_output_dir(r, orig) != MN_OK || mn_run_set_threads(r, 1) != MN_OK ||
        mn_run_set_checkpoint_every(r, 0) != MN_OK ||
        mn_run_set_progress(r, stop_at_session_2, NULL) != MN_OK)
        return -1;
    mn_status st = mn_run_execute(r);
    mn_run_free(r);
    mn_signals_clear();
    if (st != MN_EINTERRUPTED) {
        fprintf(stderr, "setup: expected an interrupted run, got %d: %s\n", st, mn_last_error());
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

typedef enum { U64, TEXT, DOUBLES, BYTES } kind;

/* One edit: key := value; for DOUBLES, d[0..nd) replaces doubles at index at (or the whole blob
 * when resize); BYTES: the blob cut to len bytes. */
typedef struct edit {
    const char *name, *key;
    kind k;
    uint64_t u;
    const char *text;
    size_t at;
    double d;
    size_t len;
} edit;

/* Copies the interrupted folder, applies e to its checkpoint, re-seals it, resumes it. Returns
 * the status of resume (or of execute when resume accepted it). */
static mn_status craft_and_resume(const edit *e, int index)
{
    char dir[400], path[500], cmd[1400];
    snprintf(dir, sizeof dir, "%s/case%d", root, index);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -a '%s' '%s'", dir, orig, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/checkpoint/state.mnck", dir);
    size_t len;
    unsigned char *buf = read_all(path, &len);
    mn_checkpoint *c = NULL;
    assert_int_equal(mn_checkpoint_parse(path, buf, len, &c), MN_OK);
    free(buf);
    if (e) {
        const void *d = NULL;
        size_t dl = 0;
        switch (e->k) {
        case U64:
            assert_int_equal(mn_checkpoint_put_u64(c, e->key, e->u), MN_OK);
            break;
        case TEXT:
            assert_int_equal(mn_checkpoint_put_text(c, e->key, e->text), MN_OK);
            break;
        case DOUBLES: {
            assert_int_equal(mn_checkpoint_get(c, e->key, &d, &dl), MN_OK);
            assert_true((e->at + 1) * sizeof(double) <= dl);
            unsigned char *copy = malloc(dl);
            memcpy(copy, d, dl);
            memcpy(copy + e->at * sizeof(double), &e->d, sizeof(double));
            assert_int_equal(mn_checkpoint_put(c, e->key, copy, dl), MN_OK);
            free(copy);
            break;
        }
        case BYTES: {
            assert_int_equal(mn_checkpoint_get(c, e->key, &d, &dl), MN_OK);
            assert_true(e->len < dl);
            unsigned char *copy = malloc(dl);
            memcpy(copy, d, dl);
            assert_int_equal(mn_checkpoint_put(c, e->key, copy, e->len), MN_OK);
            free(copy);
            break;
        }
        }
    }
    unsigned char *out = NULL;
    size_t outlen = 0;
    assert_int_equal(mn_checkpoint_serialize(c, &out, &outlen), MN_OK); /* sealed anew */
    mn_checkpoint_free(c);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(out, 1, outlen, f), outlen);
    assert_int_equal(fclose(f), 0);
    free(out);
    mn_run *r = NULL;
    assert_int_equal(mn_run_create(&r), MN_OK);
    mn_status st = mn_run_resume(r, dir);
    if (st == MN_OK)
        st = mn_run_execute(r);
    if (st != MN_OK && !strstr(mn_last_error(), "checkpoint"))
        fprintf(stderr, "case %s: message does not name the checkpoint: %s\n",
                e ? e->name : "unedited", mn_last_error());
    mn_run_free(r);
    return st;
}

/* Runs craft_and_resume in a child: exit status = mn_status, a signal = crash or hang. */
static int in_child(const edit *e, int index)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(60);
        _exit((int)craft_and_resume(e, index));
    }
    int ws = 0;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    if (WIFSIGNALED(ws))
        return -WTERMSIG(ws);
    return WEXITSTATUS(ws);
}

static void the_unedited_checkpoint_resumes(void **state)
{
    assert_int_equal(in_child(NULL, 0), MN_OK);
}

static void edited_checkpoints_are_refused(void **state)
{
    static const char *big_yaml = "name: x\nseed: 1\nsite: {zone: forehead}\n"
                                  "patch: {width_mm: 3, length_mm: 3}\n"
                                  "device: {type: pen, depth_mm: 1.0, passes: 2000000}\n"
                                  "protocol: {sessions: 3}\n";
    const edit cases[] = {
        {"threads 0", "run/threads", U64, .u = 0},
        {"threads 2^40", "run/threads", U64, .u = 1ULL << 40},
        {"next session 0", "run/next_session", U64, .u = 0},
        {"next session 99", "run/next_session", U64, .u = 99},
        {"next session 2^64-1", "run/next_session", U64, .u = UINT64_MAX},
        {"interval NaN", "run/checkpoint_every_min", DOUBLES, .at = 0, .d = NAN},
        {"interval -1", "run/checkpoint_every_min", DOUBLES, .at = 0, .d = -1},
        {"interval cut", "run/checkpoint_every_min", BYTES, .len = 3},
        {"csv bytes 2^62", "run/csv_bytes", U64, .u = 1ULL << 62},
        {"csv bytes 1", "run/csv_bytes", U64, .u = 1},
        {"csv hash", "run/csv_hash", U64, .u = 12345},
        {"csv tmp ../x", "run/csv_tmp", TEXT, .text = "../x"},
        {"summary not JSON", "run/summary_json", TEXT, .text = "{\"sessions\": ["},
        {"summary an array", "run/summary_json", TEXT, .text = "[1, 2, 3]"},
        {"summary without sessions", "run/summary_json", TEXT, .text = "{}"},
        {"scenario: 2 million passes", "run/scenario_yaml", TEXT, .text = big_yaml},
        {"scenario: not YAML", "run/scenario_yaml", TEXT, .text = "{{{"},
        {"version", "mnsim/version", TEXT, .text = "0.0.1"},
        {"samples 10^9", "course/samples", U64, .u = 1000000000},
        {"max depth NaN", "course/max", DOUBLES, .at = 0, .d = NAN},
        {"max bleeding -1", "course/max", DOUBLES, .at = 1, .d = -1},
        {"max omega inf", "course/max", DOUBLES, .at = 4, .d = INFINITY},
        {"max cut", "course/max", BYTES, .len = 8},
        {"injury cut", "course/injury/1", BYTES, .len = 16},
        {"injury depth NaN", "course/injury/1", DOUBLES, .at = 0, .d = NAN},
        {"injury depth 1e300", "course/injury/1", DOUBLES, .at = 1, .d = 1e300},
        {"injury density -1", "course/injury/1", DOUBLES, .at = 3, .d = -1},
        {"injury value inf", "course/injury/1", DOUBLES, .at = 7, .d = INFINITY},
        {"files: ../x", "run/files", TEXT, .text = "fields/../x_s1.vti 10 0000000000000000\n"},
        {"files: absolute", "run/files", TEXT, .text = "/etc/passwd_s1.vti 1 0\n"},
        {"files: 2^62 bytes", "run/files", TEXT,
         .text = "fields/delivery_s1_1h.vti 4611686018427387904 0000000000000001\n"},
        {"files: copy changed", "run/files", TEXT,
         .text = "fields/delivery_s1_1h.vti 5 0000000000000001\n"},
        {"files: session not done", "run/files", TEXT, .text = "fields/delivery_s3_1h.vti 5 1\n"},
        {"files: twice", "run/files", TEXT,
         .text = "fields/delivery_s1.pvd 5 1\nfields/delivery_s1.pvd 5 1\n"},
        {"files: not a list", "run/files", TEXT, .text = "{\"files\": []}"},
        {"files: gone", "run/files", TEXT, .text = "fields/delivery_s1_9h.vti 5 1\n"},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int rc = in_child(&cases[i], (int)i + 1);
        if (rc != MN_EINPUT) {
            fprintf(stderr, "case '%s': %s %d (expected MN_EINPUT = %d, exit 2)\n", cases[i].name,
                    rc < 0 ? "killed by signal" : "status", rc < 0 ? -rc : rc, MN_EINPUT);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_unedited_checkpoint_resumes),
        cmocka_unit_test(edited_checkpoints_are_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
