/* The checkpoint of a trial: each finished patient is appended, as one line, to the journal of
 * the process that simulated it (dir/.trial-journal-<part>), and flushed, so a trial stopped
 * by a signal or killed outright resumes from every patient that was finished. Lines are
 *   <index>,<endpoint of arm 0>,...,<endpoint of arm n-1>\n      (nan where not simulated)
 * after a first line "# mnsim trial journal <fingerprint>". A torn last line (killed while
 * writing) is ignored. Values are written as patients.csv writes them, so a resumed trial's
 * outputs are the same bytes as an uninterrupted one's. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "io/atomic.h"
#include "trial/trial.h"

#define PREFIX "# mnsim trial journal "
#define NAME   ".trial-journal-"

struct mn_trial_journal {
    FILE *f;
};

static int is_journal(const char *name)
{
    return strncmp(name, NAME, strlen(NAME)) == 0;
}

/* Calls fn(path) for each journal file of dir. */
static mn_status each_journal(const char *dir, mn_status (*fn)(const char *path, void *user),
                              void *user)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? MN_OK : mn_error_set(MN_EIO, "%s: %s", dir, strerror(errno));
    struct dirent *e;
    mn_status st = MN_OK;
    char path[4200];
    while (st == MN_OK && (e = readdir(d)))
        if (is_journal(e->d_name) && (st = mn_io_join(path, sizeof path, dir, e->d_name)) == MN_OK)
            st = fn(path, user);
    closedir(d);
    return st;
}

typedef struct load_ctx {
    const mn_trial_spec *t;
    mn_trial_table *tab;
    long restored;
    int foreign; /* a journal of another trial was found */
} load_ctx;

static mn_status load_one(const char *path, void *user)
{
    load_ctx *c = user;
    FILE *f = fopen(path, "r");
    if (!f)
        return mn_error_set(MN_EIO, "%s: %s", path, strerror(errno));
    char line[8192], head[64];
    snprintf(head, sizeof head, PREFIX "%016" PRIx64 "\n", c->t->fingerprint);
    if (!fgets(line, sizeof line, f) || strcmp(line, head) != 0) {
        c->foreign = 1;
        fclose(f);
        return MN_OK;
    }
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        if (len == 0 || line[len - 1] != '\n')
            break; /* torn line */
        char *p = line, *end;
        errno = 0;
        long i = strtol(p, &end, 10);
        if (errno || end == p || *end != ',' || i < 0 || i >= c->tab->n)
            continue;
        double y[MN_TRIAL_ARM_CAP];
        int ok = 1;
        for (int a = 0; a < c->tab->n_arms && ok; a++) {
            p = end + 1;
            y[a] = strtod(p, &end);
            ok = end != p && (*end == (a + 1 < c->tab->n_arms ? ',' : '\n'));
        }
        if (!ok || c->tab->done[i])
            continue;
        memcpy(&c->tab->endpoint[(size_t)i * (size_t)c->tab->n_arms], y,
               sizeof(double) * (size_t)c->tab->n_arms);
        c->tab->done[i] = 1;
        c->restored++;
    }
    fclose(f);
    return MN_OK;
}

mn_status mn_trial_journal_load(const mn_trial_spec *t, const char *dir, mn_trial_table *tab,
                                long *restored)
{
    load_ctx c = {t, tab, 0, 0};
    MN_TRY(each_journal(dir, load_one, &c));
    *restored = c.restored;
    return MN_OK;
}

static mn_status remove_foreign(const char *path, void *user)
{
    const mn_trial_spec *t = user;
    char line[128], head[64];
    snprintf(head, sizeof head, PREFIX "%016" PRIx64 "\n", t->fingerprint);
    FILE *f = fopen(path, "r");
    int same = f && fgets(line, sizeof line, f) && strcmp(line, head) == 0;
    if (f)
        fclose(f);
    if (!same && remove(path) != 0 && errno != ENOENT)
        return mn_error_set(MN_EIO, "%s: %s", path, strerror(errno));
    return MN_OK;
}

mn_status mn_trial_journal_reset(const mn_trial_spec *t, const char *dir)
{
    return each_journal(dir, remove_foreign, (void *)t);
}

static mn_status remove_any(const char *path, void *user)
{
    (void)user;
    remove(path);
    return MN_OK;
}

void mn_trial_journal_remove(const char *dir)
{
    each_journal(dir, remove_any, NULL);
}

mn_status mn_trial_journal_open(const mn_trial_spec *t, const char *dir, int part,
                                mn_trial_journal **out)
{
    char path[4200], name[64];
    *out = NULL;
    snprintf(name, sizeof name, NAME "%d", part);
    MN_TRY(mn_io_mkdir(dir));
    MN_TRY(mn_io_join(path, sizeof path, dir, name));
    /* Append to this trial's journal; a foreign one was removed by mn_trial_journal_reset. */
    FILE *probe = fopen(path, "r");
    int fresh = 1;
    if (probe) {
        fresh = fgetc(probe) == EOF;
        fclose(probe);
    }
    mn_trial_journal *j = calloc(1, sizeof *j);
    if (!j)
        return mn_error_set(MN_ENOMEM, "out of memory opening the trial journal");
    if (!(j->f = fopen(path, "a"))) {
        free(j);
        return mn_error_set(MN_EIO, "%s: %s", path, strerror(errno));
    }
    if (fresh)
        fprintf(j->f, PREFIX "%016" PRIx64 "\n", t->fingerprint);
    fflush(j->f);
    *out = j;
    return MN_OK;
}

mn_status mn_trial_journal_add(mn_trial_journal *j, long index, const double *endpoints, int n_arms)
{
    fprintf(j->f, "%ld", index);
    for (int a = 0; a < n_arms; a++) {
        if (isfinite(endpoints[a]))
            fprintf(j->f, ",%.6f", endpoints[a]);
        else
            fputs(",nan", j->f);
    }
    fputc('\n', j->f);
    if (fflush(j->f) != 0 || ferror(j->f))
        return mn_error_set(MN_EIO, "trial journal: write failed (%s)", strerror(errno));
    return MN_OK;
}

void mn_trial_journal_close(mn_trial_journal *j)
{
    if (!j)
        return;
    fclose(j->f);
    free(j);
}
