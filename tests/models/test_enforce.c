/* tests/models/test_enforce.c — urban-management enforcement (models/enforce.c).
 *
 * Two kinds of test:
 *   - direct: the mechanisms as pure functions (known answers with "high
 *     entropy" values), and a model stepped by hand whose per-compound
 *     counts are checked against the squads' lines and the shared buffer;
 *   - whole runs through sim_run() (as tests/sim/test_run.c), for each lever,
 *     the accounting identities, zero rates, policy timing and thread
 *     invariance.
 * Throughput is tested where it is limited by the squad: with the
 * deterrence feedback off and more violations than the officers can handle
 * (in the default district the squad keeps up, so cases resolved a day
 * follow the violations, not the officers).  Margins are set well inside
 * the expected effects (stated at each test) and well outside the noise of
 * the seeds used.
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
#include "suite.h"

/* ---- helpers -------------------------------------------------------------- */

/* ---- the mechanisms --------------------------------------------------------- */

static void test_mechanisms_known(void **state)
{
    (void)state;
    sim_params p;
    sim_params_default(&p);
    p.enforce_construction_days = 5.3;
    p.enforce_other_days = 0.47;
    p.enforce_training_time_gain = 0.23;
    p.enforce_library_gain = 0.17;
    p.enforce_joint_time_gain = 0.31;
    p.enforce_training = 0.6;
    p.enforce_library = 0.45;
    p.enforce_joint = 0.8;
    double common = (1 - 0.6 * 0.23) * (1 - 0.45 * 0.17);
    assert_true(fabs(enf_service_days(&p, ENF_CONSTRUCTION) - 5.3 * common * (1 - 0.8 * 0.31)) <
                1e-12);
    assert_true(fabs(enf_service_days(&p, ENF_OTHER) - 0.47 * common) < 1e-12); /* not hard */

    p.enforce_greenery_success = 0.53;
    p.enforce_other_success = 0.81;
    p.enforce_training_success_gain = 0.07;
    p.enforce_joint_success_gain = 0.19;
    double green = 0.53 + 0.6 * 0.07 + 0.8 * 0.19;
    assert_true(fabs(enf_success_prob(&p, ENF_GREENERY) - green) < 1e-12);
    assert_true(fabs(enf_success_prob(&p, ENF_OTHER) - (0.81 + 0.6 * 0.07)) < 1e-12);
    p.enforce_other_success = 0.99;
    assert_true(enf_success_prob(&p, ENF_OTHER) == 1.0); /* clamped */

    p.enforce_detection = 0.031;
    p.enforce_video_sharing = 0.7;
    p.enforce_video_gain = 0.043;
    assert_true(fabs(enf_detection(&p, 0.0) - (1 - 0.969 * (1 - 0.7 * 0.043))) < 1e-12);
    assert_true(fabs(enf_detection(&p, 0.021) - (1 - 0.969 * 0.979 * (1 - 0.7 * 0.043))) < 1e-12);
    assert_true(enf_detection(&p, 0.02) > enf_detection(&p, 0.0)); /* RC patrols add */
    p.enforce_video_sharing = 0.0;
    assert_true(fabs(enf_detection(&p, 0.0) - 0.031) < 1e-12);

    p.enforce_deterrence = 0.47;
    p.enforce_imitation = 0.23;
    assert_true(fabs(enf_deterrence(&p, 0.83, 1.7) - (1 - 0.47 * 0.83 + 0.23 * 1.7)) < 1e-12);
    p.enforce_imitation_max = 0.61;
    /* imitation capped */
    assert_true(fabs(enf_deterrence(&p, 0.83, 9.5) - (1 - 0.47 * 0.83 + 0.61)) < 1e-12);
    p.enforce_deterrence = 1.0;
    assert_true(enf_deterrence(&p, 1.0, 0.0) == 0.0);
    assert_true(enf_deterrence(&p, 1.7, 0.0) == 0.0); /* effectiveness clamped, never < 0 */

    p.enforce_officers_per_10k_households = 10.9;
    p.enforce_compound_time_share = 0.2;
    p.enforce_diversion = 0.3;
    assert_true(fabs(enf_officers_available(&p, 13900) - 10.9 * 1.39 * 0.2 * 0.7) < 1e-12);
    p.enforce_construction_rate = 2.3e-6;
    assert_true(enf_rate(&p, ENF_CONSTRUCTION) == 2.3e-6);
}

/* ---- direct: the counts, the lines and the shared buffer ------------------------ */

/* After every day of a whole model stepped by hand: per compound,
 * violations_open = undetected + queued; per sub-district, the cases queued
 * in its compounds = its line; the outbox is empty; every count >= 0; the
 * squads' servers add up to the officers available. */
static void test_state_consistent(void **state)
{
    (void)state;
    sim_params p;
    const char *sets[] = {"city.compounds=90", "city.subdistricts=5"};
    params_with(&p, sets, 2);
    sim_error err;
    sim_error_clear(&err);
    sim_world *w = NULL;
    mdl_model *m = NULL;
    assert_int_equal(sim_world_create(&w, &p, 17, &err), SIM_OK);
    assert_int_equal(mdl_create(&m, w, &p, 17, &err), SIM_OK);
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    omp_set_num_threads(2);
    for (int64_t d = 0; d < 400; d++) {
        if (d == 150)
            assert_int_equal(
                mdl_apply_change(m, sim_param_find("enforce.diversion"), 0.55, d, &err), SIM_OK);
        assert_int_equal(mdl_step(m, &ctx, d), SIM_OK);
        for (int32_t s = 0; s < w->nsub; s++) {
            int64_t queued = 0;
            for (int32_t c = w->sub_comp0[s]; c < w->sub_comp0[s + 1]; c++) {
                int32_t open = 0;
                for (int k = 0; k < ENF_NCAT; k++) {
                    int32_t u = m->enf.undetected[c * ENF_NCAT + k];
                    int32_t q = m->enf.queued[c * ENF_NCAT + k];
                    assert_true(u >= 0 && q >= 0);
                    assert_int_equal(m->enf.found[c * ENF_NCAT + k], 0);
                    open += u + q;
                    queued += q;
                }
                assert_int_equal(m->sh.violations_open[c], open);
            }
            assert_int_equal(queued, q_waiting(&m->enf.q[s]));
            double x = enf_officers_available(&m->p, m->enf.households[s]);
            assert_true(fabs(q_capacity(&m->enf.q[s]) - x) < 1e-9);
        }
    }
    /* the RC's patrols are a route of their own: more found with them */
    double found[2] = {0, 0};
    for (int pass = 0; pass < 2; pass++)
        for (int64_t d = 400; d < 430; d++) {
            for (int32_t c = 0; c < w->ncomp; c++)
                m->sh.detection[c] = pass ? 0.3f : 0.0f;
            sim_tally_clear(m->tally);
            for (int32_t c = 0; c < w->ncomp; c++) {
                int32_t before = 0;
                for (int k = 0; k < ENF_NCAT; k++)
                    before += m->enf.undetected[c * ENF_NCAT + k];
                assert_int_equal(enf_compound_day(m, c, d + 30 * pass), SIM_OK);
                int32_t after = 0;
                for (int k = 0; k < ENF_NCAT; k++)
                    after += m->enf.found[c * ENF_NCAT + k];
                found[pass] += (double)after / (before > 0 ? before : 1);
            }
            for (int32_t s = 0; s < w->nsub; s++)
                assert_int_equal(enf_subdistrict_day(m, s, d + 30 * pass), SIM_OK);
        }
    print_message("share found a day: %.4f without, %.4f with the RC's patrols\n", found[0],
                  found[1]);
    assert_true(found[1] > 3.0 * found[0]);
    mdl_destroy(m);
    sim_world_destroy(w);
}

/* ---- whole runs ------------------------------------------------------------------- */

/* Every violation that arose is resolved or still standing; standing ones
 * are undetected or waiting; every case reported is resolved, failed or
 * waiting; categories add up to the totals. */
static void test_accounting(void **state)
{
    (void)state;
    sim_result *r = run(2, 11, 730, NULL, 0);
    double arisen = 0, resolved = 0, found = 0, failed = 0, hard_new = 0, hard_resolved = 0;
    for (int64_t d = 0; d < r->days; d++) {
        double newk = 0, resk = 0, backk = 0;
        for (int k = 0; k < ENF_NCAT; k++) {
            newk += sim_result_city(r, d, SIM_MET_violations_new_construction + k);
            resk += sim_result_city(r, d, SIM_MET_violations_resolved_construction + k);
            backk += sim_result_city(r, d, SIM_MET_violations_backlog_construction + k);
            if (k < ENF_NHARD)
                hard_new += sim_result_city(r, d, SIM_MET_violations_new_construction + k);
        }
        assert_true(newk == sim_result_city(r, d, SIM_MET_violations_new));
        assert_true(resk == sim_result_city(r, d, SIM_MET_violations_resolved));
        assert_true(backk == sim_result_city(r, d, SIM_MET_violations_backlog));
        arisen += sim_result_city(r, d, SIM_MET_violations_new);
        resolved += sim_result_city(r, d, SIM_MET_violations_resolved);
        found += sim_result_city(r, d, SIM_MET_violations_found);
        failed += sim_result_city(r, d, SIM_MET_violations_failed);
        hard_resolved += sim_result_city(r, d, SIM_MET_violations_resolved_hard);
        double standing = sim_result_city(r, d, SIM_MET_violations_standing);
        double backlog = sim_result_city(r, d, SIM_MET_violations_backlog);
        assert_true(arisen == resolved + standing);
        assert_true(standing == sim_result_city(r, d, SIM_MET_violations_undetected) + backlog);
        assert_true(found == resolved + failed + backlog);
        double hard_standing = sim_result_city(r, d, SIM_MET_violations_standing_hard);
        assert_true(hard_new == hard_resolved + hard_standing);
        assert_true(sim_result_city(r, d, SIM_MET_violations_backlog_hard) <= backlog);
        double u = sim_result_city(r, d, SIM_MET_enforcement_utilisation);
        assert_true(u >= 0.0 && u <= 1.0 + 1e-12);
    }
    assert_true(arisen > 1000 && resolved > 1000 && failed > 0 && hard_resolved > 10);
    sim_result_destroy(r);
}

/* Zero rates give zero events. */
static void test_zero_rates(void **state)
{
    (void)state;
    const char *sets[] = {"enforce.construction_rate=0", "enforce.loadbearing_rate=0",
                          "enforce.greenery_rate=0", "enforce.other_rate=0"};
    sim_result *r = run(2, 3, 200, sets, 4);
    const int ms[] = {SIM_MET_violations_new,        SIM_MET_violations_found,
                      SIM_MET_violations_resolved,   SIM_MET_violations_failed,
                      SIM_MET_violations_backlog,    SIM_MET_violations_standing,
                      SIM_MET_enforcement_wait_days, SIM_MET_enforcement_utilisation};
    for (int64_t d = 0; d < r->days; d++)
        for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++)
            assert_true(sim_result_city(r, d, ms[k]) == 0.0);
    assert_true(sim_result_city(r, 0, SIM_MET_officers_available) > 0.0);
    sim_result_destroy(r);
}

/* Parameters of a squad-limited district: no deterrence feedback and more
 * violations than the officers can handle. */
#define SATURATED "enforce.deterrence=0", "enforce.imitation=0", "enforce.other_rate=6e-4"

/* Officers kept in post: with the squad the bottleneck, cases resolved a day
 * follow the officers available (0.9 / 0.5 of them: about 1.8 times as
 * many); in the default district, diversion raises the backlog. */
static void test_diversion(void **state)
{
    (void)state;
    const char *lo[] = {SATURATED, "enforce.diversion=0.1"};
    const char *hi[] = {SATURATED, "enforce.diversion=0.5"};
    sim_result *a = run(2, 4, 400, lo, 4), *b = run(2, 4, 400, hi, 4);
    double oa = sim_result_city(a, 0, SIM_MET_officers_available),
           ob = sim_result_city(b, 0, SIM_MET_officers_available);
    assert_true(fabs(oa / ob - 0.9 / 0.5) < 1e-9);
    double ra = mean_of(a, SIM_MET_violations_resolved, 100, 400),
           rb = mean_of(b, SIM_MET_violations_resolved, 100, 400);
    print_message("saturated: resolved a day %.2f (diversion 0.1), %.2f (0.5)\n", ra, rb);
    assert_true(ra > 1.4 * rb);
    assert_true(mean_of(b, SIM_MET_enforcement_utilisation, 100, 400) > 0.95);
    assert_true(sim_result_city(b, 399, SIM_MET_violations_backlog) >
                sim_result_city(a, 399, SIM_MET_violations_backlog));
    sim_result_destroy(a);
    sim_result_destroy(b);

    const char *more[] = {"policy.d.day=365", "policy.d.enforce.diversion=0.45"};
    for (uint64_t seed = 3; seed <= 5; seed++) {
        sim_result *x = run(2, seed, 1095, NULL, 0), *y = run(2, seed, 1095, more, 2);
        double bx = mean_of(x, SIM_MET_violations_backlog, 400, 1095),
               by = mean_of(y, SIM_MET_violations_backlog, 400, 1095);
        print_message("seed %d: backlog %.2f, with diversion 0.45 %.2f\n", (int)seed, bx, by);
        assert_true(by > 1.5 * bx);
        assert_true(mean_of(y, SIM_MET_enforcement_wait_days, 400, 1095) >
                    mean_of(x, SIM_MET_enforcement_wait_days, 400, 1095));
        sim_result_destroy(x);
        sim_result_destroy(y);
    }
}

/* Officer training (handling time -20%, success +0.1): the backlog and the
 * violations standing fall (expected: backlog to a fraction, standing by
 * about a fifth). */
static void test_training_lowers_backlog(void **state)
{
    (void)state;
    const char *sets[] = {"policy.t.day=365", "policy.t.enforce.training=1"};
    for (uint64_t seed = 3; seed <= 5; seed++) {
        sim_result *a = run(2, seed, 1095, NULL, 0), *b = run(2, seed, 1095, sets, 2);
        double ba = mean_of(a, SIM_MET_violations_backlog, 400, 1095),
               bb = mean_of(b, SIM_MET_violations_backlog, 400, 1095);
        double sa = mean_of(a, SIM_MET_violations_standing, 400, 1095),
               sb = mean_of(b, SIM_MET_violations_standing, 400, 1095);
        print_message("seed %d: backlog %.2f -> %.2f, standing %.1f -> %.1f\n", (int)seed, ba, bb,
                      sa, sb);
        assert_true(bb < 0.6 * ba);
        assert_true(sb < 0.9 * sa);
        assert_true(mean_of(b, SIM_MET_enforcement_effectiveness, 400, 1095) >
                    mean_of(a, SIM_MET_enforcement_effectiveness, 400, 1095) + 0.05);
        sim_result_destroy(a);
        sim_result_destroy(b);
    }
}

/* Joint enforcement (hard cases: time -30%, success +0.25): the hard-case
 * backlog falls (seed by seed) and the hard violations standing fall
 * (expected about -35%; a default district has only about 4 standing, so
 * that is checked over three seeds together). */
static void test_joint_lowers_hard_backlog(void **state)
{
    (void)state;
    const char *sets[] = {"policy.j.day=365", "policy.j.enforce.joint=1"};
    double sa_all = 0, sb_all = 0;
    for (uint64_t seed = 3; seed <= 5; seed++) {
        sim_result *a = run(2, seed, 1095, NULL, 0), *b = run(2, seed, 1095, sets, 2);
        double ha = mean_of(a, SIM_MET_violations_backlog_hard, 400, 1095),
               hb = mean_of(b, SIM_MET_violations_backlog_hard, 400, 1095);
        double sa = mean_of(a, SIM_MET_violations_standing_hard, 500, 1095),
               sb = mean_of(b, SIM_MET_violations_standing_hard, 500, 1095);
        print_message("seed %d: hard backlog %.3f -> %.3f, hard standing %.2f -> %.2f\n", (int)seed,
                      ha, hb, sa, sb);
        assert_true(hb < 0.6 * ha);
        assert_true(sb < sa);
        sa_all += sa;
        sb_all += sb;
        sim_result_destroy(a);
        sim_result_destroy(b);
    }
    assert_true(sb_all < 0.8 * sa_all);
}

/* Statute and discretion libraries and the app (handling time -15%): with
 * the squad the bottleneck, throughput rises by about 1/0.85; in the
 * default district the backlog falls. */
static void test_library_raises_throughput(void **state)
{
    (void)state;
    const char *off[] = {SATURATED};
    const char *on[] = {SATURATED, "enforce.library=1"};
    sim_result *a = run(2, 6, 400, off, 3), *b = run(2, 6, 400, on, 4);
    double ra = mean_of(a, SIM_MET_violations_resolved, 100, 400),
           rb = mean_of(b, SIM_MET_violations_resolved, 100, 400);
    print_message("saturated: resolved a day %.2f, with the libraries %.2f\n", ra, rb);
    assert_true(rb > 1.08 * ra);
    sim_result_destroy(a);
    sim_result_destroy(b);

    const char *sets[] = {"policy.l.day=365", "policy.l.enforce.library=1"};
    double ba = 0, bb = 0;
    for (uint64_t seed = 3; seed <= 5; seed++) {
        sim_result *x = run(2, seed, 1095, NULL, 0), *y = run(2, seed, 1095, sets, 2);
        ba += mean_of(x, SIM_MET_violations_backlog, 400, 1095);
        bb += mean_of(y, SIM_MET_violations_backlog, 400, 1095);
        sim_result_destroy(x);
        sim_result_destroy(y);
    }
    print_message("backlog (3 seeds) %.2f -> %.2f\n", ba, bb);
    assert_true(bb < 0.8 * ba);
}

/* Shared video access (detection about 0.05 -> 0.08 a day with the RC's
 * patrols): in the first ten days more violations are found (the undetected
 * stock, about 100, drains by a third with a time constant of ~13 days:
 * expected about 1.3 times as many found, summed over three seeds), and
 * afterwards fewer stand undetected: found earlier (days to detection
 * expected to fall by a third). */
static void test_video_found_earlier(void **state)
{
    (void)state;
    const char *sets[] = {"policy.v.day=365", "policy.v.enforce.video_sharing=1"};
    double fa_all = 0, fb_all = 0;
    for (uint64_t seed = 3; seed <= 5; seed++) {
        sim_result *a = run(2, seed, 1095, NULL, 0), *b = run(2, seed, 1095, sets, 2);
        double fa = sum_of(a, SIM_MET_violations_found, 365, 375),
               fb = sum_of(b, SIM_MET_violations_found, 365, 375);
        /* days to detection (Little's law): undetected stock / arrivals a day */
        double da = mean_of(a, SIM_MET_violations_undetected, 500, 1095) /
                    mean_of(a, SIM_MET_violations_new, 500, 1095),
               db = mean_of(b, SIM_MET_violations_undetected, 500, 1095) /
                    mean_of(b, SIM_MET_violations_new, 500, 1095);
        print_message("seed %d: found in the first ten days %.0f -> %.0f; days to detection "
                      "%.1f -> %.1f\n",
                      (int)seed, fa, fb, da, db);
        fa_all += fa;
        fb_all += fb;
        assert_true(fb > fa);
        assert_true(db < 0.8 * da);
        assert_memory_equal(a->city, b->city, sizeof(double) * 365 * SIM_MET_N);
        sim_result_destroy(a);
        sim_result_destroy(b);
    }
    assert_true(fb_all > 1.15 * fa_all);
}

/* Rule-breaking falls with perceived enforcement and rises with the
 * violations standing (imitation). */
static void test_deterrence_and_imitation(void **state)
{
    (void)state;
    const char *none[] = {"enforce.deterrence=0"};
    const char *copy[] = {"enforce.imitation=3"};
    sim_result *a = run(2, 8, 600, NULL, 0), *b = run(2, 8, 600, none, 1),
               *c = run(2, 8, 600, copy, 1);
    double na = mean_of(a, SIM_MET_violations_new, 200, 600),
           nb = mean_of(b, SIM_MET_violations_new, 200, 600),
           nc = mean_of(c, SIM_MET_violations_new, 200, 600);
    print_message("violations a day %.2f; without deterrence %.2f; more imitation %.2f\n", na, nb,
                  nc);
    assert_true(nb > 1.3 * na); /* expected: about 1 / (1 - 0.5 x 0.83) = 1.7 */
    assert_true(nc > 1.2 * na);
    sim_result_destroy(a);
    sim_result_destroy(b);
    sim_result_destroy(c);
}

/* Every enforcement lever switched on at day 200 changes nothing before it,
 * and something after. */
static void test_lever_timing(void **state)
{
    (void)state;
    static const char *const levers[][2] = {
        {"policy.x.day=200", "policy.x.enforce.training=0.7"},
        {"policy.x.day=200", "policy.x.enforce.diversion=0.1"},
        {"policy.x.day=200", "policy.x.enforce.joint=1"},
        {"policy.x.day=200", "policy.x.enforce.library=0.6"},
        {"policy.x.day=200", "policy.x.enforce.video_sharing=1"},
    };
    assert_levers_start_on_day(levers, sizeof levers / sizeof levers[0], 200);
}

/* 1 and 3 threads give the same results, with enough sub-districts (130:
 * at least 2 x SIM_TALLY_BLOCK) for the sub-district phases to run in
 * parallel, and levers mid-run. */
static void test_thread_invariance(void **state)
{
    (void)state;
    const char *sets[] = {"city.compounds=520",
                          "city.subdistricts=130",
                          "city.firms=30",
                          "policy.s.day=100",
                          "policy.s.enforce.diversion=0.15",
                          "policy.s.enforce.video_sharing=0.5",
                          "policy.s.enforce.joint=1"};
    sim_result *a = run(1, 13, 250, sets, 7), *b = run(3, 13, 250, sets, 7);
    assert_memory_equal(a->city, b->city, sizeof(double) * 250 * SIM_MET_N);
    for (int m = 0; m < SIM_MET_N; m++)
        if (a->panel[m])
            assert_memory_equal(a->panel[m], b->panel[m],
                                sizeof(float) * (size_t)a->nsamples * (size_t)a->world->ncomp);
    assert_true(sum_of(a, SIM_MET_violations_resolved, 0, 250) > 100);
    sim_result_destroy(a);
    sim_result_destroy(b);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mechanisms_known),
        cmocka_unit_test(test_state_consistent),
        cmocka_unit_test(test_accounting),
        cmocka_unit_test(test_zero_rates),
        cmocka_unit_test(test_deterrence_and_imitation),
        cmocka_unit_test(test_lever_timing),
        cmocka_unit_test(test_thread_invariance),
    };
    /* the slow cases: ctest test_enforce_slow, label slow (tests/suite.h) */
    const struct CMUnitTest slow[] = {
        cmocka_unit_test(test_diversion),
        cmocka_unit_test(test_training_lowers_backlog),
        cmocka_unit_test(test_joint_lowers_hard_backlog),
        cmocka_unit_test(test_library_raises_throughput),
        cmocka_unit_test(test_video_found_earlier),
    };
    return SUITE_RUN("enforce", tests, slow, NULL, NULL, argc, argv);
}
