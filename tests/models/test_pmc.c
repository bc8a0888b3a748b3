/* tests/models/test_pmc.c — the connected chain (issue 14): the property contract
 * and the firm's effort (models/pmc.c), paying with memory
 * (models/household.c), and what standing violations and unsettled disputes
 * cost the neighbours (models/enforce.c, models/mediation.c, models/rc.c).
 * Known answers of the pure mechanisms at the default parameters, then the
 * direction of each mechanism in whole runs of the default district. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "model_helpers.h"
#include "compound.h"
#include "enforce.h"
#include "household.h"
#include "oc.h"
#include "pmc.h"
#include "rc.h"

#define CLOSE(a, b) assert_true(fabs((a) - (b)) < 1e-12)

/* ---- known answers --------------------------------------------------------- */

static void test_shirk_known(void **state)
{
    (void)state;
    sim_params p;
    params_with(&p, NULL, 0);
    /* s* = min(shirk_max, 1 / (2 M stake)); stake 5, shirk_max 0.35 */
    CLOSE(pmc_shirk(&p, 0.0), 0.35);
    CLOSE(pmc_shirk(&p, 0.05), 0.35);
    CLOSE(pmc_shirk(&p, 0.4), 0.25);
    CLOSE(pmc_shirk(&p, 1.0), 0.1);
    /* more monitoring never raises shirking */
    for (double m = 0.0; m < 1.0; m += 0.01)
        assert_true(pmc_shirk(&p, m + 0.01) <= pmc_shirk(&p, m));
    /* independent checks: 1 - 0.95 x 0.5 x 0.8 */
    CLOSE(pmc_monitoring(&p, 0.5, 0.2), 1.0 - 0.95 * 0.5 * 0.8);
    CLOSE(pmc_monitoring(&p, 0.0, 0.0), p.pmc_monitor_base);
}

static void test_firm_cost_fixed(void **state)
{
    (void)state;
    sim_params p;
    params_with(&p, NULL, 0);
    /* a firm's cost factor is a fixed trait of (seed, firm) */
    assert_true(pmc_firm_cost(&p, 3, 7) == pmc_firm_cost(&p, 3, 7));
    assert_true(pmc_firm_cost(&p, 3, 7) != pmc_firm_cost(&p, 3, 8));
    const char *none[] = {"pmc.firm_cost_sd=0"};
    params_with(&p, none, 1);
    CLOSE(pmc_firm_cost(&p, 3, 7), 1.0);
}

static void test_paying_known(void **state)
{
    (void)state;
    sim_params p;
    params_with(&p, NULL, 0);
    const double w0 = p.household_withhold_share;
    /* W = withhold_share + culture + pay_peer (1 - paid share) */
    CLOSE(hh_withhold_share(&p, 0.8, 0.0), w0 + p.household_pay_peer * 0.2);
    CLOSE(hh_withhold_share(&p, 1.0, 0.05), w0 + 0.05);
    CLOSE(hh_withhold_share(&p, 0.0, 5.0), 1.0);
    for (double f = 0.0; f < 1.0; f += 0.05) /* neighbours' non-payment spreads */
        assert_true(hh_withhold_share(&p, f, 0.0) >= hh_withhold_share(&p, f + 0.05, 0.0));
    /* threshold: withhold_below - pay_trust (T - 0.5) (+ pay_memory in arrears) */
    CLOSE(hh_withhold_below(&p, 0.7, 0), p.household_withhold_below - p.household_pay_trust * 0.2);
    CLOSE(hh_withhold_below(&p, 0.5, 1), p.household_withhold_below + p.household_pay_memory);
    assert_true(hh_withhold_below(&p, 0.8, 0) < hh_withhold_below(&p, 0.3, 0));
    /* violations: 3 in 300 homes = 1 per 100 -> quality seen lower by violation_hit */
    CLOSE(hh_quality_seen(&p, 0.6, 3, 300), 0.6 - p.household_violation_hit);
    CLOSE(hh_quality_seen(&p, 0.6, 0, 300), 0.6);
}

static void test_feedback_known(void **state)
{
    (void)state;
    sim_params p;
    params_with(&p, NULL, 0);
    CLOSE(enf_hotline_calls(&p, 100, 2),
          100 * p.enforce_call_rate + 2 * p.mediation_escalation_calls);
    CLOSE(enf_hotline_calls(&p, 0, 0), 0.0);
    CLOSE(rc_dispute_trust(&p, 1, 1, 100.0),
          2.0 * (p.mediation_trust_gain - p.mediation_trust_hit) / 100.0);
    assert_true(rc_dispute_trust(&p, 3, 0, 200.0) > 0.0);
    assert_true(rc_dispute_trust(&p, 0, 3, 200.0) < 0.0);
}

static void test_rc_load_known(void **state)
{
    (void)state;
    sim_params p;
    params_with(&p, NULL, 0);
    /* pushed-down duties grow by assigned_growth a year, from day 0 */
    CLOSE(rc_pushed_hours(&p, 0), 0.0);
    CLOSE(rc_pushed_hours(&p, 365), p.rc_assigned_hours * p.rc_assigned_growth);
    CLOSE(rc_pushed_hours(&p, 730), 2.0 * p.rc_assigned_hours * p.rc_assigned_growth);
    /* (a responsibility list slows the count of days: test_rc) */
    CLOSE(rc_pushed_hours(&p, 182.5), 0.5 * p.rc_assigned_hours * p.rc_assigned_growth);
    CLOSE(rc_old_load(&p, 1000.0, 0.0), 1000.0 * p.rc_old_load_hours);
    /* elder care adds per occupied home with an elderly member */
    CLOSE(rc_old_load(&p, 1000.0, 437.0), 1000.0 * p.rc_old_load_hours + 437.0 * p.rc_elder_hours);
}

static void test_compound_types(void **state)
{
    (void)state;
    sim_params p;
    params_with(&p, NULL, 0);
    /* the regimes come from the table */
    cmp_regime_t pub = cmp_regime(&p, CMP_PUBLIC), com = cmp_regime(&p, CMP_COMMODITY),
                 res = cmp_regime(&p, CMP_RESETTLED);
    CLOSE(pub.fee, p.pmc_fee_old);
    CLOSE(pub.subsidy, p.pmc_subsidy_old);
    CLOSE(com.fee, p.pmc_fee_new);
    CLOSE(com.subsidy, 0.0);
    CLOSE(com.defect_factor, 1.0);
    CLOSE(res.fee, p.pmc_fee_resettled);
    CLOSE(res.culture, p.household_culture_resettled);
    /* old compounds are public or resettled, new ones commodity or
     * resettled, in the stated shares; the type is a fixed trait */
    int n_old_res = 0, n_new_res = 0;
    const int n = 20000;
    for (int32_t c = 0; c < n; c++) {
        int a = cmp_type(&p, 5, c, 1), b = cmp_type(&p, 5, c, 0);
        assert_true(a == CMP_PUBLIC || a == CMP_RESETTLED);
        assert_true(b == CMP_COMMODITY || b == CMP_RESETTLED);
        assert_int_equal(a, cmp_type(&p, 5, c, 1));
        n_old_res += a == CMP_RESETTLED;
        n_new_res += b == CMP_RESETTLED;
    }
    assert_true(fabs((double)n_old_res / n - p.city_resettled_share_old) < 0.01);
    assert_true(fabs((double)n_new_res / n - p.city_resettled_share_new) < 0.01);
}

/* A firm's reputation converges to the effort it delivers where it serves;
 * an entrant serving nowhere keeps its starting value. */
static void test_reputation(void **state)
{
    (void)state;
    fixture f;
    fx_open(&f, 3, NULL, 0);
    pmc_state *s = &f.m->pmc;
    for (int32_t c = 0; c < s->ncomp; c++) {
        s->effort[c] = 0.8f;
        s->interim_until[c] = -1;
    }
    for (int k = 0; k < 5000; k++)
        pmc_reputation_day(s, &f.m->p);
    for (int32_t c = 0; c < s->ncomp; c++)
        assert_true(fabs(s->reputation[s->firm[c]] - 0.8) < 1e-4);
    assert_true(s->nrep > s->nfirm);
    assert_true(fabs(s->reputation[s->nfirm] - (1.0 - f.m->p.pmc_shirk_max)) < 1e-6);
    fx_close(&f);
}

/* ---- directions in whole runs ------------------------------------------------ */

/* Without owners' committees nobody monitors the firm or tenders: effort,
 * quality and collection fall, more households rate the service inadequate. */
static void test_no_oc_worse(void **state)
{
    (void)state;
    const char *none[] = {"oc.initial_share=0", "oc.formation_rate=0"};
    sim_result *a = run(2, 11, 900, NULL, 0), *b = run(2, 11, 900, none, 2);
    assert_true(mean_of(b, SIM_MET_pmc_monitoring_mean, 450, 900) <
                mean_of(a, SIM_MET_pmc_monitoring_mean, 450, 900));
    assert_true(mean_of(b, SIM_MET_pmc_effort_mean, 450, 900) <
                mean_of(a, SIM_MET_pmc_effort_mean, 450, 900) - 0.02);
    assert_true(mean_of(b, SIM_MET_pmc_quality_mean, 450, 900) <
                mean_of(a, SIM_MET_pmc_quality_mean, 450, 900) - 0.02);
    assert_true(mean_of(b, SIM_MET_households_rating_pmc_inadequate, 450, 900) >
                mean_of(a, SIM_MET_households_rating_pmc_inadequate, 450, 900) + 0.02);
    assert_true(mean_of(b, SIM_MET_fee_collection_rate, 450, 900) <
                mean_of(a, SIM_MET_fee_collection_rate, 450, 900));
    /* no committee, no tender: contracts only roll over */
    assert_true(sum_of(b, SIM_MET_pmc_tenders, 0, 900) == 0);
    assert_true(sum_of(b, SIM_MET_pmc_renewals, 0, 900) > 0);
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* Fees far below cost: firms abandon compounds (弃管), interim cover
 * follows, and new firms come; with fees above cost nobody leaves. */
static void test_exits(void **state)
{
    (void)state;
    const char *low[] = {"pmc.fee_new=60", "pmc.subsidy_old=0"};
    const char *rich[] = {"pmc.fee_new=2000", "pmc.fee_old=2000", "pmc.fee_resettled=2000"};
    sim_result *a = run(2, 4, 720, low, 2), *b = run(2, 4, 720, rich, 3);
    assert_true(sum_of(a, SIM_MET_pmc_exits, 0, 720) > 0);
    assert_true(sum_of(a, SIM_MET_pmc_interim, 0, 720) > 0);
    assert_true(sum_of(b, SIM_MET_pmc_exits, 0, 720) == 0);
    assert_true(sum_of(b, SIM_MET_pmc_interim, 0, 720) == 0);
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* Repairs paid by the maintenance fund (after an assembly passes a major
 * matter) keep defects down; without them more defects arise. */
static void test_fund_repairs(void **state)
{
    (void)state;
    const char *none[] = {"oc.fund_defect_cut=0"};
    sim_result *a = run(2, 3, 720, NULL, 0), *b = run(2, 3, 720, none, 1);
    assert_true(sum_of(a, SIM_MET_defects_new, 180, 720) <
                sum_of(b, SIM_MET_defects_new, 180, 720));
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* A captured committee shields its firm: less monitoring, more defects
 * (misused funds). */
static void test_capture_costs(void **state)
{
    (void)state;
    const char *many[] = {"oc.initial_captured=0.9", "oc.detect_rate=0"};
    const char *shieldless[] = {"oc.initial_captured=0.9", "oc.detect_rate=0",
                                "oc.capture_shield=0", "oc.capture_defects=0"};
    sim_result *a = run(2, 3, 360, many, 2), *b = run(2, 3, 360, shieldless, 4);
    assert_true(mean_of(a, SIM_MET_pmc_monitoring_mean, 60, 360) <
                mean_of(b, SIM_MET_pmc_monitoring_mean, 60, 360));
    assert_true(sum_of(a, SIM_MET_defects_new, 60, 360) > sum_of(b, SIM_MET_defects_new, 60, 360));
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* Duties pushed down grow and eat service hours unless a responsibility
 * list keeps new ones out; old compounds' load takes hours too. */
static void test_rc_load_direction(void **state)
{
    (void)state;
    const char *list[] = {"rc.duty_list=1"};
    sim_result *a = run(2, 3, 1460, NULL, 0), *b = run(2, 3, 1460, list, 1);
    assert_true(sim_result_city(a, 1459, SIM_MET_rc_service_hours) <
                sim_result_city(b, 1459, SIM_MET_rc_service_hours));
    assert_true(sim_result_city(a, 1459, SIM_MET_rc_service_hours) <
                sim_result_city(a, 10, SIM_MET_rc_service_hours));
    assert_true(sim_result_city(a, 10, SIM_MET_rc_old_load_hours) > 0.0);
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* Neighbours' example: a stronger peer effect lowers collection. */
static void test_peer_effect(void **state)
{
    (void)state;
    const char *weak[] = {"household.pay_peer=0"};
    sim_result *a = run(2, 6, 540, weak, 1), *b = run(2, 6, 540, NULL, 0);
    assert_true(mean_of(b, SIM_MET_fee_collection_rate, 180, 540) <
                mean_of(a, SIM_MET_fee_collection_rate, 180, 540));
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* Enforcement reaches households: officers borrowed for other posts leave
 * violations standing, and the neighbours call 12345 and like the
 * compound's management less. */
static void test_enforcement_feeds_back(void **state)
{
    (void)state;
    const char *weak[] = {"policy.x.day=0", "policy.x.enforce.diversion=0.95"};
    const char *strong[] = {"policy.x.day=0", "policy.x.enforce.diversion=0"};
    sim_result *a = run(2, 8, 720, weak, 2), *b = run(2, 8, 720, strong, 2);
    assert_true(mean_of(b, SIM_MET_violations_standing, 360, 720) <
                mean_of(a, SIM_MET_violations_standing, 360, 720));
    assert_true(mean_of(b, SIM_MET_hotline_calls, 360, 720) <
                mean_of(a, SIM_MET_hotline_calls, 360, 720));
    assert_true(mean_of(b, SIM_MET_rc_satisfaction_mean, 360, 720) >
                mean_of(a, SIM_MET_rc_satisfaction_mean, 360, 720));
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* Mediation reaches households: better-trained mediators settle more, so
 * fewer disputes escalate into 12345 calls and trust in the RC is higher. */
static void test_mediation_feeds_back(void **state)
{
    (void)state;
    const char *trained[] = {"policy.x.day=0", "policy.x.mediation.training=1"};
    sim_result *a = run(2, 8, 720, NULL, 0), *b = run(2, 8, 720, trained, 2);
    assert_true(sum_of(b, SIM_MET_disputes_escalated, 0, 720) <
                sum_of(a, SIM_MET_disputes_escalated, 0, 720));
    assert_true(mean_of(b, SIM_MET_rc_trust_mean, 360, 720) >
                mean_of(a, SIM_MET_rc_trust_mean, 360, 720));
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* Micro-renewal and parking (models/oc.h): known answers of what a
 * decision in force gives; a project raises satisfaction and a parking
 * arrangement lowers neighbour disputes; neither happens without an OC
 * that functions or an RC acting for it (then nothing residents see moves,
 * to the last bit). */
static void test_renewal_parking_known(void **state)
{
    (void)state;
    sim_params p;
    params_with(&p, NULL, 0);
    CLOSE(oc_renewal_gain(&p, 0, 400, 399), p.oc_renewal_gain);
    CLOSE(oc_renewal_gain(&p, 1, 400, 399), p.oc_renewal_gain_old);
    CLOSE(oc_renewal_gain(&p, 1, 400, 400), 0.0); /* ended */
    assert_true(p.oc_renewal_gain_old > p.oc_renewal_gain);
    CLOSE(oc_parking_cut(&p, 400, 12), p.oc_parking_dispute_cut);
    CLOSE(oc_parking_cut(&p, 0, 12), 0.0);
}

static void test_renewal_direction(void **state)
{
    (void)state;
    const char *none[] = {"oc.renewal_rate=0"}, *many[] = {"oc.renewal_rate=5"};
    sim_result *a = run(2, 3, 1080, none, 1), *b = run(2, 3, 1080, many, 1);
    assert_true(mean_of(b, SIM_MET_pmc_satisfaction_mean, 540, 1080) >
                mean_of(a, SIM_MET_pmc_satisfaction_mean, 540, 1080));
    assert_true(mean_of(b, SIM_MET_households_rating_pmc_inadequate, 540, 1080) <
                mean_of(a, SIM_MET_households_rating_pmc_inadequate, 540, 1080));
    sim_result_destroy(a);
    sim_result_destroy(b);
}

static void test_parking_direction(void **state)
{
    (void)state;
    const char *none[] = {"oc.parking_rate=0"}, *many[] = {"oc.parking_rate=5"};
    sim_result *a = run(2, 3, 1080, none, 1), *b = run(2, 3, 1080, many, 1);
    assert_true(sum_of(b, SIM_MET_disputes_new, 360, 1080) <
                0.95 * sum_of(a, SIM_MET_disputes_new, 360, 1080));
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* Nobody to organise them: no committee ever, and the RC does not act. */
static void test_renewal_needs_organiser(void **state)
{
    (void)state;
    const char *none[] = {"oc.initial_share=0", "oc.formation_rate=0", "rc.acts_for_oc=0",
                          "oc.renewal_rate=0", "oc.parking_rate=0"};
    const char *many[] = {"oc.initial_share=0", "oc.formation_rate=0", "rc.acts_for_oc=0",
                          "oc.renewal_rate=5", "oc.parking_rate=5"};
    sim_result *a = run(2, 3, 720, none, 5), *b = run(2, 3, 720, many, 5);
    for (int64_t d = 0; d < 720; d++) {
        assert_true(sim_result_city(a, d, SIM_MET_pmc_satisfaction_mean) ==
                    sim_result_city(b, d, SIM_MET_pmc_satisfaction_mean));
        assert_true(sim_result_city(a, d, SIM_MET_disputes_new) ==
                    sim_result_city(b, d, SIM_MET_disputes_new));
    }
    sim_result_destroy(a);
    sim_result_destroy(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shirk_known),
        cmocka_unit_test(test_firm_cost_fixed),
        cmocka_unit_test(test_paying_known),
        cmocka_unit_test(test_feedback_known),
        cmocka_unit_test(test_rc_load_known),
        cmocka_unit_test(test_compound_types),
        cmocka_unit_test(test_reputation),
        cmocka_unit_test(test_fund_repairs),
        cmocka_unit_test(test_capture_costs),
        cmocka_unit_test(test_rc_load_direction),
        cmocka_unit_test(test_no_oc_worse),
        cmocka_unit_test(test_exits),
        cmocka_unit_test(test_peer_effect),
        cmocka_unit_test(test_enforcement_feeds_back),
        cmocka_unit_test(test_mediation_feeds_back),
        cmocka_unit_test(test_renewal_parking_known),
        cmocka_unit_test(test_renewal_direction),
        cmocka_unit_test(test_parking_direction),
        cmocka_unit_test(test_renewal_needs_organiser),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
