/* models/household.c — see household.h.
 *
 * Satisfaction s of household h in compound c:
 *   event touches:   s += delta                  (clamped to [0, 1])
 *   monthly:         s += drift * (q_c + tol_h - s)
 * where q_c is the firm's service quality in c and tol_h ~ N(0, tolerance_sd)
 * is fixed per household.  The household rates service inadequate while
 * s < inadequate_below, the scale's midpoint 0.5: a measurement rule fixed
 * before calibration, never fitted (docs/ODD.md 7.5).
 * where q_c is the firm's service quality in c less the toll of standing
 * violations (violation_hit per violation per 100 households), plus the
 * gain of a micro-renewal project in force (sh->renewal, models/oc.h).
 * Fees (monthly): an absent household pays with probability absent_pay;
 * a rented home's fee is paid with probability landlord_pay, whatever the
 * tenant sees (the fee goes through the landlord: lower attachment, no
 * memory, no neighbours' pull); an owner-occupied one pays unless hardship strikes (probability h_c, the
 * compound's own rate: Beta around hardship_rate, fixed, as some
 * compounds' residents are better off than others';
 * drawn by skipping from one struck household to the next) or it withholds:
 * it is one of the compound's withholders, (rank_h + 0.5) / 256 < W_c with
 *   W_c = withhold_share + culture_c + pay_peer x (1 - paid share last month)
 * (rank_h fixed per household, culture_c ~ N(0, pay_culture_sd) fixed per
 * compound: neighbours' non-payment recruits more withholders), and
 *   s < withhold_below - pay_trust x (T_c - 0.5) + (in arrears ? pay_memory : 0)
 * with T_c the households' trust in the owners' committee (a household
 * that stopped paying resumes only when clearly satisfied again).  The
 * peer term is the loop that can tip a compound into a low-payment trap
 * (few pay -> more withhold -> the firm's budget and quality fall -> more
 * are dissatisfied) and, when quality recovers (a new firm, an OC that
 * tenders), out of it.  Only a share of households withhold on principle:
 * with everyone doing so every compound collapses, which collection rates
 * of 60-95% refute.
 */
#include "household.h"

#include "alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "rng.h"
#include "compound.h"

void hh_destroy(hh_state *hh)
{
    if (!hh)
        return;
    HH_FIELDS(SIM_FIELD_FREE, hh)
    memset(hh, 0, sizeof *hh);
}

static inline float clamp01f(double x)
{
    return (float)(x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x));
}

/* Recompute compound c's aggregates from its households (exact). */
static void recount(hh_state *hh, const sim_world *w, const sim_params *p, int32_t c)
{
    int32_t bad = 0;
    double sum = 0.0;
    float below = (float)p->household_inadequate_below;
    for (int64_t h = w->comp_hh0[c]; h < w->comp_hh0[c + 1]; h++) {
        float s = hh->sat[h];
        sum += s;
        if (s < below) {
            hh->state[h] |= HH_INADEQUATE;
            bad++;
        } else {
            hh->state[h] &= (uint8_t)~HH_INADEQUATE;
        }
    }
    hh->n_inadequate[c] = bad;
    hh->sat_sum[c] = sum;
}

sim_status hh_create(hh_state *hh, const sim_world *w, const sim_params *p, uint64_t seed,
                     sim_error *err)
{
    memset(hh, 0, sizeof *hh);
    hh->n = w->nhh;
    hh->ncomp = w->ncomp;
    HH_FIELDS(SIM_FIELD_ALLOC, hh)
    if (HH_FIELDS(SIM_FIELD_MISSING, hh) 0) {
        hh_destroy(hh);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for households");
    }
#pragma omp parallel for schedule(dynamic, 16)
    for (int32_t c = 0; c < w->ncomp; c++) {
        sim_rng sr;
        gsl_rng *r = sim_rng_open(&sr, seed, SIM_RNG_HH_INIT, (uint32_t)c, 0);
        for (int64_t h = w->comp_hh0[c]; h < w->comp_hh0[c + 1]; h++) {
            double t = gsl_ran_gaussian_ziggurat(r, p->household_tolerance_sd);
            hh->tol[h] = (float)t;
            hh->sat[h] = clamp01f(p->household_sat_init + t);
            hh->pay_rank[h] = (uint8_t)(gsl_rng_uniform(r) * 256.0);
        }
        hh->culture[c] = (float)(gsl_ran_gaussian_ziggurat(r, p->household_pay_culture_sd) +
                                 cmp_regime(p, cmp_type(p, seed, c, w->comp_old[c])).culture);
        hh->hardship[c] = (float)hh_hardship_draw(p, r);
        recount(hh, w, p, c);
        /* until the first billing, assume everyone is billed and pays */
        hh->billed_last[c] = sim_world_comp_hh(w, c);
        hh->paid_last[c] = hh->billed_last[c];
    }
    return SIM_OK;
}

void hh_shift(hh_state *hh, const sim_params *p, int32_t c, int64_t h, double delta)
{
    float old = hh->sat[h];
    float s = clamp01f(old + delta);
    hh->sat[h] = s;
    hh->sat_sum[c] += (double)s - (double)old;
    /* the HH_INADEQUATE bit is (sat < below) after every touch, and below
     * is fixed for a run (SIM_PF_FIXED): so the old rating comes from the
     * old satisfaction, and the state byte (another cache line, in a
     * random household: a miss) is read only when the rating changes */
    const float below = (float)p->household_inadequate_below;
    int bad = s < below, was = old < below;
    if (bad != was) {
        hh->state[h] ^= HH_INADEQUATE;
        hh->n_inadequate[c] += bad ? 1 : -1;
    }
}

double hh_hardship_draw(const sim_params *p, const gsl_rng *r)
{
    const double m = p->household_hardship_rate, k = p->household_hardship_concentration;
    if (m <= 0.0 || m >= 1.0 || k <= 0.0)
        return m;
    return gsl_ran_beta(r, k * m, k * (1.0 - m));
}

double hh_withhold_share(const sim_params *p, double paid_share, double culture)
{
    double x = p->household_withhold_share + culture + p->household_pay_peer * (1.0 - paid_share);
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

double hh_withhold_below(const sim_params *p, double oc_trust, int in_arrears)
{
    return p->household_withhold_below - p->household_pay_trust * (oc_trust - 0.5) +
           (in_arrears ? p->household_pay_memory : 0.0);
}

double hh_quality_seen(const sim_params *p, double quality, int32_t violations, int32_t households)
{
    return households > 0 ? quality - p->household_violation_hit * 100.0 * violations / households
                          : quality;
}

int32_t hh_monthly(hh_state *hh, const sim_world *w, const sim_params *p, const mdl_shared *sh,
                   uint64_t seed, int32_t c, int64_t day, double quality)
{
    sim_stream st;
    sim_stream_open(&st, seed, SIM_RNG_FEES, (uint32_t)c, (uint32_t)day);
    const int32_t nh = sim_world_comp_hh(w, c);
    const float drift = (float)p->household_drift;
    /* a micro-renewal project in force improves what residents see */
    const float q =
        (float)(hh_quality_seen(p, quality, sh->violations_open[c], nh) + sh->renewal[c]);
    const double paid_share =
        hh->billed_last[c] > 0 ? (double)hh->paid_last[c] / hh->billed_last[c] : 1.0;
    /* withholders: rank below 256 W - 0.5 */
    const float rank_below =
        (float)(256.0 * hh_withhold_share(p, paid_share, hh->culture[c]) - 0.5);
    const float withhold = (float)hh_withhold_below(p, sh->oc_trust[c], 0);
    const float resume = (float)hh_withhold_below(p, sh->oc_trust[c], 1);
    const float below = (float)p->household_inadequate_below;
    const double absent_pay = p->household_absent_pay;
    const double landlord_pay = p->household_landlord_pay;
    /* hardship strikes a random subset: skip from one struck household to
     * the next (one draw per struck household, not one per household) */
    const double log1m = hh->hardship[c] < 1.0f ? log1p(-(double)hh->hardship[c]) : -INFINITY;
    const int64_t h0 = w->comp_hh0[c], h1 = w->comp_hh0[c + 1];
    int64_t next_hardship = h0 + sim_stream_skip(&st, log1m);
    int32_t paid = 0, bad = 0;
    double sum = 0.0;
    /* local pointers: the byte arrays may alias anything, which would
     * otherwise make the compiler reload every array each household; the
     * updates are branch-free where no random draw depends on them (a
     * quarter of households rate the service inadequate, at random: a
     * branch there is mispredicted often) */
    float *restrict sat = hh->sat;
    const float *restrict tol = hh->tol;
    uint8_t *restrict hstate = hh->state, *restrict arrears = hh->arrears;
    const uint8_t *restrict rank = hh->pay_rank;
    const uint8_t *restrict flags = w->hh_flags;
    for (int64_t h = h0; h < h1; h++) {
        float s = sat[h];
        s = s + drift * (q + tol[h] - s);
        s = s < 0.0f ? 0.0f : (s > 1.0f ? 1.0f : s); /* = clamp01f, in float */
        sat[h] = s;
        sum += s;
        const int inadequate = s < below;
        bad += inadequate;
        const uint8_t state =
            (uint8_t)((hstate[h] & ~HH_INADEQUATE) | (inadequate ? HH_INADEQUATE : 0));
        hstate[h] = state;
        int hardship = h == next_hardship;
        if (hardship)
            next_hardship = h + 1 + sim_stream_skip(&st, log1m);
        const uint8_t a = arrears[h];
        int pays;
        if (flags[h] & SIM_HH_ABSENT)
            pays = sim_stream_uniform(&st) < absent_pay;
        else if (!(flags[h] & SIM_HH_OWNER))
            pays = sim_stream_uniform(&st) < landlord_pay;
        else
            pays = !hardship & !((s < (a ? resume : withhold)) & ((float)rank[h] < rank_below));
        paid += pays;
        arrears[h] = pays ? 0 : (uint8_t)(a + (a < 255));
    }
    hh->n_inadequate[c] = bad;
    hh->sat_sum[c] = sum;
    hh->paid_last[c] = paid;
    hh->billed_last[c] = (int32_t)(h1 - h0);
    return paid;
}

sim_status hh_state_check(const hh_state *hh, const sim_world *w, sim_error *err)
{
    for (int32_t c = 0; c < w->ncomp; c++) {
        const int32_t nh = sim_world_comp_hh(w, c);
        int32_t bad = 0;
        for (int64_t h = w->comp_hh0[c]; h < w->comp_hh0[c + 1]; h++)
            bad += (hh->state[h] & HH_INADEQUATE) != 0;
        if (hh->n_inadequate[c] != bad || hh->billed_last[c] > nh ||
            hh->paid_last[c] > hh->billed_last[c] || !(hh->sat_sum[c] <= nh + 1.0))
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "hh.n_inadequate",
                            "compound %d: %d inadequate (the state bytes say %d), %d paid of "
                            "%d billed, satisfaction sum %g, of %d households (a damaged or "
                            "edited checkpoint)",
                            (int)c, (int)hh->n_inadequate[c], (int)bad, (int)hh->paid_last[c],
                            (int)hh->billed_last[c], hh->sat_sum[c], (int)nh);
    }
    return SIM_OK;
}

void hh_state_register(hh_state *hh, const sim_world *w, sim_state *st)
{
    sim_state_scope(st, "hh");
    HH_FIELDS(SIM_FIELD_REGISTER, hh)
}
