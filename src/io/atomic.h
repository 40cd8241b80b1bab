/* Output files are written atomically: to a temporary file beside the target, flushed and
 * synced, then renamed over it. A reader never sees a half-written file, and a failure (full
 * disk) leaves no partial file behind. */
#ifndef MN_IO_ATOMIC_H
#define MN_IO_ATOMIC_H

#include <stdio.h>

#include "mnsim/status.h"

typedef struct mn_afile {
    FILE *f;
    char path[4096];
    char tmp[4160];
} mn_afile;

mn_status mn_afile_open(const char *path, mn_afile *af);
/* Checks every write succeeded, then renames into place. Always closes. */
mn_status mn_afile_commit(mn_afile *af);
/* Closes and removes the temporary file (after an error). */
void mn_afile_abort(mn_afile *af);

/* Writes a whole string atomically. */
mn_status mn_io_write_text(const char *path, const char *text);

/* Creates dir (and parents) if missing. Refuses an existing, non-empty folder that holds no
 * mnsim output marker unless force is set, so mnsim never scribbles over someone's files; then
 * writes the marker. */
mn_status mn_io_prepare_output_dir(const char *dir, int force);

/* Creates dir and its missing parents (mkdir -p); an existing folder is fine. */
mn_status mn_io_mkdir(const char *dir);

/* dir/name into buf; fails if it does not fit. */
mn_status mn_io_join(char *buf, size_t cap, const char *dir, const char *name);

#endif
