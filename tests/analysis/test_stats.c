/* tests/analysis/test_stats.c — summary statistics over replicates (analysis/stats.c).
 *
 * Known answers: a hand-computed n = 5 sample (mean, sd, the t quantile of
 * 4 degrees of freedom from statistical tables), and the cases whose t
 * distribution has a closed form — 1 degree of freedom is the Cauchy
 * distribution (quantile tan(pi (p - 1/2)), two-sided tail 1 - 2 atan(t) / pi)
 * and 2 degrees of freedom has t = u sqrt(2 / (1 - u^2)) at CDF (1 + u) / 2.
 * Paired differences against the same computed by hand; degenerate samples
 * (n = 0, 1, constant); and the coverage of the 95% interval on synthetic
 * normal data with a known mean: 1,000 intervals at a fixed seed, about 95%
 * cover it (asserted within 93-97%), for means and for paired differences.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "stats.h"

#define LEVEL 0.95

static const double PI = 3.14159265358979323846;

static void close_to(double got, double want, double rel)
{
    double tol = rel * (fabs(want) > 1 ? fabs(want) : 1.0);
    if (fabs(got - want) > tol)
        fail_msg("got %.17g, want %.17g (tolerance %.3g)", got, want, tol);
}

/* ---- known answers -------------------------------------------------------- */

/* x = 2.385, 4.7, 3.1, 5.25, 3.9: mean 19.335 / 5 = 3.867; squared
 * deviations 2.196324 + 0.693889 + 0.588289 + 1.912689 + 0.001089 = 5.39228,
 * variance 5.39228 / 4 = 1.34807, sd 1.16106416..., se = sd / sqrt(5);
 * t(0.975, 4) = 2.7764451051977987 (tables: 2.776). */
static void five_values(void **state)
{
    (void)state;
    const double x[] = {2.385, 4.7, 3.1, 5.25, 3.9};
    ana_summary s = ana_summarise(x, 5, LEVEL);
    assert_int_equal(s.n, 5);
    close_to(s.mean, 3.867, 1e-15);
    close_to(s.sd, sqrt(5.39228 / 4.0), 1e-13);
    double se = sqrt(5.39228 / 4.0) / sqrt(5.0);
    close_to(s.half, 2.7764451051977987 * se, 1e-12);
    close_to(s.half, 1.441651575826413, 1e-12);
    close_to(s.lo, 3.867 - 1.441651575826413, 1e-12);
    close_to(s.hi, 3.867 + 1.441651575826413, 1e-12);
    /* the interval is symmetric and the p-value matches the t statistic */
    close_to(s.hi - s.mean, s.mean - s.lo, 1e-15);
    close_to(s.p, 2.0 * gsl_cdf_tdist_Q(3.867 / se, 4.0), 1e-12);
    assert_true(s.p > 0.001 && s.p < 0.01); /* t = 7.45 on 4 degrees of freedom */
}

/* GSL's t quantiles against the closed forms of 1 and 2 degrees of freedom. */
static void t_quantiles(void **state)
{
    (void)state;
    close_to(gsl_cdf_tdist_Qinv(0.025, 1.0), tan(PI * 0.475), 1e-10);
    close_to(gsl_cdf_tdist_Qinv(0.025, 1.0), 12.706204736174696, 1e-10);
    double u = 0.95;
    close_to(gsl_cdf_tdist_Qinv(0.025, 2.0), u * sqrt(2.0 / (1.0 - u * u)), 1e-10);
    close_to(gsl_cdf_tdist_Qinv(0.025, 2.0), 4.302652729749462, 1e-10);
    close_to(gsl_cdf_tdist_Qinv(0.025, 4.0), 2.7764451051977987, 1e-10);
    /* many degrees of freedom: the normal quantile */
    close_to(gsl_cdf_tdist_Qinv(0.025, 1e7), 1.959963984540054, 1e-6);
}

/* Pairs (10.2, 11.5) and (7.7, 10.6): differences 1.3 and 2.9, mean 2.1,
 * sd |2.9 - 1.3| / sqrt 2, se 0.8, t = 2.625 with 1 degree of freedom:
 * half-width tan(0.475 pi) x 0.8, p = 1 - 2 atan(2.625) / pi = 0.2317... */
static void paired_two(void **state)
{
    (void)state;
    const double a[] = {10.2, 7.7}, b[] = {11.5, 10.6};
    ana_summary d = ana_paired(a, b, 2, LEVEL);
    assert_int_equal(d.n, 2);
    close_to(d.mean, 2.1, 1e-14);
    close_to(d.sd, 1.6 / sqrt(2.0), 1e-13);
    close_to(d.half, tan(PI * 0.475) * 0.8, 1e-10);
    close_to(d.p, 1.0 - 2.0 * atan(2.625) / PI, 1e-10);
    close_to(d.p, 0.23171620043975927, 1e-10);
    /* b - a, not a - b */
    ana_summary r = ana_paired(b, a, 2, LEVEL);
    close_to(r.mean, -2.1, 1e-14);
    close_to(r.p, d.p, 1e-15);
}

/* Pairing removes what both members share: a large common component does
 * not widen the interval of the difference. */
static void paired_removes_common_noise(void **state)
{
    (void)state;
    const double common[] = {100.0, -250.0, 37.5, 410.0, -80.0, 5.25};
    const double eff[] = {1.05, 0.95, 1.10, 0.90, 1.02, 0.98};
    double a[6], b[6], d[6];
    for (int i = 0; i < 6; i++) {
        a[i] = common[i];
        b[i] = common[i] + eff[i];
        d[i] = b[i] - a[i];
    }
    ana_summary p = ana_paired(a, b, 6, LEVEL), direct = ana_summarise(d, 6, LEVEL);
    close_to(p.mean, direct.mean, 1e-12);
    close_to(p.half, direct.half, 1e-9);
    close_to(p.mean, 1.0, 1e-12);
    assert_true(p.lo > 0.9 && p.hi < 1.1);
    /* unpaired, the two means overlap completely */
    ana_summary sa = ana_summarise(a, 6, LEVEL), sb = ana_summarise(b, 6, LEVEL);
    assert_true(sa.hi > sb.lo && sb.hi > sa.lo);
}

static void degenerate(void **state)
{
    (void)state;
    ana_summary z = ana_summarise(NULL, 0, LEVEL);
    assert_int_equal(z.n, 0);
    assert_true(z.half == 0.0 && z.p == 1.0);
    const double one[] = {2.385};
    ana_summary s1 = ana_summarise(one, 1, LEVEL);
    assert_true(s1.mean == 2.385 && s1.half == 0.0 && s1.sd == 0.0 && s1.p == 1.0);
    const double same[] = {0.4, 0.4, 0.4, 0.4};
    ana_summary c = ana_summarise(same, 4, LEVEL);
    assert_true(c.half == 0.0 && c.lo == 0.4 && c.hi == 0.4);
    assert_true(c.p == 0.0); /* a certain non-zero mean */
    const double zero[] = {0.0, 0.0, 0.0};
    assert_true(ana_summarise(zero, 3, LEVEL).p == 1.0);
    /* identical scenarios: a zero difference with p = 1 */
    ana_summary d = ana_paired(same, same, 4, LEVEL);
    assert_true(d.mean == 0.0 && d.half == 0.0 && d.p == 1.0);
}

/* Wider at a higher level, narrower with more data. */
static void monotone(void **state)
{
    (void)state;
    const double x[] = {1.3, 2.9, 2.2, 1.7, 3.4, 2.6, 1.9, 2.75};
    ana_summary a = ana_summarise(x, 8, 0.90), b = ana_summarise(x, 8, 0.95),
                c = ana_summarise(x, 8, 0.99);
    assert_true(a.half < b.half && b.half < c.half);
    double y[16];
    for (int i = 0; i < 16; i++)
        y[i] = x[i % 8];
    assert_true(ana_summarise(y, 16, 0.95).half < b.half);
}

/* ---- coverage on synthetic data ---------------------------------------------- */

#define NINT 1000

static void coverage_mean(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2385);
    const double mu = 3.17, sigma = 1.9;
    int cover = 0;
    for (int k = 0; k < NINT; k++) {
        double x[10];
        for (int i = 0; i < 10; i++)
            x[i] = mu + gsl_ran_gaussian(r, sigma);
        ana_summary s = ana_summarise(x, 10, LEVEL);
        cover += s.lo <= mu && mu <= s.hi;
    }
    gsl_rng_free(r);
    print_message("coverage of the mean: %d / %d\n", cover, NINT);
    assert_in_range(cover, 930, 970);
}

/* Paired differences with a shared component (common random numbers) and
 * a known effect of -0.42. */
static void coverage_paired(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7193);
    const double effect = -0.42;
    int cover = 0, excludes = 0;
    for (int k = 0; k < NINT; k++) {
        double a[5], b[5];
        for (int i = 0; i < 5; i++) {
            double shared = gsl_ran_gaussian(r, 3.0);
            a[i] = 10.0 + shared + gsl_ran_gaussian(r, 0.2);
            b[i] = 10.0 + effect + shared + gsl_ran_gaussian(r, 0.2);
        }
        ana_summary d = ana_paired(a, b, 5, LEVEL);
        cover += d.lo <= effect && effect <= d.hi;
        /* p < 0.05 exactly when the interval excludes zero */
        int ex = d.lo > 0 || d.hi < 0;
        assert_int_equal(ex, d.p < 0.05);
        excludes += ex;
    }
    gsl_rng_free(r);
    print_message("coverage of the paired difference: %d / %d (%d exclude zero)\n", cover, NINT,
                  excludes);
    assert_in_range(cover, 930, 970);
    assert_true(excludes > NINT / 2); /* the effect is usually detected */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(five_values),   cmocka_unit_test(t_quantiles),
        cmocka_unit_test(paired_two),    cmocka_unit_test(paired_removes_common_noise),
        cmocka_unit_test(degenerate),    cmocka_unit_test(monotone),
        cmocka_unit_test(coverage_mean), cmocka_unit_test(coverage_paired),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
