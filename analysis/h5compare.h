/* analysis/h5compare.h — the compare file: writing and reading.
 *
 * Layout (file_kind "troika-compare", compare_schema_version 1; documented
 * in docs/COMPARE.md).  S scenarios, R replicates, D days, K key metrics:
 *   /                        attributes: file_kind, compare_schema_version,
 *                            troika_version, git_commit, build_type,
 *                            gsl_version, hdf5_version, command_line, days,
 *                            compounds, scenarios, replicates, window_from,
 *                            window_to (exclusive), confidence_level,
 *                            seed_base, seed_rule, replicates_mode ("fixed"
 *                            or "auto"; auto adds tolerance,
 *                            tolerance_kind, max_replicates, auto_batch,
 *                            tolerance_met), threads (information)
 *   /seeds                   u64 [R]: run.seed of replicate r (every scenario)
 *   /day                     i64 [D]: the day axis, 0 .. D-1
 *   /scenarios/<s>           s = 0 .. S-1 (0 = baseline); attributes name,
 *                            description, name_zh, description_zh (""
 *                            when the file has none; optional when
 *                            reading), path, resolved_ini, sources
 *   /scenarios/<s>/city/<m>  f64 [R x D], every metric of the metric table,
 *                            chunked by batches of replicates, shuffle +
 *                            deflate;
 *                            attributes units, description, description_zh,
 *                            kind, dims = "replicate,day"
 *   /scenarios/<s>/changes/  columns of the differences from the baseline
 *                            (analysis/diff.h): key, day (-1 = from the
 *                            start), baseline_value, value, unit,
 *                            description, description_zh, policy_baseline,
 *                            policy
 *   /summary                 the table (analysis/table.h): metric, units,
 *                            description, description_zh, kind [K];
 *                            scenario [S]; n, mean, sd, half_width, ci_lo,
 *                            ci_hi, diff, diff_sd, diff_half_width, diff_lo,
 *                            diff_hi, diff_p, clear [S x K];
 *                            replicate_mean [S x K x R]
 *
 * A comparison under a posterior (troika compare --posterior; analysis/
 * compare.h) adds, with R = D draws x P replicates a draw, run j = d P + r:
 *   /                        attributes posterior (the file's path),
 *                            posterior_identity ("fnv1a64:" of its
 *                            particles and weights as %a text),
 *                            posterior_calibration, posterior_particles,
 *                            draws, replicates_per_draw, posterior_level
 *   /draw                    i64 [D] the draw axis (dimension scale)
 *   /parameter               strings [P'] the uncertain parameters' keys (axis)
 *   /draw_values             f64 [D x P'] each draw's parameter values
 *   /draw_particle           i64 [D] the particle each draw took
 *   /replicate_draw          i64 [R] the draw of each run (on the replicate axis)
 *   design                   root attribute: "draws" (D draws of the
 *                            posterior) or "saltelli" (analysis/compare.h:
 *                            D = N (P' + 2) points, A_i, B_i, AB_1,i ..
 *                            AB_P',i per base point i); a file without it
 *                            reads as "draws".  Saltelli adds the root
 *                            attribute base_points (N) and
 *   /draw_role               i64 [D] 0 = A, 1 = B, 2 + j = AB_j (parameter j
 *                            of /parameter from B), and
 *   /draw_base               i64 [D] the base point i of each point;
 *                            draw_particle is -1 for an AB_j point
 *   /summary/posterior/      effect_median, effect_lo, effect_hi, p_improve,
 *                            var_parameters, var_chance, share_parameters
 *                            [S x K] (NaN where undefined: the baseline's
 *                            p_improve, a neutral metric's); from the A and
 *                            B points alone in a saltelli design
 *
 * Writing follows sim/output.c: a temporary file renamed into place by
 * ana_cmpw_commit() (core/afile.h), HDF5's error printing off, every
 * call checked, explicit little-endian file types, no time tracking and no
 * timestamps.  The series are appended batch by batch (datasets grow along
 * the replicate axis), so memory stays bounded by one batch.
 *
 * Reading checks the kind and schema version, the shapes of every dataset
 * it reads, and refuses a truncated or damaged file: all as SIM_EINPUT with
 * the file name and what is wrong.  HDF5 is used from one thread only.
 */
#ifndef TROIKA_ANALYSIS_H5COMPARE_H
#define TROIKA_ANALYSIS_H5COMPARE_H

#include <stdint.h>

#include "compare.h"
#include "diff.h"
#include "err.h"
#include "table.h"

#define ANA_COMPARE_KIND "troika-compare"
#define ANA_COMPARE_SCHEMA 2

/* A comparison under a posterior (NULL in an ordinary one). */
typedef struct {
    char *path;        /* the posterior file, as given */
    char *identity;    /* "fnv1a64:<16 hex>" of its particles */
    char *calibration; /* the posterior's calibration file */
    int64_t particles;
    int64_t draws, per_draw; /* D (the points: N (nparam + 2) for saltelli),
                                and replicates a draw */
    ana_post_design design;  /* draws (default) or saltelli */
    int64_t base_points;     /* saltelli: N; draws: 0 */
    double level;            /* of the interval (0.9) */
    int nparam;
    char **param;         /* [nparam] keys */
    double *theta;        /* [draws x nparam] */
    int64_t *particle;    /* [draws] */
    ana_post_effect *eff; /* [nscen x nmet] (the table's order) */
} ana_cmp_post;

/* A zeroed one with room for the draws, parameters and effects; NULL when
 * out of memory. */
ana_cmp_post *ana_cmp_post_create(int64_t draws, int nparam, int64_t neff);
void ana_cmp_post_destroy(ana_cmp_post *p);

/* "fnv1a64:<hex>" of n particles (theta [n x np] and weights as %a text)
 * into buf; SIM_ENOMEM on failure. */
sim_status ana_post_identity(const double *theta, const double *weight, int64_t n, int np,
                             char *buf, size_t len, sim_error *err);

typedef struct {
    int64_t days, compounds, replicates;
    int64_t win_from, win_to; /* [win_from, win_to) */
    double level;             /* 0.95 */
    uint64_t seed_base;
    uint64_t *seeds;  /* [replicates] */
    int auto_rep;     /* 1: --replicates auto */
    double tolerance; /* auto: CI half-width <= tolerance x |mean| */
    int64_t max_replicates, auto_batch;
    int tolerance_met; /* auto: 1 met, 0 the cap was reached first */
    int64_t threads;   /* information only */
    char *command_line;
    char *troika_version, *git_commit; /* filled when reading */
    int64_t schema;                    /* filled when reading */
    const ana_cmp_post *post;          /* writing: NULL, or the posterior's part */
} ana_cmp_meta;

typedef struct {
    char *name, *description, *path, *resolved_ini, *sources;
    char *name_zh, *description_zh; /* "" when the scenario file has none */
    ana_diff changes;               /* from the baseline; empty for scenario 0 */
} ana_cmp_scen;

/* The seed rule, in words (stored as the seed_rule attribute). */
extern const char ana_seed_rule[];

/* ---- writing -------------------------------------------------------------- */

typedef struct ana_cmpw ana_cmpw;

/* Check the path and create the temporary file (SIM_EINPUT, key "-o", for
 * path problems: missing folder, existing file without force, ...).  The
 * file holds one series per row of the model's metric table mt[0..nmt)
 * (handed over by sim/; must outlive w). */
sim_status ana_cmpw_open(ana_cmpw **w, const char *path, int force, const sim_metric_desc *mt,
                         int nmt, sim_error *err);

/* /day and /scenarios: attributes, changes, and empty growable series
 * stored in chunks of chunk_rows replicates (appends of that many rows
 * write whole chunks: much faster than small ones). */
sim_status ana_cmpw_scenarios(ana_cmpw *w, int64_t days, int64_t chunk_rows,
                              const ana_cmp_scen *scen, int nscen, sim_error *err);

/* Append nrep replicates: city is [nscen][nrep][days][nmt]. */
sim_status ana_cmpw_append(ana_cmpw *w, int64_t nrep, const double *city, sim_error *err);

/* Root attributes, /seeds and /summary (meta->replicates must equal the
 * rows appended and the table's replicates). */
sim_status ana_cmpw_finish(ana_cmpw *w, const ana_cmp_meta *meta, const ana_table *t,
                           sim_error *err);

/* Close, fsync and rename into place.  Frees w (also on failure). */
sim_status ana_cmpw_commit(ana_cmpw *w, sim_error *err);

/* Close and remove the temporary file; frees w.  NULL is fine. */
void ana_cmpw_abort(ana_cmpw *w);

/* ---- reading -------------------------------------------------------------- */

typedef struct {
    char *path;
    int64_t file; /* the open HDF5 file (hid_t) */
    ana_cmp_meta meta;
    int nscen;
    ana_cmp_scen *scen;
    ana_table *table;   /* as stored */
    ana_cmp_post *post; /* NULL unless a comparison under a posterior */
} ana_cmpfile;

/* 1 when path is a compare file (HDF5 whose file_kind is troika-compare). */
int ana_cmpfile_is(const char *path);

/* Open and read everything but the series. */
sim_status ana_cmpfile_open(ana_cmpfile **f, const char *path, sim_error *err);

/* The series of metric `metric` in scenario s: replicates x days values
 * into buf (row-major). */
sim_status ana_cmpfile_series(const ana_cmpfile *f, int s, const char *metric, double *buf,
                              sim_error *err);

void ana_cmpfile_close(ana_cmpfile *f);

/* ---- a run file (troika run, docs/OUTPUT.md), read for the one-run report ---- */

typedef struct {
    char *path, *scenario, *troika_version, *git_commit, *command_line;
    int64_t file; /* the open HDF5 file (hid_t) */
    int64_t days, ncomp, nsamples;
    int64_t last_sample_day; /* day of the panel's last row; -1 with none */
    uint64_t seed;
    uint8_t *old;        /* [ncomp] 1 = old compound */
    int32_t *households; /* [ncomp] */
} ana_runfile;

/* 1 when path is a troika run file (HDF5 with schema_version and /city,
 * neither a compare nor a sweep file). */
int ana_runfile_is(const char *path);

/* Open and read the root attributes and the compounds; SIM_EINPUT naming
 * the file and what is wrong. */
sim_status ana_runfile_open(ana_runfile **f, const char *path, sim_error *err);

/* /city/<metric>: days values into buf. */
sim_status ana_runfile_city(const ana_runfile *f, const char *metric, double *buf, sim_error *err);

/* The last row of /compounds/panel/<name>: ncomp values into buf. */
sim_status ana_runfile_panel_last(const ana_runfile *f, const char *name, double *buf,
                                  sim_error *err);

void ana_runfile_close(ana_runfile *f);

/* ---- a shard of a comparison (troika compare --shard K/N) ------------------
 *
 * file_kind "troika-compare-shard" (schema as above).  It holds the runs j
 * with j % shards == shard (ascending) of a comparison of `runs` runs:
 *   /day, /scenarios         as in a compare file, with R = the shard's runs
 *   /shard_runs              i64 [R]: the comparison's run index of each row
 *   /                        attributes file_kind, provenance (as above),
 *                            shard (0-based), shards, runs, identity (of
 *                            the comparison: resolved scenarios, options,
 *                            posterior and build), metrics (the table's,
 *                            comma-separated), days, compounds, scenarios,
 *                            window_from, window_to, seed_base, chunk_rows,
 *                            execution; under a posterior also posterior,
 *                            posterior_identity, posterior_calibration,
 *                            posterior_particles, posterior_level, draws,
 *                            replicates_per_draw, /parameter, /draw_values,
 *                            /draw_particle (as in a compare file)
 * No table: `troika merge` joins the shards and computes it. */
#define ANA_COMPARE_SHARD_KIND "troika-compare-shard"

typedef struct {
    int64_t shard, shards, runs; /* this shard (0-based) of shards; runs planned */
    int64_t nrows;               /* runs held */
    int64_t *run;                /* [nrows] ascending run indices */
    char *identity, *metrics, *execution;
    int64_t days, compounds, win_from, win_to, chunk_rows;
    uint64_t seed_base;
    const ana_cmp_post *post; /* writing: the draws (no effects are written) */
} ana_cmp_shard;

/* Root attributes and the shard's datasets, instead of ana_cmpw_finish
 * (the rows appended must be sh->nrows). */
sim_status ana_cmpw_finish_shard(ana_cmpw *w, const ana_cmp_shard *sh, const char *command_line,
                                 sim_error *err);

typedef struct {
    ana_cmpfile *f; /* scenarios and f->post (draws, no effects); no table */
    ana_cmp_shard sh;
    ana_cmp_post *post; /* = f->post */
} ana_cmpshard;

/* The file_kind of an HDF5 file (caller frees), NULL when it has none or
 * cannot be read. */
char *ana_h5_kind(const char *path);

/* Open a shard file (SIM_EINPUT naming it when it is not one or damaged). */
sim_status ana_cmpshard_open(ana_cmpshard **s, const char *path, sim_error *err);

/* Rows [row0, row0 + n) of metric `metric`'s series in scenario i: n x days
 * values into buf. */
sim_status ana_cmpshard_rows(const ana_cmpshard *s, int i, const char *metric, int64_t row0,
                             int64_t n, double *buf, sim_error *err);

void ana_cmpshard_close(ana_cmpshard *s);

/* Free what an ana_cmp_meta / ana_cmp_scen owns (not the struct). */
void ana_cmp_meta_free(ana_cmp_meta *m);
void ana_cmp_scen_free(ana_cmp_scen *s);

#endif
