/* analysis/ui.h — text for people: the bilingual string table, units as
 * shown, number formatting, a growable string buffer and HTML escaping.
 *
 * The strings of `troika compare`, `report` and `diff` live in one table,
 * analysis/ui.def (English and Chinese side by side); ana_ui_put() expands a
 * row with arguments.  Units of the metric table are shown through a second
 * small table (ana_unit_*): shares become percentages (differences in
 * percentage points), other units keep their value with a translated name.
 *
 * ana_sbuf is a string that grows as text is appended; an allocation failure
 * is sticky (sb->oom) and checked once at the end, so builders need not
 * check every append.  Everything here is thread-safe (no static state).
 */
#ifndef TROIKA_ANALYSIS_UI_H
#define TROIKA_ANALYSIS_UI_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

typedef enum { ANA_EN = 0, ANA_ZH = 1 } ana_lang;

typedef enum {
#define S(id, en, zh) ANA_UI_##id,
#include "ui.def"
#undef S
    ANA_UI_N
} ana_ui_id;

/* The raw template of a row (for tests and plain strings). */
const char *ana_ui(ana_ui_id id, ana_lang lang);

/* "en" or "zh" (also "zh-CN", "cn", "chinese", "english"); SIM_EINPUT
 * naming `key` otherwise. */
sim_status ana_lang_parse(const char *text, ana_lang *out, const char *key, sim_error *err);

/* ---- string buffer ---------------------------------------------------- */

typedef struct {
    char *p;  /* NUL-terminated text ("" before the first append) */
    size_t n; /* its length */
    size_t cap;
    int oom; /* an allocation failed: the text is incomplete */
} ana_sbuf;

void ana_sbuf_init(ana_sbuf *sb);
void ana_sbuf_free(ana_sbuf *sb);
void ana_sbuf_put(ana_sbuf *sb, const char *s);
void ana_sbuf_putn(ana_sbuf *sb, const char *s, size_t n);
void ana_sbuf_printf(ana_sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with & < > " ' escaped for HTML text and attribute values. */
void ana_sbuf_html(ana_sbuf *sb, const char *s);
/* s as a JSON string literal, quotes included (UTF-8 kept as it is;
 * controls and '<' as \u escapes). */
void ana_sbuf_json(ana_sbuf *sb, const char *s);
/* Take the text (caller frees); the buffer is left empty.  NULL if oom. */
char *ana_sbuf_take(ana_sbuf *sb);

/* Expand row `id` with args[0..nargs) for "%s" in turn (missing ones are
 * ""); with html != 0 the template's own text is HTML-escaped and the
 * arguments are inserted as they are (the caller escapes or marks them up). */
void ana_ui_put(ana_sbuf *sb, ana_ui_id id, ana_lang lang, int html, const char *const *args,
                int nargs);

/* Print row `id` (plain text, no arguments) to f after a blank line: the
 * note under a printed table. */
void ana_ui_print_note(FILE *f, ana_ui_id id, ana_lang lang);

/* ---- units and numbers ------------------------------------------------ */

/* Factor from stored values to shown values (100 for shares, else 1). */
double ana_unit_scale(const char *unit);
/* The unit as a column or axis label: "%" for shares, "days", "天", ...;
 * an unknown unit is shown as it is. */
const char *ana_unit_label(const char *unit, ana_lang lang);
/* What follows an amount of change: " percentage points", "个百分点",
 * " days", ...; "" when the unit needs no word. */
const char *ana_unit_amount(const char *unit, ana_lang lang);

/* Decimals that show a confidence half-width `half` (already scaled) with
 * two significant digits, from 0 to 6; when half is 0 (or below 1e-6 of
 * |value|: rounding noise) the magnitude of `value` decides (three
 * significant digits). */
int ana_decimals(double half, double value);

/* v with `dec` decimals; negative numbers start with `minus` ("-" for
 * plain text, U+2212 for the report).  Returns buf. */
char *ana_fmt_num(char *buf, size_t n, double v, int dec, const char *minus);

/* A p-value: "<0.001" or three decimals. */
char *ana_fmt_p(char *buf, size_t n, double p);

/* Columns a UTF-8 string takes in a terminal (CJK characters count 2). */
int ana_text_width(const char *s);
/* Print a grid of rows x ncols cells as columns two spaces apart, each as
 * wide as its widest cell (ana_text_width): cell (i, c) is the string at
 * cells + (i * ncols + c) * size.  Row 0 is the header, left-aligned; in
 * the other rows a column c with right[c] set is right-aligned.  The last
 * column gets no trailing spaces. */
void ana_text_grid(FILE *f, const char *cells, size_t rows, int ncols, size_t size,
                   const unsigned char *right);
/* The UTF-8 character at s (not at its end): its code point into *cp; returns
 * its length in bytes (a broken sequence: its first byte, 1). */
int ana_utf8_char(const char *s, unsigned *cp);
/* Columns code point cp takes in a terminal: 2 for East Asian wide
 * characters (CJK, fullwidth forms), else 1. */
int ana_char_width(unsigned cp);

#endif
