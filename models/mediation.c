/* models/mediation.c — see mediation.h.
 *
 * Day of sub-district s (after every compound's disputes of the day have
 * arisen):
 *   1. the linkage closes Binomial(open, 1/linkage_days) of the disputes
 *      escalated on earlier days (stream (seed, SIM_RNG_LINKAGE, s, day));
 *   2. the day's new disputes join the line, compound by compound in index
 *      order, and the line is worked (sim/queue.h; four draws per dispute
 *      from the stream (seed, SIM_RNG_MEDIATION, s, day));
 *   3. each dispute taken up is settled iff its own uniform is below the
 *      settlement probability of the mediator who took it, else escalated.
 * The draws of a dispute are made when it joins, whatever the staffing, so
 * a staffing or training lever changes outcomes only from its day on and
 * runs that differ in a lever share their random numbers.
 */
#include "mediation.h"

#include "alloc.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "model.h"
#include "rng.h"

static inline double clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/* ---- the mechanisms ---------------------------------------------------------- */

double med_dispute_mean(const sim_params *p, int32_t households, double rc_service_hours)
{
    if (households <= 0 || p->mediation_dispute_rate <= 0.0)
        return 0.0;
    double per_hh = rc_service_hours > 0.0 ? rc_service_hours / households : 0.0;
    double reach = per_hh / p->mediation_prevention_ref;
    double prevented = p->mediation_prevention * (reach < 1.0 ? reach : 1.0);
    return (double)households * p->mediation_dispute_rate * (1.0 - prevented);
}

int32_t med_rooms(const sim_params *p, int64_t households)
{
    double r = floor(p->mediation_rooms_per_10k_households * (double)households / 1e4 + 0.5);
    if (r < 1.0)
        return 1;
    return r > 1e6 ? 1000000 : (int32_t)r;
}

double med_settle_prob(const sim_params *p, int part_time)
{
    double skill = p->mediation_base_skill + p->mediation_training * p->mediation_training_gain;
    if (part_time)
        skill -= p->mediation_part_time_skill_gap;
    return clamp01(p->mediation_settle_base + p->mediation_settle_skill * clamp01(skill));
}

/* Households of sub-district s. */
static int64_t sub_households(const sim_world *w, int32_t s)
{
    return w->comp_hh0[w->sub_comp0[s + 1]] - w->comp_hh0[w->sub_comp0[s]];
}

/* ---- staffing ------------------------------------------------------------------ */

/* Re-derive the mediators of sub-district s from the parameters, from time
 * `now`.  Idempotent; monotone in fill_rate, positions_per_room and
 * (decreasing) part_time_share. */
static sim_status staff(med_model *md, const sim_params *p, int32_t s, double now)
{
    q_queue *q = &md->q[s];
    const int32_t rooms = md->rooms[s];
    int64_t seats = p->mediation_positions_per_room;
    if (seats > MED_SEATS_MAX)
        seats = MED_SEATS_MAX;
    const int32_t used = (int32_t)seats * rooms;
    int32_t staffed = 0;
    double fte = 0.0;
    for (int32_t k = 0; k < used; k++) {
        const int32_t i = md->pos0[s] + k;
        const int filled = md->u_fill[i] < p->mediation_fill_rate;
        const int part = md->u_part[i] < p->mediation_part_time_share;
        const double speed = filled ? (part ? p->mediation_part_time_availability : 1.0) : 0.0;
        md->part[i] = (uint8_t)part;
        staffed += filled;
        fte += speed;
        SIM_TRY(NULL, q_set_server(q, k, speed, now));
    }
    for (int32_t k = used; k < q->nserv; k++) /* seats no longer provided */
        SIM_TRY(NULL, q_set_server(q, k, 0.0, now));
    md->staffed[s] = staffed;
    md->fte[s] = fte;
    return SIM_OK;
}

/* ---- life cycle -------------------------------------------------------------- */

void med_destroy(med_model *md)
{
    if (!md)
        return;
    if (md->q)
        for (int32_t s = 0; s < md->nsub; s++)
            q_destroy(&md->q[s]);
    free(md->q);
    MED_FIELDS(SIM_FIELD_FREE, md)
    memset(md, 0, sizeof *md);
}

sim_status med_create(med_model *md, const struct mdl_model *m, sim_error *err)
{
    memset(md, 0, sizeof *md);
    const sim_world *w = m->w;
    const sim_params *p = &m->p;
    md->nsub = w->nsub;
    md->ncomp = w->ncomp;
    /* the positions: every room has MED_SEATS_MAX */
    int64_t npos = 0;
    for (int32_t s = 0; s < w->nsub; s++) {
        const int32_t rooms = med_rooms(p, sub_households(w, s));
        if (npos + (int64_t)rooms * MED_SEATS_MAX > INT32_MAX)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "mediation.rooms_per_10k_households",
                            "too many mediation rooms (%d in sub-district %d)", (int)rooms, (int)s);
        npos += (int64_t)rooms * MED_SEATS_MAX;
    }
    md->npos = (int32_t)npos;
    MED_FIELDS(SIM_FIELD_ALLOC, md)
    md->q = sim_alloc_lines((size_t)w->nsub, sizeof *md->q);
    if (MED_FIELDS(SIM_FIELD_MISSING, md) !md->q)
        goto nomem;
    for (int32_t c = 0; c < w->ncomp; c++)
        md->next[c] = -1; /* drawn on the first day */
    for (int32_t s = 0; s < w->nsub; s++) {
        md->rooms[s] = med_rooms(p, sub_households(w, s));
        md->pos0[s + 1] = md->pos0[s] + md->rooms[s] * MED_SEATS_MAX;
    }
    /* every possible seat's draws, seat by seat within a room, so a seat's
     * numbers do not depend on how many seats are in use */
    for (int32_t s = 0; s < w->nsub; s++) {
        const int32_t rooms = md->rooms[s];
        for (int32_t r = 0; r < rooms; r++) {
            sim_stream st;
            sim_stream_open(&st, m->seed, SIM_RNG_MED_INIT, (uint32_t)s, (uint32_t)r);
            for (int32_t j = 0; j < MED_SEATS_MAX; j++) {
                const int32_t i = md->pos0[s] + j * rooms + r;
                md->u_fill[i] = (float)sim_stream_uniform(&st);
                md->u_part[i] = (float)sim_stream_uniform(&st);
            }
        }
        if (q_create(&md->q[s]) != SIM_OK || staff(md, p, s, 0.0) != SIM_OK)
            goto nomem;
    }
    return SIM_OK;

nomem:
    med_destroy(md);
    return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for mediation");
}

/* ---- the day ------------------------------------------------------------------ */

/* Disputes arise as sparse arrivals (sim/queue.h): candidates at the rate
 * without prevention, H_c x dispute_rate (fixed), each kept with
 * probability mean / top.  Most compound-days cost one comparison. */
sim_status med_compound_day(struct mdl_model *m, int32_t c, int64_t day)
{
    med_model *md = &m->med;
    md->new_disputes[c] = 0;
    if (day < md->next[c])
        return SIM_OK;
    const int32_t hh = sim_world_comp_hh(m->w, c);
    const double top = (double)hh * m->p.mediation_dispute_rate;
    sim_stream st;
    sim_stream_open(&st, m->seed, SIM_RNG_DISPUTES, (uint32_t)c, (uint32_t)day);
    if (md->next[c] < 0) { /* the first day: find the first day with candidates */
        md->next[c] = day + q_gap(&st, top);
        if (md->next[c] > day)
            return SIM_OK;
    }
    /* a parking arrangement the owners passed (models/oc.h) prevents some */
    const double keep = med_dispute_mean(&m->p, hh, m->sh.rc_service_hours[c]) / top *
                        (1.0 - (double)m->sh.parking_cut[c]);
    const uint32_t k = q_candidates(&st, top);
    int32_t n = 0;
    for (uint32_t i = 0; i < k; i++)
        n += sim_stream_uniform(&st) < keep;
    md->next[c] = day + 1 + q_gap(&st, top);
    md->new_disputes[c] = n;
    if (n)
        sim_tally_add(m->tally, c, SIM_MET_disputes_new, (double)n, 0);
    return SIM_OK;
}

sim_status med_subdistrict_day(struct mdl_model *m, int32_t s, int64_t day)
{
    med_model *md = &m->med;
    const sim_world *w = m->w;
    const sim_params *p = &m->p;
    q_queue *q = &md->q[s];
    /* 1. the linkage closes some of the disputes escalated before today
     * (its own stream: how many are open never shifts the rooms' numbers) */
    if (md->linkage_open[s] > 0) {
        sim_rng lr;
        gsl_rng *g = sim_rng_open(&lr, m->seed, SIM_RNG_LINKAGE, (uint32_t)s, (uint32_t)day);
        unsigned int closed =
            gsl_ran_binomial(g, 1.0 / p->mediation_linkage_days, (unsigned int)md->linkage_open[s]);
        md->linkage_open[s] -= closed;
    }

    /* 2. today's disputes join, compound by compound; the line is worked */
    for (int32_t c = w->sub_comp0[s]; c < w->sub_comp0[s + 1]; c++) {
        for (int32_t k = 0; k < md->new_disputes[c]; k++)
            SIM_TRY(NULL, q_push(q, c, 0));
    }
    const double mean = p->mediation_service_days;
    sim_stream st;
    sim_stream_open(&st, m->seed, SIM_RNG_MEDIATION, (uint32_t)s, (uint32_t)day);
    q_daystats ds;
    SIM_TRY(NULL, q_day(q, day, &st, &mean, 1, p->mediation_patience_days, &ds));

    /* 3. outcomes, decided at take-up */
    const double settle[2] = {med_settle_prob(p, 0), med_settle_prob(p, 1)};
    int64_t settled = 0, escalated = 0;
    for (int32_t c = w->sub_comp0[s]; c < w->sub_comp0[s + 1]; c++)
        m->sh.disputes_settled[c] = m->sh.disputes_unsettled[c] = 0;
    for (int64_t i = 0; i < q->nrec; i++) {
        const q_record *r = &q->rec[i];
        if (r->u < settle[md->part[md->pos0[s] + r->server]]) {
            settled++;
            m->sh.disputes_settled[r->origin]++;
        } else {
            escalated++;
            m->sh.disputes_unsettled[r->origin]++;
        }
    }
    md->linkage_open[s] += escalated;

    sim_tally *t = m->tally;
    const int64_t row = sim_tally_sub(t, s);
    sim_tally_add(t, row, SIM_MET_disputes_settled, (double)settled, 0);
    sim_tally_add(t, row, SIM_MET_disputes_escalated, (double)escalated, 0);
    sim_tally_add(t, row, SIM_MET_disputes_withdrawn, (double)ds.reneged, 0);
    sim_tally_add(t, row, SIM_MET_disputes_waiting, (double)ds.waiting, 0);
    sim_tally_add(t, row, SIM_MET_disputes_linkage_open, (double)md->linkage_open[s], 0);
    sim_tally_add(t, row, SIM_MET_mediation_wait_days, ds.wait_sum, (double)ds.taken);
    sim_tally_add(t, row, SIM_MET_mediators_staffed, (double)md->staffed[s], 0);
    sim_tally_add(t, row, SIM_MET_mediators_fte, md->fte[s], 0);
    sim_tally_add(t, row, SIM_MET_mediation_utilisation, ds.busy, ds.capacity);
    return SIM_OK;
}

sim_status med_policy_changed(struct mdl_model *m, int param, int64_t day, sim_error *err)
{
    const size_t off = sim_param_table[param].offset;
    if (off != offsetof(sim_params, mediation_positions_per_room) &&
        off != offsetof(sim_params, mediation_fill_rate) &&
        off != offsetof(sim_params, mediation_part_time_share))
        return SIM_OK;
    for (int32_t s = 0; s < m->med.nsub; s++) {
        sim_status st = staff(&m->med, &m->p, s, (double)day);
        if (st != SIM_OK)
            return SIM_FAIL(err, st, NULL, 0, sim_param_table[param].key,
                            "re-staffing the mediation rooms of sub-district %d on day %lld "
                            "failed (%s)",
                            (int)s, (long long)day, sim_status_name(st));
    }
    return SIM_OK;
}

sim_status med_state_check(const med_model *md, sim_error *err)
{
    if (md->pos0[0] != 0 || md->pos0[md->nsub] != md->npos)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "med.pos0",
                        "the positions run from %d to %d, not 0 to %d (a damaged or edited "
                        "checkpoint)",
                        (int)md->pos0[0], (int)md->pos0[md->nsub], (int)md->npos);
    for (int32_t s = 0; s < md->nsub; s++) {
        const int64_t npos = (int64_t)md->rooms[s] * MED_SEATS_MAX;
        if (md->pos0[s + 1] - (int64_t)md->pos0[s] != npos || md->q[s].nserv > npos ||
            md->staffed[s] > npos)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "med.pos0",
                            "sub-district %d: %d rooms, positions %d..%d, %d servers, %d "
                            "staffed (a damaged or edited checkpoint)",
                            (int)s, (int)md->rooms[s], (int)md->pos0[s], (int)md->pos0[s + 1],
                            (int)md->q[s].nserv, (int)md->staffed[s]);
    }
    return SIM_OK;
}

void med_state_register(med_model *md, const sim_world *w, sim_state *st)
{
    sim_state_scope(st, "med");
    MED_FIELDS(SIM_FIELD_REGISTER, md)
    sim_state_retired(st, "broken"); /* a flag of earlier checkpoints: ignored */
    for (int32_t s = 0; s < md->nsub; s++) {
        sim_state_scope(st, "med.q%d", (int)s);
        q_state_register(&md->q[s], st, w->sub_comp0[s], w->sub_comp0[s + 1], 1);
    }
}
