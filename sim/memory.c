/* sim/memory.c — see memory.h. */
#include "memory.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "metrics.h"
#include "params.h"

/* Measured (run --timing, 400 compounds, 0.28 to 1.1 million households):
 * about 8 bytes of agent state a household; counted twice for the queues
 * and case buffers that grow with them.  A compound's arrays, committees
 * and firms: a few kilobytes.  The process itself (libraries, HDF5): about
 * 20 MB. */
#define MEM_PER_HOUSEHOLD 16.0
#define MEM_PER_COMPOUND 4096.0
#define MEM_FIXED (32.0 * 1024 * 1024)

sim_mem_estimate_t sim_mem_estimate(const scn_scenario *s)
{
    const sim_params *p = &s->params;
    sim_mem_estimate_t e;
    memset(&e, 0, sizeof e);
    double days = (double)p->run_days;
    double interval = p->run_panel_interval > 0 ? (double)p->run_panel_interval : 1.0;
    double ncomp = (double)p->city_compounds, nsub = (double)p->city_subdistricts;
    e.samples = (int64_t)(days / interval);
    int nsubpanel = 0;
    for (int k = 0; k < SIM_MET_N; k++) {
        e.npanel += sim_metric_table[k].panel[0] != '\0';
        nsubpanel += sim_metric_subpanel(k) != 0;
    }
    double rows = (double)e.samples;
    e.panels = rows * ncomp * (double)e.npanel * sizeof(float) +
               rows * nsub * (double)nsubpanel * sizeof(float);
    e.series = days * (double)SIM_MET_N * sizeof(double) + rows * sizeof(int64_t);
    double hh_comp =
        (1.0 - p->city_old_share) * p->city_hh_mean + p->city_old_share * p->city_hh_old_mean;
    if (hh_comp > (double)p->city_hh_max)
        hh_comp = (double)p->city_hh_max;
    e.agents = ncomp * (hh_comp * MEM_PER_HOUSEHOLD + MEM_PER_COMPOUND) + MEM_FIXED;
    e.total = e.panels + e.series + e.agents;
    return e;
}

double sim_mem_available(void)
{
    double avail = 0;
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f)) {
            unsigned long long kb;
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
                avail = (double)kb * 1024.0;
                break;
            }
        }
        fclose(f);
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (avail <= 0 || (double)rl.rlim_cur < avail))
        avail = (double)rl.rlim_cur;
    return avail;
}

const char *sim_mem_format(double bytes, char *buf, size_t n)
{
    static const char *unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 4) {
        bytes /= 1024.0;
        u++;
    }
    snprintf(buf, n, u == 0 ? "%.0f %s" : "%.1f %s", bytes, unit[u]);
    return buf;
}

sim_status sim_mem_parse(const char *text, const char *key, double *bytes, sim_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    double mult = 1;
    switch (*end) {
    case 'k':
    case 'K':
        mult = 1024.0;
        end++;
        break;
    case 'm':
    case 'M':
        mult = 1024.0 * 1024;
        end++;
        break;
    case 'g':
    case 'G':
        mult = 1024.0 * 1024 * 1024;
        end++;
        break;
    case 't':
    case 'T':
        mult = 1024.0 * 1024 * 1024 * 1024;
        end++;
        break;
    default:
        break;
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v) || v <= 0)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, key, "'%s' is not a size (e.g. 8G, 512M, or off)",
                        text);
    *bytes = v * mult;
    return SIM_OK;
}

sim_status sim_mem_check(const scn_scenario *s, double limit, sim_error *err)
{
    const char *what = "of --memory-limit";
    if (limit <= 0) {
        limit = sim_mem_available();
        what = "available";
        if (limit <= 0)
            return SIM_OK; /* unknown: no check */
    }
    sim_mem_estimate_t e = sim_mem_estimate(s);
    if (e.total <= limit)
        return SIM_OK;
    char tot[32], pan[32], lim[32];
    return SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL,
                    "this run needs about %s (panels %s: %lld sampled days x %lld compounds x "
                    "%d metrics), more than the %s %s; shrink it with fewer days (--days), a "
                    "larger run.panel_interval or fewer compounds (city.compounds), or raise "
                    "--memory-limit (off: no check)",
                    sim_mem_format(e.total, tot, sizeof tot),
                    sim_mem_format(e.panels, pan, sizeof pan), (long long)e.samples,
                    (long long)s->params.city_compounds, e.npanel,
                    sim_mem_format(limit, lim, sizeof lim), what);
}
