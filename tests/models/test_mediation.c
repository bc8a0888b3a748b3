/* tests/models/test_mediation.c — people's mediation (models/mediation.c).
 *
 * Two kinds of test:
 *   - direct: the mechanisms as pure functions (known answers with "high
 *     entropy" values), and a world and model built by hand whose
 *     mediation phases are called day after day, with the residents'
 *     committees' service hours set by the test;
 *   - whole runs through sim_run() (as tests/sim/test_run.c), for the levers,
 *     the accounting identity, policy timing and thread invariance.
 * Margins are set well inside the expected effects (stated at each test)
 * and well outside the noise of the seeds used.
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

/* Mean wait of the disputes taken up in days [d0, d1) (the daily ratio
 * weighted by the disputes taken up that day). */
static double mean_wait(const sim_result *r, int64_t d0, int64_t d1)
{
    double w = 0.0, n = 0.0;
    for (int64_t d = d0; d < d1; d++) {
        double taken = sim_result_city(r, d, SIM_MET_disputes_settled) +
                       sim_result_city(r, d, SIM_MET_disputes_escalated);
        w += sim_result_city(r, d, SIM_MET_mediation_wait_days) * taken;
        n += taken;
    }
    return n > 0.0 ? w / n : 0.0;
}

/* A model driven by hand: only the mediation phases run. */
static void fx_day(fixture *f, int64_t day)
{
    sim_tally_clear(f->m->tally);
    for (int32_t c = 0; c < f->w->ncomp; c++)
        assert_int_equal(med_compound_day(f->m, c, day), SIM_OK);
    for (int32_t s = 0; s < f->w->nsub; s++)
        assert_int_equal(med_subdistrict_day(f->m, s, day), SIM_OK);
    sim_tally_reduce(f->m->tally, f->city);
}

/* ---- the mechanisms --------------------------------------------------------- */

static void test_settle_prob_known(void **state)
{
    (void)state;
    sim_params p;
    sim_params_default(&p);
    p.mediation_settle_base = 0.713;
    p.mediation_settle_skill = 0.241;
    p.mediation_base_skill = 0.437;
    p.mediation_part_time_skill_gap = 0.129;
    p.mediation_training_gain = 0.383;
    p.mediation_training = 0.0;
    assert_true(fabs(med_settle_prob(&p, 0) - (0.713 + 0.241 * 0.437)) < 1e-12);
    assert_true(fabs(med_settle_prob(&p, 1) - (0.713 + 0.241 * (0.437 - 0.129))) < 1e-12);
    p.mediation_training = 0.62;
    double skill = 0.437 + 0.62 * 0.383;
    assert_true(fabs(med_settle_prob(&p, 0) - (0.713 + 0.241 * skill)) < 1e-12);
    /* skill and probability are clamped to [0, 1] */
    p.mediation_base_skill = 0.9;
    p.mediation_training = 1.0;
    p.mediation_settle_base = 0.95;
    assert_true(med_settle_prob(&p, 0) == 1.0);
    p.mediation_settle_base = 0.0;
    p.mediation_settle_skill = 0.5;
    assert_true(fabs(med_settle_prob(&p, 0) - 0.5) < 1e-12);
    /* the defaults: 87% full-time, 85% part-time (sources: 85-99%) */
    sim_params_default(&p);
    assert_true(fabs(med_settle_prob(&p, 0) - 0.87) < 1e-9);
    assert_true(fabs(med_settle_prob(&p, 1) - 0.85) < 1e-9);
}

static void test_dispute_mean_known(void **state)
{
    (void)state;
    sim_params p;
    sim_params_default(&p);
    p.mediation_dispute_rate = 7.3e-5;
    p.mediation_prevention = 0.37;
    p.mediation_prevention_ref = 0.043;
    const int32_t hh = 613;
    assert_true(fabs(med_dispute_mean(&p, hh, 0.0) - 613 * 7.3e-5) < 1e-15);
    double reach = 9.1 / 613 / 0.043;
    assert_true(fabs(med_dispute_mean(&p, hh, 9.1) - 613 * 7.3e-5 * (1 - 0.37 * reach)) < 1e-15);
    /* saturates at full prevention */
    assert_true(fabs(med_dispute_mean(&p, hh, 1e4) - 613 * 7.3e-5 * (1 - 0.37)) < 1e-15);
    assert_true(med_dispute_mean(&p, 0, 5.0) == 0.0);
    p.mediation_dispute_rate = 0.0;
    assert_true(med_dispute_mean(&p, hh, 0.0) == 0.0);
}

static void test_rooms_known(void **state)
{
    (void)state;
    sim_params p;
    sim_params_default(&p);
    p.mediation_rooms_per_10k_households = 1.5;
    assert_int_equal(med_rooms(&p, 13900), 2); /* 2.085 */
    assert_int_equal(med_rooms(&p, 33500), 5); /* 5.025 */
    assert_int_equal(med_rooms(&p, 3000), 1);  /* 0.45: at least one */
    assert_int_equal(med_rooms(&p, 0), 1);
    p.mediation_rooms_per_10k_households = 0.0;
    assert_int_equal(med_rooms(&p, 50000), 1);
}

/* ---- direct: staffing ------------------------------------------------------------ */

/* Speeds of every position of every sub-district, in slot order. */
static double *speeds(const fixture *f, int32_t *n)
{
    int32_t total = 0;
    for (int32_t s = 0; s < f->w->nsub; s++)
        total += f->m->med.rooms[s] * MED_SEATS_MAX;
    double *v = calloc((size_t)total, sizeof *v);
    assert_non_null(v);
    for (int32_t s = 0; s < f->w->nsub; s++) {
        const q_queue *q = &f->m->med.q[s];
        for (int32_t k = 0; k < q->nserv; k++)
            v[f->m->med.pos0[s] + k] = q->speed[k];
    }
    *n = total;
    return v;
}

/* Raising fill_rate or positions_per_room, or lowering part_time_share,
 * never lowers any position's speed (monotone coupling), and the counts
 * follow the fixed draws exactly. */
static void test_staffing_monotone(void **state)
{
    (void)state;
    fixture f;
    const char *sets[] = {"city.compounds=120", "city.subdistricts=6",
                          "mediation.positions_per_room=1", "mediation.fill_rate=0.2",
                          "mediation.part_time_share=0.9"};
    fx_open(&f, 31, sets, 5);
    int32_t n;
    double *prev = speeds(&f, &n);
    const struct {
        const char *key;
        double value;
    } steps[] = {{"mediation.fill_rate", 0.45},       {"mediation.positions_per_room", 2},
                 {"mediation.fill_rate", 0.8},        {"mediation.part_time_share", 0.5},
                 {"mediation.positions_per_room", 4}, {"mediation.part_time_share", 0.0},
                 {"mediation.fill_rate", 1.0}};
    int64_t day = 10;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++, day += 10) {
        fx_set(&f, steps[i].key, steps[i].value, day);
        int32_t n2;
        double *now = speeds(&f, &n2);
        assert_int_equal(n, n2);
        int grew = 0;
        for (int32_t k = 0; k < n; k++) {
            assert_true(now[k] >= prev[k]);
            grew |= now[k] > prev[k];
        }
        assert_true(grew);
        free(prev);
        prev = now;
    }
    /* at the end: every position of 4 per room filled, full-time */
    for (int32_t s = 0; s < f.w->nsub; s++) {
        assert_int_equal(f.m->med.staffed[s], 4 * f.m->med.rooms[s]);
        assert_true(fabs(f.m->med.fte[s] - 4.0 * f.m->med.rooms[s]) < 1e-12);
    }
    /* and back down: positions beyond the room size are removed */
    fx_set(&f, "mediation.positions_per_room", 2, day);
    for (int32_t s = 0; s < f.w->nsub; s++) {
        assert_int_equal(f.m->med.staffed[s], 2 * f.m->med.rooms[s]);
        assert_true(fabs(q_capacity(&f.m->med.q[s]) - 2.0 * f.m->med.rooms[s]) < 1e-12);
    }
    /* a change of another module's parameter changes nothing here */
    double *before = speeds(&f, &n);
    fx_set(&f, "enforce.diversion", 0.1, day + 1);
    double *after = speeds(&f, &n);
    assert_memory_equal(before, after, sizeof *before * (size_t)n);
    free(before);
    free(after);
    free(prev);
    fx_close(&f);
}

/* The RC's service hours prevent disputes: the number arising matches the
 * mechanism's mean (within 3% over 2,000 days) with and without service. */
static void test_prevention_by_rc_service(void **state)
{
    (void)state;
    fixture f;
    const char *sets[] = {"mediation.dispute_rate=3e-4"};
    fx_open(&f, 5, sets, 1);
    double expect[2] = {0, 0}, got[2] = {0, 0};
    for (int pass = 0; pass < 2; pass++) {
        for (int32_t c = 0; c < f.w->ncomp; c++) {
            double hours = pass ? 0.04 * sim_world_comp_hh(f.w, c) : 0.0;
            f.m->sh.rc_service_hours[c] = (float)hours;
            expect[pass] +=
                med_dispute_mean(&f.m->p, sim_world_comp_hh(f.w, c), f.m->sh.rc_service_hours[c]);
        }
        for (int64_t d = 0; d < 2000; d++) {
            fx_day(&f, 2000 * pass + d);
            got[pass] += f.city[SIM_MET_disputes_new];
        }
        got[pass] /= 2000.0;
        print_message("disputes a day: %.3f (mechanism %.3f)\n", got[pass], expect[pass]);
        assert_true(fabs(got[pass] / expect[pass] - 1.0) < 0.03);
    }
    /* 0.04 of 0.05 hours per household: 0.3 x 0.8 = 24% prevented */
    assert_true(fabs(expect[1] / expect[0] - 0.76) < 1e-6);
    fx_close(&f);
}

/* No mediator at all: nothing is settled or escalated; with patience the
 * parties withdraw, without it every dispute keeps waiting. */
static void test_no_mediators(void **state)
{
    (void)state;
    for (int patient = 0; patient < 2; patient++) {
        fixture f;
        const char *sets[] = {"mediation.fill_rate=0",
                              patient ? "mediation.patience_days=0" : "mediation.patience_days=20"};
        fx_open(&f, 8, sets, 2);
        double arisen = 0, withdrawn = 0;
        for (int64_t d = 0; d < 300; d++) {
            fx_day(&f, d);
            arisen += f.city[SIM_MET_disputes_new];
            withdrawn += f.city[SIM_MET_disputes_withdrawn];
            assert_true(f.city[SIM_MET_disputes_settled] == 0.0);
            assert_true(f.city[SIM_MET_disputes_escalated] == 0.0);
            assert_true(f.city[SIM_MET_mediators_staffed] == 0.0);
            assert_true(arisen == withdrawn + f.city[SIM_MET_disputes_waiting]);
        }
        assert_true(arisen > 300);
        if (patient)
            assert_true(withdrawn == 0.0);
        else
            assert_true(withdrawn > 0.8 * arisen);
        fx_close(&f);
    }
}

/* ---- whole runs ------------------------------------------------------------------- */

/* Every dispute is settled, escalated, withdrawn or still waiting, every
 * day; the panel's disputes add up to the city's. */
static void test_accounting(void **state)
{
    (void)state;
    sim_result *r = run(2, 11, 730, NULL, 0);
    double arisen = 0, settled = 0, escalated = 0, withdrawn = 0;
    for (int64_t d = 0; d < r->days; d++) {
        arisen += sim_result_city(r, d, SIM_MET_disputes_new);
        settled += sim_result_city(r, d, SIM_MET_disputes_settled);
        escalated += sim_result_city(r, d, SIM_MET_disputes_escalated);
        withdrawn += sim_result_city(r, d, SIM_MET_disputes_withdrawn);
        double waiting = sim_result_city(r, d, SIM_MET_disputes_waiting);
        assert_true(arisen == settled + escalated + withdrawn + waiting);
        assert_true(sim_result_city(r, d, SIM_MET_disputes_linkage_open) <= escalated);
        double u = sim_result_city(r, d, SIM_MET_mediation_utilisation);
        assert_true(u >= 0.0 && u <= 1.0 + 1e-12);
    }
    assert_true(arisen > 1000 && settled > 0 && escalated > 0);
    /* most disputes taken up are settled: 85-99% (sources) */
    double share = settled / (settled + escalated);
    print_message("settled %.0f, escalated %.0f (%.1f%% settled), withdrawn %.0f\n", settled,
                  escalated, 100 * share, withdrawn);
    assert_true(share > 0.82 && share < 0.9);
    int m = SIM_MET_disputes_new;
    double panel = 0, city = 0;
    for (int64_t k = 0; k < r->nsamples; k++)
        for (int32_t c = 0; c < r->world->ncomp; c++)
            panel += r->panel[m][k * r->world->ncomp + c];
    for (int64_t d = 0; d <= r->sample_day[r->nsamples - 1]; d++)
        city += sim_result_city(r, d, m);
    assert_true(panel == city);
    sim_result_destroy(r);
}

/* Zero rates give zero events. */
static void test_zero_rates(void **state)
{
    (void)state;
    const char *sets[] = {"mediation.dispute_rate=0"};
    sim_result *r = run(2, 3, 200, sets, 1);
    const int ms[] = {SIM_MET_disputes_new,        SIM_MET_disputes_settled,
                      SIM_MET_disputes_escalated,  SIM_MET_disputes_withdrawn,
                      SIM_MET_disputes_waiting,    SIM_MET_disputes_linkage_open,
                      SIM_MET_mediation_wait_days, SIM_MET_mediation_utilisation};
    for (int64_t d = 0; d < r->days; d++)
        for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++)
            assert_true(sim_result_city(r, d, ms[k]) == 0.0);
    assert_true(sim_result_city(r, 0, SIM_MET_mediators_staffed) > 0.0);
    sim_result_destroy(r);
}

/* More mediators per room never lengthens the mean wait (same seed: common
 * random numbers), over several seeds; nor does a higher fill rate. */
static void test_more_mediators_never_lengthen_wait(void **state)
{
    (void)state;
    const char *three[] = {"mediation.positions_per_room=3"};
    const char *fuller[] = {"mediation.fill_rate=0.95"};
    for (uint64_t seed = 1; seed <= 5; seed++) {
        sim_result *a = run(2, seed, 1095, NULL, 0);
        sim_result *b = run(2, seed, 1095, three, 1);
        sim_result *c = run(2, seed, 1095, fuller, 1);
        double wa = mean_wait(a, 0, 1095), wb = mean_wait(b, 0, 1095), wc = mean_wait(c, 0, 1095);
        print_message("seed %d: mean wait %.3f days; 3 a room %.3f; fill 0.95 %.3f\n", (int)seed,
                      wa, wb, wc);
        assert_true(wb <= wa);
        assert_true(wc <= wa);
        assert_true(sim_result_city(b, 0, SIM_MET_mediators_staffed) >
                    sim_result_city(a, 0, SIM_MET_mediators_staffed));
        /* fewer withdrawals (so more disputes taken up; which mediator takes
         * one, full- or part-time, may differ, so settlements are not
         * compared one by one) */
        assert_true(sum_of(b, SIM_MET_disputes_withdrawn, 0, 1095) <=
                    sum_of(a, SIM_MET_disputes_withdrawn, 0, 1095));
        sim_result_destroy(a);
        sim_result_destroy(b);
        sim_result_destroy(c);
    }
}

/* "3+N" joint training: higher settlement, fewer escalations (the full
 * programme lifts skill 0.5 -> 0.95: escalations fall from ~14% to ~5% of
 * the disputes taken up). */
static void test_training_lowers_escalations(void **state)
{
    (void)state;
    const char *sets[] = {"policy.t.day=365", "policy.t.mediation.training=1"};
    for (uint64_t seed = 2; seed <= 4; seed++) {
        sim_result *a = run(2, seed, 1095, NULL, 0), *b = run(2, seed, 1095, sets, 2);
        double ea = sum_of(a, SIM_MET_disputes_escalated, 365, 1095),
               eb = sum_of(b, SIM_MET_disputes_escalated, 365, 1095);
        double sa = sum_of(a, SIM_MET_disputes_settled, 365, 1095),
               sb = sum_of(b, SIM_MET_disputes_settled, 365, 1095);
        print_message("seed %d: escalated %.0f -> %.0f, settled share %.3f -> %.3f\n", (int)seed,
                      ea, eb, sa / (sa + ea), sb / (sb + eb));
        assert_true(eb < 0.6 * ea);
        assert_true(sb / (sb + eb) > sa / (sa + ea) + 0.05);
        /* the same disputes: staffing and waits untouched */
        assert_true(sum_of(a, SIM_MET_disputes_new, 0, 1095) ==
                    sum_of(b, SIM_MET_disputes_new, 0, 1095));
        assert_true(mean_wait(a, 0, 1095) == mean_wait(b, 0, 1095));
        sim_result_destroy(a);
        sim_result_destroy(b);
    }
}

/* Staffing and funding (all positions filled, most full-time) from day 365:
 * nothing changes before, bit for bit; after, more mediators, a shorter
 * wait, fewer withdrawals. */
static void test_staffing_policy(void **state)
{
    (void)state;
    const char *sets[] = {"policy.fund.day=365", "policy.fund.mediation.fill_rate=1",
                          "policy.fund.mediation.part_time_share=0.2"};
    for (uint64_t seed = 3; seed <= 5; seed++) {
        sim_result *a = run(2, seed, 1095, NULL, 0), *b = run(2, seed, 1095, sets, 3);
        assert_memory_equal(a->city, b->city, sizeof(double) * 365 * SIM_MET_N);
        assert_true(sim_result_city(b, 365, SIM_MET_mediators_fte) >
                    1.3 * sim_result_city(a, 365, SIM_MET_mediators_fte));
        double wa = mean_wait(a, 400, 1095), wb = mean_wait(b, 400, 1095);
        print_message("seed %d: wait %.3f -> %.3f days\n", (int)seed, wa, wb);
        assert_true(wb < 0.7 * wa);
        assert_true(sum_of(b, SIM_MET_disputes_withdrawn, 400, 1095) <=
                    sum_of(a, SIM_MET_disputes_withdrawn, 400, 1095));
        sim_result_destroy(a);
        sim_result_destroy(b);
    }
}

/* Every mediation lever switched on at day 200 changes nothing before it. */
static void test_lever_timing(void **state)
{
    (void)state;
    static const char *const levers[][2] = {
        {"policy.x.day=200", "policy.x.mediation.training=0.8"},
        {"policy.x.day=200", "policy.x.mediation.fill_rate=0.9"},
        {"policy.x.day=200", "policy.x.mediation.part_time_share=0.1"},
        {"policy.x.day=200", "policy.x.mediation.positions_per_room=3"},
    };
    assert_levers_start_on_day(levers, sizeof levers / sizeof levers[0], 200);
}

/* 1 and 3 threads give the same results, with enough sub-districts (130:
 * at least 2 x SIM_TALLY_BLOCK) for the sub-district phases to run in
 * parallel, and a lever mid-run. */
static void test_thread_invariance(void **state)
{
    (void)state;
    const char *sets[] = {"city.compounds=520",
                          "city.subdistricts=130",
                          "city.firms=30",
                          "policy.s.day=100",
                          "policy.s.mediation.positions_per_room=3",
                          "policy.s.mediation.training=0.5"};
    sim_result *a = run(1, 13, 250, sets, 6), *b = run(3, 13, 250, sets, 6);
    assert_memory_equal(a->city, b->city, sizeof(double) * 250 * SIM_MET_N);
    for (int m = 0; m < SIM_MET_N; m++)
        if (a->panel[m])
            assert_memory_equal(a->panel[m], b->panel[m],
                                sizeof(float) * (size_t)a->nsamples * (size_t)a->world->ncomp);
    assert_true(sum_of(a, SIM_MET_disputes_settled, 0, 250) > 100);
    sim_result_destroy(a);
    sim_result_destroy(b);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settle_prob_known),
        cmocka_unit_test(test_dispute_mean_known),
        cmocka_unit_test(test_rooms_known),
        cmocka_unit_test(test_staffing_monotone),
        cmocka_unit_test(test_prevention_by_rc_service),
        cmocka_unit_test(test_no_mediators),
        cmocka_unit_test(test_accounting),
        cmocka_unit_test(test_zero_rates),
        cmocka_unit_test(test_lever_timing),
        cmocka_unit_test(test_thread_invariance),
    };
    /* the slow cases: ctest test_mediation_slow, label slow (tests/suite.h) */
    const struct CMUnitTest slow[] = {
        cmocka_unit_test(test_more_mediators_never_lengthen_wait),
        cmocka_unit_test(test_training_lowers_escalations),
        cmocka_unit_test(test_staffing_policy),
    };
    return SUITE_RUN("mediation", tests, slow, NULL, NULL, argc, argv);
}
