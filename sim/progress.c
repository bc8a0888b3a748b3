/* sim/progress.c — see progress.h. */
#include "progress.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

double prg_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double prg_heartbeat_seconds(void)
{
    const char *v = getenv("TROIKA_HEARTBEAT");
    char *end;
    if (v && *v) {
        double s = strtod(v, &end);
        if (*end == '\0' && s >= 0 && s < 1e9)
            return s;
    }
    return 60.0;
}

void prg_start(prg_meter *m, FILE *log, const char *cmd, const char *unit, int64_t total,
               int64_t base)
{
    m->log = log;
    m->cmd = cmd;
    m->unit = unit;
    m->total = total;
    m->base = base;
    m->tty = log && isatty(fileno(log));
    m->interval = m->tty ? 0.25 : prg_heartbeat_seconds();
    m->t0 = m->last = prg_now();
    m->shown = 0;
}

static void line(prg_meter *m, int64_t done, double t)
{
    double el = t - m->t0;
    double rate = el > 1e-9 ? (double)(done - m->base) / el : 0.0;
    fprintf(m->log, "%stroika %s: %lld", m->tty ? "\r" : "", m->cmd, (long long)done);
    if (m->total > 0)
        fprintf(m->log, "/%lld %s (%3d%%)", (long long)m->total, m->unit,
                (int)(100 * done / m->total));
    else
        fprintf(m->log, " %s", m->unit);
    fprintf(m->log, "  %.*f %s/s  %.0f s elapsed", rate >= 10 ? 0 : 2, rate, m->unit, el);
    if (m->total > 0)
        fprintf(m->log, "  about %.0f s left", rate > 0 ? (double)(m->total - done) / rate : 0.0);
    fputs(m->tty ? "   " : "\n", m->log);
    fflush(m->log);
    m->shown = m->tty;
}

void prg_step(prg_meter *m, int64_t done)
{
    if (!m->log)
        return;
    double t = prg_now();
    if (t - m->last < m->interval)
        return;
    m->last = t;
    line(m, done, t);
}

void prg_end(prg_meter *m, int64_t done)
{
    if (!m->log || !m->tty)
        return;
    line(m, done, prg_now());
    prg_break(m);
}

void prg_break(prg_meter *m)
{
    if (m->log && m->shown) {
        fputc('\n', m->log);
        fflush(m->log);
    }
    m->shown = 0;
}
