/* models/compound.h — compound types (小区类型): old public housing
 * (售后公房), commodity housing (商品房) and resettlement housing (动迁安置房).
 *
 * The world knows only whether a compound is old (sim/world.h: older
 * buildings, more elderly, lower fees).  The model splits compounds into
 * three types with their own fee regime and troubles:
 *   - an old compound is old public housing, or resettlement housing with
 *     probability city.resettled_share_old;
 *   - a new compound is commodity housing, or resettlement housing with
 *     probability city.resettled_share_new.
 * The type is a fixed trait of the compound, a pure function of (seed,
 * compound, old): nothing to store or free, the same in every module and
 * on every thread.  Its draw comes from the stream (seed, SIM_RNG_HH_INIT,
 * c, 1) (the households' initial draws use day 0).
 *
 * Each type's regime (cmp_regime): the fee billed per household, the public
 * subsidy, the cost of full quality, the defect factor of its buildings and
 * the shift of its residents' payment culture.
 *
 * Each type's household mix (cmp_mix_mean): the mean shares of vacant homes
 * (or absentee owners), of occupied homes rented to tenants and of occupied
 * homes with an elderly member.  Every compound draws its own shares around
 * its type's means (cmp_mix_draw: Beta with the mean and the concentration
 * city.mix_concentration), and the world draws its households' flags with
 * them (models/world.c).
 */
#ifndef TROIKA_MODELS_COMPOUND_H
#define TROIKA_MODELS_COMPOUND_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "params.h"

enum { CMP_COMMODITY = 0, CMP_PUBLIC = 1, CMP_RESETTLED = 2, CMP_NTYPES = 3 };

/* Type of compound c (old: the world's flag). */
int cmp_type(const sim_params *p, uint64_t seed, int32_t c, int old);

typedef struct {
    double fee;           /* yuan per household per month */
    double subsidy;       /* public subsidy, yuan per household per month */
    double cost;          /* cost of full quality at full effort, yuan/household/month */
    double defect_factor; /* defects relative to commodity housing */
    double culture;       /* shift of the share who withhold when dissatisfied */
} cmp_regime_t;

/* The regime of a type, from the parameter table. */
cmp_regime_t cmp_regime(const sim_params *p, int type);

typedef struct {
    double vacant;  /* share of homes vacant or with absentee owners */
    double tenant;  /* share of occupied homes rented out */
    double elderly; /* share of occupied homes with an elderly member */
} cmp_mix_t;

/* The mean household mix of a type, from the parameter table. */
cmp_mix_t cmp_mix_mean(const sim_params *p, int type);

/* One compound's mix: each share ~ Beta(k m, k (1 - m)) with mean m from
 * cmp_mix_mean and k = city.mix_concentration (its variance is
 * m (1 - m) / (k + 1)); a mean of 0 or 1 is kept exactly.  Three draws
 * from r. */
cmp_mix_t cmp_mix_draw(const sim_params *p, int type, const gsl_rng *r);

#endif
