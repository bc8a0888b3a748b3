/* analysis/window.h — the one grammar of a window of days, FROM:TO.
 *
 * Every command and file that averages over days (compare --window,
 * sensitivity --window, calibrate's `window =`) reads its window here:
 *
 *   FROM:TO   days FROM (included) to TO (excluded), counted from 0;
 *             either side may be left out (FROM: from day 0, TO: to the
 *             end); a negative number counts from the end of the run
 *             (-365: is the last 365 days, :-30 all but the last 30).
 *
 * Parsing needs no run; resolving puts the window against the run's days
 * and refuses one that is empty or reaches outside it.  docs/WINDOWS.md
 * documents the grammar for users.  Pure functions, thread-safe.
 */
#ifndef TROIKA_ANALYSIS_WINDOW_H
#define TROIKA_ANALYSIS_WINDOW_H

#include <stdint.h>

#include "err.h"

typedef struct {
    int given;            /* 0: no window given (the caller's default applies) */
    int has_from, has_to; /* each side may be left out */
    int64_t from, to;     /* negative: counted from the end */
    char text[64];        /* as written, for messages */
} ana_window;

/* Parse "FROM:TO"; SIM_EINPUT naming `key` when it is not a window. */
sim_status ana_window_parse(const char *text, ana_window *w, const char *key, sim_error *err);

/* [*from, *to) of a run of `days` days.  A window not given is the last
 * `dflt` days (the whole run when shorter; dflt <= 0: the whole run).
 * SIM_EINPUT naming `key` when the window is empty or outside the run. */
sim_status ana_window_resolve(const ana_window *w, int64_t days, int64_t dflt, int64_t *from,
                              int64_t *to, const char *key, sim_error *err);

#endif
