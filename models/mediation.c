/* models/mediation.c — PLACEHOLDER being replaced by the module's author. */
#include "mediation.h"

#include <string.h>

#include "model.h"

sim_status med_create(med_model *s, const struct mdl_model *m, sim_error *err)
{
    (void)m;
    (void)err;
    memset(s, 0, sizeof *s);
    return SIM_OK;
}

void med_destroy(med_model *s)
{
    (void)s;
}

sim_status med_compound_day(struct mdl_model *m, int32_t c, int64_t day)
{
    (void)m; (void)c; (void)day;
    return SIM_OK;
}

sim_status med_subdistrict_day(struct mdl_model *m, int32_t s, int64_t day)
{
    (void)m; (void)s; (void)day;
    return SIM_OK;
}

void med_policy_changed(struct mdl_model *m, int param, int64_t day)
{
    (void)m; (void)param; (void)day;
}
