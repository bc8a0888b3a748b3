/* core/ctx.c — see ctx.h. */
#include "ctx.h"

#include <omp.h>
#include <string.h>

void sim_ctx_init(sim_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->threads = omp_get_max_threads();
    if (ctx->threads < 1)
        ctx->threads = 1;
    ctx->log = stderr;
}

int sim_threads_available(void)
{
    return !omp_in_parallel() && omp_get_max_threads() > 1;
}
