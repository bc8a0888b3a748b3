/* models/party.h — the residential party organisation.
 * (PLACEHOLDER being written: full design comment comes with the module.) */
#ifndef TROIKA_MODELS_PARTY_H
#define TROIKA_MODELS_PARTY_H

#include <stdint.h>

#include "sim/err.h"

struct mdl_model;

typedef struct {
    int32_t n;
} party_model;

sim_status party_create(party_model *s, const struct mdl_model *m, sim_error *err);
void party_destroy(party_model *s);

#endif
