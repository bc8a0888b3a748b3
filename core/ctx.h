/* core/ctx.h — the context of one simulation.
 *
 * What every object of one run shares, passed explicitly (no globals): the
 * error record, the thread count, whether to report progress, and the flag a
 * signal handler raises to ask the run to stop.  Two contexts can live in one
 * process (e.g. `compare` runs replicates side by side).
 */
#ifndef TROIKA_SIM_CTX_H
#define TROIKA_SIM_CTX_H

#include <signal.h>
#include <stdio.h>

#include "err.h"

typedef struct {
    sim_error err;
    int threads;                 /* OpenMP threads for this run (>= 1) */
    int progress;                /* 1: write a progress line to `log` */
    FILE *log;                   /* progress and notes (stderr by default) */
    volatile sig_atomic_t *stop; /* non-NULL and non-zero: stop soon */
} sim_ctx;

/* Defaults: threads from OpenMP's default, no progress, log = stderr. */
void sim_ctx_init(sim_ctx *ctx);

/* 1 when a parallel region opened here would get more than one thread (not
 * already inside one, more than one thread allowed).  Loops test it and run
 * plainly otherwise: opening and closing a region of one thread costs about
 * 2 us, which was 14% of a district run (five regions a day). */
int sim_threads_available(void);

/* True when a stop was requested. */
static inline int sim_ctx_stopping(const sim_ctx *ctx)
{
    return ctx->stop && *ctx->stop;
}

#endif
