/* sim/runner.c — see runner.h. */
#include "runner.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hold.h"
#include "model.h"
#include "progress.h"

void sim_result_destroy(sim_result *r)
{
    if (!r)
        return;
    sim_world_destroy(r->world);
    free(r->city);
    free(r->sample_day);
    free(r->forked_from);
    for (int m = 0; m < SIM_MET_N; m++) {
        free(r->panel[m]);
        free(r->subpanel[m]);
    }
    free(r);
}

/* Policies taking effect at the start of `day`. */
static sim_status apply_changes(mdl_model *m, const scn_scenario *s, int *next, int64_t day,
                                sim_error *err)
{
    while (*next < s->nchanges && s->changes[*next].day <= day) {
        const scn_change *ch = &s->changes[*next];
        SIM_TRY(err, mdl_apply_change(m, ch->param, ch->value, day, err));
        (*next)++;
    }
    return SIM_OK;
}

/* A fork may change levers only: every other parameter of s must equal the
 * checkpoint's (run.days and run.seed aside). */
static sim_status check_structure(const scn_scenario *s, const sim_checkpoint *ck, sim_error *err)
{
    const ckpt_info *in = ckpt_get_info(ck);
    int days = sim_param_find("run.days"), seed = sim_param_find("run.seed");
    for (int i = 0; i < sim_param_count; i++) {
        if ((sim_param_table[i].flags & SIM_PF_MUTABLE) || i == days || i == seed)
            continue;
        double a = sim_param_get(&s->params, i), b = sim_param_get(&in->params, i);
        if (a == b)
            continue;
        char va[64], vb[64];
        sim_param_format_value(i, a, va, sizeof va);
        sim_param_format_value(i, b, vb, sizeof vb);
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, sim_param_table[i].key,
                        "the scenario sets %s = %s but the checkpoint %s has %s = %s; a "
                        "run from a checkpoint keeps the city's structure and may change "
                        "only levers (parameters a policy may change)",
                        sim_param_table[i].key, va, ckpt_path(ck), sim_param_table[i].key, vb);
    }
    if (s->params.run_days <= in->day)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "run.days",
                        "the run has %lld days but the checkpoint %s is at day %lld: "
                        "run.days must be larger than the checkpoint's day",
                        (long long)s->params.run_days, ckpt_path(ck), (long long)in->day);
    return SIM_OK;
}

/* The levers at the checkpoint's day: s's initial values with its changes
 * dated before the day applied; each lever that differs from the model's
 * current value is changed once.  *next is the index of the next change. */
static sim_status fork_levers(mdl_model *m, const scn_scenario *s, int64_t day, int *next,
                              sim_error *err)
{
    sim_params target = s->params;
    *next = 0;
    while (*next < s->nchanges && s->changes[*next].day < day) {
        sim_param_put(&target, s->changes[*next].param, s->changes[*next].value);
        (*next)++;
    }
    for (int i = 0; i < sim_param_count; i++) {
        if (!(sim_param_table[i].flags & SIM_PF_MUTABLE))
            continue;
        double v = sim_param_get(&target, i);
        if (v != sim_param_get(&m->p, i))
            SIM_TRY(err, mdl_apply_change(m, i, v, day, err));
    }
    return SIM_OK;
}

/* Everything a run keeps while it runs. */
typedef struct {
    sim_ctx *ctx;
    const scn_scenario *s;
    const sim_run_opts *o;
    const ckpt_info *from; /* the checkpoint started from, or NULL */
    sim_result *r;
    mdl_model *m;
    sim_state *st; /* the model's registry (checkpoints), or NULL */
    char *ini;     /* the scenario's resolved INI (checkpoints) */
    uint64_t world_seed;
    double *sacc;                     /* [nsub * nsp] sums of the sub-district phases' counts
                           between samples (the compound-panel metrics of the
                           sub-district panel are summed from the compounds'
                           running sums, kept in the tally's panel columns) */
    int nsp;                          /* columns of sacc */
    int scol[SIM_MET_N];              /* column of metric m in sacc, or -1 */
    int panel_metric[SIM_MET_N], npm; /* the metrics with a compound-panel column */
    int sub_metric[SIM_MET_N], nsm;   /* the others of the sub-district panel */
    int next;                         /* next policy change */
    int64_t sample;                   /* panel rows done */
    int64_t saved;                    /* day of the latest checkpoint (or the first day) */
    int64_t hold_day;                 /* the test hook's day (sim_hold_at), or -1 */
    prg_meter meter;                  /* progress (silent until the day loop) */
} run_state;

/* The panels' work for sub-district sd at the end of a day (see the day
 * loop in sim_run_ex): on sampling days its compounds' panel rows and its
 * own panel row; every day its own tally row's counts are summed. */
static void panel_subdistrict(run_state *rs, int64_t sd, int is_sample)
{
    sim_result *r = rs->r;
    const sim_tally *t = rs->m->tally;
    const int64_t ncomp = r->world->ncomp, nsub = r->world->nsub, sample = rs->sample;
    const int32_t *sub_comp0 = r->world->sub_comp0;
    const int npm = rs->npm, nsm = rs->nsm, nsp = rs->nsp;
    const int *panel_metric = rs->panel_metric, *sub_metric = rs->sub_metric;
    double *sacc = rs->sacc;
    if (is_sample) {
        double snum[SIM_NPANEL + 1], sden[SIM_NPANEL + 1]; /* by panel column */
        for (int j = 0; j < SIM_NPANEL; j++)
            snum[j] = sden[j] = 0.0;
        for (int64_t c = sub_comp0[sd]; c < sub_comp0[sd + 1]; c++) {
            double *pn = t->pnum + c * SIM_NPANEL, *pd = t->pden + c * SIM_NPANEL;
            for (int j = 0; j < npm; j++) {
                const int k = panel_metric[j], col = sim_metric_pcol[k];
                const double num = pn[col], den = pd[col];
                if (!sim_metric_ratio[k]) {
                    r->panel[k][sample * ncomp + c] = (float)num;
                    snum[col] += num;
                } else {
                    r->panel[k][sample * ncomp + c] = (float)(den != 0.0 ? num / den : 0.0);
                    snum[col] += num;
                    sden[col] += den;
                }
            }
            memset(pn, 0, SIM_NPANEL * sizeof *pn);
            memset(pd, 0, SIM_NPANEL * sizeof *pd);
        }
        for (int j = 0; j < npm; j++) {
            const int k = panel_metric[j], col = sim_metric_pcol[k];
            r->subpanel[k][sample * nsub + sd] = (float)(!sim_metric_ratio[k] ? snum[col]
                                                         : sden[col] != 0.0 ? snum[col] / sden[col]
                                                                            : 0.0);
        }
    }
    const int64_t row = sim_tally_row(t, sim_tally_sub(t, sd));
    const double *rn = t->num + row * SIM_TALLY_STRIDE, *rd = t->den + row * SIM_TALLY_STRIDE;
    for (int j = 0; j < nsm; j++) {
        int k = sub_metric[j];
        if (!sim_metric_ratio[k]) {
            double *a = &sacc[sd * nsp + rs->scol[k]];
            *a += rn[k];
            if (is_sample) {
                r->subpanel[k][sample * nsub + sd] = (float)*a;
                *a = 0.0;
            }
        } else if (is_sample) {
            r->subpanel[k][sample * nsub + sd] = (float)(rd[k] != 0.0 ? rn[k] / rd[k] : 0.0);
        }
    }
}

static sim_status write_checkpoint(run_state *rs, int64_t day)
{
    const sim_result *r = rs->r;
    ckpt_info in;
    memset(&in, 0, sizeof in);
    in.scenario_name = rs->s->name;
    in.resolved_ini = rs->ini;
    in.sources = rs->s->sources ? rs->s->sources : "";
    in.forked_from = r->forked_from ? r->forked_from : "";
    in.seed = r->seed;
    in.world_seed = rs->world_seed;
    in.day = day;
    in.next_change = rs->next;
    in.params = rs->m->p;
    in.city = r->city;
    in.ncomp = r->world->ncomp;
    in.nsamples = rs->sample;
    in.sample_day = r->sample_day;
    for (int k = 0; k < SIM_MET_N; k++) {
        in.panel[k] = r->panel[k];
        in.subpanel[k] = r->subpanel[k];
    }
    /* the compound panel's running sums: the tally's panel columns (its
     * ratio columns are zero between days) */
    in.nacc = (int64_t)r->world->ncomp * SIM_NPANEL;
    in.acc = rs->m->tally->pnum;
    in.nsub = r->world->nsub;
    in.nsacc = (int64_t)r->world->nsub * rs->nsp;
    in.sacc = rs->sacc;
    return ckpt_write(rs->o->checkpoint_path, &in, rs->st,
                      rs->o->command_line ? rs->o->command_line : "", rs->ctx->threads,
                      &rs->ctx->err);
}

/* Copy the result so far from a checkpoint into the new result. */
static sim_status resume_result(run_state *rs, const ckpt_info *in)
{
    sim_result *r = rs->r;
    sim_error *err = &rs->ctx->err;
    int64_t ncomp = r->world->ncomp, nsub = r->world->nsub;
    if (in->ncomp != ncomp || in->nacc != ncomp * SIM_NPANEL || in->nsamples > r->nsamples ||
        in->nsub != nsub || in->nsacc != nsub * rs->nsp)
        return SIM_FAIL(err, SIM_EINPUT, ckpt_path(rs->o->from), 0, "--checkpoint",
                        "the checkpoint's result (%lld compounds, %lld sub-districts, %lld+%lld "
                        "accumulators, %lld panel rows) does not fit this run (%lld compounds, "
                        "%lld sub-districts, %lld+%lld, at most %lld rows)",
                        (long long)in->ncomp, (long long)in->nsub, (long long)in->nacc,
                        (long long)in->nsacc, (long long)in->nsamples, (long long)ncomp,
                        (long long)nsub, (long long)(ncomp * SIM_NPANEL),
                        (long long)(nsub * rs->nsp), (long long)r->nsamples);
    memcpy(r->city, in->city, sizeof(double) * (size_t)in->day * SIM_MET_N);
    if (in->nsamples > 0)
        memcpy(r->sample_day, in->sample_day, sizeof(int64_t) * (size_t)in->nsamples);
    for (int k = 0; k < SIM_MET_N; k++)
        if (r->panel[k] && in->nsamples > 0)
            memcpy(r->panel[k], in->panel[k], sizeof(float) * (size_t)(in->nsamples * ncomp));
    for (int k = 0; k < SIM_MET_N; k++)
        if (r->subpanel[k] && in->nsamples > 0)
            memcpy(r->subpanel[k], in->subpanel[k], sizeof(float) * (size_t)(in->nsamples * nsub));
    if (in->nacc > 0)
        memcpy(rs->m->tally->pnum, in->acc, sizeof(double) * (size_t)in->nacc);
    if (in->nsacc > 0)
        memcpy(rs->sacc, in->sacc, sizeof(double) * (size_t)in->nsacc);
    rs->sample = in->nsamples;
    return SIM_OK;
}

sim_status sim_run(sim_ctx *ctx, const scn_scenario *s, sim_result **out)
{
    return sim_run_ex(ctx, s, NULL, out);
}

/* ---- setting up --------------------------------------------------------------- */

/* Before anything is built: the options, and a checkpoint to start from. */
static sim_status check_start(const run_state *rs)
{
    sim_error *err = &rs->ctx->err;
    const sim_run_opts *o = rs->o;
    if (o->checkpoint_every > 0 && (!o->checkpoint_path || !o->checkpoint_path[0]))
        return SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL, "checkpoints without a path");
    if (!rs->from)
        return SIM_OK;
    SIM_TRY(err, check_structure(rs->s, o->from, err));
    /* the checkpoint's current levers: each in range when loaded, and
     * together by the rules across parameters */
    if (mdl_params_check(&rs->from->params, err) != SIM_OK) {
        snprintf(err->file, sizeof err->file, "%s", ckpt_path(o->from));
        snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
                 " (in /run/params)");
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* The city and the model as they were built (a checkpoint's are rebuilt
 * with its parameters and seeds, then its state is put back), the state
 * registry when checkpoints are read or written, the resolved scenario
 * when they are written. */
static sim_status build_model(run_state *rs)
{
    sim_error *err = &rs->ctx->err;
    const sim_run_opts *o = rs->o;
    sim_result *r = rs->r;
    const sim_params *built = rs->from ? &rs->from->params : &rs->s->params;
    if (o->forked_from && o->forked_from[0] && !(r->forked_from = strdup(o->forked_from)))
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    SIM_TRY(err, sim_world_create(&r->world, built, rs->world_seed, err));
    SIM_TRY(err, mdl_create(&rs->m, r->world, built, rs->from ? rs->from->seed : r->seed, err));
    if (rs->from || o->checkpoint_every > 0) {
        if (!(rs->st = sim_state_create()))
            return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the state registry");
        mdl_state_register(rs->m, rs->st);
        SIM_TRY(err, sim_state_status(rs->st, err));
    }
    if (o->checkpoint_every > 0 && !(rs->ini = scn_resolved_ini(rs->s)))
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    return SIM_OK;
}

/* The city series, the panels (per compound and per sub-district), the
 * sub-district phases' running sums, and the lists of metrics the daily
 * panel work visits. */
static sim_status alloc_outputs(run_state *rs)
{
    sim_error *err = &rs->ctx->err;
    sim_result *r = rs->r;
    const int64_t ncomp = r->world->ncomp, nsub = r->world->nsub;
    const size_t rows = (size_t)(r->nsamples ? r->nsamples : 1);
    r->city = malloc(sizeof(double) * (size_t)r->days * SIM_MET_N);
    r->sample_day = malloc(sizeof(int64_t) * rows);
    if (!r->city || !r->sample_day)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the outputs");
    for (int k = 0; k < SIM_MET_N; k++) {
        if (!sim_metric_table[k].panel[0])
            continue;
        if (!(r->panel[k] = calloc(rows * (size_t)ncomp, sizeof(float))))
            return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the panel");
    }
    if (r->world->sub_comp0[nsub] != ncomp)
        return SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL,
                        "the sub-districts hold %lld compounds of %lld",
                        (long long)r->world->sub_comp0[nsub], (long long)ncomp);
    for (int k = 0; k < SIM_MET_N; k++) {
        /* running sums only for the sub-district phases' counts: the
         * compound-panel ones are summed from the compounds' sums on sampling days */
        rs->scol[k] = sim_metric_subphase[k] && !sim_metric_table[k].panel[0] &&
                              sim_metric_table[k].kind == SIM_M_COUNT
                          ? rs->nsp++
                          : -1;
        if (!sim_metric_subpanel(k))
            continue;
        if (!(r->subpanel[k] = calloc(rows * (size_t)nsub, sizeof(float))))
            return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL,
                            "out of memory for the sub-district panel");
    }
    rs->sacc = calloc((size_t)(nsub > 0 && rs->nsp > 0 ? nsub * rs->nsp : 1), sizeof *rs->sacc);
    if (!rs->sacc)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the outputs");
    /* the metrics with a panel column, and those the sub-district phases
     * fill, so the daily loop skips the others */
    for (int k = 0; k < SIM_MET_N; k++) {
        if (r->panel[k])
            rs->panel_metric[rs->npm++] = k;
        else if (r->subpanel[k])
            rs->sub_metric[rs->nsm++] = k;
    }
    return SIM_OK;
}

/* Starting from a checkpoint: its state and result so far, then the
 * scenario's seed and days, and its levers at the checkpoint's day. */
static sim_status restore_checkpoint(run_state *rs)
{
    sim_error *err = &rs->ctx->err;
    const ckpt_info *from = rs->from;
    mdl_model *m = rs->m;
    SIM_TRY(err, ckpt_restore(rs->o->from, rs->st, err));
    SIM_TRY(err, resume_result(rs, from));
    if (mdl_state_day(m) != (double)from->day)
        return SIM_FAIL(err, SIM_EINPUT, ckpt_path(rs->o->from), 0, "enf.q0.now",
                        "the state is that of day %.17g, the checkpoint says day %lld (a "
                        "damaged or edited checkpoint)",
                        mdl_state_day(m), (long long)from->day);
    m->seed = rs->r->seed; /* the streams from here on */
    m->p.run_seed = rs->s->params.run_seed;
    m->p.run_days = rs->s->params.run_days;
    return fork_levers(m, rs->s, from->day, &rs->next, err);
}

/* ---- the phases of a day ------------------------------------------------------ */

/* A stop asked for (a signal, or opts.stop_at) at the start of `day`: a
 * checkpoint of the day reached when checkpointing (unless one was just
 * written), then SIM_EINTERRUPT.  The test hook sim_hold("day") waits here. */
static sim_status check_stop(run_state *rs, int64_t day)
{
    sim_ctx *ctx = rs->ctx;
    const sim_run_opts *o = rs->o;
    if (day == rs->hold_day)
        sim_hold("day", day, ctx->stop);
    if (!sim_ctx_stopping(ctx) && !(o->stop_at > 0 && day == o->stop_at))
        return SIM_OK;
    if (o->checkpoint_every > 0 && day > rs->saved)
        SIM_TRY(&ctx->err, write_checkpoint(rs, day));
    return SIM_FAIL(&ctx->err, SIM_EINTERRUPT, NULL, 0, NULL, "stopped by a signal on day %lld%s%s",
                    (long long)day, o->checkpoint_every > 0 ? "; resume from " : "",
                    o->checkpoint_every > 0 ? o->checkpoint_path : "");
}

/* Whether `day` ends a panel interval; the tally takes ratio additions to
 * its panel columns only on such days. */
static int start_sampling(run_state *rs, int64_t day)
{
    const int is_sample =
        (day + 1) % rs->s->params.run_panel_interval == 0 && rs->sample < rs->r->nsamples;
    rs->m->tally->sampling = is_sample;
    return is_sample;
}

/* The panels: per compound, counts summed between samples (the tally
 * keeps those running sums in its count columns) and ratios taken on the
 * sampling day (the tally takes ratio additions only on that day).  Per
 * sub-district, on sampling days: a compound-panel count is the sum of
 * its compounds' interval sums, a ratio Σnum / Σden over its compounds (in
 * compound order); the metrics of the sub-district's own tally row are
 * summed daily (counts) or taken on the day (ratios), read here before
 * sim_tally_reduce zeroes the rows.  The compound columns are zeroed as
 * they are sampled, so no day needs a clearing pass. */
static void panels(run_state *rs, int is_sample)
{
    const int64_t ncomp = rs->r->world->ncomp, nsub = rs->r->world->nsub;
    if (is_sample && ncomp >= 2 * SIM_TALLY_BLOCK && nsub > 1 && sim_threads_available()) {
#pragma omp parallel for schedule(dynamic, 1)
        for (int64_t sd = 0; sd < nsub; sd++)
            panel_subdistrict(rs, sd, is_sample);
    } else {
        for (int64_t sd = 0; sd < nsub; sd++)
            panel_subdistrict(rs, sd, is_sample);
    }
}

/* The day's row of the city series (the tally's rows reduced and cleared);
 * a sampling day closes a panel row. */
static void city_series(run_state *rs, int64_t day, int is_sample)
{
    sim_result *r = rs->r;
    sim_tally_reduce(rs->m->tally, r->city + day * SIM_MET_N);
    rs->m->tally->clean = 1;
    if (is_sample)
        r->sample_day[rs->sample++] = day;
}

/* After every opts.checkpoint_every days done: a checkpoint of day + 1. */
static sim_status periodic_checkpoint(run_state *rs, int64_t day)
{
    const int64_t every = rs->o->checkpoint_every;
    if (every <= 0 || (day + 1) % every != 0)
        return SIM_OK;
    SIM_TRY(&rs->ctx->err, write_checkpoint(rs, day + 1));
    rs->saved = day + 1;
    return SIM_OK;
}

/* The days from the first to run.days: the schedule of the run. */
static sim_status run_days(run_state *rs)
{
    sim_ctx *ctx = rs->ctx;
    sim_error *err = &ctx->err;
    const int64_t first = rs->r->first_day, days = rs->r->days;
    rs->saved = first;
    rs->hold_day = sim_hold_at("day"); /* a test hook: -1 unless set */
    double t0 = prg_now();
    prg_start(&rs->meter, ctx->progress ? ctx->log : NULL, "run", "days", days, first);
    for (int64_t day = first; day < days; day++) {
        SIM_TRY(err, check_stop(rs, day));
        const int is_sample = start_sampling(rs, day);
        SIM_TRY(err, apply_changes(rs->m, rs->s, &rs->next, day, err));
        SIM_TRY(err, mdl_step(rs->m, ctx, day));
        panels(rs, is_sample);
        city_series(rs, day, is_sample);
        SIM_TRY(err, periodic_checkpoint(rs, day));
        prg_step(&rs->meter, day + 1);
    }
    prg_end(&rs->meter, days);
    rs->r->seconds = prg_now() - t0;
    return SIM_OK;
}

/* The wall time of each group of the model's phases, and of the rest. */
static void keep_timing(run_state *rs)
{
    sim_result *r = rs->r;
    _Static_assert(MDL_NGROUPS <= SIM_MAX_GROUPS, "SIM_MAX_GROUPS is too small");
    r->ngroups = MDL_NGROUPS;
    r->group_name = mdl_group_name;
    double in_groups = 0.0;
    for (int g = 0; g < MDL_NGROUPS; g++)
        in_groups += r->group_seconds[g] = rs->m->group_seconds[g];
    r->panel_seconds = r->seconds - in_groups;
}

sim_status sim_run_ex(sim_ctx *ctx, const scn_scenario *s, const sim_run_opts *opts,
                      sim_result **out)
{
    *out = NULL;
    const sim_run_opts none = {0};
    run_state rs;
    memset(&rs, 0, sizeof rs);
    rs.ctx = ctx;
    rs.s = s;
    rs.o = opts ? opts : &none;
    rs.from = rs.o->from ? ckpt_get_info(rs.o->from) : NULL;
    sim_error *err = &ctx->err;
    SIM_TRY(err, check_start(&rs));
    rs.world_seed = rs.from ? rs.from->world_seed : (uint64_t)s->params.run_seed;
    sim_result *r = rs.r = calloc(1, sizeof *r);
    if (!r)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    r->days = s->params.run_days;
    r->seed = (uint64_t)s->params.run_seed;
    r->first_day = rs.from ? rs.from->day : 0;
    r->nsamples = r->days / s->params.run_panel_interval;
    sim_status st = build_model(&rs);
    if (st == SIM_OK)
        st = alloc_outputs(&rs);
    if (st == SIM_OK && rs.from)
        st = restore_checkpoint(&rs);
    if (st == SIM_OK)
        st = run_days(&rs);
    if (st == SIM_OK) {
        keep_timing(&rs);
        *out = r;
        r = NULL;
    } else {
        prg_break(&rs.meter);
    }
    free(rs.sacc);
    free(rs.ini);
    sim_state_destroy(rs.st);
    mdl_destroy(rs.m);
    sim_result_destroy(r);
    return st;
}

sim_status sim_result_write(const sim_result *r, const scn_scenario *s, const char *path, int force,
                            const char *command_line, int threads, sim_error *err)
{
    sim_output *o = NULL;
    char *ini = scn_resolved_ini(s);
    if (!ini)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    sim_status st = out_open(&o, path, force, err);
    if (st != SIM_OK) {
        free(ini);
        return st;
    }
    sim_provenance pv = {s->name,      ini,           s->sources ? s->sources : "",
                         command_line, r->seed,       r->days,
                         threads,      r->forked_from};
    st = out_write_provenance(o, &pv, &s->params, err);
    if (st == SIM_OK)
        st = out_write_city(o, r->days, r->city, err);
    if (st == SIM_OK)
        st = out_write_compounds(o, r->world, r->nsamples, r->sample_day, (float *const *)r->panel,
                                 err);
    if (st == SIM_OK)
        st = out_write_subdistricts(o, r->world, r->nsamples, r->sample_day,
                                    (float *const *)r->subpanel, err);
    free(ini);
    if (st != SIM_OK) {
        out_abort(o);
        return st;
    }
    return out_commit(o, err);
}
