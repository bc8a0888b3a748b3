/* sim/metrics.c — see metrics.h. */
#include "metrics.h"

#include <stdlib.h>
#include <string.h>

const sim_metric_desc sim_metric_table[SIM_MET_N] = {
#define M(name, unit, kind, panel, en, zh) {#name, unit, kind, panel, en, zh},
#include "../models/metrics.def"
#undef M
};

static const char *kind_word(sim_mkind k)
{
    return k == SIM_M_COUNT ? "count" : "ratio";
}

void sim_metrics_print_markdown(FILE *f)
{
    fputs("| name | unit | kind | panel | description |\n|---|---|---|---|---|\n", f);
    for (int m = 0; m < SIM_MET_N; m++) {
        const sim_metric_desc *d = &sim_metric_table[m];
        fprintf(f, "| `%s` | %s | %s | ", d->name, d->unit, kind_word(d->kind));
        if (d->panel[0])
            fprintf(f, "`%s`", d->panel);
        else
            fputs("–", f);
        fprintf(f, " | %s |\n", d->doc_en);
    }
}

void sim_metrics_print_table(FILE *f)
{
    for (int m = 0; m < SIM_MET_N; m++) {
        const sim_metric_desc *d = &sim_metric_table[m];
        fprintf(f, "%-36s %-12s %-6s %s\n", d->name, d->unit, kind_word(d->kind), d->doc_en);
    }
}

int sim_metric_find(const char *name)
{
    for (int m = 0; m < SIM_MET_N; m++)
        if (strcmp(sim_metric_table[m].name, name) == 0)
            return m;
    return -1;
}

sim_tally *sim_tally_create(int64_t ncomp, int64_t nsub)
{
    sim_tally *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ncomp = ncomp;
    t->nunits = ncomp + nsub;
    size_t n = (size_t)t->nunits * SIM_MET_N;
    t->num = calloc(n ? n : 1, sizeof *t->num);
    t->den = calloc(n ? n : 1, sizeof *t->den);
    if (!t->num || !t->den) {
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
    free(t);
}

void sim_tally_clear(sim_tally *t)
{
    size_t n = (size_t)t->nunits * SIM_MET_N;
    memset(t->num, 0, n * sizeof *t->num);
    memset(t->den, 0, n * sizeof *t->den);
}

/* Rows per block.  A constant, never derived from the thread count. */
#define TALLY_BLOCK 256

void sim_tally_reduce(const sim_tally *t, double *out)
{
    int64_t nblocks = (t->nunits + TALLY_BLOCK - 1) / TALLY_BLOCK;
    double *part = calloc((size_t)(nblocks ? nblocks : 1) * 2 * SIM_MET_N, sizeof *part);
    double num[SIM_MET_N] = {0}, den[SIM_MET_N] = {0};
    if (part) {
#pragma omp parallel for schedule(static)
        for (int64_t b = 0; b < nblocks; b++) {
            double *pn = part + (size_t)b * 2 * SIM_MET_N, *pd = pn + SIM_MET_N;
            int64_t hi = (b + 1) * TALLY_BLOCK < t->nunits ? (b + 1) * TALLY_BLOCK : t->nunits;
            for (int64_t u = b * TALLY_BLOCK; u < hi; u++) {
                const double *rn = t->num + u * SIM_MET_N, *rd = t->den + u * SIM_MET_N;
                for (int m = 0; m < SIM_MET_N; m++) {
                    pn[m] += rn[m];
                    pd[m] += rd[m];
                }
            }
        }
        for (int64_t b = 0; b < nblocks; b++)
            for (int m = 0; m < SIM_MET_N; m++) {
                num[m] += part[(size_t)b * 2 * SIM_MET_N + m];
                den[m] += part[(size_t)b * 2 * SIM_MET_N + SIM_MET_N + m];
            }
        free(part);
    } else {
        /* same blocks, serially: identical result, no extra memory */
        for (int64_t b = 0; b < nblocks; b++) {
            double pn[SIM_MET_N] = {0}, pd[SIM_MET_N] = {0};
            int64_t hi = (b + 1) * TALLY_BLOCK < t->nunits ? (b + 1) * TALLY_BLOCK : t->nunits;
            for (int64_t u = b * TALLY_BLOCK; u < hi; u++)
                for (int m = 0; m < SIM_MET_N; m++) {
                    pn[m] += t->num[u * SIM_MET_N + m];
                    pd[m] += t->den[u * SIM_MET_N + m];
                }
            for (int m = 0; m < SIM_MET_N; m++) {
                num[m] += pn[m];
                den[m] += pd[m];
            }
        }
    }
    for (int m = 0; m < SIM_MET_N; m++) {
        if (sim_metric_table[m].kind == SIM_M_COUNT)
            out[m] = num[m];
        else
            out[m] = den[m] != 0.0 ? num[m] / den[m] : 0.0;
    }
}
