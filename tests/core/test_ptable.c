/* tests/core/test_ptable.c — the table machinery of core/ptable.h and
 * core/mtable.h on small tables of its own (no model): lookup and
 * suggestions, fields read and written through their offsets, parsing and
 * its located refusals, values read back from a file, exact formatting,
 * the printed forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mtable.h"
#include "ptable.h"

typedef struct {
    SIM_PT_INT run_days;
    SIM_PT_REAL firm_rate;
    SIM_PT_BOOL firm_open;
} toy;

static const sim_param_desc rows[] = {
    {"run", "days", "run.days", SIM_P_INT, 365, 1, 36500, "days", SIM_PF_FIXED, "days run", "天数",
     SIM_PROV_SETTING, 0, 0, "a choice", offsetof(toy, run_days)},
    {"firm", "rate", "firm.rate", SIM_P_REAL, 0.125, 0, 2.5, "1/day", SIM_PF_MUTABLE,
     "a rate | with a bar", "比率", SIM_PROV_ASSUME, 0.05, 0.3, "a guess",
     offsetof(toy, firm_rate)},
    {"firm", "open", "firm.open", SIM_P_BOOL, 1, 0, 1, "", SIM_PF_UNIMPL, "open", "开放",
     SIM_PROV_SOURCE, 0, 0, "a survey", offsetof(toy, firm_open)},
};
#define NROWS 3

static void test_lookup(void **state)
{
    (void)state;
    assert_int_equal(ptab_find(rows, NROWS, "firm.rate"), 1);
    assert_int_equal(ptab_find(rows, NROWS, "firm.rates"), -1);
    assert_int_equal(ptab_find2(rows, NROWS, "firm", "open"), 2);
    assert_int_equal(ptab_find2(rows, NROWS, "run", "open"), -1);
    assert_string_equal(ptab_suggest(rows, NROWS, "firm.rte"), "firm.rate");
    assert_string_equal(ptab_suggest(rows, NROWS, "city.days"), "run.days"); /* right name */
    assert_null(ptab_suggest(rows, NROWS, "completely.different"));
}

static void test_fields(void **state)
{
    (void)state;
    toy t;
    ptab_default(&t, sizeof t, rows, NROWS);
    assert_int_equal(t.run_days, 365);
    assert_true(t.firm_rate == 0.125);
    assert_int_equal(t.firm_open, 1);
    ptab_put(&t, &rows[0], 730.0);
    ptab_put(&t, &rows[1], 2.385);
    ptab_put(&t, &rows[2], 0.0);
    assert_int_equal(t.run_days, 730);
    assert_true(ptab_get(&t, &rows[1]) == 2.385);
    assert_true(ptab_get(&t, &rows[2]) == 0.0);
}

static void test_parse(void **state)
{
    (void)state;
    sim_error err;
    sim_error_clear(&err);
    double v = -1;
    assert_int_equal(ptab_parse(&rows[0], " 42 ", &v, "a.ini", 3, &err), SIM_OK);
    assert_true(v == 42.0);
    assert_int_equal(ptab_parse(&rows[1], "2.385", &v, "a.ini", 3, &err), SIM_OK);
    assert_true(v == 2.385);
    assert_int_equal(ptab_parse(&rows[2], "Off ", &v, "a.ini", 3, &err), SIM_OK);
    assert_true(v == 0.0);
    assert_int_equal(ptab_parse(&rows[0], "4.5", &v, "a.ini", 7, &err), SIM_EINPUT);
    assert_string_equal(err.file, "a.ini");
    assert_int_equal(err.line, 7);
    assert_string_equal(err.key, "run.days");
    assert_non_null(strstr(err.msg, "an integer from 1 to 36500"));
    assert_int_equal(ptab_parse(&rows[1], "2.6", &v, NULL, 0, &err), SIM_EINPUT);
    assert_non_null(strstr(err.msg, "out of range (allowed: a number from 0 to 2.5)"));
    assert_int_equal(ptab_parse(&rows[1], "nan", &v, NULL, 0, &err), SIM_EINPUT);
    assert_int_equal(ptab_parse(&rows[2], "maybe", &v, NULL, 0, &err), SIM_EINPUT);
    assert_int_equal(ptab_parse(&rows[2], "", &v, NULL, 0, &err), SIM_EINPUT);
    assert_non_null(strstr(err.msg, "no value given"));
}

static void test_check_value(void **state)
{
    (void)state;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(ptab_check_value(&rows[0], 730, "c.h5", "/run/params", &err), SIM_OK);
    assert_int_equal(ptab_check_value(&rows[0], 730.5, "c.h5", "/run/params", &err), SIM_EINPUT);
    assert_string_equal(err.file, "c.h5");
    assert_non_null(strstr(err.msg, "/run/params gives run.days = 730.5"));
    assert_int_equal(ptab_check_value(&rows[2], 0.5, "c.h5", "w", &err), SIM_EINPUT);
    /* not built: only its default */
    assert_int_equal(ptab_check_value(&rows[2], 1.0, "c.h5", "w", &err), SIM_OK);
    assert_int_equal(ptab_check_value(&rows[2], 0.0, "c.h5", "w", &err), SIM_EINPUT);
}

static void test_format(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(ptab_format_value(&rows[1], 0.1, buf, sizeof buf), "0.1");
    assert_string_equal(ptab_format_value(&rows[1], 1.0 / 3.0, buf, sizeof buf),
                        "0.3333333333333333"); /* 16 digits suffice */
    assert_true(strtod(buf, NULL) == 1.0 / 3.0);
    assert_string_equal(ptab_format_value(&rows[0], 365, buf, sizeof buf), "365");
    assert_string_equal(ptab_format_value(&rows[2], 1, buf, sizeof buf), "true");
    assert_string_equal(ptab_type_name(SIM_P_REAL), "real");
    assert_string_equal(ptab_prov_name(SIM_PROV_ASSUME), "assumption");
    assert_string_equal(ptab_basis_text(&rows[1], buf, sizeof buf),
                        "assumption 0.05..0.3: a guess");
    assert_string_equal(ptab_basis_text(&rows[2], buf, sizeof buf), "source: a survey");
}

/* The printed forms of a table, read back from a memory stream. */
static char *printed(void (*print)(FILE *, const void *), const void *arg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    print(f, arg);
    fclose(f);
    return text;
}

static void print_ini(FILE *f, const void *t)
{
    char *s = ptab_to_ini(rows, NROWS, t);
    assert_non_null(s);
    fputs(s, f);
    free(s);
}

static void print_md(FILE *f, const void *t)
{
    ptab_print_markdown(f, rows, NROWS, t, "# toy\n");
}

static void print_uncertain(FILE *f, const void *t)
{
    ptab_print_uncertain(f, rows, NROWS, t);
}

static void test_printing(void **state)
{
    (void)state;
    toy t;
    ptab_default(&t, sizeof t, rows, NROWS);
    char *s = printed(print_ini, &t);
    assert_string_equal(s, "[run]\ndays = 365\n\n[firm]\nrate = 0.125\nopen = true\n");
    free(s);
    s = printed(print_uncertain, &t);
    assert_string_equal(
        s, "key\tdefault\tlo\thi\tprior\twhy\nfirm.rate\t0.125\t0.05\t0.3\tuniform\ta guess\n");
    free(s);
    s = printed(print_md, &t);
    assert_true(strncmp(s, "# toy\n\n## [run]\n", 16) == 0);
    assert_non_null(strstr(s, "| `firm.rate` | real | 0.125 | 0 – 2.5 | 1/day | policy | "
                              "a rate \\| with a bar | 比率 | assumption 0.05..0.3: a guess |\n"));
    assert_non_null(strstr(s, "| `firm.open` | boolean | true | true/false | – | not built |"));
    free(s);
}

static const sim_metric_desc metrics[] = {
    {"cases", "cases", SIM_M_COUNT, "cases", "cases a day", "每日案件"},
    {"wait", "days", SIM_M_RATIO, "", "mean wait", "平均等待"},
};

static void print_metrics(FILE *f, const void *sub)
{
    mtab_print_markdown(f, metrics, 2, sub);
    mtab_print_table(f, metrics, 2);
}

static void test_metric_table(void **state)
{
    (void)state;
    assert_int_equal(mtab_find(metrics, 2, "wait"), 1);
    assert_int_equal(mtab_find(metrics, 2, "waits"), -1);
    const unsigned char sub[2] = {0, 1};
    char *s = printed(print_metrics, sub);
    assert_non_null(strstr(s, "| `cases` | cases | count | `cases` | compounds | cases a day |\n"));
    assert_non_null(strstr(s, "| `wait` | days | ratio | – | subdistrict | mean wait |\n"));
    assert_non_null(
        strstr(s, "wait                                 days         ratio  mean wait\n"));
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),       cmocka_unit_test(test_fields),
        cmocka_unit_test(test_parse),        cmocka_unit_test(test_check_value),
        cmocka_unit_test(test_format),       cmocka_unit_test(test_printing),
        cmocka_unit_test(test_metric_table),
    };
    return cmocka_run_group_tests_name("ptable", tests, NULL, NULL);
}
