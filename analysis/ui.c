/* analysis/ui.c — see ui.h. */
#include "ui.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ui_table[ANA_UI_N][2] = {
#define S(id, en, zh) {en, zh},
#include "ui.def"
#undef S
};

const char *ana_ui(ana_ui_id id, ana_lang lang)
{
    if ((int)id < 0 || id >= ANA_UI_N)
        return "";
    return ui_table[id][lang == ANA_ZH ? 1 : 0];
}

static int streq_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return *a == *b;
}

sim_status ana_lang_parse(const char *text, ana_lang *out, const char *key, sim_error *err)
{
    static const char *const en[] = {"en", "english", "en-us", "en-gb"};
    static const char *const zh[] = {"zh", "zh-cn", "cn", "chinese", "zh-hans"};
    for (size_t k = 0; k < sizeof en / sizeof en[0]; k++)
        if (streq_ci(text, en[k])) {
            *out = ANA_EN;
            return SIM_OK;
        }
    for (size_t k = 0; k < sizeof zh / sizeof zh[0]; k++)
        if (streq_ci(text, zh[k])) {
            *out = ANA_ZH;
            return SIM_OK;
        }
    return SIM_FAIL(err, SIM_EINPUT, NULL, 0, key, "'%s' is not a language (allowed: en, zh)",
                    text);
}

/* ---- string buffer ----------------------------------------------------------- */

void ana_sbuf_init(ana_sbuf *sb)
{
    memset(sb, 0, sizeof *sb);
}

void ana_sbuf_free(ana_sbuf *sb)
{
    free(sb->p);
    ana_sbuf_init(sb);
}

static int sbuf_room(ana_sbuf *sb, size_t extra)
{
    if (sb->oom)
        return 0;
    if (sb->n + extra + 1 <= sb->cap)
        return 1;
    size_t cap = sb->cap ? sb->cap : 256;
    while (cap < sb->n + extra + 1) {
        if (cap > ((size_t)-1) / 2) {
            sb->oom = 1;
            return 0;
        }
        cap *= 2;
    }
    char *p = realloc(sb->p, cap);
    if (!p) {
        sb->oom = 1;
        return 0;
    }
    sb->p = p;
    sb->cap = cap;
    return 1;
}

void ana_sbuf_putn(ana_sbuf *sb, const char *s, size_t n)
{
    if (!sbuf_room(sb, n))
        return;
    memcpy(sb->p + sb->n, s, n);
    sb->n += n;
    sb->p[sb->n] = '\0';
}

void ana_sbuf_put(ana_sbuf *sb, const char *s)
{
    ana_sbuf_putn(sb, s, strlen(s));
}

void ana_sbuf_printf(ana_sbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0) {
        sb->oom = 1;
        return;
    }
    if (!sbuf_room(sb, (size_t)k))
        return;
    va_start(ap, fmt);
    vsnprintf(sb->p + sb->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    sb->n += (size_t)k;
}

void ana_sbuf_html(ana_sbuf *sb, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            break;
        }
        if (rep) {
            ana_sbuf_putn(sb, run, (size_t)(s - run));
            ana_sbuf_put(sb, rep);
            run = s + 1;
        }
    }
    ana_sbuf_putn(sb, run, (size_t)(s - run));
}

void ana_sbuf_json(ana_sbuf *sb, const char *s)
{
    ana_sbuf_put(sb, "\"");
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<')
            continue;
        ana_sbuf_putn(sb, run, (size_t)(s - run));
        if (c == '"' || c == '\\')
            ana_sbuf_printf(sb, "\\%c", c);
        else
            ana_sbuf_printf(sb, "\\u%04x", c); /* controls, and '<' (no "</script>") */
        run = s + 1;
    }
    ana_sbuf_putn(sb, run, (size_t)(s - run));
    ana_sbuf_put(sb, "\"");
}

char *ana_sbuf_take(ana_sbuf *sb)
{
    if (sb->oom) {
        ana_sbuf_free(sb);
        return NULL;
    }
    char *p = sb->p;
    if (!p) {
        p = malloc(1);
        if (p)
            p[0] = '\0';
    }
    ana_sbuf_init(sb);
    return p;
}

void ana_ui_put(ana_sbuf *sb, ana_ui_id id, ana_lang lang, int html, const char *const *args,
                int nargs)
{
    const char *t = ana_ui(id, lang), *run = t;
    int next = 0;
    for (; *t; t++) {
        if (*t != '%' || (t[1] != 's' && t[1] != '%'))
            continue;
        if (html) {
            char *lit = malloc((size_t)(t - run) + 1);
            if (!lit) {
                sb->oom = 1;
                return;
            }
            memcpy(lit, run, (size_t)(t - run));
            lit[t - run] = '\0';
            ana_sbuf_html(sb, lit);
            free(lit);
        } else {
            ana_sbuf_putn(sb, run, (size_t)(t - run));
        }
        if (t[1] == '%') {
            ana_sbuf_put(sb, "%");
        } else {
            if (next < nargs && args[next])
                ana_sbuf_put(sb, args[next]);
            next++;
        }
        t++;
        run = t + 1;
    }
    if (html)
        ana_sbuf_html(sb, run);
    else
        ana_sbuf_put(sb, run);
}

void ana_ui_print_note(FILE *f, ana_ui_id id, ana_lang lang)
{
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    ana_ui_put(&sb, id, lang, 0, NULL, 0);
    fprintf(f, "\n%s\n", sb.p ? sb.p : "");
    ana_sbuf_free(&sb);
}

/* ---- units ---------------------------------------------------------------------- */

/* How a unit of the metric table is shown.  Rows: unit, scale, label (en,
 * zh), the word after an amount of change (en, zh). */
typedef struct {
    const char *unit;
    double scale;
    const char *label_en, *label_zh;
    const char *amount_en, *amount_zh;
} unit_row;

static const unit_row unit_table[] = {
    {"share", 100.0, "%", "%", " percentage points", "个百分点"},
    {"score", 1.0, "score 0–1", "分，0至1", " on the 0–1 scale", "分（0至1分制）"},
    {"day", 1.0, "days", "天", " days", "天"},
    {"hour", 1.0, "hours", "小时", " hours", "小时"},
    {"household", 1.0, "households", "户", " households", "户"},
    {"complaint", 1.0, "complaints", "件", " complaints", "件"},
    {"defect", 1.0, "defects", "处", " defects", "处"},
    {"case", 1.0, "cases", "件", " cases", "件"},
    {"dispute", 1.0, "disputes", "件", " disputes", "件"},
    {"violation", 1.0, "violations", "起", " violations", "起"},
    {"assembly", 1.0, "assemblies", "次", " assemblies", "次"},
    {"yuan", 1.0, "yuan", "元", " yuan", "元"},
    {"compound", 1.0, "compounds", "个小区", " compounds", "个小区"},
    {"committee", 1.0, "committees", "个业委会", " committees", "个业委会"},
    {"decision", 1.0, "decisions", "项决定", " decisions", "项决定"},
    {"election", 1.0, "elections", "次选举", " elections", "次选举"},
    {"firm", 1.0, "firms", "家企业", " firms", "家企业"},
    {"matter", 1.0, "matters", "件事项", " matters", "件事项"},
    {"officer", 1.0, "officers", "名执法人员", " officers", "名执法人员"},
    {"mediator", 1.0, "mediators", "名调解员", " mediators", "名调解员"},
    {"secretary", 1.0, "secretaries", "名秘书", " secretaries", "名秘书"},
    {"platform", 1.0, "platforms", "个平台", " platforms", "个平台"},
    {"hour/worker/day", 1.0, "hours per worker a day", "小时/人/天", " hours per worker a day",
     "小时/人/天"},
    {"yuan/household/month", 1.0, "yuan per household a month", "元/户/月",
     " yuan per household a month", "元/户/月"},
};

static const unit_row *unit_find(const char *unit)
{
    for (size_t k = 0; k < sizeof unit_table / sizeof unit_table[0]; k++)
        if (strcmp(unit_table[k].unit, unit) == 0)
            return &unit_table[k];
    return NULL;
}

double ana_unit_scale(const char *unit)
{
    const unit_row *u = unit_find(unit);
    return u ? u->scale : 1.0;
}

const char *ana_unit_label(const char *unit, ana_lang lang)
{
    const unit_row *u = unit_find(unit);
    if (!u)
        return unit;
    return lang == ANA_ZH ? u->label_zh : u->label_en;
}

const char *ana_unit_amount(const char *unit, ana_lang lang)
{
    const unit_row *u = unit_find(unit);
    if (!u)
        return "";
    return lang == ANA_ZH ? u->amount_zh : u->amount_en;
}

/* ---- numbers --------------------------------------------------------------------- */

int ana_decimals(double half, double value)
{
    int d;
    /* a half-width at rounding-error level is no width at all */
    if (half > 0 && isfinite(half) && half > 1e-6 * fabs(value))
        d = 1 - (int)floor(log10(half));
    else if (value != 0 && isfinite(value))
        d = 2 - (int)floor(log10(fabs(value)));
    else
        d = 2;
    return d < 0 ? 0 : d > 6 ? 6 : d;
}

char *ana_fmt_num(char *buf, size_t n, double v, int dec, const char *minus)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*f", dec, v);
    /* a value that rounds to zero is shown without a sign */
    int zero = 1;
    for (const char *q = tmp; *q; q++)
        if (*q >= '1' && *q <= '9')
            zero = 0;
    const char *digits = tmp[0] == '-' ? tmp + 1 : tmp;
    snprintf(buf, n, "%s%s", tmp[0] == '-' && !zero ? minus : "", digits);
    return buf;
}

char *ana_fmt_p(char *buf, size_t n, double p)
{
    if (p < 0.001)
        snprintf(buf, n, "<0.001");
    else
        snprintf(buf, n, "%.3f", p);
    return buf;
}

int ana_utf8_char(const char *s, unsigned *cp_out)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned cp;
    int len;
    if (*p < 0x80) {
        cp = *p;
        len = 1;
    } else if ((*p & 0xE0) == 0xC0) {
        cp = *p & 0x1Fu;
        len = 2;
    } else if ((*p & 0xF0) == 0xE0) {
        cp = *p & 0x0Fu;
        len = 3;
    } else {
        cp = *p & 0x07u;
        len = 4;
    }
    for (int k = 1; k < len; k++) {
        if ((p[k] & 0xC0) != 0x80) { /* broken UTF-8: count a byte */
            len = 1;
            cp = *p;
            break;
        }
        cp = (cp << 6) | (p[k] & 0x3Fu);
    }
    *cp_out = cp;
    return len;
}

int ana_char_width(unsigned cp)
{
    int wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
               (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
               (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
               (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    return wide ? 2 : 1;
}

int ana_text_width(const char *s)
{
    int w = 0;
    while (*s) {
        unsigned cp;
        s += ana_utf8_char(s, &cp);
        w += ana_char_width(cp);
    }
    return w;
}

static void text_cell(FILE *f, const char *s, int w, int right, int last)
{
    int pad = w - ana_text_width(s);
    if (right)
        for (int k = 0; k < pad; k++)
            fputc(' ', f);
    fputs(s, f);
    if (!right && !last)
        for (int k = 0; k < pad; k++)
            fputc(' ', f);
    if (!last)
        fputs("  ", f);
}

void ana_text_grid(FILE *f, const char *cells, size_t rows, int ncols, size_t size,
                   const unsigned char *right)
{
    int w[64] = {0};
    if (ncols > 64)
        ncols = 64; /* the callers' tables have a dozen columns at most */
    for (size_t i = 0; i < rows; i++)
        for (int c = 0; c < ncols; c++) {
            int x = ana_text_width(cells + (i * (size_t)ncols + (size_t)c) * size);
            if (x > w[c])
                w[c] = x;
        }
    for (size_t i = 0; i < rows; i++) {
        for (int c = 0; c < ncols; c++)
            text_cell(f, cells + (i * (size_t)ncols + (size_t)c) * size, w[c], i > 0 && right[c],
                      c == ncols - 1);
        fputc('\n', f);
    }
}
