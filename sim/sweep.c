/* sim/sweep.c — see sweep.h; the file format is in docs/SWEEPS.md.
 *
 * HOW IT WORKS.  The file is read by core/inifile.c (inih underneath), so every
 * entry keeps its line for messages.  Top-level keys describe the sweep, [set]
 * lines are applied to the base scenario exactly like --set (scn_set), and
 * [vary] lines are factors, each parsed through the parameter table
 * (sim_param_parse: type and bounds).  The base scenario is loaded and
 * finished once; every design point is then checked against the
 * cross-parameter rules (mdl_params_check) at the start and after each day
 * on which a policy of the base changes something, as scn_finish() does.
 *
 * The designs themselves are analysis/design.c.
 */
#include "sweep.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "metrics.h"
#include "inifile.h"
#include "rng.h"
#include "troika_version.h"

#define SWP_TEXT_MAX (1 << 20)
#define NOMEM(err) SIM_FAIL((err), SIM_ENOMEM, NULL, 0, NULL, "out of memory reading the sweep")

/* ---- memory ------------------------------------------------------------------ */

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void swp_destroy(swp_sweep *s)
{
    if (!s)
        return;
    swp_plan_clear(&s->plan);
    scn_free(&s->base);
    free(s);
}

/* ---- reading the file ------------------------------------------------------ */

typedef sim_ini_entry entry;

static sim_status read_text(const char *path, char **out, sim_error *err)
{
    size_t len = 0;
    int e = sim_ini_read_file(path, SWP_TEXT_MAX, out, &len);
    if (e == EFBIG)
        return SIM_FAIL(err, SIM_EINPUT, path, 0, NULL,
                        "the sweep file is larger than %d bytes", SWP_TEXT_MAX);
    if (e == ENOMEM)
        return NOMEM(err);
    if (e)
        return SIM_FAIL(err, SIM_EINPUT, path, 0, NULL, "cannot read the sweep file: %s",
                        sim_file_strerror(e));
    if (strlen(*out) != len) {
        free(*out);
        *out = NULL;
        return SIM_FAIL(err, SIM_EINPUT, path, 0, NULL,
                        "the sweep file holds a NUL byte; a sweep is a text file");
    }
    return SIM_OK;
}

/* ---- small parsers ---------------------------------------------------------- */

/* A whole-string integer in [lo, hi]; 0 on failure. */
static int parse_i64(const char *t, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(t, &end, 10);
    if (end == t || *end != '\0' || errno || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

static sim_status bad_int(const char *path, int line, const char *key, const char *value,
                          int64_t lo, int64_t hi, sim_error *err)
{
    return SIM_FAIL(err, SIM_EINPUT, path, line, key,
                    "'%s' is not allowed (allowed: an integer from %lld to %lld)", value,
                    (long long)lo, (long long)hi);
}

/* Split s at commas (in place), trimming blanks; returns the count. */
static int split_list(char *s, char **item, int max)
{
    int n = 0;
    char *p = s;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        while (isspace((unsigned char)*p))
            p++;
        char *e = p + strlen(p);
        while (e > p && isspace((unsigned char)e[-1]))
            *--e = '\0';
        if (n < max)
            item[n] = p;
        n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    return n;
}

/* ---- factors ------------------------------------------------------------------ */

static const char vary_help[] =
    "allowed: LO .. HI, optionally followed by log and/or levels N, or a list of "
    "values separated by commas";

/* Parse one [vary] line into f (a grid range without its own levels gets
 * the sweep's `levels` later). */
static sim_status parse_factor(swp_factor *f, const entry *e, const char *path,
                               swp_design design, sim_error *err)
{
    memset(f, 0, sizeof *f);
    f->param = -1;
    f->line = e->line;
    snprintf(f->key, sizeof f->key, "%s", e->key);
    if (!(f->spec = dup_str(e->value)))
        return NOMEM(err);
    int i = sim_param_find(e->key);
    if (i < 0) {
        const char *sug = sim_param_suggest(e->key);
        if (sug)
            return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                            "unknown parameter '%s' (did you mean %s?)", e->key, sug);
        return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                        "unknown parameter '%s' (allowed: a section.name of `troika params`)",
                        e->key);
    }
    const sim_param_desc *d = &sim_param_table[i];
    f->param = i;
    if (!strcmp(d->key, "run.seed") || !strcmp(d->key, "run.days"))
        return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                        "%s cannot be varied (allowed: the top-level keys %s)", d->key,
                        !strcmp(d->key, "run.seed") ? "seed and seeds" : "days");
    if (d->flags & SIM_PF_UNIMPL)
        return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                        "%s is declared but its mechanism is not built yet; only its "
                        "default is accepted, so varying it would change nothing",
                        d->key);

    char buf[1024];
    snprintf(buf, sizeof buf, "%s", e->value);
    char *dots = strstr(buf, "..");
    if (!dots) { /* a list */
        char *item[4096];
        int n = split_list(buf, item, 4096);
        if (n > 4096)
            return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                            "a list of more than 4096 values");
        if (n < 2)
            return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                            "'%s' is a single value: a fixed value goes under [set] (%s)",
                            e->value, vary_help);
        f->values = malloc((size_t)n * sizeof *f->values);
        if (!f->values)
            return NOMEM(err);
        for (int k = 0; k < n; k++) {
            SIM_TRY(err, sim_param_parse(i, item[k], &f->values[k], path, e->line, err));
            for (int j = 0; j < k; j++)
                if (f->values[j] == f->values[k])
                    return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                                    "the value '%s' is listed twice", item[k]);
        }
        f->scale = SWP_LIST;
        f->levels = n;
        f->lo = f->hi = f->values[0];
        for (int k = 1; k < n; k++) {
            if (f->values[k] < f->lo)
                f->lo = f->values[k];
            if (f->values[k] > f->hi)
                f->hi = f->values[k];
        }
        return SIM_OK;
    }

    /* a range: LO .. HI [log|linear] [levels N] */
    if (d->type == SIM_P_BOOL)
        return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                        "%s is a boolean: give the list 'false, true' rather than a range",
                        d->key);
    *dots = '\0';
    char *lo_text = buf, *rest = dots + 2;
    char *tok[8];
    int ntok = 0;
    char *save = NULL;
    for (char *t = strtok_r(rest, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
        if (ntok < 8)
            tok[ntok++] = t;
        else
            return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key, "'%s' (%s)", e->value,
                            vary_help);
    if (ntok < 1)
        return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                        "'%s' has no upper end (%s)", e->value, vary_help);
    SIM_TRY(err, sim_param_parse(i, lo_text, &f->lo, path, e->line, err));
    SIM_TRY(err, sim_param_parse(i, tok[0], &f->hi, path, e->line, err));
    f->scale = SWP_LINEAR;
    for (int k = 1; k < ntok; k++) {
        if (!strcmp(tok[k], "log")) {
            f->scale = SWP_LOG;
        } else if (!strcmp(tok[k], "linear")) {
            f->scale = SWP_LINEAR;
        } else if (!strcmp(tok[k], "levels") || !strncmp(tok[k], "levels=", 7)) {
            const char *v = tok[k][6] == '=' ? tok[k] + 7 : (k + 1 < ntok ? tok[++k] : "");
            if (!parse_i64(v, 2, 1000000, &f->levels))
                return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                                "levels '%s' is not allowed (allowed: an integer from 2 to "
                                "1000000)",
                                v);
            if (design != SWP_GRID)
                return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                                "levels only apply to design = grid (this design is %s)",
                                swp_design_name(design));
        } else {
            return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                            "unexpected '%s' after the range (%s)", tok[k], vary_help);
        }
    }
    char a[48], b[48];
    if (f->lo > f->hi)
        return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                        "the range %s .. %s is empty: its minimum is above its maximum",
                        sim_param_format_value(i, f->lo, a, sizeof a),
                        sim_param_format_value(i, f->hi, b, sizeof b));
    if (f->lo == f->hi)
        return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                        "the range %s .. %s holds one value: a fixed value goes under [set]",
                        sim_param_format_value(i, f->lo, a, sizeof a),
                        sim_param_format_value(i, f->hi, b, sizeof b));
    if (f->scale == SWP_LOG && f->lo <= 0.0)
        return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                        "a log scale needs a range above zero (here from %s)",
                        sim_param_format_value(i, f->lo, a, sizeof a));
    return SIM_OK;
}

/* ---- the base scenario and the points ----------------------------------------- */

/* "--set K=V: msg" from scn_set, relocated to the sweep file's line. */
static sim_status relocate_set(sim_error *err, const char *path, int line, const char *key)
{
    char msg[sizeof err->msg];
    const char *m = err->msg;
    if (!strncmp(m, "--set ", 6)) {
        const char *colon = strstr(m, ": ");
        if (colon)
            m = colon + 2;
    }
    snprintf(msg, sizeof msg, "%s", m);
    snprintf(err->msg, sizeof err->msg, "%s", msg);
    snprintf(err->file, sizeof err->file, "%s", path);
    err->line = line;
    if (!err->key[0] || !strcmp(err->key, "--set"))
        snprintf(err->key, sizeof err->key, "%s", key);
    return err->code;
}

/* A point's parameters break a cross-parameter rule: name the point. */
static sim_status point_fail(const swp_plan *p, int64_t q, const sim_error *e, int64_t day,
                             sim_error *err)
{
    char desc[600];
    size_t n = 0;
    int line = 0;
    desc[0] = '\0';
    for (int j = 0; j < p->nfactors && n < sizeof desc - 60; j++) {
        const swp_factor *f = &p->factors[j];
        char v[48];
        sim_param_format_value(f->param, p->values[q * p->nfactors + j], v, sizeof v);
        n += (size_t)snprintf(desc + n, sizeof desc - n, "%s%s = %s", j ? ", " : "", f->key, v);
        if (!strcmp(f->key, e->key) || !line)
            line = f->line;
    }
    if (day < 0)
        return SIM_FAIL(err, SIM_EINPUT, p->path, line, e->key,
                        "design point %lld (%s) breaks a rule: %s", (long long)q, desc, e->msg);
    return SIM_FAIL(err, SIM_EINPUT, p->path, line, e->key,
                    "design point %lld (%s) breaks a rule from day %lld, after a policy of the "
                    "base scenario: %s",
                    (long long)q, desc, (long long)day, e->msg);
}

static sim_status check_points(const swp_sweep *s, sim_error *err)
{
    const swp_plan *p = &s->plan;
    const scn_scenario *b = &s->base;
    for (int64_t q = 0; q < p->npoints; q++) {
        sim_params x = b->params;
        for (int j = 0; j < p->nfactors; j++)
            sim_param_put(&x, p->factors[j].param, p->values[q * p->nfactors + j]);
        sim_error e;
        sim_error_clear(&e);
        if (mdl_params_check(&x, &e) != SIM_OK)
            return point_fail(p, q, &e, -1, err);
        for (int c = 0; c < b->nchanges;) {
            int c0 = c;
            for (; c < b->nchanges && b->changes[c].day == b->changes[c0].day; c++)
                sim_param_put(&x, b->changes[c].param, b->changes[c].value);
            if (mdl_params_check(&x, &e) != SIM_OK)
                return point_fail(p, q, &e, b->changes[c0].day, err);
        }
    }
    return SIM_OK;
}

void swp_run_scenario(const swp_sweep *s, int64_t run, scn_scenario *view)
{
    const swp_plan *p = &s->plan;
    *view = s->base;
    int64_t q = swp_point(p, run);
    for (int j = 0; j < p->nfactors; j++)
        sim_param_put(&view->params, p->factors[j].param, p->values[q * p->nfactors + j]);
    view->params.run_seed = (SIM_PT_INT)swp_seed(p, run);
}

/* identity = sweep text + resolved base + commit (see sweep.h) */
static sim_status make_identity(swp_sweep *s, sim_error *err)
{
    char *ini = scn_resolved_ini(&s->base);
    if (!ini)
        return NOMEM(err);
    const char *head1 = "; troika sweep identity 1\n; ---- troika commit: ";
    const char *head2 = "\n; ---- the sweep file:\n";
    const char *head3 = "\n; ---- the base scenario, resolved:\n";
    size_t n = strlen(head1) + strlen(TROIKA_GIT_COMMIT) + strlen(head2) +
               strlen(s->plan.text) + strlen(head3) + strlen(ini) + 1;
    char *id = malloc(n);
    if (!id) {
        free(ini);
        return NOMEM(err);
    }
    snprintf(id, n, "%s%s%s%s%s%s", head1, TROIKA_GIT_COMMIT, head2, s->plan.text, head3, ini);
    free(ini);
    s->plan.identity = id;
    s->plan.hash = swp_hash(id);
    return SIM_OK;
}

/* ---- swp_load --------------------------------------------------------------------- */

static const char top_keys[] =
    "name, description, base, design, samples, levels, replicates, seed, seeds, days, "
    "metrics";

static sim_status parse_metrics(swp_plan *p, const char *value, int line, sim_error *err)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", value);
    char *item[SIM_MET_N + 1];
    int n;
    int all = !strcmp(buf, "all") || !buf[0];
    if (all) {
        n = SIM_MET_N;
    } else {
        n = split_list(buf, item, SIM_MET_N + 1);
        if (n > SIM_MET_N)
            return SIM_FAIL(err, SIM_EINPUT, p->path, line, "metrics",
                            "more metrics than there are (%d); a metric is listed twice?",
                            SIM_MET_N);
    }
    p->metrics = calloc((size_t)n, sizeof *p->metrics);
    p->metric = calloc((size_t)n, sizeof *p->metric);
    if (!p->metrics || !p->metric)
        return NOMEM(err);
    p->nmetrics = n;
    for (int m = 0; m < n; m++) {
        int idx = all ? m : sim_metric_find(item[m]);
        if (idx < 0)
            return SIM_FAIL(err, SIM_EINPUT, p->path, line, "metrics",
                            "unknown metric '%s' (allowed: all, or names from `troika "
                            "metrics`)",
                            item[m]);
        for (int j = 0; j < m; j++)
            if (p->metric[j] == idx)
                return SIM_FAIL(err, SIM_EINPUT, p->path, line, "metrics",
                                "metric '%s' is listed twice", item[m]);
        p->metric[m] = idx;
        if (!(p->metrics[m] = dup_str(sim_metric_table[idx].name)))
            return NOMEM(err);
    }
    return SIM_OK;
}

/* Top-level keys; returns the entry of `base` (or NULL) in *base_e. */
static sim_status parse_top(swp_plan *p, const sim_ini *r, const entry **base_e, const entry **days_e,
                            int64_t *levels, sim_error *err)
{
    const char *path = p->path;
    int have_design = 0, have_samples = 0, have_levels = 0, have_metrics = 0;
    int samples_line = 0, levels_line = 0;
    *base_e = *days_e = NULL;
    *levels = 3;
    p->replicates = 1;
    p->seed = 1;
    for (int k = 0; k < r->nent; k++) {
        const entry *e = &r->ent[k];
        if (e->section[0])
            continue;
        const char *v = e->value;
        if (!strcmp(e->key, "name")) {
            free(p->name);
            if (!(p->name = dup_str(v)))
                return NOMEM(err);
        } else if (!strcmp(e->key, "description")) {
            free(p->description);
            if (!(p->description = dup_str(v)))
                return NOMEM(err);
        } else if (!strcmp(e->key, "base")) {
            *base_e = e;
        } else if (!strcmp(e->key, "design")) {
            int d = swp_design_parse(v);
            if (d < 0)
                return SIM_FAIL(err, SIM_EINPUT, path, e->line, "design",
                                "unknown design '%s' (allowed: grid, lhs, sobol, saltelli)", v);
            p->design = (swp_design)d;
            have_design = 1;
        } else if (!strcmp(e->key, "samples")) {
            if (!parse_i64(v, 1, SWP_MAX_RUNS, &p->samples))
                return bad_int(path, e->line, "samples", v, 1, SWP_MAX_RUNS, err);
            have_samples = 1;
            samples_line = e->line;
        } else if (!strcmp(e->key, "levels")) {
            if (!parse_i64(v, 2, 1000000, levels))
                return bad_int(path, e->line, "levels", v, 2, 1000000, err);
            have_levels = 1;
            levels_line = e->line;
        } else if (!strcmp(e->key, "replicates")) {
            if (!parse_i64(v, 1, 1000000, &p->replicates))
                return bad_int(path, e->line, "replicates", v, 1, 1000000, err);
        } else if (!strcmp(e->key, "seed")) {
            int64_t sd;
            if (!parse_i64(v, 0, INT64_MAX, &sd))
                return bad_int(path, e->line, "seed", v, 0, INT64_MAX, err);
            p->seed = (uint64_t)sd;
        } else if (!strcmp(e->key, "seeds")) {
            int sm = swp_seeds_parse(v);
            if (sm < 0)
                return SIM_FAIL(err, SIM_EINPUT, path, e->line, "seeds",
                                "unknown seeds '%s' (allowed: distinct, a seed per run; "
                                "common, replicate r of every point shares a seed)",
                                v);
            p->seeds = (swp_seeds)sm;
        } else if (!strcmp(e->key, "days")) {
            *days_e = e;
        } else if (!strcmp(e->key, "metrics")) {
            SIM_TRY(err, parse_metrics(p, v, e->line, err));
            have_metrics = 1;
        } else {
            return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                            "unknown key '%s' (allowed at the top: %s; [set] and [vary] "
                            "sections)",
                            e->key, top_keys);
        }
    }
    if (!have_design)
        return SIM_FAIL(err, SIM_EINPUT, path, 0, "design",
                        "the sweep has no design (allowed: design = grid, lhs, sobol or "
                        "saltelli)");
    if (p->design == SWP_GRID && have_samples)
        return SIM_FAIL(err, SIM_EINPUT, path, samples_line, "samples",
                        "a grid takes levels, not samples");
    if (p->design != SWP_GRID && have_levels)
        return SIM_FAIL(err, SIM_EINPUT, path, levels_line, "levels",
                        "levels only apply to design = grid (this design is %s; its size is "
                        "samples)",
                        swp_design_name(p->design));
    if (p->design != SWP_GRID && !have_samples)
        return SIM_FAIL(err, SIM_EINPUT, path, 0, "samples",
                        "design %s needs samples = N (%s)", swp_design_name(p->design),
                        p->design == SWP_SALTELLI
                            ? "the base sample: N x (parameters + 2) points"
                            : "the number of points");
    if (!have_metrics)
        SIM_TRY(err, parse_metrics(p, "all", 0, err));
    return SIM_OK;
}

/* The base path relative to the sweep file's folder. */
static char *resolve_base(const char *sweep_path, const char *base)
{
    const char *slash = strrchr(sweep_path, '/');
    size_t dl = (base[0] == '/' || !slash) ? 0 : (size_t)(slash - sweep_path) + 1;
    size_t n = dl + strlen(base) + 1;
    char *s = malloc(n);
    if (s) {
        memcpy(s, sweep_path, dl);
        memcpy(s + dl, base, strlen(base) + 1);
    }
    return s;
}

static sim_status load(swp_sweep *s, const char *path, sim_error *err)
{
    swp_plan *p = &s->plan;
    sim_ini r;
    sim_status st = SIM_OK;
    if (!(p->path = dup_str(path)))
        return NOMEM(err);
    SIM_TRY(err, read_text(path, &p->text, err));
    sim_ini_init(&r, path, p->text, strlen(p->text));
    if ((st = sim_ini_parse(&r, err)) != SIM_OK)
        goto done;
    for (int k = 0; k < r.nhdr; k++) {
        const char *h = r.hdr[k].name;
        if (strcmp(h, "set") != 0 && strcmp(h, "vary") != 0) {
            char key[300];
            snprintf(key, sizeof key, "[%s]", h);
            sim_ini_note(&r, r.hdr[k].line, key,
                         "unknown section [%s] (allowed: [set] for fixed values, [vary] for "
                         "the parameters the sweep varies)",
                         h);
        }
    }
    if ((st = sim_ini_check(&r, err)) != SIM_OK)
        goto done;

    const entry *base_e, *days_e;
    int64_t levels;
    if ((st = parse_top(p, &r, &base_e, &days_e, &levels, err)) != SIM_OK)
        goto done;
    if (!p->name) {
        const char *b = strrchr(path, '/');
        b = b ? b + 1 : path;
        size_t n = strcspn(b, ".");
        if (!(p->name = malloc(n + 1))) {
            st = NOMEM(err);
            goto done;
        }
        memcpy(p->name, b, n);
        p->name[n] = '\0';
    }
    if (!p->description && !(p->description = dup_str(""))) {
        st = NOMEM(err);
        goto done;
    }

    /* the base scenario, [set], days */
    if (base_e && base_e->value[0]) {
        char *bp = resolve_base(path, base_e->value);
        if (!bp) {
            st = NOMEM(err);
            goto done;
        }
        st = scn_load(&s->base, bp, err);
        free(bp);
        if (st != SIM_OK)
            goto done;
    }
    for (int k = 0; k < r.nent; k++) {
        const entry *e = &r.ent[k];
        if (strcmp(e->section, "set") != 0)
            continue;
        if (!strcmp(e->key, "run.seed") || !strcmp(e->key, "run.days")) {
            st = SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                          "%s is the sweep's own (allowed: the top-level key %s)", e->key,
                          !strcmp(e->key, "run.seed") ? "seed" : "days");
            goto done;
        }
        char assign[1200];
        snprintf(assign, sizeof assign, "%s=%s", e->key, e->value);
        if ((st = scn_set(&s->base, assign, err)) != SIM_OK) {
            relocate_set(err, path, e->line, e->key);
            goto done;
        }
    }
    if (days_e) {
        int i = sim_param_find("run.days");
        double v;
        if ((st = sim_param_parse(i, days_e->value, &v, path, days_e->line, err)) != SIM_OK) {
            snprintf(err->key, sizeof err->key, "days");
            goto done;
        }
        sim_param_put(&s->base.params, i, v);
    }
    if ((st = scn_finish(&s->base, err)) != SIM_OK)
        goto done;
    p->days = s->base.params.run_days;

    /* the factors */
    for (int k = 0; k < r.nent; k++)
        p->nfactors += !strcmp(r.ent[k].section, "vary");
    p->factors = calloc((size_t)(p->nfactors ? p->nfactors : 1), sizeof *p->factors);
    if (!p->factors) {
        st = NOMEM(err);
        goto done;
    }
    int nf = 0;
    for (int k = 0; k < r.nent; k++) {
        const entry *e = &r.ent[k];
        if (strcmp(e->section, "vary") != 0)
            continue;
        swp_factor *f = &p->factors[nf++];
        if ((st = parse_factor(f, e, path, p->design, err)) != SIM_OK)
            goto done;
        for (int j = 0; j < nf - 1; j++)
            if (p->factors[j].param == f->param) {
                st = SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key,
                              "%s is varied twice (first on line %d)", f->key,
                              p->factors[j].line);
                goto done;
            }
        if (p->design == SWP_GRID && f->scale != SWP_LIST && f->levels == 0)
            f->levels = levels;
    }
    if ((st = swp_plan_expand(p, err)) != SIM_OK)
        goto done;
    if ((st = check_points(s, err)) != SIM_OK)
        goto done;
    st = make_identity(s, err);
done:
    sim_ini_free(&r);
    if (st != SIM_OK)
        sim_error_push(err, __FILE__, __LINE__, __func__);
    return st;
}

sim_status swp_load(swp_sweep **out, const char *path, sim_error *err)
{
    *out = NULL;
    swp_sweep *s = calloc(1, sizeof *s);
    if (!s)
        return NOMEM(err);
    scn_init_default(&s->base);
    sim_status st = load(s, path, err);
    if (st != SIM_OK) {
        swp_destroy(s);
        return st;
    }
    *out = s;
    return SIM_OK;
}
