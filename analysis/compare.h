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
#include "mtable.h"
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
    ANA_NEUTRAL = 0, /* neither direction is better */
    ANA_LOWER_BETTER = -1,
    ANA_HIGHER_BETTER = 1,
    ANA_COST = 2 /* public money spent: lower is cheaper */
} ana_better;

typedef enum {
    ANA_NORM_NONE = 0, /* shown as it is (shares, scores, days, ...) */
    ANA_NORM_FLOW,     /* events a day -> per year per 1,000 households */
    ANA_NORM_STOCK,    /* a level (a backlog) -> per 1,000 households */
    ANA_NORM_YEAR      /* an amount a day -> per year, whole area */
} ana_norm;

typedef struct {
    const char *name; /* the metric's name in the metric table */
    ana_better better;
    ana_norm norm;
    const char *label_en, *label_zh; /* what the report calls it (a noun phrase,
                                        no "that day": the report says the period) */
} ana_metric_reading;

/* The row of metric `name`, or NULL when it is not a key metric. */
const ana_metric_reading *ana_metric_reading_of(const char *name);

/* The key-metric list resolved against the model's metric table mt[0..nmt)
 * (handed over by sim/): indices into idx[0..max), returns their count; a
 * name that is not in the table is skipped with one line on `note` (if not
 * NULL), in `lang` (or, built with ANA_KEY_METRICS_STRICT 1, the count is
 * -1). */
int ana_key_metrics(const sim_metric_desc *mt, int nmt, int *idx, int max, FILE *note,
                    ana_lang lang);

/* --metrics a,b,c: names into indices of mt[0..nmt); an unknown name is
 * SIM_EINPUT (key "--metrics") with the nearest names. */
sim_status ana_metrics_parse(const sim_metric_desc *mt, int nmt, const char *list, int *idx,
                             int max, int *n, sim_error *err);

/* The seed of replicate r: splitmix64(splitmix64(base) + r) mod 2^53. */
uint64_t ana_compare_seed(uint64_t base, int64_t r);
/* ---- comparisons under a posterior (troika compare --posterior) ------------
 *
 * The runs of a posterior comparison are indexed draw-major: run j = d x R +
 * r is replicate r of posterior draw d (R replicates a draw), with the
 * draw's parameter values and the seed ana_compare_seed(base, j), the same
 * in every scenario (common random numbers inside each (draw, replicate)
 * pair).  The effect of a reform on a metric in run j is the paired
 * difference y_j = scenario_j - baseline_j. */

/* What the posterior says about one reform's effect on one metric. */
typedef struct {
    int64_t draws, per_draw; /* D and R */
    double median;           /* of the D x R effects */
    double lo, hi;           /* their (1 - level)/2 and (1 + level)/2 quantiles:
                                 the interval over parameters and chance together */
    double p_improve;        /* share of the effects in the better direction (a
                                 zero counts one half); NaN for a neutral metric */
    double var_param;        /* Var over draws of E[y | draw]: max(0, B - W / R) */
    double var_chance;       /* E over draws of Var(y | draw): W */
    double share_param;      /* var_param / (var_param + var_chance); NaN when 0 / 0 */
} ana_post_effect;

/* The effect summary of y[0 .. D x R), draw-major (law of total variance:
 * B = variance of the D draw means (n - 1), W = mean of the D within-draw
 * variances (n - 1); B overstates the parameters' part by W / R, hence the
 * correction).  level is e.g. 0.9.  Needs D >= 2 and R >= 2 (otherwise the
 * variances are NaN).  y is sorted in place. */
void ana_post_effect_compute(double *y, int64_t draws, int64_t per_draw, ana_better better,
                             double level, ana_post_effect *out);

/* Draw m of a posterior comparison: the index of a particle chosen by
 * weight (cum[i] = weight[0] + ... + weight[i], i < n) with the uniform
 * number of stream (seed, SIM_RNG_POSTERIOR_DRAW, m, 0) (core/rng.h). */
int64_t ana_post_pick(const double *cum, int64_t n, uint64_t seed, int64_t m);

/* The design of a posterior comparison (troika compare --design).
 *
 * ANA_POST_DRAWS: D points, point d is particle ana_post_pick(cum, n, seed,
 * d): D draws of the posterior, each run R times (the default).
 *
 * ANA_POST_SALTELLI: N base points and k parameters give N (k + 2) points
 * in the order of analysis/design.h: per base point i, A_i, B_i, AB_1,i ..
 * AB_k,i.  A_i is particle ana_post_pick(.., 2i) and B_i particle
 * ana_post_pick(.., 2i + 1) (distinct stream counters, independent picks:
 * A and B are samples of the JOINT posterior); AB_j,i is A_i with parameter
 * j taken from B_i.  The approximation: a pick-freeze point combines
 * theta_j with theta_{-j} as if they were independent, so Sobol indices
 * from this design are those of the product of the posterior's marginals
 * (exact only when the parameters are independent under the posterior).
 * Only the A and B points are draws of the posterior: the effect summary
 * uses those alone (ana_post_role() < 2). */
typedef enum { ANA_POST_DRAWS = 0, ANA_POST_SALTELLI = 1 } ana_post_design;

/* "draws" / "saltelli"; parse: -1 when unknown. */
const char *ana_post_design_name(ana_post_design d);
int ana_post_design_parse(const char *text);

/* Points of a design with n draws (draws) or n base points (saltelli) and
 * k parameters. */
int64_t ana_post_points(ana_post_design d, int64_t n, int k);

/* Role of point p: 0 = A (every point of a draws design), 1 = B, 2 + j =
 * AB_j. */
int ana_post_role(ana_post_design d, int k, int64_t p);

/* The points of a design: their values theta[points x k] and the particle
 * each took particle[points] (-1 for an AB_j point, which mixes two), from
 * the n particles ptheta[n x k] with cumulative weights cum[n] (as
 * ana_post_pick), n draws or base points, keyed by seed. */
void ana_post_design_fill(ana_post_design d, int64_t n, const double *ptheta, const double *cum,
                          int64_t nparticles, int k, uint64_t seed, double *theta,
                          int64_t *particle);

/* The posterior table, one row per metric and reform (scenarios 1..):
 * metric, unit, scenario, median effect, its interval at `level`, P(improves),
 * the shares of its variance from parameters and from chance.  eff is
 * [nscen x nmet] in the table's order.  Text (aligned, `lang`), Markdown
 * (as the report shows the numbers) or CSV (full precision, English names:
 * metric,unit,scenario,draws,replicates_per_draw,effect_median,effect_lo,
 * effect_hi,p_improve,var_parameters,var_chance,share_parameters). */
void ana_post_print_text(FILE *f, const ana_table *t, const ana_post_effect *eff, double level,
                         ana_lang lang);
void ana_post_print_markdown(FILE *f, const ana_table *t, const ana_post_effect *eff, double level,
                             ana_lang lang);
void ana_post_print_csv(FILE *f, const ana_table *t, const ana_post_effect *eff);

/* The cells of row (s, k) as shown: median, "lo to hi", P, parameters'
 * share, chance's share ("-" where undefined). */
typedef struct {
    char median[48], interval[112], p[16], param[16], chance[16];
} ana_post_cells;
void ana_post_cells_fill(const ana_table *t, const ana_post_effect *e, int k, ana_lang lang,
                         const char *minus, ana_post_cells *c);

/* Key metrics whose CI half-width exceeds tolerance x |mean| in some
 * scenario: their indices (in the table) into bad[0..), returns the count. */
int ana_compare_unmet(const ana_table *t, double tolerance, int *bad);

#endif
