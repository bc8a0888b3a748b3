/* analysis/design.h — the designs of a sweep: which runs a sweep is.
 *
 * A plan (swp_plan) is what a sweep is, as plain data: the sweep file's
 * texts, the factors (parameters varied over a range, linear or log, or a
 * list of values), a design (grid, Latin hypercube, Sobol sequence, or the
 * Saltelli sample of a Sobol sensitivity analysis), replicates per point, a
 * master seed, the days and the metrics to keep.  It is what sweep output
 * files store (sweep_store.h) and what sim/sweep.h fills from a sweep file.
 *
 * Runs.  Run i is point i / replicates, replicate i % replicates.  Its seed
 * is a function of the master seed and i alone (swp_seed(): splitmix64),
 * never of the thread, rank or shard that runs it; with `seeds = common`
 * replicate r of every point shares one seed (common random numbers).
 *
 * Designs map coordinates u in [0, 1) to values: a range linearly or on a
 * log scale (integers uniformly over lo..hi), a list by index floor(u n).
 * The grid takes `levels` evenly spaced values of a range, endpoints
 * included, or every value of a list; the first factor varies slowest.
 * Latin hypercube permutations come from a counter-based stream keyed by the
 * master seed; Sobol points are GSL's (gsl_qrng_sobol, which starts at
 * 0.5, ..., 0.5 rather than at the origin).  Saltelli: point i of a Sobol
 * sequence in 2k dimensions gives A (its first k coordinates) and B (the
 * last k); the sequence's first point, where A = B, is skipped.
 */
#ifndef TROIKA_ANALYSIS_DESIGN_H
#define TROIKA_ANALYSIS_DESIGN_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "mtable.h"
#include "ptable.h"

/* SWP_FILE: the points were read from a CSV (`design = file:POINTS.csv`,
 * sim/sweep.c); values are given and unit is derived from them. */
typedef enum { SWP_GRID = 0, SWP_LHS, SWP_SOBOL, SWP_SALTELLI, SWP_FILE } swp_design;
typedef enum { SWP_LINEAR = 0, SWP_LOG, SWP_LIST } swp_scale;
typedef enum { SWP_SEEDS_DISTINCT = 0, SWP_SEEDS_COMMON } swp_seeds;

/* Sobol sequences of GSL go up to 40 dimensions; Saltelli needs 2k. */
#define SWP_SOBOL_MAX_DIM 40
#define SWP_MAX_RUNS 100000000LL
#define SWP_KEY_MAX 128

/* The model's parameter and metric tables as analysis/ sees them: handed
 * over at run time by sim/ (sim/sweep.h, swp_model_tables()), so that
 * analysis/ includes nothing of models/. */
typedef struct {
    const sim_param_desc *params;
    int nparams;
    const sim_metric_desc *metrics;
    int nmetrics;
} swp_tables;

/* One varied parameter. */
typedef struct {
    char key[SWP_KEY_MAX]; /* "section.name" */
    int param;             /* index in the model's parameter table; -1 if unknown here */
    int integer;           /* 1 when the parameter takes whole values (its table row's
                              type is not real: sampled values are rounded) */
    swp_scale scale;
    double lo, hi;  /* range; for a list its smallest and largest value */
    int64_t levels; /* grid levels of a range, or a list's length */
    double *values; /* a list's values, in the order given; else NULL */
    char *spec;     /* the text after '=' in the sweep file */
    int line;       /* its line in the sweep file (0: not known) */
} swp_factor;

typedef struct {
    char *name;
    char *description;
    char *path;     /* the sweep file as given ("" when read from output) */
    char *text;     /* the sweep file's exact text */
    char *identity; /* what a resumed sweep must match, see above */
    uint64_t hash;  /* FNV-1a 64 of identity */
    swp_design design;
    int64_t samples; /* lhs, sobol: points; saltelli: base sample N */
    int64_t replicates;
    uint64_t seed; /* master seed */
    swp_seeds seeds;
    int64_t days;
    int nfactors;
    swp_factor *factors;
    int nmetrics;
    char **metrics; /* names, as in the metric table */
    int *metric;    /* index in the model's metric table, -1 if unknown here */
    int64_t npoints, nruns;
    double *unit;   /* [npoints x nfactors] coordinates in [0, 1] */
    double *values; /* [npoints x nfactors] parameter values */
} swp_plan;

/* Run `run`'s seed (53 bits, a valid run.seed). */
uint64_t swp_seed(const swp_plan *p, int64_t run);

static inline int64_t swp_point(const swp_plan *p, int64_t run)
{
    return run / p->replicates;
}
static inline int64_t swp_replicate(const swp_plan *p, int64_t run)
{
    return run % p->replicates;
}

/* Saltelli layout: point p belongs to base row p / (k + 2) and is matrix
 * A (role 0), B (role 1) or AB_j (role 2 + j: A with column j from B). */
static inline int swp_saltelli_role(const swp_plan *p, int64_t point)
{
    return (int)(point % (p->nfactors + 2));
}

/* Names of the enums ("grid", "log", "distinct", ...); parse: -1 if unknown. */
const char *swp_design_name(swp_design d);
const char *swp_scale_name(swp_scale s);
const char *swp_seeds_name(swp_seeds s);
int swp_design_parse(const char *text);
int swp_scale_parse(const char *text);
int swp_seeds_parse(const char *text);

/* FNV-1a 64-bit hash of a string. */
uint64_t swp_hash(const char *text);

/* Free what a plan owns (the plan itself is not freed); zeroes it. */
void swp_plan_clear(swp_plan *p);

/* Compute npoints, unit and values from the factors and the design (used by
 * swp_load; exposed for tests).  Needs factors' values for lists.  For
 * SWP_FILE, values and npoints are the caller's; unit is (v - lo)/(hi - lo)
 * (0.5 for a column that does not vary). */
sim_status swp_plan_expand(swp_plan *p, sim_error *err);

/* Export order (`troika sweep --export-design`): the design point written on
 * row i.  Saltelli designs are written in SALib's order (per base row: A,
 * AB_1 ... AB_k, B; SALib.sample.saltelli with calc_second_order=False);
 * every other design in point order. */
int64_t swp_export_point(const swp_plan *p, int64_t i);

/* The design as CSV: '# ' lines (sweep, design, the order), a header
 * `point,<parameter>,...` (the parameters in the sweep's order, SALib's
 * problem['names']), then one row per point in swp_export_point() order,
 * values printed to read back exactly. */
void swp_design_write_csv(FILE *f, const swp_plan *p);

#endif
