/* sim/runner.h — running one scenario: the day loop.
 *
 * sim_run() builds the city and the model from a resolved scenario, applies
 * each policy change at the start of its day, steps the model day by day,
 * reduces the day's tally to the city series and accumulates the sampled
 * per-compound panel.  It reports progress through the context and stops
 * early (SIM_EINTERRUPT) when the context's stop flag is raised.
 *
 * The result owns everything it points to; sim_result_destroy() frees it.
 */
#ifndef TROIKA_SIM_RUNNER_H
#define TROIKA_SIM_RUNNER_H

#include <stdint.h>

#include "ctx.h"
#include "err.h"
#include "metrics.h"
#include "output.h"
#include "scenario.h"
#include "world.h"

typedef struct {
    int64_t days;
    uint64_t seed;
    sim_world *world;
    double *city;             /* days x SIM_MET_N, row-major */
    int64_t nsamples;
    int64_t *sample_day;      /* [nsamples] */
    float *panel[SIM_MET_N];  /* nsamples x ncomp for panel metrics, else NULL */
    double seconds;           /* wall time of the day loop (information) */
} sim_result;

/* Run scenario s (seed and days from s->params.run_*). */
sim_status sim_run(sim_ctx *ctx, const scn_scenario *s, sim_result **out);
void sim_result_destroy(sim_result *r);

/* Write a result to path (atomically: see output.h). */
sim_status sim_result_write(const sim_result *r, const scn_scenario *s,
                            const char *path, int force, const char *command_line,
                            int threads, sim_error *err);

/* The last completed run's city value of metric m on day d. */
static inline double sim_result_city(const sim_result *r, int64_t d, int m)
{
    return r->city[d * SIM_MET_N + m];
}

#endif
