/* sim/cli_sweep.h — `troika sweep`, `troika merge` and `troika sensitivity`
 * (see sim/sweep.h, sweep_exec.h, sweep_mpi.h, sensitivity.h and
 * docs/SWEEPS.md).  Handlers return the process exit status. */
#ifndef TROIKA_SIM_CLI_SWEEP_H
#define TROIKA_SIM_CLI_SWEEP_H

#include "cli_opt.h"

extern const clo_spec cli_spec_sweep;
extern const clo_spec cli_spec_merge;
extern const clo_spec cli_spec_sensitivity;
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);

#endif
