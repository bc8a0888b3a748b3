/* sim/scn_diff.h — what differs between two resolved scenarios (the rows
 * of analysis/diff.h, whose comment describes them), computed here because
 * it reads scenarios. */
#ifndef TROIKA_SIM_SCN_DIFF_H
#define TROIKA_SIM_SCN_DIFF_H

#include "diff.h"
#include "err.h"
#include "scenario.h"

/* Rows for every difference between a and b, in parameter-table order, then
 * by day.  Parameter `skip` (a key, or NULL) is left out: `compare` skips
 * run.seed, which it sets itself.  d must be zeroed or freed before. */
sim_status scn_diff_compute(const scn_scenario *a, const scn_scenario *b, const char *skip,
                            ana_diff *d, sim_error *err);

#endif
