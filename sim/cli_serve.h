/* sim/cli_serve.h — the `serve` subcommand (a row of commands[] in cli.c):
 * parse the options, start the explorer (sim/serve.h), print its address
 * and wait for SIGINT or SIGTERM.  Returns the exit status: 0 stopped by a
 * signal after a clean shutdown, 1 could not listen, 2 bad input. */
#ifndef TROIKA_SIM_CLI_SERVE_H
#define TROIKA_SIM_CLI_SERVE_H

#include "cli_opt.h"

extern const clo_spec cli_spec_serve;

int cli_cmd_serve(int argc, char **argv);

#endif
