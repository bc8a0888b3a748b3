/* analysis/compare.c — see compare.h. */
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "abc.h"
#include "mtable.h"
#include "rng.h"

/* THE key metrics of a comparison: the table, the summary and the charts
 * of the report show these, in this order.  Names of models/metrics.def and
 * models/metrics/ *.def; one missing from this build is skipped with a note
 * (with ANA_KEY_METRICS_STRICT 1, ana_key_metrics() returns -1 instead and
 * `troika compare` stops with an internal error). */
static const ana_metric_reading ana_key_metric_table[] = {
    /* households: property service */
    {"households_rating_pmc_inadequate", ANA_LOWER_BETTER, ANA_NORM_NONE,
     "share of households who rate the property service inadequate",
     "认为物业服务不到位的住户比例"},
    {"pmc_satisfaction_mean", ANA_HIGHER_BETTER, ANA_NORM_NONE,
     "households' satisfaction with the property firm", "居民对物业的满意度"},
    {"pmc_quality_mean", ANA_HIGHER_BETTER, ANA_NORM_NONE, "service quality of the property firms",
     "物业服务质量"},
    {"fee_collection_rate", ANA_HIGHER_BETTER, ANA_NORM_NONE, "property-fee collection rate",
     "物业费收缴率"},
    {"complaints_new", ANA_LOWER_BETTER, ANA_NORM_FLOW,
     "complaints about property service (all channels)", "物业投诉量（各渠道合计）"},
    {"complaints_hotline", ANA_LOWER_BETTER, ANA_NORM_FLOW, "complaints through the 12345 hotline",
     "12345热线投诉量"},
    {"complaint_days_to_resolve", ANA_LOWER_BETTER, ANA_NORM_NONE,
     "days taken to resolve a complaint", "投诉办结天数"},
    /* residents' committee workers */
    {"workers_rating_pmc_inadequate", ANA_LOWER_BETTER, ANA_NORM_NONE,
     "share of community workers who rate the property service inadequate",
     "认为物业服务不到位的社区工作者比例"},
    {"rc_admin_hours_share", ANA_LOWER_BETTER, ANA_NORM_NONE,
     "share of community workers' hours spent on administration",
     "社区工作者用于行政事务的工时占比"},
    /* owners' committees */
    {"oc_functioning_share", ANA_HIGHER_BETTER, ANA_NORM_NONE,
     "share of compounds whose owners' committee works", "业委会正常运转的小区比例"},
    {"assemblies_quorate", ANA_HIGHER_BETTER, ANA_NORM_FLOW,
     "owners' assemblies that reach the quorum", "达到法定参与门槛的业主大会次数"},
    /* mediation */
    {"disputes_waiting", ANA_LOWER_BETTER, ANA_NORM_STOCK, "disputes waiting for a mediator",
     "待调解纠纷数"},
    {"mediation_wait_days", ANA_LOWER_BETTER, ANA_NORM_NONE, "days a dispute waits for a mediator",
     "纠纷候调天数"},
    /* enforcement */
    {"violations_backlog", ANA_LOWER_BETTER, ANA_NORM_STOCK,
     "reported violations waiting for an officer", "待执法处理的违法违规案件数"},
    /* what the reforms cost (public money) */
    {"secretary_cost", ANA_COST, ANA_NORM_YEAR, "cost of the social-worker secretaries",
     "社工执行秘书经费"},
};
#define NKEY (sizeof ana_key_metric_table / sizeof ana_key_metric_table[0])

const ana_metric_reading *ana_metric_reading_of(const char *name)
{
    for (size_t k = 0; k < NKEY; k++)
        if (strcmp(ana_key_metric_table[k].name, name) == 0)
            return &ana_key_metric_table[k];
    return NULL;
}

#ifndef ANA_KEY_METRICS_STRICT
#define ANA_KEY_METRICS_STRICT 0
#endif

int ana_key_metrics(const sim_metric_desc *mt, int nmt, int *idx, int max, FILE *note,
                    ana_lang lang)
{
    int n = 0;
    for (size_t k = 0; k < NKEY; k++) {
        int m = mtab_find(mt, nmt, ana_key_metric_table[k].name);
        if (m < 0) {
            if (note) {
                ana_sbuf sb;
                ana_sbuf_init(&sb);
                const char *args[] = {ana_key_metric_table[k].name};
                ana_ui_put(&sb, ANA_UI_TXT_SKIPPED, lang, 0, args, 1);
                fprintf(note, "troika: %s\n", sb.p ? sb.p : "");
                ana_sbuf_free(&sb);
            }
            if (ANA_KEY_METRICS_STRICT)
                return -1;
            continue;
        }
        if (n < max)
            idx[n++] = m;
    }
    return n;
}

/* ---- options ------------------------------------------------------------------- */

static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    int d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            int x = d[i - 1][j] + 1, y = d[i][j - 1] + 1;
            d[i][j] = c < x ? (c < y ? c : y) : (x < y ? x : y);
        }
    return d[la][lb];
}

sim_status ana_metrics_parse(const sim_metric_desc *mt, int nmt, const char *list, int *idx,
                             int max, int *n, sim_error *err)
{
    *n = 0;
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char name[128];
        if (len == 0 || len >= sizeof name)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--metrics",
                            "'%s' is not a list of metric names (allowed: names of `troika "
                            "metrics`, separated by commas)",
                            list);
        memcpy(name, p, len);
        name[len] = '\0';
        int m = mtab_find(mt, nmt, name);
        if (m < 0) {
            const char *best = NULL;
            int bd = 4;
            for (int k = 0; k < nmt; k++) {
                int d = edit_distance(name, mt[k].name);
                if (d < bd) {
                    bd = d;
                    best = mt[k].name;
                }
            }
            if (best)
                return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--metrics",
                                "unknown metric '%s' (did you mean %s? `troika metrics` "
                                "lists them all)",
                                name, best);
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--metrics",
                            "unknown metric '%s' (`troika metrics` lists them all)", name);
        }
        for (int k = 0; k < *n; k++)
            if (idx[k] == m)
                return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--metrics",
                                "metric '%s' is listed twice", name);
        if (*n >= max)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--metrics",
                            "too many metrics (allowed: at most %d)", max);
        idx[(*n)++] = m;
        p = e ? e + 1 : p + len;
        if (e && !*p)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--metrics", "'%s' ends with a comma", list);
    }
    if (*n == 0)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--metrics", "no metric given");
    return SIM_OK;
}

/* ---- seeds ------------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

uint64_t ana_compare_seed(uint64_t base, int64_t r)
{
    return splitmix64(splitmix64(base) + (uint64_t)r) & ((1ull << 53) - 1);
}

int ana_compare_unmet(const ana_table *t, double tolerance, int *bad)
{
    int n = 0;
    for (int k = 0; k < t->nmet; k++)
        for (int s = 0; s < t->nscen; s++) {
            const ana_summary *m = &t->mean[ana_table_at(t, s, k)];
            if (m->half > tolerance * fabs(m->mean)) {
                bad[n++] = k;
                break;
            }
        }
    return n;
}

/* ---- comparisons under a posterior ---------------------------------------------- */

void ana_post_effect_compute(double *y, int64_t draws, int64_t per_draw, ana_better better,
                             double level, ana_post_effect *out)
{
    int64_t n = draws * per_draw;
    out->draws = draws;
    out->per_draw = per_draw;
    /* the law of total variance, before sorting reorders y */
    double B = NAN, W = NAN;
    if (draws >= 2 && per_draw >= 2) {
        double *dm = malloc((size_t)draws * sizeof *dm);
        if (dm) {
            W = 0.0;
            for (int64_t d = 0; d < draws; d++) {
                const double *row = y + d * per_draw;
                dm[d] = gsl_stats_mean(row, 1, (size_t)per_draw);
                W += gsl_stats_variance_m(row, 1, (size_t)per_draw, dm[d]) / (double)draws;
            }
            B = gsl_stats_variance(dm, 1, (size_t)draws);
            free(dm);
        }
    }
    out->var_chance = W;
    out->var_param = isnan(B) ? NAN : fmax(0.0, B - W / (double)per_draw);
    double tot = out->var_param + out->var_chance;
    out->share_param = tot > 0 ? out->var_param / tot : NAN;
    /* the probability of improvement: the share of effects in the better direction */
    if (better == ANA_NEUTRAL || n == 0) {
        out->p_improve = NAN;
    } else {
        double good = 0.0;
        for (int64_t j = 0; j < n; j++) {
            double v = better == ANA_HIGHER_BETTER ? y[j] : -y[j];
            good += v > 0 ? 1.0 : v == 0 ? 0.5 : 0.0;
        }
        out->p_improve = good / (double)n;
    }
    if (n == 0) {
        out->median = out->lo = out->hi = NAN;
        return;
    }
    gsl_sort(y, 1, (size_t)n);
    out->median = gsl_stats_quantile_from_sorted_data(y, 1, (size_t)n, 0.5);
    out->lo = gsl_stats_quantile_from_sorted_data(y, 1, (size_t)n, 0.5 * (1.0 - level));
    out->hi = gsl_stats_quantile_from_sorted_data(y, 1, (size_t)n, 0.5 * (1.0 + level));
}

int64_t ana_post_pick(const double *cum, int64_t n, uint64_t seed, int64_t m)
{
    sim_stream rs;
    sim_stream_open(&rs, seed, SIM_RNG_POSTERIOR_DRAW, (uint32_t)m, 0);
    return abc_pick(cum, n, sim_stream_uniform(&rs) * cum[n - 1]);
}

static const char *const post_design_names[] = {"draws", "saltelli"};

const char *ana_post_design_name(ana_post_design d)
{
    return d == ANA_POST_SALTELLI ? post_design_names[1] : post_design_names[0];
}

int ana_post_design_parse(const char *text)
{
    for (int i = 0; i < 2; i++)
        if (text && strcmp(text, post_design_names[i]) == 0)
            return i;
    return -1;
}

int64_t ana_post_points(ana_post_design d, int64_t n, int k)
{
    return d == ANA_POST_SALTELLI ? n * (int64_t)(k + 2) : n;
}

int ana_post_role(ana_post_design d, int k, int64_t p)
{
    return d == ANA_POST_SALTELLI ? (int)(p % (k + 2)) : 0;
}

void ana_post_design_fill(ana_post_design d, int64_t n, const double *ptheta, const double *cum,
                          int64_t nparticles, int k, uint64_t seed, double *theta,
                          int64_t *particle)
{
    size_t row = (size_t)k * sizeof *theta;
    if (d != ANA_POST_SALTELLI) {
        for (int64_t m = 0; m < n; m++) {
            int64_t i = ana_post_pick(cum, nparticles, seed, m);
            particle[m] = i;
            memcpy(theta + m * k, ptheta + i * k, row);
        }
        return;
    }
    for (int64_t b = 0; b < n; b++) {
        int64_t ia = ana_post_pick(cum, nparticles, seed, 2 * b);
        int64_t ib = ana_post_pick(cum, nparticles, seed, 2 * b + 1);
        int64_t p0 = b * (k + 2);
        const double *a = ptheta + ia * k, *bb = ptheta + ib * k;
        memcpy(theta + p0 * k, a, row);
        memcpy(theta + (p0 + 1) * k, bb, row);
        particle[p0] = ia;
        particle[p0 + 1] = ib;
        for (int j = 0; j < k; j++) {
            double *ab = theta + (p0 + 2 + j) * k;
            memcpy(ab, a, row);
            ab[j] = bb[j];
            particle[p0 + 2 + j] = -1;
        }
    }
}

/* ---- the posterior table ----------------------------------------------------------- */

void ana_post_cells_fill(const ana_table *t, const ana_post_effect *e, int k, ana_lang lang,
                         const char *minus, ana_post_cells *c)
{
    double sc = ana_unit_scale(t->unit[k] ? t->unit[k] : "");
    int dec = ana_decimals(0.5 * (e->hi - e->lo) * sc, e->median * sc);
    char lo[48], hi[48];
    ana_fmt_num(c->median, sizeof c->median, e->median * sc, dec, minus);
    ana_fmt_num(lo, sizeof lo, e->lo * sc, dec, minus);
    ana_fmt_num(hi, sizeof hi, e->hi * sc, dec, minus);
    snprintf(c->interval, sizeof c->interval, lang == ANA_ZH ? "%s 至 %s" : "%s to %s", lo, hi);
    if (isnan(e->p_improve))
        snprintf(c->p, sizeof c->p, "-");
    else
        snprintf(c->p, sizeof c->p, "%.2f", e->p_improve);
    if (isnan(e->share_param)) {
        snprintf(c->param, sizeof c->param, "-");
        snprintf(c->chance, sizeof c->chance, "-");
    } else {
        snprintf(c->param, sizeof c->param, "%.0f%%", 100.0 * e->share_param);
        snprintf(c->chance, sizeof c->chance, "%.0f%%", 100.0 * (1.0 - e->share_param));
    }
}

enum { PC_METRIC, PC_UNIT, PC_SCEN, PC_MEDIAN, PC_INTERVAL, PC_P, PC_PARAM, PC_CHANCE, PC_N };

/* The header and the rows of the posterior table as strings: cell[r][c],
 * row 0 the header; returns the row count (0 when out of memory). */
static size_t post_cells(const ana_table *t, const ana_post_effect *eff, double level,
                         ana_lang lang, const char *minus, char (**out)[PC_N][128])
{
    size_t rows = (size_t)(t->nscen - 1) * (size_t)t->nmet + 1;
    char(*cell)[PC_N][128] = calloc(rows, sizeof *cell);
    *out = cell;
    if (!cell)
        return 0;
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    char lv[16];
    snprintf(lv, sizeof lv, "%.0f%%", 100.0 * level);
    const char *args[] = {lv};
    ana_ui_put(&sb, ANA_UI_POST_COL_INTERVAL, lang, 0, args, 1);
    const char *head[PC_N] = {ana_ui(ANA_UI_COL_METRIC, lang),
                              ana_ui(ANA_UI_COL_UNIT, lang),
                              ana_ui(ANA_UI_COL_SCENARIO, lang),
                              ana_ui(ANA_UI_POST_COL_MEDIAN, lang),
                              sb.p ? sb.p : "",
                              ana_ui(ANA_UI_POST_COL_PIMPROVE, lang),
                              ana_ui(ANA_UI_POST_COL_PARAMS, lang),
                              ana_ui(ANA_UI_POST_COL_CHANCE, lang)};
    for (int c = 0; c < PC_N; c++)
        snprintf(cell[0][c], sizeof cell[0][c], "%s", head[c]);
    ana_sbuf_free(&sb);
    size_t r = 1;
    for (int k = 0; k < t->nmet; k++)
        for (int s = 1; s < t->nscen; s++, r++) {
            ana_post_cells pc;
            ana_post_cells_fill(t, &eff[ana_table_at(t, s, k)], k, lang, minus, &pc);
            snprintf(cell[r][PC_METRIC], sizeof cell[r][PC_METRIC], "%s", t->met[k]);
            snprintf(cell[r][PC_UNIT], sizeof cell[r][PC_UNIT], "%s",
                     ana_unit_label(t->unit[k] ? t->unit[k] : "", lang));
            snprintf(cell[r][PC_SCEN], sizeof cell[r][PC_SCEN], "%s", t->scen[s]);
            snprintf(cell[r][PC_MEDIAN], sizeof cell[r][PC_MEDIAN], "%s", pc.median);
            snprintf(cell[r][PC_INTERVAL], sizeof cell[r][PC_INTERVAL], "%s", pc.interval);
            snprintf(cell[r][PC_P], sizeof cell[r][PC_P], "%s", pc.p);
            snprintf(cell[r][PC_PARAM], sizeof cell[r][PC_PARAM], "%s", pc.param);
            snprintf(cell[r][PC_CHANCE], sizeof cell[r][PC_CHANCE], "%s", pc.chance);
        }
    return rows;
}

void ana_post_print_text(FILE *f, const ana_table *t, const ana_post_effect *eff, double level,
                         ana_lang lang)
{
    char(*cell)[PC_N][128];
    size_t rows = post_cells(t, eff, level, lang, "-", &cell);
    static const unsigned char right[PC_N] = {
        [PC_MEDIAN] = 1, [PC_INTERVAL] = 1, [PC_P] = 1, [PC_PARAM] = 1, [PC_CHANCE] = 1};
    ana_text_grid(f, (const char *)cell, rows, PC_N, sizeof cell[0][0], right);
    ana_ui_print_note(f, ANA_UI_POST_NOTE, lang);
    free(cell);
}

void ana_post_print_markdown(FILE *f, const ana_table *t, const ana_post_effect *eff, double level,
                             ana_lang lang)
{
    char(*cell)[PC_N][128];
    size_t rows = post_cells(t, eff, level, lang, "\u2212", &cell);
    for (size_t i = 0; i < rows; i++) {
        fputc('|', f);
        for (int c = 0; c < PC_N; c++) {
            fputc(' ', f);
            ana_table_md_text(f, cell[i][c]);
            fputs(" |", f);
        }
        fputc('\n', f);
        if (i == 0) {
            fputc('|', f);
            for (int c = 0; c < PC_N; c++)
                fputs(c >= PC_MEDIAN ? "---:|" : "---|", f);
            fputc('\n', f);
        }
    }
    free(cell);
}

void ana_post_print_csv(FILE *f, const ana_table *t, const ana_post_effect *eff)
{
    fputs("metric,unit,scenario,draws,replicates_per_draw,effect_median,effect_lo,effect_hi,"
          "p_improve,var_parameters,var_chance,share_parameters\n",
          f);
    for (int k = 0; k < t->nmet; k++)
        for (int s = 1; s < t->nscen; s++) {
            const ana_post_effect *e = &eff[ana_table_at(t, s, k)];
            ana_table_csv_str(f, t->met[k]);
            fputc(',', f);
            ana_table_csv_str(f, t->unit[k] ? t->unit[k] : "");
            fputc(',', f);
            ana_table_csv_str(f, t->scen[s]);
            fprintf(f, ",%lld,%lld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                    (long long)e->draws, (long long)e->per_draw, e->median, e->lo, e->hi,
                    e->p_improve, e->var_param, e->var_chance, e->share_param);
        }
}
