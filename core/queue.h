/* core/queue.h — a first-come-first-served multi-server queue in continuous
 * time, worked one day at a time.
 *
 * WHAT IT OWNS.  Jobs waiting (structure of arrays: id, arrival time, origin,
 * category and the job's own random numbers), the arrivals staged for the
 * coming day, the servers (free_at, speed) and the records of the jobs taken
 * up in the latest q_day().  No pointers between records: everything is an
 * index into flat arrays that grow by doubling (no allocation in the daily
 * step once they have grown to their working size).
 *
 * HOW IT WORKS.  Time is in days; day d is [d, d+1).  The caller stages the
 * day's arrivals with q_push() (in its own order: the models push compound
 * by compound), then calls q_day(q, d, ...), which
 *   1. draws for each staged job, in push order, four numbers from the
 *      stream: its arrival time d + U, its work (a unit exponential), the
 *      uniform its outcome will be decided with, and its patience (a unit
 *      exponential, scaled by the patience passed in; unused when that is 0);
 *      then sorts the staged jobs by arrival time (ties: push order) and
 *      appends them behind the jobs already waiting (which all arrived
 *      earlier), so the line is in arrival order;
 *   2. while the head job can start before d+1 on the server that is free
 *      earliest (ties: lowest index): start = max(free_at, arrival); if the
 *      job's patience ran out before start, it has left (reneged) at its
 *      deadline and the server stays free; otherwise its service lasts
 *      mean[category] x work / speed, free_at = start + service, and a record
 *      is written (wait = start - arrival);
 *   3. removes the waiting jobs whose deadline falls before d+1 (they leave
 *      during the day).
 * Jobs that cannot start today stay in line for the next day.
 *
 * Why the job's numbers are drawn at arrival.  A job's work and outcome
 * uniform belong to the job, not to the order in which the servers reach it,
 * so two runs with the same stream but different staffing serve the SAME
 * jobs (common random numbers): with identical servers, adding a server
 * never lengthens any job's wait.  The outcome itself is decided by the
 * caller at take-up (q_record.u against the probability of that moment).
 *
 * Servers are slots 0..nserv-1.  q_set_server() changes a slot between days
 * (a policy): speed 0 means absent.  A slot that becomes present is free at
 * max(its free_at, now); a slot that becomes absent finishes the job it has
 * (its record was already written) and takes no more; a change of speed
 * applies to the jobs it starts afterwards.  Setting a slot to the speed it
 * already has changes nothing (so re-deriving the servers is idempotent).
 *
 * Invariants: arrival times of waiting jobs are nondecreasing; every job
 * pushed is, at any time, waiting, taken up or reneged:
 *   pushed = taken + reneged + waiting (q->pushed, ->taken, ->reneged).
 *
 * Ownership: q_create() initialises a q_queue in place (a failure leaves it
 * empty and safe to destroy); q_destroy() frees its arrays and is a no-op on
 * NULL or a zeroed queue.  Thread safety: a queue belongs to one thread at a
 * time (the models keep one per sub-district).  Determinism: all randomness
 * comes from the stream passed to q_day() (the models key it by seed,
 * purpose, sub-district and day).
 */
#ifndef TROIKA_SIM_QUEUE_H
#define TROIKA_SIM_QUEUE_H

#include <stdint.h>

#include "err.h"
#include "rng.h"
#include "state.h"

/* A job taken up by a server (written by q_day, valid until the next call). */
typedef struct {
    int64_t id;     /* 0, 1, 2, ... in the order jobs joined the line */
    double arrival; /* arrival time (days) */
    double start;   /* time service started */
    double end;     /* time service ends (may be after the day) */
    double u;       /* the job's own uniform on [0, 1), for its outcome */
    int32_t origin; /* as pushed (the models: the compound) */
    int32_t server; /* slot that took it */
    uint8_t cat;    /* as pushed */
} q_record;

/* What one q_day() did. */
typedef struct {
    int64_t arrived; /* jobs that joined today */
    int64_t taken;   /* jobs taken up today (records) */
    int64_t reneged; /* jobs that left the line today, unserved */
    int64_t waiting; /* jobs in line at the end of the day */
    double wait_sum; /* sum of the waits of the jobs taken up */
    double busy;     /* server work done within the day: sum of speed x busy time */
    double capacity; /* sum of the speeds of the servers present */
} q_daystats;

/* A staged arrival with its numbers (scratch of q_day). */
typedef struct {
    double t, work, u, patience;
    int64_t k; /* push order */
} q_staged;

typedef struct {
    /* waiting jobs are [head, n) of these arrays */
    int64_t head, n, cap;
    int64_t *id;
    double *arrival, *work, *u, *deadline;
    int32_t *origin;
    uint8_t *cat;
    /* arrivals staged for the next q_day */
    int64_t nnew, newcap;
    int32_t *new_origin;
    uint8_t *new_cat;
    q_staged *staged; /* [newcap] scratch for sorting the staged arrivals */
    /* servers */
    int32_t nserv, servcap;
    double *free_at, *speed;
    /* take-ups of the latest q_day */
    int64_t nrec, reccap;
    q_record *rec;
    /* totals since creation */
    int64_t pushed, taken, reneged;
    double now; /* end of the latest day worked (0 before any) */
} q_queue;

/* An empty queue with no servers. */
sim_status q_create(q_queue *q);
void q_destroy(q_queue *q);

/* Stage one arrival for the next q_day().  SIM_ENOMEM if it cannot grow. */
sim_status q_push(q_queue *q, int32_t origin, uint8_t cat);

/* Set server slot k (>= 0; slots up to k are created absent) to `speed`
 * (>= 0, finite; 0 = absent) from time `now`.  SIM_EINPUT for a bad slot or
 * speed, SIM_ENOMEM. */
sim_status q_set_server(q_queue *q, int32_t k, double speed, double now);

/* Work day `day` (see the top of this file).  mean[cat] is the mean service
 * time, in days, of a job of category cat on a server of speed 1 (ncat
 * entries, each >= 0 and finite); patience is the mean time a job waits
 * before leaving (0: jobs never leave).  The day's take-ups are in
 * q->rec[0 .. q->nrec-1]; *out (may be NULL) gets the day's figures.
 * SIM_EINPUT for a staged category >= ncat or a bad mean or patience (the
 * queue is then unchanged), SIM_ENOMEM. */
sim_status q_day(q_queue *q, int64_t day, sim_stream *st, const double *mean, int ncat,
                 double patience, q_daystats *out);

/* Register the queue's state (core/state.h) under the current scope: the
 * waiting jobs, the staged arrivals, the servers, the totals and the clock.
 * Not registered: the capacities (restored by growing to the saved counts),
 * the scratch `staged` and the records of the latest q_day() (valid only
 * until the next call, read by the caller in the same phase).  Each entry
 * has its range (sim/state.h): origins in [origin_lo, origin_hi),
 * categories below ncat; the totals, ids and arrival order are checked
 * after loading. */
void q_state_register(q_queue *q, sim_state *st, int32_t origin_lo, int32_t origin_hi, int ncat);

/* Jobs in line. */
static inline int64_t q_waiting(const q_queue *q)
{
    return q->n - q->head;
}

/* Sum of the speeds of the servers present. */
double q_capacity(const q_queue *q);

/* Jobs in service at the end of the latest q_day() (servers, present or
 * just removed, whose job ends after it). */
int32_t q_in_service(const q_queue *q);

/* ---- sparse arrivals --------------------------------------------------------
 *
 * Where jobs arise rarely (a few a month per compound), a Poisson draw every
 * day costs a stream and a uniform per entity and day.  Instead candidates
 * arrive as a Poisson process of a FIXED rate `top` a day that bounds the
 * true rate(d); the days that have candidates are found by skipping
 * (geometric gaps: q_gap), their number is q_candidates(), and each
 * candidate is kept with probability rate(d) / top (thinning).  Arrivals are
 * then exactly Poisson(rate(d)) on each day, independent between days, and
 * the candidates do not depend on the state: runs that differ in rate(d)
 * share them (common random numbers).  Recipe, per entity:
 *     if (day < next) nothing today;
 *     else: stream (seed, purpose, entity, day);
 *           if next is unset: next = day + q_gap(st, top); stop if next > day;
 *           k = q_candidates(st, top); keep each with rate / top;
 *           next = day + 1 + q_gap(st, top).
 */

/* A gap that never ends (day + 1 + Q_NEVER does not overflow). */
#define Q_NEVER (INT64_MAX / 4)

/* Days without candidates before the next day with some (>= 0); Q_NEVER
 * when top <= 0. */
int64_t q_gap(sim_stream *st, double top);

/* Number of candidates on a day that has some: zero-truncated
 * Poisson(top), >= 1 (one uniform, by inversion), at most Q_CANDIDATES_MAX
 * (so arrivals of one entity on one day are bounded, whatever the rate). */
#define Q_CANDIDATES_MAX 1000
uint32_t q_candidates(sim_stream *st, double top);

#endif
