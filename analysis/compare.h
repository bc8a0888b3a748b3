/* analysis/compare.h — `troika compare`: every scenario, R replicates, one
 * table and one compare file.
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
 * The key metrics are one table, in compare.c (ana_key_metric_table); names
 * that this build's metric table lacks are skipped with a note.
 */
#ifndef TROIKA_ANALYSIS_COMPARE_H
#define TROIKA_ANALYSIS_COMPARE_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/checkpoint.h"
#include "sim/err.h"
#include "sim/scenario.h"
#include "table.h"

#define ANA_AUTO_FIRST 10
#define ANA_AUTO_BATCH 10
#define ANA_AUTO_TOLERANCE 0.05
#define ANA_AUTO_MAX 100
#define ANA_COMPARE_BATCH_BYTES ((size_t)256 << 20)
#define ANA_MAX_SCENARIOS 64
#define ANA_MAX_METRICS 256

typedef struct {
    const scn_scenario *scen;  /* [nscen], finished (scn_finish); 0 = baseline */
    int nscen;
    int64_t replicates;        /* fixed count (>= 2); unused when auto_rep */
    int auto_rep;              /* 1: add replicates until the tolerance is met */
    double tolerance;          /* auto: relative CI half-width target (> 0) */
    int64_t max_replicates;    /* auto: the cap (>= 2) */
    int64_t win_from, win_to;  /* [from, to); -1 for the default (last 365 days,
                                  or the whole run when shorter) */
    uint64_t seed_base;
    int threads;               /* OpenMP threads over runs (>= 1) */
    const int *metrics;        /* [nmetrics] indices in sim_metric_table */
    int nmetrics;
    int progress;              /* 1: a progress line on `log` */
    /* called (from whichever thread finished a run, one call at a time)
     * after every run with the runs done and the runs planned so far; may
     * be NULL.  `troika serve` shows it on its page. */
    void (*on_run)(void *arg, int64_t done, int64_t total);
    void *on_run_arg;
    FILE *log;
    volatile sig_atomic_t *stop; /* raised by a signal: stop soon (may be NULL) */
    const char *out;           /* the compare file */
    int force;
    const char *command_line;
    const sim_checkpoint *from; /* NULL, or every run forks from it (sim_run_ex):
                                   replicate r still uses seed r after its day */
} ana_compare_opts;

typedef struct {
    int64_t replicates;        /* replicates run (auto: as many as needed) */
    int tolerance_met;         /* auto: 1 met, 0 the cap was reached first */
    double seconds;            /* wall time of the runs */
} ana_compare_info;

/* How a key metric is read (one row of the key-metric table in
 * compare.c): which direction is better, and how the report normalises it
 * (the compare file keeps the model's per-day, whole-area values). */
typedef enum {
    ANA_NEUTRAL = 0,        /* neither direction is better */
    ANA_LOWER_BETTER = -1,
    ANA_HIGHER_BETTER = 1,
    ANA_COST = 2            /* public money spent: lower is cheaper */
} ana_better;

typedef enum {
    ANA_NORM_NONE = 0,  /* shown as it is (shares, scores, days, ...) */
    ANA_NORM_FLOW,      /* events a day -> per year per 1,000 households */
    ANA_NORM_STOCK,     /* a level (a backlog) -> per 1,000 households */
    ANA_NORM_YEAR       /* an amount a day -> per year, whole area */
} ana_norm;

typedef struct {
    const char *name;   /* the metric's name in the metric table */
    ana_better better;
    ana_norm norm;
    const char *label_en, *label_zh; /* what the report calls it (a noun phrase,
                                        no "that day": the report says the period) */
} ana_metric_reading;

/* The row of metric `name`, or NULL when it is not a key metric. */
const ana_metric_reading *ana_metric_reading_of(const char *name);

/* The key-metric list resolved against this build's metric table: indices
 * into idx[0..max), returns their count; a name that is not in the table is
 * skipped with one line on `note` (if not NULL), in `lang` (or, built with
 * ANA_KEY_METRICS_STRICT 1, the count is -1). */
int ana_key_metrics(int *idx, int max, FILE *note, ana_lang lang);

/* --metrics a,b,c: names into indices; an unknown name is SIM_EINPUT (key
 * "--metrics") with the nearest names. */
sim_status ana_metrics_parse(const char *list, int *idx, int max, int *n, sim_error *err);

/* --window FROM:TO (either side may be empty): -1 for an empty side. */
sim_status ana_window_parse(const char *text, int64_t *from, int64_t *to, sim_error *err);

/* The seed of replicate r: splitmix64(splitmix64(base) + r) mod 2^53. */
uint64_t ana_compare_seed(uint64_t base, int64_t r);

/* Check what can be checked before running: scenario count, the same days
 * and compounds in every scenario, the window inside the run, replicate and
 * tolerance values, the output path.  SIM_EINPUT with a clear message.
 * Fills the resolved window. */
sim_status ana_compare_check(const ana_compare_opts *o, int64_t *win_from, int64_t *win_to,
                             sim_error *err);

/* Run the comparison, write the compare file (atomically) and return the
 * table (caller destroys).  Stops with SIM_EINTERRUPT when *o->stop is
 * raised; on any failure no file is left under o->out. */
sim_status ana_compare_run(const ana_compare_opts *o, ana_table **table,
                           ana_compare_info *info, sim_error *err);

/* Key metrics whose CI half-width exceeds tolerance x |mean| in some
 * scenario: their indices (in the table) into bad[0..), returns the count. */
int ana_compare_unmet(const ana_table *t, double tolerance, int *bad);

#endif
