/* core/afile.h — output files written atomically (reports, tables,
 * compare files).
 *
 * The conventions of sim/output.c: the file is written under a temporary
 * name in the target folder (".<name>.tmp-<pid>-<n>", claimed with
 * O_CREAT|O_EXCL so that what is removed on failure is always ours), then
 * flushed, fsynced and renamed over the requested name, and the folder is
 * fsynced.  A failure or afile_abort() removes the temporary file: the
 * requested name never holds a partial file, and an existing file is
 * refused unless `force` (checked when opening and again before renaming).
 *
 * Stale temporary files: a process killed with SIGKILL cannot remove its
 * temporary file.  afile_open() removes, in the target folder, every
 * ".<name>.tmp-<pid>-<n>" of the same <name> whose <pid> is not a live
 * process (kill(pid, 0) fails with ESRCH); a live process's file is never
 * touched.  afile_stale() is the test, for folders with their own
 * naming (a sweep's parts).
 *
 * Every writer of a result file uses this module: run files (sim/output.c),
 * checkpoints, compare and sweep files, parts, reports, tables and
 * calibrated fragments.
 *
 * Text: write to afile_stream().  HDF5 or anything else: create the
 * file at afile_temp() (H5Fcreate with H5F_ACC_TRUNC: the empty file is
 * ours), close it, then commit.  Path problems are SIM_EINPUT naming `key`
 * (the option, e.g. "--report").  One object belongs to one thread.
 */
#ifndef TROIKA_ANALYSIS_AFILE_H
#define TROIKA_ANALYSIS_AFILE_H

#include <stdio.h>

#include "err.h"

typedef struct afile_file afile_file;

/* Check the path and claim a temporary file beside it. */
sim_status afile_open(afile_file **f, const char *path, int force, const char *key, sim_error *err);

/* The same without looking for stale temporary files: for folders whose
 * owner cleans them once (a sweep's parts folder, under its lock), where a
 * scan per file would cost a scan per run. */
sim_status afile_open_kept(afile_file **f, const char *path, int force, const char *key,
                           sim_error *err);

/* The temporary file's name. */
const char *afile_temp(const afile_file *f);

/* The requested name. */
const char *afile_path(const afile_file *f);

/* A stream on the temporary file (the same one on every call); NULL with
 * err set (SIM_EIO) if it cannot be opened. */
FILE *afile_stream(afile_file *f, sim_error *err);

/* Flush, fsync, rename over the requested name, fsync the folder.  Write
 * errors of the stream surface here (SIM_EIO).  Frees f, also on failure
 * (when the temporary file is removed). */
sim_status afile_commit(afile_file *f, sim_error *err);

/* Remove the temporary file and free f.  NULL is fine. */
void afile_abort(afile_file *f);

/* Unlink every temporary file this process has open (the live table in
 * afile.c).  Async-signal-safe: for a handler that ends the process at once;
 * nothing else may be called after it but _exit(). */
void afile_remove_live(void);

/* 1 when `name` (a file name, no folder) is ".<base>.tmp-<pid>-<n>" with
 * <base> equal to `base` (any <base> when `base` is NULL) and no process
 * <pid> is alive; else 0. */
int afile_stale(const char *name, const char *base);

/* Remove the stale temporary files of `path` (see above); failures to
 * remove are ignored (the next writer tries again). */
void afile_clean(const char *path);

/* Write `len` bytes of text to path atomically (open, write, commit). */
sim_status afile_write_all(const char *path, int force, const char *key, const char *text,
                           size_t len, sim_error *err);

#endif
