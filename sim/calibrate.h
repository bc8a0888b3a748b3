/* sim/calibrate.h — fitting free parameters to target figures.
 *
 * A calibration file (INI) names a base scenario, the replicates, days and
 * the averaging window, the targets (a metric, its target value and a
 * scale: the residual that counts as one unit) and the free parameters with
 * their bounds:
 *
 *     scenario = baseline.ini          ; relative to this file
 *     replicates = 10                  ; seeds seed .. seed + replicates - 1
 *     seed = 1
 *     days = 1825
 *     window = 730:1825                ; days [FROM, TO) averaged
 *     iterations = 80                  ; Nelder-Mead iterations at most
 *     tolerance = 0.01                 ; stop when the simplex is this small
 *
 *     [target.households]
 *     metric = households_rating_pmc_inadequate
 *     value = 0.2549
 *     scale = 0.005
 *     per = day                        ; or compound_year (counts per compound
 *                                      ; per year, e.g. hotline complaints), or
 *                                      ; household_year (per household per year)
 *     tolerance = 0.015                ; the requirement |fitted - value| <= this
 *                                      ; (default: scale), reported as met or missed
 *     stat = mean                      ; or spread: 95th - 5th percentile of the
 *                                      ; per-compound panel (a panel metric)
 *     over = disputes_settled, disputes_escalated
 *                                      ; a share of window sums: metric / (sum of these)
 *     plus = oc_forming_share          ; metrics added to the metric, day by day
 *
 *     [free.household.hardship_rate]   ; an ASSUME row of models/params.def only
 *     min = 0.03                       ; default: the assumption's range
 *     max = 0.12
 *
 * Only parameters marked uncertain (ASSUME(lo, hi, why) in the parameter
 * table) may be free: a sourced value or a setting (measurement rules,
 * scale, levers) is refused at file:line:key.  A target with
 * `validate = true` is never fitted, only reported and
 * checked (troika calibrate --check and --evaluate).  For --method abc-smc a free parameter
 * may state its prior (prior = uniform | log-uniform | normal, with mean and
 * sd for a normal truncated to [min, max]; default uniform), and the file
 * may set population, batch, generations, simulations, quantile,
 * kernel_scale, min_tolerance, min_acceptance (analysis/abc.h) and
 * abc_replicates (runs averaged in one simulation, default 1).
 *
 * The objective is the sum over targets of ((mean - value) / scale)^2, where
 * mean is the replicates' mean of the window mean.  Every evaluation uses
 * the same seeds (common random numbers), so the objective is a smooth-ish
 * deterministic function of the parameters, minimised with GSL's
 * Nelder-Mead simplex (nmsimplex2) on logit-transformed parameters (so the
 * bounds always hold).  Replicates run in parallel; the result does not
 * depend on the thread count.
 */
#ifndef TROIKA_ANALYSIS_CALIBRATE_H
#define TROIKA_ANALYSIS_CALIBRATE_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "abc.h"
#include "abc_store.h"
#include "ctx.h"
#include "err.h"
#include "scenario.h"

#define CAL_MAX_TARGETS 32
#define CAL_MAX_FREE 16

typedef enum { CAL_PER_DAY, CAL_PER_COMPOUND_YEAR, CAL_PER_HOUSEHOLD_YEAR } cal_per;

/* What a target takes of its metric over the window: the mean of the city
 * series (the default), or the spread across compounds: the gap between
 * the 95th and 5th percentile of the per-compound panel
 * (/compounds/panel/<metric>), averaged over the panel's samples in the
 * window. */
typedef enum { CAL_STAT_MEAN, CAL_STAT_SPREAD } cal_stat;

#define CAL_MAX_OVER 4

typedef struct {
    char name[64];
    int metric;   /* index in sim_metric_table */
    double value; /* target */
    double scale; /* residual worth one unit of the objective */
    cal_per per;
    cal_stat stat;
    int over[CAL_MAX_OVER]; /* over = M1, M2: window sum of metric / window sum of these */
    int nover;
    int plus[CAL_MAX_OVER]; /* plus = M1, M2: added to the metric day by day */
    int nplus;
    double tolerance; /* the requirement: |fitted - value| <= tolerance (default: scale) */
    int validate;     /* 1: never fitted, only checked (troika calibrate --check) */
    double fitted;    /* replicates' mean at the best point */
} cal_target;

typedef struct {
    int param; /* index in sim_param_table */
    double min, max;
    double start, best;
    abc_prior_kind prior; /* ABC-SMC: prior on [min, max] (prior = ...) */
    double mean, sd;      /* of a normal prior */
} cal_free;

typedef struct {
    char path[4096];
    scn_scenario base;
    int replicates;
    uint64_t seed;
    int64_t days, from, to;
    int iterations;
    double tolerance;
    cal_target target[CAL_MAX_TARGETS];
    int ntarget;
    cal_free free[CAL_MAX_FREE];
    int nfree;
    abc_config abc;     /* ABC-SMC settings (population, batch, ...) */
    int abc_replicates; /* runs averaged in one ABC-SMC simulation */
    /* the fit */
    double objective;
    int iterations_done, evaluations;
} cal_calibration;

/* Read and check a calibration file (and its base scenario). */
sim_status cal_load(cal_calibration *c, const char *path, sim_error *err);

/* 1 when target t's fitted value is within its tolerance of its value. */
int cal_target_met(const cal_target *t);

/* A short label of target t for tables: its metric, with the statistic. */
const char *cal_target_label(const cal_target *t, char *buf, size_t n);

/* The objective at parameter values x[0..nfree) (targets' `fitted` set). */
sim_status cal_objective(cal_calibration *c, sim_ctx *ctx, const double *x, double *out);

/* Targets without validate = true (the ones fitted). */
int cal_fitted_targets(const cal_calibration *c);

/* One stochastic simulation at parameter values x: out[t] for every target
 * (validation targets too) is the mean over `replicates` runs with seeds
 * seed, seed + 1, ... (53 bits) of the window mean.  Thread-safe; each run
 * single-threaded. */
sim_status cal_simulate(const cal_calibration *c, const double *x, uint64_t seed, int replicates,
                        volatile sig_atomic_t *stop, double *out, sim_error *err);

/* The ABC-SMC problem of the calibration file: the free parameters with
 * their priors, the fitted targets as statistics (stat_target[k] = index of
 * statistic k's target), the settings and the seed. */
void cal_abc_config(const cal_calibration *c, abc_config *out, int *stat_target);

/* Posterior predictive draws: for m < ndraws, a particle of p chosen by
 * weight and a seed, both from stream (p's seed, SIM_RNG_ABC_CHECK, m, 0),
 * simulated (cal_simulate, abc_replicates runs); out[m * ntarget + t] for
 * every target, validation ones too.  The same for any thread count.  The
 * posterior's parameters must be the file's free parameters (SIM_EINPUT). */
sim_status cal_predict(const cal_calibration *c, const abs_posterior *p, int ndraws, int threads,
                       volatile sig_atomic_t *stop, double *out, sim_error *err);

/* Fit; progress lines go to `log` (NULL: silent). */
sim_status cal_fit(cal_calibration *c, sim_ctx *ctx, FILE *log);

/* The fitted values as a scenario fragment with the fit in comments. */
sim_status cal_write_fragment(const cal_calibration *c, const char *path, int force,
                              const char *command_line, sim_error *err);

void cal_free_calibration(cal_calibration *c);

#endif
