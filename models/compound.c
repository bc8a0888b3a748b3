/* models/compound.c — see compound.h. */
#include "compound.h"

#include <gsl/gsl_randist.h>

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

cmp_mix_t cmp_mix_mean(const sim_params *p, int type)
{
    switch (type) {
    case CMP_PUBLIC:
        return (cmp_mix_t){p->city_absent_share_public, p->city_tenant_share_public,
                           p->city_elderly_share_old};
    case CMP_RESETTLED:
        return (cmp_mix_t){p->city_absent_share_resettled, p->city_tenant_share_resettled,
                           p->city_elderly_share_resettled};
    default:
        return (cmp_mix_t){p->city_absent_share, 1.0 - p->city_owner_share, p->city_elderly_share};
    }
}

/* A share with mean m and concentration k (see compound.h). */
static double share_draw(double m, double k, const gsl_rng *r)
{
    if (m <= 0.0 || m >= 1.0 || k <= 0.0)
        return m <= 0.0 ? 0.0 : (m >= 1.0 ? 1.0 : m);
    return gsl_ran_beta(r, k * m, k * (1.0 - m));
}

cmp_mix_t cmp_mix_draw(const sim_params *p, int type, const gsl_rng *r)
{
    const cmp_mix_t m = cmp_mix_mean(p, type);
    const double k = p->city_mix_concentration;
    cmp_mix_t x;
    x.vacant = share_draw(m.vacant, k, r);
    x.tenant = share_draw(m.tenant, k, r);
    x.elderly = share_draw(m.elderly, k, r);
    return x;
}
