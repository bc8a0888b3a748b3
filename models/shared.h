/* models/shared.h — what the agent modules tell each other.
 *
 * Agents of different kinds never write each other's state: they interact
 * through these per-compound buffers.  Each field has ONE writer (named
 * below) and is written only in that writer's phase for the compounds it
 * owns; readers in later phases of the same day (or the next day) see it.
 * Phases are separated by the end of their parallel loop, so this is
 * race-free.
 *
 * Owned by mdl_model (mdl_shared_create/destroy); all arrays have ncomp
 * entries.
 */
#ifndef TROIKA_MODELS_SHARED_H
#define TROIKA_MODELS_SHARED_H

#include <stdint.h>

#include "err.h"
#include "state.h"

/* Owners' committee states. */
enum {
    OC_ABSENT = 0,  /* no committee (never formed, or lapsed) */
    OC_FORMING = 1, /* an election is being organised */
    OC_ACTIVE = 2,  /* working */
    OC_DORMANT = 3, /* exists but does not act */
    OC_CAPTURED = 4 /* misconduct: acts for itself or the firm */
};

typedef struct {
    int32_t ncomp;
    /* writer: owners' committee phase (models/oc.c) */
    uint8_t *oc_state;      /* OC_* */
    float *oc_trust;        /* households' trust in the OC, 0..1 */
    float *oc_satisfaction; /* households' mean satisfaction with the OC, 0..1 */
    float *oc_supervision;  /* how hard the OC presses the firm, 0..1 */
    float *fund_repair;     /* share of defects prevented by repairs the
                                 maintenance fund paid for (an assembly passed
                                 a major matter), 0 when none are under way */
    float *renewal;         /* rise of the quality residents see from a passed
                                 micro-renewal project in force, 0 when none */
    float *parking_cut;     /* share of neighbour disputes prevented by a
                                 parking arrangement in force, 0 when none */
    /* writer: residents' committee phase (models/rc.c) */
    uint8_t *rc_acting;      /* 1 while the RC acts for the OC */
    float *rc_trust;         /* households' trust in the RC, 0..1 */
    float *rc_satisfaction;  /* households' mean satisfaction with the RC, 0..1 */
    float *rc_service_hours; /* RC service hours spent on this compound today */
    float *rc_supervision;   /* how hard the RC presses the firm (acting for the OC), 0..1 */
    float *mobilisation;     /* extra turnout at assemblies from RC work, 0..1 */
    float *detection;        /* daily probability that a violation is found */
    /* writer: property service phase (models/pmc.c) */
    int32_t *complaints_rc;      /* complaints routed to the RC today */
    int32_t *complaints_oc;      /* complaints routed to the OC today */
    int32_t *complaints_hotline; /* complaints through 12345 today */
    int32_t *pending_rc;         /* complaints routed to the RC still waiting at the
                                 end of the firm's day (read by the RC phase
                                 instead of walking the defect list) */
    /* writer: enforcement phase (models/enforce.c), per compound */
    int32_t *violations_open; /* violations standing in the compound */
    /* writer: enforcement compound phase (models/enforce.c) */
    float *hotline_other; /* 12345 calls today about standing violations and
                                 yesterday's unsettled disputes (complaints_hotline
                                 holds those about property service) */
    /* writer: mediation sub-district phase (models/mediation.c), for the
     * sub-district's own compounds */
    int32_t *disputes_unsettled; /* disputes from the compound escalated today */
    int32_t *disputes_settled;   /* disputes from the compound settled today */
} mdl_shared;

sim_status mdl_shared_create(mdl_shared *s, int32_t ncomp, sim_error *err);
void mdl_shared_destroy(mdl_shared *s);

/* Register every buffer (sim/state.h), scope "shared": readers of the next
 * day see what the writers left, so all of them persist. */
void mdl_shared_state_register(mdl_shared *s, sim_state *st);

#endif
