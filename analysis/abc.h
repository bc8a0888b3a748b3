/* analysis/abc.h — approximate Bayesian computation by sequential Monte
 * Carlo (ABC-SMC), a model-free engine.
 *
 * The problem: parameters theta (a prior per parameter on a range), a
 * stochastic simulator (a callback: theta and a seed give summary
 * statistics), observed statistics with scales.  The distance of a
 * simulation is sqrt(sum_k ((s_k - observed_k) / scale_k)^2).  The engine
 * returns a weighted population of particles whose distance is below a
 * tolerance, an approximation of the posterior that sharpens as the
 * tolerance falls.
 *
 * HOW IT WORKS (Beaumont et al. 2009; Toni et al. 2009; the adaptive
 * schedule of pyABC and Del Moral et al. 2012):
 *   generation 0   N particles drawn from the prior, all accepted
 *                  (tolerance +inf), weights equal;
 *   generation t   tolerance eps_t = the weighted `quantile` of the
 *                  previous population's distances; proposals: an ancestor
 *                  j drawn by weight, moved by a multivariate normal kernel
 *                  whose covariance is `kernel_scale` x the weighted
 *                  covariance of the previous population; a proposal
 *                  outside the prior's support is drawn again, ancestor and
 *                  move together (so the truncation only multiplies the
 *                  proposal density by one constant, which the normalised
 *                  weights cancel: the weights stay exact);
 *                  accepted when distance <= eps_t; weight
 *                  prior(theta) / sum_j w_j K(theta | theta_j), normalised.
 * Parameters with a log-uniform prior are moved on the log scale (the
 * "working" scale, where their prior is uniform); the others as they are.
 *
 * Determinism.  Proposal i of generation t is drawn from its own stream
 * (seed, SIM_RNG_ABC_PROPOSE, entity i, day t) and simulated with seed
 * abc_sim_seed(seed, t, i): a pure function of the previous population and
 * (t, i).  Proposals are evaluated in batches of `batch` consecutive indices
 * (in parallel, in any order); the population is the first N accepted in
 * index order.  So the posterior is bit-for-bit the same for any thread
 * count, order of completion, or number of interruptions.  `batch` is part
 * of the configuration, not of the execution: simulations used (which
 * counts whole batches) does not depend on the threads either.
 *
 * Stopping: after a generation, when its tolerance <= min_tolerance, when
 * max_generations are done, when its acceptance rate < min_acceptance, or
 * when max_simulations are used; a generation the budget cannot finish is
 * dropped (the previous population is the result).
 *
 * Resuming.  With a parts folder (abc_exec.parts), every finished
 * simulation is made durable at once (analysis/sweep_store.h: one small
 * file per simulation, numbered by its global index, the run's identity in
 * the folder).  A run started again with the same configuration replays the
 * same sequence of proposals and reads the simulations it already has, so a
 * killed run loses no finished simulation and ends with the same posterior.
 *
 * MPI.  Under mpirun every rank runs the same engine on the same
 * configuration (abc_exec.ranks), so all hold the same population; in each
 * batch rank q % P simulates the q-th proposal still to do, the results
 * are exchanged (abc_ranks.allgather) and
 * every rank goes on with the whole batch.  Only rank 0 opens the parts
 * folder (it tells the others what it holds, and makes the other ranks'
 * simulations durable when they arrive: a killed MPI run loses the other
 * ranks' simulations of the batch in flight).  Failures and stops are
 * agreed between ranks at every batch, so all stop together.
 *
 * Memory: abc_create() copies the configuration; abc_destroy() frees all
 * (NULL is fine).  One abc_run belongs to one thread; the simulator is
 * called from several threads at once and must be thread-safe.
 */
#ifndef TROIKA_ANALYSIS_ABC_H
#define TROIKA_ANALYSIS_ABC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define ABC_MAX_PARAMS 32
#define ABC_MAX_STATS 32
#define ABC_NAME_MAX 128

/* Prior of one parameter; every prior lives on [lo, hi]. */
typedef enum {
    ABC_UNIFORM = 0, /* uniform on [lo, hi] */
    ABC_LOG_UNIFORM, /* log theta uniform on [log lo, log hi] (0 < lo) */
    ABC_NORMAL       /* normal (mean, sd) truncated to [lo, hi] */
} abc_prior_kind;

typedef struct {
    char name[ABC_NAME_MAX];
    abc_prior_kind kind;
    double lo, hi;
    double mean, sd; /* ABC_NORMAL only */
} abc_prior;

/* One summary statistic (a target). */
typedef struct {
    char name[ABC_NAME_MAX];
    double observed;
    double scale; /* the difference worth one unit of distance (> 0) */
} abc_stat;

typedef struct {
    int nparams;
    abc_prior prior[ABC_MAX_PARAMS];
    int nstats;
    abc_stat stat[ABC_MAX_STATS];
    int population;          /* particles N (>= 2) */
    int batch;               /* proposals evaluated together (>= 1) */
    double quantile;         /* of the previous distances: next tolerance, (0, 1) */
    double kernel_scale;     /* kernel covariance = this x population covariance */
    double min_tolerance;    /* stop at or below (0: never) */
    int max_generations;     /* generation 0 included */
    int64_t max_simulations; /* budget */
    double min_acceptance;   /* stop below this acceptance rate (0: never) */
    uint64_t seed;
} abc_config;

/* Defaults: N 1000, batch 100, quantile 0.5, kernel 2, min_tolerance 0,
 * 10 generations, 1,000,000 simulations, min acceptance 0.001, seed 1.
 * Parameters and statistics: none. */
void abc_config_default(abc_config *c);

/* Check a configuration; SIM_EINPUT naming the field. */
sim_status abc_config_check(const abc_config *c, sim_error *err);

/* The simulator: statistics stats[0..nstats) for parameters theta (natural
 * scale) and a 53-bit seed.  Called from several threads at once.  A
 * non-finite statistic is an error (SIM_ENUMERIC). */
typedef sim_status (*abc_simulate_fn)(void *user, const double *theta, uint64_t seed, double *stats,
                                      volatile sig_atomic_t *stop, sim_error *err);

/* The seed of proposal i of generation t's simulation. */
uint64_t abc_sim_seed(uint64_t seed, int generation, int64_t index);

/* Several processes (MPI) running the same run: the collectives the engine
 * needs, supplied by the caller (sim/sweep_mpi.h), so this module knows
 * nothing of MPI.  Every rank calls them at the same points. */
typedef struct {
    int rank, size;
    int (*any)(int flag);                                     /* largest flag of all ranks */
    void (*bcast)(void *buf, size_t n);                       /* rank 0's n bytes everywhere */
    void (*allgather)(const void *mine, void *all, size_t n); /* rank by rank, n bytes each */
} abc_ranks;

/* How to execute (none of it changes the result). */
typedef struct {
    int threads;                 /* simulations at once (>= 1) */
    const char *parts;           /* folder for finished simulations; NULL: none */
    const char *identity;        /* text a resumed run must match (with parts) */
    int restart;                 /* discard the folder's simulations */
    FILE *log;                   /* progress lines; NULL: silent */
    volatile sig_atomic_t *stop; /* non-zero: stop soon (SIM_EINTERRUPT) */
    const abc_ranks *ranks;      /* NULL: this process alone */
} abc_exec;

/* Why the run stopped. */
typedef enum {
    ABC_STOP_NONE = 0,
    ABC_STOP_TOLERANCE,   /* reached min_tolerance */
    ABC_STOP_GENERATIONS, /* max_generations done */
    ABC_STOP_ACCEPTANCE,  /* acceptance rate below min_acceptance */
    ABC_STOP_BUDGET       /* max_simulations used */
} abc_stop;

const char *abc_stop_name(abc_stop s);
const char *abc_prior_name(abc_prior_kind k);
/* -1 if unknown; names: uniform, log-uniform, normal. */
int abc_prior_parse(const char *text);

/* One generation's record. */
typedef struct {
    double tolerance;    /* +inf for generation 0 */
    int64_t proposals;   /* proposals up to the N-th acceptance */
    int64_t simulations; /* simulations run (whole batches) */
    double acceptance;   /* N / proposals */
    double ess;          /* effective sample size 1 / sum w^2 */
} abc_generation;

typedef struct abc_run abc_run;

sim_status abc_create(abc_run **out, const abc_config *c, sim_error *err);
void abc_destroy(abc_run *r);

/* Run to a stopping rule.  On SIM_EINTERRUPT (stop raised) the finished
 * simulations are in the parts folder and the same call resumes. */
sim_status abc_execute(abc_run *r, abc_simulate_fn sim, void *user, const abc_exec *ex,
                       sim_error *err);

/* Remove the parts folder of a finished run (after its result is safely
 * written elsewhere).  A finished run keeps its folder open and locked
 * until this call or abc_destroy() (which leaves the folder).  No folder:
 * nothing to do. */
sim_status abc_parts_remove(abc_run *r, const abc_exec *ex, sim_error *err);

/* The result (after abc_execute returned SIM_OK). */
const abc_config *abc_run_config(const abc_run *r);
int abc_run_generations(const abc_run *r);               /* completed, >= 1 */
const abc_generation *abc_run_history(const abc_run *r); /* [generations] */
abc_stop abc_run_stopped(const abc_run *r);
/* Simulations used in all, a generation dropped for the budget included
 * (those read from parts too). */
int64_t abc_run_simulations(const abc_run *r);
int64_t abc_run_resumed(const abc_run *r); /* read from parts, not simulated */
/* The final population: theta N x nparams (natural scale, row-major),
 * weights N (sum 1), distances N, stats N x nstats. */
const double *abc_run_theta(const abc_run *r);
const double *abc_run_weights(const abc_run *r);
const double *abc_run_distances(const abc_run *r);
const double *abc_run_stats(const abc_run *r);

/* Weighted mean and standard deviation of parameter k of the population. */
void abc_run_moments(const abc_run *r, int k, double *mean, double *sd);

/* The weighted q-quantile of x[0..n) with weights w (sum > 0): the smallest
 * x whose cumulative weight (in increasing x) reaches q. */
double abc_weighted_quantile(const double *x, const double *w, int64_t n, double q);

/* The particle a uniform number u in [0, cum[n-1]) picks, by weight: the
 * first i with cum[i] > u, where cum[i] = w[0] + ... + w[i]. */
int64_t abc_pick(const double *cum, int64_t n, double u);

#endif
