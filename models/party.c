/* models/party.c — PLACEHOLDER being replaced by the module's author. */
#include "party.h"

#include <string.h>

#include "model.h"

sim_status party_create(party_model *s, const struct mdl_model *m, sim_error *err)
{
    (void)m;
    (void)err;
    memset(s, 0, sizeof *s);
    return SIM_OK;
}

void party_destroy(party_model *s)
{
    (void)s;
}
