/* models/world.h — the city's structure: who belongs to whom.
 *
 * city -> districts -> sub-districts -> compounds -> households, plus residents'
 * committees (each covers 1-3 compounds of one sub-district) and property
 * firms (each serves many compounds).  Everything is structure-of-arrays
 * indexed by integers; no pointers between entities.
 *
 * Districts: one, or with city.shanghai_districts Shanghai's 16 (the table
 * in world.c: sub-districts and towns per district, 2020 census population,
 * central or not).  Then sub-districts are split over the districts in
 * proportion to their counts (exactly those counts for 216 sub-districts)
 * and compounds in proportion to population, at least one each; a compound
 * is old with its district's probability, the central districts'
 * city.old_central_ratio times the others', so that the expected city-wide
 * share is city.old_share.  Without the layout the draws are those of a
 * single district with probability city.old_share.
 *
 * Invariants: sub-districts are numbered district by district, so the
 * sub-districts of district d are [dist_sub0[d], dist_sub0[d+1]).
 * Compounds are numbered sub-district by sub-district, so the
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

/* Household flags (static).  A vacant home (ABSENT) is its owner's
 * (OWNER set), and ELDERLY then says the owner is elderly; an occupied home
 * is owner-occupied (OWNER) or rented, and ELDERLY says an elderly member
 * lives there. */
enum {
    SIM_HH_OWNER = 1u << 0,   /* owns the home (else rents) */
    SIM_HH_ELDERLY = 1u << 1, /* has an elderly member */
    SIM_HH_ABSENT = 1u << 2   /* vacant or absentee owner */
};

typedef struct {
    int32_t ndist, nsub, ncomp, nrc, nfirm;
    int64_t nhh;

    /* districts */
    int32_t *dist_sub0; /* [ndist+1] first sub-district */

    /* sub-districts */
    int32_t *sub_comp0; /* [nsub+1] first compound */
    int32_t *sub_dist;  /* [nsub] district */

    /* residents' committees */
    int32_t *rc_comp0; /* [nrc+1] first compound */
    int32_t *rc_sub;   /* [nrc] sub-district */

    /* compounds */
    int32_t *comp_sub;     /* [ncomp] sub-district */
    int32_t *comp_rc;      /* [ncomp] residents' committee */
    int32_t *comp_firm;    /* [ncomp] property firm */
    uint8_t *comp_old;     /* [ncomp] 1 = old compound */
    uint8_t *comp_type;    /* [ncomp] CMP_* (models/compound.h) */
    int32_t *comp_elderly; /* [ncomp] occupied homes with an elderly member */
    int64_t *comp_hh0;     /* [ncomp+1] first household */

    /* households */
    uint8_t *hh_flags; /* [nhh] SIM_HH_* */
    uint16_t *hh_area; /* [nhh] floor area, m2 (votes by area) */
} sim_world;

/* Build the city from p's [city] section and seed.  On failure *out is NULL
 * and err says why (e.g. an empty city, SIM_EINPUT). */
sim_status sim_world_create(sim_world **out, const sim_params *p, uint64_t seed, sim_error *err);
void sim_world_destroy(sim_world *w);

/* Name of district d of w: the Shanghai district's name (pinyin, then
 * Chinese) with the layout, "district" without. */
const char *sim_world_district_name(const sim_world *w, int32_t d);

/* Split n items over k bins: bin i gets 1 + its share of n - k by
 * weight[i] (largest remainders, ties to the lower index); out[i] >= 1 and
 * the sum is n.  Needs n >= k >= 1 and weights >= 0 with a positive sum
 * (equal shares otherwise). */
void sim_world_split(int64_t n, int32_t k, const double *weight, int64_t *out);

static inline int32_t sim_world_comp_hh(const sim_world *w, int32_t c)
{
    return (int32_t)(w->comp_hh0[c + 1] - w->comp_hh0[c]);
}

#endif
