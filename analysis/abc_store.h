/* analysis/abc_store.h — the posterior file of an ABC-SMC run.
 *
 * One HDF5 file (schema in docs/CALIBRATION.md, "The posterior file"),
 * written whole under a temporary name and renamed (analysis/afile.h):
 *   /                  attributes: file_kind ABS_FORMAT, schema_version
 *                      ABS_FORMAT_VERSION, Conventions "CF-1.8", the
 *                      configuration (seed, population,
 *                      batch, quantile, kernel_scale, min_tolerance,
 *                      max_generations, max_simulations, min_acceptance),
 *                      the outcome (generations, simulations, stopped) and
 *                      provenance (troika_version, git_commit, command_line,
 *                      execution, calibration, calibration_text,
 *                      base_scenario, wall_seconds)
 *   /parameters/       name, prior (strings), min, max, mean, sd  [nparams]
 *   /targets/          name (strings), observed, scale             [nstats]
 *   /particles/        theta [N x nparams], weight [N] (sum 1),
 *                      distance [N], stats [N x nstats]
 *   /history/          tolerance, acceptance, ess (f64), proposals,
 *                      simulations (i64)                     [generations]
 * Since format version 2 also a netCDF-4 / CF file: each group holds its
 * axes as dimension scales (/parameters/parameter, /targets/target,
 * /particles/particle, parameter and target, /history/generation), every
 * dataset has a CF long_name (= its "description" attribute).  Only the root attributes
 * resumed, execution, command_line and wall_seconds depend on how the run
 * was executed; every dataset depends on the configuration alone.
 *
 * Memory: abs_read allocates an abs_posterior that abs_destroy frees
 * (NULL is fine).  Not thread-safe (HDF5).
 */
#ifndef TROIKA_ANALYSIS_ABC_STORE_H
#define TROIKA_ANALYSIS_ABC_STORE_H

#include <stdint.h>

#include "abc.h"
#include "err.h"

#define ABS_FORMAT "troika-posterior" /* file_kind */
#define ABS_FORMAT_VERSION 2          /* 2: netCDF-4 / CF axes */
#define ABS_FORMAT_OLDEST 1           /* still read: version 2 without the axes */

typedef struct {
    const char *command_line;
    const char *execution;        /* e.g. "threads 2" */
    const char *calibration;      /* the calibration file's path */
    const char *calibration_text; /* its text */
    const char *base_scenario;    /* the base scenario, resolved (INI) */
    double wall_seconds;
} abs_prov;

/* Write the result of a finished run (refused if path exists, unless force). */
sim_status abs_write(const char *path, int force, const abc_run *r, const abs_prov *pv,
                     sim_error *err);

/* A posterior file read back. */
typedef struct {
    abc_config c; /* priors, targets and settings as written */
    int64_t n;    /* particles */
    int generations;
    double *theta;     /* n x c.nparams */
    double *weight;    /* n */
    double *distance;  /* n */
    double *tolerance; /* generations */
    char *calibration; /* the calibration file's path, as written */
} abs_posterior;

/* Read a posterior file; not one (or another format version): SIM_EINPUT. */
sim_status abs_read(abs_posterior **out, const char *path, sim_error *err);
void abs_destroy(abs_posterior *p);

#endif
