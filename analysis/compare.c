/* analysis/compare.c — see compare.h. */
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

/* THE key metrics of a comparison: the table, the summary and the charts
 * of the report show these, in this order.  Names of models/metrics.def and
 * models/metrics/ *.def; one missing from this build is skipped with a note
 * (with ANA_KEY_METRICS_STRICT 1, ana_key_metrics() returns -1 instead and
 * `troika compare` stops with an internal error). */
static const ana_metric_reading ana_key_metric_table[] = {
    /* households: property service */
    {"households_rating_pmc_inadequate", ANA_LOWER_BETTER, ANA_NORM_NONE,
     "share of households who rate the property service inadequate", "认为物业服务不到位的住户比例"},
    {"pmc_satisfaction_mean", ANA_HIGHER_BETTER, ANA_NORM_NONE,
     "households' satisfaction with the property firm", "居民对物业的满意度"},
    {"pmc_quality_mean", ANA_HIGHER_BETTER, ANA_NORM_NONE,
     "service quality of the property firms", "物业服务质量"},
    {"fee_collection_rate", ANA_HIGHER_BETTER, ANA_NORM_NONE,
     "property-fee collection rate", "物业费收缴率"},
    {"complaints_new", ANA_LOWER_BETTER, ANA_NORM_FLOW,
     "complaints about property service (all channels)", "物业投诉量（各渠道合计）"},
    {"complaints_hotline", ANA_LOWER_BETTER, ANA_NORM_FLOW,
     "complaints through the 12345 hotline", "12345热线投诉量"},
    {"complaint_days_to_resolve", ANA_LOWER_BETTER, ANA_NORM_NONE,
     "days taken to resolve a complaint", "投诉办结天数"},
    /* residents' committee workers */
    {"workers_rating_pmc_inadequate", ANA_LOWER_BETTER, ANA_NORM_NONE,
     "share of community workers who rate the property service inadequate", "认为物业服务不到位的社区工作者比例"},
    {"rc_admin_hours_share", ANA_LOWER_BETTER, ANA_NORM_NONE,
     "share of community workers' hours spent on administration", "社区工作者用于行政事务的工时占比"},
    /* owners' committees */
    {"oc_functioning_share", ANA_HIGHER_BETTER, ANA_NORM_NONE,
     "share of compounds whose owners' committee works", "业委会正常运转的小区比例"},
    {"assemblies_quorate", ANA_HIGHER_BETTER, ANA_NORM_FLOW,
     "owners' assemblies that reach the quorum", "达到法定参与门槛的业主大会次数"},
    /* mediation */
    {"disputes_waiting", ANA_LOWER_BETTER, ANA_NORM_STOCK,
     "disputes waiting for a mediator", "待调解纠纷数"},
    {"mediation_wait_days", ANA_LOWER_BETTER, ANA_NORM_NONE,
     "days a dispute waits for a mediator", "纠纷候调天数"},
    /* enforcement */
    {"violations_backlog", ANA_LOWER_BETTER, ANA_NORM_STOCK,
     "reported violations waiting for an officer", "待执法处理的违法违规案件数"},
    /* what the reforms cost (public money) */
    {"secretary_cost", ANA_COST, ANA_NORM_YEAR,
     "cost of the social-worker secretaries", "社工执行秘书经费"},
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

int ana_key_metrics(int *idx, int max, FILE *note, ana_lang lang)
{
    int n = 0;
    for (size_t k = 0; k < NKEY; k++) {
        int m = sim_metric_find(ana_key_metric_table[k].name);
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

sim_status ana_metrics_parse(const char *list, int *idx, int max, int *n, sim_error *err)
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
        int m = sim_metric_find(name);
        if (m < 0) {
            const char *best = NULL;
            int bd = 4;
            for (int k = 0; k < SIM_MET_N; k++) {
                int d = edit_distance(name, sim_metric_table[k].name);
                if (d < bd) {
                    bd = d;
                    best = sim_metric_table[k].name;
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
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--metrics",
                            "'%s' ends with a comma", list);
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
