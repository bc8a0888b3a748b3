/* sim/progress.h — the one progress format of run, compare, sweep and
 * calibrate.
 *
 * A meter counts steps (days, runs, evaluations) towards a total and writes
 *
 *   troika CMD: DONE/TOTAL UNIT (PCT%)  RATE UNIT/s  E s elapsed  about L s left
 *
 * (without "/TOTAL", the percentage and the time left when the total is
 * unknown).  On a terminal the line is rewritten in place four times a
 * second and ended when the work ends; otherwise (a batch log) the same
 * line is written as a heartbeat, one line every prg_heartbeat_seconds()
 * (60 s, or TROIKA_HEARTBEAT=SECONDS; 0: at every step), and nothing more,
 * so a short job's log stays empty.
 *
 * A meter is a plain struct owned by its caller; prg_step() is not
 * thread-safe (callers serialise it, as they do their counters).
 */
#ifndef TROIKA_SIM_PROGRESS_H
#define TROIKA_SIM_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

typedef struct {
    FILE *log;        /* NULL: silent */
    const char *cmd;  /* "run", "compare", ... */
    const char *unit; /* "days", "runs", "evaluations" */
    int64_t total;    /* 0: unknown */
    int64_t base;     /* steps done before this process (resumed): not in the rate */
    int tty;          /* rewrite in place */
    double interval;  /* seconds between two lines */
    double t0, last;
    int shown; /* a terminal line is open */
} prg_meter;

/* Seconds between two heartbeat lines: TROIKA_HEARTBEAT when it is a
 * number >= 0, else 60. */
double prg_heartbeat_seconds(void);

/* Start a meter on log (NULL: silent); tty from isatty(log). */
void prg_start(prg_meter *m, FILE *log, const char *cmd, const char *unit, int64_t total,
               int64_t base);

/* `done` steps are done (base included). */
void prg_step(prg_meter *m, int64_t done);

/* The work ended (done steps): on a terminal the final line, ended. */
void prg_end(prg_meter *m, int64_t done);

/* End an open terminal line before another message (an error, say). */
void prg_break(prg_meter *m);

/* Seconds since some fixed point (CLOCK_MONOTONIC). */
double prg_now(void);

#endif
