/* sim/cli_calibrate.c — `troika calibrate CALIBRATION.ini`: fit free
 * parameters to target figures (sim/calibrate.h) and write the result
 * as a scenario fragment. */
#include "cli_calibrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "calibrate.h"
#include "cli_util.h"
#include "metrics.h"
#include "params.h"

#define CALIBRATE_OPTS(X)                                                                    \
    X(CAL_OUTPUT, "--output", "-o", "FILE", CLO_VALUE, NULL, "the fragment to write (required)") \
    X(CAL_FORCE, "--force", NULL, NULL, CLO_FLAG, NULL, "overwrite FILE if it exists")       \
    X(CAL_THREADS, "--threads", NULL, "N", CLO_VALUE, NULL, "OpenMP threads (default: all cores)") \
    X(CAL_EVALUATE, "--evaluate", NULL, NULL, CLO_FLAG, NULL,                                \
      "only evaluate the targets at the starting values")                                   \
    X(CAL_QUIET, "--quiet", "-q", NULL, CLO_FLAG, NULL, "no progress lines")

enum { CALIBRATE_OPTS(CLO_ENUM) CAL_NOPTS };
static const clo_opt calibrate_opts[] = {CALIBRATE_OPTS(CLO_ROW)};

const clo_spec cli_spec_calibrate = {
    "calibrate",
    "troika calibrate CALIBRATION.ini -o FRAGMENT.ini [OPTIONS]",
    "Fit free parameters so that the mean of replicate runs matches target\n"
    "figures, and write the fitted values as a scenario fragment (INI) with\n"
    "the fit and the residuals in its comments.  The calibration file names\n"
    "the base scenario, the replicates, days and averaging window, the\n"
    "targets ([target.NAME]: metric, value, scale, per) and the free\n"
    "parameters with bounds ([free.section.name]: min, max, start); see\n"
    "scenarios/calibration.ini and docs/CALIBRATION.md.\n"
    "\n"
    "The objective is the sum of squared scaled residuals; it is minimised by\n"
    "Nelder-Mead (GSL) with the same seeds at every evaluation (common random\n"
    "numbers).  Replicates run in parallel; the fit does not depend on the\n"
    "thread count.\n",
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
    fprintf(f, "%-36s %12s %12s %12s %8s\n", "target", "value", "fitted", "residual", "z");
    for (int t = 0; t < c->ntarget; t++) {
        const cal_target *g = &c->target[t];
        fprintf(f, "%-36s %12.6g %12.6g %+12.4g %+8.2f\n", sim_metric_table[g->metric].name,
                g->value, g->fitted, g->fitted - g->value, (g->fitted - g->value) / g->scale);
    }
    for (int k = 0; k < c->nfree; k++) {
        char v[48];
        fprintf(f, "%-36s = %s\n", sim_param_table[c->free[k].param].key,
                sim_param_format_value(c->free[k].param, c->free[k].best, v, sizeof v));
    }
}

int cmd_calibrate(int argc, char **argv)
{
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    sim_error *err = &ctx.err;
    clo_args a;
    int rc = clo_parse(&cli_spec_calibrate, argc, argv, &a);
    const char *file = a.npos ? a.pos[0] : NULL, *out = clo_get(&a, CAL_OUTPUT);
    const char *threads = clo_get(&a, CAL_THREADS);
    int force = clo_has(&a, CAL_FORCE), quiet = clo_has(&a, CAL_QUIET);
    int evaluate = clo_has(&a, CAL_EVALUATE);
    clo_args_free(&a); /* the values are argv's */
    if (rc != CLO_OK)
        return rc == CLO_HELP ? 0 : rc;
    if (!file)
        return usage_error("calibrate", "%s", "a calibration file is required");
    if (!out && !evaluate) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "an output fragment is required (-o FILE.ini)");
        return report(err);
    }
    if (threads && opt_threads(threads, &ctx.threads, err) != SIM_OK)
        return report(err);
    if (out && !force && access(out, F_OK) == 0) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "%s exists; use --force to overwrite", out);
        return report(err);
    }
    omp_set_num_threads(ctx.threads);
    install_signals(&ctx);
    cal_calibration c;
    if (cal_load(&c, file, err) != SIM_OK) {
        cal_free_calibration(&c);
        return report(err);
    }
    FILE *log = quiet ? NULL : stderr;
    if (log)
        fprintf(log, "troika calibrate: %d targets, %d free parameters, %d replicates x %lld days\n",
                c.ntarget, c.nfree, c.replicates, (long long)c.days);
    sim_status st;
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
            char *cmd = join_command(argc + 1, argv - 1);
            st = cal_write_fragment(&c, out, force, cmd ? cmd : "troika calibrate", err);
            free(cmd);
            if (st == SIM_OK)
                printf("wrote %s\n", out);
        }
    }
    if (st != SIM_OK)
        rc = report(err);
    cal_free_calibration(&c);
    return rc;
}
