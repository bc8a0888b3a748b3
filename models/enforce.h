/* models/enforce.h — urban-management enforcement (城管执法) of violations
 * inside compounds: rule-breaking, its detection, and the sub-district
 * squads that handle the reported cases.
 *
 * Categories (ENF_*): illegal construction, load-bearing damage and
 * greenery destruction — the hard cases of the source text — and other
 * compound items (parking, clutter, ...).  Each has its own rate, handling
 * time (officer-days) and success probability (enforce.<category>_*).
 *
 * A violation is, at any time, UNDETECTED (standing, not reported) or
 * QUEUED (reported, waiting in its sub-district squad's line); it ends when
 * an officer handles it successfully.  Per compound and category the module
 * keeps counts, not records:
 *
 *   compound c, day d (compound phase; streams (seed, SIM_RNG_DETECTION, c, d)
 *   for finding, (seed, SIM_RNG_VIOLATIONS, c, d) for arising):
 *     found_k  ~ Binomial(undetected_k, detection_c),
 *              detection_c = 1 - (1 - enforce.detection) (1 - rc_detection_c)
 *                              (1 - video_sharing x video_gain)
 *              (three independent routes: neighbours and patrols, the RC's
 *              visits — mdl_shared.detection, 0 until the RC module writes
 *              it — and shared video); found ones become QUEUED
 *     new      ~ Poisson(H_c x sum_k rate_k x deterrence_c), category drawn
 *              in proportion to rate_k; new violations are UNDETECTED
 *              (drawn as sparse arrivals, sim/queue.h: candidates at the
 *              largest possible rate, thinned by deterrence_c / (1 +
 *              imitation_max): a compound costs a draw only on the days it
 *              has candidates)
 *     deterrence_c = max(0, 1 - enforce.deterrence x E_s
 *                            + min(enforce.imitation x standing_c x 100 / H_c,
 *                                  enforce.imitation_max))
 *   sub-district s, day d (sub-district phase; stream (seed, SIM_RNG_ENFORCE, s, d)):
 *     the day's found cases join the squad's line (compound by compound,
 *     category by category) — a first-come-first-served queue in
 *     continuous time (sim/queue.h) whose servers are the officers
 *     available: x = officers_per_10k_households x H_s / 10,000 x
 *     compound_time_share x (1 - diversion): floor(x) officers of speed 1
 *     and one of speed x - floor(x);
 *     service = days_k x (1 - training x training_time_gain)
 *                      x (1 - library x library_gain)
 *                      x (hard ? 1 - joint x joint_time_gain : 1) x Exp(1) / speed
 *     at take-up, success with probability success_k + training x
 *     training_success_gain + (hard ? joint x joint_success_gain : 0):
 *     the violation ends; else it stays standing, UNDETECTED again (someone
 *     must report it again);
 *     E_s (perceived enforcement) = smoothed resolved / smoothed reported,
 *     time constant enforce.memory_days.
 *
 * Writes mdl_shared.violations_open (standing violations, every compound,
 * every day, in the sub-district phase).  Reads mdl_shared.detection.
 *
 * Mechanisms, parameters and sources: docs/ODD.md.
 *
 * Ownership: enf_create() allocates everything (a failure frees what it
 * took); enf_destroy() frees it and is a no-op on a zeroed model.
 * Thread safety: enf_compound_day() touches compound c's counts and row
 * only and reads its sub-district's E_s (written by the previous day's
 * sub-district phase); enf_subdistrict_day() touches sub-district s, the
 * counts and violations_open of its own compounds and its own tally row
 * only (never compound rows, which blocks of compounds share).  Results do
 * not depend on the number of threads.
 */
#ifndef TROIKA_MODELS_ENFORCE_H
#define TROIKA_MODELS_ENFORCE_H

#include <stdint.h>

#include "err.h"
#include "fields.h"
#include "params.h"
#include "queue.h"
#include "world.h"

struct mdl_model;

/* Violation categories: the first ENF_NHARD are the hard cases.  The order
 * is also that of the per-category metrics (models/metrics/enforce.def). */
enum { ENF_CONSTRUCTION = 0, ENF_LOADBEARING = 1, ENF_GREENERY = 2, ENF_OTHER = 3, ENF_NCAT = 4 };
#define ENF_NHARD 3

/* The state arrays (core/fields.h: struct members, allocation, free and
 * checkpoint registration come from this list, in this order):
 * X(object, type, name, length, lo, hi). */
#define ENF_FIELDS(X, o)                                                                           \
    /* [ncomp x ENF_NCAT] standing, not reported */                                                \
    X(o, int32_t, undetected, (int64_t)(o)->ncomp *ENF_NCAT, 0, INT32_MAX)                         \
    /* [ncomp x ENF_NCAT] reported, waiting for an officer */                                      \
    X(o, int32_t, queued, (int64_t)(o)->ncomp *ENF_NCAT, 0, INT32_MAX)                             \
    /* [ncomp x ENF_NCAT] outbox: found today (empty between days) */                              \
    X(o, int32_t, found, (int64_t)(o)->ncomp *ENF_NCAT, 0, 0)                                      \
    /* [ncomp] next day with candidate violations (-1: not drawn yet) */                           \
    X(o, int64_t, next, (o)->ncomp, -1, INT64_MAX / 2)                                             \
    /* [nsub] households of the sub-district */                                                    \
    X(o, int64_t, households, (o)->nsub, 0, INT64_MAX)                                             \
    /* [nsub] smoothed cases reported a day */                                                     \
    X(o, double, ewma_found, (o)->nsub, 0, 1e12)                                                   \
    /* [nsub] smoothed cases resolved a day */                                                     \
    X(o, double, ewma_resolved, (o)->nsub, 0, 1e12)                                                \
    /* [nsub] E_s = resolved / reported (0..1) */                                                  \
    X(o, double, effect, (o)->nsub, 0, 1)

typedef struct {
    int32_t nsub, ncomp;
    ENF_FIELDS(SIM_FIELD_MEMBER, _)
    q_queue *q;            /* [nsub] the squads' lines (by hand: each owns memory) */
    double rate[ENF_NCAT]; /* derived: the categories' rates, and their sum */
    double rate_sum;
} enf_model;

sim_status enf_create(enf_model *s, const struct mdl_model *m, sim_error *err);
void enf_destroy(enf_model *s);

/* Register the enforcement state (sim/state.h), scope "enf": the
 * per-compound counts, the smoothed perception and each
 * sub-district's queue (scope "enf.q<s>", sim/queue.h). */
void enf_state_register(enf_model *s, const sim_world *w, sim_state *st);

/* After a checkpoint is loaded: the queued counts are the squads' lines,
 * a compound holds no more standing violations than its days could have
 * brought (Q_CANDIDATES_MAX a day, over the days its squad's line has
 * worked), the sub-districts' households those of the city (SIM_EINPUT
 * naming the entry). */
sim_status enf_state_check(const enf_model *s, const sim_world *w, sim_error *err);

/* Compound phase: violations are found and arise in compound c (found ones
 * into the outbox the sub-district phase reads). */
sim_status enf_compound_day(struct mdl_model *m, int32_t c, int64_t day);

/* Sub-district phase: the squad of sub-district s works its line for one
 * day; writes violations_open of its compounds. */
sim_status enf_subdistrict_day(struct mdl_model *m, int32_t s, int64_t day);

/* A policy changed parameter `param` at the start of `day`: enforce.diversion
 * re-derives every squad's officers (new ones free from `day`).  SIM_ENOMEM
 * when a squad's line cannot grow (the run stops there). */
sim_status enf_policy_changed(struct mdl_model *m, int param, int64_t day, sim_error *err);

/* ---- the mechanisms, as pure functions (tests, docs) ---------------------- */

/* Daily rate per household of category k before deterrence. */
double enf_rate(const sim_params *p, int k);

/* Mean officer-days to handle a case of category k (all levers applied). */
double enf_service_days(const sim_params *p, int k);

/* Probability that handling a case of category k ends the violation. */
double enf_success_prob(const sim_params *p, int k);

/* Daily probability that a standing violation is found, given the RC's
 * detection in the compound. */
double enf_detection(const sim_params *p, double rc_detection);

/* Multiplier of the violation rates: perceived enforcement E (0..1) and
 * violations standing per 100 households. */
double enf_deterrence(const sim_params *p, double effectiveness, double standing_per_100);

/* Officers (FTE) on compound cases in a sub-district of `households`
 * households, after diversion. */
double enf_officers_available(const sim_params *p, int64_t households);

/* 12345 calls a day about a compound with `standing` violations standing and
 * `unsettled` disputes escalated yesterday: enforce.call_rate x standing +
 * mediation.escalation_calls x unsettled (expected calls, not drawn). */
double enf_hotline_calls(const sim_params *p, int32_t standing, int32_t unsettled);

#endif
