/* analysis/stats.h — summary statistics for replicates.
 *
 * Means with Student-t confidence intervals (GSL's t quantiles), and paired
 * differences (scenarios compared over common random numbers: replicate i
 * of every scenario uses the same seed) with a two-sided p-value.
 * Pure functions of their inputs; no allocation; thread-safe.
 */
#ifndef TROIKA_ANALYSIS_STATS_H
#define TROIKA_ANALYSIS_STATS_H

#include <stddef.h>

typedef struct {
    size_t n;
    double mean;
    double sd;     /* sample standard deviation (n - 1); 0 if n < 2 */
    double half;   /* half-width of the confidence interval; 0 if n < 2 */
    double lo, hi; /* mean -/+ half */
    double p;      /* two-sided p-value of mean == 0 (t test); 1 if undefined */
} ana_summary;

/* Summary of x[0..n) at confidence level `level` (e.g. 0.95). */
ana_summary ana_summarise(const double *x, size_t n, double level);

/* Summary of the paired differences b[i] - a[i]. */
ana_summary ana_paired(const double *a, const double *b, size_t n, double level);

#endif
