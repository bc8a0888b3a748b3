/* sim/runner.c — see runner.h. */
#include "runner.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "models/model.h"

void sim_result_destroy(sim_result *r)
{
    if (!r)
        return;
    sim_world_destroy(r->world);
    free(r->city);
    free(r->sample_day);
    for (int m = 0; m < SIM_MET_N; m++)
        free(r->panel[m]);
    free(r);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One progress line, rewritten in place: days done, rate, time left. */
static void progress(sim_ctx *ctx, int64_t done, int64_t days, double t0, double *last,
                     int final)
{
    if (!ctx->progress || !ctx->log)
        return;
    double t = now_seconds();
    if (!final && t - *last < 0.25)
        return;
    *last = t;
    double rate = done / (t - t0 > 1e-9 ? t - t0 : 1e-9);
    double left = rate > 0 ? (double)(days - done) / rate : 0.0;
    fprintf(ctx->log, "\r  day %lld/%lld (%3d%%)  %.0f days/s  %.0f s left   ",
            (long long)done, (long long)days, (int)(100 * done / (days ? days : 1)), rate,
            left);
    if (final)
        fputc('\n', ctx->log);
    fflush(ctx->log);
}

/* Policies taking effect at the start of `day`. */
static void apply_changes(mdl_model *m, const scn_scenario *s, int *next, int64_t day)
{
    while (*next < s->nchanges && s->changes[*next].day <= day) {
        const scn_change *ch = &s->changes[*next];
        mdl_apply_change(m, ch->param, ch->value, day);
        (*next)++;
    }
}

sim_status sim_run(sim_ctx *ctx, const scn_scenario *s, sim_result **out)
{
    *out = NULL;
    sim_error *err = &ctx->err;
    const sim_params *p = &s->params;
    int64_t days = p->run_days;
    uint64_t seed = (uint64_t)p->run_seed;
    int64_t interval = p->run_panel_interval;

    sim_result *r = calloc(1, sizeof *r);
    if (!r)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    r->days = days;
    r->seed = seed;
    mdl_model *m = NULL;
    sim_status st = sim_world_create(&r->world, p, seed, err);
    if (st != SIM_OK)
        goto fail;
    st = mdl_create(&m, r->world, p, seed, err);
    if (st != SIM_OK)
        goto fail;

    int64_t ncomp = r->world->ncomp;
    r->nsamples = days / interval;
    r->city = malloc(sizeof(double) * (size_t)days * SIM_MET_N);
    r->sample_day = malloc(sizeof(int64_t) * (size_t)(r->nsamples ? r->nsamples : 1));
    /* running sums of counts between two samples, per panel metric */
    double *acc = calloc((size_t)ncomp * SIM_MET_N, sizeof *acc); /* >= npanel columns */
    if (!r->city || !r->sample_day || !acc) {
        free(acc);
        st = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the outputs");
        goto fail;
    }
    for (int k = 0; k < SIM_MET_N; k++) {
        if (!sim_metric_table[k].panel[0])
            continue;
        r->panel[k] = calloc((size_t)(r->nsamples ? r->nsamples : 1) * (size_t)ncomp,
                             sizeof(float));
        if (!r->panel[k]) {
            free(acc);
            st = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory for the panel");
            goto fail;
        }
    }

    /* the metrics with a panel column, so the daily loop skips the others */
    int panel_metric[SIM_MET_N], npm = 0;
    for (int k = 0; k < SIM_MET_N; k++)
        if (r->panel[k])
            panel_metric[npm++] = k;

    int next = 0;
    int64_t sample = 0;
    double t0 = now_seconds(), last = t0;
    for (int64_t day = 0; day < days; day++) {
        if (sim_ctx_stopping(ctx)) {
            free(acc);
            st = SIM_FAIL(err, SIM_EINTERRUPT, NULL, 0, NULL, "stopped by a signal on day %lld",
                          (long long)day);
            goto fail;
        }
        apply_changes(m, s, &next, day);
        st = mdl_step(m, ctx, day);
        if (st != SIM_OK) {
            free(acc);
            goto fail;
        }
        sim_tally_reduce(m->tally, r->city + day * SIM_MET_N);

        /* the per-compound panel: counts summed between samples, ratios
         * taken on the sampling day; each compound's tally entries are
         * zeroed once read, so the next day needs no clearing pass */
        sim_tally *t = m->tally;
        int is_sample = (day + 1) % interval == 0 && sample < r->nsamples;
        int np = t->npanel;
#pragma omp parallel for schedule(static)
        for (int64_t c = 0; c < ncomp; c++) {
            for (int j = 0; j < npm; j++) {
                int k = panel_metric[j], col = t->panel_col[k];
                const double num = t->pnum[c * np + col], den = t->pden[c * np + col];
                if (sim_metric_table[k].kind == SIM_M_COUNT) {
                    acc[c * np + col] += num;
                    if (is_sample) {
                        r->panel[k][sample * ncomp + c] = (float)acc[c * np + col];
                        acc[c * np + col] = 0.0;
                    }
                } else if (is_sample) {
                    r->panel[k][sample * ncomp + c] = (float)(den != 0.0 ? num / den : 0.0);
                }
            }
            memset(t->pnum + c * np, 0, (size_t)np * sizeof *t->pnum);
            memset(t->pden + c * np, 0, (size_t)np * sizeof *t->pden);
        }
        t->clean = 1;
        if (is_sample)
            r->sample_day[sample++] = day;
        progress(ctx, day + 1, days, t0, &last, 0);
    }
    progress(ctx, days, days, t0, &last, 1);
    r->seconds = now_seconds() - t0;
    free(acc);
    mdl_destroy(m);
    *out = r;
    return SIM_OK;

fail:
    if (ctx->progress && ctx->log)
        fputc('\n', ctx->log);
    mdl_destroy(m);
    sim_result_destroy(r);
    return st;
}

sim_status sim_result_write(const sim_result *r, const scn_scenario *s,
                            const char *path, int force, const char *command_line,
                            int threads, sim_error *err)
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
    sim_provenance pv = {s->name, ini, s->sources ? s->sources : "", command_line,
                         r->seed, r->days, threads};
    st = out_write_provenance(o, &pv, &s->params, err);
    if (st == SIM_OK)
        st = out_write_city(o, r->days, r->city, err);
    if (st == SIM_OK)
        st = out_write_compounds(o, r->world, r->nsamples, r->sample_day,
                                 (float *const *)r->panel, err);
    free(ini);
    if (st != SIM_OK) {
        out_abort(o);
        return st;
    }
    return out_commit(o, err);
}
