/* sim/cli.c — see cli.h.
 *
 * Each subcommand is one row of `commands[]` (name, handler, one-line
 * summary, full help text); `troika help`, `troika CMD --help` and the
 * dispatcher all read that table.  Options are parsed by a small shared
 * parser (opt_next, in cli_util.c) that accepts `--name value` and
 * `--name=value`.
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
#include "cli_sweep.h"
#include "cli_util.h"
#include "ctx.h"
#include "err.h"
#include "memory.h"
#include "model.h"
#include "params.h"
#include "runner.h"
#include "scenario.h"
#include "troika_version.h"

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- troika run ---------------------------------------------------------------- */

static const char help_run[] =
    "Usage: troika run [SCENARIO.ini] [OPTIONS] -o FILE.h5\n"
    "       troika run --resume CKPT.h5 [OPTIONS] -o FILE.h5\n"
    "       troika run [SCENARIO.ini] --from CKPT.h5 [OPTIONS] -o FILE.h5\n"
    "\n"
    "Run one scenario and write its results to an HDF5 file.  Without a\n"
    "scenario file, runs the embedded default: a district of 100 compounds\n"
    "in 4 sub-districts for 5 years.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE    HDF5 file to write (required).  Written under a\n"
    "                       temporary name and renamed when complete; an\n"
    "                       existing file is kept unless --force.\n"
    "      --force          overwrite FILE if it exists\n"
    "      --seed N         master random seed (run.seed; default 1)\n"
    "      --days N         days to simulate (run.days)\n"
    "      --threads N      OpenMP threads (default: OMP_NUM_THREADS or all\n"
    "                       cores).  Results do not depend on it.\n"
    "      --set KEY=VALUE  set a parameter, e.g. --set household.patience=20;\n"
    "                       a policy: --set policy.NAME.day=365 and\n"
    "                       --set policy.NAME.section.name=VALUE (repeatable)\n"
    "  -q, --quiet          no progress line and no summary\n"
    "      --timing         print on stderr the seconds spent simulating and\n"
    "                       writing, the peak memory, and the day loop's time\n"
    "                       by group of phases (for benchmarks)\n"
    "  -h, --help           this help\n"
    "\n"
    "Long runs and forks (docs/CHECKPOINTS.md):\n"
    "      --checkpoint-every DAYS\n"
    "                       after every DAYS days done, save the whole state\n"
    "                       (agents, queues, day, result so far) to the\n"
    "                       checkpoint file, replacing the previous one\n"
    "                       atomically; also when stopped by SIGINT/SIGTERM\n"
    "      --checkpoint FILE\n"
    "                       the checkpoint file (default FILE.h5.ckpt.h5 beside\n"
    "                       the output)\n"
    "      --resume CKPT    continue the run saved in CKPT: scenario, seed and\n"
    "                       days come from it (no SCENARIO, --set, --seed or\n"
    "                       --days).  The output is bit for bit that of the\n"
    "                       uninterrupted run, whatever the thread counts.\n"
    "      --from CKPT      fork SCENARIO from the state saved in CKPT at its\n"
    "                       day D: the city, agents and days before D come\n"
    "                       from CKPT; the scenario's structural parameters\n"
    "                       must equal CKPT's (else a refusal naming the key);\n"
    "                       its levers apply from D (policies dated up to D at\n"
    "                       D, later ones on their day); the seed is CKPT's\n"
    "                       unless --seed; run.days must exceed D.  The output\n"
    "                       has all days from 0 and records forked_from.\n"
    "\n"
    "Same seed, same results, bit for bit, whatever the thread count.\n"
    "Progress goes to stderr when it is a terminal.  Exit status: 0 done,\n"
    "1 failed while running or writing (a full disk, say), 2 bad input (one\n"
    "located message), 130/143 stopped by SIGINT/SIGTERM; never a partial FILE.\n"
    "\n"
    "Examples:\n"
    "  troika run scenarios/secretary.ini --seed 7 -o secretary.h5\n"
    "  troika run city.ini --checkpoint-every 365 -o city.h5     # killed? then:\n"
    "  troika run --resume city.h5.ckpt.h5 --checkpoint-every 365 -o city.h5\n"
    "  troika run --days 365 --checkpoint-every 365 -o burnin.h5\n"
    "  troika run scenarios/secretary.ini --from burnin.h5.ckpt.h5 -o sec.h5\n";

static int cmd_run(int argc, char **argv)
{
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    sim_error *err = &ctx.err;
    scenario_opts so = {0};
    so.sets = calloc((size_t)argc + 1, sizeof *so.sets);
    const char *out = NULL, *threads = NULL, *every = NULL, *ckpath = NULL;
    const char *resume = NULL, *from = NULL, *memlimit = NULL;
    int force = 0, quiet = 0, timing = 0, bad = 0, rc = 2;
    scn_scenario s;
    scn_init_default(&s);
    sim_result *res = NULL;
    char *cmdline = NULL, *ckdefault = NULL, *label = NULL;
    sim_checkpoint *ck = NULL;
    sim_run_opts ro = {0};
    char seedbuf[32];
    if (!so.sets)
        return 1;

    opt_parser o = {argc, argv, 1, NULL, NULL, {0}};
    int kind;
    while ((kind = opt_next(&o))) {
        if (kind == 2) {
            if (so.scenario) {
                rc = usage_error("run", "more than one scenario file ('%s')", o.value);
                goto done;
            }
            so.scenario = o.value;
            continue;
        }
        if (is_opt(&o, "--help", "-h")) {
            fputs(help_run, stdout);
            rc = 0;
            goto done;
        }
        if (scenario_option(&o, &so, err, &bad)) {
            if (bad)
                goto fail;
        } else if (is_opt(&o, "--output", "-o")) {
            if (!(out = opt_value(&o, err)))
                goto fail;
        } else if (is_opt(&o, "--threads", NULL)) {
            if (!(threads = opt_value(&o, err)))
                goto fail;
        } else if (is_opt(&o, "--force", NULL)) {
            force = 1;
        } else if (is_opt(&o, "--quiet", "-q")) {
            quiet = 1;
        } else if (is_opt(&o, "--timing", NULL)) {
            timing = 1;
        } else if (is_opt(&o, "--memory-limit", NULL)) {
            if (!(memlimit = opt_value(&o, err)))
                goto fail;
        } else if (is_opt(&o, "--checkpoint-every", NULL)) {
            if (!(every = opt_value(&o, err)))
                goto fail;
        } else if (is_opt(&o, "--checkpoint", NULL)) {
            if (!(ckpath = opt_value(&o, err)))
                goto fail;
        } else if (is_opt(&o, "--resume", NULL)) {
            if (!(resume = opt_value(&o, err)))
                goto fail;
        } else if (is_opt(&o, "--from", NULL)) {
            if (!(from = opt_value(&o, err)))
                goto fail;
        } else {
            rc = usage_error("run", "unknown option '%s'", o.name);
            goto done;
        }
    }
    if (!out) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "an output file is required (-o FILE.h5)");
        goto fail;
    }
    if (threads && opt_threads(threads, &ctx.threads, err) != SIM_OK)
        goto fail;
    if (resume && from) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--resume",
                 "--resume continues a run and --from forks one: give only one");
        goto fail;
    }
    if (resume && (so.scenario || so.nsets || so.seed || so.days)) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, so.scenario ? "--resume" : so.nsets ? "--set"
                                                               : so.seed ? "--seed" : "--days",
                 "--resume takes the scenario, seed and days from the checkpoint; to run "
                 "another scenario from it use SCENARIO.ini --from %s",
                 resume);
        goto fail;
    }
    if (every) {
        long long v = 0;
        if (opt_int(every, 1, 36500, "--checkpoint-every", &v, err) != SIM_OK)
            goto fail;
        ro.checkpoint_every = v;
        if (!ckpath) {
            size_t n = strlen(out) + sizeof ".ckpt.h5";
            if (!(ckdefault = malloc(n))) {
                SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
                goto fail;
            }
            snprintf(ckdefault, n, "%s.ckpt.h5", out);
            ckpath = ckdefault;
        }
        ro.checkpoint_path = ckpath;
    } else if (ckpath) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--checkpoint",
                 "--checkpoint names the file for --checkpoint-every DAYS, which is missing");
        goto fail;
    }
    if (resume || from) {
        if (ckpt_load(resume ? resume : from, &ck, err) != SIM_OK) {
            snprintf(err->key, sizeof err->key, "%s", resume ? "--resume" : "--from");
            goto fail;
        }
        ro.from = ck;
    }
    if (resume) {
        /* the scenario as the checkpoint recorded it */
        const ckpt_info *in = ckpt_get_info(ck);
        if (scn_load_text(&s, resume, in->resolved_ini, err) != SIM_OK ||
            scn_finish(&s, err) != SIM_OK)
            goto fail;
        free(s.sources);
        if (!(s.sources = strdup(in->sources))) {
            SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
            goto fail;
        }
        ro.forked_from = in->forked_from;
    } else {
        if (from && !so.seed) {
            snprintf(seedbuf, sizeof seedbuf, "%llu",
                     (unsigned long long)ckpt_get_info(ck)->seed);
            so.seed = seedbuf;
        }
        if (build_scenario(&s, &so, err) != SIM_OK)
            goto fail;
        if (from) {
            if (!(label = ckpt_fork_label(ck))) {
                SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
                goto fail;
            }
            ro.forked_from = label;
        }
    }
    if (ckpath && (same_file(ckpath, out) || (ck && same_file(ckpath, ckpt_path(ck)) &&
                                              !resume))) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--checkpoint",
                 "the checkpoint file %s would overwrite %s; choose another name", ckpath,
                 same_file(ckpath, out) ? "the output" : "the checkpoint forked from");
        goto fail;
    }
    /* Refuse a run that would not fit in memory, before it starts. */
    if (!memlimit || strcmp(memlimit, "off") != 0) {
        double limit = 0;
        if (memlimit && sim_mem_parse(memlimit, "--memory-limit", &limit, err) != SIM_OK)
            goto fail;
        if (sim_mem_check(&s, limit, err) != SIM_OK)
            goto fail;
    }
    /* Check the output path before spending the run's time. */
    sim_output *probe = NULL;
    if (out_open(&probe, out, force, err) != SIM_OK)
        goto fail;
    out_abort(probe);
    if (ckpath) {
        if (out_open_plain(&probe, ckpath, 1, err) != SIM_OK) {
            snprintf(err->key, sizeof err->key, "--checkpoint");
            goto fail;
        }
        out_abort(probe);
    }

    omp_set_num_threads(ctx.threads);
    ctx.progress = !quiet && isatty(STDERR_FILENO);
    install_signals(&ctx);
    cmdline = join_command(argc + 1, argv - 1);
    ro.command_line = cmdline ? cmdline : "";
    double t0 = wall_seconds();
    if (sim_run_ex(&ctx, &s, &ro, &res) != SIM_OK)
        goto fail;
    double t1 = wall_seconds();
    if (sim_ctx_stopping(&ctx)) { /* a signal after the last day: no file either */
        SIM_FAIL(err, SIM_EINTERRUPT, NULL, 0, NULL, "stopped by a signal before writing");
        goto fail;
    }
    if (sim_result_write(res, &s, out, force, cmdline ? cmdline : "", ctx.threads, err) !=
        SIM_OK)
        goto fail;
    if (timing) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(stderr, "timing: simulate %.3f s (day loop %.3f s), write %.3f s, peak %.1f MiB\n",
                t1 - t0, res->seconds, wall_seconds() - t1, ru.ru_maxrss / 1024.0);
        for (int g = 0; g < res->ngroups; g++)
            fprintf(stderr, "timing:   %-52s %8.3f s\n", res->group_name[g], res->group_seconds[g]);
        fprintf(stderr, "timing:   %-52s %8.3f s\n", "panels, city series, policy changes",
                res->panel_seconds);
    }
    if (!quiet) {
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
               TROIKA_VERSION, s.name, (unsigned long long)res->seed, (long long)res->days,
               (int)res->world->ncomp, (long long)res->world->nhh, res->seconds);
        printf("  last %lld days: %.1f%% of households rate property service inadequate, "
               "fee collection %.1f%%, %.1f complaints per compound per year\n",
               (long long)nd, 100 * inad / nd, 100 * fee / nd,
               comp / nd * 365.0 / res->world->ncomp);
        printf("  wrote %s\n", out);
    }
    rc = 0;
    goto done;
fail:
    rc = report(err);
done:
    free(cmdline);
    free(ckdefault);
    free(label);
    ckpt_free(ck);
    sim_result_destroy(res);
    scn_free(&s);
    free(so.sets);
    return rc;
}

/* ---- troika validate ---------------------------------------------------------- */

static const char help_validate[] =
    "Usage: troika validate SCENARIO.ini [--set KEY=VALUE]...\n"
    "\n"
    "Read a scenario file (and every file it extends), check every key,\n"
    "value, policy and cross-parameter rule, and print the resolved scenario\n"
    "as INI text on stdout (what `troika run` would record).  Nothing is run.\n"
    "\n"
    "Options:\n"
    "      --set KEY=VALUE  as for `troika run`\n"
    "  -q, --quiet          print nothing; only the exit status tells\n"
    "  -h, --help           this help\n"
    "\n"
    "Exit status: 0 valid, 2 invalid (one line: FILE:LINE: key: what is wrong).\n";

static int cmd_validate(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    scenario_opts so = {0};
    so.sets = calloc((size_t)argc + 1, sizeof *so.sets);
    scn_scenario s;
    scn_init_default(&s);
    int quiet = 0, bad = 0, rc = 2;
    if (!so.sets)
        return 1;
    opt_parser o = {argc, argv, 1, NULL, NULL, {0}};
    int kind;
    while ((kind = opt_next(&o))) {
        if (kind == 2) {
            if (so.scenario) {
                rc = usage_error("validate", "more than one scenario file ('%s')", o.value);
                goto done;
            }
            so.scenario = o.value;
        } else if (is_opt(&o, "--help", "-h")) {
            fputs(help_validate, stdout);
            rc = 0;
            goto done;
        } else if (is_opt(&o, "--quiet", "-q")) {
            quiet = 1;
        } else if (scenario_option(&o, &so, &err, &bad)) {
            if (bad)
                goto fail;
        } else {
            rc = usage_error("validate", "unknown option '%s'", o.name);
            goto done;
        }
    }
    if (!so.scenario) {
        rc = usage_error("validate", "%s", "a scenario file is required");
        goto done;
    }
    if (build_scenario(&s, &so, &err) != SIM_OK)
        goto fail;
    if (!quiet) {
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
    goto done;
fail:
    rc = report(&err);
done:
    scn_free(&s);
    free(so.sets);
    return rc;
}

/* ---- troika params ------------------------------------------------------------- */

static const char help_params[] =
    "Usage: troika params [SCENARIO.ini] [--set KEY=VALUE]... [--markdown]\n"
    "\n"
    "List every parameter: key, value, range, unit, whether a policy may\n"
    "change it mid-run, and what it means.  With a scenario, the values are\n"
    "that scenario's; otherwise the defaults.\n"
    "\n"
    "Options:\n"
    "      --markdown       the reference table of docs/PARAMETERS.md\n"
    "      --set KEY=VALUE  as for `troika run`\n"
    "  -h, --help           this help\n";

static int cmd_params(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    scenario_opts so = {0};
    so.sets = calloc((size_t)argc + 1, sizeof *so.sets);
    scn_scenario s;
    scn_init_default(&s);
    int markdown = 0, bad = 0, rc = 2;
    if (!so.sets)
        return 1;
    opt_parser o = {argc, argv, 1, NULL, NULL, {0}};
    int kind;
    while ((kind = opt_next(&o))) {
        if (kind == 2) {
            if (so.scenario) {
                rc = usage_error("params", "more than one scenario file ('%s')", o.value);
                goto done;
            }
            so.scenario = o.value;
        } else if (is_opt(&o, "--help", "-h")) {
            fputs(help_params, stdout);
            rc = 0;
            goto done;
        } else if (is_opt(&o, "--markdown", NULL)) {
            markdown = 1;
        } else if (scenario_option(&o, &so, &err, &bad)) {
            if (bad)
                goto fail;
        } else {
            rc = usage_error("params", "unknown option '%s'", o.name);
            goto done;
        }
    }
    if (markdown) {
        sim_params_print_markdown(stdout);
    } else {
        if (build_scenario(&s, &so, &err) != SIM_OK)
            goto fail;
        sim_params_print_table(stdout, &s.params);
    }
    rc = 0;
    goto done;
fail:
    rc = report(&err);
done:
    scn_free(&s);
    free(so.sets);
    return rc;
}

/* ---- troika metrics ------------------------------------------------------------ */

static const char help_metrics[] =
    "Usage: troika metrics [--markdown]\n"
    "\n"
    "List every city-level output (/city/<name> in the HDF5 file): name,\n"
    "unit, kind (count: summed over compounds; ratio: a share or a mean) and\n"
    "meaning.\n"
    "\n"
    "Options:\n"
    "      --markdown       the table of docs/OUTPUT.md\n"
    "  -h, --help           this help\n";

static int cmd_metrics(int argc, char **argv)
{
    int markdown = 0;
    opt_parser o = {argc, argv, 1, NULL, NULL, {0}};
    int kind;
    while ((kind = opt_next(&o))) {
        if (kind == 1 && is_opt(&o, "--help", "-h")) {
            fputs(help_metrics, stdout);
            return 0;
        }
        if (kind == 1 && is_opt(&o, "--markdown", NULL))
            markdown = 1;
        else
            return usage_error("metrics", "unexpected argument '%s'",
                               kind == 1 ? o.name : o.value);
    }
    if (markdown)
        sim_metrics_print_markdown(stdout);
    else
        sim_metrics_print_table(stdout);
    return 0;
}

/* ---- dispatch -------------------------------------------------------------------- */

typedef struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
    const char *help;
} command;

static const command commands[] = {
    {"run", cmd_run, "run a scenario and write an HDF5 result file", help_run},
    {"validate", cmd_validate, "check a scenario file and print it resolved", help_validate},
    {"params", cmd_params, "list every parameter with its range, unit and meaning",
     help_params},
    {"metrics", cmd_metrics, "list every output metric with its unit and meaning", help_metrics},
    {"compare", cli_cmd_compare, "run scenarios with replicates and compare them with the first",
     cli_help_compare},
    {"report", cli_cmd_report, "rebuild the HTML report of a comparison from its compare file",
     cli_help_report},
    {"diff", cli_cmd_diff, "list every parameter that differs between two scenarios",
     cli_help_diff},
    {"calibrate", cmd_calibrate, "fit free parameters to target figures", help_calibrate},
    {"sweep", cmd_sweep, "run a parameter sweep (threads, MPI or a shard of a job array)",
     help_sweep},
    {"merge", cmd_merge, "merge the shard files of one sweep", help_merge},
    {"sensitivity", cmd_sensitivity, "Sobol indices and regression coefficients of a sweep",
     help_sensitivity},
};
static const int ncommands = (int)(sizeof commands / sizeof commands[0]);

static void print_help(FILE *f)
{
    fputs("Usage: troika COMMAND [OPTIONS]\n"
          "\n"
          "troika simulates how residential compounds in a Chinese megacity are\n"
          "governed: households, owners' committees, residents' committees,\n"
          "property firms, enforcement officers and mediators, and the reforms\n"
          "of a Shanghai advisory text, each a scenario that can be switched on.\n"
          "\n"
          "Commands:\n",
          f);
    for (int k = 0; k < ncommands; k++)
        fprintf(f, "  %-12s %s\n", commands[k].name, commands[k].summary);
    fputs("\n"
          "Options:\n"
          "  -h, --help     this help; `troika COMMAND --help` for a command\n"
          "  -V, --version  version, commit and libraries\n"
          "\n"
          "Quick start:\n"
          "  troika run -o default.h5          the embedded default district\n"
          "  troika params                      every parameter and its meaning\n"
          "\n"
          "Exit status: 0 success; 1 failure while running or writing (e.g. a full\n"
          "disk); 2 bad input or usage (one line FILE:LINE: key: what is wrong);\n"
          "130 or 143 stopped by SIGINT or SIGTERM.  A failed or stopped command\n"
          "leaves no partial output under the requested name (docs/RELIABILITY.md).\n",
          f);
}

static void print_version(void)
{
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
    printf("troika %s (commit %s, %s build)\n", TROIKA_VERSION, TROIKA_GIT_COMMIT,
           TROIKA_BUILD_TYPE);
    printf("output schema %d; GSL %s; HDF5 %u.%u.%u; %s\n", TROIKA_SCHEMA_VERSION,
           GSL_VERSION, maj, min, rel, TROIKA_COMPILER);
}

int cli_main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        print_help(stdout);
        return 0;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        print_version();
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            print_help(stdout);
            return 0;
        }
        for (int k = 0; k < ncommands; k++)
            if (strcmp(argv[2], commands[k].name) == 0) {
                fputs(commands[k].help, stdout);
                return 0;
            }
        return usage_error(NULL, "no command '%s'", argv[2]);
    }
    for (int k = 0; k < ncommands; k++)
        if (strcmp(cmd, commands[k].name) == 0)
            return commands[k].fn(argc - 1, argv + 1);
    return usage_error(NULL, "no command '%s'", cmd);
}
