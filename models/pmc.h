/* models/pmc.h — property-management firms and their contracts: effort,
 * service quality, revenue, tenders and exits, maintenance defects and the
 * complaints about them.
 *
 * Per compound there is a contract with one firm (firm id, the firm's cost
 * factor, the day the term ends, strikes against it) and the firm's service
 * quality q (0..1), which follows, day by day, what the firm chooses to
 * deliver: the quality its budget pays for (fees actually collected, plus
 * public subsidy in old compounds, less its margin, over its cost of full
 * quality) times its effort.  Each month at billing the firm chooses its
 * shirking (1 - effort) from the monitoring it faces (pmc_shirk: a
 * functioning owners' committee, the residents' committee, the housing
 * office, combined as independent checks) and the contract value at stake;
 * a shirking firm is caught with probability monitoring x shirking (a
 * strike).  At the term's end a functioning OC (or the RC acting for it)
 * tenders a contract with pmc.tender_strikes strikes (the best of
 * pmc.bidders firms wins: cost weighted by reputation, incumbents or
 * entrants); otherwise the contract rolls over unchecked.  A
 * firm whose revenue stays below its fixed costs for pmc.exit_months
 * abandons the compound (弃管): interim cover at pmc.interim_quality until a
 * new firm comes, sooner when someone runs the tender.  That closes the
 * non-payment spiral (satisfaction down -> collection down -> revenue down
 * -> quality down -> more defects) and ties quality to the committees.
 *
 * Complaints go through one of four channels, chosen with probabilities
 * proportional to weight x trust: the firm (x the household's own
 * satisfaction), the RC (x trust in it), the OC (x trust in it; none without
 * a committee) and the 12345 hotline (x distrust of both committees).  A
 * complaint speeds its defect's repair by the channel's priority; the OC's
 * (or the RC's, acting for it) supervision speeds every repair.
 *
 * Defects are records in a per-compound list (a short queue: a handful per
 * compound).  Each is SILENT (not reported), PENDING (a complaint is open)
 * or GAVE_UP (the household abandoned its complaint); a complaint ends
 * either resolved (its defect repaired) or dropped, so at any time
 *   complaints filed = resolved + dropped + pending.
 *
 * Thread safety: pmc_day() touches one compound (its list, its quality and
 * its households); different compounds may run in parallel.
 */
#ifndef TROIKA_MODELS_PMC_H
#define TROIKA_MODELS_PMC_H

#include <stdint.h>

#include "household.h"
#include "shared.h"
#include "compound.h"
#include "err.h"
#include "fields.h"
#include "metrics.h"
#include "params.h"
#include "state.h"
#include "world.h"
#include "rng.h"

enum { DEFECT_SILENT = 0, DEFECT_PENDING = 1, DEFECT_GAVE_UP = 2 };
enum { CHANNEL_NONE = 0, CHANNEL_FIRM, CHANNEL_RC, CHANNEL_OC, CHANNEL_HOTLINE };

typedef struct {
    int64_t hh;      /* household affected (city index) */
    int32_t arose;   /* day it arose */
    int32_t filed;   /* day the complaint was filed, -1 if none */
    uint8_t status;  /* DEFECT_* */
    uint8_t channel; /* CHANNEL_* */
} pmc_defect;

typedef struct {
    int32_t n, cap;
    pmc_defect *d;
} pmc_defect_list;

/* The state arrays (core/fields.h: struct members, allocation, free and
 * checkpoint registration come from this list, in this order):
 * X(object, type, name, length, lo, hi).  Per compound [ncomp], then per
 * firm [nrep = nfirm + pmc.entrants]. */
#define PMC_FIELDS(X, o)                                                                           \
    /* service quality, 0..1 */                                                                    \
    X(o, double, quality, (o)->ncomp, 0, 1)                                                        \
    /* quality the firm delivers on the latest budget */                                           \
    X(o, double, budget_quality, (o)->ncomp, 0, 1)                                                 \
    /* the contract: firm id, < nfirm incumbent, else an entrant */                                \
    X(o, int32_t, firm, (o)->ncomp, 0, (o)->nrep - 1)                                              \
    /* the firm's cost factor (pmc_firm_cost of its id) */                                         \
    X(o, float, cost_factor, (o)->ncomp, 0, 100)                                                   \
    /* share of the paid-for service delivered, 0..1 */                                            \
    X(o, float, effort, (o)->ncomp, 0, 1)                                                          \
    /* monitoring the firm faced at the latest billing */                                          \
    X(o, float, monitoring, (o)->ncomp, 0, 1e6)                                                    \
    /* day the contract's term ends */                                                             \
    X(o, int32_t, contract_end, (o)->ncomp, -SIM_STATE_DAYS, SIM_STATE_DAYS)                       \
    /* -1, or the day a new firm ends interim cover */                                             \
    X(o, int32_t, interim_until, (o)->ncomp, -1, SIM_STATE_DAYS)                                   \
    /* times caught shirking in this term */                                                       \
    X(o, uint8_t, strikes, (o)->ncomp, 0, 255)                                                     \
    /* loss-making months in a row */                                                              \
    X(o, uint8_t, loss_months, (o)->ncomp, 0, 255)                                                 \
    /* fixed: CMP_* (models/compound.h), its fee regime */                                         \
    X(o, uint8_t, type, (o)->ncomp, 0, CMP_NTYPES - 1)                                             \
    /* per firm: smoothed effort the firm delivers where it serves */                              \
    X(o, float, reputation, (o)->nrep, 0, 1)
/* Scratch of pmc_reputation_day, per firm (not state: never registered). */
#define PMC_SCRATCH(X, o)                                                                          \
    X(o, double, rep_sum, (o)->nrep, 0, 0)                                                         \
    X(o, int32_t, rep_n, (o)->nrep, 0, 0)

typedef struct {
    int32_t ncomp, nfirm; /* nfirm: incumbents (city.firms); entrants follow */
    int32_t nrep;         /* firms: nfirm + pmc.entrants */
    PMC_FIELDS(SIM_FIELD_MEMBER, _)
    PMC_SCRATCH(SIM_FIELD_MEMBER, _)
    pmc_defect_list *open; /* [ncomp] open defects (by hand: each list owns memory) */
} pmc_state;

sim_status pmc_create(pmc_state *s, const sim_world *w, const sim_params *p, uint64_t seed,
                      sim_error *err);
void pmc_destroy(pmc_state *s);

/* Register the firms' state (sim/state.h), scope "pmc": quality, budget
 * quality and every open defect (lists "pmc.open": counts and one array
 * per record field). */
void pmc_state_register(pmc_state *s, sim_state *st);

/* After a checkpoint is loaded: every open defect belongs to a household of
 * its compound and was filed after it arose (SIM_EINPUT naming the entry). */
sim_status pmc_state_check(const pmc_state *s, const sim_world *w, sim_error *err);

/* The month of compound c's contract at its billing day, `paid` of
 * `billed` households having paid: the firm chooses its effort from the
 * monitoring in `sh`, may be caught, may abandon a loss-making compound; a
 * contract at its term's end is tendered or rolls over; interim cover ends
 * with a new firm.  Sets the budget quality, adds the month's events to row
 * c of `t`; returns the revenue (fees plus subsidy) in yuan.  Randomness:
 * (seed, SIM_RNG_PMC, c, day). */
double pmc_month(pmc_state *s, const sim_world *w, const sim_params *p, const mdl_shared *sh,
                 uint64_t seed, int32_t c, int64_t day, int32_t paid, int32_t billed, sim_tally *t);

/* A new firm takes over compound c on `day` (after an owners' assembly's
 * replacement vote under Civil Code art. 278 item 4, a tender or interim
 * cover): the best of `bidders` firms drawn from `g` (incumbents and
 * entrants; lowest cost weighted by reputation, see pmc_reputation_day), starting at service quality oc.replace_quality and full
 * effort, then following its budget as every firm does (a honeymoon that
 * fades at pmc.adjust a day).  Open defects stay (they belong to the
 * buildings).  Returns the new firm's id. */
int32_t pmc_replace(pmc_state *s, const sim_params *p, uint64_t seed, int32_t c, int64_t day,
                    int bidders, sim_stream *g);

/* Firms' reputations, once a day before the compounds' phases (serial,
 * O(compounds + firms)): each firm's reputation relaxes at
 * pmc.reputation_rate towards the mean effort it delivers in the compounds
 * it serves (not under interim cover); a firm serving none keeps its own.
 * Tenders (pmc_replace) read it: a bid's score is its cost factor x
 * (1 + pmc.reputation_weight x (1 - reputation)), the lowest score wins. */
void pmc_reputation_day(pmc_state *s, const sim_params *p);

/* ---- the mechanisms as pure functions (used by the month, and tested) ----- */

/* Cost factor of firm `id` (fixed per firm, seed-keyed): exp(N(0, sd)). */
double pmc_firm_cost(const sim_params *p, uint64_t seed, int32_t id);

/* Monitoring the firm of compound c faces, 0..1: the housing office's base,
 * the OC's and the RC's supervision, combined as independent checks. */
double pmc_monitoring(const sim_params *p, double oc_supervision, double rc_supervision);

/* The firm's best shirking given monitoring M: it saves s of the service
 * spending and, caught with probability M s (a month) and then replaced,
 * loses pmc.stake_months of it, with a cost of evidence growing with the
 * square of the shortfall: maximising s - M K s^2 gives
 * s* = min(shirk_max, 1 / (2 M K)). */
double pmc_shirk(const sim_params *p, double monitoring);

/* One day of compound c: open defects are repaired, complained about or
 * given up on; new defects arise; quality follows the budget.  Reads the
 * committees' trust and supervision from `sh`, writes the day's complaints
 * per channel into it, and adds the day's events to row c of the tally.
 * SIM_ENOMEM if the list cannot grow. */
sim_status pmc_day(pmc_state *s, hh_state *hh, const sim_world *w, const sim_params *p,
                   mdl_shared *sh, uint64_t seed, int32_t c, int64_t day, sim_tally *t);

#endif
