/* tests/sim/test_checkpoint.c — checkpoints (sim/checkpoint.h, core/state.h,
 * sim_run_ex): resume is bit for bit an uninterrupted run, whatever the
 * threads; a fork of the same scenario is a resume; a lever fork differs
 * only from the checkpoint's day on and equals a policy on that day; bad
 * checkpoints and structural mismatches are refused by name; a checkpoint
 * survives its writer being killed.
 *
 * Runs are the default 100-compound district, a few hundred days.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <omp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#include "model.h"
#include "checkpoint.h"
#include "ctx.h"
#include "runner.h"
#include "scenario.h"
#include "state.h"

#include "model_helpers.h"

extern char **environ;

static char dir[256];

static void path_in(const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

/* The default scenario with days, seed and --set assignments. */
static void make_scenario(scn_scenario *s, int64_t days, uint64_t seed, const char **sets,
                          int nsets)
{
    sim_error err;
    sim_error_clear(&err);
    scn_init_default(s);
    s->params.run_days = days;
    s->params.run_seed = (int64_t)seed;
    for (int k = 0; k < nsets; k++)
        assert_int_equal(scn_set(s, sets[k], &err), SIM_OK);
    assert_int_equal(scn_finish(s, &err), SIM_OK);
}

static sim_status run_opts(const scn_scenario *s, int threads, const sim_run_opts *o,
                           sim_result **r, sim_error *err_out)
{
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    ctx.threads = threads;
    omp_set_num_threads(threads);
    sim_status st = sim_run_ex(&ctx, s, o, r);
    if (err_out)
        *err_out = ctx.err;
    return st;
}

static sim_result *run_ok(const scn_scenario *s, int threads, const sim_run_opts *o)
{
    sim_result *r = NULL;
    sim_error err;
    sim_status st = run_opts(s, threads, o, &r, &err);
    if (st != SIM_OK) {
        char buf[1200];
        fail_msg("run failed: %s", sim_error_format(&err, buf, sizeof buf));
    }
    return r;
}

static sim_checkpoint *load_ok(const char *path)
{
    sim_checkpoint *ck = NULL;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = ckpt_load(path, &ck, &err);
    if (st != SIM_OK) {
        char buf[1200];
        fail_msg("load failed: %s", sim_error_format(&err, buf, sizeof buf));
    }
    return ck;
}

/* s run from ck (one thread) is s run straight, bit for bit. */
static void assert_resumes_straight(const scn_scenario *s, const sim_checkpoint *ck)
{
    sim_run_opts f = {0};
    f.from = ck;
    sim_result *r = run_ok(s, 1, &f);
    sim_result *ref = run_ok(s, 1, NULL);
    assert_same_results(ref, r);
    sim_result_destroy(r);
    sim_result_destroy(ref);
}

/* A policy before the checkpoint day and one after it (queues re-staffed). */
static const char *policies[] = {
    "policy.early.day=30",
    "policy.early.oc.secretary_share=0.5",
    "policy.early.rc.training=0.4",
    "policy.late.day=150",
    "policy.late.enforce.diversion=0.6",
    "policy.late.mediation.positions_per_room=3",
};

/* (a) 200 days straight (1 thread) == stopped at day 120 with checkpoints
 * every 50 days written by 1 thread, resumed by 2 threads from the
 * scenario the checkpoint recorded. */
static void test_resume_bit_for_bit(void **state)
{
    (void)state;
    scn_scenario s;
    make_scenario(&s, 200, 11, policies, 6);
    sim_result *ref = run_ok(&s, 1, NULL);

    char ckp[300];
    path_in("a.ckpt.h5", ckp, sizeof ckp);
    sim_run_opts o = {0};
    o.checkpoint_every = 50;
    o.checkpoint_path = ckp;
    o.stop_at = 120;
    sim_result *r = NULL;
    sim_error err;
    assert_int_equal(run_opts(&s, 1, &o, &r, &err), SIM_EINTERRUPT);
    assert_null(r);
    assert_non_null(strstr(err.msg, "resume from"));

    sim_checkpoint *ck = load_ok(ckp);
    const ckpt_info *in = ckpt_get_info(ck);
    assert_int_equal(in->day, 120);       /* written at the stop */
    assert_int_equal(in->next_change, 2); /* the early policy's two changes done */
    assert_int_equal(in->params.oc_secretary_share == 0.5, 1);
    assert_int_equal(in->params.enforce_diversion == 0.3, 1);

    /* the resumed scenario, as `troika run --resume` rebuilds it */
    scn_scenario s2;
    scn_init_default(&s2);
    assert_int_equal(scn_load_text(&s2, ckp, in->resolved_ini, &err), SIM_OK);
    assert_int_equal(scn_finish(&s2, &err), SIM_OK);
    sim_run_opts o2 = {0};
    o2.from = ck;
    sim_result *res = run_ok(&s2, 2, &o2);
    assert_int_equal(res->first_day, 120);
    assert_same_results(ref, res);
    sim_result_destroy(res);

    /* resuming and checkpointing again (same file) changes nothing */
    o2.checkpoint_every = 50;
    o2.checkpoint_path = ckp;
    res = run_ok(&s2, 1, &o2);
    assert_same_results(ref, res);
    sim_result_destroy(res);
    ckpt_destroy(ck);
    ck = load_ok(ckp);
    assert_int_equal(ckpt_get_info(ck)->day, 200);
    ckpt_destroy(ck);

    /* stopped between two panel samples (day 135; rows on days 29, 59, ...):
     * the panels' running sums, per compound and per sub-district, are in
     * the checkpoint and the resumed run still equals the straight one */
    char ckb[300];
    path_in("b.ckpt.h5", ckb, sizeof ckb);
    o.checkpoint_path = ckb;
    o.stop_at = 135;
    assert_int_equal(run_opts(&s, 1, &o, &r, &err), SIM_EINTERRUPT);
    ck = load_ok(ckb);
    in = ckpt_get_info(ck);
    assert_int_equal(in->day, 135);
    assert_int_equal(in->nsamples, 4);
    assert_true(in->nsub > 0 && in->nsacc > 0);
    int busy = 0;
    for (int64_t k = 0; k < in->nsacc; k++)
        busy += in->sacc[k] != 0.0;
    assert_true(busy > 0);
    assert_non_null(in->subpanel[SIM_MET_disputes_waiting]);
    o2.checkpoint_every = 0;
    o2.checkpoint_path = NULL;
    o2.from = ck;
    res = run_ok(&s2, 2, &o2);
    assert_same_results(ref, res);
    sim_result_destroy(res);
    ckpt_destroy(ck);

    sim_result_destroy(ref);
    scn_free(&s);
    scn_free(&s2);
}

/* (c) a fork of the same scenario from day 365 equals the uninterrupted
 * run; a lever fork equals the run with that lever as a policy on day 365,
 * and differs from the baseline only from day 365 on. */
static void test_fork(void **state)
{
    (void)state;
    const int64_t D = 365, days = 430;
    char ckp[300];
    path_in("burnin.ckpt.h5", ckp, sizeof ckp);
    scn_scenario burn;
    make_scenario(&burn, D, 5, NULL, 0);
    sim_run_opts o = {0};
    o.checkpoint_every = D;
    o.checkpoint_path = ckp;
    sim_result *b = run_ok(&burn, 2, &o);
    sim_result_destroy(b);
    sim_checkpoint *ck = load_ok(ckp);
    assert_int_equal(ckpt_get_info(ck)->day, D);

    scn_scenario base;
    make_scenario(&base, days, 5, NULL, 0);
    sim_result *ref = run_ok(&base, 1, NULL);
    sim_run_opts f = {0};
    f.from = ck;
    f.forked_from = "test";
    sim_result *same = run_ok(&base, 1, &f);
    assert_same_results(ref, same);
    assert_string_equal(same->forked_from, "test");
    sim_result_destroy(same);

    const char *lever[] = {"oc.secretary_share=0.8", "enforce.diversion=0.7",
                           "mediation.positions_per_room=4"};
    scn_scenario fork;
    make_scenario(&fork, days, 5, lever, 3);
    sim_result *fr = run_ok(&fork, 2, &f);
    /* days before D are the burn-in's */
    assert_memory_equal(fr->city, ref->city, sizeof(double) * (size_t)D * SIM_MET_N);
    int differs = 0;
    for (int64_t d = D; d < days && !differs; d++)
        differs = memcmp(fr->city + d * SIM_MET_N, ref->city + d * SIM_MET_N,
                         sizeof(double) * SIM_MET_N) != 0;
    assert_true(differs);
    /* ... and it is the uninterrupted run with the levers as a policy at D */
    const char *policy[] = {"policy.reform.day=365", "policy.reform.oc.secretary_share=0.8",
                            "policy.reform.enforce.diversion=0.7",
                            "policy.reform.mediation.positions_per_room=4"};
    scn_scenario pol;
    make_scenario(&pol, days, 5, policy, 4);
    sim_result *pr = run_ok(&pol, 1, NULL);
    assert_same_results(pr, fr);
    /* a policy of the fork dated before D applies at D: the same again */
    sim_result *fp = run_ok(&pol, 1, &f);
    assert_same_results(pr, fp);

    /* another seed: same burn-in, different future */
    scn_scenario other;
    make_scenario(&other, days, 99, NULL, 0);
    sim_result *os = run_ok(&other, 1, &f);
    assert_memory_equal(os->city, ref->city, sizeof(double) * (size_t)D * SIM_MET_N);
    assert_true(memcmp(os->city + D * SIM_MET_N, ref->city + D * SIM_MET_N,
                       sizeof(double) * (size_t)(days - D) * SIM_MET_N) != 0);

    sim_result_destroy(os);
    sim_result_destroy(fp);
    sim_result_destroy(pr);
    sim_result_destroy(fr);
    sim_result_destroy(ref);
    ckpt_destroy(ck);
    scn_free(&burn);
    scn_free(&base);
    scn_free(&fork);
    scn_free(&pol);
    scn_free(&other);
}

/* (d) structural mismatches, a too short run, foreign, damaged and
 * wrong-version files are refused with messages that name the problem. */
static void test_refusals(void **state)
{
    (void)state;
    char ckp[300], bad[300];
    path_in("small.ckpt.h5", ckp, sizeof ckp);
    scn_scenario s;
    make_scenario(&s, 60, 3, NULL, 0);
    sim_run_opts o = {0};
    o.checkpoint_every = 30;
    o.checkpoint_path = ckp;
    sim_result *r = run_ok(&s, 1, &o);
    sim_result_destroy(r);
    sim_checkpoint *ck = load_ok(ckp);
    sim_error err;
    sim_run_opts f = {0};
    f.from = ck;

    /* a structural parameter */
    const char *fixed[] = {"city.compounds=50"};
    scn_scenario x;
    make_scenario(&x, 100, 3, fixed, 1);
    r = NULL;
    assert_int_equal(run_opts(&x, 1, &f, &r, &err), SIM_EINPUT);
    assert_string_equal(err.key, "city.compounds");
    assert_non_null(strstr(err.msg, "= 50"));
    assert_non_null(strstr(err.msg, "= 100"));
    scn_free(&x);
    /* not beyond the checkpoint's day */
    make_scenario(&x, 60, 3, NULL, 0);
    assert_int_equal(run_opts(&x, 1, &f, &r, &err), SIM_EINPUT);
    assert_string_equal(err.key, "run.days");
    scn_free(&x);
    ckpt_destroy(ck);

    /* not HDF5 */
    path_in("garbage.h5", bad, sizeof bad);
    FILE *g = fopen(bad, "w");
    assert_non_null(g);
    fputs("not a checkpoint\n", g);
    fclose(g);
    assert_int_equal(ckpt_load(bad, &ck, &err), SIM_EINPUT);
    assert_null(ck);
    assert_non_null(strstr(err.msg, "not an HDF5 file"));

    /* truncated (a copy cut in half) */
    path_in("cut.h5", bad, sizeof bad);
    FILE *in = fopen(ckp, "rb"), *out = fopen(bad, "wb");
    assert_non_null(in);
    assert_non_null(out);
    struct stat sb;
    assert_int_equal(stat(ckp, &sb), 0);
    char *buf = malloc((size_t)sb.st_size);
    assert_int_equal(fread(buf, 1, (size_t)sb.st_size, in), (size_t)sb.st_size);
    fwrite(buf, 1, (size_t)sb.st_size / 2, out);
    fclose(in);
    fclose(out);
    assert_int_equal(ckpt_load(bad, &ck, &err), SIM_EINPUT);
    assert_null(ck);

    /* another format version */
    path_in("v99.h5", bad, sizeof bad);
    out = fopen(bad, "wb");
    fwrite(buf, 1, (size_t)sb.st_size, out);
    fclose(out);
    free(buf);
    hid_t f5 = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f5 >= 0);
    hid_t a = H5Aopen(f5, "schema_version", H5P_DEFAULT);
    int64_t v = 99;
    assert_true(H5Awrite(a, H5T_NATIVE_INT64, &v) >= 0);
    H5Aclose(a);
    H5Fclose(f5);
    assert_int_equal(ckpt_load(bad, &ck, &err), SIM_EINPUT);
    assert_non_null(strstr(err.msg, "format version 99"));

    /* a state entry of the wrong length is named */
    f5 = H5Fopen(ckp, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(H5Ldelete(f5, "/state/oc.trust", H5P_DEFAULT) >= 0);
    hsize_t n = 7;
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(f5, "/state/oc.trust", H5T_IEEE_F32LE, sp, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    float zeros[7] = {0};
    assert_true(H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros) >= 0);
    H5Dclose(d);
    H5Sclose(sp);
    H5Fclose(f5);
    ck = load_ok(ckp);
    f.from = ck;
    make_scenario(&x, 100, 3, NULL, 0);
    assert_int_equal(run_opts(&x, 1, &f, &r, &err), SIM_EINPUT);
    assert_string_equal(err.key, "oc.trust");
    assert_non_null(strstr(err.msg, "float32[7]"));
    scn_free(&x);
    ckpt_destroy(ck);
    scn_free(&s);
}

/* (e) a checkpoint stays loadable when its writer is killed mid-write:
 * `troika run` rewrites its checkpoint every day and gets SIGKILL while it
 * holds in the middle of writing the checkpoint of day 57 (the TROIKA_HOLD
 * test hook, core/hold.h: no timing involved).  The file is day 56's. */
static void test_killed_writer(void **state)
{
    (void)state;
    char out[300], ckp[300], mark[300];
    path_in("killed.h5", out, sizeof out);
    path_in("killed.ckpt.h5", ckp, sizeof ckp);
    path_in("killed.mark", mark, sizeof mark);
    char *argv[] = {
        "troika", "run",          "-q", "--days", "300", "--threads", "1", "--checkpoint-every",
        "1",      "--checkpoint", ckp,  "-o",     out,   NULL};
    pid_t pid;
    assert_int_equal(setenv("TROIKA_HOLD", "checkpoint:57", 1), 0);
    assert_int_equal(setenv("TROIKA_HOLD_MARK", mark, 1), 0);
    assert_int_equal(posix_spawn(&pid, TROIKA_BINARY, NULL, NULL, argv, environ), 0);
    unsetenv("TROIKA_HOLD");
    unsetenv("TROIKA_HOLD_MARK");
    /* wait until it holds (polls; the bound only stops a broken test) */
    struct stat sb;
    int status, ended = 0;
    for (int k = 0; k < 30000 && stat(mark, &sb) != 0; k++) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            ended = 1;
            break;
        }
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    assert_false(ended);
    assert_int_equal(stat(mark, &sb), 0);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    struct stat ob;
    assert_int_not_equal(stat(out, &ob), 0);
    sim_checkpoint *ck = load_ok(ckp);
    const ckpt_info *in = ckpt_get_info(ck);
    assert_int_equal(in->day, 56);
    /* and it resumes (a short continuation, checked against a straight run) */
    scn_scenario s;
    make_scenario(&s, in->day + 20, 1, NULL, 0);
    assert_resumes_straight(&s, ck);
    scn_free(&s);
    ckpt_destroy(ck);
}

/* The registry refuses a count registered after its array and duplicates. */
/* Add a 1-D int32 dataset /state/<name> holding 0 to a checkpoint file. */
static void add_state_entry(const char *path, const char *name)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t g = H5Gopen2(f, "/state", H5P_DEFAULT);
    assert_true(g >= 0);
    hsize_t one = 1;
    int32_t zero = 0;
    hid_t sp = H5Screate_simple(1, &one, NULL);
    hid_t d = H5Dcreate2(g, name, H5T_STD_I32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(d >= 0);
    assert_true(H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, &zero) >= 0);
    H5Dclose(d);
    H5Sclose(sp);
    H5Gclose(g);
    assert_true(H5Fclose(f) >= 0);
}

/* Checkpoints written before the re-staffing flags went hold enf.broken
 * and med.broken: still read (the entries ignored), and the resumed run is
 * the straight one; an entry the model never had is still refused. */
static void test_retired_entries(void **state)
{
    (void)state;
    char ckp[300];
    path_in("retired.ckpt.h5", ckp, sizeof ckp);
    scn_scenario s;
    make_scenario(&s, 60, 5, policies, 6);
    sim_run_opts o = {0};
    o.checkpoint_every = 30;
    o.checkpoint_path = ckp;
    o.stop_at = 31;
    sim_result *r = NULL;
    assert_int_equal(run_opts(&s, 1, &o, &r, NULL), SIM_EINTERRUPT);
    add_state_entry(ckp, "enf.broken");
    add_state_entry(ckp, "med.broken");
    sim_checkpoint *ck = load_ok(ckp);
    assert_resumes_straight(&s, ck);
    ckpt_destroy(ck);

    add_state_entry(ckp, "enf.bogus");
    ck = load_ok(ckp);
    sim_run_opts f = {0};
    f.from = ck;
    sim_error err;
    r = NULL;
    assert_int_equal(run_opts(&s, 1, &f, &r, &err), SIM_EINPUT);
    assert_string_equal(err.key, "enf.bogus");
    ckpt_destroy(ck);
    scn_free(&s);
}

static sim_status no_reserve(void *obj, int64_t n)
{
    (void)obj;
    (void)n;
    return SIM_OK;
}

static void test_registry_errors(void **state)
{
    (void)state;
    sim_error err;
    double *a = NULL;
    int64_t n = 0;
    float x[3] = {0};
    sim_state *st = sim_state_create();
    sim_state_scope(st, "t");
    SIM_STATE_VARRAY(st, "a", &a, &n, no_reserve, NULL);
    assert_int_equal(sim_state_status(st, &err), SIM_EINTERNAL);
    assert_non_null(strstr(err.msg, "registered before"));
    sim_state_destroy(st);
    st = sim_state_create();
    SIM_STATE_ARRAY(st, "x", x, 3);
    SIM_STATE_ARRAY(st, "x", x, 3);
    assert_int_equal(sim_state_status(st, &err), SIM_EINTERNAL);
    assert_non_null(strstr(err.msg, "twice"));
    sim_state_destroy(st);
}

/* Every entry the model registers has a range (a new field without one is
 * named here), and the model's registry loads its own state. */
static void test_every_entry_checked(void **state)
{
    (void)state;
    fixture f;
    fx_open(&f, 5, NULL, 0);
    sim_state *st = sim_state_create();
    mdl_state_register(f.m, st);
    sim_error err;
    assert_int_equal(sim_state_status(st, &err), SIM_OK);
    const char *unchecked = sim_state_unchecked(st);
    if (unchecked)
        fail_msg("state entry '%s' has no range (add SIM_STATE_IN after it)", unchecked);
    sim_state_destroy(st);
    fx_close(&f);
}

/* A tiny in-memory "file" for sim_state_load: one value per name. */
typedef struct {
    const char *name;
    int64_t n;
    const double *v;
    int asked;
} mem_entry;

static sim_status mem_get(void *arg, const char *name, sim_vtype t, int64_t n, void *data,
                          sim_error *err)
{
    mem_entry *m = arg;
    for (; m->name; m++) {
        if (strcmp(m->name, name) != 0)
            continue;
        if (m->n != n)
            return SIM_FAIL(err, SIM_EINPUT, NULL, 0, name, "length %lld, not %lld",
                            (long long)m->n, (long long)n);
        m->asked++;
        if (!data)
            return SIM_OK;
        for (int64_t i = 0; i < n; i++) {
            if (t == SIM_V_F64)
                ((double *)data)[i] = m->v[i];
            else if (t == SIM_V_I64)
                ((int64_t *)data)[i] = (int64_t)m->v[i];
            else
                ((int32_t *)data)[i] = (int32_t)m->v[i];
        }
        return SIM_OK;
    }
    return SIM_FAIL(err, SIM_EINPUT, NULL, 0, name, "missing");
}

static int reserved;
static sim_status count_reserve(void *obj, int64_t n)
{
    (void)obj;
    reserved = (int)n;
    return SIM_OK;
}

static sim_status no_twos(void *obj, sim_error *err)
{
    const int32_t *x = obj;
    return x[0] == 2 && x[1] == 2 ? SIM_FAIL(err, SIM_EINPUT, NULL, 0, NULL, "two twos") : SIM_OK;
}

/* Values outside an entry's range (NaN, infinity, an index past its end, a
 * count the file does not back) are refused by name before use. */
static void test_ranges_refused(void **state)
{
    (void)state;
    int32_t idx[2] = {0};
    double share = 0.0, *var = NULL;
    int64_t n = 0;
    double vbuf[8] = {0};
    var = vbuf;
    sim_state *st = sim_state_create();
    sim_state_scope(st, "t");
    SIM_STATE_ARRAY(st, "idx", idx, 2);
    SIM_STATE_INDEX(st, 7);
    SIM_STATE_SCALAR(st, "share", share);
    SIM_STATE_IN(st, 0, 1);
    SIM_STATE_SCALAR(st, "n", n);
    SIM_STATE_IN(st, 0, 1e9);
    SIM_STATE_VARRAY(st, "var", &var, &n, count_reserve, NULL);
    SIM_STATE_FINITE(st);
    sim_state_on_load(st, no_twos, idx);
    assert_null(sim_state_unchecked(st));
    const double ok_idx[2] = {0, 6}, bad_idx[2] = {0, 7}, twos[2] = {2, 2};
    const double half = 0.5, nan = NAN, inf = INFINITY, two = 2, many = 1e8;
    const double vals[2] = {1.5, -2.25}, badvals[2] = {1.5, INFINITY};
    struct {
        const double *idx, *share, *n, *var;
        const char *key; /* refused entry, NULL: accepted */
    } cases[] = {
        {ok_idx, &half, &two, vals, NULL},       {bad_idx, &half, &two, vals, "t.idx"},
        {ok_idx, &nan, &two, vals, "t.share"},   {ok_idx, &inf, &two, vals, "t.share"},
        {ok_idx, &half, &two, badvals, "t.var"}, {ok_idx, &half, &many, vals, "t.var"},
        {twos, &half, &two, vals, "t"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        mem_entry file[] = {{"t.idx", 2, cases[k].idx, 0},
                            {"t.share", 1, cases[k].share, 0},
                            {"t.n", 1, cases[k].n, 0},
                            {"t.var", 2, cases[k].var, 0},
                            {NULL, 0, NULL, 0}};
        sim_error err;
        sim_error_clear(&err);
        reserved = -1;
        sim_status s = sim_state_load(st, mem_get, file, &err);
        if (!cases[k].key) {
            assert_int_equal(s, SIM_OK);
            assert_int_equal(idx[1], 6);
            assert_true(var[1] == -2.25);
            continue;
        }
        assert_int_equal(s, SIM_EINPUT);
        assert_string_equal(err.key, cases[k].key);
        if (cases[k].n == &many) /* refused before room was made for 1e8 */
            assert_int_equal(reserved, -1);
    }
    sim_state_destroy(st);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/troika_ckpt_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_errors),
        cmocka_unit_test(test_resume_bit_for_bit),
        cmocka_unit_test(test_fork),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_killed_writer),
        cmocka_unit_test(test_every_entry_checked),
        cmocka_unit_test(test_ranges_refused),
        cmocka_unit_test(test_retired_entries),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
