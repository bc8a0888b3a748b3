/* tests/models/test_pmc.c — property firms (models/pmc.h): the budget from
 * fees and subsidy, a replaced firm's starting quality, quality following
 * the budget, and one defect's life from silence through a hotline
 * complaint to its repair, in settings whose answers are known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "household.h"
#include "metrics.h"
#include "params.h"
#include "pmc.h"
#include "shared.h"
#include "world.h"

typedef struct {
    sim_params p;
    sim_world *w;
    hh_state hh;
    pmc_state s;
    mdl_shared sh;
    sim_tally *t;
} fixture;

/* One new compound and one old one, 50 households each; no new defects
 * unless a test asks for them. */
static void setup_city(fixture *f)
{
    sim_params_default(&f->p);
    f->p.city_compounds = 2;
    f->p.city_subdistricts = 1;
    f->p.city_hh_sigma = 0.0;
    f->p.city_hh_mean = 50;
    f->p.city_hh_old_mean = 50;
    f->p.pmc_defect_rate = 0.0;
    sim_error err;
    assert_int_equal(sim_world_create(&f->w, &f->p, 11, &err), SIM_OK);
    /* which compound is old is drawn: make it 0 new, 1 old */
    f->w->comp_old[0] = 0;
    f->w->comp_old[1] = 1;
    assert_int_equal(hh_create(&f->hh, f->w, &f->p, 11, &err), SIM_OK);
    assert_int_equal(pmc_create(&f->s, f->w, &f->p, &err), SIM_OK);
    assert_int_equal(mdl_shared_create(&f->sh, 2, &err), SIM_OK);
    f->t = sim_tally_create(2, 1, f->w->nrc);
    assert_non_null(f->t);
}

static void teardown_city(fixture *f)
{
    sim_tally_destroy(f->t);
    mdl_shared_destroy(&f->sh);
    pmc_destroy(&f->s);
    hh_destroy(&f->hh);
    sim_world_destroy(f->w);
}

/* per household: fee x paid / billed (+ subsidy when old); quality =
 * (1 - margin) x that / cost, clamped; revenue = fee x paid + subsidy x
 * billed. */
static void test_bill(void **state)
{
    (void)state;
    fixture f;
    setup_city(&f);
    f.p.pmc_fee_new = 280;
    f.p.pmc_cost_new = 300;
    f.p.pmc_fee_old = 18;
    f.p.pmc_subsidy_old = 60;
    f.p.pmc_cost_old = 110;
    f.p.pmc_margin = 0.12;
    assert_true(pmc_bill(&f.s, f.w, &f.p, 0, 40, 50) == 280.0 * 40);
    assert_true(fabs(f.s.budget_quality[0] - 0.88 * 224.0 / 300.0) < 1e-12);
    assert_true(pmc_bill(&f.s, f.w, &f.p, 1, 25, 50) == 18.0 * 25 + 60.0 * 50);
    assert_true(fabs(f.s.budget_quality[1] - 0.88 * 69.0 / 110.0) < 1e-12);
    /* nobody billed: no budget */
    assert_true(pmc_bill(&f.s, f.w, &f.p, 0, 0, 0) == 0.0);
    assert_true(f.s.budget_quality[0] == 0.0);
    /* a fee above the cost: quality 1 at most */
    f.p.pmc_fee_new = 3000;
    pmc_bill(&f.s, f.w, &f.p, 0, 50, 50);
    assert_true(f.s.budget_quality[0] == 1.0);
    teardown_city(&f);
}

static void test_replace_and_follow(void **state)
{
    (void)state;
    fixture f;
    setup_city(&f);
    assert_true(f.s.quality[0] == f.p.pmc_quality_init);
    pmc_replace(&f.s, 0, 1.7);
    assert_true(f.s.quality[0] == 1.0);
    pmc_replace(&f.s, 0, -0.2);
    assert_true(f.s.quality[0] == 0.0);
    /* quality moves pmc.adjust of the way to the budget's quality a day */
    pmc_replace(&f.s, 0, 0.9);
    f.s.budget_quality[0] = 0.5;
    f.p.pmc_adjust = 0.25;
    sim_error err;
    assert_int_equal(pmc_day(&f.s, &f.hh, f.w, &f.p, &f.sh, 11, 0, 0, f.t), SIM_OK);
    assert_true(fabs(f.s.quality[0] - 0.8) < 1e-12);
    assert_int_equal(pmc_day(&f.s, &f.hh, f.w, &f.p, &f.sh, 11, 0, 1, f.t), SIM_OK);
    assert_true(fabs(f.s.quality[0] - 0.725) < 1e-12);
    (void)err;
    assert_int_equal(f.s.open[0].n, 0);
    teardown_city(&f);
}

/* A silent defect; every household complains at once (complain_rate 1),
 * only the hotline is open (no committee, no weight on the firm): filed on
 * day 10 through 12345.  Then a perfect firm repairs it on day 13: one
 * complaint resolved after 3 days, the household's satisfaction restored
 * by repair_gain. */
static void test_defect_life(void **state)
{
    (void)state;
    fixture f;
    setup_city(&f);
    f.p.household_complain_rate = 1.0;
    f.p.household_channel_firm = 0.0;
    f.sh.oc_state[0] = OC_ABSENT;
    f.sh.oc_trust[0] = 0.0f;
    f.sh.rc_trust[0] = 0.0f;
    f.sh.oc_supervision[0] = f.sh.rc_supervision[0] = 0.0f;
    f.p.pmc_repair_rate = 0.0;
    pmc_defect d = {7, 9, -1, DEFECT_SILENT, CHANNEL_NONE};
    f.s.open[0].d[0] = d;
    f.s.open[0].n = 1;
    double *out = calloc(SIM_MET_N, sizeof *out);
    assert_non_null(out);

    assert_int_equal(pmc_day(&f.s, &f.hh, f.w, &f.p, &f.sh, 11, 0, 10, f.t), SIM_OK);
    const pmc_defect *o = &f.s.open[0].d[0];
    assert_int_equal(f.s.open[0].n, 1);
    assert_int_equal(o->status, DEFECT_PENDING);
    assert_int_equal(o->filed, 10);
    assert_int_equal(o->channel, CHANNEL_HOTLINE);
    assert_int_equal(f.sh.complaints_hotline[0], 1);
    assert_int_equal(f.sh.complaints_rc[0], 0);
    assert_int_equal(f.sh.pending_rc[0], 0);
    sim_tally_reduce(f.t, out);
    assert_true(out[SIM_MET_complaints_new] == 1.0);
    assert_true(out[SIM_MET_complaints_hotline] == 1.0);
    assert_true(out[SIM_MET_complaints_pending] == 1.0);
    assert_true(out[SIM_MET_defects_open] == 1.0);

    /* patience infinite in effect for two days, then a perfect firm */
    f.p.household_patience = 3650;
    f.p.household_complain_rate = 0.0;
    pmc_replace(&f.s, 0, 1.0);
    f.s.budget_quality[0] = 1.0;
    f.p.pmc_repair_rate = 1.0;
    float before = f.hh.sat[7];
    assert_int_equal(pmc_day(&f.s, &f.hh, f.w, &f.p, &f.sh, 11, 0, 13, f.t), SIM_OK);
    assert_int_equal(f.s.open[0].n, 0);
    assert_true(fabs(f.hh.sat[7] - fmin(1.0, before + f.p.household_repair_gain)) < 1e-6);
    sim_tally_reduce(f.t, out);
    assert_true(out[SIM_MET_defects_repaired] == 1.0);
    assert_true(out[SIM_MET_complaints_resolved] == 1.0);
    assert_true(out[SIM_MET_complaint_days_to_resolve] == 3.0);
    assert_true(out[SIM_MET_complaints_pending] == 0.0);
    free(out);
    teardown_city(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bill),
        cmocka_unit_test(test_replace_and_follow),
        cmocka_unit_test(test_defect_life),
    };
    return cmocka_run_group_tests_name("pmc", tests, NULL, NULL);
}
