/* models/oc.h — owners' committees: members, states, assemblies, elections.
 * (PLACEHOLDER being written: full design comment comes with the module.) */
#ifndef TROIKA_MODELS_OC_H
#define TROIKA_MODELS_OC_H

#include <stdint.h>

#include "sim/err.h"

struct mdl_model;

typedef struct {
    int32_t n;
} oc_model;

sim_status oc_create(oc_model *s, const struct mdl_model *m, sim_error *err);
void oc_destroy(oc_model *s);

/* Governance of compound c for one day (the OC, its assemblies and
 * elections, the party organisation's part).  Writes the oc_* shared fields. */
sim_status oc_compound_day(struct mdl_model *m, int32_t c, int64_t day);

/* A policy changed parameter `param` at the start of `day`. */
void oc_policy_changed(struct mdl_model *m, int param, int64_t day);

#endif
