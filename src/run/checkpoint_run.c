#include "run/checkpoint_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/signals.h"
#include "io/summary.h"
#include "model/scenario.h"
#include "mnsim/version.h"

#define CKPT_DIR  "checkpoint"
#define CKPT_FILE "checkpoint/state.mnck"
/* Largest checkpoint mnsim reads back (the partial summary grows with the sessions). */
#define CKPT_MAX_BYTES (1024L << 20)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void clear_files(mn_runckpt *k)
{
    for (size_t i = 0; i < k->n_files; i++)
        free(k->files[i]);
    free(k->files);
    k->files = NULL;
    k->n_files = 0;
}

void mn_runckpt_free(mn_runckpt *k)
{
    free(k->resume_summary);
    free(k->scenario_label);
    free(k->scenario_text);
    mn_checkpoint_free(k->stages);
    clear_files(k);
    memset(k, 0, sizeof *k);
}

mn_status mn_runckpt_set_scenario(mn_runckpt *k, const char *label, const char *text, size_t len)
{
    char *l = strdup(label), *t = strndup(text, len);
    if (!l || !t) {
        free(l);
        free(t);
        return mn_error_set(MN_ENOMEM, "out of memory keeping the scenario");
    }
    free(k->scenario_label);
    free(k->scenario_text);
    k->scenario_label = l;
    k->scenario_text = t;
    return MN_OK;
}

mn_status mn_runckpt_set_every(mn_runckpt *k, double minutes)
{
    if (!(minutes <= 525600.0))
        return mn_error_set(MN_EINPUT,
                            "checkpoint interval %g min is out of range (expected 0 "
                            "to 525600 minutes, or negative for none)",
                            minutes);
    k->enabled = minutes >= 0.0;
    k->every_min = minutes >= 0.0 ? minutes : 0.0;
    return MN_OK;
}

/* ---- punctures.csv bookkeeping ------------------------------------------------------------ */

/* Folds bytes [k->csv_hashed, k->csv_bytes) of the CSV's temporary file into the hash. */
static mn_status hash_csv(mn_runckpt *k, mn_afile *csv)
{
    if (fflush(csv->f) != 0 || fsync(fileno(csv->f)) != 0)
        return mn_error_set(MN_EIO, "%s: write failed: %s", csv->path, strerror(errno));
    int fd = open(csv->tmp, O_RDONLY);
    if (fd < 0)
        return mn_error_set(MN_EIO, "%s: cannot reread: %s", csv->tmp, strerror(errno));
    unsigned char buf[1 << 16];
    while (k->csv_hashed < k->csv_bytes) {
        uint64_t want = k->csv_bytes - k->csv_hashed;
        ssize_t got =
            pread(fd, buf, want < sizeof buf ? (size_t)want : sizeof buf, (off_t)k->csv_hashed);
        if (got <= 0) {
            close(fd);
            return mn_error_set(MN_EIO, "%s: cannot reread", csv->tmp);
        }
        k->csv_hash = mn_fnv1a(k->csv_hash, buf, (size_t)got);
        k->csv_hashed += (uint64_t)got;
    }
    close(fd);
    return MN_OK;
}

/* Copies the first `bytes` bytes of src into out if they hash to `hash`. 1: done, 0: src
 * missing or different. */
static int copy_verified(const char *src, uint64_t bytes, uint64_t hash, FILE *out)
{
    FILE *in = fopen(src, "rb");
    if (!in)
        return 0;
    unsigned char buf[1 << 16];
    uint64_t h = MN_FNV_OFFSET, left = bytes;
    long start = ftell(out);
    while (left > 0) {
        size_t got = fread(buf, 1, left < sizeof buf ? (size_t)left : sizeof buf, in);
        if (got == 0)
            break;
        h = mn_fnv1a(h, buf, got);
        fwrite(buf, 1, got, out);
        left -= got;
    }
    fclose(in);
    if (left == 0 && h == hash)
        return 1;
    /* Not the file the checkpoint describes: forget what was copied. */
    fflush(out);
    if (ftruncate(fileno(out), start) != 0 || fseek(out, start, SEEK_SET) != 0)
        return 0;
    return 0;
}

mn_status mn_runckpt_open_csv(mn_runckpt *k, const char *path, mn_afile *csv)
{
    MN_TRY(mn_afile_open(path, csv));
    if (!k->resuming || k->csv_bytes == 0)
        return MN_OK;
    /* After SIGKILL the rows are in the old run's temporary file; after SIGINT they were
     * committed to punctures.csv. Either must match the checkpoint's length and hash. */
    char old_tmp[4200];
    MN_TRY(mn_io_join(old_tmp, sizeof old_tmp, k->dir, k->resume_csv_tmp));
    if (k->resume_csv_tmp[0] && copy_verified(old_tmp, k->csv_bytes, k->csv_hash, csv->f)) {
        unlink(old_tmp);
        return MN_OK;
    }
    if (copy_verified(path, k->csv_bytes, k->csv_hash, csv->f))
        return MN_OK;
    mn_afile_abort(csv);
    return mn_error_set(MN_EINPUT,
                        "%s: the punctures.csv rows of the checkpoint are gone or changed "
                        "(expected %llu bytes in %s or %s)",
                        k->dir, (unsigned long long)k->csv_bytes, old_tmp, path);
}

/* ---- the sessions' field files ----------------------------------------------------------- */

/* A checkpoint lists at most this many field files, each at most this large. */
#define FILES_MAX      4096
#define FILE_MAX_BYTES ((uint64_t)4 << 30)

/* The session a per-session field file belongs to ("thermal_s3.vti", "delivery_s3_1h.vti",
 * "delivery_s3.pvd": 3), or 0 for a course-level file (thermal.pvd). */
static int file_session(const char *base)
{
    for (const char *p = strstr(base, "_s"); p; p = strstr(p + 2, "_s")) {
        char *end;
        long s = strtol(p + 2, &end, 10);
        if (end != p + 2 && (*end == '_' || *end == '.') && s > 0 && s < 1000000)
            return (int)s;
    }
    return 0;
}

/* "fields/<name>" with a plain name of a per-session field file (no path, no hidden file). */
static int valid_file_name(const char *rel)
{
    if (strncmp(rel, "fields/", 7) != 0 || strlen(rel) > 200)
        return 0;
    const char *b = rel + 7;
    if (!*b || *b == '.')
        return 0;
    for (const char *c = b; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '.' || *c == '-'))
            return 0;
    size_t n = strlen(b);
    return file_session(b) > 0 && n > 4 &&
           (strcmp(b + n - 4, ".vti") == 0 || strcmp(b + n - 4, ".pvd") == 0);
}

/* Copies in to out, at most max + 1 bytes, with their count and FNV-1a hash. */
static int copy_hashed(FILE *in, FILE *out, uint64_t max, uint64_t *bytes, uint64_t *hash)
{
    unsigned char buf[1 << 16];
    *bytes = 0;
    *hash = MN_FNV_OFFSET;
    size_t got;
    while (*bytes <= max && (got = fread(buf, 1, sizeof buf, in)) > 0) {
        *hash = mn_fnv1a(*hash, buf, got);
        *bytes += got;
        if (fwrite(buf, 1, got, out) != got)
            return 0;
    }
    return !ferror(in);
}

static int listed(const mn_runckpt *k, const char *rel)
{
    size_t n = strlen(rel);
    for (size_t i = 0; i < k->n_files; i++)
        if (strncmp(k->files[i], rel, n) == 0 && k->files[i][n] == ' ')
            return 1;
    return 0;
}

static mn_status add_file(mn_runckpt *k, const char *rel, uint64_t bytes, uint64_t hash)
{
    char line[320];
    snprintf(line, sizeof line, "%s %llu %016llx", rel, (unsigned long long)bytes,
             (unsigned long long)hash);
    char **v = realloc(k->files, (k->n_files + 1) * sizeof *v);
    if (!v)
        return mn_error_set(MN_ENOMEM, "out of memory listing the checkpoint's files");
    k->files = v;
    if (!(v[k->n_files] = strdup(line)))
        return mn_error_set(MN_ENOMEM, "out of memory listing the checkpoint's files");
    k->n_files++;
    return MN_OK;
}

typedef struct name_list {
    char **v;
    size_t n;
    int oom;
} name_list;

static void collect_name(void *ctx, const char *name)
{
    name_list *l = ctx;
    char **v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v || !(v[l->n] = strdup(name))) {
        if (v)
            l->v = v;
        l->oom = 1;
        return;
    }
    l->v = v;
    l->n++;
}

/* Copies this run's field files of the sessions done that the checkpoint does not hold yet to
 * DIR/checkpoint/fields/ (a kill loses the run's pending temporaries; a checkpoint must not
 * depend on them). */
static mn_status save_files(mn_runckpt *k)
{
    char fields[4200], src[4400], dst[4400], rel[300];
    mn_status st = MN_OK;
    name_list l = {0};
    MN_TRY(mn_io_join(fields, sizeof fields, k->dir, "fields"));
    mn_io_list_results(fields, ".vti", collect_name, &l);
    mn_io_list_results(fields, ".pvd", collect_name, &l);
    if (l.oom)
        st = mn_error_set(MN_ENOMEM, "out of memory listing the field files");
    for (size_t i = 0; st == MN_OK && i < l.n; i++) {
        int s = file_session(l.v[i]);
        snprintf(rel, sizeof rel, "fields/%s", l.v[i]);
        if (s < 1 || s > k->done_sessions || !valid_file_name(rel) || listed(k, rel))
            continue;
        FILE *in = NULL;
        mn_afile af;
        uint64_t bytes, hash;
        if ((st = mn_io_join(src, sizeof src, k->dir, rel)) != MN_OK ||
            (st = mn_io_join(dst, sizeof dst, k->dir, CKPT_DIR "/fields")) != MN_OK ||
            (st = mn_io_mkdir(dst)) != MN_OK ||
            (st = mn_io_join(dst, sizeof dst, k->dir, CKPT_DIR "/")) != MN_OK)
            break;
        snprintf(dst + strlen(dst), sizeof dst - strlen(dst), "%s", rel);
        if (!(in = mn_io_fopen_result(src)))
            continue; /* not written by this run */
        if ((st = mn_afile_open(dst, &af)) != MN_OK) {
            fclose(in);
            break;
        }
        int ok = copy_hashed(in, af.f, FILE_MAX_BYTES, &bytes, &hash);
        fclose(in);
        if (!ok) {
            mn_afile_abort(&af);
            st = mn_error_set(MN_EIO, "%s: cannot copy into the checkpoint: %s", src,
                              strerror(errno));
            break;
        }
        if ((st = mn_afile_commit_now(&af)) == MN_OK)
            st = add_file(k, rel, bytes, hash);
    }
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i]);
    free(l.v);
    return st;
}

/* The list as the checkpoint's run/files text (one "name size hash" per line). */
static char *files_text(const mn_runckpt *k)
{
    size_t len = 1;
    for (size_t i = 0; i < k->n_files; i++)
        len += strlen(k->files[i]) + 1;
    char *t = malloc(len), *p = t;
    if (!t)
        return NULL;
    for (size_t i = 0; i < k->n_files; i++)
        p += sprintf(p, "%s\n", k->files[i]);
    *p = '\0';
    return t;
}

/* Reads run/files: every line checked (name, size, hash; sessions already done). */
static mn_status load_files(mn_runckpt *k, const char *path, const char *text)
{
    clear_files(k);
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        char line[320], rel[256];
        unsigned long long bytes, hash;
        int used = 0;
        if (n >= sizeof line || k->n_files >= FILES_MAX)
            return mn_error_set(MN_EINPUT,
                                "%s: the checkpoint's list of field files is too long "
                                "(expected at most %d lines of 320 characters)",
                                path, FILES_MAX);
        memcpy(line, text, n);
        line[n] = '\0';
        if (sscanf(line, "%255s %llu %llx%n", rel, &bytes, &hash, &used) != 3 ||
            (size_t)used != n || !valid_file_name(rel) || bytes > FILE_MAX_BYTES ||
            file_session(rel + 7) >= k->first_session || listed(k, rel))
            return mn_error_set(MN_EINPUT,
                                "%s: bad field file entry '%.80s' (expected 'fields/NAME "
                                "BYTES HASH' of a session done, each file once)",
                                path, line);
        MN_TRY(add_file(k, rel, bytes, hash));
        text += n + (nl ? 1 : 0);
    }
    return MN_OK;
}

mn_status mn_runckpt_restore_files(mn_runckpt *k)
{
    if (!k->resuming || !k->dir)
        return MN_OK;
    for (size_t i = 0; i < k->n_files; i++) {
        char rel[256], src[4400], dst[4400];
        unsigned long long bytes, hash;
        uint64_t got, h;
        mn_afile af;
        sscanf(k->files[i], "%255s %llu %llx", rel, &bytes, &hash);
        MN_TRY(mn_io_join(src, sizeof src, k->dir, CKPT_DIR "/"));
        snprintf(src + strlen(src), sizeof src - strlen(src), "%s", rel);
        MN_TRY(mn_io_join(dst, sizeof dst, k->dir, "fields"));
        MN_TRY(mn_io_mkdir(dst));
        MN_TRY(mn_io_join(dst, sizeof dst, k->dir, rel));
        FILE *in = fopen(src, "rb");
        if (!in)
            return mn_error_set(MN_EINPUT,
                                "%s: the checkpoint's copy of %s is gone: %s (expected the "
                                "files the interrupted run left in %s/%s)",
                                k->dir, rel, strerror(errno), k->dir, CKPT_DIR);
        mn_status st = mn_afile_open(dst, &af);
        if (st != MN_OK) {
            fclose(in);
            return st;
        }
        int ok = copy_hashed(in, af.f, bytes, &got, &h);
        fclose(in);
        if (!ok || got != bytes || h != hash) {
            mn_afile_abort(&af);
            return mn_error_set(MN_EINPUT,
                                "%s: the checkpoint's copy of %s is changed (expected %llu "
                                "bytes with the hash the checkpoint holds)",
                                k->dir, rel, bytes);
        }
        MN_TRY(mn_afile_commit(&af));
    }
    return MN_OK;
}

/* A finished run: the checkpoint's copies of field files and their temporaries go. */
static void remove_saved_files(const char *ckdir)
{
    char dir[4400], path[4700];
    if (mn_io_join(dir, sizeof dir, ckdir, "fields") != MN_OK)
        return;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char rel[300];
        snprintf(rel, sizeof rel, "fields/%s", e->d_name);
        if ((valid_file_name(rel) || strstr(e->d_name, ".mnsim-tmp.")) &&
            mn_io_join(path, sizeof path, dir, e->d_name) == MN_OK)
            unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* ---- writing and reading checkpoints ------------------------------------------------------ */

static mn_status write_checkpoint(mn_runckpt *k, const cJSON *summary, mn_afile *csv)
{
    mn_status st = MN_OK;
    mn_checkpoint *c = NULL;
    char *json = NULL;
    unsigned char *bytes = NULL;
    size_t len = 0;
    char path[4200];
    if (csv)
        MN_TRY(hash_csv(k, csv));
    MN_TRY(save_files(k));
    MN_TRY(mn_checkpoint_create(&c));
    MN_TRY_GOTO(mn_checkpoint_put_text(c, "mnsim/version", MNSIM_VERSION), done);
    if (!k->scenario_text) {
        st = mn_error_set(MN_EINTERNAL, "checkpoint: the run has no scenario text");
        goto done;
    }
    MN_TRY_GOTO(mn_checkpoint_put_text(c, "run/scenario_label", k->scenario_label), done);
    MN_TRY_GOTO(mn_checkpoint_put_text(c, "run/scenario_yaml", k->scenario_text), done);
    MN_TRY_GOTO(mn_checkpoint_put_u64(c, "run/seed", k->model->seed), done);
    MN_TRY_GOTO(mn_checkpoint_put_u64(c, "run/threads", (uint64_t)k->threads), done);
    MN_TRY_GOTO(mn_checkpoint_put_u64(c, "run/next_session", (uint64_t)k->done_sessions + 1), done);
    MN_TRY_GOTO(mn_checkpoint_put_u64(c, "run/checkpoint_enabled", (uint64_t)k->enabled), done);
    MN_TRY_GOTO(mn_checkpoint_put(c, "run/checkpoint_every_min", &k->every_min, sizeof(double)),
                done);
    json = cJSON_PrintUnformatted(summary);
    if (!json) {
        st = mn_error_set(MN_ENOMEM, "out of memory writing a checkpoint");
        goto done;
    }
    MN_TRY_GOTO(mn_checkpoint_put_text(c, "run/summary_json", json), done);
    MN_TRY_GOTO(mn_checkpoint_put_u64(c, "run/csv_bytes", csv ? k->csv_bytes : 0), done);
    MN_TRY_GOTO(mn_checkpoint_put_u64(c, "run/csv_hash", csv ? k->csv_hash : MN_FNV_OFFSET), done);
    const char *base = csv ? strrchr(csv->tmp, '/') : NULL;
    MN_TRY_GOTO(mn_checkpoint_put_text(c, "run/csv_tmp", base ? base + 1 : ""), done);
    char *list = files_text(k);
    if (!list) {
        st = mn_error_set(MN_ENOMEM, "out of memory writing a checkpoint");
        goto done;
    }
    st = mn_checkpoint_put_text(c, "run/files", list);
    free(list);
    if (st != MN_OK)
        goto done;
    if (k->stages)
        MN_TRY_GOTO(mn_checkpoint_merge(c, k->stages), done);
    MN_TRY_GOTO(mn_checkpoint_serialize(c, &bytes, &len), done);

    MN_TRY_GOTO(mn_io_join(path, sizeof path, k->dir, CKPT_DIR), done);
    MN_TRY_GOTO(mn_io_mkdir(path), done);
    MN_TRY_GOTO(mn_io_join(path, sizeof path, k->dir, CKPT_FILE), done);
    mn_afile af;
    MN_TRY_GOTO(mn_afile_open(path, &af), done);
    fwrite(bytes, 1, len, af.f);
    /* At once, not with the run's outputs: it must survive a kill before they are published. */
    MN_TRY_GOTO(mn_afile_commit_now(&af), done);
    k->last_s = now_s();
done:
    free(bytes);
    cJSON_free(json);
    mn_checkpoint_free(c);
    return st;
}

static mn_status read_file(const char *path, unsigned char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mn_error_set(MN_EINPUT,
                            "%s: no checkpoint here: %s (expected a folder written by "
                            "'mnsim run --checkpoint-every' or an interrupted run)",
                            path, strerror(errno));
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n < 0 || n > CKPT_MAX_BYTES || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return mn_error_set(MN_EINPUT, "%s: unreadable or larger than %ld bytes", path,
                            CKPT_MAX_BYTES);
    }
    *buf = malloc((size_t)n + 1);
    if (!*buf) {
        fclose(f);
        return mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
    }
    *len = fread(*buf, 1, (size_t)n, f);
    fclose(f);
    return MN_OK;
}

mn_status mn_runckpt_load(mn_runckpt *k, const char *dir, mn_model *model, int *threads)
{
    mn_status st = MN_OK;
    char path[4200];
    unsigned char *buf = NULL;
    size_t len = 0;
    mn_checkpoint *c = NULL;
    const void *d;
    size_t dlen;
    const char *text;
    uint64_t u;
    MN_TRY(mn_io_join(path, sizeof path, dir, CKPT_FILE));
    MN_TRY(read_file(path, &buf, &len));
    st = mn_checkpoint_parse(path, buf, len, &c);
    free(buf);
    MN_TRY(st);
    MN_TRY_GOTO(mn_checkpoint_get_text(c, "mnsim/version", &text), done);
    if (strcmp(text, MNSIM_VERSION) != 0) {
        st = mn_error_set(MN_EINPUT, "%s: written by mnsim %.40s (expected %s)", path, text,
                          MNSIM_VERSION);
        goto done;
    }
    /* The model: parsed again from its scenario text with the scenario's own checks. */
    const char *label;
    MN_TRY_GOTO(mn_checkpoint_get_text(c, "run/scenario_label", &label), done);
    MN_TRY_GOTO(mn_checkpoint_get_text(c, "run/scenario_yaml", &text), done);
    st = mn_scenario_load_text(label, text, strlen(text), model);
    if (st != MN_OK) {
        mn_error_prefix(st, "%s: the checkpoint's scenario is invalid: ", path);
        goto done;
    }
    MN_TRY_GOTO(mn_runckpt_set_scenario(k, label, text, strlen(text)), done);
    MN_TRY_GOTO(mn_checkpoint_get_u64(c, "run/seed", &u), done);
    model->seed = u;
    MN_TRY_GOTO(mn_checkpoint_get_u64(c, "run/threads", &u), done);
    if (u < 1 || u > 1024) {
        st = mn_error_set(MN_EINPUT, "%s: threads %llu (expected 1 to 1024)", path,
                          (unsigned long long)u);
        goto done;
    }
    *threads = (int)u;
    MN_TRY_GOTO(mn_checkpoint_get_u64(c, "run/next_session", &u), done);
    int total = mn_model_total_sessions(model);
    /* total + 1: every session done, the course-level stages (healing ...) next. */
    if (u < 1 || u > (uint64_t)total + 1) {
        st = mn_error_set(MN_EINPUT, "%s: next session %llu of %d (expected 1 to %d)", path,
                          (unsigned long long)u, total, total + 1);
        goto done;
    }
    k->first_session = (int)u;
    MN_TRY_GOTO(mn_checkpoint_get_u64(c, "run/checkpoint_enabled", &u), done);
    k->enabled = u != 0;
    MN_TRY_GOTO(mn_checkpoint_get(c, "run/checkpoint_every_min", &d, &dlen), done);
    double every = -1.0;
    if (dlen == sizeof(double))
        memcpy(&every, d, sizeof(double));
    if (!(every >= 0.0 && every <= 525600.0)) {
        st = mn_error_set(MN_EINPUT, "%s: checkpoint interval %g min (expected 0 to 525600)", path,
                          every);
        goto done;
    }
    k->every_min = every;
    MN_TRY_GOTO(mn_checkpoint_get_u64(c, "run/csv_bytes", &k->csv_bytes), done);
    MN_TRY_GOTO(mn_checkpoint_get_u64(c, "run/csv_hash", &k->csv_hash), done);
    MN_TRY_GOTO(mn_checkpoint_get_text(c, "run/csv_tmp", &text), done);
    if (strchr(text, '/') || strlen(text) >= sizeof k->resume_csv_tmp) {
        st = mn_error_set(MN_EINPUT, "%s: bad temporary file name", path);
        goto done;
    }
    snprintf(k->resume_csv_tmp, sizeof k->resume_csv_tmp, "%s", text);
    MN_TRY_GOTO(mn_checkpoint_get_text(c, "run/files", &text), done);
    MN_TRY_GOTO(load_files(k, path, text), done);
    MN_TRY_GOTO(mn_checkpoint_get_text(c, "run/summary_json", &text), done);
    free(k->resume_summary);
    if (!(k->resume_summary = strdup(text))) {
        st = mn_error_set(MN_ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    /* Everything that is not the run's own belongs to the stages. */
    mn_checkpoint_free(k->stages);
    k->stages = NULL;
    MN_TRY_GOTO(mn_checkpoint_create(&k->stages), done);
    for (size_t i = 0; i < mn_checkpoint_count(c); i++) {
        const char *key = mn_checkpoint_key(c, i);
        if (strncmp(key, "run/", 4) == 0 || strncmp(key, "mnsim/", 6) == 0)
            continue;
        MN_TRY_GOTO(mn_checkpoint_get(c, key, &d, &dlen), done);
        MN_TRY_GOTO(mn_checkpoint_put(k->stages, key, d, dlen), done);
    }
    k->csv_hashed = k->csv_bytes;
    k->resuming = 1;
done:
    mn_checkpoint_free(c);
    return st;
}

/* ---- the run's hooks ---------------------------------------------------------------------- */

mn_status mn_runckpt_begin(mn_runckpt *k, const mn_model *m, int threads, const char *dir,
                           cJSON **summary)
{
    k->model = m;
    k->threads = threads;
    k->dir = dir;
    k->interrupted = 0;
    k->stop_signal = 0;
    k->last_s = now_s();
    if (!k->stages)
        MN_TRY(mn_checkpoint_create(&k->stages));
    if (!k->resuming) {
        clear_files(k);
        k->first_session = 1;
        k->csv_bytes = k->csv_hashed = 0;
        k->csv_hash = MN_FNV_OFFSET;
        k->done_sessions = 0;
        return mn_summary_create(m, threads, summary);
    }
    k->done_sessions = k->first_session - 1;
    *summary = cJSON_Parse(k->resume_summary);
    if (!*summary)
        return mn_error_set(MN_EINPUT, "%s: the checkpoint's summary is not valid JSON", dir);
    /* The stages append to it: an object holding exactly the sessions done (a crafted one that
     * is not would fail later as if memory had run out). */
    const cJSON *sessions = cJSON_GetObjectItemCaseSensitive(*summary, "sessions");
    int n = cJSON_IsArray(sessions) ? cJSON_GetArraySize(sessions) : -1;
    int scenario = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(*summary, "scenario"));
    if (!cJSON_IsObject(*summary) || n != k->done_sessions || !scenario) {
        cJSON_Delete(*summary);
        *summary = NULL;
        return mn_error_set(MN_EINPUT,
                            "%s: the checkpoint's summary holds %d sessions and %s scenario "
                            "(expected an object with the %d sessions done and the scenario)",
                            dir, n, scenario ? "a" : "no", k->done_sessions);
    }
    return MN_OK;
}

mn_status mn_runckpt_after_session(mn_runckpt *k, int s, const cJSON *summary, mn_afile *csv)
{
    k->done_sessions = s;
    if (csv) {
        if (fflush(csv->f) != 0)
            return mn_error_set(MN_EIO, "%s: write failed: %s", csv->path, strerror(errno));
        k->csv_bytes = (uint64_t)ftello(csv->f);
    }
    /* After the last session too: healing and virtual patients can take long, and a run
     * stopped or killed there resumes with them instead of from nothing. */
    if (mn_signals_stop_requested())
        return mn_error_set(MN_EINTERRUPTED, "stop requested");
    if (k->dir && k->enabled && k->unsupported)
        return mn_error_set(MN_EINPUT, "--checkpoint-every: %s (expected a run without it)",
                            k->unsupported);
    if (k->dir && k->enabled && (k->every_min == 0.0 || now_s() - k->last_s >= 60.0 * k->every_min))
        return write_checkpoint(k, summary, csv);
    return MN_OK;
}

mn_status mn_runckpt_tick(mn_runckpt *k, const cJSON *summary, mn_afile *csv)
{
    if (k->dir && k->enabled && !k->unsupported &&
        (k->every_min == 0.0 || now_s() - k->last_s >= 60.0 * k->every_min))
        return write_checkpoint(k, summary, csv);
    return MN_OK;
}

mn_status mn_runckpt_finish(mn_runckpt *k, mn_status st, cJSON *summary, mn_afile *csv)
{
    if (st == MN_EINTERRUPTED) {
        int total = mn_model_total_sessions(k->model);
        k->interrupted = 1;
        k->stop_signal = mn_signals_stop_requested();
        /* A stage may have stopped mid-session: keep only whole sessions. */
        cJSON *sessions = cJSON_GetObjectItemCaseSensitive(summary, "sessions");
        while (cJSON_GetArraySize(sessions) > k->done_sessions)
            cJSON_DeleteItemFromArray(sessions, cJSON_GetArraySize(sessions) - 1);
        if (csv) {
            if (fflush(csv->f) != 0 || ftruncate(fileno(csv->f), (off_t)k->csv_bytes) != 0 ||
                fseeko(csv->f, (off_t)k->csv_bytes, SEEK_SET) != 0)
                return mn_error_set(MN_EIO, "%s: cannot cut back to whole sessions: %s", csv->path,
                                    strerror(errno));
        }
        if (k->dir && !k->unsupported)
            MN_TRY(write_checkpoint(k, summary, csv));
        char sig[32] = "";
        if (k->stop_signal > 0)
            snprintf(sig, sizeof sig, " (signal %d)", k->stop_signal);
        if (k->dir && k->unsupported)
            snprintf(k->interrupt_message, sizeof k->interrupt_message,
                     "interrupted%s after %d of %d sessions: partial results in %s/ marked "
                     "\"complete\": false (not resumable: %s)",
                     sig, k->done_sessions, total, k->dir, k->unsupported);
        else if (k->dir)
            snprintf(k->interrupt_message, sizeof k->interrupt_message,
                     "interrupted%s after %d of %d sessions: partial results in %s/ marked "
                     "\"complete\": false; continue with: mnsim resume %s",
                     sig, k->done_sessions, total, k->dir, k->dir);
        else
            snprintf(k->interrupt_message, sizeof k->interrupt_message,
                     "interrupted%s after %d of %d sessions", sig, k->done_sessions, total);
    } else if (st != MN_OK) {
        return st;
    }
    return MN_OK;
}

mn_status mn_runckpt_mark_complete(mn_runckpt *k, cJSON *summary)
{
    if (!cJSON_AddBoolToObject(summary, "complete", !k->interrupted))
        return mn_error_set(MN_ENOMEM, "out of memory building summary.json");
    return MN_OK;
}

mn_status mn_runckpt_end(mn_runckpt *k)
{
    if (k->dir && !k->interrupted) {
        /* A finished run has nothing to resume. */
        char path[4200], dir[4200];
        MN_TRY(mn_io_join(path, sizeof path, k->dir, CKPT_FILE));
        unlink(path);
        MN_TRY(mn_io_join(dir, sizeof dir, k->dir, CKPT_DIR));
        /* A run killed while writing a checkpoint leaves its temporary file behind. */
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d && (e = readdir(d)))
            if (strncmp(e->d_name, "state.mnck.mnsim-tmp.", 21) == 0 &&
                mn_io_join(path, sizeof path, dir, e->d_name) == MN_OK)
                unlink(path);
        if (d)
            closedir(d);
        remove_saved_files(dir);
        rmdir(dir);
    }
    k->resuming = 0;
    free(k->resume_summary);
    k->resume_summary = NULL;
    if (k->interrupted)
        return mn_error_set(MN_EINTERRUPTED, "%s", k->interrupt_message);
    return MN_OK;
}
