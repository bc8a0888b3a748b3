/* tests/sim/test_calibrate.c — the calibration file and the fit: located errors,
 * and recovery of a known parameter from targets the model itself produced
 * (same seeds, so the optimum is exact). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"
#include "metrics.h"
#include "params.h"
#include "suite.h"

static char dir[256];

static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/troika-cal-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    write_file("small.ini", "[city]\ncompounds = 20\nsubdistricts = 2\n[run]\ndays = 240\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void expect_error(const char *text, int line, const char *key, const char *what)
{
    cal_calibration c;
    sim_error err;
    sim_error_clear(&err);
    const char *p = write_file("bad.ini", text);
    assert_int_equal(cal_load(&c, p, &err), SIM_EINPUT);
    assert_int_equal(err.line, line);
    assert_string_equal(err.key, key);
    if (!strstr(err.msg, what))
        fail_msg("message '%s' lacks '%s'", err.msg, what);
    cal_free_calibration(&c);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("scenario = small.ini\n[target.a]\nmetric = no_such_metric\nvalue = 1\n"
                 "[free.household.patience]\n",
                 3, "target.a.metric", "unknown metric");
    expect_error("scenario = small.ini\n[target.a]\nmetric = households\nvalue = 1\n"
                 "[free.household.patiense]\n",
                 5, "free.household.patiense", "did you mean household.patience");
    expect_error("scenario = small.ini\n[target.a]\nmetric = households\nvalue = 1\n"
                 "[free.household.patience]\nmin = 50\nmax = 10\n",
                 5, "free.household.patience", "min < max");
    /* only uncertain (ASSUME) parameters may be fitted: a measurement rule,
     * a sourced value or a lever is refused where it is named */
    expect_error("scenario = small.ini\n[target.a]\nmetric = households\nvalue = 1\n"
                 "[free.household.inadequate_below]\n",
                 5, "free.household.inadequate_below", "not marked uncertain");
    expect_error("scenario = small.ini\n[target.a]\nmetric = households\nvalue = 1\n\n"
                 "[free.city.old_share]\n",
                 6, "free.city.old_share", "provenance is source");
    expect_error("scenario = small.ini\n[target.a]\nmetric = households\nvalue = 1\n"
                 "stat = spread\n[free.household.patience]\n",
                 5, "target.a", "needs a metric of the per-compound panel");
    expect_error("scenario = small.ini\n[target.a]\nmetric = households\nvalue = 1\n"
                 "over = disputes_settled, no_such\n[free.household.patience]\n",
                 5, "target.a.over", "unknown metric 'no_such'");
    expect_error("scenario = small.ini\nreplicates = 0\n", 2, "replicates", "not an integer");
    expect_error("scenario = small.ini\n[targets.a]\n", 2, "targets.a", "unknown section");
    expect_error("scenario = small.ini\nwindow = 100:900\n[target.a]\nmetric = households\n"
                 "value = 1\n[free.household.patience]\n",
                 2, "window", "not a window");
    expect_error("scenario = small.ini\n[target.a]\nmetric = households\n"
                 "[free.household.patience]\n",
                 2, "target.a", "needs value");
    /* ABC-SMC: priors, validation targets and settings */
    const char *t = "scenario = small.ini\n[target.a]\nmetric = households\nvalue = 1\n";
    char text[600];
    snprintf(text, sizeof text, "%svalidate = yes\n[free.household.patience]\n", t);
    expect_error(text, 5, "target.a.validate", "allowed: true, false");
    snprintf(text, sizeof text, "%svalidate = true\n[free.household.patience]\n", t);
    expect_error(text, 1, "", "none is left to fit");
    snprintf(text, sizeof text, "%s[free.household.hardship_rate]\nprior = gamma\n", t);
    expect_error(text, 6, "free.household.hardship_rate.prior", "allowed: uniform, log-uniform");
    snprintf(text, sizeof text, "%s[free.household.hardship_rate]\nprior = normal\nmean = 0.1\n",
             t);
    expect_error(text, 5, "free.household.hardship_rate", "sd > 0");
    snprintf(text, sizeof text, "%s[free.household.hardship_rate]\nprior = log-uniform\nmin = 0\n",
             t);
    expect_error(text, 5, "free.household.hardship_rate", "min > 0");
    /* only an assumption row can be free: city.old_share has a source */
    snprintf(text, sizeof text, "%s[free.city.old_share]\nmin = 0.3\nmax = 0.5\n", t);
    expect_error(text, 5, "free.city.old_share", "not marked uncertain");
    expect_error("scenario = small.ini\nquantile = 1\n", 2, "quantile", "not in (0, 1)");
    expect_error("scenario = small.ini\npopulation = 1\n", 2, "population", "not an integer");
}

/* A [free.KEY] without min and max takes its prior's range from the row's
 * ASSUME(lo, hi); stated bounds win; prior = log-uniform keeps that range. */
static void test_prior_from_table(void **state)
{
    (void)state;
    const char *text = "scenario = small.ini\n[target.a]\nmetric = households\nvalue = 1\n"
                       "[free.household.patience]\n"
                       "[free.household.hardship_rate]\nprior = log-uniform\n"
                       "[free.rc.backlog_weight]\nmin = 0.02\nmax = 0.08\n";
    cal_calibration c;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(cal_load(&c, write_file("prior.ini", text), &err), SIM_OK);
    assert_int_equal(c.nfree, 3);
    int p = sim_param_find("household.patience");
    assert_int_equal(c.free[0].param, p);
    assert_true(c.free[0].min == sim_param_table[p].prior_lo &&
                c.free[0].max == sim_param_table[p].prior_hi);
    assert_int_equal(c.free[0].prior, ABC_UNIFORM);
    p = sim_param_find("household.hardship_rate");
    assert_true(c.free[1].min == sim_param_table[p].prior_lo &&
                c.free[1].max == sim_param_table[p].prior_hi);
    assert_int_equal(c.free[1].prior, ABC_LOG_UNIFORM);
    assert_true(c.free[2].min == 0.02 && c.free[2].max == 0.08);
    abc_config cfg;
    int map[ABC_MAX_STATS];
    cal_abc_config(&c, &cfg, map);
    assert_true(cfg.prior[0].lo == c.free[0].min && cfg.prior[0].hi == c.free[0].max);
    cal_free_calibration(&c);
}

/* The simulator of the ABC tests: the fitted targets, in file order (the
 * statistics of cal_abc_config). */
static sim_status sim_targets(void *user, const double *theta, uint64_t seed, double *stats,
                              volatile sig_atomic_t *stop, sim_error *err)
{
    const cal_calibration *c = user;
    double y[CAL_MAX_TARGETS];
    SIM_TRY(err, cal_simulate(c, theta, seed, c->abc_replicates, stop, y, err));
    for (int t = 0, k = 0; t < c->ntarget; t++)
        if (!c->target[t].validate)
            stats[k++] = y[t];
    return SIM_OK;
}

/* ABC-SMC on the model: a fee-collection figure the model produced at
 * hardship_rate = 0.15 (and a validation target the fit must ignore) gives a
 * posterior whose 90% interval holds 0.15. */
static void test_abc_recovers_known_parameter(void **state)
{
    (void)state;
    const char *text = "scenario = small.ini\nseed = 5\nwindow = 60:240\nabc_replicates = 2\n"
                       "population = 60\nbatch = 30\ngenerations = 4\n"
                       "[target.collection]\nmetric = fee_collection_rate\nvalue = 0.5\n"
                       "scale = 0.01\n"
                       "[target.households]\nmetric = households_rating_pmc_inadequate\n"
                       "value = 0.9\nscale = 0.001\nvalidate = true\n"
                       "[free.household.hardship_rate]\nmin = 0.01\nmax = 0.4\n"
                       "prior = log-uniform\n";
    cal_calibration c;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(cal_load(&c, write_file("abc.ini", text), &err), SIM_OK);
    assert_int_equal(cal_fitted_targets(&c), 1);
    double truth = 0.15, y[CAL_MAX_TARGETS];
    assert_int_equal(cal_simulate(&c, &truth, 99, 2, NULL, y, &err), SIM_OK);
    c.target[0].value = y[0];
    abc_config cfg;
    int map[ABC_MAX_STATS];
    cal_abc_config(&c, &cfg, map);
    assert_int_equal(cfg.nstats, 1);
    assert_int_equal(map[0], 0);
    assert_int_equal(cfg.prior[0].kind, ABC_LOG_UNIFORM);
    assert_string_equal(cfg.prior[0].name, "household.hardship_rate");
    assert_true(cfg.seed == 5 && cfg.population == 60);
    abc_run *r = NULL;
    assert_int_equal(abc_create(&r, &cfg, &err), SIM_OK);
    abc_exec ex = {2, NULL, NULL, 0, NULL, NULL, NULL};
    assert_int_equal(abc_execute(r, sim_targets, &c, &ex, &err), SIM_OK);
    const double *th = abc_run_theta(r), *w = abc_run_weights(r);
    double lo = abc_weighted_quantile(th, w, 60, 0.05), hi = abc_weighted_quantile(th, w, 60, 0.95);
    fprintf(stderr, "truth 0.15, posterior 90%% interval [%.4f, %.4f]\n", lo, hi);
    assert_true(lo <= truth && truth <= hi);
    assert_true(hi - lo < 0.2); /* narrower than the prior */
    abc_destroy(r);
    cal_free_calibration(&c);
}

/* Targets produced at hardship_rate = 0.15 are fitted back from 0.05. */
static void test_recovers_known_parameter(void **state)
{
    (void)state;
    const char *text = "scenario = small.ini\nreplicates = 2\nseed = 5\nwindow = 60:240\n"
                       "iterations = 60\ntolerance = 0.001\n"
                       "[target.collection]\nmetric = fee_collection_rate\nvalue = 0.5\n"
                       "scale = 0.01\n"
                       "[free.household.hardship_rate]\nmin = 0.01\nmax = 0.4\nstart = 0.05\n";
    cal_calibration c;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(cal_load(&c, write_file("fit.ini", text), &err), SIM_OK);
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    double truth = 0.15, f;
    assert_int_equal(cal_objective(&c, &ctx, &truth, &f), SIM_OK);
    c.target[0].value = c.target[0].fitted; /* the model's own output at the truth */
    assert_int_equal(cal_objective(&c, &ctx, &truth, &f), SIM_OK);
    assert_true(f < 1e-20);
    assert_int_equal(cal_fit(&c, &ctx, NULL), SIM_OK);
    assert_true(fabs(c.free[0].best - truth) < 0.01);
    assert_true(c.objective < 0.05);
    /* the fragment states the fitted value and loads as a scenario */
    char out[512];
    snprintf(out, sizeof out, "%s/fitted.ini", dir);
    assert_int_equal(cal_write_fragment(&c, out, 0, "test", &err), SIM_OK);
    assert_int_equal(cal_write_fragment(&c, out, 0, "test", &err), SIM_EINPUT); /* exists */
    scn_scenario s;
    scn_init_default(&s);
    assert_int_equal(scn_load(&s, out, &err), SIM_OK);
    assert_true(fabs(s.params.household_hardship_rate - c.free[0].best) < 1e-12);
    scn_free(&s);
    cal_free_calibration(&c);
}

/* Synthetic-target recovery on the model (slow): two uncertain parameters
 * with their priors from the parameter table, two targets the model itself
 * produced at known values (a short run of a small district, its own
 * seeds), and ABC-SMC puts each known value inside its posterior's 90%
 * interval, narrower than the prior (narrower for the firm's margin, a
 * little for the hardship rate, which fee collection pins down only
 * loosely within its prior).  About 25 s of CPU on one core. */
static void test_abc_recovers_two_parameters(void **state)
{
    (void)state;
    const char *text = "scenario = small.ini\nseed = 11\nwindow = 60:240\nabc_replicates = 2\n"
                       "population = 100\nbatch = 50\ngenerations = 4\n"
                       "[target.households]\nmetric = households_rating_pmc_inadequate\n"
                       "value = 0.5\nscale = 0.01\n"
                       "[target.collection]\nmetric = fee_collection_rate\nvalue = 0.5\n"
                       "scale = 0.01\n"
                       "[free.pmc.margin]\n"
                       "[free.household.hardship_rate]\n";
    cal_calibration c;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(cal_load(&c, write_file("two.ini", text), &err), SIM_OK);
    double truth[2] = {0.12, 0.065}, y[CAL_MAX_TARGETS];
    assert_int_equal(cal_simulate(&c, truth, 1234, 2, NULL, y, &err), SIM_OK);
    c.target[0].value = y[0];
    c.target[1].value = y[1];
    abc_config cfg;
    int map[ABC_MAX_STATS];
    cal_abc_config(&c, &cfg, map);
    assert_int_equal(cfg.nparams, 2);
    abc_run *r = NULL;
    assert_int_equal(abc_create(&r, &cfg, &err), SIM_OK);
    abc_exec ex = {1, NULL, NULL, 0, NULL, NULL, NULL};
    assert_int_equal(abc_execute(r, sim_targets, &c, &ex, &err), SIM_OK);
    const double *th = abc_run_theta(r), *w = abc_run_weights(r);
    int n = cfg.population;
    double col[2][100];
    for (int j = 0; j < 2; j++) {
        for (int i = 0; i < n; i++)
            col[j][i] = th[i * 2 + j];
        double lo = abc_weighted_quantile(col[j], w, n, 0.05);
        double hi = abc_weighted_quantile(col[j], w, n, 0.95);
        print_message("%s: truth %.4f, prior [%.4f, %.4f], posterior 90%% interval "
                      "[%.4f, %.4f]\n",
                      cfg.prior[j].name, truth[j], cfg.prior[j].lo, cfg.prior[j].hi, lo, hi);
        assert_true(lo <= truth[j] && truth[j] <= hi);
        assert_true(hi - lo < cfg.prior[j].hi - cfg.prior[j].lo); /* it learnt something */
    }
    abc_destroy(r);
    cal_free_calibration(&c);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_prior_from_table),
    };
    /* the slow cases (ctest test_calibrate_slow, label slow; tests/suite.h):
     * each calibrates by running the city many times */
    const struct CMUnitTest slow[] = {
        cmocka_unit_test(test_recovers_known_parameter),
        cmocka_unit_test(test_abc_recovers_known_parameter),
        cmocka_unit_test(test_abc_recovers_two_parameters),
    };
    return SUITE_RUN("calibrate", tests, slow, setup, teardown, argc, argv);
}
