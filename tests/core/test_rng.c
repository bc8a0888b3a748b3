/* tests/core/test_rng.c — random streams: known answers, keying, independence
 * of the order in which streams are opened, GSL distributions on top. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <Random123/philox.h>

#include "rng.h"

/* The stream is Philox4x32-10 with key = seed and counter =
 * (draw block, entity, day, purpose): check against Random123 directly. */
static void test_known_answer(void **state)
{
    (void)state;
    sim_stream s;
    sim_stream_open(&s, 0x0123456789abcdefULL, 7, 42, 365);
    philox4x32_ctr_t c = {{0, 42, 365, 7}};
    philox4x32_key_t k = {{0x89abcdefu, 0x01234567u}};
    philox4x32_ctr_t r = philox4x32(c, k);
    for (int i = 0; i < 4; i++)
        assert_int_equal(sim_stream_u32(&s), r.v[i]);
    c.v[0] = 1;
    r = philox4x32(c, k);
    assert_int_equal(sim_stream_u32(&s), r.v[0]);
}

/* Random123's published known answer for philox4x32-10 with zero input. */
static void test_philox_kat(void **state)
{
    (void)state;
    sim_stream s;
    sim_stream_open(&s, 0, 0, 0, 0);
    assert_int_equal(sim_stream_u32(&s), 0x6627e8d5u);
    assert_int_equal(sim_stream_u32(&s), 0xe169c58du);
    assert_int_equal(sim_stream_u32(&s), 0xbc57ac4cu);
    assert_int_equal(sim_stream_u32(&s), 0x9b00dbd8u);
}

/* Each key component changes the numbers. */
static void test_keying(void **state)
{
    (void)state;
    uint32_t base, v;
    sim_stream s;
    sim_stream_open(&s, 11, 3, 5, 7);
    base = sim_stream_u32(&s);
    sim_stream_open(&s, 12, 3, 5, 7);
    v = sim_stream_u32(&s);
    assert_int_not_equal(base, v);
    sim_stream_open(&s, 11, 4, 5, 7);
    v = sim_stream_u32(&s);
    assert_int_not_equal(base, v);
    sim_stream_open(&s, 11, 3, 6, 7);
    v = sim_stream_u32(&s);
    assert_int_not_equal(base, v);
    sim_stream_open(&s, 11, 3, 5, 8);
    v = sim_stream_u32(&s);
    assert_int_not_equal(base, v);
    /* seeds that differ only in the high word differ too */
    sim_stream_open(&s, 11 + (1ULL << 40), 3, 5, 7);
    v = sim_stream_u32(&s);
    assert_int_not_equal(base, v);
}

/* Interleaving two streams gives the same numbers as drawing them apart:
 * nothing is shared between streams (what makes threads irrelevant). */
static void test_interleaving(void **state)
{
    (void)state;
    uint32_t a[64], b[64];
    sim_stream s, t;
    sim_stream_open(&s, 99, 1, 2, 3);
    for (int i = 0; i < 64; i++)
        a[i] = sim_stream_u32(&s);
    sim_stream_open(&t, 99, 1, 9, 3);
    for (int i = 0; i < 64; i++)
        b[i] = sim_stream_u32(&t);
    sim_stream_open(&s, 99, 1, 2, 3);
    sim_stream_open(&t, 99, 1, 9, 3);
    for (int i = 0; i < 64; i++) {
        assert_int_equal(sim_stream_u32(&t), b[i]);
        assert_int_equal(sim_stream_u32(&s), a[i]);
    }
}

/* Uniforms: in range, mean and variance of 200,000 draws near 1/2, 1/12. */
static void test_uniform_moments(void **state)
{
    (void)state;
    sim_stream s;
    sim_stream_open(&s, 2385, SIM_RNG_TEST, 0, 0);
    double sum = 0, sum2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double u = sim_stream_uniform(&s);
        assert_true(u >= 0.0 && u < 1.0);
        double v = sim_stream_uniform_pos(&s);
        assert_true(v > 0.0 && v < 1.0);
        sum += u;
        sum2 += u * u;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    assert_true(fabs(mean - 0.5) < 4 * sqrt(1.0 / 12 / n));
    assert_true(fabs(var - 1.0 / 12) < 0.002);
}

/* below(n): every value reachable, none out of range, roughly uniform. */
static void test_below(void **state)
{
    (void)state;
    sim_stream s;
    sim_stream_open(&s, 7, SIM_RNG_TEST, 1, 0);
    int count[7] = {0};
    for (int i = 0; i < 70000; i++) {
        uint32_t k = sim_stream_below(&s, 7);
        assert_true(k < 7);
        count[k]++;
    }
    for (int k = 0; k < 7; k++)
        assert_true(abs(count[k] - 10000) < 500);
    assert_int_equal(sim_stream_below(&s, 1), 0);
}

/* The GSL view draws the same numbers as the stream, and GSL's
 * distributions work on it (Poisson mean 3.7 over 100,000 draws). */
static void test_gsl_adapter(void **state)
{
    (void)state;
    sim_rng r;
    sim_stream s;
    gsl_rng *g = sim_rng_open(&r, 5, SIM_RNG_TEST, 3, 4);
    sim_stream_open(&s, 5, SIM_RNG_TEST, 3, 4);
    for (int i = 0; i < 10; i++)
        assert_int_equal(gsl_rng_get(g), sim_stream_u32(&s));
    assert_string_equal(gsl_rng_name(g), "philox4x32-10-troika");
    g = sim_rng_open(&r, 5, SIM_RNG_TEST, 3, 5);
    double sum = 0;
    const int n = 100000;
    for (int i = 0; i < n; i++)
        sum += gsl_ran_poisson(g, 3.7);
    assert_true(fabs(sum / n - 3.7) < 4 * sqrt(3.7 / n));
    /* reopening gives the same draws: streams are pure functions of keys */
    g = sim_rng_open(&r, 5, SIM_RNG_TEST, 3, 5);
    unsigned int first = gsl_ran_binomial(g, 0.3, 1000);
    g = sim_rng_open(&r, 5, SIM_RNG_TEST, 3, 5);
    assert_int_equal(gsl_ran_binomial(g, 0.3, 1000), first);
}

/* Poisson by inversion: mean and variance for small and large means, and
 * zero for a zero mean. */
static void test_poisson(void **state)
{
    (void)state;
    const double mus[] = {0.03, 0.42, 3.7, 15.9, 40.0};
    for (size_t k = 0; k < sizeof mus / sizeof mus[0]; k++) {
        sim_stream s;
        sim_stream_open(&s, 17, SIM_RNG_TEST, (uint32_t)k, 0);
        const int n = 100000;
        double sum = 0, sum2 = 0;
        for (int i = 0; i < n; i++) {
            double x = sim_stream_poisson(&s, mus[k]);
            sum += x;
            sum2 += x * x;
        }
        double mean = sum / n, var = sum2 / n - mean * mean;
        assert_true(fabs(mean - mus[k]) < 5 * sqrt(mus[k] / n));
        assert_true(fabs(var / mus[k] - 1.0) < 0.05);
    }
    sim_stream s;
    sim_stream_open(&s, 17, SIM_RNG_TEST, 99, 0);
    assert_int_equal(sim_stream_poisson(&s, 0.0), 0);
    assert_int_equal(sim_stream_poisson(&s, -1.0), 0);
}

/* Skipping: the selected share matches p, and p = 0 selects nothing. */
static void test_skip(void **state)
{
    (void)state;
    sim_stream s;
    sim_stream_open(&s, 23, SIM_RNG_TEST, 0, 0);
    const double p = 0.1;
    const int64_t n = 1000000;
    int64_t selected = 0;
    for (int64_t i = sim_stream_skip(&s, log1p(-p)); i < n; i += 1 + sim_stream_skip(&s, log1p(-p)))
        selected++;
    assert_true(fabs((double)selected / n - p) < 5 * sqrt(p * (1 - p) / n));
    assert_int_equal(sim_stream_skip(&s, 0.0), UINT32_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answer),
        cmocka_unit_test(test_philox_kat),
        cmocka_unit_test(test_keying),
        cmocka_unit_test(test_interleaving),
        cmocka_unit_test(test_uniform_moments),
        cmocka_unit_test(test_below),
        cmocka_unit_test(test_gsl_adapter),
        cmocka_unit_test(test_poisson),
        cmocka_unit_test(test_skip),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
