/* tests/model_helpers.c — see model_helpers.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "model_helpers.h"

#include <omp.h>
#include <string.h>

#include "ctx.h"
#include "scenario.h"

/* Apply sets to s; a rejected assignment fails the test with its message. */
static void apply(scn_scenario *s, const char **sets, int nsets, sim_error *err)
{
    for (int k = 0; k < nsets; k++)
        if (scn_set(s, sets[k], err) != SIM_OK) {
            char buf[1024];
            fail_msg("%s", sim_error_format(err, buf, sizeof buf));
        }
    assert_int_equal(scn_finish(s, err), SIM_OK);
}

void params_with(sim_params *p, const char **sets, int nsets)
{
    scn_scenario s;
    sim_error err;
    sim_error_clear(&err);
    scn_init_default(&s);
    apply(&s, sets, nsets, &err);
    *p = s.params;
    scn_free(&s);
}

sim_result *run(int threads, uint64_t seed, int64_t days, const char **sets, int nsets)
{
    scn_scenario s;
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    scn_init_default(&s);
    s.params.run_seed = (int64_t)seed;
    s.params.run_days = days;
    apply(&s, sets, nsets, &ctx.err);
    omp_set_num_threads(threads);
    sim_result *r = NULL;
    if (sim_run(&ctx, &s, &r) != SIM_OK) {
        char buf[1024];
        fail_msg("run failed: %s", sim_error_format(&ctx.err, buf, sizeof buf));
    }
    scn_free(&s);
    return r;
}

double sum_of(const sim_result *r, int m, int64_t d0, int64_t d1)
{
    double sum = 0.0;
    for (int64_t d = d0; d < d1; d++)
        sum += sim_result_city(r, d, m);
    return sum;
}

double mean_of(const sim_result *r, int m, int64_t d0, int64_t d1)
{
    return sum_of(r, m, d0, d1) / (double)(d1 - d0);
}

void assert_levers_start_on_day(const char *const (*levers)[2], size_t nlevers, int64_t day)
{
    const size_t before = sizeof(double) * (size_t)day * SIM_MET_N;
    sim_result *a = run(2, 9, 2 * day, NULL, 0);
    for (size_t k = 0; k < nlevers; k++) {
        const char *sets[2] = {levers[k][0], levers[k][1]};
        sim_result *b = run(2, 9, 2 * day, sets, 2);
        assert_memory_equal(a->city, b->city, before);
        assert_true(memcmp(a->city + day * SIM_MET_N, b->city + day * SIM_MET_N, before) != 0);
        sim_result_destroy(b);
    }
    sim_result_destroy(a);
}

void fx_open(fixture *f, uint64_t seed, const char **sets, int nsets)
{
    sim_params p;
    sim_error err;
    sim_error_clear(&err);
    params_with(&p, sets, nsets);
    memset(f, 0, sizeof *f);
    assert_int_equal(sim_world_create(&f->w, &p, seed, &err), SIM_OK);
    assert_int_equal(mdl_create(&f->m, f->w, &p, seed, &err), SIM_OK);
}

void fx_close(fixture *f)
{
    mdl_destroy(f->m);
    sim_world_destroy(f->w);
}

void fx_set(fixture *f, const char *key, double value, int64_t day)
{
    int i = sim_param_find(key);
    assert_true(i >= 0);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(mdl_apply_change(f->m, i, value, day, &err), SIM_OK);
}

void assert_same_results(const sim_result *a, const sim_result *b)
{
    assert_int_equal(a->days, b->days);
    assert_memory_equal(a->city, b->city, sizeof(double) * (size_t)a->days * SIM_MET_N);
    assert_int_equal(a->nsamples, b->nsamples);
    assert_memory_equal(a->sample_day, b->sample_day, sizeof(int64_t) * (size_t)a->nsamples);
    for (int m = 0; m < SIM_MET_N; m++) {
        if (!a->panel[m])
            continue;
        assert_memory_equal(a->panel[m], b->panel[m],
                            sizeof(float) * (size_t)a->nsamples * (size_t)a->world->ncomp);
    }
    assert_int_equal(a->world->nsub, b->world->nsub);
    for (int m = 0; m < SIM_MET_N; m++) {
        assert_true((a->subpanel[m] != NULL) == (b->subpanel[m] != NULL));
        if (!a->subpanel[m])
            continue;
        assert_memory_equal(a->subpanel[m], b->subpanel[m],
                            sizeof(float) * (size_t)a->nsamples * (size_t)a->world->nsub);
    }
}
