/* core/ptable.c — see ptable.h. */
#include "ptable.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int ptab_find(const sim_param_desc *t, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (strcmp(t[i].key, key) == 0)
            return i;
    return -1;
}

int ptab_find2(const sim_param_desc *t, int n, const char *section, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(t[i].section, section) == 0 && strcmp(t[i].name, name) == 0)
            return i;
    return -1;
}

/* Levenshtein distance, bounded strings (keys are short). */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 127 || lb > 127)
        return 1000;
    int row[128];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *ptab_suggest(const sim_param_desc *t, int n, const char *key)
{
    const char *best = NULL;
    int bestd = 1 << 30;
    const char *dot = strchr(key, '.');
    for (int i = 0; i < n; i++) {
        const sim_param_desc *d = &t[i];
        int dk = edit_distance(key, d->key);
        /* a right name in the wrong section, or a bare name, is also close */
        int dn = edit_distance(dot ? dot + 1 : key, d->name) + 1;
        int dd = dk < dn ? dk : dn;
        if (dd < bestd) {
            bestd = dd;
            best = d->key;
        }
    }
    size_t len = strlen(key);
    int limit = len < 6 ? 2 : (int)(len / 3) + 1;
    return bestd <= limit ? best : NULL;
}

double ptab_get(const void *base, const sim_param_desc *d)
{
    const char *at = (const char *)base + d->offset;
    switch (d->type) {
    case SIM_P_INT: {
        SIM_PT_INT v;
        memcpy(&v, at, sizeof v);
        return (double)v;
    }
    case SIM_P_REAL: {
        SIM_PT_REAL v;
        memcpy(&v, at, sizeof v);
        return v;
    }
    case SIM_P_BOOL: {
        SIM_PT_BOOL v;
        memcpy(&v, at, sizeof v);
        return v ? 1.0 : 0.0;
    }
    }
    return 0.0;
}

void ptab_put(void *base, const sim_param_desc *d, double v)
{
    char *at = (char *)base + d->offset;
    switch (d->type) {
    case SIM_P_INT: {
        SIM_PT_INT x = (SIM_PT_INT)v;
        memcpy(at, &x, sizeof x);
        break;
    }
    case SIM_P_REAL: {
        SIM_PT_REAL x = v;
        memcpy(at, &x, sizeof x);
        break;
    }
    case SIM_P_BOOL: {
        SIM_PT_BOOL x = v != 0.0;
        memcpy(at, &x, sizeof x);
        break;
    }
    }
}

void ptab_default(void *base, size_t size, const sim_param_desc *t, int n)
{
    memset(base, 0, size);
    for (int i = 0; i < n; i++)
        ptab_put(base, &t[i], t[i].def);
}

const char *ptab_type_name(sim_ptype t)
{
    switch (t) {
    case SIM_P_INT:
        return "integer";
    case SIM_P_REAL:
        return "real";
    case SIM_P_BOOL:
        return "boolean";
    }
    return "?";
}

static void allowed_text(const sim_param_desc *d, char *buf, size_t n)
{
    char lo[40], hi[40];
    switch (d->type) {
    case SIM_P_BOOL:
        snprintf(buf, n, "true or false");
        return;
    case SIM_P_INT:
        snprintf(buf, n, "an integer from %s to %s", ptab_format_value(d, d->lo, lo, sizeof lo),
                 ptab_format_value(d, d->hi, hi, sizeof hi));
        return;
    case SIM_P_REAL:
        snprintf(buf, n, "a number from %s to %s", ptab_format_value(d, d->lo, lo, sizeof lo),
                 ptab_format_value(d, d->hi, hi, sizeof hi));
        return;
    }
}

static int streq_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

sim_status ptab_parse(const sim_param_desc *d, const char *text, double *out, const char *file,
                      int line, sim_error *err)
{
    char allowed[160];
    allowed_text(d, allowed, sizeof allowed);
    while (isspace((unsigned char)*text))
        text++;
    if (!*text)
        return SIM_FAIL(err, SIM_EINPUT, file, line, d->key, "no value given (allowed: %s)",
                        allowed);
    double v = 0.0;
    if (d->type == SIM_P_BOOL) {
        char word[8]; /* the longest word is "false"; trailing blanks dropped */
        size_t len = strlen(text);
        while (len && isspace((unsigned char)text[len - 1]))
            len--;
        if (len >= sizeof word)
            return SIM_FAIL(err, SIM_EINPUT, file, line, d->key,
                            "'%s' is not a boolean (allowed: %s)", text, allowed);
        memcpy(word, text, len);
        word[len] = '\0';
        text = word;
        if (streq_ci(text, "true") || streq_ci(text, "yes") || streq_ci(text, "on") ||
            strcmp(text, "1") == 0)
            v = 1.0;
        else if (streq_ci(text, "false") || streq_ci(text, "no") || streq_ci(text, "off") ||
                 strcmp(text, "0") == 0)
            v = 0.0;
        else
            return SIM_FAIL(err, SIM_EINPUT, file, line, d->key,
                            "'%s' is not a boolean (allowed: %s)", text, allowed);
        *out = v;
        return SIM_OK;
    }
    char *end = NULL;
    errno = 0;
    if (d->type == SIM_P_INT) {
        long long x = strtoll(text, &end, 10);
        while (end && isspace((unsigned char)*end))
            end++;
        if (end == text || *end != '\0')
            return SIM_FAIL(err, SIM_EINPUT, file, line, d->key,
                            "'%s' is not an integer (allowed: %s)", text, allowed);
        if (errno == ERANGE || x < -(1LL << 53) || x > (1LL << 53))
            return SIM_FAIL(err, SIM_EINPUT, file, line, d->key, "%s is out of range (allowed: %s)",
                            text, allowed);
        v = (double)x;
    } else {
        v = strtod(text, &end);
        while (end && isspace((unsigned char)*end))
            end++;
        if (end == text || *end != '\0')
            return SIM_FAIL(err, SIM_EINPUT, file, line, d->key,
                            "'%s' is not a number (allowed: %s)", text, allowed);
        if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0)) /* underflow is fine */
            return SIM_FAIL(err, SIM_EINPUT, file, line, d->key,
                            "'%s' is not a finite number (allowed: %s)", text, allowed);
    }
    if (v < d->lo || v > d->hi)
        return SIM_FAIL(err, SIM_EINPUT, file, line, d->key, "%s is out of range (allowed: %s)",
                        text, allowed);
    *out = v;
    return SIM_OK;
}

sim_status ptab_check_value(const sim_param_desc *d, double v, const char *file, const char *where,
                            sim_error *err)
{
    int ok = isfinite(v) && v >= d->lo && v <= d->hi;
    if (ok && d->type == SIM_P_INT)
        ok = v == floor(v);
    if (ok && d->type == SIM_P_BOOL)
        ok = v == 0.0 || v == 1.0;
    if (ok && (d->flags & SIM_PF_UNIMPL)) /* declared, not built: the default only */
        ok = v == d->def;
    if (ok)
        return SIM_OK;
    char allowed[160];
    allowed_text(d, allowed, sizeof allowed);
    return SIM_FAIL(err, SIM_EINPUT, file, 0, d->key, "%s gives %s = %.17g (allowed: %s)", where,
                    d->key, v, allowed);
}

char *ptab_format_value(const sim_param_desc *d, double v, char *buf, size_t n)
{
    switch (d->type) {
    case SIM_P_BOOL:
        snprintf(buf, n, "%s", v != 0.0 ? "true" : "false");
        break;
    case SIM_P_INT:
        snprintf(buf, n, "%lld", (long long)v);
        break;
    case SIM_P_REAL:
        /* shortest form that reads back to the same double */
        for (int prec = 6; prec <= 17; prec++) {
            snprintf(buf, n, "%.*g", prec, v);
            if (strtod(buf, NULL) == v)
                break;
        }
        break;
    }
    return buf;
}

static const char *flag_word(int flags)
{
    if (flags & SIM_PF_UNIMPL)
        return "not built";
    return (flags & SIM_PF_MUTABLE) ? "policy" : "fixed";
}

const char *ptab_prov_name(sim_prov v)
{
    switch (v) {
    case SIM_PROV_SOURCE:
        return "source";
    case SIM_PROV_ASSUME:
        return "assumption";
    case SIM_PROV_SETTING:
        return "setting";
    case SIM_PROV_NONE:
        break;
    }
    return "none";
}

char *ptab_basis_text(const sim_param_desc *d, char *buf, size_t n)
{
    if (d->prov == SIM_PROV_ASSUME) {
        char lo[40], hi[40];
        snprintf(buf, n, "assumption %s..%s: %s", ptab_format_value(d, d->prior_lo, lo, sizeof lo),
                 ptab_format_value(d, d->prior_hi, hi, sizeof hi), d->basis);
    } else {
        snprintf(buf, n, "%s: %s", ptab_prov_name(d->prov), d->basis);
    }
    return buf;
}

void ptab_print_uncertain(FILE *f, const sim_param_desc *t, int n, const void *defaults)
{
    /* lo..hi is the prior of a [free.KEY] without min and max (sim/calibrate.h):
     * uniform unless the calibration file says prior = log-uniform */
    fputs("key\tdefault\tlo\thi\tprior\twhy\n", f);
    for (int i = 0; i < n; i++) {
        const sim_param_desc *d = &t[i];
        if (d->prov != SIM_PROV_ASSUME)
            continue;
        char val[48], lo[40], hi[40];
        fprintf(f, "%s\t%s\t%s\t%s\tuniform\t%s\n", d->key,
                ptab_format_value(d, ptab_get(defaults, d), val, sizeof val),
                ptab_format_value(d, d->prior_lo, lo, sizeof lo),
                ptab_format_value(d, d->prior_hi, hi, sizeof hi), d->basis);
    }
}

void ptab_print_table(FILE *f, const sim_param_desc *t, int n, const void *base)
{
    const char *sec = "";
    for (int i = 0; i < n; i++) {
        const sim_param_desc *d = &t[i];
        char val[48], range[96];
        if (strcmp(sec, d->section) != 0) {
            fprintf(f, "%s[%s]\n", i ? "\n" : "", d->section);
            sec = d->section;
        }
        char lob[40], hib[40];
        ptab_format_value(d, d->lo, lob, sizeof lob);
        ptab_format_value(d, d->hi, hib, sizeof hib);
        ptab_format_value(d, ptab_get(base, d), val, sizeof val);
        if (d->type == SIM_P_BOOL)
            snprintf(range, sizeof range, "true|false");
        else
            snprintf(range, sizeof range, "[%s, %s]", lob, hib);
        char basis[400];
        fprintf(f, "  %-40s = %-12s %-22s %-14s %-9s %s [%s]\n", d->key, val, range,
                d->unit[0] ? d->unit : "-", flag_word(d->flags), d->doc_en,
                ptab_basis_text(d, basis, sizeof basis));
    }
}

/* Markdown table cells must not contain a bare '|'. */
static void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else
            fputc(*s, f);
    }
}

void ptab_print_markdown(FILE *f, const sim_param_desc *t, int n, const void *defaults,
                         const char *intro)
{
    fputs(intro, f);
    const char *sec = "";
    for (int i = 0; i < n; i++) {
        const sim_param_desc *d = &t[i];
        if (strcmp(sec, d->section) != 0) {
            fprintf(f, "\n## [%s]\n\n", d->section);
            fputs("| key | type | default | range | unit | changes | description | 说明 | basis |\n"
                  "|---|---|---|---|---|---|---|---|---|\n",
                  f);
            sec = d->section;
        }
        char val[48], lob[40], hib[40];
        ptab_format_value(d, ptab_get(defaults, d), val, sizeof val);
        ptab_format_value(d, d->lo, lob, sizeof lob);
        ptab_format_value(d, d->hi, hib, sizeof hib);
        fprintf(f, "| `%s` | %s | %s | ", d->key, ptab_type_name(d->type), val);
        if (d->type == SIM_P_BOOL)
            fputs("true/false", f);
        else
            fprintf(f, "%s – %s", lob, hib);
        fprintf(f, " | %s | %s | ", d->unit[0] ? d->unit : "–", flag_word(d->flags));
        md_cell(f, d->doc_en);
        fputs(" | ", f);
        md_cell(f, d->doc_zh);
        fputs(" | ", f);
        char basis[400];
        md_cell(f, ptab_basis_text(d, basis, sizeof basis));
        fputs(" |\n", f);
    }
}

char *ptab_to_ini(const sim_param_desc *t, int n, const void *base)
{
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    s[0] = '\0';
    const char *sec = "";
    for (int i = 0; i < n; i++) {
        const sim_param_desc *d = &t[i];
        char line[256], val[48];
        int k = 0;
        if (strcmp(sec, d->section) != 0) {
            k = snprintf(line, sizeof line, "%s[%s]\n", i ? "\n" : "", d->section);
            sec = d->section;
        }
        k += snprintf(line + k, sizeof line - (size_t)k, "%s = %s\n", d->name,
                      ptab_format_value(d, ptab_get(base, d), val, sizeof val));
        if (len + (size_t)k + 1 > cap) {
            cap = cap * 2 + (size_t)k;
            char *grown = realloc(s, cap);
            if (!grown) {
                free(s);
                return NULL;
            }
            s = grown;
        }
        memcpy(s + len, line, (size_t)k + 1);
        len += (size_t)k;
    }
    return s;
}
