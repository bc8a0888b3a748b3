/* sim/serve.h — `troika serve`: the reform explorer, a local web application.
 *
 * HOW IT WORKS.  A libmicrohttpd daemon (its own polling thread) answers
 * the page (index.html, app.js, app.css: sim/www/, embedded at build time),
 * a small JSON API and the downloads; one worker thread runs the jobs, one
 * at a time, from a bounded queue (SRV_QUEUE_MAX waiting jobs; more are
 * refused with 503).  A job is a comparison: the baseline (the district,
 * or the city file given with --city) and one scenario per reform chosen,
 * alone, together, or both; it runs through the compare machinery
 * (analysis/compare.h, common random numbers, the same compare file) and
 * its report is built by analysis/report.h in both languages as soon as it
 * is done.  Runs are numbered 1, 2, ... and stay listed for the session.
 *
 * The lever list is generated at run time from the parameter table: every
 * parameter a policy may change (SIM_PF_MUTABLE) whose mechanism exists
 * (not SIM_PF_UNIMPL), with its bounds, unit and both descriptions.  A
 * request is accepted only when every field is one the table allows
 * (sim_param_parse checks type and bounds); anything else is a 400 with a
 * message, and the server stays up.  It reads no file but the ones named
 * on its command line; compare files go to a fresh private folder under
 * $TMPDIR that srv_destroy() removes.
 *
 * API (all answers JSON unless said):
 *   GET  /api/config        languages, days, replicates, scopes, posterior
 *   GET  /api/strings       the page's strings (analysis/ui.def, WEB_*), en+zh
 *   GET  /api/levers        the levers
 *   GET  /api/runs          every run: id, state, progress, labels, error
 *   POST /api/runs          form-encoded: lever=KEY:VALUE:YEAR (repeatable),
 *                           mode=alone|together|both, scope=district|city,
 *                           replicates=N|auto, days=N, seed=N, posterior=0|1
 *                           (1: under the --posterior file, its --draws draws,
 *                           N replicates each: analysis/compare.h)
 *   POST /api/runs/N/cancel a queued or running job
 *   GET  /runs/N/report.html?lang=en|zh[&download=1]   the report (HTML)
 *   GET  /runs/N/compare.h5                            the compare file
 *
 * Threads: the daemon's thread and the worker share the job list under one
 * mutex; HDF5 is used by the worker only.  srv_destroy() stops the daemon,
 * cancels the running job (its runs stop at the next day), joins the
 * worker and frees everything.
 */
#ifndef TROIKA_SIM_SERVE_H
#define TROIKA_SIM_SERVE_H

#include <stdio.h>

#include "ui.h"
#include "err.h"

#define SRV_QUEUE_MAX 4        /* jobs waiting behind the running one */
#define SRV_RUNS_MAX 200       /* runs kept listed in one session */
#define SRV_MAX_LEVERS 16      /* reforms in one job */
#define SRV_MAX_REPLICATES 200 /* fixed replicates, and the cap of auto */
#define SRV_BODY_MAX 8192      /* bytes of a request body */

typedef struct srv_server srv_server;

typedef struct {
    const char *host;        /* IPv4 address to listen on ("127.0.0.1") */
    int port;                /* 0: a free port chosen by the kernel */
    ana_lang lang;           /* the page's first language */
    const char *district;    /* scenario file of the district; NULL: the
                                  embedded default district */
    const char *city;        /* scenario file of the whole city; NULL: the
                                  choice is shown as unavailable */
    const char *const *sets; /* --set KEY=VALUE for every scenario */
    int nsets;
    int threads;           /* OpenMP threads over a job's runs */
    FILE *log;             /* one line per job (may be NULL) */
    const char *posterior; /* a calibration posterior (troika calibrate
                                  --method abc-smc) a run may be made under;
                                  NULL: parameter uncertainty not offered */
    int draws;             /* with posterior: draws a run (>= 2) */
} srv_opts;

/* Start listening; the worker waits for jobs.  SIM_EINPUT for a bad host
 * or unreadable scenario file, SIM_EIO when the port cannot be bound. */
sim_status srv_create(srv_server **srv, const srv_opts *o, sim_error *err);

/* The port listened on (the kernel's choice when opts.port was 0). */
int srv_port(const srv_server *srv);

/* Stop and free (NULL: nothing). */
void srv_destroy(srv_server *srv);

#endif
