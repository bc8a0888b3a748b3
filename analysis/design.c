/* analysis/design.c — see design.h. */
#include "design.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>

#include "rng.h"

/* Stream purpose of the Latin hypercube (a sweep's design, not a run: kept
 * apart from sim_purpose so that no run ever draws from it). */
#define SWP_RNG_DESIGN 2000u

#define NOMEM(err) SIM_FAIL((err), SIM_ENOMEM, NULL, 0, NULL, "out of memory reading the sweep")

/* ---- names ---------------------------------------------------------------- */

static const char *const design_names[] = {"grid", "lhs", "sobol", "saltelli", "file"};
static const char *const scale_names[] = {"linear", "log", "list"};
static const char *const seeds_names[] = {"distinct", "common"};

const char *swp_design_name(swp_design d)
{
    return (unsigned)d < 5 ? design_names[d] : "?";
}
const char *swp_scale_name(swp_scale s)
{
    return (unsigned)s < 3 ? scale_names[s] : "?";
}
const char *swp_seeds_name(swp_seeds s)
{
    return (unsigned)s < 2 ? seeds_names[s] : "?";
}

static int find_name(const char *const *names, int n, const char *text)
{
    for (int k = 0; k < n; k++)
        if (strcmp(names[k], text) == 0)
            return k;
    return -1;
}
int swp_design_parse(const char *t)
{
    return find_name(design_names, 5, t);
}
int swp_scale_parse(const char *t)
{
    return find_name(scale_names, 3, t);
}
int swp_seeds_parse(const char *t)
{
    return find_name(seeds_names, 2, t);
}

uint64_t swp_hash(const char *text)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t swp_seed(const swp_plan *p, int64_t run)
{
    uint64_t i = (uint64_t)(p->seeds == SWP_SEEDS_COMMON ? swp_replicate(p, run) : run);
    uint64_t z = p->seed + (i + 1) * 0x9E3779B97F4A7C15ULL; /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return z & ((1ULL << 53) - 1);
}

void swp_plan_clear(swp_plan *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->description);
    free(p->path);
    free(p->text);
    free(p->identity);
    for (int j = 0; j < p->nfactors; j++) {
        free(p->factors[j].values);
        free(p->factors[j].spec);
    }
    free(p->factors);
    for (int m = 0; m < p->nmetrics; m++)
        free(p->metrics[m]);
    free(p->metrics);
    free(p->metric);
    free(p->unit);
    free(p->values);
    memset(p, 0, sizeof *p);
}

/* ---- designs --------------------------------------------------------------------- */

static int is_int(const swp_factor *f)
{
    return f->param >= 0 && f->integer;
}

/* Value of factor f at coordinate u in [0, 1) (sampling designs). */
static double map_unit(const swp_factor *f, double u)
{
    if (u < 0.0)
        u = 0.0;
    if (f->scale == SWP_LIST) {
        int64_t k = (int64_t)floor(u * (double)f->levels);
        return f->values[k < f->levels ? k : f->levels - 1];
    }
    double v;
    if (is_int(f)) {
        if (f->scale == SWP_LOG)
            v = floor(exp(log(f->lo) + u * (log(f->hi + 1.0) - log(f->lo))));
        else
            v = f->lo + floor(u * (f->hi - f->lo + 1.0));
    } else if (f->scale == SWP_LOG) {
        v = exp(log(f->lo) + u * (log(f->hi) - log(f->lo)));
    } else {
        v = f->lo + u * (f->hi - f->lo);
    }
    return v < f->lo ? f->lo : v > f->hi ? f->hi : v;
}

/* Level l of L of factor f (grid): endpoints included. */
static double grid_value(const swp_factor *f, int64_t l, int64_t L)
{
    if (f->scale == SWP_LIST)
        return f->values[l];
    if (l == 0)
        return f->lo;
    if (l == L - 1)
        return f->hi;
    double u = (double)l / (double)(L - 1), v;
    if (f->scale == SWP_LOG)
        v = exp(log(f->lo) + u * (log(f->hi) - log(f->lo)));
    else
        v = f->lo + u * (f->hi - f->lo);
    if (is_int(f))
        v = nearbyint(v);
    return v < f->lo ? f->lo : v > f->hi ? f->hi : v;
}

static sim_status expand_grid(swp_plan *p, sim_error *err)
{
    int k = p->nfactors;
    int64_t n = 1;
    for (int j = 0; j < k; j++) {
        const swp_factor *f = &p->factors[j];
        if (f->levels < 2)
            return SIM_FAIL(err, SIM_EINTERNAL, p->path, f->line, f->key, "no grid levels");
        if (n > SWP_MAX_RUNS / f->levels)
            return SIM_FAIL(err, SIM_EINPUT, p->path, f->line, f->key,
                            "the grid has more than %lld points", (long long)SWP_MAX_RUNS);
        n *= f->levels;
        /* integer ranges: levels must not repeat a value */
        for (int64_t l = 1; l < f->levels; l++)
            if (grid_value(f, l, f->levels) == grid_value(f, l - 1, f->levels))
                return SIM_FAIL(err, SIM_EINPUT, p->path, f->line, f->key,
                                "%lld levels repeat values of this integer range (allowed: "
                                "fewer levels)",
                                (long long)f->levels);
    }
    p->npoints = n;
    p->unit = malloc((size_t)n * (size_t)k * sizeof *p->unit);
    p->values = malloc((size_t)n * (size_t)k * sizeof *p->values);
    if (!p->unit || !p->values)
        return NOMEM(err);
    for (int64_t q = 0; q < n; q++) {
        int64_t rest = q;
        for (int j = k - 1; j >= 0; j--) { /* the last factor varies fastest */
            const swp_factor *f = &p->factors[j];
            int64_t l = rest % f->levels;
            rest /= f->levels;
            p->unit[q * k + j] = (double)l / (double)(f->levels - 1);
            p->values[q * k + j] = grid_value(f, l, f->levels);
        }
    }
    return SIM_OK;
}

static sim_status expand_lhs(swp_plan *p, sim_error *err)
{
    int k = p->nfactors;
    int64_t n = p->samples;
    uint32_t *perm = malloc((size_t)n * sizeof *perm);
    if (!perm)
        return NOMEM(err);
    for (int j = 0; j < k; j++) {
        sim_stream st;
        sim_stream_open(&st, p->seed, SWP_RNG_DESIGN, (uint32_t)j, 0);
        for (int64_t q = 0; q < n; q++)
            perm[q] = (uint32_t)q;
        for (int64_t q = n - 1; q > 0; q--) { /* Fisher-Yates */
            uint32_t r = sim_stream_below(&st, (uint32_t)(q + 1));
            uint32_t t = perm[q];
            perm[q] = perm[r];
            perm[r] = t;
        }
        for (int64_t q = 0; q < n; q++)
            p->unit[q * k + j] = ((double)perm[q] + sim_stream_uniform(&st)) / (double)n;
    }
    free(perm);
    return SIM_OK;
}

static sim_status expand_sobol(swp_plan *p, sim_error *err)
{
    int k = p->nfactors;
    int dim = p->design == SWP_SALTELLI ? 2 * k : k;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dim);
    if (!q)
        return NOMEM(err);
    double x[SWP_SOBOL_MAX_DIM];
    int64_t stride = p->design == SWP_SALTELLI ? k + 2 : 1;
    /* Saltelli: the first point has A = B (all 0.5), a row that tells
     * nothing; skip it, as common practice does */
    if (p->design == SWP_SALTELLI && gsl_qrng_get(q, x) != 0) {
        gsl_qrng_free(q);
        return SIM_FAIL(err, SIM_EINTERNAL, p->path, 0, NULL, "the Sobol sequence failed");
    }
    for (int64_t r = 0; r < p->samples; r++) {
        if (gsl_qrng_get(q, x) != 0) {
            gsl_qrng_free(q);
            return SIM_FAIL(err, SIM_EINTERNAL, p->path, 0, NULL, "the Sobol sequence failed");
        }
        if (p->design == SWP_SOBOL) {
            memcpy(p->unit + r * k, x, (size_t)k * sizeof *x);
            continue;
        }
        /* Saltelli: A, B, then AB_j = A with column j from B */
        double *row = p->unit + r * stride * k;
        for (int64_t m = 0; m < stride; m++)
            for (int j = 0; j < k; j++) {
                double a = x[j], b = x[k + j];
                row[m * k + j] = m == 0 ? a : m == 1 ? b : (m - 2 == j ? b : a);
            }
    }
    gsl_qrng_free(q);
    return SIM_OK;
}

/* The points of a design file: values given, unit derived. */
static sim_status expand_file(swp_plan *p, sim_error *err)
{
    int k = p->nfactors;
    if (!p->values || p->npoints < 1)
        return SIM_FAIL(err, SIM_EINTERNAL, p->path, 0, "design", "a design file without points");
    free(p->unit);
    p->unit = malloc((size_t)p->npoints * (size_t)k * sizeof *p->unit);
    if (!p->unit)
        return NOMEM(err);
    for (int64_t q = 0; q < p->npoints; q++)
        for (int j = 0; j < k; j++) {
            const swp_factor *f = &p->factors[j];
            double v = p->values[q * k + j];
            p->unit[q * k + j] = f->hi > f->lo ? (v - f->lo) / (f->hi - f->lo) : 0.5;
        }
    return SIM_OK;
}

int64_t swp_export_point(const swp_plan *p, int64_t i)
{
    if (p->design != SWP_SALTELLI)
        return i;
    int64_t per = p->nfactors + 2, b = i / per, r = i % per;
    /* SALib: A, AB_1..AB_k, B; troika: A (role 0), B (1), AB_j (2 + j) */
    return b * per + (r == 0 ? 0 : r == per - 1 ? 1 : r + 1);
}

void swp_design_write_csv(FILE *f, const swp_plan *p)
{
    int k = p->nfactors;
    fprintf(f, "# troika sweep '%s': design %s, %lld points", p->name ? p->name : "",
            swp_design_name(p->design), (long long)p->npoints);
    if (p->design == SWP_SALTELLI)
        fprintf(f,
                " (N = %lld base rows x (k + 2), k = %d)\n"
                "# rows in SALib's order: for each base row A, AB_1 ... AB_k, B "
                "(SALib.sample.saltelli, calc_second_order=False); `point` is troika's "
                "point (/runs/point, /design/values row)\n",
                (long long)p->samples, k);
    else
        fputs("\n# rows in point order; `point` is troika's point (/runs/point)\n", f);
    fputs("point", f);
    for (int j = 0; j < k; j++)
        fprintf(f, ",%s", p->factors[j].key);
    fputc('\n', f);
    for (int64_t i = 0; i < p->npoints; i++) {
        int64_t q = swp_export_point(p, i);
        fprintf(f, "%lld", (long long)q);
        for (int j = 0; j < k; j++)
            fprintf(f, ",%.17g", p->values[q * k + j]);
        fputc('\n', f);
    }
}

sim_status swp_plan_expand(swp_plan *p, sim_error *err)
{
    int k = p->nfactors;
    if (p->design == SWP_FILE && k >= 1) {
        SIM_TRY(err, expand_file(p, err));
        goto runs;
    }
    free(p->unit);
    free(p->values);
    p->unit = p->values = NULL;
    if (k < 1)
        return SIM_FAIL(err, SIM_EINPUT, p->path, 0, "[vary]",
                        "nothing is varied (allowed: one line per parameter under [vary])");
    if (p->design == SWP_GRID) {
        SIM_TRY(err, expand_grid(p, err));
    } else {
        int64_t per = p->design == SWP_SALTELLI ? k + 2 : 1;
        int dim = p->design == SWP_SALTELLI ? 2 * k : k;
        if (p->design != SWP_LHS && dim > SWP_SOBOL_MAX_DIM)
            return SIM_FAIL(err, SIM_EINPUT, p->path, p->factors[k - 1].line, p->factors[k - 1].key,
                            "design %s takes at most %d varied parameters (here %d)",
                            swp_design_name(p->design),
                            p->design == SWP_SALTELLI ? SWP_SOBOL_MAX_DIM / 2 : SWP_SOBOL_MAX_DIM,
                            k);
        if (p->samples < 1 || p->samples > SWP_MAX_RUNS / per)
            return SIM_FAIL(err, SIM_EINPUT, p->path, 0, "samples",
                            "%lld samples (allowed: 1 to %lld for this design)",
                            (long long)p->samples, (long long)(SWP_MAX_RUNS / per));
        p->npoints = p->samples * per;
        p->unit = malloc((size_t)p->npoints * (size_t)k * sizeof *p->unit);
        p->values = malloc((size_t)p->npoints * (size_t)k * sizeof *p->values);
        if (!p->unit || !p->values)
            return NOMEM(err);
        if (p->design == SWP_LHS)
            SIM_TRY(err, expand_lhs(p, err));
        else
            SIM_TRY(err, expand_sobol(p, err));
        for (int64_t q = 0; q < p->npoints; q++)
            for (int j = 0; j < k; j++)
                p->values[q * k + j] = map_unit(&p->factors[j], p->unit[q * k + j]);
    }
runs:
    if (p->replicates < 1 || p->npoints > SWP_MAX_RUNS / p->replicates)
        return SIM_FAIL(err, SIM_EINPUT, p->path, 0, "replicates",
                        "%lld points x %lld replicates is more than %lld runs",
                        (long long)p->npoints, (long long)p->replicates, (long long)SWP_MAX_RUNS);
    p->nruns = p->npoints * p->replicates;
    return SIM_OK;
}
