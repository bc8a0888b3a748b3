/* models/pmc.h — property-management firms: service quality, revenue,
 * maintenance defects and the complaints about them.
 *
 * Per compound the firm has a service quality q (0..1) that follows, day by
 * day, what its budget can pay for: the fees actually collected (and public
 * subsidy in old compounds), less its margin, over the cost of full quality.
 * That closes the non-payment spiral: satisfaction down -> collection down
 * -> revenue down -> quality down -> more defects, slower repairs.
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
#include "err.h"
#include "metrics.h"
#include "params.h"
#include "state.h"
#include "world.h"

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

typedef struct {
    int32_t ncomp;
    double *quality;        /* [ncomp] service quality, 0..1 */
    double *budget_quality; /* [ncomp] quality the latest budget pays for */
    pmc_defect_list *open;  /* [ncomp] open defects */
} pmc_state;

sim_status pmc_create(pmc_state *s, const sim_world *w, const sim_params *p,
                      sim_error *err);
void pmc_destroy(pmc_state *s);

/* Register the firms' state (sim/state.h), scope "pmc": quality, budget
 * quality and every open defect (lists "pmc.open": counts and one array
 * per record field). */
void pmc_state_register(pmc_state *s, sim_state *st);

/* After a checkpoint is loaded: every open defect belongs to a household of
 * its compound and was filed after it arose (SIM_EINPUT naming the entry). */
sim_status pmc_state_check(const pmc_state *s, const sim_world *w, sim_error *err);

/* Revenue per household per month from `paid` of `billed` households paying
 * in compound c, fees plus subsidy: sets the budget quality; returns the
 * revenue in yuan. */
double pmc_bill(pmc_state *s, const sim_world *w, const sim_params *p, int32_t c,
                int32_t paid, int32_t billed);

/* The owners' assembly of compound c replaced its firm (Civil Code art. 278
 * item 4; called from the governance phase, models/oc.c): the new firm
 * starts at service quality `quality` (clamped to 0..1) and then follows
 * what the budget pays for, as every firm does, so a firm that starts above
 * its budget has a honeymoon that fades at pmc.adjust a day.  Open defects
 * stay (they belong to the buildings). */
void pmc_replace(pmc_state *s, int32_t c, double quality);

/* One day of compound c: open defects are repaired, complained about or
 * given up on; new defects arise; quality follows the budget.  Reads the
 * committees' trust and supervision from `sh`, writes the day's complaints
 * per channel into it, and adds the day's events to row c of the tally.
 * SIM_ENOMEM if the list cannot grow. */
sim_status pmc_day(pmc_state *s, hh_state *hh, const sim_world *w,
                   const sim_params *p, mdl_shared *sh, uint64_t seed, int32_t c,
                   int64_t day, sim_tally *t);

#endif
