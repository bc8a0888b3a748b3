/* sim/cli_calibrate.c — `troika calibrate CALIBRATION.ini`: fit free
 * parameters to target figures (sim/calibrate.h) and write the result
 * as a scenario fragment (Nelder-Mead) or a posterior file (ABC-SMC,
 * analysis/abc.h); `--check POSTERIOR.h5`: the posterior predictive check. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli_calibrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "abc.h"
#include "abc_store.h"
#include "calibrate.h"
#include "design.h"
#include "inifile.h"
#include "sweep_mpi.h"
#include "cli_util.h"
#include "metrics.h"
#include "params.h"

#define CALIBRATE_OPTS(X)                                                                          \
    X(CAL_OUTPUT, "--output", "-o", "FILE", CLO_VALUE, NULL,                                       \
      "the fragment or posterior to write (required)")                                             \
    X(CAL_METHOD, "--method", NULL, "M", CLO_VALUE, "nelder-mead|abc-smc",                         \
      "nelder-mead (default) or abc-smc")                                                          \
    X(CAL_RESTART, "--restart", NULL, NULL, CLO_FLAG, NULL,                                        \
      "abc-smc: discard the finished simulations of FILE.parts")                                   \
    X(CAL_CHECK, "--check", NULL, "FILE", CLO_VALUE, NULL,                                         \
      "posterior predictive check of posterior FILE")                                              \
    X(CAL_DRAWS, "--draws", NULL, "N", CLO_VALUE, NULL, "draws for --check (default 100)")         \
    X(CAL_FORCE, "--force", NULL, NULL, CLO_FLAG, NULL, "overwrite FILE if it exists")             \
    X(CAL_THREADS, "--threads", NULL, "N", CLO_VALUE, NULL, "OpenMP threads (default: all cores)") \
    X(CAL_EVALUATE, "--evaluate", NULL, NULL, CLO_FLAG, NULL,                                      \
      "only evaluate the targets at the starting values")                                          \
    X(CAL_QUIET, "--quiet", "-q", NULL, CLO_FLAG, NULL, "no progress lines")

enum { CALIBRATE_OPTS(CLO_ENUM) CAL_NOPTS };
static const clo_opt calibrate_opts[] = {CALIBRATE_OPTS(CLO_ROW)};

const clo_spec cli_spec_calibrate = {
    "calibrate",
    "troika calibrate CALIBRATION.ini -o FRAGMENT.ini [OPTIONS]\n"
    "troika calibrate CALIBRATION.ini --method abc-smc -o POSTERIOR.h5 [OPTIONS]\n"
    "mpirun -np N troika calibrate CALIBRATION.ini --method abc-smc -o POSTERIOR.h5\n"
    "troika calibrate [CALIBRATION.ini] --check POSTERIOR.h5 [--draws N]",
    "Fit free parameters so that the mean of replicate runs matches target\n"
    "figures, and write the fitted values as a scenario fragment (INI) with\n"
    "the fit and the residuals in its comments.  The calibration file names\n"
    "the base scenario, the replicates, days and averaging window, the\n"
    "targets ([target.NAME]: metric, value, scale, tolerance, per, stat,\n"
    "over, plus, validate) and the free parameters with bounds\n"
    "([free.section.name]: min, max, start).  Only parameters marked\n"
    "uncertain (assumption rows of `troika params`) may be free; their\n"
    "bounds default to the assumption's range.  Targets with validate = true\n"
    "are not fitted, only reported; every target is printed with its role\n"
    "and whether it is within its tolerance (met or MISSED).  See\n"
    "scenarios/calibration.ini and docs/CALIBRATION.md.\n"
    "\n"
    "The objective is the sum of squared scaled residuals; it is minimised by\n"
    "Nelder-Mead (GSL) with the same seeds at every evaluation (common random\n"
    "numbers).  Replicates run in parallel; the fit does not depend on the\n"
    "thread count.\n"
    "\n"
    "--method abc-smc samples the posterior of the free parameters (their\n"
    "ranges and `prior` keys are the priors) given the targets that are not\n"
    "`validate = true`, by approximate Bayesian computation (sequential Monte\n"
    "Carlo with an adaptive tolerance), and writes it as an HDF5 file.  The\n"
    "same seed gives the same posterior bit for bit for any --threads or MPI\n"
    "ranks; finished simulations are kept in POSTERIOR.h5.parts/ so that the\n"
    "same command resumes a killed run.  --check simulates draws of a\n"
    "posterior and prints, per target (validation ones too), the predictive\n"
    "median and 90% interval against the observed figure.  See\n"
    "docs/CALIBRATION.md.\n"
    "",
    calibrate_opts,
    CAL_NOPTS,
    "Exit status: 0 done, 1 failed while running, 2 bad input, 130/143\n"
    "stopped by SIGINT/SIGTERM.\n",
    1,
    "more than one calibration file ('%s')",
    "*.ini",
};

static void print_fit(const cal_calibration *c, FILE *f)
{
    fprintf(f, "%-14s %-48s %12s %12s %12s %8s  %-8s %s\n", "target", "metric", "value", "fitted",
            "residual", "z", "role", "tolerance");
    for (int t = 0; t < c->ntarget; t++) {
        const cal_target *g = &c->target[t];
        char label[128];
        fprintf(f, "%-14s %-48s %12.6g %12.6g %+12.4g %+8.2f  %-8s %s (%g)\n", g->name,
                cal_target_label(g, label, sizeof label), g->value, g->fitted, g->fitted - g->value,
                (g->fitted - g->value) / g->scale, g->validate ? "validate" : "fit",
                cal_target_met(g) ? "met" : "MISSED", g->tolerance);
    }
    for (int k = 0; k < c->nfree; k++) {
        char v[48];
        fprintf(f, "%-36s = %s\n", sim_param_table[c->free[k].param].key,
                sim_param_format_value(c->free[k].param, c->free[k].best, v, sizeof v));
    }
}

/* The ABC-SMC simulator: one cal_simulate, the fitted targets as statistics. */
typedef struct {
    const cal_calibration *c;
    int stat_target[ABC_MAX_STATS];
    int nstats;
} abc_user;

static sim_status abc_sim(void *user, const double *theta, uint64_t seed, double *stats,
                          volatile sig_atomic_t *stop, sim_error *err)
{
    const abc_user *u = user;
    double all[CAL_MAX_TARGETS];
    SIM_TRY(err, cal_simulate(u->c, theta, seed, u->c->abc_replicates, stop, all, err));
    for (int k = 0; k < u->nstats; k++)
        stats[k] = all[u->stat_target[k]];
    return SIM_OK;
}

static void print_posterior(const abc_run *r, FILE *f)
{
    const abc_config *c = abc_run_config(r);
    const abc_generation *h = abc_run_history(r);
    fprintf(f, "%10s %12s %10s %8s %12s\n", "generation", "tolerance", "acceptance", "ESS",
            "simulations");
    for (int g = 0; g < abc_run_generations(r); g++)
        fprintf(f, "%10d %12.4g %10.4f %8.1f %12lld\n", g, h[g].tolerance, h[g].acceptance,
                h[g].ess, (long long)h[g].simulations);
    fprintf(f, "stopped: %s; %lld simulations (%lld read from an earlier start)\n",
            abc_stop_name(abc_run_stopped(r)), (long long)abc_run_simulations(r),
            (long long)abc_run_resumed(r));
    int n = c->population, d = c->nparams;
    double *col = malloc((size_t)n * sizeof *col);
    if (!col)
        return;
    fprintf(f, "%-36s %12s %12s %12s %12s\n", "parameter", "mean", "5%", "median", "95%");
    for (int k = 0; k < d; k++) {
        double m, sd;
        abc_run_moments(r, k, &m, &sd);
        for (int i = 0; i < n; i++)
            col[i] = abc_run_theta(r)[(size_t)i * (size_t)d + (size_t)k];
        const double *w = abc_run_weights(r);
        fprintf(f, "%-36s %12.6g %12.6g %12.6g %12.6g\n", c->prior[k].name, m,
                abc_weighted_quantile(col, w, n, 0.05), abc_weighted_quantile(col, w, n, 0.5),
                abc_weighted_quantile(col, w, n, 0.95));
    }
    free(col);
}

/* Under mpirun every rank runs this with the same file (analysis/abc.h,
 * MPI); rank 0 keeps the parts, writes the posterior and prints. */
static sim_status run_abc(cal_calibration *c, sim_ctx *ctx, const char *out, int force, int restart,
                          FILE *log, const char *cmd, int rank, int ranks)
{
    sim_error *err = &ctx->err;
    abc_user u;
    abc_config cfg;
    u.c = c;
    cal_abc_config(c, &cfg, u.stat_target);
    u.nstats = cfg.nstats;
    char *text = NULL, *resolved = NULL, *identity = NULL, *parts = NULL;
    size_t len = 0;
    abc_run *r = NULL;
    sim_status st = SIM_OK;
    if (sim_ini_read_file(c->path, 1 << 20, &text, &len) != 0) {
        st = SIM_FAIL(err, SIM_EIO, c->path, 0, NULL, "cannot read the calibration file again");
        goto done;
    }
    resolved = scn_resolved_ini(&c->base);
    size_t n = strlen(text) + (resolved ? strlen(resolved) : 0) + 200;
    identity = malloc(n);
    parts = malloc(strlen(out) + 8);
    if (!resolved || !identity || !parts) {
        st = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
        goto done;
    }
    /* what a resumed run must match: the file and the resolved base scenario */
    snprintf(identity, n, "%s\n; ---- the base scenario, resolved:\n%s", text, resolved);
    snprintf(parts, strlen(out) + 8, "%s.parts", out);
    if (ranks > 1) {
        /* the ranks must have read the same files */
        uint64_t h = swp_hash(identity), h0 = h;
        swm_bcast_u64(&h0);
        if (swm_any(h0 != h)) {
            st = SIM_FAIL(err, SIM_EINPUT, c->path, 0, NULL,
                          "the ranks read different calibration files or base scenarios (is "
                          "every node seeing the same files?)");
            goto done;
        }
    }
    if ((st = abc_create(&r, &cfg, err)) != SIM_OK)
        goto done;
    abc_ranks mpi = {rank, ranks, swm_any, swm_bcast_bytes, swm_allgather_bytes};
    abc_exec ex = {ctx->threads, rank == 0 ? parts : NULL, identity, restart, log,
                   ctx->stop,    ranks > 1 ? &mpi : NULL};
    if (log)
        fprintf(log,
                "troika calibrate --method abc-smc: %d particles, batches of %d, %d "
                "parameters, %d targets fitted, %d run(s) a simulation; finished "
                "simulations kept in %s\n",
                cfg.population, cfg.batch, cfg.nparams, cfg.nstats, c->abc_replicates, parts);
    cu_signals_note("finished simulations are kept: the same command resumes");
    double t0 = omp_get_wtime();
    if ((st = abc_execute(r, abc_sim, &u, &ex, err)) != SIM_OK) {
        if (st == SIM_EINTERRUPT && log)
            fprintf(log,
                    "troika calibrate: stopped; the finished simulations are in %s and "
                    "the same command resumes\n",
                    parts);
        goto done;
    }
    if (rank != 0)
        goto done; /* rank 0 writes */
    char execution[64];
    if (ranks > 1)
        snprintf(execution, sizeof execution, "mpi %d ranks, %d thread%s each", ranks, ctx->threads,
                 ctx->threads == 1 ? "" : "s");
    else
        snprintf(execution, sizeof execution, "threads %d", ctx->threads);
    /* the absolute path, so that --check finds the file from any folder */
    char *abs = realpath(c->path, NULL);
    abs_prov pv = {cmd, execution, abs ? abs : c->path, text, resolved, omp_get_wtime() - t0};
    st = abs_write(out, force, r, &pv, err);
    free(abs);
    if (st != SIM_OK)
        goto done;
    if ((st = abc_parts_remove(r, &ex, err)) != SIM_OK)
        goto done;
    print_posterior(r, stdout);
    printf("wrote %s (%.1f s)\n", out, pv.wall_seconds);
done:
    abc_destroy(r);
    free(text);
    free(resolved);
    free(identity);
    free(parts);
    return st;
}

static sim_status run_check(const char *file, const char *post, int draws, sim_ctx *ctx, FILE *log)
{
    sim_error *err = &ctx->err;
    abs_posterior *p = NULL;
    cal_calibration c;
    int loaded = 0;
    double *y = NULL, *col = NULL;
    sim_status st = abs_read(&p, post, err);
    if (st != SIM_OK)
        return st;
    if ((st = cal_load(&c, file ? file : p->calibration, err)) != SIM_OK)
        goto done;
    loaded = 1;
    int nt = c.ntarget;
    y = malloc((size_t)draws * (size_t)nt * sizeof *y);
    col = malloc((size_t)draws * sizeof *col);
    if (!y || !col) {
        st = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
        goto done;
    }
    if (log)
        fprintf(log, "troika calibrate --check: %d posterior draws, %d run(s) each\n", draws,
                c.abc_replicates);
    if ((st = cal_predict(&c, p, draws, ctx->threads, ctx->stop, y, err)) != SIM_OK)
        goto done;
    printf("%-36s %-8s %12s %12s %12s %12s  %s\n", "target", "role", "observed", "median", "5%",
           "95%", "inside");
    for (int t = 0; t < nt; t++) {
        for (int m = 0; m < draws; m++)
            col[m] = y[(size_t)m * (size_t)nt + (size_t)t];
        gsl_sort(col, 1, (size_t)draws);
        double lo = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)draws, 0.05);
        double med = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)draws, 0.5);
        double hi = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)draws, 0.95);
        const cal_target *g = &c.target[t];
        printf("%-36s %-8s %12.6g %12.6g %12.6g %12.6g  %s\n", g->name,
               g->validate ? "validate" : "fitted", g->value, med, lo, hi,
               g->value >= lo && g->value <= hi ? "yes" : "no");
    }
done:
    free(y);
    free(col);
    if (loaded)
        cal_free_calibration(&c);
    abs_destroy(p);
    return st;
}

int cmd_calibrate(int argc, char **argv)
{
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    sim_error *err = &ctx.err;
    clo_args a;
    int rc = clo_parse(&cli_spec_calibrate, argc, argv, &a);
    const char *file = a.npos ? a.pos[0] : NULL, *out = clo_get(&a, CAL_OUTPUT);
    const char *threads = clo_get(&a, CAL_THREADS), *method = clo_get(&a, CAL_METHOD);
    const char *check = clo_get(&a, CAL_CHECK), *draws_text = clo_get(&a, CAL_DRAWS);
    int force = clo_has(&a, CAL_FORCE), quiet = clo_has(&a, CAL_QUIET);
    int evaluate = clo_has(&a, CAL_EVALUATE), restart = clo_has(&a, CAL_RESTART);
    clo_args_free(&a); /* the values are argv's */
    if (rc != CLO_OK)
        return rc == CLO_HELP ? 0 : rc;
    rc = 0;
    int abc = method && strcmp(method, "abc-smc") == 0; /* the table allows only the two */
    long long draws = 100;
    if (draws_text && cu_opt_int(draws_text, 2, 1000000, "--draws", &draws, err) != SIM_OK)
        return cu_report(err);
    if (threads && cu_opt_threads(threads, &ctx.threads, err) != SIM_OK)
        return cu_report(err);
    omp_set_num_threads(ctx.threads);
    cu_install_signals(&ctx);
    FILE *log = quiet ? NULL : stderr;
    if (check) {
        sim_status st = run_check(file, check, (int)draws, &ctx, log);
        return st == SIM_OK ? 0 : cu_report(err);
    }
    if (!file)
        return cu_usage_error("calibrate", "%s", "a calibration file is required");
    if (!out && (abc || !evaluate)) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o",
                 abc ? "an output posterior is required (-o FILE.h5)"
                     : "an output fragment is required (-o FILE.ini)");
        return cu_report(err);
    }
    if (out && !force && access(out, F_OK) == 0) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "%s exists; use --force to overwrite", out);
        return cu_report(err);
    }
    cal_calibration c;
    if (cal_load(&c, file, err) != SIM_OK) {
        cal_free_calibration(&c);
        return cu_report(err);
    }
    char *cmd = cu_join_command(argc + 1, argv - 1);
    sim_status st;
    if (abc) {
        int launched = swm_launched_size(), rank = 0, ranks = 1;
        if (launched > 1 && !swm_built()) {
            st = SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL,
                          "started by an MPI launcher with %d processes, but this troika was "
                          "built without MPI: every process would run the whole calibration "
                          "(rebuild with -DTROIKA_MPI=ON, or run it without mpirun)",
                          launched);
        } else if (launched > 1 && (st = swm_init(&rank, &ranks, err)) != SIM_OK) {
            launched = 0;
        } else {
            if (launched > 1 && !threads)
                ctx.threads = 1; /* one rank per core */
            if (rank != 0)
                log = NULL;
            st = run_abc(&c, &ctx, out, force, restart, log, cmd ? cmd : "troika calibrate", rank,
                         ranks);
        }
        free(cmd);
        if (st != SIM_OK)
            rc = rank == 0 ? cu_report(err) : sim_status_exit_code(err->code);
        if (launched > 1)
            swm_finalize(0);
        cal_free_calibration(&c);
        return rc;
    }
    if (log)
        fprintf(log,
                "troika calibrate: %d targets, %d free parameters, %d replicates x %lld days\n",
                c.ntarget, c.nfree, c.replicates, (long long)c.days);
    if (evaluate) {
        double x[CAL_MAX_FREE];
        for (int k = 0; k < c.nfree; k++)
            x[k] = c.free[k].start;
        st = cal_objective(&c, &ctx, x, &c.objective);
    } else {
        st = cal_fit(&c, &ctx, log);
    }
    if (st == SIM_OK) {
        printf("objective %.4f after %d iterations (%d evaluations)\n", c.objective,
               c.iterations_done, c.evaluations);
        print_fit(&c, stdout);
        if (out) {
            st = cal_write_fragment(&c, out, force, cmd ? cmd : "troika calibrate", err);
            if (st == SIM_OK)
                printf("wrote %s\n", out);
        }
    }
    free(cmd);
    if (st != SIM_OK)
        rc = cu_report(err);
    cal_free_calibration(&c);
    return rc;
}
