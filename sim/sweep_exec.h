/* sim/sweep_exec.h — executing a sweep: runs in parallel threads, a
 * shard of the runs, resuming, and assembling the output.
 *
 * A sweep job goes through three steps, whatever executes the runs:
 *   swx_prepare  check the output path, open the parts folder next to it
 *                (OUT.parts, see sweep_store.h), and list the runs of this
 *                shard that are not finished yet;
 *   execute      swx_threads() here, or the MPI master in sweep_mpi.h: each
 *                finished run goes through sws_parts_put() at once;
 *   swx_finish   when every run of the shard is done, assemble the output
 *                file from the parts (temporary name, fsync, rename) and
 *                remove the parts folder; otherwise report what is kept.
 * Killed at any moment, the same command resumes from the parts; the
 * output it finally writes is the same as an uninterrupted sweep's, because
 * a run's result depends only on its design point and seed.
 *
 * Threads: runs are spread over OpenMP threads (dynamic schedule), one
 * thread per run; nested parallelism is off, so each run is single-threaded
 * and the result does not depend on the thread count.
 *
 * Shards: shard k of n (0-based here; the command line counts from 1) holds
 * the runs i with i % n == k, so that every shard gets a fair share of
 * every part of the design.
 */
#ifndef TROIKA_ANALYSIS_SWEEP_EXEC_H
#define TROIKA_ANALYSIS_SWEEP_EXEC_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "sweep.h"
#include "sweep_store.h"
#include "err.h"
#include "progress.h"

typedef struct {
    int threads;                 /* runs at once (threads mode); threads per run (MPI) */
    int64_t shard, nshards;      /* this shard (0-based) of nshards; 0 of 1: all */
    int force;                   /* overwrite an existing output */
    int restart;                 /* discard the finished runs of the parts folder */
    int quiet;                   /* no summary and no progress */
    FILE *log;                   /* progress and notes (stderr) */
    volatile sig_atomic_t *stop; /* non-zero: stop soon (signals) */
    const char *command_line;
    double worker_timeout; /* MPI: seconds of silence before a worker is lost */
} swx_opts;

typedef struct {
    const swp_sweep *s;
    const char *out;
    char *parts_dir; /* OUT.parts */
    swx_opts o;
    sws_parts *parts;
    int64_t *remaining; /* runs of the shard still to do, ascending */
    int64_t nremaining;
    int64_t nshard;   /* runs in the shard */
    int64_t resumed;  /* of them, finished before this start */
    int64_t finished; /* finished during this start */
    int complete;     /* the output already holds the whole shard */
    prg_meter meter;  /* progress (sim/progress.h) */
} swx_job;

static inline int swx_in_shard(const swx_opts *o, int64_t run)
{
    return o->nshards <= 1 || run % o->nshards == o->shard;
}

/* Run `run` of the sweep: values gets nmetrics x days (metric-major).  Each
 * call is independent and thread-safe; `stop` may interrupt it. */
sim_status swx_run_one(const swp_sweep *s, int64_t run, double *values, volatile sig_atomic_t *stop,
                       sim_error *err);

sim_status swx_prepare(swx_job *job, const swp_sweep *s, const char *out, const swx_opts *o,
                       sim_error *err);

/* Execute job->remaining on o.threads threads. */
sim_status swx_threads(swx_job *job, sim_error *err);

/* One more run finished (progress line). */
void swx_progress(swx_job *job, int final);

/* Assemble the output if the shard is complete (execution: for the root
 * attribute, e.g. "threads 2"); otherwise SIM_EINTERRUPT saying how many
 * runs are kept and how to resume. */
sim_status swx_finish(swx_job *job, const char *execution, sim_error *err);

void swx_job_free(swx_job *job);

/* Merge sweep files (shards, or partial outputs) of one sweep into `out`.
 * Every run must be done in some input unless allow_incomplete. */
sim_status swx_merge(const char *const *inputs, int n, const char *out, int force,
                     int allow_incomplete, const sws_prov *pv, FILE *log, sim_error *err);

#endif
