/* models/oc.c — see oc.h.
 *
 * Daily probabilities from annual rates: p = 1 - exp(-rate x factors / 365).
 *
 *   dormancy     (ACTIVE)   rate_d x (1 - effort) x (1 - coordination x cross)
 *   misconduct   (ACTIVE)   rate_m x (1 - integrity) x (1 - oversight)
 *   recovery     (DORMANT)  rate_r x (1 + coordination x cross)
 *   detection    (CAPTURED) detect_rate + disclosure_detect [if disclosing]
 *                            + cross_detect x cross
 *   formation    (ABSENT)   formation_rate [x rc_formation_factor while the RC acts]
 *   oversight    1 - (1 - base)(1 - cross_oversight x cross)
 *                  (1 - report_oversight [if reporting])(1 - disclosure_oversight [if disclosing])
 *
 * The day's fixed block is 4 uniforms (one Philox block): u0 decides the
 * state's competing hazards (ACTIVE: u0 < p_d -> DORMANT, else
 * u0 < p_d + p_m -> CAPTURED); u1 whether a member goes idle or leaves today
 * (total rate over the seats) and, rescaled (u1 / p), which seat and which
 * event; u2 whether a matter arises and of which kind; u3 is spare.
 *
 * Matters: at most one arrives a day (routine, ordinary or major, by u2);
 * every waiting matter is decided today
 * with probability 1 - exp(-speed / mean days of its kind) (one more uniform
 * each, drawn after the fixed block).  A matter needing owners' approval is
 * decided by an assembly at once.
 *
 * Elections: a slate of party nominees (cross-appointment) and owners who
 * stand (binomial), shaped, screened and filled up by the party where it
 * holds the rights over candidates (structure, suggestion, review);
 * too few candidates (fewer than 5 for a full election, none for a
 * by-election) and the election fails without an assembly; otherwise the
 * assembly decides (ordinary majority), and the nominees then the others,
 * in the order they came forward, take the seats.
 */
#include "oc.h"

#include "alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "model.h"
#include "rng.h"

static inline double clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/* Daily probability of an event with annual rate `rate`. */
static inline double day_prob(double rate)
{
    return rate > 0.0 ? -expm1(-rate / 365.0) : 0.0;
}

static inline int in_office(int s)
{
    return s == OC_ACTIVE || s == OC_DORMANT || s == OC_CAPTURED;
}

/* ---- pure mechanisms ------------------------------------------------------ */

int oc_seats(const sim_params *p, int32_t households)
{
    int64_t pairs = (int64_t)floor((double)households / p->oc_hh_per_seat_pair);
    int64_t n = OC_SEATS_MIN + 2 * pairs;
    return n > OC_SEATS_MAX ? OC_SEATS_MAX : (int)n;
}

double oc_oversight(const sim_params *p, double cross, int reports, int discloses)
{
    double party = party_oversight(p, cross, reports);
    double disc = discloses ? p->oc_disclosure_oversight : 0.0;
    return 1.0 - (1.0 - p->oc_oversight_base) * (1.0 - party) * (1.0 - disc);
}

void oc_conduct_hazards(const sim_params *p, double effort, double integrity, double cross,
                        double oversight, double *p_dormant, double *p_misconduct)
{
    *p_dormant = day_prob(p->oc_dormancy_rate * (1.0 - clamp01(effort)) *
                          (1.0 - p->party_coordination * cross));
    *p_misconduct =
        day_prob(p->oc_misconduct_rate * (1.0 - clamp01(integrity)) * (1.0 - clamp01(oversight)));
}

double oc_recovery_prob(const sim_params *p, double cross)
{
    return day_prob(p->oc_recovery_rate * (1.0 + p->party_coordination * cross));
}

double oc_detection_prob(const sim_params *p, int discloses, double cross)
{
    return day_prob(p->oc_detect_rate + (discloses ? p->oc_disclosure_detect : 0.0) +
                    p->party_cross_detect * cross);
}

double oc_effective_competence(const sim_params *p, double competence, int secretary)
{
    return secretary ? competence + (1.0 - competence) * p->oc_secretary_competence : competence;
}

double oc_decision_speed(const sim_params *p, double competence, double effort, double cross,
                         int secretary)
{
    double c = oc_effective_competence(p, competence, secretary);
    return 0.5 * (c + effort) * (1.0 + (secretary ? p->oc_secretary_capacity : 0.0)) *
           (1.0 + p->party_coordination * cross);
}

double oc_renewal_gain(const sim_params *p, int old, int32_t renewal_until, int64_t day)
{
    if (day >= renewal_until)
        return 0.0;
    return old ? p->oc_renewal_gain_old : p->oc_renewal_gain;
}

double oc_parking_cut(const sim_params *p, int32_t parking_until, int64_t day)
{
    return day < parking_until ? p->oc_parking_dispute_cut : 0.0;
}

void oc_turnout(const sim_params *p, double rc, int secretary, double own, asm_turnout *t)
{
    t->p[ASM_RESIDENT] = p->oc_turnout_resident;
    t->p[ASM_ELDERLY] = p->oc_turnout_elderly;
    /* away owners who can vote online take part like resident owners */
    t->p[ASM_AWAY] =
        p->oc_turnout_away + p->oc_e_voting * (p->oc_turnout_resident - p->oc_turnout_away);
    /* elderly away owners use online voting less */
    t->p[ASM_AWAY_ELDERLY] = p->oc_turnout_away + p->oc_e_voting * p->oc_e_voting_elderly *
                                                      (p->oc_turnout_resident - p->oc_turnout_away);
    t->shock = 0.0;
    double sec = secretary ? p->oc_secretary_mobilisation : 0.0;
    t->mobilisation = 1.0 - (1.0 - clamp01(rc)) * (1.0 - sec) * (1.0 - clamp01(own));
}

/* ---- life cycle ------------------------------------------------------------- */

void oc_destroy(oc_model *s)
{
    if (!s)
        return;
    OC_FIELDS(SIM_FIELD_FREE, s)
    memset(s, 0, sizeof *s);
}

static void derive(oc_model *s, const sim_params *p)
{
    double any = day_prob(p->oc_matter_rate);
    s->p_routine = any * (1.0 - p->oc_matter_assembly_share);
    s->p_ordinary = any * p->oc_matter_assembly_share;
    s->p_major = day_prob(p->oc_major_rate);
    s->p_renewal = day_prob(p->oc_renewal_rate);
    s->p_parking = day_prob(p->oc_parking_rate);
}

/* Recompute compound c's committee aggregates from its seats. */
static void recount(oc_model *o, int32_t c)
{
    size_t b = (size_t)c * OC_SEATS_MAX;
    int n = o->seats[c], filled = 0, working = 0, cross = 0;
    double comp = 0.0, integ = 0.0, eff = 0.0;
    for (int k = 0; k < n; k++) {
        uint8_t f = o->m_flags[b + k];
        if (!(f & OCM_FILLED))
            continue;
        filled++;
        integ += o->m_integrity[b + k];
        cross += (f & OCM_CROSS) != 0;
        if (!(f & OCM_IDLE)) {
            working++;
            comp += o->m_competence[b + k];
            eff += o->m_effort[b + k];
        }
    }
    o->filled[c] = (uint8_t)filled;
    o->working[c] = (uint8_t)working;
    o->cross[c] = (uint8_t)cross;
    o->competence[c] = (float)(working ? comp / working : 0.0);
    o->integrity[c] = (float)(filled ? integ / filled : 1.0); /* nobody to misbehave */
    o->effort[c] = (float)(n ? eff / n : 0.0);
}

static double beta_by_mean(gsl_rng *g, double mean, double k)
{
    return gsl_ran_beta(g, mean * k, (1.0 - mean) * k);
}

/* A candidate: competence, integrity, effort from the parameters' betas. */
static void draw_candidate(const sim_params *p, gsl_rng *g, float *comp, float *integ, float *eff)
{
    double k = p->oc_attr_concentration;
    *comp = (float)beta_by_mean(g, p->oc_competence_mean, k);
    *integ = (float)beta_by_mean(g, p->oc_integrity_mean, k);
    *eff = (float)beta_by_mean(g, p->oc_effort_mean, k);
}

/* A candidate the party puts forward (a nominee, a suggestion, a
 * replacement) under its `rights`: where it reviews qualifications, drawn
 * until the review passes (at most 4 tries; 0 if none passed). */
static int party_candidate(const sim_params *p, unsigned rights, gsl_rng *g, float *comp,
                           float *integ, float *eff)
{
    int tries = (rights & PARTY_REVIEW) ? 4 : 1;
    for (int t = 0; t < tries; t++) {
        draw_candidate(p, g, comp, integ, eff);
        if (party_screen(p, rights, comp, *integ))
            return 1;
    }
    return 0;
}

static void seat(oc_model *o, size_t i, float comp, float integ, float eff, uint8_t flags,
                 int32_t day)
{
    o->m_competence[i] = comp;
    o->m_integrity[i] = integ;
    o->m_effort[i] = eff;
    o->m_flags[i] = (uint8_t)(OCM_FILLED | flags);
    o->m_since[i] = day;
}

static void clear_seats(oc_model *o, int32_t c, int32_t day)
{
    size_t b = (size_t)c * OC_SEATS_MAX;
    for (int k = 0; k < OC_SEATS_MAX; k++) {
        o->m_flags[b + k] = 0;
        o->m_since[b + k] = day;
    }
    recount(o, c);
}

/* Trust and satisfaction a state earns (before levers). */
static double trust_target(const sim_params *p, int s)
{
    switch (s) {
    case OC_ACTIVE:
        return p->oc_trust_active;
    case OC_DORMANT:
        return p->oc_trust_dormant;
    case OC_CAPTURED:
        return p->oc_trust_captured;
    default:
        return p->oc_trust_absent;
    }
}

static double sat_target(const sim_params *p, int s)
{
    switch (s) {
    case OC_ACTIVE:
        return p->oc_sat_active;
    case OC_DORMANT:
        return p->oc_sat_dormant;
    case OC_CAPTURED:
        return p->oc_sat_captured;
    default:
        return p->oc_sat_absent;
    }
}

sim_status oc_create(oc_model *s, const struct mdl_model *m, sim_error *err)
{
    memset(s, 0, sizeof *s);
    const sim_world *w = m->w;
    const sim_params *p = &m->p;
    int32_t n = w->ncomp;
    s->ncomp = n;
    OC_FIELDS(SIM_FIELD_ALLOC, s)
    if (OC_FIELDS(SIM_FIELD_MISSING, s) 0) {
        oc_destroy(s);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for owners' committees");
    }
    derive(s, p);

#pragma omp parallel for schedule(dynamic, 16)
    for (int32_t c = 0; c < n; c++) {
        /* slot 0: the levers' fixed uniforms */
        sim_stream st;
        sim_stream_open(&st, m->seed, SIM_RNG_OC_INIT, (uint32_t)c, 0);
        s->u_secretary[c] = (float)sim_stream_uniform(&st);
        s->u_disclosure[c] = (float)sim_stream_uniform(&st);
        s->u_membership[c] = (float)sim_stream_uniform(&st);

        /* slot 1: the committee in place at the start */
        sim_rng sr;
        gsl_rng *g = sim_rng_open(&sr, m->seed, SIM_RNG_OC_INIT, (uint32_t)c, 1);
        int seats = oc_seats(p, sim_world_comp_hh(w, c));
        s->seats[c] = (uint8_t)seats;
        s->election_day[c] = -1;
        double u = gsl_rng_uniform(g), v = gsl_rng_uniform(g);
        /* term ends at a day in [1, term]: elapsed = term - end */
        int32_t end = 1 + (int32_t)(gsl_rng_uniform(g) * (double)p->oc_term);
        int state = OC_ABSENT;
        if (u < p->oc_initial_share) {
            state = v < p->oc_initial_dormant                            ? OC_DORMANT
                    : v < p->oc_initial_dormant + p->oc_initial_captured ? OC_CAPTURED
                                                                         : OC_ACTIVE;
            s->term_end[c] = end;
            double years = (double)(p->oc_term - end) / 365.0;
            double p_idle = -expm1(-p->oc_idle_rate * years);
            double p_gone = -expm1(-p->oc_resign_rate * years);
            int ncross = party_cross_seats(p, seats);
            size_t b = (size_t)c * OC_SEATS_MAX;
            for (int k = 0; k < seats; k++) {
                float comp, integ, eff;
                draw_candidate(p, g, &comp, &integ, &eff);
                double ui = gsl_rng_uniform(g), ug = gsl_rng_uniform(g);
                if (ug < p_gone) {
                    s->m_since[b + k] = 0;
                    continue;
                }
                seat(s, b + k, comp, integ, eff,
                     (uint8_t)((ui < p_idle ? OCM_IDLE : 0) | (k < ncross ? OCM_CROSS : 0)), 0);
            }
        }
        s->state[c] = (uint8_t)state;
        recount(s, c);
        double cost = in_office(state) ? p->party_cross_trust_cost * s->cross[c] / seats : 0.0;
        s->trust[c] = (float)clamp01(trust_target(p, state) - cost);
        s->sat[c] = (float)sat_target(p, state);
    }
    return SIM_OK;
}

void oc_policy_changed(struct mdl_model *m, int param, int64_t day)
{
    (void)param;
    (void)day;
    /* the levers' coverage is read from the fixed uniforms every day; only
     * the arrival probabilities are derived */
    derive(&m->oc, &m->p);
}

/* ---- one day of one compound ------------------------------------------------ */

typedef struct {
    mdl_model *m;
    oc_model *o;
    const sim_params *p;
    int32_t c, day;
    int secretary, discloses, refills, reports, acting;
    unsigned rights; /* the party's rights over candidates (PARTY_*) */
    sim_rng er, pr;  /* election and party streams, opened on first use */
    gsl_rng *eg, *pg;
    /* the day's events */
    int quorate, not_quorate, elections, elections_failed, passed, failed, lapsed;
    int replaced, detected, interventions;
    double voters, owners, decision_days, sat_kick;
} oc_day;

static gsl_rng *election_rng(oc_day *x)
{
    if (!x->eg)
        x->eg =
            sim_rng_open(&x->er, x->m->seed, SIM_RNG_ELECTION, (uint32_t)x->c, (uint32_t)x->day);
    return x->eg;
}

static gsl_rng *party_rng(oc_day *x)
{
    if (!x->pg)
        x->pg = sim_rng_open(&x->pr, x->m->seed, SIM_RNG_PARTY, (uint32_t)x->c, (uint32_t)x->day);
    return x->pg;
}

static double cross_share(const oc_model *o, int32_t c)
{
    return (double)o->cross[c] / (double)o->seats[c];
}

/* Mobilisation the committee itself brings to an assembly it organises. */
static double own_mobilisation(const oc_day *x)
{
    if (x->o->state[x->c] == OC_ACTIVE)
        return x->p->oc_member_mobilisation * x->o->effort[x->c];
    return x->p->oc_forming_mobilisation;
}

/* Hold an owners' assembly over compound c's homes. */
static asm_outcome assembly(oc_day *x, int kind, double own, const uint8_t *mark, uint8_t mask,
                            double p_marked, double p_yes)
{
    const sim_world *w = x->m->w;
    gsl_rng *g = election_rng(x);
    asm_turnout t;
    oc_turnout(x->p, x->m->sh.mobilisation[x->c], x->secretary, own, &t);
    if (x->p->oc_turnout_sd > 0.0)
        t.shock = gsl_ran_gaussian_ziggurat(g, x->p->oc_turnout_sd);
    asm_count v;
    asm_hold(&v, w->hh_flags, w->hh_area, w->comp_hh0[x->c], w->comp_hh0[x->c + 1], &t, mark, mask,
             p_marked, p_yes, &x->er.st);
    asm_outcome r = asm_decide(&v, kind);
    if (r == ASM_NOT_QUORATE)
        x->not_quorate++;
    else
        x->quorate++;
    x->voters += (double)v.voters;
    x->owners += (double)v.owners;
    return r;
}

/* An election: full (every seat) or a by-election (the vacant seats).
 * Returns 1 if a committee (or the new members) took office. */
static int election(oc_day *x, int full)
{
    oc_model *o = x->o;
    const sim_params *p = x->p;
    int32_t c = x->c;
    size_t b = (size_t)c * OC_SEATS_MAX;
    int seats = o->seats[c];
    gsl_rng *g = election_rng(x);
    x->elections++;

    int to_fill = full ? seats : seats - o->filled[c];
    int cross_want = party_cross_seats(p, seats) - (full ? 0 : o->cross[c]);
    if (cross_want > to_fill)
        cross_want = to_fill;
    if (cross_want < 0)
        cross_want = 0;

    /* the slate: party nominees first, then owners who stand */
    enum { CAND_MAX = OC_SEATS_MAX + 64 };
    float cc[CAND_MAX], ci[CAND_MAX], ce[CAND_MAX];
    uint8_t cx[CAND_MAX];
    int n = 0;
    for (int k = 0; k < cross_want; k++) {
        if (party_candidate(p, x->rights, g, &cc[n], &ci[n], &ce[n]))
            cx[n++] = OCM_CROSS;
    }
    int nominees = n;
    int possible = to_fill - nominees + (int)p->oc_candidate_extra;
    if (possible > CAND_MAX - n)
        possible = CAND_MAX - n;
    unsigned int stand =
        possible > 0 ? gsl_ran_binomial(g, p->oc_candidate_supply, (unsigned)possible) : 0;
    for (unsigned int k = 0; k < stand; k++) {
        draw_candidate(p, g, &cc[n], &ci[n], &ce[n]);
        if (!party_screen(p, x->rights, &cc[n], ci[n]))
            continue; /* barred */
        cx[n++] = 0;
    }
    /* where the party suggests candidates it fills the slate */
    if (x->rights & PARTY_SUGGEST) {
        while (n < to_fill && n < CAND_MAX) {
            if (!party_candidate(p, x->rights, g, &cc[n], &ci[n], &ce[n]))
                break;
            cx[n++] = 0;
        }
    }

    if (n < (full ? OC_SEATS_MIN : 1) || to_fill == 0) {
        x->elections_failed++;
        return 0;
    }
    double own = full ? p->oc_forming_mobilisation : own_mobilisation(x);
    if (assembly(x, ASM_ORDINARY, own, NULL, 0, 0.0, p->oc_election_yes) != ASM_PASSED) {
        x->elections_failed++;
        return 0;
    }
    /* take office */
    if (full)
        clear_seats(o, c, x->day);
    int next = 0;
    for (int k = 0; k < seats && next < n; k++) {
        if (o->m_flags[b + k] & OCM_FILLED)
            continue;
        seat(o, b + k, cc[next], ci[next], ce[next], cx[next], x->day);
        next++;
    }
    recount(o, c);
    return 1;
}

/* Misconduct found out: the committee is removed and a new one is formed. */
static void remove_committee(oc_day *x)
{
    oc_model *o = x->o;
    clear_seats(o, x->c, x->day);
    o->state[x->c] = OC_FORMING;
    o->attempts[x->c] = 0;
    o->election_day[x->c] = x->day + (int32_t)x->p->oc_formation_days;
    o->trust[x->c] = (float)clamp01(o->trust[x->c] - x->p->oc_detect_trust_hit);
    x->detected++;
}

/* Members go idle or leave: at most one event a day. */
static void member_events(oc_day *x, double u)
{
    oc_model *o = x->o;
    int32_t c = x->c;
    size_t b = (size_t)c * OC_SEATS_MAX;
    double idle = x->p->oc_idle_rate * o->working[c];
    double gone = x->p->oc_resign_rate * o->filled[c];
    double pe = day_prob(idle + gone);
    if (!(u < pe))
        return;
    /* given an event, u / pe is uniform on [0, 1): it picks the event */
    double r = (u / pe) * (idle + gone);
    int want_idle = r < idle;
    int j = (int)(want_idle ? r / x->p->oc_idle_rate : (r - idle) / x->p->oc_resign_rate);
    for (int k = 0; k < o->seats[c]; k++) {
        uint8_t f = o->m_flags[b + k];
        int eligible = (f & OCM_FILLED) && (!want_idle || !(f & OCM_IDLE));
        if (!eligible)
            continue;
        if (j-- > 0)
            continue;
        if (want_idle)
            o->m_flags[b + k] |= OCM_IDLE;
        else
            o->m_flags[b + k] = 0;
        o->m_since[b + k] = x->day;
        break;
    }
    recount(o, c);
}

/* Lever: idle members removed and vacant seats filled within refill_days. */
static void refill(oc_day *x)
{
    oc_model *o = x->o;
    int32_t c = x->c;
    if (o->working[c] == o->seats[c])
        return;
    size_t b = (size_t)c * OC_SEATS_MAX;
    int changed = 0;
    for (int k = 0; k < o->seats[c]; k++) {
        uint8_t f = o->m_flags[b + k];
        if ((f & OCM_FILLED) && !(f & OCM_IDLE))
            continue;
        if (x->day - o->m_since[b + k] < x->p->oc_refill_days)
            continue;
        float comp, integ, eff;
        gsl_rng *g = election_rng(x);
        if (party_candidate(x->p, x->rights, g, &comp, &integ, &eff)) {
            seat(o, b + k, comp, integ, eff, 0, x->day);
        } else {
            o->m_flags[b + k] = 0; /* the idle member goes; the seat waits */
            o->m_since[b + k] = x->day;
        }
        changed = 1;
    }
    if (changed)
        recount(o, c);
}

/* The party co-opts a cross-appointed member while below the share. */
static void coopt(oc_day *x)
{
    oc_model *o = x->o;
    int32_t c = x->c;
    if (o->cross[c] >= party_cross_seats(x->p, o->seats[c]))
        return;
    gsl_rng *g = party_rng(x);
    if (!(gsl_rng_uniform(g) < day_prob(x->p->party_coopt_rate)))
        return;
    size_t b = (size_t)c * OC_SEATS_MAX;
    int vacant = -1, idle = -1, member = -1;
    for (int k = 0; k < o->seats[c]; k++) {
        uint8_t f = o->m_flags[b + k];
        if (!(f & OCM_FILLED)) {
            if (vacant < 0)
                vacant = k;
        } else if (!(f & OCM_CROSS)) {
            if ((f & OCM_IDLE) && idle < 0)
                idle = k;
            else if (!(f & OCM_IDLE) && member < 0)
                member = k;
        }
    }
    int k = vacant >= 0 ? vacant : idle;
    if (k >= 0) {
        float comp, integ, eff;
        if (!party_candidate(x->p, x->rights, g, &comp, &integ, &eff))
            return;
        seat(o, b + k, comp, integ, eff, OCM_CROSS, x->day);
    } else if (member >= 0) {
        /* a sitting member takes on a party or RC post */
        o->m_flags[b + member] |= OCM_CROSS;
    } else {
        return;
    }
    recount(o, c);
}

int32_t oc_oldest_wait(const oc_model *o, int32_t c, int32_t day)
{
    size_t b = (size_t)c * OC_QUEUE;
    int32_t wait = 0;
    for (int k = 0; k < o->q_len[c]; k++)
        if (day - o->q_arose[b + (size_t)k] > wait)
            wait = day - o->q_arose[b + (size_t)k];
    return wait;
}

static int push_matter(oc_model *o, int32_t c, int kind, int32_t day)
{
    if (o->q_len[c] >= OC_QUEUE)
        return 0;
    size_t i = (size_t)c * OC_QUEUE + o->q_len[c];
    o->q_arose[i] = day;
    o->q_kind[i] = (uint8_t)kind;
    o->q_len[c]++;
    return 1;
}

/* Remove matter k of compound c (the last one takes its slot). */
static void drop_matter(oc_model *o, int32_t c, int k)
{
    size_t b = (size_t)c * OC_QUEUE, last = b + (size_t)(o->q_len[c] - 1);
    o->q_arose[b + (size_t)k] = o->q_arose[last];
    o->q_kind[b + (size_t)k] = o->q_kind[last];
    o->q_len[c]--;
}

/* Decide matter `kind` that arose on day `arose`. */
static void decide(oc_day *x, int kind, int32_t arose, int committee)
{
    mdl_model *m = x->m;
    oc_model *o = x->o;
    const sim_params *p = x->p;
    int32_t c = x->c;
    double own = committee ? p->oc_member_mobilisation * o->effort[c] : 0.0;
    int ok;
    switch (kind) {
    case OC_MATTER_ROUTINE:
        ok = 1;
        break;
    case OC_MATTER_REPLACE:
        ok = assembly(x, ASM_ORDINARY, own, m->hh.state, HH_INADEQUATE, p->oc_replace_yes_unhappy,
                      p->oc_replace_yes_content) == ASM_PASSED;
        o->flags[c] &= (uint8_t)~OCF_REPLACE_PENDING;
        o->low_days[c] = 0;
        if (ok) {
            election_rng(x); /* opens x->er */
            pmc_replace(&m->pmc, p, m->seed, c, x->day, (int)p->pmc_bidders, &x->er.st);
            o->replace_block[c] = x->day + (int32_t)p->oc_replace_cooldown;
            x->replaced++;
        }
        break;
    default: {
        double merit =
            p->oc_merit_sd > 0.0 ? gsl_ran_gaussian_ziggurat(election_rng(x), p->oc_merit_sd) : 0.0;
        /* micro-renewal and parking projects are popular: their own base,
         * centred on a trust of one half */
        int project = kind == OC_MATTER_RENEWAL || kind == OC_MATTER_PARKING;
        double yes = clamp01((project ? p->oc_project_yes + p->oc_yes_trust * (o->trust[c] - 0.5)
                                      : p->oc_yes_base + p->oc_yes_trust * o->trust[c]) +
                             merit);
        ok = assembly(x, kind == OC_MATTER_ORDINARY ? ASM_ORDINARY : ASM_MAJOR, own, NULL, 0, 0.0,
                      yes) == ASM_PASSED;
        /* a major matter passed (art. 278: three quarters) releases the
         * maintenance fund: the repair works lower defects for a while */
        if (ok && kind == OC_MATTER_MAJOR)
            o->fund_until[c] = x->day + (int32_t)p->oc_fund_days;
        /* micro-renewal and parking: something residents see */
        if (ok && kind == OC_MATTER_RENEWAL)
            o->renewal_until[c] = x->day + (int32_t)p->oc_renewal_days;
        if (ok && kind == OC_MATTER_PARKING)
            o->parking_until[c] = x->day + (int32_t)p->oc_parking_days;
        break;
    }
    }
    if (ok) {
        x->passed++;
        x->sat_kick += p->oc_decision_gain;
    } else {
        x->failed++;
        x->sat_kick -= p->oc_decision_gain;
    }
    x->decision_days += (double)(x->day - arose);
}

/* Is a matter of this kind waiting in compound c? */
static int waiting(const oc_model *o, int32_t c, int kind)
{
    size_t b = (size_t)c * OC_QUEUE;
    for (int k = 0; k < o->q_len[c]; k++)
        if (o->q_kind[b + (size_t)k] == kind)
            return 1;
    return 0;
}

/* Matters arise, lapse, and are decided. */
static void matters(oc_day *x, double u, sim_stream *st)
{
    mdl_model *m = x->m;
    oc_model *o = x->o;
    const sim_params *p = x->p;
    int32_t c = x->c;
    int s = o->state[c];

    /* at most one new matter a day: u picks routine, ordinary, major, a
     * micro-renewal project or a parking arrangement (the last two only
     * while none is in force, and none is waiting) */
    const double a1 = o->p_routine, a2 = a1 + o->p_ordinary, a3 = a2 + o->p_major,
                 a4 = a3 + o->p_renewal, a5 = a4 + o->p_parking;
    int kind = u < a1   ? OC_MATTER_ROUTINE
               : u < a2 ? OC_MATTER_ORDINARY
               : u < a3 ? OC_MATTER_MAJOR
               : u < a4 ? (x->day >= o->renewal_until[c] && !waiting(o, c, OC_MATTER_RENEWAL)
                               ? OC_MATTER_RENEWAL
                               : -1)
               : u < a5 ? (x->day >= o->parking_until[c] && !waiting(o, c, OC_MATTER_PARKING)
                               ? OC_MATTER_PARKING
                               : -1)
                        : -1;
    if (kind >= 0 && !push_matter(o, c, kind, x->day))
        x->lapsed++;

    /* long dissatisfaction with the firm: propose replacing it */
    int32_t nh = sim_world_comp_hh(m->w, c);
    double msat = nh > 0 ? m->hh.sat_sum[c] / nh : 1.0;
    o->low_days[c] = msat < p->oc_replace_below ? o->low_days[c] + 1 : 0;
    if (o->low_days[c] >= p->oc_replace_after && !(o->flags[c] & OCF_REPLACE_PENDING) &&
        x->day >= o->replace_block[c] && (s == OC_ACTIVE || x->acting) &&
        push_matter(o, c, OC_MATTER_REPLACE, x->day))
        o->flags[c] |= OCF_REPLACE_PENDING;

    /* matters nobody decided in time are abandoned */
    size_t b = (size_t)c * OC_QUEUE;
    for (int k = 0; k < o->q_len[c];) {
        if (x->day - o->q_arose[b + (size_t)k] <= p->oc_matter_lapse) {
            k++;
            continue;
        }
        if (o->q_kind[b + (size_t)k] == OC_MATTER_REPLACE) {
            o->flags[c] &= (uint8_t)~OCF_REPLACE_PENDING;
            o->low_days[c] = 0;
        }
        drop_matter(o, c, k);
        x->lapsed++;
    }

    /* who decides: the committee with a working majority, else the RC acting */
    int committee = s == OC_ACTIVE && 2 * o->working[c] > o->seats[c];
    if (o->q_len[c] == 0)
        return; /* nothing waiting (most days): no speed or probabilities to work out */
    double speed = committee ? oc_decision_speed(p, o->competence[c], o->effort[c],
                                                 cross_share(o, c), x->secretary)
                             : (x->acting ? p->oc_rc_speed : 0.0);
    if (speed <= 0.0)
        return;
    /* every waiting matter is worked on: decided today with probability
     * 1 - exp(-speed / mean days of its kind); one uniform each, drawn
     * after the day's fixed block */
    double p_self = -expm1(-speed / p->oc_decision_days);
    double p_assembly = -expm1(-speed / p->oc_assembly_days);
    for (int k = 0; k < o->q_len[c];) {
        int what = o->q_kind[b + (size_t)k];
        if (!(sim_stream_uniform(st) < (what == OC_MATTER_ROUTINE ? p_self : p_assembly))) {
            k++;
            continue;
        }
        int32_t arose = o->q_arose[b + (size_t)k];
        drop_matter(o, c, k);
        decide(x, what, arose, committee);
    }
}

/* The committee's state moves by its daily hazards. */
static void conduct(oc_day *x, double u)
{
    oc_model *o = x->o;
    const sim_params *p = x->p;
    int32_t c = x->c;
    double cross = cross_share(o, c);
    switch (o->state[c]) {
    case OC_ACTIVE: {
        double pd, pm;
        double ov = oc_oversight(p, cross, x->reports, x->discloses);
        oc_conduct_hazards(p, o->effort[c], o->integrity[c], cross, ov, &pd, &pm);
        if (u < pd)
            o->state[c] = OC_DORMANT;
        else if (u < pd + pm)
            o->state[c] = OC_CAPTURED;
        break;
    }
    case OC_DORMANT:
        if (u < oc_recovery_prob(p, cross))
            o->state[c] = OC_ACTIVE;
        break;
    case OC_CAPTURED:
        if (u < oc_detection_prob(p, x->discloses, cross))
            remove_committee(x);
        break;
    case OC_ABSENT:
        if (u < day_prob(p->oc_formation_rate * (x->acting ? p->oc_rc_formation_factor : 1.0))) {
            o->state[c] = OC_FORMING;
            o->attempts[c] = 0;
            o->election_day[c] = x->day + (int32_t)p->oc_formation_days;
        }
        break;
    default:
        break;
    }
}

/* The party reviews a committee's regular report. */
static void review_report(oc_day *x)
{
    oc_model *o = x->o;
    int32_t c = x->c;
    gsl_rng *g = party_rng(x);
    double u1 = gsl_rng_uniform(g), u2 = gsl_rng_uniform(g);
    switch (party_review_report(x->p, o->state[c], u1, u2)) {
    case PARTY_REMOVE:
        remove_committee(x);
        break;
    case PARTY_REACTIVATE:
        o->state[c] = OC_ACTIVE;
        x->interventions++;
        break;
    case PARTY_RENEW: {
        size_t b = (size_t)c * OC_SEATS_MAX;
        for (int k = 0; k < o->seats[c]; k++)
            if (o->m_flags[b + k] & OCM_IDLE) {
                o->m_flags[b + k] = 0;
                o->m_since[b + k] = x->day;
            }
        recount(o, c);
        if (o->election_day[c] < 0)
            o->election_day[c] = x->day + (int32_t)x->p->oc_byelection_days;
        x->interventions++;
        break;
    }
    default:
        break;
    }
}

/* Elections that are due today. */
static void elections(oc_day *x)
{
    oc_model *o = x->o;
    const sim_params *p = x->p;
    int32_t c = x->c;
    int s = o->state[c];
    if (in_office(s) && x->day >= o->term_end[c]) {
        /* re-election at term end (organised by a re-election group) */
        if (election(x, 1)) {
            o->state[c] = OC_ACTIVE;
            o->term_end[c] = x->day + (int32_t)p->oc_term;
            o->election_day[c] = -1;
        } else {
            clear_seats(o, c, x->day);
            o->attempts[c] = 1;
            if (o->attempts[c] >= p->oc_max_attempts) {
                o->state[c] = OC_ABSENT;
                o->attempts[c] = 0;
                o->election_day[c] = -1;
            } else {
                o->state[c] = OC_FORMING;
                o->election_day[c] = x->day + (int32_t)p->oc_retry_days;
            }
        }
    } else if (s == OC_FORMING && x->day >= o->election_day[c]) {
        if (election(x, 1)) {
            o->state[c] = OC_ACTIVE;
            o->term_end[c] = x->day + (int32_t)p->oc_term;
            o->attempts[c] = 0;
            o->election_day[c] = -1;
        } else if (++o->attempts[c] >= p->oc_max_attempts) {
            o->state[c] = OC_ABSENT;
            o->attempts[c] = 0;
            o->election_day[c] = -1;
        } else {
            o->election_day[c] = x->day + (int32_t)p->oc_retry_days;
        }
    } else if (in_office(s)) {
        if (o->election_day[c] >= 0 && x->day >= o->election_day[c]) {
            if (election(x, 0)) {
                o->election_day[c] = -1;
                if (s == OC_DORMANT)
                    o->state[c] = OC_ACTIVE; /* new members revive it */
            } else {
                o->election_day[c] = x->day + (int32_t)p->oc_retry_days;
            }
        } else if (o->election_day[c] < 0 && 2 * o->filled[c] < o->seats[c]) {
            o->election_day[c] = x->day + (int32_t)p->oc_byelection_days;
        }
        /* a by-election that filled every seat is no longer needed */
        if (o->election_day[c] >= 0 && o->filled[c] == o->seats[c])
            o->election_day[c] = -1;
    }
}

sim_status oc_compound_day(struct mdl_model *m, int32_t c, int64_t day)
{
    oc_model *o = &m->oc;
    const sim_params *p = &m->p;
    mdl_shared *sh = &m->sh;
    oc_day x;
    memset(&x, 0, sizeof x);
    x.m = m;
    x.o = o;
    x.p = p;
    x.c = c;
    x.day = (int32_t)day;
    x.secretary = (double)o->u_secretary[c] < p->oc_secretary_share;
    x.discloses = (double)o->u_disclosure[c] < p->oc_disclosure_share;
    x.refills = (double)o->u_membership[c] < p->oc_membership_share;
    x.rights = party_rights(&m->party, p, c);
    x.reports = party_receives_reports(&m->party, p, c);
    x.acting = sh->rc_acting[c] != 0;

    /* the day's fixed block of uniforms */
    sim_stream st;
    sim_stream_open(&st, m->seed, SIM_RNG_OC, (uint32_t)c, (uint32_t)day);
    double u[4];
    for (int k = 0; k < 4; k++)
        u[k] = sim_stream_uniform(&st);

    /* 1. members */
    if (in_office(o->state[c])) {
        member_events(&x, u[1]);
        if (x.refills)
            refill(&x);
        if (p->party_cross_share > 0.0)
            coopt(&x);
    }
    /* 2. conduct, and the party's review of reports */
    conduct(&x, u[0]);
    if (x.reports && in_office(o->state[c]) && party_report_due(p, c, day))
        review_report(&x);
    /* 3. elections */
    elections(&x);
    /* 4. matters */
    matters(&x, u[2], &st);

    /* 5. trust, satisfaction, supervision */
    int s = o->state[c];
    int32_t nh = sim_world_comp_hh(m->w, c);
    double cross = in_office(s) ? cross_share(o, c) : 0.0;
    /* (disclosure moves trust only through what owners then see: misconduct
     * found out sooner and deterred, the firm's accounts watched) */
    double tt = trust_target(p, s) - p->party_cross_trust_cost * cross;
    o->trust[c] = (float)clamp01(o->trust[c] + p->oc_drift * (clamp01(tt) - o->trust[c]));
    double sat = o->sat[c] + p->oc_drift * (sat_target(p, s) - o->sat[c]) + x.sat_kick;
    if (s != OC_ACTIVE && sh->complaints_oc[c] > 0 && nh > 0)
        sat -= p->oc_ignored_hit * sh->complaints_oc[c] / nh;
    o->sat[c] = (float)clamp01(sat);
    double sup = 0.0;
    if (s == OC_ACTIVE)
        sup =
            o->effort[c] * (0.5 + 0.5 * oc_effective_competence(p, o->competence[c], x.secretary));
    if (s == OC_ACTIVE && x.discloses) /* owners see the firm's accounts too */
        sup = 1.0 - (1.0 - sup) * (1.0 - p->pmc_disclosure_monitor);
    sh->oc_state[c] = (uint8_t)s;
    sh->oc_trust[c] = o->trust[c];
    sh->oc_satisfaction[c] = o->sat[c];
    sh->oc_supervision[c] = (float)clamp01(sup);
    sh->fund_repair[c] = x.day < o->fund_until[c] ? (float)p->oc_fund_defect_cut : 0.0f;
    sh->renewal[c] = (float)oc_renewal_gain(p, m->w->comp_old[c], o->renewal_until[c], x.day);
    sh->parking_cut[c] = (float)oc_parking_cut(p, o->parking_until[c], x.day);

    /* outputs */
    sim_tally *t = m->tally;
    sim_tally_add(t, c, SIM_MET_oc_functioning_share, s == OC_ACTIVE, 1.0);
    sim_tally_add(t, c, SIM_MET_oc_active_share, s == OC_ACTIVE, in_office(s));
    sim_tally_add(t, c, SIM_MET_oc_dormant_share, s == OC_DORMANT, 1.0);
    sim_tally_add(t, c, SIM_MET_oc_misconduct_share, s == OC_CAPTURED, 1.0);
    sim_tally_add(t, c, SIM_MET_oc_forming_share, s == OC_FORMING, 1.0);
    sim_tally_add(t, c, SIM_MET_oc_absent_share, s == OC_ABSENT, 1.0);
    sim_tally_add(t, c, SIM_MET_oc_satisfaction_mean, (double)o->sat[c] * nh, nh);
    sim_tally_add(t, c, SIM_MET_oc_trust_mean, (double)o->trust[c] * nh, nh);
    sim_tally_add(t, c, SIM_MET_oc_matters_pending, o->q_len[c], 0);
    if (x.quorate + x.not_quorate + x.elections + x.passed + x.failed + x.lapsed + x.detected +
            x.interventions >
        0) { /* most days nothing happens: skip the zeros */
        sim_tally_add(t, c, SIM_MET_assemblies_quorate, x.quorate, 0);
        sim_tally_add(t, c, SIM_MET_assemblies_failed, x.not_quorate, 0);
        sim_tally_add(t, c, SIM_MET_assembly_turnout, x.voters, x.owners);
        sim_tally_add(t, c, SIM_MET_elections_held, x.elections, 0);
        sim_tally_add(t, c, SIM_MET_elections_failed, x.elections_failed, 0);
        sim_tally_add(t, c, SIM_MET_decisions_passed, x.passed, 0);
        sim_tally_add(t, c, SIM_MET_decisions_failed, x.failed, 0);
        sim_tally_add(t, c, SIM_MET_decision_days, x.decision_days, x.passed + x.failed);
        sim_tally_add(t, c, SIM_MET_oc_matters_lapsed, x.lapsed, 0);
        sim_tally_add(t, c, SIM_MET_pmc_replacements, x.replaced, 0);
        sim_tally_add(t, c, SIM_MET_oc_misconduct_detected, x.detected, 0);
        sim_tally_add(t, c, SIM_MET_party_interventions, x.interventions, 0);
    }
    if (in_office(s)) {
        sim_tally_add(t, c, SIM_MET_oc_cross_share, o->cross[c], o->seats[c]);
        sim_tally_add(t, c, SIM_MET_oc_seats_unfilled_share, o->seats[c] - o->working[c],
                      o->seats[c]);
    }
    if (x.secretary) {
        sim_tally_add(t, c, SIM_MET_secretaries, 1.0, 0);
        sim_tally_add(t, c, SIM_MET_secretary_cost, p->oc_secretary_cost / 30.0, 0);
    }
    return SIM_OK;
}

sim_status oc_state_check(const oc_model *s, sim_error *err)
{
    for (int32_t c = 0; c < s->ncomp; c++)
        if (s->filled[c] > s->seats[c] || s->working[c] > s->filled[c] ||
            s->cross[c] > s->filled[c])
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "oc.filled",
                            "compound %d: %d seats, %d filled, %d working, %d cross-appointed "
                            "(a damaged or edited checkpoint)",
                            (int)c, (int)s->seats[c], (int)s->filled[c], (int)s->working[c],
                            (int)s->cross[c]);
    return SIM_OK;
}

void oc_state_register(oc_model *s, sim_state *st)
{
    sim_state_scope(st, "oc");
    OC_FIELDS(SIM_FIELD_REGISTER, s)
    SIM_STATE_SCALAR(st, "p_routine", s->p_routine);
    SIM_STATE_IN(st, 0, 1);
    SIM_STATE_SCALAR(st, "p_ordinary", s->p_ordinary);
    SIM_STATE_IN(st, 0, 1);
    SIM_STATE_SCALAR(st, "p_major", s->p_major);
    SIM_STATE_IN(st, 0, 1);
    SIM_STATE_SCALAR(st, "p_renewal", s->p_renewal);
    SIM_STATE_IN(st, 0, 1);
    SIM_STATE_SCALAR(st, "p_parking", s->p_parking);
    SIM_STATE_IN(st, 0, 1);
}
