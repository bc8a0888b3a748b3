/* tests/models/test_metrics.c — the metric table and the tally
 * (models/metrics.h): lookup by name, the rows units add to, city values of
 * counts and ratios, the per-compound panel's columns and sampling, and the
 * Markdown table of docs/OUTPUT.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

/* Names are a public interface: these three must stay what they are. */
static void test_table(void **state)
{
    (void)state;
    assert_int_equal(sim_metric_find("households"), SIM_MET_households);
    assert_int_equal(SIM_MET_households, 0);
    assert_int_equal(sim_metric_find("pmc_satisfaction_mean"), SIM_MET_pmc_satisfaction_mean);
    assert_int_equal(sim_metric_find("no_such_metric"), -1);
    assert_int_equal(sim_metric_table[SIM_MET_households].kind, SIM_M_COUNT);
    assert_string_equal(sim_metric_table[SIM_MET_households].panel, "");
    assert_int_equal(sim_metric_pcol[SIM_MET_households], -1);
    assert_int_equal(sim_metric_table[SIM_MET_defects_new].kind, SIM_M_COUNT);
    assert_string_equal(sim_metric_table[SIM_MET_defects_new].panel, "defects");
    assert_int_equal(sim_metric_table[SIM_MET_pmc_satisfaction_mean].kind, SIM_M_RATIO);
    assert_true(sim_metric_subpanel(SIM_MET_defects_new));
    /* panel columns: 0 .. SIM_NPANEL-1, in table order, one per panel metric */
    int next = 0;
    for (int m = 0; m < SIM_MET_N; m++) {
        assert_int_equal(sim_metric_ratio[m], sim_metric_table[m].kind == SIM_M_RATIO);
        if (sim_metric_table[m].panel[0])
            assert_int_equal(sim_metric_pcol[m], next++);
        else
            assert_int_equal(sim_metric_pcol[m], -1);
    }
    assert_int_equal(next, SIM_NPANEL);
    assert_int_equal(SIM_TALLY_STRIDE % 8, 0);
    assert_true(SIM_TALLY_STRIDE >= SIM_MET_N);
}

/* 130 compounds = blocks 0, 1, 2; then 2 sub-districts; then 70
 * committees = blocks of 64. */
static void test_rows(void **state)
{
    (void)state;
    sim_tally *t = sim_tally_create(130, 2, 70);
    assert_non_null(t);
    assert_int_equal(t->nrows, 3 + 2 + 2);
    assert_int_equal(sim_tally_row(t, 0), 0);
    assert_int_equal(sim_tally_row(t, 63), 0);
    assert_int_equal(sim_tally_row(t, 64), 1);
    assert_int_equal(sim_tally_row(t, 129), 2);
    assert_int_equal(sim_tally_row(t, sim_tally_sub(t, 0)), 3);
    assert_int_equal(sim_tally_row(t, sim_tally_sub(t, 1)), 4);
    assert_int_equal(sim_tally_row(t, sim_tally_rc(t, 0)), 5);
    assert_int_equal(sim_tally_row(t, sim_tally_rc(t, 63)), 5);
    assert_int_equal(sim_tally_row(t, sim_tally_rc(t, 64)), 6);
    sim_tally_destroy(t);
    sim_tally_destroy(NULL);
}

static void test_reduce(void **state)
{
    (void)state;
    sim_tally *t = sim_tally_create(130, 2, 70);
    double *out = calloc(SIM_MET_N, sizeof *out);
    assert_non_null(out);
    /* a count: the sum over every unit kind */
    sim_tally_add(t, 0, SIM_MET_households, 10, 0);
    sim_tally_add(t, 129, SIM_MET_households, 5, 0);
    sim_tally_add(t, sim_tally_sub(t, 1), SIM_MET_households, 2.5, 0);
    sim_tally_add(t, sim_tally_rc(t, 69), SIM_MET_households, 0.5, 0);
    /* a ratio: sum of numerators over sum of denominators */
    sim_tally_add(t, 1, SIM_MET_pmc_satisfaction_mean, 0.5, 1);
    sim_tally_add(t, 100, SIM_MET_pmc_satisfaction_mean, 2.5, 3);
    sim_tally_reduce(t, out);
    assert_true(out[SIM_MET_households] == 18.0);
    assert_true(out[SIM_MET_pmc_satisfaction_mean] == 0.75);
    /* a ratio without denominators is 0, not NaN */
    assert_true(out[SIM_MET_pmc_quality_mean] == 0.0);
    /* the rows are zeroed as they are read */
    sim_tally_reduce(t, out);
    assert_true(out[SIM_MET_households] == 0.0);
    assert_true(out[SIM_MET_pmc_satisfaction_mean] == 0.0);
    free(out);
    sim_tally_destroy(t);
}

/* Panel: a count column accumulates always, a ratio column only while
 * sampling; sub-districts and committees never touch the panel. */
static void test_panel(void **state)
{
    (void)state;
    sim_tally *t = sim_tally_create(3, 1, 1);
    const int kc = sim_metric_pcol[SIM_MET_defects_new];
    const int kr = sim_metric_pcol[SIM_MET_pmc_satisfaction_mean];
    t->sampling = 0;
    sim_tally_add(t, 2, SIM_MET_defects_new, 4, 0);
    sim_tally_add(t, 2, SIM_MET_pmc_satisfaction_mean, 0.25, 1);
    sim_tally_add(t, sim_tally_sub(t, 0), SIM_MET_defects_new, 7, 0);
    assert_true(t->pnum[2 * SIM_NPANEL + kc] == 4.0);
    assert_true(t->pnum[2 * SIM_NPANEL + kr] == 0.0);
    t->sampling = 1;
    sim_tally_add(t, 2, SIM_MET_defects_new, 1, 0);
    sim_tally_add(t, 2, SIM_MET_pmc_satisfaction_mean, 0.25, 1);
    assert_true(t->pnum[2 * SIM_NPANEL + kc] == 5.0);
    assert_true(t->pnum[2 * SIM_NPANEL + kr] == 0.25);
    assert_true(t->pden[2 * SIM_NPANEL + kr] == 1.0);
    for (int c = 0; c < 2; c++)
        for (int k = 0; k < SIM_NPANEL; k++)
            assert_true(t->pnum[c * SIM_NPANEL + k] == 0.0);
    sim_tally_clear(t);
    assert_true(t->pnum[2 * SIM_NPANEL + kc] == 0.0);
    assert_int_equal(t->clean, 1);
    sim_tally_destroy(t);
}

static void test_markdown(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    sim_metrics_print_markdown(f);
    assert_int_equal(fclose(f), 0);
    int lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    assert_int_equal(lines, 2 + SIM_MET_N);
    assert_non_null(
        strstr(buf, "| name | unit | kind | panel | sub-district panel | description |\n"));
    assert_non_null(strstr(buf, "| `households` | household | count | – | – | Households in the "
                                "city (conserved). |\n"));
    assert_non_null(strstr(buf, "| `defects_new` | defect | count | `defects` | compounds | "));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),    cmocka_unit_test(test_rows),
        cmocka_unit_test(test_reduce),   cmocka_unit_test(test_panel),
        cmocka_unit_test(test_markdown),
    };
    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
