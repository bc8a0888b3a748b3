/* models/compound.c — see compound.h. */
#include "compound.h"

#include "rng.h"

int cmp_type(const sim_params *p, uint64_t seed, int32_t c, int old)
{
    sim_stream st;
    sim_stream_open(&st, seed, SIM_RNG_HH_INIT, (uint32_t)c, 1);
    const double u = sim_stream_uniform(&st);
    if (old)
        return u < p->city_resettled_share_old ? CMP_RESETTLED : CMP_PUBLIC;
    return u < p->city_resettled_share_new ? CMP_RESETTLED : CMP_COMMODITY;
}

cmp_regime_t cmp_regime(const sim_params *p, int type)
{
    cmp_regime_t r;
    switch (type) {
    case CMP_PUBLIC:
        r = (cmp_regime_t){p->pmc_fee_old, p->pmc_subsidy_old, p->pmc_cost_old,
                           p->pmc_defect_old_factor, 0.0};
        break;
    case CMP_RESETTLED:
        r = (cmp_regime_t){p->pmc_fee_resettled, p->pmc_subsidy_resettled, p->pmc_cost_resettled,
                           p->pmc_defect_resettled_factor, p->household_culture_resettled};
        break;
    default:
        r = (cmp_regime_t){p->pmc_fee_new, 0.0, p->pmc_cost_new, 1.0, 0.0};
        break;
    }
    return r;
}
