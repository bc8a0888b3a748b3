/* models/household.h — households: satisfaction with the property firm,
 * fee payment and arrears.
 *
 * A household is the resident agent (one vote, one fee account).  Its state
 * is structure-of-arrays over all households of the city, indexed like the
 * world's households (compound c owns [comp_hh0[c], comp_hh0[c+1])).
 *
 * Scale: most households do nothing on most days.  A household is touched
 * only when an event reaches it (a defect, a repair, a complaint it gives up
 * on) and once a month at its compound's billing day, when its satisfaction
 * relaxes towards the quality it sees and it pays or withholds its fee.  The
 * per-compound aggregates (households rating service inadequate, sum of
 * satisfaction) are kept up to date at every touch, so city figures never
 * rescan households.
 *
 * Thread safety: all functions touch one compound's households and that
 * compound's aggregates only; different compounds may run in parallel.
 */
#ifndef TROIKA_MODELS_HOUSEHOLD_H
#define TROIKA_MODELS_HOUSEHOLD_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "err.h"
#include "fields.h"
#include "params.h"
#include "state.h"
#include "world.h"
#include "shared.h"

enum {
    HH_INADEQUATE = 1u << 0 /* rates property service inadequate */
};

/* The state arrays (core/fields.h: struct members, allocation, free and
 * checkpoint registration come from this list, in this order):
 * X(object, type, name, length, lo, hi).  Per household [n], per compound
 * [ncomp] (those kept current at every touch or fixed at creation). */
#define HH_FIELDS(X, o)                                                                            \
    /* satisfaction with the property firm, 0..1 */                                                \
    X(o, float, sat, (o)->n, 0, 1)                                                                 \
    /* individual leniency: offset to the quality seen (a Gaussian draw, sd at most 1) */          \
    X(o, float, tol, (o)->n, -100, 100)                                                            \
    /* fixed: withholds when dissatisfied iff (rank + 0.5) / 256 < hh_withhold_share */            \
    X(o, uint8_t, pay_rank, (o)->n, 0, 255)                                                        \
    /* fixed: the compound's withholding shift (Gaussian, sd at most 1, + its type's) */           \
    X(o, float, culture, (o)->ncomp, -100, 100)                                                    \
    /* fixed: the compound's monthly probability of hardship */                                    \
    X(o, float, hardship, (o)->ncomp, 0, 1)                                                        \
    /* months of fees unpaid, capped at 255 */                                                     \
    X(o, uint8_t, arrears, (o)->n, 0, UINT8_MAX)                                                   \
    /* HH_* bits */                                                                                \
    X(o, uint8_t, state, (o)->n, 0, HH_INADEQUATE)                                                 \
    /* per compound, kept current at every touch: households rating service inadequate */          \
    X(o, int32_t, n_inadequate, (o)->ncomp, 0, INT32_MAX)                                          \
    /* sum of satisfaction */                                                                      \
    X(o, double, sat_sum, (o)->ncomp, -1, 1e9)                                                     \
    /* households that paid at the latest billing */                                               \
    X(o, int32_t, paid_last, (o)->ncomp, 0, INT32_MAX)                                             \
    /* households billed at the latest billing */                                                  \
    X(o, int32_t, billed_last, (o)->ncomp, 0, INT32_MAX)

typedef struct {
    int64_t n;
    int32_t ncomp;
    HH_FIELDS(SIM_FIELD_MEMBER, _)
} hh_state;

/* Allocate and initialise (keyed by seed, SIM_RNG_HH_INIT, compound). */
sim_status hh_create(hh_state *hh, const sim_world *w, const sim_params *p, uint64_t seed,
                     sim_error *err);
void hh_destroy(hh_state *hh);

/* Register the households' state (sim/state.h), scope "hh": every array
 * above (tol, pay_rank and culture are fixed at creation but drawn with the
 * seed, so a fork with another seed must keep them). */
void hh_state_register(hh_state *hh, const sim_world *w, sim_state *st);

/* After a checkpoint is loaded: per compound, the counts within its
 * households and the inadequate count agreeing with the state bytes
 * (SIM_EINPUT naming the entry). */
sim_status hh_state_check(const hh_state *hh, const sim_world *w, sim_error *err);

/* Change household h's satisfaction by delta (clamped to 0..1), keeping
 * compound c's aggregates current. */
void hh_shift(hh_state *hh, const sim_params *p, int32_t c, int64_t h, double delta);

/* The monthly pass of compound c: satisfaction relaxes towards the quality
 * seen (the firm's quality less the standing violations' toll, see
 * hh_quality_seen) + leniency, then every household pays or withholds
 * (see household.c: satisfaction, trust in the OC, neighbours' payment,
 * its own arrears).  Reads sh->oc_trust, sh->violations_open and sh->renewal.  Returns
 * the number of households that paid. */
int32_t hh_monthly(hh_state *hh, const sim_world *w, const sim_params *p, const mdl_shared *sh,
                   uint64_t seed, int32_t c, int64_t day, double quality);

/* ---- the mechanisms as pure functions (used by the month, and tested) ----- */

/* Share of compound c's present households who withhold when dissatisfied,
 * given the share that paid last month and the compound's culture shift. */
double hh_withhold_share(const sim_params *p, double paid_share, double culture);

/* A compound's monthly probability of hardship: Beta with mean
 * household.hardship_rate and concentration household.hardship_concentration
 * (the mean itself when either is 0); one draw from r. */
double hh_hardship_draw(const sim_params *p, const gsl_rng *r);

/* Satisfaction below which a household withholds, given trust in the OC
 * and whether it is already in arrears (memory). */
double hh_withhold_below(const sim_params *p, double oc_trust, int in_arrears);

/* Quality households see: the firm's, less violation_hit per violation
 * standing per 100 households. */
double hh_quality_seen(const sim_params *p, double quality, int32_t violations, int32_t households);

#endif
