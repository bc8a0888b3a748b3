/* models/mediation.h — people's mediators and mediation rooms.
 * (PLACEHOLDER being written: full design comment comes with the module.) */
#ifndef TROIKA_MODELS_MEDIATION_H
#define TROIKA_MODELS_MEDIATION_H

#include <stdint.h>

#include "sim/err.h"

struct mdl_model;

typedef struct {
    int32_t n;
} med_model;

sim_status med_create(med_model *s, const struct mdl_model *m, sim_error *err);
void med_destroy(med_model *s);

/* Compound phase: neighbour disputes arise in compound c (into the outbox
 * the sub-district phase reads). */
sim_status med_compound_day(struct mdl_model *m, int32_t c, int64_t day);

/* Sub-district phase: the queue of sub-district s is worked for one day. */
sim_status med_subdistrict_day(struct mdl_model *m, int32_t s, int64_t day);

void med_policy_changed(struct mdl_model *m, int param, int64_t day);

#endif
