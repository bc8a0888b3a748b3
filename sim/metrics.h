/* sim/metrics.h — the city-level daily outputs and their tally.
 *
 * The metric table lives in models/metrics.def (name, unit, kind, panel name,
 * English and Chinese descriptions); this module turns it into an enum
 * (SIM_MET_<name>), a descriptor table and a tally.
 *
 * The tally holds one row of (numerator, denominator) per unit: compounds
 * first, then sub-districts.  A phase adds only to the rows of the units it
 * owns, so parallel phases never share a row.  sim_tally_reduce() sums the
 * rows in fixed blocks, then the blocks in order: the city value is the same
 * whatever the number of threads (no floating-point reduction clause).
 */
#ifndef TROIKA_SIM_METRICS_H
#define TROIKA_SIM_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

typedef enum { SIM_M_COUNT, SIM_M_RATIO } sim_mkind;

enum {
#define M(name, unit, kind, panel, en, zh) SIM_MET_##name,
#include "../models/metrics.def"
#undef M
    SIM_MET_N
};

typedef struct {
    const char *name;
    const char *unit;
    sim_mkind kind;
    const char *panel; /* "" when not in the per-compound panel */
    const char *doc_en;
    const char *doc_zh;
} sim_metric_desc;

extern const sim_metric_desc sim_metric_table[SIM_MET_N];

/* The metrics as the Markdown table of docs/OUTPUT.md (between its
 * "metrics:begin" and "metrics:end" markers), or as plain text. */
void sim_metrics_print_markdown(FILE *f);
void sim_metrics_print_table(FILE *f);

/* Index of a metric by name, or -1. */
int sim_metric_find(const char *name);

/* Rows of numerators and denominators, row-major: unit u, metric m at
 * num[u * SIM_MET_N + m]. */
typedef struct {
    int64_t nunits;  /* compounds + sub-districts */
    int64_t ncomp;   /* the first ncomp rows are compounds */
    double *num;
    double *den;
} sim_tally;

sim_tally *sim_tally_create(int64_t ncomp, int64_t nsub);
void sim_tally_destroy(sim_tally *t);

/* Zero every row (at the start of a day). */
void sim_tally_clear(sim_tally *t);

static inline void sim_tally_add(sim_tally *t, int64_t unit, int m, double num,
                                 double den)
{
    t->num[unit * SIM_MET_N + m] += num;
    t->den[unit * SIM_MET_N + m] += den;
}

/* City values: out[m] = sum of numerators (COUNT) or sum num / sum den
 * (RATIO, 0 when sum den is 0).  Deterministic for any thread count. */
void sim_tally_reduce(const sim_tally *t, double *out);

#endif
