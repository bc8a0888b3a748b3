/* analysis/table.h — the summary table of a scenario comparison.
 *
 * For each scenario s and key metric k, the table holds the mean of metric
 * k over the window [win_from, win_to) of each replicate r (rep_mean), and
 * from those: the mean over replicates with its t confidence interval
 * (mean) and the paired difference from scenario 0, the baseline (diff),
 * with its confidence interval and two-sided p-value (analysis/stats.h).
 * Replicate r of every scenario ran with the same seed, so the differences
 * are paired by r.  diff of the baseline itself is all zero (p = 1).
 *
 * The same table is built by `troika compare` from the runs, written to and
 * read back from the compare file (analysis/h5compare.h), and printed here
 * as text, CSV or Markdown, and as HTML by analysis/report.c.  The table
 * owns all its memory (strings included); ana_table_destroy() frees it.
 */
#ifndef TROIKA_ANALYSIS_TABLE_H
#define TROIKA_ANALYSIS_TABLE_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "stats.h"
#include "ui.h"

typedef struct {
    int nscen, nmet;
    int64_t replicates;
    int64_t days, win_from, win_to;          /* the window is [win_from, win_to) */
    double level;                            /* 0.95 */
    char **scen;                             /* [nscen] labels; scen[0] is the baseline */
    char **met;                              /* [nmet] metric names */
    char **unit, **doc_en, **doc_zh, **kind; /* [nmet] */
    double *rep_mean;                        /* [nscen][nmet][replicates] */
    ana_summary *mean;                       /* [nscen][nmet] */
    ana_summary *diff;                       /* [nscen][nmet] */
} ana_table;

/* An empty table: strings NULL, numbers zero.  NULL if out of memory. */
ana_table *ana_table_create(int nscen, int nmet, int64_t replicates);
void ana_table_destroy(ana_table *t);

/* Set a string slot (a copy); SIM_ENOMEM on failure. */
sim_status ana_table_set(char **slot, const char *s, sim_error *err);

static inline double *ana_table_rep(const ana_table *t, int s, int k)
{
    return t->rep_mean + ((size_t)s * (size_t)t->nmet + (size_t)k) * (size_t)t->replicates;
}

static inline size_t ana_table_at(const ana_table *t, int s, int k)
{
    return (size_t)s * (size_t)t->nmet + (size_t)k;
}

/* mean and diff from rep_mean (deterministic). */
void ana_table_compute(ana_table *t);

/* 1 where the confidence interval of the difference excludes zero. */
int ana_table_clear(const ana_table *t, int s, int k);

/* Decimals to show metric k with (after ana_unit_scale): two significant
 * digits of a confidence half-width.  s < 0: the means of every scenario
 * (the narrowest positive half-width); s >= 0: the difference of scenario s
 * from the baseline (three significant digits of the difference when its
 * interval has no width). */
int ana_table_decimals(const ana_table *t, int k, int s);

/* The window in words ("the last year of the run (days 1460 to 1824)"). */
void ana_table_window_text(ana_sbuf *sb, const ana_table *t, ana_lang lang);

/* The metric's description as a phrase: doc_en without its final period
 * (first letter lowered unless the word is an acronym), doc_zh without its
 * final 。; the name when there is no description. */
void ana_table_metric_phrase(ana_sbuf *sb, const ana_table *t, int k, ana_lang lang, int lower);

/* Aligned text table (the terminal). */
void ana_table_print_text(FILE *f, const ana_table *t, ana_lang lang);

/* CSV, full precision, English column names (for programs):
 * metric,unit,scenario,n,mean,sd,ci_lo,ci_hi,half_width,diff,diff_lo,diff_hi,p_value,clear */
void ana_table_print_csv(FILE *f, const ana_table *t);

/* A CSV field (quoted, quotes doubled); Markdown cell text (| \ * _ `
 * escaped, newlines as spaces). */
void ana_table_csv_str(FILE *f, const char *s);
void ana_table_md_text(FILE *f, const char *s);

/* A Markdown table with the numbers as shown in the report. */
void ana_table_print_markdown(FILE *f, const ana_table *t, ana_lang lang);

#endif
