/* sim/cli_serve.c — see cli_serve.h. */
#include "cli_serve.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "ui.h"
#include "cli_util.h"
#include "ctx.h"
#include "serve.h"

#define SERVE_OPTS(X)                                                                              \
    X(SRV_PORT, "--port", NULL, "N", CLO_VALUE, NULL,                                              \
      "port to listen on (default 8017; 0: any free port, the address printed says which)")        \
    X(SRV_HOST, "--host", NULL, "ADDR", CLO_VALUE, NULL,                                           \
      "IPv4 address to listen on (default 127.0.0.1: this machine only)")                          \
    X(SRV_LANG, "--lang", NULL, "en|zh", CLO_VALUE, "en|zh",                                       \
      "the page's first language (default en)")                                                    \
    X(SRV_DISTRICT, "--district", NULL, "FILE", CLO_VALUE, NULL,                                   \
      "the district's scenario file (default: the embedded default district)")                     \
    X(SRV_CITY, "--city", NULL, "FILE", CLO_VALUE, NULL,                                           \
      "the whole city's scenario file, e.g. scenarios/shanghai.ini (without it the page "          \
      "offers the district only)")                                                                 \
    X(SRV_SET, "--set", NULL, "KEY=VALUE", CLO_LIST, NULL,                                         \
      "a parameter for every run (repeatable)")                                                    \
    X(SRV_THREADS, "--threads", NULL, "N", CLO_VALUE, NULL,                                        \
      "OpenMP threads over a job's runs (default: all cores)")                                     \
    X(SRV_POSTERIOR, "--posterior", NULL, "POST.h5", CLO_VALUE, NULL,                              \
      "offer parameter uncertainty: a run may be made under this calibration posterior "           \
      "(troika calibrate --method abc-smc), as `troika compare --posterior` does")                 \
    X(SRV_DRAWS, "--draws", NULL, "D", CLO_VALUE, NULL,                                            \
      "with --posterior: posterior draws a run (default 20)")

enum { SERVE_OPTS(CLO_ENUM) SRV_NOPTS };
static const clo_opt serve_opts[] = {SERVE_OPTS(CLO_ROW)};

const clo_spec cli_spec_serve = {
    "serve",
    "troika serve [--port N] [--host ADDR] [--lang en|zh] [--city FILE.ini]\n"
    "             [--district FILE.ini] [--set KEY=VALUE]... [--threads N]\n"
    "             [--posterior POST.h5 [--draws D]]",
    "Start the reform explorer: a web page on this machine where one picks\n"
    "reforms (every lever of the parameter table, its intensity and start\n"
    "year), alone or together, for the district or the whole city, runs them\n"
    "against the baseline with replicates (as `troika compare` does), follows\n"
    "the progress, cancels, reads the report in English or Chinese, and\n"
    "downloads it with the compare file.  Runs go one at a time, at most\n"
    "4 waiting.  Open the address it prints in a browser; Ctrl-C stops it.\n",
    serve_opts,
    SRV_NOPTS,
    "It reads no file but those named here; compare files go to a private\n"
    "folder under $TMPDIR, removed when it stops.\n"
    "\n"
    "Example:\n"
    "  troika serve --lang zh --city scenarios/shanghai.ini\n",
    0,
    "unexpected argument '%s'",
    NULL,
};

int cli_cmd_serve(int argc, char **argv)
{
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    sim_error *err = &ctx.err;
    clo_args a;
    int rc = clo_parse(&cli_spec_serve, argc, argv, &a);
    const char *port = clo_get(&a, SRV_PORT), *host = clo_get(&a, SRV_HOST);
    const char *lang_text = clo_get(&a, SRV_LANG), *city = clo_get(&a, SRV_CITY);
    const char *district = clo_get(&a, SRV_DISTRICT), *threads = clo_get(&a, SRV_THREADS);
    const char *posterior = clo_get(&a, SRV_POSTERIOR), *draws = clo_get(&a, SRV_DRAWS);
    const char **sets = calloc((size_t)a.nlist + 1, sizeof *sets);
    int nsets = sets ? clo_all(&a, SRV_SET, sets) : 0;
    clo_args_free(&a); /* the values are argv's */
    srv_server *srv = NULL;
    srv_opts so = {0};
    so.lang = ANA_EN;
    so.port = 8017;
    so.threads = ctx.threads;
    if (rc != CLO_OK) {
        rc = rc == CLO_HELP ? 0 : rc;
        goto done;
    }
    if (!sets) {
        rc = 1;
        goto done;
    }
    if (port) {
        long long v;
        if (cu_opt_int(port, 0, 65535, "--port", &v, err) != SIM_OK)
            goto fail;
        so.port = (int)v;
    }
    if (lang_text && ana_lang_parse(lang_text, &so.lang, "--lang", err) != SIM_OK)
        goto fail;
    if (threads && cu_opt_threads(threads, &so.threads, err) != SIM_OK)
        goto fail;
    if (draws && !posterior) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--draws", "only with --posterior");
        goto fail;
    }
    so.draws = 20;
    if (draws) {
        long long v;
        if (cu_opt_int(draws, 2, 100000, "--draws", &v, err) != SIM_OK)
            goto fail;
        so.draws = (int)v;
    }
    so.posterior = posterior;
    so.host = host;
    so.city = city;
    so.district = district;
    so.sets = sets;
    so.nsets = nsets;
    so.log = stderr;
    cu_install_signals(&ctx);
    /* SIGINT and SIGTERM blocked in every thread the server starts (they
     * inherit the mask), so they reach this one, waiting in sigsuspend */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    if (srv_create(&srv, &so, err) != SIM_OK) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        goto fail;
    }
    printf("troika serve: http://%s:%d/  (Ctrl-C to stop)\n", host ? host : "127.0.0.1",
           srv_port(srv));
    fflush(stdout);
    while (!sim_ctx_stopping(&ctx))
        sigsuspend(&old); /* returns after the handler raised ctx.stop */
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    srv_destroy(srv);
    srv = NULL;
    fprintf(stderr, "troika serve: stopped\n");
    rc = 0;
    goto done;
fail:
    rc = cu_report(err);
done:
    srv_destroy(srv);
    free(sets);
    return rc;
}
