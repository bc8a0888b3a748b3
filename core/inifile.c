/* core/inifile.c — see ini.h.
 *
 * inih parses; we feed it through our own line reader, which
 *   - counts lines, so every key is known with its line;
 *   - trims each line, so an indented line is never taken for one of
 *     inih's continuation lines;
 *   - records section headers itself (inih does not report them, and an
 *     empty section must still be seen);
 *   - refuses lines longer than inih's buffer (inih would split them) and
 *     NUL bytes.
 * The handler only records entries (section, key, value, line).
 */
#define _XOPEN_SOURCE 700 /* strdup */

#include "inifile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

char *sim_dup_n(const char *p, size_t n)
{
    char *r = malloc(n + 1);
    if (!r)
        return NULL;
    memcpy(r, p, n);
    r[n] = '\0';
    return r;
}

/* Copy [p, p+n) without surrounding white space into buf; 0 if it does not
 * fit. */
int sim_copy_trimmed(char *buf, size_t cap, const char *p, size_t n)
{
    while (n > 0 && isspace((unsigned char)*p)) {
        p++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        n--;
    if (n + 1 > cap)
        return 0;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return 1;
}

/* Room for `need` elements: the (maybe moved) array, or NULL. */
void *sim_grow(void *arr, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return arr;
    int nc = *cap > 0 ? *cap : 8;
    while (nc < need)
        nc *= 2;
    void *t = realloc(arr, (size_t)nc * elem);
    if (!t)
        return NULL;
    *cap = nc;
    return t;
}

/* ---- reading ------------------------------------------------------------ */

void sim_ini_note(sim_ini *f, int line, const char *key, const char *fmt, ...)
{
    if (f->bad_line && f->bad_line <= line)
        return;
    f->bad_line = line;
    snprintf(f->bad_key, sizeof f->bad_key, "%s", key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->bad_msg, sizeof f->bad_msg, fmt, ap);
    va_end(ap);
}

void sim_ini_free(sim_ini *f)
{
    for (int k = 0; k < f->nent; k++) {
        free(f->ent[k].section);
        free(f->ent[k].key);
        free(f->ent[k].value);
    }
    free(f->ent);
    for (int k = 0; k < f->nhdr; k++)
        free(f->hdr[k].name);
    free(f->hdr);
}

/* A "[name]" line: remember the section (inih reports a missing ']'). */
static void on_header(sim_ini *f, const char *line)
{
    const char *close = strchr(line, ']');
    if (!close)
        return;
    const char *after = close + 1;
    while (isspace((unsigned char)*after))
        after++;
    if (*after && *after != ';' && *after != '#')
        sim_ini_note(f, f->lineno, "",
                     "unexpected text after ']' (allowed: [section] and a ; comment)");
    char name[256];
    if (!sim_copy_trimmed(name, sizeof name, line + 1, (size_t)(close - line - 1))) {
        sim_ini_note(f, f->lineno, "", "the section name is too long");
        return;
    }
    sim_ini_header *t = sim_grow(f->hdr, &f->caphdr, f->nhdr + 1, sizeof *t);
    char *nm = strdup(name);
    if (!t || !nm) {
        free(nm);
        if (t)
            f->hdr = t;
        f->nomem = 1;
        return;
    }
    f->hdr = t;
    f->hdr[f->nhdr].name = nm;
    f->hdr[f->nhdr].line = f->lineno;
    f->nhdr++;
    f->section = nm;
}

/* inih's fgets-like reader: one trimmed line of the text per call. */
static char *read_line(char *buf, int num, void *stream)
{
    sim_ini *f = stream;
    if (f->nomem || f->pos >= f->len)
        return NULL;
    const char *p = f->text + f->pos;
    size_t rest = f->len - f->pos;
    const char *nl = memchr(p, '\n', rest);
    size_t n = nl ? (size_t)(nl - p) : rest;
    f->pos += nl ? n + 1 : n;
    f->lineno++;
    if (f->lineno == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3; /* a UTF-8 byte-order mark */
        n -= 3;
    }
    while (n > 0 && isspace((unsigned char)*p)) {
        p++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        n--;
    size_t limit = (size_t)num < sizeof f->raw ? (size_t)num : sizeof f->raw;
    if (memchr(p, '\0', n)) {
        sim_ini_note(f, f->lineno, "", "the line holds a NUL byte; an INI file is text");
        n = 0;
    } else if (n + 1 > limit) {
        sim_ini_note(f, f->lineno, "", "the line is longer than %zu characters", limit - 1);
        n = 0;
    }
    memcpy(buf, p, n);
    buf[n] = '\0';
    memcpy(f->raw, p, n);
    f->raw[n] = '\0';
    if (buf[0] == '[')
        on_header(f, buf);
    return buf;
}

/* inih's handler: record one key = value with its line. */
static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    sim_ini *f = user;
    (void)section; /* ours is exact; inih's is cut at 50 characters */
    char longname[256];
    if (strlen(name) >= 49 &&
        sim_copy_trimmed(longname, sizeof longname, f->raw, strcspn(f->raw, "=:")))
        name = longname; /* inih cuts names at 50 characters */
    sim_ini_entry *t = sim_grow(f->ent, &f->capent, f->nent + 1, sizeof *t);
    if (!t) {
        f->nomem = 1;
        return 0;
    }
    f->ent = t;
    sim_ini_entry *e = &f->ent[f->nent];
    e->section = strdup(f->section);
    e->key = strdup(name);
    e->value = strdup(value);
    e->line = f->lineno;
    f->nent++;
    if (!e->section || !e->key || !e->value) {
        f->nomem = 1;
        return 0;
    }
    return 1;
}

void sim_ini_init(sim_ini *f, const char *path, const char *text, size_t len)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->text = text;
    f->len = len;
    f->section = "";
}

sim_status sim_ini_parse(sim_ini *f, sim_error *err)
{
    int ret = ini_parse_stream(read_line, f, on_entry, f);
    if (f->nomem || ret == -2)
        return SIM_FAIL(err, SIM_ENOMEM, f->path, 0, NULL, "out of memory reading %s", f->path);
    if (ret > 0)
        sim_ini_note(f, ret, "", "expected [section], key = value or a comment");
    for (int k = 0; k < f->nent; k++) {
        const sim_ini_entry *e = &f->ent[k];
        if (!e->key[0]) {
            sim_ini_note(f, e->line, "", "a key is missing before '=' (expected key = value)");
            continue;
        }
        for (int j = 0; j < k; j++) {
            const sim_ini_entry *o = &f->ent[j];
            if (strcmp(o->section, e->section) != 0 || strcmp(o->key, e->key) != 0)
                continue;
            char q[300];
            if (e->section[0]) {
                snprintf(q, sizeof q, "%s.%s", e->section, e->key);
                sim_ini_note(f, e->line, q, "'%s' is given twice in [%s] (first on line %d)",
                             e->key, e->section, o->line);
            } else {
                sim_ini_note(f, e->line, e->key, "'%s' is given twice (first on line %d)", e->key,
                             o->line);
            }
            break;
        }
    }
    return SIM_OK;
}

sim_status sim_ini_check(const sim_ini *f, sim_error *err)
{
    if (f->bad_line)
        return SIM_FAIL(err, SIM_EINPUT, f->path, f->bad_line, f->bad_key, "%s", f->bad_msg);
    return SIM_OK;
}

const sim_ini_entry *sim_ini_get(const sim_ini *f, const char *section, const char *key)
{
    for (int k = 0; k < f->nent; k++)
        if (strcmp(f->ent[k].section, section) == 0 && strcmp(f->ent[k].key, key) == 0)
            return &f->ent[k];
    return NULL;
}

int sim_file_regular(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return errno ? errno : EIO;
    if (S_ISDIR(st.st_mode))
        return EISDIR;
    return S_ISREG(st.st_mode) ? 0 : SIM_ENOTREG;
}

const char *sim_file_strerror(int e)
{
    if (e == SIM_ENOTREG)
        return "not a regular file (a FIFO, device or socket is never read)";
    return strerror(e);
}

int sim_ini_read_file(const char *path, size_t max, char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    /* opened without blocking (a FIFO would wait for a writer), then
     * checked: a regular file only */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno ? errno : EIO;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        e = fstat(fd, &st) != 0 ? (e ? e : EIO) : S_ISDIR(st.st_mode) ? EISDIR : SIM_ENOTREG;
        close(fd);
        return e;
    }
    FILE *fp = fdopen(fd, "rb");
    if (!fp) {
        close(fd);
        return errno ? errno : EIO;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    int e = 0;
    if (!buf) {
        fclose(fp);
        return ENOMEM;
    }
    for (;;) {
        if (len > max) {
            e = EFBIG;
            break;
        }
        if (len + 1 >= cap) {
            char *t = realloc(buf, cap * 2);
            if (!t) {
                e = ENOMEM;
                break;
            }
            buf = t;
            cap *= 2;
        }
        size_t k = fread(buf + len, 1, cap - len - 1, fp);
        len += k;
        if (k == 0)
            break;
    }
    if (!e && ferror(fp))
        e = errno ? errno : EIO;
    if (!e && len > max)
        e = EFBIG;
    fclose(fp);
    if (e) {
        free(buf);
        return e;
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return 0;
}
