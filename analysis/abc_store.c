/* analysis/abc_store.c — see abc_store.h.
 *
 * HDF5 conventions of sim/output.c: automatic error printing off, every
 * call checked (H5C: the innermost HDF5 message into the error record, then
 * the one `fail:` cleanup), object time tracking off, the file created at
 * the temporary name of an afile_file and committed (fsync, rename) only when
 * complete.
 */
#include "abc_store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "afile.h"
#include "h5.h"

/* Needs `sim_status s`, `sim_error *err`, `const char *where` and `fail:`. */
#define H5C(expr, what) H5L_CHECK_AS(err, SIM_EIO, where, expr, "%s", (what))

/* ---- writing -------------------------------------------------------------------- */

typedef struct {
    hid_t file, str, gcpl;
} abs_writer;

static herr_t put_str(const abs_writer *w, hid_t loc, const char *name, const char *v)
{
    const char *s = v ? v : "";
    return h5l_attr_scalar(loc, name, w->str, w->str, &s);
}

static herr_t put_f64(hid_t loc, const char *name, double v)
{
    return h5l_attr_scalar(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

static herr_t put_i64(hid_t loc, const char *name, int64_t v)
{
    return h5l_attr_i64(loc, name, v);
}

/* A dataset of rank 1 or 2 with a description; mtype 0: strings. */
static herr_t put_dset(const abs_writer *w, const char *path, hid_t ftype, hid_t mtype, int rank,
                       hsize_t d0, hsize_t d1, const void *data, const char *doc)
{
    hsize_t dims[2] = {d0, d1};
    if (mtype == 0)
        ftype = mtype = w->str;
    hid_t sp = H5Screate_simple(rank, dims, NULL), d = H5I_INVALID_HID;
    herr_t r = -1;
    hid_t dcpl = sp >= 0 ? h5l_dcpl(sp, ftype) : H5I_INVALID_HID; /* checksummed */
    if (dcpl >= 0)
        d = H5Dcreate2(w->file, path, ftype, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (d >= 0 && (d0 * (rank > 1 ? d1 : 1) == 0 ||
                   H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0))
        r = put_str(w, d, "description", doc);
    if (r >= 0) /* CF: the description is the long_name */
        r = h5l_cf(d, doc, NULL);
    if (d >= 0 && H5Dclose(d) < 0)
        r = -1;
    if (sp >= 0)
        H5Sclose(sp);
    return r;
}

static herr_t put_group(const abs_writer *w, const char *path)
{
    hid_t g = H5Gcreate2(w->file, path, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
    return g < 0 ? -1 : H5Gclose(g);
}

/* Make dataset `axis` of group `group` a netCDF-4 dimension scale named
 * after it and attach it to dimension `dim` of each of the datasets `names`
 * (NULL-terminated) of the group. */
static herr_t put_axis(const abs_writer *w, const char *group, const char *axis,
                       const char *const *names, unsigned dim)
{
    hid_t g = H5Gopen2(w->file, group, H5P_DEFAULT), a = H5I_INVALID_HID;
    herr_t r = -1;
    if (g >= 0 && (a = H5Dopen2(g, axis, H5P_DEFAULT)) >= 0 && h5l_axis(a, axis) >= 0) {
        r = 0;
        for (int i = 0; names[i] && r >= 0; i++) {
            hid_t d = H5Dopen2(g, names[i], H5P_DEFAULT);
            r = d < 0 ? -1 : h5l_attach(d, a, dim);
            if (d >= 0 && H5Dclose(d) < 0)
                r = -1;
        }
    }
    if (a >= 0 && H5Dclose(a) < 0)
        r = -1;
    if (g >= 0 && H5Gclose(g) < 0)
        r = -1;
    return r;
}

/* The netCDF-4 / CF axes (docs/CALIBRATION.md, "The posterior file"): each
 * group holds the axes its datasets use, so that a reader opening one group
 * (xarray's group=) gets labelled arrays: parameter, target, particle,
 * generation. */
static sim_status write_axes(const abs_writer *w, const abc_config *c, const char *const *pname,
                             const char *const *sname, int ng, const char *where, sim_error *err)
{
    sim_status s = SIM_OK;
    hsize_t np = (hsize_t)c->nparams, ns = (hsize_t)c->nstats, n = (hsize_t)c->population;
    hsize_t G = (hsize_t)ng;
    int64_t *idx = malloc((size_t)(n > G ? n : (G ? G : 1)) * sizeof *idx);
    if (!idx)
        return SIM_FAIL(err, SIM_ENOMEM, where, 0, NULL, "out of memory");
    for (hsize_t i = 0; i < n || i < G; i++)
        idx[i] = (int64_t)i;
    static const char *const par_cols[] = {"name", "prior", "min", "max", "mean", "sd", NULL};
    static const char *const tgt_cols[] = {"name", "observed", "scale", NULL};
    static const char *const part_rows[] = {"theta", "weight", "distance", "stats", NULL};
    static const char *const theta[] = {"theta", NULL}, *const stats[] = {"stats", NULL};
    static const char *const gen_cols[] = {"tolerance", "acceptance",  "ess",
                                           "proposals", "simulations", NULL};
    H5C(put_dset(w, "/parameters/parameter", 0, 0, 1, np, 0, pname,
                 "Fitted parameter (section.name), the same as name"),
        "/parameters/parameter");
    H5C(put_axis(w, "/parameters", "parameter", par_cols, 0), "/parameters/parameter");
    H5C(put_dset(w, "/targets/target", 0, 0, 1, ns, 0, sname,
                 "Fitted target (summary statistic), the same as name"),
        "/targets/target");
    H5C(put_axis(w, "/targets", "target", tgt_cols, 0), "/targets/target");
    H5C(put_dset(w, "/particles/particle", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, n, 0, idx,
                 "Particle number, 0-based"),
        "/particles/particle");
    H5C(put_dset(w, "/particles/parameter", 0, 0, 1, np, 0, pname,
                 "Fitted parameter (section.name): the columns of theta"),
        "/particles/parameter");
    H5C(put_dset(w, "/particles/target", 0, 0, 1, ns, 0, sname,
                 "Fitted target: the columns of stats"),
        "/particles/target");
    H5C(put_axis(w, "/particles", "particle", part_rows, 0), "/particles/particle");
    H5C(put_axis(w, "/particles", "parameter", theta, 1), "/particles/parameter");
    H5C(put_axis(w, "/particles", "target", stats, 1), "/particles/target");
    H5C(put_dset(w, "/history/generation", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, G, 0, idx,
                 "Generation number, 0 = the prior"),
        "/history/generation");
    H5C(put_axis(w, "/history", "generation", gen_cols, 0), "/history/generation");
fail:
    free(idx);
    return s;
}

static sim_status write_body(abs_writer *w, const abc_run *r, const abs_prov *pv, const char *where,
                             sim_error *err)
{
    sim_status s = SIM_OK;
    const abc_config *c = abc_run_config(r);
    hsize_t np = (hsize_t)c->nparams, ns = (hsize_t)c->nstats, n = (hsize_t)c->population;
    int ng = abc_run_generations(r);
    const abc_generation *h = abc_run_history(r);
    const char *pname[ABC_MAX_PARAMS], *pkind[ABC_MAX_PARAMS], *sname[ABC_MAX_STATS];
    double lo[ABC_MAX_PARAMS], hi[ABC_MAX_PARAMS], mean[ABC_MAX_PARAMS], sd[ABC_MAX_PARAMS];
    double obs[ABC_MAX_STATS], scale[ABC_MAX_STATS];
    double *col = malloc((size_t)(ng > 0 ? ng : 1) * 3 * sizeof *col);
    int64_t *icol = malloc((size_t)(ng > 0 ? ng : 1) * 2 * sizeof *icol);
    if (!col || !icol) {
        free(col);
        free(icol);
        return SIM_FAIL(err, SIM_ENOMEM, where, 0, NULL, "out of memory");
    }
    for (int k = 0; k < c->nparams; k++) {
        pname[k] = c->prior[k].name;
        pkind[k] = abc_prior_name(c->prior[k].kind);
        lo[k] = c->prior[k].lo;
        hi[k] = c->prior[k].hi;
        mean[k] = c->prior[k].kind == ABC_NORMAL ? c->prior[k].mean : NAN;
        sd[k] = c->prior[k].kind == ABC_NORMAL ? c->prior[k].sd : NAN;
    }
    for (int k = 0; k < c->nstats; k++) {
        sname[k] = c->stat[k].name;
        obs[k] = c->stat[k].observed;
        scale[k] = c->stat[k].scale;
    }
    hid_t f = w->file;
    H5C(h5l_provenance(f, ABS_FORMAT, ABS_FORMAT_VERSION, pv->command_line),
        "the provenance attributes");
    H5C(put_str(w, f, "execution", pv->execution), "attribute execution");
    H5C(put_str(w, f, "calibration", pv->calibration), "attribute calibration");
    H5C(put_str(w, f, "calibration_text", pv->calibration_text), "attribute calibration_text");
    H5C(put_str(w, f, "base_scenario", pv->base_scenario), "attribute base_scenario");
    H5C(put_f64(f, "wall_seconds", pv->wall_seconds), "attribute wall_seconds");
    H5C(h5l_attr_scalar(f, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &c->seed), "attribute seed");
    H5C(put_i64(f, "population", c->population), "attribute population");
    H5C(put_i64(f, "batch", c->batch), "attribute batch");
    H5C(put_f64(f, "quantile", c->quantile), "attribute quantile");
    H5C(put_f64(f, "kernel_scale", c->kernel_scale), "attribute kernel_scale");
    H5C(put_f64(f, "min_tolerance", c->min_tolerance), "attribute min_tolerance");
    H5C(put_i64(f, "max_generations", c->max_generations), "attribute max_generations");
    H5C(put_i64(f, "max_simulations", c->max_simulations), "attribute max_simulations");
    H5C(put_f64(f, "min_acceptance", c->min_acceptance), "attribute min_acceptance");
    H5C(put_i64(f, "generations", ng), "attribute generations");
    H5C(put_i64(f, "simulations", abc_run_simulations(r)), "attribute simulations");
    H5C(put_i64(f, "resumed", abc_run_resumed(r)), "attribute resumed");
    H5C(put_str(w, f, "Conventions", "CF-1.8"), "attribute Conventions");
    H5C(put_str(w, f, "stopped", abc_stop_name(abc_run_stopped(r))), "attribute stopped");

    H5C(put_group(w, "/parameters"), "group /parameters");
    H5C(put_dset(w, "/parameters/name", 0, 0, 1, np, 0, pname, "parameter keys (section.name)"),
        "/parameters/name");
    H5C(put_dset(w, "/parameters/prior", 0, 0, 1, np, 0, pkind,
                 "prior: uniform, log-uniform or normal (truncated to [min, max])"),
        "/parameters/prior");
    H5C(put_dset(w, "/parameters/min", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, np, 0, lo,
                 "lower end of the prior's range"),
        "/parameters/min");
    H5C(put_dset(w, "/parameters/max", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, np, 0, hi,
                 "upper end of the prior's range"),
        "/parameters/max");
    H5C(put_dset(w, "/parameters/mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, np, 0, mean,
                 "mean of a normal prior (NaN for the others)"),
        "/parameters/mean");
    H5C(put_dset(w, "/parameters/sd", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, np, 0, sd,
                 "standard deviation of a normal prior (NaN for the others)"),
        "/parameters/sd");

    H5C(put_group(w, "/targets"), "group /targets");
    H5C(put_dset(w, "/targets/name", 0, 0, 1, ns, 0, sname, "fitted targets (summary statistics)"),
        "/targets/name");
    H5C(put_dset(w, "/targets/observed", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, ns, 0, obs,
                 "observed value of each target"),
        "/targets/observed");
    H5C(put_dset(w, "/targets/scale", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, ns, 0, scale,
                 "difference worth one unit of distance"),
        "/targets/scale");

    H5C(put_group(w, "/particles"), "group /particles");
    H5C(put_dset(w, "/particles/theta", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, n, np,
                 abc_run_theta(r), "particle x parameter (columns as /parameters/name)"),
        "/particles/theta");
    H5C(put_dset(w, "/particles/weight", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, n, 0,
                 abc_run_weights(r), "importance weight (they sum to 1)"),
        "/particles/weight");
    H5C(put_dset(w, "/particles/distance", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, n, 0,
                 abc_run_distances(r),
                 "sqrt(sum ((simulated - observed) / scale)^2) of the particle's simulation"),
        "/particles/distance");
    H5C(put_dset(w, "/particles/stats", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, n, ns,
                 abc_run_stats(r), "particle x target: the simulated statistics"),
        "/particles/stats");

    for (int g = 0; g < ng; g++) {
        col[g] = h[g].tolerance;
        col[ng + g] = h[g].acceptance;
        col[2 * ng + g] = h[g].ess;
        icol[g] = h[g].proposals;
        icol[ng + g] = h[g].simulations;
    }
    hsize_t G = (hsize_t)ng;
    H5C(put_group(w, "/history"), "group /history");
    H5C(put_dset(w, "/history/tolerance", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, G, 0, col,
                 "tolerance of each generation (inf: generation 0, the prior)"),
        "/history/tolerance");
    H5C(put_dset(w, "/history/acceptance", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, G, 0, col + ng,
                 "acceptance rate: population / proposals"),
        "/history/acceptance");
    H5C(put_dset(w, "/history/ess", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, G, 0, col + 2 * ng,
                 "effective sample size 1 / sum(weight^2)"),
        "/history/ess");
    H5C(put_dset(w, "/history/proposals", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, G, 0, icol,
                 "proposals up to the population's last acceptance"),
        "/history/proposals");
    H5C(put_dset(w, "/history/simulations", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, G, 0, icol + ng,
                 "simulations run (whole batches)"),
        "/history/simulations");
    s = write_axes(w, c, pname, sname, ng, where, err);
fail:
    free(col);
    free(icol);
    return s;
}

sim_status abs_write(const char *path, int force, const abc_run *r, const abs_prov *pv,
                     sim_error *err)
{
    const char *where = path;
    afile_file *af = NULL;
    SIM_TRY(err, afile_open(&af, path, force, "-o", err));
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    sim_status s = SIM_OK;
    abs_writer w = {H5I_INVALID_HID, H5I_INVALID_HID, H5I_INVALID_HID};
    hid_t fcpl = H5I_INVALID_HID;
    H5C(w.str = H5Tcopy(H5T_C_S1), "string type");
    H5C(H5Tset_size(w.str, H5T_VARIABLE), "string type");
    H5C(H5Tset_cset(w.str, H5T_CSET_UTF8), "string type");
    H5C(w.gcpl = H5Pcreate(H5P_GROUP_CREATE), "group properties");
    H5C(H5Pset_obj_track_times(w.gcpl, 0), "group properties");
    H5C(fcpl = H5Pcreate(H5P_FILE_CREATE), "file properties");
    H5C(H5Pset_obj_track_times(fcpl, 0), "file properties");
    H5C(w.file = H5Fcreate(afile_temp(af), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT), "creating the file");
    s = write_body(&w, r, pv, where, err);
    if (s != SIM_OK)
        goto fail;
    herr_t closed = H5Fclose(w.file);
    w.file = H5I_INVALID_HID;
    H5C(closed, "closing the file");
fail:
    if (w.file >= 0)
        H5Fclose(w.file);
    if (w.str >= 0)
        H5Tclose(w.str);
    if (w.gcpl >= 0)
        H5Pclose(w.gcpl);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (s != SIM_OK) {
        afile_abort(af);
        return s;
    }
    return afile_commit(af, err);
}

/* ---- reading -------------------------------------------------------------------------- */

static herr_t get_attr(hid_t loc, const char *name, hid_t mtype, void *out)
{
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0)
        return -1;
    herr_t r = H5Aread(a, mtype, out);
    H5Aclose(a);
    return r;
}

/* A string attribute into buf (truncated to n - 1). */
static herr_t get_str(hid_t loc, const char *name, char *buf, size_t n)
{
    hid_t st = H5Tcopy(H5T_C_S1);
    char *v = NULL;
    herr_t r = st < 0 || H5Tset_size(st, H5T_VARIABLE) < 0 || H5Tset_cset(st, H5T_CSET_UTF8) < 0
                   ? -1
                   : get_attr(loc, name, st, &v);
    if (r >= 0)
        snprintf(buf, n, "%s", v ? v : "");
    if (v)
        H5free_memory(v);
    if (st >= 0)
        H5Tclose(st);
    return r;
}

/* Dataset `path` of exactly `count` elements into out (strings: char[n][len]). */
static herr_t get_dset(hid_t f, const char *path, hid_t mtype, hsize_t count, void *out, size_t len)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT), sp = H5I_INVALID_HID, st = H5I_INVALID_HID;
    herr_t r = -1;
    char **tmp = NULL;
    if (d < 0 || (sp = H5Dget_space(d)) < 0)
        goto done;
    if ((hsize_t)H5Sget_simple_extent_npoints(sp) != count)
        goto done;
    if (count == 0) {
        r = 0;
        goto done;
    }
    if (mtype != 0) {
        r = H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
        goto done;
    }
    if ((st = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_size(st, H5T_VARIABLE) < 0 ||
        H5Tset_cset(st, H5T_CSET_UTF8) < 0 || !(tmp = calloc((size_t)count, sizeof *tmp)))
        goto done;
    r = H5Dread(d, st, H5S_ALL, H5S_ALL, H5P_DEFAULT, tmp);
    for (hsize_t i = 0; r >= 0 && i < count; i++)
        snprintf((char *)out + i * len, len, "%s", tmp[i] ? tmp[i] : "");
    if (r >= 0)
        (void)H5Dvlen_reclaim(st, sp, H5P_DEFAULT, tmp);
done:
    free(tmp);
    if (st >= 0)
        H5Tclose(st);
    if (sp >= 0)
        H5Sclose(sp);
    if (d >= 0)
        H5Dclose(d);
    return r;
}

void abs_destroy(abs_posterior *p)
{
    if (!p)
        return;
    free(p->theta);
    free(p->weight);
    free(p->distance);
    free(p->tolerance);
    free(p->calibration);
    free(p);
}

sim_status abs_read(abs_posterior **out, const char *path, sim_error *err)
{
    const char *where = path;
    sim_status s = SIM_OK;
    *out = NULL;
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    abs_posterior *p = calloc(1, sizeof *p);
    char *text = malloc(4096);
    if (!p || !text) {
        free(p);
        free(text);
        return SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory");
    }
    abc_config_default(&p->c);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        char d[400];
        h5l_describe(d, sizeof d);
        s = SIM_FAIL(err, SIM_EINPUT, path, 0, NULL, "cannot open the posterior file: %s", d);
        goto fail;
    }
    int64_t v = 0, n = 0, np = 0, ns = 0, ng = 0;
    if (get_str(f, "file_kind", text, 4096) < 0 || strcmp(text, ABS_FORMAT) != 0 ||
        get_attr(f, "schema_version", H5T_NATIVE_INT64, &v) < 0 || v < ABS_FORMAT_OLDEST ||
        v > ABS_FORMAT_VERSION) {
        s = SIM_FAIL(err, SIM_EINPUT, path, 0, NULL,
                     "not a posterior file of troika calibrate --method abc-smc (file_kind '%s' "
                     "schema_version %d to %d expected)",
                     ABS_FORMAT, ABS_FORMAT_OLDEST, ABS_FORMAT_VERSION);
        goto fail;
    }
    H5C(get_attr(f, "population", H5T_NATIVE_INT64, &n), "attribute population");
    H5C(get_attr(f, "generations", H5T_NATIVE_INT64, &ng), "attribute generations");
    H5C(get_attr(f, "seed", H5T_NATIVE_UINT64, &p->c.seed), "attribute seed");
    H5C(get_str(f, "calibration", text, 4096), "attribute calibration");
    size_t tl = strlen(text) + 1;
    if ((p->calibration = malloc(tl)))
        memcpy(p->calibration, text, tl);
    hid_t sp = H5I_INVALID_HID;
    hid_t d = H5Dopen2(f, "/parameters/min", H5P_DEFAULT);
    if (d >= 0 && (sp = H5Dget_space(d)) >= 0)
        np = H5Sget_simple_extent_npoints(sp);
    if (sp >= 0)
        H5Sclose(sp);
    if (d >= 0)
        H5Dclose(d);
    sp = H5I_INVALID_HID;
    d = H5Dopen2(f, "/targets/scale", H5P_DEFAULT);
    if (d >= 0 && (sp = H5Dget_space(d)) >= 0)
        ns = H5Sget_simple_extent_npoints(sp);
    if (sp >= 0)
        H5Sclose(sp);
    if (d >= 0)
        H5Dclose(d);
    if (n < 2 || np < 1 || np > ABC_MAX_PARAMS || ns < 1 || ns > ABC_MAX_STATS || ng < 1 ||
        !p->calibration) {
        s = SIM_FAIL(err, SIM_EINPUT, path, 0, NULL,
                     "the posterior file is damaged (%lld particles, %lld parameters, %lld "
                     "targets, %lld generations)",
                     (long long)n, (long long)np, (long long)ns, (long long)ng);
        goto fail;
    }
    p->n = n;
    p->generations = (int)ng;
    p->c.population = (int)n;
    p->c.nparams = (int)np;
    p->c.nstats = (int)ns;
    p->theta = malloc((size_t)(n * np) * sizeof *p->theta);
    p->weight = malloc((size_t)n * sizeof *p->weight);
    p->distance = malloc((size_t)n * sizeof *p->distance);
    p->tolerance = malloc((size_t)ng * sizeof *p->tolerance);
    if (!p->theta || !p->weight || !p->distance || !p->tolerance) {
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory");
        goto fail;
    }
    char names[ABC_MAX_PARAMS][ABC_NAME_MAX], kinds[ABC_MAX_PARAMS][32];
    char snames[ABC_MAX_STATS][ABC_NAME_MAX];
    double lo[ABC_MAX_PARAMS], hi[ABC_MAX_PARAMS], mean[ABC_MAX_PARAMS], sd[ABC_MAX_PARAMS];
    double obs[ABC_MAX_STATS], scale[ABC_MAX_STATS];
    hsize_t P = (hsize_t)np, S = (hsize_t)ns;
    H5C(get_dset(f, "/parameters/name", 0, P, names, ABC_NAME_MAX), "/parameters/name");
    H5C(get_dset(f, "/parameters/prior", 0, P, kinds, 32), "/parameters/prior");
    H5C(get_dset(f, "/parameters/min", H5T_NATIVE_DOUBLE, P, lo, 0), "/parameters/min");
    H5C(get_dset(f, "/parameters/max", H5T_NATIVE_DOUBLE, P, hi, 0), "/parameters/max");
    H5C(get_dset(f, "/parameters/mean", H5T_NATIVE_DOUBLE, P, mean, 0), "/parameters/mean");
    H5C(get_dset(f, "/parameters/sd", H5T_NATIVE_DOUBLE, P, sd, 0), "/parameters/sd");
    H5C(get_dset(f, "/targets/name", 0, S, snames, ABC_NAME_MAX), "/targets/name");
    H5C(get_dset(f, "/targets/observed", H5T_NATIVE_DOUBLE, S, obs, 0), "/targets/observed");
    H5C(get_dset(f, "/targets/scale", H5T_NATIVE_DOUBLE, S, scale, 0), "/targets/scale");
    H5C(get_dset(f, "/particles/theta", H5T_NATIVE_DOUBLE, (hsize_t)(n * np), p->theta, 0),
        "/particles/theta");
    H5C(get_dset(f, "/particles/weight", H5T_NATIVE_DOUBLE, (hsize_t)n, p->weight, 0),
        "/particles/weight");
    H5C(get_dset(f, "/particles/distance", H5T_NATIVE_DOUBLE, (hsize_t)n, p->distance, 0),
        "/particles/distance");
    H5C(get_dset(f, "/history/tolerance", H5T_NATIVE_DOUBLE, (hsize_t)ng, p->tolerance, 0),
        "/history/tolerance");
    for (int k = 0; k < (int)np; k++) {
        abc_prior *q = &p->c.prior[k];
        snprintf(q->name, sizeof q->name, "%s", names[k]);
        int kind = abc_prior_parse(kinds[k]);
        q->kind = kind < 0 ? ABC_UNIFORM : (abc_prior_kind)kind;
        q->lo = lo[k];
        q->hi = hi[k];
        q->mean = mean[k];
        q->sd = sd[k];
    }
    for (int k = 0; k < (int)ns; k++) {
        snprintf(p->c.stat[k].name, sizeof p->c.stat[k].name, "%s", snames[k]);
        p->c.stat[k].observed = obs[k];
        p->c.stat[k].scale = scale[k];
    }
fail:
    if (f >= 0)
        H5Fclose(f);
    free(text);
    if (s != SIM_OK) {
        abs_destroy(p);
        return s;
    }
    *out = p;
    return SIM_OK;
}
