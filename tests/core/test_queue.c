/* tests/core/test_queue.c — the FCFS multi-server queue (core/queue.h): Erlang C,
 * monotonicity under common random numbers, reneging against M/M/inf,
 * server changes between days, accounting, sparse (thinned) arrivals, and
 * refused input.
 *
 * Arrivals are Poisson: each day's count is Poisson(lambda) from the stream
 * (seed, SIM_RNG_TEST, 0, day) and the queue draws the times uniformly in
 * the day, which together make a Poisson process of rate lambda a day.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "queue.h"
#include "rng.h"
#include "suite.h"

#define SEED 0x5eed2385u

/* Erlang's C formula: probability that an arrival waits, c servers, offered
 * load a = lambda / mu < c. */
static double erlang_c(int c, double a)
{
    double term = 1.0, sum = 0.0; /* a^k / k! */
    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double top = term * c / (c - a);
    return top / (sum + top);
}

typedef struct {
    double wait_sum; /* over jobs taken up after the warm-up */
    int64_t taken;
    int64_t zero_waits;
    double busy, capacity;
    int64_t waiting_sum; /* sum over days of jobs waiting at the end */
    int64_t days;
} run_stats;

/* `days` days of Poisson(lambda) arrivals into q (servers already set),
 * service mean `mean`, patience `patience`; statistics after `warm` days. */
static void feed(q_queue *q, uint64_t seed, double lambda, double mean, double patience,
                 int64_t days, int64_t warm, run_stats *rs)
{
    memset(rs, 0, sizeof *rs);
    for (int64_t d = 0; d < days; d++) {
        sim_rng ar;
        gsl_rng *g = sim_rng_open(&ar, seed, SIM_RNG_TEST, 0, (uint32_t)d);
        unsigned int n = gsl_ran_poisson(g, lambda);
        for (unsigned int i = 0; i < n; i++)
            assert_int_equal(q_push(q, (int32_t)i, 0), SIM_OK);
        sim_stream st;
        sim_stream_open(&st, seed, SIM_RNG_TEST, 1, (uint32_t)d);
        q_daystats ds;
        assert_int_equal(q_day(q, d, &st, &mean, 1, patience, &ds), SIM_OK);
        assert_int_equal(q->pushed, q->taken + q->reneged + q_waiting(q));
        if (d < warm)
            continue;
        rs->days++;
        rs->wait_sum += ds.wait_sum;
        rs->taken += ds.taken;
        rs->busy += ds.busy;
        rs->capacity += ds.capacity;
        rs->waiting_sum += ds.waiting;
        for (int64_t i = 0; i < q->nrec; i++)
            rs->zero_waits += q->rec[i].start == q->rec[i].arrival;
    }
}

static void servers(q_queue *q, int c, double speed)
{
    for (int k = 0; k < c; k++)
        assert_int_equal(q_set_server(q, k, speed, 0.0), SIM_OK);
}

/* Long-run mean wait = C(c, a) / (c mu - lambda) within 5%; the share that
 * waits = C(c, a) within 0.02; utilisation = rho within 2%. */
static void test_erlang_c(void **state)
{
    (void)state;
    const double lambda = 12.5;
    const int cs[] = {1, 2, 3};
    const double rhos[] = {0.5, 0.8};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++) {
            int c = cs[i];
            double rho = rhos[j], mu = lambda / (c * rho), a = lambda / mu;
            double pw = erlang_c(c, a), wq = pw / (c * mu - lambda);
            q_queue q;
            assert_int_equal(q_create(&q), SIM_OK);
            servers(&q, c, 1.0);
            run_stats rs;
            feed(&q, SEED + (uint64_t)(10 * c + j), lambda, 1.0 / mu, 0.0, 160000, 200, &rs);
            double w = rs.wait_sum / (double)rs.taken;
            double waited = 1.0 - (double)rs.zero_waits / (double)rs.taken;
            double util = rs.busy / rs.capacity;
            print_message("c=%d rho=%.1f: W_q %.5f (Erlang C %.5f, %+.2f%%), P(wait) %.4f (%.4f), "
                          "utilisation %.4f\n",
                          c, rho, w, wq, 100.0 * (w / wq - 1.0), waited, pw, util);
            assert_true(rs.taken > 1900000);
            assert_true(fabs(w / wq - 1.0) < 0.05);
            assert_true(fabs(waited - pw) < 0.02);
            assert_true(fabs(util / rho - 1.0) < 0.02);
            q_destroy(&q);
        }
}

/* Far more servers than load: nobody ever waits. */
static void test_no_wait_with_many_servers(void **state)
{
    (void)state;
    q_queue q;
    assert_int_equal(q_create(&q), SIM_OK);
    servers(&q, 60, 1.0);
    run_stats rs;
    feed(&q, SEED, 8.3, 0.05, 0.0, 3000, 0, &rs);
    assert_true(rs.taken > 20000);
    assert_true(rs.wait_sum == 0.0);
    assert_int_equal(rs.zero_waits, rs.taken);
    assert_int_equal(q_waiting(&q), 0);
    q_destroy(&q);
}

/* Common random numbers: with one more (identical) server, no job waits
 * longer — job by job — and the mean wait falls. */
static void test_more_servers_never_wait_longer(void **state)
{
    (void)state;
    const int64_t days = 5000;
    for (int c = 1; c <= 3; c++) {
        q_queue a, b;
        assert_int_equal(q_create(&a), SIM_OK);
        assert_int_equal(q_create(&b), SIM_OK);
        servers(&a, c, 1.0);
        servers(&b, c + 1, 1.0);
        double mean = 0.85 * c / 10.0; /* rho = 0.85 with c servers */
        double *wa = calloc(40000, sizeof *wa), *wb = calloc(40000, sizeof *wb);
        assert_non_null(wa);
        assert_non_null(wb);
        double suma = 0, sumb = 0;
        int64_t na = 0, nb = 0;
        for (int64_t d = 0; d < days; d++) {
            sim_rng ar;
            gsl_rng *g = sim_rng_open(&ar, SEED + (uint64_t)c, SIM_RNG_TEST, 0, (uint32_t)d);
            unsigned int n = gsl_ran_poisson(g, 10.0);
            for (unsigned int i = 0; i < n; i++) {
                assert_int_equal(q_push(&a, 0, 0), SIM_OK);
                assert_int_equal(q_push(&b, 0, 0), SIM_OK);
            }
            sim_stream sa, sb;
            sim_stream_open(&sa, SEED + (uint64_t)c, SIM_RNG_TEST, 1, (uint32_t)d);
            sim_stream_open(&sb, SEED + (uint64_t)c, SIM_RNG_TEST, 1, (uint32_t)d);
            assert_int_equal(q_day(&a, d, &sa, &mean, 1, 0.0, NULL), SIM_OK);
            assert_int_equal(q_day(&b, d, &sb, &mean, 1, 0.0, NULL), SIM_OK);
            for (int64_t i = 0; i < a.nrec; i++)
                if (a.rec[i].id < 40000) {
                    wa[a.rec[i].id] = a.rec[i].start - a.rec[i].arrival;
                    suma += wa[a.rec[i].id];
                    na++;
                }
            for (int64_t i = 0; i < b.nrec; i++)
                if (b.rec[i].id < 40000) {
                    wb[b.rec[i].id] = b.rec[i].start - b.rec[i].arrival;
                    sumb += wb[b.rec[i].id];
                    nb++;
                }
        }
        assert_true(na == 40000 && nb == 40000); /* the first 40,000 jobs all served */
        for (int64_t i = 0; i < 40000; i++)
            assert_true(wb[i] <= wa[i] + 1e-9);
        print_message("c=%d: mean wait %.4f, with one more server %.4f\n", c, suma / na, sumb / nb);
        assert_true(sumb < 0.5 * suma);
        free(wa);
        free(wb);
        q_destroy(&a);
        q_destroy(&b);
    }
}

/* First come, first served: ids in order, start times nondecreasing, every
 * start at or after its arrival and within its day; the same stream gives
 * the same records. */
static void test_fcfs_and_determinism(void **state)
{
    (void)state;
    q_queue a, b;
    assert_int_equal(q_create(&a), SIM_OK);
    assert_int_equal(q_create(&b), SIM_OK);
    assert_int_equal(q_set_server(&a, 0, 1.0, 0), SIM_OK);
    assert_int_equal(q_set_server(&a, 1, 0.4, 0), SIM_OK);
    assert_int_equal(q_set_server(&b, 0, 1.0, 0), SIM_OK);
    assert_int_equal(q_set_server(&b, 1, 0.4, 0), SIM_OK);
    const double mean[3] = {0.1, 0.35, 0.02};
    int64_t next_id = 0;
    double last_start = 0.0;
    for (int64_t d = 0; d < 400; d++) {
        for (int i = 0; i < (int)(d % 7) + 2; i++) {
            assert_int_equal(q_push(&a, 100 + i, (uint8_t)(i % 3)), SIM_OK);
            assert_int_equal(q_push(&b, 100 + i, (uint8_t)(i % 3)), SIM_OK);
        }
        sim_stream sa, sb;
        sim_stream_open(&sa, 77, SIM_RNG_TEST, 5, (uint32_t)d);
        sim_stream_open(&sb, 77, SIM_RNG_TEST, 5, (uint32_t)d);
        q_daystats da, db;
        assert_int_equal(q_day(&a, d, &sa, mean, 3, 0.0, &da), SIM_OK);
        assert_int_equal(q_day(&b, d, &sb, mean, 3, 0.0, &db), SIM_OK);
        assert_int_equal(a.nrec, b.nrec);
        for (int64_t i = 0; i < a.nrec; i++) {
            const q_record *x = &a.rec[i], *y = &b.rec[i];
            assert_true(x->id == y->id && x->arrival == y->arrival && x->start == y->start &&
                        x->end == y->end && x->u == y->u && x->origin == y->origin &&
                        x->server == y->server && x->cat == y->cat);
        }
        assert_true(da.taken == db.taken && da.wait_sum == db.wait_sum && da.busy == db.busy &&
                    da.waiting == db.waiting);
        for (int64_t i = 0; i < a.nrec; i++) {
            const q_record *r = &a.rec[i];
            assert_int_equal(r->id, next_id++);
            assert_true(r->start >= last_start);
            assert_true(r->start >= r->arrival);
            assert_true(r->start >= (double)d && r->start < (double)d + 1.0);
            assert_true(r->end >= r->start);
            assert_true(r->origin >= 100 && r->origin < 108 && r->cat < 3);
            assert_true(r->u >= 0.0 && r->u < 1.0);
            last_start = r->start;
        }
        for (int64_t i = a.head + 1; i < a.n; i++)
            assert_true(a.arrival[i] >= a.arrival[i - 1]);
        assert_true(da.busy <= da.capacity + 1e-12);
    }
    q_destroy(&a);
    q_destroy(&b);
}

/* Reneging with no server at all: every job leaves at its deadline, so the
 * line is an M/M/inf system: mean number waiting = lambda x patience. */
static void test_reneging_mm_inf(void **state)
{
    (void)state;
    q_queue q;
    assert_int_equal(q_create(&q), SIM_OK);
    run_stats rs;
    const double lambda = 6.7, patience = 4.3;
    feed(&q, SEED, lambda, 1.0, patience, 30000, 100, &rs);
    double mean_waiting = (double)rs.waiting_sum / (double)rs.days;
    print_message("waiting %.4f, lambda x patience %.4f\n", mean_waiting, lambda * patience);
    assert_int_equal(q.taken, 0);
    assert_true(q.reneged > 150000);
    /* the end-of-day count sees those whose deadline is after the day */
    assert_true(fabs(mean_waiting / (lambda * patience) - 1.0) < 0.03);
    q_destroy(&q);
}

/* Reneging with servers: accounting holds and impatience shortens the wait
 * of those served (an overloaded queue stays bounded). */
static void test_reneging_bounds_overload(void **state)
{
    (void)state;
    q_queue q;
    assert_int_equal(q_create(&q), SIM_OK);
    servers(&q, 1, 1.0);
    run_stats rs;
    feed(&q, SEED, 10.0, 0.15, 2.0, 5000, 500, &rs); /* rho = 1.5 */
    assert_true(q.reneged > 0 && q.taken > 0);
    assert_int_equal(q.pushed, q.taken + q.reneged + q_waiting(&q));
    assert_true((double)rs.waiting_sum / (double)rs.days < 40.0);
    assert_true(rs.wait_sum / (double)rs.taken < 2.0);
    q_destroy(&q);
}

/* A server added between days is free from then on, not before; a removed
 * server finishes its job; re-setting a server changes nothing; half speed
 * takes twice as long. */
static void test_server_changes(void **state)
{
    (void)state;
    q_queue q;
    assert_int_equal(q_create(&q), SIM_OK);
    const double mean = 0.5;
    sim_stream st;
    /* day 0: no server; three jobs wait */
    for (int i = 0; i < 3; i++)
        assert_int_equal(q_push(&q, i, 0), SIM_OK);
    sim_stream_open(&st, 9, SIM_RNG_TEST, 0, 0);
    assert_int_equal(q_day(&q, 0, &st, &mean, 1, 0.0, NULL), SIM_OK);
    assert_int_equal(q.nrec, 0);
    assert_int_equal(q_waiting(&q), 3);
    /* day 5: a server joins; the first job starts at 5 exactly */
    assert_int_equal(q_set_server(&q, 0, 1.0, 5.0), SIM_OK);
    assert_true(q.free_at[0] == 5.0);
    assert_int_equal(q_set_server(&q, 0, 1.0, 6.0), SIM_OK); /* idempotent */
    assert_true(q.free_at[0] == 5.0);
    sim_stream_open(&st, 9, SIM_RNG_TEST, 0, 5);
    assert_int_equal(q_day(&q, 5, &st, &mean, 1, 0.0, NULL), SIM_OK);
    assert_true(q.nrec >= 1);
    assert_true(q.rec[0].start == 5.0);
    assert_true(q.rec[0].arrival < 1.0);
    /* remove it while busy: it keeps its job, takes no more */
    double busy_until = q.free_at[0];
    int64_t left = q_waiting(&q);
    assert_int_equal(q_set_server(&q, 0, 0.0, 6.0), SIM_OK);
    assert_true(q.free_at[0] == busy_until);
    assert_true(q_capacity(&q) == 0.0);
    sim_stream_open(&st, 9, SIM_RNG_TEST, 0, 6);
    assert_int_equal(q_day(&q, 6, &st, &mean, 1, 0.0, NULL), SIM_OK);
    assert_int_equal(q.nrec, 0);
    assert_int_equal(q_waiting(&q), left);
    assert_int_equal(q_in_service(&q), busy_until > 7.0);
    q_destroy(&q);

    /* half speed: the same jobs take exactly twice as long */
    q_queue f, h;
    assert_int_equal(q_create(&f), SIM_OK);
    assert_int_equal(q_create(&h), SIM_OK);
    assert_int_equal(q_set_server(&f, 3, 1.0, 0.0), SIM_OK); /* slots 0-2 absent */
    assert_int_equal(q_set_server(&h, 3, 0.5, 0.0), SIM_OK);
    assert_int_equal(f.nserv, 4);
    assert_true(q_capacity(&f) == 1.0 && q_capacity(&h) == 0.5);
    assert_int_equal(q_push(&f, 0, 0), SIM_OK);
    assert_int_equal(q_push(&h, 0, 0), SIM_OK);
    sim_stream s1, s2;
    sim_stream_open(&s1, 4, SIM_RNG_TEST, 0, 0);
    sim_stream_open(&s2, 4, SIM_RNG_TEST, 0, 0);
    assert_int_equal(q_day(&f, 0, &s1, &mean, 1, 0.0, NULL), SIM_OK);
    assert_int_equal(q_day(&h, 0, &s2, &mean, 1, 0.0, NULL), SIM_OK);
    assert_int_equal(f.nrec, 1);
    assert_int_equal(h.nrec, 1);
    assert_int_equal(f.rec[0].server, 3);
    assert_true(fabs((h.rec[0].end - h.rec[0].start) - 2.0 * (f.rec[0].end - f.rec[0].start)) <
                1e-12);
    q_destroy(&f);
    q_destroy(&h);
}

/* Sparse arrivals (q_gap, q_candidates, thinning) are Poisson(rate(d)) on
 * every day: with a rate that varies by weekday, the mean and the share of
 * days without arrivals match Poisson per weekday (within 2% and 0.003
 * over 1.4 million entity-days); candidates alone are zero-truncated
 * Poisson; a zero rate never has candidates. */
static void test_sparse_arrivals(void **state)
{
    (void)state;
    const double top = 0.173;
    const int64_t days = 2000, entities = 700;
    double sum[7] = {0}, zero[7] = {0}, n[7] = {0}, cand = 0, cand_days = 0;
    for (int64_t e = 0; e < entities; e++) {
        int64_t next = -1;
        for (int64_t d = 0; d < days; d++) {
            int w = (int)(d % 7);
            double rate = top * (0.25 + 0.75 * w / 6.0);
            uint32_t k = 0;
            if (d >= next) {
                sim_stream st;
                sim_stream_open(&st, SEED, SIM_RNG_TEST, (uint32_t)e, (uint32_t)d);
                int today = 1;
                if (next < 0) {
                    next = d + q_gap(&st, top);
                    today = next == d;
                }
                if (today) {
                    uint32_t c = q_candidates(&st, top);
                    assert_true(c >= 1);
                    cand += c;
                    cand_days++;
                    for (uint32_t i = 0; i < c; i++)
                        k += sim_stream_uniform(&st) < rate / top;
                    next = d + 1 + q_gap(&st, top);
                }
            }
            sum[w] += k;
            zero[w] += k == 0;
            n[w]++;
        }
    }
    for (int w = 0; w < 7; w++) {
        double rate = top * (0.25 + 0.75 * w / 6.0);
        assert_true(fabs(sum[w] / n[w] / rate - 1.0) < 0.02);
        assert_true(fabs(zero[w] / n[w] - exp(-rate)) < 0.003);
    }
    assert_true(fabs(cand / cand_days - top / (1.0 - exp(-top))) < 0.005);
    assert_true(fabs(cand_days / (double)(days * entities) - (1.0 - exp(-top))) < 0.003);
    sim_stream st;
    sim_stream_open(&st, SEED, SIM_RNG_TEST, 0, 0);
    assert_true(q_gap(&st, 0.0) == Q_NEVER);
    assert_true(q_gap(&st, -1.0) == Q_NEVER);
    assert_true(q_gap(&st, 1e-300) >= 0);
}

/* Refused input changes nothing; destroy is safe on NULL and twice. */
static void test_errors(void **state)
{
    (void)state;
    q_queue q;
    assert_int_equal(q_create(&q), SIM_OK);
    assert_int_equal(q_set_server(&q, -1, 1.0, 0.0), SIM_EINPUT);
    assert_int_equal(q_set_server(&q, 0, -0.5, 0.0), SIM_EINPUT);
    assert_int_equal(q_set_server(&q, 0, NAN, 0.0), SIM_EINPUT);
    assert_int_equal(q_set_server(&q, 0, INFINITY, 0.0), SIM_EINPUT);
    assert_int_equal(q.nserv, 0);
    assert_int_equal(q_set_server(&q, 0, 1.0, 0.0), SIM_OK);
    assert_int_equal(q_push(&q, 1, 2), SIM_OK);
    sim_stream st;
    sim_stream_open(&st, 1, SIM_RNG_TEST, 0, 0);
    const double two[2] = {0.3, 0.3}, bad[3] = {0.3, -1.0, 0.3}, three[3] = {0.3, 0.3, 0.3};
    assert_int_equal(q_day(&q, 0, &st, two, 2, 0.0, NULL), SIM_EINPUT);    /* category 2 of 2 */
    assert_int_equal(q_day(&q, 0, &st, bad, 3, 0.0, NULL), SIM_EINPUT);    /* negative mean */
    assert_int_equal(q_day(&q, 0, &st, three, 3, -1.0, NULL), SIM_EINPUT); /* patience */
    assert_int_equal(q_day(&q, 0, &st, three, 0, 0.0, NULL), SIM_EINPUT);  /* no category */
    assert_int_equal(q.nnew, 1);                                           /* still staged */
    assert_int_equal(q.pushed, 0);
    q_daystats ds;
    assert_int_equal(q_day(&q, 0, &st, three, 3, 0.0, &ds), SIM_OK);
    assert_int_equal(ds.arrived, 1);
    assert_int_equal(ds.taken, 1);
    assert_int_equal(q.rec[0].cat, 2);
    q_destroy(&q);
    q_destroy(&q);
    q_destroy(NULL);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_wait_with_many_servers),
        cmocka_unit_test(test_more_servers_never_wait_longer),
        cmocka_unit_test(test_fcfs_and_determinism),
        cmocka_unit_test(test_reneging_mm_inf),
        cmocka_unit_test(test_reneging_bounds_overload),
        cmocka_unit_test(test_server_changes),
        cmocka_unit_test(test_sparse_arrivals),
        cmocka_unit_test(test_errors),
    };
    /* the slow cases: ctest test_queue_slow, label slow (tests/suite.h) */
    const struct CMUnitTest slow[] = {
        cmocka_unit_test(test_erlang_c),
    };
    return SUITE_RUN("queue", tests, slow, NULL, NULL, argc, argv);
}
