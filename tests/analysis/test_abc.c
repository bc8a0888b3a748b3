/* tests/analysis/test_abc.c — the ABC-SMC engine (analysis/abc.h) on a problem with a
 * known answer: the mean theta of a normal observation x ~ N(theta, 0.8^2)
 * with a normal prior N(0, 2^2) has the posterior N(m, s^2) with
 * 1/s^2 = 1/4 + 1/0.64 and m = s^2 x / 0.64.  The sampler must recover m and
 * s within Monte Carlo error, give the same posterior bit for bit on 1 and
 * 2 threads, and the same after an interrupted and resumed run. */
#include "suite.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>

#include "abc.h"
#include "abc_store.h"
#include "rng.h"

#define SIGMA 0.8
#define X_OBS 1.3
#define PRIOR_SD 2.0

static char dir[256];

/* The simulator: calls counted; raises *stop after stop_after calls. */
typedef struct {
    long calls;
    long stop_after; /* 0: never */
    volatile sig_atomic_t *stop;
} sim_counter;

static sim_status sim_normal(void *user, const double *theta, uint64_t seed, double *stats,
                             volatile sig_atomic_t *stop, sim_error *err)
{
    (void)stop;
    (void)err;
    sim_counter *c = user;
    sim_rng r;
    gsl_rng *g = sim_rng_open(&r, seed, SIM_RNG_TEST, 0, 0);
    stats[0] = theta[0] + SIGMA * gsl_ran_gaussian_ziggurat(g, 1.0);
    long n;
#pragma omp atomic capture
    n = ++c->calls;
    if (c->stop_after && n == c->stop_after)
        *c->stop = 1;
    return SIM_OK;
}

static void normal_config(abc_config *c, int population, int generations)
{
    abc_config_default(c);
    c->nparams = 1;
    snprintf(c->prior[0].name, sizeof c->prior[0].name, "theta");
    c->prior[0].kind = ABC_NORMAL;
    c->prior[0].lo = -10.0;
    c->prior[0].hi = 10.0;
    c->prior[0].mean = 0.0;
    c->prior[0].sd = PRIOR_SD;
    c->nstats = 1;
    snprintf(c->stat[0].name, sizeof c->stat[0].name, "x");
    c->stat[0].observed = X_OBS;
    c->stat[0].scale = SIGMA;
    c->population = population;
    c->batch = 64;
    c->max_generations = generations;
    c->min_tolerance = 0.04;
    c->min_acceptance = 0.0;
    c->seed = 2385;
}

static abc_run *run(const abc_config *c, int threads, const char *parts, sim_counter *sc,
                    sim_status want)
{
    abc_run *r = NULL;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(abc_create(&r, c, &err), SIM_OK);
    abc_exec ex = {threads, parts, "test identity\n", 0, NULL, sc->stop, NULL};
    sim_status s = abc_execute(r, sim_normal, sc, &ex, &err);
    if (s != want)
        fprintf(stderr, "abc_execute: %s (%s)\n", sim_status_name(s), err.msg);
    assert_int_equal(s, want);
    return r;
}

static void test_known_posterior(void **state)
{
    (void)state;
    abc_config c;
    normal_config(&c, 1000, 14);
    volatile sig_atomic_t stop = 0;
    sim_counter sc = {0, 0, &stop};
    abc_run *r = run(&c, 2, NULL, &sc, SIM_OK);
    int ng = abc_run_generations(r);
    const abc_generation *h = abc_run_history(r);
    assert_int_equal(abc_run_stopped(r), ABC_STOP_TOLERANCE);
    assert_true(h[ng - 1].tolerance <= 0.04);
    assert_true(isinf(h[0].tolerance));
    for (int g = 2; g < ng; g++) /* the schedule falls */
        assert_true(h[g].tolerance < h[g - 1].tolerance);
    assert_int_equal(abc_run_simulations(r), sc.calls);
    double prec = 1.0 / (PRIOR_SD * PRIOR_SD) + 1.0 / (SIGMA * SIGMA);
    double s_true = sqrt(1.0 / prec), m_true = X_OBS / (SIGMA * SIGMA) / prec;
    double m, s;
    abc_run_moments(r, 0, &m, &s);
    double ess = h[ng - 1].ess;
    fprintf(stderr,
            "posterior mean %.4f (analytic %.4f), sd %.4f (analytic %.4f), ESS %.0f, "
            "%d generations, %lld simulations\n",
            m, m_true, s, s_true, ess, ng, (long long)sc.calls);
    assert_true(ess > 300);
    /* four standard errors: of the mean s/sqrt(ESS), of the sd s/sqrt(2 ESS) */
    assert_true(fabs(m - m_true) < 4.0 * s_true / sqrt(ess));
    assert_true(fabs(s - s_true) < 4.0 * s_true / sqrt(2.0 * ess));
    double wsum = 0.0;
    for (int i = 0; i < c.population; i++)
        wsum += abc_run_weights(r)[i];
    assert_true(fabs(wsum - 1.0) < 1e-12);
    abc_destroy(r);
}

/* Two parameters, the second log-uniform on [0.1, 10]: x1 ~ N(theta1, 0.8^2)
 * as above, x2 ~ N(log theta2, 0.3^2) observed at log 2, so log theta2 has
 * the posterior N(log 2, 0.3^2) (the prior's range is 7 sd away).  Checks
 * the kernel in two dimensions and the log scale. */
static sim_status sim_two(void *user, const double *theta, uint64_t seed, double *stats,
                          volatile sig_atomic_t *stop, sim_error *err)
{
    (void)user;
    (void)stop;
    (void)err;
    sim_rng r;
    gsl_rng *g = sim_rng_open(&r, seed, SIM_RNG_TEST, 0, 0);
    stats[0] = theta[0] + SIGMA * gsl_ran_gaussian_ziggurat(g, 1.0);
    stats[1] = log(theta[1]) + 0.3 * gsl_ran_gaussian_ziggurat(g, 1.0);
    return SIM_OK;
}

static void test_two_parameters_log_scale(void **state)
{
    (void)state;
    abc_config c;
    normal_config(&c, 500, 14);
    c.nparams = c.nstats = 2;
    snprintf(c.prior[1].name, sizeof c.prior[1].name, "theta2");
    c.prior[1].kind = ABC_LOG_UNIFORM;
    c.prior[1].lo = 0.1;
    c.prior[1].hi = 10.0;
    snprintf(c.stat[1].name, sizeof c.stat[1].name, "x2");
    c.stat[1].observed = log(2.0);
    c.stat[1].scale = 0.3;
    c.min_tolerance = 0.2;
    abc_run *r = NULL;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(abc_create(&r, &c, &err), SIM_OK);
    abc_exec ex = {2, NULL, NULL, 0, NULL, NULL, NULL};
    assert_int_equal(abc_execute(r, sim_two, NULL, &ex, &err), SIM_OK);
    assert_int_equal(abc_run_stopped(r), ABC_STOP_TOLERANCE);
    const double *th = abc_run_theta(r), *w = abc_run_weights(r);
    double m = 0.0, v = 0.0;
    for (int i = 0; i < 500; i++) {
        assert_true(th[2 * i + 1] >= 0.1 && th[2 * i + 1] <= 10.0);
        m += w[i] * log(th[2 * i + 1]);
    }
    for (int i = 0; i < 500; i++)
        v += w[i] * (log(th[2 * i + 1]) - m) * (log(th[2 * i + 1]) - m);
    double ess = abc_run_history(r)[abc_run_generations(r) - 1].ess, sd = sqrt(v);
    /* the tolerance (0.2 scaled units in two dimensions) widens the sd by ~0.5% */
    fprintf(stderr, "log theta2: mean %.4f (analytic %.4f), sd %.4f (analytic 0.3), ESS %.0f\n", m,
            log(2.0), sd, ess);
    assert_true(fabs(m - log(2.0)) < 4.0 * 0.3 / sqrt(ess));
    assert_true(fabs(sd - 0.3) < 4.0 * 0.3 / sqrt(2.0 * ess) + 0.01);
    abc_destroy(r);
}

static void assert_same_posterior(const abc_run *a, const abc_run *b)
{
    const abc_config *c = abc_run_config(a);
    size_t n = (size_t)c->population;
    assert_int_equal(abc_run_generations(a), abc_run_generations(b));
    assert_memory_equal(abc_run_history(a), abc_run_history(b),
                        (size_t)abc_run_generations(a) * sizeof(abc_generation));
    assert_memory_equal(abc_run_theta(a), abc_run_theta(b), n * (size_t)c->nparams * 8);
    assert_memory_equal(abc_run_weights(a), abc_run_weights(b), n * 8);
    assert_memory_equal(abc_run_distances(a), abc_run_distances(b), n * 8);
    assert_memory_equal(abc_run_stats(a), abc_run_stats(b), n * (size_t)c->nstats * 8);
}

static void test_threads_same(void **state)
{
    (void)state;
    abc_config c;
    normal_config(&c, 300, 5);
    volatile sig_atomic_t stop = 0;
    sim_counter s1 = {0, 0, &stop}, s2 = {0, 0, &stop};
    abc_run *a = run(&c, 1, NULL, &s1, SIM_OK);
    abc_run *b = run(&c, 2, NULL, &s2, SIM_OK);
    assert_same_posterior(a, b);
    assert_int_equal(s1.calls, s2.calls);
    abc_destroy(a);
    abc_destroy(b);
}

static void test_resume(void **state)
{
    (void)state;
    abc_config c;
    normal_config(&c, 200, 4);
    c.batch = 25;
    char parts[300];
    snprintf(parts, sizeof parts, "%s/post.h5.parts", dir);
    volatile sig_atomic_t stop = 0;
    sim_counter ref = {0, 0, &stop};
    abc_run *a = run(&c, 1, NULL, &ref, SIM_OK);
    assert_true(ref.calls > 400);

    /* interrupted after 333 simulations (mid-generation, mid-batch) */
    sim_counter first = {0, 333, &stop};
    abc_run *b = run(&c, 2, parts, &first, SIM_EINTERRUPT);
    abc_destroy(b);
    assert_true(first.calls >= 333 && first.calls < ref.calls);
    stop = 0;
    /* resumed: the finished simulations are read, not redone */
    sim_counter second = {0, 0, &stop};
    b = run(&c, 2, parts, &second, SIM_OK);
    assert_same_posterior(a, b);
    assert_int_equal(abc_run_resumed(b), first.calls);
    assert_int_equal(second.calls + abc_run_resumed(b), ref.calls);

    /* the folder holds this run only: another seed is refused */
    abc_config other = c;
    other.seed = 7;
    abc_run *o = NULL;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(abc_create(&o, &other, &err), SIM_OK);
    abc_exec ex = {1, parts, "test identity\n", 0, NULL, NULL, NULL};
    assert_int_equal(abc_execute(o, sim_normal, &second, &ex, &err), SIM_EINPUT);
    abc_destroy(o);

    abc_exec mine = {1, parts, "test identity\n", 0, NULL, NULL, NULL};
    assert_int_equal(abc_parts_remove(b, &mine, &err), SIM_OK);
    struct stat st;
    assert_int_not_equal(stat(parts, &st), 0);
    abc_destroy(a);
    abc_destroy(b);
}

static void test_posterior_file(void **state)
{
    (void)state;
    abc_config c;
    normal_config(&c, 150, 3);
    volatile sig_atomic_t stop = 0;
    sim_counter sc = {0, 0, &stop};
    abc_run *r = run(&c, 2, NULL, &sc, SIM_OK);
    char path[300];
    snprintf(path, sizeof path, "%s/post.h5", dir);
    abs_prov pv = {
        "troika calibrate test", "threads 2", "/x/calibration.ini", "; text\n", "[run]\n", 2.385};
    sim_error err;
    sim_error_clear(&err);
    sim_status ws = abs_write(path, 0, r, &pv, &err);
    if (ws != SIM_OK)
        fprintf(stderr, "%s: %s\n", err.file, err.msg);
    assert_int_equal(ws, SIM_OK);
    assert_int_equal(abs_write(path, 0, r, &pv, &err), SIM_EINPUT); /* exists */
    abs_posterior *p = NULL;
    ws = abs_read(&p, path, &err);
    if (ws != SIM_OK)
        fprintf(stderr, "%s: %s\n", err.file, err.msg);
    assert_int_equal(ws, SIM_OK);
    assert_int_equal(p->n, 150);
    assert_int_equal(p->generations, abc_run_generations(r));
    assert_string_equal(p->calibration, "/x/calibration.ini");
    assert_string_equal(p->c.prior[0].name, "theta");
    assert_int_equal(p->c.prior[0].kind, ABC_NORMAL);
    assert_true(p->c.prior[0].sd == PRIOR_SD);
    assert_string_equal(p->c.stat[0].name, "x");
    assert_true(p->c.seed == 2385);
    assert_memory_equal(p->theta, abc_run_theta(r), 150 * 8);
    assert_memory_equal(p->weight, abc_run_weights(r), 150 * 8);
    assert_true(isinf(p->tolerance[0]));
    abs_destroy(p);
    /* not a posterior file */
    const char *other = TROIKA_TEST_DATA "/../golden/default_seed42_365.csv";
    assert_int_not_equal(abs_read(&p, other, &err), SIM_OK);
    assert_null(p);
    abc_destroy(r);
}

static void test_budget_and_errors(void **state)
{
    (void)state;
    abc_config c;
    normal_config(&c, 100, 20);
    c.min_tolerance = 0.0;
    c.max_simulations = 1000;
    volatile sig_atomic_t stop = 0;
    sim_counter sc = {0, 0, &stop};
    abc_run *r = run(&c, 1, NULL, &sc, SIM_OK);
    assert_int_equal(abc_run_stopped(r), ABC_STOP_BUDGET);
    assert_true(abc_run_simulations(r) <= 1000);
    assert_true(sc.calls <= 1000);
    abc_destroy(r);

    sim_error err;
    sim_error_clear(&err);
    abc_config bad = c;
    bad.max_simulations = 120; /* population 100 in batches of 64: 128 needed */
    assert_int_equal(abc_create(&r, &bad, &err), SIM_OK);
    abc_exec ex = {1, NULL, NULL, 0, NULL, NULL, NULL};
    assert_int_equal(abc_execute(r, sim_normal, &sc, &ex, &err), SIM_EINPUT);
    assert_string_equal(err.key, "simulations");
    abc_destroy(r);
    r = NULL;
    bad = c;
    bad.quantile = 1.5;
    assert_int_equal(abc_create(&r, &bad, &err), SIM_EINPUT);
    assert_string_equal(err.key, "quantile");
    bad = c;
    bad.prior[0].kind = ABC_LOG_UNIFORM;
    assert_int_equal(abc_create(&r, &bad, &err), SIM_EINPUT);
    assert_string_equal(err.key, "theta");
    assert_null(r);
}

static void test_weighted_quantile(void **state)
{
    (void)state;
    double x[] = {4.5, 0.25, 2.385, 1.0, 3.0};
    double w[] = {0.1, 0.1, 0.4, 0.2, 0.2};
    /* sorted: 0.25 (0.1), 1.0 (0.3), 2.385 (0.7), 3.0 (0.9), 4.5 (1.0) */
    assert_true(abc_weighted_quantile(x, w, 5, 0.05) == 0.25);
    assert_true(abc_weighted_quantile(x, w, 5, 0.29) == 1.0);
    assert_true(abc_weighted_quantile(x, w, 5, 0.5) == 2.385);
    assert_true(abc_weighted_quantile(x, w, 5, 0.95) == 4.5);
    assert_int_equal(abc_prior_parse("log-uniform"), ABC_LOG_UNIFORM);
    assert_int_equal(abc_prior_parse("gamma"), -1);
}

static int setup(void **state)
{
    (void)state;
    return suite_tmpdir(dir, sizeof dir, "abc");
}

static int teardown(void **state)
{
    (void)state;
    return suite_rmdir(dir);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest fast[] = {
        cmocka_unit_test(test_weighted_quantile),
        cmocka_unit_test(test_threads_same),
        cmocka_unit_test(test_posterior_file),
        cmocka_unit_test(test_budget_and_errors),
    };
    /* 1,000 and 500 particles down to a small tolerance: ~10^5 simulations;
     * and the resume, whose every batch is written and synced to disk */
    const struct CMUnitTest slow[] = {
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_known_posterior),
        cmocka_unit_test(test_two_parameters_log_scale),
    };
    return SUITE_RUN("abc", fast, slow, setup, teardown, argc, argv);
}
