/* tests/sim/test_run.c — whole runs: thread invariance, accounting identities,
 * the golden reference, policy timing.
 *
 * The golden reference (tests/golden/default_seed42_365.csv) is the city
 * series of the default scenario, seed 42, 365 days, every value printed
 * with 17 significant digits.  Regenerate it deliberately, after a change
 * that is meant to change results, with tests/golden/regenerate (and say so
 * in the commit message).
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

#include "ctx.h"
#include "metrics.h"
#include "runner.h"
#include "scenario.h"
#include "model_helpers.h"

#define GOLDEN TROIKA_SOURCE_DIR "/tests/golden/default_seed42_365.csv"

/* 1, 2, 3, 4 and 8 threads: identical city series and panels (per compound
 * and per sub-district), bit for bit. */
static void test_thread_invariance(void **state)
{
    (void)state;
    sim_result *ref = run(1, 7, 400, NULL, 0);
    const int threads[] = {2, 3, 4, 8};
    for (size_t k = 0; k < sizeof threads / sizeof threads[0]; k++) {
        sim_result *r = run(threads[k], 7, 400, NULL, 0);
        assert_same_results(ref, r);
        sim_result_destroy(r);
    }
    /* and from run to run */
    sim_result *again = run(1, 7, 400, NULL, 0);
    assert_same_results(ref, again);
    sim_result_destroy(again);
    sim_result_destroy(ref);
}

/* Different seeds give different results (the seed is used). */
static void test_seed_matters(void **state)
{
    (void)state;
    sim_result *a = run(2, 1, 60, NULL, 0), *b = run(2, 2, 60, NULL, 0);
    assert_true(memcmp(a->city, b->city, sizeof(double) * 60 * SIM_MET_N) != 0);
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* Households are conserved; every complaint filed is resolved, dropped or
 * still pending; every defect is repaired or still open. */
static void test_accounting(void **state)
{
    (void)state;
    sim_result *r = run(2, 11, 730, NULL, 0);
    double filed = 0, resolved = 0, dropped = 0, arose = 0, repaired = 0;
    double h0 = sim_result_city(r, 0, SIM_MET_households);
    assert_true(h0 > 0);
    assert_true(h0 == (double)r->world->nhh);
    for (int64_t d = 0; d < r->days; d++) {
        assert_true(sim_result_city(r, d, SIM_MET_households) == h0);
        filed += sim_result_city(r, d, SIM_MET_complaints_new);
        resolved += sim_result_city(r, d, SIM_MET_complaints_resolved);
        dropped += sim_result_city(r, d, SIM_MET_complaints_dropped);
        arose += sim_result_city(r, d, SIM_MET_defects_new);
        repaired += sim_result_city(r, d, SIM_MET_defects_repaired);
        assert_true(filed ==
                    resolved + dropped + sim_result_city(r, d, SIM_MET_complaints_pending));
        assert_true(arose == repaired + sim_result_city(r, d, SIM_MET_defects_open));
        assert_true(sim_result_city(r, d, SIM_MET_complaints_hotline) <=
                    sim_result_city(r, d, SIM_MET_complaints_new));
        for (int m = 0; m < SIM_MET_N; m++)
            assert_true(isfinite(sim_result_city(r, d, m)));
        double share = sim_result_city(r, d, SIM_MET_households_rating_pmc_inadequate);
        assert_true(share >= 0.0 && share <= 1.0);
    }
    assert_true(filed > 100); /* the process is alive, not trivially zero */
    assert_true(dropped > 0 && resolved > 0);
    /* the panel's complaints sum to the city's over the sampled days */
    int m = SIM_MET_complaints_new;
    double panel_sum = 0, city_sum = 0;
    for (int64_t k = 0; k < r->nsamples; k++)
        for (int32_t c = 0; c < r->world->ncomp; c++)
            panel_sum += r->panel[m][k * r->world->ncomp + c];
    for (int64_t d = 0; d <= r->sample_day[r->nsamples - 1]; d++)
        city_sum += sim_result_city(r, d, m);
    assert_true(fabs(panel_sum - city_sum) < 0.5);
    sim_result_destroy(r);
}

/* a and b agree to a relative 1e-6 (float32 panels summed in double). */
static void assert_close(double a, double b, const char *what, const char *name, int64_t i)
{
    double scale = fmax(fabs(a), fabs(b));
    if (fabs(a - b) > 1e-6 * scale + 1e-9)
        fail_msg("%s: %s row %lld: %.9g vs %.9g", what, name, (long long)i, a, b);
}

/* The per-sub-district panel: its metric set is the declared one; counts of
 * the compound panel sum to the same totals over sub-districts as over
 * compounds on every row; the sub-district phases' counts sum, over
 * sub-districts and rows, to the city series over the same days; ratios
 * with one unit of denominator per compound or sub-district are the means. */
static void test_subdistrict_panel(void **state)
{
    (void)state;
    sim_result *r = run(2, 5, 400, NULL, 0);
    const int64_t ncomp = r->world->ncomp, nsub = r->world->nsub, ns = r->nsamples;
    const int32_t *c0 = r->world->sub_comp0;
    assert_true(nsub > 1 && ns > 3);
    int nsubphase = 0;
    for (int m = 0; m < SIM_MET_N; m++) {
        const sim_metric_desc *d = &sim_metric_table[m];
        /* models/metrics/subdistrict.def lists no compound-panel metric */
        if (sim_metric_subphase[m] && d->panel[0])
            fail_msg("%s is in subdistrict.def and has a panel name", d->name);
        nsubphase += sim_metric_subphase[m];
        assert_true((r->subpanel[m] != NULL) == sim_metric_subpanel(m));
        if (!r->subpanel[m])
            continue;
        if (d->panel[0] && d->kind == SIM_M_COUNT) {
            for (int64_t i = 0; i < ns; i++) {
                double bysub = 0, bycomp = 0;
                for (int64_t s = 0; s < nsub; s++)
                    bysub += r->subpanel[m][i * nsub + s];
                for (int64_t c = 0; c < ncomp; c++)
                    bycomp += r->panel[m][i * ncomp + c];
                assert_close(bysub, bycomp, "sub-districts vs compounds", d->name, i);
            }
        } else if (sim_metric_subphase[m] && d->kind == SIM_M_COUNT) {
            double bysub = 0, city = 0;
            for (int64_t i = 0; i < ns; i++)
                for (int64_t s = 0; s < nsub; s++)
                    bysub += r->subpanel[m][i * nsub + s];
            for (int64_t day = 0; day <= r->sample_day[ns - 1]; day++)
                city += sim_result_city(r, day, m);
            assert_close(bysub, city, "sub-districts vs city", d->name, ns);
        }
    }
    assert_true(nsubphase > 10);
    /* the process is alive in both kinds of metric */
    double settled = 0, defects = 0;
    for (int64_t k = 0; k < ns * nsub; k++) {
        settled += r->subpanel[SIM_MET_disputes_settled][k];
        defects += r->subpanel[SIM_MET_defects_new][k];
    }
    assert_true(settled > 0 && defects > 0);
    /* a ratio over compounds, one unit of denominator each: the mean of the
     * sub-district's compounds on the sample day */
    for (int64_t i = 0; i < ns; i++)
        for (int64_t s = 0; s < nsub; s++) {
            double sum = 0;
            for (int32_t c = c0[s]; c < c0[s + 1]; c++)
                sum += r->panel[SIM_MET_pmc_quality_mean][i * ncomp + c];
            double mean = c0[s + 1] > c0[s] ? sum / (c0[s + 1] - c0[s]) : 0.0;
            double got = r->subpanel[SIM_MET_pmc_quality_mean][i * nsub + s];
            if (fabs(got - mean) > 1e-5)
                fail_msg("pmc_quality_mean row %lld sub-district %lld: %.9g, mean %.9g",
                         (long long)i, (long long)s, got, mean);
        }
    /* a ratio of the sub-districts' own rows, one unit each: the city value
     * on the sample day is the mean over sub-districts */
    for (int64_t i = 0; i < ns; i++) {
        double sum = 0;
        for (int64_t s = 0; s < nsub; s++)
            sum += r->subpanel[SIM_MET_enforcement_effectiveness][i * nsub + s];
        assert_close(sum / (double)nsub,
                     sim_result_city(r, r->sample_day[i], SIM_MET_enforcement_effectiveness),
                     "mean over sub-districts vs city", "enforcement_effectiveness", i);
    }
    sim_result_destroy(r);
}

/* Zero rates give zero events. */
static void test_zero_rates(void **state)
{
    (void)state;
    const char *sets[] = {"pmc.defect_rate=0"};
    sim_result *r = run(2, 3, 200, sets, 1);
    for (int64_t d = 0; d < r->days; d++) {
        assert_true(sim_result_city(r, d, SIM_MET_defects_new) == 0);
        assert_true(sim_result_city(r, d, SIM_MET_complaints_new) == 0);
        assert_true(sim_result_city(r, d, SIM_MET_defects_open) == 0);
    }
    sim_result_destroy(r);
}

/* The non-payment spiral: a higher withholding threshold lowers collection,
 * revenue and then quality. */
static void test_spiral_direction(void **state)
{
    (void)state;
    const char *sets[] = {"household.withhold_below=0.7"};
    sim_result *a = run(2, 5, 540, NULL, 0), *b = run(2, 5, 540, sets, 1);
    double fa = 0, fb = 0, qa, qb;
    for (int64_t d = 180; d < 540; d++) {
        fa += sim_result_city(a, d, SIM_MET_fee_collection_rate);
        fb += sim_result_city(b, d, SIM_MET_fee_collection_rate);
    }
    qa = sim_result_city(a, 539, SIM_MET_pmc_quality_mean);
    qb = sim_result_city(b, 539, SIM_MET_pmc_quality_mean);
    assert_true(fb < fa - 0.03 * 360);
    assert_true(qb < qa - 0.02);
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* A policy switched on at day D changes nothing before D, bit for bit. */
static void test_policy_timing(void **state)
{
    (void)state;
    const char *sets[] = {"policy.subsidy.day=200", "policy.subsidy.pmc.subsidy_old=150"};
    sim_result *a = run(2, 9, 400, NULL, 0), *b = run(2, 9, 400, sets, 2);
    assert_memory_equal(a->city, b->city, sizeof(double) * 200 * SIM_MET_N);
    assert_true(memcmp(a->city + 200 * SIM_MET_N, b->city + 200 * SIM_MET_N,
                       sizeof(double) * 200 * SIM_MET_N) != 0);
    /* more subsidy, better quality in the end */
    assert_true(sim_result_city(b, 399, SIM_MET_pmc_quality_mean) >
                sim_result_city(a, 399, SIM_MET_pmc_quality_mean));
    sim_result_destroy(a);
    sim_result_destroy(b);
}

/* The golden reference: the default scenario, seed 42, 365 days. */
static void test_golden(void **state)
{
    (void)state;
    sim_result *r = run(2, 42, 365, NULL, 0);
    const char *update = getenv("TROIKA_GOLDEN_UPDATE");
    if (update && strcmp(update, "1") == 0) {
        FILE *f = fopen(GOLDEN, "w");
        assert_non_null(f);
        fprintf(f, "day");
        for (int m = 0; m < SIM_MET_N; m++)
            fprintf(f, ",%s", sim_metric_table[m].name);
        fputc('\n', f);
        for (int64_t d = 0; d < r->days; d++) {
            fprintf(f, "%lld", (long long)d);
            for (int m = 0; m < SIM_MET_N; m++)
                fprintf(f, ",%.17g", sim_result_city(r, d, m));
            fputc('\n', f);
        }
        assert_int_equal(fclose(f), 0);
        print_message("golden reference rewritten: %s\n", GOLDEN);
    }
    FILE *f = fopen(GOLDEN, "r");
    if (!f)
        fail_msg("no golden reference %s (run tests/golden/regenerate)", GOLDEN);
    char line[1 << 16];
    assert_non_null(fgets(line, sizeof line, f));
    /* header: the metric names, in order */
    char *tok = strtok(line, ",\n");
    assert_string_equal(tok, "day");
    for (int m = 0; m < SIM_MET_N; m++) {
        tok = strtok(NULL, ",\n");
        if (!tok || strcmp(tok, sim_metric_table[m].name) != 0)
            fail_msg("golden header differs at metric %d (%s): regenerate deliberately", m,
                     sim_metric_table[m].name);
    }
    for (int64_t d = 0; d < r->days; d++) {
        if (!fgets(line, sizeof line, f))
            fail_msg("golden reference ends at day %lld", (long long)d);
        tok = strtok(line, ",\n");
        assert_int_equal(atoll(tok), d);
        for (int m = 0; m < SIM_MET_N; m++) {
            tok = strtok(NULL, ",\n");
            assert_non_null(tok);
            double want = strtod(tok, NULL), got = sim_result_city(r, d, m);
            if (want != got)
                fail_msg("golden: %s on day %lld is %.17g, reference %.17g",
                         sim_metric_table[m].name, (long long)d, got, want);
        }
    }
    fclose(f);
    sim_result_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_invariance),
        cmocka_unit_test(test_seed_matters),
        cmocka_unit_test(test_accounting),
        cmocka_unit_test(test_zero_rates),
        cmocka_unit_test(test_spiral_direction),
        cmocka_unit_test(test_policy_timing),
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_subdistrict_panel),
    };
    return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
