/* sim/cli_sweep.c — see cli_sweep.h.
 *
 * `troika sweep` picks its execution from how it was started: under an MPI
 * launcher with more than one process it is master/worker (sweep_mpi.h),
 * otherwise OpenMP threads on this machine (sweep_exec.h); `--shard K/N` (or
 * a Slurm job array's environment) restricts it to every N-th run.
 */
#include "cli_sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "cli_compare.h"
#include "compare_run.h"
#include "h5compare.h"
#include "sensitivity.h"
#include "sweep.h"
#include "sweep_exec.h"
#include "sweep_mpi.h"
#include "sweep_store.h"
#include "window.h"
#include "cli_util.h"
#include "ctx.h"
#include "err.h"
#include "metrics.h"
#include "params.h"

/* ---- troika sweep --------------------------------------------------------------- */

#define SWEEP_OPTS(X)                                                                              \
    X(SW_OUTPUT, "--output", "-o", "FILE", CLO_VALUE, NULL, "the HDF5 file to write (required)")   \
    X(SW_THREADS, "--threads", NULL, "N", CLO_VALUE, NULL,                                         \
      "runs at once (default: OMP_NUM_THREADS or all cores); under MPI: threads inside "           \
      "each run (1)")                                                                              \
    X(SW_SHARD, "--shard", NULL, "K/N", CLO_VALUE, NULL,                                           \
      "only runs i with i % N == K - 1 (K from 1 to N), for job arrays; by default from "          \
      "SLURM_ARRAY_TASK_ID, _MIN, _STEP and _COUNT when they are set.  Merge the shards' "         \
      "files with `troika merge`.")                                                                \
    X(SW_FORCE, "--force", NULL, NULL, CLO_FLAG, NULL, "overwrite FILE if it exists")              \
    X(SW_RESTART, "--restart", NULL, NULL, CLO_FLAG, NULL,                                         \
      "discard the finished runs in FILE.h5.parts/")                                               \
    X(SW_TIMEOUT, "--worker-timeout", NULL, "S", CLO_VALUE, NULL,                                  \
      "MPI: a worker silent for S seconds is reported and its run redone elsewhere "               \
      "(default 60; 0: never)")                                                                    \
    X(SW_DRY, "--dry-run", NULL, NULL, CLO_FLAG, NULL,                                             \
      "print the runs (run, point, replicate, seed, parameters) as CSV and stop")                  \
    X(SW_EXPORT, "--export-design", NULL, NULL, CLO_FLAG, NULL,                                    \
      "write the design to -o as CSV (a `point` column, then one column per varied "               \
      "parameter; Saltelli rows in SALib's order, docs/SWEEPS.md) and stop")                       \
    X(SW_QUIET, "--quiet", "-q", NULL, CLO_FLAG, NULL, "no progress and no summary")

enum { SWEEP_OPTS(CLO_ENUM) SW_NOPTS };
static const clo_opt sweep_opts[] = {SWEEP_OPTS(CLO_ROW)};

const clo_spec cli_spec_sweep = {
    "sweep",
    "troika sweep SWEEP.ini -o FILE.h5 [OPTIONS]\n"
    "mpirun -np N troika sweep SWEEP.ini -o FILE.h5 [OPTIONS]",
    "Run every run of a parameter sweep (base scenario, varied parameters,\n"
    "design, replicates, seed, days, metrics: see docs/SWEEPS.md) and write\n"
    "their daily series to one HDF5 file (/runs/params, /runs/seed,\n"
    "/runs/<metric>, ...).\n"
    "\n"
    "Runs go in parallel on OpenMP threads, one thread per run; under mpirun\n"
    "(an MPI build) rank 0 hands out runs and writes while the other ranks\n"
    "simulate.  Each finished run is made durable at once in FILE.h5.parts/;\n"
    "if the sweep is killed, the same command resumes it and the final file\n"
    "is the same as an uninterrupted sweep's.  The results do not depend on\n"
    "the number of threads, ranks or shards.\n",
    sweep_opts,
    SW_NOPTS,
    "Exit status: 0 done; 1 failed (a full disk, say); 130/143 stopped by\n"
    "SIGINT/SIGTERM (either way finished runs are kept: run the same command\n"
    "again); 2 bad input (one located message).\n"
    "\n"
    "Examples:\n"
    "  troika sweep scenarios/sweeps/example.ini -o sweep.h5\n"
    "  mpirun -np 8 troika sweep scenarios/sweeps/example.ini -o sweep.h5\n"
    "  troika sweep scenarios/sweeps/example.ini --shard 2/4 -o shard-2.h5\n",
    1,
    "more than one sweep file ('%s')",
    "*.ini",
};

/* "K/N" with 1 <= K <= N. */
static sim_status parse_shard(const char *text, int64_t *k, int64_t *n, sim_error *err)
{
    long long a, b;
    char tail;
    if (sscanf(text, "%lld/%lld%c", &a, &b, &tail) != 2 || b < 1 || a < 1 || a > b || b > 1000000)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--shard",
                        "'%s' is not a shard (allowed: K/N with 1 <= K <= N, e.g. 2/4)", text);
    *k = a - 1;
    *n = b;
    return SIM_OK;
}

static int env_int(const char *name, long long *out)
{
    const char *v = getenv(name);
    char *end;
    if (!v || !*v)
        return 0;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (*end || errno)
        return -1;
    *out = x;
    return 1;
}

/* The shard of a Slurm array task: (ID - MIN) / STEP of COUNT.  0: not in an
 * array; 1: set; SIM_EINPUT when the variables do not describe a range. */
static int slurm_shard(int64_t *k, int64_t *n, char *note, size_t nn, sim_error *err)
{
    long long id = 0, count = 0, min = 0, max = 0, step = 1;
    int hid = env_int("SLURM_ARRAY_TASK_ID", &id);
    if (hid == 0)
        return 0;
    int hc = env_int("SLURM_ARRAY_TASK_COUNT", &count);
    int hmin = env_int("SLURM_ARRAY_TASK_MIN", &min);
    int hmax = env_int("SLURM_ARRAY_TASK_MAX", &max);
    int hs = env_int("SLURM_ARRAY_TASK_STEP", &step);
    int ok = hid > 0 && hc > 0 && hmin > 0 && hs >= 0 && hmax >= 0 && step >= 1 && count >= 1 &&
             id >= min && (id - min) % step == 0 && (id - min) / step < count;
    if (ok && hmax > 0)
        ok = (max - min) / step + 1 == count; /* a regular range, e.g. 0-3 or 1-8:2 */
    if (!ok) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--shard",
                 "cannot tell this task's shard from SLURM_ARRAY_TASK_ID=%s, _MIN=%s, _MAX=%s, "
                 "_STEP=%s, _COUNT=%s (allowed: an array over a range such as --array=0-3; "
                 "otherwise give --shard K/N)",
                 getenv("SLURM_ARRAY_TASK_ID"),
                 getenv("SLURM_ARRAY_TASK_MIN") ? getenv("SLURM_ARRAY_TASK_MIN") : "unset",
                 getenv("SLURM_ARRAY_TASK_MAX") ? getenv("SLURM_ARRAY_TASK_MAX") : "unset",
                 getenv("SLURM_ARRAY_TASK_STEP") ? getenv("SLURM_ARRAY_TASK_STEP") : "unset",
                 getenv("SLURM_ARRAY_TASK_COUNT") ? getenv("SLURM_ARRAY_TASK_COUNT") : "unset");
        return -1;
    }
    *k = (id - min) / step;
    *n = count;
    snprintf(note, nn, "shard %lld/%lld from SLURM_ARRAY_TASK_ID=%lld (min %lld, step %lld)",
             (long long)*k + 1, (long long)*n, id, min, step);
    return 1;
}

sim_status cli_shard_option(const char *given, int64_t *k, int64_t *n, char *note, size_t nn,
                            sim_error *err)
{
    *k = 0;
    *n = 1;
    if (given)
        return parse_shard(given, k, n, err);
    if (slurm_shard(k, n, note, nn, err) < 0)
        return err->code;
    return SIM_OK;
}

static void print_design(const swp_sweep *s, FILE *f)
{
    const swp_plan *p = &s->plan;
    fprintf(f, "run,point,replicate,seed");
    for (int j = 0; j < p->nfactors; j++)
        fprintf(f, ",%s", p->factors[j].key);
    fputc('\n', f);
    for (int64_t r = 0; r < p->nruns; r++) {
        int64_t q = swp_point(p, r);
        fprintf(f, "%lld,%lld,%lld,%llu", (long long)r, (long long)q,
                (long long)swp_replicate(p, r), (unsigned long long)swp_seed(p, r));
        for (int j = 0; j < p->nfactors; j++) {
            char v[48];
            sim_param_format_value(p->factors[j].param, p->values[q * p->nfactors + j], v,
                                   sizeof v);
            fprintf(f, ",%s", v);
        }
        fputc('\n', f);
    }
}

typedef struct {
    const char *sweep, *out, *threads, *shard, *timeout;
    int force, restart, quiet, dry, export_design;
} sweep_args;

/* 0: go on; otherwise the exit status (help: -1, usage error). */
static int sweep_parse(int argc, char **argv, sweep_args *s)
{
    clo_args a;
    int rc = clo_parse(&cli_spec_sweep, argc, argv, &a);
    if (rc == CLO_OK) {
        s->sweep = a.npos ? a.pos[0] : NULL;
        s->out = clo_get(&a, SW_OUTPUT);
        s->threads = clo_get(&a, SW_THREADS);
        s->shard = clo_get(&a, SW_SHARD);
        s->timeout = clo_get(&a, SW_TIMEOUT);
        s->force = clo_has(&a, SW_FORCE);
        s->restart = clo_has(&a, SW_RESTART);
        s->quiet = clo_has(&a, SW_QUIET);
        s->dry = clo_has(&a, SW_DRY);
        s->export_design = clo_has(&a, SW_EXPORT);
    }
    clo_args_free(&a);
    if (rc == CLO_OK && !s->sweep)
        return cu_usage_error("sweep", "%s", "a sweep file is required");
    return rc;
}

/* --export-design: the design as CSV, atomically. */
static int export_design(const sweep_args *a, sim_error *err)
{
    if (!a->out) {
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "--export-design writes to -o FILE.csv");
        return cu_report(err);
    }
    swp_sweep *s = NULL;
    afile_file *f = NULL;
    FILE *fp = NULL;
    sim_status st = swp_load(&s, a->sweep, err);
    if (st == SIM_OK)
        st = afile_open(&f, a->out, a->force, "-o", err);
    if (st == SIM_OK && !(fp = afile_stream(f, err)))
        st = err->code;
    if (st == SIM_OK) {
        swp_design_write_csv(fp, &s->plan);
        afile_file *c = f;
        f = NULL;
        st = afile_commit(c, err);
    }
    if (st == SIM_OK && !a->quiet)
        printf("troika sweep: '%s': %lld design points (%s), wrote %s\n", s->plan.name,
               (long long)s->plan.npoints, swp_design_name(s->plan.design), a->out);
    afile_abort(f);
    swp_destroy(s);
    return st == SIM_OK ? 0 : cu_report(err);
}

/* The execution options: threads, worker timeout, the shard (given, or a
 * Slurm array task's). */
static sim_status sweep_options(const sweep_args *a, int threads, swx_opts *o, char *note,
                                size_t nn, sim_error *err)
{
    memset(o, 0, sizeof *o);
    o->threads = threads;
    o->nshards = 1;
    o->worker_timeout = 60.0;
    o->force = a->force;
    o->restart = a->restart;
    o->quiet = a->quiet;
    o->log = stderr;
    long long ll;
    if (a->threads)
        SIM_TRY(err, cu_opt_threads(a->threads, &o->threads, err));
    if (a->timeout) {
        SIM_TRY(err, cu_opt_int(a->timeout, 0, 1000000, "--worker-timeout", &ll, err));
        o->worker_timeout = (double)ll;
    }
    return cli_shard_option(a->shard, &o->shard, &o->nshards, note, nn, err);
}

/* How the sweep runs, in words ("threads 2; shard 1/4"), and the line that
 * says what is about to run. */
static void announce(const swx_job *job, const swp_plan *p, const swx_opts *o, int mpi, int size,
                     const char *shard_note, char *execution, size_t n)
{
    if (mpi)
        snprintf(execution, n, "mpi %d ranks (1 master, %d workers), %d thread%s per run", size,
                 size - 1, o->threads, o->threads == 1 ? "" : "s");
    else
        snprintf(execution, n, "threads %d", o->threads);
    if (o->nshards > 1) {
        size_t k = strlen(execution);
        snprintf(execution + k, n - k, "; shard %lld/%lld", (long long)o->shard + 1,
                 (long long)o->nshards);
    }
    if (o->quiet)
        return;
    if (shard_note[0])
        fprintf(stderr, "troika sweep: %s\n", shard_note);
    fprintf(stderr,
            "troika sweep: '%s': %lld runs (%lld points x %lld replicates, design %s, %lld "
            "days)%s; %lld done before, %lld to run (%s); finished runs go to %s\n",
            p->name, (long long)p->nruns, (long long)p->npoints, (long long)p->replicates,
            swp_design_name(p->design), (long long)p->days,
            o->nshards > 1 ? ", this shard's share" : "", (long long)job->resumed,
            (long long)job->nremaining, execution, job->parts_dir);
}

/* One sweep command as it runs: the options, the MPI ranks, the plan and
 * the job. */
typedef struct {
    sim_ctx ctx;
    sweep_args a;
    swx_opts o;
    int mpi, rank, size; /* mpi: run over MPI ranks (size >= 2) */
    int no_finalize;     /* a rank stopped without MPI_Finalize (swm_*) */
    swp_sweep *s;
    swx_job job;
} sweep_cmd;

/* Started by an MPI launcher: join the ranks; each runs one thread per run
 * unless --threads says otherwise, and only rank 0 speaks.  Exit status,
 * 0 to go on. */
static int sweep_mpi_setup(sweep_cmd *c)
{
    sim_error *err = &c->ctx.err;
    int launched = swm_launched_size();
    c->mpi = launched > 1 && !c->a.dry;
    c->rank = 0;
    c->size = 1;
    if (c->mpi && !swm_built()) {
        c->mpi = 0;
        SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL,
                 "started by an MPI launcher with %d processes, but this troika was built "
                 "without MPI: every process would run the whole sweep (rebuild with "
                 "-DTROIKA_MPI=ON, or run it without mpirun)",
                 launched);
        return cu_report(err);
    }
    if (c->mpi && swm_init(&c->rank, &c->size, err) != SIM_OK) {
        c->mpi = 0;
        return cu_report(err);
    }
    if (c->size < 2)
        c->mpi = 0;
    if (c->mpi) {
        if (!c->a.threads)
            c->o.threads = 1; /* threads inside each run: one rank per core */
        if (c->rank != 0)
            c->o.quiet = 1;
    }
    return 0;
}

/* Read the sweep file; over MPI, every rank must have read the same plan.
 * Exit status, -1 to go on. */
static int sweep_load(sweep_cmd *c)
{
    sim_error *err = &c->ctx.err;
    sim_status st = swp_load(&c->s, c->a.sweep, err);
    if (!c->mpi)
        return st != SIM_OK ? cu_report(err) : -1;
    if (swm_any(st != SIM_OK)) {
        /* every rank read the same file: rank 0 speaks for all */
        if (st == SIM_OK)
            SIM_FAIL(err, SIM_EINPUT, c->a.sweep, 0, NULL,
                     "another rank could not read the sweep file (is it on a shared "
                     "file system?)");
        return c->rank == 0 ? cu_report(err) : sim_status_exit_code(err->code);
    }
    uint64_t h = c->s->plan.hash;
    swm_bcast_u64(&h);
    if (swm_any(h != c->s->plan.hash)) {
        SIM_FAIL(err, SIM_EINPUT, c->a.sweep, 0, NULL,
                 "the ranks read different sweep files or base scenarios (is every node "
                 "seeing the same files?)");
        return c->rank == 0 ? cu_report(err) : 2;
    }
    return -1;
}

/* Prepare the output (rank 0) and tell the workers whether to go on.
 * Exit status, -1 to go on. */
static int sweep_prepare(sweep_cmd *c)
{
    sim_error *err = &c->ctx.err;
    int go = 0; /* 0: run, 1: nothing to do, 2: failed */
    if (c->rank == 0) {
        sim_status st = swx_prepare(&c->job, c->s, c->a.out, &c->o, err);
        go = st != SIM_OK ? 2 : c->job.complete ? 1 : 0;
    }
    if (c->mpi) {
        uint64_t g = (uint64_t)go;
        swm_bcast_u64(&g);
        go = (int)g;
    }
    if (go == 2)
        return c->rank == 0 ? cu_report(err) : 0;
    if (go == 1) {
        if (c->rank == 0 && !c->o.quiet)
            printf("troika sweep: %s already holds this sweep, complete; nothing to do\n",
                   c->a.out);
        return 0;
    }
    return -1;
}

/* Run the shards (threads, or MPI master and workers) and, on rank 0,
 * write the result.  Exit status. */
static int sweep_execute(sweep_cmd *c, const char *shard_note)
{
    sim_error *err = &c->ctx.err;
    const swp_plan *p = &c->s->plan;
    swx_job *job = &c->job;
    char execution[200];
    announce(job, p, &c->o, c->mpi, c->size, shard_note, execution, sizeof execution); /* rank 0 */
    sim_status st;
    if (!c->mpi)
        st = swx_threads(job, err);
    else if (c->rank == 0)
        st = swm_master(job, c->size, &c->no_finalize, err);
    else
        st = swm_worker(c->s, &c->o, &c->no_finalize, err);
    if (c->rank != 0)
        return st == SIM_OK || st == SIM_EINTERRUPT ? 0 : 1; /* rank 0 reports */
    swx_progress(job, 1);
    if (st != SIM_OK) {
        int rc = cu_report(err);
        if (!c->o.quiet)
            fprintf(stderr,
                    "troika sweep: %lld of %lld runs are done and kept in %s; run the "
                    "same command again to resume\n",
                    (long long)(job->resumed + job->finished), (long long)job->nshard,
                    job->parts_dir);
        return rc;
    }
    if (swx_finish(job, execution, err) != SIM_OK)
        return cu_report(err);
    if (!c->o.quiet)
        printf("troika sweep: '%s': %lld runs done (%lld resumed), wrote %s\n", p->name,
               (long long)job->nshard, (long long)job->resumed, c->a.out);
    return 0;
}

int cmd_sweep(int argc, char **argv)
{
    sweep_cmd c;
    memset(&c, 0, sizeof c);
    sim_ctx_init(&c.ctx);
    sim_error *err = &c.ctx.err;
    int rc = sweep_parse(argc, argv, &c.a);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (c.a.export_design)
        return export_design(&c.a, err);
    char shard_note[200] = "";
    if (sweep_options(&c.a, c.ctx.threads, &c.o, shard_note, sizeof shard_note, err) != SIM_OK)
        return cu_report(err);
    if ((rc = sweep_mpi_setup(&c)) != 0)
        return rc;
    cu_install_signals(&c.ctx);
    cu_signals_note("finished runs are kept: run the same command again to resume");
    c.o.stop = c.ctx.stop;
    char *cmdline = cu_join_command(argc + 1, argv - 1);
    c.o.command_line = cmdline ? cmdline : "";

    if ((rc = sweep_load(&c)) < 0 && c.a.dry) {
        print_design(c.s, stdout);
        rc = 0;
    }
    if (rc < 0)
        rc = sweep_prepare(&c);
    if (rc < 0)
        rc = sweep_execute(&c, shard_note);
    swx_job_free(&c.job);
    swp_destroy(c.s);
    free(cmdline);
    if (c.mpi) {
        fflush(stdout);
        fflush(stderr);
        swm_finalize(c.no_finalize);
    }
    return rc;
}

/* ---- troika merge ------------------------------------------------------------------ */

#define MERGE_OPTS(X)                                                                              \
    X(MG_OUTPUT, "--output", "-o", "FILE", CLO_VALUE, NULL, "the merged file (required)")          \
    X(MG_FORCE, "--force", NULL, NULL, CLO_FLAG, NULL, "overwrite FILE if it exists")              \
    X(MG_INCOMPLETE, "--allow-incomplete", NULL, NULL, CLO_FLAG, NULL,                             \
      "write even if some runs are in no file (their /runs/done is 0)")                            \
    X(MG_QUIET, "--quiet", "-q", NULL, CLO_FLAG, NULL, "no summary")

enum { MERGE_OPTS(CLO_ENUM) MG_NOPTS };
static const clo_opt merge_opts[] = {MERGE_OPTS(CLO_ROW)};

const clo_spec cli_spec_merge = {
    "merge",
    "troika merge SHARD.h5... -o FILE.h5 [--force] [--allow-incomplete]",
    "Merge the files of one sweep (the shards of a job array, in any order)\n"
    "into one.  The result is the same, dataset for dataset, as the file of\n"
    "the whole sweep run at once.  Files of different sweeps, base scenarios\n"
    "or troika builds are refused; a run found in two files must be\n"
    "identical in both.\n"
    "\n"
    "Given the shard files of one comparison (troika compare --shard K/N),\n"
    "writes its compare file, the same in its data as the comparison run at\n"
    "once; every shard must be there, once, and of the same comparison\n"
    "(scenarios, options, posterior, troika build).\n",
    merge_opts,
    MG_NOPTS,
    "Example:\n"
    "  troika merge shard-*.h5 -o sweep.h5\n"
    "  troika merge cmp-shard-*.h5 -o compare.h5\n",
    -1,
    NULL,
    "*.h5",
};

/* 1: every input is a shard of a comparison; 0: none is (sweep files);
 * -1 (err set, naming the file) for a mixture or a whole compare file. */
static int merge_kinds(const char *const *inputs, int n, sim_error *err)
{
    int first = -1;
    for (int i = 0; i < n; i++) {
        if (access(inputs[i], R_OK) != 0) {
            SIM_FAIL(err, SIM_EINPUT, inputs[i], 0, NULL, "cannot read: %s", strerror(errno));
            return -1;
        }
        char *kind = ana_h5_kind(inputs[i]);
        int whole = kind && !strcmp(kind, ANA_COMPARE_KIND);
        int shard = kind && !strcmp(kind, ANA_COMPARE_SHARD_KIND);
        free(kind);
        if (whole) {
            SIM_FAIL(err, SIM_EINPUT, inputs[i], 0, NULL,
                     "a whole compare file, not a shard: only the shard files of one "
                     "comparison (troika compare --shard K/N) or of one sweep are merged");
            return -1;
        }
        if (first >= 0 && shard != first) {
            SIM_FAIL(err, SIM_EINPUT, inputs[i], 0, NULL,
                     "%s, while %s is %s: sweeps and comparisons are merged separately",
                     shard ? "a shard of a comparison" : "not a shard of a comparison", inputs[0],
                     first ? "a shard of a comparison" : "not one (a sweep file?)");
            return -1;
        }
        first = shard;
    }
    return first > 0;
}

int cmd_merge(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    clo_args a;
    int rc = clo_parse(&cli_spec_merge, argc, argv, &a);
    const char *out = clo_get(&a, MG_OUTPUT);
    int n = a.npos, quiet = clo_has(&a, MG_QUIET);
    char *cmdline = NULL;
    if (rc != CLO_OK) {
        rc = rc == CLO_HELP ? 0 : rc;
        goto done;
    }
    rc = 2;
    if (n == 0) {
        rc = cu_usage_error("merge", "%s", "no files to merge");
        goto done;
    }
    if (!out) {
        SIM_FAIL(&err, SIM_EINPUT, NULL, 0, "-o", "an output file is required (-o FILE.h5)");
        goto fail;
    }
    cmdline = cu_join_command(argc + 1, argv - 1);
    char execution[64];
    snprintf(execution, sizeof execution, "merge of %d file%s", n, n == 1 ? "" : "s");
    sim_ctx sig;
    memset(&sig, 0, sizeof sig);
    cu_install_signals(&sig); /* SIGINT/SIGTERM: exit 130/143, no file left */
    int cmp = merge_kinds(a.pos, n, &err);
    if (cmp < 0)
        goto fail;
    if (cmp && clo_has(&a, MG_INCOMPLETE)) {
        SIM_FAIL(&err, SIM_EINPUT, NULL, 0, "--allow-incomplete",
                 "not for the shards of a comparison: every run is needed (the scenarios' "
                 "replicates are paired by seed and, under a posterior, grouped by draw)");
        goto fail;
    }
    if (cmp) {
        if (crun_merge(a.pos, n, out, clo_has(&a, MG_FORCE), cmdline ? cmdline : "",
                       quiet ? NULL : stderr, sig.stop, &err) != SIM_OK)
            goto fail;
        if (!quiet)
            printf("troika merge: %d shard%s of a comparison, wrote %s\n", n, n == 1 ? "" : "s",
                   out);
        rc = 0;
        goto done;
    }
    sws_prov pv = {cmdline ? cmdline : "", execution, sig.stop};
    if (swx_merge(a.pos, n, out, clo_has(&a, MG_FORCE), clo_has(&a, MG_INCOMPLETE), &pv,
                  quiet ? NULL : stderr, &err) != SIM_OK)
        goto fail;
    if (!quiet)
        printf("troika merge: %d file%s, wrote %s\n", n, n == 1 ? "" : "s", out);
    rc = 0;
    goto done;
fail:
    rc = cu_report(&err);
done:
    free(cmdline);
    clo_args_free(&a);
    return rc;
}

/* ---- troika sensitivity -------------------------------------------------------------- */

#define SENS_OPTS(X)                                                                               \
    X(SEN_METRIC, "--metric", NULL, "M", CLO_LIST, NULL,                                           \
      "a metric kept in the sweep (repeatable; default all)")                                      \
    X(SEN_WINDOW, "--window", NULL, "FROM:TO", CLO_VALUE, NULL,                                    \
      "days FROM (inclusive) to TO (exclusive), 0-based; either may be left out, negative "        \
      "counts from the end (-365: is the last year; docs/WINDOWS.md); default the whole run")      \
    X(SEN_CSV, "--csv", NULL, "FILE", CLO_VALUE, NULL,                                             \
      "also write the table as CSV (- for stdout)")                                                \
    X(SEN_BOOT, "--bootstrap", NULL, "B", CLO_VALUE, NULL, "bootstrap resamples (default 1000)")   \
    X(SEN_LEVEL, "--level", NULL, "L", CLO_VALUE, NULL, "confidence level (default 0.95)")         \
    X(SEN_SEED, "--seed", NULL, "N", CLO_VALUE, NULL, "bootstrap seed (default 1)")                \
    X(SEN_QUIET, "--quiet", "-q", NULL, CLO_FLAG, NULL, "no table (with --csv)")

enum { SENS_OPTS(CLO_ENUM) SEN_NOPTS };
static const clo_opt sens_opts[] = {SENS_OPTS(CLO_ROW)};

const clo_spec cli_spec_sensitivity = {
    "sensitivity",
    "troika sensitivity SWEEP.h5 [--metric M]... [--window FROM:TO] [OPTIONS]\n"
    "troika sensitivity POSTERIOR-COMPARE.h5 [--metric M]... [OPTIONS]",
    "How much each varied parameter moves a metric, from a sweep's file.  The\n"
    "output of a run is the metric's mean over the window of days; a design\n"
    "point's output is the mean over its replicates.\n"
    "  - a saltelli sweep: first-order (S1, Saltelli 2010) and total (ST,\n"
    "    Jansen) Sobol indices, with bootstrap confidence intervals;\n"
    "  - any sweep: standardised regression coefficients (SRC, least squares\n"
    "    on standardised values; log-scale parameters enter as logarithms)\n"
    "    with the R^2 of the linear fit.\n"
    "Given a compare file made under a posterior (troika compare --posterior):\n"
    "for each metric and reform, the uncertain parameters ranked by the share\n"
    "of the variance of the reform's effect (its mean over each draw's\n"
    "replicates) that each explains: first-order indices from the draws as\n"
    "given (binning; docs/COMPARE.md), with bootstrap intervals.\n",
    sens_opts,
    SEN_NOPTS,
    "Example:\n"
    "  troika sensitivity sweep.h5 --metric fee_collection_rate --window -365:\n",
    1,
    "more than one sweep file ('%s')",
    "*.h5",
};

static void csv_row(FILE *f, const char *metric, int64_t from, int64_t to, const char *method,
                    const char *factor, double est, double lo, double hi)
{
    if (f)
        fprintf(f, "%s,%lld,%lld,%s,%s,%.17g,%.17g,%.17g\n", metric, (long long)from, (long long)to,
                method, factor, est, lo, hi);
}

static void cell(char *buf, size_t n, const sen_ci *c)
{
    if (isnan(c->est))
        snprintf(buf, n, "%26s", "-");
    else
        snprintf(buf, n, "%7.3f [%7.3f, %7.3f]", c->est, c->lo, c->hi);
}

typedef struct {
    const char **metrics;
    int nmetrics;
    const char *window, *csv;
    int nboot, quiet;
    double level;
    uint64_t seed;
} sens_args;

/* One metric: compute and print. */
static sim_status sens_metric(sws_file *f, int m, int64_t from, int64_t to, const sens_args *a,
                              FILE *csv, sim_error *err)
{
    const swp_plan *p = sws_file_plan(f);
    int k = p->nfactors;
    int64_t R = p->replicates, P = p->npoints;
    double *yr = malloc((size_t)p->nruns * sizeof *yr), *yp = malloc((size_t)P * sizeof *yp);
    double *x = malloc((size_t)P * (size_t)k * sizeof *x);
    sen_sobol so;
    sen_src sr;
    memset(&so, 0, sizeof so);
    memset(&sr, 0, sizeof sr);
    sim_status st = SIM_OK;
    if (!yr || !yp || !x) {
        st = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
        goto done;
    }
    if ((st = sws_run_means(f, m, from, to, yr, err)) != SIM_OK)
        goto done;
    double within = 0.0, all_m = 0.0, all_ss = 0.0;
    for (int64_t r = 0; r < p->nruns; r++)
        all_m += yr[r];
    all_m /= (double)p->nruns;
    for (int64_t r = 0; r < p->nruns; r++)
        all_ss += (yr[r] - all_m) * (yr[r] - all_m);
    for (int64_t q = 0; q < P; q++) {
        double s = 0.0;
        for (int64_t i = 0; i < R; i++)
            s += yr[q * R + i];
        yp[q] = s / (double)R;
        for (int64_t i = 0; i < R; i++)
            within += (yr[q * R + i] - yp[q]) * (yr[q * R + i] - yp[q]);
        for (int j = 0; j < k; j++) {
            double v = p->values[q * k + j];
            x[q * k + j] = p->factors[j].scale == SWP_LOG && v > 0 ? log(v) : v;
        }
    }
    int sal = p->design == SWP_SALTELLI;
    if (sal && (st = sen_sobol_saltelli(yp, k, p->samples, a->nboot, a->level, a->seed, &so,
                                        err)) != SIM_OK)
        goto done;
    if (P >= k + 2 && (st = sen_src_compute(x, yp, P, k, a->level, &sr, err)) != SIM_OK)
        goto done;

    const char *name = p->metrics[m];
    int mi = p->metric[m];
    if (!a->quiet) {
        printf("\n%s%s%s%s, mean of days %lld-%lld; %s design, %lld points x %lld replicate%s\n",
               name, mi >= 0 ? " (" : "", mi >= 0 ? sim_metric_table[mi].unit : "",
               mi >= 0 ? ")" : "", (long long)from, (long long)to - 1, swp_design_name(p->design),
               (long long)P, (long long)R, R == 1 ? "" : "s");
        char h1[40], h2[40], h3[40];
        snprintf(h1, sizeof h1, "%s", sal ? "     S1 [interval]" : "");
        snprintf(h2, sizeof h2, "%s", sal ? "     ST [interval]" : "");
        snprintf(h3, sizeof h3, "%s", sr.src ? "    SRC [interval]" : "");
        printf("  %-34s %-26s %-26s %-26s\n", "parameter", h1, h2, h3);
        for (int j = 0; j < k; j++) {
            char c1[64] = "", c2[64] = "", c3[64] = "";
            if (sal) {
                cell(c1, sizeof c1, &so.s1[j]);
                cell(c2, sizeof c2, &so.st[j]);
            }
            if (sr.src)
                cell(c3, sizeof c3, &sr.src[j]);
            printf("  %-34s %-26s %-26s %-26s\n", p->factors[j].key, c1, c2, c3);
        }
        double var = all_ss / (double)(p->nruns > 1 ? p->nruns - 1 : 1);
        printf("  mean %.6g, variance %.6g", all_m, var);
        if (sr.src)
            printf("; R^2 of the linear fit %.3f", sr.r2);
        if (R > 1 && all_ss > 0)
            printf("; replicate noise %.1f%% of the variance", 100.0 * within / all_ss);
        if (!(all_ss > 0))
            printf("; the output does not vary: no indices");
        printf("\n  %s intervals at %.0f%%%s\n", sal ? "S1, ST: bootstrap;" : "", 100 * a->level,
               sr.src ? "; SRC: Student t on least-squares errors" : "");
    }
    for (int j = 0; j < k; j++) {
        const char *fk = p->factors[j].key;
        if (sal) {
            csv_row(csv, name, from, to, "S1", fk, so.s1[j].est, so.s1[j].lo, so.s1[j].hi);
            csv_row(csv, name, from, to, "ST", fk, so.st[j].est, so.st[j].lo, so.st[j].hi);
        }
        if (sr.src)
            csv_row(csv, name, from, to, "SRC", fk, sr.src[j].est, sr.src[j].lo, sr.src[j].hi);
    }
    if (sr.src)
        csv_row(csv, name, from, to, "R2", "", sr.r2, NAN, NAN);
done:
    sen_sobol_free(&so);
    sen_src_free(&sr);
    free(yr);
    free(yp);
    free(x);
    return st;
}

/* The options of `troika sensitivity` beyond the metric list, into a. */
static sim_status sens_options(const clo_args *ca, sens_args *a, sim_error *err)
{
    const char *v;
    long long ll;
    a->window = clo_get(ca, SEN_WINDOW);
    a->csv = clo_get(ca, SEN_CSV);
    a->quiet = clo_has(ca, SEN_QUIET);
    if ((v = clo_get(ca, SEN_BOOT))) {
        SIM_TRY(err, cu_opt_int(v, 0, 1000000, "--bootstrap", &ll, err));
        a->nboot = (int)ll;
    }
    if ((v = clo_get(ca, SEN_SEED))) {
        SIM_TRY(err, cu_opt_int(v, 0, INT64_MAX, "--seed", &ll, err));
        a->seed = (uint64_t)ll;
    }
    if ((v = clo_get(ca, SEN_LEVEL))) {
        char *end;
        a->level = strtod(v, &end);
        if (*end || !(a->level > 0.5 && a->level < 1.0))
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--level",
                            "'%s' is not a confidence level (allowed: a number between 0.5 and "
                            "1, e.g. 0.95)",
                            v);
    }
    return SIM_OK;
}

/* Open the sweep file at path; every run must be in it (not a shard). */
static sim_status sens_open(const char *path, sws_file **f, sim_error *err)
{
    SIM_TRY(err, sws_open(f, path, swp_model_tables(), err));
    const swp_plan *p = sws_file_plan(*f);
    int64_t missing = 0;
    for (int64_t r = 0; r < p->nruns; r++)
        missing += !sws_file_done(*f)[r];
    if (missing)
        return SIM_FAIL(err, SIM_EINPUT, path, 0, NULL,
                        "%lld of the %lld runs are not in this file (a shard? merge the shards "
                        "first with `troika merge`)",
                        (long long)missing, (long long)p->nruns);
    return SIM_OK;
}

/* The indices of the metrics asked for (all the file keeps when none) into
 * ms (room for p->nmetrics), their number into *nms. */
static sim_status sens_metrics(const swp_plan *p, const sens_args *a, const char *path, int *ms,
                               int *nms, sim_error *err)
{
    *nms = 0;
    if (a->nmetrics == 0)
        for (int m = 0; m < p->nmetrics; m++)
            ms[(*nms)++] = m;
    for (int i = 0; i < a->nmetrics; i++) {
        int found = -1;
        for (int m = 0; m < p->nmetrics; m++)
            if (!strcmp(p->metrics[m], a->metrics[i]))
                found = m;
        if (found < 0)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "--metric",
                            "'%s' is not kept in %s (allowed: %s%s)", a->metrics[i], path,
                            p->nmetrics ? p->metrics[0] : "", p->nmetrics > 1 ? ", ..." : "");
        ms[(*nms)++] = found;
    }
    return SIM_OK;
}

int cmd_sensitivity(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    sens_args a;
    memset(&a, 0, sizeof a);
    a.nboot = 1000;
    a.level = 0.95;
    a.seed = 1;
    clo_args ca;
    int rc = clo_parse(&cli_spec_sensitivity, argc, argv, &ca);
    const char *path = ca.npos ? ca.pos[0] : NULL;
    sws_file *f = NULL;
    FILE *csv = NULL;
    afile_file *csvf = NULL;
    int *ms = NULL, nms = 0;
    a.metrics = calloc((size_t)ca.nlist + 1, sizeof *a.metrics);
    if (rc != CLO_OK || !a.metrics) {
        rc = rc == CLO_HELP ? 0 : rc == CLO_OK ? 1 : rc;
        goto done;
    }
    rc = 2;
    a.nmetrics = clo_all(&ca, SEN_METRIC, a.metrics);
    if (sens_options(&ca, &a, &err) != SIM_OK)
        goto fail;
    if (!path) {
        rc = cu_usage_error("sensitivity", "%s", "a sweep file is required");
        goto done;
    }
    if (ana_cmpfile_is(path)) { /* a comparison under a posterior: sim/cli_compare.c */
        if (a.window) {
            SIM_FAIL(&err, SIM_EINPUT, path, 0, "--window",
                     "a compare file keeps its own window (set it with compare --window)");
            goto fail;
        }
        rc = cli_posterior_sensitivity(path, a.metrics, a.nmetrics, a.csv, a.nboot, a.level, a.seed,
                                       a.quiet);
        goto done;
    }
    if (sens_open(path, &f, &err) != SIM_OK)
        goto fail;
    const swp_plan *p = sws_file_plan(f);
    int64_t from, to;
    ana_window win = {0};
    if (a.window && ana_window_parse(a.window, &win, "--window", &err) != SIM_OK)
        goto fail;
    if (ana_window_resolve(&win, p->days, 0, &from, &to, "--window", &err) != SIM_OK)
        goto fail;
    if (!(ms = calloc((size_t)(p->nmetrics ? p->nmetrics : 1), sizeof *ms)) ||
        sens_metrics(p, &a, path, ms, &nms, &err) != SIM_OK)
        goto fail;
    if (a.csv) {
        /* a file: written atomically (core/afile), replacing an older one */
        if (strcmp(a.csv, "-") == 0)
            csv = stdout;
        else if (afile_open(&csvf, a.csv, 1, "--csv", &err) != SIM_OK ||
                 !(csv = afile_stream(csvf, &err)))
            goto fail;
        fprintf(csv, "metric,from,to,method,parameter,estimate,lo,hi\n");
    }
    if (!a.quiet)
        printf("troika sensitivity: %s: sweep '%s', %d parameter%s, %lld runs\n", path, p->name,
               p->nfactors, p->nfactors == 1 ? "" : "s", (long long)p->nruns);
    for (int i = 0; i < nms; i++)
        if (sens_metric(f, ms[i], from, to, &a, csv, &err) != SIM_OK)
            goto fail;
    if (csvf) {
        sim_status cs = afile_commit(csvf, &err);
        csvf = NULL;
        if (cs != SIM_OK)
            goto fail;
    }
    rc = 0;
    goto done;
fail:
    rc = cu_report(&err);
done:
    afile_abort(csvf); /* a failure: no partial CSV */
    free(ms);
    sws_close(f);
    free(a.metrics);
    clo_args_free(&ca);
    return rc;
}
