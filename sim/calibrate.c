/* sim/calibrate.c — see calibrate.h. */
#define _XOPEN_SOURCE 700 /* strdup */

#include "calibrate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <omp.h>

#include "design.h"
#include "afile.h"
#include "inifile.h"
#include "metrics.h"
#include "params.h"
#include "rng.h"
#include "progress.h"
#include "runner.h"
#include "troika_version.h"
#include "window.h"

/* ---- reading the file -------------------------------------------------------- */

static const char *top_keys[] = {
    "scenario",       "replicates", "seed",         "days",          "window",
    "iterations",     "tolerance",  "population",   "batch",         "generations",
    "simulations",    "quantile",   "kernel_scale", "min_tolerance", "min_acceptance",
    "abc_replicates", NULL};
#define TOP_KEYS_ALLOWED                                                                           \
    "scenario, replicates, seed, days, window, iterations, tolerance, population, batch, "         \
    "generations, simulations, quantile, kernel_scale, min_tolerance, min_acceptance, "            \
    "abc_replicates"

static int in_list(const char *k, const char **list)
{
    for (; *list; list++)
        if (strcmp(k, *list) == 0)
            return 1;
    return 0;
}

/* Integer value of entry e in [lo, hi], noting a problem otherwise. */
static int64_t int_value(sim_ini *f, const sim_ini_entry *e, int64_t lo, int64_t hi)
{
    char *end;
    errno = 0;
    long long v = strtoll(e->value, &end, 10);
    if (end == e->value || *end || errno || v < lo || v > hi) {
        sim_ini_note(f, e->line, e->key, "'%s' is not an integer from %lld to %lld", e->value,
                     (long long)lo, (long long)hi);
        return lo;
    }
    return v;
}

static double real_value(sim_ini *f, const sim_ini_entry *e, const char *key)
{
    char *end;
    errno = 0;
    double v = strtod(e->value, &end);
    if (end == e->value || *end || errno || !isfinite(v)) {
        sim_ini_note(f, e->line, key, "'%s' is not a number", e->value);
        return 0.0;
    }
    return v;
}

/* A list of metrics (commas or spaces) into m[0..*n). */
static void read_metric_list(sim_ini *f, const sim_ini_entry *e, const char *key, int *m, int *n)
{
    char list[512];
    snprintf(list, sizeof list, "%s", e->value);
    char *save = NULL;
    for (char *w = strtok_r(list, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
        int i = sim_metric_find(w);
        if (i < 0)
            sim_ini_note(f, e->line, key, "unknown metric '%s' (see troika metrics)", w);
        else if (*n >= CAL_MAX_OVER)
            sim_ini_note(f, e->line, key, "more than %d metrics", CAL_MAX_OVER);
        else
            m[(*n)++] = i;
    }
    if (*n == 0 && !f->bad_line)
        sim_ini_note(f, e->line, key, "names no metric (allowed: METRIC[, METRIC...])");
}

static void read_target(cal_calibration *c, sim_ini *f, const sim_ini_header *h)
{
    if (c->ntarget >= CAL_MAX_TARGETS) {
        sim_ini_note(f, h->line, h->name, "more than %d targets", CAL_MAX_TARGETS);
        return;
    }
    cal_target *t = &c->target[c->ntarget++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", h->name + strlen("target."));
    t->metric = -1;
    t->scale = 1.0;
    int has_value = 0, stat_line = h->line;
    for (int k = 0; k < f->nent; k++) {
        const sim_ini_entry *e = &f->ent[k];
        if (strcmp(e->section, h->name) != 0)
            continue;
        char key[300];
        snprintf(key, sizeof key, "%s.%s", h->name, e->key);
        if (!strcmp(e->key, "metric")) {
            t->metric = sim_metric_find(e->value);
            if (t->metric < 0)
                sim_ini_note(f, e->line, key, "unknown metric '%s' (see troika metrics)", e->value);
        } else if (!strcmp(e->key, "value")) {
            t->value = real_value(f, e, key);
            has_value = 1;
        } else if (!strcmp(e->key, "scale")) {
            t->scale = real_value(f, e, key);
            if (!(t->scale > 0))
                sim_ini_note(f, e->line, key, "the scale must be positive");
        } else if (!strcmp(e->key, "validate")) {
            if (!strcmp(e->value, "true"))
                t->validate = 1;
            else if (strcmp(e->value, "false") != 0)
                sim_ini_note(f, e->line, key, "'%s' (allowed: true, false)", e->value);
        } else if (!strcmp(e->key, "stat")) {
            if (!strcmp(e->value, "mean"))
                t->stat = CAL_STAT_MEAN;
            else if (!strcmp(e->value, "spread"))
                t->stat = CAL_STAT_SPREAD;
            else
                sim_ini_note(f, e->line, key, "'%s' (allowed: mean, spread)", e->value);
            stat_line = e->line;
        } else if (!strcmp(e->key, "over")) {
            read_metric_list(f, e, key, t->over, &t->nover);
        } else if (!strcmp(e->key, "plus")) {
            read_metric_list(f, e, key, t->plus, &t->nplus);
        } else if (!strcmp(e->key, "per")) {
            if (!strcmp(e->value, "day"))
                t->per = CAL_PER_DAY;
            else if (!strcmp(e->value, "compound_year"))
                t->per = CAL_PER_COMPOUND_YEAR;
            else if (!strcmp(e->value, "household_year"))
                t->per = CAL_PER_HOUSEHOLD_YEAR;
            else
                sim_ini_note(f, e->line, key, "'%s' (allowed: day, compound_year, household_year)",
                             e->value);
        } else if (!strcmp(e->key, "tolerance")) {
            t->tolerance = real_value(f, e, key);
            if (!(t->tolerance > 0))
                sim_ini_note(f, e->line, key, "the tolerance must be positive");
        } else {
            sim_ini_note(f, e->line, key,
                         "unknown key (allowed: metric, value, scale, per, stat, over, plus, "
                         "validate)");
        }
    }
    if (!(t->tolerance > 0))
        t->tolerance = t->scale;
    if (t->stat == CAL_STAT_SPREAD && t->metric >= 0 && !f->bad_line &&
        (!sim_metric_table[t->metric].panel[0] || t->nover || t->nplus || t->per != CAL_PER_DAY))
        sim_ini_note(f, stat_line, h->name,
                     "stat = spread needs a metric of the per-compound panel ('%s' %s), "
                     "without over, plus or per",
                     sim_metric_table[t->metric].name,
                     sim_metric_table[t->metric].panel[0] ? "is one" : "is not");
    if (t->metric < 0 && !f->bad_line)
        sim_ini_note(f, h->line, h->name, "a target needs metric = NAME");
    if (!has_value && !f->bad_line)
        sim_ini_note(f, h->line, h->name, "a target needs value = NUMBER");
}

static void read_free(cal_calibration *c, sim_ini *f, const sim_ini_header *h)
{
    const char *key = h->name + strlen("free.");
    int i = sim_param_find(key);
    if (i < 0) {
        const char *sug = sim_param_suggest(key);
        sim_ini_note(f, h->line, h->name, "unknown parameter '%s'%s%s%s", key,
                     sug ? " (did you mean " : "", sug ? sug : "", sug ? "?)" : "");
        return;
    }
    const sim_param_desc *d = &sim_param_table[i];
    if (d->type != SIM_P_REAL) {
        sim_ini_note(f, h->line, h->name, "only real parameters can be fitted ('%s' is %s)", key,
                     sim_ptype_name(d->type));
        return;
    }
    if (d->prov != SIM_PROV_ASSUME) {
        /* only what is uncertain is fitted: a sourced value, a setting (a
         * measurement rule, scale, run control, a lever) is not a knob */
        sim_ini_note(f, h->line, h->name,
                     "'%s' is not marked uncertain (its provenance is %s, not an assumption "
                     "row of models/params.def): only ASSUME parameters may be fitted",
                     key, sim_prov_name(d->prov));
        return;
    }
    if (c->nfree >= CAL_MAX_FREE) {
        sim_ini_note(f, h->line, h->name, "more than %d free parameters", CAL_MAX_FREE);
        return;
    }
    cal_free *v = &c->free[c->nfree++];
    v->param = i;
    /* default bounds: the assumption's plausible range */
    v->min = d->prior_lo;
    v->max = d->prior_hi;
    v->start = NAN;
    v->prior = ABC_UNIFORM;
    v->mean = v->sd = NAN;
    for (int k = 0; k < f->nent; k++) {
        const sim_ini_entry *e = &f->ent[k];
        if (strcmp(e->section, h->name) != 0)
            continue;
        char q[300];
        snprintf(q, sizeof q, "%s.%s", h->name, e->key);
        if (!strcmp(e->key, "prior")) {
            int kind = abc_prior_parse(e->value);
            if (kind < 0)
                sim_ini_note(f, e->line, q, "'%s' (allowed: uniform, log-uniform, normal)",
                             e->value);
            else
                v->prior = (abc_prior_kind)kind;
            continue;
        }
        double x = real_value(f, e, q);
        if (!strcmp(e->key, "mean"))
            v->mean = x;
        else if (!strcmp(e->key, "sd"))
            v->sd = x;
        else if (!strcmp(e->key, "min"))
            v->min = x;
        else if (!strcmp(e->key, "max"))
            v->max = x;
        else if (!strcmp(e->key, "start"))
            v->start = x;
        else
            sim_ini_note(f, e->line, q, "unknown key (allowed: min, max, start, prior, mean, sd)");
    }
    if (v->prior == ABC_LOG_UNIFORM && !(v->min > 0))
        sim_ini_note(f, h->line, h->name, "a log-uniform prior needs min > 0 (min is %g)", v->min);
    if (v->prior == ABC_NORMAL && !(isfinite(v->mean) && v->sd > 0))
        sim_ini_note(f, h->line, h->name, "a normal prior needs mean = NUMBER and sd > 0");
    if (v->min < d->lo || v->max > d->hi || !(v->min < v->max))
        sim_ini_note(f, h->line, h->name,
                     "bounds [%g, %g] must satisfy %g <= min < max <= %g (the parameter's range)",
                     v->min, v->max, d->lo, d->hi);
}

sim_status cal_load(cal_calibration *c, const char *path, sim_error *err)
{
    memset(c, 0, sizeof *c);
    scn_init_default(&c->base);
    snprintf(c->path, sizeof c->path, "%s", path);
    c->replicates = 10;
    c->seed = 1;
    c->iterations = 80;
    c->tolerance = 0.01;
    abc_config_default(&c->abc);
    c->abc_replicates = 1;
    char *text = NULL;
    size_t len = 0;
    int e = sim_ini_read_file(path, 1 << 20, &text, &len);
    if (e)
        return SIM_FAIL(err, e == ENOMEM ? SIM_ENOMEM : SIM_EINPUT, path, 0, "",
                        "cannot read the calibration file: %s", sim_file_strerror(e));
    sim_ini f;
    sim_ini_init(&f, path, text, len);
    sim_status st = sim_ini_parse(&f, err);
    const char *scenario = NULL;
    int scenario_line = 0;
    const char *window = NULL;
    int window_line = 0;
    for (int k = 0; st == SIM_OK && k < f.nent; k++) {
        const sim_ini_entry *en = &f.ent[k];
        if (en->section[0])
            continue;
        if (!in_list(en->key, top_keys)) {
            sim_ini_note(&f, en->line, en->key, "unknown key (allowed: " TOP_KEYS_ALLOWED ")");
        } else if (!strcmp(en->key, "scenario")) {
            scenario = en->value;
            scenario_line = en->line;
        } else if (!strcmp(en->key, "replicates")) {
            c->replicates = (int)int_value(&f, en, 1, 10000);
        } else if (!strcmp(en->key, "seed")) {
            c->seed = (uint64_t)int_value(&f, en, 0, INT64_MAX);
        } else if (!strcmp(en->key, "days")) {
            c->days = int_value(&f, en, 1, 36500);
        } else if (!strcmp(en->key, "iterations")) {
            c->iterations = (int)int_value(&f, en, 1, 100000);
        } else if (!strcmp(en->key, "tolerance")) {
            c->tolerance = real_value(&f, en, "tolerance");
        } else if (!strcmp(en->key, "population")) {
            c->abc.population = (int)int_value(&f, en, 2, 1000000);
        } else if (!strcmp(en->key, "batch")) {
            c->abc.batch = (int)int_value(&f, en, 1, 1000000);
        } else if (!strcmp(en->key, "generations")) {
            c->abc.max_generations = (int)int_value(&f, en, 1, 1000);
        } else if (!strcmp(en->key, "simulations")) {
            c->abc.max_simulations = int_value(&f, en, 2, SWP_MAX_RUNS);
        } else if (!strcmp(en->key, "abc_replicates")) {
            c->abc_replicates = (int)int_value(&f, en, 1, 10000);
        } else if (!strcmp(en->key, "quantile")) {
            c->abc.quantile = real_value(&f, en, "quantile");
            if (!(c->abc.quantile > 0 && c->abc.quantile < 1))
                sim_ini_note(&f, en->line, en->key, "%g is not in (0, 1)", c->abc.quantile);
        } else if (!strcmp(en->key, "kernel_scale")) {
            c->abc.kernel_scale = real_value(&f, en, "kernel_scale");
            if (!(c->abc.kernel_scale > 0))
                sim_ini_note(&f, en->line, en->key, "the kernel scale must be positive");
        } else if (!strcmp(en->key, "min_tolerance")) {
            c->abc.min_tolerance = real_value(&f, en, "min_tolerance");
            if (!(c->abc.min_tolerance >= 0))
                sim_ini_note(&f, en->line, en->key, "the tolerance cannot be negative");
        } else if (!strcmp(en->key, "min_acceptance")) {
            c->abc.min_acceptance = real_value(&f, en, "min_acceptance");
            if (!(c->abc.min_acceptance >= 0 && c->abc.min_acceptance < 1))
                sim_ini_note(&f, en->line, en->key, "%g is not in [0, 1)", c->abc.min_acceptance);
        } else {
            window = en->value;
            window_line = en->line;
        }
    }
    for (int k = 0; st == SIM_OK && k < f.nhdr; k++) {
        const sim_ini_header *h = &f.hdr[k];
        if (!strncmp(h->name, "target.", 7) && h->name[7])
            read_target(c, &f, h);
        else if (!strncmp(h->name, "free.", 5) && h->name[5])
            read_free(c, &f, h);
        else
            sim_ini_note(&f, h->line, h->name,
                         "unknown section [%s] (allowed: [target.NAME], [free.section.name])",
                         h->name);
    }
    if (st == SIM_OK && !f.bad_line) {
        if (!scenario)
            sim_ini_note(&f, 1, "scenario", "no base scenario (scenario = FILE.ini)");
        else if (c->ntarget == 0)
            sim_ini_note(&f, 1, "", "no [target.NAME] section");
        else if (cal_fitted_targets(c) == 0)
            sim_ini_note(&f, 1, "", "every target has validate = true: none is left to fit");
        else if (c->nfree == 0)
            sim_ini_note(&f, 1, "", "no [free.section.name] section");
    }
    if (st == SIM_OK)
        st = sim_ini_check(&f, err);
    if (st == SIM_OK) {
        /* the base scenario, relative to this file */
        const char *slash = strrchr(path, '/');
        char spath[4096];
        if (scenario[0] != '/' && slash)
            snprintf(spath, sizeof spath, "%.*s/%s", (int)(slash - path), path, scenario);
        else
            snprintf(spath, sizeof spath, "%s", scenario);
        st = scn_load(&c->base, spath, err);
        if (st == SIM_OK && c->days > 0)
            c->base.params.run_days = c->days;
        if (st == SIM_OK)
            st = scn_finish(&c->base, err);
        if (st != SIM_OK && err->file[0] == '\0')
            snprintf(err->file, sizeof err->file, "%s", path), err->line = scenario_line;
    }
    if (st == SIM_OK) {
        c->days = c->base.params.run_days;
        ana_window w = {0};
        if (window)
            st = ana_window_parse(window, &w, "window", err);
        if (st == SIM_OK)
            st = ana_window_resolve(&w, c->days, 365, &c->from, &c->to, "window", err);
        if (st != SIM_OK && window) {
            snprintf(err->file, sizeof err->file, "%s", path);
            err->line = window_line;
        }
        for (int k = 0; k < c->nfree; k++) {
            cal_free *v = &c->free[k];
            if (isnan(v->start))
                v->start = sim_param_get(&c->base.params, v->param);
            if (v->start <= v->min || v->start >= v->max)
                v->start = 0.5 * (v->min + v->max);
            v->best = v->start;
        }
    }
    sim_ini_free(&f);
    free(text);
    return st;
}

void cal_free_calibration(cal_calibration *c)
{
    scn_free(&c->base);
}

/* ---- the objective ---------------------------------------------------------- */

int cal_fitted_targets(const cal_calibration *c)
{
    int n = 0;
    for (int t = 0; t < c->ntarget; t++)
        n += !c->target[t].validate;
    return n;
}

/* The spread across compounds of panel metric m: the 95th less the 5th
 * percentile over compounds, averaged over the panel's samples in days
 * [from, to). */
static sim_status panel_spread(const sim_result *res, int m, int64_t from, int64_t to, double *out,
                               sim_error *err)
{
    const int32_t nc = res->world->ncomp;
    double *x = malloc((size_t)(nc > 0 ? nc : 1) * sizeof *x);
    if (!x)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    double sum = 0.0;
    int n = 0;
    for (int64_t k = 0; k < res->nsamples && res->panel[m]; k++) {
        if (res->sample_day[k] < from || res->sample_day[k] >= to)
            continue;
        for (int32_t c = 0; c < nc; c++)
            x[c] = res->panel[m][k * nc + c];
        gsl_sort(x, 1, (size_t)nc);
        sum += gsl_stats_quantile_from_sorted_data(x, 1, (size_t)nc, 0.95) -
               gsl_stats_quantile_from_sorted_data(x, 1, (size_t)nc, 0.05);
        n++;
    }
    free(x);
    if (n == 0)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "window",
                        "no panel sample of %s falls in the window %lld:%lld (run.panel_interval)",
                        sim_metric_table[m].name, (long long)from, (long long)to);
    *out = sum / n;
    return SIM_OK;
}

int cal_target_met(const cal_target *t)
{
    return fabs(t->fitted - t->value) <= t->tolerance;
}

const char *cal_target_label(const cal_target *t, char *buf, size_t n)
{
    const char *name = sim_metric_table[t->metric].name;
    if (t->stat == CAL_STAT_SPREAD)
        snprintf(buf, n, "%s p95-p5", name);
    else if (t->nover)
        snprintf(buf, n, "%s share", name);
    else if (t->nplus)
        snprintf(buf, n, "%s + %d more", name, t->nplus);
    else if (t->per == CAL_PER_COMPOUND_YEAR)
        snprintf(buf, n, "%s /compound-year", name);
    else if (t->per == CAL_PER_HOUSEHOLD_YEAR)
        snprintf(buf, n, "%s /household-year", name);
    else
        snprintf(buf, n, "%s", name);
    return buf;
}

/* The window mean of every target in one run at parameter values x. */
static sim_status run_means(const cal_calibration *c, const double *x, int64_t seed,
                            volatile sig_atomic_t *stop, double *out, sim_error *err)
{
    scn_scenario s = c->base;
    s.sources = NULL; /* a shallow copy: never freed here */
    s.params.run_seed = seed;
    for (int k = 0; k < c->nfree; k++)
        sim_param_put(&s.params, c->free[k].param, x[k]);
    sim_ctx rc;
    sim_ctx_init(&rc);
    rc.threads = 1;
    rc.stop = stop;
    sim_result *res = NULL;
    sim_status st = sim_run(&rc, &s, &res);
    if (st != SIM_OK) {
        *err = rc.err;
        return st;
    }
    double span = (double)(c->to - c->from);
    for (int t = 0; t < c->ntarget; t++) {
        const cal_target *g = &c->target[t];
        if (g->stat == CAL_STAT_SPREAD) {
            st = panel_spread(res, g->metric, c->from, c->to, &out[t], err);
            if (st != SIM_OK)
                break;
            continue;
        }
        double sum = 0.0, den = 0.0;
        for (int64_t d = c->from; d < c->to; d++) {
            sum += sim_result_city(res, d, g->metric);
            for (int k = 0; k < g->nplus; k++)
                sum += sim_result_city(res, d, g->plus[k]);
            for (int k = 0; k < g->nover; k++)
                den += sim_result_city(res, d, g->over[k]);
        }
        double m = g->nover ? (den > 0.0 ? sum / den : 0.0) : sum / span;
        if (g->per == CAL_PER_COMPOUND_YEAR)
            m *= 365.0 / (double)res->world->ncomp;
        else if (g->per == CAL_PER_HOUSEHOLD_YEAR)
            m *= 365.0 / (double)res->world->nhh;
        out[t] = m;
    }
    sim_result_destroy(res);
    return st;
}

sim_status cal_simulate(const cal_calibration *c, const double *x, uint64_t seed, int replicates,
                        volatile sig_atomic_t *stop, double *out, sim_error *err)
{
    double one[CAL_MAX_TARGETS];
    for (int t = 0; t < c->ntarget; t++)
        out[t] = 0.0;
    for (int r = 0; r < replicates; r++) {
        int64_t sd = (int64_t)((seed + (uint64_t)r) & ((1ULL << 53) - 1));
        SIM_TRY(err, run_means(c, x, sd, stop, one, err));
        for (int t = 0; t < c->ntarget; t++)
            out[t] += one[t] / replicates;
    }
    return SIM_OK;
}

sim_status cal_objective(cal_calibration *c, sim_ctx *ctx, const double *x, double *out)
{
    int nr = c->replicates, nt = c->ntarget;
    double *mean = calloc((size_t)nr * (size_t)nt, sizeof *mean);
    sim_status *status = calloc((size_t)nr, sizeof *status);
    sim_error *errs = calloc((size_t)nr, sizeof *errs);
    if (!mean || !status || !errs) {
        free(mean);
        free(status);
        free(errs);
        return SIM_FAIL(&ctx->err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    }
#pragma omp parallel for schedule(dynamic, 1)
    for (int r = 0; r < nr; r++)
        status[r] = run_means(c, x, (int64_t)(c->seed + (uint64_t)r), ctx->stop,
                              mean + (size_t)r * (size_t)nt, &errs[r]);
    sim_status st = SIM_OK;
    for (int r = 0; r < nr && st == SIM_OK; r++)
        if (status[r] != SIM_OK) {
            ctx->err = errs[r];
            st = status[r];
        }
    double f = 0.0;
    for (int t = 0; t < nt && st == SIM_OK; t++) {
        double m = 0.0;
        for (int r = 0; r < nr; r++)
            m += mean[(size_t)r * (size_t)nt + (size_t)t];
        m /= nr;
        c->target[t].fitted = m;
        double z = (m - c->target[t].value) / c->target[t].scale;
        if (!c->target[t].validate)
            f += z * z;
    }
    free(mean);
    free(status);
    free(errs);
    *out = f;
    c->evaluations++;
    return st;
}

void cal_abc_config(const cal_calibration *c, abc_config *out, int *stat_target)
{
    *out = c->abc;
    out->seed = c->seed;
    out->nparams = c->nfree;
    for (int k = 0; k < c->nfree; k++) {
        const cal_free *v = &c->free[k];
        abc_prior *p = &out->prior[k];
        snprintf(p->name, sizeof p->name, "%s", sim_param_table[v->param].key);
        p->kind = v->prior;
        p->lo = v->min;
        p->hi = v->max;
        p->mean = v->mean;
        p->sd = v->sd;
    }
    out->nstats = 0;
    for (int t = 0; t < c->ntarget; t++) {
        if (c->target[t].validate)
            continue;
        abc_stat *s = &out->stat[out->nstats];
        snprintf(s->name, sizeof s->name, "%s", c->target[t].name);
        s->observed = c->target[t].value;
        s->scale = c->target[t].scale;
        stat_target[out->nstats++] = t;
    }
}

sim_status cal_predict(const cal_calibration *c, const abs_posterior *p, int ndraws, int threads,
                       volatile sig_atomic_t *stop, double *out, sim_error *err)
{
    if (p->c.nparams != c->nfree)
        return SIM_FAIL(err, SIM_EINPUT, c->path, 0, NULL,
                        "the posterior has %d parameters, the calibration file %d free ones",
                        p->c.nparams, c->nfree);
    for (int k = 0; k < c->nfree; k++)
        if (strcmp(p->c.prior[k].name, sim_param_table[c->free[k].param].key) != 0)
            return SIM_FAIL(err, SIM_EINPUT, c->path, 0, NULL,
                            "parameter %d of the posterior is %s, of the calibration file %s",
                            k + 1, p->c.prior[k].name, sim_param_table[c->free[k].param].key);
    double *cum = malloc((size_t)p->n * sizeof *cum);
    sim_status *st = calloc((size_t)ndraws, sizeof *st);
    sim_error *errs = calloc((size_t)ndraws, sizeof *errs);
    if (!cum || !st || !errs) {
        free(cum);
        free(st);
        free(errs);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    double acc = 0.0;
    for (int64_t i = 0; i < p->n; i++)
        cum[i] = (acc += p->weight[i]);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int m = 0; m < ndraws; m++) {
        /* draw m: a particle by weight and a simulation seed, from its own stream */
        sim_stream rs;
        sim_stream_open(&rs, p->c.seed, SIM_RNG_ABC_CHECK, (uint32_t)m, 0);
        const int64_t lo = abc_pick(cum, p->n, sim_stream_uniform(&rs) * cum[p->n - 1]);
        uint64_t a = sim_stream_u32(&rs), b = sim_stream_u32(&rs);
        st[m] = cal_simulate(c, p->theta + lo * p->c.nparams, (a << 32) | b, c->abc_replicates,
                             stop, out + (size_t)m * (size_t)c->ntarget, &errs[m]);
    }
    sim_status s = SIM_OK;
    for (int m = 0; m < ndraws && s == SIM_OK; m++)
        if (st[m] != SIM_OK) {
            *err = errs[m];
            s = st[m];
        }
    free(cum);
    free(st);
    free(errs);
    return s;
}

/* ---- Nelder-Mead on logit-transformed parameters ------------------------------ */

typedef struct {
    cal_calibration *c;
    sim_ctx *ctx;
    sim_status status; /* first failure inside the minimiser */
    prg_meter meter;
} fit_state;

static double to_param(const cal_free *v, double z)
{
    return v->min + (v->max - v->min) / (1.0 + exp(-z));
}

static double to_z(const cal_free *v, double x)
{
    double u = (x - v->min) / (v->max - v->min);
    return log(u / (1.0 - u));
}

static double fit_f(const gsl_vector *z, void *params)
{
    fit_state *fs = params;
    if (fs->status != SIM_OK)
        return GSL_POSINF;
    double x[CAL_MAX_FREE];
    for (int k = 0; k < fs->c->nfree; k++)
        x[k] = to_param(&fs->c->free[k], gsl_vector_get(z, (size_t)k));
    double f;
    fs->status = cal_objective(fs->c, fs->ctx, x, &f);
    prg_step(&fs->meter, fs->c->evaluations);
    return fs->status == SIM_OK ? f : GSL_POSINF;
}

sim_status cal_fit(cal_calibration *c, sim_ctx *ctx, FILE *log)
{
    size_t n = (size_t)c->nfree;
    fit_state fs = {c, ctx, SIM_OK, {0}};
    /* the iteration lines show progress on a terminal; a batch log also
     * gets the heartbeat (evaluations are the long steps) */
    prg_start(&fs.meter, log && !isatty(fileno(log)) ? log : NULL, "calibrate", "evaluations", 0,
              0);
    gsl_multimin_function fn = {fit_f, n, &fs};
    gsl_vector *z = gsl_vector_alloc(n), *step = gsl_vector_alloc(n);
    gsl_multimin_fminimizer *m =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, n);
    if (!z || !step || !m) {
        gsl_vector_free(z);
        gsl_vector_free(step);
        if (m)
            gsl_multimin_fminimizer_free(m);
        return SIM_FAIL(&ctx->err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        gsl_vector_set(z, k, to_z(&c->free[k], c->free[k].start));
        gsl_vector_set(step, k, 0.4);
    }
    c->evaluations = 0;
    gsl_multimin_fminimizer_set(m, &fn, z, step);
    int it = 0;
    double size = 1.0;
    while (fs.status == SIM_OK && it < c->iterations && !sim_ctx_stopping(ctx)) {
        it++;
        if (gsl_multimin_fminimizer_iterate(m))
            break;
        size = gsl_multimin_fminimizer_size(m);
        if (log) {
            fprintf(log, "  iteration %3d  objective %10.4f  simplex %.4f ", it, m->fval, size);
            for (size_t k = 0; k < n; k++)
                fprintf(log, " %s=%.5g", sim_param_table[c->free[k].param].key,
                        to_param(&c->free[k], gsl_vector_get(m->x, k)));
            fputc('\n', log);
            fflush(log);
        }
        if (gsl_multimin_test_size(size, c->tolerance) == GSL_SUCCESS)
            break;
    }
    sim_status st = fs.status;
    if (st == SIM_OK && sim_ctx_stopping(ctx))
        st = SIM_FAIL(&ctx->err, SIM_EINTERRUPT, NULL, 0, NULL, "calibration stopped by a signal");
    if (st == SIM_OK) {
        double x[CAL_MAX_FREE];
        for (size_t k = 0; k < n; k++) {
            c->free[k].best = to_param(&c->free[k], gsl_vector_get(m->x, k));
            x[k] = c->free[k].best;
        }
        c->iterations_done = it;
        /* evaluate at the best point, so the targets' fitted values are its own */
        int evals = c->evaluations;
        st = cal_objective(c, ctx, x, &c->objective);
        c->evaluations = evals;
    }
    gsl_multimin_fminimizer_free(m);
    gsl_vector_free(z);
    gsl_vector_free(step);
    return st;
}

/* ---- the fragment ------------------------------------------------------------ */

sim_status cal_write_fragment(const cal_calibration *c, const char *path, int force,
                              const char *command_line, sim_error *err)
{
    afile_file *af = NULL;
    SIM_TRY(err, afile_open(&af, path, force, "-o", err));
    FILE *f = afile_stream(af, err);
    if (!f) {
        afile_abort(af);
        return err->code;
    }
    fprintf(f, "; Calibrated parameters: a scenario fragment written by\n;   %s\n", command_line);
    fprintf(f, "; troika %s (commit %s), calibration file %s\n", TROIKA_VERSION, TROIKA_GIT_COMMIT,
            c->path);
    fprintf(f, "; %d replicates (seeds %llu..%llu), %lld days, window %lld:%lld\n", c->replicates,
            (unsigned long long)c->seed,
            (unsigned long long)(c->seed + (uint64_t)c->replicates - 1), (long long)c->days,
            (long long)c->from, (long long)c->to);
    fprintf(f, "; Nelder-Mead: %d iterations, %d evaluations, objective %.4f\n;\n",
            c->iterations_done, c->evaluations, c->objective);
    fprintf(f, "; %-48s %12s %12s %12s %8s  %s\n", "target", "value", "fitted", "residual", "z",
            "role");
    for (int t = 0; t < c->ntarget; t++) {
        const cal_target *g = &c->target[t];
        char label[128];
        fprintf(f, "; %-48s %12.6g %12.6g %+12.4g %+8.2f  %s, %s\n",
                cal_target_label(g, label, sizeof label), g->value, g->fitted, g->fitted - g->value,
                (g->fitted - g->value) / g->scale, g->validate ? "validate (not fitted)" : "fit",
                cal_target_met(g) ? "met" : "MISSED");
    }
    /* one [section] each, in the order sections first appear */
    for (int k = 0; k < c->nfree; k++) {
        const char *sec = sim_param_table[c->free[k].param].section;
        int seen = 0;
        for (int j = 0; j < k && !seen; j++)
            seen = strcmp(sim_param_table[c->free[j].param].section, sec) == 0;
        if (seen)
            continue;
        fprintf(f, "\n[%s]\n", sec);
        for (int j = k; j < c->nfree; j++) {
            const sim_param_desc *d = &sim_param_table[c->free[j].param];
            char val[48];
            if (strcmp(d->section, sec) != 0)
                continue;
            fprintf(f, "%s = %s   ; fitted in [%g, %g], started at %g\n", d->name,
                    sim_param_format_value(c->free[j].param, c->free[j].best, val, sizeof val),
                    c->free[j].min, c->free[j].max, c->free[j].start);
        }
    }
    /* write errors surface in the commit (flush, fsync, rename) */
    SIM_TRY(err, afile_commit(af, err));
    return SIM_OK;
}
