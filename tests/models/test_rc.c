/* tests/models/test_rc.c — residents' committees and community workers (models/rc.c).
 *
 * Two kinds of test:
 *   - direct: a world and a model built by hand, rc_day() called for every
 *     committee day after day, with the owners' committees' states or the
 *     complaints routed to the RC set by the test (so acting for the OC is
 *     tested whatever the OC module does);
 *   - whole runs through sim_run(), as tests/sim/test_run.c does, for the levers
 *     switched on by a policy at a given day.
 * Margins are set well inside the expected effects (stated at each test) and
 * well outside the noise of the seeds used.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "ctx.h"
#include "metrics.h"
#include "runner.h"
#include "scenario.h"
#include "model_helpers.h"

/* ---- helpers -------------------------------------------------------------- */

/* A model driven by hand: only the committees' phase runs. */
/* One day of every committee; the city values land in f->city. */
static void fx_day(fixture *f, int64_t day)
{
    sim_tally_clear(f->m->tally);
    for (int32_t r = 0; r < f->w->nrc; r++)
        assert_int_equal(rc_day(f->m, r, day), SIM_OK);
    sim_tally_reduce(f->m->tally, f->city);
}

/* ---- the hours ------------------------------------------------------------ */

/* Administration per worker, a known answer with "high entropy" values. */
static void test_admin_hours_formula(void **state)
{
    (void)state;
    sim_params p;
    sim_params_default(&p);
    p.rc_hours_per_worker = 6.5;
    p.rc_admin_tasks = 3.7;
    p.rc_task_hours = 0.31;
    p.rc_platforms = 5;
    p.rc_entry_cost = 0.45;
    p.rc_cloud = 0.35;
    p.rc_cloud_task_saving = 0.2;
    p.rc_assigned_hours = 0.9;
    double want = 3.7 * 0.31 * (1.0 - 0.2 * 0.35) * (1.0 + 0.45 * 4 * (1.0 - 0.35)) + 0.9;
    assert_true(fabs(rc_admin_hours_per_worker(&p) - want) < 1e-12);
    /* a responsibility list does not touch the duties already there */
    p.rc_duty_list = 1.0;
    assert_true(fabs(rc_admin_hours_per_worker(&p) - want) < 1e-12);
    p.rc_duty_list = 0.0;
    /* never more than the working day */
    p.rc_admin_tasks = 90;
    assert_true(rc_admin_hours_per_worker(&p) == 6.5);
    /* a single platform: no repeated entry, whatever the entry cost */
    p.rc_admin_tasks = 3.7;
    p.rc_platforms = 1;
    p.rc_cloud = 0;
    assert_true(fabs(rc_admin_hours_per_worker(&p) - (3.7 * 0.31 + 0.9)) < 1e-12);
    /* training effectiveness */
    p.rc_training = 0.4;
    p.rc_training_gain = 0.35;
    assert_true(fabs(rc_effectiveness(&p) - 1.14) < 1e-12);
}

/* Every hour is administration, old compounds' load, acting or service: the
 * four add up to the workers' hours, every day, with and without levers. */
static void test_hours_add_up(void **state)
{
    (void)state;
    const char *sets[] = {"policy.a.day=40", "policy.a.rc.cloud=0.6", "policy.a.rc.duty_list=0.3"};
    sim_result *r = run(2, 13, 120, sets, 3);
    sim_params p;
    sim_params_default(&p);
    double all = (double)r->world->nrc * (double)p.rc_workers_per_rc * p.rc_hours_per_worker;
    for (int64_t d = 0; d < r->days; d++) {
        double sum = sim_result_city(r, d, SIM_MET_rc_admin_hours) +
                     sim_result_city(r, d, SIM_MET_rc_service_hours) +
                     sim_result_city(r, d, SIM_MET_rc_acting_hours) +
                     sim_result_city(r, d, SIM_MET_rc_old_load_hours);
        assert_true(fabs(sum - all) < 1e-6 * all);
        double share = sim_result_city(r, d, SIM_MET_rc_admin_hours_share);
        assert_true(fabs(share - sim_result_city(r, d, SIM_MET_rc_admin_hours) / all) < 1e-12);
        double bad = sim_result_city(r, d, SIM_MET_workers_rating_pmc_inadequate);
        assert_true(bad >= 0.0 && bad <= 1.0);
    }
    /* the baseline's administration is a substantial share (40-60%) */
    double base = sim_result_city(r, 0, SIM_MET_rc_admin_hours_share);
    assert_true(base >= 0.4 && base <= 0.6);
    sim_result_destroy(r);
}

/* ---- the levers, in whole runs ------------------------------------------- */

/* Community cloud (and fewer platforms): administration share down, service
 * hours up.  Defaults: share 0.50 -> 0.275 with the cloud, service +45%. */
static void test_cloud(void **state)
{
    (void)state;
    const char *cloud[] = {"policy.cloud.day=100", "policy.cloud.rc.cloud=1"};
    const char *one[] = {"policy.one.day=100", "policy.one.rc.platforms=1"};
    sim_result *a = run(2, 21, 300, NULL, 0), *b = run(2, 21, 300, cloud, 2),
               *c = run(2, 21, 300, one, 2);
    double sa = mean_of(a, SIM_MET_rc_admin_hours_share, 100, 300);
    double sb = mean_of(b, SIM_MET_rc_admin_hours_share, 100, 300);
    double sc = mean_of(c, SIM_MET_rc_admin_hours_share, 100, 300);
    assert_true(sb < sa - 0.15);
    assert_true(sc < sa - 0.10);
    double ha = mean_of(a, SIM_MET_rc_service_hours, 100, 300);
    double hb = mean_of(b, SIM_MET_rc_service_hours, 100, 300);
    double hc = mean_of(c, SIM_MET_rc_service_hours, 100, 300);
    assert_true(hb > 1.3 * ha);
    assert_true(hc > 1.2 * ha);
    /* more service buys more mobilisation */
    assert_true(mean_of(b, SIM_MET_rc_mobilisation_mean, 200, 300) >
                mean_of(a, SIM_MET_rc_mobilisation_mean, 200, 300) + 0.005);
    sim_result_destroy(a);
    sim_result_destroy(b);
    sim_result_destroy(c);
}

/* Responsibility list: it caps the growth of pushed-down duties, not the
 * duties already there.  Known answers: without a list the RCs'
 * administration grows by W x rc.assigned_hours x rc.assigned_growth / 365
 * hours a day (W workers in all); a complete list (1) from day 50 freezes
 * it at day 50's level; half a list (0.5) halves the growth; before day 50
 * nothing differs. */
static void test_duty_list(void **state)
{
    (void)state;
    const char *full[] = {"policy.list.day=50", "policy.list.rc.duty_list=1"};
    const char *half[] = {"policy.list.day=50", "policy.list.rc.duty_list=0.5"};
    sim_result *a = run(2, 22, 200, NULL, 0), *b = run(2, 22, 200, full, 2),
               *c = run(2, 22, 200, half, 2);
    sim_params p;
    sim_params_default(&p);
    double workers = (double)a->world->nrc * (double)p.rc_workers_per_rc;
    double grow = workers * p.rc_assigned_hours * p.rc_assigned_growth / 365.0;
    assert_memory_equal(a->city, b->city, sizeof(double) * 50 * SIM_MET_N);
    double a50 = sim_result_city(a, 50, SIM_MET_rc_admin_hours);
    assert_true(fabs(sim_result_city(b, 50, SIM_MET_rc_admin_hours) - a50) < 1e-9 * a50);
    for (int64_t d = 51; d < 200; d++) {
        double ga = sim_result_city(a, d, SIM_MET_rc_admin_hours) - a50;
        double gb = sim_result_city(b, d, SIM_MET_rc_admin_hours) - a50;
        double gc = sim_result_city(c, d, SIM_MET_rc_admin_hours) - a50;
        assert_true(fabs(ga - grow * (double)(d - 50)) < 1e-9 * a50);
        assert_true(fabs(gb) < 1e-9 * a50);
        assert_true(fabs(gc - 0.5 * grow * (double)(d - 50)) < 1e-9 * a50);
    }
    /* the hours the list saves go to service */
    assert_true(sim_result_city(b, 199, SIM_MET_rc_service_hours) >
                sim_result_city(a, 199, SIM_MET_rc_service_hours));
    sim_result_destroy(a);
    sim_result_destroy(b);
    sim_result_destroy(c);
}

/* Worker training raises satisfaction with the RC (defaults: about +0.03 at
 * full training after a year), in every one of three seeds. */
static void test_training(void **state)
{
    (void)state;
    const char *train[] = {"policy.train.day=100", "policy.train.rc.training=1"};
    const uint64_t seeds[] = {31, 32, 33};
    double total = 0.0;
    for (int k = 0; k < 3; k++) {
        sim_result *a = run(2, seeds[k], 640, NULL, 0), *b = run(2, seeds[k], 640, train, 2);
        double sa = mean_of(a, SIM_MET_rc_satisfaction_mean, 460, 640);
        double sb = mean_of(b, SIM_MET_rc_satisfaction_mean, 460, 640);
        assert_true(sb > sa + 0.01);
        total += sb - sa;
        /* trust follows, more slowly */
        assert_true(mean_of(b, SIM_MET_rc_trust_mean, 460, 640) >
                    mean_of(a, SIM_MET_rc_trust_mean, 460, 640));
        /* training changes what an hour achieves, not the hours */
        assert_true(mean_of(b, SIM_MET_rc_service_hours, 100, 640) ==
                    mean_of(a, SIM_MET_rc_service_hours, 100, 640));
        sim_result_destroy(a);
        sim_result_destroy(b);
    }
    assert_true(total / 3.0 > 0.02);
}

/* Every lever switched on at day D changes nothing before D, bit for bit,
 * and something after. */
static void test_policy_timing(void **state)
{
    (void)state;
    const char *sets[] = {"policy.all.day=150",
                          "policy.all.rc.cloud=0.8",
                          "policy.all.rc.platforms=2",
                          "policy.all.rc.duty_list=0.4",
                          "policy.all.rc.training=0.7",
                          "policy.all.rc.acts_for_oc=1",
                          "policy.all.rc.act_delay_days=30",
                          "policy.all.rc.act_max_days=200"};
    sim_result *a = run(2, 9, 300, NULL, 0), *b = run(2, 9, 300, sets, 8);
    assert_memory_equal(a->city, b->city, sizeof(double) * 150 * SIM_MET_N);
    assert_true(memcmp(a->city + 150 * SIM_MET_N, b->city + 150 * SIM_MET_N,
                       sizeof(double) * 150 * SIM_MET_N) != 0);
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* 1 and 3 threads give the same results, bit for bit, with every lever on,
 * in a city large enough (about 230 committees) for the phase to run in
 * parallel. */
static void test_thread_invariance(void **state)
{
    (void)state;
    const char *sets[] = {
        "city.compounds=600",           "city.subdistricts=8",        "policy.all.day=60",
        "policy.all.rc.cloud=0.5",      "policy.all.rc.training=0.5", "policy.all.rc.duty_list=0.3",
        "policy.all.rc.acts_for_oc=0.5"};
    sim_result *a = run(1, 17, 160, sets, 7), *b = run(3, 17, 160, sets, 7);
    assert_true(a->world->nrc >= 2 * SIM_TALLY_BLOCK);
    assert_memory_equal(a->city, b->city, sizeof(double) * 160 * SIM_MET_N);
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* ---- acting for the owners' committee (direct) ---------------------------- */

/* Half the compounds lose their OC on day 0.  With the lever, after the delay
 * the RC acts for every one of them: compounds without governance fall to
 * none, RC load (administration + acting) rises, service falls, the firm is
 * supervised where the RC acts. */
static void test_acting_covers_failed_ocs(void **state)
{
    (void)state;
    const char *sets[] = {"rc.act_delay_days=20", "rc.act_max_days=400"};
    fixture off, on;
    fx_open(&off, 5, sets, 2);
    fx_open(&on, 5, sets, 2);
    fx_set(&on, "rc.acts_for_oc", 1.0, 0);
    int32_t nc = off.w->ncomp, lapsed = 0;
    for (int32_t c = 0; c < nc; c++) {
        uint8_t st = c % 2 ? OC_ACTIVE : (c % 4 ? OC_ABSENT : OC_DORMANT);
        off.m->sh.oc_state[c] = on.m->sh.oc_state[c] = st;
        lapsed += st != OC_ACTIVE;
    }
    for (int64_t d = 0; d < 60; d++) {
        fx_day(&off, d);
        fx_day(&on, d);
        assert_true(off.city[SIM_MET_compounds_without_governance] == lapsed);
        assert_true(off.city[SIM_MET_rc_acting_for_oc] == 0);
        if (d < 20) {
            assert_true(on.city[SIM_MET_rc_acting_for_oc] == 0);
            assert_memory_equal(on.city, off.city, sizeof on.city);
            continue;
        }
        assert_true(on.city[SIM_MET_rc_acting_for_oc] == lapsed);
        assert_true(on.city[SIM_MET_compounds_without_governance] == 0);
        double load_on = on.city[SIM_MET_rc_admin_hours] + on.city[SIM_MET_rc_acting_hours];
        double load_off = off.city[SIM_MET_rc_admin_hours] + off.city[SIM_MET_rc_acting_hours];
        assert_true(load_on > load_off + 0.9 * lapsed * on.m->p.rc_act_hours);
        assert_true(on.city[SIM_MET_rc_service_hours] < off.city[SIM_MET_rc_service_hours]);
    }
    for (int32_t c = 0; c < nc; c++) {
        int lapse = on.m->sh.oc_state[c] != OC_ACTIVE;
        assert_int_equal(on.m->sh.rc_acting[c], lapse);
        /* without acting, only the routine supervision of service work
         * (at most rc.supervise_max); acting presses the firm harder */
        const float routine = (float)on.m->p.rc_supervise_max;
        assert_true(lapse ? on.m->sh.rc_supervision[c] > 0.3f
                          : on.m->sh.rc_supervision[c] <= routine);
        assert_true(off.m->sh.rc_supervision[c] <= routine);
        if (lapse)
            assert_true(on.m->sh.rc_supervision[c] > off.m->sh.rc_supervision[c]);
    }
    fx_close(&off);
    fx_close(&on);
}

/* The time limit: the RC acts for at most act_max_days per lapse, starting
 * act_delay_days into it; a new lapse (after the OC worked again) restarts
 * the clock; an election under way (FORMING) continues a lapse but never
 * starts acting. */
static void test_acting_time_limit(void **state)
{
    (void)state;
    const char *sets[] = {"rc.acts_for_oc=1", "rc.act_delay_days=7", "rc.act_max_days=30"};
    fixture f;
    fx_open(&f, 8, sets, 3);
    int32_t nc = f.w->ncomp;
    int32_t *run_len = calloc((size_t)nc, sizeof *run_len);
    int32_t *total = calloc((size_t)nc, sizeof *total);
    assert_non_null(run_len);
    assert_non_null(total);
    for (int64_t d = 0; d < 200; d++) {
        for (int32_t c = 0; c < nc; c++) {
            uint8_t st;
            if (c % 3 == 0) /* a lapse on days 0-79, working 80-99, a new lapse from 100 */
                st = d < 80 || d >= 100 ? OC_ABSENT : OC_ACTIVE;
            else if (c % 3 == 1) /* an election under way from day 3 to day 150 */
                st = d < 3 || d >= 150 ? OC_DORMANT : OC_FORMING;
            else
                st = OC_ACTIVE;
            f.m->sh.oc_state[c] = st;
        }
        fx_day(&f, d);
        for (int32_t c = 0; c < nc; c++) {
            int a = f.m->sh.rc_acting[c];
            run_len[c] = a ? run_len[c] + 1 : 0;
            total[c] += a;
            assert_true(run_len[c] <= 30);
            if (c % 3 == 0) {
                int want = (d >= 7 && d < 37) || (d >= 107 && d < 137);
                assert_int_equal(a, want);
            } else if (c % 3 == 1) {
                /* day 150 is the first dormant day after the delay: acting
                 * starts then, for 30 days */
                assert_int_equal(a, d >= 150 && d < 180);
            } else {
                assert_int_equal(a, 0);
            }
        }
    }
    for (int32_t c = 0; c < nc; c++)
        assert_int_equal(total[c], c % 3 == 2 ? 0 : (c % 3 == 0 ? 60 : 30));
    free(run_len);
    free(total);
    fx_close(&f);
}

/* The share of compounds the lever allows: raising it only adds compounds,
 * and the share allowed is close to the lever's value. */
static void test_acting_share_nested(void **state)
{
    (void)state;
    const char *sets[] = {"city.compounds=2000", "city.subdistricts=20", "rc.act_delay_days=0"};
    const double shares[] = {0.15, 0.4, 0.75};
    fixture f;
    fx_open(&f, 4, sets, 3);
    int32_t nc = f.w->ncomp;
    uint8_t *prev = calloc((size_t)nc, 1);
    assert_non_null(prev);
    for (int32_t c = 0; c < nc; c++)
        f.m->sh.oc_state[c] = OC_ABSENT;
    for (int k = 0; k < 3; k++) {
        fx_set(&f, "rc.acts_for_oc", shares[k], k);
        fx_day(&f, k);
        int32_t n = 0;
        for (int32_t c = 0; c < nc; c++) {
            uint8_t a = f.m->sh.rc_acting[c];
            assert_true(a >= prev[c]);
            prev[c] = a;
            n += a;
        }
        assert_true(fabs((double)n / nc - shares[k]) < 0.04);
    }
    free(prev);
    fx_close(&f);
}

/* ---- the workers' assessments (direct) ------------------------------------ */

/* More complaints routed to the RC -> more workers rate the firm inadequate;
 * the assessment is the workers' own: the households' satisfaction plays no
 * part. */
static void test_assessment_follows_complaints(void **state)
{
    (void)state;
    fixture quiet, loud, sour;
    fx_open(&quiet, 6, NULL, 0);
    fx_open(&loud, 6, NULL, 0);
    fx_open(&sour, 6, NULL, 0);
    int32_t nc = quiet.w->ncomp;
    /* households who think the worst of their firm: no effect on workers */
    for (int64_t h = 0; h < sour.m->hh.n; h++)
        sour.m->hh.sat[h] = 0.05f;
    double q = 0, l = 0;
    for (int64_t d = 0; d < 240; d++) {
        for (int32_t c = 0; c < nc; c++) {
            /* 6 complaints per 1,000 households per 30 days in the loud
             * copy, spread evenly over the days */
            double per_day = sim_world_comp_hh(loud.w, c) * 6.0 / 1000.0 / 30.0;
            loud.m->sh.complaints_rc[c] =
                (int32_t)(floor((double)(d + 1) * per_day) - floor((double)d * per_day));
        }
        fx_day(&quiet, d);
        fx_day(&loud, d);
        fx_day(&sour, d);
        assert_memory_equal(quiet.city, sour.city, sizeof quiet.city);
        if (d >= 120) {
            q += quiet.city[SIM_MET_workers_rating_pmc_inadequate];
            l += loud.city[SIM_MET_workers_rating_pmc_inadequate];
        }
    }
    assert_true(l / 120 > q / 120 + 0.1);
    fx_close(&quiet);
    fx_close(&loud);
    fx_close(&sour);
}

/* The workers' view follows the inspections: a better firm (higher quality)
 * lowers the share rating it inadequate, and every worker's assessment stays
 * finite. */
static void test_assessment_follows_quality(void **state)
{
    (void)state;
    fixture lo, hi;
    fx_open(&lo, 7, NULL, 0);
    fx_open(&hi, 7, NULL, 0);
    for (int32_t c = 0; c < lo.w->ncomp; c++) {
        lo.m->pmc.quality[c] = 0.45;
        hi.m->pmc.quality[c] = 0.75;
    }
    for (int64_t d = 0; d < 300; d++) {
        fx_day(&lo, d);
        fx_day(&hi, d);
    }
    assert_true(lo.city[SIM_MET_workers_rating_pmc_inadequate] >
                hi.city[SIM_MET_workers_rating_pmc_inadequate] + 0.4);
    for (int32_t i = 0; i < lo.m->rc.nworkers; i++)
        assert_true(isfinite(lo.m->rc.w_assess[i]) && isfinite(hi.m->rc.w_assess[i]));
    fx_close(&lo);
    fx_close(&hi);
}

/* Workers are spread over an RC's compounds by households, every worker in
 * a compound of its own RC; destroy is safe on a zeroed model. */
static void test_workers_layout(void **state)
{
    (void)state;
    fixture f;
    fx_open(&f, 3, NULL, 0);
    const rc_model *s = &f.m->rc;
    assert_int_equal(s->nworkers, f.w->nrc * (int32_t)f.m->p.rc_workers_per_rc);
    for (int32_t r = 0; r < f.w->nrc; r++)
        for (int32_t i = s->rc_w0[r]; i < s->rc_w0[r + 1]; i++) {
            assert_int_equal(f.w->comp_rc[s->w_comp[i]], r);
            if (i > s->rc_w0[r])
                assert_true(s->w_comp[i] >= s->w_comp[i - 1]);
        }
    fx_close(&f);
    rc_model z;
    memset(&z, 0, sizeof z);
    rc_destroy(&z);
    rc_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_admin_hours_formula),
        cmocka_unit_test(test_hours_add_up),
        cmocka_unit_test(test_cloud),
        cmocka_unit_test(test_duty_list),
        cmocka_unit_test(test_training),
        cmocka_unit_test(test_policy_timing),
        cmocka_unit_test(test_thread_invariance),
        cmocka_unit_test(test_acting_covers_failed_ocs),
        cmocka_unit_test(test_acting_time_limit),
        cmocka_unit_test(test_acting_share_nested),
        cmocka_unit_test(test_assessment_follows_complaints),
        cmocka_unit_test(test_assessment_follows_quality),
        cmocka_unit_test(test_workers_layout),
    };
    return cmocka_run_group_tests_name("rc", tests, NULL, NULL);
}
