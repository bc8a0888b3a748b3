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
        return SIM_FAIL(err, SIM_EINPUT, path, 0, NULL, "the sweep file is larger than %d bytes",
                        SWP_TEXT_MAX);
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

/* forward: the folder of the sweep file */
static char *resolve_base(const char *sweep_path, const char *base);
static sim_status factor_param(const char *key, const char *path, int line, int *param,
                               sim_error *err);

enum { DESIGN_MAX_COLUMNS = 1000 };

/* design = file:POINTS.csv (relative to the sweep file's folder): one point
 * per row, one column per varied parameter named in the header line;
 * blank lines and lines starting with '#' are skipped, and a column named
 * `point` (what --export-design writes) is ignored.  Each value goes
 * through the parameter table (type, range) and must be finite; errors name
 * the CSV's file and line.  Fills the factors (linear, lo/hi the column's
 * extremes, levels 0), values, npoints and samples (= npoints); *text gets
 * the CSV's text (the caller frees). */
static sim_status load_design_file(swp_plan *p, const entry *e, char **text, sim_error *err)
{
    const char *name = e->value + 5;
    while (isspace((unsigned char)*name))
        name++;
    char *csv = resolve_base(p->path, name);
    if (!csv)
        return NOMEM(err);
    char where[4096];
    snprintf(where, sizeof where, "%s", csv);
    free(csv);
    size_t len = 0;
    int e2 = sim_ini_read_file(where, SWP_TEXT_MAX, text, &len);
    if (e2)
        return SIM_FAIL(err, SIM_EINPUT, p->path, e->line, "design",
                        "cannot read the design file %s: %s", where,
                        e2 == EFBIG ? "too large" : strerror(e2));
    char *buf = dup_str(*text);
    int *col = malloc(DESIGN_MAX_COLUMNS * sizeof *col); /* column -> factor, -1 ignored */
    char **item = malloc(DESIGN_MAX_COLUMNS * sizeof *item);
    sim_status st = SIM_OK;
    int ncol = 0, header_line = 0, line = 0;
    int64_t cap = 0;
    if (!buf || !col || !item)
        st = NOMEM(err);
    for (char *l = buf, *next; st == SIM_OK && l; l = next) {
        line++;
        next = strchr(l, '\n');
        if (next)
            *next++ = '\0';
        size_t n = strlen(l);
        if (n && l[n - 1] == '\r')
            l[n - 1] = '\0';
        const char *t = l;
        while (isspace((unsigned char)*t))
            t++;
        if (!*t || *t == '#')
            continue;
        int nf = split_list(l, item, DESIGN_MAX_COLUMNS);
        if (nf > DESIGN_MAX_COLUMNS) {
            st = SIM_FAIL(err, SIM_EINPUT, where, line, NULL, "more than %d columns",
                          DESIGN_MAX_COLUMNS);
            break;
        }
        if (!header_line) { /* the header: the parameters */
            header_line = line;
            ncol = nf;
            p->factors = calloc((size_t)nf, sizeof *p->factors);
            if (!p->factors) {
                st = NOMEM(err);
                break;
            }
            for (int c = 0; c < nf && st == SIM_OK; c++) {
                col[c] = -1;
                if (!strcmp(item[c], "point"))
                    continue;
                int i;
                if ((st = factor_param(item[c], where, line, &i, err)) != SIM_OK)
                    break;
                for (int j = 0; j < p->nfactors; j++)
                    if (p->factors[j].param == i)
                        st = SIM_FAIL(err, SIM_EINPUT, where, line, item[c],
                                      "the column %s is there twice", item[c]);
                swp_factor *f = &p->factors[p->nfactors];
                f->param = i;
                f->integer = sim_param_table[i].type != SIM_P_REAL;
                f->line = e->line;
                f->scale = SWP_LINEAR;
                snprintf(f->key, sizeof f->key, "%s", sim_param_table[i].key);
                if (!(f->spec = dup_str(e->value)))
                    st = NOMEM(err);
                col[c] = p->nfactors++;
            }
            if (st == SIM_OK && p->nfactors == 0)
                st = SIM_FAIL(err, SIM_EINPUT, where, line, NULL,
                              "no parameter column (allowed: a header line naming the varied "
                              "parameters, e.g. household.patience,pmc.margin)");
            continue;
        }
        if (nf != ncol) {
            st = SIM_FAIL(err, SIM_EINPUT, where, line, NULL,
                          "%d values for %d columns (allowed: one value per column of line "
                          "%d)",
                          nf, ncol, header_line);
            break;
        }
        int k = p->nfactors;
        if (p->npoints == cap) {
            cap = cap ? 2 * cap : 64;
            double *v = cap <= SWP_MAX_RUNS
                            ? realloc(p->values, (size_t)cap * (size_t)k * sizeof *v)
                            : NULL;
            if (!v) {
                st = cap > SWP_MAX_RUNS ? SIM_FAIL(err, SIM_EINPUT, where, line, NULL,
                                                   "more than %lld points", (long long)SWP_MAX_RUNS)
                                        : NOMEM(err);
                break;
            }
            p->values = v;
        }
        for (int c = 0; c < ncol && st == SIM_OK; c++) {
            if (col[c] < 0)
                continue;
            swp_factor *f = &p->factors[col[c]];
            double v;
            if (!item[c][0])
                st = SIM_FAIL(err, SIM_EINPUT, where, line, f->key, "empty value");
            else if ((st = sim_param_parse(f->param, item[c], &v, where, line, err)) == SIM_OK &&
                     !isfinite(v))
                st = SIM_FAIL(err, SIM_EINPUT, where, line, f->key, "'%s' is not a finite number",
                              item[c]);
            if (st != SIM_OK)
                break;
            p->values[p->npoints * k + col[c]] = v;
            if (p->npoints == 0 || v < f->lo)
                f->lo = v;
            if (p->npoints == 0 || v > f->hi)
                f->hi = v;
        }
        if (st == SIM_OK)
            p->npoints++;
    }
    if (st == SIM_OK && p->npoints == 0)
        st = SIM_FAIL(err, SIM_EINPUT, where, header_line ? header_line : 1, NULL,
                      "the design file has no points (allowed: a header line, then one line "
                      "per point)");
    p->samples = p->npoints;
    free(buf);
    free(col);
    free(item);
    return st;
}

/* The parameter a factor varies (a [vary] key or a design file's column):
 * known, and one a sweep may vary. */
static sim_status factor_param(const char *key, const char *path, int line, int *param,
                               sim_error *err)
{
    int i = sim_param_find(key);
    if (i < 0) {
        const char *sug = sim_param_suggest(key);
        if (sug)
            return SIM_FAIL(err, SIM_EINPUT, path, line, key,
                            "unknown parameter '%s' (did you mean %s?)", key, sug);
        return SIM_FAIL(err, SIM_EINPUT, path, line, key,
                        "unknown parameter '%s' (allowed: a section.name of `troika params`)", key);
    }
    const sim_param_desc *d = &sim_param_table[i];
    if (!strcmp(d->key, "run.seed") || !strcmp(d->key, "run.days"))
        return SIM_FAIL(err, SIM_EINPUT, path, line, key,
                        "%s cannot be varied (allowed: the top-level keys %s)", d->key,
                        !strcmp(d->key, "run.seed") ? "seed and seeds" : "days");
    if (d->flags & SIM_PF_UNIMPL)
        return SIM_FAIL(err, SIM_EINPUT, path, line, key,
                        "%s is declared but its mechanism is not built yet; only its "
                        "default is accepted, so varying it would change nothing",
                        d->key);
    *param = i;
    return SIM_OK;
}

/* Parse one [vary] line into f (a grid range without its own levels gets
 * the sweep's `levels` later). */
static sim_status parse_factor(swp_factor *f, const entry *e, const char *path, swp_design design,
                               sim_error *err)
{
    memset(f, 0, sizeof *f);
    f->param = -1;
    f->line = e->line;
    snprintf(f->key, sizeof f->key, "%s", e->key);
    if (!(f->spec = dup_str(e->value)))
        return NOMEM(err);
    int i;
    SIM_TRY(err, factor_param(e->key, path, e->line, &i, err));
    const sim_param_desc *d = &sim_param_table[i];
    f->param = i;
    f->integer = d->type != SIM_P_REAL;

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
                            "'%s' is a single value: a fixed value goes under [set] (%s)", e->value,
                            vary_help);
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
                        "%s is a boolean: give the list 'false, true' rather than a range", d->key);
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
        return SIM_FAIL(err, SIM_EINPUT, path, e->line, e->key, "'%s' has no upper end (%s)",
                        e->value, vary_help);
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
/* design_text: the design file's text (NULL: none; the identity is then
 * what it always was). */
static sim_status make_identity(swp_sweep *s, const char *design_text, sim_error *err)
{
    char *ini = scn_resolved_ini(&s->base);
    if (!ini)
        return NOMEM(err);
    const char *head1 = "; troika sweep identity 1\n; ---- troika commit: ";
    const char *head2 = "\n; ---- the sweep file:\n";
    const char *head3 = "\n; ---- the base scenario, resolved:\n";
    const char *head4 = design_text ? "\n; ---- the design file:\n" : "";
    if (!design_text)
        design_text = "";
    size_t n = strlen(head1) + strlen(TROIKA_GIT_COMMIT) + strlen(head2) + strlen(s->plan.text) +
               strlen(head3) + strlen(ini) + strlen(head4) + strlen(design_text) + 1;
    char *id = malloc(n);
    if (!id) {
        free(ini);
        return NOMEM(err);
    }
    snprintf(id, n, "%s%s%s%s%s%s%s%s", head1, TROIKA_GIT_COMMIT, head2, s->plan.text, head3, ini,
             head4, design_text);
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
static sim_status parse_top(swp_plan *p, const sim_ini *r, const entry **base_e,
                            const entry **days_e, const entry **file_e, int64_t *levels,
                            sim_error *err)
{
    const char *path = p->path;
    int have_design = 0, have_samples = 0, have_levels = 0, have_metrics = 0;
    int samples_line = 0, levels_line = 0;
    *base_e = *days_e = *file_e = NULL;
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
            int d = strncmp(v, "file:", 5) == 0 ? (int)SWP_FILE : swp_design_parse(v);
            if (d < 0 || (d == SWP_FILE && !v[5]))
                return SIM_FAIL(err, SIM_EINPUT, path, e->line, "design",
                                "unknown design '%s' (allowed: grid, lhs, sobol, saltelli, or "
                                "file:POINTS.csv)",
                                v);
            if (d == SWP_FILE)
                *file_e = e;
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
    if (p->design == SWP_FILE && (have_samples || have_levels))
        return SIM_FAIL(err, SIM_EINPUT, path, have_samples ? samples_line : levels_line,
                        have_samples ? "samples" : "levels",
                        "the points come from the design file: no %s",
                        have_samples ? "samples" : "levels");
    if (p->design != SWP_GRID && p->design != SWP_FILE && !have_samples)
        return SIM_FAIL(err, SIM_EINPUT, path, 0, "samples", "design %s needs samples = N (%s)",
                        swp_design_name(p->design),
                        p->design == SWP_SALTELLI ? "the base sample: N x (parameters + 2) points"
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
    char *design_text = NULL; /* design = file:...: the CSV, part of the identity */
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

    const entry *base_e, *days_e, *file_e;
    int64_t levels;
    if ((st = parse_top(p, &r, &base_e, &days_e, &file_e, &levels, err)) != SIM_OK)
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

    /* the factors: the [vary] lines, or the design file's columns */
    if (file_e) {
        for (int k = 0; k < r.nent; k++)
            if (!strcmp(r.ent[k].section, "vary")) {
                st = SIM_FAIL(err, SIM_EINPUT, path, r.ent[k].line, r.ent[k].key,
                              "with design = %s the design file's columns are the varied "
                              "parameters (allowed: no [vary] section)",
                              file_e->value);
                goto done;
            }
        if ((st = load_design_file(p, file_e, &design_text, err)) != SIM_OK)
            goto done;
    } else {
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
    }
    if ((st = swp_plan_expand(p, err)) != SIM_OK)
        goto done;
    if ((st = check_points(s, err)) != SIM_OK)
        goto done;
    st = make_identity(s, design_text, err);
done:
    free(design_text);
    sim_ini_free(&r);
    if (st != SIM_OK)
        sim_error_push(err, __FILE__, __LINE__, __func__);
    return st;
}

const swp_tables *swp_model_tables(void)
{
    /* sim_param_count is no constant expression: filled on use, per thread
     * (no shared write) */
    static _Thread_local swp_tables t;
    t.params = sim_param_table;
    t.nparams = sim_param_count;
    t.metrics = sim_metric_table;
    t.nmetrics = SIM_MET_N;
    return &t;
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
