/* sim/calibrate.c — see calibrate.h. */
#define _XOPEN_SOURCE 700 /* strdup */

#include "calibrate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_multimin.h>
#include <omp.h>

#include "afile.h"
#include "inifile.h"
#include "metrics.h"
#include "params.h"
#include "runner.h"
#include "troika_version.h"

/* ---- reading the file -------------------------------------------------------- */

static const char *top_keys[] = {"scenario", "replicates", "seed", "days", "window",
                                 "iterations", "tolerance", NULL};

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
    int has_value = 0;
    for (int k = 0; k < f->nent; k++) {
        const sim_ini_entry *e = &f->ent[k];
        if (strcmp(e->section, h->name) != 0)
            continue;
        char key[300];
        snprintf(key, sizeof key, "%s.%s", h->name, e->key);
        if (!strcmp(e->key, "metric")) {
            t->metric = sim_metric_find(e->value);
            if (t->metric < 0)
                sim_ini_note(f, e->line, key, "unknown metric '%s' (see troika metrics)",
                             e->value);
        } else if (!strcmp(e->key, "value")) {
            t->value = real_value(f, e, key);
            has_value = 1;
        } else if (!strcmp(e->key, "scale")) {
            t->scale = real_value(f, e, key);
            if (!(t->scale > 0))
                sim_ini_note(f, e->line, key, "the scale must be positive");
        } else if (!strcmp(e->key, "per")) {
            if (!strcmp(e->value, "day"))
                t->per = CAL_PER_DAY;
            else if (!strcmp(e->value, "compound_year"))
                t->per = CAL_PER_COMPOUND_YEAR;
            else
                sim_ini_note(f, e->line, key, "'%s' (allowed: day, compound_year)", e->value);
        } else {
            sim_ini_note(f, e->line, key, "unknown key (allowed: metric, value, scale, per)");
        }
    }
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
        sim_ini_note(f, h->line, h->name, "only real parameters can be fitted ('%s' is %s)",
                     key, sim_ptype_name(d->type));
        return;
    }
    if (c->nfree >= CAL_MAX_FREE) {
        sim_ini_note(f, h->line, h->name, "more than %d free parameters", CAL_MAX_FREE);
        return;
    }
    cal_free *v = &c->free[c->nfree++];
    v->param = i;
    v->min = d->lo;
    v->max = d->hi;
    v->start = NAN;
    for (int k = 0; k < f->nent; k++) {
        const sim_ini_entry *e = &f->ent[k];
        if (strcmp(e->section, h->name) != 0)
            continue;
        char q[300];
        snprintf(q, sizeof q, "%s.%s", h->name, e->key);
        double x = real_value(f, e, q);
        if (!strcmp(e->key, "min"))
            v->min = x;
        else if (!strcmp(e->key, "max"))
            v->max = x;
        else if (!strcmp(e->key, "start"))
            v->start = x;
        else
            sim_ini_note(f, e->line, q, "unknown key (allowed: min, max, start)");
    }
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
            sim_ini_note(&f, en->line, en->key,
                         "unknown key (allowed: scenario, replicates, seed, days, window, "
                         "iterations, tolerance)");
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
        c->from = c->days > 365 ? c->days - 365 : 0;
        c->to = c->days;
        if (window) {
            long long a, b;
            char tail;
            if (sscanf(window, "%lld:%lld%c", &a, &b, &tail) != 2 || a < 0 || b > c->days ||
                a >= b)
                st = SIM_FAIL(err, SIM_EINPUT, path, window_line, "window",
                              "'%s' is not a window of the run (allowed: FROM:TO with 0 <= FROM "
                              "< TO <= %lld days)",
                              window, (long long)c->days);
            c->from = a;
            c->to = b;
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
    for (int r = 0; r < nr; r++) {
        scn_scenario s = c->base;
        s.sources = NULL; /* a shallow copy: never freed here */
        s.params.run_seed = (int64_t)(c->seed + (uint64_t)r);
        for (int k = 0; k < c->nfree; k++)
            sim_param_put(&s.params, c->free[k].param, x[k]);
        sim_ctx rc;
        sim_ctx_init(&rc);
        rc.threads = 1;
        rc.stop = ctx->stop;
        sim_result *res = NULL;
        status[r] = sim_run(&rc, &s, &res);
        if (status[r] != SIM_OK) {
            errs[r] = rc.err;
            continue;
        }
        double span = (double)(c->to - c->from);
        for (int t = 0; t < nt; t++) {
            double sum = 0.0;
            for (int64_t d = c->from; d < c->to; d++)
                sum += sim_result_city(res, d, c->target[t].metric);
            double m = sum / span;
            if (c->target[t].per == CAL_PER_COMPOUND_YEAR)
                m *= 365.0 / (double)res->world->ncomp;
            mean[(size_t)r * (size_t)nt + (size_t)t] = m;
        }
        sim_result_destroy(res);
    }
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
        f += z * z;
    }
    free(mean);
    free(status);
    free(errs);
    *out = f;
    c->evaluations++;
    return st;
}

/* ---- Nelder-Mead on logit-transformed parameters ------------------------------ */

typedef struct {
    cal_calibration *c;
    sim_ctx *ctx;
    sim_status status; /* first failure inside the minimiser */
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
    return fs->status == SIM_OK ? f : GSL_POSINF;
}

sim_status cal_fit(cal_calibration *c, sim_ctx *ctx, FILE *log)
{
    size_t n = (size_t)c->nfree;
    fit_state fs = {c, ctx, SIM_OK};
    gsl_multimin_function fn = {fit_f, n, &fs};
    gsl_vector *z = gsl_vector_alloc(n), *step = gsl_vector_alloc(n);
    gsl_multimin_fminimizer *m = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, n);
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
    ana_afile *af = NULL;
    SIM_TRY(err, ana_afile_open(&af, path, force, "-o", err));
    FILE *f = ana_afile_stream(af, err);
    if (!f) {
        ana_afile_abort(af);
        return err->code;
    }
    fprintf(f, "; Calibrated parameters: a scenario fragment written by\n;   %s\n", command_line);
    fprintf(f, "; troika %s (commit %s), calibration file %s\n", TROIKA_VERSION, TROIKA_GIT_COMMIT,
            c->path);
    fprintf(f, "; %d replicates (seeds %llu..%llu), %lld days, window %lld:%lld\n", c->replicates,
            (unsigned long long)c->seed, (unsigned long long)(c->seed + (uint64_t)c->replicates - 1),
            (long long)c->days, (long long)c->from, (long long)c->to);
    fprintf(f, "; Nelder-Mead: %d iterations, %d evaluations, objective %.4f\n;\n",
            c->iterations_done, c->evaluations, c->objective);
    fprintf(f, "; %-36s %12s %12s %12s %8s\n", "target", "value", "fitted", "residual", "z");
    for (int t = 0; t < c->ntarget; t++) {
        const cal_target *g = &c->target[t];
        fprintf(f, "; %-36s %12.6g %12.6g %+12.4g %+8.2f\n", sim_metric_table[g->metric].name,
                g->value, g->fitted, g->fitted - g->value, (g->fitted - g->value) / g->scale);
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
    SIM_TRY(err, ana_afile_commit(af, err));
    return SIM_OK;
}
