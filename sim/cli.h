/* sim/cli.h — the `troika` command line: subcommands, options, help.
 *
 * cli_main() parses argv, runs one subcommand and returns the process exit
 * status: 0 success, 1 a failure while running (I/O, memory, interrupted),
 * 2 bad input or usage (with one located line on stderr).  main() only calls
 * it; nothing below prints or exits on its own.
 */
#ifndef TROIKA_SIM_CLI_H
#define TROIKA_SIM_CLI_H

int cli_main(int argc, char **argv);

#endif
