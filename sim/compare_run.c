/* sim/compare_run.c — see compare_run.h. */
#define _XOPEN_SOURCE 700 /* strdup */
#include "compare_run.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "h5compare.h"
#include "ctx.h"
#include "metrics.h"
#include "params.h"
#include "progress.h"
#include "runner.h"
#include "scn_diff.h"
#include "design.h"
#include "hold.h"
#include "sweep_mpi.h"
#include "sweep_store.h"
#include "troika_version.h"

/* ---- checks ------------------------------------------------------------------------ */

static const char *scen_where(const scn_scenario *s)
{
    return s->path[0] ? s->path : s->name;
}

/* The posterior's parameters as indices into idx[0..nparams) (idx may be
 * NULL): known real parameters, the same in every scenario. */
static sim_status post_params(const crun_opts *o, int *idx, sim_error *err)
{
    const abs_posterior *p = o->posterior;
    const char *where = o->posterior_path ? o->posterior_path : "--posterior";
    if (p->n < 1 || p->c.nparams < 1)
        return SIM_FAIL(err, SIM_EINPUT, where, 0, "--posterior",
                        "the posterior has no particles or no parameters");
    for (int k = 0; k < p->c.nparams; k++) {
        const char *key = p->c.prior[k].name;
        int i = sim_param_find(key);
        if (i < 0 || sim_param_table[i].type != SIM_P_REAL)
            return SIM_FAIL(err, SIM_EINPUT, where, 0, "--posterior",
                            "the posterior's parameter '%s' is not a real parameter of this "
                            "build",
                            key);
        double v0 = sim_param_get(&o->scen[0].params, i);
        for (int j = 1; j < o->nscen; j++)
            if (sim_param_get(&o->scen[j].params, i) != v0)
                return SIM_FAIL(err, SIM_EINPUT, scen_where(&o->scen[j]), 0, key,
                                "this scenario changes %s, a parameter of the posterior "
                                "%s: every draw sets it in every scenario, so the change "
                                "would be lost (compare without it, or calibrate without "
                                "it)",
                                key, where);
        if (idx)
            idx[k] = i;
    }
    return SIM_OK;
}

sim_status crun_check(const crun_opts *o, int64_t *win_from, int64_t *win_to, sim_error *err)
{
    if (o->nscen < 2)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL,
                        "compare needs at least two scenario files (the first is the "
                        "baseline)");
    if (o->nscen > ANA_MAX_SCENARIOS)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL, "%d scenarios (allowed: at most %d)",
                        o->nscen, ANA_MAX_SCENARIOS);
    const sim_params *p0 = &o->scen[0].params;
    for (int i = 1; i < o->nscen; i++) {
        const sim_params *p = &o->scen[i].params;
        if (p->run_days != p0->run_days)
            return SIM_FAIL(err, SIM_EINPUT, scen_where(&o->scen[i]), 0, "run.days",
                            "this scenario runs %lld days and the baseline %s %lld; "
                            "scenarios compared must run the same days (set them in the "
                            "files or with --days)",
                            (long long)p->run_days, scen_where(&o->scen[0]),
                            (long long)p0->run_days);
        if (p->city_compounds != p0->city_compounds ||
            p->city_subdistricts != p0->city_subdistricts)
            return SIM_FAIL(err, SIM_EINPUT, scen_where(&o->scen[i]), 0, "city.compounds",
                            "this scenario has %lld compounds in %lld sub-districts and the "
                            "baseline %s %lld in %lld; scenarios compared must describe "
                            "the same district",
                            (long long)p->city_compounds, (long long)p->city_subdistricts,
                            scen_where(&o->scen[0]), (long long)p0->city_compounds,
                            (long long)p0->city_subdistricts);
    }
    int64_t days = p0->run_days;
    int64_t from, to;
    SIM_TRY(err, ana_window_resolve(&o->window, days, 365, &from, &to, "--window", err));
    if (!o->auto_rep && (o->replicates < 2 || o->replicates > 100000))
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--replicates",
                        "%lld replicates (allowed: an integer from 2 to 100000, or auto)",
                        (long long)o->replicates);
    if (o->auto_rep) {
        if (!(o->tolerance > 0) || !isfinite(o->tolerance))
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--tolerance",
                            "the tolerance must be a positive number (a fraction of the "
                            "mean, e.g. 0.05)");
        if (o->max_replicates < 2 || o->max_replicates > 100000)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--max-replicates",
                            "%lld (allowed: an integer from 2 to 100000)",
                            (long long)o->max_replicates);
    }
    if (o->posterior) {
        if (o->auto_rep)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--replicates",
                            "auto is not allowed with --posterior (allowed: an integer from "
                            "2 to 100000, the replicates of each draw)");
        int sal = o->design == ANA_POST_SALTELLI;
        int64_t points = ana_post_points(o->design, o->draws, o->posterior->c.nparams);
        if (o->draws < 2 || points * o->replicates > 10000000)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--draws",
                            sal ? "%lld base points (allowed: an integer from 2, with base "
                                  "points x (parameters + 2) x replicates at most 10000000; "
                                  "--design saltelli needs at least 2 base points)"
                                : "%lld draws (allowed: an integer from 2, with draws x "
                                  "replicates at most 10000000)",
                            (long long)o->draws);
        SIM_TRY(err, post_params(o, NULL, err));
    } else if (o->design != ANA_POST_DRAWS) {
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--design",
                        "--design %s only with --posterior (a design of posterior draws)",
                        ana_post_design_name(o->design));
    }
    if (o->nshards > 1 && o->auto_rep)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--shard",
                        "not with --replicates auto: a shard cannot tell when the runs of all "
                        "shards meet the tolerance (give a number of replicates)");
    int64_t nruns =
        o->posterior ? ana_post_points(o->design, o->draws, o->posterior->c.nparams) * o->replicates
                     : o->replicates;
    if (o->nshards > 1 && o->nshards > nruns)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--shard",
                        "%lld shards for %lld runs (allowed: at most one shard a run)",
                        (long long)o->nshards, (long long)nruns);
    if (o->nmetrics < 1)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--metrics", "no metric to compare");
    if (o->threads < 1)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--threads", "at least one thread");
    *win_from = from;
    *win_to = to;
    return SIM_OK;
}

/* ---- running -------------------------------------------------------------------- */

/* The meter and the runs done (the total grows with auto replicates). */
typedef struct {
    prg_meter m;
    int64_t done;
} progress_state;

/* One run's series between the city layout (day-major, [days][SIM_MET_N])
 * and a part's (metric-major, analysis/sweep_store.h); to_part: which way. */
static void part_layout(double *part, double *city, int64_t days, int to_part)
{
    for (int64_t d = 0; d < days; d++)
        for (int m = 0; m < SIM_MET_N; m++) {
            double *c = &city[(size_t)d * SIM_MET_N + (size_t)m];
            double *q = &part[(size_t)m * (size_t)days + (size_t)d];
            if (to_part)
                *q = *c;
            else
                *c = *q;
        }
}

/* Run rows [0, nrep) of a batch (row r is run runs[r]) of every scenario
 * into city [nscen][nrep][days][SIM_MET_N]; only the rows with mine[r] set
 * (all when mine is NULL): under MPI a rank runs its share.  With a parts
 * folder (a shard), part runs[r] x nscen + s is read when it is there and
 * written as soon as it is run. */
static sim_status run_batch(const crun_opts *o, const uint64_t *seeds, const ana_cmp_post *post,
                            const int *pidx, const int64_t *runs, const uint8_t *mine, int64_t nrep,
                            int64_t days, double *city, sws_parts *parts, progress_state *ps,
                            sim_error *err)
{
    int nscen = o->nscen;
    const uint8_t *have = parts ? sws_parts_done(parts) : NULL;
    int64_t hold_runs = parts ? sim_hold_at("runs") : -1, put = 0;
    int64_t njobs = (int64_t)nscen * nrep;
    sim_status *st = calloc((size_t)njobs, sizeof *st);
    sim_error *errs = calloc((size_t)njobs, sizeof *errs);
    if (!st || !errs) {
        free(st);
        free(errs);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the runs");
    }
    int seed_param = sim_param_find("run.seed");
    size_t per_run = (size_t)days * SIM_MET_N;
    int failed = 0;
    /* the runs a killed shard finished (HDF5 reads on this thread) */
    double *tmp = have ? malloc(per_run * sizeof *tmp) : NULL;
    for (int64_t j = 0; have && j < njobs && !failed; j++) {
        int sc = (int)(j % nscen);
        int64_t r = j / nscen;
        if (!have[runs[r] * nscen + sc])
            continue;
        if (!tmp || sws_parts_get(parts, runs[r] * nscen + sc, tmp, &errs[j]) != SIM_OK) {
            st[j] =
                tmp ? errs[j].code : SIM_FAIL(&errs[j], SIM_ENOMEM, NULL, 0, NULL, "out of memory");
            failed = 1;
            break;
        }
        part_layout(tmp, city + ((size_t)sc * (size_t)nrep + (size_t)r) * per_run, days, 0);
        ps->done++;
    }
    int levels = omp_get_max_active_levels();
    omp_set_max_active_levels(1); /* the runs' own loops run on their thread */

#pragma omp parallel for schedule(dynamic, 1) num_threads(o->threads)
    for (int64_t j = 0; j < njobs; j++) {
        /* replicate-major: the scenarios of one replicate run side by side */
        int s = (int)(j % nscen);
        int64_t r = j / nscen;
        if ((mine && !mine[r]) || (have && have[runs[r] * nscen + s]))
            continue;
        int skip;
#pragma omp atomic read
        skip = failed;
        if (skip) {
            st[j] = SIM_EINTERRUPT;
            continue;
        }
        sim_ctx ctx;
        sim_ctx_init(&ctx);
        ctx.threads = 1;
        ctx.progress = 0;
        ctx.log = o->log;
        ctx.stop = o->stop;
        scn_scenario sc = o->scen[s]; /* shallow copy: only the seed differs */
        sim_param_put(&sc.params, seed_param, (double)seeds[runs[r]]);
        if (post) { /* run j = d x per_draw + r of a posterior comparison */
            int64_t d = runs[r] / post->per_draw;
            for (int k = 0; k < post->nparam; k++)
                sim_param_put(&sc.params, pidx[k], post->theta[d * post->nparam + k]);
        }
        sim_result *res = NULL;
        sim_run_opts ro = {0};
        ro.from = o->from;
        st[j] = sim_run_ex(&ctx, &sc, &ro, &res);
        if (st[j] == SIM_OK && res->days != days)
            st[j] = SIM_FAIL(&ctx.err, SIM_EINTERNAL, NULL, 0, NULL,
                             "a run returned %lld days, expected %lld", (long long)res->days,
                             (long long)days);
        if (st[j] == SIM_OK)
            memcpy(city + ((size_t)s * (size_t)nrep + (size_t)r) * per_run, res->city,
                   per_run * sizeof *city);
        if (st[j] == SIM_OK && parts) { /* durable at once */
            double *part = malloc(per_run * sizeof *part);
            if (!part)
                st[j] = SIM_FAIL(&ctx.err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
            else {
                part_layout(part, res->city, days, 1);
                st[j] = sws_parts_put(parts, runs[r] * nscen + s, part, &ctx.err);
                free(part);
            }
            int64_t n;
#pragma omp atomic capture
            n = ++put;
            if (st[j] == SIM_OK && n == hold_runs) /* a test hook */
                sim_hold("runs", n, o->stop);
        }
        if (st[j] != SIM_OK) {
            errs[j] = ctx.err;
#pragma omp atomic write
            failed = 1;
        }
        sim_result_destroy(res);
#pragma omp critical(ana_compare_progress)
        {
            ps->done++;
            prg_step(&ps->m, ps->done);
            if (o->on_run)
                o->on_run(o->on_run_arg, ps->done, ps->m.total);
        }
    }
    omp_set_max_active_levels(levels);

    sim_status s = SIM_OK;
    /* the first real failure in job order (skipped jobs say nothing) */
    for (int64_t j = 0; j < njobs && s == SIM_OK; j++)
        if (st[j] != SIM_OK && errs[j].code != SIM_OK) {
            *err = errs[j];
            sim_error_push(err, __FILE__, __LINE__, __func__);
            s = st[j];
        }
    if (s == SIM_OK && failed)
        s = SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL, "a run failed without a message");
    free(st);
    free(errs);
    free(tmp);
    return s;
}

sim_status crun_agree(int ranks, sim_status s, sim_error *err)
{
    if (ranks <= 1 || !swm_any(s != SIM_OK))
        return s;
    typedef struct {
        int64_t status;
        sim_error e;
    } wire;
    wire mine;
    memset(&mine, 0, sizeof mine);
    mine.status = s;
    if (s != SIM_OK) {
        mine.e = *err;
        mine.e.ntrace = 0; /* source locations are addresses of this process */
    }
    wire *all = calloc((size_t)ranks, sizeof *all);
    if (!all) /* a collective is skipped: mpirun ends the job */
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    swm_allgather_bytes(&mine, all, sizeof mine);
    /* the lowest rank's failure, a real one before a stop */
    int pick = -1;
    for (int q = 0; q < ranks; q++)
        if (all[q].status != SIM_OK &&
            (pick < 0 || (all[pick].status == SIM_EINTERRUPT && all[q].status != SIM_EINTERRUPT)))
            pick = q;
    if (pick >= 0 && (s == SIM_OK || (s == SIM_EINTERRUPT && all[pick].status != s))) {
        *err = all[pick].e;
        if (err->code != SIM_EINTERRUPT) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "MPI rank %d: %.900s", pick, all[pick].e.msg);
            snprintf(err->msg, sizeof err->msg, "%s", msg);
        }
        s = (sim_status)all[pick].status;
    }
    free(all);
    return s;
}

/* Mean of metric m over [from, to) of one run's series. */
static double window_mean(const double *run, int m, int64_t from, int64_t to)
{
    double sum = 0.0;
    for (int64_t d = from; d < to; d++)
        sum += run[(size_t)d * SIM_MET_N + (size_t)m];
    return sum / (double)(to - from);
}

/* A table of the first n replicates of rep [nscen][nmet][cap]. */
static ana_table *build_table(const crun_opts *o, char *const *labels, const double *rep,
                              int64_t cap, int64_t n, int64_t days, int64_t from, int64_t to,
                              sim_error *err)
{
    ana_table *t = ana_table_create(o->nscen, o->nmetrics, n);
    if (!t) {
        SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the table");
        return NULL;
    }
    t->days = days;
    t->win_from = from;
    t->win_to = to;
    for (int s = 0; s < o->nscen; s++)
        if (ana_table_set(&t->scen[s], labels[s], err) != SIM_OK)
            goto fail;
    for (int k = 0; k < o->nmetrics; k++) {
        const sim_metric_desc *md = &sim_metric_table[o->metrics[k]];
        if (ana_table_set(&t->met[k], md->name, err) != SIM_OK ||
            ana_table_set(&t->unit[k], md->unit, err) != SIM_OK ||
            ana_table_set(&t->doc_en[k], md->doc_en, err) != SIM_OK ||
            ana_table_set(&t->doc_zh[k], md->doc_zh, err) != SIM_OK ||
            ana_table_set(&t->kind[k], md->kind == SIM_M_COUNT ? "count" : "ratio", err) != SIM_OK)
            goto fail;
        for (int s = 0; s < o->nscen; s++)
            memcpy(ana_table_rep(t, s, k),
                   rep + ((size_t)s * (size_t)o->nmetrics + (size_t)k) * (size_t)cap,
                   (size_t)n * sizeof(double));
    }
    ana_table_compute(t);
    return t;
fail:
    ana_table_destroy(t);
    return NULL;
}

/* Labels: the scenarios' names, made unique with " (2)", " (3)", ... */
static char **make_labels(const crun_opts *o)
{
    char **l = calloc((size_t)o->nscen, sizeof *l);
    if (!l)
        return NULL;
    for (int i = 0; i < o->nscen; i++) {
        const char *name = o->scen[i].name[0] ? o->scen[i].name : "scenario";
        int same = 0;
        for (int j = 0; j < i; j++)
            if (strcmp(o->scen[j].name, o->scen[i].name) == 0)
                same++;
        size_t n = strlen(name) + 16;
        l[i] = malloc(n);
        if (!l[i]) {
            for (int j = 0; j < i; j++)
                free(l[j]);
            free(l);
            return NULL;
        }
        if (same)
            snprintf(l[i], n, "%s (%d)", name, same + 1);
        else
            snprintf(l[i], n, "%s", name);
    }
    return l;
}

static void free_labels(char **l, int n)
{
    if (!l)
        return;
    for (int i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

/* What the file records of each scenario. */
static sim_status scen_records(const crun_opts *o, char *const *labels, ana_cmp_scen *rec,
                               sim_error *err)
{
    for (int i = 0; i < o->nscen; i++) {
        const scn_scenario *s = &o->scen[i];
        rec[i].name = labels[i];
        rec[i].description = (char *)s->description;
        rec[i].name_zh = (char *)s->name_zh;
        rec[i].description_zh = (char *)s->description_zh;
        rec[i].path = (char *)s->path;
        rec[i].sources = s->sources ? s->sources : (char *)"";
        rec[i].resolved_ini = scn_resolved_ini(s);
        if (!rec[i].resolved_ini)
            return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
        if (i > 0)
            SIM_TRY(err, scn_diff_compute(&o->scen[0], s, "run.seed", &rec[i].changes, err));
    }
    return SIM_OK;
}

/* The draws of a posterior comparison: particles by weight, their values,
 * the parameters' indices into pidx and the posterior's identity. */
static sim_status post_draws(const crun_opts *o, int nmet, ana_cmp_post **out, int *pidx,
                             sim_error *err)
{
    const abs_posterior *p = o->posterior;
    int np = p->c.nparams;
    *out = NULL;
    SIM_TRY(err, post_params(o, pidx, err));
    int64_t points = ana_post_points(o->design, o->draws, np);
    ana_cmp_post *pp = ana_cmp_post_create(points, np, (int64_t)o->nscen * nmet);
    double *cum = malloc((size_t)p->n * sizeof *cum);
    char ident[64];
    sim_status s = SIM_OK;
    if (!pp || !cum) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the draws");
        goto fail;
    }
    pp->per_draw = o->replicates;
    pp->particles = p->n;
    pp->level = CRUN_POSTERIOR_LEVEL;
    pp->design = o->design;
    pp->base_points = o->design == ANA_POST_SALTELLI ? o->draws : 0;
    double acc = 0.0;
    for (int64_t i = 0; i < p->n; i++)
        cum[i] = (acc += p->weight[i]);
    ana_post_design_fill(o->design, o->draws, p->theta, cum, p->n, np, o->seed_base, pp->theta,
                         pp->particle);
    s = ana_post_identity(p->theta, p->weight, p->n, np, ident, sizeof ident, err);
    if (s != SIM_OK)
        goto fail;
    pp->path = strdup(o->posterior_path ? o->posterior_path : "");
    pp->identity = strdup(ident);
    pp->calibration = strdup(p->calibration ? p->calibration : "");
    for (int k = 0; k < np; k++)
        if (!(pp->param[k] = strdup(p->c.prior[k].name)))
            break;
    if (!pp->path || !pp->identity || !pp->calibration || (np && !pp->param[np - 1])) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the draws");
        goto fail;
    }
    *out = pp;
    pp = NULL;
fail:
    ana_cmp_post_destroy(pp);
    free(cum);
    return s;
}

/* The effect of every scenario on every metric over the draws and
 * replicates (analysis/compare.h); in a saltelli design over the A and B
 * points alone, the draws of the posterior. */
static sim_status post_effects(const ana_table *t, ana_cmp_post *pp, sim_error *err)
{
    double *y = malloc((size_t)t->replicates * sizeof *y);
    if (!y)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the effects");
    for (int s = 0; s < t->nscen; s++)
        for (int k = 0; k < t->nmet; k++) {
            const double *a = ana_table_rep(t, 0, k), *b = ana_table_rep(t, s, k);
            int64_t n = 0, nd = 0;
            for (int64_t d = 0; d < pp->draws; d++) {
                if (ana_post_role(pp->design, pp->nparam, d) > 1)
                    continue;
                nd++;
                for (int64_t j = d * pp->per_draw; j < (d + 1) * pp->per_draw; j++)
                    y[n++] = b[j] - a[j];
            }
            const ana_metric_reading *mr = ana_metric_reading_of(t->met[k]);
            ana_post_effect *e = &pp->eff[ana_table_at(t, s, k)];
            ana_post_effect_compute(y, nd, pp->per_draw, s == 0 || !mr ? ANA_NEUTRAL : mr->better,
                                    pp->level, e);
        }
    free(y);
    return SIM_OK;
}

/* ---- one comparison's output, whatever produces the series -------------------------- */

/* A comparison being written: by crun_run (the series are simulated on
 * threads, or shared between MPI ranks) or by crun_merge (the series are
 * read from shard files).  Rank 0 (the only one without MPI) writes. */
typedef struct crun_job crun_job;
struct crun_job {
    const crun_opts *o; /* scen (simulating only), nscen, metrics, out, force, ... */
    char **labels;
    const ana_cmp_scen *rec;
    int64_t days, from, to, cap, compounds;
    uint64_t seed_base;
    const uint64_t *seeds; /* [cap] */
    ana_cmp_post *post;    /* NULL, or the draws (the effects are filled here) */
    const int *pidx;
    const char *identity, *execution;
    int64_t chunk_rows;
    int rank, ranks;
    int64_t shard, nshards;
    /* the series of rows [0, b) of a batch, row r being run runs[r] */
    sim_status (*fill)(crun_job *jb, const int64_t *runs, int64_t b, double *city,
                       progress_state *ps, sim_error *err);
    ana_cmpshard **shards; /* crun_merge: [nin] by shard index */
    sws_parts *parts;      /* a shard on one process: its finished runs */
    int64_t nin;
};

/* crun_run's series: simulated, under MPI each rank its share (row r on
 * rank r % ranks), gathered on rank 0. */
static sim_status sim_fill(crun_job *jb, const int64_t *runs, int64_t b, double *city,
                           progress_state *ps, sim_error *err)
{
    const crun_opts *o = jb->o;
    int P = jb->ranks, me = jb->rank, nscen = o->nscen;
    if (P <= 1)
        return run_batch(o, jb->seeds, jb->post, jb->pidx, runs, NULL, b, jb->days, city, jb->parts,
                         ps, err);
    size_t per_run = (size_t)jb->days * SIM_MET_N;
    int64_t per = (b + P - 1) / P, own = 0;
    uint8_t *mine = calloc((size_t)b, 1);
    double *send = malloc((size_t)per * (size_t)nscen * per_run * sizeof *send);
    double *recv =
        me == 0 ? malloc((size_t)P * (size_t)per * (size_t)nscen * per_run * sizeof *recv) : NULL;
    sim_status s = SIM_OK;
    if (!mine || !send || (me == 0 && !recv))
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for a batch of runs");
    for (int64_t r = me; s == SIM_OK && r < b; r += P)
        mine[r] = 1;
    if (s == SIM_OK)
        s = run_batch(o, jb->seeds, jb->post, jb->pidx, runs, mine, b, jb->days, city, NULL, ps,
                      err);
    swm_wait_all(); /* without spinning while the others finish */
    if ((s = crun_agree(P, s, err)) != SIM_OK)
        goto done;
    for (int64_t r = me, k = 0; r < b; r += P, k++, own++)
        for (int sc = 0; sc < nscen; sc++)
            memcpy(send + ((size_t)k * (size_t)nscen + (size_t)sc) * per_run,
                   city + ((size_t)sc * (size_t)b + (size_t)r) * per_run, per_run * sizeof *send);
    swm_gather_bytes(send, recv, (size_t)per * (size_t)nscen * per_run * sizeof *send);
    if (me == 0) {
        for (int q = 1; q < P; q++)
            for (int64_t r = q, k = 0; r < b; r += P, k++)
                for (int sc = 0; sc < nscen; sc++)
                    memcpy(city + ((size_t)sc * (size_t)b + (size_t)r) * per_run,
                           recv + (((size_t)q * (size_t)per + (size_t)k) * (size_t)nscen +
                                   (size_t)sc) *
                                      per_run,
                           per_run * sizeof *recv);
        ps->done += (b - own) * nscen; /* the other ranks' runs */
        prg_step(&ps->m, ps->done);
    }
done:
    free(mine);
    free(send);
    free(recv);
    return s;
}

/* crun_merge's series: rows of the runs [runs[0], runs[0] + b) from the
 * shard files (run j is row j / N of shard j % N). */
static sim_status shard_fill(crun_job *jb, const int64_t *runs, int64_t b, double *city,
                             progress_state *ps, sim_error *err)
{
    int64_t N = jb->nin, r0 = runs[0], days = jb->days;
    int nscen = jb->o->nscen;
    double *tmp = malloc((size_t)((b + N - 1) / N) * (size_t)days * sizeof *tmp);
    if (!tmp)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory merging the shards");
    sim_status s = SIM_OK;
    for (int64_t k = 0; k < N && s == SIM_OK; k++) {
        int64_t j0 = r0 + ((k - r0 % N) + N) % N;
        if (j0 >= r0 + b)
            continue;
        int64_t c = (r0 + b - j0 + N - 1) / N;
        for (int sc = 0; sc < nscen && s == SIM_OK; sc++)
            for (int m = 0; m < SIM_MET_N && s == SIM_OK; m++) {
                s = ana_cmpshard_rows(jb->shards[k], sc, sim_metric_table[m].name, j0 / N, c, tmp,
                                      err);
                for (int64_t i = 0; s == SIM_OK && i < c; i++) {
                    int64_t r = j0 + i * N - r0;
                    for (int64_t d = 0; d < days; d++)
                        city[(((size_t)sc * (size_t)b + (size_t)r) * (size_t)days + (size_t)d) *
                                 SIM_MET_N +
                             (size_t)m] = tmp[(size_t)i * (size_t)days + (size_t)d];
                }
            }
    }
    free(tmp);
    if (s == SIM_OK && jb->o->stop && *jb->o->stop)
        s = SIM_FAIL(err, SIM_EINTERRUPT, NULL, 0, NULL, "stopped by a signal");
    ps->done += b * nscen;
    prg_step(&ps->m, ps->done);
    return s;
}

/* The table's metric names, comma-separated (caller frees). */
static char *metric_names(const crun_opts *o)
{
    size_t n = 1;
    for (int k = 0; k < o->nmetrics; k++)
        n += strlen(sim_metric_table[o->metrics[k]].name) + 1;
    char *t = malloc(n);
    if (!t)
        return NULL;
    t[0] = '\0';
    for (int k = 0; k < o->nmetrics; k++) {
        if (k)
            strcat(t, ",");
        strcat(t, sim_metric_table[o->metrics[k]].name);
    }
    return t;
}

/* Run (or read) every row of this process, write the compare file or the
 * shard file (rank 0) and return the table (NULL for a shard or rank > 0). */
static sim_status produce(crun_job *jb, ana_table **table, crun_info *info, sim_error *err)
{
    const crun_opts *o = jb->o;
    int nscen = o->nscen, nmet = o->nmetrics, writer = jb->rank == 0;
    int64_t days = jb->days, cap = jb->cap, N = jb->nshards, K = jb->shard;
    int64_t nrows = N > 1 ? (cap - K + N - 1) / N : cap;
    size_t per_rep = (size_t)nscen * (size_t)days * SIM_MET_N * sizeof(double);
    int64_t membatch = (int64_t)(ANA_COMPARE_BATCH_BYTES / (per_rep ? per_rep : 1));
    if (jb->ranks > 1)
        membatch /= 3; /* rank 0 also holds what it sends and receives */
    if (membatch < 1)
        membatch = 1;
    sim_status s = SIM_OK;
    ana_cmpw *w = NULL;
    ana_table *t = NULL;
    double *rep = malloc((size_t)nscen * (size_t)nmet * (size_t)(cap ? cap : 1) * sizeof *rep);
    int64_t *runs = malloc((size_t)(nrows ? nrows : 1) * sizeof *runs);
    char *names = metric_names(o);
    double *city = NULL;
    int64_t city_cap = 0;
    progress_state ps = {{0}, 0};
    prg_start(&ps.m, o->progress && writer ? o->log : NULL, N > 1 ? "compare shard" : "compare",
              "runs", 0, 0);
    if (!rep || !runs || !names)
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for %lld runs", (long long)cap);
    for (int64_t i = 0; i < nrows && runs; i++)
        runs[i] = K + i * N;
    if (s == SIM_OK && writer)
        s = ana_cmpw_open(&w, o->out, o->force, sim_metric_table, SIM_MET_N, err);
    if (s == SIM_OK && writer)
        s = ana_cmpw_scenarios(w, days, jb->chunk_rows, jb->rec, nscen, err);
    if ((s = crun_agree(jb->ranks, s, err)) != SIM_OK)
        goto fail;

    int64_t done = 0;
    int met = 0;
    for (;;) {
        int64_t target = !o->auto_rep ? nrows
                         : done == 0  ? (ANA_AUTO_FIRST < cap ? ANA_AUTO_FIRST : cap)
                                      : (done + ANA_AUTO_BATCH < cap ? done + ANA_AUTO_BATCH : cap);
        ps.m.total = target * nscen;
        while (done < target) {
            int64_t b = target - done < membatch ? target - done : membatch;
            if (b > city_cap) {
                free(city);
                city_cap = b;
                city = malloc((size_t)b * per_rep);
            }
            if (!city)
                s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL,
                             "out of memory for %lld replicates of the series", (long long)b);
            if ((s = crun_agree(jb->ranks, s, err)) != SIM_OK)
                goto fail;
            if ((s = jb->fill(jb, runs + done, b, city, &ps, err)) != SIM_OK)
                goto fail;
            if (writer)
                s = ana_cmpw_append(w, b, city, err);
            if ((s = crun_agree(jb->ranks, s, err)) != SIM_OK)
                goto fail;
            for (int i = 0; writer && i < nscen; i++)
                for (int64_t r = 0; r < b; r++) {
                    const double *run =
                        city + ((size_t)i * (size_t)b + (size_t)r) * (size_t)days * SIM_MET_N;
                    for (int k = 0; k < nmet; k++)
                        rep[((size_t)i * (size_t)nmet + (size_t)k) * (size_t)cap +
                            (size_t)(done + r)] = window_mean(run, o->metrics[k], jb->from, jb->to);
                }
            done += b;
        }
        if (N > 1)
            break; /* a shard has no table */
        ana_table_destroy(t);
        t = NULL;
        if (writer &&
            !(t = build_table(o, jb->labels, rep, cap, done, days, jb->from, jb->to, err))) {
            s = err->code;
            goto fail;
        }
        if (!o->auto_rep)
            break;
        if (writer) {
            int *bad = malloc((size_t)nmet * sizeof *bad);
            if (!bad) {
                s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
                goto fail;
            }
            met = ana_compare_unmet(t, o->tolerance, bad) == 0;
            free(bad);
        }
        if (jb->ranks > 1) { /* rank 0 decides for all */
            uint64_t m = (uint64_t)met;
            swm_bcast_u64(&m);
            met = (int)m;
        }
        if (met || done >= cap)
            break;
    }
    prg_end(&ps.m, ps.done);
    info->replicates = done;
    info->tolerance_met = met;
    info->seconds = prg_now() - ps.m.t0;
    if (!writer)
        goto fail; /* the other ranks are done (s is SIM_OK) */

    if (N > 1) {
        ana_cmp_shard sh;
        memset(&sh, 0, sizeof sh);
        sh.shard = K;
        sh.shards = N;
        sh.runs = cap;
        sh.nrows = nrows;
        sh.run = runs;
        sh.identity = (char *)jb->identity;
        sh.metrics = names;
        sh.execution = (char *)jb->execution;
        sh.days = days;
        sh.compounds = jb->compounds;
        sh.win_from = jb->from;
        sh.win_to = jb->to;
        sh.chunk_rows = jb->chunk_rows;
        sh.seed_base = jb->seed_base;
        sh.post = jb->post;
        s = ana_cmpw_finish_shard(w, &sh, o->command_line ? o->command_line : "", err);
    } else {
        ana_cmp_meta meta;
        memset(&meta, 0, sizeof meta);
        meta.days = days;
        meta.compounds = jb->compounds;
        meta.replicates = done;
        meta.win_from = jb->from;
        meta.win_to = jb->to;
        meta.level = t->level;
        meta.seed_base = jb->seed_base;
        meta.seeds = (uint64_t *)jb->seeds;
        meta.auto_rep = o->auto_rep;
        meta.tolerance = o->tolerance;
        meta.max_replicates = o->max_replicates;
        meta.auto_batch = ANA_AUTO_BATCH;
        meta.tolerance_met = met;
        meta.threads = o->threads;
        meta.command_line = (char *)(o->command_line ? o->command_line : "");
        if (jb->post && (s = post_effects(t, jb->post, err)) != SIM_OK)
            goto fail;
        meta.post = jb->post;
        s = ana_cmpw_finish(w, &meta, t, err);
    }
    if (s != SIM_OK)
        goto fail;
    ana_cmpw *wc = w;
    w = NULL;
    if ((s = ana_cmpw_commit(wc, err)) != SIM_OK)
        goto fail;
    *table = t;
    t = NULL;
fail:
    if (s != SIM_OK)
        prg_break(&ps.m); /* end the progress line before the message */
    ana_cmpw_abort(w);
    ana_table_destroy(t);
    free(rep);
    free(runs);
    free(names);
    free(city);
    return s;
}

/* What every MPI rank and every shard of one comparison must share: the
 * build, the resolved scenarios, the options that shape the data and the
 * posterior; "fnv1a64:<hex>" of it into buf, and the text itself into
 * *text (the caller frees). */
static sim_status identity_of(const crun_opts *o, const ana_cmp_scen *rec, int64_t from, int64_t to,
                              const ana_cmp_post *post, char *buf, size_t len, char **text_out,
                              sim_error *err)
{
    size_t n = 4096;
    for (int i = 0; i < o->nscen; i++)
        n += strlen(rec[i].name) + strlen(rec[i].resolved_ini) + 64;
    char *text = malloc(n), *names = metric_names(o);
    if (!text || !names) {
        free(text);
        free(names);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    char fromtxt[160] = "-"; /* a checkpoint: its day, seeds and scenario */
    if (o->from) {
        const ckpt_info *ci = ckpt_get_info(o->from);
        snprintf(fromtxt, sizeof fromtxt, "day %lld seed %llu world %llu ini %016llx",
                 (long long)ci->day, (unsigned long long)ci->seed,
                 (unsigned long long)ci->world_seed,
                 (unsigned long long)swp_hash(ci->resolved_ini ? ci->resolved_ini : ""));
    }
    /* sweep_store's messages on a changed folder: build, then "the file" */
    size_t at = (size_t)snprintf(
        text, n,
        "troika compare %s (commit %s)\n; ---- the sweep file:\ndays %lld window %lld:%lld seed "
        "%llu replicates %lld auto %d %a %lld "
        "draws %lld design %s posterior %s\nmetrics %.2000s\nfrom %s\n",
        TROIKA_VERSION, TROIKA_GIT_COMMIT, (long long)o->scen[0].params.run_days, (long long)from,
        (long long)to, (unsigned long long)o->seed_base, (long long)o->replicates, o->auto_rep,
        o->tolerance, (long long)o->max_replicates, (long long)(post ? o->draws : 0),
        ana_post_design_name(o->design), post ? post->identity : "-", names, fromtxt);
    for (int i = 0; i < o->nscen && at < n; i++)
        at += (size_t)snprintf(text + at, n - at, "[%s]\n%s\n", rec[i].name, rec[i].resolved_ini);
    snprintf(buf, len, "fnv1a64:%016llx", (unsigned long long)swp_hash(text));
    *text_out = text;
    free(names);
    return SIM_OK;
}

/* The parts folder of a shard, OUT.parts (analysis/sweep_store.h, as
 * analysis/abc.c does): part j x nscen + s is scenario s's series of run j,
 * metric-major; the identity is the comparison's and the shard's. */
typedef struct {
    swp_plan p;
    char *names[SIM_MET_N];
    char *identity, *dir;
} parts_plan;

static sim_status parts_open(parts_plan *pp, sws_parts **parts, const crun_opts *o,
                             const char *ident_text, int64_t cap, int64_t days, sim_error *err)
{
    static double no_values;
    memset(pp, 0, sizeof *pp);
    size_t n = strlen(ident_text) + 64;
    pp->identity = malloc(n);
    pp->dir = malloc(strlen(o->out) + 8);
    if (!pp->identity || !pp->dir)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    snprintf(pp->identity, n, "%sshard %lld/%lld\n", ident_text, (long long)o->shard + 1,
             (long long)o->nshards);
    snprintf(pp->dir, strlen(o->out) + 8, "%s.parts", o->out);
    for (int m = 0; m < SIM_MET_N; m++)
        pp->names[m] = (char *)sim_metric_table[m].name;
    pp->p.name = (char *)"compare";
    pp->p.path = (char *)""; /* its lines are the identity's, not a file's */
    pp->p.identity = pp->identity;
    pp->p.hash = swp_hash(pp->identity);
    pp->p.replicates = 1;
    pp->p.seed = o->seed_base;
    pp->p.days = days;
    pp->p.nmetrics = SIM_MET_N;
    pp->p.metrics = pp->names;
    pp->p.npoints = pp->p.nruns = cap * o->nscen;
    pp->p.values = &no_values;
    return sws_parts_open(parts, pp->dir, &pp->p, o->restart, o->log, err);
}

sim_status crun_run(const crun_opts *o, ana_table **table, crun_info *info, sim_error *err)
{
    *table = NULL;
    memset(info, 0, sizeof *info);
    int64_t from, to;
    SIM_TRY(err, crun_check(o, &from, &to, err));
    int nscen = o->nscen;
    int ranks = o->ranks > 1 ? o->ranks : 1;
    int64_t cap = o->auto_rep    ? o->max_replicates
                  : o->posterior ? ana_post_points(o->design, o->draws, o->posterior->c.nparams) *
                                       o->replicates
                                 : o->replicates;
    size_t per_rep =
        (size_t)nscen * (size_t)o->scen[0].params.run_days * SIM_MET_N * sizeof(double);
    int64_t membatch = (int64_t)(ANA_COMPARE_BATCH_BYTES / (per_rep ? per_rep : 1));
    if (membatch < 1)
        membatch = 1;

    sim_status s = SIM_OK;
    char **labels = make_labels(o);
    ana_cmp_scen *rec = calloc((size_t)nscen, sizeof *rec);
    uint64_t *seeds = malloc((size_t)cap * sizeof *seeds);
    ana_cmp_post *post = NULL;
    int pidx[ABC_MAX_PARAMS];
    char ident[64] = "", execution[96], *ident_text = NULL;
    parts_plan pp;
    sws_parts *parts = NULL;
    memset(&pp, 0, sizeof pp);
    if (!labels || !rec || !seeds) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for %lld replicates",
                     (long long)cap);
        goto fail;
    }
    for (int64_t r = 0; r < cap; r++)
        seeds[r] = ana_compare_seed(o->seed_base, r);
    if (o->posterior)
        s = post_draws(o, o->nmetrics, &post, pidx, err);
    if (s == SIM_OK)
        s = scen_records(o, labels, rec, err);
    if (s == SIM_OK)
        s = identity_of(o, rec, from, to, post, ident, sizeof ident, &ident_text, err);
    if ((s = crun_agree(ranks, s, err)) != SIM_OK)
        goto fail;
    if (ranks > 1) { /* the ranks must have read the same scenarios and posterior */
        uint64_t h = swp_hash(ident), h0 = h;
        swm_bcast_u64(&h0);
        if (swm_any(h0 != h)) {
            s = SIM_FAIL(err, SIM_EINPUT, scen_where(&o->scen[0]), 0, NULL,
                         "the MPI ranks read different scenarios, options or posteriors (is "
                         "every node seeing the same files and the same troika?)");
            goto fail;
        }
        snprintf(execution, sizeof execution, "mpi %d ranks, %d thread%s each", ranks, o->threads,
                 o->threads == 1 ? "" : "s");
    } else {
        snprintf(execution, sizeof execution, "threads %d", o->threads);
    }
    /* a chunk holds the replicates of one append (at most ~4 MB) */
    int64_t chunk_rows = o->auto_rep ? ANA_AUTO_BATCH : (cap < membatch ? cap : membatch);
    int64_t max_rows =
        (int64_t)((4u << 20) / ((size_t)o->scen[0].params.run_days * sizeof(double)));
    if (chunk_rows > max_rows)
        chunk_rows = max_rows > 1 ? max_rows : 1;

    crun_job jb;
    memset(&jb, 0, sizeof jb);
    jb.o = o;
    jb.labels = labels;
    jb.rec = rec;
    jb.days = o->scen[0].params.run_days;
    jb.from = from;
    jb.to = to;
    jb.cap = cap;
    jb.compounds = o->scen[0].params.city_compounds;
    jb.seed_base = o->seed_base;
    jb.seeds = seeds;
    jb.post = post;
    jb.pidx = pidx;
    jb.identity = ident;
    jb.execution = execution;
    jb.chunk_rows = chunk_rows;
    jb.rank = ranks > 1 ? o->rank : 0;
    jb.ranks = ranks;
    jb.shard = o->nshards > 1 ? o->shard : 0;
    jb.nshards = o->nshards > 1 ? o->nshards : 1;
    jb.fill = sim_fill;
    if (jb.nshards > 1 && ranks == 1) { /* a shard keeps its finished runs */
        if ((s = parts_open(&pp, &parts, o, ident_text, cap, jb.days, err)) != SIM_OK)
            goto fail;
        if (o->log && o->progress && sws_parts_ndone(parts) > 0)
            fprintf(o->log,
                    "troika compare: resuming: %lld simulations (run x scenario) of this shard "
                    "were done before, kept in %s\n",
                    (long long)sws_parts_ndone(parts), pp.dir);
        jb.parts = parts;
    }
    if ((s = produce(&jb, table, info, err)) != SIM_OK) {
        if (parts && o->log && o->progress && sws_parts_ndone(parts) > 0)
            fprintf(o->log,
                    "troika compare: the finished runs of this shard are kept in %s; run the "
                    "same command again to resume\n",
                    pp.dir);
        if (parts && sws_parts_ndone(parts) == 0) { /* nothing to keep */
            sim_error e2;
            (void)sws_parts_remove(parts, &e2);
            parts = NULL;
        }
        goto fail;
    }
    if (parts) {
        s = sws_parts_remove(parts, err);
        parts = NULL;
        if (s != SIM_OK)
            goto fail;
    }
    if (*table) {
        info->post = post;
        post = NULL;
    }
fail:
    sws_parts_close(parts);
    free(pp.identity);
    free(pp.dir);
    free(ident_text);
    ana_cmp_post_destroy(post);
    for (int i = 0; rec && i < nscen; i++) {
        free(rec[i].resolved_ini);
        ana_diff_free(&rec[i].changes);
    }
    free(rec);
    free_labels(labels, nscen);
    free(seeds);
    return s;
}

/* ---- joining shard files ------------------------------------------------------------ */

sim_status crun_merge(const char *const *inputs, int n, const char *out, int force,
                      const char *command_line, FILE *log, volatile sig_atomic_t *stop,
                      sim_error *err)
{
    sim_status s = SIM_OK;
    ana_cmpshard **in = calloc((size_t)(n > 0 ? n : 1), sizeof *in);
    ana_cmpshard **by = NULL;
    uint64_t *seeds = NULL;
    char **labels = NULL;
    ana_table *t = NULL;
    int met[ANA_MAX_METRICS];
    if (!in)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    for (int i = 0; i < n && s == SIM_OK; i++)
        s = ana_cmpshard_open(&in[i], inputs[i], err);
    if (s != SIM_OK)
        goto done;
    const ana_cmp_shard *s0 = &in[0]->sh;
    int64_t N = s0->shards;
    for (int i = 1; i < n; i++) {
        const ana_cmp_shard *si = &in[i]->sh;
        if (strcmp(si->identity, s0->identity) != 0 || si->shards != N || si->runs != s0->runs) {
            s = SIM_FAIL(err, SIM_EINPUT, inputs[i], 0, NULL,
                         "a shard of another comparison than %s (shard %lld/%lld of %lld runs, "
                         "identity %s; %s has shard %lld/%lld of %lld runs, identity %s: "
                         "different scenarios, options, posterior or troika build)",
                         inputs[0], (long long)si->shard + 1, (long long)si->shards,
                         (long long)si->runs, si->identity, inputs[0], (long long)s0->shard + 1,
                         (long long)N, (long long)s0->runs, s0->identity);
            goto done;
        }
    }
    if (!(by = calloc((size_t)N, sizeof *by))) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (int i = 0; i < n; i++) {
        int64_t k = in[i]->sh.shard;
        if (by[k]) {
            s = SIM_FAIL(err, SIM_EINPUT, inputs[i], 0, NULL,
                         "shard %lld/%lld is given twice (also as %s)", (long long)k + 1,
                         (long long)N, by[k]->f->path);
            goto done;
        }
        if (in[i]->sh.nrows != (s0->runs - k + N - 1) / N) {
            s = SIM_FAIL(err, SIM_EINPUT, inputs[i], 0, NULL,
                         "shard %lld/%lld holds %lld of its %lld runs (an incomplete shard)",
                         (long long)k + 1, (long long)N, (long long)in[i]->sh.nrows,
                         (long long)((s0->runs - k + N - 1) / N));
            goto done;
        }
        by[k] = in[i];
    }
    for (int64_t k = 0; k < N; k++)
        if (!by[k]) {
            s = SIM_FAIL(err, SIM_EINPUT, inputs[0], 0, NULL,
                         "shard %lld/%lld of this comparison is missing: its runs (j %% %lld "
                         "== %lld) are in none of the %d files given; run it (troika compare "
                         "... --shard %lld/%lld) and merge again",
                         (long long)k + 1, (long long)N, (long long)N, (long long)k, n,
                         (long long)k + 1, (long long)N);
            goto done;
        }
    const ana_cmpfile *f0 = in[0]->f;
    crun_opts o;
    memset(&o, 0, sizeof o);
    o.nscen = f0->nscen;
    o.threads = 1;
    o.log = log;
    o.progress = log != NULL;
    o.stop = stop;
    o.out = out;
    o.force = force;
    o.command_line = command_line;
    if (ana_metrics_parse(sim_metric_table, SIM_MET_N, s0->metrics, met, ANA_MAX_METRICS,
                          &o.nmetrics, err) != SIM_OK) {
        s = err->code;
        snprintf(err->file, sizeof err->file, "%s", inputs[0]);
        goto done;
    }
    o.metrics = met;
    seeds = malloc((size_t)s0->runs * sizeof *seeds);
    labels = calloc((size_t)o.nscen, sizeof *labels);
    if (!seeds || !labels) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (int64_t r = 0; r < s0->runs; r++)
        seeds[r] = ana_compare_seed(s0->seed_base, r);
    for (int i = 0; i < o.nscen; i++)
        labels[i] = f0->scen[i].name;
    crun_job jb;
    memset(&jb, 0, sizeof jb);
    jb.o = &o;
    jb.labels = labels;
    jb.rec = f0->scen;
    jb.days = s0->days;
    jb.from = s0->win_from;
    jb.to = s0->win_to;
    jb.cap = s0->runs;
    jb.compounds = s0->compounds;
    jb.seed_base = s0->seed_base;
    jb.seeds = seeds;
    jb.post = in[0]->post;
    jb.chunk_rows = s0->chunk_rows;
    jb.ranks = 1;
    jb.nshards = 1; /* written whole */
    jb.identity = s0->identity;
    jb.execution = "merge";
    jb.fill = shard_fill;
    jb.shards = by;
    jb.nin = N;
    crun_info info;
    memset(&info, 0, sizeof info);
    s = produce(&jb, &t, &info, err);
done:
    ana_table_destroy(t);
    for (int i = 0; i < n; i++)
        ana_cmpshard_close(in[i]);
    free(in);
    free(by);
    free(seeds);
    free(labels);
    return s;
}
