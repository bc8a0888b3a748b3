/* models/model.c — see model.h.  The daily schedule is mdl_step(). */
#include "model.h"

#include <stdlib.h>
#include <string.h>

typedef sim_status (*compound_phase)(mdl_model *m, int32_t c, int64_t day);

/* Run a phase over every compound in parallel.  The first failure (lowest
 * compound index, so the report does not depend on the threads) wins. */
static sim_status for_compounds(mdl_model *m, sim_ctx *ctx, int64_t day,
                                compound_phase phase, const char *name)
{
    int32_t failed_at = m->w->ncomp;
    sim_status failed = SIM_OK;
#pragma omp parallel for schedule(dynamic, 8)
    for (int32_t c = 0; c < m->w->ncomp; c++) {
        sim_status s = phase(m, c, day);
        if (s != SIM_OK) {
#pragma omp critical(troika_phase_error)
            if (c < failed_at) {
                failed_at = c;
                failed = s;
            }
        }
    }
    if (failed != SIM_OK)
        return SIM_FAIL(&ctx->err, failed, NULL, 0, NULL,
                        "%s failed in compound %d on day %lld: %s", name, (int)failed_at,
                        (long long)day, sim_status_name(failed));
    return SIM_OK;
}

/* ---- phases ------------------------------------------------------------- */

/* Monthly billing: households update their view and pay or withhold; the
 * firm's budget follows what was collected. */
static sim_status phase_billing(mdl_model *m, int32_t c, int64_t day)
{
    if (day % MDL_MONTH != c % MDL_MONTH)
        return SIM_OK;
    int32_t paid = hh_monthly(&m->hh, m->w, &m->p, m->seed, c, day, m->pmc.quality[c]);
    double revenue = pmc_bill(&m->pmc, m->w, &m->p, c, paid, sim_world_comp_hh(m->w, c));
    sim_tally_add(m->tally, c, SIM_MET_pmc_revenue, revenue, 0);
    return SIM_OK;
}

/* Defects arise, are complained about and repaired; quality moves. */
static sim_status phase_service(mdl_model *m, int32_t c, int64_t day)
{
    return pmc_day(&m->pmc, &m->hh, m->w, &m->p, m->seed, c, day, m->tally);
}

/* End of day: the households' standing figures. */
static sim_status phase_household_tally(mdl_model *m, int32_t c, int64_t day)
{
    (void)day;
    double n = sim_world_comp_hh(m->w, c);
    sim_tally_add(m->tally, c, SIM_MET_households, n, 0);
    sim_tally_add(m->tally, c, SIM_MET_households_rating_pmc_inadequate,
                  m->hh.n_inadequate[c], n);
    sim_tally_add(m->tally, c, SIM_MET_pmc_satisfaction_mean, m->hh.sat_sum[c], n);
    sim_tally_add(m->tally, c, SIM_MET_fee_collection_rate, m->hh.paid_last[c],
                  m->hh.billed_last[c]);
    return SIM_OK;
}

sim_status mdl_step(mdl_model *m, sim_ctx *ctx, int64_t day)
{
    sim_tally_clear(m->tally);
    SIM_TRY(&ctx->err, for_compounds(m, ctx, day, phase_billing, "billing"));
    SIM_TRY(&ctx->err, for_compounds(m, ctx, day, phase_service, "property service"));
    SIM_TRY(&ctx->err, for_compounds(m, ctx, day, phase_household_tally, "household tally"));
    return SIM_OK;
}

/* ---- life cycle ----------------------------------------------------------- */

void mdl_destroy(mdl_model *m)
{
    if (!m)
        return;
    hh_destroy(&m->hh);
    pmc_destroy(&m->pmc);
    sim_tally_destroy(m->tally);
    free(m);
}

sim_status mdl_create(mdl_model **out, const sim_world *w, const sim_params *p,
                      uint64_t seed, sim_error *err)
{
    *out = NULL;
    mdl_model *m = calloc(1, sizeof *m);
    if (!m)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the model");
    m->w = w;
    m->p = *p;
    m->seed = seed;
    sim_status s = hh_create(&m->hh, w, p, seed, err);
    if (s == SIM_OK)
        s = pmc_create(&m->pmc, w, p, err);
    if (s == SIM_OK) {
        m->tally = sim_tally_create(w->ncomp, w->nsub);
        if (!m->tally)
            s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the tally");
    }
    if (s != SIM_OK) {
        mdl_destroy(m);
        return s;
    }
    *out = m;
    return SIM_OK;
}
