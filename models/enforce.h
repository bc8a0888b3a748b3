/* models/enforce.h — urban-management enforcement squads.
 * (PLACEHOLDER being written: full design comment comes with the module.) */
#ifndef TROIKA_MODELS_ENFORCE_H
#define TROIKA_MODELS_ENFORCE_H

#include <stdint.h>

#include "sim/err.h"

struct mdl_model;

typedef struct {
    int32_t n;
} enf_model;

sim_status enf_create(enf_model *s, const struct mdl_model *m, sim_error *err);
void enf_destroy(enf_model *s);

/* Compound phase: violations arise and are found in compound c (into the outbox
 * the sub-district phase reads). */
sim_status enf_compound_day(struct mdl_model *m, int32_t c, int64_t day);

/* Sub-district phase: the queue of sub-district s is worked for one day. */
sim_status enf_subdistrict_day(struct mdl_model *m, int32_t s, int64_t day);

void enf_policy_changed(struct mdl_model *m, int param, int64_t day);

#endif
