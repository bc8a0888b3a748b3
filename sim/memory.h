/* sim/memory.h — how much memory a run will take, known before it starts.
 *
 * A run's memory is dominated by what it keeps for the output: the panels
 * (one float per sampled day, compound and panel metric; per sub-district
 * likewise), then the city series (one double per day and metric), then the
 * agents (a few bytes per household and a few kilobytes per compound).
 * sim_mem_estimate() computes it from the scenario's structure, days and
 * run.panel_interval exactly as sim/runner.c allocates the result arrays,
 * with the households' count estimated from the compound size parameters;
 * sim_mem_available() is what the machine offers: /proc/meminfo's
 * MemAvailable, or the address-space limit (RLIMIT_AS) when lower.
 * sim_mem_check() refuses (SIM_EINPUT, exit 2) a run that would not fit,
 * with the estimate and how to shrink it.  No state; thread-safe.
 */
#ifndef TROIKA_SIM_MEMORY_H
#define TROIKA_SIM_MEMORY_H

#include <stdint.h>

#include "err.h"
#include "scenario.h"

typedef struct {
    double panels; /* compound and sub-district panels, bytes */
    double series; /* the city series */
    double agents; /* households, compounds, fixed overhead */
    double total;
    int64_t samples; /* panel rows: days / run.panel_interval */
    int npanel;      /* compound panel metrics */
} sim_mem_estimate_t;

/* The estimate for a run of scenario s (its params' days, interval,
 * structure). */
sim_mem_estimate_t sim_mem_estimate(const scn_scenario *s);

/* Bytes the machine can give a new run (0 when unknown). */
double sim_mem_available(void);

/* "12.3 GiB", "512.0 MiB", "40.0 KiB" into buf (powers of 1024, as parsed). */
const char *sim_mem_format(double bytes, char *buf, size_t n);

/* Parse a size ("8G", "512M", "2000000", "1.5G"; K/M/G/T powers of 1024,
 * an optional B); SIM_EINPUT naming `key` when malformed. */
sim_status sim_mem_parse(const char *text, const char *key, double *bytes, sim_error *err);

/* SIM_EINPUT when the estimate exceeds `limit` bytes (limit <= 0: the
 * machine's available memory; unknown: no check). */
sim_status sim_mem_check(const scn_scenario *s, double limit, sim_error *err);

#endif
