/* analysis/sensitivity.h — global sensitivity of a model output to its
 * inputs: Sobol indices from a Saltelli sample, and standardised regression
 * coefficients from any sample.
 *
 * Sobol indices.  With matrices A and B of N independent points and AB_j
 * (A with column j taken from B), f evaluated on each:
 *   first order  S_j  = mean(f(B) (f(AB_j) - f(A))) / V     (Saltelli 2010)
 *   total        ST_j = mean((f(A) - f(AB_j))^2) / (2 V)    (Jansen 1999)
 * where V is the variance of f over A and B together.  Outputs are centred
 * on their mean first (the estimators are unchanged in expectation and much
 * less noisy when the mean is large compared with the spread).  Confidence
 * intervals are bootstrap percentiles: the N rows (A, B, AB_1..AB_k of one
 * base point together) are resampled with replacement `nboot` times, from a
 * counter-based stream keyed by `seed`, so they are reproducible.
 *
 * Standardised regression coefficients (SRC).  y is regressed on the
 * inputs, all standardised (zero mean, unit variance), with GSL's linear
 * least squares; SRC_j is the change of y in standard deviations per
 * standard deviation of input j, and R^2 says how much of the variance a
 * linear model explains (SRC^2 sum to about R^2 for independent inputs).
 * Intervals from the coefficients' standard errors and Student's t.
 *
 * An output that does not vary has no indices: V = 0 (or sd(y) = 0) and
 * every estimate is NaN.  Results are written into caller-owned structs
 * whose arrays sen_*_free() releases.  Pure functions: thread-safe.
 */
#ifndef TROIKA_ANALYSIS_SENSITIVITY_H
#define TROIKA_ANALYSIS_SENSITIVITY_H

#include <stdint.h>

#include "err.h"

typedef struct {
    double est, lo, hi;
} sen_ci;

typedef struct {
    int k;            /* factors */
    int64_t n;        /* base sample size N */
    double mean, var; /* of f over A and B */
    int nboot;
    double level;
    sen_ci *s1; /* [k] first order */
    sen_ci *st; /* [k] total */
} sen_sobol;

/* yA[n], yB[n], yAB[j * n + i] = f(AB_j) at base point i. */
sim_status sen_sobol_compute(const double *yA, const double *yB, const double *yAB, int k,
                             int64_t n, int nboot, double level, uint64_t seed, sen_sobol *out,
                             sim_error *err);

/* The same from outputs in Saltelli order: y[i * (k + 2) + r] with r = 0
 * for A, 1 for B, 2 + j for AB_j (the order of analysis/design.h). */
sim_status sen_sobol_saltelli(const double *y, int k, int64_t n, int nboot, double level,
                              uint64_t seed, sen_sobol *out, sim_error *err);

void sen_sobol_free(sen_sobol *s);

typedef struct {
    int k;
    int64_t n;
    double r2; /* of the linear fit */
    double level;
    sen_ci *src; /* [k] */
} sen_src;

/* First-order indices from given data (no design: posterior draws, say).
 * For input j the n points are sorted by x_j and cut into `nbins` bins of
 * (nearly) equal count; with SSB the between-bin and SSW the within-bin
 * sums of squares of y and SST = SSB + SSW,
 *     S1_j = (SSB - (nbins - 1) SSW / (n - nbins)) / SST
 * the correlation ratio with the bias of the bin means' noise removed (it
 * is about 0 for an input y does not depend on, and can dip below).  This
 * is Var(E[y | x_j]) / Var(y) for inputs that are independent or not; a
 * total index needs a design and is not given.  Bootstrap percentile
 * intervals resample the n points, as sen_sobol_compute does, and are
 * moved by the bootstrap's bias (the resamples' mean minus the estimate):
 * a resample repeats points, which inflates the binned estimator. */
typedef struct {
    int k;
    int64_t n;
    int nbins, nboot;
    double level;
    double var; /* of y */
    sen_ci *s1; /* [k] */
} sen_binned;

/* x[i * k + j]: input j of point i; y[i].  nbins >= 2, n >= 2 nbins. */
sim_status sen_binned_compute(const double *x, const double *y, int64_t n, int k, int nbins,
                              int nboot, double level, uint64_t seed, sen_binned *out,
                              sim_error *err);

/* The default bin count for n points: the nearest integer to sqrt(n), at
 * least 2 and at most n / 2. */
int sen_binned_bins(int64_t n);

void sen_binned_free(sen_binned *s);

/* x[i * k + j]: input j of observation i; y[i]. Needs n > k + 1. */
sim_status sen_src_compute(const double *x, const double *y, int64_t n, int k, double level,
                           sen_src *out, sim_error *err);

void sen_src_free(sen_src *s);

#endif
