/* sim/serve.c — see serve.h.
 *
 * The job list is an array of pointers in id order (id = index + 1); a
 * job's state moves queued -> running -> done | failed | cancelled, or
 * queued -> cancelled.  Everything a request reads or a job changes is
 * under srv->mu; the worker drops the lock while a job runs and publishes
 * its results under it.  A connection's body is collected in a small
 * buffer (at most SRV_BODY_MAX bytes, more is refused) and handled when
 * complete; nothing a client sends can stop the daemon.
 */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "abc_store.h"
#include "compare.h"
#include "compare_run.h"
#include "h5compare.h"
#include "report.h"
#include "cli_util.h"
#include "metrics.h"
#include "params.h"
#include "scenario.h"
#include "serve_assets.h"

/* ---- jobs --------------------------------------------------------------------- */

typedef enum { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED, JOB_CANCELLED } job_state;
static const char *const job_state_name[] = {"queued", "running", "done", "failed", "cancelled"};

enum { MODE_ALONE = 1, MODE_TOGETHER = 2, MODE_BOTH = 3 };
static const char *const mode_name[] = {"", "alone", "together", "both"};

typedef struct {
    int param;    /* index in sim_param_table */
    double value; /* validated */
    int year;     /* 1-based: from day 365 x (year - 1) */
} job_lever;

typedef struct {
    int id;
    job_state state;
    job_lever lever[SRV_MAX_LEVERS];
    int nlever;
    int mode, city, auto_rep, posterior;
    int64_t replicates, days;
    uint64_t seed;
    volatile sig_atomic_t stop;
    int64_t done, total, replicates_run;
    double t0, seconds;
    char error[1200];
    char h5[4200];
    char *html[2]; /* the report, [ANA_EN] and [ANA_ZH] */
} job;

struct srv_server {
    struct MHD_Daemon *daemon;
    pthread_t worker;
    int worker_started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int quit;
    job *jobs[SRV_RUNS_MAX];
    int njobs;
    char dir[4096]; /* private folder of the compare files */
    int port;
    ana_lang lang;
    const char *scope_file[2]; /* district, city (NULL: embedded / not offered) */
    int has_city;
    int64_t scope_days[2], scope_compounds[2];
    const char *const *sets;
    int nsets;
    int threads;
    FILE *log;
    abs_posterior *post; /* --posterior, read at start; NULL: not offered */
    const char *post_path;
    int draws;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void job_free(job *j)
{
    if (!j)
        return;
    free(j->html[0]);
    free(j->html[1]);
    free(j);
}

/* The first queued job (lowest id), or NULL.  Under mu. */
static job *next_queued(srv_server *S)
{
    for (int i = 0; i < S->njobs; i++)
        if (S->jobs[i]->state == JOB_QUEUED)
            return S->jobs[i];
    return NULL;
}

static int count_queued(const srv_server *S)
{
    int n = 0;
    for (int i = 0; i < S->njobs; i++)
        n += S->jobs[i]->state == JOB_QUEUED;
    return n;
}

/* ---- running a job -------------------------------------------------------------- */

/* A lever's value as INI text. */
static void value_text(char *buf, size_t n, int param, double v)
{
    if (sim_param_table[param].type == SIM_P_REAL)
        snprintf(buf, n, "%.17g", v);
    else
        snprintf(buf, n, "%lld", (long long)v);
}

/* Scenario `sc` of job j: the scope's base with the job's days and the
 * server's --set, plus the levers in [from, to) as policies. */
static sim_status build_job_scenario(const srv_server *S, const job *j, int from, int to,
                                     scn_scenario *sc, sim_error *err)
{
    const char *sets[64 + 2 * SRV_MAX_LEVERS];
    char text[2 * SRV_MAX_LEVERS][300];
    char days[32];
    int n = 0;
    if (S->nsets > 64)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--set", "at most 64 --set options");
    for (int k = 0; k < S->nsets; k++)
        sets[n++] = S->sets[k];
    for (int l = from; l < to; l++) {
        const job_lever *lv = &j->lever[l];
        char v[64];
        value_text(v, sizeof v, lv->param, lv->value);
        snprintf(text[2 * (l - from)], sizeof text[0], "policy.reform_%d.day=%lld", l + 1,
                 (long long)(365 * (int64_t)(lv->year - 1)));
        snprintf(text[2 * (l - from) + 1], sizeof text[0], "policy.reform_%d.%s=%s", l + 1,
                 sim_param_table[lv->param].key, v);
        sets[n++] = text[2 * (l - from)];
        sets[n++] = text[2 * (l - from) + 1];
    }
    snprintf(days, sizeof days, "%lld", (long long)j->days);
    cu_scenario_opts so = {0};
    so.scenario = S->scope_file[j->city];
    so.days = days;
    so.sets = sets;
    so.nsets = n;
    return cu_build_scenario(sc, &so, err);
}

/* A lever's short name: what its description gives in brackets after
 * "Lever (" / "政策杠杆（" (e.g. "social-worker secretary"), else its key. */
static void lever_name(char *buf, size_t n, int param, ana_lang L)
{
    const sim_param_desc *d = &sim_param_table[param];
    const char *doc = L == ANA_ZH ? d->doc_zh : d->doc_en;
    const char *open = L == ANA_ZH ? "政策杠杆（" : "Lever (", *close = L == ANA_ZH ? "）" : ")";
    size_t lo = strlen(open);
    const char *end = strncmp(doc, open, lo) == 0 ? strstr(doc + lo, close) : NULL;
    if (end && end - doc - (ptrdiff_t)lo < (ptrdiff_t)n)
        snprintf(buf, n, "%.*s", (int)(end - doc - (ptrdiff_t)lo), doc + lo);
    else
        snprintf(buf, n, "%s", d->key);
}

/* Name a scenario after its levers [from, to): "name = value (from year y)". */
static void name_scenario(scn_scenario *sc, const job *j, int from, int to)
{
    ana_sbuf en, zh;
    ana_sbuf_init(&en);
    ana_sbuf_init(&zh);
    for (int l = from; l < to; l++) {
        const job_lever *lv = &j->lever[l];
        char v[64], ne[128], nz[128];
        snprintf(v, sizeof v, "%g", lv->value);
        lever_name(ne, sizeof ne, lv->param, ANA_EN);
        lever_name(nz, sizeof nz, lv->param, ANA_ZH);
        ana_sbuf_printf(&en, "%s%s %s (from year %d)", l > from ? " + " : "", ne, v, lv->year);
        ana_sbuf_printf(&zh, "%s%s %s（第%d年起）", l > from ? " + " : "", nz, v, lv->year);
    }
    snprintf(sc->name, sizeof sc->name, "%s", en.p ? en.p : "reform");
    snprintf(sc->name_zh, sizeof sc->name_zh, "%s", zh.p ? zh.p : "");
    if (to - from == 1) {
        snprintf(sc->description, sizeof sc->description, "%s",
                 sim_param_table[j->lever[from].param].doc_en);
        snprintf(sc->description_zh, sizeof sc->description_zh, "%s",
                 sim_param_table[j->lever[from].param].doc_zh);
    } else {
        snprintf(sc->description, sizeof sc->description, "The reforms above, together.");
        snprintf(sc->description_zh, sizeof sc->description_zh, "以上各项措施同时实施。");
    }
    ana_sbuf_free(&en);
    ana_sbuf_free(&zh);
}

typedef struct {
    srv_server *S;
    job *j;
} progress_arg;

static void on_run(void *arg, int64_t done, int64_t total)
{
    progress_arg *pa = arg;
    pthread_mutex_lock(&pa->S->mu);
    pa->j->done = done;
    pa->j->total = total;
    pthread_mutex_unlock(&pa->S->mu);
}

/* Run job j (the lock is not held).  Results go into *html, info, err. */
static sim_status run_job(srv_server *S, job *j, char **html, crun_info *info, sim_error *err)
{
    int alone = (j->mode & MODE_ALONE) || j->nlever == 1;
    int together = (j->mode & MODE_TOGETHER) && j->nlever > 1;
    int nscen = 1 + (alone ? j->nlever : 0) + together;
    scn_scenario scen[SRV_MAX_LEVERS + 2];
    int built = 0, met[ANA_MAX_METRICS];
    ana_table *table = NULL;
    ana_cmpfile *cf = NULL;
    sim_status s = SIM_OK;
    for (int i = 0; i < nscen && s == SIM_OK; i++) {
        int from = 0, to = 0; /* the baseline: no lever */
        if (i > 0 && alone && i <= j->nlever)
            from = i - 1, to = i;
        else if (i > 0)
            from = 0, to = j->nlever;
        s = build_job_scenario(S, j, from, to, &scen[i], err);
        built = i + 1;
        if (s == SIM_OK && i == 0) {
            snprintf(scen[0].name, sizeof scen[0].name, "baseline");
            snprintf(scen[0].name_zh, sizeof scen[0].name_zh, "基准");
            snprintf(scen[0].description, sizeof scen[0].description, "The %s as it is: no reform.",
                     j->city ? "city" : "district");
            snprintf(scen[0].description_zh, sizeof scen[0].description_zh, "%s",
                     j->city ? "全市现状：不实施改革。" : "本区现状：不实施改革。");
        } else if (s == SIM_OK) {
            name_scenario(&scen[i], j, from, to);
        }
    }
    crun_opts co;
    memset(&co, 0, sizeof co);
    progress_arg pa = {S, j};
    char cmd[160];
    if (s == SIM_OK) {
        co.scen = scen;
        co.nscen = nscen;
        co.replicates = j->replicates;
        co.auto_rep = j->auto_rep;
        co.tolerance = ANA_AUTO_TOLERANCE;
        co.max_replicates = SRV_MAX_REPLICATES;
        co.seed_base = j->seed;
        co.threads = S->threads;
        co.nmetrics =
            ana_key_metrics(sim_metric_table, SIM_MET_N, met, ANA_MAX_METRICS, NULL, ANA_EN);
        co.metrics = met;
        co.stop = &j->stop;
        co.out = j->h5;
        co.force = 1;
        snprintf(cmd, sizeof cmd, "troika serve: run %d", j->id);
        co.command_line = cmd;
        co.on_run = on_run;
        co.on_run_arg = &pa;
        if (j->posterior) {
            co.posterior = S->post;
            co.posterior_path = S->post_path;
            co.draws = S->draws;
        }
        int64_t wf, wt;
        s = crun_check(&co, &wf, &wt, err);
    }
    if (s == SIM_OK)
        s = crun_run(&co, &table, info, err);
    if (s == SIM_OK)
        s = ana_cmpfile_open(&cf, j->h5, err);
    if (s == SIM_OK)
        s = ana_report_html(cf, ANA_EN, &html[0], err);
    if (s == SIM_OK)
        s = ana_report_html(cf, ANA_ZH, &html[1], err);
    ana_cmpfile_close(cf);
    ana_table_destroy(table);
    ana_cmp_post_destroy(info->post);
    info->post = NULL;
    for (int i = 0; i < built; i++)
        scn_free(&scen[i]);
    return s;
}

static void *worker(void *arg)
{
    srv_server *S = arg;
    pthread_mutex_lock(&S->mu);
    for (;;) {
        job *j = NULL;
        while (!S->quit && !(j = next_queued(S)))
            pthread_cond_wait(&S->cv, &S->mu);
        if (S->quit)
            break;
        j->state = JOB_RUNNING;
        j->t0 = now_seconds();
        pthread_mutex_unlock(&S->mu);

        sim_error err;
        sim_error_clear(&err);
        char *html[2] = {NULL, NULL};
        crun_info info;
        memset(&info, 0, sizeof info);
        sim_status s = run_job(S, j, html, &info, &err);

        pthread_mutex_lock(&S->mu);
        j->seconds = now_seconds() - j->t0;
        j->replicates_run = info.replicates;
        if (s == SIM_OK) {
            j->html[0] = html[0];
            j->html[1] = html[1];
            j->state = JOB_DONE;
        } else {
            free(html[0]);
            free(html[1]);
            j->state = j->stop ? JOB_CANCELLED : JOB_FAILED;
            if (!j->stop)
                snprintf(j->error, sizeof j->error, "%s%s%s", err.key, err.key[0] ? ": " : "",
                         err.msg);
            unlink(j->h5);
        }
        if (S->log)
            fprintf(S->log, "troika serve: run %d %s (%.1f s)%s%s\n", j->id,
                    job_state_name[j->state], j->seconds, j->error[0] ? ": " : "", j->error);
    }
    pthread_mutex_unlock(&S->mu);
    return NULL;
}

/* ---- reading a request ---------------------------------------------------------------- */

typedef struct {
    char buf[SRV_BODY_MAX + 1];
    size_t n;
    int too_big;
} conn_body;

/* Field `field` as parameter `key` (its type and bounds); 0 with a
 * message when the table does not allow it. */
static int run_field(const char *key, const char *field, const char *text, double *v, char *msg,
                     size_t nmsg)
{
    sim_error err;
    sim_error_clear(&err);
    if (sim_param_parse(sim_param_find(key), text, v, NULL, 0, &err) == SIM_OK)
        return 1;
    snprintf(msg, nmsg, "%s: %.400s", field, err.msg);
    return 0;
}

/* Fill job j from the form fields of body (modified in place).  A 400
 * message into msg on any field the parameter table does not allow. */
static int parse_job(const srv_server *S, char *body, job *j, char *msg, size_t nmsg)
{
    char *lever_text[SRV_MAX_LEVERS];
    int nl = 0;
    const char *days = NULL, *reps = NULL, *seed = NULL, *mode = NULL, *scope = NULL, *post = NULL;
    sim_error err;
    sim_error_clear(&err);
    for (char *save = NULL, *f = strtok_r(body, "&", &save); f; f = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(f, '=');
        if (!eq) {
            snprintf(msg, nmsg, "malformed field '%.60s' (allowed: name=value)", f);
            return 0;
        }
        *eq = '\0';
        char *v = eq + 1;
        for (char *c = v; *c; c++)
            if (*c == '+')
                *c = ' ';
        MHD_http_unescape(f);
        MHD_http_unescape(v);
        const char **slot = NULL;
        if (!strcmp(f, "lever")) {
            if (nl == SRV_MAX_LEVERS) {
                snprintf(msg, nmsg, "too many reforms (allowed: at most %d)", SRV_MAX_LEVERS);
                return 0;
            }
            lever_text[nl++] = v;
            continue;
        }
        if (!strcmp(f, "days"))
            slot = &days;
        else if (!strcmp(f, "replicates"))
            slot = &reps;
        else if (!strcmp(f, "seed"))
            slot = &seed;
        else if (!strcmp(f, "mode"))
            slot = &mode;
        else if (!strcmp(f, "scope"))
            slot = &scope;
        else if (!strcmp(f, "posterior"))
            slot = &post;
        if (!slot) {
            snprintf(msg, nmsg,
                     "unknown field '%.60s' (allowed: lever, mode, scope, replicates, days, "
                     "seed, posterior)",
                     f);
            return 0;
        }
        if (*slot) {
            snprintf(msg, nmsg, "field '%s' given twice", f);
            return 0;
        }
        *slot = v;
    }
    if (nl == 0) {
        snprintf(msg, nmsg, "no reform chosen (lever=KEY:VALUE:YEAR)");
        return 0;
    }
    j->city = 0;
    if (scope && !strcmp(scope, "city")) {
        if (!S->has_city) {
            snprintf(msg, nmsg, "the whole city is not offered (start troika serve with --city)");
            return 0;
        }
        j->city = 1;
    } else if (scope && strcmp(scope, "district")) {
        snprintf(msg, nmsg, "scope '%.40s' is not allowed (allowed: district, city)", scope);
        return 0;
    }
    j->mode = MODE_ALONE;
    if (mode) {
        int m = 0;
        for (int k = 1; k <= MODE_BOTH; k++)
            if (!strcmp(mode, mode_name[k]))
                m = k;
        if (!m) {
            snprintf(msg, nmsg, "mode '%.40s' is not allowed (allowed: alone, together, both)",
                     mode);
            return 0;
        }
        j->mode = m;
    }
    double v;
    j->days = S->scope_days[j->city];
    if (days && !run_field("run.days", "days", days, &v, msg, nmsg))
        return 0;
    if (days)
        j->days = (int64_t)v;
    j->seed = 1;
    if (seed && !run_field("run.seed", "seed", seed, &v, msg, nmsg))
        return 0;
    if (seed)
        j->seed = (uint64_t)v;
    j->replicates = 10;
    j->auto_rep = 0;
    if (reps && !strcmp(reps, "auto")) {
        j->auto_rep = 1;
    } else if (reps) {
        char *end;
        errno = 0;
        long long r = strtoll(reps, &end, 10);
        if (!*reps || *end || errno || r < 2 || r > SRV_MAX_REPLICATES) {
            snprintf(msg, nmsg, "replicates '%.40s' is not allowed (allowed: 2 to %d, or auto)",
                     reps, SRV_MAX_REPLICATES);
            return 0;
        }
        j->replicates = r;
    }
    j->posterior = 0;
    if (post && !strcmp(post, "1")) {
        if (!S->post) {
            snprintf(msg, nmsg, "no posterior is offered (start troika serve with --posterior)");
            return 0;
        }
        if (j->auto_rep) {
            snprintf(msg, nmsg,
                     "replicates 'auto' is not allowed under the posterior (allowed: "
                     "2 to %d replicates a draw)",
                     SRV_MAX_REPLICATES);
            return 0;
        }
        j->posterior = 1;
    } else if (post && strcmp(post, "0")) {
        snprintf(msg, nmsg, "posterior '%.40s' is not allowed (allowed: 0, 1)", post);
        return 0;
    }
    int years = (int)((j->days + 364) / 365);
    for (int l = 0; l < nl; l++) {
        char *t = lever_text[l];
        char *c2 = strrchr(t, ':');
        char *c1 = c2 ? memchr(t, ':', (size_t)(c2 - t)) : NULL;
        if (!c1) {
            snprintf(msg, nmsg, "lever '%.80s' is malformed (allowed: KEY:VALUE:YEAR)", t);
            return 0;
        }
        *c1 = *c2 = '\0';
        int i = sim_param_find(t);
        if (i < 0 || !(sim_param_table[i].flags & SIM_PF_MUTABLE) ||
            (sim_param_table[i].flags & SIM_PF_UNIMPL)) {
            snprintf(msg, nmsg, "'%.80s' is not a lever of the parameter table", t);
            return 0;
        }
        for (int k = 0; k < l; k++)
            if (j->lever[k].param == i) {
                snprintf(msg, nmsg, "lever %s chosen twice", t);
                return 0;
            }
        if (sim_param_parse(i, c1 + 1, &v, NULL, 0, &err) != SIM_OK) {
            snprintf(msg, nmsg, "%.80s: %.400s", t, err.msg);
            return 0;
        }
        char *end;
        errno = 0;
        long y = strtol(c2 + 1, &end, 10);
        if (!c2[1] || *end || errno || y < 1 || y > years) {
            snprintf(msg, nmsg, "%s: start year '%.20s' is not allowed (allowed: 1 to %d)", t,
                     c2 + 1, years);
            return 0;
        }
        j->lever[l].param = i;
        j->lever[l].value = v;
        j->lever[l].year = (int)y;
    }
    j->nlever = nl;
    return 1;
}

/* ---- answering -------------------------------------------------------------------------- */

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status, const char *ctype,
                                const char *body, size_t len, const char *csp,
                                const char *disposition)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    if (csp)
        MHD_add_response_header(r, "Content-Security-Policy", csp);
    if (disposition)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, ana_sbuf *sb)
{
    if (sb->oom) {
        ana_sbuf_free(sb);
        return MHD_NO;
    }
    enum MHD_Result r = send_buf(c, status, "application/json; charset=utf-8", sb->p ? sb->p : "",
                                 sb->n, NULL, NULL);
    ana_sbuf_free(sb);
    return r;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    ana_sbuf_put(&sb, "{\"error\":");
    ana_sbuf_json(&sb, msg);
    ana_sbuf_put(&sb, "}");
    return send_json(c, status, &sb);
}

/* The page's own policy: everything from this server, nothing else. */
static const char page_csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; frame-src 'self'; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'none'";
/* A report: as its own meta element says, and only framed by the page. */
static const char report_csp[] =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

static void put_config(srv_server *S, ana_sbuf *sb)
{
    int d = sim_param_find("run.days");
    ana_sbuf_printf(sb,
                    "{\"lang\":\"%s\",\"days\":{\"min\":%g,\"max\":%g,\"district\":%lld,"
                    "\"city\":%lld},\"compounds\":{\"district\":%lld,\"city\":%lld},"
                    "\"city\":%s,\"replicates\":{\"min\":2,\"max\":%d,\"value\":10},"
                    "\"tolerance\":%g,\"queue_max\":%d,\"max_levers\":%d,"
                    "\"posterior\":{\"available\":%s,\"draws\":%d,\"file\":",
                    S->lang == ANA_ZH ? "zh" : "en", sim_param_table[d].lo, sim_param_table[d].hi,
                    (long long)S->scope_days[0], (long long)S->scope_days[1],
                    (long long)S->scope_compounds[0], (long long)S->scope_compounds[1],
                    S->has_city ? "true" : "false", SRV_MAX_REPLICATES, ANA_AUTO_TOLERANCE,
                    SRV_QUEUE_MAX, SRV_MAX_LEVERS, S->post ? "true" : "false", S->draws);
    ana_sbuf_json(sb, S->post_path ? S->post_path : "");
    ana_sbuf_put(sb, "}}");
}

/* The WEB_* rows of analysis/ui.def, "%%" read as "%". */
typedef struct {
    const char *id, *text[2];
} ui_row;
static const ui_row ui_rows[] = {
#define S(id, en, zh) {#id, {en, zh}},
#include "ui.def"
#undef S
};

static void put_strings(ana_sbuf *sb)
{
    ana_sbuf_put(sb, "{");
    for (int L = 0; L < 2; L++) {
        ana_sbuf_printf(sb, "%s\"%s\":{", L ? "," : "", L ? "zh" : "en");
        int first = 1;
        for (size_t k = 0; k < sizeof ui_rows / sizeof ui_rows[0]; k++) {
            if (strncmp(ui_rows[k].id, "WEB_", 4))
                continue;
            ana_sbuf t;
            ana_sbuf_init(&t);
            for (const char *c = ui_rows[k].text[L]; *c; c++) {
                ana_sbuf_putn(&t, c, 1);
                if (c[0] == '%' && c[1] == '%')
                    c++;
            }
            ana_sbuf_printf(sb, "%s\"%s\":", first ? "" : ",", ui_rows[k].id + 4);
            ana_sbuf_json(sb, t.p ? t.p : "");
            ana_sbuf_free(&t);
            first = 0;
        }
        ana_sbuf_put(sb, "}");
    }
    ana_sbuf_put(sb, "}");
}

static void put_levers(ana_sbuf *sb)
{
    ana_sbuf_put(sb, "[");
    int first = 1;
    for (int i = 0; i < sim_param_count; i++) {
        const sim_param_desc *d = &sim_param_table[i];
        if (!(d->flags & SIM_PF_MUTABLE) || (d->flags & SIM_PF_UNIMPL))
            continue;
        ana_sbuf_printf(sb, "%s{\"key\":", first ? "" : ",");
        ana_sbuf_json(sb, d->key);
        ana_sbuf_printf(sb, ",\"type\":\"%s\",\"lo\":%.17g,\"hi\":%.17g,\"def\":%.17g,\"unit\":",
                        d->type == SIM_P_REAL  ? "real"
                        : d->type == SIM_P_INT ? "int"
                                               : "bool",
                        d->lo, d->hi, d->def);
        ana_sbuf_json(sb, d->unit);
        ana_sbuf_put(sb, ",\"unit_en\":");
        ana_sbuf_json(sb, ana_unit_label(d->unit, ANA_EN));
        ana_sbuf_put(sb, ",\"unit_zh\":");
        ana_sbuf_json(sb, ana_unit_label(d->unit, ANA_ZH));
        ana_sbuf_put(sb, ",\"doc_en\":");
        ana_sbuf_json(sb, d->doc_en);
        ana_sbuf_put(sb, ",\"doc_zh\":");
        ana_sbuf_json(sb, d->doc_zh);
        ana_sbuf_put(sb, "}");
        first = 0;
    }
    ana_sbuf_put(sb, "]");
}

static void put_runs(srv_server *S, ana_sbuf *sb)
{
    ana_sbuf_printf(sb, "{\"queue_max\":%d,\"runs\":[", SRV_QUEUE_MAX);
    for (int i = S->njobs - 1; i >= 0; i--) { /* newest first */
        const job *j = S->jobs[i];
        double secs = j->state == JOB_RUNNING ? now_seconds() - j->t0 : j->seconds;
        ana_sbuf_printf(sb,
                        "%s{\"id\":%d,\"state\":\"%s\",\"done\":%lld,\"total\":%lld,"
                        "\"seconds\":%.1f,\"mode\":\"%s\",\"scope\":\"%s\",\"days\":%lld,"
                        "\"seed\":%llu,\"posterior\":%s,\"replicates\":",
                        i == S->njobs - 1 ? "" : ",", j->id, job_state_name[j->state],
                        (long long)j->done, (long long)j->total, secs, mode_name[j->mode],
                        j->city ? "city" : "district", (long long)j->days,
                        (unsigned long long)j->seed, j->posterior ? "true" : "false");
        if (j->auto_rep)
            ana_sbuf_put(sb, "\"auto\"");
        else
            ana_sbuf_printf(sb, "%lld", (long long)j->replicates);
        ana_sbuf_printf(sb, ",\"replicates_run\":%lld,\"error\":", (long long)j->replicates_run);
        ana_sbuf_json(sb, j->error);
        ana_sbuf_put(sb, ",\"levers\":[");
        for (int l = 0; l < j->nlever; l++) {
            ana_sbuf_printf(sb, "%s{\"key\":", l ? "," : "");
            ana_sbuf_json(sb, sim_param_table[j->lever[l].param].key);
            ana_sbuf_printf(sb, ",\"value\":%.15g,\"year\":%d}", j->lever[l].value,
                            j->lever[l].year);
        }
        ana_sbuf_put(sb, "]}");
    }
    ana_sbuf_put(sb, "]}");
}

/* "/runs/N/..." or "/api/runs/N/...": the job of id N, or NULL.  Under mu. */
static job *job_of(srv_server *S, const char *url, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);
    if (strncmp(url, prefix, n))
        return NULL;
    char *end;
    errno = 0;
    long id = strtol(url + n, &end, 10);
    if (end == url + n || errno || id < 1 || id > S->njobs || *end != '/')
        return NULL;
    *rest = end;
    return S->jobs[id - 1];
}

static enum MHD_Result post_run(srv_server *S, struct MHD_Connection *c, conn_body *b)
{
    char msg[600];
    job *j = calloc(1, sizeof *j);
    if (!j)
        return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    b->buf[b->n] = '\0';
    if (!parse_job(S, b->buf, j, msg, sizeof msg)) {
        free(j);
        return send_error(c, MHD_HTTP_BAD_REQUEST, msg);
    }
    pthread_mutex_lock(&S->mu);
    const char *refuse = NULL;
    if (count_queued(S) >= SRV_QUEUE_MAX)
        refuse = "the queue is full: wait for a run to finish, or cancel one";
    else if (S->njobs >= SRV_RUNS_MAX)
        refuse = "this session has run as many jobs as it keeps: restart troika serve";
    if (refuse) {
        pthread_mutex_unlock(&S->mu);
        free(j);
        return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, refuse);
    }
    j->id = S->njobs + 1;
    j->state = JOB_QUEUED;
    snprintf(j->h5, sizeof j->h5, "%s/run-%d.h5", S->dir, j->id);
    S->jobs[S->njobs++] = j;
    pthread_cond_signal(&S->cv);
    int id = j->id;
    pthread_mutex_unlock(&S->mu);
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    ana_sbuf_printf(&sb, "{\"id\":%d}", id);
    return send_json(c, MHD_HTTP_ACCEPTED, &sb);
}

static enum MHD_Result cancel_run(srv_server *S, struct MHD_Connection *c, job *j)
{
    pthread_mutex_lock(&S->mu);
    job_state st = j->state;
    if (st == JOB_QUEUED)
        j->state = JOB_CANCELLED;
    if (st == JOB_QUEUED || st == JOB_RUNNING)
        j->stop = 1;
    pthread_mutex_unlock(&S->mu);
    if (st != JOB_QUEUED && st != JOB_RUNNING)
        return send_error(c, MHD_HTTP_CONFLICT, "the run has already ended");
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    ana_sbuf_put(&sb, "{\"ok\":true}");
    return send_json(c, MHD_HTTP_OK, &sb);
}

static enum MHD_Result get_report(srv_server *S, struct MHD_Connection *c, job *j)
{
    const char *lang_text = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    const char *dl = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "download");
    ana_lang L = S->lang;
    sim_error err;
    if (lang_text && ana_lang_parse(lang_text, &L, "lang", &err) != SIM_OK)
        return send_error(c, MHD_HTTP_BAD_REQUEST, "lang: allowed en, zh");
    pthread_mutex_lock(&S->mu);
    char *copy = j->state == JOB_DONE && j->html[L] ? strdup(j->html[L]) : NULL;
    int id = j->id;
    pthread_mutex_unlock(&S->mu);
    if (!copy)
        return send_error(c, MHD_HTTP_NOT_FOUND, "this run has no report (not done)");
    char disp[96];
    snprintf(disp, sizeof disp, "attachment; filename=\"troika-run-%d-%s.html\"", id,
             L == ANA_ZH ? "zh" : "en");
    enum MHD_Result r = send_buf(c, MHD_HTTP_OK, "text/html; charset=utf-8", copy, strlen(copy),
                                 report_csp, dl ? disp : NULL);
    free(copy);
    return r;
}

static enum MHD_Result get_h5(srv_server *S, struct MHD_Connection *c, job *j)
{
    pthread_mutex_lock(&S->mu);
    int ok = j->state == JOB_DONE;
    int fd = ok ? open(j->h5, O_RDONLY | O_CLOEXEC) : -1;
    int id = j->id;
    pthread_mutex_unlock(&S->mu);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return send_error(c, MHD_HTTP_NOT_FOUND, "this run has no compare file (not done)");
    }
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    char disp[96];
    snprintf(disp, sizeof disp, "attachment; filename=\"troika-run-%d.h5\"", id);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/x-hdf5");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disp);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result route(srv_server *S, struct MHD_Connection *c, const char *url,
                             const char *method, conn_body *b)
{
    int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    int post = !strcmp(method, "POST");
    if (b->too_big)
        return send_error(c, 413, "request body too large");
    if (get) {
        if (!strcmp(url, "/"))
            url = "/index.html";
        for (int k = 0; k < srv_nassets; k++)
            if (!strcmp(url, srv_assets[k].path))
                return send_buf(c, MHD_HTTP_OK, srv_assets[k].type,
                                (const char *)srv_assets[k].data, srv_assets[k].size, page_csp,
                                NULL);
    }
    ana_sbuf sb;
    ana_sbuf_init(&sb);
    if (get && !strcmp(url, "/api/config")) {
        put_config(S, &sb);
        return send_json(c, MHD_HTTP_OK, &sb);
    }
    if (get && !strcmp(url, "/api/strings")) {
        put_strings(&sb);
        return send_json(c, MHD_HTTP_OK, &sb);
    }
    if (get && !strcmp(url, "/api/levers")) {
        put_levers(&sb);
        return send_json(c, MHD_HTTP_OK, &sb);
    }
    if (get && !strcmp(url, "/api/runs")) {
        pthread_mutex_lock(&S->mu);
        put_runs(S, &sb);
        pthread_mutex_unlock(&S->mu);
        return send_json(c, MHD_HTTP_OK, &sb);
    }
    if (post && !strcmp(url, "/api/runs"))
        return post_run(S, c, b);
    const char *rest = NULL;
    pthread_mutex_lock(&S->mu);
    job *j = job_of(S, url, "/api/runs/", &rest);
    job *k = j ? NULL : job_of(S, url, "/runs/", &rest);
    pthread_mutex_unlock(&S->mu);
    if (post && j && !strcmp(rest, "/cancel"))
        return cancel_run(S, c, j);
    if (get && k && !strcmp(rest, "/report.html"))
        return get_report(S, c, k);
    if (get && k && !strcmp(rest, "/compare.h5"))
        return get_h5(S, c, k);
    if (!get && !post)
        return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "allowed methods: GET, POST");
    return send_error(c, MHD_HTTP_NOT_FOUND, "no such page");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    srv_server *S = cls;
    conn_body *b = *con_cls;
    if (!b) { /* the headers: set up the body */
        b = calloc(1, sizeof *b);
        if (!b)
            return MHD_NO;
        *con_cls = b;
        return MHD_YES;
    }
    if (*upload_size) {
        if (b->n + *upload_size > SRV_BODY_MAX)
            b->too_big = 1;
        else {
            memcpy(b->buf + b->n, upload_data, *upload_size);
            b->n += *upload_size;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    return route(S, c, url, method, b);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

/* ---- create and destroy ------------------------------------------------------------------- */

/* Days and compounds of a scope's base scenario (checks the file early). */
static sim_status scope_probe(srv_server *S, int scope, sim_error *err)
{
    scn_scenario sc;
    cu_scenario_opts so = {0};
    so.scenario = S->scope_file[scope];
    so.sets = (const char **)S->sets;
    so.nsets = S->nsets;
    sim_status s = cu_build_scenario(&sc, &so, err);
    if (s == SIM_OK) {
        S->scope_days[scope] = (int64_t)sim_param_get(&sc.params, sim_param_find("run.days"));
        S->scope_compounds[scope] =
            (int64_t)sim_param_get(&sc.params, sim_param_find("city.compounds"));
    }
    scn_free(&sc);
    return s;
}

sim_status srv_create(srv_server **out, const srv_opts *o, sim_error *err)
{
    *out = NULL;
    srv_server *S = calloc(1, sizeof *S);
    if (!S)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    pthread_mutex_init(&S->mu, NULL);
    pthread_cond_init(&S->cv, NULL);
    S->lang = o->lang;
    S->scope_file[0] = o->district;
    S->scope_file[1] = o->city;
    S->has_city = o->city != NULL;
    S->sets = o->sets;
    S->nsets = o->nsets;
    S->threads = o->threads > 0 ? o->threads : 1;
    S->log = o->log;
    sim_status s = SIM_OK;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)o->port);
    const char *host = o->host ? o->host : "127.0.0.1";
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        s = SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--host",
                     "'%s' is not allowed (allowed: an IPv4 address such as 127.0.0.1)", host);
        goto fail;
    }
    if (o->port < 0 || o->port > 65535) {
        s = SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--port",
                     "%d is not allowed (allowed: 0 to 65535; 0 = any free port)", o->port);
        goto fail;
    }
    s = scope_probe(S, 0, err);
    if (s == SIM_OK && S->has_city)
        s = scope_probe(S, 1, err);
    if (s == SIM_OK && o->posterior) {
        S->post_path = o->posterior;
        S->draws = o->draws >= 2 ? o->draws : 20;
        s = abs_read(&S->post, o->posterior, err);
        if (s != SIM_OK && !err->key[0])
            snprintf(err->key, sizeof err->key, "--posterior");
    }
    if (s != SIM_OK)
        goto fail;
    const char *tmp = getenv("TMPDIR");
    snprintf(S->dir, sizeof S->dir, "%s/troika-serve-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(S->dir)) {
        s = SIM_FAIL(err, SIM_EIO, S->dir, 0, NULL, "cannot create a private folder: %s",
                     strerror(errno));
        S->dir[0] = '\0';
        goto fail;
    }
    S->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL, NULL, on_request, S,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)32, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)30, MHD_OPTION_NOTIFY_COMPLETED, on_completed, S, MHD_OPTION_END);
    if (!S->daemon) {
        s = SIM_FAIL(err, SIM_EIO, NULL, 0, "--port",
                     "cannot listen on %s port %d (in use, or not allowed)", host, o->port);
        goto fail;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(S->daemon, MHD_DAEMON_INFO_BIND_PORT);
    S->port = di ? di->port : o->port;
    if (pthread_create(&S->worker, NULL, worker, S) != 0) {
        s = SIM_FAIL(err, SIM_EIO, NULL, 0, NULL, "cannot start the worker thread");
        goto fail;
    }
    S->worker_started = 1;
    *out = S;
    return SIM_OK;
fail:
    srv_destroy(S);
    return s;
}

int srv_port(const srv_server *srv)
{
    return srv->port;
}

void srv_destroy(srv_server *S)
{
    if (!S)
        return;
    if (S->daemon)
        MHD_stop_daemon(S->daemon);
    pthread_mutex_lock(&S->mu);
    S->quit = 1;
    for (int i = 0; i < S->njobs; i++)
        S->jobs[i]->stop = 1;
    pthread_cond_broadcast(&S->cv);
    pthread_mutex_unlock(&S->mu);
    if (S->worker_started)
        pthread_join(S->worker, NULL);
    for (int i = 0; i < S->njobs; i++) {
        unlink(S->jobs[i]->h5);
        job_free(S->jobs[i]);
    }
    if (S->dir[0])
        rmdir(S->dir);
    pthread_mutex_destroy(&S->mu);
    pthread_cond_destroy(&S->cv);
    abs_destroy(S->post);
    free(S);
}
