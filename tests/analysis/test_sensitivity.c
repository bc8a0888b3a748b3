/* tests/analysis/test_sensitivity.c — Sobol indices and regression coefficients
 * (analysis/sensitivity.c) against analytic answers.
 *
 * The Ishigami function f = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i uniform
 * on [-pi, pi], a = 7, b = 0.1, has known indices (Ishigami & Homma 1990;
 * Saltelli et al. 2010):
 *   V   = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2
 *   V1  = (1 + b pi^4/5)^2 / 2,  V2 = a^2/8,  V3 = 0,
 *   V13 = b^2 pi^8 (1/18 - 1/50),  S_i = V_i / V,
 *   ST1 = (V1 + V13)/V, ST2 = S2, ST3 = V13/V
 * i.e. S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).  The sample
 * is the sweep's own Saltelli design (analysis/design.c), evaluated in C.
 *
 * A posterior comparison's pick-freeze design (analysis/compare.h,
 * ana_post_design_fill) is checked for its layout and, on an additive
 * function with an interaction over independent particles, for the
 * analytic indices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sensitivity.h"
#include "compare.h"
#include "design.h"
#include "rng.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static const double A = 7.0, B = 0.1;

static double ishigami(const double *x)
{
    return sin(x[0]) + A * sin(x[1]) * sin(x[1]) + B * pow(x[2], 4) * sin(x[0]);
}

static void analytic(double s[3], double st[3])
{
    double pi4 = pow(M_PI, 4), pi8 = pow(M_PI, 8);
    double V = A * A / 8 + B * pi4 / 5 + B * B * pi8 / 18 + 0.5;
    double V1 = 0.5 * pow(1 + B * pi4 / 5, 2), V2 = A * A / 8,
           V13 = B * B * pi8 * (1.0 / 18 - 1.0 / 50);
    s[0] = V1 / V;
    s[1] = V2 / V;
    s[2] = 0.0;
    st[0] = (V1 + V13) / V;
    st[1] = V2 / V;
    st[2] = V13 / V;
}

/* A Saltelli design over [-pi, pi]^3 from analysis/design.c's expansion. */
static swp_plan saltelli_plan(int64_t n)
{
    swp_plan p;
    memset(&p, 0, sizeof p);
    p.design = SWP_SALTELLI;
    p.samples = n;
    p.replicates = 1;
    p.nfactors = 3;
    p.factors = calloc(3, sizeof *p.factors);
    const char *keys[3] = {"pmc.margin", "pmc.adjust", "household.drift"}; /* reals */
    for (int j = 0; j < 3; j++) {
        snprintf(p.factors[j].key, sizeof p.factors[j].key, "%s", keys[j]);
        p.factors[j].param = -1; /* no bounds: the values are Ishigami's own */
        p.factors[j].scale = SWP_LINEAR;
        p.factors[j].lo = -M_PI;
        p.factors[j].hi = M_PI;
    }
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(swp_plan_expand(&p, &err), SIM_OK);
    assert_int_equal(p.npoints, n * 5);
    return p;
}

static void test_ishigami(void **state)
{
    (void)state;
    double s[3], st[3];
    analytic(s, st);
    assert_float_equal(s[0], 0.3139, 5e-4);
    assert_float_equal(s[1], 0.4424, 5e-4);
    assert_float_equal(st[0], 0.5576, 5e-4);
    assert_float_equal(st[2], 0.2437, 5e-4);

    int64_t n = 8192;
    swp_plan p = saltelli_plan(n);
    double *y = malloc((size_t)p.npoints * sizeof *y);
    for (int64_t q = 0; q < p.npoints; q++)
        y[q] = ishigami(p.values + q * 3);
    sen_sobol so;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sen_sobol_saltelli(y, 3, n, 500, 0.95, 2385, &so, &err), SIM_OK);
    for (int j = 0; j < 3; j++) {
        print_message("x%d: S1 %.4f [%.4f, %.4f] (%.4f)  ST %.4f [%.4f, %.4f] (%.4f)\n", j + 1,
                      so.s1[j].est, so.s1[j].lo, so.s1[j].hi, s[j], so.st[j].est, so.st[j].lo,
                      so.st[j].hi, st[j]);
        /* the analytic value lies within the bootstrap interval */
        assert_true(so.s1[j].lo <= s[j] && s[j] <= so.s1[j].hi);
        assert_true(so.st[j].lo <= st[j] && st[j] <= so.st[j].hi);
        /* and the estimate is close */
        assert_float_equal(so.s1[j].est, s[j], 0.03);
        assert_float_equal(so.st[j].est, st[j], 0.03);
        /* intervals are proper */
        assert_true(so.s1[j].lo < so.s1[j].est && so.s1[j].est < so.s1[j].hi);
        assert_true(so.st[j].hi - so.st[j].lo < 0.15);
    }
    assert_float_equal(so.var, A * A / 8 + B * pow(M_PI, 4) / 5 + B * B * pow(M_PI, 8) / 18 + 0.5,
                       0.4);

    /* the same seed gives the same intervals; another seed other ones */
    sen_sobol again, other;
    assert_int_equal(sen_sobol_saltelli(y, 3, n, 500, 0.95, 2385, &again, &err), SIM_OK);
    assert_int_equal(sen_sobol_saltelli(y, 3, n, 500, 0.95, 2386, &other, &err), SIM_OK);
    assert_memory_equal(so.s1, again.s1, 3 * sizeof *so.s1);
    assert_memory_equal(so.st, again.st, 3 * sizeof *so.st);
    assert_true(other.s1[0].lo != so.s1[0].lo);
    assert_true(other.s1[0].est == so.s1[0].est);
    sen_sobol_free(&so);
    sen_sobol_free(&again);
    sen_sobol_free(&other);
    free(y);
    swp_plan_clear(&p);
}

/* An additive linear model: S_j = ST_j = b_j^2 / sum b^2 (equal input
 * variances), and SRC_j = b_j / sqrt(sum b^2) with R^2 = 1. */
static void test_linear(void **state)
{
    (void)state;
    const double b[3] = {2.0, 1.0, 0.0};
    int64_t n = 2048;
    swp_plan p = saltelli_plan(n);
    double *y = malloc((size_t)p.npoints * sizeof *y);
    for (int64_t q = 0; q < p.npoints; q++) {
        const double *x = p.values + q * 3;
        y[q] = 3.5 + b[0] * x[0] + b[1] * x[1] + b[2] * x[2];
    }
    sen_sobol so;
    sen_src sr;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sen_sobol_saltelli(y, 3, n, 200, 0.9, 1, &so, &err), SIM_OK);
    assert_int_equal(sen_src_compute(p.values, y, p.npoints, 3, 0.95, &sr, &err), SIM_OK);
    double tot = b[0] * b[0] + b[1] * b[1] + b[2] * b[2];
    for (int j = 0; j < 3; j++) {
        assert_float_equal(so.s1[j].est, b[j] * b[j] / tot, 0.02);
        assert_float_equal(so.st[j].est, b[j] * b[j] / tot, 0.02);
        assert_float_equal(sr.src[j].est, b[j] / sqrt(tot), 0.02);
    }
    assert_float_equal(so.st[2].est, 0.0, 1e-12); /* x3 never moves y */
    assert_float_equal(sr.r2, 1.0, 1e-9);
    sen_sobol_free(&so);
    sen_src_free(&sr);

    /* with noise: SRC intervals cover the truth, R^2 drops */
    double sd_noise = 1.5;
    for (int64_t q = 0; q < p.npoints; q++) {
        sim_stream s;
        sim_stream_open(&s, 99, SIM_RNG_TEST, (uint32_t)q, 0);
        double u1 = sim_stream_uniform_pos(&s), u2 = sim_stream_uniform(&s);
        y[q] += sd_noise * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
    }
    assert_int_equal(sen_src_compute(p.values, y, p.npoints, 3, 0.99, &sr, &err), SIM_OK);
    double sdx = 2 * M_PI / sqrt(12.0), sdy = sqrt(tot * sdx * sdx + sd_noise * sd_noise);
    for (int j = 0; j < 3; j++) {
        double truth = b[j] * sdx / sdy;
        assert_true(sr.src[j].lo <= truth && truth <= sr.src[j].hi);
    }
    assert_true(sr.r2 < 0.95 && sr.r2 > 0.8);
    sen_src_free(&sr);
    free(y);
    swp_plan_clear(&p);
}

/* An output that does not vary has no indices (NaN), and no crash. */
static void test_constant_and_errors(void **state)
{
    (void)state;
    int64_t n = 64;
    swp_plan p = saltelli_plan(n);
    double *y = malloc((size_t)p.npoints * sizeof *y);
    for (int64_t q = 0; q < p.npoints; q++)
        y[q] = 0.731;
    sen_sobol so;
    sen_src sr;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sen_sobol_saltelli(y, 3, n, 50, 0.95, 1, &so, &err), SIM_OK);
    assert_true(so.var == 0.0);
    for (int j = 0; j < 3; j++)
        assert_true(isnan(so.s1[j].est) && isnan(so.st[j].hi));
    sen_sobol_free(&so);
    assert_int_equal(sen_src_compute(p.values, y, p.npoints, 3, 0.95, &sr, &err), SIM_OK);
    assert_true(isnan(sr.src[0].est) && isnan(sr.r2));
    sen_src_free(&sr);
    /* too few observations */
    assert_int_equal(sen_sobol_saltelli(y, 3, 1, 50, 0.95, 1, &so, &err), SIM_EINPUT);
    assert_int_equal(sen_src_compute(p.values, y, 4, 3, 0.95, &sr, &err), SIM_EINPUT);
    assert_int_equal(sen_sobol_saltelli(y, 3, n, 50, 1.5, 1, &so, &err), SIM_EINPUT);
    free(y);
    swp_plan_clear(&p);
}

/* Given-data first order (binning), known answer: y = x0 + e with x0 and e
 * independent, uniform with the same variance 1/12, and x1 uniform but
 * unused: S1(x0) = 1/2, S1(x1) = 0.  2000 points, 45 bins. */
static void test_binned(void **state)
{
    (void)state;
    enum { N = 2000 };
    static double x[N * 2], y[N];
    for (int i = 0; i < N; i++) {
        sim_stream s;
        sim_stream_open(&s, 17, SIM_RNG_TEST, (uint32_t)i, 0);
        x[2 * i] = sim_stream_uniform(&s);
        x[2 * i + 1] = sim_stream_uniform(&s);
        y[i] = x[2 * i] + sim_stream_uniform(&s) - 0.5;
    }
    int nb = sen_binned_bins(N);
    assert_int_equal(nb, 45);
    sen_binned b;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sen_binned_compute(x, y, N, 2, nb, 200, 0.95, 5, &b, &err), SIM_OK);
    print_message("S1(x0) = %.4f [%.4f, %.4f], S1(x1) = %.4f [%.4f, %.4f]\n", b.s1[0].est,
                  b.s1[0].lo, b.s1[0].hi, b.s1[1].est, b.s1[1].lo, b.s1[1].hi);
    assert_true(fabs(b.s1[0].est - 0.5) < 0.05);
    assert_true(fabs(b.s1[1].est) < 0.03);
    assert_true(b.s1[0].lo < 0.5 && 0.5 < b.s1[0].hi);
    assert_true(b.s1[1].lo < 0.0 && 0.0 < b.s1[1].hi);
    assert_true(b.s1[0].lo > 0.4 && b.s1[1].hi < 0.1); /* the ranking is clear */
    /* the same seed, the same intervals */
    sen_binned c;
    assert_int_equal(sen_binned_compute(x, y, N, 2, nb, 200, 0.95, 5, &c, &err), SIM_OK);
    assert_true(c.s1[0].lo == b.s1[0].lo && c.s1[1].hi == b.s1[1].hi);
    sen_binned_free(&c);
    sen_binned_free(&b);
    /* y depending on x1 alone, without noise: S1(x1) close to 1 */
    for (int i = 0; i < N; i++)
        y[i] = exp(2.0 * x[2 * i + 1]);
    assert_int_equal(sen_binned_compute(x, y, N, 2, nb, 0, 0.95, 5, &b, &err), SIM_OK);
    assert_true(b.s1[1].est > 0.99 && fabs(b.s1[0].est) < 0.03);
    assert_true(isnan(b.s1[0].lo));
    sen_binned_free(&b);
    /* a constant output has no index; too few points is an error */
    for (int i = 0; i < N; i++)
        y[i] = 2.385;
    assert_int_equal(sen_binned_compute(x, y, N, 2, nb, 10, 0.95, 5, &b, &err), SIM_OK);
    assert_true(isnan(b.s1[0].est) && b.var == 0.0);
    sen_binned_free(&b);
    assert_int_equal(sen_binned_compute(x, y, 7, 2, 4, 10, 0.95, 5, &b, &err), SIM_EINPUT);
    assert_int_equal(sen_binned_bins(5), 2);
}
/* A posterior of n equally weighted particles, x_i independent uniform on
 * [-1, 1] (k columns): theta[n x k] and cum[n]. */
static void uniform_particles(int64_t n, int k, uint64_t seed, double *theta, double *cum)
{
    sim_stream rs;
    sim_stream_open(&rs, seed, SIM_RNG_POSTERIOR_DRAW, 77, 0);
    for (int64_t i = 0; i < n; i++) {
        for (int j = 0; j < k; j++)
            theta[i * k + j] = 2.0 * sim_stream_uniform(&rs) - 1.0;
        cum[i] = (double)(i + 1);
    }
}

/* The pick-freeze design of a posterior comparison (ana_post_design_fill):
 * A_i and B_i are picks with distinct stream counters 2i and 2i + 1, AB_j,i
 * is A_i with column j from B_i, the roles follow design.h's order, and a
 * draws design is the plain picks 0, 1, 2, ... */
static void test_post_design(void **state)
{
    (void)state;
    enum { NP = 50, K = 3, N = 20 };
    double theta[NP * K], cum[NP];
    uniform_particles(NP, K, 9, theta, cum);
    int64_t pts = ana_post_points(ANA_POST_SALTELLI, N, K);
    assert_int_equal(pts, N * (K + 2));
    assert_int_equal(ana_post_points(ANA_POST_DRAWS, N, K), N);
    double v[N * (K + 2) * K];
    int64_t part[N * (K + 2)];
    ana_post_design_fill(ANA_POST_SALTELLI, N, theta, cum, NP, K, 31, v, part);
    int differ = 0;
    for (int64_t i = 0; i < N; i++) {
        int64_t p0 = i * (K + 2);
        assert_int_equal(ana_post_role(ANA_POST_SALTELLI, K, p0), 0);
        assert_int_equal(ana_post_role(ANA_POST_SALTELLI, K, p0 + 1), 1);
        assert_int_equal(part[p0], ana_post_pick(cum, NP, 31, 2 * i));
        assert_int_equal(part[p0 + 1], ana_post_pick(cum, NP, 31, 2 * i + 1));
        differ += part[p0] != part[p0 + 1];
        assert_memory_equal(v + p0 * K, theta + part[p0] * K, K * sizeof *v);
        assert_memory_equal(v + (p0 + 1) * K, theta + part[p0 + 1] * K, K * sizeof *v);
        for (int j = 0; j < K; j++) {
            int64_t q = p0 + 2 + j;
            assert_int_equal(ana_post_role(ANA_POST_SALTELLI, K, q), 2 + j);
            assert_int_equal(part[q], -1);
            for (int c = 0; c < K; c++)
                assert_true(v[q * K + c] == (c == j ? v[(p0 + 1) * K + c] : v[p0 * K + c]));
        }
    }
    /* independent picks from 50 particles: A and B mostly differ */
    assert_true(differ >= N - 3);
    ana_post_design_fill(ANA_POST_DRAWS, N, theta, cum, NP, K, 31, v, part);
    for (int64_t d = 0; d < N; d++) {
        assert_int_equal(part[d], ana_post_pick(cum, NP, 31, d));
        assert_int_equal(ana_post_role(ANA_POST_DRAWS, K, d), 0);
    }
    assert_string_equal(ana_post_design_name(ANA_POST_SALTELLI), "saltelli");
    assert_int_equal(ana_post_design_parse("draws"), ANA_POST_DRAWS);
    assert_int_equal(ana_post_design_parse("saltelli"), ANA_POST_SALTELLI);
    assert_int_equal(ana_post_design_parse("sobol"), -1);
}

/* Sobol indices from a posterior comparison's pick-freeze design over a
 * joint sample whose columns are independent, x_i uniform on [-1, 1]
 * (variance s = 1/3), of y = a x1 + b x2 + c x1 x3:
 *   V1 = a^2 s, V2 = b^2 s, V3 = 0, V13 = c^2 s^2, V = V1 + V2 + V13,
 *   S = (V1, V2, 0) / V, ST = (V1 + V13, V2, V13) / V. */
static void test_post_saltelli(void **state)
{
    (void)state;
    const double a = 1.0, b = 0.5, c = 2.0, sv = 1.0 / 3.0;
    double V1 = a * a * sv, V2 = b * b * sv, V13 = c * c * sv * sv, V = V1 + V2 + V13;
    double s1[3] = {V1 / V, V2 / V, 0.0}, st[3] = {(V1 + V13) / V, V2 / V, V13 / V};
    enum { K = 3 };
    int64_t np = 20000, n = 4000, pts = ana_post_points(ANA_POST_SALTELLI, n, K);
    double *theta = malloc((size_t)np * K * sizeof *theta), *cum = malloc((size_t)np * sizeof *cum);
    double *v = malloc((size_t)pts * K * sizeof *v), *y = malloc((size_t)pts * sizeof *y);
    int64_t *part = malloc((size_t)pts * sizeof *part);
    assert_non_null(theta && cum && v && y && part);
    uniform_particles(np, K, 4, theta, cum);
    ana_post_design_fill(ANA_POST_SALTELLI, n, theta, cum, np, K, 12, v, part);
    for (int64_t q = 0; q < pts; q++) {
        const double *x = v + q * K;
        y[q] = 10.0 + a * x[0] + b * x[1] + c * x[0] * x[2];
    }
    sen_sobol so;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sen_sobol_saltelli(y, K, n, 300, 0.95, 5, &so, &err), SIM_OK);
    for (int j = 0; j < K; j++) {
        print_message("x%d: S1 %.4f [%.4f, %.4f] (%.4f)  ST %.4f [%.4f, %.4f] (%.4f)\n", j + 1,
                      so.s1[j].est, so.s1[j].lo, so.s1[j].hi, s1[j], so.st[j].est, so.st[j].lo,
                      so.st[j].hi, st[j]);
        /* within Monte Carlo error: the bootstrap interval, widened a little */
        double h1 = so.s1[j].hi - so.s1[j].lo, ht = so.st[j].hi - so.st[j].lo;
        assert_true(h1 < 0.15 && ht < 0.15);
        assert_true(so.s1[j].lo - 0.25 * h1 <= s1[j] && s1[j] <= so.s1[j].hi + 0.25 * h1);
        assert_true(so.st[j].lo - 0.25 * ht <= st[j] && st[j] <= so.st[j].hi + 0.25 * ht);
    }
    assert_float_equal(so.var, V, 0.05 * V);
    sen_sobol_free(&so);
    free(theta);
    free(cum);
    free(v);
    free(y);
    free(part);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ishigami),    cmocka_unit_test(test_linear),
        cmocka_unit_test(test_binned),      cmocka_unit_test(test_constant_and_errors),
        cmocka_unit_test(test_post_design), cmocka_unit_test(test_post_saltelli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
