/* tests/analysis/test_compare.c — scenario comparison: analysis/compare.c, table.c,
 * h5compare.c, diff.c, report.c, ui.c, and the compare/report/diff commands.
 *
 * A small comparison (tests/data/compare: a 20-compound district, 60 days,
 * the baseline and a subsidy raised by a policy on day 30; 3 replicates) is
 * run through the library and written; the file is read back and its table
 * is recomputed from the stored series by hand (window means, t intervals,
 * paired differences).  The same comparison on 1 and 2 threads gives
 * identical numbers.  Bad input — scenarios of different days or
 * compounds, an unknown metric, a window outside the run, a compare file of
 * another schema version, a run file, a truncated file — is SIM_EINPUT from
 * the library and exit status 2 from the command, and leaves no report.
 */
#define _XOPEN_SOURCE 700

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <hdf5.h>

#include "compare.h"
#include "compare_run.h"
#include "diff.h"
#include "scn_diff.h"
#include "h5compare.h"
#include "report.h"
#include "table.h"
#include "ui.h"
#include "metrics.h"

#define MT sim_metric_table, SIM_MET_N /* the model's metric table */
#include "params.h"
#include "scenario.h"

#define DATA TROIKA_TEST_DATA "/compare"
#define REPS 3
#define DAYS 60

typedef struct {
    char dir[256];
    scn_scenario scen[2];
    int met[ANA_MAX_METRICS];
    int nmet;
    char file1[512], file2[512]; /* the comparison on 1 and on 2 threads */
} fixture;

static fixture fx;

static void path_in(const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", fx.dir, name);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static sim_status load(scn_scenario *s, const char *file, sim_error *err)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DATA, file);
    scn_init_default(s);
    sim_status st = scn_load(s, path, err);
    if (st == SIM_OK)
        st = scn_finish(s, err);
    return st;
}

static void opts_init(crun_opts *o, const scn_scenario *scen, int nscen, const char *out,
                      int threads)
{
    memset(o, 0, sizeof *o);
    o->scen = scen;
    o->nscen = nscen;
    o->replicates = REPS;
    o->tolerance = ANA_AUTO_TOLERANCE;
    o->max_replicates = ANA_AUTO_MAX;
    o->seed_base = 7;
    o->threads = threads;
    o->metrics = fx.met;
    o->nmetrics = fx.nmet;
    o->out = out;
    o->command_line = "test_compare";
}

/* Run a command; its exit status (stdout and stderr to /dev/null). */
static int run_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int run_cmd(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char full[4200];
    snprintf(full, sizeof full, "%s >/dev/null 2>&1", cmd);
    int st = system(full);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int setup(void **state)
{
    (void)state;
    snprintf(fx.dir, sizeof fx.dir, "/tmp/troika-test-compare-XXXXXX");
    if (!mkdtemp(fx.dir))
        return -1;
    sim_error err;
    sim_error_clear(&err);
    if (load(&fx.scen[0], "baseline.ini", &err) != SIM_OK ||
        load(&fx.scen[1], "subsidy.ini", &err) != SIM_OK) {
        char line[2048];
        fprintf(stderr, "%s\n", sim_error_format(&err, line, sizeof line));
        return -1;
    }
    fx.nmet = ana_key_metrics(MT, fx.met, ANA_MAX_METRICS, stderr, ANA_EN);
    path_in("t1.h5", fx.file1, sizeof fx.file1);
    path_in("t2.h5", fx.file2, sizeof fx.file2);
    /* the comparison, once per thread count */
    for (int k = 0; k < 2; k++) {
        crun_opts o;
        opts_init(&o, fx.scen, 2, k ? fx.file2 : fx.file1, k + 1);
        ana_table *t = NULL;
        crun_info info;
        if (crun_run(&o, &t, &info, &err) != SIM_OK) {
            char line[2048];
            fprintf(stderr, "%s\n", sim_error_format(&err, line, sizeof line));
            return -1;
        }
        ana_table_destroy(t);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    scn_free(&fx.scen[0]);
    scn_free(&fx.scen[1]);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx.dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- pieces ---------------------------------------------------------------- */

static void seeds(void **state)
{
    (void)state;
    for (int64_t r = 0; r < 1000; r++) {
        uint64_t s = ana_compare_seed(1, r);
        assert_true(s < (1ull << 53));
        assert_true(s == ana_compare_seed(1, r)); /* a function of (base, r) */
        for (int64_t q = 0; q < r; q += 37)
            assert_true(ana_compare_seed(1, q) != s);
    }
    assert_true(ana_compare_seed(1, 0) != ana_compare_seed(2, 0));
    assert_true(ana_compare_seed(1, 1) != ana_compare_seed(2, 0)); /* not base + r */
}

static void options(void **state)
{
    (void)state;
    sim_error err;
    sim_error_clear(&err);
    int idx[8], n = 0;
    assert_int_equal(ana_metrics_parse(MT, "complaints_new,fee_collection_rate", idx, 8, &n, &err),
                     SIM_OK);
    assert_int_equal(n, 2);
    assert_int_equal(idx[0], sim_metric_find("complaints_new"));
    assert_int_equal(ana_metrics_parse(MT, "complaints_neww", idx, 8, &n, &err), SIM_EINPUT);
    assert_string_equal(err.key, "--metrics");
    assert_non_null(strstr(err.msg, "complaints_new"));
    assert_int_equal(ana_metrics_parse(MT, "complaints_new,complaints_new", idx, 8, &n, &err),
                     SIM_EINPUT);
    assert_int_equal(ana_metrics_parse(MT, "complaints_new,", idx, 8, &n, &err), SIM_EINPUT);

    /* the key metrics resolve, the required ones among them */
    assert_true(fx.nmet >= 3);
    const char *required[] = {"households_rating_pmc_inadequate", "fee_collection_rate",
                              "complaints_new"};
    for (int k = 0; k < 3; k++) {
        int m = sim_metric_find(required[k]), found = 0;
        for (int j = 0; j < fx.nmet; j++)
            found |= fx.met[j] == m;
        assert_true(found);
    }
    ana_lang L;
    assert_int_equal(ana_lang_parse("zh", &L, "--lang", &err), SIM_OK);
    assert_int_equal(L, ANA_ZH);
    assert_int_equal(ana_lang_parse("fr", &L, "--lang", &err), SIM_EINPUT);
}

/* Both languages of every UI row: the same number of "%s", and a '%' only
 * in "%s" or "%%". */
static void ui_strings(void **state)
{
    (void)state;
    for (int id = 0; id < ANA_UI_N; id++) {
        int count[2] = {0, 0};
        for (int l = 0; l < 2; l++) {
            const char *t = ana_ui((ana_ui_id)id, (ana_lang)l);
            assert_true(t[0] != '\0');
            for (const char *q = t; *q; q++)
                if (*q == '%') {
                    if (q[1] == 's')
                        count[l]++;
                    else if (q[1] != '%')
                        fail_msg("row %d (%s): a bare '%%' in \"%s\"", id, l ? "zh" : "en", t);
                    q++;
                }
        }
        if (count[0] != count[1])
            fail_msg("row %d: %d %%s in English, %d in Chinese", id, count[0], count[1]);
    }
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    const char *args[] = {"<b>1</b>", "2"};
    ana_ui_put(&sb, ANA_UI_CI_RANGE, ANA_EN, 1, args, 2);
    assert_string_equal(sb.p, "<b>1</b> to 2");
    ana_sbuf_free(&sb);
    ana_sbuf_html(&sb, "a<b>&\"c'");
    assert_string_equal(sb.p, "a&lt;b&gt;&amp;&quot;c&#39;");
    ana_sbuf_free(&sb);
    char buf[32];
    assert_string_equal(ana_fmt_num(buf, sizeof buf, -0.0004, 2, "-"), "0.00");
    assert_string_equal(ana_fmt_num(buf, sizeof buf, -3.256, 2, "-"), "-3.26");
    assert_int_equal(ana_decimals(1.1, 23.4), 1);
    assert_int_equal(ana_decimals(0.034, 0.5), 3);
    assert_int_equal(ana_text_width("情景ab"), 6);
}

static void diff_rows(void **state)
{
    (void)state;
    sim_error err;
    sim_error_clear(&err);
    ana_diff d;
    assert_int_equal(scn_diff_compute(&fx.scen[0], &fx.scen[1], NULL, &d, &err), SIM_OK);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.rows[0].key, "pmc.subsidy_old");
    assert_int_equal(d.rows[0].day, 30);
    assert_string_equal(d.rows[0].b, "90");
    assert_string_equal(d.rows[0].policy_b, "subsidy");
    assert_string_equal(d.rows[0].policy_a, "");
    char want[48];
    sim_param_format(&fx.scen[0].params, sim_param_find("pmc.subsidy_old"), want, sizeof want);
    assert_string_equal(d.rows[0].a, want);
    ana_diff_free(&d);
    assert_int_equal(scn_diff_compute(&fx.scen[0], &fx.scen[0], NULL, &d, &err), SIM_OK);
    assert_int_equal(d.n, 0);
    ana_diff_free(&d);

    /* an initial value, then the policy makes them equal again */
    scn_scenario a, b;
    assert_int_equal(load(&a, "subsidy.ini", &err), SIM_OK);
    scn_init_default(&b);
    char path[512];
    snprintf(path, sizeof path, "%s/subsidy.ini", DATA);
    assert_int_equal(scn_load(&b, path, &err), SIM_OK);
    assert_int_equal(scn_set(&b, "pmc.subsidy_old=75", &err), SIM_OK);
    assert_int_equal(scn_finish(&b, &err), SIM_OK);
    assert_int_equal(scn_diff_compute(&a, &b, NULL, &d, &err), SIM_OK);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.rows[0].day, -1);
    assert_string_equal(d.rows[0].b, "75");
    assert_int_equal(d.rows[1].day, 30);
    assert_string_equal(d.rows[1].a, d.rows[1].b);
    ana_diff_free(&d);
    scn_free(&a);
    scn_free(&b);
}

/* ---- the comparison --------------------------------------------------------------- */

/* The stored table equals a recomputation from the stored series. */
static void table_matches_series(void **state)
{
    (void)state;
    sim_error err;
    sim_error_clear(&err);
    ana_cmpfile *f = NULL;
    assert_int_equal(ana_cmpfile_open(&f, fx.file1, &err), SIM_OK);
    const ana_table *t = f->table;
    assert_int_equal(f->nscen, 2);
    assert_int_equal(t->nmet, fx.nmet);
    assert_int_equal(f->meta.replicates, REPS);
    assert_int_equal(f->meta.days, DAYS);
    assert_int_equal(f->meta.compounds, 20);
    /* the default window of a short run: all of it */
    assert_int_equal(t->win_from, 0);
    assert_int_equal(t->win_to, DAYS);
    for (int r = 0; r < REPS; r++)
        assert_true(f->meta.seeds[r] == ana_compare_seed(7, r));
    assert_string_equal(f->scen[1].changes.rows[0].key, "pmc.subsidy_old");
    assert_string_equal(f->scen[1].name, "Subsidy <+50%> & \"more\"");

    double series[2][REPS * DAYS], wm[2][REPS];
    double tq = gsl_cdf_tdist_Qinv(0.025, REPS - 1);
    for (int k = 0; k < t->nmet; k++) {
        for (int s = 0; s < 2; s++) {
            assert_int_equal(ana_cmpfile_series(f, s, t->met[k], series[s], &err), SIM_OK);
            for (int r = 0; r < REPS; r++) {
                double sum = 0;
                for (int d = 0; d < DAYS; d++)
                    sum += series[s][r * DAYS + d];
                wm[s][r] = sum / DAYS;
                assert_true(fabs(ana_table_rep(t, s, k)[r] - wm[s][r]) <=
                            1e-12 * (fabs(wm[s][r]) + 1));
            }
            /* mean and t interval, by hand */
            double m = (wm[s][0] + wm[s][1] + wm[s][2]) / 3, ss = 0;
            for (int r = 0; r < REPS; r++)
                ss += (wm[s][r] - m) * (wm[s][r] - m);
            double half = tq * sqrt(ss / 2) / sqrt(3.0);
            const ana_summary *ms = &t->mean[ana_table_at(t, s, k)];
            double tol = 1e-9 * (fabs(m) + half + 1);
            assert_true(fabs(ms->mean - m) <= tol);
            assert_true(fabs(ms->lo - (m - half)) <= tol);
            assert_true(fabs(ms->hi - (m + half)) <= tol);
        }
        /* the paired difference */
        double dd[REPS], m = 0, ss = 0;
        for (int r = 0; r < REPS; r++) {
            dd[r] = wm[1][r] - wm[0][r];
            m += dd[r] / REPS;
        }
        for (int r = 0; r < REPS; r++)
            ss += (dd[r] - m) * (dd[r] - m);
        double se = sqrt(ss / 2) / sqrt(3.0), half = tq * se;
        const ana_summary *ds = &t->diff[ana_table_at(t, 1, k)];
        double tol = 1e-9 * (fabs(m) + half + 1e-9);
        assert_true(fabs(ds->mean - m) <= tol);
        assert_true(fabs(ds->lo - (m - half)) <= tol);
        assert_true(fabs(ds->hi - (m + half)) <= tol);
        if (se > 0)
            assert_true(fabs(ds->p - 2 * gsl_cdf_tdist_Q(fabs(m) / se, 2)) <= 1e-9);
        assert_int_equal(ana_table_clear(t, 1, k), m - half > 0 || m + half < 0);
        /* the baseline's own difference is nothing */
        const ana_summary *d0 = &t->diff[ana_table_at(t, 0, k)];
        assert_true(d0->mean == 0.0 && d0->p == 1.0);
    }
    ana_cmpfile_close(f);
}

/* 1 and 2 threads: the same numbers, bit for bit. */
static void threads_do_not_matter(void **state)
{
    (void)state;
    sim_error err;
    sim_error_clear(&err);
    ana_cmpfile *a = NULL, *b = NULL;
    assert_int_equal(ana_cmpfile_open(&a, fx.file1, &err), SIM_OK);
    assert_int_equal(ana_cmpfile_open(&b, fx.file2, &err), SIM_OK);
    assert_int_equal(a->meta.threads, 1);
    assert_int_equal(b->meta.threads, 2);
    const ana_table *ta = a->table, *tb = b->table;
    size_t n = (size_t)ta->nscen * (size_t)ta->nmet * (size_t)ta->replicates;
    assert_memory_equal(ta->rep_mean, tb->rep_mean, n * sizeof(double));
    for (size_t k = 0; k < (size_t)ta->nscen * (size_t)ta->nmet; k++) {
        assert_memory_equal(&ta->mean[k].mean, &tb->mean[k].mean, sizeof(double));
        assert_memory_equal(&ta->diff[k].p, &tb->diff[k].p, sizeof(double));
    }
    double *sa = malloc(REPS * DAYS * sizeof *sa), *sb = malloc(REPS * DAYS * sizeof *sb);
    assert_non_null(sa);
    assert_non_null(sb);
    for (int s = 0; s < 2; s++)
        for (int m = 0; m < SIM_MET_N; m++) {
            const char *name = sim_metric_table[m].name;
            assert_int_equal(ana_cmpfile_series(a, s, name, sa, &err), SIM_OK);
            assert_int_equal(ana_cmpfile_series(b, s, name, sb, &err), SIM_OK);
            if (memcmp(sa, sb, REPS * DAYS * sizeof *sa) != 0)
                fail_msg("scenario %d, %s differs between 1 and 2 threads", s, name);
        }
    free(sa);
    free(sb);
    ana_cmpfile_close(a);
    ana_cmpfile_close(b);
}

static void auto_replicates(void **state)
{
    (void)state;
    sim_error err;
    sim_error_clear(&err);
    char out[512];
    int one[1] = {sim_metric_find("households_rating_pmc_inadequate")};
    /* a loose tolerance: the first batch is enough */
    path_in("auto1.h5", out, sizeof out);
    crun_opts o;
    opts_init(&o, fx.scen, 2, out, 2);
    o.auto_rep = 1;
    o.tolerance = 0.5;
    o.max_replicates = 30;
    o.metrics = one;
    o.nmetrics = 1;
    ana_table *t = NULL;
    crun_info info;
    assert_int_equal(crun_run(&o, &t, &info, &err), SIM_OK);
    assert_int_equal(info.replicates, ANA_AUTO_FIRST);
    assert_int_equal(info.tolerance_met, 1);
    int bad[1];
    assert_int_equal(ana_compare_unmet(t, 0.5, bad), 0);
    ana_table_destroy(t);
    /* an impossible one: stops at the cap, inside a batch */
    path_in("auto2.h5", out, sizeof out);
    o.tolerance = 1e-12;
    o.max_replicates = 13;
    assert_int_equal(crun_run(&o, &t, &info, &err), SIM_OK);
    assert_int_equal(info.replicates, 13);
    assert_int_equal(info.tolerance_met, 0);
    assert_int_equal(t->replicates, 13);
    ana_table_destroy(t);
    ana_cmpfile *f = NULL;
    assert_int_equal(ana_cmpfile_open(&f, out, &err), SIM_OK);
    assert_int_equal(f->meta.auto_rep, 1);
    assert_int_equal(f->meta.replicates, 13);
    assert_int_equal(f->meta.tolerance_met, 0);
    char *html = NULL;
    assert_int_equal(ana_report_html(f, ANA_EN, &html, &err), SIM_OK);
    assert_non_null(strstr(html, "up to the cap of 13"));
    free(html);
    ana_cmpfile_close(f);
}

/* ---- the report ---------------------------------------------------------------- */

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void report_page(void **state)
{
    (void)state;
    sim_error err;
    sim_error_clear(&err);
    ana_cmpfile *f = NULL;
    assert_int_equal(ana_cmpfile_open(&f, fx.file1, &err), SIM_OK);
    for (int l = 0; l < 2; l++) {
        char *html = NULL;
        assert_int_equal(ana_report_html(f, (ana_lang)l, &html, &err), SIM_OK);
        int K = f->table->nmet;
        assert_int_equal(count(html, "<svg class=\"chart\""), K);
        /* a headline first; the note on many comparisons says the right thing */
        assert_non_null(strstr(html, l ? "<h3>要点</h3>" : "<h3>In brief</h3>"));
        assert_non_null(strstr(html, l ? "对于改革实际上并不影响的指标，大约每二十个中仍会有一个"
                                       : "of the metrics a reform does not really affect, about "
                                         "one in twenty will still show a clear difference"));
        /* the paired difference of the one scenario that is not the baseline */
        assert_int_equal(count(html, "<path class=\"line\""), K);
        assert_int_equal(count(html, "<path class=\"band\""), K);
        /* self-contained: nothing to fetch, no script */
        assert_null(strstr(html, "<script"));
        assert_null(strstr(html, "http:"));
        assert_null(strstr(html, "https:"));
        assert_null(strstr(html, "url("));
        assert_null(strstr(html, "<link"));
        assert_null(strstr(html, "<img"));
        /* escaped names and descriptions */
        assert_null(strstr(html, "<+50%>"));
        assert_null(strstr(html, "<b>(test)</b>"));
        assert_non_null(strstr(html, "Subsidy &lt;+50%&gt; &amp; &quot;more&quot;"));
        assert_non_null(strstr(html, l ? "lang=\"zh-CN\"" : "lang=\"en\""));
        assert_non_null(strstr(html, l ? "摘要" : "Summary"));
        assert_non_null(strstr(html, "pmc.subsidy_old"));
        /* the parameter's description in the report's language */
        const sim_param_desc *pd = &sim_param_table[sim_param_find("pmc.subsidy_old")];
        ana_sbuf sb;
        ana_sbuf_init(&sb);
        ana_sbuf_html(&sb, l ? pd->doc_zh : pd->doc_en);
        assert_non_null(strstr(html, sb.p));
        ana_sbuf_free(&sb);
        assert_true(strlen(html) < 3 * 1024 * 1024);
        free(html);
    }
    /* a report into a missing folder: refused, nothing written */
    char bad[600];
    path_in("no/such/folder/r.html", bad, sizeof bad);
    assert_int_equal(ana_report_write(f, bad, 0, "-o", ANA_EN, &err), SIM_EINPUT);
    ana_cmpfile_close(f);
}

/* ---- bad input ------------------------------------------------------------------- */

static void bad_scenarios(void **state)
{
    (void)state;
    sim_error err;
    sim_error_clear(&err);
    char out[512];
    path_in("bad.h5", out, sizeof out);
    ana_table *t = NULL;
    crun_info info;
    crun_opts o;
    int64_t a, b;
    const char *files[] = {"longer.ini", "bigger.ini"};
    const char *keys[] = {"run.days", "city.compounds"};
    for (int k = 0; k < 2; k++) {
        scn_scenario sc[2];
        sc[0] = fx.scen[0];
        assert_int_equal(load(&sc[1], files[k], &err), SIM_OK);
        opts_init(&o, sc, 2, out, 1);
        assert_int_equal(crun_run(&o, &t, &info, &err), SIM_EINPUT);
        assert_string_equal(err.key, keys[k]);
        assert_null(t);
        scn_free(&sc[1]);
    }
    opts_init(&o, fx.scen, 2, out, 1);
    assert_int_equal(ana_window_parse("50:61", &o.window, "--window", &err), SIM_OK);
    assert_int_equal(crun_check(&o, &a, &b, &err), SIM_EINPUT);
    assert_string_equal(err.key, "--window");
    assert_int_equal(ana_window_parse("40:40", &o.window, "--window", &err), SIM_OK);
    assert_int_equal(crun_check(&o, &a, &b, &err), SIM_EINPUT);
    assert_int_equal(ana_window_parse("10:", &o.window, "--window", &err), SIM_OK);
    assert_int_equal(crun_check(&o, &a, &b, &err), SIM_OK);
    assert_true(a == 10 && b == DAYS);
    assert_int_equal(ana_window_parse("-20:", &o.window, "--window", &err), SIM_OK);
    assert_int_equal(crun_check(&o, &a, &b, &err), SIM_OK);
    assert_true(a == DAYS - 20 && b == DAYS);
    memset(&o.window, 0, sizeof o.window);
    o.replicates = 1;
    assert_int_equal(crun_check(&o, &a, &b, &err), SIM_EINPUT);
    o.replicates = REPS;
    o.nscen = 1;
    assert_int_equal(crun_check(&o, &a, &b, &err), SIM_EINPUT);
    assert_false(exists(out));
    /* an existing compare file is not overwritten without force */
    opts_init(&o, fx.scen, 2, fx.file1, 1);
    struct stat before, after;
    assert_int_equal(stat(fx.file1, &before), 0);
    assert_int_equal(crun_run(&o, &t, &info, &err), SIM_EINPUT);
    assert_int_equal(stat(fx.file1, &after), 0);
    assert_true(before.st_mtime == after.st_mtime && before.st_size == after.st_size);
}

/* A copy of the good file with one root attribute rewritten. */
static void copy_with_attr(const char *dst, const char *name, int64_t iv, const char *sv)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", fx.file1, dst);
    assert_int_equal(system(cmd), 0);
    hid_t f = H5Fopen(dst, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_true(H5Adelete(f, name) >= 0);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t t = H5T_STD_I64LE;
    if (sv) {
        t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, H5T_VARIABLE);
    }
    hid_t a = H5Acreate2(f, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    if (sv)
        assert_true(H5Awrite(a, t, &sv) >= 0);
    else
        assert_true(H5Awrite(a, H5T_NATIVE_INT64, &iv) >= 0);
    H5Aclose(a);
    if (sv)
        H5Tclose(t);
    H5Sclose(sp);
    assert_true(H5Fclose(f) >= 0);
}

static void bad_files(void **state)
{
    (void)state;
    sim_error err;
    sim_error_clear(&err);
    ana_cmpfile *f = NULL;
    char p[600], cmd[1500];

    path_in("v2.h5", p, sizeof p);
    copy_with_attr(p, "schema_version", ANA_COMPARE_SCHEMA + 1, NULL);
    assert_int_equal(ana_cmpfile_open(&f, p, &err), SIM_EINPUT);
    assert_non_null(strstr(err.msg, "schema version 3"));
    assert_null(f);

    path_in("kind.h5", p, sizeof p);
    copy_with_attr(p, "file_kind", 0, "troika-sweep");
    assert_int_equal(ana_cmpfile_open(&f, p, &err), SIM_EINPUT);
    assert_non_null(strstr(err.msg, "this is a sweep file"));

    path_in("trunc.h5", p, sizeof p);
    struct stat st;
    assert_int_equal(stat(fx.file1, &st), 0);
    snprintf(cmd, sizeof cmd, "head -c %lld '%s' > '%s'", (long long)st.st_size / 2, fx.file1, p);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(ana_cmpfile_open(&f, p, &err), SIM_EINPUT);
    assert_string_equal(err.file, p);

    path_in("text.h5", p, sizeof p);
    snprintf(cmd, sizeof cmd, "echo 'not hdf5' > '%s'", p);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(ana_cmpfile_open(&f, p, &err), SIM_EINPUT);

    path_in("missing.h5", p, sizeof p);
    assert_int_equal(ana_cmpfile_open(&f, p, &err), SIM_EINPUT);

    /* the result file of one run */
    path_in("run.h5", p, sizeof p);
    assert_int_equal(
        run_cmd("'%s' run --days 20 --set city.compounds=10 -q -o '%s'", TROIKA_BINARY, p), 0);
    assert_int_equal(ana_cmpfile_open(&f, p, &err), SIM_EINPUT);
    assert_non_null(strstr(err.msg, "troika run"));
}

/* The commands: exit status 2 for bad input, and no report left behind. */
static void commands(void **state)
{
    (void)state;
    char out[600], rep[600], v2[600], trunc[600], run[600];
    path_in("cli.h5", out, sizeof out);
    path_in("cli.html", rep, sizeof rep);
    path_in("v2.h5", v2, sizeof v2);
    path_in("trunc.h5", trunc, sizeof trunc);
    path_in("run.h5", run, sizeof run);
    const char *bin = TROIKA_BINARY;
    assert_int_equal(run_cmd("'%s' compare %s/baseline.ini %s/longer.ini --replicates 2 -o '%s'",
                             bin, DATA, DATA, out),
                     2);
    assert_int_equal(run_cmd("'%s' compare %s/baseline.ini %s/bigger.ini --replicates 2 -o '%s'",
                             bin, DATA, DATA, out),
                     2);
    assert_int_equal(run_cmd("'%s' compare %s/baseline.ini %s/subsidy.ini --replicates 2 "
                             "--metrics no_such_metric -o '%s'",
                             bin, DATA, DATA, out),
                     2);
    assert_int_equal(run_cmd("'%s' compare %s/baseline.ini %s/subsidy.ini --replicates 2 "
                             "--window 30:90 -o '%s'",
                             bin, DATA, DATA, out),
                     2);
    assert_int_equal(run_cmd("'%s' compare %s/baseline.ini --replicates 2 -o '%s'", bin, DATA, out),
                     2);
    assert_int_equal(run_cmd("'%s' compare %s/baseline.ini %s/subsidy.ini --replicates 1 -o '%s'",
                             bin, DATA, DATA, out),
                     2);
    assert_int_equal(run_cmd("'%s' compare %s/baseline.ini %s/subsidy.ini --tolerance 0.1 -o '%s'",
                             bin, DATA, DATA, out),
                     2);
    assert_false(exists(out));
    const char *bad[] = {v2, trunc};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(run_cmd("'%s' report '%s' -o '%s'", bin, bad[k], rep), 2);
        assert_false(exists(rep));
    }
    /* a run file gets the report of one run, as HTML only */
    assert_int_equal(run_cmd("'%s' report '%s' --csv '%s'", bin, run, rep), 2);
    assert_false(exists(rep));
    assert_int_equal(run_cmd("'%s' report '%s' -o '%s' -q", bin, run, rep), 0);
    assert_true(exists(rep));
    remove(rep);
    assert_int_equal(run_cmd("'%s' report '%s' -o '%s' --lang xx", bin, fx.file1, rep), 2);
    assert_false(exists(rep));
    /* a good one, then not again without --force */
    assert_int_equal(run_cmd("'%s' report '%s' -o '%s' --lang zh", bin, fx.file1, rep), 0);
    assert_true(exists(rep));
    assert_int_equal(run_cmd("'%s' report '%s' -o '%s'", bin, fx.file1, rep), 2);
    assert_int_equal(run_cmd("'%s' report '%s' -o '%s' --force", bin, fx.file1, rep), 0);
    /* diff */
    assert_int_equal(run_cmd("'%s' diff %s/baseline.ini %s/subsidy.ini", bin, DATA, DATA), 0);
    assert_int_equal(run_cmd("'%s' diff %s/baseline.ini %s/nonexistent.ini", bin, DATA, DATA), 2);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "'%s' diff %s/baseline.ini %s/subsidy.ini --lang zh", bin, DATA,
             DATA);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, p);
    text[n] = '\0';
    assert_int_equal(pclose(p), 0);
    assert_non_null(strstr(text, "pmc.subsidy_old"));
    assert_non_null(strstr(text, "第 30 天"));
    assert_non_null(strstr(text, "B: subsidy"));
}

#define assert_double_equal(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* The effect under a posterior, known answers on synthetic numbers.
 * y = {1, 3 | 2, 4 | 6, 8}: draw means 2, 3, 7, so B = 14 / 2 = 7; each
 * draw's variance is 2, so W = 2; var_param = 7 - 2 / 2 = 6, share 6 / 8. */
static void posterior_effect(void **state)
{
    (void)state;
    double y[] = {1, 3, 2, 4, 6, 8};
    ana_post_effect e;
    ana_post_effect_compute(y, 3, 2, ANA_HIGHER_BETTER, 0.9, &e);
    assert_true(e.draws == 3 && e.per_draw == 2);
    assert_double_equal(e.var_chance, 2.0, 1e-12);
    assert_double_equal(e.var_param, 6.0, 1e-12);
    assert_double_equal(e.share_param, 0.75, 1e-12);
    assert_double_equal(e.p_improve, 1.0, 0);
    assert_double_equal(e.median, 3.5, 1e-12);
    assert_double_equal(e.lo, 1.25, 1e-12); /* 0.05 x 5 = 0.25 of the way from 1 to 2 */
    assert_double_equal(e.hi, 7.5, 1e-12);  /* 0.95 x 5 = 4.75: 6 + 0.75 x 2 */
    double y2[] = {1, 3, 2, 4, 6, 8};
    ana_post_effect_compute(y2, 3, 2, ANA_LOWER_BETTER, 0.9, &e);
    assert_double_equal(e.p_improve, 0.0, 0);
    /* a zero counts one half: lower better, -1 improves, 0 is half */
    double y3[] = {-1, 0, 2, 0.5};
    ana_post_effect_compute(y3, 2, 2, ANA_LOWER_BETTER, 0.9, &e);
    assert_double_equal(e.p_improve, 0.375, 1e-15);
    /* the draws' means agree: B = 0 < W / R, the parameters explain nothing */
    double y4[] = {0, 4, 4, 0};
    ana_post_effect_compute(y4, 2, 2, ANA_COST, 0.9, &e);
    assert_double_equal(e.var_param, 0.0, 0);
    assert_double_equal(e.var_chance, 8.0, 1e-12);
    assert_double_equal(e.share_param, 0.0, 0);
    /* no chance at all: everything from the parameters */
    double y5[] = {1, 1, 3, 3};
    ana_post_effect_compute(y5, 2, 2, ANA_NEUTRAL, 0.9, &e);
    assert_double_equal(e.share_param, 1.0, 0);
    assert_true(isnan(e.p_improve));
    /* one replicate a draw: the split is undefined */
    double y6[] = {1, 2, 3};
    ana_post_effect_compute(y6, 3, 1, ANA_HIGHER_BETTER, 0.9, &e);
    assert_true(isnan(e.share_param) && isnan(e.var_param));
    assert_double_equal(e.median, 2.0, 0);
    /* draws by weight: a particle with all the weight is always drawn; the
     * draws of two equal particles are the same for the same seed */
    double cum[] = {0.0, 1.0, 1.0};
    for (int m = 0; m < 20; m++)
        assert_int_equal(ana_post_pick(cum, 3, 7, m), 1);
    double cum2[] = {0.5, 1.0};
    int64_t ones = 0;
    for (int m = 0; m < 400; m++) {
        int64_t a = ana_post_pick(cum2, 2, 11, m);
        assert_int_equal(a, ana_post_pick(cum2, 2, 11, m));
        ones += a;
    }
    assert_true(ones > 160 && ones < 240); /* about half (4.5 sd from 200 at the ends) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seeds),
        cmocka_unit_test(posterior_effect),
        cmocka_unit_test(options),
        cmocka_unit_test(ui_strings),
        cmocka_unit_test(diff_rows),
        cmocka_unit_test(table_matches_series),
        cmocka_unit_test(threads_do_not_matter),
        cmocka_unit_test(auto_replicates),
        cmocka_unit_test(report_page),
        cmocka_unit_test(bad_scenarios),
        cmocka_unit_test(bad_files),
        cmocka_unit_test(commands),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
