/* sim/runner.h — running one scenario: the day loop.
 *
 * sim_run() builds the city and the model from a resolved scenario, applies
 * each policy change at the start of its day, steps the model day by day,
 * reduces the day's tally to the city series and accumulates the sampled
 * per-compound and per-sub-district panels (one parallel loop over
 * sub-districts, each reading its compounds in order: the panels do not
 * depend on the number of threads).  It reports progress through the context and stops
 * early (SIM_EINTERRUPT) when the context's stop flag is raised.
 *
 * Long runs and forks (docs/CHECKPOINTS.md): sim_run_ex() can write a
 * checkpoint every N days (and when stopped by a signal), and can start
 * from a loaded checkpoint instead of day 0 — to resume the same scenario
 * (the result is bit for bit that of an uninterrupted run, whatever the
 * thread counts) or to fork another scenario from the checkpoint's state:
 *   - the city, the agents and the result so far come from the checkpoint;
 *     the structural (non-mutable) parameters of the scenario must equal
 *     the checkpoint's (run.days and run.seed excepted), else SIM_EINPUT
 *     naming the key and both values;
 *   - at the checkpoint's day D the levers take the scenario's values with
 *     its policy changes dated before D applied (each lever that differs
 *     from the checkpoint's current value is changed once, through
 *     mdl_apply_change); changes dated D or later apply on their day;
 *   - the random streams use the scenario's run.seed from day D on (the
 *     city keeps the seed it was built with); the run ends at run.days > D.
 * A fork of the checkpoint's own scenario and seed is therefore a resume.
 *
 * The result owns everything it points to; sim_result_destroy() frees it.
 */
#ifndef TROIKA_SIM_RUNNER_H
#define TROIKA_SIM_RUNNER_H

#include <stdint.h>

#include "checkpoint.h"
#include "ctx.h"
#include "err.h"
#include "metrics.h"
#include "output.h"
#include "scenario.h"
#include "world.h"

#define SIM_MAX_GROUPS 8 /* groups of phases in a model's day, at most */

typedef struct {
    int64_t days;
    uint64_t seed;
    sim_world *world;
    double *city; /* days x SIM_MET_N, row-major */
    int64_t nsamples;
    int64_t *sample_day;        /* [nsamples] */
    float *panel[SIM_MET_N];    /* nsamples x ncomp for panel metrics, else NULL */
    float *subpanel[SIM_MET_N]; /* nsamples x nsub when sim_metric_subpanel(m),
                                   else NULL */
    double seconds;             /* wall time of the day loop (information) */
    int ngroups;                /* of which each group of the model's phases: */
    double group_seconds[SIM_MAX_GROUPS];
    const char *const *group_name;
    double panel_seconds; /* and the panels and the city series */
    int64_t first_day;    /* the day this run started from (0, or a checkpoint's) */
    char *forked_from;    /* NULL, or the provenance of a fork (sim_run_opts) */
} sim_result;

typedef struct {
    int64_t checkpoint_every;    /* > 0: write a checkpoint after every N days done */
    const char *checkpoint_path; /* where (required with checkpoint_every); each
                                    checkpoint replaces the previous one */
    const sim_checkpoint *from;  /* start from this state (NULL: from day 0) */
    const char *forked_from;     /* recorded in the output and later checkpoints */
    const char *command_line;    /* recorded in checkpoints (information) */
    int64_t stop_at;             /* > 0: stop at the start of this day as if a
                                   signal had come (tests) */
} sim_run_opts;

/* Run scenario s (seed and days from s->params.run_*). */
sim_status sim_run(sim_ctx *ctx, const scn_scenario *s, sim_result **out);

/* The same with options (NULL: none).  A stop (signal or stop_at) while
 * checkpointing first writes a checkpoint of the day reached, then returns
 * SIM_EINTERRUPT.  Starting from a checkpoint: SIM_EINPUT when run.days is
 * not beyond its day or a structural parameter differs (see above). */
sim_status sim_run_ex(sim_ctx *ctx, const scn_scenario *s, const sim_run_opts *opts,
                      sim_result **out);
void sim_result_destroy(sim_result *r);

/* Write a result to path (atomically: see output.h). */
sim_status sim_result_write(const sim_result *r, const scn_scenario *s, const char *path, int force,
                            const char *command_line, int threads, sim_error *err);

/* The last completed run's city value of metric m on day d. */
static inline double sim_result_city(const sim_result *r, int64_t d, int m)
{
    return r->city[d * SIM_MET_N + m];
}

#endif
