/* sim/cli_opt.c — see cli_opt.h. */
#include "cli_opt.h"

#include <stdlib.h>
#include <string.h>

#include "cli_util.h"

/* ---- parsing ------------------------------------------------------------------- */

static int find_opt(const clo_spec *s, const char *name, size_t len)
{
    for (int i = 0; i < s->nopts; i++) {
        const clo_opt *o = &s->opts[i];
        if ((strlen(o->name) == len && strncmp(o->name, name, len) == 0) ||
            (o->shrt && strlen(o->shrt) == len && strncmp(o->shrt, name, len) == 0))
            return i;
    }
    return -1;
}

/* Is v one of "a|b|c"? */
static int allowed_value(const char *allowed, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = allowed; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return 1;
        p += len + (bar != NULL);
    }
    return 0;
}

static int fail_value(const clo_opt *o, const char *msg, const char *v)
{
    sim_error err;
    sim_error_clear(&err);
    if (!v) {
        SIM_FAIL(&err, SIM_EINPUT, NULL, 0, o->name, "%s", msg);
    } else { /* "a|b|c" -> "a, b, c" */
        char list[512];
        size_t k = 0;
        for (const char *p = o->allowed; *p && k + 3 < sizeof list; p++) {
            if (*p == '|') {
                list[k++] = ',';
                list[k++] = ' ';
            } else {
                list[k++] = *p;
            }
        }
        list[k] = '\0';
        SIM_FAIL(&err, SIM_EINPUT, NULL, 0, o->name, "'%s' is not allowed (allowed: %s)", v, list);
    }
    return cu_report(&err);
}

/* Is -h or --help among the arguments? */
static int asks_help(int argc, char **argv)
{
    for (int k = 1; k < argc; k++)
        if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0)
            return 1;
    return 0;
}

void clo_args_free(clo_args *a)
{
    free(a->count);
    free(a->value);
    free(a->list);
    free(a->list_opt);
    free(a->pos);
    memset(a, 0, sizeof *a);
}

int clo_parse(const clo_spec *spec, int argc, char **argv, clo_args *a)
{
    memset(a, 0, sizeof *a);
    a->spec = spec;
    size_t n = (size_t)argc + 1, no = (size_t)spec->nopts + 1;
    a->count = calloc(no, sizeof *a->count);
    a->value = calloc(no, sizeof *a->value);
    a->list = calloc(n, sizeof *a->list);
    a->list_opt = calloc(n, sizeof *a->list_opt);
    a->pos = calloc(n, sizeof *a->pos);
    if (!a->count || !a->value || !a->list || !a->list_opt || !a->pos) {
        fprintf(stderr, "troika: out of memory\n");
        return 1;
    }
    for (int k = 1; k < argc; k++) {
        const char *arg = argv[k];
        if (arg[0] != '-' || arg[1] == '\0') {
            if (spec->maxpos >= 0 && a->npos >= spec->maxpos) {
                if (spec->maxpos == 0)
                    return cu_usage_error(spec->name, "unexpected argument '%s'", arg);
                return cu_usage_error(spec->name, spec->too_many, arg);
            }
            a->pos[a->npos++] = arg;
            continue;
        }
        const char *eq = arg[1] == '-' ? strchr(arg, '=') : NULL;
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        if ((len == 2 && strncmp(arg, "-h", 2) == 0) ||
            (len == 6 && strncmp(arg, "--help", 6) == 0)) {
            clo_print_help_lang(stdout, spec, clo_lang_of(argc, argv));
            return CLO_HELP;
        }
        int i = find_opt(spec, arg, len);
        if (i < 0 && len == 6 && strncmp(arg, "--lang", 6) == 0 && asks_help(argc, argv)) {
            /* `--lang L` of a command without the option: for its help */
            clo_print_help_lang(stdout, spec, clo_lang_of(argc, argv));
            return CLO_HELP;
        }
        if (i < 0) {
            char msg[1400];
            int m = snprintf(msg, sizeof msg,
                             "unknown option '%.*s' (allowed:", (int)(len < 127 ? len : 127), arg);
            for (int j = 0; j < spec->nopts && m < (int)sizeof msg - 64; j++)
                m += snprintf(msg + m, sizeof msg - (size_t)m, " %s,", spec->opts[j].name);
            snprintf(msg + m, sizeof msg - (size_t)m, " --help)");
            return cu_usage_error(spec->name, "%s", msg);
        }
        const clo_opt *o = &spec->opts[i];
        const char *v = NULL;
        if (o->kind == CLO_FLAG) {
            if (eq)
                return cu_usage_error(spec->name, "option '%s' takes no value", o->name);
        } else {
            if (eq)
                v = eq + 1;
            else if (k + 1 < argc)
                v = argv[++k];
            else
                return fail_value(o, "needs a value", NULL);
            if (o->allowed && !allowed_value(o->allowed, v))
                return fail_value(o, NULL, v);
            a->value[i] = v;
            a->list_opt[a->nlist] = i;
            a->list[a->nlist++] = v;
        }
        a->count[i]++;
    }
    return CLO_OK;
}

const char *clo_get(const clo_args *a, int i)
{
    return a->value[i];
}

int clo_has(const clo_args *a, int i)
{
    return a->count[i];
}

int clo_all(const clo_args *a, int i, const char **out)
{
    int n = 0;
    for (int k = 0; k < a->nlist; k++)
        if (a->list_opt[k] == i)
            out[n++] = a->list[k];
    return n;
}

/* ---- help ------------------------------------------------------------------------ */

enum { HELP_WIDTH = 78, HELP_COLUMN_MAX = 27 };

/* "  -o, --output FILE" */
static int left_part(const clo_opt *o, char *buf, size_t n)
{
    return snprintf(buf, n, "  %s%s%s%s%s", o->shrt ? o->shrt : "  ", o->shrt ? ", " : "  ",
                    o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

/* May a line break between the characters a and b?  After a space; between
 * two characters one of which is wide, except before closing and after
 * opening punctuation; never inside a run of narrow characters (a word, an
 * option name, a number). */
static int u8_break(unsigned a, unsigned b)
{
    static const unsigned no_before[] = {0xff0c, 0x3002, 0x3001, 0xff1b, 0xff1a, 0xff1f, 0xff01,
                                         0xff09, 0x300d, 0x300f, 0x300b, 0x3009, ',',    '.',
                                         ';',    ':',    ')',    '!',    '?'};
    static const unsigned no_after[] = {0xff08, 0x300c, 0x300e, 0x300a, 0x3008, '(', '`'};
    if (b == ' ')
        return 0;
    if (a == ' ')
        return 1;
    if (ana_char_width(a) < 2 && ana_char_width(b) < 2)
        return 0;
    for (size_t i = 0; i < sizeof no_before / sizeof no_before[0]; i++)
        if (b == no_before[i])
            return 0;
    for (size_t i = 0; i < sizeof no_after / sizeof no_after[0]; i++)
        if (a == no_after[i])
            return 0;
    return 1;
}

/* The text wrapped in lines of at most HELP_WIDTH display columns (a
 * longer unbreakable run stays whole), starting at column `at`, every line
 * after the first indented by col.  English breaks after spaces; Chinese
 * also between characters (u8_break). */
static void wrap(FILE *f, const char *text, int col, int at)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *q = p, *brk = NULL, *end = NULL;
        unsigned prev = 0;
        int w = at;
        while (*q && *q != '\n') {
            unsigned cp;
            int len = ana_utf8_char(q, &cp);
            if (q > p && u8_break(prev, cp))
                brk = q;
            int cw = ana_char_width(cp);
            if (cp != ' ' && w + cw > HELP_WIDTH && brk) { /* a space may overhang */
                end = brk;
                break;
            }
            w += cw;
            prev = cp;
            q += len;
        }
        if (!end)
            end = q;
        const char *e = end;
        while (e > p && e[-1] == ' ')
            e--;
        fprintf(f, "%.*s\n", (int)(e - p), p);
        p = end;
        while (*p == ' ')
            p++;
        if (*p == '\n')
            p++;
        if (*p)
            fprintf(f, "%*s", col, "");
        at = col;
    }
}

static int help_column(const clo_spec *s)
{
    int col = 0;
    char buf[128];
    for (int i = 0; i < s->nopts; i++) {
        int n = left_part(&s->opts[i], buf, sizeof buf) + 2;
        if (n <= HELP_COLUMN_MAX && n > col)
            col = n;
    }
    return col > 0 ? col : 16;
}

static void print_usage(FILE *f, const clo_spec *s)
{
    const char *p = s->usage;
    int first = 1;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(f, "%s%.*s\n", first ? "Usage: " : "       ", (int)len, p);
        first = 0;
        p += len + (nl != NULL);
    }
}

/* ---- Chinese help ------------------------------------------------------------------ */

/* The one table of Chinese help texts (sim/cli_help_zh.def). */
static const struct {
    const char *cmd, *opt, *text;
} zh_rows[] = {
#define Z(cmd, opt, text) {cmd, opt, text},
#include "cli_help_zh.def"
#undef Z
};

const char *clo_zh(const char *cmd, const char *opt)
{
    for (size_t k = 0; k < sizeof zh_rows / sizeof zh_rows[0]; k++)
        if (strcmp(zh_rows[k].cmd, cmd) == 0 &&
            (opt ? zh_rows[k].opt && strcmp(zh_rows[k].opt, opt) == 0 : !zh_rows[k].opt))
            return zh_rows[k].text;
    return NULL;
}

void clo_zh_rows(void (*fn)(void *user, const char *cmd, const char *opt, const char *text),
                 void *user)
{
    for (size_t k = 0; k < sizeof zh_rows / sizeof zh_rows[0]; k++)
        fn(user, zh_rows[k].cmd, zh_rows[k].opt, zh_rows[k].text);
}

ana_lang clo_lang_of(int argc, char **argv)
{
    ana_lang lang = ANA_EN;
    for (int k = 1; k < argc; k++) {
        const char *v = NULL;
        if (strncmp(argv[k], "--lang=", 7) == 0)
            v = argv[k] + 7;
        else if (strcmp(argv[k], "--lang") == 0 && k + 1 < argc)
            v = argv[++k];
        sim_error err;
        ana_lang l;
        sim_error_clear(&err);
        if (v && ana_lang_parse(v, &l, "--lang", &err) == SIM_OK)
            lang = l;
    }
    return lang;
}

void clo_print_help_lang(FILE *f, const clo_spec *s, ana_lang lang)
{
    if (lang != ANA_ZH) {
        clo_print_help(f, s);
        return;
    }
    const char *p = s->usage;
    for (int first = 1; *p; first = 0) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(f, "%s%.*s\n", first ? clo_zh("*", "usage") : "      ", (int)len, p);
        p += len + (nl != NULL);
    }
    const char *summary = clo_zh(s->name, NULL);
    fputc('\n', f);
    if (summary) {
        fprintf(f, "%s。\n", summary);
        fprintf(f, clo_zh("*", "details"), s->name);
        fputc('\n', f);
    } else {
        fputs(s->about, f);
    }
    fprintf(f, "\n%s\n", clo_zh("*", "options"));
    int col = help_column(s);
    char buf[128];
    for (int i = 0; i < s->nopts; i++) {
        int n = left_part(&s->opts[i], buf, sizeof buf);
        fputs(buf, f);
        if (n + 2 > col)
            fprintf(f, "\n%*s", col, "");
        else
            fprintf(f, "%*s", col - n, "");
        const char *zh = clo_zh(s->name, s->opts[i].name);
        wrap(f, zh ? zh : s->opts[i].help, col, col);
    }
    fprintf(f, "  -h, --help%*s%s\n", col - 12, "", clo_zh("*", "--help"));
}

void clo_print_help(FILE *f, const clo_spec *s)
{
    print_usage(f, s);
    fprintf(f, "\n%s\nOptions:\n", s->about);
    int col = help_column(s);
    char buf[128];
    for (int i = 0; i < s->nopts; i++) {
        int n = left_part(&s->opts[i], buf, sizeof buf);
        fputs(buf, f);
        if (n + 2 > col) {
            fprintf(f, "\n%*s", col, "");
        } else {
            fprintf(f, "%*s", col - n, "");
        }
        wrap(f, s->opts[i].help, col, col);
    }
    fprintf(f, "  -h, --help%*sthis help\n", col - 12, "");
    if (s->after && *s->after)
        fprintf(f, "\n%s", s->after);
}

/* ---- man page -------------------------------------------------------------------- */

/* Text for roff: backslashes and dashes escaped, no control line. */
static void roff(FILE *f, const char *text, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        char c = text[k];
        if (c == '\\')
            fputs("\\e", f);
        else if (c == '-')
            fputs("\\-", f);
        else if ((c == '.' || c == '\'') && (k == 0 || text[k - 1] == '\n'))
            fprintf(f, "\\&%c", c);
        else
            fputc(c, f);
    }
}

static void roff_str(FILE *f, const char *s)
{
    roff(f, s, strlen(s));
}

/* Paragraphs (blank-line separated) filled by roff, lines starting with a
 * space kept as they are (examples, lists). */
static void roff_block(FILE *f, const char *text)
{
    const char *p = text;
    int nofill = 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == 0) {
            if (nofill)
                fputs(".fi\n", f);
            nofill = 0;
            fputs(".PP\n", f);
        } else {
            int indented = p[0] == ' ';
            if (indented && !nofill)
                fputs(".nf\n", f);
            else if (!indented && nofill)
                fputs(".fi\n", f);
            nofill = indented;
            roff(f, p, len);
            fputc('\n', f);
        }
        p += len + (nl != NULL);
    }
    if (nofill)
        fputs(".fi\n", f);
}

void clo_print_man(FILE *f, const clo_spec *s, const char *summary)
{
    fprintf(f, ".SS \"troika %s\"\n", s->name);
    roff_str(f, summary);
    fputs("\n.PP\n.nf\n", f);
    const char *p = s->usage;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fputs("\\fB", f);
        roff(f, p, len);
        fputs("\\fR\n", f);
        p += len + (nl != NULL);
    }
    fputs(".fi\n.PP\n", f);
    roff_block(f, s->about);
    for (int i = 0; i < s->nopts; i++) {
        const clo_opt *o = &s->opts[i];
        fputs(".TP\n", f);
        if (o->shrt) {
            fputs("\\fB", f);
            roff_str(f, o->shrt);
            fputs("\\fR, ", f);
        }
        fputs("\\fB", f);
        roff_str(f, o->name);
        fputs("\\fR", f);
        if (o->arg) {
            fputs(" \\fI", f);
            roff_str(f, o->arg);
            fputs("\\fR", f);
        }
        fputc('\n', f);
        roff_str(f, o->help);
        fputc('\n', f);
    }
    if (s->after && *s->after) {
        fputs(".PP\n", f);
        roff_block(f, s->after);
    }
}

void clo_print_words(FILE *f, const clo_spec *s)
{
    for (int i = 0; i < s->nopts; i++) {
        fprintf(f, "%s%s", i ? " " : "", s->opts[i].name);
        if (s->opts[i].shrt)
            fprintf(f, " %s", s->opts[i].shrt);
    }
    fprintf(f, "%s--help", s->nopts ? " " : "");
}
