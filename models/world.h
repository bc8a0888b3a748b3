/* models/world.h — the city's structure: who belongs to whom.
 *
 * city -> sub-districts -> compounds -> households, plus residents'
 * committees (each covers 1-3 compounds of one sub-district) and property
 * firms (each serves many compounds).  Everything is structure-of-arrays
 * indexed by integers; no pointers between entities.
 *
 * Invariants: compounds are numbered sub-district by sub-district, so the
 * compounds of sub-district s are [sub_comp0[s], sub_comp0[s+1]); likewise
 * the compounds of RC r are [rc_comp0[r], rc_comp0[r+1]) and the households
 * of compound c are [comp_hh0[c], comp_hh0[c+1]).  (Arrays of offsets have
 * one more entry than entities.)
 *
 * The world is static during a run: models/ keeps the changing state.  It is
 * built from the [city] parameters and the seed alone (sim_world_create), so
 * every replicate of one seed has the same city.  Owned by its creator; free
 * with sim_world_destroy (NULL is fine).
 */
#ifndef TROIKA_SIM_WORLD_H
#define TROIKA_SIM_WORLD_H

#include <stdint.h>

#include "err.h"
#include "params.h"

/* Household flags (static). */
enum {
    SIM_HH_OWNER = 1u << 0,   /* owns the home (else rents) */
    SIM_HH_ELDERLY = 1u << 1, /* has an elderly member */
    SIM_HH_ABSENT = 1u << 2   /* vacant or absentee owner */
};

typedef struct {
    int32_t nsub, ncomp, nrc, nfirm;
    int64_t nhh;

    /* sub-districts */
    int32_t *sub_comp0;   /* [nsub+1] first compound */

    /* residents' committees */
    int32_t *rc_comp0;    /* [nrc+1] first compound */
    int32_t *rc_sub;      /* [nrc] sub-district */

    /* compounds */
    int32_t *comp_sub;    /* [ncomp] sub-district */
    int32_t *comp_rc;     /* [ncomp] residents' committee */
    int32_t *comp_firm;   /* [ncomp] property firm */
    uint8_t *comp_old;    /* [ncomp] 1 = old compound */
    int64_t *comp_hh0;    /* [ncomp+1] first household */

    /* households */
    uint8_t *hh_flags;    /* [nhh] SIM_HH_* */
    uint16_t *hh_area;    /* [nhh] floor area, m2 (votes by area) */
} sim_world;

/* Build the city from p's [city] section and seed.  On failure *out is NULL
 * and err says why (e.g. an empty city, SIM_EINPUT). */
sim_status sim_world_create(sim_world **out, const sim_params *p, uint64_t seed,
                            sim_error *err);
void sim_world_destroy(sim_world *w);

static inline int32_t sim_world_comp_hh(const sim_world *w, int32_t c)
{
    return (int32_t)(w->comp_hh0[c + 1] - w->comp_hh0[c]);
}

#endif
