/* analysis/diff.c — see diff.h. */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

static char *dup_str(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s ? s : "", n);
    return d;
}

static void row_free(ana_diff_row *r)
{
    free(r->key);
    free(r->a);
    free(r->b);
    free(r->unit);
    free(r->doc_en);
    free(r->doc_zh);
    free(r->policy_a);
    free(r->policy_b);
}

void ana_diff_free(ana_diff *d)
{
    if (!d)
        return;
    for (int k = 0; k < d->n; k++)
        row_free(&d->rows[k]);
    free(d->rows);
    memset(d, 0, sizeof *d);
}

sim_status ana_diff_add(ana_diff *d, const ana_diff_row *r, sim_error *err)
{
    if (d->n == d->cap) {
        int cap = d->cap ? 2 * d->cap : 8;
        ana_diff_row *rows = realloc(d->rows, (size_t)cap * sizeof *rows);
        if (!rows)
            return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory listing differences");
        d->rows = rows;
        d->cap = cap;
    }
    ana_diff_row c;
    c.key = dup_str(r->key);
    c.day = r->day;
    c.a = dup_str(r->a);
    c.b = dup_str(r->b);
    c.unit = dup_str(r->unit);
    c.doc_en = dup_str(r->doc_en);
    c.doc_zh = dup_str(r->doc_zh);
    c.policy_a = dup_str(r->policy_a);
    c.policy_b = dup_str(r->policy_b);
    if (!c.key || !c.a || !c.b || !c.unit || !c.doc_en || !c.doc_zh || !c.policy_a || !c.policy_b) {
        row_free(&c);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory listing differences");
    }
    d->rows[d->n++] = c;
    return SIM_OK;
}

void ana_diff_when(ana_sbuf *sb, const ana_diff_row *r, ana_lang lang)
{
    if (r->day < 0) {
        ana_ui_put(sb, ANA_UI_WHEN_START, lang, 0, NULL, 0);
        return;
    }
    char day[32];
    snprintf(day, sizeof day, "%lld", (long long)r->day);
    const char *args[] = {day};
    ana_ui_put(sb, ANA_UI_WHEN_DAY, lang, 0, args, 1);
}

/* Pad to `w` terminal columns. */
static void pad(FILE *f, const char *s, int w)
{
    fputs(s, f);
    for (int k = ana_text_width(s); k < w; k++)
        fputc(' ', f);
}

void ana_diff_print(FILE *f, const ana_diff *d, const char *name_a, const char *name_b,
                    ana_lang lang)
{
    if (d->n == 0) {
        ana_sbuf sb;
        ana_sbuf_init(&sb);
        const char *args[] = {name_a, name_b};
        ana_ui_put(&sb, ANA_UI_DIFF_NONE, lang, 0, args, 2);
        fprintf(f, "%s\n", sb.p ? sb.p : "");
        ana_sbuf_free(&sb);
        return;
    }
    /* the "from" cells: time and the policies that act that day */
    char **when = calloc((size_t)d->n, sizeof *when);
    if (!when)
        return;
    for (int k = 0; k < d->n; k++) {
        const ana_diff_row *r = &d->rows[k];
        ana_sbuf sb;
        ana_sbuf_init(&sb);
        ana_diff_when(&sb, r, lang);
        if (r->policy_a[0] || r->policy_b[0]) {
            ana_sbuf_put(&sb, " (");
            if (r->policy_a[0])
                ana_sbuf_printf(&sb, "A: %s%s", r->policy_a, r->policy_b[0] ? ", " : "");
            if (r->policy_b[0])
                ana_sbuf_printf(&sb, "B: %s", r->policy_b);
            ana_sbuf_put(&sb, ")");
        }
        when[k] = ana_sbuf_take(&sb);
    }
    const char *head[] = {ana_ui(ANA_UI_COL_WHEN, lang), ana_ui(ANA_UI_COL_PARAM, lang),
                          ana_ui(ANA_UI_COL_A, lang), ana_ui(ANA_UI_COL_B, lang),
                          ana_ui(ANA_UI_COL_UNIT, lang)};
    int w[5];
    for (int c = 0; c < 5; c++)
        w[c] = ana_text_width(head[c]);
    for (int k = 0; k < d->n; k++) {
        const ana_diff_row *r = &d->rows[k];
        const char *cell[5] = {when[k] ? when[k] : "", r->key, r->a, r->b, r->unit};
        for (int c = 0; c < 5; c++) {
            int x = ana_text_width(cell[c]);
            if (x > w[c])
                w[c] = x;
        }
    }
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    char n[32];
    snprintf(n, sizeof n, "%d", d->n);
    const char *args[] = {n, name_a, name_b};
    ana_ui_put(&sb, ANA_UI_DIFF_HEADER, lang, 0, args, 3);
    fprintf(f, "%s\n\n", sb.p ? sb.p : "");
    ana_sbuf_free(&sb);
    for (int c = 0; c < 5; c++) {
        pad(f, head[c], w[c] + 2);
    }
    fprintf(f, "%s\n", ana_ui(ANA_UI_COL_MEANING, lang));
    for (int k = 0; k < d->n; k++) {
        const ana_diff_row *r = &d->rows[k];
        const char *cell[5] = {when[k] ? when[k] : "", r->key, r->a, r->b, r->unit};
        for (int c = 0; c < 5; c++)
            pad(f, cell[c], w[c] + 2);
        fprintf(f, "%s\n", lang == ANA_ZH && r->doc_zh[0] ? r->doc_zh : r->doc_en);
    }
    for (int k = 0; k < d->n; k++)
        free(when[k]);
    free(when);
}
