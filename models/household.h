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

#include "err.h"
#include "params.h"
#include "state.h"
#include "world.h"

enum {
    HH_INADEQUATE = 1u << 0, /* rates property service inadequate */
    HH_WITHHOLDER = 1u << 1  /* withholds the fee when dissatisfied */
};

typedef struct {
    int64_t n;
    /* per household */
    float *sat;        /* satisfaction with the property firm, 0..1 */
    float *tol;        /* individual leniency: offset to the quality seen */
    uint8_t *arrears;  /* months of fees unpaid, capped at 255 */
    uint8_t *state;    /* HH_* bits */
    /* per compound, kept current at every touch */
    int32_t *n_inadequate;
    double *sat_sum;
    int32_t *paid_last;   /* households that paid at the latest billing */
    int32_t *billed_last; /* households billed at the latest billing */
} hh_state;

/* Allocate and initialise (keyed by seed, SIM_RNG_HH_INIT, compound). */
sim_status hh_create(hh_state *hh, const sim_world *w, const sim_params *p,
                     uint64_t seed, sim_error *err);
void hh_destroy(hh_state *hh);

/* Register the households' state (sim/state.h), scope "hh": every array
 * above (tol and the withholder bit are fixed at creation but drawn with the
 * seed, so a fork with another seed must keep them). */
void hh_state_register(hh_state *hh, const sim_world *w, sim_state *st);

/* After a checkpoint is loaded: per compound, the counts within its
 * households and the inadequate count agreeing with the state bytes
 * (SIM_EINPUT naming the entry). */
sim_status hh_state_check(const hh_state *hh, const sim_world *w, sim_error *err);

/* Change household h's satisfaction by delta (clamped to 0..1), keeping
 * compound c's aggregates current. */
void hh_shift(hh_state *hh, const sim_params *p, int32_t c, int64_t h, double delta);

/* The monthly pass of compound c: satisfaction relaxes towards
 * quality + leniency, then every household pays or withholds.  Returns the
 * number of households that paid. */
int32_t hh_monthly(hh_state *hh, const sim_world *w, const sim_params *p,
                   uint64_t seed, int32_t c, int64_t day, double quality);

#endif
