/* analysis/stats.c — see stats.h. */
#include "stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

/* The summary from n, the mean and the sum of squared deviations. */
static ana_summary from_moments(size_t n, double mean, double ss, double level)
{
    ana_summary s = {n, mean, 0.0, 0.0, mean, mean, 1.0};
    if (n < 2)
        return s;
    double df = (double)(n - 1);
    s.sd = sqrt(ss / df);
    double se = s.sd / sqrt((double)n);
    s.half = gsl_cdf_tdist_Qinv((1.0 - level) / 2.0, df) * se;
    s.lo = mean - s.half;
    s.hi = mean + s.half;
    if (se > 0.0)
        s.p = 2.0 * gsl_cdf_tdist_Q(fabs(mean) / se, df);
    else
        s.p = mean == 0.0 ? 1.0 : 0.0;
    return s;
}

/* Two passes in index order (deterministic); b == NULL: x itself, else the
 * differences b[i] - x[i]. */
static ana_summary summarise(const double *x, const double *b, size_t n, double level)
{
    if (n == 0)
        return from_moments(0, 0.0, 0.0, level);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += b ? b[i] - x[i] : x[i];
    double mean = sum / (double)n, ss = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = (b ? b[i] - x[i] : x[i]) - mean;
        ss += d * d;
    }
    return from_moments(n, mean, ss, level);
}

ana_summary ana_summarise(const double *x, size_t n, double level)
{
    return summarise(x, NULL, n, level);
}

ana_summary ana_paired(const double *a, const double *b, size_t n, double level)
{
    return summarise(a, b, n, level);
}
