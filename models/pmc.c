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
 * Budget quality (at billing): (1 - margin) * (fee*paid/billed + subsidy) / cost.
 */
#include "pmc.h"

#include "alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "rng.h"

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
    free(s->quality);
    free(s->budget_quality);
    memset(s, 0, sizeof *s);
}

sim_status pmc_create(pmc_state *s, const sim_world *w, const sim_params *p,
                      sim_error *err)
{
    memset(s, 0, sizeof *s);
    s->ncomp = w->ncomp;
    s->quality = sim_alloc_lines((size_t)w->ncomp, sizeof *s->quality);
    s->budget_quality = sim_alloc_lines((size_t)w->ncomp, sizeof *s->budget_quality);
    s->open = sim_alloc_lines((size_t)w->ncomp, sizeof *s->open);
    if (!s->quality || !s->budget_quality || !s->open) {
        pmc_destroy(s);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for property firms");
    }
    for (int32_t c = 0; c < w->ncomp; c++) {
        s->quality[c] = p->pmc_quality_init;
        s->budget_quality[c] = p->pmc_quality_init;
    }
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

double pmc_bill(pmc_state *s, const sim_world *w, const sim_params *p, int32_t c,
                int32_t paid, int32_t billed)
{
    int old = w->comp_old[c];
    double fee = old ? p->pmc_fee_old : p->pmc_fee_new;
    double subsidy = old ? p->pmc_subsidy_old : 0.0;
    double cost = old ? p->pmc_cost_old : p->pmc_cost_new;
    double per_hh = billed > 0 ? fee * (double)paid / (double)billed + subsidy : 0.0;
    double q = (1.0 - p->pmc_margin) * per_hh / cost;
    s->budget_quality[c] = q < 0.0 ? 0.0 : (q > 1.0 ? 1.0 : q);
    return fee * (double)paid + subsidy * (double)billed;
}

void pmc_replace(pmc_state *s, int32_t c, double quality)
{
    s->quality[c] = quality < 0.0 ? 0.0 : (quality > 1.0 ? 1.0 : quality);
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

sim_status pmc_day(pmc_state *s, hh_state *hh, const sim_world *w,
                   const sim_params *p, mdl_shared *sh, uint64_t seed, int32_t c,
                   int64_t day, sim_tally *t)
{
    pmc_defect_list *l = &s->open[c];
    double q = s->quality[c];
    double sup = sh->oc_supervision[c] > sh->rc_supervision[c] ? sh->oc_supervision[c]
                                                                 : sh->rc_supervision[c];
    double r = p->pmc_repair_rate * q * (1.0 + p->pmc_supervision_effect * sup);
    double prio[CHANNEL_HOTLINE + 1] = {1.0, p->pmc_complaint_priority,
                                        p->pmc_committee_priority, p->pmc_committee_priority,
                                        p->pmc_hotline_priority};
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
    double rate = p->pmc_defect_rate * (w->comp_old[c] ? p->pmc_defect_old_factor : 1.0) *
                  (1.0 + p->pmc_quality_defect_effect * (0.5 - q));
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
    SIM_STATE_ARRAY(st, "quality", s->quality, s->ncomp);
    SIM_STATE_IN(st, 0, 1);
    SIM_STATE_ARRAY(st, "budget_quality", s->budget_quality, s->ncomp);
    SIM_STATE_IN(st, 0, 1);
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
