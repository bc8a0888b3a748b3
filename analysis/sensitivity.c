/* analysis/sensitivity.c — see sensitivity.h.
 *
 * The bootstrap draws row indices from a Philox stream keyed by (seed, this
 * purpose, replicate b), so replicate b is the same whatever the order of
 * computation.  Sums are in index order (deterministic).
 */
#include "sensitivity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_vector.h>

#include "rng.h"

/* Stream purpose of the bootstrap (analysis, never a run's stream). */
#define SEN_RNG_BOOTSTRAP 2001u

#define NOMEM(err) SIM_FAIL((err), SIM_ENOMEM, NULL, 0, NULL, "out of memory")

void sen_sobol_free(sen_sobol *s)
{
    if (!s)
        return;
    free(s->s1);
    free(s->st);
    s->s1 = s->st = NULL;
}

void sen_src_free(sen_src *s)
{
    if (!s)
        return;
    free(s->src);
    s->src = NULL;
}

/* Indices from rows idx[0..n) (idx NULL: 0..n-1).  s1, st: [k]. */
static void sobol_once(const double *yA, const double *yB, const double *yAB, int k, int64_t n,
                       const uint32_t *idx, double *s1, double *st, double *mean_out,
                       double *var_out)
{
    double sum = 0.0;
    for (int64_t t = 0; t < n; t++) {
        int64_t i = idx ? idx[t] : t;
        sum += yA[i] + yB[i];
    }
    double mean = sum / (double)(2 * n), ss = 0.0;
    for (int64_t t = 0; t < n; t++) {
        int64_t i = idx ? idx[t] : t;
        double a = yA[i] - mean, b = yB[i] - mean;
        ss += a * a + b * b;
    }
    double var = 2 * n > 1 ? ss / (double)(2 * n - 1) : 0.0;
    int constant = 1; /* exactly: rounding in the mean must not fake a variance */
    for (int64_t t = 0; t < n && constant; t++) {
        int64_t i = idx ? idx[t] : t, i0 = idx ? idx[0] : 0;
        constant = yA[i] == yA[i0] && yB[i] == yA[i0];
    }
    if (constant)
        var = 0.0;
    if (mean_out)
        *mean_out = mean;
    if (var_out)
        *var_out = var;
    for (int j = 0; j < k; j++) {
        const double *yj = yAB + (size_t)j * (size_t)n;
        double f = 0.0, g = 0.0;
        for (int64_t t = 0; t < n; t++) {
            int64_t i = idx ? idx[t] : t;
            double a = yA[i] - mean, b = yB[i] - mean, ab = yj[i] - mean;
            f += b * (ab - a);
            g += (a - ab) * (a - ab);
        }
        s1[j] = var > 0 ? f / (double)n / var : NAN;
        st[j] = var > 0 ? g / (2.0 * (double)n) / var : NAN;
    }
}

/* The (1-level)/2 and (1+level)/2 quantiles of x[0..n) (sorted in place). */
static void percentile(double *x, int n, double level, double *lo, double *hi)
{
    int m = 0;
    for (int b = 0; b < n; b++) /* NaNs (a resample without variance) go */
        if (!isnan(x[b]))
            x[m++] = x[b];
    if (m == 0) {
        *lo = *hi = NAN;
        return;
    }
    gsl_sort(x, 1, (size_t)m);
    *lo = gsl_stats_quantile_from_sorted_data(x, 1, (size_t)m, (1.0 - level) / 2.0);
    *hi = gsl_stats_quantile_from_sorted_data(x, 1, (size_t)m, (1.0 + level) / 2.0);
}

sim_status sen_sobol_compute(const double *yA, const double *yB, const double *yAB, int k,
                             int64_t n, int nboot, double level, uint64_t seed, sen_sobol *out,
                             sim_error *err)
{
    memset(out, 0, sizeof *out);
    if (k < 1 || n < 2 || n > UINT32_MAX || nboot < 0 || !(level > 0.0 && level < 1.0))
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL,
                        "Sobol indices need at least 2 base samples, 1 factor and a level in "
                        "(0, 1) (here N = %lld, k = %d, level %g)",
                        (long long)n, k, level);
    out->k = k;
    out->n = n;
    out->nboot = nboot;
    out->level = level;
    out->s1 = calloc((size_t)k, sizeof *out->s1);
    out->st = calloc((size_t)k, sizeof *out->st);
    double *e1 = malloc((size_t)k * sizeof *e1), *et = malloc((size_t)k * sizeof *et);
    double *b1 = malloc((size_t)k * (size_t)(nboot ? nboot : 1) * sizeof *b1);
    double *bt = malloc((size_t)k * (size_t)(nboot ? nboot : 1) * sizeof *bt);
    double *q1 = malloc((size_t)k * sizeof *q1), *qt = malloc((size_t)k * sizeof *qt);
    uint32_t *idx = malloc((size_t)n * sizeof *idx);
    sim_status st = SIM_OK;
    if (!out->s1 || !out->st || !e1 || !et || !b1 || !bt || !q1 || !qt || !idx) {
        st = NOMEM(err);
        sen_sobol_free(out);
        goto done;
    }
    sobol_once(yA, yB, yAB, k, n, NULL, e1, et, &out->mean, &out->var);
    for (int b = 0; b < nboot; b++) {
        sim_stream s;
        sim_stream_open(&s, seed, SEN_RNG_BOOTSTRAP, (uint32_t)b, 0);
        for (int64_t t = 0; t < n; t++)
            idx[t] = sim_stream_below(&s, (uint32_t)n);
        sobol_once(yA, yB, yAB, k, n, idx, q1, qt, NULL, NULL);
        for (int j = 0; j < k; j++) {
            b1[(size_t)j * (size_t)nboot + (size_t)b] = q1[j];
            bt[(size_t)j * (size_t)nboot + (size_t)b] = qt[j];
        }
    }
    for (int j = 0; j < k; j++) {
        out->s1[j].est = e1[j];
        out->st[j].est = et[j];
        if (nboot > 0 && out->var > 0) {
            percentile(b1 + (size_t)j * (size_t)nboot, nboot, level, &out->s1[j].lo,
                       &out->s1[j].hi);
            percentile(bt + (size_t)j * (size_t)nboot, nboot, level, &out->st[j].lo,
                       &out->st[j].hi);
        } else {
            out->s1[j].lo = out->s1[j].hi = out->st[j].lo = out->st[j].hi = NAN;
        }
    }
done:
    free(e1);
    free(et);
    free(q1);
    free(qt);
    free(b1);
    free(bt);
    free(idx);
    return st;
}

sim_status sen_sobol_saltelli(const double *y, int k, int64_t n, int nboot, double level,
                              uint64_t seed, sen_sobol *out, sim_error *err)
{
    memset(out, 0, sizeof *out);
    if (k < 1 || n < 1)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL, "empty Saltelli sample");
    double *yA = malloc((size_t)n * sizeof *yA), *yB = malloc((size_t)n * sizeof *yB);
    double *yAB = malloc((size_t)n * (size_t)k * sizeof *yAB);
    sim_status st;
    if (!yA || !yB || !yAB) {
        st = NOMEM(err);
    } else {
        int64_t stride = k + 2;
        for (int64_t i = 0; i < n; i++) {
            yA[i] = y[i * stride];
            yB[i] = y[i * stride + 1];
            for (int j = 0; j < k; j++)
                yAB[(size_t)j * (size_t)n + (size_t)i] = y[i * stride + 2 + j];
        }
        st = sen_sobol_compute(yA, yB, yAB, k, n, nboot, level, seed, out, err);
    }
    free(yA);
    free(yB);
    free(yAB);
    return st;
}

sim_status sen_src_compute(const double *x, const double *y, int64_t n, int k, double level,
                           sen_src *out, sim_error *err)
{
    memset(out, 0, sizeof *out);
    if (k < 1 || n < (int64_t)k + 2 || !(level > 0.0 && level < 1.0))
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL,
                        "regression coefficients need more observations than factors + 1 "
                        "(here %lld observations, %d factors)",
                        (long long)n, k);
    out->k = k;
    out->n = n;
    out->level = level;
    out->src = calloc((size_t)k, sizeof *out->src);
    if (!out->src)
        return NOMEM(err);
    for (int j = 0; j < k; j++)
        out->src[j].est = out->src[j].lo = out->src[j].hi = NAN;
    out->r2 = NAN;
    double ym = gsl_stats_mean(y, 1, (size_t)n), ysd = gsl_stats_sd_m(y, 1, (size_t)n, ym);
    int constant = 1;
    for (int64_t i = 1; i < n && constant; i++)
        constant = y[i] == y[0];
    if (constant || !(ysd > 0))
        return SIM_OK; /* the output does not vary */
    gsl_matrix *X = gsl_matrix_alloc((size_t)n, (size_t)k + 1);
    gsl_vector *Y = gsl_vector_alloc((size_t)n), *c = gsl_vector_alloc((size_t)k + 1);
    gsl_matrix *cov = gsl_matrix_alloc((size_t)k + 1, (size_t)k + 1);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc((size_t)n, (size_t)k + 1);
    sim_status st = SIM_OK;
    if (!X || !Y || !c || !cov || !w) {
        st = NOMEM(err);
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        gsl_matrix_set(X, (size_t)i, 0, 1.0);
        gsl_vector_set(Y, (size_t)i, (y[i] - ym) / ysd);
    }
    int usable = 1;
    for (int j = 0; j < k; j++) {
        double m = 0.0, ss = 0.0;
        for (int64_t i = 0; i < n; i++)
            m += x[i * k + j];
        m /= (double)n;
        for (int64_t i = 0; i < n; i++)
            ss += (x[i * k + j] - m) * (x[i * k + j] - m);
        double sd = sqrt(ss / (double)(n - 1));
        if (!(sd > 0))
            usable = 0;
        for (int64_t i = 0; i < n; i++)
            gsl_matrix_set(X, (size_t)i, (size_t)j + 1, sd > 0 ? (x[i * k + j] - m) / sd : 0.0);
    }
    if (!usable) {
        st = SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL, "an input does not vary");
        goto done;
    }
    double chisq = 0.0;
    if (gsl_multifit_linear(X, Y, c, cov, &chisq, w) != 0) {
        st = SIM_FAIL(err, SIM_ENUMERIC, NULL, 0, NULL, "the least-squares fit failed");
        goto done;
    }
    double tss = (double)(n - 1); /* standardised y */
    out->r2 = 1.0 - chisq / tss;
    double df = (double)(n - k - 1);
    double tq = gsl_cdf_tdist_Qinv((1.0 - level) / 2.0, df);
    for (int j = 0; j < k; j++) {
        double b = gsl_vector_get(c, (size_t)j + 1);
        double se = sqrt(gsl_matrix_get(cov, (size_t)j + 1, (size_t)j + 1));
        out->src[j].est = b;
        out->src[j].lo = b - tq * se;
        out->src[j].hi = b + tq * se;
    }
done:
    if (st != SIM_OK)
        sen_src_free(out);
    gsl_matrix_free(X);
    gsl_vector_free(Y);
    gsl_vector_free(c);
    gsl_matrix_free(cov);
    if (w)
        gsl_multifit_linear_free(w);
    return st;
}

/* ---- first order from given data (binning) ------------------------------------------- */

void sen_binned_free(sen_binned *s)
{
    if (!s)
        return;
    free(s->s1);
    s->s1 = NULL;
}

int sen_binned_bins(int64_t n)
{
    int64_t b = (int64_t)floor(sqrt((double)n) + 0.5);
    if (b > n / 2)
        b = n / 2;
    return b < 2 ? 2 : (int)b;
}

/* S1 of every input from points idx[0..n) (idx NULL: 0..n-1) into s1[k];
 * xs, ys, ord: scratch of n. */
static void binned_once(const double *x, const double *y, int64_t n, int k, int nbins,
                        const uint32_t *idx, double *xs, double *ys, size_t *ord, double *bsum,
                        int64_t *bcnt, double *s1, double *var_out)
{
    double mean = 0.0;
    for (int64_t t = 0; t < n; t++) {
        ys[t] = y[idx ? idx[t] : t];
        mean += ys[t];
    }
    mean /= (double)n;
    double sst = 0.0;
    int constant = 1;
    for (int64_t t = 0; t < n; t++) {
        sst += (ys[t] - mean) * (ys[t] - mean);
        constant = constant && ys[t] == ys[0];
    }
    if (var_out)
        *var_out = constant ? 0.0 : sst / (double)(n - 1);
    for (int j = 0; j < k; j++) {
        if (constant) {
            s1[j] = NAN;
            continue;
        }
        for (int64_t t = 0; t < n; t++)
            xs[t] = x[(size_t)(idx ? idx[t] : t) * (size_t)k + (size_t)j];
        gsl_sort_index(ord, xs, 1, (size_t)n);
        for (int b = 0; b < nbins; b++)
            bsum[b] = 0.0, bcnt[b] = 0;
        for (int64_t r = 0; r < n; r++) {
            int b = (int)(r * nbins / n);
            bsum[b] += ys[ord[r]];
            bcnt[b]++;
        }
        double ssb = 0.0;
        for (int b = 0; b < nbins; b++)
            if (bcnt[b])
                ssb += (double)bcnt[b] * (bsum[b] / bcnt[b] - mean) * (bsum[b] / bcnt[b] - mean);
        double ssw = sst - ssb;
        s1[j] = (ssb - (double)(nbins - 1) * ssw / (double)(n - nbins)) / sst;
    }
}

sim_status sen_binned_compute(const double *x, const double *y, int64_t n, int k, int nbins,
                              int nboot, double level, uint64_t seed, sen_binned *out,
                              sim_error *err)
{
    memset(out, 0, sizeof *out);
    if (k < 1 || nbins < 2 || n < 2 * (int64_t)nbins || n > UINT32_MAX || nboot < 0 ||
        !(level > 0.0 && level < 1.0))
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL,
                        "first-order indices from given data need at least 2 bins of 2 "
                        "points, 1 input and a level in (0, 1) (here n = %lld, %d bins, k = "
                        "%d, level %g)",
                        (long long)n, nbins, k, level);
    out->k = k;
    out->n = n;
    out->nbins = nbins;
    out->nboot = nboot;
    out->level = level;
    out->s1 = calloc((size_t)k, sizeof *out->s1);
    double *e1 = malloc((size_t)k * sizeof *e1), *q1 = malloc((size_t)k * sizeof *q1);
    double *b1 = malloc((size_t)k * (size_t)(nboot ? nboot : 1) * sizeof *b1);
    double *xs = malloc((size_t)n * sizeof *xs), *ys = malloc((size_t)n * sizeof *ys);
    double *bsum = malloc((size_t)nbins * sizeof *bsum);
    int64_t *bcnt = malloc((size_t)nbins * sizeof *bcnt);
    size_t *ord = malloc((size_t)n * sizeof *ord);
    uint32_t *idx = malloc((size_t)n * sizeof *idx);
    sim_status st = SIM_OK;
    if (!out->s1 || !e1 || !q1 || !b1 || !xs || !ys || !bsum || !bcnt || !ord || !idx) {
        st = NOMEM(err);
        sen_binned_free(out);
        goto done;
    }
    binned_once(x, y, n, k, nbins, NULL, xs, ys, ord, bsum, bcnt, e1, &out->var);
    for (int b = 0; b < nboot; b++) {
        sim_stream s;
        sim_stream_open(&s, seed, SEN_RNG_BOOTSTRAP, (uint32_t)b, 0);
        for (int64_t t = 0; t < n; t++)
            idx[t] = sim_stream_below(&s, (uint32_t)n);
        binned_once(x, y, n, k, nbins, idx, xs, ys, ord, bsum, bcnt, q1, NULL);
        for (int j = 0; j < k; j++)
            b1[(size_t)j * (size_t)nboot + (size_t)b] = q1[j];
    }
    for (int j = 0; j < k; j++) {
        out->s1[j].est = e1[j];
        out->s1[j].lo = out->s1[j].hi = NAN;
        if (nboot == 0)
            continue;
        /* a resample repeats points, which the binned estimator reads as
         * signal: the interval is moved by that bias (the resamples' mean
         * minus the estimate) */
        double *bj = b1 + (size_t)j * (size_t)nboot, sum = 0.0;
        int m = 0;
        for (int b = 0; b < nboot; b++)
            if (!isnan(bj[b]))
                sum += bj[b], m++;
        percentile(bj, nboot, level, &out->s1[j].lo, &out->s1[j].hi);
        if (m > 0) {
            double bias = sum / m - e1[j];
            out->s1[j].lo -= bias;
            out->s1[j].hi -= bias;
        }
    }
done:
    free(e1);
    free(q1);
    free(b1);
    free(xs);
    free(ys);
    free(bsum);
    free(bcnt);
    free(ord);
    free(idx);
    return st;
}
