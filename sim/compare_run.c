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

/* Run replicates [r0, r0 + nrep) of every scenario into city
 * [nscen][nrep][days][SIM_MET_N]. */
static sim_status run_batch(const crun_opts *o, const uint64_t *seeds, const ana_cmp_post *post,
                            const int *pidx, int64_t r0, int64_t nrep, int64_t days, double *city,
                            progress_state *ps, sim_error *err)
{
    int nscen = o->nscen;
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
    int levels = omp_get_max_active_levels();
    omp_set_max_active_levels(1); /* the runs' own loops run on their thread */

#pragma omp parallel for schedule(dynamic, 1) num_threads(o->threads)
    for (int64_t j = 0; j < njobs; j++) {
        int skip;
#pragma omp atomic read
        skip = failed;
        if (skip) {
            st[j] = SIM_EINTERRUPT;
            continue;
        }
        /* replicate-major: the scenarios of one replicate run side by side */
        int s = (int)(j % nscen);
        int64_t r = j / nscen;
        sim_ctx ctx;
        sim_ctx_init(&ctx);
        ctx.threads = 1;
        ctx.progress = 0;
        ctx.log = o->log;
        ctx.stop = o->stop;
        scn_scenario sc = o->scen[s]; /* shallow copy: only the seed differs */
        sim_param_put(&sc.params, seed_param, (double)seeds[r0 + r]);
        if (post) { /* run j = d x per_draw + r of a posterior comparison */
            int64_t d = (r0 + r) / post->per_draw;
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
        else {
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

sim_status crun_run(const crun_opts *o, ana_table **table, crun_info *info, sim_error *err)
{
    *table = NULL;
    memset(info, 0, sizeof *info);
    int64_t from, to;
    SIM_TRY(err, crun_check(o, &from, &to, err));
    int nscen = o->nscen, nmet = o->nmetrics;
    int64_t days = o->scen[0].params.run_days;
    int64_t cap = o->auto_rep    ? o->max_replicates
                  : o->posterior ? ana_post_points(o->design, o->draws, o->posterior->c.nparams) *
                                       o->replicates
                                 : o->replicates;
    size_t per_rep = (size_t)nscen * (size_t)days * SIM_MET_N * sizeof(double);
    int64_t membatch = (int64_t)(ANA_COMPARE_BATCH_BYTES / (per_rep ? per_rep : 1));
    if (membatch < 1)
        membatch = 1;

    sim_status s = SIM_OK;
    ana_cmpw *w = NULL;
    ana_table *t = NULL;
    char **labels = make_labels(o);
    ana_cmp_scen *rec = calloc((size_t)nscen, sizeof *rec);
    uint64_t *seeds = malloc((size_t)cap * sizeof *seeds);
    double *rep = malloc((size_t)nscen * (size_t)nmet * (size_t)cap * sizeof *rep);
    double *city = NULL;
    int64_t city_cap = 0;
    ana_cmp_post *post = NULL;
    int pidx[ABC_MAX_PARAMS];
    progress_state ps = {{0}, 0};
    prg_start(&ps.m, o->progress ? o->log : NULL, "compare", "runs", 0, 0);
    if (!labels || !rec || !seeds || !rep) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for %lld replicates",
                     (long long)cap);
        goto fail;
    }
    for (int64_t r = 0; r < cap; r++)
        seeds[r] = ana_compare_seed(o->seed_base, r);

    if (o->posterior && (s = post_draws(o, nmet, &post, pidx, err)) != SIM_OK)
        goto fail;
    s = ana_cmpw_open(&w, o->out, o->force, sim_metric_table, SIM_MET_N, err);
    if (s != SIM_OK)
        goto fail;
    s = scen_records(o, labels, rec, err);
    /* a chunk holds the replicates of one append (at most ~4 MB) */
    int64_t chunk_rows = o->auto_rep ? ANA_AUTO_BATCH : (cap < membatch ? cap : membatch);
    int64_t max_rows = (int64_t)((4u << 20) / ((size_t)days * sizeof(double)));
    if (chunk_rows > max_rows)
        chunk_rows = max_rows > 1 ? max_rows : 1;
    if (s == SIM_OK)
        s = ana_cmpw_scenarios(w, days, chunk_rows, rec, nscen, err);
    if (s != SIM_OK)
        goto fail;

    int64_t done = 0;
    int met = 0;
    for (;;) {
        int64_t target = !o->auto_rep ? cap
                         : done == 0  ? (ANA_AUTO_FIRST < cap ? ANA_AUTO_FIRST : cap)
                                      : (done + ANA_AUTO_BATCH < cap ? done + ANA_AUTO_BATCH : cap);
        ps.m.total = target * nscen;
        while (done < target) {
            int64_t b = target - done < membatch ? target - done : membatch;
            if (b > city_cap) {
                free(city);
                city_cap = b;
                city = malloc((size_t)b * per_rep);
                if (!city) {
                    s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL,
                                 "out of memory for %lld replicates of the series", (long long)b);
                    goto fail;
                }
            }
            s = run_batch(o, seeds, post, pidx, done, b, days, city, &ps, err);
            if (s != SIM_OK)
                goto fail;
            s = ana_cmpw_append(w, b, city, err);
            if (s != SIM_OK)
                goto fail;
            for (int i = 0; i < nscen; i++)
                for (int64_t r = 0; r < b; r++) {
                    const double *run =
                        city + ((size_t)i * (size_t)b + (size_t)r) * (size_t)days * SIM_MET_N;
                    for (int k = 0; k < nmet; k++)
                        rep[((size_t)i * (size_t)nmet + (size_t)k) * (size_t)cap +
                            (size_t)(done + r)] = window_mean(run, o->metrics[k], from, to);
                }
            done += b;
        }
        ana_table_destroy(t);
        t = build_table(o, labels, rep, cap, done, days, from, to, err);
        if (!t) {
            s = err->code;
            goto fail;
        }
        if (!o->auto_rep)
            break;
        int *bad = malloc((size_t)nmet * sizeof *bad);
        if (!bad) {
            s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
            goto fail;
        }
        met = ana_compare_unmet(t, o->tolerance, bad) == 0;
        free(bad);
        if (met || done >= cap)
            break;
    }
    prg_end(&ps.m, ps.done);
    info->replicates = done;
    info->tolerance_met = met;
    info->seconds = prg_now() - ps.m.t0;

    ana_cmp_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.days = days;
    meta.compounds = o->scen[0].params.city_compounds;
    meta.replicates = done;
    meta.win_from = from;
    meta.win_to = to;
    meta.level = t->level;
    meta.seed_base = o->seed_base;
    meta.seeds = seeds;
    meta.auto_rep = o->auto_rep;
    meta.tolerance = o->tolerance;
    meta.max_replicates = o->max_replicates;
    meta.auto_batch = ANA_AUTO_BATCH;
    meta.tolerance_met = met;
    meta.threads = o->threads;
    meta.command_line = (char *)(o->command_line ? o->command_line : "");
    if (post && (s = post_effects(t, post, err)) != SIM_OK)
        goto fail;
    meta.post = post;
    s = ana_cmpw_finish(w, &meta, t, err);
    if (s != SIM_OK)
        goto fail;
    ana_cmpw *wc = w;
    w = NULL;
    s = ana_cmpw_commit(wc, err);
    if (s != SIM_OK)
        goto fail;
    *table = t;
    t = NULL;
    info->post = post;
    post = NULL;
fail:
    ana_cmp_post_destroy(post);
    if (s != SIM_OK)
        prg_break(&ps.m); /* end the progress line before the message */
    ana_cmpw_abort(w);
    ana_table_destroy(t);
    for (int i = 0; rec && i < nscen; i++) {
        free(rec[i].resolved_ini);
        ana_diff_free(&rec[i].changes);
    }
    free(rec);
    free_labels(labels, nscen);
    free(seeds);
    free(rep);
    free(city);
    return s;
}
