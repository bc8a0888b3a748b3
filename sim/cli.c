/* sim/cli.c — see cli.h.
 *
 * Each subcommand is one row of `commands[]` (name, handler, one-line
 * summary, option table); the dispatcher, `troika help`, `troika CMD
 * --help`, the man page (`troika help --man`) and the bash completion
 * (`troika help --completion`) all read that table.  Each command's options
 * are one clo_spec (cli_opt.h) beside its handler.
 */
#include "cli.h"

#include <errno.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_version.h>
#include <hdf5.h>

#include "cli_calibrate.h"
#include "cli_compare.h"
#include "cli_export.h"
#include "cli_opt.h"
#include "cli_serve.h"
#include "cli_sweep.h"
#include "cli_util.h"
#include "ctx.h"
#include "err.h"
#include "memory.h"
#include "model.h"
#include "params.h"
#include "progress.h"
#include "runner.h"
#include "scenario.h"
#include "troika_version.h"
#include "ui.h"
#include "metrics.h"

/* ---- troika run ---------------------------------------------------------------- */

#define RUN_OPTS(X)                                                                                \
    X(RUN_OUTPUT, "--output", "-o", "FILE", CLO_VALUE, NULL,                                       \
      "HDF5 file to write (required).  Written under a temporary name and renamed when "           \
      "complete; an existing file is kept unless --force.")                                        \
    X(RUN_FORCE, "--force", NULL, NULL, CLO_FLAG, NULL, "overwrite FILE if it exists")             \
    X(RUN_SEED, "--seed", NULL, "N", CLO_VALUE, NULL, "master random seed (run.seed; default 1)")  \
    X(RUN_DAYS, "--days", NULL, "N", CLO_VALUE, NULL, "days to simulate (run.days)")               \
    X(RUN_THREADS, "--threads", NULL, "N", CLO_VALUE, NULL,                                        \
      "OpenMP threads (default: OMP_NUM_THREADS or all cores).  Results do not depend on it.")     \
    X(RUN_SET, "--set", NULL, "KEY=VALUE", CLO_LIST, NULL,                                         \
      "set a parameter, e.g. --set household.patience=20; a policy: --set "                        \
      "policy.NAME.day=365 and --set policy.NAME.section.name=VALUE (repeatable)")                 \
    X(RUN_QUIET, "--quiet", "-q", NULL, CLO_FLAG, NULL, "no progress line and no summary")         \
    X(RUN_TIMING, "--timing", NULL, NULL, CLO_FLAG, NULL,                                          \
      "print on stderr the seconds spent simulating and writing, the peak memory, and the "        \
      "day loop's time by group of phases (for benchmarks)")                                       \
    X(RUN_MEMORY, "--memory-limit", NULL, "SIZE|off", CLO_VALUE, NULL,                             \
      "refuse a run whose memory estimate exceeds SIZE (e.g. 8G, 512M; default: the "              \
      "memory available, /proc/meminfo or RLIMIT_AS); off: no check")                              \
    X(RUN_EVERY, "--checkpoint-every", NULL, "DAYS", CLO_VALUE, NULL,                              \
      "after every DAYS days done, save the whole state (agents, queues, day, result so "          \
      "far) to the checkpoint file, replacing the previous one atomically; also when "             \
      "stopped by SIGINT/SIGTERM (docs/CHECKPOINTS.md)")                                           \
    X(RUN_CHECKPOINT, "--checkpoint", NULL, "FILE", CLO_VALUE, NULL,                               \
      "the checkpoint file (default FILE.h5.ckpt.h5 beside the output)")                           \
    X(RUN_RESUME, "--resume", NULL, "CKPT", CLO_VALUE, NULL,                                       \
      "continue the run saved in CKPT: scenario, seed and days come from it (no SCENARIO, "        \
      "--set, --seed or --days).  The output is bit for bit that of the uninterrupted run, "       \
      "whatever the thread counts.")                                                               \
    X(RUN_FROM, "--from", NULL, "CKPT", CLO_VALUE, NULL,                                           \
      "fork SCENARIO from the state saved in CKPT at its day D: the city, agents and days "        \
      "before D come from CKPT; the scenario's structural parameters must equal CKPT's "           \
      "(else a refusal naming the key); its levers apply from D (policies dated up to D at "       \
      "D, later ones on their day); the seed is CKPT's unless --seed; run.days must exceed "       \
      "D.  The output has all days from 0 and records forked_from.")

enum { RUN_OPTS(CLO_ENUM) RUN_NOPTS };
static const clo_opt run_opts[] = {RUN_OPTS(CLO_ROW)};

static const clo_spec spec_run = {
    "run",
    "troika run [SCENARIO.ini] [OPTIONS] -o FILE.h5\n"
    "troika run --resume CKPT.h5 [OPTIONS] -o FILE.h5\n"
    "troika run [SCENARIO.ini] --from CKPT.h5 [OPTIONS] -o FILE.h5",
    "Run one scenario and write its results to an HDF5 file.  Without a\n"
    "scenario file, runs the embedded default: a district of 100 compounds\n"
    "in 4 sub-districts for 5 years.\n",
    run_opts,
    RUN_NOPTS,
    "Same seed, same results, bit for bit, whatever the thread count.\n"
    "Progress goes to stderr: a progress line on a terminal, otherwise a\n"
    "heartbeat line a minute (TROIKA_HEARTBEAT=SECONDS to change it).  A policy\n"
    "that starts after the run ends is reported with a warning.  Exit status:\n"
    "0 done, 1 failed while running or writing (a full disk, say), 2 bad input\n"
    "(one located message), 130/143 stopped by SIGINT/SIGTERM; never a partial\n"
    "FILE.\n"
    "\n"
    "Examples:\n"
    "  troika run scenarios/secretary.ini --seed 7 -o secretary.h5\n"
    "  troika run city.ini --checkpoint-every 365 -o city.h5     # killed? then:\n"
    "  troika run --resume city.h5.ckpt.h5 --checkpoint-every 365 -o city.h5\n"
    "  troika run --days 365 --checkpoint-every 365 -o burnin.h5\n"
    "  troika run scenarios/secretary.ini --from burnin.h5.ckpt.h5 -o sec.h5\n",
    1,
    "more than one scenario file ('%s')",
    "*.ini",
};

/* What one `troika run` holds (freed by run_job_free). */
typedef struct {
    cu_scenario_opts so;
    const char *out, *ckpath, *resume, *from;
    scn_scenario s;
    sim_checkpoint *ck;
    sim_run_opts ro;
    sim_result *res;
    char *cmdline, *ckdefault, *label;
    char seedbuf[32];
} run_job;

static void run_job_free(run_job *j)
{
    free(j->cmdline);
    free(j->ckdefault);
    free(j->label);
    ckpt_destroy(j->ck);
    sim_result_destroy(j->res);
    scn_free(&j->s);
    free(j->so.sets);
}

/* The options that go together: -o, --resume or --from, the checkpoints. */
static sim_status run_options(run_job *j, const clo_args *a, sim_error *err)
{
    const cu_scenario_opts *so = &j->so;
    const char *every = clo_get(a, RUN_EVERY);
    if (!j->out)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "an output file is required (-o FILE.h5)");
    if (j->resume && j->from)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--resume",
                        "--resume continues a run and --from forks one: give only one");
    if (j->resume && (so->scenario || so->nsets || so->seed || so->days))
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0,
                        so->scenario ? "--resume"
                        : so->nsets  ? "--set"
                        : so->seed   ? "--seed"
                                     : "--days",
                        "--resume takes the scenario, seed and days from the checkpoint; to run "
                        "another scenario from it use SCENARIO.ini --from %s",
                        j->resume);
    if (!every && j->ckpath)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--checkpoint",
                        "--checkpoint names the file for --checkpoint-every DAYS, which is "
                        "missing");
    if (every) {
        long long v = 0;
        SIM_TRY(err, cu_opt_int(every, 1, 36500, "--checkpoint-every", &v, err));
        j->ro.checkpoint_every = v;
        if (!j->ckpath) {
            size_t n = strlen(j->out) + sizeof ".ckpt.h5";
            if (!(j->ckdefault = malloc(n)))
                return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
            snprintf(j->ckdefault, n, "%s.ckpt.h5", j->out);
            j->ckpath = j->ckdefault;
        }
        j->ro.checkpoint_path = j->ckpath;
    }
    return SIM_OK;
}

/* The scenario: as a checkpoint recorded it (--resume), or built from the
 * options (forked from a checkpoint with --from). */
static sim_status run_scenario(run_job *j, sim_error *err)
{
    if (j->resume || j->from) {
        if (ckpt_load(j->resume ? j->resume : j->from, &j->ck, err) != SIM_OK) {
            snprintf(err->key, sizeof err->key, "%s", j->resume ? "--resume" : "--from");
            return err->code;
        }
        j->ro.from = j->ck;
    }
    if (j->resume) {
        const ckpt_info *in = ckpt_get_info(j->ck);
        SIM_TRY(err, scn_load_text(&j->s, j->resume, in->resolved_ini, err));
        SIM_TRY(err, scn_finish(&j->s, err));
        free(j->s.sources);
        if (!(j->s.sources = strdup(in->sources)))
            return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
        j->ro.forked_from = in->forked_from;
        return SIM_OK;
    }
    if (j->from && !j->so.seed) {
        snprintf(j->seedbuf, sizeof j->seedbuf, "%llu",
                 (unsigned long long)ckpt_get_info(j->ck)->seed);
        j->so.seed = j->seedbuf;
    }
    SIM_TRY(err, cu_build_scenario(&j->s, &j->so, err));
    if (j->from) {
        if (!(j->label = ckpt_fork_label(j->ck)))
            return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
        j->ro.forked_from = j->label;
    }
    return SIM_OK;
}

/* Check the memory needed and the output paths before spending the run's time. */
static sim_status run_probe(const run_job *j, int force, const char *memlimit, sim_error *err)
{
    /* refuse a run that would not fit in memory, before it starts */
    if (!memlimit || strcmp(memlimit, "off") != 0) {
        double limit = 0;
        if (memlimit)
            SIM_TRY(err, sim_mem_parse(memlimit, "--memory-limit", &limit, err));
        SIM_TRY(err, sim_mem_check(&j->s, limit, err));
    }
    const char *ck = j->ckpath;
    if (ck &&
        (cu_same_file(ck, j->out) || (j->ck && cu_same_file(ck, ckpt_path(j->ck)) && !j->resume)))
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--checkpoint",
                        "the checkpoint file %s would overwrite %s; choose another name", ck,
                        cu_same_file(ck, j->out) ? "the output" : "the checkpoint forked from");
    sim_output *probe = NULL;
    SIM_TRY(err, out_open(&probe, j->out, force, err));
    out_abort(probe);
    if (ck) {
        if (out_open_plain(&probe, ck, 1, err) != SIM_OK) {
            snprintf(err->key, sizeof err->key, "--checkpoint");
            return err->code;
        }
        out_abort(probe);
    }
    return SIM_OK;
}

/* --timing, on stderr. */
static void print_timing(const sim_result *res, double simulate, double write)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr, "timing: simulate %.3f s (day loop %.3f s), write %.3f s, peak %.1f MiB\n",
            simulate, res->seconds, write, ru.ru_maxrss / 1024.0);
    for (int g = 0; g < res->ngroups; g++)
        fprintf(stderr, "timing:   %-52s %8.3f s\n", res->group_name[g], res->group_seconds[g]);
    fprintf(stderr, "timing:   %-52s %8.3f s\n", "panels, city series, policy changes",
            res->panel_seconds);
}

/* The summary of the last year, on stdout. */
static void print_summary(const sim_result *res, const scn_scenario *s, const char *out)
{
    int64_t last = res->days - 1, first = res->days > 365 ? res->days - 365 : 0;
    double inad = 0, fee = 0, comp = 0;
    for (int64_t d = first; d <= last; d++) {
        inad += sim_result_city(res, d, SIM_MET_households_rating_pmc_inadequate);
        fee += sim_result_city(res, d, SIM_MET_fee_collection_rate);
        comp += sim_result_city(res, d, SIM_MET_complaints_new);
    }
    double nd = (double)(last - first + 1);
    printf("troika %s: scenario '%s', seed %llu, %lld days, %d compounds, %lld households "
           "(%.2f s)\n",
           TROIKA_VERSION, s->name, (unsigned long long)res->seed, (long long)res->days,
           (int)res->world->ncomp, (long long)res->world->nhh, res->seconds);
    printf("  last %lld days: %.1f%% of households rate property service inadequate, "
           "fee collection %.1f%%, %.1f complaints per compound per year\n",
           (long long)nd, 100 * inad / nd, 100 * fee / nd, comp / nd * 365.0 / res->world->ncomp);
    printf("  wrote %s\n", out);
}

static int cmd_run(int argc, char **argv)
{
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    sim_error *err = &ctx.err;
    clo_args a;
    int rc = clo_parse(&spec_run, argc, argv, &a);
    run_job j;
    memset(&j, 0, sizeof j);
    scn_init_default(&j.s);
    if (rc != CLO_OK || cu_scenario_opts_take(&j.so, &a, RUN_SEED, RUN_DAYS, RUN_SET) != SIM_OK) {
        rc = rc == CLO_HELP ? 0 : rc == CLO_OK ? 1 : rc;
        goto done;
    }
    j.so.scenario = a.npos ? a.pos[0] : NULL;
    j.out = clo_get(&a, RUN_OUTPUT);
    j.ckpath = clo_get(&a, RUN_CHECKPOINT);
    j.resume = clo_get(&a, RUN_RESUME);
    j.from = clo_get(&a, RUN_FROM);
    int force = clo_has(&a, RUN_FORCE), quiet = clo_has(&a, RUN_QUIET);
    const char *threads = clo_get(&a, RUN_THREADS);
    if (run_options(&j, &a, err) != SIM_OK ||
        (threads && cu_opt_threads(threads, &ctx.threads, err) != SIM_OK) ||
        run_scenario(&j, err) != SIM_OK ||
        run_probe(&j, force, clo_get(&a, RUN_MEMORY), err) != SIM_OK)
        goto fail;

    omp_set_num_threads(ctx.threads);
    ctx.progress = !quiet;
    cu_install_signals(&ctx);
    j.cmdline = cu_join_command(argc + 1, argv - 1);
    j.ro.command_line = j.cmdline ? j.cmdline : "";
    double t0 = prg_now();
    if (sim_run_ex(&ctx, &j.s, &j.ro, &j.res) != SIM_OK)
        goto fail;
    double t1 = prg_now();
    if (sim_ctx_stopping(&ctx)) { /* a signal after the last day: no file either */
        SIM_FAIL(err, SIM_EINTERRUPT, NULL, 0, NULL, "stopped by a signal before writing");
        goto fail;
    }
    if (sim_result_write(j.res, &j.s, j.out, force, j.ro.command_line, ctx.threads, err) != SIM_OK)
        goto fail;
    if (clo_has(&a, RUN_TIMING))
        print_timing(j.res, t1 - t0, prg_now() - t1);
    if (!quiet)
        print_summary(j.res, &j.s, j.out);
    rc = 0;
    goto done;
fail:
    rc = cu_report(err);
done:
    run_job_free(&j);
    clo_args_free(&a);
    return rc;
}

/* ---- troika validate ---------------------------------------------------------- */

#define VALIDATE_OPTS(X)                                                                           \
    X(VAL_SET, "--set", NULL, "KEY=VALUE", CLO_LIST, NULL, "as for `troika run`")                  \
    X(VAL_QUIET, "--quiet", "-q", NULL, CLO_FLAG, NULL, "print nothing; only the exit status tells")

enum { VALIDATE_OPTS(CLO_ENUM) VAL_NOPTS };
static const clo_opt validate_opts[] = {VALIDATE_OPTS(CLO_ROW)};

static const clo_spec spec_validate = {
    "validate",
    "troika validate SCENARIO.ini [--set KEY=VALUE]...",
    "Read a scenario file (and every file it extends), check every key,\n"
    "value, policy and cross-parameter rule, and print the resolved scenario\n"
    "as INI text on stdout (what `troika run` would record).  Nothing is run.\n",
    validate_opts,
    VAL_NOPTS,
    "Exit status: 0 valid, 2 invalid (one line: FILE:LINE: key: what is wrong).\n",
    1,
    "more than one scenario file ('%s')",
    "*.ini",
};

static int cmd_validate(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    clo_args a;
    int rc = clo_parse(&spec_validate, argc, argv, &a);
    cu_scenario_opts so = {0};
    scn_scenario s;
    scn_init_default(&s);
    if (rc != CLO_OK) {
        rc = rc == CLO_HELP ? 0 : rc;
        goto done;
    }
    if (cu_scenario_opts_take(&so, &a, -1, -1, VAL_SET) != SIM_OK) {
        rc = 1;
        goto done;
    }
    if (a.npos == 0) {
        rc = cu_usage_error("validate", "%s", "a scenario file is required");
        goto done;
    }
    so.scenario = a.pos[0];
    if (cu_build_scenario(&s, &so, &err) != SIM_OK) {
        rc = cu_report(&err);
        goto done;
    }
    if (!clo_has(&a, VAL_QUIET)) {
        char *ini = scn_resolved_ini(&s);
        if (!ini) {
            rc = 1;
            goto done;
        }
        fputs(ini, stdout);
        free(ini);
        sim_mem_estimate_t e = sim_mem_estimate(&s);
        char tot[32], pan[32];
        printf("; a run of it needs about %s of memory (panels %s: run.days / "
               "run.panel_interval x city.compounds x %d metrics)\n",
               sim_mem_format(e.total, tot, sizeof tot), sim_mem_format(e.panels, pan, sizeof pan),
               e.npanel);
    }
    rc = 0;
done:
    scn_free(&s);
    free(so.sets);
    clo_args_free(&a);
    return rc;
}

/* ---- troika params ------------------------------------------------------------- */

#define PARAMS_OPTS(X)                                                                             \
    X(PAR_MARKDOWN, "--markdown", NULL, NULL, CLO_FLAG, NULL,                                      \
      "the reference table of docs/PARAMETERS.md")                                                 \
    X(PAR_SET, "--set", NULL, "KEY=VALUE", CLO_LIST, NULL, "as for `troika run`")                  \
    X(PAR_LANG, "--lang", NULL, "en|zh", CLO_VALUE, NULL,                                          \
      "language of the descriptions (default en)")                                                 \
    X(PAR_UNCERTAIN, "--uncertain", NULL, NULL, CLO_FLAG, NULL,                                    \
      "only the assumptions, with their plausible ranges (tab-separated)")

enum { PARAMS_OPTS(CLO_ENUM) PAR_NOPTS };
static const clo_opt params_opts[] = {PARAMS_OPTS(CLO_ROW)};

static const clo_spec spec_params = {
    "params",
    "troika params [SCENARIO.ini] [--set KEY=VALUE]... [--markdown] [--uncertain] [--lang en|zh]",
    "List every parameter: key, value, range, unit, whether a policy may\n"
    "change it mid-run, what it means and its basis (source, assumption\n"
    "with a plausible range, or setting).  With a scenario, the values are\n"
    "that scenario's; otherwise the defaults.\n",
    params_opts,
    PAR_NOPTS,
    NULL,
    1,
    "more than one scenario file ('%s')",
    "*.ini",
};

/* `troika params --lang zh`: the table with the Chinese descriptions
 * (English: sim_params_print_table). */
static void print_params_zh(FILE *f, const sim_params *p)
{
    const char *sec = "";
    for (int i = 0; i < sim_param_count; i++) {
        const sim_param_desc *d = &sim_param_table[i];
        char val[48], lo[40], hi[40], range[96];
        if (strcmp(sec, d->section) != 0) {
            fprintf(f, "%s[%s]\n", i ? "\n" : "", d->section);
            sec = d->section;
        }
        sim_param_format(p, i, val, sizeof val);
        if (d->type == SIM_P_BOOL)
            snprintf(range, sizeof range, "true|false");
        else
            snprintf(range, sizeof range, "[%s, %s]",
                     sim_param_format_value(i, d->lo, lo, sizeof lo),
                     sim_param_format_value(i, d->hi, hi, sizeof hi));
        char basis[400];
        fprintf(f, "  %-40s = %-12s %-22s %-14s %s [%s]\n", d->key, val, range,
                d->unit[0] ? d->unit : "-", d->doc_zh,
                sim_param_basis_text(i, basis, sizeof basis));
    }
}

static int cmd_params(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    clo_args a;
    int rc = clo_parse(&spec_params, argc, argv, &a);
    cu_scenario_opts so = {0};
    scn_scenario s;
    scn_init_default(&s);
    ana_lang lang = ANA_EN;
    if (rc != CLO_OK) {
        rc = rc == CLO_HELP ? 0 : rc;
        goto done;
    }
    if (cu_scenario_opts_take(&so, &a, -1, -1, PAR_SET) != SIM_OK) {
        rc = 1;
        goto done;
    }
    so.scenario = a.npos ? a.pos[0] : NULL;
    if (clo_get(&a, PAR_LANG) &&
        ana_lang_parse(clo_get(&a, PAR_LANG), &lang, "--lang", &err) != SIM_OK)
        goto fail;
    if (clo_has(&a, PAR_MARKDOWN)) {
        sim_params_print_markdown(stdout);
    } else if (clo_has(&a, PAR_UNCERTAIN)) {
        sim_params_print_uncertain(stdout);
    } else {
        if (cu_build_scenario(&s, &so, &err) != SIM_OK)
            goto fail;
        if (lang == ANA_ZH)
            print_params_zh(stdout, &s.params);
        else
            sim_params_print_table(stdout, &s.params);
    }
    rc = 0;
    goto done;
fail:
    rc = cu_report(&err);
done:
    scn_free(&s);
    free(so.sets);
    clo_args_free(&a);
    return rc;
}

/* ---- troika metrics ------------------------------------------------------------ */

#define METRICS_OPTS(X)                                                                            \
    X(MET_MARKDOWN, "--markdown", NULL, NULL, CLO_FLAG, NULL, "the table of docs/OUTPUT.md")       \
    X(MET_LANG, "--lang", NULL, "en|zh", CLO_VALUE, NULL,                                          \
      "language of the descriptions (default en)")

enum { METRICS_OPTS(CLO_ENUM) MET_NOPTS };
static const clo_opt metrics_opts[] = {METRICS_OPTS(CLO_ROW)};

static const clo_spec spec_metrics = {
    "metrics",
    "troika metrics [--markdown] [--lang en|zh]",
    "List every city-level output (/city/<name> in the HDF5 file): name,\n"
    "unit, kind (count: summed over compounds; ratio: a share or a mean) and\n"
    "meaning.\n",
    metrics_opts,
    MET_NOPTS,
    NULL,
    0,
    NULL,
    NULL,
};

static int cmd_metrics(int argc, char **argv)
{
    clo_args a;
    int rc = clo_parse(&spec_metrics, argc, argv, &a);
    ana_lang lang = ANA_EN;
    sim_error err;
    sim_error_clear(&err);
    if (rc == CLO_OK && clo_get(&a, MET_LANG) &&
        ana_lang_parse(clo_get(&a, MET_LANG), &lang, "--lang", &err) != SIM_OK)
        rc = cu_report(&err);
    else if (rc == CLO_OK && clo_has(&a, MET_MARKDOWN))
        sim_metrics_print_markdown(stdout);
    else if (rc == CLO_OK && lang == ANA_EN)
        sim_metrics_print_table(stdout);
    else if (rc == CLO_OK)
        for (int m = 0; m < SIM_MET_N; m++) {
            const sim_metric_desc *d = &sim_metric_table[m];
            printf("%-36s %-12s %-6s %s\n", d->name, d->unit,
                   d->kind == SIM_M_RATIO ? "ratio" : "count", d->doc_zh);
        }
    clo_args_free(&a);
    return rc == CLO_HELP ? 0 : rc;
}

/* ---- dispatch -------------------------------------------------------------------- */

/* One row per command: its name, handler, one-line summary and option
 * table (help, man page and completion come from it).  A new command is one
 * row here and its clo_spec beside its handler. */
typedef struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
    const clo_spec *spec;
} command;

static const command commands[] = {
    {"run", cmd_run, "run a scenario and write an HDF5 result file", &spec_run},
    {"validate", cmd_validate, "check a scenario file and print it resolved", &spec_validate},
    {"params", cmd_params, "list every parameter with its range, unit and meaning", &spec_params},
    {"metrics", cmd_metrics, "list every output metric with its unit and meaning", &spec_metrics},
    {"compare", cli_cmd_compare, "run scenarios with replicates and compare them with the first",
     &cli_spec_compare},
    {"report", cli_cmd_report, "rebuild the HTML report of a comparison from its compare file",
     &cli_spec_report},
    {"diff", cli_cmd_diff, "list every parameter that differs between two scenarios",
     &cli_spec_diff},
    {"serve", cli_cmd_serve, "the reform explorer: a local web page to run and compare reforms",
     &cli_spec_serve},
    {"calibrate", cmd_calibrate,
     "fit free parameters to target figures (Nelder-Mead, or an ABC-SMC posterior)",
     &cli_spec_calibrate},
    {"sweep", cmd_sweep, "run a parameter sweep (threads, MPI or a shard of a job array)",
     &cli_spec_sweep},
    {"merge", cmd_merge, "merge the shard files of one sweep or one comparison", &cli_spec_merge},
    {"sensitivity", cmd_sensitivity, "Sobol indices and regression coefficients of a sweep",
     &cli_spec_sensitivity},
    {"export", cli_cmd_export, "write a table of a result file as tidy CSV", &cli_spec_export},
};
static const int ncommands = (int)(sizeof commands / sizeof commands[0]);

static const char help_about[] =
    "troika simulates how residential compounds in a Chinese megacity are\n"
    "governed: households, owners' committees, residents' committees,\n"
    "property firms, enforcement officers and mediators, and the reforms\n"
    "of a Shanghai advisory text, each a scenario that can be switched on.\n";

static const char help_exit[] =
    "Exit status: 0 success; 1 failure while running or writing (e.g. a full\n"
    "disk); 2 bad input or usage (one line FILE:LINE: key: what is wrong);\n"
    "130 or 143 stopped by SIGINT or SIGTERM.  A failed or stopped command\n"
    "leaves no partial output under the requested name (docs/RELIABILITY.md).\n";

static void print_help(FILE *f, ana_lang lang)
{
    if (lang == ANA_ZH) { /* the Chinese texts of sim/cli_help_zh.def */
        fprintf(f, "%stroika [--lang zh] COMMAND [OPTIONS]\n\n%s\n\n%s\n", clo_zh("*", "usage"),
                clo_zh("*", "about"), clo_zh("*", "commands"));
        for (int k = 0; k < ncommands; k++) {
            const char *zh = clo_zh(commands[k].name, NULL);
            fprintf(f, "  %-12s %s\n", commands[k].name, zh ? zh : commands[k].summary);
        }
        fprintf(f, "\n%s\n  -h, --help     %s\n  -V, --version  %s\n", clo_zh("*", "options"),
                clo_zh("*", "--help"), clo_zh("*", "--version"));
        return;
    }
    fprintf(f, "Usage: troika COMMAND [OPTIONS]\n\n%s\nCommands:\n", help_about);
    for (int k = 0; k < ncommands; k++)
        fprintf(f, "  %-12s %s\n", commands[k].name, commands[k].summary);
    fputs("\n"
          "Options:\n"
          "  -h, --help     this help; `troika COMMAND --help` for a command\n"
          "  -V, --version  version, commit and libraries\n"
          "  --lang en|zh   before a command: its help (and its descriptions) in\n"
          "                 that language, e.g. troika --lang zh run --help\n"
          "\n"
          "Quick start:\n"
          "  troika run -o default.h5          the embedded default district\n"
          "  troika params                      every parameter and its meaning\n"
          "\n",
          f);
    fputs(help_exit, f);
}

/* `troika help --man`: the whole man page troika.1 (roff), from the tables. */
static void print_man(FILE *f)
{
    fprintf(f, ".TH TROIKA 1 \"\" \"troika %s\" \"User Commands\"\n", TROIKA_VERSION);
    fputs(".SH NAME\ntroika \\- simulate the governance of residential compounds\n"
          ".SH SYNOPSIS\n\\fBtroika\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n"
          ".br\n\\fBtroika\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR\n"
          ".br\n\\fBtroika \\-\\-version\\fR\n.SH DESCRIPTION\n",
          f);
    fputs(help_about, f);
    fputs(".SH COMMANDS\n", f);
    for (int k = 0; k < ncommands; k++)
        fprintf(f, ".TP\n\\fB%s\\fR\n%s\n", commands[k].name, commands[k].summary);
    for (int k = 0; k < ncommands; k++)
        clo_print_man(f, commands[k].spec, commands[k].summary);
    fputs(".SH \"EXIT STATUS\"\n", f);
    fputs(help_exit, f);
    fputs(".SH ENVIRONMENT\n.TP\n\\fBTROIKA_HEARTBEAT\\fR\nseconds between two heartbeat "
          "lines of run, compare, sweep and calibrate when stderr is not a terminal (default "
          "60; 0: every step)\n.TP\n\\fBOMP_NUM_THREADS\\fR\nthe default thread count\n"
          ".SH \"SEE ALSO\"\nThe files docs/*.md of the source tree: PARAMETERS, OUTPUT, "
          "COMPARE, SWEEPS, CHECKPOINTS, CALIBRATION, RELIABILITY, WINDOWS.\n",
          f);
}

/* `troika help --completion`: a bash completion script, from the tables. */
static void print_completion(FILE *f)
{
    fputs("# bash completion for troika, generated by `troika help --completion`\n"
          "_troika()\n{\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "    COMPREPLY=()\n"
          "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
          "        COMPREPLY=($(compgen -W \"",
          f);
    for (int k = 0; k < ncommands; k++)
        fprintf(f, "%s ", commands[k].name);
    fputs("help --help --version\" -- \"$cur\"))\n"
          "        return 0\n"
          "    fi\n"
          "    local opts= files=\n"
          "    case ${COMP_WORDS[1]} in\n",
          f);
    for (int k = 0; k < ncommands; k++) {
        const clo_spec *s = commands[k].spec;
        fprintf(f, "    %s)\n        opts=\"", s->name);
        clo_print_words(f, s);
        fprintf(f, "\"\n        files=\"%s\"\n", s->posarg ? s->posarg : "");
        /* values from a fixed list (an argument named like "en|zh") */
        int any = 0;
        for (int i = 0; i < s->nopts; i++) {
            const clo_opt *o = &s->opts[i];
            if (!o->arg || !strchr(o->arg, '|'))
                continue;
            if (!any)
                fputs("        case $prev in\n", f);
            any = 1;
            fprintf(f, "        %s) COMPREPLY=($(compgen -W \"", o->name);
            for (const char *p = o->arg; *p; p++)
                fputc(*p == '|' ? ' ' : *p, f);
            fputs("\" -- \"$cur\")); return 0 ;;\n", f);
        }
        if (any)
            fputs("        esac\n", f);
        fputs("        ;;\n", f);
    }
    fputs("    help)\n        COMPREPLY=($(compgen -W \"", f);
    for (int k = 0; k < ncommands; k++)
        fprintf(f, "%s ", commands[k].name);
    fputs("--man --completion\" -- \"$cur\"))\n        return 0 ;;\n"
          "    esac\n"
          "    if [[ $cur == -* ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
          "    elif [ -n \"$files\" ]; then\n"
          "        COMPREPLY=($(compgen -f -X \"!$files\" -- \"$cur\") $(compgen -d -- \"$cur\"))\n"
          "    else\n"
          "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
          "    fi\n"
          "    return 0\n"
          "}\n"
          "complete -o filenames -F _troika troika\n",
          f);
}

static void print_version(void)
{
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
    printf("troika %s (commit %s, %s build)\n", TROIKA_VERSION, TROIKA_GIT_COMMIT,
           TROIKA_BUILD_TYPE);
    printf("output schema %d; GSL %s; HDF5 %u.%u.%u; %s\n", TROIKA_SCHEMA_VERSION, GSL_VERSION, maj,
           min, rel, TROIKA_COMPILER);
}

static int has_option(const clo_spec *s, const char *name)
{
    for (int i = 0; i < s->nopts; i++)
        if (strcmp(s->opts[i].name, name) == 0)
            return 1;
    return 0;
}

/* `troika --lang L COMMAND ...`: COMMAND with `--lang L` right after its
 * name (so that a --lang of its own, later, wins), for a command that has
 * the option or is asked for its help. */
static int run_with_lang(int argc, char **argv)
{
    int skip = strncmp(argv[1], "--lang=", 7) == 0 ? 1 : 2;
    const char *v = skip == 1 ? argv[1] + 7 : argc > 2 ? argv[2] : NULL;
    sim_error err;
    ana_lang lang;
    sim_error_clear(&err);
    if (!v)
        return cu_usage_error(NULL, "%s", "--lang needs a value (allowed: en, zh)");
    if (ana_lang_parse(v, &lang, "--lang", &err) != SIM_OK)
        return cu_report(&err);
    if (argc <= 1 + skip || strcmp(argv[1 + skip], "-h") == 0 ||
        strcmp(argv[1 + skip], "--help") == 0) {
        print_help(stdout, lang);
        return 0;
    }
    const char *cmd = argv[1 + skip];
    for (int k = 0; k < ncommands; k++) {
        if (strcmp(cmd, commands[k].name) != 0)
            continue;
        int help = 0;
        for (int i = 2 + skip; i < argc; i++)
            help |= strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0;
        if (!has_option(commands[k].spec, "--lang") && !help)
            return cu_usage_error(cmd,
                                  "--lang applies to the help (troika --lang zh %s --help) "
                                  "and to the commands that print descriptions",
                                  cmd);
        int n = argc - skip + 1; /* the command, --lang, L and the rest */
        char **av = malloc((size_t)(n + 1) * sizeof *av);
        if (!av) {
            fprintf(stderr, "troika: out of memory\n");
            return 1;
        }
        av[0] = argv[1 + skip];
        av[1] = (char *)"--lang";
        av[2] = (char *)v;
        for (int i = 2 + skip; i < argc; i++)
            av[i - skip + 1] = argv[i];
        av[n] = NULL;
        int rc = commands[k].fn(n, av);
        free(av);
        return rc;
    }
    return cu_usage_error(NULL, "no command '%s'", cmd);
}

int cli_main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr, ANA_EN);
        return 2;
    }
    const char *cmd = argv[1];
    cu_signals_default();
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        print_help(stdout, clo_lang_of(argc, argv));
        return 0;
    }
    if (strcmp(cmd, "--lang") == 0 || strncmp(cmd, "--lang=", 7) == 0)
        return run_with_lang(argc, argv);
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        print_version();
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3 || strcmp(argv[2], "--lang") == 0 || strncmp(argv[2], "--lang=", 7) == 0) {
            print_help(stdout, clo_lang_of(argc, argv));
            return 0;
        }
        if (strcmp(argv[2], "--man") == 0) {
            print_man(stdout);
            return 0;
        }
        if (strcmp(argv[2], "--completion") == 0) {
            print_completion(stdout);
            return 0;
        }
        for (int k = 0; k < ncommands; k++)
            if (strcmp(argv[2], commands[k].name) == 0) {
                clo_print_help_lang(stdout, commands[k].spec, clo_lang_of(argc, argv));
                return 0;
            }
        return cu_usage_error(NULL, "no command '%s'", argv[2]);
    }
    for (int k = 0; k < ncommands; k++)
        if (strcmp(cmd, commands[k].name) == 0) {
            int rc = commands[k].fn(argc - 1, argv + 1);
            cu_signals_done(); /* every file is in place or removed: no forced end now */
            return rc;
        }
    return cu_usage_error(NULL, "no command '%s'", cmd);
}
