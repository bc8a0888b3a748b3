/* sim/sweep_mpi.c — see sweep_mpi.h. */
#include "sweep_mpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int swm_launched_size(void)
{
    const char *v;
    if ((v = getenv("OMPI_COMM_WORLD_SIZE")) && *v)
        return atoi(v);
    if ((v = getenv("PMI_SIZE")) && *v)
        return atoi(v);
    if (getenv("PMIX_RANK") && (v = getenv("SLURM_NTASKS")) && *v)
        return atoi(v);
    return 0;
}

#ifndef TROIKA_HAVE_MPI

int swm_built(void)
{
    return 0;
}

static sim_status not_built(sim_error *err)
{
    return SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL,
                    "this troika was built without MPI (configure with -DTROIKA_MPI=ON, as "
                    "scripts/setup does)");
}

sim_status swm_init(int *rank, int *size, sim_error *err)
{
    *rank = 0;
    *size = 1;
    return not_built(err);
}
void swm_finalize(int skip)
{
    (void)skip;
}
int swm_any(int flag)
{
    return flag;
}
void swm_wait_all(void)
{
}
void swm_bcast_u64(uint64_t *v)
{
    (void)v;
}
void swm_bcast_bytes(void *buf, size_t n)
{
    (void)buf;
    (void)n;
}
void swm_allgather_bytes(const void *mine, void *all, size_t n)
{
    memcpy(all, mine, n);
}
void swm_gather_bytes(const void *mine, void *all, size_t n)
{
    memcpy(all, mine, n);
}
sim_status swm_master(swx_job *job, int size, int *lost, sim_error *err)
{
    (void)job;
    (void)size;
    *lost = 0;
    return not_built(err);
}
sim_status swm_worker(const swp_sweep *s, const swx_opts *o, int *skip, sim_error *err)
{
    (void)s;
    (void)o;
    *skip = 0;
    return not_built(err);
}

#else /* TROIKA_HAVE_MPI */

#include <mpi.h>
#include <omp.h>
#include <pthread.h>
#include <time.h>

#include "progress.h"

enum {
    TAG_REQ = 11,    /* worker -> master: int64 {run or -1, status, length} */
    TAG_DATA = 12,   /* worker -> master: the run's series (doubles) */
    TAG_ERRMSG = 13, /* worker -> master: why the run failed (chars) */
    TAG_WORK = 14,   /* master -> worker: int64 run; END or END_NOFIN */
    TAG_HB = 15      /* worker -> master: heartbeat while simulating */
};

/* The end, as a "run": plain, or without MPI_Finalize (a worker was lost). */
#define END (-1)
#define END_NOFIN (-2)

/* Poll interval of a waiting rank; heartbeat interval of a worker. */
#define SWM_POLL_NS 1000000L
#define SWM_HEARTBEAT 1.0

int swm_built(void)
{
    return 1;
}

static void nap(long ns)
{
    struct timespec ts = {0, ns};
    nanosleep(&ts, NULL);
}

sim_status swm_init(int *rank, int *size, sim_error *err)
{
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return SIM_FAIL(err, SIM_EIO, NULL, 0, NULL, "MPI_Init failed");
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return SIM_OK;
}

void swm_finalize(int skip)
{
    int fin = 0;
    if (skip)
        return;
    MPI_Finalized(&fin);
    if (!fin)
        MPI_Finalize();
}

int swm_any(int flag)
{
    int out = 0;
    MPI_Allreduce(&flag, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return out;
}

void swm_wait_all(void)
{
    MPI_Request rq;
    if (MPI_Ibarrier(MPI_COMM_WORLD, &rq) != MPI_SUCCESS)
        return;
    for (;;) {
        int done = 0;
        if (MPI_Test(&rq, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS || done)
            return;
        nap(SWM_POLL_NS);
    }
}

void swm_bcast_u64(uint64_t *v)
{
    MPI_Bcast(v, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
}

void swm_bcast_bytes(void *buf, size_t n)
{
    MPI_Bcast(buf, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
}

void swm_allgather_bytes(const void *mine, void *all, size_t n)
{
    MPI_Allgather(mine, (int)n, MPI_BYTE, all, (int)n, MPI_BYTE, MPI_COMM_WORLD);
}

void swm_gather_bytes(const void *mine, void *all, size_t n)
{
    MPI_Gather(mine, (int)n, MPI_BYTE, all, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
}

/* ---- the master ------------------------------------------------------------ */

enum { W_NEW, W_BUSY, W_PARKED, W_ENDED, W_LOST };

typedef struct {
    int state;
    int64_t run; /* W_BUSY (and W_LOST): the run it has */
    double seen; /* last message */
} wslot;

typedef struct {
    swx_job *job;
    wslot *w;
    int size;
    int64_t next;  /* next of job->remaining */
    int64_t *redo; /* runs to hand out again (lost workers) */
    int64_t nredo;
    int stopping;
    int failed;
    int lost;          /* a worker was presumed dead */
    double *buf, *cmp; /* one run's series */
    FILE *log;
} master;

static int have_work(const master *m)
{
    return m->nredo > 0 || m->next < m->job->nremaining;
}

static int any_busy(const master *m)
{
    for (int k = 1; k < m->size; k++)
        if (m->w[k].state == W_BUSY)
            return 1;
    return 0;
}

static void send_run(master *m, int k, int64_t run)
{
    if (run < 0)
        run = m->lost ? END_NOFIN : END;
    MPI_Send(&run, 1, MPI_INT64_T, k, TAG_WORK, MPI_COMM_WORLD);
    if (run < 0) {
        m->w[k].state = W_ENDED;
    } else {
        m->w[k].state = W_BUSY;
        m->w[k].run = run;
        m->w[k].seen = prg_now();
    }
}

/* Give parked worker k a run, or end it when nothing can come any more. */
static void serve(master *m, int k)
{
    if (m->stopping) {
        send_run(m, k, -1);
    } else if (m->nredo > 0) {
        send_run(m, k, m->redo[--m->nredo]);
    } else if (m->next < m->job->nremaining) {
        send_run(m, k, m->job->remaining[m->next++]);
    } else if (!any_busy(m)) {
        send_run(m, k, -1);
    } else {
        m->w[k].state = W_PARKED; /* a busy worker may yet be lost */
    }
}

/* Hand `run` out again (once; not if it is done meanwhile). */
static void requeue(master *m, int64_t run)
{
    if (sws_parts_done(m->job->parts)[run])
        return;
    for (int64_t i = 0; i < m->nredo; i++)
        if (m->redo[i] == run)
            return;
    if (m->nredo < m->size + m->job->nremaining)
        m->redo[m->nredo++] = run;
}

static void fail_once(master *m, sim_error *err, const sim_error *e)
{
    if (!m->failed) {
        *err = *e;
        m->failed = 1;
    }
    m->stopping = 1;
}

/* Receive n items of a message worker k is sending.  A worker that dies in
 * the middle leaves the receive pending for ever, so give up after the
 * worker timeout (0: wait for ever): then -1, and `buf` belongs to the
 * abandoned request (the caller must not reuse it). */
static int recv_or_lose(master *m, int k, void *buf, int n, MPI_Datatype t, int tag)
{
    MPI_Request rq;
    if (MPI_Irecv(buf, n, t, k, tag, MPI_COMM_WORLD, &rq) != MPI_SUCCESS)
        return -1;
    double t0 = prg_now(), timeout = m->job->o.worker_timeout;
    for (;;) {
        int done = 0;
        if (MPI_Test(&rq, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return -1;
        if (done)
            return 0;
        if (timeout > 0 && prg_now() - t0 > timeout) {
            MPI_Cancel(&rq);
            MPI_Request_free(&rq);
            return -1;
        }
        nap(SWM_POLL_NS);
    }
}

/* Worker k died while sending the result of `run`. */
static void lost_mid_message(master *m, int k, int64_t run)
{
    m->w[k].state = W_LOST;
    m->lost = 1;
    if (m->log)
        fprintf(m->log,
                "troika sweep: worker rank %d stopped while sending run %lld and is "
                "presumed dead; the run is handed to another worker\n",
                k, (long long)run);
    requeue(m, run);
}

/* A request from worker k: maybe a result, then it wants work. */
static void on_request(master *m, int k, sim_error *err)
{
    swx_job *job = m->job;
    const swp_plan *p = &job->s->plan;
    int64_t hdr[3];
    MPI_Recv(hdr, 3, MPI_INT64_T, k, TAG_REQ, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    int64_t run = hdr[0], len = hdr[2];
    sim_status st = (sim_status)hdr[1];
    m->w[k].seen = prg_now();
    if (run >= 0 && (len < 0 || len > INT32_MAX || run >= p->nruns ||
                     (st == SIM_OK && len != (int64_t)p->nmetrics * p->days))) {
        sim_error e;
        sim_error_clear(&e);
        SIM_FAIL(&e, SIM_EINTERNAL, NULL, 0, NULL, "rank %d sent a malformed result", k);
        fail_once(m, err, &e);
        m->w[k].state = W_LOST; /* no more talk with it */
        return;
    }
    if (run >= 0 && st == SIM_OK) {
        if (recv_or_lose(m, k, m->buf, (int)len, MPI_DOUBLE, TAG_DATA) != 0) {
            m->buf = malloc((size_t)len * sizeof *m->buf); /* the old one is the request's */
            lost_mid_message(m, k, run);
            if (!m->buf) {
                sim_error e;
                sim_error_clear(&e);
                SIM_FAIL(&e, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
                fail_once(m, err, &e);
                m->stopping = 1;
            }
            return;
        }
        sim_error e;
        sim_error_clear(&e);
        if (!sws_parts_done(job->parts)[run]) {
            if (sws_parts_put(job->parts, run, m->buf, &e) != SIM_OK) {
                fail_once(m, err, &e);
            } else {
                job->finished++;
                swx_progress(job, 0);
            }
        } else if (sws_parts_get(job->parts, run, m->cmp, &e) == SIM_OK &&
                   memcmp(m->cmp, m->buf, (size_t)len * sizeof *m->buf) != 0 && m->log) {
            fprintf(m->log,
                    "troika sweep: run %lld came back twice with different results "
                    "(rank %d); the first is kept\n",
                    (long long)run, k);
        }
    } else if (run >= 0) {
        char *msg = malloc((size_t)len + 1);
        if (!msg || recv_or_lose(m, k, msg, (int)len, MPI_CHAR, TAG_ERRMSG) != 0) {
            lost_mid_message(m, k, run); /* msg (if any) is the request's */
            return;
        }
        msg[len] = '\0';
        if (st == SIM_EINTERRUPT) {
            free(msg);
            requeue(m, run);
            send_run(m, k, -1); /* that rank was told to stop */
            return;
        }
        sim_error e;
        sim_error_clear(&e);
        SIM_FAIL(&e, st, NULL, 0, NULL, "rank %d: %.900s", k, msg);
        free(msg);
        fail_once(m, err, &e);
    }
    serve(m, k);
}

static void check_lost(master *m, double timeout)
{
    if (timeout <= 0)
        return;
    double t = prg_now();
    for (int k = 1; k < m->size; k++) {
        wslot *w = &m->w[k];
        if (w->state != W_BUSY || t - w->seen <= timeout)
            continue;
        w->state = W_LOST;
        m->lost = 1;
        if (m->log)
            fprintf(m->log,
                    "troika sweep: worker rank %d has been silent for %.0f s and is "
                    "presumed dead; its run %lld is handed to another worker\n",
                    k, t - w->seen, (long long)w->run);
        requeue(m, w->run);
    }
}

sim_status swm_master(swx_job *job, int size, int *lost, sim_error *err)
{
    const swp_plan *p = &job->s->plan;
    master m;
    memset(&m, 0, sizeof m);
    m.job = job;
    m.size = size;
    m.log = job->o.log; /* warnings even when quiet */
    m.w = calloc((size_t)size, sizeof *m.w);
    m.redo = malloc((size_t)(size + job->nremaining + 1) * sizeof *m.redo);
    m.buf = malloc((size_t)p->nmetrics * (size_t)p->days * sizeof *m.buf);
    m.cmp = malloc((size_t)p->nmetrics * (size_t)p->days * sizeof *m.cmp);
    if (!m.w || !m.redo || !m.buf || !m.cmp) {
        free(m.w);
        free(m.redo);
        free(m.buf);
        free(m.cmp);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    double t0 = prg_now();
    for (int k = 1; k < size; k++) {
        m.w[k].state = W_NEW;
        m.w[k].seen = t0;
    }
    for (;;) {
        int live = 0;
        for (int k = 1; k < size; k++)
            live += m.w[k].state != W_ENDED && m.w[k].state != W_LOST;
        if (live == 0)
            break;
        if (!m.stopping && job->o.stop && *job->o.stop)
            m.stopping = 1;
        /* parked workers: work came back, or the end */
        for (int k = 1; k < size; k++)
            if (m.w[k].state == W_PARKED && (m.stopping || have_work(&m) || !any_busy(&m)))
                serve(&m, k);
        int flag = 0;
        MPI_Status ms;
        if (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &ms) != MPI_SUCCESS)
            flag = 0;
        if (!flag) {
            check_lost(&m, job->o.worker_timeout);
            nap(SWM_POLL_NS);
            continue;
        }
        int k = ms.MPI_SOURCE;
        if (ms.MPI_TAG == TAG_HB) {
            int one;
            MPI_Recv(&one, 1, MPI_INT, k, TAG_HB, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            m.w[k].seen = prg_now();
            if (m.w[k].state == W_LOST) {
                m.w[k].state = W_BUSY; /* only slow: its result will be checked */
                if (m.log)
                    fprintf(m.log, "troika sweep: worker rank %d is back\n", k);
            }
        } else if (ms.MPI_TAG == TAG_REQ) {
            if (m.w[k].state == W_LOST && m.log)
                fprintf(m.log, "troika sweep: worker rank %d is back\n", k);
            on_request(&m, k, err);
        } else {
            /* unexpected: drain it */
            int n = 0;
            MPI_Get_count(&ms, MPI_BYTE, &n);
            char *junk = malloc((size_t)(n > 0 ? n : 1));
            MPI_Recv(junk, n, MPI_BYTE, k, ms.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            free(junk);
        }
    }
    /* a lost worker that is still alive will find its end message */
    *lost = m.lost;
    for (int k = 1; k < size; k++)
        if (m.w[k].state == W_LOST) {
            int64_t end = END_NOFIN;
            MPI_Request rq;
            if (MPI_Isend(&end, 1, MPI_INT64_T, k, TAG_WORK, MPI_COMM_WORLD, &rq) == MPI_SUCCESS)
                MPI_Request_free(&rq);
        }
    free(m.w);
    free(m.redo);
    free(m.buf);
    free(m.cmp);
    if (m.failed) {
        sim_error_push(err, __FILE__, __LINE__, __func__);
        return err->code;
    }
    return SIM_OK;
}

/* ---- a worker ------------------------------------------------------------- */

typedef struct {
    const swp_sweep *s;
    int64_t run;
    double *values;
    volatile sig_atomic_t *stop;
    sim_error err;
    sim_status st;
    int threads;
    int finished; /* atomic */
} task;

static void *task_main(void *arg)
{
    task *t = arg;
    omp_set_num_threads(t->threads);
    t->st = swx_run_one(t->s, t->run, t->values, t->stop, &t->err);
    __atomic_store_n(&t->finished, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* Wait (politely) for the master's next message: a run, END or END_NOFIN. */
static int64_t next_run(void)
{
    for (;;) {
        int flag = 0;
        if (MPI_Iprobe(0, TAG_WORK, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return END;
        if (flag)
            break;
        nap(SWM_POLL_NS);
    }
    int64_t run = -1;
    MPI_Recv(&run, 1, MPI_INT64_T, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return run;
}

sim_status swm_worker(const swp_sweep *s, const swx_opts *o, int *skip, sim_error *err)
{
    const swp_plan *p = &s->plan;
    int64_t len = (int64_t)p->nmetrics * p->days;
    task t;
    memset(&t, 0, sizeof t);
    *skip = 0;
    t.s = s;
    t.stop = o->stop;
    t.threads = o->threads > 0 ? o->threads : 1;
    t.values = malloc((size_t)len * sizeof *t.values);
    if (!t.values)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    int64_t hdr[3] = {-1, SIM_OK, 0};
    MPI_Send(hdr, 3, MPI_INT64_T, 0, TAG_REQ, MPI_COMM_WORLD);
    sim_status out = SIM_OK;
    for (;;) {
        int64_t run = next_run();
        if (run < 0) {
            *skip = run == END_NOFIN;
            break;
        }
        t.run = run;
        t.finished = 0;
        sim_error_clear(&t.err);
        pthread_t th;
        if (pthread_create(&th, NULL, task_main, &t) != 0) {
            t.st = SIM_FAIL(&t.err, SIM_ENOMEM, NULL, 0, NULL, "cannot start a thread");
        } else {
            double last = prg_now();
            while (!__atomic_load_n(&t.finished, __ATOMIC_ACQUIRE)) {
                nap(20 * SWM_POLL_NS);
                if (prg_now() - last >= SWM_HEARTBEAT) {
                    int one = 1;
                    MPI_Send(&one, 1, MPI_INT, 0, TAG_HB, MPI_COMM_WORLD);
                    last = prg_now();
                }
            }
            pthread_join(th, NULL);
        }
        hdr[0] = run;
        hdr[1] = t.st;
        if (t.st == SIM_OK) {
            hdr[2] = len;
            MPI_Send(hdr, 3, MPI_INT64_T, 0, TAG_REQ, MPI_COMM_WORLD);
            MPI_Send(t.values, (int)len, MPI_DOUBLE, 0, TAG_DATA, MPI_COMM_WORLD);
        } else {
            char msg[1100];
            sim_error_format(&t.err, msg, sizeof msg);
            hdr[2] = (int64_t)strlen(msg) + 1;
            MPI_Send(hdr, 3, MPI_INT64_T, 0, TAG_REQ, MPI_COMM_WORLD);
            MPI_Send(msg, (int)hdr[2], MPI_CHAR, 0, TAG_ERRMSG, MPI_COMM_WORLD);
            if (out == SIM_OK) {
                *err = t.err;
                out = t.st;
            }
        }
    }
    free(t.values);
    return out;
}

#endif /* TROIKA_HAVE_MPI */
