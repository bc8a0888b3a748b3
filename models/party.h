/* models/party.h — the residential party organisation (小区党组织) and its
 * part in the owners' committee (OC): the levers of digest section 1.1.
 *
 *   cross-appointment   party.cross_share of an OC's seats are held by
 *                       party-organisation or residents'-committee members:
 *                       at elections the party nominates that many (they
 *                       take their seats), between elections it co-opts one
 *                       more at rate party.coopt_rate while the committee
 *                       is below the share.  Effects (applied in oc.c):
 *                       coordination (dormancy down, recovery and decision
 *                       speed up), oversight (misconduct down) and an
 *                       independence cost (trust down).
 *   the three rights over candidates (结构建议权、人选建议权、资格审查权),
 *                       three levers; each applies where the compound's
 *                       fixed uniform is below its share:
 *     structure         party.structure_share: the party suggests the
 *                       committee's make-up, so a new member brings more of
 *                       the skills the seat needs (competence shifted up by
 *                       party.structure_competence of its gap);
 *     candidates        party.suggest_share: when too few owners stand, the
 *                       party suggests candidates until the slate is full
 *                       (fewer elections fail for want of candidates);
 *     qualification     party.review_share: candidates below
 *                       party.review_integrity_min are barred; candidates the
 *                       party itself puts forward (nominees, suggestions,
 *                       replacements) are drawn again until one passes.
 *   regular reporting   where committees report (fixed uniform below
 *                       party.report_share), every party.report_interval
 *                       days the party reviews the report: it finds a
 *                       dormant committee out with one probability (then
 *                       reactivates it, or removes idle members and calls a
 *                       by-election) and misconduct with another (removal).
 *                       Reporting also deters (oversight).
 *
 * The party keeps no state that changes: it owns the fixed per-compound
 * uniforms that decide where the review and the reports apply (so raising a
 * share only adds compounds), and pure functions the OC module calls in its
 * phase for compound c.  Its random numbers come from streams keyed
 * (seed, SIM_RNG_PARTY, c, day), separate from the OC's own, so switching a
 * party lever on shifts no other draw.
 *
 * Ownership: party_create() allocates (a failure frees what it took),
 * party_destroy() frees and is a no-op on a zeroed model.  Thread safety:
 * read-only after creation.
 */
#ifndef TROIKA_MODELS_PARTY_H
#define TROIKA_MODELS_PARTY_H

#include <stdint.h>

#include "err.h"
#include "fields.h"
#include "params.h"
#include "state.h"

struct mdl_model;

/* The state arrays (core/fields.h: struct members, allocation, free and
 * checkpoint registration come from this list, in this order):
 * X(object, type, name, length, lo, hi). */
#define PARTY_FIELDS(X, o)                                                                         \
    /* [ncomp] a right over candidates applies iff u < its share */                                \
    X(o, float, u_review, (o)->ncomp, 0, 1)                                                        \
    /* [ncomp] the OC reports regularly iff u < party.report_share */                              \
    X(o, float, u_report, (o)->ncomp, 0, 1)

typedef struct {
    int32_t ncomp;
    PARTY_FIELDS(SIM_FIELD_MEMBER, _)
} party_model;

sim_status party_create(party_model *s, const struct mdl_model *m, sim_error *err);
void party_destroy(party_model *s);

/* Register the party's state (sim/state.h), scope "party": the fixed
 * per-compound uniforms (drawn with the seed at creation). */
void party_state_register(party_model *s, sim_state *st);

/* The rights over candidates the party holds in compound c (PARTY_* bits). */
enum { PARTY_STRUCTURE = 1u, PARTY_SUGGEST = 2u, PARTY_REVIEW = 4u };
unsigned party_rights(const party_model *s, const sim_params *p, int32_t c);

/* Does the reporting lever apply in compound c under parameters p? */
int party_receives_reports(const party_model *s, const sim_params *p, int32_t c);

/* Is `day` a reporting day of compound c (staggered over the interval)? */
int party_report_due(const sim_params *p, int32_t c, int64_t day);

/* Seats of a committee of `seats` the party fills by cross-appointment. */
int party_cross_seats(const sim_params *p, int seats);

/* Oversight contributed by the party: cross-appointed share x and regular
 * reporting, as independent checks: 1 - (1 - a x)(1 - b reports). */
double party_oversight(const sim_params *p, double cross, int reports);

/* One candidate under the party's `rights`: shifts *competence up where it
 * suggests the structure, and returns 0 if the qualification review bars
 * the candidate, else 1. */
int party_screen(const sim_params *p, unsigned rights, float *competence, float integrity);

/* Outcome of one report review. */
typedef enum {
    PARTY_NONE = 0,       /* nothing found, or nothing to find */
    PARTY_REACTIVATE = 1, /* a dormant committee is got working again */
    PARTY_RENEW = 2,      /* a dormant committee: idle members out, by-election */
    PARTY_REMOVE = 3      /* misconduct found out: the committee is removed */
} party_action;

/* Review of a report of a committee in state `oc_state` (OC_*), with two
 * uniforms u1 (finding out) and u2 (what follows). */
party_action party_review_report(const sim_params *p, int oc_state, double u1, double u2);

#endif
