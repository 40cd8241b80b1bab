/* A disk that fills up in the middle of a run, for tests/hardening/full_disk.sh (issue 18,
 * items 2 and 7). Preloaded into mnsim (LD_PRELOAD), it numbers the files opened for writing
 * (fopen, fopen64) whose path starts with $MNSIM_FULL_DIR: every output, temporary, plot,
 * field file and the folder's bookkeeping go through fopen.
 *
 *   MNSIM_FULL_COUNT=FILE  at exit, write how many such files were opened;
 *   MNSIM_FULL_AFTER=N     from the N-th such file on, the disk is full: the file is created
 *                          (empty), but the stream returned writes to /dev/full, so its writes
 *                          fail with ENOSPC when flushed, as on a full file system.
 * Test code only: never linked into mnsim. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long opened;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static FILE *redirect(const char *path, const char *mode, const char *sym)
{
    FILE *(*real)(const char *, const char *) =
        (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, sym);
    const char *dir = getenv("MNSIM_FULL_DIR");
    if (!dir || !*dir || !path || !(strchr(mode, 'w') || strchr(mode, 'a')) ||
        strncmp(path, dir, strlen(dir)) != 0)
        return real(path, mode);
    pthread_mutex_lock(&lock);
    long n = ++opened;
    pthread_mutex_unlock(&lock);
    const char *after = getenv("MNSIM_FULL_AFTER");
    if (after && n >= strtol(after, NULL, 10)) {
        FILE *f = real(path, mode);
        if (f)
            fclose(f);
        return real("/dev/full", "w");
    }
    return real(path, mode);
}

FILE *fopen(const char *path, const char *mode)
{
    return redirect(path, mode, "fopen");
}

FILE *fopen64(const char *path, const char *mode)
{
    return redirect(path, mode, "fopen64");
}

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("MNSIM_FULL_COUNT");
    if (!path)
        return;
    unsetenv("MNSIM_FULL_DIR"); /* the report itself is not counted */
    FILE *(*real)(const char *, const char *) =
        (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "fopen");
    FILE *f = real(path, "w");
    if (f) {
        fprintf(f, "%ld\n", opened);
        fclose(f);
    }
}
