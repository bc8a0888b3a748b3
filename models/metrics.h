/* models/metrics.h — the city-level daily outputs and their tally.
 *
 * The metric table lives in models/metrics.def (name, unit, kind, panel name,
 * English and Chinese descriptions); this module turns it into an enum
 * (SIM_MET_<name>), a descriptor table and a tally.  The machinery that
 * reads a metric table (lookup, printing) knows no table and lives in
 * core/mtable.h, with the row type sim_metric_desc.
 *
 * The tally holds rows of (numerator, denominator): one per block of
 * compounds, one per sub-district, one per block of residents' committees.
 * A phase adds only to the rows of the units it owns (see SIM_TALLY_BLOCK),
 * so parallel phases never share a row; sim_tally_reduce() adds the rows in
 * order: the city value is the same whatever the number of threads (no
 * floating-point reduction clause).
 */
#ifndef TROIKA_SIM_METRICS_H
#define TROIKA_SIM_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "mtable.h"

enum {
#define M(name, unit, kind, panel, en, zh) SIM_MET_##name,
#include "metrics.def"
#undef M
    SIM_MET_N
};

extern const sim_metric_desc sim_metric_table[SIM_MET_N];

/* The per-sub-district panel holds metric m when it has a compound-panel
 * name (aggregated over the sub-district's compounds) or the sub-district
 * phases fill it (sim_metric_subphase[m], from models/metrics/subdistrict.def:
 * read from the sub-district's own tally row). */
extern const unsigned char sim_metric_subphase[SIM_MET_N];

static inline int sim_metric_subpanel(int m)
{
    return sim_metric_table[m].panel[0] != '\0' || sim_metric_subphase[m];
}

/* The metrics as the Markdown table of docs/OUTPUT.md (between its
 * "metrics:begin" and "metrics:end" markers), or as plain text. */
void sim_metrics_print_markdown(FILE *f);
void sim_metrics_print_table(FILE *f);

/* Index of a metric by name, or -1. */
int sim_metric_find(const char *name);

/* Compounds (and residents' committees) per tally row.  A parallel loop
 * over compounds or committees that adds to the tally MUST hand each thread
 * whole aligned blocks of SIM_TALLY_BLOCK (a loop over blocks, as
 * models/model.c does, or schedule(dynamic, SIM_TALLY_BLOCK)): one thread
 * then owns a row during a phase, and the row receives its additions in
 * entity order whatever the threads. */
#define SIM_TALLY_BLOCK 64

/* Doubles per tally row: whole cache lines, so that the rows of two blocks
 * worked on by two threads never share a line (see core/alloc.h). */
#define SIM_TALLY_STRIDE ((SIM_MET_N + 7) / 8 * 8)

/* The per-compound panel's columns, fixed at compile time so that
 * sim_tally_add() with a constant metric compiles to a couple of additions:
 * SIM_PCOL_<name> is the number of panel metrics before <name> (the panel
 * name's literal has size 1 when it is empty), SIM_NPANEL their number. */
enum {
    SIM_PCOL_START_ = -1,
#define M(name, unit, kind, panel, en, zh)                                                         \
    SIM_PCOL_##name, SIM_PLAST_##name = SIM_PCOL_##name + (sizeof(panel) > 1) - 1,
#include "metrics.def"
#undef M
    SIM_NPANEL
};

/* Column of metric m in the panel (pnum/pden), or -1. */
static const signed char sim_metric_pcol[SIM_MET_N] = {
#define M(name, unit, kind, panel, en, zh) (sizeof(panel) > 1 ? SIM_PCOL_##name : -1),
#include "metrics.def"
#undef M
};

/* 1 for a ratio metric (it has denominators), 0 for a count. */
static const unsigned char sim_metric_ratio[SIM_MET_N] = {
#define M(name, unit, kind, panel, en, zh) (kind) == SIM_M_RATIO,
#include "metrics.def"
#undef M
};

/* The day's outputs.  Units: compounds 0 .. ncomp-1, then sub-districts
 * (unit ncomp + s, see sim_tally_sub), then residents' committees (unit
 * ncomp + nsub + r, see sim_tally_rc).  Compounds and committees are summed
 * into one row per block of SIM_TALLY_BLOCK, sub-districts have a row each:
 * the tally stays small at city scale.  Denominators are kept for ratio
 * metrics only (a count's are never read).
 *
 * The per-compound panel (pnum/pden, ncomp x SIM_NPANEL): a count metric's
 * column is the running sum since the last sampling day (the caller reads
 * and zeroes it when it samples); a ratio metric's column receives
 * additions only while `sampling` is set (the caller sets it for the days
 * whose values it samples), since its value is taken on the day. */
typedef struct {
    int64_t ncomp, nsub, nrc;
    int64_t nrows;       /* compound blocks + sub-districts + committee blocks */
    double *num, *den;   /* nrows x SIM_TALLY_STRIDE (SIM_MET_N used) */
    double *pnum, *pden; /* ncomp x SIM_NPANEL, column sim_metric_pcol[m] */
    int sampling;        /* ratio metrics' panel columns take additions */
    int clean;           /* the rows and the ratio columns are zero
                                (see sim_tally_reduce) */
} sim_tally;

sim_tally *sim_tally_create(int64_t ncomp, int64_t nsub, int64_t nrc);
void sim_tally_destroy(sim_tally *t);

/* Zero everything, the panel's running sums included (a caller that steps
 * the model without sim/runner.c; the runner keeps t->clean set instead, so
 * mdl_step() never clears). */
void sim_tally_clear(sim_tally *t);

static inline int64_t sim_tally_sub(const sim_tally *t, int64_t s)
{
    return t->ncomp + s;
}

static inline int64_t sim_tally_rc(const sim_tally *t, int64_t r)
{
    return t->ncomp + t->nsub + r;
}

/* The row of t->num/t->den that unit adds to. */
static inline int64_t sim_tally_row(const sim_tally *t, int64_t unit)
{
    if (unit < t->ncomp)
        return unit / SIM_TALLY_BLOCK;
    const int64_t nblk = (t->ncomp + SIM_TALLY_BLOCK - 1) / SIM_TALLY_BLOCK;
    if (unit < t->ncomp + t->nsub)
        return nblk + (unit - t->ncomp);
    return nblk + t->nsub + (unit - t->ncomp - t->nsub) / SIM_TALLY_BLOCK;
}

static inline void sim_tally_add(sim_tally *t, int64_t unit, int m, double num, double den)
{
    const int ratio = sim_metric_ratio[m], k = sim_metric_pcol[m];
    if (k >= 0 && unit < t->ncomp && (!ratio || t->sampling)) {
        t->pnum[unit * SIM_NPANEL + k] += num;
        if (ratio)
            t->pden[unit * SIM_NPANEL + k] += den;
    }
    const int64_t row = sim_tally_row(t, unit);
    t->num[row * SIM_TALLY_STRIDE + m] += num;
    if (ratio)
        t->den[row * SIM_TALLY_STRIDE + m] += den;
}

/* City values: out[m] = sum of numerators (COUNT) or sum num / sum den
 * (RATIO, 0 when sum den is 0).  Deterministic for any thread count.
 * The rows are zeroed as they are read (one pass over the memory instead
 * of two); the per-compound pnum/pden are left to the caller, which zeroes
 * them as it samples them and then sets t->clean, so the next day's
 * sim_tally_clear() is skipped (see sim/runner.c and mdl_step()).
 * A caller that wants a sub-district's own row (the per-sub-district
 * panel) reads it before this call. */
void sim_tally_reduce(sim_tally *t, double *out);

#endif
