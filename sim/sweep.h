/* sim/sweep.h — sweep files: a plan (analysis/design.h) and its base scenario.
 *
 * A sweep file (INI, scenarios/sweeps/, format in docs/SWEEPS.md) names a
 * base scenario, the parameters to vary (a range, linear or log, or a list
 * of values), a design (grid, Latin hypercube, Sobol sequence, or the
 * Saltelli sample of a Sobol sensitivity analysis), replicates per point, a
 * master seed, the days and the metrics to keep.  swp_load() reads it,
 * validates every key through the parameter table (type and bounds, with
 * file:line:key), loads the base scenario once, computes the design and
 * checks every design point against the cross-parameter rules, so a sweep
 * that starts never fails on bad input halfway.
 *
 * Runs.  Run i is point i / replicates, replicate i % replicates.  Its seed
 * is a function of the master seed and i alone (swp_seed(): splitmix64),
 * never of the thread, rank or shard that runs it; with `seeds = common`
 * replicate r of every point shares one seed (common random numbers).
 *
 * Two objects:
 *   swp_plan   what a sweep is, as plain data: the texts, the factors, the
 *              design matrix, the metrics.  It is what sweep output files
 *              store, and what sweep_store reads back from them.
 *   swp_sweep  a plan plus its base scenario in memory, to build each run's
 *              scenario (swp_run_scenario) without reading files again.
 *
 * The identity of a sweep is the sweep file's text, the resolved base
 * scenario (every parameter value, every policy) and the troika commit:
 * finished runs are only ever reused by a sweep of the same identity.
 *
 * Memory: swp_load allocates; swp_destroy frees (NULL is fine).  A loaded
 * sweep is read-only and may be shared by threads.
 */
#ifndef TROIKA_SIM_SWEEP_H
#define TROIKA_SIM_SWEEP_H

#include <stdint.h>

#include "design.h"
#include "err.h"
#include "params.h"
#include "scenario.h"

typedef struct {
    swp_plan plan;
    scn_scenario base; /* finished: base file, [set], days; seed unset */
} swp_sweep;

/* Read, validate and expand a sweep file.  Input problems are SIM_EINPUT
 * with file, line and key; problems of the base scenario name the base
 * file's line. */
sim_status swp_load(swp_sweep **out, const char *path, sim_error *err);

/* The model's parameter and metric tables, as analysis/'s sweep store
 * takes them (design.h, swp_tables); the same pointer on every call from
 * one thread. */
const swp_tables *swp_model_tables(void);
void swp_destroy(swp_sweep *s);

/* The scenario of run `run`: a shallow copy of the base scenario (it shares
 * the base's policy arrays: never scn_free() it) with the point's values and
 * the run's seed. */
void swp_run_scenario(const swp_sweep *s, int64_t run, scn_scenario *view);

#endif
