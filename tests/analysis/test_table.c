/* tests/analysis/test_table.c — the comparison table (analysis/table.h):
 * means and paired differences with their intervals from replicate means
 * worked by hand, which differences are clear, the metric phrase, and the
 * CSV for programs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

/* t quantile, 0.975, 3 degrees of freedom */
#define T975_3 3.182446305284263

/* Two scenarios, one metric, four replicates:
 *   baseline  1 2 3 4   mean 2.5, sd sqrt(5/3)
 *   "b, new"  3 3 5 5   mean 4,   differences 2 1 2 1: mean 1.5, sd sqrt(1/3) */
static ana_table *small_table(void)
{
    ana_table *t = ana_table_create(2, 1, 4);
    assert_non_null(t);
    sim_error err;
    assert_int_equal(ana_table_set(&t->scen[0], "baseline", &err), SIM_OK);
    assert_int_equal(ana_table_set(&t->scen[1], "b, \"new\"", &err), SIM_OK);
    assert_int_equal(ana_table_set(&t->met[0], "fee_collection_rate", &err), SIM_OK);
    assert_int_equal(ana_table_set(&t->unit[0], "share", &err), SIM_OK);
    assert_int_equal(ana_table_set(&t->doc_en[0], "Share of fees billed that were paid.", &err),
                     SIM_OK);
    assert_int_equal(ana_table_set(&t->doc_zh[0], "物业费收缴率。", &err), SIM_OK);
    t->level = 0.95;
    t->days = 730;
    t->win_from = 365;
    t->win_to = 730;
    const double a[] = {1, 2, 3, 4}, b[] = {3, 3, 5, 5};
    memcpy(ana_table_rep(t, 0, 0), a, sizeof a);
    memcpy(ana_table_rep(t, 1, 0), b, sizeof b);
    ana_table_compute(t);
    return t;
}

static void test_compute(void **state)
{
    (void)state;
    ana_table *t = small_table();
    const ana_summary *m0 = &t->mean[ana_table_at(t, 0, 0)];
    const ana_summary *m1 = &t->mean[ana_table_at(t, 1, 0)];
    const ana_summary *d1 = &t->diff[ana_table_at(t, 1, 0)];
    const ana_summary *d0 = &t->diff[ana_table_at(t, 0, 0)];
    assert_int_equal(m0->n, 4);
    assert_true(m0->mean == 2.5);
    assert_true(fabs(m0->sd - sqrt(5.0 / 3.0)) < 1e-12);
    assert_true(fabs(m0->half - T975_3 * sqrt(5.0 / 3.0) / 2.0) < 1e-9);
    assert_true(fabs(m0->lo - (m0->mean - m0->half)) < 1e-12);
    assert_true(m1->mean == 4.0);
    assert_true(d1->mean == 1.5);
    assert_true(fabs(d1->sd - sqrt(1.0 / 3.0)) < 1e-12);
    const double half = T975_3 * sqrt(1.0 / 3.0) / 2.0; /* 0.9187 */
    assert_true(fabs(d1->half - half) < 1e-9);
    assert_true(fabs(d1->lo - (1.5 - half)) < 1e-9);
    /* t = 1.5 / (sqrt(1/3) / 2) = 5.196 on 3 df: p = 0.0138 */
    assert_true(d1->p > 0.0137 && d1->p < 0.0139);
    /* the baseline against itself: nothing */
    assert_true(d0->mean == 0.0 && d0->half == 0.0);
    assert_true(d0->p == 1.0);
    assert_int_equal(ana_table_clear(t, 1, 0), 1);
    assert_int_equal(ana_table_clear(t, 0, 0), 0);
    /* the same difference, but noisy: its interval covers 0 */
    double *b = ana_table_rep(t, 1, 0);
    b[0] = 4.5, b[1] = 1.5, b[2] = 6.5, b[3] = 3.5; /* differences 3.5 -0.5 3.5 -0.5 */
    ana_table_compute(t);
    assert_true(t->diff[ana_table_at(t, 1, 0)].mean == 1.5);
    assert_int_equal(ana_table_clear(t, 1, 0), 0);
    ana_table_destroy(t);
    ana_table_destroy(NULL);
}

static char *phrase(const ana_table *t, ana_lang lang, int lower)
{
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    ana_table_metric_phrase(&sb, t, 0, lang, lower);
    return ana_sbuf_take(&sb);
}

static void test_phrase(void **state)
{
    (void)state;
    ana_table *t = small_table();
    char *s = phrase(t, ANA_EN, 1);
    assert_string_equal(s, "share of fees billed that were paid");
    free(s);
    s = phrase(t, ANA_EN, 0);
    assert_string_equal(s, "Share of fees billed that were paid");
    free(s);
    s = phrase(t, ANA_ZH, 1);
    assert_string_equal(s, "物业费收缴率");
    free(s);
    sim_error err;
    assert_int_equal(ana_table_set(&t->doc_en[0], "RC workers' hours.", &err), SIM_OK);
    s = phrase(t, ANA_EN, 1); /* an acronym keeps its capitals */
    assert_string_equal(s, "RC workers' hours");
    free(s);
    free(t->doc_en[0]);
    free(t->doc_zh[0]);
    t->doc_en[0] = t->doc_zh[0] = NULL;
    s = phrase(t, ANA_ZH, 1); /* no description: the name */
    assert_string_equal(s, "fee_collection_rate");
    free(s);
    ana_table_destroy(t);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void test_csv(void **state)
{
    (void)state;
    ana_table *t = small_table();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    ana_table_print_csv(f, t);
    assert_int_equal(fclose(f), 0);
    char *line2 = strchr(buf, '\n') + 1;
    char *line3 = strchr(line2, '\n') + 1;
    assert_memory_equal(buf,
                        "metric,unit,scenario,n,mean,sd,ci_lo,ci_hi,half_width,diff,"
                        "diff_lo,diff_hi,p_value,clear\n",
                        (size_t)(line2 - buf));
    assert_true(starts_with(line2, "\"fee_collection_rate\",\"share\",\"baseline\",4,2.5,"));
    assert_non_null(strstr(line2, ",0,0,0,1,0\n")); /* diff, lo, hi, p = 1, clear 0 */
    /* quotes doubled inside a quoted field; the comma stays in the field */
    assert_true(starts_with(line3, "\"fee_collection_rate\",\"share\",\"b, \"\"new\"\"\",4,4,"));
    assert_true(strcmp(line3 + strlen(line3) - 3, ",1\n") == 0);
    int lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    assert_int_equal(lines, 3);
    free(buf);
    ana_table_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compute),
        cmocka_unit_test(test_phrase),
        cmocka_unit_test(test_csv),
    };
    return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
