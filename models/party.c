/* models/party.c — see party.h. */
#include "party.h"

#include "alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "rng.h"

void party_destroy(party_model *s)
{
    if (!s)
        return;
    PARTY_FIELDS(SIM_FIELD_FREE, s)
    memset(s, 0, sizeof *s);
}

sim_status party_create(party_model *s, const struct mdl_model *m, sim_error *err)
{
    memset(s, 0, sizeof *s);
    int32_t n = m->w->ncomp;
    s->ncomp = n;
    PARTY_FIELDS(SIM_FIELD_ALLOC, s)
    if (PARTY_FIELDS(SIM_FIELD_MISSING, s) 0) {
        party_destroy(s);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for party organisations");
    }
    for (int32_t c = 0; c < n; c++) {
        /* slot 2 of the OC's creation streams: the party's fixed draws */
        sim_stream st;
        sim_stream_open(&st, m->seed, SIM_RNG_OC_INIT, (uint32_t)c, 2);
        s->u_review[c] = (float)sim_stream_uniform(&st);
        s->u_report[c] = (float)sim_stream_uniform(&st);
    }
    return SIM_OK;
}

unsigned party_rights(const party_model *s, const sim_params *p, int32_t c)
{
    double u = (double)s->u_review[c];
    unsigned r = 0;
    if (u < p->party_structure_share)
        r |= PARTY_STRUCTURE;
    if (u < p->party_suggest_share)
        r |= PARTY_SUGGEST;
    if (u < p->party_review_share)
        r |= PARTY_REVIEW;
    return r;
}

int party_receives_reports(const party_model *s, const sim_params *p, int32_t c)
{
    return (double)s->u_report[c] < p->party_report_share;
}

int party_report_due(const sim_params *p, int32_t c, int64_t day)
{
    int64_t k = p->party_report_interval;
    return (day + c) % k == k - 1;
}

int party_cross_seats(const sim_params *p, int seats)
{
    int n = (int)floor(p->party_cross_share * seats + 0.5);
    return n < 0 ? 0 : (n > seats ? seats : n);
}

double party_oversight(const sim_params *p, double cross, int reports)
{
    double a = p->party_cross_oversight * cross;
    double b = reports ? p->party_report_oversight : 0.0;
    return 1.0 - (1.0 - a) * (1.0 - b);
}

int party_screen(const sim_params *p, unsigned rights, float *competence, float integrity)
{
    if (rights & PARTY_STRUCTURE) {
        double c = *competence;
        *competence = (float)(c + (1.0 - c) * p->party_structure_competence);
    }
    return !(rights & PARTY_REVIEW) || (double)integrity >= p->party_review_integrity_min;
}

party_action party_review_report(const sim_params *p, int oc_state, double u1, double u2)
{
    if (oc_state == OC_CAPTURED)
        return u1 < p->party_report_detect ? PARTY_REMOVE : PARTY_NONE;
    if (oc_state == OC_DORMANT && u1 < p->party_report_detect_dormant)
        return u2 < p->party_reactivate ? PARTY_REACTIVATE : PARTY_RENEW;
    return PARTY_NONE;
}

void party_state_register(party_model *s, sim_state *st)
{
    sim_state_scope(st, "party");
    PARTY_FIELDS(SIM_FIELD_REGISTER, s)
}
