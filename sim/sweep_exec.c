/* sim/sweep_exec.c — see sweep_exec.h. */
#include "sweep_exec.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "hold.h"
#include "metrics.h"
#include "progress.h"
#include "runner.h"

#define NOMEM(err) SIM_FAIL((err), SIM_ENOMEM, NULL, 0, NULL, "out of memory")

/* ---- one run ------------------------------------------------------------------ */

sim_status swx_run_one(const swp_sweep *s, int64_t run, double *values, volatile sig_atomic_t *stop,
                       sim_error *err)
{
    const swp_plan *p = &s->plan;
    scn_scenario view;
    swp_run_scenario(s, run, &view);
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    ctx.threads = 1;
    ctx.progress = 0;
    ctx.log = NULL;
    ctx.stop = stop;
    sim_result *r = NULL;
    sim_status st = sim_run(&ctx, &view, &r);
    if (st != SIM_OK) {
        *err = ctx.err;
        if (st != SIM_EINTERRUPT) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "run %lld (design point %lld, seed %llu): %.900s",
                     (long long)run, (long long)swp_point(p, run),
                     (unsigned long long)swp_seed(p, run), ctx.err.msg);
            snprintf(err->msg, sizeof err->msg, "%s", msg);
        }
        sim_error_push(err, __FILE__, __LINE__, __func__);
        return st;
    }
    if (r->days != p->days) {
        sim_result_destroy(r);
        return SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL, "run %lld has %lld days, not %lld",
                        (long long)run, (long long)r->days, (long long)p->days);
    }
    for (int m = 0; m < p->nmetrics; m++)
        for (int64_t d = 0; d < p->days; d++)
            values[m * p->days + d] = sim_result_city(r, d, p->metric[m]);
    sim_result_destroy(r);
    return SIM_OK;
}

/* ---- preparing ---------------------------------------------------------------------- */

void swx_job_free(swx_job *job)
{
    if (!job)
        return;
    sws_parts_close(job->parts);
    free(job->parts_dir);
    free(job->remaining);
    memset(job, 0, sizeof *job);
}

/* Does the existing output hold this sweep with every run of the shard? */
static int output_complete(const swx_job *job)
{
    sws_file *f = NULL;
    sim_error e;
    sim_error_clear(&e);
    if (sws_open(&f, job->out, swp_model_tables(), &e) != SIM_OK)
        return 0;
    const swp_plan *q = sws_file_plan(f);
    int ok = strcmp(q->identity, job->s->plan.identity) == 0 && q->nruns == job->s->plan.nruns;
    for (int64_t r = 0; ok && r < q->nruns; r++)
        if (swx_in_shard(&job->o, r) && !sws_file_done(f)[r])
            ok = 0;
    sws_close(f);
    return ok;
}

/* `out` is a name, and its folder exists, is a folder and is writable
 * (SIM_EINPUT, key "-o", otherwise), so that a bad path is refused before
 * any work. */
static sim_status check_out_folder(const char *out, sim_error *err)
{
    struct stat st;
    if (!out[0])
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "the output file name is empty");
    const char *slash = strrchr(out, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - out) : 1, slash ? out : ".");
    if (slash == out)
        snprintf(dir, sizeof dir, "/");
    if (stat(dir, &st) != 0)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o",
                        "folder %s does not exist (create it first, or choose another path "
                        "than %s)",
                        dir, out);
    if (!S_ISDIR(st.st_mode))
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "%s is not a folder (in %s)", dir, out);
    if (access(dir, W_OK | X_OK) != 0)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "folder %s is not writable (for %s)", dir,
                        out);
    return SIM_OK;
}

sim_status swx_prepare(swx_job *job, const swp_sweep *s, const char *out, const swx_opts *o,
                       sim_error *err)
{
    const swp_plan *p = &s->plan;
    memset(job, 0, sizeof *job);
    job->s = s;
    job->out = out;
    job->o = *o;
    prg_start(&job->meter, o->quiet ? NULL : o->log, "sweep", "runs", 0, 0);
    if (!out || !out[0])
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "an output file is required (-o FILE.h5)");
    size_t n = strlen(out) + 8;
    if (!(job->parts_dir = malloc(n)))
        return NOMEM(err);
    snprintf(job->parts_dir, n, "%s.parts", out);

    struct stat st;
    if (stat(out, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o",
                            "%s is a directory; give a file name, e.g. %s/sweep.h5", out, out);
        if (!o->force) {
            if (!output_complete(job))
                return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o",
                                "%s exists (and does not hold this sweep complete); use "
                                "--force to overwrite",
                                out);
            /* finished earlier; maybe killed before removing the parts */
            job->complete = 1;
            if (stat(job->parts_dir, &st) == 0) {
                SIM_TRY(err, sws_parts_open(&job->parts, job->parts_dir, p, 0, o->log, err));
                sim_status rs = sws_parts_remove(job->parts, err);
                job->parts = NULL;
                SIM_TRY(err, rs);
            }
            return SIM_OK;
        }
    }
    SIM_TRY(err, check_out_folder(out, err)); /* before we spend time */
    SIM_TRY(err, sws_parts_open(&job->parts, job->parts_dir, p, o->restart, o->log, err));
    const uint8_t *done = sws_parts_done(job->parts);
    job->remaining = malloc((size_t)(p->nruns ? p->nruns : 1) * sizeof *job->remaining);
    if (!job->remaining)
        return NOMEM(err);
    for (int64_t r = 0; r < p->nruns; r++) {
        if (!swx_in_shard(o, r))
            continue;
        job->nshard++;
        if (done[r])
            job->resumed++;
        else
            job->remaining[job->nremaining++] = r;
    }
    return SIM_OK;
}

/* ---- progress ------------------------------------------------------------------------ */

void swx_progress(swx_job *job, int final)
{
    job->meter.total = job->nshard;
    job->meter.base = job->resumed;
    if (final)
        prg_end(&job->meter, job->resumed + job->finished);
    else
        prg_step(&job->meter, job->resumed + job->finished);
}

/* ---- threads -------------------------------------------------------------------------- */

sim_status swx_threads(swx_job *job, sim_error *err)
{
    const swp_plan *p = &job->s->plan;
    int threads = job->o.threads > 0 ? job->o.threads : 1;
    volatile sig_atomic_t *stop = job->o.stop;
    int failed = 0;
    int64_t hold_runs = sim_hold_at("runs");
    sim_status first = SIM_OK;
    size_t nval = (size_t)p->nmetrics * (size_t)p->days;
    omp_set_max_active_levels(1); /* each run single-threaded */
    omp_set_num_threads(threads);
#pragma omp parallel num_threads(threads)
    {
        double *values = malloc(nval * sizeof *values);
        sim_error e;
        sim_error_clear(&e);
#pragma omp for schedule(dynamic, 1)
        for (int64_t i = 0; i < job->nremaining; i++) {
            int halt;
#pragma omp atomic read
            halt = failed;
            if (halt || (stop && *stop))
                continue;
            int64_t finished = 0;
            sim_status st = values ? SIM_OK : NOMEM(&e);
            if (st == SIM_OK)
                st = swx_run_one(job->s, job->remaining[i], values, stop, &e);
            if (st == SIM_OK)
                st = sws_parts_put(job->parts, job->remaining[i], values, &e);
#pragma omp critical(troika_sweep_progress)
            {
                if (st == SIM_OK) {
                    finished = ++job->finished;
                    swx_progress(job, 0);
                } else if (st != SIM_EINTERRUPT && !failed) {
                    first = st;
                    *err = e;
#pragma omp atomic write
                    failed = 1;
                }
            }
            if (finished > 0 && finished == hold_runs) /* a test hook */
                sim_hold("runs", finished, stop);
        }
        free(values);
    }
    if (failed) {
        sim_error_push(err, __FILE__, __LINE__, __func__);
        return first;
    }
    return SIM_OK;
}

/* ---- assembling ------------------------------------------------------------------------ */

typedef struct {
    const sws_parts *parts;
    const swp_plan *p;
    double *one; /* nmetrics x days */
} parts_source;

static sim_status from_parts(void *user, int64_t r0, int64_t n, const uint8_t *done, double *block,
                             sim_error *err)
{
    parts_source *ps = user;
    const swp_plan *p = ps->p;
    for (int64_t i = 0; i < n; i++) {
        if (!done[r0 + i])
            continue;
        SIM_TRY(err, sws_parts_get(ps->parts, r0 + i, ps->one, err));
        for (int m = 0; m < p->nmetrics; m++)
            memcpy(block + ((size_t)m * (size_t)n + (size_t)i) * (size_t)p->days,
                   ps->one + (size_t)m * (size_t)p->days, (size_t)p->days * sizeof(double));
    }
    return SIM_OK;
}

sim_status swx_finish(swx_job *job, const char *execution, sim_error *err)
{
    const swp_plan *p = &job->s->plan;
    if (job->complete)
        return SIM_OK;
    int64_t have = job->resumed + job->finished;
    if (have < job->nshard)
        return SIM_FAIL(err, SIM_EINTERRUPT, NULL, 0, NULL,
                        "stopped with %lld of %lld runs done; they are kept in %s: run the same "
                        "command again to resume",
                        (long long)have, (long long)job->nshard, job->parts_dir);
    /* the output holds the shard's runs only */
    uint8_t *done = malloc((size_t)p->nruns);
    parts_source ps = {job->parts, p,
                       malloc((size_t)p->nmetrics * (size_t)p->days * sizeof(double))};
    if (!done || !ps.one) {
        free(done);
        free(ps.one);
        return NOMEM(err);
    }
    const uint8_t *pd = sws_parts_done(job->parts);
    for (int64_t r = 0; r < p->nruns; r++)
        done[r] = (uint8_t)(pd[r] && swx_in_shard(&job->o, r));
    sws_prov pv = {job->o.command_line ? job->o.command_line : "", execution ? execution : "",
                   job->o.stop};
    sim_status st =
        sws_write(job->out, job->o.force, p, swp_model_tables(), done, from_parts, &ps, &pv, err);
    free(done);
    free(ps.one);
    SIM_TRY(err, st);
    if (sim_hold_at("cleanup") >= 0) /* a test hook: a kill before the parts go */
        sim_hold("cleanup", 0, NULL);
    st = sws_parts_remove(job->parts, err);
    job->parts = NULL;
    SIM_TRY(err, st);
    return SIM_OK;
}

/* ---- merging ----------------------------------------------------------------------------- */

typedef struct {
    sws_file **in;
    int n;
    const swp_plan *p;
    double *rows;    /* n x days of one input and metric */
    uint8_t *filled; /* per row of the block: taken from input filled[i] - 1 */
} merge_source;

static sim_status from_inputs(void *user, int64_t r0, int64_t n, const uint8_t *done, double *block,
                              sim_error *err)
{
    merge_source *ms = user;
    const swp_plan *p = ms->p;
    size_t days = (size_t)p->days;
    (void)done;
    memset(ms->filled, 0, (size_t)n);
    for (int k = 0; k < ms->n; k++) {
        const uint8_t *d = sws_file_done(ms->in[k]);
        int any = 0;
        for (int64_t i = 0; i < n && !any; i++)
            any = d[r0 + i];
        if (!any)
            continue;
        for (int m = 0; m < p->nmetrics; m++) {
            SIM_TRY(err, sws_read_rows(ms->in[k], m, r0, n, ms->rows, err));
            for (int64_t i = 0; i < n; i++) {
                if (!d[r0 + i])
                    continue;
                double *dst = block + ((size_t)m * (size_t)n + (size_t)i) * days;
                const double *src = ms->rows + (size_t)i * days;
                if (ms->filled[i] && memcmp(dst, src, days * sizeof *dst) != 0)
                    return SIM_FAIL(err, SIM_EINPUT, sws_file_path(ms->in[k]), 0, NULL,
                                    "run %lld differs from the same run in %s (metric %s); "
                                    "the files were not made by the same build and sweep",
                                    (long long)(r0 + i), sws_file_path(ms->in[ms->filled[i] - 1]),
                                    p->metrics[m]);
                memcpy(dst, src, days * sizeof *dst);
            }
        }
        for (int64_t i = 0; i < n; i++)
            if (d[r0 + i] && !ms->filled[i])
                ms->filled[i] = (uint8_t)(k + 1 > 255 ? 255 : k + 1);
    }
    return SIM_OK;
}

sim_status swx_merge(const char *const *inputs, int n, const char *out, int force,
                     int allow_incomplete, const sws_prov *pv, FILE *log, sim_error *err)
{
    sim_status st = SIM_OK;
    sws_file **in = calloc((size_t)(n ? n : 1), sizeof *in);
    uint8_t *done = NULL;
    merge_source ms = {in, n, NULL, NULL, NULL};
    struct stat sb;
    if (!in)
        return NOMEM(err);
    if (n < 1) {
        st = SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL, "no input files to merge");
        goto done;
    }
    if (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        st = SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o",
                      "%s is a directory; give a file name, e.g. %s/sweep.h5", out, out);
        goto done;
    }
    if (!force && stat(out, &sb) == 0) {
        st = SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "%s exists; use --force to overwrite", out);
        goto done;
    }
    if ((st = check_out_folder(out, err)) != SIM_OK)
        goto done;
    if (n > 254) {
        st = SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL,
                      "more than 254 files to merge at once; merge them in groups");
        goto done;
    }
    for (int k = 0; k < n; k++) {
        if ((st = sws_open(&in[k], inputs[k], swp_model_tables(), err)) != SIM_OK)
            goto done;
        if (k > 0 && (st = sws_same_sweep(in[0], in[k], err)) != SIM_OK)
            goto done;
    }
    const swp_plan *p = sws_file_plan(in[0]);
    ms.p = p;
    done = calloc((size_t)p->nruns, 1);
    int64_t C = sws_chunk_rows(p);
    ms.rows = malloc((size_t)C * (size_t)p->days * sizeof *ms.rows);
    ms.filled = malloc((size_t)C);
    if (!done || !ms.rows || !ms.filled) {
        st = NOMEM(err);
        goto done;
    }
    int64_t have = 0, first_missing = -1;
    for (int k = 0; k < n; k++) {
        const uint8_t *d = sws_file_done(in[k]);
        for (int64_t r = 0; r < p->nruns; r++)
            if (d[r] && !done[r]) {
                done[r] = 1;
                have++;
            }
    }
    for (int64_t r = 0; r < p->nruns && first_missing < 0; r++)
        if (!done[r])
            first_missing = r;
    if (have < p->nruns) {
        if (!allow_incomplete) {
            st = SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL,
                          "the files hold %lld of the sweep's %lld runs (run %lld is in none: "
                          "a shard missing?); add the missing files, or --allow-incomplete",
                          (long long)have, (long long)p->nruns, (long long)first_missing);
            goto done;
        }
        if (log)
            fprintf(log, "troika merge: %lld of %lld runs; the others have done = 0\n",
                    (long long)have, (long long)p->nruns);
    }
    st = sws_write(out, force, p, swp_model_tables(), done, from_inputs, &ms, pv, err);
done:
    if (st != SIM_OK)
        sim_error_push(err, __FILE__, __LINE__, __func__);
    for (int k = 0; k < n; k++)
        sws_close(in[k]);
    free(in);
    free(done);
    free(ms.rows);
    free(ms.filled);
    return st;
}
