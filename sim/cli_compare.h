/* sim/cli_compare.h — the `compare`, `report` and `diff` subcommands
 * (rows of commands[] in cli.c).  Each handler takes the subcommand's argv
 * (argv[0] is its name) and returns the process exit status: 0 success, 1
 * a failure while running or writing, 2 bad input or usage. */
#ifndef TROIKA_SIM_CLI_COMPARE_H
#define TROIKA_SIM_CLI_COMPARE_H

#include "cli_opt.h"

extern const clo_spec cli_spec_compare;
extern const clo_spec cli_spec_report;
extern const clo_spec cli_spec_diff;

int cli_cmd_compare(int argc, char **argv);
int cli_cmd_report(int argc, char **argv);
int cli_cmd_diff(int argc, char **argv);

#endif
