/* models/model.c — see model.h.  The daily schedule is mdl_step(). */
#include "model.h"

#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#include <omp.h>

typedef sim_status (*entity_phase)(mdl_model *m, int32_t entity, int64_t day);

typedef struct {
    entity_phase run;
    const char *name;
} phase;

/* The first failure of a for_each (see there). */
typedef struct {
    int32_t at; /* lowest failing entity (n: none) */
    int phase;  /* its failing phase */
    sim_status status;
} phase_failure;

/* Entities [blk * chunk, min(n, (blk + 1) * chunk)) through every phase. */
static void run_block(mdl_model *m, int64_t day, int32_t n, int32_t chunk, int32_t blk,
                      const phase *ph, int nph, phase_failure *f)
{
    const int32_t e1 = n - blk * chunk < chunk ? n : (blk + 1) * chunk;
    for (int32_t e = blk * chunk; e < e1; e++) {
        for (int j = 0; j < nph; j++) {
            sim_status s = ph[j].run(m, e, day);
            if (s == SIM_OK)
                continue;
#pragma omp critical(troika_phase_error)
            if (e < f->at) {
                f->at = e;
                f->phase = j;
                f->status = s;
            }
            break;
        }
    }
}

/* Run phases over entities [0, n) in parallel, in blocks of `chunk`: entity
 * e goes through every phase in turn before the thread moves on, so its
 * data is touched while it is in cache and a day has few barriers (this is
 * exact: these phases read and write only their own entity's state and
 * tally row, see mdl_step).  Compounds and committees come in aligned
 * blocks of SIM_TALLY_BLOCK (see sim/metrics.h), sub-districts in blocks of
 * 8 (each has its own tally row).  Each thread takes one contiguous run of
 * seven eighths of the blocks (static schedule): it works on the same part
 * of the city in every phase and on every day, so that part's state stays
 * in its core's caches, as if each core ran a city of its own; the last
 * eighth goes block by block to whichever thread is free, so the threads
 * finish together.  Measured on two threads (shanghai, 365 days, medians of
 * six alternating runs): every block dealt out dynamically 2.69 s, all
 * static 2.45 s (and 2.49 s in a later comparison), static with the
 * dynamic tail 2.37 s.  The first failure (lowest index, so the report
 * does not depend on the threads) wins. */
static sim_status for_each(mdl_model *m, sim_ctx *ctx, int64_t day, int32_t n, int32_t chunk,
                           int32_t parallel_from, const phase *ph, int nph, const char *what)
{
    phase_failure f = {n, 0, SIM_OK};
    const int32_t nblocks = (n + chunk - 1) / chunk;
    /* most blocks in one contiguous run per thread (static); the last
     * eighth dealt out one by one, to whichever thread is free first, so
     * the threads finish together */
    const int32_t nfixed = nblocks - nblocks / 8;
    if (n < parallel_from || !sim_threads_available()) {
        for (int32_t blk = 0; blk < nblocks; blk++)
            run_block(m, day, n, chunk, blk, ph, nph, &f);
    } else
#pragma omp parallel
    {
#pragma omp for schedule(static) nowait
        for (int32_t blk = 0; blk < nfixed; blk++)
            run_block(m, day, n, chunk, blk, ph, nph, &f);
#pragma omp for schedule(dynamic, 1)
        for (int32_t blk = nfixed; blk < nblocks; blk++)
            run_block(m, day, n, chunk, blk, ph, nph, &f);
    }
    if (f.status != SIM_OK)
        return SIM_FAIL(&ctx->err, f.status, NULL, 0, NULL, "%s failed in %s %d on day %lld: %s",
                        ph[f.phase].name, what, (int)f.at, (long long)day,
                        sim_status_name(f.status));
    return SIM_OK;
}

#define PHASES(a) (a), (int)(sizeof(a) / sizeof *(a))
#define COMPOUNDS(ph)                                                                              \
    for_each(m, ctx, day, m->w->ncomp, SIM_TALLY_BLOCK, 2 * SIM_TALLY_BLOCK, PHASES(ph), "compound")
#define SUBDISTRICTS(ph) for_each(m, ctx, day, m->w->nsub, 8, 16, PHASES(ph), "sub-district")
#define COMMITTEES(ph)                                                                             \
    for_each(m, ctx, day, m->w->nrc, SIM_TALLY_BLOCK, 2 * SIM_TALLY_BLOCK, PHASES(ph),             \
             "residents' committee")

/* ---- phases ------------------------------------------------------------- */

/* Monthly billing: households update their view and pay or withhold; the
 * firm's budget follows what was collected. */
static sim_status phase_billing(mdl_model *m, int32_t c, int64_t day)
{
    if (day % MDL_MONTH != c % MDL_MONTH)
        return SIM_OK;
    int32_t paid = hh_monthly(&m->hh, m->w, &m->p, &m->sh, m->seed, c, day, m->pmc.quality[c]);
    double revenue = pmc_month(&m->pmc, m->w, &m->p, &m->sh, m->seed, c, day, paid,
                               sim_world_comp_hh(m->w, c), m->tally);
    sim_tally_add(m->tally, c, SIM_MET_pmc_revenue, revenue, 0);
    return SIM_OK;
}

/* Defects arise, are complained about and repaired; quality moves. */
static sim_status phase_service(mdl_model *m, int32_t c, int64_t day)
{
    return pmc_day(&m->pmc, &m->hh, m->w, &m->p, &m->sh, m->seed, c, day, m->tally);
}

/* Neighbour disputes and rule-breaking arise; found violations are reported. */
static sim_status phase_problems(mdl_model *m, int32_t c, int64_t day)
{
    SIM_TRY(NULL, med_compound_day(m, c, day));
    return enf_compound_day(m, c, day);
}

static sim_status phase_mediation(mdl_model *m, int32_t s, int64_t day)
{
    return med_subdistrict_day(m, s, day);
}

static sim_status phase_enforcement(mdl_model *m, int32_t s, int64_t day)
{
    return enf_subdistrict_day(m, s, day);
}

/* The owners' committee, its assemblies and elections, the party's part. */
static sim_status phase_governance(mdl_model *m, int32_t c, int64_t day)
{
    return oc_compound_day(m, c, day);
}

/* Residents' committees: workers' hours, acting for failed OCs, assessments. */
static sim_status phase_committees(mdl_model *m, int32_t r, int64_t day)
{
    return rc_day(m, r, day);
}

/* The households' standing figures for the day (final once billing and
 * property service are done: no later phase changes households). */
static sim_status phase_household_tally(mdl_model *m, int32_t c, int64_t day)
{
    (void)day;
    double n = sim_world_comp_hh(m->w, c);
    sim_tally_add(m->tally, c, SIM_MET_households, n, 0);
    sim_tally_add(m->tally, c, SIM_MET_households_rating_pmc_inadequate, m->hh.n_inadequate[c], n);
    sim_tally_add(m->tally, c, SIM_MET_pmc_satisfaction_mean, m->hh.sat_sum[c], n);
    sim_tally_add(m->tally, c, SIM_MET_fee_collection_rate, m->hh.paid_last[c],
                  m->hh.billed_last[c]);
    if ((double)m->hh.paid_last[c] < 0.6 * (double)m->hh.billed_last[c])
        sim_tally_add(m->tally, c, SIM_MET_compounds_low_payment, 1.0, 0);
    return SIM_OK;
}

/* The day.  Within one group, an entity's phases run back to back; each
 * phase reads and writes only that entity's state and its own tally row,
 * and the household tally reads what billing and property service left
 * (nothing later in the day changes households), so grouping gives the
 * same numbers as running every phase over all entities in turn. */
static const phase morning[] = {
    {phase_billing, "billing"},
    {phase_service, "property service"},
    {phase_problems, "disputes and violations"},
    {phase_household_tally, "household tally"},
};
static const phase subdistrict_day[] = {
    {phase_mediation, "mediation"},
    {phase_enforcement, "enforcement"},
};
static const phase governance[] = {{phase_governance, "governance"}};
static const phase committees[] = {{phase_committees, "residents' committees"}};

const char *const mdl_group_name[MDL_NGROUPS] = {
    "compounds: billing, service, disputes and violations", "sub-districts: mediation, enforcement",
    "compounds: governance", "residents' committees"};

sim_status mdl_step(mdl_model *m, sim_ctx *ctx, int64_t day)
{
    if (!m->tally->clean)
        sim_tally_clear(m->tally);
    m->tally->clean = 0;
    double *gs = m->group_seconds, t0 = omp_get_wtime(), t1;
    pmc_reputation_day(&m->pmc, &m->p); /* serial: firms span compounds */
    SIM_TRY(&ctx->err, COMPOUNDS(morning));
    gs[0] += (t1 = omp_get_wtime()) - t0;
    SIM_TRY(&ctx->err, SUBDISTRICTS(subdistrict_day));
    gs[1] += (t0 = omp_get_wtime()) - t1;
    SIM_TRY(&ctx->err, COMPOUNDS(governance));
    gs[2] += (t1 = omp_get_wtime()) - t0;
    SIM_TRY(&ctx->err, COMMITTEES(committees));
    gs[3] += omp_get_wtime() - t1;
    return SIM_OK;
}

sim_status mdl_apply_change(mdl_model *m, int param, double value, int64_t day, sim_error *err)
{
    sim_param_put(&m->p, param, value);
    oc_policy_changed(m, param, day);
    rc_policy_changed(m, param, day);
    SIM_TRY(err, enf_policy_changed(m, param, day, err));
    SIM_TRY(err, med_policy_changed(m, param, day, err));
    return SIM_OK;
}

/* ---- life cycle ----------------------------------------------------------- */

void mdl_destroy(mdl_model *m)
{
    if (!m)
        return;
    med_destroy(&m->med);
    enf_destroy(&m->enf);
    rc_destroy(&m->rc);
    party_destroy(&m->party);
    oc_destroy(&m->oc);
    pmc_destroy(&m->pmc);
    hh_destroy(&m->hh);
    mdl_shared_destroy(&m->sh);
    sim_tally_destroy(m->tally);
    free(m);
}

sim_status mdl_create(mdl_model **out, const sim_world *w, const sim_params *p, uint64_t seed,
                      sim_error *err)
{
    *out = NULL;
    mdl_model *m = calloc(1, sizeof *m);
    if (!m)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the model");
    m->w = w;
    m->p = *p;
    m->seed = seed;
    sim_status s = mdl_shared_create(&m->sh, w->ncomp, err);
    if (s == SIM_OK)
        s = hh_create(&m->hh, w, p, seed, err);
    if (s == SIM_OK)
        s = pmc_create(&m->pmc, w, p, seed, err);
    if (s == SIM_OK)
        s = oc_create(&m->oc, m, err);
    if (s == SIM_OK)
        s = party_create(&m->party, m, err);
    if (s == SIM_OK)
        s = rc_create(&m->rc, m, err);
    if (s == SIM_OK)
        s = enf_create(&m->enf, m, err);
    if (s == SIM_OK)
        s = med_create(&m->med, m, err);
    if (s == SIM_OK) {
        m->tally = sim_tally_create(w->ncomp, w->nsub, w->nrc);
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

/* ---- state (sim/state.h) ------------------------------------------------------ */

void mdl_state_register(mdl_model *m, sim_state *st)
{
    mdl_shared_state_register(&m->sh, st);
    hh_state_register(&m->hh, m->w, st);
    pmc_state_register(&m->pmc, st);
    oc_state_register(&m->oc, st);
    party_state_register(&m->party, st);
    rc_state_register(&m->rc, st);
    enf_state_register(&m->enf, m->w, st);
    med_state_register(&m->med, m->w, st);
    sim_state_scope(st, NULL);
    sim_state_on_load(st, mdl_state_check, m);
}

double mdl_state_day(const mdl_model *m)
{
    return m->w->nsub > 0 ? m->enf.q[0].now : 0.0;
}

sim_status mdl_state_check(void *model, sim_error *err)
{
    const mdl_model *m = model;
    /* every line is worked every day: they all ended the same day */
    const double day = mdl_state_day(m);
    for (int32_t s = 0; s < m->w->nsub; s++)
        if (m->enf.q[s].now != day || m->med.q[s].now != day)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "enf.q0.now",
                            "the queues of sub-district %d ended day %.17g and %.17g, those "
                            "of sub-district 0 day %.17g (a damaged or edited checkpoint)",
                            (int)s, m->enf.q[s].now, m->med.q[s].now, day);
    SIM_TRY(err, hh_state_check(&m->hh, m->w, err));
    SIM_TRY(err, pmc_state_check(&m->pmc, m->w, err));
    SIM_TRY(err, oc_state_check(&m->oc, err));
    SIM_TRY(err, rc_state_check(&m->rc, m->w, err));
    SIM_TRY(err, enf_state_check(&m->enf, m->w, err));
    SIM_TRY(err, med_state_check(&m->med, err));
    return SIM_OK;
}

/* ---- shared buffers --------------------------------------------------------- */

void mdl_shared_destroy(mdl_shared *s)
{
    if (!s)
        return;
    MDL_SHARED_FIELDS(SIM_FIELD_FREE, s)
    memset(s, 0, sizeof *s);
}

sim_status mdl_shared_create(mdl_shared *s, int32_t ncomp, sim_error *err)
{
    memset(s, 0, sizeof *s);
    s->ncomp = ncomp;
    MDL_SHARED_FIELDS(SIM_FIELD_ALLOC, s)
    if (MDL_SHARED_FIELDS(SIM_FIELD_MISSING, s) 0) {
        mdl_shared_destroy(s);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for shared buffers");
    }
    /* neutral starting values until the writers' first day */
    for (int32_t c = 0; c < ncomp; c++) {
        s->oc_state[c] = OC_ACTIVE;
        s->oc_trust[c] = s->rc_trust[c] = 0.5f;
        s->oc_satisfaction[c] = s->rc_satisfaction[c] = 0.5f;
    }
    return SIM_OK;
}

void mdl_shared_state_register(mdl_shared *s, sim_state *st)
{
    sim_state_scope(st, "shared");
    MDL_SHARED_FIELDS(SIM_FIELD_REGISTER, s)
}
