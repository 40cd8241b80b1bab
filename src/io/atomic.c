#include "io/atomic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"

#define OUTPUT_MARKER ".mnsim-output"

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
    snprintf(af->tmp, sizeof af->tmp, "%s.tmp.%ld", path, (long)getpid());
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

mn_status mn_afile_commit(mn_afile *af)
{
    int bad = ferror(af->f) || fflush(af->f) != 0 || fsync(fileno(af->f)) != 0;
    int err = errno;
    if (fclose(af->f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    af->f = NULL;
    if (bad) {
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

mn_status mn_io_prepare_output_dir(const char *dir, int force)
{
    struct stat sb;
    char marker[4200];
    MN_TRY(mn_io_join(marker, sizeof marker, dir, OUTPUT_MARKER));
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return mn_error_set(MN_EINPUT,
                                "%s: exists and is not a folder (expected an output "
                                "folder)",
                                dir);
        if (!force && access(marker, F_OK) != 0) {
            DIR *d = opendir(dir);
            if (!d)
                return mn_error_set(MN_EIO, "%s: cannot open folder: %s", dir, strerror(errno));
            int empty = 1;
            struct dirent *e;
            while ((e = readdir(d)))
                if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                    empty = 0;
            closedir(d);
            if (!empty)
                return mn_error_set(MN_EINPUT,
                                    "%s: folder exists, is not empty and is not an mnsim output "
                                    "(expected a new or mnsim output folder; use --force to "
                                    "write there anyway)",
                                    dir);
        }
    } else {
        MN_TRY(mn_io_mkdir(dir));
    }
    return mn_io_write_text(marker, "mnsim output folder\n");
}
