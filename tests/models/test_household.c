/* tests/models/test_household.c — households (models/household.h): the
 * initial state, hh_shift's clamping and aggregates, and the monthly pass
 * in the cases whose answer is known: satisfaction moving to the quality
 * seen, everyone paying, withholders and hardship making arrears. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "household.h"
#include "rng.h"
#include "shared.h"
#include "params.h"
#include "world.h"

typedef struct {
    sim_params p;
    sim_world *w;
    hh_state hh;
    mdl_shared sh;
} fixture;

/* Two new compounds of 100 households each, nobody absent, no spread of
 * leniency: every household starts at sat_init exactly. */
static void setup_city(fixture *f, double sat_init, double withhold_share)
{
    sim_params_default(&f->p);
    f->p.city_compounds = 2;
    f->p.city_subdistricts = 1;
    f->p.city_old_share = 0.0;
    f->p.city_hh_sigma = 0.0;
    f->p.city_hh_mean = 100;
    f->p.city_absent_share = 0.0;
    f->p.city_owner_share = 1.0;         /* no tenants (their landlords pay) */
    f->p.city_resettled_share_new = 0.0; /* commodity housing only */
    f->p.household_tolerance_sd = 0.0;
    f->p.household_sat_init = sat_init;
    f->p.household_withhold_share = withhold_share;
    f->p.household_hardship_rate = 0.0;
    sim_error err;
    assert_int_equal(sim_world_create(&f->w, &f->p, 5, &err), SIM_OK);
    assert_int_equal(f->w->nhh, 200);
    assert_int_equal(hh_create(&f->hh, f->w, &f->p, 5, &err), SIM_OK);
    /* nobody's payment depends on trust, neighbours or memory unless a
     * test says so; no standing violations */
    f->p.household_pay_peer = 0.0;
    f->p.household_pay_trust = 0.0;
    f->p.household_pay_memory = 0.0;
    assert_int_equal(mdl_shared_create(&f->sh, 2, &err), SIM_OK);
}

static void teardown_city(fixture *f)
{
    mdl_shared_destroy(&f->sh);
    hh_destroy(&f->hh);
    sim_world_destroy(f->w);
}

/* The aggregates equal a recount from the households. */
static void check_aggregates(const fixture *f)
{
    const float below = (float)f->p.household_inadequate_below;
    for (int32_t c = 0; c < f->w->ncomp; c++) {
        int32_t bad = 0;
        double sum = 0.0;
        for (int64_t h = f->w->comp_hh0[c]; h < f->w->comp_hh0[c + 1]; h++) {
            bad += f->hh.sat[h] < below;
            sum += f->hh.sat[h];
            assert_int_equal((f->hh.state[h] & HH_INADEQUATE) != 0, f->hh.sat[h] < below);
        }
        assert_int_equal(f->hh.n_inadequate[c], bad);
        assert_true(fabs(f->hh.sat_sum[c] - sum) < 1e-9);
    }
}

static void test_create(void **state)
{
    (void)state;
    fixture f;
    setup_city(&f, 0.7, 0.0);
    for (int64_t h = 0; h < 200; h++) {
        assert_true(f.hh.sat[h] == 0.7f);
        assert_true(f.hh.tol[h] == 0.0f);
        assert_int_equal(f.hh.arrears[h], 0);
        assert_int_equal(f.hh.state[h], 0); /* satisfied, no withholder */
    }
    for (int32_t c = 0; c < 2; c++) {
        assert_int_equal(f.hh.n_inadequate[c], 0);
        assert_true(f.hh.sat_sum[c] == 100 * (double)0.7f);
        assert_int_equal(f.hh.billed_last[c], 100);
        assert_int_equal(f.hh.paid_last[c], 100);
    }
    teardown_city(&f);
    /* below the threshold and all withholders */
    setup_city(&f, 0.3, 1.0);
    for (int64_t h = 0; h < 200; h++)
        assert_int_equal(f.hh.state[h], HH_INADEQUATE);
    assert_int_equal(f.hh.n_inadequate[0], 100);
    assert_int_equal(f.hh.n_inadequate[1], 100);
    teardown_city(&f);
}

static void test_shift(void **state)
{
    (void)state;
    fixture f;
    setup_city(&f, 0.7, 0.0);
    hh_shift(&f.hh, &f.p, 0, 3, -0.5); /* 0.2: now inadequate */
    assert_true(fabs(f.hh.sat[3] - 0.2f) < 1e-6);
    assert_int_equal(f.hh.n_inadequate[0], 1);
    assert_true(f.hh.state[3] & HH_INADEQUATE);
    hh_shift(&f.hh, &f.p, 0, 3, -5.0); /* clamped at 0 */
    assert_true(f.hh.sat[3] == 0.0f);
    assert_int_equal(f.hh.n_inadequate[0], 1);
    hh_shift(&f.hh, &f.p, 0, 3, 7.0); /* clamped at 1, adequate again */
    assert_true(f.hh.sat[3] == 1.0f);
    assert_int_equal(f.hh.n_inadequate[0], 0);
    hh_shift(&f.hh, &f.p, 1, 150, -0.3);
    assert_int_equal(f.hh.n_inadequate[1], 1);
    assert_int_equal(f.hh.n_inadequate[0], 0);
    check_aggregates(&f);
    teardown_city(&f);
}

/* drift 1: satisfaction becomes the quality seen (leniency 0); no
 * withholders, no hardship, nobody absent: everyone pays. */
static void test_monthly_everyone_pays(void **state)
{
    (void)state;
    fixture f;
    setup_city(&f, 0.7, 0.0);
    f.p.household_drift = 1.0;
    f.p.household_withhold_share = -10.0; /* W_c < 0: nobody withholds */
    assert_int_equal(hh_monthly(&f.hh, f.w, &f.p, &f.sh, 5, 0, 30, 0.25), 100);
    for (int64_t h = 0; h < 100; h++) {
        assert_true(f.hh.sat[h] == 0.25f);
        assert_int_equal(f.hh.arrears[h], 0);
    }
    for (int64_t h = 100; h < 200; h++)
        assert_true(f.hh.sat[h] == 0.7f); /* the other compound is untouched */
    assert_int_equal(f.hh.n_inadequate[0], 100);
    assert_int_equal(f.hh.paid_last[0], 100);
    assert_int_equal(f.hh.billed_last[0], 100);
    check_aggregates(&f);
    /* drift 0.5 from 0.25 towards 0.75: 0.5 */
    f.p.household_drift = 0.5;
    hh_monthly(&f.hh, f.w, &f.p, &f.sh, 5, 0, 60, 0.75);
    assert_true(f.hh.sat[0] == 0.5f);
    teardown_city(&f);
}

/* Withholders below withhold_below do not pay; arrears count the months. */
static void test_monthly_arrears(void **state)
{
    (void)state;
    fixture f;
    setup_city(&f, 0.7, 1.0);
    f.p.household_drift = 1.0;
    f.p.household_withhold_share = 10.0; /* W_c > 1 whatever the culture: everyone */
    f.p.household_withhold_below = 0.52;
    assert_int_equal(hh_monthly(&f.hh, f.w, &f.p, &f.sh, 5, 1, 30, 0.1), 0);
    assert_int_equal(hh_monthly(&f.hh, f.w, &f.p, &f.sh, 5, 1, 60, 0.1), 0);
    for (int64_t h = 100; h < 200; h++)
        assert_int_equal(f.hh.arrears[h], 2);
    assert_int_equal(f.hh.paid_last[1], 0);
    /* service good again: they pay, arrears cleared */
    assert_int_equal(hh_monthly(&f.hh, f.w, &f.p, &f.sh, 5, 1, 90, 0.9), 100);
    for (int64_t h = 100; h < 200; h++)
        assert_int_equal(f.hh.arrears[h], 0);
    /* hardship for everyone (the compound's own rate, fixed at creation):
     * nobody pays, whatever the service */
    f.hh.hardship[1] = 1.0f;
    assert_int_equal(hh_monthly(&f.hh, f.w, &f.p, &f.sh, 5, 1, 120, 0.9), 0);
    /* the same month again: the same draws */
    f.hh.hardship[0] = 0.3f;
    int32_t a = hh_monthly(&f.hh, f.w, &f.p, &f.sh, 5, 0, 150, 0.9);
    memset(f.hh.arrears, 0, 200);
    int32_t b = hh_monthly(&f.hh, f.w, &f.p, &f.sh, 5, 0, 150, 0.9);
    assert_int_equal(a, b);
    assert_true(a > 40 && a < 100); /* about 70 of 100 */
    check_aggregates(&f);
    teardown_city(&f);
}

/* Rented homes: the landlord pays with probability landlord_pay, whatever
 * the tenant sees; 1 and 0 give known answers, and no resident withholds. */
static void test_monthly_landlords(void **state)
{
    (void)state;
    fixture f;
    setup_city(&f, 0.7, 1.0);
    hh_destroy(&f.hh);
    sim_world_destroy(f.w);
    f.p.city_owner_share = 0.0; /* every home rented */
    sim_error err;
    assert_int_equal(sim_world_create(&f.w, &f.p, 5, &err), SIM_OK);
    assert_int_equal(hh_create(&f.hh, f.w, &f.p, 5, &err), SIM_OK);
    for (int64_t h = 0; h < 200; h++)
        assert_int_equal(f.w->hh_flags[h] & (SIM_HH_OWNER | SIM_HH_ABSENT), 0);
    f.p.household_drift = 1.0;
    f.p.household_withhold_share = 10.0; /* owners would all withhold at 0.1 */
    f.p.household_landlord_pay = 1.0;
    assert_int_equal(hh_monthly(&f.hh, f.w, &f.p, &f.sh, 5, 0, 30, 0.1), 100);
    f.p.household_landlord_pay = 0.0;
    assert_int_equal(hh_monthly(&f.hh, f.w, &f.p, &f.sh, 5, 0, 60, 0.9), 0);
    f.p.household_landlord_pay = 0.85; /* about 85 of 100, at good or bad service alike */
    int32_t good = hh_monthly(&f.hh, f.w, &f.p, &f.sh, 5, 1, 90, 0.9);
    assert_true(good > 70 && good < 97);
    check_aggregates(&f);
    teardown_city(&f);
}

/* Compounds' own hardship rates: the mean without spread, Beta moments
 * with it (known mean and variance m (1 - m) / (k + 1)). */
static void test_hardship_draw(void **state)
{
    (void)state;
    sim_params p;
    sim_params_default(&p);
    sim_rng sr;
    gsl_rng *r = sim_rng_open(&sr, 3, SIM_RNG_TEST, 0, 0);
    p.household_hardship_rate = 0.1;
    p.household_hardship_concentration = 0.0;
    assert_true(hh_hardship_draw(&p, r) == 0.1);
    p.household_hardship_concentration = 8.0;
    double sum = 0.0, sq = 0.0;
    const int n = 20000;
    for (int i = 0; i < n; i++) {
        double x = hh_hardship_draw(&p, r);
        assert_true(x >= 0.0 && x <= 1.0);
        sum += x;
        sq += x * x;
    }
    const double mean = sum / n, var = sq / n - mean * mean;
    assert_true(fabs(mean - 0.1) < 0.003);
    assert_true(fabs(var - 0.09 / 9.0) < 0.1 * 0.09 / 9.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_shift),
        cmocka_unit_test(test_monthly_everyone_pays),
        cmocka_unit_test(test_monthly_arrears),
        cmocka_unit_test(test_monthly_landlords),
        cmocka_unit_test(test_hardship_draw),
    };
    return cmocka_run_group_tests_name("household", tests, NULL, NULL);
}
