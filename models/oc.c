/* models/oc.c — PLACEHOLDER being replaced by the module's author. */
#include "oc.h"

#include <string.h>

#include "model.h"

sim_status oc_create(oc_model *s, const struct mdl_model *m, sim_error *err)
{
    (void)m;
    (void)err;
    memset(s, 0, sizeof *s);
    return SIM_OK;
}

void oc_destroy(oc_model *s)
{
    (void)s;
}

sim_status oc_compound_day(struct mdl_model *m, int32_t c, int64_t day)
{
    (void)m; (void)c; (void)day;
    return SIM_OK;
}

void oc_policy_changed(struct mdl_model *m, int param, int64_t day)
{
    (void)m; (void)param; (void)day;
}
