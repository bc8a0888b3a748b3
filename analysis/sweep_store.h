/* analysis/sweep_store.h — where a sweep's results live: one small durable
 * file per finished run, and the sweep output file assembled from them.
 *
 * The parts folder (OUT.h5.parts/ next to the output) holds
 *   SWEEP              the sweep's identity text (see design.h)
 *   LOCK               an fcntl lock held while a sweep uses the folder
 *   run-00000042.h5    one finished run: its metric series and what it was
 * Each part is written under a temporary name, fsynced, renamed, and the
 * folder fsynced: a part either exists whole or not at all, whenever the
 * process is killed (HDF5 1.10 never fsyncs and appending to one HDF5 file
 * is not crash-safe, so no run is ever appended to a shared file).  A part
 * carries the identity hash, so a folder is only ever resumed by the same
 * sweep; a different sweep is refused, naming the first changed line.
 *
 * The output file (schema in docs/SWEEPS.md) is also written whole under a
 * temporary name and renamed: it exists complete or not at all.  Its /runs,
 * /design and /sweep groups depend only on the plan and the results, so a
 * serial sweep, an MPI sweep and merged shards give identical datasets; the
 * root attributes (command line, execution) are provenance only.  Runs not
 * done (a shard holds only its own) have done = 0 and NaN series.
 *
 * Thread safety: sws_parts_put may be called from several threads at once
 * (HDF5 calls are serialised in a named critical section); everything else
 * belongs to one thread.  Objects come in open/close pairs; close(NULL) is a
 * no-op.
 */
#ifndef TROIKA_ANALYSIS_SWEEP_STORE_H
#define TROIKA_ANALYSIS_SWEEP_STORE_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "design.h"
#include "err.h"

/* ---- the parts folder ------------------------------------------------------ */

typedef struct sws_parts sws_parts;

/* Open or create folder `dir` for plan p: take its lock (SIM_EINPUT if
 * another process holds it), check or record the identity (SIM_EINPUT if the
 * folder holds another sweep, unless `restart`, which first removes every
 * part), remove stale temporary files, and list the finished runs (parts
 * that cannot be read are reported on `log` and removed: they are redone). */
sim_status sws_parts_open(sws_parts **out, const char *dir, const swp_plan *p, int restart,
                          FILE *log, sim_error *err);

/* done[run] is 1 for each run with a part. */
const uint8_t *sws_parts_done(const sws_parts *pp);
int64_t sws_parts_ndone(const sws_parts *pp);
const char *sws_parts_dir(const sws_parts *pp);

/* Make run `run`'s results durable: values is nmetrics x days, metric-major
 * (metric m, day d at values[m * days + d]). */
sim_status sws_parts_put(sws_parts *pp, int64_t run, const double *values, sim_error *err);

/* Read run `run`'s part into values (nmetrics x days). */
sim_status sws_parts_get(const sws_parts *pp, int64_t run, double *values, sim_error *err);

/* Remove every part, the identity and the folder (after the output is
 * safely written), and close. */
sim_status sws_parts_remove(sws_parts *pp, sim_error *err);

/* Release the lock and free (the folder stays). */
void sws_parts_close(sws_parts *pp);

/* ---- the output file ------------------------------------------------------- */

typedef struct {
    const char *command_line;    /* the command that produced the file */
    const char *execution;       /* e.g. "threads 2", "mpi 3 ranks", "shard 2/4" */
    volatile sig_atomic_t *stop; /* raised by SIGINT/SIGTERM (NULL: none): the
                                    write ends with SIM_EINTERRUPT, nothing left */
} sws_prov;

/* Fill the series of runs [r0, r0 + n) that have done[r]: block holds
 * nmetrics x n x days values (metric m, run r0 + i, day d at
 * block[(m * n + i) * days + d]); rows not done are left as they are. */
typedef sim_status (*sws_source)(void *user, int64_t r0, int64_t n, const uint8_t *done,
                                 double *block, sim_error *err);

/* Write the output file `path` (refused if it exists, unless force); units
 * and descriptions come from the model's tables tb (design.h). */
sim_status sws_write(const char *path, int force, const swp_plan *p, const swp_tables *tb,
                     const uint8_t *done, sws_source src, void *user, const sws_prov *pv,
                     sim_error *err);

/* A sweep output file opened for reading. */
typedef struct sws_file sws_file;

/* Open and read its plan and done flags, its parameters and metrics looked
 * up in the model's tables tb (design.h).  Not a sweep file: SIM_EINPUT. */
sim_status sws_open(sws_file **out, const char *path, const swp_tables *tb, sim_error *err);
void sws_close(sws_file *f);
const swp_plan *sws_file_plan(const sws_file *f);
const uint8_t *sws_file_done(const sws_file *f);
const char *sws_file_path(const sws_file *f);
/* The root attribute `execution` ("" if absent). */
const char *sws_file_execution(const sws_file *f);

/* Read rows [r0, r0 + n) of metric m (index in the plan's metrics) into out
 * (n x days). */
sim_status sws_read_rows(sws_file *f, int m, int64_t r0, int64_t n, double *out, sim_error *err);

/* y[run] = mean of metric m over days [from, to) for every run (runs not
 * done give NaN). */
sim_status sws_run_means(sws_file *f, int m, int64_t from, int64_t to, double *y, sim_error *err);

/* Check that two files hold the same sweep (identity and design); on a
 * difference SIM_EINPUT naming both files. */
sim_status sws_same_sweep(const sws_file *a, const sws_file *b, sim_error *err);

/* Rows per chunk of /runs/<metric> (also the block size of sws_write). */
int64_t sws_chunk_rows(const swp_plan *p);

#endif
