/* models/mediation.h — people's mediators (人民调解员), the sub-districts'
 * dispute-mediation rooms and the three-office linkage (三所联动).
 *
 * Neighbour disputes arise in each compound (compound phase) and queue at
 * their sub-district's rooms (sub-district phase), a first-come-first-served
 * multi-server queue in continuous time (sim/queue.h) whose servers are the
 * mediator positions:
 *
 *   disputes   compound c, day d: Poisson(H_c x dispute_rate x
 *              (1 - prevention x min(1, rc_service_hours_c / H_c / prevention_ref))),
 *              drawn as sparse arrivals (sim/queue.h: candidates at
 *              H_c x dispute_rate, thinned), so a compound costs a draw only
 *              on the few days it has candidates
 *   rooms      sub-district s: round(rooms_per_10k_households x H_s / 10,000),
 *              at least 1; each room has positions_per_room positions
 *   staffing   position (s, room, seat) is filled iff u_fill < fill_rate and
 *              part-time iff u_part < part_time_share, with u_fill, u_part
 *              fixed per position at creation: raising fill_rate or
 *              positions_per_room only ADDS mediators and lowering
 *              part_time_share only turns part-timers full-time (a monotone
 *              coupling under common random numbers).  Speed 1 full-time,
 *              part_time_availability part-time.
 *   service    mean service_days x Exp(1) / speed; parties withdraw after
 *              Exp(patience_days) if no mediator has taken the dispute up
 *   outcome    at take-up: settled with probability
 *              settle_base + settle_skill x skill, skill = base_skill +
 *              training x training_gain (- part_time_skill_gap part-time);
 *              else escalated to the linkage, where it stays open
 *              Exp(linkage_days) (counted, not modelled further)
 *
 * State: per compound, the outbox of the day's new disputes; per
 * sub-district, its queue, its positions' fixed uniforms and derived
 * staffing, the count open at the linkage.  Reads mdl_shared.rc_service_hours
 * (written by the residents' committees' phase, yesterday's value; 0 until
 * that module runs, i.e. no prevention).  Writes nothing shared.
 *
 * Mechanisms, parameters and sources: docs/ODD.md.
 *
 * Ownership: med_create() allocates everything (a failure frees what it
 * took); med_destroy() frees it and is a no-op on a zeroed model.
 * Thread safety: med_compound_day() touches compound c only;
 * med_subdistrict_day() touches sub-district s, the outbox entries of its
 * compounds and its tally row only.  Random numbers come from streams keyed
 * (seed, SIM_RNG_DISPUTES, c, day), (seed, SIM_RNG_MEDIATION, s, day),
 * (seed, SIM_RNG_LINKAGE, s, day) and, at
 * creation, (seed, SIM_RNG_MED_INIT, s, room): results do not depend on the
 * number of threads.
 */
#ifndef TROIKA_MODELS_MEDIATION_H
#define TROIKA_MODELS_MEDIATION_H

#include <stdint.h>

#include "err.h"
#include "fields.h"
#include "params.h"
#include "queue.h"
#include "world.h"

struct mdl_model;

/* Most positions a room can have (the bound of mediation.positions_per_room). */
#define MED_SEATS_MAX 8

/* The state arrays (core/fields.h: struct members, allocation, free and
 * checkpoint registration come from this list, in this order):
 * X(object, type, name, length, lo, hi).  npos = pos0[nsub]. */
#define MED_FIELDS(X, o)                                                                           \
    /* [ncomp] outbox: disputes that arose today */                                                \
    X(o, int32_t, new_disputes, (o)->ncomp, 0, 1000)                                               \
    /* [ncomp] next day with candidate disputes (-1: not drawn yet) */                             \
    X(o, int64_t, next, (o)->ncomp, -1, INT64_MAX / 2)                                             \
    /* [nsub] rooms */                                                                             \
    X(o, int32_t, rooms, (o)->nsub, 0, INT32_MAX)                                                  \
    /* [nsub+1] first position of s; slot k = seat x rooms + room */                               \
    X(o, int32_t, pos0, (int64_t)(o)->nsub + 1, 0, INT32_MAX)                                      \
    /* [npos] fixed: filled iff u_fill < fill_rate */                                              \
    X(o, float, u_fill, (o)->npos, 0, 1)                                                           \
    /* [npos] fixed: part-time iff u_part < part_time_share */                                     \
    X(o, float, u_part, (o)->npos, 0, 1)                                                           \
    /* [npos] derived: 1 = part-time (if filled) */                                                \
    X(o, uint8_t, part, (o)->npos, 0, 1)                                                           \
    /* [nsub] derived: positions filled */                                                         \
    X(o, int32_t, staffed, (o)->nsub, 0, INT32_MAX)                                                \
    /* [nsub] derived: full-time equivalents */                                                    \
    X(o, double, fte, (o)->nsub, 0, 1e9)                                                           \
    /* [nsub] escalated disputes open at the linkage */                                            \
    X(o, int64_t, linkage_open, (o)->nsub, 0, UINT32_MAX)

typedef struct {
    int32_t nsub, ncomp;
    int32_t npos; /* pos0[nsub] as created (checks a loaded pos0) */
    MED_FIELDS(SIM_FIELD_MEMBER, _)
    q_queue *q; /* [nsub] the rooms' line (by hand: each owns memory) */
} med_model;

sim_status med_create(med_model *s, const struct mdl_model *m, sim_error *err);
void med_destroy(med_model *s);

/* Register the mediation state (sim/state.h), scope "med": outbox,
 * rooms and positions (fixed draws and derived staffing), the linkage and
 * each sub-district's queue (scope "med.q<s>"). */
void med_state_register(med_model *s, const sim_world *w, sim_state *st);

/* After a checkpoint is loaded: the positions agree with the rooms, and
 * each line has no more servers than positions (SIM_EINPUT naming the
 * entry). */
sim_status med_state_check(const med_model *s, sim_error *err);

/* Compound phase: neighbour disputes arise in compound c (into the outbox
 * the sub-district phase reads). */
sim_status med_compound_day(struct mdl_model *m, int32_t c, int64_t day);

/* Sub-district phase: the queue of sub-district s is worked for one day. */
sim_status med_subdistrict_day(struct mdl_model *m, int32_t s, int64_t day);

/* A policy changed parameter `param` at the start of `day`: staffing
 * parameters re-derive every sub-district's mediators (new ones free from
 * `day`).  SIM_ENOMEM when a room's line cannot grow (the run stops
 * there). */
sim_status med_policy_changed(struct mdl_model *m, int param, int64_t day, sim_error *err);

/* ---- the mechanisms, as pure functions (tests, docs) ---------------------- */

/* Expected disputes a day in a compound of `households` households given
 * the RC's service hours there. */
double med_dispute_mean(const sim_params *p, int32_t households, double rc_service_hours);

/* Rooms of a sub-district of `households` households. */
int32_t med_rooms(const sim_params *p, int64_t households);

/* Probability that a mediator (part-time or not) settles a dispute. */
double med_settle_prob(const sim_params *p, int part_time);

#endif
