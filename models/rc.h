/* models/rc.h — residents' committees (居委会) and their community workers.
 *
 * Each residents' committee (RC) covers 1-3 consecutive compounds of one
 * sub-district (sim_world: rc_comp0).  It has rc.workers_per_rc community
 * workers, each working rc.hours_per_worker hours a day.  A day of RC r:
 *
 *   hours     all hours = administration + acting for OCs + service.
 *             Administration per worker = tasks x hours per task x repeated
 *             entry over the platforms (the community cloud removes the
 *             repetition and part of the task), plus non-core assigned
 *             tasks, which grow as duties are pushed down (a
 *             responsibility list slows that growth).  Acting for a
 *             failed owners' committee costs rc.act_hours a compound and
 *             comes out of what is left; service is the rest, split over the
 *             compounds by households and multiplied by the training
 *             effectiveness.
 *   acting    where the lever allows it (a fixed uniform per compound below
 *             rc.acts_for_oc, so a larger share only adds compounds), the RC
 *             acts for an OC that has been without a working committee for
 *             rc.act_delay_days, for at most rc.act_max_days per lapse.
 *   service   effective hours per household buy, with diminishing returns,
 *             assembly mobilisation, violation detection and satisfaction
 *             with the RC (which also follows up the complaints routed to it
 *             and is blamed for those still unresolved); trust follows
 *             satisfaction slowly.
 *   workers   each worker watches one compound of the RC (workers are spread
 *             over the compounds by households) and holds an assessment of
 *             its property firm, formed from what the worker sees: the
 *             service quality at inspections (with a personal bias and
 *             noise; inspections are more frequent with more service hours),
 *             the complaints routed to the RC and the backlog of open
 *             defects.  The worker rates the service inadequate while the
 *             assessment is below rc.inadequate_below.
 *
 * Writes (models/shared.h), for the compounds of RC r only: rc_acting,
 * rc_trust, rc_satisfaction, rc_service_hours (EFFECTIVE service hours:
 * clock hours x training effectiveness, equal to clock hours while
 * rc.training = 0), rc_supervision, mobilisation, detection.  Reads oc_state,
 * complaints_rc, complaints_hotline, the firms' quality and open defects.
 * The day's figures go to RC r's own tally row (sim_tally_rc).
 *
 * Mechanisms, parameters and sources: docs/ODD.md.
 *
 * Ownership: rc_create() allocates everything it needs (a failure frees what
 * it took); rc_destroy() frees it and is a no-op on a zeroed model.
 * Thread safety: rc_day() touches RC r's workers, its compounds' entries
 * and its tally row only; different RCs may run in parallel.  Random numbers
 * come from streams keyed (seed, SIM_RNG_WORKERS, r, day) and, at creation,
 * (seed, SIM_RNG_RC_INIT, entity, 0 or 1): results do not depend on threads.
 */
#ifndef TROIKA_MODELS_RC_H
#define TROIKA_MODELS_RC_H

#include <stdint.h>

#include "err.h"
#include "fields.h"
#include "params.h"
#include "state.h"
#include "world.h"

struct mdl_model;

/* The state arrays (core/fields.h: struct members, allocation, free and
 * checkpoint registration come from this list, in this order):
 * X(object, type, name, length, lo, hi).  Per worker [nworkers] (the
 * workers of RC r are [rc_w0[r], rc_w0[r+1])), per compound [ncomp], per RC
 * [nrc]. */
#define RC_FIELDS(X, o)                                                                            \
    /* [nrc+1] first worker of each RC */                                                          \
    X(o, int32_t, rc_w0, (int64_t)(o)->nrc + 1, 0, INT32_MAX)                                      \
    /* per worker: compound the worker watches */                                                  \
    X(o, int32_t, w_comp, (o)->nworkers, 0, (double)(o)->ncomp - 1)                                \
    /* fixed personal bias of the worker's judgement */                                            \
    X(o, float, w_bias, (o)->nworkers, -DBL_MAX, DBL_MAX)                                          \
    /* quality seen at the worker's latest inspection */                                           \
    X(o, float, w_seen, (o)->nworkers, -DBL_MAX, DBL_MAX)                                          \
    /* the worker's assessment of the firm */                                                      \
    X(o, float, w_assess, (o)->nworkers, -DBL_MAX, DBL_MAX)                                        \
    /* per compound: fixed uniform, the RC may act iff act_u < rc.acts_for_oc */                   \
    X(o, float, act_u, (o)->ncomp, 0, 1)                                                           \
    /* first day of the current lapse of the OC, -1: none */                                       \
    X(o, int32_t, lapse_since, (o)->ncomp, -1, SIM_STATE_DAYS)                                     \
    /* first day the RC acted in this lapse, -1: not acting */                                     \
    X(o, int32_t, act_since, (o)->ncomp, -1, SIM_STATE_DAYS)                                       \
    /* 1: this lapse's acting period is over */                                                    \
    X(o, uint8_t, act_done, (o)->ncomp, 0, 1)                                                      \
    /* running rate routed to the RC, per 1,000 households per 30 days */                          \
    X(o, double, complaints, (o)->ncomp, 0, 1e12)                                                  \
    /* running share of routed complaints followed up */                                           \
    X(o, double, followed, (o)->ncomp, 0, 1)                                                       \
    /* what complaints and backlog take off the workers' view today */                             \
    X(o, double, seen_penalty, (o)->ncomp, 0, 1e12)                                                \
    /* per RC: days of unchecked growth of pushed-down duties (a day counts             \
     * 1 - rc.duty_list) */          \
    X(o, double, duty_days, (o)->nrc, 0, SIM_STATE_DAYS)

typedef struct {
    int32_t nrc, ncomp;
    int32_t nworkers;
    RC_FIELDS(SIM_FIELD_MEMBER, _)
    /* derived from the parameters (rc_policy_changed; registered by hand) */
    double admin_per_worker; /* hours a worker spends on administration a day */
    double effectiveness;    /* what one service hour achieves (training) */
} rc_model;

/* Allocate and initialise: workers' compounds and biases, initial
 * assessments, initial satisfaction and trust (written into m->sh). */
sim_status rc_create(rc_model *s, const struct mdl_model *m, sim_error *err);
void rc_destroy(rc_model *s);

/* Register the committees' state (sim/state.h), scope "rc": workers,
 * per-compound arrays and the derived hours and effectiveness. */
void rc_state_register(rc_model *s, sim_state *st);

/* After a checkpoint is loaded: the committees' workers partition the
 * workers and each watches a compound of its committee (SIM_EINPUT naming
 * the entry). */
sim_status rc_state_check(const rc_model *s, const sim_world *w, sim_error *err);

/* One day of residents' committee r (its workers' hours, acting for
 * failed OCs, the workers' assessments).  Writes the rc_* shared fields of
 * r's compounds and r's tally row.  Parallel over committees. */
sim_status rc_day(struct mdl_model *m, int32_t r, int64_t day);

/* A policy changed parameter `param` at the start of `day`: re-derive the
 * hours and effectiveness the levers set. */
void rc_policy_changed(struct mdl_model *m, int param, int64_t day);

/* Hours a worker spends on administration a day, and the effectiveness of a
 * service hour, under parameters p (what rc_policy_changed derives). */
double rc_admin_hours_per_worker(const sim_params *p);

/* Hours per worker a day of duties pushed down from above since day 0,
 * after `days` days of unchecked growth: assigned_hours grows by
 * rc.assigned_growth a year.  A responsibility list (rc.duty_list) slows the
 * count of days (rc_day adds 1 - duty_list a day), so it caps the growth,
 * never the duties already there. */
double rc_pushed_hours(const sim_params *p, double days);

/* Worker hours a day that old compounds' security, fire and elder-care work
 * takes in an RC with `old_households` households in old compounds, and
 * elder care for `elderly_households` occupied homes with an elderly member
 * (in compounds of every type). */
double rc_old_load(const sim_params *p, double old_households, double elderly_households);
double rc_effectiveness(const sim_params *p);

/* Change of trust in the RC (compound mean) from today's disputes of a
 * compound of `households` homes: each of the two parties gains
 * mediation.trust_gain when settled, loses mediation.trust_hit when escalated. */
double rc_dispute_trust(const sim_params *p, int32_t settled, int32_t unsettled, double households);

#endif
