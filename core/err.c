/* core/err.c — see err.h. */
#include "err.h"

#include <stdio.h>
#include <string.h>

void sim_error_clear(sim_error *e)
{
    memset(e, 0, sizeof *e);
}

static void copy_str(char *dst, size_t n, const char *src)
{
    if (!src) {
        dst[0] = '\0';
        return;
    }
    snprintf(dst, n, "%s", src);
}

sim_status sim_error_set(sim_error *e, sim_status code, const char *file, int line, const char *key,
                         const char *src_file, int src_line, const char *func, const char *fmt, ...)
{
    if (!e)
        return code;
    e->code = code;
    copy_str(e->file, sizeof e->file, file);
    e->line = line;
    copy_str(e->key, sizeof e->key, key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->ntrace = 0;
    sim_error_push(e, src_file, src_line, func);
    return code;
}

void sim_error_push(sim_error *e, const char *src_file, int src_line, const char *func)
{
    if (!e || e->ntrace >= SIM_ERR_TRACE)
        return;
    e->trace_file[e->ntrace] = src_file;
    e->trace_line[e->ntrace] = src_line;
    e->trace_func[e->ntrace] = func;
    e->ntrace++;
}

/* Append text to buf (size n, holding *k characters), control characters
 * written as \xNN: a message is one line, and a name or value from a file
 * or the command line cannot move the cursor, ring or clear the terminal. */
static void put_escaped(char *buf, size_t n, size_t *k, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p && *k + 1 < n; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            if (*k + 5 > n)
                break;
            *k += (size_t)snprintf(buf + *k, n - *k, "\\x%02x", *p);
        } else {
            buf[(*k)++] = (char)*p;
        }
    }
    buf[*k < n ? *k : n - 1] = '\0';
}

char *sim_error_format(const sim_error *e, char *buf, size_t n)
{
    size_t k = 0;
    char num[32];
    buf[0] = '\0';
    if (n == 0)
        return buf;
    if (e->file[0]) {
        put_escaped(buf, n, &k, e->file);
        if (e->line > 0) {
            snprintf(num, sizeof num, ":%d", e->line);
            put_escaped(buf, n, &k, num);
        }
        put_escaped(buf, n, &k, ": ");
    }
    if (e->key[0]) {
        put_escaped(buf, n, &k, e->key);
        put_escaped(buf, n, &k, ": ");
    }
    put_escaped(buf, n, &k, e->msg[0] ? e->msg : sim_status_name(e->code));
    return buf;
}

int sim_status_exit_code(sim_status s)
{
    switch (s) {
    case SIM_OK:
        return 0;
    case SIM_EINPUT:
        return 2;
    default:
        return 1;
    }
}

const char *sim_status_name(sim_status s)
{
    switch (s) {
    case SIM_OK:
        return "ok";
    case SIM_EINPUT:
        return "bad input";
    case SIM_EIO:
        return "input/output error";
    case SIM_ENOMEM:
        return "out of memory";
    case SIM_ENUMERIC:
        return "non-finite value";
    case SIM_EINTERRUPT:
        return "interrupted";
    case SIM_EINTERNAL:
        return "internal error";
    }
    return "unknown error";
}
