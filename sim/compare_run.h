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

#endif
