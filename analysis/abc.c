/* analysis/abc.c — see abc.h. */
#include "abc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <omp.h>

#include "design.h"
#include "rng.h"
#include "sweep_store.h"
#include "troika_version.h"

#define ABC_MAX_TRIES 100000 /* proposals drawn again when outside the prior */
#define NOMEM(err) SIM_FAIL((err), SIM_ENOMEM, NULL, 0, NULL, "out of memory")

static const char *const stop_names[] = {"running", "tolerance", "generations", "acceptance",
                                         "budget"};
static const char *const prior_names[] = {"uniform", "log-uniform", "normal"};

const char *abc_stop_name(abc_stop s)
{
    return (unsigned)s < 5 ? stop_names[s] : "?";
}

const char *abc_prior_name(abc_prior_kind k)
{
    return (unsigned)k < 3 ? prior_names[k] : "?";
}

int abc_prior_parse(const char *text)
{
    for (int k = 0; k < 3; k++)
        if (strcmp(prior_names[k], text) == 0)
            return k;
    return -1;
}

void abc_config_default(abc_config *c)
{
    memset(c, 0, sizeof *c);
    c->population = 1000;
    c->batch = 100;
    c->quantile = 0.5;
    c->kernel_scale = 2.0;
    c->min_tolerance = 0.0;
    c->max_generations = 10;
    c->max_simulations = 1000000;
    c->min_acceptance = 0.001;
    c->seed = 1;
}

sim_status abc_config_check(const abc_config *c, sim_error *err)
{
#define BAD(key, ...) SIM_FAIL(err, SIM_EINPUT, NULL, 0, key, __VA_ARGS__)
    if (c->nparams < 1 || c->nparams > ABC_MAX_PARAMS)
        return BAD("parameters", "from 1 to %d parameters, not %d", ABC_MAX_PARAMS, c->nparams);
    if (c->nstats < 1 || c->nstats > ABC_MAX_STATS)
        return BAD("targets", "from 1 to %d statistics, not %d", ABC_MAX_STATS, c->nstats);
    for (int k = 0; k < c->nparams; k++) {
        const abc_prior *p = &c->prior[k];
        if (!(isfinite(p->lo) && isfinite(p->hi) && p->lo < p->hi))
            return BAD(p->name, "the prior's range [%g, %g] is empty", p->lo, p->hi);
        if ((unsigned)p->kind > ABC_NORMAL)
            return BAD(p->name, "unknown prior kind %d", (int)p->kind);
        if (p->kind == ABC_LOG_UNIFORM && !(p->lo > 0))
            return BAD(p->name, "a log-uniform prior needs 0 < min (min is %g)", p->lo);
        if (p->kind == ABC_NORMAL && !(isfinite(p->mean) && p->sd > 0 && isfinite(p->sd)))
            return BAD(p->name, "a normal prior needs a mean and sd > 0");
    }
    for (int k = 0; k < c->nstats; k++)
        if (!(c->stat[k].scale > 0 && isfinite(c->stat[k].scale) && isfinite(c->stat[k].observed)))
            return BAD(c->stat[k].name, "a statistic needs a finite observed value and a "
                                        "scale > 0");
    if (c->population < 2)
        return BAD("population", "at least 2 particles, not %d", c->population);
    if (c->batch < 1)
        return BAD("batch", "at least 1 proposal a batch, not %d", c->batch);
    if (!(c->quantile > 0 && c->quantile < 1))
        return BAD("quantile", "%g is not in (0, 1)", c->quantile);
    if (!(c->kernel_scale > 0 && isfinite(c->kernel_scale)))
        return BAD("kernel_scale", "%g is not positive", c->kernel_scale);
    if (!(c->min_tolerance >= 0))
        return BAD("min_tolerance", "%g is negative", c->min_tolerance);
    if (c->max_generations < 1)
        return BAD("generations", "at least 1 generation, not %d", c->max_generations);
    if (c->max_simulations < c->population || c->max_simulations > SWP_MAX_RUNS)
        return BAD("simulations", "the budget must lie in [population %d, %lld], not %lld",
                   c->population, (long long)SWP_MAX_RUNS, (long long)c->max_simulations);
    if (!(c->min_acceptance >= 0 && c->min_acceptance < 1))
        return BAD("min_acceptance", "%g is not in [0, 1)", c->min_acceptance);
    return SIM_OK;
#undef BAD
}

uint64_t abc_sim_seed(uint64_t seed, int generation, int64_t index)
{
    sim_stream s;
    sim_stream_open(&s, seed, SIM_RNG_ABC_SIM, (uint32_t)index, (uint32_t)generation);
    uint64_t hi = sim_stream_u32(&s), lo = sim_stream_u32(&s);
    return ((hi << 32) | lo) & ((1ULL << 53) - 1);
}

int64_t abc_pick(const double *cum, int64_t n, double u)
{
    int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        int64_t mid = (lo + hi) / 2;
        if (cum[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

double abc_weighted_quantile(const double *x, const double *w, int64_t n, double q)
{
    int64_t *ord = malloc((size_t)n * sizeof *ord);
    if (!ord || n < 1) {
        free(ord);
        return NAN;
    }
    /* insertion into sorted order would be n^2; a sort of indices by value */
    for (int64_t i = 0; i < n; i++)
        ord[i] = i;
    /* shell sort on (x, index): deterministic, no comparator context needed */
    for (int64_t gap = n / 2; gap > 0; gap /= 2)
        for (int64_t i = gap; i < n; i++) {
            int64_t v = ord[i], j = i;
            while (j >= gap &&
                   (x[ord[j - gap]] > x[v] || (x[ord[j - gap]] == x[v] && ord[j - gap] > v))) {
                ord[j] = ord[j - gap];
                j -= gap;
            }
            ord[j] = v;
        }
    double total = 0.0;
    for (int64_t i = 0; i < n; i++)
        total += w[i];
    double cum = 0.0, r = x[ord[n - 1]];
    for (int64_t i = 0; i < n; i++) {
        cum += w[ord[i]];
        if (cum >= q * total) {
            r = x[ord[i]];
            break;
        }
    }
    free(ord);
    return r;
}

/* ---- the run ------------------------------------------------------------------ */

/* The plan the parts folder keys on: run i is global simulation i, its
 * "metrics" the statistics then the parameters, one "day". */
typedef struct {
    swp_plan p;
    char *names[ABC_MAX_STATS + ABC_MAX_PARAMS];
    char *identity;
} abc_parts_plan;

struct abc_run {
    abc_config c;
    int d, ns, n;
    double wlo[ABC_MAX_PARAMS], whi[ABC_MAX_PARAMS]; /* working-scale bounds */
    /* the current population (working scale for x) */
    double *x, *theta, *w, *dist, *stats;
    double *cum; /* cumulative weights, for drawing ancestors */
    /* the kernel: Cholesky factor (lower, row-major) and log determinant */
    double *chol, logdet;
    abc_generation *hist;
    int ngen;
    abc_stop stopped;
    int64_t sims;      /* simulations so far (a generation the budget dropped included) */
    int64_t resumed;   /* of them, read from parts */
    abc_parts_plan pp; /* the parts folder's identity (after abc_execute) */
    sws_parts *parts;  /* kept open (and locked) after a finished run */
};

void abc_destroy(abc_run *r)
{
    if (!r)
        return;
    free(r->x);
    free(r->theta);
    free(r->w);
    free(r->dist);
    free(r->stats);
    free(r->cum);
    free(r->chol);
    free(r->hist);
    free(r->pp.identity);
    sws_parts_close(r->parts);
    free(r);
}

sim_status abc_create(abc_run **out, const abc_config *c, sim_error *err)
{
    *out = NULL;
    SIM_TRY(err, abc_config_check(c, err));
    abc_run *r = calloc(1, sizeof *r);
    if (!r)
        return NOMEM(err);
    r->c = *c;
    r->d = c->nparams;
    r->ns = c->nstats;
    r->n = c->population;
    size_t n = (size_t)r->n, d = (size_t)r->d;
    r->x = malloc(n * d * sizeof *r->x);
    r->theta = malloc(n * d * sizeof *r->theta);
    r->w = malloc(n * sizeof *r->w);
    r->dist = malloc(n * sizeof *r->dist);
    r->stats = malloc(n * (size_t)r->ns * sizeof *r->stats);
    r->cum = malloc(n * sizeof *r->cum);
    r->chol = malloc(d * d * sizeof *r->chol);
    r->hist = calloc((size_t)c->max_generations, sizeof *r->hist);
    if (!r->x || !r->theta || !r->w || !r->dist || !r->stats || !r->cum || !r->chol || !r->hist) {
        abc_destroy(r);
        return NOMEM(err);
    }
    for (int k = 0; k < r->d; k++) {
        const abc_prior *p = &c->prior[k];
        int lg = p->kind == ABC_LOG_UNIFORM;
        r->wlo[k] = lg ? log(p->lo) : p->lo;
        r->whi[k] = lg ? log(p->hi) : p->hi;
    }
    *out = r;
    return SIM_OK;
}

const abc_config *abc_run_config(const abc_run *r)
{
    return &r->c;
}
int abc_run_generations(const abc_run *r)
{
    return r->ngen;
}
const abc_generation *abc_run_history(const abc_run *r)
{
    return r->hist;
}
abc_stop abc_run_stopped(const abc_run *r)
{
    return r->stopped;
}
int64_t abc_run_simulations(const abc_run *r)
{
    return r->sims;
}
int64_t abc_run_resumed(const abc_run *r)
{
    return r->resumed;
}
const double *abc_run_theta(const abc_run *r)
{
    return r->theta;
}
const double *abc_run_weights(const abc_run *r)
{
    return r->w;
}
const double *abc_run_distances(const abc_run *r)
{
    return r->dist;
}
const double *abc_run_stats(const abc_run *r)
{
    return r->stats;
}

void abc_run_moments(const abc_run *r, int k, double *mean, double *sd)
{
    double m = 0.0, v = 0.0;
    for (int i = 0; i < r->n; i++)
        m += r->w[i] * r->theta[(size_t)i * (size_t)r->d + (size_t)k];
    for (int i = 0; i < r->n; i++) {
        double e = r->theta[(size_t)i * (size_t)r->d + (size_t)k] - m;
        v += r->w[i] * e * e;
    }
    *mean = m;
    *sd = sqrt(v);
}

/* ---- priors on the working scale ------------------------------------------------ */

/* log prior density of working coordinates x (up to a constant); -inf outside. */
static double log_prior(const abc_run *r, const double *x)
{
    double lp = 0.0;
    for (int k = 0; k < r->d; k++) {
        if (!(x[k] >= r->wlo[k] && x[k] <= r->whi[k]))
            return -INFINITY;
        const abc_prior *p = &r->c.prior[k];
        if (p->kind == ABC_NORMAL) {
            double z = (x[k] - p->mean) / p->sd;
            lp -= 0.5 * z * z;
        }
    }
    return lp;
}

static double to_natural(const abc_run *r, int k, double x)
{
    const abc_prior *p = &r->c.prior[k];
    double v = p->kind == ABC_LOG_UNIFORM ? exp(x) : x;
    return v < p->lo ? p->lo : v > p->hi ? p->hi : v;
}

/* A draw from the prior (working scale) from stream g. */
static void prior_draw(const abc_run *r, gsl_rng *g, double *x)
{
    for (int k = 0; k < r->d; k++) {
        const abc_prior *p = &r->c.prior[k];
        double u = gsl_rng_uniform_pos(g);
        if (p->kind == ABC_NORMAL) {
            double a = gsl_cdf_ugaussian_P((p->lo - p->mean) / p->sd);
            double b = gsl_cdf_ugaussian_P((p->hi - p->mean) / p->sd);
            double v = p->mean + p->sd * gsl_cdf_ugaussian_Pinv(a + u * (b - a));
            x[k] = v < p->lo ? p->lo : v > p->hi ? p->hi : v;
        } else {
            x[k] = r->wlo[k] + u * (r->whi[k] - r->wlo[k]);
        }
    }
}

/* ---- the kernel ---------------------------------------------------------------------- */

/* Kernel from the current population: chol = Cholesky factor of kernel_scale x
 * the weighted covariance (a small ridge on a singular one). */
static sim_status kernel_fit(abc_run *r, sim_error *err)
{
    int d = r->d, n = r->n;
    double mean[ABC_MAX_PARAMS] = {0};
    double *cov = r->chol;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < d; k++)
            mean[k] += r->w[i] * r->x[(size_t)i * (size_t)d + (size_t)k];
    for (int a = 0; a < d; a++)
        for (int b = 0; b <= a; b++) {
            double s = 0.0;
            for (int i = 0; i < n; i++) {
                const double *xi = r->x + (size_t)i * (size_t)d;
                s += r->w[i] * (xi[a] - mean[a]) * (xi[b] - mean[b]);
            }
            cov[a * d + b] = cov[b * d + a] = r->c.kernel_scale * s;
        }
    /* Cholesky (lower); a ridge of growing size until it holds */
    double ridge = 0.0;
    double *l = malloc((size_t)d * (size_t)d * sizeof *l);
    if (!l)
        return NOMEM(err);
    for (int attempt = 0; attempt < 40; attempt++) {
        int ok = 1;
        for (int a = 0; a < d && ok; a++)
            for (int b = 0; b <= a; b++) {
                double s = cov[a * d + b];
                if (a == b) {
                    double span = r->whi[a] - r->wlo[a];
                    s += ridge * span * span;
                }
                for (int k = 0; k < b; k++)
                    s -= l[a * d + k] * l[b * d + k];
                if (a == b) {
                    if (!(s > 0)) {
                        ok = 0;
                        break;
                    }
                    l[a * d + a] = sqrt(s);
                } else {
                    l[a * d + b] = s / l[b * d + b];
                }
            }
        if (ok) {
            r->logdet = 0.0;
            for (int a = 0; a < d; a++) {
                for (int b = a + 1; b < d; b++)
                    l[a * d + b] = 0.0;
                r->logdet += 2.0 * log(l[a * d + a]);
            }
            memcpy(r->chol, l, (size_t)d * (size_t)d * sizeof *l);
            free(l);
            return SIM_OK;
        }
        ridge = ridge == 0.0 ? 1e-12 : ridge * 10.0;
    }
    free(l);
    return SIM_FAIL(err, SIM_ENUMERIC, NULL, 0, NULL,
                    "the population's covariance is not positive definite even with a ridge");
}

/* log sum_j w_j K(x | x_j), up to a constant (the normalised weights cancel it). */
static double log_mixture(const abc_run *r, const double *x)
{
    int d = r->d;
    double q[ABC_MAX_PARAMS];
    double mx = -INFINITY, sum = 0.0;
    double *lq = malloc((size_t)r->n * sizeof *lq);
    if (!lq)
        return NAN;
    for (int j = 0; j < r->n; j++) {
        const double *xj = r->x + (size_t)j * (size_t)d;
        double m = 0.0;
        for (int a = 0; a < d; a++) { /* solve L q = x - x_j */
            double s = x[a] - xj[a];
            for (int k = 0; k < a; k++)
                s -= r->chol[a * d + k] * q[k];
            q[a] = s / r->chol[a * d + a];
            m += q[a] * q[a];
        }
        lq[j] = r->w[j] > 0 ? log(r->w[j]) - 0.5 * m : -INFINITY;
        if (lq[j] > mx)
            mx = lq[j];
    }
    for (int j = 0; j < r->n; j++)
        sum += exp(lq[j] - mx);
    free(lq);
    return mx + log(sum) - 0.5 * r->logdet;
}

/* Proposal i of generation t (t >= 1) from the current population. */
static sim_status kernel_draw(const abc_run *r, int t, int64_t i, double *x, sim_error *err)
{
    sim_rng sr;
    gsl_rng *g = sim_rng_open(&sr, r->c.seed, SIM_RNG_ABC_PROPOSE, (uint32_t)i, (uint32_t)t);
    int d = r->d;
    for (int tries = 0; tries < ABC_MAX_TRIES; tries++) {
        int64_t lo = abc_pick(r->cum, r->n, gsl_rng_uniform(g) * r->cum[r->n - 1]);
        const double *xj = r->x + (size_t)lo * (size_t)d;
        double z[ABC_MAX_PARAMS];
        for (int k = 0; k < d; k++)
            z[k] = gsl_ran_gaussian_ziggurat(g, 1.0);
        for (int a = 0; a < d; a++) {
            double s = xj[a];
            for (int k = 0; k <= a; k++)
                s += r->chol[a * d + k] * z[k];
            x[a] = s;
        }
        if (log_prior(r, x) > -INFINITY)
            return SIM_OK;
    }
    return SIM_FAIL(err, SIM_ENUMERIC, NULL, 0, NULL,
                    "generation %d, proposal %lld: %d kernel draws in a row fell outside the "
                    "prior's range",
                    t, (long long)i, ABC_MAX_TRIES);
}

/* ---- one generation ------------------------------------------------------------------ */

typedef struct {
    abc_simulate_fn sim;
    void *user;
    const abc_exec *ex;
    sws_parts *parts; /* NULL: not persisted */
} abc_env;

/* The batch's buffers. */
typedef struct {
    double *x, *theta, *stats, *dist, *vals;
    sim_status *st;
    sim_error *errs;
} abc_batch;

static void batch_free(abc_batch *b)
{
    free(b->x);
    free(b->theta);
    free(b->stats);
    free(b->dist);
    free(b->vals);
    free(b->st);
    free(b->errs);
}

static int batch_alloc(abc_batch *b, int nb, int d, int ns)
{
    size_t n = (size_t)nb;
    b->x = malloc(n * (size_t)d * sizeof *b->x);
    b->theta = malloc(n * (size_t)d * sizeof *b->theta);
    b->stats = malloc(n * (size_t)ns * sizeof *b->stats);
    b->dist = malloc(n * sizeof *b->dist);
    b->vals = malloc(n * (size_t)(ns + d) * sizeof *b->vals);
    b->st = malloc(n * sizeof *b->st);
    b->errs = malloc(n * sizeof *b->errs);
    return b->x && b->theta && b->stats && b->dist && b->vals && b->st && b->errs;
}

static double distance(const abc_config *c, const double *s)
{
    double sum = 0.0;
    for (int k = 0; k < c->nstats; k++) {
        double z = (s[k] - c->stat[k].observed) / c->stat[k].scale;
        sum += z * z;
    }
    return sqrt(sum);
}

/* Ranks of the run (1 without MPI) and this one. */
static int nranks(const abc_exec *ex)
{
    return ex->ranks && ex->ranks->size > 1 ? ex->ranks->size : 1;
}

static int my_rank(const abc_exec *ex)
{
    return nranks(ex) > 1 ? ex->ranks->rank : 0;
}

/* With several ranks, every rank learns the worst status of all: a rank
 * that is fine but sees another fail returns that code too. */
static sim_status agree(const abc_exec *ex, sim_status s, sim_error *err)
{
    if (nranks(ex) == 1)
        return s;
    int worst = ex->ranks->any((int)s);
    if (worst != SIM_OK && s == SIM_OK)
        s = SIM_FAIL(err, (sim_status)worst, NULL, 0, NULL, "%s",
                     worst == SIM_EINTERRUPT ? "stopped by a signal"
                                             : "another MPI rank failed (see its message)");
    return s;
}

/* One simulation's result as it travels between ranks. */
typedef struct {
    int64_t status;
    sim_error err;
} abc_wire;

/* Exchange the results of the batch's simulations between ranks: rank q %
 * P simulated pending[q]; afterwards every rank has every result, and rank 0
 * (the one with the parts folder) makes the others' durable. */
static sim_status exchange(abc_run *r, const abc_env *env, abc_batch *b, const int *pending,
                           int npending, int64_t g0, sim_error *err)
{
    int P = nranks(env->ex), me = my_rank(env->ex), ns = r->ns, d = r->d, nv = ns + d;
    size_t per = (size_t)((npending + P - 1) / P);
    size_t rec = sizeof(abc_wire) + (size_t)ns * sizeof(double);
    unsigned char *mine = calloc(per ? per : 1, rec),
                  *all = calloc((per ? per : 1) * (size_t)P, rec);
    if (!mine || !all) {
        free(mine);
        free(all);
        return NOMEM(err); /* a collective is skipped: mpirun ends the job */
    }
    size_t j = 0;
    for (int q = me; q < npending; q += P, j++) {
        int k = pending[q];
        abc_wire w = {(int64_t)b->st[k], b->errs[k]};
        w.err.ntrace = 0; /* source locations are addresses of this process */
        memcpy(mine + j * rec, &w, sizeof w);
        memcpy(mine + j * rec + sizeof w, b->stats + (size_t)k * (size_t)ns,
               (size_t)ns * sizeof(double));
    }
    env->ex->ranks->allgather(mine, all, (per ? per : 1) * rec);
    sim_status s = SIM_OK;
    for (int q = 0; q < npending; q++) {
        int owner = q % P, k = pending[q];
        if (owner == me)
            continue;
        const unsigned char *src = all + ((size_t)owner * (per ? per : 1) + (size_t)(q / P)) * rec;
        abc_wire w;
        memcpy(&w, src, sizeof w);
        b->st[k] = (sim_status)w.status;
        b->errs[k] = w.err;
        memcpy(b->stats + (size_t)k * (size_t)ns, src + sizeof w, (size_t)ns * sizeof(double));
        if (env->parts && b->st[k] == SIM_OK && s == SIM_OK) {
            double *v = b->vals + (size_t)k * (size_t)nv;
            memcpy(v, b->stats + (size_t)k * (size_t)ns, (size_t)ns * sizeof *v);
            memcpy(v + ns, b->theta + (size_t)k * (size_t)d, (size_t)d * sizeof *v);
            s = sws_parts_put(env->parts, g0 + k, v, err);
        }
    }
    free(mine);
    free(all);
    return s;
}

/* Evaluate proposals [0, nb) of a batch whose first global index is g0:
 * read those the parts folder has (serially: HDF5; rank 0, which tells the
 * others), simulate the others in parallel (rank q % P the q-th of them)
 * and make each durable. */
static sim_status batch_eval(abc_run *r, const abc_env *env, abc_batch *b, int nb, int64_t g0,
                             int t, int64_t i0, sim_error *err)
{
    int d = r->d, ns = r->ns, nv = ns + d, P = nranks(env->ex), me = my_rank(env->ex);
    const uint8_t *done = env->parts ? sws_parts_done(env->parts) : NULL;
    int *pending = malloc((size_t)nb * sizeof *pending);
    uint8_t *have = calloc((size_t)nb, 1);
    if (!pending || !have) {
        free(pending);
        free(have);
        return NOMEM(err);
    }
    sim_status s = SIM_OK;
    for (int k = 0; k < nb && s == SIM_OK; k++) {
        if (!done || !done[g0 + k])
            continue;
        double *v = b->vals + (size_t)k * (size_t)nv;
        s = sws_parts_get(env->parts, g0 + k, v, err);
        if (s == SIM_OK &&
            memcmp(v + ns, b->theta + (size_t)k * (size_t)d, (size_t)d * sizeof *v) != 0)
            s = SIM_FAIL(err, SIM_EINTERNAL, sws_parts_dir(env->parts), 0, NULL,
                         "simulation %lld in the folder was made for other parameters than "
                         "this run proposes (a bug: the identity matched)",
                         (long long)(g0 + k));
        if (s == SIM_OK) {
            memcpy(b->stats + (size_t)k * (size_t)ns, v, (size_t)ns * sizeof *v);
            have[k] = 1;
        }
    }
    if ((s = agree(env->ex, s, err)) != SIM_OK)
        goto done;
    if (P > 1) {
        env->ex->ranks->bcast(have, (size_t)nb);
        env->ex->ranks->bcast(b->stats, (size_t)nb * (size_t)ns * sizeof *b->stats);
    }
    int npending = 0;
    for (int k = 0; k < nb; k++) {
        b->st[k] = SIM_OK;
        if (have[k])
            r->resumed++;
        else
            pending[npending++] = k;
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(env->ex->threads) if (npending > P)
    for (int q = me; q < npending; q += P) {
        int k = pending[q];
        sim_error *e = &b->errs[k];
        sim_error_clear(e);
        double *st = b->stats + (size_t)k * (size_t)ns;
        const double *th = b->theta + (size_t)k * (size_t)d;
        if (env->ex->stop && *env->ex->stop) {
            b->st[k] = SIM_FAIL(e, SIM_EINTERRUPT, NULL, 0, NULL, "stopped by a signal");
            continue;
        }
        b->st[k] =
            env->sim(env->user, th, abc_sim_seed(r->c.seed, t, i0 + k), st, env->ex->stop, e);
        for (int j = 0; b->st[k] == SIM_OK && j < ns; j++)
            if (!isfinite(st[j]))
                b->st[k] = SIM_FAIL(e, SIM_ENUMERIC, NULL, 0, r->c.stat[j].name,
                                    "generation %d, proposal %lld: the statistic is not finite", t,
                                    (long long)(i0 + k));
        if (b->st[k] == SIM_OK && env->parts) {
            double *v = b->vals + (size_t)k * (size_t)nv;
            memcpy(v, st, (size_t)ns * sizeof *v);
            memcpy(v + ns, th, (size_t)d * sizeof *v);
            b->st[k] = sws_parts_put(env->parts, g0 + k, v, e);
        }
    }
    if (P > 1)
        s = exchange(r, env, b, pending, npending, g0, err);
    /* the first failure by index; an interruption only if nothing else failed */
    int first = -1;
    for (int k = 0; k < nb; k++)
        if (b->st[k] != SIM_OK &&
            (first < 0 || (b->st[first] == SIM_EINTERRUPT && b->st[k] != SIM_EINTERRUPT)))
            first = k;
    if (s == SIM_OK && first >= 0) {
        *err = b->errs[first];
        s = b->st[first];
    }
    if ((s = agree(env->ex, s, err)) != SIM_OK)
        goto done;
    for (int k = 0; k < nb; k++)
        b->dist[k] = distance(&r->c, b->stats + (size_t)k * (size_t)ns);
done:
    free(pending);
    free(have);
    return s;
}

/* Run generation t at tolerance eps into a new population.  Returns SIM_OK
 * with *complete = 0 when the budget ran out first. */
static sim_status generation(abc_run *r, const abc_env *env, int t, double eps, int *complete,
                             sim_error *err)
{
    int d = r->d, ns = r->ns, n = r->n, nb = r->c.batch;
    size_t nd = (size_t)n * (size_t)d;
    double *nx = malloc(nd * sizeof *nx), *nth = malloc(nd * sizeof *nth);
    double *ndist = malloc((size_t)n * sizeof *ndist);
    double *nst = malloc((size_t)n * (size_t)ns * sizeof *nst);
    double *nw = malloc((size_t)n * sizeof *nw);
    abc_batch b = {0};
    sim_status s = SIM_OK;
    *complete = 0;
    if (!nx || !nth || !ndist || !nst || !nw || !batch_alloc(&b, nb, d, ns)) {
        s = NOMEM(err);
        goto done;
    }
    if (t > 0) {
        double c = 0.0;
        for (int j = 0; j < n; j++)
            r->cum[j] = (c += r->w[j]);
        if ((s = kernel_fit(r, err)) != SIM_OK)
            goto done;
    }
    int acc = 0;
    int64_t i = 0, needed = 0;
    while (acc < n) {
        if (r->sims + nb > r->c.max_simulations)
            goto done; /* incomplete */
        int stopping = env->ex->stop && *env->ex->stop;
        if (nranks(env->ex) > 1)
            stopping = env->ex->ranks->any(stopping); /* every rank stops at the same batch */
        if (stopping) {
            s = SIM_FAIL(err, SIM_EINTERRUPT, NULL, 0, NULL, "stopped by a signal");
            goto done;
        }
        for (int k = 0; k < nb; k++) {
            double *x = b.x + (size_t)k * (size_t)d;
            if (t == 0) {
                sim_rng sr;
                prior_draw(
                    r, sim_rng_open(&sr, r->c.seed, SIM_RNG_ABC_PROPOSE, (uint32_t)(i + k), 0), x);
            } else if ((s = kernel_draw(r, t, i + k, x, err)) != SIM_OK) {
                goto done;
            }
            for (int a = 0; a < d; a++)
                b.theta[(size_t)k * (size_t)d + (size_t)a] = to_natural(r, a, x[a]);
        }
        if ((s = batch_eval(r, env, &b, nb, r->sims, t, i, err)) != SIM_OK)
            goto done;
        r->sims += nb;
        for (int k = 0; k < nb && acc < n; k++) {
            if (!(b.dist[k] <= eps))
                continue;
            memcpy(nx + (size_t)acc * (size_t)d, b.x + (size_t)k * (size_t)d,
                   (size_t)d * sizeof *nx);
            memcpy(nth + (size_t)acc * (size_t)d, b.theta + (size_t)k * (size_t)d,
                   (size_t)d * sizeof *nx);
            memcpy(nst + (size_t)acc * (size_t)ns, b.stats + (size_t)k * (size_t)ns,
                   (size_t)ns * sizeof *nst);
            ndist[acc] = b.dist[k];
            acc++;
            needed = i + k + 1;
        }
        i += nb;
    }
    /* importance weights: prior / mixture of kernels around the old population */
    int bad = 0;
    if (t == 0) {
        for (int j = 0; j < n; j++)
            nw[j] = 0.0; /* log weights: equal */
    } else {
#pragma omp parallel for schedule(static) num_threads(env->ex->threads) reduction(| : bad)
        for (int j = 0; j < n; j++) {
            const double *x = nx + (size_t)j * (size_t)d;
            nw[j] = log_prior(r, x) - log_mixture(r, x);
            bad |= !isfinite(nw[j]);
        }
    }
    if (bad) {
        s = SIM_FAIL(err, SIM_ENUMERIC, NULL, 0, NULL,
                     "generation %d: an importance weight is not finite", t);
        goto done;
    }
    double mx = -INFINITY, sum = 0.0, sq = 0.0;
    for (int j = 0; j < n; j++)
        mx = nw[j] > mx ? nw[j] : mx;
    for (int j = 0; j < n; j++)
        sum += (nw[j] = exp(nw[j] - mx));
    for (int j = 0; j < n; j++) {
        nw[j] /= sum;
        sq += nw[j] * nw[j];
    }
    abc_generation *h = &r->hist[t];
    h->tolerance = eps;
    h->proposals = needed;
    h->simulations = i;
    h->acceptance = (double)n / (double)needed;
    h->ess = 1.0 / sq;
    memcpy(r->x, nx, nd * sizeof *nx);
    memcpy(r->theta, nth, nd * sizeof *nx);
    memcpy(r->w, nw, (size_t)n * sizeof *nw);
    memcpy(r->dist, ndist, (size_t)n * sizeof *ndist);
    memcpy(r->stats, nst, (size_t)n * (size_t)ns * sizeof *nst);
    *complete = 1;
done:
    free(nx);
    free(nth);
    free(ndist);
    free(nst);
    free(nw);
    batch_free(&b);
    return s;
}

/* ---- the whole run -------------------------------------------------------------------- */

static sim_status parts_plan(abc_parts_plan *pp, const abc_config *c, const char *identity,
                             sim_error *err)
{
    static double no_values;
    memset(pp, 0, sizeof *pp);
    size_t len = strlen(identity ? identity : "") + 4096 +
                 (size_t)(c->nparams + c->nstats) * (2 * ABC_NAME_MAX + 128);
    pp->identity = malloc(len);
    if (!pp->identity)
        return NOMEM(err);
    /* the build, then (as "the sweep file" for sweep_store's messages) the
     * configuration itself, every digit, then the caller's identity */
    int o = snprintf(pp->identity, len,
                     "troika abc-smc %s (commit %s)\n; ---- the sweep file:\n"
                     "population = %d\nbatch = %d\nquantile = %.17g\nkernel_scale = %.17g\n"
                     "seed = %llu\n",
                     TROIKA_VERSION, TROIKA_GIT_COMMIT, c->population, c->batch, c->quantile,
                     c->kernel_scale, (unsigned long long)c->seed);
    for (int k = 0; k < c->nparams; k++)
        o += snprintf(pp->identity + o, len - (size_t)o, "prior %s = %s %.17g %.17g %.17g %.17g\n",
                      c->prior[k].name, abc_prior_name(c->prior[k].kind), c->prior[k].lo,
                      c->prior[k].hi, c->prior[k].mean, c->prior[k].sd);
    for (int k = 0; k < c->nstats; k++)
        o += snprintf(pp->identity + o, len - (size_t)o, "statistic %s = %.17g scale %.17g\n",
                      c->stat[k].name, c->stat[k].observed, c->stat[k].scale);
    snprintf(pp->identity + o, len - (size_t)o, "%s", identity ? identity : "");
    for (int k = 0; k < c->nstats; k++)
        pp->names[k] = (char *)c->stat[k].name;
    for (int k = 0; k < c->nparams; k++)
        pp->names[c->nstats + k] = (char *)c->prior[k].name;
    pp->p.name = (char *)"abc-smc";
    pp->p.path = (char *)"";
    pp->p.identity = pp->identity;
    pp->p.hash = swp_hash(pp->identity);
    pp->p.replicates = 1;
    pp->p.seed = c->seed;
    pp->p.days = 1;
    pp->p.nmetrics = c->nstats + c->nparams;
    pp->p.metrics = pp->names;
    pp->p.npoints = pp->p.nruns = c->max_simulations;
    pp->p.values = &no_values;
    return SIM_OK;
}

sim_status abc_execute(abc_run *r, abc_simulate_fn sim, void *user, const abc_exec *ex,
                       sim_error *err)
{
    abc_env env = {sim, user, ex, NULL};
    sim_status s = SIM_OK;
    r->ngen = 0;
    r->sims = 0;
    r->resumed = 0;
    r->stopped = ABC_STOP_NONE;
    sws_parts_close(r->parts);
    r->parts = NULL;
    free(r->pp.identity);
    SIM_TRY(err, parts_plan(&r->pp, &r->c, ex->identity, err));
    if (ex->parts) {
        s = sws_parts_open(&env.parts, ex->parts, &r->pp.p, ex->restart, ex->log, err);
        if (s != SIM_OK)
            goto done;
    }
    double eps = INFINITY;
    for (int t = 0; t < r->c.max_generations; t++) {
        int complete = 0;
        s = generation(r, &env, t, eps, &complete, err);
        if (s != SIM_OK)
            goto done;
        if (!complete) {
            r->stopped = ABC_STOP_BUDGET;
            break;
        }
        r->ngen = t + 1;
        const abc_generation *h = &r->hist[t];
        if (ex->log) {
            fprintf(ex->log,
                    "  generation %2d  tolerance %10.4g  acceptance %6.4f  ESS %7.1f  "
                    "simulations %lld (%lld resumed)\n",
                    t, h->tolerance, h->acceptance, h->ess, (long long)r->sims,
                    (long long)r->resumed);
            fflush(ex->log);
        }
        if (t > 0 && h->tolerance <= r->c.min_tolerance) {
            r->stopped = ABC_STOP_TOLERANCE;
            break;
        }
        if (h->acceptance < r->c.min_acceptance) {
            r->stopped = ABC_STOP_ACCEPTANCE;
            break;
        }
        if (r->sims >= r->c.max_simulations) {
            r->stopped = ABC_STOP_BUDGET;
            break;
        }
        eps = abc_weighted_quantile(r->dist, r->w, r->n, r->c.quantile);
        if (isnan(eps)) {
            s = NOMEM(err);
            goto done;
        }
        if (eps < r->c.min_tolerance)
            eps = r->c.min_tolerance;
    }
    if (r->stopped == ABC_STOP_NONE)
        r->stopped = ABC_STOP_GENERATIONS;
    if (r->ngen == 0)
        s = SIM_FAIL(err, SIM_EINPUT, NULL, 0, "simulations",
                     "a budget of %lld simulations cannot finish generation 0 (%d particles in "
                     "batches of %d)",
                     (long long)r->c.max_simulations, r->c.population, r->c.batch);
done:
    if (s == SIM_OK)
        r->parts = env.parts; /* until abc_parts_remove or abc_destroy */
    else
        sws_parts_close(env.parts);
    return s;
}

sim_status abc_parts_remove(abc_run *r, const abc_exec *ex, sim_error *err)
{
    (void)ex;
    sws_parts *parts = r->parts;
    r->parts = NULL;
    if (parts)
        SIM_TRY(err, sws_parts_remove(parts, err));
    return SIM_OK;
}
