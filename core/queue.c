/* core/queue.c — see queue.h.
 *
 * Layout: the waiting jobs are always [0, n) after a q_day() (the day ends by
 * compacting the line to the front, which also drops the reneged jobs), and
 * [head, n) while it runs.  Arrays grow by doubling and never shrink.
 */
#include "queue.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void q_destroy(q_queue *q)
{
    if (!q)
        return;
    free(q->id);
    free(q->arrival);
    free(q->work);
    free(q->u);
    free(q->deadline);
    free(q->origin);
    free(q->cat);
    free(q->new_origin);
    free(q->new_cat);
    free(q->staged);
    free(q->free_at);
    free(q->speed);
    free(q->rec);
    memset(q, 0, sizeof *q);
}

sim_status q_create(q_queue *q)
{
    memset(q, 0, sizeof *q);
    return SIM_OK;
}

/* realloc *p to n elements of size sz; on failure *p is left as it was. */
static int resize(void *p, int64_t n, size_t sz)
{
    void **pp = p;
    if (n < 0 || (uint64_t)n > SIZE_MAX / sz)
        return 0;
    void *np = realloc(*pp, (size_t)n * sz);
    if (!np)
        return 0;
    *pp = np;
    return 1;
}

static int64_t grown(int64_t cap, int64_t need)
{
    int64_t c = cap ? cap : 16;
    while (c < need) {
        if (c > INT64_MAX / 2)
            return need; /* no doubling past the largest count: exactly what is needed */
        c *= 2;
    }
    return c;
}

static sim_status reserve_jobs(q_queue *q, int64_t need)
{
    if (need <= q->cap)
        return SIM_OK;
    int64_t c = grown(q->cap, need);
    if (!resize(&q->id, c, sizeof *q->id) || !resize(&q->arrival, c, sizeof *q->arrival) ||
        !resize(&q->work, c, sizeof *q->work) || !resize(&q->u, c, sizeof *q->u) ||
        !resize(&q->deadline, c, sizeof *q->deadline) ||
        !resize(&q->origin, c, sizeof *q->origin) || !resize(&q->cat, c, sizeof *q->cat))
        return SIM_ENOMEM;
    q->cap = c;
    return SIM_OK;
}

static sim_status reserve_new(q_queue *q, int64_t need)
{
    if (need <= q->newcap)
        return SIM_OK;
    int64_t c = grown(q->newcap, need);
    if (!resize(&q->new_origin, c, sizeof *q->new_origin) ||
        !resize(&q->new_cat, c, sizeof *q->new_cat) || !resize(&q->staged, c, sizeof *q->staged))
        return SIM_ENOMEM;
    q->newcap = c;
    return SIM_OK;
}

static sim_status reserve_servers(q_queue *q, int64_t need)
{
    if (need <= q->servcap)
        return SIM_OK;
    int64_t c = grown(q->servcap, need);
    if (c > INT32_MAX)
        return SIM_EINPUT;
    if (!resize(&q->free_at, c, sizeof *q->free_at) || !resize(&q->speed, c, sizeof *q->speed))
        return SIM_ENOMEM;
    q->servcap = (int32_t)c;
    return SIM_OK;
}

sim_status q_push(q_queue *q, int32_t origin, uint8_t cat)
{
    SIM_TRY(NULL, reserve_new(q, q->nnew + 1));
    q->new_origin[q->nnew] = origin;
    q->new_cat[q->nnew] = cat;
    q->nnew++;
    return SIM_OK;
}

sim_status q_set_server(q_queue *q, int32_t k, double speed, double now)
{
    if (k < 0 || !(speed >= 0.0) || !isfinite(speed) || !isfinite(now))
        return SIM_EINPUT;
    SIM_TRY(NULL, reserve_servers(q, (int64_t)k + 1));
    for (int32_t j = q->nserv; j <= k; j++) {
        q->free_at[j] = 0.0;
        q->speed[j] = 0.0;
    }
    if (k >= q->nserv)
        q->nserv = k + 1;
    if (q->speed[k] == 0.0 && speed > 0.0 && q->free_at[k] < now)
        q->free_at[k] = now; /* joins now, not retroactively */
    q->speed[k] = speed;
    return SIM_OK;
}

double q_capacity(const q_queue *q)
{
    double c = 0.0;
    for (int32_t k = 0; k < q->nserv; k++)
        c += q->speed[k];
    return c;
}

int32_t q_in_service(const q_queue *q)
{
    int32_t n = 0;
    for (int32_t k = 0; k < q->nserv; k++)
        n += q->free_at[k] > q->now;
    return n;
}

int64_t q_gap(sim_stream *st, double top)
{
    if (!(top > 0.0))
        return Q_NEVER;
    uint32_t k = sim_stream_skip(st, -top); /* log(1 - P(a day has some)) = -top */
    return k == UINT32_MAX ? Q_NEVER : (int64_t)k;
}

uint32_t q_candidates(sim_stream *st, double top)
{
    /* P(k) = top^k / (k! (e^top - 1)), k >= 1 */
    double p = top > 0.0 ? top / expm1(top) : 1.0, f = p, u = sim_stream_uniform(st);
    uint32_t k = 1;
    while (u >= f && k < Q_CANDIDATES_MAX) {
        k++;
        p *= top / k;
        f += p;
    }
    return k;
}

static int by_time(const void *a, const void *b)
{
    const q_staged *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->k > y->k) - (x->k < y->k);
}

/* The present server free earliest (ties: lowest slot), or -1. */
static int32_t earliest(const q_queue *q)
{
    int32_t best = -1;
    for (int32_t k = 0; k < q->nserv; k++)
        if (q->speed[k] > 0.0 && (best < 0 || q->free_at[k] < q->free_at[best]))
            best = k;
    return best;
}

sim_status q_day(q_queue *q, int64_t day, sim_stream *st, const double *mean, int ncat,
                 double patience, q_daystats *out)
{
    /* check everything first: a refused call changes nothing */
    if (ncat < 1 || ncat > 256 || !(patience >= 0.0) || !isfinite(patience))
        return SIM_EINPUT;
    for (int c = 0; c < ncat; c++)
        if (!(mean[c] >= 0.0) || !isfinite(mean[c]))
            return SIM_EINPUT;
    for (int64_t j = 0; j < q->nnew; j++)
        if (q->new_cat[j] >= ncat)
            return SIM_EINPUT;
    SIM_TRY(NULL, reserve_jobs(q, q->n + q->nnew));

    const double t0 = (double)day, t1 = t0 + 1.0;
    q_daystats ds = {0};

    /* 1. arrivals: four numbers per job, in push order; then by time */
    for (int64_t j = 0; j < q->nnew; j++) {
        q_staged *a = &q->staged[j];
        a->t = t0 + sim_stream_uniform(st);
        a->work = -log(sim_stream_uniform_pos(st));
        a->u = sim_stream_uniform(st);
        a->patience = -log(sim_stream_uniform_pos(st));
        a->k = j;
    }
    if (q->nnew > 1)
        qsort(q->staged, (size_t)q->nnew, sizeof *q->staged, by_time);
    for (int64_t j = 0; j < q->nnew; j++) {
        const q_staged *a = &q->staged[j];
        int64_t i = q->n++;
        q->id[i] = q->pushed++;
        q->arrival[i] = a->t;
        q->work[i] = a->work;
        q->u[i] = a->u;
        q->deadline[i] = patience > 0.0 ? a->t + patience * a->patience : INFINITY;
        q->origin[i] = q->new_origin[a->k];
        q->cat[i] = q->new_cat[a->k];
    }
    ds.arrived = q->nnew;
    q->nnew = 0;

    /* work carried over from jobs started on earlier days */
    for (int32_t k = 0; k < q->nserv; k++) {
        if (q->speed[k] <= 0.0)
            continue;
        ds.capacity += q->speed[k];
        double carry = (q->free_at[k] < t1 ? q->free_at[k] : t1) - t0;
        if (carry > 0.0)
            ds.busy += q->speed[k] * carry;
    }

    /* 2. serve in order while the head can start today */
    q->nrec = 0;
    int32_t k;
    while (q->head < q->n && (k = earliest(q)) >= 0) {
        int64_t i = q->head;
        double start = q->free_at[k] > q->arrival[i] ? q->free_at[k] : q->arrival[i];
        if (start < t0)
            start = t0; /* never retroactively */
        if (start >= t1)
            break;
        q->head++;
        if (q->deadline[i] < start) { /* left at its deadline, unserved */
            ds.reneged++;
            continue;
        }
        double end = start + mean[q->cat[i]] * q->work[i] / q->speed[k];
        q->free_at[k] = end;
        if (q->nrec == q->reccap) {
            int64_t c = grown(q->reccap, q->nrec + 1);
            if (!resize(&q->rec, c, sizeof *q->rec))
                return SIM_ENOMEM;
            q->reccap = c;
        }
        q_record *r = &q->rec[q->nrec++];
        r->id = q->id[i];
        r->arrival = q->arrival[i];
        r->start = start;
        r->end = end;
        r->u = q->u[i];
        r->origin = q->origin[i];
        r->server = k;
        r->cat = q->cat[i];
        ds.wait_sum += start - q->arrival[i];
        ds.busy += q->speed[k] * ((end < t1 ? end : t1) - start);
    }
    ds.taken = q->nrec;

    /* 3. the rest of the line: drop those whose patience runs out today,
     * move the others to the front */
    int64_t m = 0;
    for (int64_t i = q->head; i < q->n; i++) {
        if (q->deadline[i] < t1) {
            ds.reneged++;
            continue;
        }
        if (m != i) {
            q->id[m] = q->id[i];
            q->arrival[m] = q->arrival[i];
            q->work[m] = q->work[i];
            q->u[m] = q->u[i];
            q->deadline[m] = q->deadline[i];
            q->origin[m] = q->origin[i];
            q->cat[m] = q->cat[i];
        }
        m++;
    }
    q->head = 0;
    q->n = m;
    q->now = t1;
    ds.waiting = m;
    q->taken += ds.taken;
    q->reneged += ds.reneged;
    if (out)
        *out = ds;
    return SIM_OK;
}

/* ---- state (core/state.h) ------------------------------------------------------ */

static sim_status reserve_jobs_cb(void *q, int64_t n)
{
    return reserve_jobs(q, n);
}

static sim_status reserve_new_cb(void *q, int64_t n)
{
    return reserve_new(q, n);
}

static sim_status reserve_servers_cb(void *q, int64_t n)
{
    return reserve_servers(q, n);
}

/* What the ranges cannot say: the totals account for the line, the ids
 * are those of jobs pushed, the line is in arrival order and in the past. */
static sim_status q_state_check(void *obj, sim_error *err)
{
    const q_queue *q = obj;
    if (q->head > q->n || q->taken > q->pushed || q->reneged > q->pushed - q->taken ||
        q->pushed - q->taken - q->reneged != q->n - q->head)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL,
                        "the totals (pushed %lld, taken %lld, reneged %lld) do not account "
                        "for the %lld jobs waiting (a damaged or edited checkpoint)",
                        (long long)q->pushed, (long long)q->taken, (long long)q->reneged,
                        (long long)(q->n - q->head));
    for (int64_t i = q->head; i < q->n; i++)
        if (q->id[i] >= q->pushed || q->arrival[i] > q->now ||
            (i > q->head && (q->arrival[i] < q->arrival[i - 1] || q->id[i] <= q->id[i - 1])))
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL,
                            "waiting job %lld (id %lld, arrival %.17g) is out of order or "
                            "not yet pushed (a damaged or edited checkpoint)",
                            (long long)i, (long long)q->id[i], q->arrival[i]);
    return SIM_OK;
}

void q_state_register(q_queue *q, sim_state *st, int32_t origin_lo, int32_t origin_hi, int ncat)
{
    const double jobs = 1e15; /* beyond any run; the file must hold them anyway */
    /* counts first: the arrays' lengths */
    SIM_STATE_SCALAR(st, "head", q->head);
    SIM_STATE_IN(st, 0, 0); /* the line is compacted at the end of each day */
    SIM_STATE_SCALAR(st, "n", q->n);
    SIM_STATE_IN(st, 0, jobs);
    SIM_STATE_SCALAR(st, "nnew", q->nnew);
    SIM_STATE_IN(st, 0, jobs);
    SIM_STATE_SCALAR(st, "nserv", q->nserv);
    SIM_STATE_IN(st, 0, INT32_MAX);
    SIM_STATE_SCALAR(st, "pushed", q->pushed);
    SIM_STATE_IN(st, 0, jobs);
    SIM_STATE_SCALAR(st, "taken", q->taken);
    SIM_STATE_IN(st, 0, jobs);
    SIM_STATE_SCALAR(st, "reneged", q->reneged);
    SIM_STATE_IN(st, 0, jobs);
    SIM_STATE_SCALAR(st, "now", q->now);
    SIM_STATE_IN(st, 0, SIM_STATE_DAYS);
    SIM_STATE_VARRAY(st, "id", &q->id, &q->n, reserve_jobs_cb, q);
    SIM_STATE_IN(st, 0, jobs);
    SIM_STATE_VARRAY(st, "arrival", &q->arrival, &q->n, reserve_jobs_cb, q);
    SIM_STATE_IN(st, 0, SIM_STATE_DAYS);
    SIM_STATE_VARRAY(st, "work", &q->work, &q->n, reserve_jobs_cb, q);
    SIM_STATE_IN(st, 0, 1000); /* a unit exponential */
    SIM_STATE_VARRAY(st, "u", &q->u, &q->n, reserve_jobs_cb, q);
    SIM_STATE_IN(st, 0, 1);
    SIM_STATE_VARRAY(st, "deadline", &q->deadline, &q->n, reserve_jobs_cb, q);
    SIM_STATE_IN(st, 0, INFINITY); /* infinite: no patience limit */
    SIM_STATE_VARRAY(st, "origin", &q->origin, &q->n, reserve_jobs_cb, q);
    SIM_STATE_IN(st, origin_lo, (double)origin_hi - 1);
    SIM_STATE_VARRAY(st, "cat", &q->cat, &q->n, reserve_jobs_cb, q);
    SIM_STATE_INDEX(st, ncat);
    SIM_STATE_VARRAY(st, "new_origin", &q->new_origin, &q->nnew, reserve_new_cb, q);
    SIM_STATE_IN(st, origin_lo, (double)origin_hi - 1);
    SIM_STATE_VARRAY(st, "new_cat", &q->new_cat, &q->nnew, reserve_new_cb, q);
    SIM_STATE_INDEX(st, ncat);
    SIM_STATE_VARRAY(st, "free_at", &q->free_at, &q->nserv, reserve_servers_cb, q);
    SIM_STATE_IN(st, 0, INFINITY); /* a job may take for ever on a very slow server */
    SIM_STATE_VARRAY(st, "speed", &q->speed, &q->nserv, reserve_servers_cb, q);
    SIM_STATE_IN(st, 0, 1e6);
    sim_state_on_load(st, q_state_check, q);
}
