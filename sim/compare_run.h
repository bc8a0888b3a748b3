/* sim/compare_run.h — `troika compare`: every scenario, R replicates, one
 * table and one compare file.  Prefix crun_.
 *
 * HOW IT WORKS.  Replicate r of every scenario runs with the same seed,
 * ana_compare_seed(base, r) (common random numbers), so the differences
 * between scenarios are paired by r.  The (scenario, replicate) runs of a
 * batch are spread over OpenMP threads (dynamic schedule, one run per
 * thread at a time); each run gets its own context with one thread, and
 * nested parallelism is switched off for the region, so the inner day loop
 * runs serially.  A run's result depends only on its scenario and seed, and
 * everything after the runs (window means, statistics, the file) is done in
 * index order on one thread: the output is the same for any --threads.
 *
 * Only the city series are kept: each run's world and panel are freed as
 * soon as its series is copied; a batch's series are appended to the
 * compare file and dropped.  Memory is bounded by one batch (at most
 * ANA_COMPARE_BATCH_BYTES of series) plus the runs in flight.
 *
 * --replicates auto adds replicates in batches of ANA_AUTO_BATCH (the first
 * batch is ANA_AUTO_FIRST) until, for every key metric in every scenario,
 * the 95% CI half-width is at most tolerance x |mean| (RELATIVE tolerance),
 * or max_replicates is reached.  The checks happen at fixed replicate
 * counts, so the result does not depend on the thread count either.
 *
 * The key metrics are one list, in compare.c (ana_key_metric_names); names
 * that this build's metric table lacks are skipped with a note.
 *
 * MPI AND SHARDS.  Under mpirun every rank calls crun_run with the same
 * inputs (a hash of the resolved scenarios, options, posterior and build is
 * checked); each batch is split statically, row r to rank r % ranks, and
 * rank 0 gathers the series (swm_gather_bytes), writes and builds the table.
 * Static rather than the sweep's master and workers: a comparison's runs
 * all cost about the same (same days, same district), and rank 0 simulates
 * too.  Failures and stops are agreed between ranks at every batch
 * (crun_agree), so no rank waits for one that has left.  A shard (--shard
 * K/N) runs only the runs j with j % N == K - 1 (all scenarios of a run
 * together, so the common random numbers stay in one shard) into a shard
 * file; crun_merge joins the shards into the compare file, computing the
 * table exactly as crun_run does.  Either way the data are those of
 * --threads 1.  A shard (on one process) keeps each finished simulation at
 * once in OUT.parts (analysis/sweep_store.h) and resumes from it; a
 * comparison on threads or MPI keeps no partial work (killed, it reruns).
 *
 * UNDER A POSTERIOR (--posterior post.h5 --draws D --replicates R): the
 * runs are the D x R (draw, replicate) pairs, draw-major, on the same
 * replicate axis; every scenario runs each pair with the draw's parameter
 * values and the pair's seed.  The posterior's parameters must be the same
 * in every scenario (a reform that changes an uncertain parameter would be
 * overwritten by the draw: refused).  The file gets the draws and the
 * effect summary of analysis/compare.h (ana_post_effect, 90% intervals).
 */
#ifndef TROIKA_SIM_COMPARE_RUN_H
#define TROIKA_SIM_COMPARE_RUN_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "abc_store.h"
#include "checkpoint.h"
#include "compare.h"
#include "err.h"
#include "h5compare.h"
#include "scenario.h"
#include "table.h"
#include "window.h"

typedef struct {
    const scn_scenario *scen; /* [nscen], finished (scn_finish); 0 = baseline */
    int nscen;
    int64_t replicates;     /* fixed count (>= 2); unused when auto_rep */
    int auto_rep;           /* 1: add replicates until the tolerance is met */
    double tolerance;       /* auto: relative CI half-width target (> 0) */
    int64_t max_replicates; /* auto: the cap (>= 2) */
    ana_window window;      /* not given: the last 365 days, or the whole
                                  run when shorter (analysis/window.h) */
    uint64_t seed_base;
    int threads;        /* OpenMP threads over runs (>= 1) */
    const int *metrics; /* [nmetrics] indices in sim_metric_table */
    int nmetrics;
    int progress; /* 1: progress on `log` (sim/progress.h) */
    /* called (from whichever thread finished a run, one call at a time)
     * after every run with the runs done and the runs planned so far; may
     * be NULL.  `troika serve` shows it on its page. */
    void (*on_run)(void *arg, int64_t done, int64_t total);
    void *on_run_arg;
    FILE *log;
    volatile sig_atomic_t *stop; /* raised by a signal: stop soon (may be NULL) */
    const char *out;             /* the compare file */
    int force;
    const char *command_line;
    const sim_checkpoint *from; /* NULL, or every run forks from it (sim_run_ex):
                                   replicate r still uses seed r after its day */
    /* under a posterior (NULL: an ordinary comparison): `draws` particles
     * drawn by weight (ana_post_pick, keyed by seed_base), each run
     * `replicates` times in every scenario with the draw's parameter values;
     * run j = d x replicates + r uses seed ana_compare_seed(seed_base, j) */
    const abs_posterior *posterior;
    const char *posterior_path;
    int64_t draws;
    /* MPI (ranks > 1): every rank calls crun_run with the same inputs
     * (checked); rank `rank` runs row r of each batch when r % ranks ==
     * rank, rank 0 gathers the series and alone writes and gets the table */
    int rank, ranks;
    /* a shard (nshards > 1): only the runs j with j % nshards == shard, into
     * a shard file (analysis/h5compare.h) for crun_merge; no table */
    int64_t shard, nshards;
    int restart; /* a shard: discard the finished simulations of OUT.parts */
    /* ANA_POST_SALTELLI (--design saltelli): `draws` is the base sample N
     * and the N (k + 2) points of analysis/compare.h take the draws' place
     * (run j = point x replicates + r); the effect summary uses the A and B
     * points alone */
    ana_post_design design;
} crun_opts;

#define CRUN_POSTERIOR_LEVEL 0.9 /* the interval of a posterior comparison */

typedef struct {
    int64_t replicates; /* replicates run (auto: as many as needed) */
    int tolerance_met;  /* auto: 1 met, 0 the cap was reached first */
    double seconds;     /* wall time of the runs */
    ana_cmp_post *post; /* under a posterior: the draws and the effects
                                  (the caller destroys); else NULL */
} crun_info;

/* Check what can be checked before running: scenario count, the same days
 * and compounds in every scenario, the window inside the run, replicate and
 * tolerance values, the output path.  SIM_EINPUT with a clear message.
 * Fills the resolved window. */
sim_status crun_check(const crun_opts *o, int64_t *win_from, int64_t *win_to, sim_error *err);

/* Run the comparison, write the compare file (atomically) and return the
 * table (caller destroys).  Stops with SIM_EINTERRUPT when *o->stop is
 * raised; on any failure no file is left under o->out. */
sim_status crun_run(const crun_opts *o, ana_table **table, crun_info *info, sim_error *err);

/* With several MPI ranks, every rank learns the worst status of all (the
 * lowest rank's failure, a real failure before a stop, with its message
 * prefixed "MPI rank Q: "); every rank must call it at the same point.
 * ranks <= 1: s. */
sim_status crun_agree(int ranks, sim_status s, sim_error *err);

/* Join the shard files inputs[0..n) of one comparison into the compare
 * file `out` (every shard once; the same identity), the same in its data as
 * the comparison run at once.  SIM_EINPUT naming the file for a foreign,
 * duplicated, incomplete or missing shard. */
sim_status crun_merge(const char *const *inputs, int n, const char *out, int force,
                      const char *command_line, FILE *log, volatile sig_atomic_t *stop,
                      sim_error *err);

#endif
