/* sim/cli_compare.h — the `compare`, `report` and `diff` subcommands
 * (rows of commands[] in cli.c).  Each handler takes the subcommand's argv
 * (argv[0] is its name) and returns the process exit status: 0 success, 1
 * a failure while running or writing, 2 bad input or usage. */
#ifndef TROIKA_SIM_CLI_COMPARE_H
#define TROIKA_SIM_CLI_COMPARE_H

#include <stdint.h>

#include "cli_opt.h"

extern const clo_spec cli_spec_compare;
extern const clo_spec cli_spec_report;
extern const clo_spec cli_spec_diff;

int cli_cmd_compare(int argc, char **argv);
int cli_cmd_report(int argc, char **argv);
int cli_cmd_diff(int argc, char **argv);

/* `troika sensitivity COMPARE.h5` on a comparison under a posterior
 * (compare --posterior): for each metric (all when nmetrics is 0) and
 * reform, the uncertain parameters ranked by the first-order index of the
 * per-draw mean effect (analysis/sensitivity.h, sen_binned), with bootstrap
 * intervals; printed and, with csv (a path or "-"), as CSV.  Returns the
 * exit status.  Called by `troika sensitivity` (sim/cli_sweep.c). */
int cli_posterior_sensitivity(const char *path, const char *const *metrics, int nmetrics,
                              const char *csv, int nboot, double level, uint64_t seed, int quiet);

#endif
