/* models/oc.h — owners' committees (业主委员会, OC): members, states,
 * matters, owners' assemblies, elections, and the replacement of the
 * property firm.
 *
 * State machine of the OC of compound c (shared.h: OC_*):
 *
 *   ABSENT --formation--> FORMING --election passes--> ACTIVE <--> DORMANT
 *     ^                     |  ^                         |
 *     +--- max_attempts ----+  +-- misconduct found ---- CAPTURED
 *          failed elections       (removal: re-formation)
 *
 *   and at term end any committee in office (ACTIVE, DORMANT, CAPTURED)
 *   faces a re-election; if it fails the committee lapses to FORMING.
 *
 * Members: 5-11 seats (odd, by households), flat arrays [ncomp x 11]: each
 * seat vacant or filled, its member working or idle, cross-appointed or not,
 * with competence, integrity and effort in 0..1.  The committee's
 * aggregates (working members' mean competence, filled members' mean
 * integrity, effort summed over working members / seats) are recomputed
 * whenever a seat changes, so the daily work is O(1).
 *
 * A day of compound c (oc_compound_day, phase "governance"):
 *   1. members go idle or leave; where the membership lever applies, a seat
 *      idle or vacant for oc.refill_days is refilled; the party co-opts
 *      cross-appointed members towards party.cross_share;
 *   2. the committee's state moves by daily hazards (dormancy, recovery,
 *      misconduct, detection, formation), and by the party's review of a
 *      report on reporting days;
 *   3. elections due are held (first, term end, by-election below half the
 *      seats), each an owners' assembly (models/assembly.h);
 *   4. matters arise (routine ones the committee decides, ordinary and major
 *      ones that need an assembly, micro-renewal projects and parking
 *      arrangements (major: three quarters) while none is in force, and a
 *      proposal to replace the firm after long dissatisfaction); an ACTIVE committee with a working majority
 *      (or the RC acting for a failed one, at oc.rc_speed) decides each
 *      waiting matter with a daily probability from its speed;
 *   5. trust and satisfaction drift towards what the state earns;
 *      supervision of the firm follows effort and competence.
 * Mechanisms, parameters and sources: docs/ODD.md.
 *
 * Writes (models/shared.h), for compound c only: oc_state, oc_trust,
 * oc_satisfaction, oc_supervision, fund_repair, renewal, parking_cut; and, through pmc_replace(), the quality
 * of c's firm when an assembly replaces it.  Reads rc_acting, mobilisation,
 * complaints_oc, the households' satisfaction (hh.sat_sum, HH_INADEQUATE).
 * On day 0 the property phase runs before the first governance phase and
 * sees the neutral starting values of mdl_shared_create().
 *
 * Randomness: per compound and day, streams (seed, SIM_RNG_OC, c, day) — a
 * fixed block of 4 uniforms drawn every day whatever the state, so levers
 * do not shift the conduct draws —, (seed, SIM_RNG_ELECTION, c, day) for
 * assemblies and candidates, (seed, SIM_RNG_PARTY, c, day) for the party;
 * fixed per-compound draws at creation from (seed, SIM_RNG_OC_INIT, c, 0|1).
 *
 * Ownership: oc_create() allocates (a failure frees what it took),
 * oc_destroy() frees and is a no-op on a zeroed model.  Thread safety:
 * oc_compound_day() touches compound c only; compounds run in parallel.
 */
#ifndef TROIKA_MODELS_OC_H
#define TROIKA_MODELS_OC_H

#include <stdint.h>

#include "assembly.h"
#include "err.h"
#include "fields.h"
#include "params.h"
#include "state.h"

struct mdl_model;

#define OC_SEATS_MIN 5
#define OC_SEATS_MAX 11
#define OC_QUEUE 8 /* matters waiting per compound; more are dropped (lapsed) */

/* Seat flags. */
enum {
    OCM_FILLED = 1u << 0, /* the seat has a member */
    OCM_IDLE = 1u << 1,   /* the member no longer works */
    OCM_CROSS = 1u << 2   /* the member is cross-appointed (party or RC) */
};

/* Kinds of matter. */
enum {
    OC_MATTER_ROUTINE = 0,  /* the committee decides alone */
    OC_MATTER_ORDINARY = 1, /* an assembly, more than half (art. 278) */
    OC_MATTER_MAJOR = 2,    /* an assembly, three quarters (art. 278) */
    OC_MATTER_REPLACE = 3,  /* replacing the firm: an ordinary assembly */
    OC_MATTER_RENEWAL = 4,  /* a micro-renewal project: three quarters */
    OC_MATTER_PARKING = 5   /* a parking arrangement: three quarters */
};

/* Compound flags. */
enum { OCF_REPLACE_PENDING = 1u << 0 };

/* The state arrays (core/fields.h: struct members, allocation, free and
 * checkpoint registration come from this list, in this order):
 * X(object, type, name, length, lo, hi).  Per compound [ncomp], per seat
 * [ncomp * OC_SEATS_MAX], per waiting matter [ncomp * OC_QUEUE]. */
#define OC_FIELDS(X, o)                                                                            \
    /* OC_*: the writer's copy (shared.h mirrors it) */                                            \
    X(o, uint8_t, state, (o)->ncomp, OC_ABSENT, OC_CAPTURED)                                       \
    /* 5..11 */                                                                                    \
    X(o, uint8_t, seats, (o)->ncomp, OC_SEATS_MIN, OC_SEATS_MAX)                                   \
    /* failed elections in a row while FORMING */                                                  \
    X(o, uint8_t, attempts, (o)->ncomp, 0, UINT8_MAX)                                              \
    /* OCF_* */                                                                                    \
    X(o, uint8_t, flags, (o)->ncomp, 0, OCF_REPLACE_PENDING)                                       \
    /* day the term of the committee in office ends */                                             \
    X(o, int32_t, term_end, (o)->ncomp, -SIM_STATE_DAYS, SIM_STATE_DAYS)                           \
    /* FORMING: the election; in office: a by-election; -1 none */                                 \
    X(o, int32_t, election_day, (o)->ncomp, -1, SIM_STATE_DAYS)                                    \
    /* days in a row with low satisfaction with the firm */                                        \
    X(o, int32_t, low_days, (o)->ncomp, 0, SIM_STATE_DAYS)                                         \
    /* no replacement proposal before this day */                                                  \
    X(o, int32_t, replace_block, (o)->ncomp, -SIM_STATE_DAYS, SIM_STATE_DAYS)                      \
    /* repairs paid by the maintenance fund work until this day */                                 \
    X(o, int32_t, fund_until, (o)->ncomp, -SIM_STATE_DAYS, SIM_STATE_DAYS)                         \
    /* a micro-renewal project's effect lasts until this day */                                    \
    X(o, int32_t, renewal_until, (o)->ncomp, -SIM_STATE_DAYS, SIM_STATE_DAYS)                      \
    /* a parking arrangement holds until this day */                                               \
    X(o, int32_t, parking_until, (o)->ncomp, -SIM_STATE_DAYS, SIM_STATE_DAYS)                      \
    /* households' trust in the OC, 0..1 */                                                        \
    X(o, float, trust, (o)->ncomp, 0, 1)                                                           \
    /* households' mean satisfaction with the OC, 0..1 */                                          \
    X(o, float, sat, (o)->ncomp, 0, 1)                                                             \
    /* fixed uniform (lever): secretary */                                                         \
    X(o, float, u_secretary, (o)->ncomp, 0, 1)                                                     \
    /* fixed uniform (lever): disclosure */                                                        \
    X(o, float, u_disclosure, (o)->ncomp, 0, 1)                                                    \
    /* fixed uniform (lever): membership */                                                        \
    X(o, float, u_membership, (o)->ncomp, 0, 1)                                                    \
    /* aggregates, recomputed when a seat changes: seats filled */                                 \
    X(o, uint8_t, filled, (o)->ncomp, 0, OC_SEATS_MAX)                                             \
    /* members still working */                                                                    \
    X(o, uint8_t, working, (o)->ncomp, 0, OC_SEATS_MAX)                                            \
    /* cross-appointed members */                                                                  \
    X(o, uint8_t, cross, (o)->ncomp, 0, OC_SEATS_MAX)                                              \
    /* mean over working members */                                                                \
    X(o, float, competence, (o)->ncomp, 0, 1)                                                      \
    /* mean over filled seats */                                                                   \
    X(o, float, integrity, (o)->ncomp, 0, 1)                                                       \
    /* sum over working members / seats */                                                         \
    X(o, float, effort, (o)->ncomp, 0, 1)                                                          \
    /* seats [ncomp * OC_SEATS_MAX]: the member's competence */                                    \
    X(o, float, m_competence, (int64_t)(o)->ncomp *OC_SEATS_MAX, 0, 1)                             \
    /* the member's integrity */                                                                   \
    X(o, float, m_integrity, (int64_t)(o)->ncomp *OC_SEATS_MAX, 0, 1)                              \
    /* the member's effort */                                                                      \
    X(o, float, m_effort, (int64_t)(o)->ncomp *OC_SEATS_MAX, 0, 1)                                 \
    /* OCM_* */                                                                                    \
    X(o, uint8_t, m_flags, (int64_t)(o)->ncomp *OC_SEATS_MAX, 0,                                   \
      OCM_FILLED | OCM_IDLE | OCM_CROSS)                                                           \
    /* day the seat fell vacant or its member went idle */                                         \
    X(o, int32_t, m_since, (int64_t)(o)->ncomp *OC_SEATS_MAX, -SIM_STATE_DAYS, SIM_STATE_DAYS)     \
    /* matters waiting [ncomp * OC_QUEUE], the first q_len[c] in use: day it arose */              \
    X(o, int32_t, q_arose, (int64_t)(o)->ncomp *OC_QUEUE, -SIM_STATE_DAYS, SIM_STATE_DAYS)         \
    /* OC_MATTER_* */                                                                              \
    X(o, uint8_t, q_kind, (int64_t)(o)->ncomp *OC_QUEUE, OC_MATTER_ROUTINE, OC_MATTER_PARKING)     \
    /* matters waiting */                                                                          \
    X(o, uint8_t, q_len, (o)->ncomp, 0, OC_QUEUE)

typedef struct {
    int32_t ncomp;
    OC_FIELDS(SIM_FIELD_MEMBER, _)
    /* derived from the parameters (oc_policy_changed) */
    double p_routine, p_ordinary, p_major, p_renewal, p_parking; /* daily arrival probabilities */
} oc_model;

sim_status oc_create(oc_model *s, const struct mdl_model *m, sim_error *err);
void oc_destroy(oc_model *s);

/* Register the committees' state (sim/state.h), scope "oc": every array
 * above and the derived arrival probabilities (saved rather than re-derived,
 * so a checkpoint restores them exactly). */
void oc_state_register(oc_model *s, sim_state *st);

/* After a checkpoint is loaded: the seats in use within the committee's
 * size (SIM_EINPUT naming the entry). */
sim_status oc_state_check(const oc_model *s, sim_error *err);

/* Governance of compound c for one day (the OC, its assemblies and
 * elections, the party organisation's part).  Writes the oc_* shared fields. */
sim_status oc_compound_day(struct mdl_model *m, int32_t c, int64_t day);

/* A policy changed parameter `param` at the start of `day` (also the party's
 * parameters: the party module has no hook of its own). */
void oc_policy_changed(struct mdl_model *m, int param, int64_t day);

/* ---- the mechanisms as pure functions (used by the day, and tested) ------- */

/* Seats of a committee for a compound of `households` homes. */
int oc_seats(const sim_params *p, int32_t households);

/* Oversight of a committee, 0..1: base, cross-appointed share, regular
 * reporting and disclosure combined as independent checks. */
double oc_oversight(const sim_params *p, double cross, int reports, int discloses);

/* Daily probabilities that an ACTIVE committee falls dormant or turns to
 * misconduct, from its effort, integrity, cross share and oversight. */
void oc_conduct_hazards(const sim_params *p, double effort, double integrity, double cross,
                        double oversight, double *p_dormant, double *p_misconduct);

/* Daily probability that a DORMANT committee resumes work, and that a
 * CAPTURED committee's misconduct is found out (without report reviews):
 * base rate, + disclosure, + cross-appointed members who see the accounts. */
double oc_recovery_prob(const sim_params *p, double cross);
double oc_detection_prob(const sim_params *p, int discloses, double cross);

/* Competence the committee works with (a secretary closes part of the gap). */
double oc_effective_competence(const sim_params *p, double competence, int secretary);

/* Decision speed of a committee (1 = full speed): mean of effective
 * competence and effort, x (1 + secretary capacity) x (1 + coordination x
 * cross share). */
double oc_decision_speed(const sim_params *p, double competence, double effort, double cross,
                         int secretary);

/* Participation of an assembly before its shock: base probabilities per home
 * type (away owners vote online at oc.e_voting), and mobilisation from the
 * RC (rc, 0..1), a secretary and the organisers (own, 0..1). */
void oc_turnout(const sim_params *p, double rc, int secretary, double own, asm_turnout *t);

/* Days the oldest matter waiting in compound c has waited on `day` (0 when
 * none waits): how the governance measure tells a body that decides from
 * one that only holds the office. */
int32_t oc_oldest_wait(const oc_model *o, int32_t c, int32_t day);

/* What owners' decisions in force give residents of a compound (old or
 * not) on `day`: the rise of the quality they see from a micro-renewal
 * project lasting until renewal_until, and the share of neighbour disputes
 * prevented by a parking arrangement holding until parking_until. */
double oc_renewal_gain(const sim_params *p, int old, int32_t renewal_until, int64_t day);
double oc_parking_cut(const sim_params *p, int32_t parking_until, int64_t day);

#endif
