/* models/pmc.c — see pmc.h.
 *
 * Day of compound c (q = quality):
 *   each open defect, in list order, with its own uniform draw u:
 *     PENDING:  repaired if u < r*prio(channel), where
 *               r = repair_rate * q * (1 + supervision_effect * supervision);
 *               else the household gives up with probability 1/patience
 *     SILENT:   repaired if u < r; else its household complains with
 *               probability complain_rate, through a channel (see pmc.h)
 *     GAVE_UP:  repaired if u < r
 *   new defects ~ Poisson(H * defect_rate * old_factor * (1 + e*(0.5 - q))),
 *   each hitting a household drawn uniformly;
 *   q += adjust * (budget_quality - q).
 * Month of compound c (at its billing day; see pmc.h):
 *   M = 1 - (1 - monitor_base)(1 - oc_supervision)(1 - rc_supervision)
 *   shirking s = min(shirk_max, 1 / (2 M stake_months)), effort = 1 - s
 *   budget quality = (1 - s) (1 - margin) (fee paid/billed + subsidy) / (cost x f)
 *     with f the firm's cost factor; under interim cover: interim_quality
 *   caught with probability M s (a strike); a month with revenue per
 *     household < exit_floor x cost x f is loss-making; exit_months of them
 *     in a row and the firm leaves: interim cover for tender_days (a
 *     functioning OC or the RC acting runs the tender) or interim_days
 *   term's end: governed and tender_strikes strikes -> tender (best of
 *     `bidders` firms, cost x reputation); otherwise the same firm rolls over; the term restarts.
 */
#include "pmc.h"

#include "alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "rng.h"
#include "compound.h"

/* Room for open defects each compound's list starts with (about twice the
 * mean number open in the calibrated city). */
#define PMC_LIST_START 8

void pmc_destroy(pmc_state *s)
{
    if (!s)
        return;
    if (s->open)
        for (int32_t c = 0; c < s->ncomp; c++)
            free(s->open[c].d);
    free(s->open);
    PMC_FIELDS(SIM_FIELD_FREE, s)
    PMC_SCRATCH(SIM_FIELD_FREE, s)
    memset(s, 0, sizeof *s);
}

double pmc_firm_cost(const sim_params *p, uint64_t seed, int32_t id)
{
    /* day UINT32_MAX: never a simulated day, so no daily stream shares it */
    sim_rng sr;
    gsl_rng *g = sim_rng_open(&sr, seed, SIM_RNG_PMC, (uint32_t)id, UINT32_MAX);
    return exp(gsl_ran_gaussian_ziggurat(g, p->pmc_firm_cost_sd));
}

double pmc_monitoring(const sim_params *p, double oc_supervision, double rc_supervision)
{
    double m = 1.0 - (1.0 - p->pmc_monitor_base) * (1.0 - oc_supervision) * (1.0 - rc_supervision);
    return m < 0.0 ? 0.0 : (m > 1.0 ? 1.0 : m);
}

double pmc_shirk(const sim_params *p, double monitoring)
{
    double k = 2.0 * monitoring * p->pmc_stake_months;
    return k * p->pmc_shirk_max < 1.0 ? p->pmc_shirk_max : 1.0 / k;
}

sim_status pmc_create(pmc_state *s, const sim_world *w, const sim_params *p, uint64_t seed,
                      sim_error *err)
{
    memset(s, 0, sizeof *s);
    s->ncomp = w->ncomp;
    s->nfirm = w->nfirm;
    s->nrep = w->nfirm + (int32_t)p->pmc_entrants;
    PMC_FIELDS(SIM_FIELD_ALLOC, s)
    PMC_SCRATCH(SIM_FIELD_ALLOC, s)
    s->open = sim_alloc_lines((size_t)w->ncomp, sizeof *s->open);
    if (PMC_FIELDS(SIM_FIELD_MISSING, s) PMC_SCRATCH(SIM_FIELD_MISSING, s) !s->open) {
        pmc_destroy(s);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for property firms");
    }
    /* the incumbents' cost factors, once per firm */
    double *fc = malloc(sizeof *fc * (size_t)(w->nfirm > 0 ? w->nfirm : 1));
    if (!fc) {
        pmc_destroy(s);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for property firms");
    }
    for (int32_t f = 0; f < w->nfirm; f++)
        fc[f] = pmc_firm_cost(p, seed, f);
    for (int32_t c = 0; c < w->ncomp; c++) {
        s->quality[c] = p->pmc_quality_init;
        s->budget_quality[c] = p->pmc_quality_init;
        s->firm[c] = w->comp_firm[c];
        s->cost_factor[c] = (float)fc[w->comp_firm[c]];
        s->effort[c] = (float)(1.0 - p->pmc_shirk_max);
        s->interim_until[c] = -1;
        s->type[c] = (uint8_t)cmp_type(p, seed, c, w->comp_old[c]);
        /* contracts signed at staggered days before the start */
        s->contract_end[c] = (int32_t)((int64_t)(c * 7919) % p->pmc_contract_term) + 1;
    }
    free(fc);
    for (int32_t f = 0; f < s->nrep; f++)
        s->reputation[f] = (float)(1.0 - p->pmc_shirk_max);
    /* every compound's defect list gets room for PMC_LIST_START defects
     * now, one after another in compound order: the daily pass over the
     * compounds then reads the lists as one stream the processor can
     * prefetch, where lists allocated as they first fill are scattered
     * (a cache miss per compound-day).  Longer lists move out as they grow. */
    for (int32_t c = 0; c < w->ncomp; c++) {
        pmc_defect_list *l = &s->open[c];
        if (!(l->d = malloc(PMC_LIST_START * sizeof *l->d))) {
            pmc_destroy(s);
            return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for property firms");
        }
        l->cap = PMC_LIST_START;
    }
    return SIM_OK;
}

int32_t pmc_replace(pmc_state *s, const sim_params *p, uint64_t seed, int32_t c, int64_t day,
                    int bidders, sim_stream *g)
{
    const uint32_t pool = (uint32_t)s->nrep;
    int32_t best = s->firm[c];
    double best_cost = 1.0, best_score = INFINITY;
    for (int k = 0; k < (bidders > 0 ? bidders : 1); k++) {
        int32_t id = (int32_t)sim_stream_below(g, pool);
        double f = pmc_firm_cost(p, seed, id);
        double score = f * (1.0 + p->pmc_reputation_weight * (1.0 - (double)s->reputation[id]));
        if (score < best_score) {
            best_score = score;
            best_cost = f;
            best = id;
        }
    }
    s->firm[c] = best;
    s->cost_factor[c] = (float)best_cost;
    s->effort[c] = 1.0f;
    s->strikes[c] = 0;
    s->loss_months[c] = 0;
    s->interim_until[c] = -1;
    s->contract_end[c] = (int32_t)day + (int32_t)p->pmc_contract_term;
    double q = p->oc_replace_quality;
    s->quality[c] = q < 0.0 ? 0.0 : (q > 1.0 ? 1.0 : q);
    return best;
}

void pmc_reputation_day(pmc_state *s, const sim_params *p)
{
    memset(s->rep_sum, 0, sizeof *s->rep_sum * (size_t)s->nrep);
    memset(s->rep_n, 0, sizeof *s->rep_n * (size_t)s->nrep);
    for (int32_t c = 0; c < s->ncomp; c++) {
        if (s->interim_until[c] >= 0)
            continue;
        s->rep_sum[s->firm[c]] += s->effort[c];
        s->rep_n[s->firm[c]]++;
    }
    const double rate = p->pmc_reputation_rate;
    for (int32_t f = 0; f < s->nrep; f++)
        if (s->rep_n[f] > 0)
            s->reputation[f] =
                (float)(s->reputation[f] + rate * (s->rep_sum[f] / s->rep_n[f] - s->reputation[f]));
}

double pmc_month(pmc_state *s, const sim_world *w, const sim_params *p, const mdl_shared *sh,
                 uint64_t seed, int32_t c, int64_t day, int32_t paid, int32_t billed, sim_tally *t)
{
    const cmp_regime_t reg = cmp_regime(p, s->type[c]);
    const double fee = reg.fee, subsidy = reg.subsidy;
    const double cost = reg.cost * (double)s->cost_factor[c];
    const double per_hh = billed > 0 ? fee * (double)paid / (double)billed + subsidy : 0.0;
    const int governed = sh->oc_state[c] == OC_ACTIVE || sh->rc_acting[c];
    sim_stream g;
    sim_stream_open(&g, seed, SIM_RNG_PMC, (uint32_t)c, (uint32_t)day);
    const double u_caught = sim_stream_uniform(&g);
    int caught = 0, exited = 0, tendered = 0, renewed = 0;

    if (s->interim_until[c] >= 0 && day >= s->interim_until[c]) {
        /* interim cover ends: a tender if someone runs one, else assigned */
        pmc_replace(s, p, seed, c, day, governed ? (int)p->pmc_bidders : 1, &g);
        tendered = governed;
    }
    /* a captured committee shields the firm it colludes with */
    const double mon = pmc_monitoring(p, sh->oc_supervision[c], sh->rc_supervision[c]) *
                       (sh->oc_state[c] == OC_CAPTURED ? 1.0 - p->oc_capture_shield : 1.0);
    s->monitoring[c] = (float)mon;
    if (s->interim_until[c] >= 0) {
        s->budget_quality[c] = p->pmc_interim_quality;
    } else {
        const double shirk = pmc_shirk(p, mon);
        s->effort[c] = (float)(1.0 - shirk);
        double q = (1.0 - shirk) * (1.0 - p->pmc_margin) * per_hh / cost;
        s->budget_quality[c] = q < 0.0 ? 0.0 : (q > 1.0 ? 1.0 : q);
        if (u_caught < mon * shirk) {
            caught = 1;
            s->strikes[c] += s->strikes[c] < 255;
        }
        s->loss_months[c] = per_hh < p->pmc_exit_floor * cost
                                ? (uint8_t)(s->loss_months[c] + (s->loss_months[c] < 255))
                                : 0;
        if (s->loss_months[c] >= p->pmc_exit_months) {
            /* 弃管: the firm walks out; interim cover until a new one */
            exited = 1;
            s->loss_months[c] = 0;
            s->strikes[c] = 0;
            s->interim_until[c] =
                (int32_t)day + (int32_t)(governed ? p->pmc_tender_days : p->pmc_interim_days);
            s->budget_quality[c] = p->pmc_interim_quality;
        } else if (day >= s->contract_end[c]) {
            if (governed && s->strikes[c] >= p->pmc_tender_strikes) {
                int32_t before = s->firm[c];
                pmc_replace(s, p, seed, c, day, (int)p->pmc_bidders, &g);
                tendered = s->firm[c] != before;
                renewed = !tendered;
            } else {
                renewed = 1;
                s->strikes[c] = 0;
                s->contract_end[c] = (int32_t)day + (int32_t)p->pmc_contract_term;
            }
        }
    }
    if (caught + exited + tendered + renewed > 0) {
        sim_tally_add(t, c, SIM_MET_pmc_caught, caught, 0);
        sim_tally_add(t, c, SIM_MET_pmc_exits, exited, 0);
        sim_tally_add(t, c, SIM_MET_pmc_tenders, tendered, 0);
        sim_tally_add(t, c, SIM_MET_pmc_renewals, renewed, 0);
    }
    return fee * (double)paid + subsidy * (double)billed;
}

static sim_status push(pmc_defect_list *l, pmc_defect d)
{
    if (l->n == l->cap) {
        int32_t cap = l->cap ? l->cap * 2 : 8;
        pmc_defect *nd = realloc(l->d, sizeof *nd * (size_t)cap);
        if (!nd)
            return SIM_ENOMEM;
        l->d = nd;
        l->cap = cap;
    }
    l->d[l->n++] = d;
    return SIM_OK;
}

/* Channel of a new complaint from household h (weights x trust). */
static uint8_t choose_channel(const hh_state *hh, const sim_params *p, const mdl_shared *sh,
                              int32_t c, int64_t h, double u)
{
    int has_oc = sh->oc_state[c] != OC_ABSENT && sh->oc_state[c] != OC_FORMING;
    double w_firm = p->household_channel_firm * hh->sat[h];
    double w_rc = p->household_channel_rc * sh->rc_trust[c];
    double w_oc = has_oc ? p->household_channel_oc * sh->oc_trust[c] : 0.0;
    double w_hot = p->household_channel_hotline *
                   (1.0 - 0.5 * ((double)sh->rc_trust[c] + (double)sh->oc_trust[c]));
    double total = w_firm + w_rc + w_oc + w_hot;
    if (total <= 0.0)
        return CHANNEL_HOTLINE;
    u *= total;
    if (u < w_firm)
        return CHANNEL_FIRM;
    if (u < w_firm + w_rc)
        return CHANNEL_RC;
    if (u < w_firm + w_rc + w_oc)
        return CHANNEL_OC;
    return CHANNEL_HOTLINE;
}

sim_status pmc_day(pmc_state *s, hh_state *hh, const sim_world *w, const sim_params *p,
                   mdl_shared *sh, uint64_t seed, int32_t c, int64_t day, sim_tally *t)
{
    pmc_defect_list *l = &s->open[c];
    double q = s->quality[c];
    double sup = sh->oc_supervision[c] > sh->rc_supervision[c] ? sh->oc_supervision[c]
                                                               : sh->rc_supervision[c];
    double r = p->pmc_repair_rate * q * (1.0 + p->pmc_supervision_effect * sup);
    double prio[CHANNEL_HOTLINE + 1] = {1.0, p->pmc_complaint_priority, p->pmc_committee_priority,
                                        p->pmc_committee_priority, p->pmc_hotline_priority};
    double give_up = 1.0 / p->household_patience;
    int32_t repaired = 0, filed = 0, resolved = 0, dropped = 0;
    int32_t by_channel[CHANNEL_HOTLINE + 1] = {0};
    double days_to_resolve = 0.0;

    sim_stream st;
    sim_stream_open(&st, seed, SIM_RNG_REPAIR, (uint32_t)c, (uint32_t)day);
    for (int32_t i = 0; i < l->n;) {
        pmc_defect *d = &l->d[i];
        double u = sim_stream_uniform(&st);
        int fixed = 0;
        switch (d->status) {
        case DEFECT_PENDING: {
            double r_pending = r * prio[d->channel];
            if (u < r_pending) {
                fixed = 1;
                resolved++;
                days_to_resolve += (double)(day - d->filed);
            } else if (u < r_pending + (1.0 - r_pending) * give_up) {
                d->status = DEFECT_GAVE_UP;
                dropped++;
                hh_shift(hh, p, c, d->hh, -p->household_drop_hit);
            }
            break;
        }
        case DEFECT_SILENT:
            if (u < r) {
                fixed = 1;
            } else if (u < r + (1.0 - r) * p->household_complain_rate) {
                d->status = DEFECT_PENDING;
                d->filed = (int32_t)day;
                d->channel = choose_channel(hh, p, sh, c, d->hh, sim_stream_uniform(&st));
                filed++;
                by_channel[d->channel]++;
            }
            break;
        default: /* DEFECT_GAVE_UP */
            fixed = u < r;
            break;
        }
        if (fixed) {
            repaired++;
            hh_shift(hh, p, c, d->hh, p->household_repair_gain);
            l->d[i] = l->d[--l->n]; /* swap-remove; revisit slot i */
        } else {
            i++;
        }
    }

    /* new defects */
    int32_t nh = sim_world_comp_hh(w, c);
    double rate = p->pmc_defect_rate * cmp_regime(p, s->type[c]).defect_factor *
                  (1.0 + p->pmc_quality_defect_effect * (0.5 - q)) *
                  (1.0 - (double)sh->fund_repair[c]) *
                  (sh->oc_state[c] == OC_CAPTURED ? 1.0 + p->oc_capture_defects : 1.0);
    if (rate < 0.0)
        rate = 0.0;
    sim_stream ds;
    sim_stream_open(&ds, seed, SIM_RNG_DEFECTS, (uint32_t)c, (uint32_t)day);
    uint32_t nnew = nh > 0 ? sim_stream_poisson(&ds, rate * nh) : 0;
    for (uint32_t k = 0; k < nnew; k++) {
        int64_t h = w->comp_hh0[c] + sim_stream_below(&ds, (uint32_t)nh);
        pmc_defect d = {h, (int32_t)day, -1, DEFECT_SILENT, CHANNEL_NONE};
        if (push(l, d) != SIM_OK)
            return SIM_ENOMEM;
        hh_shift(hh, p, c, h, -p->household_defect_hit);
    }

    /* quality follows the budget */
    s->quality[c] = q + p->pmc_adjust * (s->budget_quality[c] - q);

    int32_t pending = 0, pending_rc = 0;
    for (int32_t i = 0; i < l->n; i++) {
        pending += l->d[i].status == DEFECT_PENDING;
        pending_rc += l->d[i].status == DEFECT_PENDING && l->d[i].channel == CHANNEL_RC;
    }
    sh->pending_rc[c] = pending_rc;
    sim_tally_add(t, c, SIM_MET_defects_new, nnew, 0);
    sim_tally_add(t, c, SIM_MET_defects_repaired, repaired, 0);
    sim_tally_add(t, c, SIM_MET_defects_open, l->n, 0);
    sim_tally_add(t, c, SIM_MET_complaints_new, filed, 0);
    sim_tally_add(t, c, SIM_MET_complaints_hotline, by_channel[CHANNEL_HOTLINE], 0);
    sh->complaints_rc[c] = by_channel[CHANNEL_RC];
    sh->complaints_oc[c] = by_channel[CHANNEL_OC];
    sh->complaints_hotline[c] = by_channel[CHANNEL_HOTLINE];
    sim_tally_add(t, c, SIM_MET_complaints_resolved, resolved, 0);
    sim_tally_add(t, c, SIM_MET_complaints_dropped, dropped, 0);
    sim_tally_add(t, c, SIM_MET_complaints_pending, pending, 0);
    sim_tally_add(t, c, SIM_MET_complaint_days_to_resolve, days_to_resolve, resolved);
    sim_tally_add(t, c, SIM_MET_pmc_quality_mean, s->quality[c], 1.0);
    sim_tally_add(t, c, SIM_MET_pmc_effort_mean, s->interim_until[c] >= 0 ? 0.0 : s->effort[c],
                  1.0);
    sim_tally_add(t, c, SIM_MET_pmc_monitoring_mean, s->monitoring[c], 1.0);
    if (s->interim_until[c] >= 0)
        sim_tally_add(t, c, SIM_MET_pmc_interim, 1.0, 0);
    return SIM_OK;
}

sim_status pmc_state_check(const pmc_state *s, const sim_world *w, sim_error *err)
{
    for (int32_t c = 0; c < s->ncomp; c++) {
        const pmc_defect_list *l = &s->open[c];
        for (int32_t i = 0; i < l->n; i++) {
            const pmc_defect *d = &l->d[i];
            if (d->hh < w->comp_hh0[c] || d->hh >= w->comp_hh0[c + 1] ||
                (d->filed >= 0 && d->filed < d->arose))
                return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "pmc.open.hh",
                                "compound %d: open defect %d of household %lld (the compound "
                                "has %lld..%lld), arose day %d, filed day %d (a damaged or "
                                "edited checkpoint)",
                                (int)c, (int)i, (long long)d->hh, (long long)w->comp_hh0[c],
                                (long long)w->comp_hh0[c + 1] - 1, (int)d->arose, (int)d->filed);
        }
    }
    return SIM_OK;
}

void pmc_state_register(pmc_state *s, sim_state *st)
{
    sim_state_scope(st, "pmc");
    PMC_FIELDS(SIM_FIELD_REGISTER, s)
    int open = SIM_STATE_LISTS(st, "open", s->open, s->ncomp, pmc_defect_list, pmc_defect);
    SIM_STATE_IN(st, 0, INT32_MAX);
    SIM_STATE_LIST_FIELD(st, open, "open.hh", pmc_defect, hh);
    SIM_STATE_IN(st, 0, INT64_MAX);
    SIM_STATE_LIST_FIELD(st, open, "open.arose", pmc_defect, arose);
    SIM_STATE_IN(st, 0, SIM_STATE_DAYS);
    SIM_STATE_LIST_FIELD(st, open, "open.filed", pmc_defect, filed);
    SIM_STATE_IN(st, -1, SIM_STATE_DAYS);
    SIM_STATE_LIST_FIELD(st, open, "open.status", pmc_defect, status);
    SIM_STATE_IN(st, DEFECT_SILENT, DEFECT_GAVE_UP);
    SIM_STATE_LIST_FIELD(st, open, "open.channel", pmc_defect, channel);
    SIM_STATE_IN(st, CHANNEL_NONE, CHANNEL_HOTLINE);
}
