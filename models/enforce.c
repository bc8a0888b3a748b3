/* models/enforce.c — PLACEHOLDER being replaced by the module's author. */
#include "enforce.h"

#include <string.h>

#include "model.h"

sim_status enf_create(enf_model *s, const struct mdl_model *m, sim_error *err)
{
    (void)m;
    (void)err;
    memset(s, 0, sizeof *s);
    return SIM_OK;
}

void enf_destroy(enf_model *s)
{
    (void)s;
}

sim_status enf_compound_day(struct mdl_model *m, int32_t c, int64_t day)
{
    (void)m; (void)c; (void)day;
    return SIM_OK;
}

sim_status enf_subdistrict_day(struct mdl_model *m, int32_t s, int64_t day)
{
    (void)m; (void)s; (void)day;
    return SIM_OK;
}

void enf_policy_changed(struct mdl_model *m, int param, int64_t day)
{
    (void)m; (void)param; (void)day;
}
