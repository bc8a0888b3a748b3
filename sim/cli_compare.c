/* sim/cli_compare.c — see cli_compare.h.
 *
 * `troika compare` loads every scenario (with --days and --set applied to
 * each), checks them against each other, probes every output path before
 * any run, runs the comparison (analysis/compare.h), prints the table and
 * writes the compare file, then the CSV, Markdown and HTML report, each
 * atomically.  The report is always rebuilt from the compare file just
 * written: what `troika report` does, so the two cannot disagree.
 */
#include "cli_compare.h"

#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "compare.h"
#include "compare_run.h"
#include "diff.h"
#include "scn_diff.h"
#include "h5compare.h"
#include "report.h"
#include "table.h"
#include "ui.h"
#include "cli_util.h"
#include "ctx.h"
#include "metrics.h"

/* ---- shared ---------------------------------------------------------------------- */

/* Fail early when an output path cannot be written (missing folder, an
 * existing file without --force): nothing is created. */
static sim_status probe(const char *path, int force, const char *key, sim_error *err)
{
    if (!path)
        return SIM_OK;
    ana_afile *f = NULL;
    SIM_TRY(err, ana_afile_open(&f, path, force, key, err));
    ana_afile_abort(f);
    return SIM_OK;
}

/* The table as CSV or Markdown, atomically. */
static sim_status write_table(const char *path, int force, const char *key, const ana_table *t,
                              int markdown, ana_lang lang, sim_error *err)
{
    ana_afile *f = NULL;
    SIM_TRY(err, ana_afile_open(&f, path, force, key, err));
    FILE *fp = ana_afile_stream(f, err);
    if (!fp) {
        ana_afile_abort(f);
        return err->code;
    }
    if (markdown)
        ana_table_print_markdown(fp, t, lang);
    else
        ana_table_print_csv(fp, t);
    SIM_TRY(err, ana_afile_commit(f, err));
    return SIM_OK;
}

static void wrote(ana_lang lang, const char *path)
{
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    const char *args[] = {path};
    ana_ui_put(&sb, ANA_UI_TXT_WROTE, lang, 0, args, 1);
    printf("  %s\n", sb.p ? sb.p : "");
    ana_sbuf_free(&sb);
}

/* ---- troika compare ------------------------------------------------------------- */

const char cli_help_compare[] =
    "Usage: troika compare BASELINE.ini SCENARIO.ini... -o FILE.h5 [OPTIONS]\n"
    "\n"
    "Run every scenario several times with common random numbers (replicate r\n"
    "of every scenario uses the same seed) and compare them with the first,\n"
    "the baseline.  Prints, for each key metric and scenario, the mean over a\n"
    "window of days with its 95% confidence interval (t distribution), the\n"
    "difference from the baseline with its paired 95% CI and p-value, and\n"
    "marks with * the differences whose CI excludes zero.  Writes a compare\n"
    "file with every replicate's city series, and optionally a report.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE        compare file to write (HDF5; required)\n"
    "      --replicates N|auto  runs per scenario (default 20).  auto: add\n"
    "                           replicates in batches of 10 until every key\n"
    "                           metric's CI half-width is at most the\n"
    "                           tolerance times its mean (in every scenario)\n"
    "      --tolerance X        with auto: the RELATIVE tolerance (default 0.05,\n"
    "                           i.e. +/-5% of the mean)\n"
    "      --max-replicates M   with auto: the cap (default 100)\n"
    "      --days N             days to simulate, for every scenario\n"
    "      --window FROM:TO     days averaged in the table, counted from 0, TO\n"
    "                           excluded (default: the last 365 days, or the\n"
    "                           whole run when shorter), e.g. 1460:1825\n"
    "      --seed BASE          seed base (default 1): replicate r uses seed\n"
    "                           splitmix64(splitmix64(BASE) + r) mod 2^53\n"
    "      --set KEY=VALUE      set a parameter in every scenario (repeatable)\n"
    "      --metrics A,B,...    metrics to compare (default: the key metrics)\n"
    "      --threads N          OpenMP threads over runs (default: all cores).\n"
    "                           Results do not depend on it.\n"
    "      --report FILE.html   also write the report (one self-contained page)\n"
    "      --csv FILE           also write the table as CSV (full precision)\n"
    "      --markdown FILE      also write the table as Markdown\n"
    "      --lang en|zh         language of the report, the Markdown and the\n"
    "                           printed table (default en)\n"
    "      --from CKPT          fork every run from the checkpoint CKPT (see\n"
    "                           `troika run --help` and docs/CHECKPOINTS.md):\n"
    "                           all scenarios and replicates start from the\n"
    "                           same warmed-up city at CKPT's day D; replicate\n"
    "                           r uses seed r (as above) from D on, shared by\n"
    "                           the scenarios (common random numbers).  Every\n"
    "                           scenario must keep CKPT's structural parameters\n"
    "                           and run beyond D; days before D are CKPT's.\n"
    "      --force              overwrite existing output files\n"
    "  -q, --quiet              no progress line and no table\n"
    "  -h, --help               this help\n"
    "\n"
    "Scenarios must run the same days over the same compounds.  Every output\n"
    "is written under a temporary name and renamed when complete.  Exit\n"
    "status: 0 done, 1 failed while running or writing, 2 bad input, 130/143\n"
    "stopped by SIGINT/SIGTERM.\n"
    "\n"
    "Example:\n"
    "  troika compare scenarios/baseline.ini scenarios/secretary.ini \\\n"
    "      --replicates 20 -o compare.h5 --report report.html\n"
    "  troika compare baseline.ini secretary.ini --from burnin.ckpt.h5 \\\n"
    "      --replicates 20 -o compare.h5\n";

int cli_cmd_compare(int argc, char **argv)
{
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    sim_error *err = &ctx.err;
    scenario_opts so = {0};
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    so.sets = calloc((size_t)argc + 1, sizeof *so.sets);
    const char *out = NULL, *report_path = NULL, *csv = NULL, *md = NULL, *threads = NULL;
    const char *reps = NULL, *tol = NULL, *maxr = NULL, *window = NULL, *metrics = NULL;
    const char *seed = NULL, *lang_text = NULL, *from = NULL;
    sim_checkpoint *ck = NULL;
    int nfiles = 0, force = 0, quiet = 0, bad = 0, rc = 2;
    ana_lang lang = ANA_EN;
    scn_scenario *scen = NULL;
    int nscen = 0;
    ana_table *table = NULL;
    ana_cmpfile *cf = NULL;
    char *cmdline = NULL;
    int met[ANA_MAX_METRICS];
    if (!files || !so.sets) {
        free(files);
        free(so.sets);
        return 1;
    }

    opt_parser o = {argc, argv, 1, NULL, NULL, {0}};
    int kind;
    while ((kind = opt_next(&o))) {
        const char **slot = NULL;
        if (kind == 2) {
            files[nfiles++] = o.value;
            continue;
        }
        if (is_opt(&o, "--help", "-h")) {
            fputs(cli_help_compare, stdout);
            rc = 0;
            goto done;
        }
        if (is_opt(&o, "--seed", NULL))
            slot = &seed;
        else if (is_opt(&o, "--output", "-o"))
            slot = &out;
        else if (is_opt(&o, "--report", NULL))
            slot = &report_path;
        else if (is_opt(&o, "--csv", NULL))
            slot = &csv;
        else if (is_opt(&o, "--markdown", NULL))
            slot = &md;
        else if (is_opt(&o, "--threads", NULL))
            slot = &threads;
        else if (is_opt(&o, "--replicates", NULL))
            slot = &reps;
        else if (is_opt(&o, "--tolerance", NULL))
            slot = &tol;
        else if (is_opt(&o, "--max-replicates", NULL))
            slot = &maxr;
        else if (is_opt(&o, "--window", NULL))
            slot = &window;
        else if (is_opt(&o, "--metrics", NULL))
            slot = &metrics;
        else if (is_opt(&o, "--lang", NULL))
            slot = &lang_text;
        else if (is_opt(&o, "--from", NULL))
            slot = &from;
        if (slot) {
            if (!(*slot = opt_value(&o, err)))
                goto fail;
        } else if (scenario_option(&o, &so, err, &bad)) {
            if (bad)
                goto fail;
        } else if (is_opt(&o, "--force", NULL)) {
            force = 1;
        } else if (is_opt(&o, "--quiet", "-q")) {
            quiet = 1;
        } else {
            rc = usage_error("compare", "unknown option '%s'", o.name);
            goto done;
        }
    }
    if (nfiles < 2) {
        rc = usage_error("compare", "%s",
                         "needs at least two scenario files: the baseline first, then the "
                         "scenarios to compare with it");
        goto done;
    }
    if (!out) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "an output file is required (-o FILE.h5)");
        goto fail;
    }

    /* the options' values */
    ana_compare_opts co;
    memset(&co, 0, sizeof co);
    co.replicates = 20;
    co.tolerance = ANA_AUTO_TOLERANCE;
    co.max_replicates = ANA_AUTO_MAX;
    co.win_from = co.win_to = -1;
    co.seed_base = 1;
    co.threads = ctx.threads;
    co.log = stderr;
    co.out = out;
    co.force = force;
    if (lang_text && ana_lang_parse(lang_text, &lang, "--lang", err) != SIM_OK)
        goto fail;
    if (reps && strcmp(reps, "auto") == 0) {
        co.auto_rep = 1;
    } else if (reps) {
        long long v;
        if (opt_int(reps, 2, 100000, "--replicates", &v, err) != SIM_OK) {
            snprintf(err->msg, sizeof err->msg,
                     "'%s' is not allowed (allowed: an integer from 2 to 100000, or auto)",
                     reps);
            goto fail;
        }
        co.replicates = v;
    }
    if ((tol || maxr) && !co.auto_rep) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, tol ? "--tolerance" : "--max-replicates",
                 "only with --replicates auto");
        goto fail;
    }
    if (tol) {
        char *end;
        errno = 0;
        double v = strtod(tol, &end);
        if (*tol == '\0' || *end != '\0' || errno || !(v > 0) || v > 10) {
            SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--tolerance",
                     "'%s' is not allowed (allowed: a fraction of the mean above 0, e.g. "
                     "0.05 for +/-5%%)",
                     tol);
            goto fail;
        }
        co.tolerance = v;
    }
    if (maxr) {
        long long v;
        if (opt_int(maxr, 2, 100000, "--max-replicates", &v, err) != SIM_OK)
            goto fail;
        co.max_replicates = v;
    }
    if (seed) {
        long long v;
        if (opt_int(seed, 0, 9007199254740992LL, "--seed", &v, err) != SIM_OK)
            goto fail;
        co.seed_base = (uint64_t)v;
    }
    if (threads && opt_threads(threads, &co.threads, err) != SIM_OK)
        goto fail;
    if (window && ana_window_parse(window, &co.win_from, &co.win_to, err) != SIM_OK)
        goto fail;
    if (metrics) {
        if (ana_metrics_parse(metrics, met, ANA_MAX_METRICS, &co.nmetrics, err) != SIM_OK)
            goto fail;
    } else {
        co.nmetrics = ana_key_metrics(met, ANA_MAX_METRICS, stderr, lang);
        if (co.nmetrics < 0) {
            SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL,
                     "a key metric of analysis/compare.c is not in the metric table");
            goto fail;
        }
    }
    co.metrics = met;

    /* the scenarios, each with --days and --set */
    scen = calloc((size_t)nfiles, sizeof *scen);
    if (!scen) {
        rc = 1;
        goto done;
    }
    for (int i = 0; i < nfiles; i++) {
        so.scenario = files[i];
        nscen = i + 1;
        if (build_scenario(&scen[i], &so, err) != SIM_OK)
            goto fail;
    }
    co.scen = scen;
    co.nscen = nscen;
    if (from) {
        if (ckpt_load(from, &ck, err) != SIM_OK) {
            snprintf(err->key, sizeof err->key, "--from");
            goto fail;
        }
        co.from = ck;
    }
    int64_t wf, wt;
    if (ana_compare_check(&co, &wf, &wt, err) != SIM_OK)
        goto fail;
    /* every output path, before spending the runs' time */
    if (probe(out, force, "-o", err) != SIM_OK || probe(report_path, force, "--report", err) ||
        probe(csv, force, "--csv", err) || probe(md, force, "--markdown", err))
        goto fail;

    cmdline = join_command(argc + 1, argv - 1);
    co.command_line = cmdline ? cmdline : "";
    co.progress = !quiet && isatty(STDERR_FILENO);
    install_signals(&ctx);
    co.stop = ctx.stop;
    omp_set_num_threads(co.threads);
    ana_compare_info info;
    if (ana_compare_run(&co, &table, &info, err) != SIM_OK)
        goto fail;
    if (!quiet) {
        ana_table_print_text(stdout, table, lang);
        ana_sbuf sb;
        ana_sbuf_init(&sb);
        char nr[32], tolp[32], sec[32], runs[32], th[16];
        snprintf(nr, sizeof nr, "%lld", (long long)info.replicates);
        snprintf(tolp, sizeof tolp, "%g%%", 100.0 * co.tolerance);
        if (co.auto_rep && info.tolerance_met) {
            const char *args[] = {nr, tolp};
            ana_ui_put(&sb, ANA_UI_TXT_AUTO_MET, lang, 0, args, 2);
            ana_sbuf_put(&sb, "\n");
        } else if (co.auto_rep) {
            int unmet[ANA_MAX_METRICS];
            int nb = ana_compare_unmet(table, co.tolerance, unmet);
            ana_sbuf list;
            ana_sbuf_init(&list);
            for (int j = 0; j < nb; j++)
                ana_sbuf_printf(&list, "%s%s", j ? ", " : "", table->met[unmet[j]]);
            const char *args[] = {nr, tolp, list.p ? list.p : ""};
            ana_ui_put(&sb, ANA_UI_TXT_AUTO_CAP, lang, 0, args, 3);
            ana_sbuf_put(&sb, "\n");
            ana_sbuf_free(&list);
        }
        snprintf(sec, sizeof sec, "%.1f", info.seconds);
        snprintf(runs, sizeof runs, "%lld", (long long)info.replicates * nscen);
        snprintf(th, sizeof th, "%d", co.threads);
        const char *targs[] = {sec, runs, th};
        ana_sbuf_put(&sb, "  ");
        ana_ui_put(&sb, ANA_UI_TXT_TIMING, lang, 0, targs, 3);
        printf("%s\n", sb.p ? sb.p : "");
        ana_sbuf_free(&sb);
        wrote(lang, out);
    }
    if (csv && write_table(csv, force, "--csv", table, 0, lang, err) != SIM_OK)
        goto fail;
    if (csv && !quiet)
        wrote(lang, csv);
    if (md && write_table(md, force, "--markdown", table, 1, lang, err) != SIM_OK)
        goto fail;
    if (md && !quiet)
        wrote(lang, md);
    if (report_path) {
        if (ana_cmpfile_open(&cf, out, err) != SIM_OK ||
            ana_report_write(cf, report_path, force, "--report", lang, err) != SIM_OK)
            goto fail;
        if (!quiet)
            wrote(lang, report_path);
    }
    rc = 0;
    goto done;
fail:
    rc = report(err);
done:
    ckpt_free(ck);
    ana_cmpfile_close(cf);
    ana_table_destroy(table);
    for (int i = 0; scen && i < nscen; i++)
        scn_free(&scen[i]);
    free(scen);
    free(cmdline);
    free(files);
    free(so.sets);
    return rc;
}

/* ---- troika report ---------------------------------------------------------------- */

const char cli_help_report[] =
    "Usage: troika report COMPARE.h5 -o REPORT.html [--lang en|zh] [--force]\n"
    "       troika report RUN.h5 -o REPORT.html [--lang en|zh] [--force]\n"
    "\n"
    "Rebuild the report of a comparison from its compare file alone: one\n"
    "self-contained HTML page (headline, summary in plain words, the table, a\n"
    "chart of each scenario's difference from the baseline per key metric,\n"
    "what each scenario changes, provenance) that opens offline in any browser\n"
    "and prints cleanly.  Without -o, --csv or --markdown, prints the table.\n"
    "Given the result file of one run (troika run), the report of that run:\n"
    "the key metrics in the first and the last year, their course over time,\n"
    "and the compounds, old and other, on the last sampled day.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE.html  the report to write\n"
    "      --lang en|zh        English (default) or Chinese\n"
    "      --csv FILE          also the table as CSV\n"
    "      --markdown FILE     also the table as Markdown\n"
    "      --force             overwrite existing files\n"
    "  -q, --quiet             print nothing but errors\n"
    "  -h, --help              this help\n"
    "\n"
    "Exit status: 0 done, 1 failed while writing, 2 bad input (not a compare\n"
    "file, another schema version, a damaged file, ...).\n";

int cli_cmd_report(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    const char *in = NULL, *out = NULL, *csv = NULL, *md = NULL, *lang_text = NULL;
    int force = 0, quiet = 0, rc = 2;
    ana_lang lang = ANA_EN;
    ana_cmpfile *cf = NULL;
    opt_parser o = {argc, argv, 1, NULL, NULL, {0}};
    int kind;
    while ((kind = opt_next(&o))) {
        const char **slot = NULL;
        if (kind == 2) {
            if (in) {
                rc = usage_error("report", "more than one compare file ('%s')", o.value);
                goto done;
            }
            in = o.value;
            continue;
        }
        if (is_opt(&o, "--help", "-h")) {
            fputs(cli_help_report, stdout);
            rc = 0;
            goto done;
        }
        if (is_opt(&o, "--output", "-o"))
            slot = &out;
        else if (is_opt(&o, "--csv", NULL))
            slot = &csv;
        else if (is_opt(&o, "--markdown", NULL))
            slot = &md;
        else if (is_opt(&o, "--lang", NULL))
            slot = &lang_text;
        if (slot) {
            if (!(*slot = opt_value(&o, &err)))
                goto fail;
        } else if (is_opt(&o, "--force", NULL)) {
            force = 1;
        } else if (is_opt(&o, "--quiet", "-q")) {
            quiet = 1;
        } else {
            rc = usage_error("report", "unknown option '%s'", o.name);
            goto done;
        }
    }
    if (!in) {
        rc = usage_error("report", "%s", "a compare file is required (made by troika compare)");
        goto done;
    }
    if (lang_text && ana_lang_parse(lang_text, &lang, "--lang", &err) != SIM_OK)
        goto fail;
    if (probe(out, force, "-o", &err) != SIM_OK || probe(csv, force, "--csv", &err) ||
        probe(md, force, "--markdown", &err))
        goto fail;
    if (ana_runfile_is(in)) { /* the result file of one run: its own report */
        if (csv || md || !out) {
            SIM_FAIL(&err, SIM_EINPUT, in, 0, csv ? "--csv" : md ? "--markdown" : "-o",
                     "a run file gives an HTML report only (allowed: -o REPORT.html)");
            goto fail;
        }
        ana_runfile *rf = NULL;
        if (ana_runfile_open(&rf, in, &err) != SIM_OK)
            goto fail;
        sim_status rs = ana_report_run_write(rf, out, force, "-o", lang, &err);
        ana_runfile_close(rf);
        if (rs != SIM_OK)
            goto fail;
        if (!quiet)
            wrote(lang, out);
        rc = 0;
        goto done;
    }
    if (ana_cmpfile_open(&cf, in, &err) != SIM_OK)
        goto fail;
    if (out) {
        if (ana_report_write(cf, out, force, "-o", lang, &err) != SIM_OK)
            goto fail;
        if (!quiet)
            wrote(lang, out);
    }
    if (csv) {
        if (write_table(csv, force, "--csv", cf->table, 0, lang, &err) != SIM_OK)
            goto fail;
        if (!quiet)
            wrote(lang, csv);
    }
    if (md) {
        if (write_table(md, force, "--markdown", cf->table, 1, lang, &err) != SIM_OK)
            goto fail;
        if (!quiet)
            wrote(lang, md);
    }
    if (!out && !csv && !md && !quiet)
        ana_table_print_text(stdout, cf->table, lang);
    rc = 0;
    goto done;
fail:
    rc = report(&err);
done:
    ana_cmpfile_close(cf);
    return rc;
}

/* ---- troika diff ------------------------------------------------------------------- */

const char cli_help_diff[] =
    "Usage: troika diff A.ini B.ini [--lang en|zh] [--set KEY=VALUE]...\n"
    "\n"
    "List every parameter that differs between two scenarios after resolving\n"
    "`extends`, --set and policies: when (from the start, or from the day a\n"
    "policy takes effect), the key, both values, the unit and what the\n"
    "parameter means.  What a reviewer reads before trusting a comparison.\n"
    "\n"
    "Options:\n"
    "      --lang en|zh     language of the headings and descriptions\n"
    "      --set KEY=VALUE  applied to both scenarios (repeatable)\n"
    "  -h, --help           this help\n"
    "\n"
    "Exit status: 0 (whether or not they differ), 2 bad input.\n";

int cli_cmd_diff(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    scenario_opts so = {0};
    so.sets = calloc((size_t)argc + 1, sizeof *so.sets);
    const char *file[2] = {NULL, NULL}, *lang_text = NULL;
    int nfile = 0, bad = 0, rc = 2;
    ana_lang lang = ANA_EN;
    scn_scenario a, b;
    scn_init_default(&a);
    scn_init_default(&b);
    ana_diff d;
    memset(&d, 0, sizeof d);
    if (!so.sets)
        return 1;
    opt_parser o = {argc, argv, 1, NULL, NULL, {0}};
    int kind;
    while ((kind = opt_next(&o))) {
        if (kind == 2) {
            if (nfile == 2) {
                rc = usage_error("diff", "more than two scenario files ('%s')", o.value);
                goto done;
            }
            file[nfile++] = o.value;
        } else if (is_opt(&o, "--help", "-h")) {
            fputs(cli_help_diff, stdout);
            rc = 0;
            goto done;
        } else if (is_opt(&o, "--lang", NULL)) {
            if (!(lang_text = opt_value(&o, &err)))
                goto fail;
        } else if (is_opt(&o, "--set", NULL)) {
            if (scenario_option(&o, &so, &err, &bad) && bad)
                goto fail;
        } else {
            rc = usage_error("diff", "unknown option '%s'", o.name);
            goto done;
        }
    }
    if (nfile != 2) {
        rc = usage_error("diff", "%s", "needs two scenario files");
        goto done;
    }
    if (lang_text && ana_lang_parse(lang_text, &lang, "--lang", &err) != SIM_OK)
        goto fail;
    so.scenario = file[0];
    if (build_scenario(&a, &so, &err) != SIM_OK)
        goto fail;
    so.scenario = file[1];
    if (build_scenario(&b, &so, &err) != SIM_OK)
        goto fail;
    if (ana_diff_compute(&a, &b, NULL, &d, &err) != SIM_OK)
        goto fail;
    ana_diff_print(stdout, &d, a.name, b.name, lang);
    rc = 0;
    goto done;
fail:
    rc = report(&err);
done:
    ana_diff_free(&d);
    scn_free(&a);
    scn_free(&b);
    free(so.sets);
    return rc;
}
