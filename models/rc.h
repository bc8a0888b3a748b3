/* models/rc.h — residents' committees and community workers.
 * (PLACEHOLDER being written: full design comment comes with the module.) */
#ifndef TROIKA_MODELS_RC_H
#define TROIKA_MODELS_RC_H

#include <stdint.h>

#include "sim/err.h"

struct mdl_model;

typedef struct {
    int32_t n;
} rc_model;

sim_status rc_create(rc_model *s, const struct mdl_model *m, sim_error *err);
void rc_destroy(rc_model *s);

/* One day of residents' committee r (its workers' hours, acting for
 * failed OCs, the workers' assessments).  Writes the rc_* shared fields of
 * r's compounds.  Parallel over committees. */
sim_status rc_day(struct mdl_model *m, int32_t r, int64_t day);

void rc_policy_changed(struct mdl_model *m, int param, int64_t day);

#endif
