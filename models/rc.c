/* models/rc.c — PLACEHOLDER being replaced by the module's author. */
#include "rc.h"

#include <string.h>

#include "model.h"

sim_status rc_create(rc_model *s, const struct mdl_model *m, sim_error *err)
{
    (void)m;
    (void)err;
    memset(s, 0, sizeof *s);
    return SIM_OK;
}

void rc_destroy(rc_model *s)
{
    (void)s;
}

sim_status rc_day(struct mdl_model *m, int32_t r, int64_t day)
{
    (void)m; (void)r; (void)day;
    return SIM_OK;
}

void rc_policy_changed(struct mdl_model *m, int param, int64_t day)
{
    (void)m; (void)param; (void)day;
}
