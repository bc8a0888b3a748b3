/* sim/cli_util.c — see cli_util.h. */
#include "cli_util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "params.h"

/* ---- option values ------------------------------------------------------------ */

sim_status cu_opt_int(const char *text, long long lo, long long hi, const char *key, long long *out,
                      sim_error *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno || v < lo || v > hi)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, key,
                        "'%s' is not allowed (allowed: an integer from %lld to %lld)", text, lo,
                        hi);
    *out = v;
    return SIM_OK;
}

sim_status cu_opt_threads(const char *text, int *threads, sim_error *err)
{
    char *end;
    errno = 0;
    long t = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno || t < 1 || t > 1024)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--threads",
                        "'%s' is not a thread count (allowed: an integer from 1 to 1024)", text);
    *threads = (int)t;
    return SIM_OK;
}

/* ---- reporting ---------------------------------------------------------------- */

static volatile sig_atomic_t stop_requested = 0; /* the signal that asked to stop */

int cu_report(const sim_error *err)
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

int cu_usage_error(const char *cmd, const char *fmt, const char *arg)
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

/* A stop is acted on at the next safe point (between two days of a run, a
 * batch of a calibration, a block of a file being assembled), which is
 * milliseconds away for every legal input.  Whatever the input, a stop
 * must come within STOP_GRACE_S: if it has not (a day made huge by a
 * damaged file, a loop inside libhdf5 reading one), or when a second
 * signal comes, the process ends at once: the temporary files it has open
 * are removed (core/afile.h: its live table) and it exits with the shell's
 * code, 128 + the signal.  Finished files are kept: every one was renamed
 * into place whole. */
#define STOP_GRACE_S 1

static const char *stop_note = NULL; /* what a user should know after a forced stop */
static size_t stop_note_len = 0;

static void say(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* Async-signal-safe only: unlink, write, _exit. */
static void end_now(int sig, int second)
{
    static const char a[] = "troika: stopped by a second signal at once";
    static const char b[] = "troika: stopped by a signal";
    static const char c[] = "; temporary files removed, finished files kept";
    afile_remove_live();
    if (second)
        say(a, sizeof a - 1);
    else
        say(b, sizeof b - 1);
    say(c, sizeof c - 1);
    if (stop_note_len) {
        say("; ", 2);
        say(stop_note, stop_note_len);
    }
    say("\n", 1);
    _exit(128 + sig);
}

static volatile sig_atomic_t stop_watched = 0; /* a context reads the flag */

static void on_signal(int sig)
{
    if (stop_requested)
        end_now(sig, 1);
    if (!stop_watched) /* nothing would look at the flag: end now */
        end_now(sig, 0);
    stop_requested = sig;
    alarm(STOP_GRACE_S);
}

static void on_alarm(int sig)
{
    (void)sig;
    if (stop_requested)
        end_now((int)stop_requested, 0);
}

static void handlers_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGALRM);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
}

void cu_signals_default(void)
{
    handlers_install();
}

void cu_signals_done(void)
{
    alarm(0);
}

void cu_install_signals(sim_ctx *ctx)
{
    ctx->stop = &stop_requested;
    stop_watched = 1;
    handlers_install();
}

void cu_signals_note(const char *note)
{
    stop_note_len = 0; /* never a half-set note in the handler */
    stop_note = note;
    stop_note_len = note ? strlen(note) : 0;
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

/* SIM_EINPUT when two --set assignments name the same key: the second
 * would silently win. */
static sim_status sets_distinct(const cu_scenario_opts *so, sim_error *err)
{
    for (int k = 1; k < so->nsets; k++) {
        const char *key, *kk;
        size_t n = set_key(so->sets[k], &key);
        for (int i = 0; i < k; i++)
            if (set_key(so->sets[i], &kk) == n && strncmp(key, kk, n) == 0)
                return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--set",
                                "%.*s is set twice ('%s', then '%s'); give each key once", (int)n,
                                key, so->sets[i], so->sets[k]);
    }
    return SIM_OK;
}

sim_status cu_build_scenario(scn_scenario *s, const cu_scenario_opts *so, sim_error *err)
{
    scn_init_default(s);
    SIM_TRY(err, sets_distinct(so, err));
    if (so->scenario)
        SIM_TRY(err, scn_load(s, so->scenario, err));
    for (int k = 0; k < so->nsets; k++)
        SIM_TRY(err, scn_set(s, so->sets[k], err));
    if (so->seed)
        SIM_TRY(err, set_run_option(s, "run.seed", "--seed", so->seed, err));
    if (so->days)
        SIM_TRY(err, set_run_option(s, "run.days", "--days", so->days, err));
    SIM_TRY(err, scn_finish(s, err));
    for (int k = 0; k < s->npolicies; k++) {
        sim_error note;
        sim_error_clear(&note);
        char line[2048];
        if (scn_late_policy(s, k, &note))
            fprintf(stderr, "troika: warning: %s\n", sim_error_format(&note, line, sizeof line));
    }
    return SIM_OK;
}

sim_status cu_scenario_opts_take(cu_scenario_opts *so, const clo_args *a, int seed, int days,
                                 int set)
{
    so->sets = calloc((size_t)a->nlist + 1, sizeof *so->sets);
    if (!so->sets)
        return SIM_ENOMEM;
    so->seed = seed >= 0 ? clo_get(a, seed) : NULL;
    so->days = days >= 0 ? clo_get(a, days) : NULL;
    so->nsets = set >= 0 ? clo_all(a, set, so->sets) : 0;
    return SIM_OK;
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

int cu_same_file(const char *a, const char *b)
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

char *cu_join_command(int argc, char **argv)
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
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%",
                        *q))
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
