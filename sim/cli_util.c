/* sim/cli_util.c — see cli_util.h. */
#include "cli_util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "params.h"

/* ---- option parsing ---------------------------------------------------------- */

int opt_next(opt_parser *o)
{
    if (o->i >= o->argc)
        return 0;
    const char *a = o->argv[o->i++];
    o->value = NULL;
    if (a[0] == '-' && a[1] != '\0') {
        const char *eq = strchr(a, '=');
        if (eq && a[1] == '-') {
            size_t n = (size_t)(eq - a);
            if (n >= sizeof o->buf)
                n = sizeof o->buf - 1;
            memcpy(o->buf, a, n);
            o->buf[n] = '\0';
            o->name = o->buf;
            o->value = eq + 1;
        } else {
            o->name = a;
        }
        return 1;
    }
    o->value = a;
    return 2;
}

const char *opt_value(opt_parser *o, sim_error *err)
{
    if (o->value)
        return o->value;
    if (o->i < o->argc)
        return o->argv[o->i++];
    SIM_FAIL(err, SIM_EINPUT, NULL, 0, o->name, "needs a value");
    return NULL;
}

int is_opt(const opt_parser *o, const char *l, const char *s)
{
    return strcmp(o->name, l) == 0 || (s && strcmp(o->name, s) == 0);
}

sim_status opt_int(const char *text, long long lo, long long hi, const char *key,
                   long long *out, sim_error *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno || v < lo || v > hi)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, key,
                        "'%s' is not allowed (allowed: an integer from %lld to %lld)", text,
                        lo, hi);
    *out = v;
    return SIM_OK;
}

sim_status opt_threads(const char *text, int *threads, sim_error *err)
{
    char *end;
    errno = 0;
    long t = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno || t < 1 || t > 1024)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--threads",
                        "'%s' is not a thread count (allowed: an integer from 1 to 1024)",
                        text);
    *threads = (int)t;
    return SIM_OK;
}

/* ---- reporting ---------------------------------------------------------------- */

static volatile sig_atomic_t stop_requested = 0; /* the signal that asked to stop */

int report(const sim_error *err)
{
    char line[2048];
    fprintf(stderr, "troika: %s\n", sim_error_format(err, line, sizeof line));
    if (err->code == SIM_EINTERNAL)
        for (int k = 0; k < err->ntrace; k++)
            fprintf(stderr, "  at %s:%d (%s)\n", err->trace_file[k], err->trace_line[k],
                    err->trace_func[k]);
    if (err->code == SIM_EINTERRUPT && stop_requested)
        return 128 + (int)stop_requested; /* the shell's convention: 130, 143 */
    return sim_status_exit_code(err->code);
}

int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    sim_error e; /* through the one formatter: an argument's control characters escaped */
    sim_error_clear(&e);
    snprintf(e.msg, sizeof e.msg, fmt, arg);
    char line[2048];
    fprintf(stderr, "troika%s%s: %s", cmd ? " " : "", cmd ? cmd : "",
            sim_error_format(&e, line, sizeof line));
    fprintf(stderr, "\nTry 'troika %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return 2;
}

/* ---- signals --------------------------------------------------------------------- */

static void on_signal(int sig)
{
    stop_requested = sig;
}

void install_signals(sim_ctx *ctx)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    ctx->stop = &stop_requested;
}

/* ---- shared scenario options ------------------------------------------------ */

/* Set run.<name> from an option's text, errors naming the option. */
static sim_status set_run_option(scn_scenario *s, const char *key, const char *opt,
                                 const char *text, sim_error *err)
{
    int i = sim_param_find(key);
    double v;
    if (sim_param_parse(i, text, &v, NULL, 0, err) != SIM_OK) {
        snprintf(err->key, sizeof err->key, "%s", opt);
        return SIM_EINPUT;
    }
    sim_param_put(&s->params, i, v);
    return SIM_OK;
}

sim_status build_scenario(scn_scenario *s, const scenario_opts *so, sim_error *err)
{
    scn_init_default(s);
    if (so->scenario)
        SIM_TRY(err, scn_load(s, so->scenario, err));
    for (int k = 0; k < so->nsets; k++)
        SIM_TRY(err, scn_set(s, so->sets[k], err));
    if (so->seed)
        SIM_TRY(err, set_run_option(s, "run.seed", "--seed", so->seed, err));
    if (so->days)
        SIM_TRY(err, set_run_option(s, "run.days", "--days", so->days, err));
    SIM_TRY(err, scn_finish(s, err));
    return SIM_OK;
}

/* The key of a --set assignment "KEY=VALUE": its start and length, spaces
 * around it left out. */
static size_t set_key(const char *a, const char **key)
{
    while (*a == ' ' || *a == '\t')
        a++;
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    while (n > 0 && (a[n - 1] == ' ' || a[n - 1] == '\t'))
        n--;
    *key = a;
    return n;
}

int scenario_option(opt_parser *o, scenario_opts *so, sim_error *err, int *bad)
{
    const char *v;
    if (is_opt(o, "--seed", NULL)) {
        if (!(v = opt_value(o, err)))
            return *bad = 1;
        so->seed = v;
        return 1;
    }
    if (is_opt(o, "--days", NULL)) {
        if (!(v = opt_value(o, err)))
            return *bad = 1;
        so->days = v;
        return 1;
    }
    if (is_opt(o, "--set", NULL)) {
        if (!(v = opt_value(o, err)))
            return *bad = 1;
        const char *k, *kk;
        size_t n = set_key(v, &k);
        for (int i = 0; i < so->nsets; i++)
            if (set_key(so->sets[i], &kk) == n && strncmp(k, kk, n) == 0) {
                SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--set",
                         "%.*s is set twice ('%s', then '%s'); give each key once", (int)n, k,
                         so->sets[i], v);
                return *bad = 1;
            }
        so->sets[so->nsets++] = v;
        return 1;
    }
    return 0;
}

/* The folder of path (device and inode) and its last component. */
static int locate(const char *path, struct stat *dir, const char **name)
{
    const char *slash = strrchr(path, '/');
    *name = slash ? slash + 1 : path;
    if (!slash)
        return stat(".", dir);
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 2);
    if (!d)
        return -1;
    snprintf(d, n + 2, "%.*s", (int)(n ? n : 1), n ? path : "/");
    int r = stat(d, dir);
    free(d);
    return r;
}

int same_file(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 1;
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0) /* both exist: the same inode? */
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    const char *na, *nb;
    if (locate(a, &sa, &na) != 0 || locate(b, &sb, &nb) != 0)
        return 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino && strcmp(na, nb) == 0;
}

char *join_command(int argc, char **argv)
{
    size_t n = 1;
    for (int k = 0; k < argc; k++)
        n += 4 * strlen(argv[k]) + 3;
    char *s = malloc(n), *p = s;
    if (!s)
        return NULL;
    for (int k = 0; k < argc; k++) {
        const char *a = argv[k];
        int plain = a[0] != '\0';
        for (const char *q = a; *q; q++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%", *q))
                plain = 0;
        if (k)
            *p++ = ' ';
        if (plain) {
            p += sprintf(p, "%s", a);
        } else {
            *p++ = '\'';
            for (const char *q = a; *q; q++) {
                if (*q == '\'')
                    p += sprintf(p, "'\\''");
                else
                    *p++ = *q;
            }
            *p++ = '\'';
        }
    }
    *p = '\0';
    return s;
}
