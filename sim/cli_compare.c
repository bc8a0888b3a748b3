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
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abc_store.h"
#include "afile.h"
#include "compare.h"
#include "compare_run.h"
#include "diff.h"
#include "scn_diff.h"
#include "h5compare.h"
#include "report.h"
#include "sensitivity.h"
#include "table.h"
#include "ui.h"
#include "cli_sweep.h"
#include "cli_util.h"
#include "ctx.h"
#include "metrics.h"
#include "sweep_mpi.h"

/* ---- shared ---------------------------------------------------------------------- */

/* Fail early when an output path cannot be written (missing folder, an
 * existing file without --force): nothing is created. */
static sim_status probe(const char *path, int force, const char *key, sim_error *err)
{
    if (!path)
        return SIM_OK;
    afile_file *f = NULL;
    SIM_TRY(err, afile_open(&f, path, force, key, err));
    afile_abort(f);
    return SIM_OK;
}

/* The table as CSV or Markdown, atomically. */
static sim_status write_table(const char *path, int force, const char *key, const ana_table *t,
                              const ana_cmp_post *post, int markdown, ana_lang lang, sim_error *err)
{
    afile_file *f = NULL;
    SIM_TRY(err, afile_open(&f, path, force, key, err));
    FILE *fp = afile_stream(f, err);
    if (!fp) {
        afile_abort(f);
        return err->code;
    }
    if (post && markdown)
        ana_post_print_markdown(fp, t, post->eff, post->level, lang);
    else if (post)
        ana_post_print_csv(fp, t, post->eff);
    else if (markdown)
        ana_table_print_markdown(fp, t, lang);
    else
        ana_table_print_csv(fp, t);
    SIM_TRY(err, afile_commit(f, err));
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

#define COMPARE_OPTS(X)                                                                            \
    X(CMP_OUTPUT, "--output", "-o", "FILE", CLO_VALUE, NULL,                                       \
      "compare file to write (HDF5; required)")                                                    \
    X(CMP_REPLICATES, "--replicates", NULL, "N|auto", CLO_VALUE, NULL,                             \
      "runs per scenario (default 20).  auto: add replicates in batches of 10 until every "        \
      "key metric's CI half-width is at most the tolerance times its mean (in every "              \
      "scenario)")                                                                                 \
    X(CMP_TOLERANCE, "--tolerance", NULL, "X", CLO_VALUE, NULL,                                    \
      "with auto: the RELATIVE tolerance (default 0.05, i.e. +/-5% of the mean)")                  \
    X(CMP_MAXREP, "--max-replicates", NULL, "M", CLO_VALUE, NULL,                                  \
      "with auto: the cap (default 100)")                                                          \
    X(CMP_DAYS, "--days", NULL, "N", CLO_VALUE, NULL, "days to simulate, for every scenario")      \
    X(CMP_WINDOW, "--window", NULL, "FROM:TO", CLO_VALUE, NULL,                                    \
      "days averaged in the table, counted from 0, TO excluded, negative counting from the "       \
      "end (docs/WINDOWS.md; default: the last 365 days, or the whole run when shorter), "         \
      "e.g. 1460:1825 or -365:")                                                                   \
    X(CMP_SEED, "--seed", NULL, "BASE", CLO_VALUE, NULL,                                           \
      "seed base (default 1): replicate r uses seed splitmix64(splitmix64(BASE) + r) mod "         \
      "2^53")                                                                                      \
    X(CMP_SET, "--set", NULL, "KEY=VALUE", CLO_LIST, NULL,                                         \
      "set a parameter in every scenario (repeatable)")                                            \
    X(CMP_METRICS, "--metrics", NULL, "A,B,...", CLO_VALUE, NULL,                                  \
      "metrics to compare (default: the key metrics)")                                             \
    X(CMP_THREADS, "--threads", NULL, "N", CLO_VALUE, NULL,                                        \
      "OpenMP threads over runs (default: all cores).  Results do not depend on it.")              \
    X(CMP_REPORT, "--report", NULL, "FILE.html", CLO_VALUE, NULL,                                  \
      "also write the report (one self-contained page)")                                           \
    X(CMP_CSV, "--csv", NULL, "FILE", CLO_VALUE, NULL,                                             \
      "also write the table as CSV (full precision)")                                              \
    X(CMP_MARKDOWN, "--markdown", NULL, "FILE", CLO_VALUE, NULL,                                   \
      "also write the table as Markdown")                                                          \
    X(CMP_LANG, "--lang", NULL, "en|zh", CLO_VALUE, NULL,                                          \
      "language of the report, the Markdown and the printed table (default en)")                   \
    X(CMP_FROM, "--from", NULL, "CKPT", CLO_VALUE, NULL,                                           \
      "fork every run from the checkpoint CKPT (see `troika run --help` and "                      \
      "docs/CHECKPOINTS.md): all scenarios and replicates start from the same warmed-up "          \
      "city at CKPT's day D; replicate r uses seed r (as above) from D on, shared by the "         \
      "scenarios (common random numbers).  Every scenario must keep CKPT's structural "            \
      "parameters and run beyond D; days before D are CKPT's.")                                    \
    X(CMP_POSTERIOR, "--posterior", NULL, "POST.h5", CLO_VALUE, NULL,                              \
      "compare under a calibration posterior (troika calibrate --method abc-smc): every "          \
      "scenario runs --draws particles drawn by weight, --replicates times each (default "         \
      "4), with common random numbers inside each (draw, replicate) pair; the table gives "        \
      "the median effect, its 90% interval, P(improves) and the shares of its variance "           \
      "from parameters and chance (docs/COMPARE.md)")                                              \
    X(CMP_DRAWS, "--draws", NULL, "D", CLO_VALUE, NULL,                                            \
      "with --posterior: posterior draws (default 50)")                                            \
    X(CMP_SHARD, "--shard", NULL, "K/N", CLO_VALUE, NULL,                                          \
      "only runs j with j % N == K - 1 (K from 1 to N; every scenario of a run in the same "       \
      "shard), written to a shard file for `troika merge` (by default from a Slurm job "           \
      "array's SLURM_ARRAY_TASK_* when set; not with --replicates auto)")                          \
    X(CMP_RESTART, "--restart", NULL, NULL, CLO_FLAG, NULL,                                        \
      "with --shard: discard the finished simulations kept in FILE.h5.parts/")                     \
    X(CMP_DESIGN, "--design", NULL, "draws|saltelli", CLO_VALUE, NULL,                             \
      "with --posterior: draws (default) runs --draws posterior draws; saltelli runs a "           \
      "Sobol design of N = --draws base points, N (k + 2) points for k parameters (A_i, B_i "      \
      "posterior draws, AB_j,i = A_i with parameter j from B_i), for first-order and total "       \
      "indices in `troika sensitivity`; the effect summary uses the A and B points")               \
    X(CMP_FORCE, "--force", NULL, NULL, CLO_FLAG, NULL, "overwrite existing output files")         \
    X(CMP_QUIET, "--quiet", "-q", NULL, CLO_FLAG, NULL, "no progress line and no table")

enum { COMPARE_OPTS(CLO_ENUM) CMP_NOPTS };
static const clo_opt compare_opts[] = {COMPARE_OPTS(CLO_ROW)};

const clo_spec cli_spec_compare = {
    "compare",
    "troika compare BASELINE.ini SCENARIO.ini... -o FILE.h5 [OPTIONS]\n"
    "mpirun -np N troika compare BASELINE.ini SCENARIO.ini... -o FILE.h5 [OPTIONS]\n"
    "troika compare BASELINE.ini SCENARIO.ini... --shard K/N -o SHARD.h5 [OPTIONS]",
    "Run every scenario several times with common random numbers (replicate r\n"
    "of every scenario uses the same seed) and compare them with the first,\n"
    "the baseline.  Prints, for each key metric and scenario, the mean over a\n"
    "window of days with its 95% confidence interval (t distribution), the\n"
    "difference from the baseline with its paired 95% CI and p-value, and\n"
    "marks with * the differences whose CI excludes zero.  Writes a compare\n"
    "file with every replicate's city series, and optionally a report.\n"
    "\n"
    "Under mpirun (an MPI build) the ranks share the runs of every batch and\n"
    "rank 0 writes; with --shard K/N (or in a Slurm job array) only every\n"
    "N-th run is done, into a shard file: `troika merge SHARD.h5... -o\n"
    "FILE.h5` joins the shards.  The data are the same in every case.\n",
    compare_opts,
    CMP_NOPTS,
    "Scenarios must run the same days over the same compounds.  Every output\n"
    "is written under a temporary name and renamed when complete.  Progress\n"
    "goes to stderr: a progress line on a terminal, otherwise a heartbeat line\n"
    "a minute (TROIKA_HEARTBEAT=SECONDS).  Exit status: 0 done, 1 failed while\n"
    "running or writing, 2 bad input, 130/143 stopped by SIGINT/SIGTERM.\n"
    "\n"
    "Example:\n"
    "  troika compare scenarios/baseline.ini scenarios/secretary.ini \\\n"
    "      --replicates 20 -o compare.h5 --report report.html\n"
    "  troika compare baseline.ini secretary.ini --from burnin.ckpt.h5 \\\n"
    "      --replicates 20 -o compare.h5\n"
    "  troika compare baseline.ini secretary.ini package.ini --posterior post.h5 \\\n"
    "      --draws 50 --replicates 4 -o post-compare.h5 --report report.html\n"
    "  mpirun -np 4 troika compare baseline.ini secretary.ini --replicates 40 -o c.h5\n"
    "  troika compare baseline.ini secretary.ini --replicates 40 --shard 2/4 \\\n"
    "      -o shard-2.h5   # then: troika merge shard-*.h5 -o c.h5\n",
    -1,
    NULL,
    "*.ini",
};

/* The comparison's options from the command line (scenarios aside). */
static sim_status compare_options(const clo_args *a, crun_opts *co, int *met, ana_lang *lang,
                                  sim_error *err)
{
    const char *reps = clo_get(a, CMP_REPLICATES), *tol = clo_get(a, CMP_TOLERANCE);
    const char *maxr = clo_get(a, CMP_MAXREP), *seed = clo_get(a, CMP_SEED);
    const char *threads = clo_get(a, CMP_THREADS), *window = clo_get(a, CMP_WINDOW);
    const char *metrics = clo_get(a, CMP_METRICS), *lang_text = clo_get(a, CMP_LANG);
    co->replicates = 20;
    co->tolerance = ANA_AUTO_TOLERANCE;
    co->max_replicates = ANA_AUTO_MAX;
    co->seed_base = 1;
    co->log = stderr;
    co->out = clo_get(a, CMP_OUTPUT);
    co->force = clo_has(a, CMP_FORCE);
    if (lang_text)
        SIM_TRY(err, ana_lang_parse(lang_text, lang, "--lang", err));
    if (reps && strcmp(reps, "auto") == 0) {
        co->auto_rep = 1;
    } else if (reps) {
        long long v;
        if (cu_opt_int(reps, 2, 100000, "--replicates", &v, err) != SIM_OK) {
            snprintf(err->msg, sizeof err->msg,
                     "'%s' is not allowed (allowed: an integer from 2 to 100000, or auto)", reps);
            return err->code;
        }
        co->replicates = v;
    }
    if (clo_get(a, CMP_DRAWS) && !clo_get(a, CMP_POSTERIOR))
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--draws", "only with --posterior");
    if (clo_get(a, CMP_DESIGN)) {
        int d = ana_post_design_parse(clo_get(a, CMP_DESIGN));
        if (d < 0)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--design",
                            "'%s' is not allowed (allowed: draws, saltelli)",
                            clo_get(a, CMP_DESIGN));
        if (!clo_get(a, CMP_POSTERIOR))
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--design",
                            "only with --posterior (a design of posterior draws)");
        co->design = (ana_post_design)d;
    }
    if (clo_get(a, CMP_POSTERIOR)) {
        co->draws = 50;
        if (!reps)
            co->replicates = 4;
        if (clo_get(a, CMP_DRAWS)) {
            long long d;
            if (cu_opt_int(clo_get(a, CMP_DRAWS), 2, 1000000, "--draws", &d, err) != SIM_OK) {
                if (co->design == ANA_POST_SALTELLI)
                    snprintf(err->msg, sizeof err->msg,
                             "'%s' is not allowed (allowed: an integer from 2 to 1000000, the "
                             "base points N of --design saltelli)",
                             clo_get(a, CMP_DRAWS));
                return err->code;
            }
            co->draws = d;
        }
        if (co->auto_rep)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--replicates",
                            "auto is not allowed with --posterior (allowed: an integer from 2 "
                            "to 100000, the replicates of each draw)");
    }
    if ((tol || maxr) && !co->auto_rep)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, tol ? "--tolerance" : "--max-replicates",
                        "only with --replicates auto");
    if (tol) {
        char *end;
        errno = 0;
        double v = strtod(tol, &end);
        if (*tol == '\0' || *end != '\0' || errno || !(v > 0) || v > 10)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--tolerance",
                            "'%s' is not allowed (allowed: a fraction of the mean above 0, "
                            "e.g. 0.05 for +/-5%%)",
                            tol);
        co->tolerance = v;
    }
    long long v;
    if (maxr) {
        SIM_TRY(err, cu_opt_int(maxr, 2, 100000, "--max-replicates", &v, err));
        co->max_replicates = v;
    }
    if (seed) {
        SIM_TRY(err, cu_opt_int(seed, 0, 9007199254740992LL, "--seed", &v, err));
        co->seed_base = (uint64_t)v;
    }
    if (threads)
        SIM_TRY(err, cu_opt_threads(threads, &co->threads, err));
    if (window)
        SIM_TRY(err, ana_window_parse(window, &co->window, "--window", err));
    if (metrics) {
        SIM_TRY(err, ana_metrics_parse(sim_metric_table, SIM_MET_N, metrics, met, ANA_MAX_METRICS,
                                       &co->nmetrics, err));
    } else {
        co->nmetrics =
            ana_key_metrics(sim_metric_table, SIM_MET_N, met, ANA_MAX_METRICS, stderr, *lang);
        if (co->nmetrics < 0)
            return SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL,
                            "a key metric of analysis/compare.c is not in the metric table");
    }
    co->metrics = met;
    return SIM_OK;
}

/* The table, whether auto replicates met the tolerance, and the time. */
static void print_outcome(const ana_table *table, const crun_opts *co, const crun_info *info,
                          ana_lang lang)
{
    if (info->post)
        ana_post_print_text(stdout, table, info->post->eff, info->post->level, lang);
    else
        ana_table_print_text(stdout, table, lang);
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    char nr[32], tolp[32], sec[32], runs[32], th[16];
    snprintf(nr, sizeof nr, "%lld", (long long)info->replicates);
    snprintf(tolp, sizeof tolp, "%g%%", 100.0 * co->tolerance);
    if (co->auto_rep && info->tolerance_met) {
        const char *args[] = {nr, tolp};
        ana_ui_put(&sb, ANA_UI_TXT_AUTO_MET, lang, 0, args, 2);
        ana_sbuf_put(&sb, "\n");
    } else if (co->auto_rep) {
        int unmet[ANA_MAX_METRICS];
        int nb = ana_compare_unmet(table, co->tolerance, unmet);
        ana_sbuf list;
        ana_sbuf_init(&list);
        for (int j = 0; j < nb; j++)
            ana_sbuf_printf(&list, "%s%s", j ? ", " : "", table->met[unmet[j]]);
        const char *args[] = {nr, tolp, list.p ? list.p : ""};
        ana_ui_put(&sb, ANA_UI_TXT_AUTO_CAP, lang, 0, args, 3);
        ana_sbuf_put(&sb, "\n");
        ana_sbuf_free(&list);
    }
    snprintf(sec, sizeof sec, "%.1f", info->seconds);
    snprintf(runs, sizeof runs, "%lld", (long long)info->replicates * co->nscen);
    snprintf(th, sizeof th, "%d", co->threads);
    const char *targs[] = {sec, runs, th};
    ana_sbuf_put(&sb, "  ");
    ana_ui_put(&sb, ANA_UI_TXT_TIMING, lang, 0, targs, 3);
    printf("%s\n", sb.p ? sb.p : "");
    ana_sbuf_free(&sb);
}

/* The CSV, Markdown and HTML report after the compare file. */
static sim_status write_extras(const clo_args *a, const ana_table *table, const ana_cmp_post *post,
                               const char *out, ana_lang lang, int quiet, sim_error *err)
{
    const char *csv = clo_get(a, CMP_CSV), *md = clo_get(a, CMP_MARKDOWN);
    const char *report_path = clo_get(a, CMP_REPORT);
    int force = clo_has(a, CMP_FORCE);
    if (csv) {
        SIM_TRY(err, write_table(csv, force, "--csv", table, post, 0, lang, err));
        if (!quiet)
            wrote(lang, csv);
    }
    if (md) {
        SIM_TRY(err, write_table(md, force, "--markdown", table, post, 1, lang, err));
        if (!quiet)
            wrote(lang, md);
    }
    if (report_path) {
        ana_cmpfile *cf = NULL;
        sim_status st = ana_cmpfile_open(&cf, out, err);
        if (st == SIM_OK)
            st = ana_report_write(cf, report_path, force, "--report", lang, err);
        ana_cmpfile_close(cf);
        SIM_TRY(err, st);
        if (!quiet)
            wrote(lang, report_path);
    }
    return SIM_OK;
}

int cli_cmd_compare(int argc, char **argv)
{
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    sim_error *err = &ctx.err;
    clo_args a;
    int rc = clo_parse(&cli_spec_compare, argc, argv, &a), nscen = 0;
    if (rc != CLO_OK) {
        clo_args_free(&a);
        return rc == CLO_HELP ? 0 : rc;
    }
    cu_scenario_opts so = {0};
    sim_checkpoint *ck = NULL;
    ana_lang lang = ANA_EN;
    scn_scenario *scen = NULL;
    ana_table *table = NULL;
    abs_posterior *post = NULL;
    crun_info info;
    memset(&info, 0, sizeof info);
    char *cmdline = NULL;
    int met[ANA_MAX_METRICS], quiet = clo_has(&a, CMP_QUIET);
    const char *out = clo_get(&a, CMP_OUTPUT), *from = clo_get(&a, CMP_FROM);
    crun_opts co;
    memset(&co, 0, sizeof co);
    co.threads = ctx.threads;
    /* under an MPI launcher every rank runs this; rank 0 alone speaks and
     * writes.  A failure before the runs goes through crun_agree once on
     * every rank (agreed), so no rank waits for one that has left. */
    int launched = swm_launched_size(), rank = 0, ranks = 1, agreed = 0;
    char shard_note[200] = "";
    rc = 2;
    if (launched > 1 && !swm_built()) {
        launched = 0;
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL,
                 "started by an MPI launcher with %d processes, but this troika was built "
                 "without MPI: every process would run the whole comparison (rebuild with "
                 "-DTROIKA_MPI=ON, or run it without mpirun)",
                 swm_launched_size());
        goto fail;
    }
    if (launched > 1 && swm_init(&rank, &ranks, err) != SIM_OK) {
        launched = 0;
        goto fail;
    }
    if (ranks > 1) {
        co.rank = rank;
        co.ranks = ranks;
        if (!clo_get(&a, CMP_THREADS))
            co.threads = 1; /* one rank per core */
        if (rank != 0)
            quiet = 1;
    }
    if (cu_scenario_opts_take(&so, &a, -1, CMP_DAYS, CMP_SET) != SIM_OK) {
        rc = 1;
        goto done;
    }
    if (a.npos < 2) {
        rc = cu_usage_error("compare", "%s",
                            "needs at least two scenario files: the baseline first, then the "
                            "scenarios to compare with it");
        goto done;
    }
    if (!out) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "an output file is required (-o FILE.h5)");
        goto fail;
    }
    if (compare_options(&a, &co, met, &lang, err) != SIM_OK)
        goto fail;
    if (cli_shard_option(clo_get(&a, CMP_SHARD), &co.shard, &co.nshards, shard_note,
                         sizeof shard_note, err) != SIM_OK)
        goto fail;
    co.restart = clo_has(&a, CMP_RESTART);
    if (co.restart && co.nshards <= 1) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--restart",
                 "only with --shard (only a shard keeps finished simulations)");
        goto fail;
    }
    if (co.nshards > 1 &&
        (clo_get(&a, CMP_REPORT) || clo_get(&a, CMP_CSV) || clo_get(&a, CMP_MARKDOWN))) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0,
                 clo_get(&a, CMP_REPORT) ? "--report"
                 : clo_get(&a, CMP_CSV)  ? "--csv"
                                         : "--markdown",
                 "not with --shard: a shard has no table; write it from the merged file "
                 "(troika merge SHARD.h5... -o FILE.h5, then troika report FILE.h5)");
        goto fail;
    }

    /* the scenarios, each with --days and --set */
    if (!(scen = calloc((size_t)a.npos, sizeof *scen))) {
        rc = 1;
        goto done;
    }
    for (int i = 0; i < a.npos; i++) {
        so.scenario = a.pos[i];
        nscen = i + 1;
        if (cu_build_scenario(&scen[i], &so, err) != SIM_OK)
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
    if (clo_get(&a, CMP_POSTERIOR)) {
        co.posterior_path = clo_get(&a, CMP_POSTERIOR);
        if (abs_read(&post, co.posterior_path, err) != SIM_OK) {
            snprintf(err->key, sizeof err->key, "--posterior");
            goto fail;
        }
        co.posterior = post;
    }
    int64_t wf, wt;
    if (crun_check(&co, &wf, &wt, err) != SIM_OK)
        goto fail;
    /* every output path, before spending the runs' time */
    if (rank == 0 && (probe(out, co.force, "-o", err) != SIM_OK ||
                      probe(clo_get(&a, CMP_REPORT), co.force, "--report", err) ||
                      probe(clo_get(&a, CMP_CSV), co.force, "--csv", err) ||
                      probe(clo_get(&a, CMP_MARKDOWN), co.force, "--markdown", err)))
        goto fail;
    agreed = 1;
    if (crun_agree(ranks, SIM_OK, err) != SIM_OK)
        goto fail;
    if (shard_note[0] && !quiet)
        fprintf(stderr, "troika compare: %s\n", shard_note);

    cmdline = cu_join_command(argc + 1, argv - 1);
    co.command_line = cmdline ? cmdline : "";
    co.progress = !quiet;
    cu_install_signals(&ctx);
    co.stop = ctx.stop;
    omp_set_num_threads(co.threads);
    if (crun_run(&co, &table, &info, err) != SIM_OK)
        goto fail;
    if (rank != 0) {
        rc = 0;
        goto done;
    }
    if (!table) { /* a shard */
        if (!quiet)
            printf("troika compare: shard %lld/%lld, %lld of the comparison's runs x %d "
                   "scenarios in %.1f s, wrote %s; join the shards with troika merge "
                   "SHARD.h5... -o FILE.h5\n",
                   (long long)co.shard + 1, (long long)co.nshards, (long long)info.replicates,
                   co.nscen, info.seconds, out);
        rc = 0;
        goto done;
    }
    if (!quiet) {
        print_outcome(table, &co, &info, lang);
        wrote(lang, out);
    }
    if (write_extras(&a, table, info.post, out, lang, quiet, err) != SIM_OK)
        goto fail;
    rc = 0;
    goto done;
fail:
    if (ranks > 1 && !agreed) {
        agreed = 1;
        crun_agree(ranks, err->code, err);
    }
    rc = rank == 0 ? cu_report(err) : sim_status_exit_code(err->code);
done:
    if (launched > 1) {
        fflush(stdout);
        fflush(stderr);
        swm_finalize(0);
    }
    ckpt_destroy(ck);
    abs_destroy(post);
    ana_cmp_post_destroy(info.post);
    ana_table_destroy(table);
    for (int i = 0; scen && i < nscen; i++)
        scn_free(&scen[i]);
    free(scen);
    free(cmdline);
    free(so.sets);
    clo_args_free(&a);
    return rc;
}

/* ---- troika report ---------------------------------------------------------------- */

#define REPORT_OPTS(X)                                                                             \
    X(REP_OUTPUT, "--output", "-o", "FILE.html", CLO_VALUE, NULL, "the report to write")           \
    X(REP_LANG, "--lang", NULL, "en|zh", CLO_VALUE, NULL, "English (default) or Chinese")          \
    X(REP_CSV, "--csv", NULL, "FILE", CLO_VALUE, NULL, "also the table as CSV")                    \
    X(REP_MARKDOWN, "--markdown", NULL, "FILE", CLO_VALUE, NULL, "also the table as Markdown")     \
    X(REP_FORCE, "--force", NULL, NULL, CLO_FLAG, NULL, "overwrite existing files")                \
    X(REP_QUIET, "--quiet", "-q", NULL, CLO_FLAG, NULL, "print nothing but errors")

enum { REPORT_OPTS(CLO_ENUM) REP_NOPTS };
static const clo_opt report_opts[] = {REPORT_OPTS(CLO_ROW)};

const clo_spec cli_spec_report = {
    "report",
    "troika report COMPARE.h5 -o REPORT.html [--lang en|zh] [--force]\n"
    "troika report RUN.h5 -o REPORT.html [--lang en|zh] [--force]",
    "Rebuild the report of a comparison from its compare file alone: one\n"
    "self-contained HTML page (headline, summary in plain words, the table, a\n"
    "chart of each scenario's difference from the baseline per key metric,\n"
    "what each scenario changes, provenance) that opens offline in any browser\n"
    "and prints cleanly.  Without -o, --csv or --markdown, prints the table.\n"
    "Given the result file of one run (troika run), the report of that run:\n"
    "the key metrics in the first and the last year, their course over time,\n"
    "and the compounds, old and other, on the last sampled day.\n",
    report_opts,
    REP_NOPTS,
    "Exit status: 0 done, 1 failed while writing, 2 bad input (not a compare\n"
    "file, another schema version, a damaged file, ...).\n",
    1,
    "more than one compare file ('%s')",
    "*.h5",
};

int cli_cmd_report(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    clo_args a;
    int rc = clo_parse(&cli_spec_report, argc, argv, &a);
    ana_lang lang = ANA_EN;
    ana_cmpfile *cf = NULL;
    const char *out = clo_get(&a, REP_OUTPUT), *csv = clo_get(&a, REP_CSV);
    const char *md = clo_get(&a, REP_MARKDOWN), *lang_text = clo_get(&a, REP_LANG);
    int force = clo_has(&a, REP_FORCE), quiet = clo_has(&a, REP_QUIET);
    if (rc != CLO_OK) {
        rc = rc == CLO_HELP ? 0 : rc;
        goto done;
    }
    if (a.npos == 0) {
        rc = cu_usage_error(
            "report", "%s",
            "a compare file (troika compare) or a run file (troika run) is required");
        goto done;
    }
    if (lang_text && ana_lang_parse(lang_text, &lang, "--lang", &err) != SIM_OK)
        goto fail;
    if (probe(out, force, "-o", &err) != SIM_OK || probe(csv, force, "--csv", &err) ||
        probe(md, force, "--markdown", &err))
        goto fail;
    if (ana_runfile_is(a.pos[0])) { /* the result file of one run: its own report */
        if (csv || md || !out) {
            SIM_FAIL(&err, SIM_EINPUT, a.pos[0], 0,
                     csv  ? "--csv"
                     : md ? "--markdown"
                          : "-o",
                     "a run file gives an HTML report only (allowed: -o REPORT.html)");
            goto fail;
        }
        ana_runfile *rf = NULL;
        if (ana_runfile_open(&rf, a.pos[0], &err) != SIM_OK)
            goto fail;
        sim_status rs =
            ana_report_run_write(rf, sim_metric_table, SIM_MET_N, out, force, "-o", lang, &err);
        ana_runfile_close(rf);
        if (rs != SIM_OK)
            goto fail;
        if (!quiet)
            wrote(lang, out);
        rc = 0;
        goto done;
    }
    if (ana_cmpfile_open(&cf, a.pos[0], &err) != SIM_OK)
        goto fail;
    if (out) {
        if (ana_report_write(cf, out, force, "-o", lang, &err) != SIM_OK)
            goto fail;
        if (!quiet)
            wrote(lang, out);
    }
    if (csv) {
        if (write_table(csv, force, "--csv", cf->table, cf->post, 0, lang, &err) != SIM_OK)
            goto fail;
        if (!quiet)
            wrote(lang, csv);
    }
    if (md) {
        if (write_table(md, force, "--markdown", cf->table, cf->post, 1, lang, &err) != SIM_OK)
            goto fail;
        if (!quiet)
            wrote(lang, md);
    }
    if (!out && !csv && !md && !quiet && cf->post)
        ana_post_print_text(stdout, cf->table, cf->post->eff, cf->post->level, lang);
    else if (!out && !csv && !md && !quiet)
        ana_table_print_text(stdout, cf->table, lang);
    rc = 0;
    goto done;
fail:
    rc = cu_report(&err);
done:
    ana_cmpfile_close(cf);
    clo_args_free(&a);
    return rc;
}

/* ---- troika diff ------------------------------------------------------------------- */

#define DIFF_OPTS(X)                                                                               \
    X(DIFF_LANG, "--lang", NULL, "en|zh", CLO_VALUE, NULL,                                         \
      "language of the headings and descriptions")                                                 \
    X(DIFF_SET, "--set", NULL, "KEY=VALUE", CLO_LIST, NULL,                                        \
      "applied to both scenarios (repeatable)")

enum { DIFF_OPTS(CLO_ENUM) DIFF_NOPTS };
static const clo_opt diff_opts[] = {DIFF_OPTS(CLO_ROW)};

const clo_spec cli_spec_diff = {
    "diff",
    "troika diff A.ini B.ini [--lang en|zh] [--set KEY=VALUE]...",
    "List every parameter that differs between two scenarios after resolving\n"
    "`extends`, --set and policies: when (from the start, or from the day a\n"
    "policy takes effect), the key, both values, the unit and what the\n"
    "parameter means.  What a reviewer reads before trusting a comparison.\n",
    diff_opts,
    DIFF_NOPTS,
    "Exit status: 0 (whether or not they differ), 2 bad input.\n",
    2,
    "more than two scenario files ('%s')",
    "*.ini",
};

int cli_cmd_diff(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    clo_args a;
    int rc = clo_parse(&cli_spec_diff, argc, argv, &a);
    cu_scenario_opts so = {0};
    ana_lang lang = ANA_EN;
    scn_scenario sa, sb;
    scn_init_default(&sa);
    scn_init_default(&sb);
    ana_diff d;
    memset(&d, 0, sizeof d);
    if (rc != CLO_OK) {
        rc = rc == CLO_HELP ? 0 : rc;
        goto done;
    }
    if (cu_scenario_opts_take(&so, &a, -1, -1, DIFF_SET) != SIM_OK) {
        rc = 1;
        goto done;
    }
    if (a.npos != 2) {
        rc = cu_usage_error("diff", "%s", "needs two scenario files");
        goto done;
    }
    if (clo_get(&a, DIFF_LANG) &&
        ana_lang_parse(clo_get(&a, DIFF_LANG), &lang, "--lang", &err) != SIM_OK)
        goto fail;
    so.scenario = a.pos[0];
    if (cu_build_scenario(&sa, &so, &err) != SIM_OK)
        goto fail;
    so.scenario = a.pos[1];
    if (cu_build_scenario(&sb, &so, &err) != SIM_OK)
        goto fail;
    if (scn_diff_compute(&sa, &sb, NULL, &d, &err) != SIM_OK)
        goto fail;
    ana_diff_print(stdout, &d, sa.name, sb.name, lang);
    rc = 0;
    goto done;
fail:
    rc = cu_report(&err);
done:
    ana_diff_free(&d);
    scn_free(&sa);
    scn_free(&sb);
    free(so.sets);
    clo_args_free(&a);
    return rc;
}

/* ---- troika sensitivity on a comparison under a posterior --------------------------- */

/* rank[0..P): the parameters by c[].est, largest first (an undefined one
 * last), ties in parameter order. */
static void rank_by(const sen_ci *c, int P, int *rank)
{
    for (int j = 0; j < P; j++)
        rank[j] = j;
    for (int i = 1; i < P; i++)
        for (int j = i; j > 0; j--) {
            double u = c[rank[j]].est, v = c[rank[j - 1]].est;
            if (!(u > v || (isnan(v) && !isnan(u))))
                break;
            int x = rank[j];
            rank[j] = rank[j - 1];
            rank[j - 1] = x;
        }
}

/* y[d]: reform s's effect on metric k (minus the baseline) averaged over
 * the R replicates of each of the D draws or points. */
static void point_effects(const ana_table *t, int k, int s, int64_t D, int64_t R, double *y)
{
    const double *a0 = ana_table_rep(t, 0, k), *a1 = ana_table_rep(t, s, k);
    for (int64_t d = 0; d < D; d++) {
        double sum = 0.0;
        for (int64_t r = 0; r < R; r++)
            sum += a1[d * R + r] - a0[d * R + r];
        y[d] = sum / (double)R;
    }
}

/* "est [lo, hi]" or "-" into buf. */
static void ci_text(char *buf, size_t n, const sen_ci *c)
{
    if (isnan(c->est))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%6.3f [%6.3f, %6.3f]", c->est, c->lo, c->hi);
}

static void sens_csv_row(FILE *csv, const ana_table *t, int k, int s, const char *method,
                         const char *param, const sen_ci *c)
{
    ana_table_csv_str(csv, t->met[k]);
    fputc(',', csv);
    ana_table_csv_str(csv, t->scen[s]);
    fprintf(csv, ",%lld,%lld,%s,%s,%.17g,%.17g,%.17g\n", (long long)t->win_from,
            (long long)t->win_to, method, param, c->est, c->lo, c->hi);
}

/* One metric k and reform s of a saltelli design: the effect's mean over
 * each point's replicates, Sobol S1 and ST from all points, the binned S1
 * from the A and B points; ranked by ST, printed and as CSV rows. */
static sim_status post_sens_saltelli(const ana_cmpfile *cf, int k, int s, int nboot, double level,
                                     uint64_t seed, int quiet, FILE *csv, sim_error *err)
{
    const ana_table *t = cf->table;
    const ana_cmp_post *pp = cf->post;
    int64_t D = pp->draws, R = pp->per_draw, N = pp->base_points;
    int P = pp->nparam;
    double *y = malloc((size_t)D * sizeof *y), *yab = malloc((size_t)(2 * N) * sizeof *yab);
    double *xab = malloc((size_t)(2 * N) * (size_t)P * sizeof *xab);
    int *rank = malloc((size_t)P * sizeof *rank);
    sen_sobol so;
    sen_binned b;
    memset(&so, 0, sizeof so);
    memset(&b, 0, sizeof b);
    sim_status st = SIM_OK;
    if (!y || !yab || !xab || !rank) {
        st = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
        goto done;
    }
    point_effects(t, k, s, D, R, y);
    int64_t n = 0;
    for (int64_t d = 0; d < D; d++) {
        if (ana_post_role(pp->design, P, d) < 2) {
            yab[n] = y[d];
            memcpy(xab + n * P, pp->theta + d * P, (size_t)P * sizeof *xab);
            n++;
        }
    }
    st = sen_sobol_saltelli(y, P, N, nboot, level, seed, &so, err);
    if (st == SIM_OK)
        st = sen_binned_compute(xab, yab, n, P, sen_binned_bins(n), nboot, level, seed, &b, err);
    if (st != SIM_OK) {
        snprintf(err->file, sizeof err->file, "%s", cf->path);
        goto done;
    }
    /* the noise in a point's mean: Jansen's ST counts it as the parameter's */
    double wv = NAN, floor_st = NAN;
    if (R >= 2) {
        const double *a0 = ana_table_rep(t, 0, k), *a1 = ana_table_rep(t, s, k);
        wv = 0.0;
        for (int64_t d = 0; d < D; d++) {
            double ss = 0.0;
            for (int64_t r = 0; r < R; r++) {
                double u = a1[d * R + r] - a0[d * R + r] - y[d];
                ss += u * u;
            }
            wv += ss / (double)(R - 1) / (double)D;
        }
        floor_st = so.var > 0 ? wv / (double)R / so.var : NAN;
    }
    rank_by(so.st, P, rank);
    const ana_post_effect *e = &pp->eff[ana_table_at(t, s, k)];
    if (!quiet) {
        printf("\n%s (%s), %s minus %s: the effect's mean over each point's %lld replicates, "
               "%lld base points (%lld points); binned S1 from the %lld A and B points, %d bins",
               t->met[k], t->unit[k] ? t->unit[k] : "", t->scen[s], t->scen[0], (long long)R,
               (long long)N, (long long)D, (long long)n, b.nbins);
        if (!isnan(e->share_param))
            printf("; the parameters explain %.0f%% of the effect's variance, chance %.0f%%",
                   100.0 * e->share_param, 100.0 * (1.0 - e->share_param));
        printf("\n  %4s  %-40s %-24s  %-24s  %s\n", "rank", "parameter", "ST [interval]",
               "S1 [interval]", "S1 binned [interval]");
        for (int i = 0; i < P; i++) {
            int j = rank[i];
            char c1[64], c2[64], c3[64];
            ci_text(c1, sizeof c1, &so.st[j]);
            ci_text(c2, sizeof c2, &so.s1[j]);
            ci_text(c3, sizeof c3, &b.s1[j]);
            printf("  %4d  %-40s %-24s  %-24s  %s\n", i + 1, pp->param[j], c1, c2, c3);
        }
        if (!(so.var > 0))
            printf("  the effect does not vary over the points: no indices\n");
        else if (!isnan(floor_st))
            printf("  chance alone adds about %.3f to every ST (the variance of a mean of %lld "
                   "runs within a point, %.3g, over the effect's variance, %.3g): read ST less "
                   "that; S1 has no such bias\n",
                   floor_st, (long long)R, wv / (double)R, so.var);
    }
    if (csv) {
        sen_ci fl = {floor_st, NAN, NAN};
        sens_csv_row(csv, t, k, s, "ST_chance_floor", "", &fl);
    }
    for (int i = 0; csv && i < P; i++) {
        int j = rank[i];
        sens_csv_row(csv, t, k, s, "ST", pp->param[j], &so.st[j]);
        sens_csv_row(csv, t, k, s, "S1", pp->param[j], &so.s1[j]);
        sens_csv_row(csv, t, k, s, "S1_given_data", pp->param[j], &b.s1[j]);
    }
done:
    sen_sobol_free(&so);
    sen_binned_free(&b);
    free(y);
    free(yab);
    free(xab);
    free(rank);
    return st;
}

/* One metric k and reform s: the per-draw mean effects against the draws'
 * parameter values, ranked; printed and as CSV rows. */
static sim_status post_sens_one(const ana_cmpfile *cf, int k, int s, int nboot, double level,
                                uint64_t seed, int quiet, FILE *csv, sim_error *err)
{
    const ana_table *t = cf->table;
    const ana_cmp_post *pp = cf->post;
    int64_t D = pp->draws, R = pp->per_draw;
    int P = pp->nparam;
    double *y = malloc((size_t)D * sizeof *y);
    int *rank = malloc((size_t)P * sizeof *rank);
    sen_binned b;
    memset(&b, 0, sizeof b);
    sim_status st = SIM_OK;
    if (!y || !rank) {
        st = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
        goto done;
    }
    point_effects(t, k, s, D, R, y);
    st = sen_binned_compute(pp->theta, y, D, P, sen_binned_bins(D), nboot, level, seed, &b, err);
    if (st != SIM_OK) {
        snprintf(err->file, sizeof err->file, "%s", cf->path);
        goto done;
    }
    rank_by(b.s1, P, rank);
    const ana_post_effect *e = &pp->eff[ana_table_at(t, s, k)];
    if (!quiet) {
        printf("\n%s (%s), %s minus %s: the effect's mean over each draw's %lld replicates, "
               "%lld draws, %d bins",
               t->met[k], t->unit[k] ? t->unit[k] : "", t->scen[s], t->scen[0], (long long)R,
               (long long)D, b.nbins);
        if (!isnan(e->share_param))
            printf("; the parameters explain %.0f%% of the effect's variance, chance %.0f%%",
                   100.0 * e->share_param, 100.0 * (1.0 - e->share_param));
        printf("\n  %4s  %-40s %s\n", "rank", "parameter", "S1 [interval]");
        for (int i = 0; i < P; i++) {
            const sen_ci *c = &b.s1[rank[i]];
            if (isnan(c->est))
                printf("  %4d  %-40s -\n", i + 1, pp->param[rank[i]]);
            else
                printf("  %4d  %-40s %6.3f [%6.3f, %6.3f]\n", i + 1, pp->param[rank[i]], c->est,
                       c->lo, c->hi);
        }
        if (!(b.var > 0))
            printf("  the effect does not vary over the draws: no indices\n");
    }
    for (int i = 0; csv && i < P; i++)
        sens_csv_row(csv, t, k, s, "S1_given_data", pp->param[rank[i]], &b.s1[rank[i]]);
done:
    sen_binned_free(&b);
    free(y);
    free(rank);
    return st;
}

int cli_posterior_sensitivity(const char *path, const char *const *metrics, int nmetrics,
                              const char *csv_path, int nboot, double level, uint64_t seed,
                              int quiet)
{
    sim_error err;
    sim_error_clear(&err);
    ana_cmpfile *cf = NULL;
    afile_file *csvf = NULL;
    FILE *csv = NULL;
    int *ms = NULL, nms = 0;
    if (ana_cmpfile_open(&cf, path, &err) != SIM_OK)
        goto fail;
    const ana_table *t = cf->table;
    if (!cf->post) {
        SIM_FAIL(&err, SIM_EINPUT, path, 0, NULL,
                 "a compare file without posterior draws: sensitivity needs `troika compare "
                 "--posterior` (or a sweep file)");
        goto fail;
    }
    if (!(ms = calloc((size_t)t->nmet, sizeof *ms))) {
        SIM_FAIL(&err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
        goto fail;
    }
    if (nmetrics == 0)
        for (int k = 0; k < t->nmet; k++)
            ms[nms++] = k;
    for (int i = 0; i < nmetrics && nms < t->nmet; i++) {
        int found = -1;
        for (int k = 0; k < t->nmet; k++)
            if (!strcmp(t->met[k], metrics[i]))
                found = k;
        if (found < 0) {
            SIM_FAIL(&err, SIM_EINPUT, NULL, 0, "--metric", "'%s' is not in %s (allowed: %s%s)",
                     metrics[i], path, t->met[0], t->nmet > 1 ? ", ..." : "");
            goto fail;
        }
        ms[nms++] = found;
    }
    if (csv_path) {
        if (strcmp(csv_path, "-") == 0)
            csv = stdout;
        else if (afile_open(&csvf, csv_path, 1, "--csv", &err) != SIM_OK ||
                 !(csv = afile_stream(csvf, &err)))
            goto fail;
        fputs("metric,scenario,from,to,method,parameter,estimate,lo,hi\n", csv);
    }
    int sal = cf->post->design == ANA_POST_SALTELLI;
    if (!quiet && sal)
        printf("troika sensitivity: %s: a comparison under the posterior %s, a Saltelli design "
               "of %lld base points (%lld points) x %lld replicates, %d uncertain parameters; "
               "Sobol first-order (S1, Saltelli 2010) and total (ST, Jansen) indices of the "
               "effect, ranked by ST, %.0f%% bootstrap intervals (%d resamples).\n"
               "The approximation: an AB_j point combines parameter j of one posterior draw "
               "with the others of another, as if they were independent, so S1 and ST are "
               "those of the product of the posterior's marginals; the binned S1 from the A "
               "and B points (draws of the joint posterior, no such assumption) is given "
               "beside as a check.  The indices are shares of the variance of the effect's "
               "mean over each point's replicates, which includes chance.\n",
               path, cf->post->path, (long long)cf->post->base_points, (long long)cf->post->draws,
               (long long)cf->post->per_draw, cf->post->nparam, 100.0 * level, nboot);
    else if (!quiet)
        printf("troika sensitivity: %s: a comparison under the posterior %s, %lld draws x "
               "%lld replicates, %d uncertain parameters; first-order indices from the draws "
               "as given (binning), %.0f%% bootstrap intervals (%d resamples)\n"
               "(total indices need a Sobol design: troika compare --posterior ... "
               "--design saltelli)\n",
               path, cf->post->path, (long long)cf->post->draws, (long long)cf->post->per_draw,
               cf->post->nparam, 100.0 * level, nboot);
    for (int i = 0; i < nms; i++)
        for (int s = 1; s < t->nscen; s++)
            if ((sal ? post_sens_saltelli : post_sens_one)(cf, ms[i], s, nboot, level, seed, quiet,
                                                           csv, &err) != SIM_OK)
                goto fail;
    if (csvf) {
        sim_status cs = afile_commit(csvf, &err);
        csvf = NULL;
        if (cs != SIM_OK)
            goto fail;
    }
    ana_cmpfile_close(cf);
    free(ms);
    return 0;
fail:
    afile_abort(csvf);
    ana_cmpfile_close(cf);
    free(ms);
    return cu_report(&err);
}
