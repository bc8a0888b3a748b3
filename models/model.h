/* models/model.h — the whole model: the state of every kind of agent and the
 * daily schedule that moves them.
 *
 * mdl_model owns the agents' changing state (households, property firms,
 * ...) and the day's tally of outputs; the city structure it reads belongs
 * to the caller (sim_world) and must outlive the model.  `p` is the model's
 * own copy of the parameters: policies change its mutable fields between
 * days (sim/runner.c), never during one.
 *
 * mdl_step() is the schedule: one phase per line, each phase a loop over
 * compounds (or sub-districts) that runs in parallel; a phase touches only
 * the entity it is called for, and randomness comes from streams keyed by
 * (seed, purpose, entity, day), so the result is the same for any number of
 * threads.
 */
#ifndef TROIKA_MODELS_MODEL_H
#define TROIKA_MODELS_MODEL_H

#include <stdint.h>

#include "household.h"
#include "pmc.h"
#include "sim/ctx.h"
#include "sim/err.h"
#include "sim/metrics.h"
#include "sim/params.h"
#include "sim/world.h"

/* Days in a billing month: compound c bills on days d with d % 30 == c % 30,
 * which spreads the monthly work evenly over the days. */
#define MDL_MONTH 30

typedef struct {
    const sim_world *w;
    sim_params p;
    uint64_t seed;
    hh_state hh;
    pmc_state pmc;
    sim_tally *tally; /* the current day's outputs, row per compound/sub-district */
} mdl_model;

/* Build the model's initial state.  `w` must outlive the model. */
sim_status mdl_create(mdl_model **out, const sim_world *w, const sim_params *p,
                      uint64_t seed, sim_error *err);
void mdl_destroy(mdl_model *m);

/* Advance one day: fills m->tally with the day's outputs. */
sim_status mdl_step(mdl_model *m, sim_ctx *ctx, int64_t day);

/* Cross-field checks of a parameter set (one place for every rule that
 * involves more than one parameter).  SIM_EINPUT with the key concerned. */
sim_status mdl_params_check(const sim_params *p, sim_error *err);

#endif
