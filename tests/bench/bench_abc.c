/* tests/bench/bench_abc.c — the ABC-SMC engine's own cost (analysis/abc.h)
 * with a simulator that costs nothing: 12 parameters uniform on [0, 1],
 * 12 statistics theta_k + N(0, 0.05^2), 1,000 particles, batches of 100,
 * 6 generations; once without and once with the parts folder (one durable
 * HDF5 file per simulation).  What it prints is the time the engine adds to
 * each simulation, to set against a model run (docs/PERFORMANCE.md).
 *
 *   build/tests/bench_abc [THREADS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <omp.h>

#include "abc.h"
#include "rng.h"

#define D 12

static sim_status sim_cheap(void *user, const double *theta, uint64_t seed, double *stats,
                            volatile sig_atomic_t *stop, sim_error *err)
{
    (void)user;
    (void)stop;
    (void)err;
    sim_rng r;
    gsl_rng *g = sim_rng_open(&r, seed, SIM_RNG_TEST, 0, 0);
    for (int k = 0; k < D; k++)
        stats[k] = theta[k] + 0.05 * gsl_ran_gaussian_ziggurat(g, 1.0);
    return SIM_OK;
}

static int bench(int threads, const char *parts)
{
    abc_config c;
    abc_config_default(&c);
    c.nparams = c.nstats = D;
    for (int k = 0; k < D; k++) {
        snprintf(c.prior[k].name, sizeof c.prior[k].name, "p%d", k);
        c.prior[k].lo = 0.0;
        c.prior[k].hi = 1.0;
        snprintf(c.stat[k].name, sizeof c.stat[k].name, "s%d", k);
        c.stat[k].observed = 0.3 + 0.04 * k;
        c.stat[k].scale = 0.05;
    }
    c.max_generations = 6;
    c.min_acceptance = 0.0;
    abc_run *r = NULL;
    sim_error err;
    sim_error_clear(&err);
    abc_exec ex = {threads, parts, "bench\n", 1, NULL, NULL, NULL};
    double t0 = omp_get_wtime();
    if (abc_create(&r, &c, &err) != SIM_OK ||
        abc_execute(r, sim_cheap, NULL, &ex, &err) != SIM_OK) {
        fprintf(stderr, "bench_abc: %s\n", err.msg);
        abc_destroy(r);
        return 1;
    }
    double t = omp_get_wtime() - t0;
    long long n = (long long)abc_run_simulations(r);
    printf("%-22s %d threads: %lld simulations in %.2f s, %.1f us of engine a simulation, "
           "%d generations, final ESS %.0f\n",
           parts ? "with the parts folder" : "in memory", threads, n, t, 1e6 * t / (double)n,
           abc_run_generations(r), abc_run_history(r)[abc_run_generations(r) - 1].ess);
    if (parts)
        (void)abc_parts_remove(r, &ex, &err);
    abc_destroy(r);
    return 0;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    char dir[] = "/tmp/troika-bench-abc-XXXXXX", parts[64];
    if (threads < 1 || !mkdtemp(dir))
        return 2;
    snprintf(parts, sizeof parts, "%s/post.h5.parts", dir);
    int rc = bench(threads, NULL) || bench(threads, parts);
    rmdir(dir);
    return rc;
}
