/* tests/sim/test_sweep.c — sweep files, designs, seeds, the parts folder, the
 * output file and merging (analysis/sweep*.c).
 *
 * Known answers: grid values and order, Latin hypercube strata, GSL's Sobol
 * points, the Saltelli layout, seeds that depend on (master seed, run) only;
 * error paths with file, line and key; durability bookkeeping (resume keeps
 * the finished runs, another sweep is refused); merged halves equal the
 * whole; a sweep run equals `sim_run` of the same scenario and seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_qrng.h>
#include <hdf5.h>

#include "sweep.h"
#include "sweep_exec.h"
#include "sweep_store.h"
#include "metrics.h"
#include "runner.h"

static char tmpdir[256];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/troika-test-sweep-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Write `text` to tmpdir/name; returns the path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* A small sweep: 12-compound district, 40 days, two metrics.  SMALL_TOP is
 * 4 lines, SMALL_SET 3 (line numbers below count them). */
#define SMALL_TOP                                                                                  \
    "name = small\n"                                                                               \
    "days = 40\n"                                                                                  \
    "seed = 2385\n"                                                                                \
    "metrics = fee_collection_rate, complaints_new\n"
#define SMALL_SET                                                                                  \
    "[set]\n"                                                                                      \
    "city.compounds = 12\n"                                                                        \
    "city.subdistricts = 2\n"

static swp_sweep *load_ok(const char *name, const char *text)
{
    sim_error err;
    sim_error_clear(&err);
    swp_sweep *s = NULL;
    sim_status st = swp_load(&s, write_file(name, text), &err);
    if (st != SIM_OK)
        fail_msg("swp_load: %s:%d: %s: %s", err.file, err.line, err.key, err.msg);
    return s;
}

/* Expect SIM_EINPUT at `line` with key `key` and `part` in the message. */
static void load_bad(const char *text, int line, const char *key, const char *part)
{
    sim_error err;
    sim_error_clear(&err);
    swp_sweep *s = NULL;
    sim_status st = swp_load(&s, write_file("bad.ini", text), &err);
    if (st != SIM_EINPUT)
        fail_msg("accepted or other error (%d) for:\n%s", (int)st, text);
    assert_null(s);
    if (line >= 0)
        assert_int_equal(err.line, line);
    if (key)
        assert_string_equal(err.key, key);
    if (!strstr(err.msg, part))
        fail_msg("message '%s' lacks '%s'", err.msg, part);
}

/* ---- designs ------------------------------------------------------------------ */

static void test_grid(void **state)
{
    (void)state;
    swp_sweep *s = load_ok("grid.ini", SMALL_TOP
                           "design = grid\nlevels = 3\nreplicates = 2\n" SMALL_SET "[vary]\n"
                           "pmc.margin = 0.05 .. 0.25\n"
                           "household.patience = 10 .. 1000 log\n"
                           "household.sat_init = 0.4, 0.7\n");
    const swp_plan *p = &s->plan;
    assert_int_equal(p->nfactors, 3);
    assert_int_equal(p->npoints, 3 * 3 * 2);
    assert_int_equal(p->nruns, 36);
    assert_int_equal(p->days, 40);
    /* first factor slowest, last fastest */
    assert_true(p->values[0 * 3 + 0] == 0.05 && p->values[17 * 3 + 0] == 0.25);
    assert_true(p->values[0 * 3 + 2] == 0.4 && p->values[1 * 3 + 2] == 0.7);
    /* log levels: 10, 100, 1000 (the middle one to rounding) */
    assert_true(p->values[0 * 3 + 1] == 10.0);
    assert_float_equal(p->values[2 * 3 + 1], 100.0, 1e-9);
    assert_true(p->values[4 * 3 + 1] == 1000.0);
    assert_float_equal(p->values[6 * 3 + 0], 0.15, 1e-15);
    /* run -> point, replicate */
    assert_int_equal(swp_point(p, 7), 3);
    assert_int_equal(swp_replicate(p, 7), 1);
    /* the run's scenario carries the point's values and the run's seed */
    scn_scenario v;
    swp_run_scenario(s, 7, &v);
    assert_true(v.params.pmc_margin == p->values[3 * 3 + 0]);
    assert_int_equal((uint64_t)v.params.run_seed, swp_seed(p, 7));
    assert_int_equal(v.params.city_compounds, 12);
    assert_int_equal(v.params.run_days, 40);
    swp_destroy(s);
}

static void test_lhs_strata(void **state)
{
    (void)state;
    swp_sweep *s = load_ok("lhs.ini", SMALL_TOP "design = lhs\nsamples = 17\n" SMALL_SET "[vary]\n"
                                                "pmc.margin = 0.05 .. 0.25\n"
                                                "household.drift = 0.1 .. 0.5\n");
    const swp_plan *p = &s->plan;
    assert_int_equal(p->npoints, 17);
    for (int j = 0; j < 2; j++) {
        int seen[17] = {0};
        for (int q = 0; q < 17; q++) {
            double u = p->unit[q * 2 + j];
            assert_true(u >= 0.0 && u < 1.0);
            seen[(int)floor(u * 17)]++;
        }
        for (int b = 0; b < 17; b++)
            assert_int_equal(seen[b], 1); /* one point per stratum */
    }
    /* the same file gives the same design */
    swp_sweep *t = load_ok("lhs.ini", SMALL_TOP "design = lhs\nsamples = 17\n" SMALL_SET "[vary]\n"
                                                "pmc.margin = 0.05 .. 0.25\n"
                                                "household.drift = 0.1 .. 0.5\n");
    assert_memory_equal(p->values, t->plan.values, 17 * 2 * sizeof(double));
    swp_destroy(t);
    swp_destroy(s);
}

static void test_sobol_and_saltelli(void **state)
{
    (void)state;
    swp_sweep *s = load_ok("sob.ini", SMALL_TOP "design = sobol\nsamples = 9\n" SMALL_SET "[vary]\n"
                                                "pmc.margin = 0 .. 0.5\n"
                                                "household.drift = 0 .. 1\n");
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, 2);
    double x[2];
    for (int i = 0; i < 9; i++) {
        gsl_qrng_get(q, x);
        assert_true(s->plan.unit[i * 2] == x[0] && s->plan.unit[i * 2 + 1] == x[1]);
        assert_true(s->plan.values[i * 2] == 0.5 * x[0]);
    }
    gsl_qrng_free(q);
    swp_destroy(s);

    s = load_ok("sal.ini",
                SMALL_TOP "design = saltelli\nsamples = 6\nreplicates = 2\n" SMALL_SET "[vary]\n"
                          "pmc.margin = 0 .. 0.5\n"
                          "household.drift = 0 .. 1\n"
                          "household.patience = 5, 10, 20\n");
    const swp_plan *p = &s->plan;
    int k = 3;
    assert_int_equal(p->npoints, 6 * (k + 2));
    assert_int_equal(p->nruns, 2 * 6 * (k + 2));
    for (int r = 0; r < 6; r++) {
        const double *A = p->unit + (r * (k + 2) + 0) * k, *B = p->unit + (r * (k + 2) + 1) * k;
        for (int j = 0; j < k; j++) {
            const double *AB = p->unit + (r * (k + 2) + 2 + j) * k;
            for (int c = 0; c < k; c++)
                assert_true(AB[c] == (c == j ? B[c] : A[c]));
        }
        assert_int_equal(swp_saltelli_role(p, r * (k + 2) + 3), 3);
    }
    /* a list maps u to values[floor(u n)] */
    for (int64_t i = 0; i < p->npoints; i++) {
        double u = p->unit[i * k + 2], v = p->values[i * k + 2];
        assert_true(v == (u < 1.0 / 3 ? 5.0 : u < 2.0 / 3 ? 10.0 : 20.0));
    }
    swp_destroy(s);
}

static void test_seeds(void **state)
{
    (void)state;
    swp_plan p;
    memset(&p, 0, sizeof p);
    p.seed = 7;
    p.replicates = 3;
    p.seeds = SWP_SEEDS_DISTINCT;
    uint64_t a = swp_seed(&p, 5);
    assert_true(a < (1ULL << 53));
    assert_int_not_equal(a, swp_seed(&p, 6));
    p.replicates = 1; /* only the master seed and the run count */
    assert_int_equal(a, swp_seed(&p, 5));
    p.seed = 8;
    assert_int_not_equal(a, swp_seed(&p, 5));
    /* common: replicate r of every point shares a seed */
    p.replicates = 3;
    p.seeds = SWP_SEEDS_COMMON;
    assert_int_equal(swp_seed(&p, 1), swp_seed(&p, 4));
    assert_int_not_equal(swp_seed(&p, 1), swp_seed(&p, 2));
    /* distinct seeds over many runs */
    p.seeds = SWP_SEEDS_DISTINCT;
    enum { N = 5000 };
    static uint64_t v[N];
    for (int i = 0; i < N; i++)
        v[i] = swp_seed(&p, i);
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < i + 50 && j < N; j++)
            assert_int_not_equal(v[i], v[j]);
}

/* ---- errors ----------------------------------------------------------------------- */

static void test_errors(void **state)
{
    (void)state;
    load_bad(SMALL_TOP "design = lhs\nsamples = 4\n" SMALL_SET
                       "[vary]\nhousehold.complain_rate = 0.5 .. 1.5\n",
             11, "household.complain_rate", "out of range");
    load_bad(SMALL_TOP "design = lhs\nsamples = 4\n" SMALL_SET "[vary]\npmc.margin = 0.3 .. 0.1\n",
             11, "pmc.margin", "minimum is above its maximum");
    load_bad(SMALL_TOP "design = lhs\nsamples = 4\n" SMALL_SET
                       "[vary]\npmc.margin = 0 .. 0.1 log\n",
             11, "pmc.margin", "log scale");
    load_bad(SMALL_TOP "design = lhs\nsamples = 4\n" SMALL_SET "[vary]\npmc.margn = 0 .. 0.1\n", 11,
             "pmc.margn", "did you mean pmc.margin");
    load_bad(SMALL_TOP "design = lhs\nsamples = 4\n" SMALL_SET "[vary]\npmc.margin = 0.1\n", 11,
             "pmc.margin", "[set]");
    load_bad(SMALL_TOP "design = lhs\nsamples = 4\n" SMALL_SET "[vary]\nrun.seed = 1 .. 9\n", 11,
             "run.seed", "cannot be varied");
    load_bad(SMALL_TOP "design = lhs\n" SMALL_SET "[vary]\npmc.margin = 0 .. 0.1\n", 0, "samples",
             "needs samples");
    load_bad(SMALL_TOP "design = cube\n" SMALL_SET "[vary]\npmc.margin = 0 .. 0.1\n", 5, "design",
             "unknown design");
    load_bad(SMALL_TOP "design = grid\nlevels = 1\n" SMALL_SET "[vary]\npmc.margin = 0 .. 0.1\n", 6,
             "levels", "allowed");
    load_bad("design = grid\nmetrics = no_such_metric\n[vary]\npmc.margin = 0, 0.1\n", 2, "metrics",
             "unknown metric");
    load_bad("design = grid\ncolour = blue\n[vary]\npmc.margin = 0, 0.1\n", 2, "colour",
             "unknown key");
    load_bad("design = grid\n[vary]\npmc.margin = 0, 0.1\n[varry]\n", 4, "[varry]",
             "unknown section");
    load_bad("design = grid\n[set]\npmc.margin = 2\n[vary]\npmc.fee_new = 1, 2\n", 3, "pmc.margin",
             "out of range");
    load_bad("design = grid\n[vary]\npmc.margin = 0, 0.1\npmc.margin = 0, 0.2\n", 4, NULL, "twice");
    load_bad("design = grid\nbase = no_such_base.ini\n[vary]\npmc.margin = 0, 0.1\n", -1, NULL, "");
    /* an integer grid cannot have more levels than values */
    load_bad("design = grid\nlevels = 5\n[vary]\ncity.firms = 1 .. 3\n", 4, "city.firms", "repeat");
    /* a design point that breaks a cross-parameter rule is named */
    load_bad("design = grid\n[set]\ncity.compounds = 20\n[vary]\ncity.subdistricts = 2, 30\n", 5,
             "city.subdistricts", "design point 1");
    /* the Sobol sequence has 40 dimensions: Saltelli takes 20 factors */
    char big[4096];
    int n = snprintf(big, sizeof big, "design = saltelli\nsamples = 2\n[vary]\n");
    const char *keys[] = {"household.sat_init",
                          "household.tolerance_sd",
                          "household.inadequate_below",
                          "household.drift",
                          "household.defect_hit",
                          "household.repair_gain",
                          "household.drop_hit",
                          "household.complain_rate",
                          "household.withhold_below",
                          "household.withhold_share",
                          "household.hardship_rate",
                          "household.absent_pay",
                          "pmc.quality_init",
                          "pmc.margin",
                          "pmc.adjust",
                          "pmc.repair_rate",
                          "city.old_share",
                          "city.owner_share",
                          "city.elderly_share",
                          "city.elderly_share_old",
                          "city.absent_share"};
    for (int j = 0; j < 21; j++)
        n += snprintf(big + n, sizeof big - (size_t)n, "%s = 0.1 .. 0.2\n", keys[j]);
    load_bad(big, 24, "city.absent_share", "at most 20");
}

/* ---- running, parts, output ---------------------------------------------------------- */

static const char small_lhs[] =
    SMALL_TOP "design = lhs\nsamples = 3\nreplicates = 2\n" SMALL_SET "[vary]\n"
              "pmc.margin = 0.05 .. 0.25\n"
              "household.complain_rate = 0.02 .. 0.2 log\n";

/* A sweep run is `sim_run` of the run's scenario, metric by metric. */
static void test_run_one(void **state)
{
    (void)state;
    swp_sweep *s = load_ok("run.ini", small_lhs);
    const swp_plan *p = &s->plan;
    sim_error err;
    sim_error_clear(&err);
    double *v = malloc((size_t)p->nmetrics * (size_t)p->days * sizeof *v);
    double *w = malloc((size_t)p->nmetrics * (size_t)p->days * sizeof *w);
    assert_int_equal(swx_run_one(s, 3, v, NULL, &err), SIM_OK);
    assert_int_equal(swx_run_one(s, 3, w, NULL, &err), SIM_OK);
    assert_memory_equal(v, w, (size_t)p->nmetrics * (size_t)p->days * sizeof *v);
    scn_scenario view;
    swp_run_scenario(s, 3, &view);
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    ctx.threads = 1;
    sim_result *r = NULL;
    assert_int_equal(sim_run(&ctx, &view, &r), SIM_OK);
    for (int m = 0; m < p->nmetrics; m++)
        for (int64_t d = 0; d < p->days; d++)
            assert_true(v[m * p->days + d] == sim_result_city(r, d, p->metric[m]));
    sim_result_destroy(r);
    /* another run differs */
    assert_int_equal(swx_run_one(s, 4, w, NULL, &err), SIM_OK);
    assert_true(memcmp(v, w, (size_t)p->nmetrics * (size_t)p->days * sizeof *v) != 0);
    free(v);
    free(w);
    swp_destroy(s);
}

static void run_all(swx_job *job, sim_error *err)
{
    for (int64_t i = 0; i < job->nremaining; i++) {
        const swp_plan *p = &job->s->plan;
        double *v = malloc((size_t)p->nmetrics * (size_t)p->days * sizeof *v);
        assert_int_equal(swx_run_one(job->s, job->remaining[i], v, NULL, err), SIM_OK);
        assert_int_equal(sws_parts_put(job->parts, job->remaining[i], v, err), SIM_OK);
        job->finished++;
        free(v);
    }
}

/* A run whose series holds NaN or infinity is refused before its part is
 * written, naming the run, the metric and the day; nothing is left. */
static void test_nonfinite_part_refused(void **state)
{
    (void)state;
    swp_sweep *s = load_ok("nan.ini", small_lhs);
    const swp_plan *p = &s->plan;
    sim_error err;
    sim_error_clear(&err);
    char out[512];
    snprintf(out, sizeof out, "%s/nan.h5", tmpdir);
    swx_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 1;
    o.nshards = 1;
    o.quiet = 1;
    swx_job job;
    assert_int_equal(swx_prepare(&job, s, out, &o, &err), SIM_OK);
    double *v = malloc((size_t)p->nmetrics * (size_t)p->days * sizeof *v);
    assert_int_equal(swx_run_one(s, 2, v, NULL, &err), SIM_OK);
    const double bad[] = {NAN, INFINITY, -INFINITY};
    for (int k = 0; k < 3; k++) {
        v[1 * p->days + 7] = bad[k];
        sim_error_clear(&err);
        assert_int_equal(sws_parts_put(job.parts, 2, v, &err), SIM_ENUMERIC);
        char want[200];
        snprintf(want, sizeof want, "run 2: metric %s is not finite on day 7", p->metrics[1]);
        assert_string_equal(err.msg, want);
    }
    char parts[600];
    snprintf(parts, sizeof parts, "%s.parts", out);
    DIR *d = opendir(parts);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        if (strstr(e->d_name, "run-"))
            fail_msg("a part was left: %s", e->d_name);
    closedir(d);
    free(v);
    swx_job_free(&job);
    swp_destroy(s);
}

/* Parts survive; a resumed job has nothing left; the output reads back. */
static void test_parts_resume_output(void **state)
{
    (void)state;
    swp_sweep *s = load_ok("res.ini", small_lhs);
    const swp_plan *p = &s->plan;
    sim_error err;
    sim_error_clear(&err);
    char out[512], whole[512];
    snprintf(out, sizeof out, "%s/res.h5", tmpdir);
    snprintf(whole, sizeof whole, "%s/whole.h5", tmpdir);
    swx_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.nshards = 1;
    o.quiet = 1;

    /* first start: do 2 runs, then "die" (close without finishing) */
    swx_job job;
    assert_int_equal(swx_prepare(&job, s, out, &o, &err), SIM_OK);
    assert_int_equal(job.nremaining, p->nruns);
    job.nremaining = 2;
    run_all(&job, &err);
    swx_job_free(&job);
    /* a stray temporary file of a killed writer is cleaned up */
    char junk[700];
    snprintf(junk, sizeof junk, "%s.parts/.run-00000004.h5.tmp-1-0", out);
    fclose(fopen(junk, "w"));

    /* second start: two are kept */
    assert_int_equal(swx_prepare(&job, s, out, &o, &err), SIM_OK);
    assert_int_equal(job.resumed, 2);
    assert_int_equal(job.nremaining, p->nruns - 2);
    assert_int_equal(access(junk, F_OK), -1);
    assert_int_equal(swx_threads(&job, &err), SIM_OK);
    assert_int_equal(swx_finish(&job, "test", &err), SIM_OK);
    swx_job_free(&job);
    struct stat st;
    char parts[600];
    snprintf(parts, sizeof parts, "%s.parts", out);
    assert_int_equal(stat(parts, &st), -1); /* removed once the output is safe */

    /* the same again: already complete */
    assert_int_equal(swx_prepare(&job, s, out, &o, &err), SIM_OK);
    assert_true(job.complete);
    swx_job_free(&job);

    /* the file reads back: plan, done, series */
    sws_file *f = NULL;
    assert_int_equal(sws_open(&f, out, swp_model_tables(), &err), SIM_OK);
    const swp_plan *q = sws_file_plan(f);
    assert_string_equal(q->identity, p->identity);
    assert_int_equal(q->nruns, p->nruns);
    assert_int_equal(q->nfactors, 2);
    assert_string_equal(q->factors[1].key, "household.complain_rate");
    assert_int_equal(q->factors[1].scale, SWP_LOG);
    assert_memory_equal(q->values, p->values, (size_t)p->npoints * 2 * sizeof(double));
    for (int64_t r = 0; r < q->nruns; r++)
        assert_int_equal(sws_file_done(f)[r], 1);
    double *rows = malloc((size_t)p->nruns * (size_t)p->days * sizeof *rows);
    double *v = malloc((size_t)p->nmetrics * (size_t)p->days * sizeof *v);
    assert_int_equal(sws_read_rows(f, 1, 0, p->nruns, rows, &err), SIM_OK);
    assert_int_equal(swx_run_one(s, 5, v, NULL, &err), SIM_OK);
    assert_memory_equal(rows + 5 * p->days, v + 1 * p->days, (size_t)p->days * sizeof *v);
    free(rows);
    free(v);
    sws_close(f);

    /* an existing output of this sweep with --force is rewritten identically */
    o.force = 1;
    assert_int_equal(swx_prepare(&job, s, whole, &o, &err), SIM_OK);
    assert_int_equal(swx_threads(&job, &err), SIM_OK);
    assert_int_equal(swx_finish(&job, "test", &err), SIM_OK);
    swx_job_free(&job);
    swp_destroy(s);
}

/* Set element i of double dataset `name` of file `path` to v (an edit by
 * hand, as h5py would make it). */
static void edit_value(const char *path, const char *name, hsize_t row, hsize_t col, double v)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t fs = H5Dget_space(d);
    hsize_t start[2] = {row, col}, count[2] = {1, 1};
    assert_true(H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0);
    hid_t ms = H5Screate_simple(1, count, NULL);
    assert_true(H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, &v) >= 0);
    H5Sclose(ms);
    H5Sclose(fs);
    H5Dclose(d);
    H5Fclose(f);
}

/* Troika's own files read back are checked: a part edited to hold NaN or
 * infinity is not used (its run is redone), and a sweep file whose done
 * run holds one is refused, naming the file and the dataset. */
static void test_edited_files_refused(void **state)
{
    (void)state;
    swp_sweep *s = load_ok("edit.ini", small_lhs);
    const swp_plan *p = &s->plan;
    sim_error err;
    sim_error_clear(&err);
    char out[512], part[700];
    snprintf(out, sizeof out, "%s/edit.h5", tmpdir);
    snprintf(part, sizeof part, "%s.parts/run-%08d.h5", out, 1);
    swx_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 1;
    o.nshards = 1;
    o.quiet = 1;
    swx_job job;
    assert_int_equal(swx_prepare(&job, s, out, &o, &err), SIM_OK);
    job.nremaining = 3;
    run_all(&job, &err);
    swx_job_free(&job);
    edit_value(part, "values", 1, 3, NAN);
    edit_value(part, "values", 0, 0, INFINITY);
    assert_int_equal(swx_prepare(&job, s, out, &o, &err), SIM_OK);
    assert_int_equal(job.resumed, 2); /* the edited part was removed */
    assert_int_equal(job.nremaining, p->nruns - 2);
    assert_int_equal(swx_threads(&job, &err), SIM_OK);
    assert_int_equal(swx_finish(&job, "test", &err), SIM_OK);
    swx_job_free(&job);

    sws_file *f = NULL;
    double *rows = malloc((size_t)p->nruns * (size_t)p->days * sizeof *rows);
    assert_int_equal(sws_open(&f, out, swp_model_tables(), &err), SIM_OK);
    assert_int_equal(sws_read_rows(f, 0, 0, p->nruns, rows, &err), SIM_OK);
    for (int64_t i = 0; i < p->nruns * p->days; i++)
        assert_true(isfinite(rows[i]));
    sws_close(f);
    char name[300];
    snprintf(name, sizeof name, "runs/%s", p->metrics[0]);
    edit_value(out, name, 4, 2, INFINITY);
    assert_int_equal(sws_open(&f, out, swp_model_tables(), &err), SIM_OK);
    assert_int_equal(sws_read_rows(f, 0, 0, p->nruns, rows, &err), SIM_EINPUT);
    assert_string_equal(err.file, out);
    assert_string_equal(err.key, name);
    assert_non_null(strstr(err.msg, "run 4 is done but its value on day 2 is inf"));
    sws_close(f);
    free(rows);
    swp_destroy(s);
}

/* A parts folder of another sweep is refused, naming the changed line. */
static void test_changed_sweep_refused(void **state)
{
    (void)state;
    swp_sweep *s = load_ok("chg.ini", small_lhs);
    sim_error err;
    sim_error_clear(&err);
    char out[512];
    snprintf(out, sizeof out, "%s/chg.h5", tmpdir);
    swx_opts o;
    memset(&o, 0, sizeof o);
    o.nshards = 1;
    o.quiet = 1;
    swx_job job;
    assert_int_equal(swx_prepare(&job, s, out, &o, &err), SIM_OK);
    job.nremaining = 1;
    run_all(&job, &err);
    swx_job_free(&job);
    swp_destroy(s);

    char changed[sizeof small_lhs + 8];
    snprintf(changed, sizeof changed, "%s", small_lhs);
    char *at = strstr(changed, "0.05 .. 0.25");
    at[10] = '3'; /* 0.05 .. 0.35 */
    s = load_ok("chg.ini", changed);
    assert_int_equal(swx_prepare(&job, s, out, &o, &err), SIM_EINPUT);
    assert_non_null(strstr(err.msg, "sweep file changed"));
    assert_int_equal(err.line, 12);
    swx_job_free(&job);
    /* --restart discards the old runs */
    o.restart = 1;
    assert_int_equal(swx_prepare(&job, s, out, &o, &err), SIM_OK);
    assert_int_equal(job.resumed, 0);
    swx_job_free(&job);
    swp_destroy(s);
}

/* Two shards merged (either order) equal the whole sweep, dataset by dataset. */
static void test_shards_merge(void **state)
{
    (void)state;
    swp_sweep *s = load_ok("shd.ini", small_lhs);
    const swp_plan *p = &s->plan;
    sim_error err;
    sim_error_clear(&err);
    char path[3][512], merged[2][512];
    swx_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 1;
    o.quiet = 1;
    for (int k = 0; k < 3; k++) {
        snprintf(path[k], sizeof path[k], "%s/shd-%d.h5", tmpdir, k);
        o.shard = k == 2 ? 0 : k;
        o.nshards = k == 2 ? 1 : 2; /* path[2]: the whole sweep */
        swx_job job;
        assert_int_equal(swx_prepare(&job, s, path[k], &o, &err), SIM_OK);
        if (k < 2)
            assert_int_equal(job.nshard, p->nruns / 2);
        assert_int_equal(swx_threads(&job, &err), SIM_OK);
        assert_int_equal(swx_finish(&job, "x", &err), SIM_OK);
        swx_job_free(&job);
    }
    sws_prov pv = {"test", "merge", NULL};
    const char *ab[2] = {path[0], path[1]}, *ba[2] = {path[1], path[0]};
    snprintf(merged[0], sizeof merged[0], "%s/m01.h5", tmpdir);
    snprintf(merged[1], sizeof merged[1], "%s/m10.h5", tmpdir);
    assert_int_equal(swx_merge(ab, 2, merged[0], 0, 0, &pv, NULL, &err), SIM_OK);
    assert_int_equal(swx_merge(ba, 2, merged[1], 0, 0, &pv, NULL, &err), SIM_OK);
    /* one shard alone is incomplete */
    char lone[512];
    snprintf(lone, sizeof lone, "%s/lone.h5", tmpdir);
    assert_int_equal(swx_merge(ab, 1, lone, 0, 0, &pv, NULL, &err), SIM_EINPUT);
    assert_non_null(strstr(err.msg, "shard missing"));
    assert_int_equal(swx_merge(ab, 1, lone, 0, 1, &pv, NULL, &err), SIM_OK);

    sws_file *w = NULL, *m = NULL;
    assert_int_equal(sws_open(&w, path[2], swp_model_tables(), &err), SIM_OK);
    size_t n = (size_t)p->nruns * (size_t)p->days;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(sws_open(&m, merged[k], swp_model_tables(), &err), SIM_OK);
        assert_int_equal(sws_same_sweep(w, m, &err), SIM_OK);
        assert_memory_equal(sws_file_done(w), sws_file_done(m), (size_t)p->nruns);
        for (int mi = 0; mi < p->nmetrics; mi++) {
            assert_int_equal(sws_read_rows(w, mi, 0, p->nruns, a, &err), SIM_OK);
            assert_int_equal(sws_read_rows(m, mi, 0, p->nruns, b, &err), SIM_OK);
            assert_memory_equal(a, b, n * sizeof *a);
        }
        sws_close(m);
    }
    /* the lone shard: done only for its runs, NaN elsewhere */
    assert_int_equal(sws_open(&m, lone, swp_model_tables(), &err), SIM_OK);
    assert_int_equal(sws_read_rows(m, 0, 0, p->nruns, b, &err), SIM_OK);
    for (int64_t r = 0; r < p->nruns; r++) {
        assert_int_equal(sws_file_done(m)[r], r % 2 == 0);
        assert_int_equal(isnan(b[r * p->days]), r % 2 == 1);
    }
    sws_close(m);
    sws_close(w);
    free(a);
    free(b);
    swp_destroy(s);
}

/* A file that is not a sweep's is bad input. */
static void test_open_not_sweep(void **state)
{
    (void)state;
    sim_error err;
    sim_error_clear(&err);
    sws_file *f = NULL;
    assert_int_equal(sws_open(&f, write_file("x.h5", "not hdf5"), swp_model_tables(), &err),
                     SIM_EINPUT);
    assert_null(f);
    assert_int_equal(sws_open(&f, "/nonexistent/x.h5", swp_model_tables(), &err), SIM_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_lhs_strata),
        cmocka_unit_test(test_sobol_and_saltelli),
        cmocka_unit_test(test_seeds),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_run_one),
        cmocka_unit_test(test_nonfinite_part_refused),
        cmocka_unit_test(test_parts_resume_output),
        cmocka_unit_test(test_edited_files_refused),
        cmocka_unit_test(test_changed_sweep_refused),
        cmocka_unit_test(test_shards_merge),
        cmocka_unit_test(test_open_not_sweep),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
