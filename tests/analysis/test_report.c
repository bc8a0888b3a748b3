/* tests/analysis/test_report.c — the comparison report (analysis/report.h)
 * built straight from a compare file written here with hand-made numbers
 * (no runs): the clear effect in words with its interval worked by hand,
 * the table, both languages, escaping, a page with nothing to fetch, and
 * the atomic write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "h5compare.h"
#include "metrics.h"
#include "report.h"
#include "suite.h"
#include "table.h"

enum { NSCEN = 2, NREP = 4, DAYS = 4 };

static char dir[64], file[128];

/* Fee collection in each replicate's window (every day of the replicate
 * the same): baseline 0.50 0.52 0.54 0.56, "Fees <b>up</b>" 0.60 0.61 0.64
 * 0.65: differences 0.10 0.09 0.10 0.09, mean 0.095, sd sqrt(1/3)/100,
 * 95% half-width t(0.975, 3) x sd / 2 = 0.009187: in percentage points
 * 9.5 (8.58 to 10.42), clear. */
static const double fee[NSCEN][NREP] = {{0.50, 0.52, 0.54, 0.56}, {0.60, 0.61, 0.64, 0.65}};

static int setup(void **state)
{
    (void)state;
    if (suite_tmpdir(dir, sizeof dir, "report"))
        return -1;
    snprintf(file, sizeof file, "%s/cmp.h5", dir);
    sim_error err;
    sim_error_clear(&err);
    const int m = SIM_MET_fee_collection_rate;
    ana_table *t = ana_table_create(NSCEN, 1, NREP);
    ana_cmp_scen scen[NSCEN];
    memset(scen, 0, sizeof scen);
    scen[0].name = "baseline";
    scen[1].name = "Fees <b>up</b>";
    for (int s = 0; s < NSCEN; s++) {
        scen[s].description = scen[s].path = scen[s].resolved_ini = scen[s].sources = "";
    }
    ana_diff_row row = {"pmc.fee_old",  -1,           "18", "24", "yuan/household/month",
                        "Monthly fee.", "月物业费。", "",   ""};
    if (!t || ana_diff_add(&scen[1].changes, &row, &err) != SIM_OK)
        return -1;
    const sim_metric_desc *d = &sim_metric_table[m];
    if (ana_table_set(&t->scen[0], scen[0].name, &err) ||
        ana_table_set(&t->scen[1], scen[1].name, &err) ||
        ana_table_set(&t->met[0], d->name, &err) || ana_table_set(&t->unit[0], d->unit, &err) ||
        ana_table_set(&t->doc_en[0], d->doc_en, &err) ||
        ana_table_set(&t->doc_zh[0], d->doc_zh, &err) || ana_table_set(&t->kind[0], "ratio", &err))
        return -1;
    t->level = 0.95;
    t->days = DAYS;
    t->win_from = 0;
    t->win_to = DAYS;
    double *city = calloc((size_t)NSCEN * NREP * DAYS * SIM_MET_N, sizeof *city);
    if (!city)
        return -1;
    for (int s = 0; s < NSCEN; s++)
        for (int r = 0; r < NREP; r++) {
            ana_table_rep(t, s, 0)[r] = fee[s][r];
            for (int day = 0; day < DAYS; day++)
                city[(((size_t)s * NREP + r) * DAYS + day) * SIM_MET_N + m] = fee[s][r];
        }
    ana_table_compute(t);
    uint64_t seeds[NREP] = {1, 2, 3, 4};
    ana_cmp_meta meta = {0};
    meta.days = DAYS;
    meta.compounds = 10;
    meta.replicates = NREP;
    meta.win_from = 0;
    meta.win_to = DAYS;
    meta.level = 0.95;
    meta.seed_base = 1;
    meta.seeds = seeds;
    meta.threads = 1;
    meta.command_line = "troika compare (test_report)";
    ana_cmpw *w = NULL;
    sim_status st = ana_cmpw_open(&w, file, 0, sim_metric_table, SIM_MET_N, &err);
    if (st == SIM_OK)
        st = ana_cmpw_scenarios(w, DAYS, NREP, scen, NSCEN, &err);
    if (st == SIM_OK)
        st = ana_cmpw_append(w, NREP, city, &err);
    if (st == SIM_OK)
        st = ana_cmpw_finish(w, &meta, t, &err);
    if (st == SIM_OK)
        st = ana_cmpw_commit(w, &err);
    else
        ana_cmpw_abort(w);
    if (st != SIM_OK) {
        char line[2048];
        fprintf(stderr, "%s\n", sim_error_format(&err, line, sizeof line));
    }
    free(city);
    ana_diff_free(&scen[1].changes);
    ana_table_destroy(t);
    return st == SIM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return suite_rmdir(dir);
}

static void page(ana_lang lang, char **html)
{
    ana_cmpfile *f = NULL;
    sim_error err;
    assert_int_equal(ana_cmpfile_open(&f, file, &err), SIM_OK);
    *html = NULL;
    assert_int_equal(ana_report_html(f, lang, html, &err), SIM_OK);
    ana_cmpfile_close(f);
}

static void test_english(void **state)
{
    (void)state;
    char *html;
    page(ANA_EN, &html);
    assert_non_null(strstr(html, "lang=\"en\""));
    /* the effect in words: raised (better), by 9.50 points, its interval */
    const char *li = strstr(html, "<li class=\"clear better\" data-metric=\"fee_collection_rate\" "
                                  "data-scenario=\"1\">");
    assert_non_null(li);
    const char *end = strstr(li, "</li>");
    char sentence[1024];
    snprintf(sentence, sizeof sentence, "%.*s", (int)(end - li), li);
    assert_non_null(
        strstr(sentence, "<span class=\"scen\">Fees &lt;b&gt;up&lt;/b&gt;</span> raised the"));
    assert_non_null(strstr(sentence, "9.50"));
    assert_non_null(strstr(sentence, "8.58 to 10.42"));
    /* the scenario's change, and the names escaped everywhere */
    assert_non_null(strstr(html, "pmc.fee_old"));
    assert_null(strstr(html, "<b>up</b>"));
    /* self-contained: nothing to fetch, no script */
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "http:"));
    assert_null(strstr(html, "https:"));
    assert_null(strstr(html, "<link"));
    free(html);
}

static void test_chinese(void **state)
{
    (void)state;
    char *html;
    page(ANA_ZH, &html);
    assert_non_null(strstr(html, "lang=\"zh-CN\""));
    assert_non_null(strstr(html, "摘要"));
    assert_non_null(strstr(html, "提高了 9.50"));
    free(html);
}

/* ana_report_write: the same page, atomically; an existing file needs force. */
static void test_write(void **state)
{
    (void)state;
    ana_cmpfile *f = NULL;
    sim_error err;
    assert_int_equal(ana_cmpfile_open(&f, file, &err), SIM_OK);
    char path[160];
    snprintf(path, sizeof path, "%s/report.html", dir);
    assert_int_equal(ana_report_write(f, path, 0, "--report", ANA_EN, &err), SIM_OK);
    assert_int_equal(ana_report_write(f, path, 0, "--report", ANA_EN, &err), SIM_EINPUT);
    assert_string_equal(err.key, "--report");
    assert_int_equal(ana_report_write(f, path, 1, "--report", ANA_EN, &err), SIM_OK);
    char *html = NULL;
    assert_int_equal(ana_report_html(f, ANA_EN, &html, &err), SIM_OK);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t n = strlen(html);
    char *back = malloc(n + 1);
    assert_int_equal(fread(back, 1, n + 1, fp), n);
    fclose(fp);
    assert_memory_equal(back, html, n);
    free(back);
    free(html);
    ana_cmpfile_close(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english),
        cmocka_unit_test(test_chinese),
        cmocka_unit_test(test_write),
    };
    return cmocka_run_group_tests_name("report", tests, setup, teardown);
}
