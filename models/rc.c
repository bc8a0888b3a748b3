/* models/rc.c — see rc.h.
 *
 * Day of RC r: W workers of h hours each; compounds c with H_c households,
 * H = sum of H_c.
 *
 *   administration per worker
 *       a = min(h, tasks x task_h x (1 - cloud_saving x cloud)
 *                    x (1 + entry_cost x (platforms - 1) x (1 - cloud))
 *                  + assigned_h)
 *     + pushed = assigned_h growth D_r / 365   (duties pushed down since)
 *       D_r = days of unchecked growth in RC r: + (1 - duty_list) a day
 *       (a responsibility list keeps that share of new duties out)
 *   A = W a;  old-compound load L = old_load_h x households of old compounds
 *   free = W h - A - L
 *   acting: n compounds acted for, demand n x act_h, supplied
 *       min(demand, free), fulfilment f = supplied / demand
 *   service (clock hours) S = free - supplied; effectiveness e = 1 + gain x training
 *   compound c:
 *       E_c = e S H_c / H                       (rc_service_hours)
 *       follow-up of the k_c complaints routed to the RC today: needs
 *           k_c x followup_h, gets min(that, E_c); F_c = running share followed up
 *       s_c = 1 - exp(-(E_c - follow-up) / H_c / service_ref)   (0..1)
 *       mobilisation = mob_max s_c;  detection = det_max s_c
 *       supervision  = acting ? min(1, act_sup e) f : supervise_max s_c
 *       (the firm's monitoring, models/pmc.h)
 *       satisfaction += sat_rate (sat_base + sat_service s_c F_c
 *                                 - sat_pending x (RC complaints pending per 100 hh)
 *                                 - violation_hit x (violations standing per 100 hh)
 *                                 - satisfaction)
 *       trust += trust_rate (satisfaction - trust)
 *              + 2 (trust_gain x settled - trust_hit x escalated disputes today) / H_c
 *       work orders: k_c above counts the complaints routed to the RC plus
 *           hotline_to_rc x every 12345 call about c (property, violations,
 *           disputes): each costs followup_h
 *       R_c = running rate of complaints routed to the RC (complaints_rc +
 *           hotline_to_rc x complaints_hotline) per 1,000 hh per 30 days
 *   worker w watching compound c:
 *       inspects with probability 1 - exp(-e S / W / inspect_ref); an
 *           inspection reads seen_w = quality_c + bias_w + N(0, noise)
 *       a_w += assess_rate (seen_w - k1 R_c - k2 x open defects per 100 hh - a_w)
 *       rates the service inadequate iff a_w < inadequate_below (the
 *       scale's midpoint 0.5: the measurement rule of docs/ODD.md 7.5,
 *       fixed before calibration, never fitted)
 *
 * Random draws: per RC and day, one geometric skip per inspecting worker
 * (the inspecting workers are a Bernoulli subset) and one Gaussian for its
 * reading; nothing else is random after creation.
 */
#include "rc.h"

#include "alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "model.h"
#include "rng.h"

/* Running rates are per 1,000 households per this many days. */
#define RC_RATE_DAYS 30.0

static inline float clamp01f(double x)
{
    return (float)(x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x));
}

double rc_admin_hours_per_worker(const sim_params *p)
{
    double repeat = 1.0 + p->rc_entry_cost * (double)(p->rc_platforms - 1) * (1.0 - p->rc_cloud);
    double per_task = p->rc_task_hours * (1.0 - p->rc_cloud_task_saving * p->rc_cloud);
    double a = p->rc_admin_tasks * per_task * repeat + p->rc_assigned_hours;
    return a < p->rc_hours_per_worker ? a : p->rc_hours_per_worker;
}

double rc_pushed_hours(const sim_params *p, double days)
{
    const double base = p->rc_assigned_hours;
    double now = p->rc_assigned_hours * (1.0 + p->rc_assigned_growth * days / 365.0);
    return now > base ? now - base : 0.0;
}

double rc_old_load(const sim_params *p, double old_households, double elderly_households)
{
    return p->rc_old_load_hours * old_households + p->rc_elder_hours * elderly_households;
}

double rc_effectiveness(const sim_params *p)
{
    return 1.0 + p->rc_training_gain * p->rc_training;
}

static void derive(rc_model *s, const sim_params *p)
{
    s->admin_per_worker = rc_admin_hours_per_worker(p);
    s->effectiveness = rc_effectiveness(p);
}

/* Saturating effect of `hours` effective service hours on `hh` households. */
static inline double intensity(double hours, double hh, const sim_params *p)
{
    return hh > 0.0 && hours > 0.0 ? 1.0 - exp(-hours / hh / p->rc_service_ref) : 0.0;
}

/* Households of RC r. */
static double rc_households(const sim_world *w, int32_t r)
{
    return (double)(w->comp_hh0[w->rc_comp0[r + 1]] - w->comp_hh0[w->rc_comp0[r]]);
}

void rc_destroy(rc_model *s)
{
    if (!s)
        return;
    RC_FIELDS(SIM_FIELD_FREE, s)
    memset(s, 0, sizeof *s);
}

sim_status rc_create(rc_model *s, const struct mdl_model *m, sim_error *err)
{
    memset(s, 0, sizeof *s);
    const sim_world *w = m->w;
    const sim_params *p = &m->p;
    int64_t nworkers = (int64_t)w->nrc * p->rc_workers_per_rc;
    if (nworkers > INT32_MAX)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "rc.workers_per_rc",
                        "%lld community workers in all is too many (allowed: fewer than %d)",
                        (long long)nworkers, INT32_MAX);
    s->nrc = w->nrc;
    s->ncomp = w->ncomp;
    s->nworkers = (int32_t)nworkers;
    RC_FIELDS(SIM_FIELD_ALLOC, s)
    if (RC_FIELDS(SIM_FIELD_MISSING, s) 0) {
        rc_destroy(s);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for residents' committees");
    }
    derive(s, p);

    /* compounds: the fixed uniform of the acting lever, no lapse yet */
    for (int32_t c = 0; c < w->ncomp; c++) {
        sim_stream st;
        sim_stream_open(&st, m->seed, SIM_RNG_RC_INIT, (uint32_t)c, 0);
        s->act_u[c] = (float)sim_stream_uniform(&st);
        s->lapse_since[c] = -1;
        s->act_since[c] = -1;
        s->followed[c] = 1.0;
    }

    /* workers: spread over the RC's compounds by households (worker k sits
     * at the household midpoint (k + 1/2) H / W), fixed personal bias, an
     * initial assessment from the same formula (no complaints or backlog
     * seen yet) */
    int32_t per = (int32_t)p->rc_workers_per_rc;
    double hours = p->rc_hours_per_worker - s->admin_per_worker;
    for (int32_t r = 0; r < w->nrc; r++) {
        int32_t w0 = r * per, c0 = w->rc_comp0[r], c1 = w->rc_comp0[r + 1];
        s->rc_w0[r] = w0;
        sim_rng sr;
        gsl_rng *g = sim_rng_open(&sr, m->seed, SIM_RNG_RC_INIT, (uint32_t)r, 1);
        double hh = rc_households(w, r), cum = 0.0;
        int32_t c = c0;
        for (int32_t k = 0; k < per; k++) {
            double at = ((double)k + 0.5) * hh / (double)per;
            while (c < c1 - 1 && cum + sim_world_comp_hh(w, c) <= at)
                cum += sim_world_comp_hh(w, c++);
            int32_t i = w0 + k;
            s->w_comp[i] = c;
            s->w_bias[i] = (float)gsl_ran_gaussian_ziggurat(g, p->rc_assess_bias_sd);
            s->w_seen[i] = (float)(m->pmc.quality[c] + s->w_bias[i]);
            s->w_assess[i] = s->w_seen[i];
        }
        /* what the modules that run before the first rc_day() read (service
         * hours, mobilisation, detection), and satisfaction and trust, start
         * where the day-0 service puts them */
        double service = hours > 0.0 ? hours * per * s->effectiveness : 0.0;
        for (c = c0; c < c1; c++) {
            double hc = sim_world_comp_hh(w, c), e_c = service * hc / hh;
            double x = intensity(e_c, hc, p);
            m->sh.rc_service_hours[c] = (float)e_c;
            m->sh.mobilisation[c] = (float)(p->rc_mobilisation_max * x);
            m->sh.detection[c] = (float)(p->rc_detection_max * x);
            m->sh.rc_satisfaction[c] = m->sh.rc_trust[c] =
                clamp01f(p->rc_sat_base + p->rc_sat_service * x);
        }
    }
    s->rc_w0[w->nrc] = s->nworkers;
    return SIM_OK;
}

void rc_policy_changed(struct mdl_model *m, int param, int64_t day)
{
    (void)param;
    (void)day;
    derive(&m->rc, &m->p);
}

/* Acting for the OC of compound c today: update the lapse and acting
 * records; returns 1 while the RC acts.  A lapse is a run of days with no
 * working committee (absent, dormant, or an election under way); the RC
 * starts only on an absent or dormant day, after act_delay_days of lapse,
 * where the lever allows, once per lapse, for at most act_max_days. */
static int acting_today(rc_model *s, const sim_params *p, int32_t c, uint8_t oc, int64_t day)
{
    int lapsed = oc == OC_ABSENT || oc == OC_DORMANT || oc == OC_FORMING;
    if (!lapsed) {
        s->lapse_since[c] = -1;
        s->act_since[c] = -1;
        s->act_done[c] = 0;
        return 0;
    }
    if (s->lapse_since[c] < 0)
        s->lapse_since[c] = (int32_t)day;
    int allowed = (double)s->act_u[c] < p->rc_acts_for_oc;
    if (s->act_since[c] >= 0) {
        if (!allowed || day - s->act_since[c] >= p->rc_act_max_days) {
            s->act_since[c] = -1;
            s->act_done[c] = 1;
        }
    } else if (allowed && !s->act_done[c] && oc != OC_FORMING &&
               day - s->lapse_since[c] >= p->rc_act_delay_days) {
        s->act_since[c] = (int32_t)day;
    }
    return s->act_since[c] >= 0;
}

double rc_dispute_trust(const sim_params *p, int32_t settled, int32_t unsettled, double households)
{
    if (households <= 0.0)
        return 0.0;
    return 2.0 * (p->mediation_trust_gain * settled - p->mediation_trust_hit * unsettled) /
           households;
}

sim_status rc_day(struct mdl_model *m, int32_t r, int64_t day)
{
    rc_model *s = &m->rc;
    const sim_world *w = m->w;
    const sim_params *p = &m->p;
    mdl_shared *sh = &m->sh;
    const int32_t c0 = w->rc_comp0[r], c1 = w->rc_comp0[r + 1];
    const int32_t w0 = s->rc_w0[r], w1 = s->rc_w0[r + 1];
    const double nw = (double)(w1 - w0), eff = s->effectiveness;
    const double hh = rc_households(w, r);

    /* the acting decisions come first: they claim hours before service */
    int32_t nacting = 0, ungoverned = 0;
    double old_hh = 0.0, elderly_hh = 0.0;
    for (int32_t c = c0; c < c1; c++) {
        if (w->comp_old[c])
            old_hh += sim_world_comp_hh(w, c);
        elderly_hh += w->comp_elderly[c];
        uint8_t oc = sh->oc_state[c];
        int acting = acting_today(s, p, c, oc, day);
        sh->rc_acting[c] = (uint8_t)acting;
        nacting += acting;
        /* governance by function: an active committee, or an acting RC
         * that delivers (decides the matters within rc.act_deliver_days);
         * acting past its time limit has already ended */
        ungoverned += oc != OC_ACTIVE &&
                      (!acting || oc_oldest_wait(&m->oc, c, (int32_t)day) > p->rc_act_deliver_days);
    }

    /* the hours */
    const double all = nw * p->rc_hours_per_worker;
    /* administration, with the duties pushed down since the start (their
     * growth slowed by a responsibility list), and the old compounds'
     * security, fire and elder-care work: both come before service */
    double admin = nw * (s->admin_per_worker + rc_pushed_hours(p, s->duty_days[r]));
    s->duty_days[r] += 1.0 - p->rc_duty_list;
    if (admin > all)
        admin = all;
    double old_load = rc_old_load(p, old_hh, elderly_hh);
    if (old_load > all - admin)
        old_load = all - admin;
    const double free_h = all - admin - old_load > 0.0 ? all - admin - old_load : 0.0;
    const double demand = (double)nacting * p->rc_act_hours;
    const double supplied = demand < free_h ? demand : free_h;
    const double fulfil = demand > 0.0 ? supplied / demand : 0.0;
    const double service = free_h - supplied;
    const double sup_full = p->rc_act_supervision * eff < 1.0 ? p->rc_act_supervision * eff : 1.0;

    /* the compounds */
    const double mem = p->rc_complaint_memory;
    double sat_sum = 0.0, trust_sum = 0.0, mob_sum = 0.0;
    for (int32_t c = c0; c < c1; c++) {
        const double hc = sim_world_comp_hh(w, c);
        const double e_c = hh > 0.0 ? eff * service * hc / hh : 0.0;
        const int32_t routed = sh->complaints_rc[c];
        /* every complaint routed to the RC and every 12345 work order passed
         * down to it costs follow-up hours */
        const double orders = p->rc_hotline_to_rc *
                              ((double)sh->complaints_hotline[c] + (double)sh->hotline_other[c]);
        const double need = ((double)routed + orders) * p->rc_followup_hours;
        const double done = need < e_c ? need : e_c;
        s->followed[c] += mem * ((need > 0.0 ? done / need : 1.0) - s->followed[c]);
        const double x = intensity(e_c - done, hc, p);

        sh->rc_service_hours[c] = (float)e_c;
        sh->mobilisation[c] = (float)(p->rc_mobilisation_max * x);
        sh->detection[c] = (float)(p->rc_detection_max * x);
        sh->rc_supervision[c] =
            sh->rc_acting[c] ? (float)(sup_full * fulfil) : (float)(p->rc_supervise_max * x);

        /* complaints routed to the RC that are still waiting: the RC is
         * blamed for what it cannot make the firm do */
        const int32_t pending = sh->pending_rc[c];
        double target = p->rc_sat_base + p->rc_sat_service * x * s->followed[c] -
                        p->rc_sat_pending * 100.0 * (double)pending / hc -
                        p->rc_violation_hit * 100.0 * (double)sh->violations_open[c] / hc;
        double sat = sh->rc_satisfaction[c];
        sat = clamp01f(sat + p->rc_sat_rate * (clamp01f(target) - sat));
        double trust = sh->rc_trust[c];
        trust =
            clamp01f(trust + p->rc_trust_rate * (sat - trust) +
                     rc_dispute_trust(p, sh->disputes_settled[c], sh->disputes_unsettled[c], hc));
        sh->rc_satisfaction[c] = (float)sat;
        sh->rc_trust[c] = (float)trust;

        const double today = (double)routed + orders;
        s->complaints[c] += mem * (today * 1000.0 * RC_RATE_DAYS / hc - s->complaints[c]);
        /* what the workers watching c see besides the firm's quality */
        s->seen_penalty[c] = p->rc_complaint_weight * s->complaints[c] +
                             p->rc_backlog_weight * 100.0 * (double)m->pmc.open[c].n / hc;

        sat_sum += (double)sh->rc_satisfaction[c] * hc;
        trust_sum += (double)sh->rc_trust[c] * hc;
        mob_sum += (double)sh->mobilisation[c] * hc;
    }

    /* the workers: inspections (a Bernoulli subset, drawn by skipping), then
     * every assessment relaxes towards what its worker sees */
    sim_rng sr;
    gsl_rng *g = sim_rng_open(&sr, m->seed, SIM_RNG_WORKERS, (uint32_t)r, (uint32_t)day);
    const double log1m = nw > 0.0 ? -eff * service / nw / p->rc_inspect_ref : 0.0;
    const float below = (float)p->rc_inadequate_below;
    const double rate = p->rc_assess_rate;
    int64_t next = w0 + (int64_t)sim_stream_skip(&sr.st, log1m);
    int32_t bad = 0;
    for (int32_t i = w0; i < w1; i++) {
        const int32_t c = s->w_comp[i];
        if (i == next) {
            s->w_seen[i] = (float)(m->pmc.quality[c] + s->w_bias[i] +
                                   gsl_ran_gaussian_ziggurat(g, p->rc_inspect_noise_sd));
            next = i + 1 + (int64_t)sim_stream_skip(&sr.st, log1m);
        }
        float a = s->w_assess[i];
        a = (float)(a + rate * ((double)s->w_seen[i] - s->seen_penalty[c] - a));
        s->w_assess[i] = a;
        bad += a < below;
    }

    /* the day's figures, in RC r's own row */
    sim_tally *t = m->tally;
    const int64_t u = sim_tally_rc(t, r);
    sim_tally_add(t, u, SIM_MET_workers_rating_pmc_inadequate, bad, nw);
    sim_tally_add(t, u, SIM_MET_rc_admin_hours_share, admin, all);
    sim_tally_add(t, u, SIM_MET_rc_admin_hours, admin, 0);
    sim_tally_add(t, u, SIM_MET_rc_service_hours, service, 0);
    sim_tally_add(t, u, SIM_MET_rc_acting_hours, supplied, 0);
    sim_tally_add(t, u, SIM_MET_rc_old_load_hours, old_load, 0);
    sim_tally_add(t, u, SIM_MET_rc_acting_for_oc, nacting, 0);
    sim_tally_add(t, u, SIM_MET_compounds_without_governance, ungoverned, 0);
    sim_tally_add(t, u, SIM_MET_rc_satisfaction_mean, sat_sum, hh);
    sim_tally_add(t, u, SIM_MET_rc_trust_mean, trust_sum, hh);
    sim_tally_add(t, u, SIM_MET_rc_mobilisation_mean, mob_sum, hh);
    return SIM_OK;
}

sim_status rc_state_check(const rc_model *s, const sim_world *w, sim_error *err)
{
    if (s->rc_w0[0] != 0 || s->rc_w0[s->nrc] != s->nworkers)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "rc.rc_w0",
                        "the committees' workers run from %d to %d, not 0 to %d (a damaged "
                        "or edited checkpoint)",
                        (int)s->rc_w0[0], (int)s->rc_w0[s->nrc], (int)s->nworkers);
    for (int32_t r = 0; r < s->nrc; r++) {
        if (s->rc_w0[r + 1] < s->rc_w0[r])
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "rc.rc_w0",
                            "committee %d: workers %d..%d (a damaged or edited checkpoint)", (int)r,
                            (int)s->rc_w0[r], (int)s->rc_w0[r + 1]);
        for (int32_t i = s->rc_w0[r]; i < s->rc_w0[r + 1]; i++)
            if (s->w_comp[i] < w->rc_comp0[r] || s->w_comp[i] >= w->rc_comp0[r + 1])
                return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "rc.w_comp",
                                "worker %d of committee %d watches compound %d, not one of "
                                "its %d..%d (a damaged or edited checkpoint)",
                                (int)i, (int)r, (int)s->w_comp[i], (int)w->rc_comp0[r],
                                (int)w->rc_comp0[r + 1] - 1);
    }
    return SIM_OK;
}

void rc_state_register(rc_model *s, sim_state *st)
{
    sim_state_scope(st, "rc");
    RC_FIELDS(SIM_FIELD_REGISTER, s)
    SIM_STATE_SCALAR(st, "admin_per_worker", s->admin_per_worker);
    SIM_STATE_IN(st, 0, 1e6);
    SIM_STATE_SCALAR(st, "effectiveness", s->effectiveness);
    SIM_STATE_IN(st, 0, 1e6);
}
