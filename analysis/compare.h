/* analysis/compare.h — what `troika compare` reads and reports: its key
 * metrics, the --metrics and --window options, the seed of a replicate and
 * the tolerance check.  Running the comparison is sim/compare_run.h.
 *
 * The key metrics are one table, in compare.c (ana_key_metric_table); names
 * that this build's metric table lacks are skipped with a note.
 */
#ifndef TROIKA_ANALYSIS_COMPARE_H
#define TROIKA_ANALYSIS_COMPARE_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "table.h"

#define ANA_AUTO_FIRST 10
#define ANA_AUTO_BATCH 10
#define ANA_AUTO_TOLERANCE 0.05
#define ANA_AUTO_MAX 100
#define ANA_COMPARE_BATCH_BYTES ((size_t)256 << 20)
#define ANA_MAX_SCENARIOS 64
#define ANA_MAX_METRICS 256

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


/* The seed of replicate r: splitmix64(splitmix64(base) + r) mod 2^53. */
uint64_t ana_compare_seed(uint64_t base, int64_t r);
/* Key metrics whose CI half-width exceeds tolerance x |mean| in some
 * scenario: their indices (in the table) into bad[0..), returns the count. */
int ana_compare_unmet(const ana_table *t, double tolerance, int *bad);

#endif
