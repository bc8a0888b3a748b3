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

const char cli_help_serve[] =
    "Usage: troika serve [--port N] [--host ADDR] [--lang en|zh] [--city FILE.ini]\n"
    "                    [--district FILE.ini] [--set KEY=VALUE]... [--threads N]\n"
    "\n"
    "Start the reform explorer: a web page on this machine where one picks\n"
    "reforms (every lever of the parameter table, its intensity and start\n"
    "year), alone or together, for the district or the whole city, runs them\n"
    "against the baseline with replicates (as `troika compare` does), follows\n"
    "the progress, cancels, reads the report in English or Chinese, and\n"
    "downloads it with the compare file.  Runs go one at a time, at most\n"
    "4 waiting.  Open the address it prints in a browser; Ctrl-C stops it.\n"
    "\n"
    "Options:\n"
    "      --port N           port to listen on (default 8017; 0: any free port,\n"
    "                         the address printed says which)\n"
    "      --host ADDR        IPv4 address to listen on (default 127.0.0.1: this\n"
    "                         machine only)\n"
    "      --lang en|zh       the page's first language (default en)\n"
    "      --district FILE    the district's scenario file (default: the embedded\n"
    "                         default district)\n"
    "      --city FILE        the whole city's scenario file, e.g.\n"
    "                         scenarios/shanghai.ini (without it the page offers\n"
    "                         the district only)\n"
    "      --set KEY=VALUE    a parameter for every run (repeatable)\n"
    "      --threads N        OpenMP threads over a job's runs (default: all cores)\n"
    "  -h, --help             this help\n"
    "\n"
    "It reads no file but those named here; compare files go to a private\n"
    "folder under $TMPDIR, removed when it stops.\n"
    "\n"
    "Example:\n"
    "  troika serve --lang zh --city scenarios/shanghai.ini\n";

int cli_cmd_serve(int argc, char **argv)
{
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    sim_error *err = &ctx.err;
    const char *port = NULL, *host = NULL, *lang_text = NULL, *city = NULL, *district = NULL;
    const char *threads = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    int nsets = 0, rc = 2;
    srv_server *srv = NULL;
    srv_opts so = {0};
    so.lang = ANA_EN;
    so.port = 8017;
    so.threads = ctx.threads;
    if (!sets)
        return 1;
    opt_parser o = {argc, argv, 1, NULL, NULL, {0}};
    int kind;
    while ((kind = opt_next(&o))) {
        const char **slot = NULL;
        if (kind == 2) {
            rc = usage_error("serve", "unexpected argument '%s'", o.value);
            goto done;
        }
        if (is_opt(&o, "--help", "-h")) {
            fputs(cli_help_serve, stdout);
            rc = 0;
            goto done;
        }
        if (is_opt(&o, "--port", NULL))
            slot = &port;
        else if (is_opt(&o, "--host", NULL))
            slot = &host;
        else if (is_opt(&o, "--lang", NULL))
            slot = &lang_text;
        else if (is_opt(&o, "--city", NULL))
            slot = &city;
        else if (is_opt(&o, "--district", NULL))
            slot = &district;
        else if (is_opt(&o, "--threads", NULL))
            slot = &threads;
        else if (is_opt(&o, "--set", NULL))
            slot = &sets[nsets++];
        if (!slot) {
            rc = usage_error("serve", "unknown option '%s'", o.name);
            goto done;
        }
        if (!(*slot = opt_value(&o, err)))
            goto fail;
    }
    if (port) {
        long long v;
        if (opt_int(port, 0, 65535, "--port", &v, err) != SIM_OK)
            goto fail;
        so.port = (int)v;
    }
    if (lang_text && ana_lang_parse(lang_text, &so.lang, "--lang", err) != SIM_OK)
        goto fail;
    if (threads && opt_threads(threads, &so.threads, err) != SIM_OK)
        goto fail;
    so.host = host;
    so.city = city;
    so.district = district;
    so.sets = sets;
    so.nsets = nsets;
    so.log = stderr;
    install_signals(&ctx);
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
    rc = report(err);
done:
    srv_destroy(srv);
    free(sets);
    return rc;
}
