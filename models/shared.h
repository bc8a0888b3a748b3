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
#include "fields.h"
#include "state.h"

/* Owners' committee states. */
enum {
    OC_ABSENT = 0,  /* no committee (never formed, or lapsed) */
    OC_FORMING = 1, /* an election is being organised */
    OC_ACTIVE = 2,  /* working */
    OC_DORMANT = 3, /* exists but does not act */
    OC_CAPTURED = 4 /* misconduct: acts for itself or the firm */
};

/* The buffers (core/fields.h: struct members, allocation, free and
 * checkpoint registration come from this list, in this order):
 * X(object, type, name, length, lo, hi), all [ncomp]. */
#define MDL_SHARED_FIELDS(X, o)                                                                    \
    /* == writer: owners' committee phase (models/oc.c) */                                         \
    /* OC_* */                                                                                     \
    X(o, uint8_t, oc_state, (o)->ncomp, OC_ABSENT, OC_CAPTURED)                                    \
    /* households' trust in the OC, 0..1 */                                                        \
    X(o, float, oc_trust, (o)->ncomp, 0, 1)                                                        \
    /* households' mean satisfaction with the OC, 0..1 */                                          \
    X(o, float, oc_satisfaction, (o)->ncomp, 0, 1)                                                 \
    /* how hard the OC presses the firm, 0..1 */                                                   \
    X(o, float, oc_supervision, (o)->ncomp, 0, 1)                                                  \
    /* share of defects prevented by fund-paid repairs (a major matter passed), or 0 */            \
    X(o, float, fund_repair, (o)->ncomp, 0, 1)                                                     \
    /* rise of the quality seen from a passed micro-renewal project in force, or 0 */              \
    X(o, float, renewal, (o)->ncomp, 0, 1)                                                         \
    /* share of neighbour disputes prevented by a parking arrangement in force, 0 when none */     \
    X(o, float, parking_cut, (o)->ncomp, 0, 1)                                                     \
    /* == writer: residents' committee phase (models/rc.c) */                                      \
    /* 1 while the RC acts for the OC */                                                           \
    X(o, uint8_t, rc_acting, (o)->ncomp, 0, 1)                                                     \
    /* households' trust in the RC, 0..1 */                                                        \
    X(o, float, rc_trust, (o)->ncomp, 0, 1)                                                        \
    /* households' mean satisfaction with the RC, 0..1 */                                          \
    X(o, float, rc_satisfaction, (o)->ncomp, 0, 1)                                                 \
    /* RC service hours spent on this compound today */                                            \
    X(o, float, rc_service_hours, (o)->ncomp, 0, 1e6)                                              \
    /* how hard the RC presses the firm (acting for the OC), 0..1 */                               \
    X(o, float, rc_supervision, (o)->ncomp, 0, 1)                                                  \
    /* extra turnout at assemblies from RC work, 0..1 */                                           \
    X(o, float, mobilisation, (o)->ncomp, 0, 1)                                                    \
    /* daily probability that a violation is found */                                              \
    X(o, float, detection, (o)->ncomp, 0, 1)                                                       \
    /* == writer: property service phase (models/pmc.c) */                                         \
    /* complaints routed to the RC today */                                                        \
    X(o, int32_t, complaints_rc, (o)->ncomp, 0, INT32_MAX)                                         \
    /* complaints routed to the OC today */                                                        \
    X(o, int32_t, complaints_oc, (o)->ncomp, 0, INT32_MAX)                                         \
    /* complaints through 12345 today */                                                           \
    X(o, int32_t, complaints_hotline, (o)->ncomp, 0, INT32_MAX)                                    \
    /* routed to the RC, still waiting at the firm's day end (so the RC skips the defects) */      \
    X(o, int32_t, pending_rc, (o)->ncomp, 0, INT32_MAX)                                            \
    /* == writer: enforcement phase (models/enforce.c), per compound */                            \
    /* violations standing in the compound */                                                      \
    X(o, int32_t, violations_open, (o)->ncomp, 0, INT32_MAX)                                       \
    /* == writer: enforcement compound phase (models/enforce.c) */                                 \
    /* 12345 calls today on standing violations, yesterday's unsettled disputes */                 \
    X(o, float, hotline_other, (o)->ncomp, 0, 1e9)                                                 \
    /* == writer: mediation sub-district phase (models/mediation.c), own compounds */              \
    /* disputes from the compound escalated today */                                               \
    X(o, int32_t, disputes_unsettled, (o)->ncomp, 0, INT32_MAX)                                    \
    /* disputes from the compound settled today */                                                 \
    X(o, int32_t, disputes_settled, (o)->ncomp, 0, INT32_MAX)

typedef struct {
    int32_t ncomp;
    MDL_SHARED_FIELDS(SIM_FIELD_MEMBER, _)
} mdl_shared;

sim_status mdl_shared_create(mdl_shared *s, int32_t ncomp, sim_error *err);
void mdl_shared_destroy(mdl_shared *s);

/* Register every buffer (sim/state.h), scope "shared": readers of the next
 * day see what the writers left, so all of them persist. */
void mdl_shared_state_register(mdl_shared *s, sim_state *st);

#endif
