/* analysis/table.c — see table.h. */
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

ana_table *ana_table_create(int nscen, int nmet, int64_t replicates)
{
    if (nscen < 1 || nmet < 0 || replicates < 0)
        return NULL;
    ana_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->nscen = nscen;
    t->nmet = nmet;
    t->replicates = replicates;
    t->level = 0.95;
    size_t sk = (size_t)nscen * (size_t)(nmet ? nmet : 1);
    t->scen = calloc((size_t)nscen, sizeof *t->scen);
    t->met = calloc((size_t)(nmet ? nmet : 1), sizeof *t->met);
    t->unit = calloc((size_t)(nmet ? nmet : 1), sizeof *t->unit);
    t->doc_en = calloc((size_t)(nmet ? nmet : 1), sizeof *t->doc_en);
    t->doc_zh = calloc((size_t)(nmet ? nmet : 1), sizeof *t->doc_zh);
    t->kind = calloc((size_t)(nmet ? nmet : 1), sizeof *t->kind);
    t->rep_mean = calloc(sk * (size_t)(replicates ? replicates : 1), sizeof *t->rep_mean);
    t->mean = calloc(sk, sizeof *t->mean);
    t->diff = calloc(sk, sizeof *t->diff);
    if (!t->scen || !t->met || !t->unit || !t->doc_en || !t->doc_zh || !t->kind || !t->rep_mean ||
        !t->mean || !t->diff) {
        ana_table_destroy(t);
        return NULL;
    }
    return t;
}

void ana_table_destroy(ana_table *t)
{
    if (!t)
        return;
    for (int s = 0; t->scen && s < t->nscen; s++)
        free(t->scen[s]);
    for (int k = 0; k < t->nmet; k++) {
        if (t->met)
            free(t->met[k]);
        if (t->unit)
            free(t->unit[k]);
        if (t->doc_en)
            free(t->doc_en[k]);
        if (t->doc_zh)
            free(t->doc_zh[k]);
        if (t->kind)
            free(t->kind[k]);
    }
    free(t->scen);
    free(t->met);
    free(t->unit);
    free(t->doc_en);
    free(t->doc_zh);
    free(t->kind);
    free(t->rep_mean);
    free(t->mean);
    free(t->diff);
    free(t);
}

sim_status ana_table_set(char **slot, const char *s, sim_error *err)
{
    size_t n = strlen(s ? s : "") + 1;
    char *d = malloc(n);
    if (!d)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory building the table");
    memcpy(d, s ? s : "", n);
    free(*slot);
    *slot = d;
    return SIM_OK;
}

void ana_table_compute(ana_table *t)
{
    size_t n = (size_t)t->replicates;
    for (int s = 0; s < t->nscen; s++)
        for (int k = 0; k < t->nmet; k++) {
            size_t at = ana_table_at(t, s, k);
            t->mean[at] = ana_summarise(ana_table_rep(t, s, k), n, t->level);
            t->diff[at] = ana_paired(ana_table_rep(t, 0, k), ana_table_rep(t, s, k), n, t->level);
        }
}

int ana_table_clear(const ana_table *t, int s, int k)
{
    const ana_summary *d = &t->diff[ana_table_at(t, s, k)];
    return s > 0 && d->n >= 2 && (d->lo > 0.0 || d->hi < 0.0);
}

int ana_table_decimals(const ana_table *t, int k, int s)
{
    double scale = ana_unit_scale(t->unit[k] ? t->unit[k] : "");
    if (s >= 0) {
        const ana_summary *d = &t->diff[ana_table_at(t, s, k)];
        return ana_decimals(d->half * scale, d->mean * scale);
    }
    double half = 0.0, big = 0.0;
    for (int i = 0; i < t->nscen; i++) {
        const ana_summary *m = &t->mean[ana_table_at(t, i, k)];
        if (m->half > 0 && (half == 0.0 || m->half < half))
            half = m->half;
        if (fabs(m->mean) > big)
            big = fabs(m->mean);
    }
    return ana_decimals(half * scale, big * scale);
}

void ana_table_window_text(ana_sbuf *sb, const ana_table *t, ana_lang lang)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "%lld", (long long)t->win_from);
    snprintf(b, sizeof b, "%lld", (long long)(t->win_to - 1));
    const char *args[] = {a, b};
    ana_ui_id id = ANA_UI_WINDOW_DAYS;
    if (t->win_from == 0 && t->win_to == t->days)
        id = ANA_UI_WINDOW_ALL;
    else if (t->win_to == t->days && t->win_to - t->win_from == 365)
        id = ANA_UI_WINDOW_LAST_YEAR;
    ana_ui_put(sb, id, lang, 0, args, 2);
}

void ana_table_metric_phrase(ana_sbuf *sb, const ana_table *t, int k, ana_lang lang, int lower)
{
    const char *d = lang == ANA_ZH ? t->doc_zh[k] : t->doc_en[k];
    if (!d || !d[0])
        d = t->doc_en[k];
    if (!d || !d[0]) {
        ana_sbuf_put(sb, t->met[k]);
        return;
    }
    size_t n = strlen(d);
    /* drop the final sentence mark */
    if (n >= 3 && strcmp(d + n - 3, "。") == 0)
        n -= 3;
    else if (n >= 1 && d[n - 1] == '.')
        n -= 1;
    if (lower && lang == ANA_EN && d[0] >= 'A' && d[0] <= 'Z' && !(d[1] >= 'A' && d[1] <= 'Z')) {
        char c = (char)(d[0] - 'A' + 'a');
        ana_sbuf_putn(sb, &c, 1);
        ana_sbuf_putn(sb, d + 1, n - 1);
    } else {
        ana_sbuf_putn(sb, d, n);
    }
}

/* ---- the numbers of one cell, as shown ------------------------------------------ */

typedef struct {
    char mean[48], lo[48], hi[48];
    char dmean[48], dlo[48], dhi[48], p[16];
} cells;

static void fill_cells(const ana_table *t, int s, int k, const char *minus, cells *c)
{
    size_t at = ana_table_at(t, s, k);
    double sc = ana_unit_scale(t->unit[k] ? t->unit[k] : "");
    int dec = ana_table_decimals(t, k, -1), ddec = ana_table_decimals(t, k, s);
    const ana_summary *m = &t->mean[at], *d = &t->diff[at];
    ana_fmt_num(c->mean, sizeof c->mean, m->mean * sc, dec, minus);
    ana_fmt_num(c->lo, sizeof c->lo, m->lo * sc, dec, minus);
    ana_fmt_num(c->hi, sizeof c->hi, m->hi * sc, dec, minus);
    ana_fmt_num(c->dmean, sizeof c->dmean, d->mean * sc, ddec, minus);
    ana_fmt_num(c->dlo, sizeof c->dlo, d->lo * sc, ddec, minus);
    ana_fmt_num(c->dhi, sizeof c->dhi, d->hi * sc, ddec, minus);
    ana_fmt_p(c->p, sizeof c->p, d->p);
}

/* A UI row without arguments, expanded ("%%" becomes "%"). */
static void ui_plain(char *buf, size_t n, ana_ui_id id, ana_lang lang)
{
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    ana_ui_put(&sb, id, lang, 0, NULL, 0);
    snprintf(buf, n, "%s", sb.p ? sb.p : "");
    ana_sbuf_free(&sb);
}

static void range_text(char *buf, size_t n, const char *lo, const char *hi, ana_lang lang)
{
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    const char *args[] = {lo, hi};
    ana_ui_put(&sb, ANA_UI_CI_RANGE, lang, 0, args, 2);
    snprintf(buf, n, "%s", sb.p ? sb.p : "");
    ana_sbuf_free(&sb);
}

static void header_line(FILE *f, const ana_table *t, ana_lang lang, const char *pre,
                        const char *post)
{
    ana_sbuf sb, win;
    ana_sbuf_init(&sb);
    ana_sbuf_init(&win);
    ana_table_window_text(&win, t, lang);
    char ns[16], nr[32], nd[32];
    snprintf(ns, sizeof ns, "%d", t->nscen);
    snprintf(nr, sizeof nr, "%lld", (long long)t->replicates);
    snprintf(nd, sizeof nd, "%lld", (long long)t->days);
    const char *args[] = {ns, nr, nd, win.p ? win.p : ""};
    ana_ui_put(&sb, ANA_UI_TXT_HEADER, lang, 0, args, 4);
    fprintf(f, "%s%s%s\n", pre, sb.p ? sb.p : "", post);
    ana_sbuf_free(&sb);
    ana_sbuf_free(&win);
}

/* ---- text ------------------------------------------------------------------------ */

enum { TC_METRIC, TC_UNIT, TC_SCEN, TC_MEAN, TC_CI, TC_DIFF, TC_DCI, TC_P, TC_FLAG, TC_N };

void ana_table_print_text(FILE *f, const ana_table *t, ana_lang lang)
{
    size_t rows = (size_t)t->nscen * (size_t)t->nmet + 1;
    char(*cell)[TC_N][96] = calloc(rows, sizeof *cell);
    if (!cell)
        return;
    char ci[64];
    ui_plain(ci, sizeof ci, ANA_UI_COL_CI, lang);
    const char *head[TC_N] = {ana_ui(ANA_UI_COL_METRIC, lang),
                              ana_ui(ANA_UI_COL_UNIT, lang),
                              ana_ui(ANA_UI_COL_SCENARIO, lang),
                              ana_ui(ANA_UI_COL_MEAN, lang),
                              ci,
                              ana_ui(ANA_UI_COL_DIFF, lang),
                              ci,
                              ana_ui(ANA_UI_COL_P, lang),
                              ""};
    for (int c = 0; c < TC_N; c++)
        snprintf(cell[0][c], sizeof cell[0][c], "%s", head[c]);
    size_t r = 1;
    for (int k = 0; k < t->nmet; k++)
        for (int s = 0; s < t->nscen; s++, r++) {
            cells c;
            fill_cells(t, s, k, "-", &c);
            if (s == 0) {
                snprintf(cell[r][TC_METRIC], sizeof cell[r][TC_METRIC], "%s", t->met[k]);
                snprintf(cell[r][TC_UNIT], sizeof cell[r][TC_UNIT], "%s",
                         ana_unit_label(t->unit[k] ? t->unit[k] : "", lang));
            }
            snprintf(cell[r][TC_SCEN], sizeof cell[r][TC_SCEN], "%s", t->scen[s]);
            snprintf(cell[r][TC_MEAN], sizeof cell[r][TC_MEAN], "%s", c.mean);
            range_text(cell[r][TC_CI], sizeof cell[r][TC_CI], c.lo, c.hi, lang);
            if (s > 0) {
                snprintf(cell[r][TC_DIFF], sizeof cell[r][TC_DIFF], "%s", c.dmean);
                range_text(cell[r][TC_DCI], sizeof cell[r][TC_DCI], c.dlo, c.dhi, lang);
                snprintf(cell[r][TC_P], sizeof cell[r][TC_P], "%s", c.p);
                snprintf(cell[r][TC_FLAG], sizeof cell[r][TC_FLAG], "%s",
                         ana_table_clear(t, s, k) ? "*" : "");
            }
        }
    static const unsigned char right[TC_N] = {[TC_MEAN] = 1, [TC_DIFF] = 1, [TC_P] = 1};
    header_line(f, t, lang, "", "");
    fputc('\n', f);
    ana_text_grid(f, (const char *)cell, rows, TC_N, sizeof cell[0][0], right);
    ana_ui_print_note(f, ANA_UI_TXT_CLEAR_NOTE, lang);
    free(cell);
}

/* ---- CSV ----------------------------------------------------------------------- */

void ana_table_csv_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void ana_table_print_csv(FILE *f, const ana_table *t)
{
    fputs("metric,unit,scenario,n,mean,sd,ci_lo,ci_hi,half_width,diff,diff_lo,diff_hi,"
          "p_value,clear\n",
          f);
    for (int k = 0; k < t->nmet; k++)
        for (int s = 0; s < t->nscen; s++) {
            size_t at = ana_table_at(t, s, k);
            const ana_summary *m = &t->mean[at], *d = &t->diff[at];
            ana_table_csv_str(f, t->met[k]);
            fputc(',', f);
            ana_table_csv_str(f, t->unit[k] ? t->unit[k] : "");
            fputc(',', f);
            ana_table_csv_str(f, t->scen[s]);
            fprintf(f, ",%zu,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%d\n", m->n,
                    m->mean, m->sd, m->lo, m->hi, m->half, d->mean, d->lo, d->hi, d->p,
                    ana_table_clear(t, s, k));
        }
}

/* ---- Markdown ------------------------------------------------------------------ */

void ana_table_md_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`')
            fputc('\\', f);
        if (*s == '\n')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

void ana_table_print_markdown(FILE *f, const ana_table *t, ana_lang lang)
{
    header_line(f, t, lang, "**", "**");
    fputs("\n", f);
    char cih[64];
    ui_plain(cih, sizeof cih, ANA_UI_COL_CI, lang);
    fprintf(f, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", ana_ui(ANA_UI_COL_METRIC, lang),
            ana_ui(ANA_UI_COL_UNIT, lang), ana_ui(ANA_UI_COL_SCENARIO, lang),
            ana_ui(ANA_UI_COL_MEAN, lang), cih, ana_ui(ANA_UI_COL_DIFF, lang), cih,
            ana_ui(ANA_UI_COL_P, lang), ana_ui(ANA_UI_COL_CLEAR, lang));
    fputs("|---|---|---|--:|--:|--:|--:|--:|:-:|\n", f);
    for (int k = 0; k < t->nmet; k++)
        for (int s = 0; s < t->nscen; s++) {
            cells c;
            fill_cells(t, s, k, "−", &c);
            char ci[128], dci[128];
            range_text(ci, sizeof ci, c.lo, c.hi, lang);
            range_text(dci, sizeof dci, c.dlo, c.dhi, lang);
            fputs("| ", f);
            if (s == 0) {
                ana_sbuf sb;
                ana_sbuf_init(&sb);
                ana_table_metric_phrase(&sb, t, k, lang, 0);
                ana_table_md_text(f, sb.p ? sb.p : "");
                ana_sbuf_free(&sb);
                fputs(" (`", f);
                fputs(t->met[k], f);
                fputs("`) | ", f);
                ana_table_md_text(f, ana_unit_label(t->unit[k] ? t->unit[k] : "", lang));
            } else {
                fputs(" |", f);
            }
            fputs(" | ", f);
            ana_table_md_text(f, t->scen[s]);
            fprintf(f, " | %s | %s | ", c.mean, ci);
            if (s == 0)
                fprintf(f, "(%s) | | | |\n", ana_ui(ANA_UI_BASELINE, lang));
            else
                fprintf(f, "%s | %s | %s | %s |\n", c.dmean, dci, c.p,
                        ana_table_clear(t, s, k) ? ana_ui(ANA_UI_YES, lang)
                                                 : ana_ui(ANA_UI_NO, lang));
        }
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    ana_ui_put(&sb, ANA_UI_TXT_CLEAR_NOTE, lang, 0, NULL, 0);
    fputc('\n', f);
    ana_table_md_text(f, sb.p ? sb.p : "");
    fputc('\n', f);
    ana_sbuf_free(&sb);
}
