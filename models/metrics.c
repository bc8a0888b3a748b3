/* models/metrics.c — see metrics.h. */
#include "metrics.h"

#include "alloc.h"
#include "ctx.h"

#include <stdlib.h>
#include <string.h>

const sim_metric_desc sim_metric_table[SIM_MET_N] = {
#define M(name, unit, kind, panel, en, zh) {#name, unit, kind, panel, en, zh},
#include "metrics.def"
#undef M
};

_Static_assert(SIM_NPANEL < 127, "panel columns are kept as signed char");

const unsigned char sim_metric_subphase[SIM_MET_N] = {
#define S(name) [SIM_MET_##name] = 1,
#include "metrics/subdistrict.def"
#undef S
};

void sim_metrics_print_markdown(FILE *f)
{
    mtab_print_markdown(f, sim_metric_table, SIM_MET_N, sim_metric_subphase);
}

void sim_metrics_print_table(FILE *f)
{
    mtab_print_table(f, sim_metric_table, SIM_MET_N);
}

int sim_metric_find(const char *name)
{
    return mtab_find(sim_metric_table, SIM_MET_N, name);
}

sim_tally *sim_tally_create(int64_t ncomp, int64_t nsub, int64_t nrc)
{
    sim_tally *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ncomp = ncomp;
    t->nsub = nsub;
    t->nrc = nrc;
    t->nrows = (ncomp + SIM_TALLY_BLOCK - 1) / SIM_TALLY_BLOCK + nsub +
               (nrc + SIM_TALLY_BLOCK - 1) / SIM_TALLY_BLOCK;
    t->sampling = 1;
    t->clean = 1; /* everything starts zeroed */
    size_t n = (size_t)t->nrows * SIM_TALLY_STRIDE, np = (size_t)ncomp * SIM_NPANEL;
    t->num = sim_alloc_lines(n, sizeof *t->num);
    t->den = sim_alloc_lines(n, sizeof *t->den);
    t->pnum = sim_alloc_lines(np, sizeof *t->pnum);
    t->pden = sim_alloc_lines(np, sizeof *t->pden);
    if (!t->num || !t->den || !t->pnum || !t->pden) {
        sim_tally_destroy(t);
        return NULL;
    }
    return t;
}

void sim_tally_destroy(sim_tally *t)
{
    if (!t)
        return;
    free(t->num);
    free(t->den);
    free(t->pnum);
    free(t->pden);
    free(t);
}

void sim_tally_clear(sim_tally *t)
{
    size_t n = (size_t)t->nrows * SIM_TALLY_STRIDE, np = (size_t)t->ncomp * SIM_NPANEL;
    memset(t->num, 0, n * sizeof *t->num);
    memset(t->den, 0, n * sizeof *t->den);
    memset(t->pnum, 0, np * sizeof *t->pnum);
    memset(t->pden, 0, np * sizeof *t->pden);
    t->clean = 1;
}

/* The city value of the metrics in cache line j of the rows (8 metrics). */
static void reduce_line(sim_tally *t, int j, double *out)
{
    enum { LINE = 8 };
    double num[LINE] = {0}, den[LINE] = {0};
    for (int64_t r = 0; r < t->nrows; r++) {
        double *rn = t->num + r * SIM_TALLY_STRIDE + j * LINE;
        double *rd = t->den + r * SIM_TALLY_STRIDE + j * LINE;
        for (int k = 0; k < LINE; k++) {
            num[k] += rn[k];
            den[k] += rd[k];
        }
        memset(rn, 0, LINE * sizeof *rn);
        memset(rd, 0, LINE * sizeof *rd);
    }
    for (int k = 0; k < LINE && j * LINE + k < SIM_MET_N; k++) {
        const int m = j * LINE + k;
        if (sim_metric_table[m].kind == SIM_M_COUNT)
            out[m] = num[k];
        else
            out[m] = den[k] != 0.0 ? num[k] / den[k] : 0.0;
    }
}

void sim_tally_reduce(sim_tally *t, double *out)
{
    /* one cache line of metrics per task: each metric is summed over the
     * rows in row order, whatever the thread, and two threads never touch
     * the same line */
    enum { NLINES = SIM_TALLY_STRIDE / 8 };
    _Static_assert(SIM_TALLY_STRIDE % 8 == 0, "tally rows are whole lines");
    if (t->nrows >= 256 && sim_threads_available()) {
#pragma omp parallel for schedule(static)
        for (int j = 0; j < NLINES; j++)
            reduce_line(t, j, out);
    } else {
        for (int j = 0; j < NLINES; j++)
            reduce_line(t, j, out);
    }
}
