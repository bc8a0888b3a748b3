/* models/enforce.c — see enforce.h.
 *
 * Cost per compound and day: one binomial draw per category with
 * undetected violations, one Poisson draw and one uniform per new
 * violation; no loop over households or violation records.  The squads'
 * lines are short (a few cases per sub-district a day).
 *
 * Common random numbers: a violation's handling time and outcome uniform are
 * drawn when it joins the line (sim/queue.h), so officers, training, joint
 * action and the libraries change how the same cases are handled, and
 * nothing before the day a lever is switched on.
 */
#include "enforce.h"

#include "alloc.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "model.h"
#include "rng.h"

/* the per-category metrics are consecutive, in category order */
_Static_assert(SIM_MET_violations_new_other - SIM_MET_violations_new_construction == ENF_OTHER,
               "per-category metrics out of order");
_Static_assert(SIM_MET_violations_resolved_other - SIM_MET_violations_resolved_construction ==
                   ENF_OTHER,
               "per-category metrics out of order");
_Static_assert(SIM_MET_violations_backlog_other - SIM_MET_violations_backlog_construction ==
                   ENF_OTHER,
               "per-category metrics out of order");

static inline double clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/* ---- the mechanisms ---------------------------------------------------------- */

double enf_rate(const sim_params *p, int k)
{
    switch (k) {
    case ENF_CONSTRUCTION:
        return p->enforce_construction_rate;
    case ENF_LOADBEARING:
        return p->enforce_loadbearing_rate;
    case ENF_GREENERY:
        return p->enforce_greenery_rate;
    default:
        return p->enforce_other_rate;
    }
}

static double base_days(const sim_params *p, int k)
{
    switch (k) {
    case ENF_CONSTRUCTION:
        return p->enforce_construction_days;
    case ENF_LOADBEARING:
        return p->enforce_loadbearing_days;
    case ENF_GREENERY:
        return p->enforce_greenery_days;
    default:
        return p->enforce_other_days;
    }
}

static double base_success(const sim_params *p, int k)
{
    switch (k) {
    case ENF_CONSTRUCTION:
        return p->enforce_construction_success;
    case ENF_LOADBEARING:
        return p->enforce_loadbearing_success;
    case ENF_GREENERY:
        return p->enforce_greenery_success;
    default:
        return p->enforce_other_success;
    }
}

double enf_service_days(const sim_params *p, int k)
{
    double d = base_days(p, k) * (1.0 - p->enforce_training * p->enforce_training_time_gain) *
               (1.0 - p->enforce_library * p->enforce_library_gain);
    if (k < ENF_NHARD)
        d *= 1.0 - p->enforce_joint * p->enforce_joint_time_gain;
    return d;
}

double enf_success_prob(const sim_params *p, int k)
{
    double s = base_success(p, k) + p->enforce_training * p->enforce_training_success_gain;
    if (k < ENF_NHARD)
        s += p->enforce_joint * p->enforce_joint_success_gain;
    return clamp01(s);
}

double enf_detection(const sim_params *p, double rc_detection)
{
    double miss = (1.0 - p->enforce_detection) * (1.0 - clamp01(rc_detection)) *
                  (1.0 - p->enforce_video_sharing * p->enforce_video_gain);
    return clamp01(1.0 - miss);
}

double enf_deterrence(const sim_params *p, double effectiveness, double standing_per_100)
{
    double copy = p->enforce_imitation * standing_per_100;
    if (copy > p->enforce_imitation_max)
        copy = p->enforce_imitation_max;
    double f = 1.0 - p->enforce_deterrence * clamp01(effectiveness) + copy;
    return f > 0.0 ? f : 0.0;
}

double enf_officers_available(const sim_params *p, int64_t households)
{
    return p->enforce_officers_per_10k_households * (double)households / 1e4 *
           p->enforce_compound_time_share * (1.0 - p->enforce_diversion);
}

/* The categories' rates (fixed parameters, but derived again after any
 * policy: cheap, idempotent). */
static void derive(enf_model *e, const sim_params *p)
{
    e->rate_sum = 0.0;
    for (int k = 0; k < ENF_NCAT; k++) {
        e->rate[k] = enf_rate(p, k);
        e->rate_sum += e->rate[k];
    }
}

/* ---- the squads ------------------------------------------------------------ */

/* Re-derive the officers of sub-district s, from time `now`: floor(x) of
 * speed 1 and one of speed x - floor(x).  Idempotent; each slot's speed is
 * nondecreasing in x. */
static sim_status staff(enf_model *e, const sim_params *p, int32_t s, double now)
{
    q_queue *q = &e->q[s];
    const double x = enf_officers_available(p, e->households[s]);
    if (!(x >= 0.0) || x > 1e6)
        return SIM_EINPUT;
    const int32_t full = (int32_t)floor(x);
    const double part = x - (double)full;
    int32_t k = 0;
    for (; k < full; k++)
        SIM_TRY(NULL, q_set_server(q, k, 1.0, now));
    if (part > 0.0)
        SIM_TRY(NULL, q_set_server(q, k++, part, now));
    for (; k < q->nserv; k++)
        SIM_TRY(NULL, q_set_server(q, k, 0.0, now));
    return SIM_OK;
}

/* ---- life cycle -------------------------------------------------------------- */

void enf_destroy(enf_model *e)
{
    if (!e)
        return;
    if (e->q)
        for (int32_t s = 0; s < e->nsub; s++)
            q_destroy(&e->q[s]);
    free(e->q);
    ENF_FIELDS(SIM_FIELD_FREE, e)
    memset(e, 0, sizeof *e);
}

sim_status enf_create(enf_model *e, const struct mdl_model *m, sim_error *err)
{
    memset(e, 0, sizeof *e);
    const sim_world *w = m->w;
    e->nsub = w->nsub;
    e->ncomp = w->ncomp;
    ENF_FIELDS(SIM_FIELD_ALLOC, e)
    e->q = sim_alloc_lines((size_t)w->nsub, sizeof *e->q);
    if (ENF_FIELDS(SIM_FIELD_MISSING, e) !e->q) {
        enf_destroy(e);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for enforcement");
    }
    for (int32_t c = 0; c < w->ncomp; c++)
        e->next[c] = -1; /* drawn on the first day */
    derive(e, &m->p);
    for (int32_t s = 0; s < w->nsub; s++) {
        e->households[s] = w->comp_hh0[w->sub_comp0[s + 1]] - w->comp_hh0[w->sub_comp0[s]];
        /* perception starts neutral: half resolved, weighing one case a day */
        e->ewma_found[s] = 1.0;
        e->ewma_resolved[s] = 0.5;
        e->effect[s] = 0.5;
        sim_status st = q_create(&e->q[s]);
        if (st == SIM_OK)
            st = staff(e, &m->p, s, 0.0);
        if (st == SIM_EINPUT) {
            enf_destroy(e);
            return SIM_FAIL(err, st, NULL, 0, "enforce.officers_per_10k_households",
                            "more than a million officers in sub-district %d", (int)s);
        }
        if (st != SIM_OK) {
            enf_destroy(e);
            return SIM_FAIL(err, st, NULL, 0, NULL, "out of memory for the enforcement squads");
        }
    }
    return SIM_OK;
}

/* ---- the day ------------------------------------------------------------------- */

double enf_hotline_calls(const sim_params *p, int32_t standing, int32_t unsettled)
{
    return p->enforce_call_rate * (double)standing +
           p->mediation_escalation_calls * (double)unsettled;
}

sim_status enf_compound_day(struct mdl_model *m, int32_t c, int64_t day)
{
    enf_model *e = &m->enf;
    const sim_params *p = &m->p;
    int32_t *und = e->undetected + (size_t)c * ENF_NCAT;
    int32_t *que = e->queued + (size_t)c * ENF_NCAT;
    int32_t *fnd = e->found + (size_t)c * ENF_NCAT;
    sim_tally *t = m->tally;

    /* standing violations are found and reported (a stream of their own:
     * how many are standing never shifts the numbers of new ones) */
    int32_t found = 0, open = 0;
    _Static_assert(ENF_NCAT == 4, "the test below lists the categories");
    const int any = (und[0] | und[1] | und[2] | und[3]) != 0;
    const double det = any ? enf_detection(p, m->sh.detection[c]) : 0.0;
    sim_rng dr;
    gsl_rng *dg = det > 0.0
                      ? sim_rng_open(&dr, m->seed, SIM_RNG_DETECTION, (uint32_t)c, (uint32_t)day)
                      : NULL;
    for (int k = 0; k < ENF_NCAT; k++) {
        int32_t f = 0;
        if (dg && und[k] > 0)
            f = (int32_t)gsl_ran_binomial(dg, det, (unsigned int)und[k]);
        und[k] -= f;
        que[k] += f;
        fnd[k] = f;
        found += f;
        open += und[k] + que[k];
    }

    /* new violations, deterred by enforcement and invited by those standing:
     * sparse arrivals (sim/queue.h), candidates at the largest possible rate
     * H_c x sum of rates x (1 + imitation_max), each kept with probability
     * deterrence / (1 + imitation_max), its category drawn by rate */
    int32_t born[ENF_NCAT] = {0}, n = 0;
    if (day >= e->next[c]) {
        const int32_t hh = sim_world_comp_hh(m->w, c);
        const double fmax = 1.0 + p->enforce_imitation_max;
        const double top = (double)hh * e->rate_sum * fmax;
        sim_stream st;
        sim_stream_open(&st, m->seed, SIM_RNG_VIOLATIONS, (uint32_t)c, (uint32_t)day);
        int today = 1;
        if (e->next[c] < 0) { /* the first day: find the first day with candidates */
            e->next[c] = day + q_gap(&st, top);
            today = e->next[c] == day;
        }
        if (today) {
            const double keep =
                enf_deterrence(p, e->effect[m->w->comp_sub[c]], 100.0 * open / (double)hh) / fmax;
            const uint32_t cand = q_candidates(&st, top);
            for (uint32_t i = 0; i < cand; i++) {
                const double u = sim_stream_uniform(&st);
                if (!(u < keep))
                    continue;
                const double v = u / keep * e->rate_sum; /* uniform on [0, sum of rates) */
                int k = 0;
                double upto = e->rate[0];
                while (k < ENF_NCAT - 1 && v >= upto)
                    upto += e->rate[++k];
                while (k > 0 && e->rate[k] <= 0.0) /* rounding: never a category of rate 0 */
                    k--;
                und[k]++;
                born[k]++;
                n++;
            }
            e->next[c] = day + 1 + q_gap(&st, top);
        }
    }

    /* the compound's figures; the squad subtracts what it ends today (its
     * sub-district row), so the city sums are the end-of-day stocks */
    int32_t hidden = 0, hard = 0;
    for (int k = 0; k < ENF_NCAT; k++) {
        hidden += und[k];
        if (k < ENF_NHARD)
            hard += und[k] + que[k];
    }
    open += n;
    m->sh.violations_open[c] = open;
    /* 12345 calls about the compound besides property complaints: its
     * standing violations, and yesterday's disputes escalated by mediation */
    const double other = enf_hotline_calls(p, open, m->sh.disputes_unsettled[c]);
    m->sh.hotline_other[c] = (float)other;
    sim_tally_add(t, c, SIM_MET_hotline_calls, other + (double)m->sh.complaints_hotline[c], 0);
    if (found)
        sim_tally_add(t, c, SIM_MET_violations_found, (double)found, 0);
    if (n) {
        sim_tally_add(t, c, SIM_MET_violations_new, (double)n, 0);
        for (int k = 0; k < ENF_NCAT; k++)
            if (born[k])
                sim_tally_add(t, c, SIM_MET_violations_new_construction + k, (double)born[k], 0);
    }
    if (open)
        sim_tally_add(t, c, SIM_MET_violations_standing, (double)open, 0);
    if (hidden)
        sim_tally_add(t, c, SIM_MET_violations_undetected, (double)hidden, 0);
    if (hard)
        sim_tally_add(t, c, SIM_MET_violations_standing_hard, (double)hard, 0);
    return SIM_OK;
}

sim_status enf_subdistrict_day(struct mdl_model *m, int32_t s, int64_t day)
{
    enf_model *e = &m->enf;
    const sim_world *w = m->w;
    const sim_params *p = &m->p;
    q_queue *q = &e->q[s];
    sim_tally *t = m->tally;
    const int32_t c0 = w->sub_comp0[s], c1 = w->sub_comp0[s + 1];

    /* the day's reports join the line: compound by compound, category by category */
    for (int32_t c = c0; c < c1; c++) {
        int32_t *fnd = e->found + (size_t)c * ENF_NCAT;
        for (int k = 0; k < ENF_NCAT; k++) {
            for (int32_t i = 0; i < fnd[k]; i++)
                SIM_TRY(NULL, q_push(q, c, (uint8_t)k));
            fnd[k] = 0;
        }
    }
    double mean[ENF_NCAT], success[ENF_NCAT];
    for (int k = 0; k < ENF_NCAT; k++) {
        mean[k] = enf_service_days(p, k);
        success[k] = enf_success_prob(p, k);
    }
    sim_stream st;
    sim_stream_open(&st, m->seed, SIM_RNG_ENFORCE, (uint32_t)s, (uint32_t)day);
    q_daystats ds;
    SIM_TRY(NULL, q_day(q, day, &st, mean, ENF_NCAT, 0.0, &ds));

    /* outcomes, decided at take-up */
    int64_t resolved = 0, failed = 0, resolved_cat[ENF_NCAT] = {0};
    for (int64_t i = 0; i < q->nrec; i++) {
        const q_record *r = &q->rec[i];
        const size_t cell = (size_t)r->origin * ENF_NCAT + r->cat;
        e->queued[cell]--;
        if (r->u < success[r->cat]) {
            resolved++;
            resolved_cat[r->cat]++;
            m->sh.violations_open[r->origin]--;
        } else {
            e->undetected[cell]++; /* stands until someone reports it again */
            failed++;
        }
    }

    /* perceived enforcement: smoothed resolved over smoothed reported */
    const double a = 1.0 / p->enforce_memory_days;
    e->ewma_found[s] += a * ((double)ds.arrived - e->ewma_found[s]);
    e->ewma_resolved[s] += a * ((double)resolved - e->ewma_resolved[s]);
    e->effect[s] = e->ewma_found[s] > 0.0 ? clamp01(e->ewma_resolved[s] / e->ewma_found[s]) : 0.5;

    /* the day's figures, on the sub-district's own row (a sub-district phase
     * never adds to compound rows, which blocks of compounds share): the
     * compounds' stocks were added by the compound phase, before the squad
     * worked, so the squad's changes to them are added here */
    int64_t backlog[ENF_NCAT] = {0};
    for (int64_t i = q->head; i < q->n; i++)
        backlog[q->cat[i]]++;
    const int64_t row = sim_tally_sub(t, s);
    int64_t hard = 0, resolved_hard = 0;
    for (int k = 0; k < ENF_NCAT; k++) {
        sim_tally_add(t, row, SIM_MET_violations_backlog_construction + k, (double)backlog[k], 0);
        sim_tally_add(t, row, SIM_MET_violations_resolved_construction + k, (double)resolved_cat[k],
                      0);
        if (k < ENF_NHARD) {
            hard += backlog[k];
            resolved_hard += resolved_cat[k];
        }
    }
    sim_tally_add(t, row, SIM_MET_violations_resolved, (double)resolved, 0);
    sim_tally_add(t, row, SIM_MET_violations_resolved_hard, (double)resolved_hard, 0);
    sim_tally_add(t, row, SIM_MET_violations_failed, (double)failed, 0);
    sim_tally_add(t, row, SIM_MET_violations_standing, -(double)resolved, 0);
    sim_tally_add(t, row, SIM_MET_violations_standing_hard, -(double)resolved_hard, 0);
    sim_tally_add(t, row, SIM_MET_violations_undetected, (double)failed, 0);
    sim_tally_add(t, row, SIM_MET_violations_backlog, (double)ds.waiting, 0);
    sim_tally_add(t, row, SIM_MET_violations_backlog_hard, (double)hard, 0);
    sim_tally_add(t, row, SIM_MET_enforcement_wait_days, ds.wait_sum, (double)ds.taken);
    sim_tally_add(t, row, SIM_MET_enforcement_utilisation, ds.busy, ds.capacity);
    sim_tally_add(t, row, SIM_MET_officers_available, ds.capacity, 0);
    sim_tally_add(t, row, SIM_MET_enforcement_effectiveness, e->effect[s], 1.0);
    return SIM_OK;
}

sim_status enf_policy_changed(struct mdl_model *m, int param, int64_t day, sim_error *err)
{
    derive(&m->enf, &m->p);
    const size_t off = sim_param_table[param].offset;
    if (off != offsetof(sim_params, enforce_diversion))
        return SIM_OK;
    for (int32_t s = 0; s < m->enf.nsub; s++) {
        sim_status st = staff(&m->enf, &m->p, s, (double)day);
        if (st != SIM_OK)
            return SIM_FAIL(err, st, NULL, 0, sim_param_table[param].key,
                            "re-staffing the enforcement squad of sub-district %d on day %lld "
                            "failed (%s)",
                            (int)s, (long long)day, sim_status_name(st));
    }
    return SIM_OK;
}

sim_status enf_state_check(const enf_model *e, const sim_world *w, sim_error *err)
{
    for (int32_t s = 0; s < e->nsub; s++) {
        const int32_t c0 = w->sub_comp0[s], c1 = w->sub_comp0[s + 1];
        if (e->households[s] != w->comp_hh0[c1] - w->comp_hh0[c0])
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "enf.households",
                            "sub-district %d has %lld households, not %lld (a damaged or "
                            "edited checkpoint)",
                            (int)s, (long long)(w->comp_hh0[c1] - w->comp_hh0[c0]),
                            (long long)e->households[s]);
        for (int32_t c = c0; c < c1; c++) {
            int64_t standing = 0;
            for (int k = 0; k < ENF_NCAT; k++) {
                const size_t cell = (size_t)c * ENF_NCAT + (size_t)k;
                standing += (int64_t)e->undetected[cell] + e->queued[cell];
            }
            /* none stood at the start, and a day brings at most
             * Q_CANDIDATES_MAX: what a day of work on them costs is what a
             * run of that many days could have reached */
            const int64_t most = (int64_t)Q_CANDIDATES_MAX * (int64_t)e->q[s].now;
            if (standing > most)
                return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "enf.undetected",
                                "compound %d: %lld violations standing after %lld days (at "
                                "most %d arise a day; a damaged or edited checkpoint)",
                                (int)c, (long long)standing, (long long)e->q[s].now,
                                Q_CANDIDATES_MAX);
        }
        /* the squad's line, counted back into its compounds' queued cells
         * (the registry has checked that its origins are these compounds) */
        const q_queue *q = &e->q[s];
        const size_t ncells = (size_t)(c1 - c0) * ENF_NCAT;
        int64_t *line = calloc(ncells ? ncells : 1, sizeof *line);
        if (!line)
            return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory checking a checkpoint");
        for (int64_t i = q->head; i < q->n; i++)
            line[(size_t)(q->origin[i] - c0) * ENF_NCAT + q->cat[i]]++;
        for (size_t k = 0; k < ncells; k++) {
            const size_t cell = (size_t)c0 * ENF_NCAT + k;
            if (line[k] != e->queued[cell]) {
                const int64_t n = line[k];
                free(line);
                return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "enf.queued",
                                "compound %d, category %d: %d queued, %lld in the squad's line "
                                "(a damaged or edited checkpoint)",
                                (int)(cell / ENF_NCAT), (int)(cell % ENF_NCAT),
                                (int)e->queued[cell], (long long)n);
            }
        }
        free(line);
    }
    return SIM_OK;
}

void enf_state_register(enf_model *e, const sim_world *w, sim_state *st)
{
    sim_state_scope(st, "enf");
    ENF_FIELDS(SIM_FIELD_REGISTER, e)
    sim_state_retired(st, "broken"); /* a flag of earlier checkpoints: ignored */
    for (int32_t s = 0; s < e->nsub; s++) {
        sim_state_scope(st, "enf.q%d", (int)s);
        q_state_register(&e->q[s], st, w->sub_comp0[s], w->sub_comp0[s + 1], ENF_NCAT);
    }
}
