/* sim/sweep_mpi.h — a sweep under MPI: rank 0 hands out runs and
 * writes, the other ranks simulate.
 *
 * HOW IT WORKS.  Every rank reads the sweep file; rank 0 checks that all
 * ranks read the same one (identity hash), prepares the job (swx_prepare:
 * output, parts folder, runs left) and tells the workers whether to go on.
 * Then rank 0 is the master: a worker asks for a run, simulates it on its
 * own (OpenMP threads inside a run: --threads, default 1), sends the metric
 * series back and asks for the next; the master makes each result durable
 * (sws_parts_put) before it hands out another run, so the work is balanced
 * dynamically and the output is exactly that of a serial sweep.  The master
 * polls (MPI_Iprobe and a 1 ms sleep) rather than blocking, so it uses
 * little CPU when it shares a core with a worker.
 *
 * A dead worker.  While simulating, a worker's main thread sends a
 * heartbeat every second (the run itself goes on in a second thread).  A
 * worker silent for `worker_timeout` seconds is reported and its run handed
 * to another worker (a late result from it is checked against the redone
 * one and otherwise ignored).  LIMITATIONS: with Open MPI's defaults a rank
 * that dies makes mpirun abort the whole job; the timeout only helps when
 * the job survives (mpirun --enable-recovery).  Either way the finished
 * runs are on disk, and the same command resumes.  The master itself must
 * not die: then the job ends, and is resumed the same way.
 *
 * Built only with TROIKA_MPI (TROIKA_HAVE_MPI); otherwise swm_built() is 0
 * and the functions fail with a message saying so.
 */
#ifndef TROIKA_ANALYSIS_SWEEP_MPI_H
#define TROIKA_ANALYSIS_SWEEP_MPI_H

#include "sweep_exec.h"
#include "err.h"

/* 1 if this troika was built with MPI. */
int swm_built(void);

/* The number of processes an MPI launcher started (from the environment:
 * Open MPI, PMI or PMIx variables), 0 when not launched by one. */
int swm_launched_size(void);

/* MPI_Init (thread level FUNNELED); rank and size of MPI_COMM_WORLD. */
sim_status swm_init(int *rank, int *size, sim_error *err);

/* MPI_Finalize, unless `skip`: after a worker died, Open MPI 4's finalize
 * may wait for it forever (its fence includes every rank), so the survivors
 * leave without it; mpirun --enable-recovery accepts that (exit 0). */
void swm_finalize(int skip);

/* All ranks: 1 if any rank passes a non-zero flag. */
int swm_any(int flag);

/* Wait until every rank is here, politely (a non-blocking barrier polled
 * with 1 ms naps: a rank that finished its share early does not spin on a
 * core the others need, as a blocking collective would). */
void swm_wait_all(void);

/* Rank 0's value of *v on every rank. */
void swm_bcast_u64(uint64_t *v);

/* Rank 0's n bytes at buf, on every rank (n < 2 GiB). */
void swm_bcast_bytes(void *buf, size_t n);

/* Every rank's n bytes at mine, in rank order at all (size x n bytes) on
 * every rank.  Without MPI: a copy. */
void swm_allgather_bytes(const void *mine, void *all, size_t n);

/* Every rank's n bytes at mine, in rank order at all (size x n bytes) on
 * rank 0 only (all may be NULL elsewhere).  Without MPI: a copy. */
void swm_gather_bytes(const void *mine, void *all, size_t n);

/* Rank 0: hand out job->remaining to the workers; each result goes to the
 * parts folder.  Returns when every run is done, or after a failure or a
 * stop once every worker is told to end.  *lost: a worker was lost (then
 * the workers are told to skip MPI_Finalize, and so should rank 0). */
sim_status swm_master(swx_job *job, int size, int *lost, sim_error *err);

/* Ranks > 0: simulate what the master sends until told to end; *skip: the
 * master said to leave without MPI_Finalize. */
sim_status swm_worker(const swp_sweep *s, const swx_opts *o, int *skip, sim_error *err);

#endif
