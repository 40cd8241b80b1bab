/* Output files are written atomically: to a temporary file beside the target, flushed and
 * synced, then renamed over it. A reader never sees a half-written file, and a failure (full
 * disk) leaves no partial file behind. Inside an output folder a run owns, the rename waits
 * until every file of the run succeeded (io/outdir.h). */
#ifndef MN_IO_ATOMIC_H
#define MN_IO_ATOMIC_H

#include <stdio.h>

#include "io/outdir.h" /* mn_io_prepare_output_dir, mn_io_commit_tmp */
#include "mnsim/status.h"

typedef struct mn_afile {
    FILE *f;
    char path[4096];
    char tmp[4160];
} mn_afile;

mn_status mn_afile_open(const char *path, mn_afile *af);
/* Checks every write succeeded, then renames into place: at once, or when the output folder the
 * file is in is published (io/outdir.h). Always closes. */
mn_status mn_afile_commit(mn_afile *af);
/* The same, always renaming at once (checkpoints, the folder's own bookkeeping). */
mn_status mn_afile_commit_now(mn_afile *af);
/* Closes and removes the temporary file (after an error). */
void mn_afile_abort(mn_afile *af);

/* Writes a whole string atomically. */
mn_status mn_io_write_text(const char *path, const char *text);

/* Creates dir and its missing parents (mkdir -p); an existing folder is fine. */
mn_status mn_io_mkdir(const char *dir);

/* dir/name into buf; fails if it does not fit. */
mn_status mn_io_join(char *buf, size_t cap, const char *dir, const char *name);

#endif
