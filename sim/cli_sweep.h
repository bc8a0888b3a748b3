/* sim/cli_sweep.h — `troika sweep`, `troika merge` and `troika sensitivity`
 * (see sim/sweep.h, sweep_exec.h, sweep_mpi.h, sensitivity.h and
 * docs/SWEEPS.md).  Handlers return the process exit status. */
#ifndef TROIKA_SIM_CLI_SWEEP_H
#define TROIKA_SIM_CLI_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "cli_opt.h"
#include "err.h"

extern const clo_spec cli_spec_sweep;
extern const clo_spec cli_spec_merge;
extern const clo_spec cli_spec_sensitivity;
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);

/* The shard of a job: `given` ("K/N", 1 <= K <= N; *k is 0-based), or when
 * NULL a Slurm array task's (SLURM_ARRAY_TASK_*; note says so), or 0 of 1.
 * SIM_EINPUT (key --shard) for a bad value.  Used by sweep and compare. */
sim_status cli_shard_option(const char *given, int64_t *k, int64_t *n, char *note, size_t nn,
                            sim_error *err);

#endif
