/* models/model.h — the whole model: the state of every kind of agent and the
 * daily schedule that moves them.
 *
 * mdl_model owns the agents' changing state (households, property firms,
 * owners' committees, the party organisation, residents' committees,
 * enforcement squads, mediation rooms), the buffers through which they
 * interact (shared.h) and the day's tally of outputs.  The city structure it
 * reads belongs to the caller (sim_world) and must outlive the model.  `p` is
 * the model's own copy of the parameters: policies change its mutable fields
 * between days through mdl_apply_change(), never during one.
 *
 * mdl_step() is the schedule: one phase per line, each phase a loop over
 * compounds, sub-districts or residents' committees that runs in parallel; a
 * phase touches only the entity it is called for, and randomness comes from
 * streams keyed by (seed, purpose, entity, day), so the result is the same
 * for any number of threads.
 */
#ifndef TROIKA_MODELS_MODEL_H
#define TROIKA_MODELS_MODEL_H

#include <stdint.h>

#include "enforce.h"
#include "household.h"
#include "mediation.h"
#include "oc.h"
#include "party.h"
#include "pmc.h"
#include "rc.h"
#include "shared.h"
#include "ctx.h"
#include "err.h"
#include "metrics.h"
#include "params.h"
#include "world.h"

/* Days in a billing month: compound c bills on days d with d % 30 == c % 30,
 * which spreads the monthly work evenly over the days. */
#define MDL_MONTH 30

/* The day's groups of phases: one parallel loop each (see mdl_step). */
#define MDL_NGROUPS 4

typedef struct mdl_model {
    const sim_world *w;
    sim_params p;
    uint64_t seed;
    mdl_shared sh;     /* what the modules tell each other */
    hh_state hh;       /* households */
    pmc_state pmc;     /* property firms, defects, complaints */
    oc_model oc;       /* owners' committees and assemblies */
    party_model party; /* residential party organisation */
    rc_model rc;       /* residents' committees and community workers */
    enf_model enf;     /* enforcement squads and violations */
    med_model med;     /* mediation rooms and disputes */
    sim_tally *tally;  /* the current day's outputs, row per compound/sub-district */
    double group_seconds[MDL_NGROUPS]; /* wall time in each group of phases so far
                                          (information, for --timing) */
} mdl_model;

/* Names of the day's groups of phases (mdl_step), for --timing. */
extern const char *const mdl_group_name[MDL_NGROUPS];

/* Build the model's initial state.  `w` must outlive the model. */
sim_status mdl_create(mdl_model **out, const sim_world *w, const sim_params *p, uint64_t seed,
                      sim_error *err);
void mdl_destroy(mdl_model *m);

/* Advance one day: fills m->tally with the day's outputs. */
sim_status mdl_step(mdl_model *m, sim_ctx *ctx, int64_t day);

/* A policy sets parameter `param` (a mutable one) to `value` at the start of
 * `day`; the modules that derive state from it are told.  A module that
 * cannot follow (out of memory re-staffing) fails the change: the error,
 * located, is the run's. */
sim_status mdl_apply_change(mdl_model *m, int param, double value, int64_t day, sim_error *err);

/* Register the whole model's state (sim/state.h): every module's arrays,
 * the shared buffers.  What is NOT registered, and why: the world (rebuilt
 * from the fixed parameters and the world seed), the parameters m->p and
 * the seed (saved by the checkpoint itself), and the tally (cleared at the
 * start of every day).  The registry points into m: it must not outlive
 * it, and it stays valid as the model runs (growable arrays are reached
 * through their pointers). */
void mdl_state_register(mdl_model *m, sim_state *st);

/* The checks across fields of every module (xx_state_check), run by the
 * registry after a checkpoint is loaded (sim_state_on_load): every value
 * has been range-checked by then; these check what one field cannot say. */
sim_status mdl_state_check(void *m, sim_error *err);

/* The days the restored state has lived (its queues' clock; the runner
 * checks it against the checkpoint's day). */
double mdl_state_day(const mdl_model *m);

/* Cross-field checks of a parameter set (one place for every rule that
 * involves more than one parameter; models/params_check.c).  SIM_EINPUT with
 * the key concerned. */
sim_status mdl_params_check(const sim_params *p, sim_error *err);

#endif
