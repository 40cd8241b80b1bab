#include "io/atomic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "io/outdir.h"

mn_status mn_io_join(char *buf, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(buf, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap)
        return mn_error_set(MN_EINPUT, "%s/%s: path too long", dir, name);
    return MN_OK;
}

mn_status mn_afile_open(const char *path, mn_afile *af)
{
    memset(af, 0, sizeof *af);
    if (snprintf(af->path, sizeof af->path, "%s", path) >= (int)sizeof af->path)
        return mn_error_set(MN_EIO, "%s: path too long", path);
    MN_TRY(mn_io_tmp_path(path, af->tmp, sizeof af->tmp));
    af->f = fopen(af->tmp, "wb");
    if (!af->f)
        return mn_error_set(MN_EIO, "%s: cannot create file: %s", af->tmp, strerror(errno));
    return MN_OK;
}

void mn_afile_abort(mn_afile *af)
{
    if (af->f)
        fclose(af->f);
    af->f = NULL;
    if (af->tmp[0])
        unlink(af->tmp);
}

/* Flushes, syncs and closes; 0 when every write succeeded (errno otherwise). */
static int finish(mn_afile *af)
{
    int bad = ferror(af->f) || fflush(af->f) != 0 || fsync(fileno(af->f)) != 0;
    int err = bad ? (errno ? errno : EIO) : 0;
    if (fclose(af->f) != 0 && !bad)
        err = errno ? errno : EIO;
    af->f = NULL;
    return err;
}

mn_status mn_afile_commit(mn_afile *af)
{
    int err = finish(af);
    if (err) {
        unlink(af->tmp);
        return mn_error_set(MN_EIO, "%s: write failed: %s", af->path, strerror(err));
    }
    return mn_io_commit_tmp(af->tmp, af->path);
}

mn_status mn_afile_commit_now(mn_afile *af)
{
    int err = finish(af);
    if (err) {
        unlink(af->tmp);
        return mn_error_set(MN_EIO, "%s: write failed: %s", af->path, strerror(err));
    }
    if (rename(af->tmp, af->path) != 0) {
        err = errno;
        unlink(af->tmp);
        return mn_error_set(MN_EIO, "%s: cannot move into place: %s", af->path, strerror(err));
    }
    return MN_OK;
}

mn_status mn_io_write_text(const char *path, const char *text)
{
    mn_afile af;
    MN_TRY(mn_afile_open(path, &af));
    fputs(text, af.f);
    return mn_afile_commit(&af);
}

mn_status mn_io_mkdir(const char *dir)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
        return mn_error_set(MN_EINPUT, "%s: output path too long", dir);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return mn_error_set(MN_EIO, "%s: cannot create folder: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return mn_error_set(MN_EIO, "%s: cannot create folder: %s", buf, strerror(errno));
    return MN_OK;
}
