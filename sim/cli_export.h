/* sim/cli_export.h — `troika export FILE --table T [-o OUT.csv]`: a result
 * file's tables as tidy CSV (analysis/export.h).  A row of commands[] in
 * cli.c; the handler returns the process exit status. */
#ifndef TROIKA_SIM_CLI_EXPORT_H
#define TROIKA_SIM_CLI_EXPORT_H

#include "cli_opt.h"

extern const clo_spec cli_spec_export;
int cli_cmd_export(int argc, char **argv);

#endif
