/* analysis/report.c — see report.h.
 *
 * The page is built in an ana_sbuf in the order it reads: head (style
 * sheets), summary, table, charts, scenarios, provenance.  Text comes from
 * the string table (analysis/ui.def) and from the compare file; numbers get
 * the decimals of ana_table_decimals() (means per metric, differences per
 * scenario), as in the printed table.
 *
 * Charts: every chart shares the x axis (the whole run); the y axis of a
 * metric spans the bands of all scenarios, with "nice" ticks.  Each scenario
 * has a colour of the Okabe-Ito palette (safe for colour-blind readers) and
 * its own dash pattern (so lines stay apart in greyscale print); the same
 * pair is used in the legend of every chart.
 */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "compare.h"
#include "stats.h"
#include "troika_version.h"

#define MINUS_SIGN "\xE2\x88\x92" /* U+2212 */

/* ---- style ------------------------------------------------------------------ */

static const char *const palette[] = {"#000000", "#E69F00", "#0072B2", "#009E73",
                                      "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"};
static const char *const dashes[] = {"",     "9 4",         "2 3", "10 3 2 3",
                                     "16 5", "5 2 1 2 1 2", "6 6", "1 4"};
#define NSTYLE 8

static const char *colour(int s)
{
    return palette[s % NSTYLE];
}

static const char *dash(int s)
{
    return dashes[(s + s / NSTYLE) % NSTYLE];
}

static const char css[] =
    ":root{--ink:#1d2433;--muted:#5b6475;--line:#d9dee7;--soft:#f4f6f9;--accent:#0b4f8a}"
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%}"
    "body{margin:0;color:var(--ink);background:#fff;font:15px/1.55 system-ui,-apple-system,"
    "'Segoe UI',Roboto,'Noto Sans','Helvetica Neue',Arial,'Noto Sans CJK SC','Source Han Sans SC',"
    "'PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif}"
    "main{max-width:1120px;margin:0 auto;padding:0 28px 48px}"
    "header.top{background:var(--accent);color:#fff;padding:26px 0 22px;margin-bottom:8px}"
    "header.top .in{max-width:1120px;margin:0 auto;padding:0 28px}"
    "header.top h1{margin:0 0 4px;font-size:27px;font-weight:650;letter-spacing:.2px}"
    "header.top p{margin:0;opacity:.92}"
    "h2{font-size:20px;margin:34px 0 10px;padding-bottom:6px;border-bottom:2px solid var(--line)}"
    "h3{font-size:16px;margin:22px 0 6px}"
    "p{margin:8px 0}"
    ".note{color:var(--muted);font-size:13.5px}"
    "ul.findings{margin:10px 0;padding-left:20px}"
    "ul.findings li{margin:6px 0}"
    "ul.findings li.clear{font-weight:500}"
    "ul.findings li.none,ul.findings li.small{color:var(--muted)}"
    "ul.findings+ul.findings{border-top:1px dashed var(--line);padding-top:8px}"
    ".scen{font-weight:650}"
    "table{border-collapse:collapse;width:100%;font-size:14px;margin:10px 0}"
    "th,td{padding:6px 9px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}"
    "thead th{background:var(--soft);font-weight:600;border-bottom:2px solid #c3cad6;"
    "vertical-align:bottom}"
    "td.num,td.ci,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "tbody.metric tr:first-child th{border-top:2px solid #c3cad6}"
    "tr.mhead th{background:#fbfcfd;padding-top:9px;font-weight:600}"
    "th.mname code,td code{font-size:12px;color:var(--muted);font-weight:400}"
    "th.mname .unit{color:var(--muted);font-weight:400}"
    "table.results td:first-child{padding-left:18px;min-width:190px}"
    "td.base{color:var(--muted);font-style:italic}"
    "td.yes{font-weight:700}"
    "td.better,tr.better td.diff{color:#0b6b2a}"
    "td.worse,tr.worse td.diff{color:#b3261e}"
    "td.diff .u{font-size:12px;color:inherit;opacity:.8}"
    "ul.headline{margin:8px 0 14px;padding-left:20px}"
    "ul.headline li{margin:6px 0}"
    "ul.headline .cost,ul.headline .per{color:var(--ink)}"
    "ul.findings li.better{color:#0b6b2a}"
    "ul.findings li.worse{color:#b3261e}"
    "td.no{color:var(--muted)}"
    "tr.clear td.diff{font-weight:700}"
    ".sw{display:inline-block;width:26px;height:0;border-top:3px solid;vertical-align:middle;"
    "margin-right:6px}"
    ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(470px,1fr));gap:18px 26px}"
    "figure{margin:0;break-inside:avoid;page-break-inside:avoid}"
    "figure h3{margin:6px 0 2px;font-size:15px;line-height:1.35;min-height:2.7em}"
    "figure h3 code{font-size:12px;color:var(--muted);font-weight:400}"
    "svg.chart{width:100%;height:auto;display:block}"
    "svg.chart text{font-family:inherit;fill:#333}"
    "svg.chart .tick{font-size:11.5px}"
    "svg.chart .lab{font-size:11.5px;fill:#555}"
    "svg.chart .leg{font-size:12px}"
    "table.changes td.val{white-space:nowrap;font-variant-numeric:tabular-nums}"
    ".pol{display:block;font-size:12.5px;color:var(--muted)}"
    "dl.prov{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;font-size:14px}"
    "dl.prov dt{color:var(--muted)}"
    "dl.prov dd{margin:0;word-break:break-word}"
    "dl.prov code{font-size:12.5px}"
    "footer{margin-top:36px;padding-top:10px;border-top:1px solid var(--line);"
    "color:var(--muted);font-size:12.5px}"
    "@media (max-width:640px){main{padding:0 14px 32px}.charts{grid-template-columns:1fr}}"
    "@media print{@page{size:A4;margin:14mm 12mm}"
    "body{font-size:10pt;color:#000}"
    "header.top{background:none;color:#000;padding:0 0 6px;border-bottom:2px solid #000}"
    "header.top .in,main{max-width:none;padding:0}"
    "h2{break-after:avoid;page-break-after:avoid;margin-top:18px}"
    "h3{break-after:avoid;page-break-after:avoid}"
    "table{font-size:8pt}"
    "th,td{padding:3px 5px}"
    "thead th{white-space:normal}"
    "table.results td:first-child{min-width:0;padding-left:8px}"
    "td.ci{white-space:normal}"
    "th.mname code,td code,figure h3 code{font-size:7pt}"
    "tr,tbody.metric{break-inside:avoid;page-break-inside:avoid}"
    "thead{display:table-header-group}"
    ".charts{grid-template-columns:1fr 1fr;gap:8px 14px}"
    "section.charts-sec{break-before:page;page-break-before:always}"
    "td.better,tr.better td.diff,ul.findings li.better{color:#0b6b2a}"
    "td.worse,tr.worse td.diff,ul.findings li.worse{color:#b3261e}"
    "a{color:#000;text-decoration:none}}";

/* ---- helpers ------------------------------------------------------------------ */

typedef struct {
    const ana_cmpfile *f;
    const ana_table *t;
    ana_lang lang;
    ana_sbuf *sb;
    double households; /* in the area (for per-1,000-household figures); 0: unknown */
} page;

static void put(page *p, const char *s)
{
    ana_sbuf_put(p->sb, s);
}

static void esc(page *p, const char *s)
{
    ana_sbuf_html(p->sb, s ? s : "");
}

/* A UI row as HTML, with arguments already HTML. */
static void ui(page *p, ana_ui_id id, const char *const *args, int n)
{
    ana_ui_put(p->sb, id, p->lang, 1, args, n);
}

/* A UI row as plain text, into a new string (caller frees). */
static char *ui_text(ana_ui_id id, ana_lang lang, const char *const *args, int n)
{
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    ana_ui_put(&sb, id, lang, 0, args, n);
    return ana_sbuf_take(&sb);
}

/* HTML-escaped copy of s (caller frees). */
static char *html_of(const char *s)
{
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    ana_sbuf_html(&sb, s ? s : "");
    return ana_sbuf_take(&sb);
}

/* What the report calls metric k: the key-metric table's label
 * (analysis/compare.c), else the metric table's description as a phrase;
 * lower = 0 starts an English label with a capital (a heading). */
static char *metric_phrase(const page *p, int k, int lower)
{
    const ana_metric_reading *r = ana_metric_reading_of(p->t->met[k]);
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    if (r) {
        const char *l = p->lang == ANA_ZH ? r->label_zh : r->label_en;
        if (!lower && p->lang == ANA_EN && l[0] >= 'a' && l[0] <= 'z') {
            char c = (char)(l[0] - 'a' + 'A');
            ana_sbuf_putn(&sb, &c, 1);
            l++;
        }
        ana_sbuf_put(&sb, l);
    } else {
        ana_table_metric_phrase(&sb, p->t, k, p->lang, lower);
    }
    return ana_sbuf_take(&sb);
}

/* Scenario s's name in the page's language (name_zh when there is one). */
static const char *scen_name(const page *p, int s)
{
    if (p->lang == ANA_ZH && p->f && s < p->f->nscen && p->f->scen[s].name_zh &&
        p->f->scen[s].name_zh[0])
        return p->f->scen[s].name_zh;
    return p->t->scen[s];
}

static const char *scen_description(const page *p, int s)
{
    const ana_cmp_scen *sc = &p->f->scen[s];
    if (p->lang == ANA_ZH && sc->description_zh && sc->description_zh[0])
        return sc->description_zh;
    return sc->description ? sc->description : "";
}

/* Which direction of metric k is better (ANA_NEUTRAL when unknown). */
static ana_better better_of(const page *p, int k)
{
    const ana_metric_reading *r = ana_metric_reading_of(p->t->met[k]);
    return r ? r->better : ANA_NEUTRAL;
}

/* How metric k is normalised on this page (FLOW and STOCK need the
 * households). */
static ana_norm norm_of(const page *p, int k)
{
    const ana_metric_reading *r = ana_metric_reading_of(p->t->met[k]);
    ana_norm n = r ? r->norm : ANA_NORM_NONE;
    if ((n == ANA_NORM_FLOW || n == ANA_NORM_STOCK) && !(p->households > 0))
        return ANA_NORM_NONE;
    return n;
}

/* Factor from stored values (per day, whole area) to shown values. */
static double mscale(const page *p, int k)
{
    double sc = ana_unit_scale(p->t->unit[k]);
    switch (norm_of(p, k)) {
    case ANA_NORM_FLOW:
        return sc * 365.0 * 1000.0 / p->households;
    case ANA_NORM_STOCK:
        return sc * 1000.0 / p->households;
    case ANA_NORM_YEAR:
        return sc * 365.0;
    default:
        return sc;
    }
}

/* The unit of metric k as shown (amount = 0: a label; 1: the words after
 * an amount), with its normalisation, as plain text into sb. */
static void unit_of(const page *p, int k, int amount, ana_sbuf *sb)
{
    const char *u =
        amount ? ana_unit_amount(p->t->unit[k], p->lang) : ana_unit_label(p->t->unit[k], p->lang);
    ana_norm n = norm_of(p, k);
    if (n == ANA_NORM_NONE) {
        ana_sbuf_put(sb, u);
        return;
    }
    const char *args[] = {u};
    ana_ui_put(sb,
               n == ANA_NORM_FLOW    ? ANA_UI_UNIT_FLOW
               : n == ANA_NORM_STOCK ? ANA_UI_UNIT_STOCK
                                     : ANA_UI_UNIT_YEAR,
               p->lang, 0, args, 1);
}

/* A large amount of money, rounded to two significant digits of its
 * interval's half-width (`half`; or three of the value when it has no
 * width) and grouped by thousands: "3,010,000". */
static void fmt_amount(char *buf, size_t n, double v, double half)
{
    double ref = half > 1e-9 * fabs(v) ? half : fabs(v) / 10.0;
    int e = ref > 0 ? (int)floor(log10(ref)) - 1 : 0; /* round to 10^e */
    if (e < 0)
        e = 0;
    double q = pow(10.0, e);
    double r = floor(fabs(v) / q + 0.5) * q;
    char digits[64];
    snprintf(digits, sizeof digits, "%.0f", r);
    size_t len = strlen(digits), o = 0;
    if (v < 0 && r > 0 && o + 3 < n) {
        memcpy(buf, MINUS_SIGN, 3);
        o = 3;
    }
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* Does v, shown with dec decimals, read as zero? */
static int shows_zero(double v, int dec)
{
    return fabs(v) < 0.5 * pow(10.0, -dec);
}

/* Decimals of a row: two significant digits of its own interval's
 * half-width (ana_decimals); for a clear difference, more until neither
 * end of its interval reads as zero (at most 6). */
static int row_decimals(const ana_summary *m, double sc, int clear)
{
    int dec = ana_decimals(m->half * sc, m->mean * sc);
    while (clear && dec < 6 && (shows_zero(m->lo * sc, dec) || shows_zero(m->hi * sc, dec)))
        dec++;
    return dec;
}

/* 1 when the clear difference of scenario s on metric k is an
 * improvement, -1 when it is a deterioration, 0 otherwise. */
static int verdict(const page *p, int s, int k)
{
    if (s == 0 || !ana_table_clear(p->t, s, k))
        return 0;
    ana_better b = better_of(p, k);
    double d = p->t->diff[ana_table_at(p->t, s, k)].mean;
    if (b == ANA_NEUTRAL)
        return 0;
    int up = d > 0;
    return b == ANA_HIGHER_BETTER ? (up ? 1 : -1) : (up ? -1 : 1);
}

static const char *MINUS = MINUS_SIGN;

/* ---- head --------------------------------------------------------------------- */

static void head(page *p)
{
    const ana_table *t = p->t;
    put(p, "<!DOCTYPE html>\n<html lang=\"");
    put(p, p->lang == ANA_ZH ? "zh-CN" : "en");
    ana_sbuf_printf(p->sb,
                    "\" data-scenarios=\"%d\" data-metrics=\"%d\" data-replicates=\"%lld\">\n",
                    t->nscen, t->nmet, (long long)t->replicates);
    put(p, "<head>\n<meta charset=\"utf-8\">\n"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'; img-src data:\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    ana_sbuf_printf(p->sb, "<meta name=\"generator\" content=\"troika %s\">\n", TROIKA_VERSION);
    put(p, "<title>");
    esc(p, ana_ui(ANA_UI_DOC_TITLE, p->lang));
    put(p, ": ");
    for (int s = 0; s < t->nscen; s++) {
        if (s)
            put(p, p->lang == ANA_ZH ? "、" : ", ");
        esc(p, scen_name(p, s));
    }
    put(p, "</title>\n<style>");
    put(p, css);
    put(p, "</style>\n</head>\n<body>\n");

    /* the banner */
    char ns[16], nr[32], nd[32];
    snprintf(ns, sizeof ns, "%d", t->nscen);
    snprintf(nr, sizeof nr, "%lld", (long long)t->replicates);
    snprintf(nd, sizeof nd, "%lld", (long long)t->days);
    put(p, "<header class=\"top\"><div class=\"in\"><h1>");
    ui(p, ANA_UI_DOC_TITLE, NULL, 0);
    put(p, "</h1><p>");
    for (int s = 0; s < t->nscen; s++) {
        if (s)
            put(p, " · ");
        esc(p, scen_name(p, s));
    }
    put(p, "</p><p>");
    const char *args[] = {ns, nr, nd};
    ui(p, ANA_UI_SUBTITLE, args, 3);
    put(p, "</p></div></header>\n<main>\n");
}

/* ---- summary ------------------------------------------------------------------ */

/* A clear effect: the sentence for it. */
static void effect_sentence(page *p, int s, int k, const char *sname)
{
    const ana_table *t = p->t;
    ana_lang L = p->lang;
    const ana_summary *d = &t->diff[ana_table_at(t, s, k)];
    double base = t->mean[ana_table_at(t, 0, k)].mean;
    double sc = mscale(p, k);
    int dec = row_decimals(d, sc, 1);
    int lower = d->mean < 0;
    double lo = (lower ? -d->hi : d->lo) * sc, hi = (lower ? -d->lo : d->hi) * sc;
    char a[48], l[48], h[48], pct[48];
    if (better_of(p, k) == ANA_COST) { /* money: rounded and grouped */
        fmt_amount(a, sizeof a, fabs(d->mean) * sc, d->half * sc);
        fmt_amount(l, sizeof l, lo, d->half * sc);
        fmt_amount(h, sizeof h, hi, d->half * sc);
    } else {
        ana_fmt_num(a, sizeof a, fabs(d->mean) * sc, dec, MINUS);
        ana_fmt_num(l, sizeof l, lo, dec, MINUS);
        ana_fmt_num(h, sizeof h, hi, dec, MINUS);
    }
    char *ph = metric_phrase(p, k, 1);
    char *phh = html_of(ph ? ph : "");
    ana_sbuf us;
    ana_sbuf_init(&us);
    unit_of(p, k, 1, &us);
    char *unit = html_of(us.p ? us.p : "");
    ana_sbuf_free(&us);
    char *rel = NULL;
    /* the relative size, except for shares (points and percent would mix) */
    if (base != 0.0 && strcmp(t->unit[k], "share") != 0) {
        double r = 100.0 * fabs(d->mean / base);
        snprintf(pct, sizeof pct, "%.*f%%", r < 10 ? 1 : 0, r);
        const char *ra[] = {pct};
        rel = ui_text(ANA_UI_SUM_RELATIVE, L, ra, 1);
    }
    char *relh = html_of(rel ? rel : "");
    const char *args[] = {sname, phh ? phh : "", a, unit ? unit : "", l, h, relh ? relh : ""};
    int v = verdict(p, s, k);
    ana_sbuf_printf(p->sb, "<li class=\"clear%s\" data-metric=\"%s\" data-scenario=\"%d\">",
                    v > 0   ? " better"
                    : v < 0 ? " worse"
                            : "",
                    t->met[k], s);
    ui(p, lower ? ANA_UI_SUM_LOWER : ANA_UI_SUM_RAISE, args, 7);
    put(p, "</li>\n");
    free(ph);
    free(phh);
    free(unit);
    free(rel);
    free(relh);
}

/* Size of a difference relative to the baseline (infinity when the
 * baseline is 0). */
static double relative(const ana_table *t, int s, int k)
{
    double base = t->mean[ana_table_at(t, 0, k)].mean;
    double d = t->diff[ana_table_at(t, s, k)].mean;
    return base != 0.0 ? fabs(d / base) : INFINITY;
}

/* What scenario s did: clear effects, largest (relative to the baseline)
 * first; clear but small ones (under ANA_REPORT_SMALL of the baseline) in
 * one line; then the metrics with no clear effect. */
static void findings(page *p, int s)
{
    const ana_table *t = p->t;
    ana_lang L = p->lang;
    char *name = html_of(scen_name(p, s));
    ana_sbuf sn;
    ana_sbuf_init(&sn);
    ana_sbuf_put(&sn, "<span class=\"scen\">");
    ana_sbuf_put(&sn, name ? name : "");
    ana_sbuf_put(&sn, "</span>");
    free(name);
    const char *sname = sn.p ? sn.p : "";
    ana_sbuf_printf(p->sb, "<ul class=\"findings\" data-scenario=\"%d\">\n", s);
    if (p->f && s < p->f->nscen && p->f->scen[s].changes.n == 0) {
        put(p, "<li class=\"none\">");
        const char *args[] = {sname};
        ui(p, ANA_UI_SUM_NONE, args, 1);
        put(p, "</li>\n</ul>\n");
        ana_sbuf_free(&sn);
        return;
    }
    int *order = malloc((size_t)t->nmet * sizeof *order);
    int nbig = 0, nsmall = 0, nunclear = 0;
    ana_sbuf small, unclear;
    ana_sbuf_init(&small);
    ana_sbuf_init(&unclear);
    for (int k = 0; k < t->nmet; k++) {
        char *ph = metric_phrase(p, k, 1);
        if (!ana_table_clear(t, s, k)) {
            if (nunclear++)
                ana_sbuf_html(&unclear, ana_ui(ANA_UI_LIST_SEP, L));
            ana_sbuf_html(&unclear, ph ? ph : "");
        } else if (relative(t, s, k) < ANA_REPORT_SMALL) {
            if (nsmall++)
                ana_sbuf_html(&small, ana_ui(ANA_UI_LIST_SEP, L));
            ana_sbuf_html(&small, ph ? ph : "");
        } else if (order) {
            /* insertion by decreasing relative size (stable) */
            int j = nbig++;
            while (j > 0 && relative(t, s, order[j - 1]) < relative(t, s, k)) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = k;
        }
        free(ph);
    }
    for (int j = 0; j < nbig; j++)
        effect_sentence(p, s, order[j], sname);
    if (nsmall) {
        char pct[16];
        snprintf(pct, sizeof pct, "%g%%", 100.0 * ANA_REPORT_SMALL);
        const char *args[] = {sname, pct, small.p ? small.p : ""};
        put(p, "<li class=\"small\">");
        ui(p, ANA_UI_SUM_SMALL, args, 3);
        put(p, "</li>\n");
    }
    if (nunclear == t->nmet) {
        char nm[16];
        snprintf(nm, sizeof nm, "%d", t->nmet);
        const char *args[] = {sname, nm};
        put(p, "<li class=\"none\">");
        ui(p, ANA_UI_SUM_NOCLEAR_ALL, args, 2);
        put(p, "</li>\n");
    } else if (nunclear) {
        put(p, "<li class=\"none\">");
        const char *args[] = {sname, unclear.p ? unclear.p : ""};
        ui(p, ANA_UI_SUM_NOCLEAR, args, 2);
        put(p, "</li>\n");
    }
    put(p, "</ul>\n");
    ana_sbuf_free(&small);
    ana_sbuf_free(&unclear);
    ana_sbuf_free(&sn);
    free(order);
}

/* The headline of scenario s: its largest clear improvement (relative to
 * the baseline), how many key metrics clearly improve and worsen, and what
 * it costs (the ANA_COST metrics, per year) with the cost per unit of that
 * improvement. */
static void headline(page *p, int s)
{
    const ana_table *t = p->t;
    ana_lang L = p->lang;
    int best = -1, nbetter = 0, nworse = 0, ndir = 0;
    double cost = 0.0, cost_lo = 0.0, cost_hi = 0.0;
    int ncost = 0;
    for (int k = 0; k < t->nmet; k++) {
        ana_better b = better_of(p, k);
        const ana_summary *d = &t->diff[ana_table_at(t, s, k)];
        if (b == ANA_COST) {
            double sc = mscale(p, k);
            cost += d->mean * sc;
            cost_lo += d->lo * sc;
            cost_hi += d->hi * sc;
            ncost++;
            continue;
        }
        if (b == ANA_NEUTRAL)
            continue;
        ndir++;
        int v = verdict(p, s, k);
        nbetter += v > 0;
        nworse += v < 0;
        if (v > 0 && relative(t, s, k) >= ANA_REPORT_SMALL &&
            (best < 0 || relative(t, s, k) > relative(t, s, best)))
            best = k;
    }
    char *name = html_of(scen_name(p, s));
    ana_sbuf sn;
    ana_sbuf_init(&sn);
    ana_sbuf_printf(&sn, "<span class=\"scen\">%s</span>", name ? name : "");
    ana_sbuf_printf(p->sb, "<li data-scenario=\"%d\"%s>", s, best >= 0 ? " class=\"better\"" : "");
    if (best >= 0) {
        const ana_summary *d = &t->diff[ana_table_at(t, s, best)];
        double sc = mscale(p, best);
        int dec = row_decimals(d, sc, 1);
        char a[48], rel[48];
        ana_fmt_num(a, sizeof a, fabs(d->mean) * sc, dec, MINUS);
        double r = 100.0 * relative(t, s, best);
        if (isfinite(r))
            snprintf(rel, sizeof rel, "%.*f%%", r < 10 ? 1 : 0, r);
        else
            snprintf(rel, sizeof rel, "—");
        char *ph = metric_phrase(p, best, 1);
        char *phh = html_of(ph ? ph : "");
        ana_sbuf us;
        ana_sbuf_init(&us);
        unit_of(p, best, 1, &us);
        char *uh = html_of(us.p ? us.p : "");
        const char *args[] = {sn.p ? sn.p : "",
                              phh ? phh : "",
                              ana_ui(d->mean < 0 ? ANA_UI_VERB_LOWERED : ANA_UI_VERB_RAISED, L),
                              a,
                              uh ? uh : "",
                              rel};
        ui(p, ANA_UI_HEAD_BEST, args, 6);
        free(ph);
        free(phh);
        free(uh);
        ana_sbuf_free(&us);
    } else {
        const char *args[] = {sn.p ? sn.p : ""};
        ui(p, ANA_UI_HEAD_NONE, args, 1);
    }
    {
        char nb[16], nw[16], nd[16];
        snprintf(nb, sizeof nb, "%d", nbetter);
        snprintf(nw, sizeof nw, "%d", nworse);
        snprintf(nd, sizeof nd, "%d", ndir);
        const char *args[] = {nb, nw, nd};
        put(p, L == ANA_EN ? " " : "");
        ana_sbuf_printf(p->sb, "<span class=\"count\" data-better=\"%d\" data-worse=\"%d\">",
                        nbetter, nworse);
        ui(p, ANA_UI_HEAD_COUNT, args, 3);
        put(p, "</span>");
    }
    if (ncost && (cost != 0.0 || cost_lo != 0.0 || cost_hi != 0.0)) {
        char c[64], cl[64], ch[64];
        double half = (cost_hi - cost_lo) / 2;
        fmt_amount(c, sizeof c, cost, half);
        fmt_amount(cl, sizeof cl, cost_lo, half);
        fmt_amount(ch, sizeof ch, cost_hi, half);
        const char *args[] = {c, cl, ch};
        put(p, L == ANA_EN ? " " : "");
        ana_sbuf_printf(p->sb, "<span class=\"cost\" data-value=\"%.17g\">", cost);
        ui(p, ANA_UI_HEAD_COST, args, 3);
        put(p, "</span>");
        if (best >= 0 && cost > 0) {
            double gain = fabs(t->diff[ana_table_at(t, s, best)].mean) * mscale(p, best);
            char per[64];
            fmt_amount(per, sizeof per, cost / gain, 0.0);
            char *ph = metric_phrase(p, best, 1);
            char *phh = html_of(ph ? ph : "");
            ana_sbuf us;
            ana_sbuf_init(&us);
            unit_of(p, best, 0, &us);
            char *uh = html_of(us.p ? us.p : "");
            const char *a2[] = {phh ? phh : "", per, uh ? uh : ""};
            put(p, L == ANA_EN ? " " : "");
            ana_sbuf_printf(p->sb, "<span class=\"per\" data-value=\"%.17g\">", cost / gain);
            ui(p, ANA_UI_HEAD_COST_PER, a2, 3);
            put(p, "</span>");
            free(ph);
            free(phh);
            free(uh);
            ana_sbuf_free(&us);
        }
    }
    put(p, "</li>\n");
    ana_sbuf_free(&sn);
    free(name);
}

static void summary(page *p)
{
    const ana_table *t = p->t;
    ana_lang L = p->lang;
    put(p, "<section id=\"summary\">\n<h2>");
    ui(p, ANA_UI_H_SUMMARY, NULL, 0);
    put(p, "</h2>\n<p>");
    {
        ana_sbuf win;
        ana_sbuf_init(&win);
        ana_table_window_text(&win, t, L);
        char nr[32];
        snprintf(nr, sizeof nr, "%lld", (long long)t->replicates);
        char *w = html_of(win.p ? win.p : "");
        const char *args[] = {nr, nr, w ? w : ""};
        ui(p, ANA_UI_SUMMARY_INTRO, args, 3);
        free(w);
        ana_sbuf_free(&win);
    }
    if (L == ANA_EN)
        put(p, " ");
    {
        char *b = html_of(scen_name(p, 0));
        ana_sbuf bs;
        ana_sbuf_init(&bs);
        ana_sbuf_put(&bs, "<span class=\"scen\">");
        ana_sbuf_put(&bs, b ? b : "");
        ana_sbuf_put(&bs, "</span>");
        const char *args[] = {bs.p ? bs.p : ""};
        ui(p, ANA_UI_BASELINE_IS, args, 1);
        ana_sbuf_free(&bs);
        free(b);
    }
    put(p, "</p>\n");
    if (t->nscen > 1) {
        put(p, "<h3>");
        ui(p, ANA_UI_H_HEADLINE, NULL, 0);
        put(p, "</h3>\n<ul class=\"headline\">\n");
        for (int s = 1; s < t->nscen; s++)
            headline(p, s);
        put(p, "</ul>\n<h3>");
        ui(p, ANA_UI_H_FINDINGS, NULL, 0);
        put(p, "</h3>\n");
    }
    for (int s = 1; s < t->nscen; s++)
        findings(p, s);
    /* --replicates auto: how many were needed */
    const ana_cmp_meta *m = p->f ? &p->f->meta : NULL;
    if (m && m->auto_rep) {
        char batch[32], tol[32], nr[32], cap[32];
        snprintf(batch, sizeof batch, "%lld", (long long)m->auto_batch);
        snprintf(tol, sizeof tol, "%g%%", 100.0 * m->tolerance);
        snprintf(nr, sizeof nr, "%lld", (long long)m->replicates);
        snprintf(cap, sizeof cap, "%lld", (long long)m->max_replicates);
        put(p, "<p class=\"note auto\">");
        if (m->tolerance_met) {
            const char *args[] = {batch, tol, nr};
            ui(p, ANA_UI_AUTO_MET, args, 3);
        } else {
            int *bad = malloc((size_t)t->nmet * sizeof *bad);
            int nb = bad ? ana_compare_unmet(t, m->tolerance, bad) : 0;
            ana_sbuf list;
            ana_sbuf_init(&list);
            for (int j = 0; j < nb; j++) {
                if (j)
                    ana_sbuf_html(&list, ana_ui(ANA_UI_LIST_SEP, L));
                char *ph = metric_phrase(p, bad[j], 1);
                ana_sbuf_html(&list, ph ? ph : "");
                free(ph);
            }
            const char *args[] = {batch, cap, tol, list.p ? list.p : ""};
            ui(p, ANA_UI_AUTO_CAP, args, 4);
            ana_sbuf_free(&list);
            free(bad);
        }
        put(p, "</p>\n");
    }
    put(p, "<p class=\"note\">");
    ui(p, ANA_UI_SUM_CAVEAT, NULL, 0);
    put(p, "</p>\n</section>\n");
}

/* ---- table ------------------------------------------------------------------------- */

/* A number cell; `suffix` (HTML, may be "") follows the number in its own
 * span (the unit of a difference, e.g. " pp"). */
static void num_cell(page *p, const char *cls, int k, int s, const char *stat, double v, double sc,
                     int dec, const char *suffix)
{
    char txt[48];
    ana_fmt_num(txt, sizeof txt, v * sc, dec, MINUS);
    ana_sbuf_printf(p->sb,
                    "<td class=\"%s\" data-metric=\"%s\" data-scenario=\"%d\" data-stat=\"%s\" "
                    "data-value=\"%.17g\" data-scale=\"%.17g\" data-dec=\"%d\">%s",
                    cls, p->t->met[k], s, stat, v, sc, dec, txt);
    if (suffix && suffix[0])
        ana_sbuf_printf(p->sb, "<span class=\"u\">%s</span>", suffix);
    put(p, "</td>");
}

static void ci_cell(page *p, int k, int s, const char *stat, double lo, double hi, double sc,
                    int dec)
{
    char a[48], b[48];
    ana_fmt_num(a, sizeof a, lo * sc, dec, MINUS);
    ana_fmt_num(b, sizeof b, hi * sc, dec, MINUS);
    ana_sbuf_printf(p->sb,
                    "<td class=\"ci\" data-metric=\"%s\" data-scenario=\"%d\" data-stat=\"%s\" "
                    "data-lo=\"%.17g\" data-hi=\"%.17g\" data-scale=\"%.17g\" data-dec=\"%d\">",
                    p->t->met[k], s, stat, lo, hi, sc, dec);
    const char *args[] = {a, b};
    ui(p, ANA_UI_CI_RANGE, args, 2);
    put(p, "</td>");
}

/* Open metric k's <tbody> with its heading row across `cols` columns: what
 * it is, its unit, which direction is better, its name. */
static void metric_heading(page *p, int k, int cols)
{
    ana_better better = better_of(p, k);
    ana_sbuf_printf(p->sb, "<tbody class=\"metric\" data-metric=\"%s\" data-better=\"%d\">\n",
                    p->t->met[k], (int)better);
    ana_sbuf_printf(p->sb,
                    "<tr class=\"mhead\"><th class=\"mname\" colspan=\"%d\" "
                    "scope=\"colgroup\">",
                    cols);
    char *ph = metric_phrase(p, k, 0);
    esc(p, ph);
    free(ph);
    put(p, " <span class=\"unit\">(");
    ana_sbuf us;
    ana_sbuf_init(&us);
    unit_of(p, k, 0, &us);
    esc(p, us.p ? us.p : "");
    ana_sbuf_free(&us);
    if (better != ANA_NEUTRAL) {
        put(p, p->lang == ANA_ZH ? "；" : "; ");
        ui(p,
           better == ANA_COST           ? ANA_UI_DIR_COST
           : better == ANA_LOWER_BETTER ? ANA_UI_DIR_LOWER
                                        : ANA_UI_DIR_HIGHER,
           NULL, 0);
    }
    put(p, ")</span> <code>");
    esc(p, p->t->met[k]);
    put(p, "</code></th></tr>\n");
}

static void table(page *p)
{
    const ana_table *t = p->t;
    ana_lang L = p->lang;
    put(p, "<section id=\"table\">\n<h2>");
    ui(p, ANA_UI_H_TABLE, NULL, 0);
    put(p, "</h2>\n<p class=\"note\">");
    {
        ana_sbuf win;
        ana_sbuf_init(&win);
        ana_table_window_text(&win, t, L);
        char *w = html_of(win.p ? win.p : "");
        const char *args[] = {w ? w : ""};
        ui(p, ANA_UI_TABLE_NOTE, args, 1);
        put(p, L == ANA_EN ? " " : "");
        ui(p, ANA_UI_TABLE_COLOURS, NULL, 0);
        free(w);
        ana_sbuf_free(&win);
    }
    put(p, "</p>\n<table class=\"results\">\n<thead><tr><th>");
    ui(p, ANA_UI_COL_SCENARIO, NULL, 0);
    put(p, "</th><th class=\"num\">");
    ui(p, ANA_UI_COL_MEAN, NULL, 0);
    put(p, "</th><th class=\"num\">");
    ui(p, ANA_UI_COL_CI, NULL, 0);
    put(p, "</th><th class=\"num\">");
    ui(p, ANA_UI_COL_DIFF, NULL, 0);
    put(p, "</th><th class=\"num\">");
    ui(p, ANA_UI_COL_CI, NULL, 0);
    put(p, "</th><th class=\"num\">");
    ui(p, ANA_UI_COL_P, NULL, 0);
    put(p, "</th><th>");
    ui(p, ANA_UI_COL_CLEAR, NULL, 0);
    put(p, "</th></tr></thead>\n");
    for (int k = 0; k < t->nmet; k++) {
        double sc = mscale(p, k);
        metric_heading(p, k, 7);
        const char *suffix = strcmp(t->unit[k], "share") == 0 ? ana_ui(ANA_UI_DIFF_PP, L) : "";
        for (int s = 0; s < t->nscen; s++) {
            size_t at = ana_table_at(t, s, k);
            const ana_summary *m = &t->mean[at], *d = &t->diff[at];
            int clear = ana_table_clear(t, s, k);
            int v = verdict(p, s, k);
            int dec = row_decimals(m, sc, 0);
            int ddec = row_decimals(d, sc, clear);
            ana_sbuf_printf(p->sb, "<tr%s>",
                            v > 0   ? " class=\"clear better\""
                            : v < 0 ? " class=\"clear worse\""
                            : clear ? " class=\"clear\""
                                    : "");
            ana_sbuf_printf(p->sb, "<td><span class=\"sw\" style=\"border-color:%s\"></span>",
                            colour(s));
            esc(p, scen_name(p, s));
            put(p, "</td>");
            num_cell(p, "num", k, s, "mean", m->mean, sc, dec, "");
            ci_cell(p, k, s, "ci", m->lo, m->hi, sc, dec);
            if (s == 0) {
                put(p, "<td class=\"base\" colspan=\"4\">");
                ui(p, ANA_UI_BASELINE, NULL, 0);
                put(p, "</td>");
            } else {
                char *sx = html_of(suffix);
                num_cell(p, "num diff", k, s, "diff", d->mean, sc, ddec, sx ? sx : "");
                free(sx);
                ci_cell(p, k, s, "diff_ci", d->lo, d->hi, sc, ddec);
                char pv[16];
                ana_fmt_p(pv, sizeof pv, d->p);
                ana_sbuf_printf(p->sb,
                                "<td class=\"num\" data-metric=\"%s\" data-scenario=\"%d\" "
                                "data-stat=\"p\" data-value=\"%.17g\">",
                                t->met[k], s, d->p);
                esc(p, pv);
                ana_sbuf_printf(p->sb,
                                "</td><td class=\"%s\" data-metric=\"%s\" data-scenario=\"%d\" "
                                "data-stat=\"clear\" data-value=\"%d\" data-verdict=\"%d\">",
                                v > 0   ? "yes better"
                                : v < 0 ? "yes worse"
                                : clear ? "yes"
                                        : "no",
                                t->met[k], s, clear, v);
                ui(p,
                   v > 0   ? ANA_UI_CLEAR_BETTER
                   : v < 0 ? ANA_UI_CLEAR_WORSE
                   : clear ? ANA_UI_YES
                           : ANA_UI_NO,
                   NULL, 0);
                put(p, "</td>");
            }
            put(p, "</tr>\n");
        }
        put(p, "</tbody>\n");
    }
    put(p, "</table>\n</section>\n");
}

/* ---- under a posterior ------------------------------------------------------------ */

static double quantile(const double *x, int64_t n, double q);
static int cmp_double(const void *a, const void *b);

/* Close the header cell before and add number columns ids[0..n), each
 * expanded with args (a row without "%s" takes none). */
static void num_heads(page *p, const ana_ui_id *ids, int n, const char *const *args, int nargs)
{
    for (int i = 0; i < n; i++) {
        put(p, "</th><th class=\"num\">");
        ui(p, ids[i], args, nargs);
    }
}

/* A share as "62%" (or "-" when undefined). */
static void share_text(char *buf, size_t n, double v)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.0f%%", 100.0 * v);
}

/* The comparison under the posterior (compare --posterior): per metric and
 * reform the median effect, its interval over parameters and chance, the
 * probability of improvement and the variance split; then the draws. */
static void posterior(page *p)
{
    const ana_cmp_post *pp = p->f->post;
    const ana_table *t = p->t;
    ana_lang L = p->lang;
    if (!pp)
        return;
    char nd[32], nr[32], nrun[32], lv[16];
    /* a saltelli design: the section reads its A and B points alone */
    int sal = pp->design == ANA_POST_SALTELLI;
    int64_t ndraw = sal ? 2 * pp->base_points : pp->draws;
    snprintf(nd, sizeof nd, "%lld", (long long)ndraw);
    snprintf(nr, sizeof nr, "%lld", (long long)pp->per_draw);
    snprintf(nrun, sizeof nrun, "%lld", (long long)(ndraw * pp->per_draw));
    snprintf(lv, sizeof lv, "%.0f%%", 100.0 * pp->level);
    char *path = html_of(pp->path);
    ana_sbuf_printf(p->sb,
                    "<section id=\"posterior\" data-draws=\"%lld\" "
                    "data-per-draw=\"%lld\" data-level=\"%g\">\n<h2>",
                    (long long)pp->draws, (long long)pp->per_draw, pp->level);
    ui(p, ANA_UI_POST_TITLE, NULL, 0);
    put(p, "</h2>\n<p class=\"note\">");
    {
        ana_sbuf c;
        ana_sbuf_init(&c);
        ana_sbuf_printf(&c, "<code>%s</code>", path ? path : "");
        const char *a1[] = {nd, nr, nrun, c.p ? c.p : ""};
        ui(p, ANA_UI_POST_SUBTITLE, a1, 4);
        put(p, L == ANA_EN ? ". " : "。");
        ana_sbuf win;
        ana_sbuf_init(&win);
        ana_table_window_text(&win, t, L);
        char *w = html_of(win.p ? win.p : "");
        const char *a2[] = {c.p ? c.p : "", nr, w ? w : "", lv};
        ui(p, ANA_UI_POST_INTRO, a2, 4);
        if (sal) {
            char nb[32], np[32];
            snprintf(nb, sizeof nb, "%lld", (long long)pp->base_points);
            snprintf(np, sizeof np, "%lld", (long long)pp->draws);
            const char *a3[] = {nb, np, nd};
            put(p, L == ANA_EN ? " " : "");
            ui(p, ANA_UI_POST_SALTELLI, a3, 3);
        }
        free(w);
        ana_sbuf_free(&win);
        ana_sbuf_free(&c);
    }
    put(p, "</p>\n<table class=\"results posterior\">\n<thead><tr><th>");
    ui(p, ANA_UI_COL_SCENARIO, NULL, 0);
    const char *la[] = {lv};
    static const ana_ui_id effect_cols[] = {ANA_UI_POST_COL_MEDIAN, ANA_UI_POST_COL_INTERVAL,
                                            ANA_UI_POST_COL_PIMPROVE, ANA_UI_POST_COL_PARAMS,
                                            ANA_UI_POST_COL_CHANCE};
    num_heads(p, effect_cols, 5, la, 1);
    put(p, "</th></tr></thead>\n");
    for (int k = 0; k < t->nmet; k++) {
        double sc = mscale(p, k);
        metric_heading(p, k, 6);
        for (int s = 1; s < t->nscen; s++) {
            const ana_post_effect *e = &pp->eff[ana_table_at(t, s, k)];
            int dec = ana_decimals(0.5 * (e->hi - e->lo) * sc, e->median * sc);
            /* likely better / worse: nine in ten runs or more on one side */
            int v = isnan(e->p_improve)   ? 0
                    : e->p_improve >= 0.9 ? 1
                    : e->p_improve <= 0.1 ? -1
                                          : 0;
            ana_sbuf_printf(p->sb, "<tr%s>",
                            v > 0   ? " class=\"clear better\""
                            : v < 0 ? " class=\"clear worse\""
                                    : "");
            ana_sbuf_printf(p->sb, "<td><span class=\"sw\" style=\"border-color:%s\"></span>",
                            colour(s));
            esc(p, scen_name(p, s));
            put(p, "</td>");
            char *sx = html_of(strcmp(t->unit[k], "share") == 0 ? ana_ui(ANA_UI_DIFF_PP, L) : "");
            num_cell(p, "num diff", k, s, "effect_median", e->median, sc, dec, sx ? sx : "");
            free(sx);
            ci_cell(p, k, s, "effect_interval", e->lo, e->hi, sc, dec);
            char pv[16], sp[16], sch[16];
            if (isnan(e->p_improve))
                snprintf(pv, sizeof pv, "-");
            else
                snprintf(pv, sizeof pv, "%.2f", e->p_improve);
            share_text(sp, sizeof sp, e->share_param);
            share_text(sch, sizeof sch, isnan(e->share_param) ? NAN : 1.0 - e->share_param);
            ana_sbuf_printf(p->sb,
                            "<td class=\"num\" data-metric=\"%s\" data-scenario=\"%d\" "
                            "data-stat=\"p_improve\" data-value=\"%.17g\">%s</td>"
                            "<td class=\"num\" data-metric=\"%s\" data-scenario=\"%d\" "
                            "data-stat=\"share_parameters\" data-value=\"%.17g\">%s</td>"
                            "<td class=\"num\" data-metric=\"%s\" data-scenario=\"%d\" "
                            "data-stat=\"share_chance\" data-value=\"%.17g\">%s</td></tr>\n",
                            t->met[k], s, e->p_improve, pv, t->met[k], s, e->share_param, sp,
                            t->met[k], s, isnan(e->share_param) ? NAN : 1.0 - e->share_param, sch);
        }
        put(p, "</tbody>\n");
    }
    put(p, "</table>\n<p class=\"note\">");
    ui(p, ANA_UI_POST_NOTE, NULL, 0);
    put(p, L == ANA_EN ? " " : "");
    ui(p, ANA_UI_POST_OTHERS, NULL, 0);
    put(p, "</p>\n<h3>");
    ui(p, ANA_UI_POST_DRAWS_TITLE, NULL, 0);
    put(p, "</h3>\n<p class=\"note\">");
    {
        char np[16];
        snprintf(np, sizeof np, "%d", pp->nparam);
        const char *a[] = {np, lv};
        ui(p, ANA_UI_POST_DRAWS_INTRO, a, 2);
    }
    put(p, "</p>\n<table class=\"draws\">\n<thead><tr><th>");
    ui(p, ANA_UI_COL_PARAM, NULL, 0);
    static const ana_ui_id draw_cols[] = {ANA_UI_RUN_COL_MEDIAN, ANA_UI_POST_COL_INTERVAL};
    num_heads(p, draw_cols, 2, la, 1);
    put(p, "</th></tr></thead>\n<tbody>\n");
    double *x = malloc((size_t)pp->draws * sizeof *x);
    for (int j = 0; x && j < pp->nparam; j++) {
        int64_t n = 0;
        for (int64_t d = 0; d < pp->draws; d++)
            if (ana_post_role(pp->design, pp->nparam, d) < 2)
                x[n++] = pp->theta[d * pp->nparam + j];
        qsort(x, (size_t)n, sizeof *x, cmp_double);
        double med = quantile(x, n, 0.5), lo = quantile(x, n, 0.5 * (1 - pp->level)),
               hi = quantile(x, n, 0.5 * (1 + pp->level));
        put(p, "<tr><td><code>");
        esc(p, pp->param[j]);
        ana_sbuf_printf(p->sb, "</code></td><td class=\"num\">%.4g</td><td class=\"num\">", med);
        char a[32], b[32];
        snprintf(a, sizeof a, "%.4g", lo);
        snprintf(b, sizeof b, "%.4g", hi);
        const char *args[] = {a, b};
        ui(p, ANA_UI_CI_RANGE, args, 2);
        put(p, "</td></tr>\n");
    }
    free(x);
    put(p, "</tbody>\n</table>\n<p class=\"note\">");
    ui(p, ANA_UI_POST_IDENTITY, NULL, 0);
    put(p, L == ANA_ZH ? "：<code>" : ": <code>");
    esc(p, pp->path);
    put(p, "</code> (<code>");
    esc(p, pp->identity);
    put(p, "</code>)</p>\n</section>\n");
    free(path);
}

/* ---- charts ------------------------------------------------------------------------ */

/* Chart geometry (SVG user units). */
#define CW 560.0
#define PL 58.0  /* plot left */
#define PR 14.0  /* right margin */
#define PT 24.0  /* plot top */
#define PH 220.0 /* plot height */

/* The paired difference of every scenario but the baseline, by bin. */
typedef struct {
    int npts;
    double *x;              /* [npts] day (centre of the bin) */
    double *mean, *lo, *hi; /* [nscen][npts], scaled; row 0 (the baseline) unused */
} series;

/* A "nice" step near range / n: 1, 2, 2.5 or 5 times a power of ten. */
static double nice_step(double range, int n)
{
    double raw = range / n;
    if (!(raw > 0) || !isfinite(raw))
        return 1.0;
    double p10 = pow(10.0, floor(log10(raw)));
    double f = raw / p10;
    double m = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 2.5 ? 2.5 : f <= 5.0 ? 5.0 : 10.0;
    return m * p10;
}

static int step_decimals(double step)
{
    int d = 0;
    while (d < 8 && fabs(step * pow(10.0, d) - floor(step * pow(10.0, d) + 0.5)) > 1e-6)
        d++;
    return d;
}

/* Legend items laid out left to right, wrapping; returns the rows used. */
static double text_w(const char *s, double px)
{
    return ana_text_width(s) * px * 0.56;
}

static int legend_rows(const page *p)
{
    double x = PL, rows = 1;
    for (int s = 1; s < p->t->nscen; s++) {
        double w = 34 + text_w(scen_name(p, s), 12) + 18;
        if (x + w > CW - PR && x > PL) {
            rows++;
            x = PL;
        }
        x += w;
    }
    return (int)rows;
}

/* A y axis over [ymin, ymax]: nice ticks `step` apart from y0 to y1. */
static void y_range(double ymin, double ymax, double *y0, double *y1, double *step)
{
    if (ymax - ymin < 1e-12 * (fabs(ymax) + 1)) {
        double pad = fabs(ymax) > 0 ? fabs(ymax) * 0.1 : 1.0;
        ymin -= pad;
        ymax += pad;
    }
    *step = nice_step(ymax - ymin, 5);
    *y0 = floor(ymin / *step) * *step;
    *y1 = ceil(ymax / *step) * *step;
    if (*y1 - *y0 < *step)
        *y1 = *y0 + *step;
}

/* The grid, the y ticks, the x axis (years for runs of a year or more: a
 * tick at each year's start and its number in the middle; else days) and
 * its label, for the y range [y0, y1] in steps of `step`. */
static void axes(page *p, double days, double y0, double y1, double step)
{
    ana_lang L = p->lang;
    int ydec = step_decimals(step);
    double pw = CW - PL - PR, axis_y = PT + PH;
#define X(d) (PL + pw * ((d)-0.0) / (days - 1 > 0 ? days - 1 : 1))
#define Y(v) (PT + PH * (1.0 - ((v)-y0) / (y1 - y0)))
    put(p, "<g class=\"grid\" stroke=\"#dde2ea\" stroke-width=\"1\">");
    for (double v = y0; v <= y1 + step * 1e-6; v += step)
        ana_sbuf_printf(p->sb, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", PL,
                        CW - PR, Y(v), Y(v));
    put(p, "</g>\n<g class=\"tick\" text-anchor=\"end\">");
    for (double v = y0; v <= y1 + step * 1e-6; v += step) {
        char lab[48];
        ana_fmt_num(lab, sizeof lab, fabs(v) < step * 1e-9 ? 0.0 : v, ydec, MINUS);
        ana_sbuf_printf(p->sb, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", PL - 6, Y(v) + 4, lab);
    }
    put(p, "</g>\n");
    /* x axis: years (a tick at each year's start, its number in the middle)
     * for runs of a year or more, else days */
    put(p, "<g class=\"tick\" text-anchor=\"middle\">");
    if (days >= 365) {
        for (double d = 0; d <= days - 1 + 1e-9; d += 365) {
            ana_sbuf_printf(
                p->sb, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#777\"/>",
                X(d), X(d), axis_y, axis_y + 5);
            double mid = d + 182 < days - 1 ? d + 182 : (d + days - 1) / 2;
            ana_sbuf_printf(p->sb, "<text x=\"%.1f\" y=\"%.1f\">%.0f</text>", X(mid), axis_y + 18,
                            d / 365 + 1);
        }
    } else {
        double xstep = nice_step(days, 6);
        if (xstep < 1)
            xstep = 1;
        for (double d = 0; d <= days - 1 + 1e-9; d += xstep)
            ana_sbuf_printf(
                p->sb,
                "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#777\"/>"
                "<text x=\"%.1f\" y=\"%.1f\">%.0f</text>",
                X(d), X(d), axis_y, axis_y + 5, X(d), axis_y + 18, d);
    }
    put(p, "</g>\n");
    ana_sbuf_printf(p->sb,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#777\"/>\n", PL,
                    CW - PR, axis_y, axis_y);
    ana_sbuf_printf(p->sb, "<text class=\"lab\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                    PL + pw / 2, axis_y + 33);
    esc(p, ana_ui(days >= 365 ? ANA_UI_AXIS_YEAR : ANA_UI_AXIS_DAY, L));
    put(p, "</text>\n");
#undef X
#undef Y
}

static sim_status chart(page *p, int k, const series *sr, const int64_t *pol, int npol,
                        sim_error *err)
{
    const ana_table *t = p->t;
    ana_lang L = p->lang;
    int S = t->nscen, n = sr->npts;
    double days = (double)t->days;
    /* the y range: the bands inside the table's window, and zero */
    double ymin = 0.0, ymax = 0.0;
    for (int s = 1; s < S; s++)
        for (int i = 0; i < n; i++) {
            if (sr->x[i] < (double)t->win_from || sr->x[i] > (double)t->win_to - 1)
                continue;
            size_t at = (size_t)s * (size_t)n + (size_t)i;
            if (!isfinite(sr->lo[at]) || !isfinite(sr->hi[at]))
                return SIM_FAIL(err, SIM_EINPUT, p->f ? p->f->path : NULL, 0, NULL,
                                "metric %s has non-finite values", t->met[k]);
            ymin = sr->lo[at] < ymin ? sr->lo[at] : ymin;
            ymax = sr->hi[at] > ymax ? sr->hi[at] : ymax;
        }
    if (ymax - ymin < 1e-12) {
        ymin = -1.0;
        ymax = 1.0;
    }
    double y0, y1, step;
    y_range(ymin, ymax, &y0, &y1, &step);
    double pw = CW - PL - PR;
    int lrows = legend_rows(p);
    double axis_y = PT + PH, legend_y = axis_y + 56;
    double height = legend_y + 18.0 * lrows + 4;
#define X(d) (PL + pw * ((d)-0.0) / (days - 1 > 0 ? days - 1 : 1))
#define Y(v) (PT + PH * (1.0 - ((v)-y0) / (y1 - y0)))
#define YC(v) Y((v) < y0 ? y0 : (v) > y1 ? y1 : (v))

    char *ph = metric_phrase(p, k, 0);
    ana_sbuf_printf(p->sb, "<figure data-metric=\"%s\"><h3>", t->met[k]);
    esc(p, ph);
    put(p, " <code>");
    esc(p, t->met[k]);
    put(p, "</code></h3>\n");
    ana_sbuf_printf(p->sb,
                    "<svg class=\"chart\" data-metric=\"%s\" data-points=\"%d\" "
                    "data-y0=\"%.17g\" data-y1=\"%.17g\" "
                    "viewBox=\"0 0 %.0f %.0f\" role=\"img\">"
                    "<title>",
                    t->met[k], n, y0, y1, CW, height);
    esc(p, ph);
    put(p, "</title>\n");
    free(ph);

    /* the window of the table, then the grid */
    ana_sbuf_printf(p->sb,
                    "<rect class=\"window\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    "fill=\"#eceff3\"/>\n",
                    X((double)t->win_from), PT, X((double)(t->win_to - 1)) - X((double)t->win_from),
                    PH);
    axes(p, days, y0, y1, step);
    {
        ana_sbuf us, lab;
        ana_sbuf_init(&us);
        ana_sbuf_init(&lab);
        if (strcmp(t->unit[k], "share") == 0)
            ana_sbuf_put(&us, ana_ui(ANA_UI_POINTS, L));
        else
            unit_of(p, k, 0, &us);
        const char *args[] = {us.p ? us.p : ""};
        ana_ui_put(&lab, ANA_UI_CHART_DIFF, L, 0, args, 1);
        ana_sbuf_printf(p->sb, "<text class=\"lab\" x=\"4\" y=\"%.1f\">", PT - 11);
        esc(p, lab.p ? lab.p : "");
        put(p, "</text>\n");
        ana_sbuf_free(&us);
        ana_sbuf_free(&lab);
    }
    /* policy days */
    for (int j = 0; j < npol; j++)
        ana_sbuf_printf(p->sb,
                        "<line class=\"policy\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                        "stroke=\"#888\" stroke-width=\"1\" stroke-dasharray=\"1 3\"/>\n",
                        X((double)pol[j]), X((double)pol[j]), PT, axis_y);
    /* zero: no difference */
    if (y0 <= 0 && y1 >= 0)
        ana_sbuf_printf(p->sb,
                        "<line class=\"zero\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                        "stroke=\"#333\" stroke-width=\"1.2\"/>\n",
                        PL, CW - PR, Y(0.0), Y(0.0));
    /* bands, then lines on top, held inside the plot (YC: values beyond the
     * axis, outside the table's window, run along its edge) */
    for (int s = 1; s < S; s++) {
        const double *lo = sr->lo + (size_t)s * n, *hi = sr->hi + (size_t)s * n;
        ana_sbuf_printf(p->sb,
                        "<path class=\"band\" data-scenario=\"%d\" fill=\"%s\" "
                        "fill-opacity=\"0.2\" stroke=\"none\" d=\"",
                        s, colour(s));
        for (int i = 0; i < n; i++)
            ana_sbuf_printf(p->sb, "%s%.1f,%.1f", i ? "L" : "M", X(sr->x[i]), YC(hi[i]));
        for (int i = n - 1; i >= 0; i--)
            ana_sbuf_printf(p->sb, "L%.1f,%.1f", X(sr->x[i]), YC(lo[i]));
        put(p, "Z\"/>\n");
    }
    for (int s = 1; s < S; s++) {
        const double *mn = sr->mean + (size_t)s * n;
        ana_sbuf_printf(p->sb,
                        "<path class=\"line\" data-scenario=\"%d\" fill=\"none\" stroke=\"%s\" "
                        "stroke-width=\"2\" stroke-linejoin=\"round\"%s%s%s d=\"",
                        s, colour(s), dash(s)[0] ? " stroke-dasharray=\"" : "", dash(s),
                        dash(s)[0] ? "\"" : "");
        for (int i = 0; i < n; i++)
            ana_sbuf_printf(p->sb, "%s%.1f,%.1f", i ? "L" : "M", X(sr->x[i]), YC(mn[i]));
        put(p, "\"/>\n");
    }
    /* legend */
    put(p, "<g class=\"legend leg\">");
    double lx = PL, ly = legend_y;
    for (int s = 1; s < S; s++) {
        double w = 34 + text_w(scen_name(p, s), 12) + 18;
        if (lx + w > CW - PR && lx > PL) {
            lx = PL;
            ly += 18;
        }
        ana_sbuf_printf(p->sb,
                        "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                        "stroke-width=\"2.5\"%s%s%s/><text x=\"%.1f\" y=\"%.1f\">",
                        lx, lx + 28, ly - 4, ly - 4, colour(s),
                        dash(s)[0] ? " stroke-dasharray=\"" : "", dash(s), dash(s)[0] ? "\"" : "",
                        lx + 34, ly);
        esc(p, scen_name(p, s));
        put(p, "</text>");
        lx += w;
    }
    put(p, "</g>\n</svg></figure>\n");
#undef X
#undef Y
#undef YC
    return SIM_OK;
}

/* Bin the paired differences of every scenario from the baseline for
 * metric k: each replicate's difference averaged over the bin, then the
 * mean and t interval across replicates.  The band stops where the
 * scenario's own level would leave the metric's natural range (no
 * negative counts, shares and scores within 0-1): the difference is at
 * least floor - baseline and at most ceiling - baseline, bin by bin. */
static sim_status make_series(page *p, int k, int bin, series *sr, double *base, double *buf,
                              double *tmp, double *bmean, sim_error *err)
{
    const ana_table *t = p->t;
    int64_t D = t->days, R = t->replicates;
    double sc = mscale(p, k);
    int unit01 = strcmp(t->unit[k], "share") == 0 || strcmp(t->unit[k], "score") == 0;
    double lim_lo = unit01 || strcmp(t->kind[k], "count") == 0 ? 0.0 : -INFINITY;
    double lim_hi = unit01 ? 1.0 : INFINITY;
    SIM_TRY(err, ana_cmpfile_series(p->f, 0, t->met[k], base, err));
    for (int s = 1; s < t->nscen; s++) {
        SIM_TRY(err, ana_cmpfile_series(p->f, s, t->met[k], buf, err));
        for (int i = 0; i < sr->npts; i++) {
            int64_t a = (int64_t)i * bin, b = a + bin < D ? a + bin : D;
            double bm = 0.0;
            for (int64_t r = 0; r < R; r++) {
                double sum = 0.0, bsum = 0.0;
                for (int64_t d = a; d < b; d++) {
                    size_t at = (size_t)r * (size_t)D + (size_t)d;
                    sum += buf[at] - base[at];
                    bsum += base[at];
                }
                tmp[r] = sum / (double)(b - a);
                bm += bsum / (double)(b - a);
            }
            bmean[i] = bm / (double)R;
            ana_summary m = ana_summarise(tmp, (size_t)R, t->level);
            size_t at = (size_t)s * (size_t)sr->npts + (size_t)i;
            sr->x[i] = (double)a + (double)(b - 1 - a) / 2.0;
            sr->mean[at] = m.mean * sc;
            double dlo = lim_lo - bmean[i], dhi = lim_hi - bmean[i];
            sr->lo[at] = (m.lo < dlo ? dlo : m.lo) * sc;
            sr->hi[at] = (m.hi > dhi ? dhi : m.hi) * sc;
        }
    }
    return SIM_OK;
}

static sim_status charts(page *p, sim_error *err)
{
    const ana_table *t = p->t;
    ana_lang L = p->lang;
    int64_t D = t->days, R = t->replicates;
    /* monthly points (30 days); short runs get about 12 points */
    int bin = D >= 360 ? 30 : (int)(D / 12 > 1 ? D / 12 : 1);
    int npts = (int)((D + bin - 1) / bin);
    sim_status s = SIM_OK;
    series sr;
    sr.npts = npts;
    sr.x = malloc((size_t)npts * sizeof *sr.x);
    sr.mean = calloc((size_t)t->nscen * (size_t)npts, sizeof *sr.mean);
    sr.lo = calloc((size_t)t->nscen * (size_t)npts, sizeof *sr.lo);
    sr.hi = calloc((size_t)t->nscen * (size_t)npts, sizeof *sr.hi);
    double *buf = malloc((size_t)R * (size_t)D * sizeof *buf);
    double *base = malloc((size_t)R * (size_t)D * sizeof *base);
    double *tmp = malloc((size_t)R * sizeof *tmp);
    double *bmean = malloc((size_t)npts * sizeof *bmean);
    /* distinct policy days of every scenario */
    int npol = 0, cap = 0;
    int64_t *pol = NULL;
    for (int i = 0; p->f && i < p->f->nscen; i++)
        cap += p->f->scen[i].changes.n;
    pol = malloc((size_t)(cap ? cap : 1) * sizeof *pol);
    if (!sr.x || !sr.mean || !sr.lo || !sr.hi || !buf || !base || !tmp || !bmean || !pol) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory drawing the charts");
        goto done;
    }
    for (int i = 0; p->f && i < p->f->nscen; i++)
        for (int j = 0; j < p->f->scen[i].changes.n; j++) {
            int64_t d = p->f->scen[i].changes.rows[j].day;
            int seen = d < 0 || d >= D;
            for (int q = 0; q < npol && !seen; q++)
                seen = pol[q] == d;
            if (!seen)
                pol[npol++] = d;
        }
    if (t->nscen < 2)
        goto done;
    put(p, "<section id=\"charts\" class=\"charts-sec\">\n<h2>");
    ui(p, ANA_UI_H_CHARTS, NULL, 0);
    put(p, "</h2>\n<p class=\"note\">");
    {
        char bs[32];
        snprintf(bs, sizeof bs, "%d", bin);
        char *binned = NULL;
        if (bin > 1) {
            const char *a1[] = {bs};
            binned = ui_text(ANA_UI_CHARTS_BINNED, L, a1, 1);
        }
        char *bh = html_of(binned ? binned : "");
        const char *args[] = {bh ? bh : ""};
        ui(p, ANA_UI_CHARTS_NOTE, args, 1);
        free(bh);
        free(binned);
    }
    put(p, "</p>\n<div class=\"charts\">\n");
    for (int k = 0; k < t->nmet && s == SIM_OK; k++) {
        s = make_series(p, k, bin, &sr, base, buf, tmp, bmean, err);
        if (s == SIM_OK)
            s = chart(p, k, &sr, pol, npol, err);
    }
    put(p, "</div>\n</section>\n");
done:
    free(sr.x);
    free(sr.mean);
    free(sr.lo);
    free(sr.hi);
    free(buf);
    free(base);
    free(tmp);
    free(bmean);
    free(pol);
    return s;
}

/* ---- scenarios ------------------------------------------------------------------ */

static void scenarios(page *p)
{
    const ana_cmpfile *f = p->f;
    ana_lang L = p->lang;
    put(p, "<section id=\"scenarios\">\n<h2>");
    ui(p, ANA_UI_H_SCENARIOS, NULL, 0);
    put(p, "</h2>\n");
    for (int s = 0; s < f->nscen; s++) {
        const ana_cmp_scen *sc = &f->scen[s];
        ana_sbuf_printf(p->sb,
                        "<div class=\"scenario\" data-scenario=\"%d\"><h3><span class=\"sw\" "
                        "style=\"border-color:%s\"></span>",
                        s, colour(s));
        esc(p, scen_name(p, s));
        put(p, "</h3>\n");
        if (scen_description(p, s)[0]) {
            put(p, "<p>");
            esc(p, scen_description(p, s));
            put(p, "</p>\n");
        }
        if (sc->path[0]) {
            char *ph = html_of(sc->path);
            ana_sbuf c;
            ana_sbuf_init(&c);
            ana_sbuf_put(&c, "<code>");
            ana_sbuf_put(&c, ph ? ph : "");
            ana_sbuf_put(&c, "</code>");
            const char *args[] = {c.p ? c.p : ""};
            put(p, "<p class=\"note\">");
            ui(p, ANA_UI_SCEN_FILE, args, 1);
            put(p, "</p>\n");
            ana_sbuf_free(&c);
            free(ph);
        }
        if (s == 0) {
            put(p, "<p>");
            ui(p, ANA_UI_SCEN_BASELINE, NULL, 0);
            put(p, "</p></div>\n");
            continue;
        }
        if (sc->changes.n == 0) {
            put(p, "<p>");
            ui(p, ANA_UI_SCEN_SAME, NULL, 0);
            put(p, "</p></div>\n");
            continue;
        }
        put(p, "<table class=\"changes\"><thead><tr><th>");
        ui(p, ANA_UI_COL_WHEN, NULL, 0);
        put(p, "</th><th>");
        ui(p, ANA_UI_COL_MEANING, NULL, 0);
        put(p, "</th><th>");
        ui(p, ANA_UI_COL_BASE_VALUE, NULL, 0);
        put(p, "</th><th>");
        ui(p, ANA_UI_COL_THIS_VALUE, NULL, 0);
        put(p, "</th><th>");
        ui(p, ANA_UI_COL_UNIT, NULL, 0);
        put(p, "</th></tr></thead>\n<tbody>\n");
        for (int j = 0; j < sc->changes.n; j++) {
            const ana_diff_row *r = &sc->changes.rows[j];
            ana_sbuf w;
            ana_sbuf_init(&w);
            ana_diff_when(&w, r, L);
            put(p, "<tr><td>");
            esc(p, w.p ? w.p : "");
            ana_sbuf_free(&w);
            if (r->policy_b[0]) {
                char *ph = html_of(r->policy_b);
                const char *args[] = {ph ? ph : ""};
                put(p, "<span class=\"pol\">");
                ui(p, ANA_UI_WHEN_POLICY, args, 1);
                put(p, "</span>");
                free(ph);
            }
            if (r->policy_a[0]) {
                char *ph = html_of(r->policy_a);
                const char *args[] = {ph ? ph : ""};
                put(p, "<span class=\"pol\">");
                ui(p, ANA_UI_BASELINE, NULL, 0);
                put(p, ": ");
                ui(p, ANA_UI_WHEN_POLICY, args, 1);
                put(p, "</span>");
                free(ph);
            }
            put(p, "</td><td>");
            esc(p, L == ANA_ZH && r->doc_zh[0] ? r->doc_zh : r->doc_en);
            put(p, " <code>");
            esc(p, r->key);
            put(p, "</code></td><td class=\"val\">");
            esc(p, r->a);
            put(p, "</td><td class=\"val\"><strong>");
            esc(p, r->b);
            put(p, "</strong></td><td>");
            /* a parameter's share is shown as the fraction it is */
            esc(p, strcmp(r->unit, "share") == 0 ? ana_ui(ANA_UI_PARAM_SHARE, L)
                                                 : ana_unit_label(r->unit, L));
            put(p, "</td></tr>\n");
        }
        put(p, "</tbody></table></div>\n");
    }
    put(p, "</section>\n");
}

/* ---- provenance --------------------------------------------------------------------- */

static void dt(page *p, ana_ui_id id)
{
    put(p, "<dt>");
    ui(p, id, NULL, 0);
    put(p, "</dt><dd>");
}

static void provenance(page *p)
{
    const ana_cmpfile *f = p->f;
    const ana_cmp_meta *m = &f->meta;
    ana_lang L = p->lang;
    put(p, "<section id=\"provenance\">\n<h2>");
    ui(p, ANA_UI_H_PROVENANCE, NULL, 0);
    put(p, "</h2>\n<dl class=\"prov\">\n");
    dt(p, ANA_UI_PROV_VERSION);
    esc(p, m->troika_version);
    put(p, "</dd>\n");
    dt(p, ANA_UI_PROV_COMMIT);
    put(p, "<code>");
    esc(p, m->git_commit);
    put(p, "</code></dd>\n");
    dt(p, ANA_UI_PROV_FILE);
    put(p, "<code>");
    esc(p, f->path);
    ana_sbuf_printf(p->sb, "</code></dd>\n");
    dt(p, ANA_UI_PROV_SCHEMA);
    ana_sbuf_printf(p->sb, "%s %lld</dd>\n", ANA_COMPARE_KIND, (long long)m->schema);
    dt(p, ANA_UI_PROV_REPLICATES);
    ana_sbuf_printf(p->sb, "%lld (", (long long)m->replicates);
    if (m->auto_rep) {
        char tol[32], cap[32], batch[32];
        snprintf(tol, sizeof tol, "%g%%", 100.0 * m->tolerance);
        snprintf(cap, sizeof cap, "%lld", (long long)m->max_replicates);
        snprintf(batch, sizeof batch, "%lld", (long long)m->auto_batch);
        const char *args[] = {tol, cap, batch};
        ui(p, ANA_UI_PROV_MODE_AUTO, args, 3);
    } else {
        ui(p, ANA_UI_PROV_MODE_FIXED, NULL, 0);
    }
    put(p, ")</dd>\n");
    dt(p, ANA_UI_PROV_DAYS);
    ana_sbuf_printf(p->sb, "%lld</dd>\n", (long long)m->days);
    dt(p, ANA_UI_PROV_COMPOUNDS);
    ana_sbuf_printf(p->sb, "%lld</dd>\n", (long long)m->compounds);
    dt(p, ANA_UI_PROV_WINDOW);
    {
        ana_sbuf win;
        ana_sbuf_init(&win);
        ana_table_window_text(&win, p->t, L);
        esc(p, win.p ? win.p : "");
        ana_sbuf_free(&win);
    }
    put(p, "</dd>\n");
    dt(p, ANA_UI_PROV_LEVEL);
    ana_sbuf_printf(p->sb, "%g%%</dd>\n", 100.0 * m->level);
    dt(p, ANA_UI_PROV_SEED_BASE);
    ana_sbuf_printf(p->sb, "%llu</dd>\n", (unsigned long long)m->seed_base);
    dt(p, ANA_UI_PROV_SEEDS);
    put(p, "<code>");
    int64_t shown = m->replicates < 40 ? m->replicates : 40;
    for (int64_t r = 0; r < shown; r++)
        ana_sbuf_printf(p->sb, "%s%llu", r ? ", " : "", (unsigned long long)m->seeds[r]);
    put(p, "</code>");
    if (shown < m->replicates) {
        char more[32];
        snprintf(more, sizeof more, "%lld", (long long)(m->replicates - shown));
        const char *args[] = {more};
        put(p, " ");
        ui(p, ANA_UI_PROV_SEEDS_MORE, args, 1);
    }
    put(p, "</dd>\n");
    dt(p, ANA_UI_PROV_CMD);
    put(p, "<code>");
    esc(p, m->command_line);
    put(p, "</code></dd>\n");
    dt(p, ANA_UI_PROV_THREADS);
    ana_sbuf_printf(p->sb, "%lld</dd>\n", (long long)m->threads);
    put(p, "</dl>\n</section>\n");

    char *file = html_of(f->path);
    char *ver = html_of(TROIKA_VERSION);
    ana_sbuf c;
    ana_sbuf_init(&c);
    ana_sbuf_put(&c, "<code>");
    ana_sbuf_put(&c, file ? file : "");
    ana_sbuf_put(&c, "</code>");
    const char *args[] = {ver ? ver : "", c.p ? c.p : ""};
    put(p, "<footer>");
    ui(p, ANA_UI_FOOTER, args, 2);
    put(p, "</footer>\n");
    ana_sbuf_free(&c);
    free(file);
    free(ver);
}

/* The page built in sb, as a string for the caller (SIM_ENOMEM if any
 * append failed). */
static sim_status take_page(ana_sbuf *sb, char **html, sim_error *err)
{
    *html = ana_sbuf_take(sb);
    if (!*html)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory building the report");
    return SIM_OK;
}

/* Write a page atomically and free it. */
static sim_status write_page(char *html, const char *path, int force, const char *key,
                             sim_error *err)
{
    sim_status s = afile_write_all(path, force, key, html, strlen(html), err);
    free(html);
    return s;
}

/* Households in the area (the conserved `households` series of the
 * baseline, first replicate, first day); 0 when the file has none. */
static double area_households(const ana_cmpfile *f)
{
    const ana_table *t = f->table;
    double *buf = malloc((size_t)t->replicates * (size_t)t->days * sizeof *buf);
    sim_error e;
    sim_error_clear(&e);
    double h = 0.0;
    if (buf && ana_cmpfile_series(f, 0, "households", buf, &e) == SIM_OK && buf[0] > 0)
        h = buf[0];
    free(buf);
    return h;
}

/* ---- the page ---------------------------------------------------------------------- */

sim_status ana_report_html(const ana_cmpfile *f, ana_lang lang, char **html, sim_error *err)
{
    *html = NULL;
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    page p = {f, f->table, lang, &sb, area_households(f)};
    head(&p);
    summary(&p);
    posterior(&p);
    table(&p);
    sim_status s = charts(&p, err);
    if (s != SIM_OK) {
        ana_sbuf_free(&sb);
        return s;
    }
    scenarios(&p);
    provenance(&p);
    put(&p, "</main>\n</body>\n</html>\n");
    return take_page(&sb, html, err);
}

sim_status ana_report_write(const ana_cmpfile *f, const char *path, int force, const char *key,
                            ana_lang lang, sim_error *err)
{
    char *html = NULL;
    SIM_TRY(err, ana_report_html(f, lang, &html, err));
    return write_page(html, path, force, key, err);
}

/* ---- the report of one run ------------------------------------------------------ */

/* Mean of x[a, b). */
static double mean_of(const double *x, int64_t a, int64_t b)
{
    double sum = 0.0;
    for (int64_t i = a; i < b; i++)
        sum += x[i];
    return b > a ? sum / (double)(b - a) : 0.0;
}

/* A chart of metric k's level over the run (monthly means). */
static void level_chart(page *p, int k, const double *x, const double *y, int n)
{
    const ana_table *t = p->t;
    double days = (double)t->days;
    double ymin = INFINITY, ymax = -INFINITY;
    double warm = days >= 365 ? 90.0 : 0.0; /* start-up transients do not set the axis */
    for (int i = 0; i < n; i++)
        if (x[i] >= warm) {
            ymin = y[i] < ymin ? y[i] : ymin;
            ymax = y[i] > ymax ? y[i] : ymax;
        }
    if (!isfinite(ymin))
        ymin = ymax = 0.0;
    double y0, y1, step;
    y_range(ymin, ymax, &y0, &y1, &step);
    double pw = CW - PL - PR, height = PT + PH + 44;
#define X(d) (PL + pw * ((d)-0.0) / (days - 1 > 0 ? days - 1 : 1))
#define YC(v) (PT + PH * (1.0 - (((v) < y0 ? y0 : (v) > y1 ? y1 : (v)) - y0) / (y1 - y0)))
    char *ph = metric_phrase(p, k, 0);
    ana_sbuf_printf(p->sb, "<figure data-metric=\"%s\"><h3>", t->met[k]);
    esc(p, ph);
    put(p, " <code>");
    esc(p, t->met[k]);
    put(p, "</code></h3>\n");
    ana_sbuf_printf(p->sb,
                    "<svg class=\"chart\" data-metric=\"%s\" data-points=\"%d\" "
                    "viewBox=\"0 0 %.0f %.0f\" role=\"img\"><title>",
                    t->met[k], n, CW, height);
    esc(p, ph);
    put(p, "</title>\n");
    free(ph);
    axes(p, days, y0, y1, step);
    ana_sbuf us;
    ana_sbuf_init(&us);
    unit_of(p, k, 0, &us);
    ana_sbuf_printf(p->sb, "<text class=\"lab\" x=\"4\" y=\"%.1f\">", PT - 11);
    esc(p, us.p ? us.p : "");
    put(p, "</text>\n");
    ana_sbuf_free(&us);
    ana_sbuf_printf(p->sb,
                    "<path class=\"line\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"",
                    colour(2));
    for (int i = 0; i < n; i++)
        ana_sbuf_printf(p->sb, "%s%.1f,%.1f", i ? "L" : "M", X(x[i]), YC(y[i]));
    put(p, "\"/>\n</svg></figure>\n");
#undef X
#undef YC
}

/* Quantile q of sorted x[0..n). */
static double quantile(const double *x, int64_t n, double q)
{
    if (n <= 0)
        return 0.0;
    double h = q * (double)(n - 1);
    int64_t i = (int64_t)floor(h);
    return i + 1 < n ? x[i] + (h - (double)i) * (x[i + 1] - x[i]) : x[n - 1];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The compounds on the panel's last day: for each ratio key metric in the
 * panel, its distribution over old, other and all compounds. */
static sim_status run_compounds(page *p, const ana_runfile *f, const sim_metric_desc *mt,
                                const int *mi, sim_error *err)
{
    const ana_table *t = p->t;
    ana_lang L = p->lang;
    if (f->nsamples < 1 || f->ncomp < 1)
        return SIM_OK;
    double *v = malloc((size_t)f->ncomp * sizeof *v);
    double *g = malloc((size_t)f->ncomp * sizeof *g);
    if (!v || !g) {
        free(v);
        free(g);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    char day[32];
    snprintf(day, sizeof day, "%lld", (long long)f->last_sample_day);
    put(p, "<section id=\"compounds\">\n<h2>");
    ui(p, ANA_UI_RUN_H_COMPOUNDS, NULL, 0);
    put(p, "</h2>\n<p class=\"note\">");
    const char *da[] = {day};
    ui(p, ANA_UI_RUN_COMP_NOTE, da, 1);
    put(p, "</p>\n<table class=\"results compounds\"><thead><tr><th>");
    ui(p, ANA_UI_RUN_COL_GROUP, NULL, 0);
    put(p, "</th><th class=\"num\">");
    ui(p, ANA_UI_RUN_COL_N, NULL, 0);
    put(p, "</th><th class=\"num\">P10</th><th class=\"num\">");
    ui(p, ANA_UI_RUN_COL_MEDIAN, NULL, 0);
    put(p, "</th><th class=\"num\">P90</th><th class=\"num\">");
    ui(p, ANA_UI_RUN_COL_WMEAN, NULL, 0);
    put(p, "</th></tr></thead>\n");
    sim_status s = SIM_OK;
    for (int k = 0; k < t->nmet && s == SIM_OK; k++) {
        const sim_metric_desc *md = &mt[mi[k]];
        if (md->kind != SIM_M_RATIO || !md->panel[0])
            continue;
        s = ana_runfile_panel_last(f, md->panel, v, err);
        if (s != SIM_OK)
            break;
        double sc = ana_unit_scale(t->unit[k]);
        ana_sbuf_printf(p->sb,
                        "<tbody class=\"metric\" data-metric=\"%s\"><tr class=\"mhead\">"
                        "<th class=\"mname\" colspan=\"6\">",
                        t->met[k]);
        char *ph = metric_phrase(p, k, 0);
        esc(p, ph);
        free(ph);
        put(p, " <span class=\"unit\">(");
        esc(p, ana_unit_label(t->unit[k], L));
        put(p, ")</span></th></tr>\n");
        static const ana_ui_id group_name[] = {ANA_UI_RUN_OLD, ANA_UI_RUN_OTHER, ANA_UI_RUN_ALL};
        for (int grp = 0; grp < 3; grp++) {
            int64_t n = 0;
            double wsum = 0.0, hsum = 0.0;
            for (int64_t c = 0; c < f->ncomp; c++) {
                if ((grp == 0 && !f->old[c]) || (grp == 1 && f->old[c]))
                    continue;
                g[n++] = v[c];
                wsum += v[c] * f->households[c];
                hsum += f->households[c];
            }
            qsort(g, (size_t)n, sizeof *g, cmp_double);
            char q[4][48];
            double vals[4] = {quantile(g, n, 0.1), quantile(g, n, 0.5), quantile(g, n, 0.9),
                              hsum > 0 ? wsum / hsum : 0.0};
            int dec = sc == 100.0 ? 1 : 3;
            for (int j = 0; j < 4; j++)
                ana_fmt_num(q[j], sizeof q[j], vals[j] * sc, dec, MINUS);
            ana_sbuf_printf(p->sb, "<tr data-group=\"%d\"><td>", grp);
            ui(p, group_name[grp], NULL, 0);
            ana_sbuf_printf(p->sb,
                            "</td><td class=\"num\">%lld</td><td class=\"num\">%s</td>"
                            "<td class=\"num\">%s</td><td class=\"num\">%s</td>"
                            "<td class=\"num\" data-value=\"%.17g\">%s</td></tr>\n",
                            (long long)n, q[0], q[1], q[2], vals[3], q[3]);
        }
        put(p, "</tbody>\n");
    }
    put(p, "</table>\n</section>\n");
    free(v);
    free(g);
    return s;
}

sim_status ana_report_run_html(const ana_runfile *f, const sim_metric_desc *mt, int nmt,
                               ana_lang lang, char **html, sim_error *err)
{
    *html = NULL;
    int mi[ANA_MAX_METRICS];
    int nk = ana_key_metrics(mt, nmt, mi, ANA_MAX_METRICS, NULL, lang);
    int64_t D = f->days;
    double *x = malloc((size_t)D * sizeof *x);
    ana_table *t = ana_table_create(1, nk > 0 ? nk : 1, 1);
    double hh = 0.0;
    for (int64_t c = 0; c < f->ncomp; c++)
        hh += f->households[c];
    int bin = D >= 360 ? 30 : (int)(D / 12 > 1 ? D / 12 : 1);
    int npts = (int)((D + bin - 1) / bin);
    double *bx = malloc((size_t)npts * sizeof *bx), *by = malloc((size_t)npts * sizeof *by);
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    sim_status s = SIM_OK;
    if (!x || !t || !bx || !by) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory building the report");
        goto done;
    }
    t->nmet = nk;
    t->days = D;
    t->win_from = D > 365 ? D - 365 : 0;
    t->win_to = D;
    t->level = 0.95;
    s = ana_table_set(&t->scen[0], f->scenario, err);
    for (int k = 0; k < nk && s == SIM_OK; k++) {
        const sim_metric_desc *md = &mt[mi[k]];
        if (ana_table_set(&t->met[k], md->name, err) || ana_table_set(&t->unit[k], md->unit, err) ||
            ana_table_set(&t->doc_en[k], md->doc_en, err) ||
            ana_table_set(&t->doc_zh[k], md->doc_zh, err) ||
            ana_table_set(&t->kind[k], md->kind == SIM_M_COUNT ? "count" : "ratio", err))
            s = err->code;
    }
    if (s != SIM_OK)
        goto done;
    page p = {NULL, t, lang, &sb, hh};
    int64_t nold = 0;
    for (int64_t c = 0; c < f->ncomp; c++)
        nold += f->old[c] != 0;

    /* head */
    put(&p, "<!DOCTYPE html>\n<html lang=\"");
    put(&p, lang == ANA_ZH ? "zh-CN" : "en");
    put(&p, "\" data-kind=\"run\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    char *name = html_of(f->scenario);
    const char *na[] = {name ? name : ""};
    ui(&p, ANA_UI_RUN_TITLE, na, 1);
    put(&p, "</title>\n<style>");
    put(&p, css);
    put(&p, "</style>\n</head>\n<body>\n<header class=\"top\"><div class=\"in\"><h1>");
    ui(&p, ANA_UI_RUN_TITLE, na, 1);
    put(&p, "</h1><p>");
    {
        char nc[32], no[32], nh[32], nd[32], sd[32];
        snprintf(nc, sizeof nc, "%lld", (long long)f->ncomp);
        snprintf(no, sizeof no, "%lld", (long long)nold);
        fmt_amount(nh, sizeof nh, hh, 1.0); /* exact, grouped */
        snprintf(nd, sizeof nd, "%lld", (long long)D);
        snprintf(sd, sizeof sd, "%llu", (unsigned long long)f->seed);
        const char *args[] = {nc, no, nh, nd, sd};
        ui(&p, ANA_UI_RUN_SUBTITLE, args, 5);
    }
    put(&p, "</p></div></header>\n<main>\n");

    /* headline outcomes: first and last year */
    put(&p, "<section id=\"summary\">\n<h2>");
    ui(&p, ANA_UI_RUN_H_OUTCOMES, NULL, 0);
    put(&p, "</h2>\n<p class=\"note\">");
    ui(&p, ANA_UI_RUN_NOTE, NULL, 0);
    put(&p, "</p>\n<table class=\"results\"><thead><tr><th>");
    ui(&p, ANA_UI_COL_METRIC, NULL, 0);
    put(&p, "</th><th class=\"num\">");
    ui(&p, ANA_UI_RUN_COL_FIRST, NULL, 0);
    put(&p, "</th><th class=\"num\">");
    ui(&p, ANA_UI_RUN_COL_LAST, NULL, 0);
    put(&p, "</th><th class=\"num\">");
    ui(&p, ANA_UI_RUN_COL_CHANGE, NULL, 0);
    put(&p, "</th></tr></thead>\n<tbody>\n");
    double *ser = malloc((size_t)nk * (size_t)D * sizeof *ser);
    if (!ser) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory building the report");
        goto done;
    }
    for (int k = 0; k < nk && s == SIM_OK; k++) {
        double *y = ser + (size_t)k * (size_t)D;
        s = ana_runfile_city(f, t->met[k], y, err);
        if (s != SIM_OK)
            break;
        double sc = mscale(&p, k);
        int64_t fy = D < 365 ? D : 365;
        double first = mean_of(y, 0, fy) * sc, last = mean_of(y, t->win_from, D) * sc;
        int dec = ana_decimals(0.0, last != 0 ? last : first);
        char a[48], b[48], c[48];
        ana_fmt_num(a, sizeof a, first, dec, MINUS);
        ana_fmt_num(b, sizeof b, last, dec, MINUS);
        ana_fmt_num(c, sizeof c, last - first, dec, MINUS);
        ana_better bt = better_of(&p, k);
        int good = bt == ANA_HIGHER_BETTER  ? last > first
                   : bt == ANA_LOWER_BETTER ? last < first
                                            : -1;
        ana_sbuf_printf(&sb, "<tr data-metric=\"%s\"><td>", t->met[k]);
        char *ph = metric_phrase(&p, k, 0);
        esc(&p, ph);
        free(ph);
        ana_sbuf us;
        ana_sbuf_init(&us);
        unit_of(&p, k, 0, &us);
        put(&p, " <span class=\"unit\">(");
        esc(&p, us.p ? us.p : "");
        ana_sbuf_free(&us);
        if (bt != ANA_NEUTRAL) {
            put(&p, lang == ANA_ZH ? "；" : "; ");
            ui(&p,
               bt == ANA_COST           ? ANA_UI_DIR_COST
               : bt == ANA_LOWER_BETTER ? ANA_UI_DIR_LOWER
                                        : ANA_UI_DIR_HIGHER,
               NULL, 0);
        }
        ana_sbuf_printf(&sb,
                        ")</span></td><td class=\"num\" data-value=\"%.17g\">%s</td>"
                        "<td class=\"num\" data-value=\"%.17g\">%s</td><td class=\"num%s\">%s</td>"
                        "</tr>\n",
                        first, a, last, b,
                        good < 0 || last == first ? ""
                        : good                    ? " better"
                                                  : " worse",
                        c);
    }
    put(&p, "</tbody></table>\n</section>\n");

    /* over time */
    if (s == SIM_OK) {
        put(&p, "<section id=\"charts\" class=\"charts-sec\">\n<h2>");
        ui(&p, ANA_UI_H_CHARTS, NULL, 0);
        put(&p, "</h2>\n<p class=\"note\">");
        ui(&p, ANA_UI_RUN_CHARTS_NOTE, NULL, 0);
        put(&p, "</p>\n<div class=\"charts\">\n");
        for (int k = 0; k < nk; k++) {
            const double *y = ser + (size_t)k * (size_t)D;
            double sc = mscale(&p, k);
            for (int i = 0; i < npts; i++) {
                int64_t a = (int64_t)i * bin, b = a + bin < D ? a + bin : D;
                bx[i] = (double)a + (double)(b - 1 - a) / 2.0;
                by[i] = mean_of(y, a, b) * sc;
            }
            level_chart(&p, k, bx, by, npts);
        }
        put(&p, "</div>\n</section>\n");
        s = run_compounds(&p, f, mt, mi, err);
    }
    free(ser);
    if (s == SIM_OK) {
        put(&p, "<section id=\"provenance\">\n<h2>");
        ui(&p, ANA_UI_H_PROVENANCE, NULL, 0);
        put(&p, "</h2>\n<dl class=\"prov\">\n");
        dt(&p, ANA_UI_PROV_VERSION);
        esc(&p, f->troika_version);
        put(&p, "</dd>\n");
        dt(&p, ANA_UI_PROV_COMMIT);
        put(&p, "<code>");
        esc(&p, f->git_commit);
        put(&p, "</code></dd>\n");
        dt(&p, ANA_UI_RUN_FILE);
        put(&p, "<code>");
        esc(&p, f->path);
        put(&p, "</code></dd>\n");
        dt(&p, ANA_UI_PROV_CMD);
        put(&p, "<code>");
        esc(&p, f->command_line);
        put(&p, "</code></dd>\n</dl>\n</section>\n</main>\n</body>\n</html>\n");
    }
    free(name);
done:
    free(x);
    free(bx);
    free(by);
    ana_table_destroy(t);
    if (s != SIM_OK) {
        ana_sbuf_free(&sb);
        return s;
    }
    return take_page(&sb, html, err);
}

sim_status ana_report_run_write(const ana_runfile *f, const sim_metric_desc *mt, int nmt,
                                const char *path, int force, const char *key, ana_lang lang,
                                sim_error *err)
{
    char *html = NULL;
    SIM_TRY(err, ana_report_run_html(f, mt, nmt, lang, &html, err));
    return write_page(html, path, force, key, err);
}
