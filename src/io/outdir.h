/* A run owns its output folder (issue 18, items 1 and 2).
 *
 * Ownership. mn_outdir_open takes an advisory lock (DIR/.mnsim-lock, flock, holding the PID) so
 * a second run into the same folder fails at once; it refuses a non-empty folder that is not an
 * mnsim output unless force is set. mnsim's own files are listed in DIR/.mnsim-manifest; only
 * files listed there are ever removed or overwritten (with or without force: a file of the same
 * name that is not in the manifest stops the run before anything is replaced).
 *
 * All or nothing. While a folder is open, every file a writer commits into it (mn_afile_commit,
 * mn_io_commit_tmp) stays under its temporary name, synced and checked; mn_outdir_publish then
 * renames them all into place, removes the files of the previous run this run did not write,
 * rewrites the manifest and renames summary.json last (whose last key is "complete"). A run that
 * fails before publishing leaves the folder as its previous run left it; mn_outdir_close removes
 * the temporaries. Temporaries of killed runs (names holding ".mnsim-tmp.") are collected by the
 * next run that takes the lock.
 *
 * This run's results only. Readers (the report) open the files of a run through
 * mn_io_fopen_result, which gives this run's pending temporary, or "no such file" for a file
 * this run did not write, never a previous run's file.
 *
 * Open folders are found by path prefix in a small registry guarded by a mutex, so writers on
 * any thread (OpenMP workers included) need no handle, and runs in different threads with
 * different folders never see each other's files. */
#ifndef MN_IO_OUTDIR_H
#define MN_IO_OUTDIR_H

#include <stddef.h>
#include <stdio.h>

#include "mnsim/status.h"

typedef struct mn_outdir mn_outdir;

/* Locks dir (creating it when missing), checks ownership, collects stale temporaries except
 * keep_tmp (a base name in dir: the temporary CSV a checkpoint still needs; NULL for none), and
 * opens a transaction for it. resume: the files of the interrupted run this one continues count
 * as this run's (read by the report, kept, listed in the new manifest). */
mn_status mn_outdir_open(const char *dir, int force, int resume, const char *keep_tmp,
                         mn_outdir **out);
/* Moves this run's files into place (see above). After it, writes go straight to their names. */
mn_status mn_outdir_publish(mn_outdir *o);
/* Removes what was not published, ends the transaction, releases the lock. NULL is fine. */
void mn_outdir_close(mn_outdir *o);
/* Claims dir for mnsim without a transaction (checks as mn_outdir_open, writes the marker, then
 * releases the lock): for writers that do not yet publish through mn_outdir. */
mn_status mn_io_prepare_output_dir(const char *dir, int force);

/* A temporary name beside path, unique in this process: "path.mnsim-tmp.PID.N". */
mn_status mn_io_tmp_path(const char *path, char *buf, size_t cap);
/* The file tmp (closed, complete) becomes path: synced, then renamed at
 * once, or, inside an open folder, kept pending until mn_outdir_publish. On failure tmp is
 * removed. */
mn_status mn_io_commit_tmp(const char *tmp, const char *path);
/* Opens a result of the current run for reading ("rb"): inside an open folder the pending file,
 * or NULL with errno ENOENT when this run wrote none; elsewhere the file itself. */
FILE *mn_io_fopen_result(const char *path);
/* Names (sorted) of this run's files directly inside folder dir ending in suffix; inside no open
 * folder, the folder's listing. Calls fn for each. */
void mn_io_list_results(const char *dir, const char *suffix, void (*fn)(void *, const char *),
                        void *ctx);

#endif
