#include "io/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "io/atomic.h"

#define MARKER   ".mnsim-output"
#define LOCKFILE ".mnsim-lock"
#define MANIFEST ".mnsim-manifest"
#define TMP_TAG  ".mnsim-tmp."
#define SUMMARY  "summary.json"
/* A manifest is a list of relative paths; no run writes more than a few thousand files. */
#define MANIFEST_MAX_BYTES (4L << 20)
#define MANIFEST_MAX_FILES 100000
#define STALE_DEPTH        4

typedef struct entry {
    char *rel; /* path inside the folder, "fields/x.vti" */
    char *tmp; /* where its bytes wait until publishing */
} entry;

struct mn_outdir {
    char dir[4096];
    size_t dirlen;
    int lock_fd;
    char lock_path[4200];
    entry *pending;
    size_t n_pending, cap_pending;
    char **owned; /* the previous run's manifest */
    size_t n_owned;
    int legacy;  /* an mnsim folder from before manifests: its names may be replaced */
    int inherit; /* resuming: the interrupted run's files are this run's too */
    int published;
    mn_outdir *next;
};

/* Open folders, found by path prefix (see outdir.h). */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static mn_outdir *g_open;
static atomic_ulong g_tmp_seq;

/* ---- paths -------------------------------------------------------------------------------- */

/* Copies rel without leading or repeated slashes. */
static void normalise_rel(const char *rel, char *out, size_t cap)
{
    size_t n = 0;
    while (*rel == '/')
        rel++;
    for (; *rel && n + 1 < cap; rel++)
        if (!(*rel == '/' && n > 0 && out[n - 1] == '/'))
            out[n++] = *rel;
    out[n] = '\0';
}

/* path is dir or inside it. */
static int nested(const char *dir, size_t dirlen, const char *path)
{
    return strncmp(path, dir, dirlen) == 0 && (path[dirlen] == '/' || path[dirlen] == '\0');
}

/* The open folder holding path, and path's name inside it. Caller holds g_mu. */
static mn_outdir *lookup(const char *path, char *rel, size_t cap)
{
    for (mn_outdir *o = g_open; o; o = o->next)
        if (!o->published && nested(o->dir, o->dirlen, path)) {
            normalise_rel(path + o->dirlen, rel, cap);
            return o;
        }
    return NULL;
}

static int rel_ok(const char *rel)
{
    if (!*rel || *rel == '/' || strlen(rel) >= 1024)
        return 0;
    for (const char *p = rel; *p; p++)
        if ((unsigned char)*p < 0x20)
            return 0;
    /* No component may be "..": the manifest can only name files inside the folder. */
    for (const char *p = rel; *p;) {
        size_t len = strcspn(p, "/");
        if ((len == 2 && p[0] == '.' && p[1] == '.') || (len == 1 && p[0] == '.') || len == 0)
            return 0;
        p += len;
        if (*p == '/')
            p++;
    }
    return 1;
}

static int owned(const mn_outdir *o, const char *rel)
{
    for (size_t i = 0; i < o->n_owned; i++)
        if (strcmp(o->owned[i], rel) == 0)
            return 1;
    return 0;
}

static const entry *find_pending(const mn_outdir *o, const char *rel)
{
    for (size_t i = 0; i < o->n_pending; i++)
        if (strcmp(o->pending[i].rel, rel) == 0)
            return &o->pending[i];
    return NULL;
}

mn_status mn_io_tmp_path(const char *path, char *buf, size_t cap)
{
    unsigned long seq = atomic_fetch_add(&g_tmp_seq, 1);
    int n = snprintf(buf, cap, "%s%s%ld.%lu", path, TMP_TAG, (long)getpid(), seq);
    if (n < 0 || (size_t)n >= cap)
        return mn_error_set(MN_EIO, "%s: path too long", path);
    return MN_OK;
}

/* ---- ownership ---------------------------------------------------------------------------- */

/* Entries that do not make a folder foreign: mnsim's own bookkeeping (".mnsim-lock",
 * ".mnsim-output", ".mnsim-manifest" and their temporaries, which a run starting in the same
 * folder at the same moment may be writing). */
static int is_internal(const char *name)
{
    return !strcmp(name, ".") || !strcmp(name, "..") || !strncmp(name, ".mnsim-", 7);
}

static mn_status check_foreign(const char *dir, int force, int *has_marker)
{
    char marker[4200];
    MN_TRY(mn_io_join(marker, sizeof marker, dir, MARKER));
    *has_marker = access(marker, F_OK) == 0;
    if (force || *has_marker)
        return MN_OK;
    DIR *d = opendir(dir);
    if (!d)
        return mn_error_set(MN_EIO, "%s: cannot open folder: %s", dir, strerror(errno));
    int empty = 1;
    struct dirent *e;
    while ((e = readdir(d)))
        if (!is_internal(e->d_name))
            empty = 0;
    closedir(d);
    if (!empty)
        return mn_error_set(MN_EINPUT,
                            "%s: folder exists, is not empty and is not an mnsim output "
                            "(expected a new or mnsim output folder; use --force to "
                            "write there anyway)",
                            dir);
    return MN_OK;
}

static mn_status take_lock(mn_outdir *o)
{
    MN_TRY(mn_io_join(o->lock_path, sizeof o->lock_path, o->dir, LOCKFILE));
    /* A holder unlinks the file before unlocking it; a file locked after that is stale, so
     * lock, then check the name still points at the locked file, else try again. */
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd = open(o->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            return mn_error_set(MN_EIO, "%s: cannot create lock file: %s", o->lock_path,
                                strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int err = errno;
            char buf[32] = "";
            ssize_t got = pread(fd, buf, sizeof buf - 1, 0);
            close(fd);
            if (err != EWOULDBLOCK)
                return mn_error_set(MN_EIO, "%s: cannot lock: %s", o->lock_path, strerror(err));
            long pid = got > 0 ? strtol(buf, NULL, 10) : 0;
            return mn_error_set(MN_EINPUT,
                                "%s: another mnsim run (process %ld) is writing into this "
                                "folder (expected a folder no other run is using: wait for it "
                                "to end or choose another output folder)",
                                o->dir, pid);
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(o->lock_path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            char buf[32];
            int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
                close(fd);
                return mn_error_set(MN_EIO, "%s: cannot write: %s", o->lock_path, strerror(errno));
            }
            o->lock_fd = fd;
            return MN_OK;
        }
        close(fd);
    }
    return mn_error_set(MN_EIO, "%s: cannot take the lock (the file keeps changing)", o->lock_path);
}

static mn_status read_manifest(mn_outdir *o, int has_marker)
{
    char path[4200];
    MN_TRY(mn_io_join(path, sizeof path, o->dir, MANIFEST));
    FILE *f = fopen(path, "rb");
    if (!f) {
        o->legacy = has_marker;
        return MN_OK;
    }
    char line[1100];
    long total = 0;
    while (fgets(line, sizeof line, f)) {
        total += (long)strlen(line);
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        if (total > MANIFEST_MAX_BYTES || o->n_owned >= MANIFEST_MAX_FILES || !rel_ok(line)) {
            fclose(f);
            return mn_error_set(MN_EINPUT,
                                "%s: not an mnsim manifest (expected at most %d relative "
                                "paths inside the folder, one a line)",
                                path, MANIFEST_MAX_FILES);
        }
        char **grown = realloc(o->owned, (o->n_owned + 1) * sizeof *grown);
        char *copy = strdup(line);
        if (!grown || !copy) {
            free(copy);
            if (grown)
                o->owned = grown;
            fclose(f);
            return mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
        }
        o->owned = grown;
        o->owned[o->n_owned++] = copy;
    }
    fclose(f);
    return MN_OK;
}

/* Removes temporaries of earlier runs: we hold the lock, so no live run owns them. */
static void collect_stale(const char *dir, const char *keep, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[4200];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (mn_io_join(path, sizeof path, dir, e->d_name) != MN_OK)
            continue;
        struct stat sb;
        if (lstat(path, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode) && depth > 0)
            collect_stale(path, keep, depth - 1);
        else if (S_ISREG(sb.st_mode) && strstr(e->d_name, TMP_TAG) &&
                 !(keep && depth == STALE_DEPTH && !strcmp(e->d_name, keep)))
            unlink(path);
    }
    closedir(d);
}

static mn_status write_manifest(mn_outdir *o, int with_owned);

static void free_outdir(mn_outdir *o)
{
    for (size_t i = 0; i < o->n_pending; i++) {
        free(o->pending[i].rel);
        free(o->pending[i].tmp);
    }
    free(o->pending);
    for (size_t i = 0; i < o->n_owned; i++)
        free(o->owned[i]);
    free(o->owned);
    free(o);
}

mn_status mn_outdir_open(const char *dir, int force, int resume, const char *keep_tmp,
                         mn_outdir **out)
{
    *out = NULL;
    mn_outdir *o = calloc(1, sizeof *o);
    if (!o)
        return mn_error_set(MN_ENOMEM, "out of memory opening %s", dir);
    o->lock_fd = -1;
    o->inherit = resume != 0;
    mn_status st = MN_OK;
    if (snprintf(o->dir, sizeof o->dir, "%s", dir) >= (int)sizeof o->dir) {
        free(o);
        return mn_error_set(MN_EINPUT, "%s: output path too long", dir);
    }
    o->dirlen = strlen(o->dir);
    while (o->dirlen > 1 && o->dir[o->dirlen - 1] == '/')
        o->dir[--o->dirlen] = '\0';
    struct stat sb;
    int has_marker = 0;
    if (stat(o->dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode)) {
            st = mn_error_set(MN_EINPUT,
                              "%s: exists and is not a folder (expected an output folder)", dir);
            goto fail;
        }
        MN_TRY_GOTO(check_foreign(o->dir, force, &has_marker), fail);
    } else {
        MN_TRY_GOTO(mn_io_mkdir(o->dir), fail);
    }
    MN_TRY_GOTO(take_lock(o), fail);
    /* Checked again under the lock: the first check only spares a foreign folder a lock file. */
    MN_TRY_GOTO(check_foreign(o->dir, force, &has_marker), fail);
    MN_TRY_GOTO(read_manifest(o, has_marker), fail);
    collect_stale(o->dir, keep_tmp, STALE_DEPTH);
    if (!has_marker) {
        char marker[4200];
        MN_TRY_GOTO(mn_io_join(marker, sizeof marker, o->dir, MARKER), fail);
        mn_afile af;
        MN_TRY_GOTO(mn_afile_open(marker, &af), fail);
        fputs("mnsim output folder\n", af.f);
        MN_TRY_GOTO(mn_afile_commit_now(&af), fail);
        /* An empty manifest with it: this folder is never taken for a pre-manifest one. */
        MN_TRY_GOTO(write_manifest(o, 1), fail);
    }
    pthread_mutex_lock(&g_mu);
    for (mn_outdir *p = g_open; p; p = p->next)
        if (nested(p->dir, p->dirlen, o->dir) || nested(o->dir, o->dirlen, p->dir)) {
            pthread_mutex_unlock(&g_mu);
            st = mn_error_set(MN_EINPUT,
                              "%s: overlaps the output folder %s of another run in this "
                              "process (expected separate folders)",
                              dir, p->dir);
            goto fail;
        }
    o->next = g_open;
    g_open = o;
    pthread_mutex_unlock(&g_mu);
    *out = o;
    return MN_OK;
fail:
    if (o->lock_fd >= 0) {
        unlink(o->lock_path);
        close(o->lock_fd);
    }
    free_outdir(o);
    return st;
}

/* ---- committing and reading --------------------------------------------------------------- */

mn_status mn_io_commit_tmp(const char *tmp, const char *path)
{
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || fsync(fd) != 0) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        return mn_error_set(MN_EIO, "%s: write failed: %s", path, strerror(err));
    }
    close(fd);
    char rel[1100];
    pthread_mutex_lock(&g_mu);
    mn_outdir *o = lookup(path, rel, sizeof rel);
    if (o) {
        mn_status st = MN_OK;
        entry *e = (entry *)find_pending(o, rel);
        char *t = strdup(tmp);
        if (!t) {
            st = mn_error_set(MN_ENOMEM, "out of memory");
        } else if (e) {
            /* Written twice in one run: the later bytes win. */
            unlink(e->tmp);
            free(e->tmp);
            e->tmp = t;
        } else {
            if (o->n_pending == o->cap_pending) {
                size_t cap = o->cap_pending ? 2 * o->cap_pending : 32;
                entry *grown = realloc(o->pending, cap * sizeof *grown);
                if (grown) {
                    o->pending = grown;
                    o->cap_pending = cap;
                }
            }
            char *r = strdup(rel);
            if (o->n_pending == o->cap_pending || !r) {
                free(r);
                free(t);
                st = mn_error_set(MN_ENOMEM, "out of memory");
            } else {
                o->pending[o->n_pending].rel = r;
                o->pending[o->n_pending++].tmp = t;
            }
        }
        pthread_mutex_unlock(&g_mu);
        if (st != MN_OK)
            unlink(tmp);
        return st;
    }
    pthread_mutex_unlock(&g_mu);
    if (rename(tmp, path) != 0) {
        int err = errno;
        unlink(tmp);
        return mn_error_set(MN_EIO, "%s: cannot move into place: %s", path, strerror(err));
    }
    return MN_OK;
}

FILE *mn_io_fopen_result(const char *path)
{
    char rel[1100];
    pthread_mutex_lock(&g_mu);
    mn_outdir *o = lookup(path, rel, sizeof rel);
    FILE *f = NULL;
    if (o) {
        const entry *e = find_pending(o, rel);
        if (e)
            f = fopen(e->tmp, "rb");
        else if (o->inherit && owned(o, rel))
            f = fopen(path, "rb");
        else
            errno = ENOENT;
    } else {
        f = fopen(path, "rb");
    }
    int err = errno;
    pthread_mutex_unlock(&g_mu);
    errno = err;
    return f;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

void mn_io_list_results(const char *dir, const char *suffix, void (*fn)(void *, const char *),
                        void *ctx)
{
    char rel[1100];
    char **names = NULL;
    size_t n = 0;
    pthread_mutex_lock(&g_mu);
    mn_outdir *o = lookup(dir, rel, sizeof rel);
    if (o) {
        size_t rl = strlen(rel);
        names = calloc(o->n_pending + 1, sizeof *names);
        for (size_t i = 0; names && i < o->n_pending; i++) {
            const char *r = o->pending[i].rel;
            if (rl && (strncmp(r, rel, rl) != 0 || r[rl] != '/'))
                continue;
            const char *base = r + (rl ? rl + 1 : 0);
            if (!strchr(base, '/') && has_suffix(base, suffix) && (names[n] = strdup(base)))
                n++;
        }
        for (size_t i = 0; names && o->inherit && i < o->n_owned; i++) {
            const char *r = o->owned[i];
            if (find_pending(o, r) || (rl && (strncmp(r, rel, rl) != 0 || r[rl] != '/')))
                continue;
            const char *base = r + (rl ? rl + 1 : 0);
            if (strchr(base, '/') || !has_suffix(base, suffix))
                continue;
            char **grown = realloc(names, (n + 2) * sizeof *grown);
            if (!grown)
                break;
            names = grown;
            if ((names[n] = strdup(base)))
                n++;
        }
    }
    pthread_mutex_unlock(&g_mu);
    if (!o) {
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d && (e = readdir(d)))
            if (has_suffix(e->d_name, suffix) && !strstr(e->d_name, TMP_TAG)) {
                char **grown = realloc(names, (n + 1) * sizeof *grown);
                if (!grown)
                    break;
                names = grown;
                if ((names[n] = strdup(e->d_name)))
                    n++;
            }
        if (d)
            closedir(d);
    }
    if (names)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        fn(ctx, names[i]);
        free(names[i]);
    }
    free(names);
}

/* ---- publishing --------------------------------------------------------------------------- */

/* Sorted, so a resumed run's manifest is the same bytes as an uninterrupted one's. */
static mn_status write_manifest(mn_outdir *o, int with_owned)
{
    char path[4200];
    MN_TRY(mn_io_join(path, sizeof path, o->dir, MANIFEST));
    const char **names = calloc(o->n_pending + o->n_owned + 1, sizeof *names);
    if (!names)
        return mn_error_set(MN_ENOMEM, "out of memory writing %s", path);
    size_t n = 0;
    for (size_t i = 0; i < o->n_pending; i++)
        names[n++] = o->pending[i].rel;
    for (size_t i = 0; with_owned && i < o->n_owned; i++)
        if (!find_pending(o, o->owned[i]))
            names[n++] = o->owned[i];
    qsort(names, n, sizeof *names, cmp_str);
    mn_afile af;
    mn_status st = mn_afile_open(path, &af);
    if (st != MN_OK) {
        free(names);
        return st;
    }
    fputs("# files of the last mnsim run in this folder (only these are ever replaced or "
          "removed)\n",
          af.f);
    for (size_t i = 0; i < n; i++)
        fprintf(af.f, "%s\n", names[i]);
    free(names);
    return mn_afile_commit_now(&af);
}

static mn_status ensure_parent(const char *path)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return MN_OK;
    *slash = '\0';
    return mn_io_mkdir(dir);
}

/* Removes now-empty folders between path's folder and the output folder. */
static void prune_parents(const mn_outdir *o, const char *path)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *slash; (slash = strrchr(dir, '/')) && (size_t)(slash - dir) > o->dirlen;) {
        *slash = '\0';
        if (rmdir(dir) != 0)
            break;
    }
}

mn_status mn_outdir_publish(mn_outdir *o)
{
    char path[4200];
    /* 1. Nothing that is not mnsim's is replaced: check every name before touching any. */
    for (size_t i = 0; i < o->n_pending; i++) {
        struct stat sb;
        MN_TRY(mn_io_join(path, sizeof path, o->dir, o->pending[i].rel));
        if (lstat(path, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode))
            return mn_error_set(MN_EINPUT,
                                "%s: is a folder where mnsim writes a file (expected no such "
                                "folder; move it away)",
                                path);
        if (!o->legacy && !owned(o, o->pending[i].rel))
            return mn_error_set(MN_EINPUT,
                                "%s: exists and is not one of mnsim's files in this folder "
                                "(not in %s; expected mnsim to replace only its own outputs: "
                                "move it away or choose another folder)",
                                path, MANIFEST);
    }
    /* 2. The manifest names old and new files, so a crash below leaves nothing unowned; the
     * old summary.json goes first, so a half-published folder never claims to be complete. */
    MN_TRY(write_manifest(o, 1));
    MN_TRY(mn_io_join(path, sizeof path, o->dir, SUMMARY));
    if (owned(o, SUMMARY) || o->legacy)
        unlink(path);
    const entry *summary = NULL;
    for (size_t i = 0; i < o->n_pending; i++) {
        const entry *e = &o->pending[i];
        if (!strcmp(e->rel, SUMMARY)) {
            summary = e;
            continue;
        }
        MN_TRY(mn_io_join(path, sizeof path, o->dir, e->rel));
        MN_TRY(ensure_parent(path));
        if (rename(e->tmp, path) != 0)
            return mn_error_set(MN_EIO, "%s: cannot move into place: %s", path, strerror(errno));
    }
    /* 3. The previous run's files this run did not write. */
    for (size_t i = 0; !o->inherit && i < o->n_owned; i++)
        if (!find_pending(o, o->owned[i]) &&
            mn_io_join(path, sizeof path, o->dir, o->owned[i]) == MN_OK) {
            unlink(path);
            prune_parents(o, path);
        }
    /* The manifest of step 2 already names every file here (and the ones just removed), so
     * when shortening it fails (the disk filled up) no file is left unowned: keep publishing. */
    (void)write_manifest(o, o->inherit);
    /* 4. summary.json ("complete" its last key) is the last file in place. */
    if (summary) {
        MN_TRY(mn_io_join(path, sizeof path, o->dir, SUMMARY));
        if (rename(summary->tmp, path) != 0)
            return mn_error_set(MN_EIO, "%s: cannot move into place: %s", path, strerror(errno));
    }
    int dfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    pthread_mutex_lock(&g_mu);
    for (size_t i = 0; i < o->n_pending; i++) {
        free(o->pending[i].rel);
        free(o->pending[i].tmp);
    }
    o->n_pending = 0;
    o->published = 1;
    pthread_mutex_unlock(&g_mu);
    return MN_OK;
}

mn_status mn_io_prepare_output_dir(const char *dir, int force)
{
    mn_outdir *o = NULL;
    MN_TRY(mn_outdir_open(dir, force, 0, NULL, &o));
    mn_outdir_close(o);
    return MN_OK;
}

void mn_outdir_close(mn_outdir *o)
{
    if (!o)
        return;
    pthread_mutex_lock(&g_mu);
    for (mn_outdir **p = &g_open; *p; p = &(*p)->next)
        if (*p == o) {
            *p = o->next;
            break;
        }
    pthread_mutex_unlock(&g_mu);
    for (size_t i = 0; i < o->n_pending; i++)
        unlink(o->pending[i].tmp);
    if (!o->published) {
        /* Folders a stage made for files that never came are not left behind (only if empty). */
        static const char *const made[] = {"plots", "fields", "checkpoint"};
        char path[4200];
        for (int i = 0; i < 3; i++)
            if (mn_io_join(path, sizeof path, o->dir, made[i]) == MN_OK)
                rmdir(path);
    }
    if (o->lock_fd >= 0) {
        /* Unlinked while still locked: a waiter that opened the old file sees it change. */
        unlink(o->lock_path);
        close(o->lock_fd);
    }
    free_outdir(o);
}
