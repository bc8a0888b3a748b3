/* models/params.c — see params.h.  Everything here reads sim_param_table. */
#include "params.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

const sim_param_desc sim_param_table[] = {
#define SRC(text) SIM_PROV_SOURCE, 0.0, 0.0, text
#define ASSUME(lo, hi, why) SIM_PROV_ASSUME, (double)(lo), (double)(hi), why
#define SETTING(why) SIM_PROV_SETTING, 0.0, 0.0, why
#define P(sec, nm, type, def, lo, hi, unit, flags, en, zh, prov)               \
    {#sec, #nm, #sec "." #nm, SIM_P_##type, (double)(def), (double)(lo),        \
     (double)(hi), unit, flags, en, zh, prov, offsetof(sim_params, sec##_##nm)},
#include "params.def"
#undef P
#undef SRC
#undef ASSUME
#undef SETTING
};

const int sim_param_count = (int)(sizeof sim_param_table / sizeof sim_param_table[0]);

const sim_gap_desc sim_gap_table[] = {
#define G(name, digest, what, zh, why) {#name, "gap." #name, digest, what, why},
#include "params/gaps.def"
#undef G
};

const int sim_gap_count = (int)(sizeof sim_gap_table / sizeof sim_gap_table[0]);

const sim_gap_desc *sim_gap_find(const char *key)
{
    for (int i = 0; i < sim_gap_count; i++)
        if (strcmp(sim_gap_table[i].key, key) == 0)
            return &sim_gap_table[i];
    return NULL;
}

int sim_param_find(const char *key)
{
    for (int i = 0; i < sim_param_count; i++)
        if (strcmp(sim_param_table[i].key, key) == 0)
            return i;
    return -1;
}

int sim_param_find2(const char *section, const char *name)
{
    for (int i = 0; i < sim_param_count; i++)
        if (strcmp(sim_param_table[i].section, section) == 0 &&
            strcmp(sim_param_table[i].name, name) == 0)
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

const char *sim_param_suggest(const char *key)
{
    const char *best = NULL;
    int bestd = 1 << 30;
    const char *dot = strchr(key, '.');
    for (int i = 0; i < sim_param_count; i++) {
        const sim_param_desc *d = &sim_param_table[i];
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

void sim_params_default(sim_params *p)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i < sim_param_count; i++)
        sim_param_put(p, i, sim_param_table[i].def);
}

double sim_param_get(const sim_params *p, int i)
{
    const sim_param_desc *d = &sim_param_table[i];
    const char *base = (const char *)p + d->offset;
    switch (d->type) {
    case SIM_P_INT: {
        SIM_PT_INT v;
        memcpy(&v, base, sizeof v);
        return (double)v;
    }
    case SIM_P_REAL: {
        SIM_PT_REAL v;
        memcpy(&v, base, sizeof v);
        return v;
    }
    case SIM_P_BOOL: {
        SIM_PT_BOOL v;
        memcpy(&v, base, sizeof v);
        return v ? 1.0 : 0.0;
    }
    }
    return 0.0;
}

void sim_param_put(sim_params *p, int i, double v)
{
    const sim_param_desc *d = &sim_param_table[i];
    char *base = (char *)p + d->offset;
    switch (d->type) {
    case SIM_P_INT: {
        SIM_PT_INT x = (SIM_PT_INT)v;
        memcpy(base, &x, sizeof x);
        break;
    }
    case SIM_P_REAL: {
        SIM_PT_REAL x = v;
        memcpy(base, &x, sizeof x);
        break;
    }
    case SIM_P_BOOL: {
        SIM_PT_BOOL x = v != 0.0;
        memcpy(base, &x, sizeof x);
        break;
    }
    }
}

const char *sim_ptype_name(sim_ptype t)
{
    switch (t) {
    case SIM_P_INT: return "integer";
    case SIM_P_REAL: return "real";
    case SIM_P_BOOL: return "boolean";
    }
    return "?";
}

static void allowed_text(int i, char *buf, size_t n)
{
    const sim_param_desc *d = &sim_param_table[i];
    char lo[40], hi[40];
    switch (d->type) {
    case SIM_P_BOOL:
        snprintf(buf, n, "true or false");
        return;
    case SIM_P_INT:
        snprintf(buf, n, "an integer from %s to %s", sim_param_format_value(i, d->lo, lo, sizeof lo),
                 sim_param_format_value(i, d->hi, hi, sizeof hi));
        return;
    case SIM_P_REAL:
        snprintf(buf, n, "a number from %s to %s", sim_param_format_value(i, d->lo, lo, sizeof lo),
                 sim_param_format_value(i, d->hi, hi, sizeof hi));
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

sim_status sim_param_parse(int i, const char *text, double *out,
                           const char *file, int line, sim_error *err)
{
    const sim_param_desc *d = &sim_param_table[i];
    char allowed[160];
    allowed_text(i, allowed, sizeof allowed);
    while (isspace((unsigned char)*text))
        text++;
    if (!*text)
        return SIM_FAIL(err, SIM_EINPUT, file, line, d->key,
                        "no value given (allowed: %s)", allowed);
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
            return SIM_FAIL(err, SIM_EINPUT, file, line, d->key,
                            "%s is out of range (allowed: %s)", text, allowed);
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
        return SIM_FAIL(err, SIM_EINPUT, file, line, d->key,
                        "%s is out of range (allowed: %s)", text, allowed);
    *out = v;
    return SIM_OK;
}

sim_status sim_param_check_value(int i, double v, const char *file, const char *where,
                                 sim_error *err)
{
    const sim_param_desc *d = &sim_param_table[i];
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
    allowed_text(i, allowed, sizeof allowed);
    return SIM_FAIL(err, SIM_EINPUT, file, 0, d->key, "%s gives %s = %.17g (allowed: %s)", where,
                    d->key, v, allowed);
}

char *sim_param_format_value(int i, double v, char *buf, size_t n)
{
    const sim_param_desc *d = &sim_param_table[i];
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

char *sim_param_format(const sim_params *p, int i, char *buf, size_t n)
{
    return sim_param_format_value(i, sim_param_get(p, i), buf, n);
}

static const char *flag_word(int flags)
{
    if (flags & SIM_PF_UNIMPL)
        return "not built";
    return (flags & SIM_PF_MUTABLE) ? "policy" : "fixed";
}

const char *sim_prov_name(sim_prov v)
{
    switch (v) {
    case SIM_PROV_SOURCE: return "source";
    case SIM_PROV_ASSUME: return "assumption";
    case SIM_PROV_SETTING: return "setting";
    case SIM_PROV_NONE: break;
    }
    return "none";
}

char *sim_param_basis_text(int i, char *buf, size_t n)
{
    const sim_param_desc *d = &sim_param_table[i];
    if (d->prov == SIM_PROV_ASSUME) {
        char lo[40], hi[40];
        snprintf(buf, n, "assumption %s..%s: %s", sim_param_format_value(i, d->prior_lo, lo, sizeof lo),
                 sim_param_format_value(i, d->prior_hi, hi, sizeof hi), d->basis);
    } else {
        snprintf(buf, n, "%s: %s", sim_prov_name(d->prov), d->basis);
    }
    return buf;
}

void sim_params_print_uncertain(FILE *f)
{
    /* lo..hi is the prior of a [free.KEY] without min and max (sim/calibrate.h):
     * uniform unless the calibration file says prior = log-uniform */
    fputs("key\tdefault\tlo\thi\tprior\twhy\n", f);
    sim_params dp;
    sim_params_default(&dp);
    for (int i = 0; i < sim_param_count; i++) {
        const sim_param_desc *d = &sim_param_table[i];
        if (d->prov != SIM_PROV_ASSUME)
            continue;
        char val[48], lo[40], hi[40];
        fprintf(f, "%s\t%s\t%s\t%s\tuniform\t%s\n", d->key,
                sim_param_format(&dp, i, val, sizeof val),
                sim_param_format_value(i, d->prior_lo, lo, sizeof lo),
                sim_param_format_value(i, d->prior_hi, hi, sizeof hi), d->basis);
    }
}

void sim_params_print_table(FILE *f, const sim_params *p)
{
    const char *sec = "";
    for (int i = 0; i < sim_param_count; i++) {
        const sim_param_desc *d = &sim_param_table[i];
        char val[48], range[96];
        if (strcmp(sec, d->section) != 0) {
            fprintf(f, "%s[%s]\n", i ? "\n" : "", d->section);
            sec = d->section;
        }
        char lob[40], hib[40];
        sim_param_format_value(i, d->lo, lob, sizeof lob);
        sim_param_format_value(i, d->hi, hib, sizeof hib);
        sim_param_format(p, i, val, sizeof val);
        if (d->type == SIM_P_BOOL)
            snprintf(range, sizeof range, "true|false");
        else
            snprintf(range, sizeof range, "[%s, %s]", lob, hib);
        char basis[400];
        fprintf(f, "  %-40s = %-12s %-22s %-14s %-9s %s [%s]\n", d->key, val, range,
                d->unit[0] ? d->unit : "-", flag_word(d->flags), d->doc_en,
                sim_param_basis_text(i, basis, sizeof basis));
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

void sim_params_print_markdown(FILE *f)
{
    fputs("# troika parameters\n\n"
          "Generated by `troika params --markdown` from `models/params.def`, the\n"
          "one table that also drives INI parsing, validation and the HDF5\n"
          "attributes. Do not edit by hand: a test fails when this file differs\n"
          "from the code's output.\n\n"
          "A key is `section.name`: in a scenario file, `name = value` under\n"
          "`[section]`; on the command line, `--set section.name=value`.\n"
          "*Policy* parameters may be changed mid-run by a `[policy.NAME]`\n"
          "section of a scenario (a lever); *fixed* ones are set at the start.\n"
          "*Basis* says where the default comes from: a *source* cited in\n"
          "docs/ODD.md §10, an *assumption* with its plausible range (the prior\n"
          "of the uncertainty work; `troika params --uncertain` lists them), or a\n"
          "*setting* of the run or scenario.\n",
          f);
    const char *sec = "";
    sim_params dp;
    sim_params_default(&dp);
    for (int i = 0; i < sim_param_count; i++) {
        const sim_param_desc *d = &sim_param_table[i];
        if (strcmp(sec, d->section) != 0) {
            fprintf(f, "\n## [%s]\n\n", d->section);
            fputs("| key | type | default | range | unit | changes | description | 说明 | basis |\n"
                  "|---|---|---|---|---|---|---|---|---|\n",
                  f);
            sec = d->section;
        }
        char val[48], lob[40], hib[40];
        sim_param_format(&dp, i, val, sizeof val);
        sim_param_format_value(i, d->lo, lob, sizeof lob);
        sim_param_format_value(i, d->hi, hib, sizeof hib);
        fprintf(f, "| `%s` | %s | %s | ", d->key, sim_ptype_name(d->type), val);
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
        md_cell(f, sim_param_basis_text(i, basis, sizeof basis));
        fputs(" |\n", f);
    }
}

char *sim_params_to_ini(const sim_params *p)
{
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    s[0] = '\0';
    const char *sec = "";
    for (int i = 0; i < sim_param_count; i++) {
        const sim_param_desc *d = &sim_param_table[i];
        char line[256], val[48];
        int k = 0;
        if (strcmp(sec, d->section) != 0) {
            k = snprintf(line, sizeof line, "%s[%s]\n", i ? "\n" : "", d->section);
            sec = d->section;
        }
        k += snprintf(line + k, sizeof line - (size_t)k, "%s = %s\n", d->name,
                      sim_param_format(p, i, val, sizeof val));
        if (len + (size_t)k + 1 > cap) {
            cap = cap * 2 + (size_t)k;
            char *t = realloc(s, cap);
            if (!t) {
                free(s);
                return NULL;
            }
            s = t;
        }
        memcpy(s + len, line, (size_t)k + 1);
        len += (size_t)k;
    }
    return s;
}
