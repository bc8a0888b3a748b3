/* analysis/h5compare.c — see h5compare.h; the schema is also in
 * docs/COMPARE.md.
 *
 * Design.  The writer keeps the file (a temporary name claimed by
 * core/afile.c) and the S x M growable city datasets open from
 * ana_cmpw_scenarios() to ana_cmpw_commit(); every function has one `goto
 * fail` cleanup and returns the first failure, after which the caller
 * aborts (the temporary file is removed).  HDF5 errors are reported with the
 * innermost message of HDF5's error stack.
 *
 * The reader turns every problem into SIM_EINPUT naming the file: a compare
 * file is input to `troika report`, and a damaged, truncated or foreign file
 * is bad input, not a crash.  Every dataset's shape is checked before it is
 * read into memory sized from the root attributes.
 */
#include "h5compare.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "afile.h"
#include "design.h"
#include "h5.h"
#include "troika_version.h"

#define CMP_DEFLATE_LEVEL 4

const char ana_seed_rule[] =
    "seed of replicate r = splitmix64(splitmix64(seed_base) + r) mod 2^53, the same "
    "for every scenario (common random numbers)";

static void close_id(hid_t *id, herr_t (*closer)(hid_t))
{
    if (*id >= 0)
        (void)closer(*id);
    *id = H5I_INVALID_HID;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s ? s : "", n);
    return d;
}

/* ==== writing ================================================================== */

struct ana_cmpw {
    afile_file *af;
    const char *path; /* the requested name (owned by af) */
    hid_t file, t_str, gcpl, dcpl;
    int nscen;
    int64_t days, rows, chunk_rows;
    const sim_metric_desc *mt; /* the model's metric table: one series per row */
    int nmt;
    hid_t *city;    /* [nscen * nmt] growable series, open */
    hid_t day_axis; /* /day, the dimension scale of the series' days, open */
};

/* Needs `sim_status s`, `sim_error *err`, `w` and `fail:` (core/h5). */
#define H5CHK(expr, what)                                                                          \
    H5L_CHECK_AS(err, SIM_EIO, w->path, expr, "writing the compare file failed (%s)", (what))

static sim_status w_attr(ana_cmpw *w, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                         const void *val, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t sp = H5I_INVALID_HID, a = H5I_INVALID_HID;
    H5CHK(sp = H5Screate(H5S_SCALAR), name);
    H5CHK(a = H5Acreate2(loc, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT), name);
    H5CHK(H5Awrite(a, mtype, val), name);
fail:
    close_id(&a, H5Aclose);
    close_id(&sp, H5Sclose);
    return s;
}

static sim_status w_str(ana_cmpw *w, hid_t loc, const char *name, const char *v, sim_error *err)
{
    const char *val = v ? v : "";
    return w_attr(w, loc, name, w->t_str, w->t_str, &val, err);
}

static sim_status w_i64(ana_cmpw *w, hid_t loc, const char *name, int64_t v, sim_error *err)
{
    return w_attr(w, loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v, err);
}

static sim_status w_u64(ana_cmpw *w, hid_t loc, const char *name, uint64_t v, sim_error *err)
{
    return w_attr(w, loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v, err);
}

static sim_status w_f64(ana_cmpw *w, hid_t loc, const char *name, double v, sim_error *err)
{
    return w_attr(w, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v, err);
}

/* A dataset of `rank` dims (checksummed), written whole, with a description. */
static sim_status w_dset(ana_cmpw *w, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                         int rank, const hsize_t *dims, const void *data, const char *doc,
                         sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t sp = H5I_INVALID_HID, d = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    hsize_t count = 1;
    for (int k = 0; k < rank; k++)
        count *= dims[k];
    H5CHK(sp = H5Screate_simple(rank, dims, NULL), name);
    H5CHK(dcpl = h5l_dcpl(sp, ftype), name);
    H5CHK(d = H5Dcreate2(loc, name, ftype, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT), name);
    if (count > 0)
        H5CHK(H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), name);
    if (doc)
        SIM_CALL(w_str(w, d, "description", doc, err));
    H5CHK(H5Dclose(d), name);
    d = H5I_INVALID_HID;
fail:
    close_id(&d, H5Dclose);
    close_id(&dcpl, H5Pclose);
    close_id(&sp, H5Sclose);
    return s;
}

static sim_status w_strings(ana_cmpw *w, hid_t loc, const char *name, int64_t n,
                            const char *const *v, const char *doc, sim_error *err)
{
    hsize_t dims[1] = {(hsize_t)n};
    return w_dset(w, loc, name, w->t_str, w->t_str, 1, dims, v, doc, err);
}

static sim_status w_group(ana_cmpw *w, hid_t loc, const char *name, hid_t *g, sim_error *err)
{
    sim_status s = SIM_OK;
    H5CHK(*g = H5Gcreate2(loc, name, H5P_DEFAULT, w->gcpl, H5P_DEFAULT), name);
fail:
    return s;
}

static void w_close(ana_cmpw *w)
{
    close_id(&w->day_axis, H5Dclose);
    if (w->city)
        for (int k = 0; k < w->nscen * w->nmt; k++)
            close_id(&w->city[k], H5Dclose);
    close_id(&w->t_str, H5Tclose);
    close_id(&w->gcpl, H5Pclose);
    close_id(&w->dcpl, H5Pclose);
}

sim_status ana_cmpw_open(ana_cmpw **out, const char *path, int force, const sim_metric_desc *mt,
                         int nmt, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t fcpl = H5I_INVALID_HID;
    *out = NULL;
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    ana_cmpw *w = calloc(1, sizeof *w);
    if (!w)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory opening %s", path);
    w->file = w->t_str = w->gcpl = w->dcpl = w->day_axis = H5I_INVALID_HID;
    w->path = path;
    w->mt = mt;
    w->nmt = nmt;
    SIM_CALL(afile_open(&w->af, path, force, "-o", err));
    w->path = afile_path(w->af);
    H5CHK(fcpl = H5Pcreate(H5P_FILE_CREATE), "file creation properties");
    H5CHK(H5Pset_obj_track_times(fcpl, 0), "file creation properties");
    H5CHK(w->gcpl = H5Pcreate(H5P_GROUP_CREATE), "group creation properties");
    H5CHK(H5Pset_obj_track_times(w->gcpl, 0), "group creation properties");
    H5CHK(w->dcpl = H5Pcreate(H5P_DATASET_CREATE), "dataset creation properties");
    H5CHK(H5Pset_obj_track_times(w->dcpl, 0), "dataset creation properties");
    H5CHK(w->t_str = H5Tcopy(H5T_C_S1), "string type");
    H5CHK(H5Tset_size(w->t_str, H5T_VARIABLE), "string type");
    H5CHK(H5Tset_cset(w->t_str, H5T_CSET_UTF8), "string type");
    H5CHK(w->file = H5Fcreate(afile_temp(w->af), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT),
          "creating the temporary file");
    close_id(&fcpl, H5Pclose);
    *out = w;
    return SIM_OK;
fail:
    close_id(&fcpl, H5Pclose);
    ana_cmpw_abort(w);
    return s;
}

static const char *kind_word(sim_mkind k)
{
    return k == SIM_M_COUNT ? "count" : "ratio";
}

/* Attach axes[0..rank-1] to the dimensions of dataset `name` of g. */
static sim_status w_attach(ana_cmpw *w, hid_t g, const char *name, int rank, const hid_t *axes,
                           sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t d = H5I_INVALID_HID;
    H5CHK(d = H5Dopen2(g, name, H5P_DEFAULT), name);
    for (int k = 0; k < rank; k++)
        H5CHK(h5l_attach(d, axes[k], (unsigned)k), name);
fail:
    close_id(&d, H5Dclose);
    return s;
}

/* /scenarios/<s>/changes: one column per field of ana_diff_row. */
static sim_status w_changes(ana_cmpw *w, hid_t gs, const ana_diff *d, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t g = H5I_INVALID_HID, ax = H5I_INVALID_HID;
    int n = d->n;
    const char **col = malloc((size_t)(n ? n : 1) * sizeof *col);
    int64_t *day = malloc((size_t)(n ? n : 1) * sizeof *day);
    if (!col || !day) {
        s = SIM_FAIL(err, SIM_ENOMEM, w->path, 0, NULL, "out of memory writing the changes");
        goto fail;
    }
    SIM_CALL(w_group(w, gs, "changes", &g, err));
    SIM_CALL(w_str(w, g, "description",
                   "What this scenario changes relative to the baseline (scenario 0), after "
                   "resolving extends and policies: one row per difference, in parameter "
                   "order, then by day.",
                   err));
    for (int k = 0; k < n; k++)
        day[k] = d->rows[k].day;
    hsize_t dims[1] = {(hsize_t)n};
    SIM_CALL(w_dset(w, g, "day", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dims, day,
                    "From this day (0-based) on; -1 = from the start.", err));
    static const char *const names[] = {
        "key",         "baseline_value", "value",           "unit",
        "description", "description_zh", "policy_baseline", "policy"};
    static const char *const docs[] = {
        "Parameter key, section.name.",
        "Value in effect in the baseline.",
        "Value in effect in this scenario.",
        "Unit of the values.",
        "What the parameter means.",
        "What the parameter means, in Chinese.",
        "The baseline's policy that sets the value that day, or empty.",
        "This scenario's policy that sets the value that day, or empty.",
    };
    for (int c = 0; c < 8; c++) {
        for (int k = 0; k < n; k++) {
            const ana_diff_row *r = &d->rows[k];
            const char *v[] = {r->key,    r->a,      r->b,        r->unit,
                               r->doc_en, r->doc_zh, r->policy_a, r->policy_b};
            col[k] = v[c];
        }
        SIM_CALL(w_strings(w, g, names[c], n, col, docs[c], err));
    }
    /* netCDF-4: the rows are the axis "change" */
    for (int k = 0; k < n; k++)
        day[k] = k;
    SIM_CALL(w_dset(w, g, "change", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dims, day,
                    "Difference number, 0-based: the row of every column here.", err));
    H5CHK(ax = H5Dopen2(g, "change", H5P_DEFAULT), "changes/change");
    H5CHK(h5l_axis(ax, "change"), "changes/change");
    H5CHK(h5l_cf(ax, "Difference number, 0-based", NULL), "changes/change");
    SIM_CALL(w_attach(w, g, "day", 1, &ax, err));
    for (int c = 0; c < 8; c++)
        SIM_CALL(w_attach(w, g, names[c], 1, &ax, err));
fail:
    close_id(&ax, H5Dclose);
    close_id(&g, H5Gclose);
    free(col);
    free(day);
    return s;
}

/* An empty series growable along the replicate axis. */
static sim_status w_series(ana_cmpw *w, hid_t g, int m, hid_t *out, sim_error *err)
{
    sim_status s = SIM_OK;
    const sim_metric_desc *md = &w->mt[m];
    hid_t sp = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, d = H5I_INVALID_HID;
    hsize_t dims[2] = {0, (hsize_t)w->days}, max[2] = {H5S_UNLIMITED, (hsize_t)w->days};
    hsize_t chunk[2] = {(hsize_t)w->chunk_rows, (hsize_t)w->days};
    H5CHK(sp = H5Screate_simple(2, dims, max), md->name);
    H5CHK(dcpl = H5Pcopy(w->dcpl), md->name);
    H5CHK(H5Pset_chunk(dcpl, 2, chunk), md->name);
    H5CHK(h5l_compress(dcpl, CMP_DEFLATE_LEVEL), md->name);
    H5CHK(d = H5Dcreate2(g, md->name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT),
          md->name);
    H5CHK(h5l_cf(d, md->doc_en, md->unit), md->name);
    H5CHK(h5l_attach(d, w->day_axis, 1), md->name);
    SIM_CALL(w_str(w, d, "description", md->doc_en, err));
    SIM_CALL(w_str(w, d, "description_zh", md->doc_zh, err));
    SIM_CALL(w_str(w, d, "kind", kind_word(md->kind), err));
    SIM_CALL(w_str(w, d, "dims", "replicate,day", err));
    *out = d;
    d = H5I_INVALID_HID;
fail:
    close_id(&d, H5Dclose);
    close_id(&dcpl, H5Pclose);
    close_id(&sp, H5Sclose);
    return s;
}

sim_status ana_cmpw_scenarios(ana_cmpw *w, int64_t days, int64_t chunk_rows,
                              const ana_cmp_scen *scen, int nscen, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t gall = H5I_INVALID_HID, gs = H5I_INVALID_HID, gc = H5I_INVALID_HID;
    int64_t *day = NULL;
    if (w->city || nscen < 1 || days < 1) {
        s = SIM_FAIL(err, SIM_EINTERNAL, w->path, 0, NULL,
                     "ana_cmpw_scenarios: called twice or without scenarios");
        goto fail;
    }
    w->days = days;
    w->chunk_rows = chunk_rows < 1 ? 1 : chunk_rows;
    w->city = malloc((size_t)nscen * w->nmt * sizeof *w->city);
    day = malloc((size_t)days * sizeof *day);
    if (!w->city || !day) {
        s = SIM_FAIL(err, SIM_ENOMEM, w->path, 0, NULL, "out of memory writing the file");
        goto fail;
    }
    w->nscen = nscen;
    for (int k = 0; k < nscen * w->nmt; k++)
        w->city[k] = H5I_INVALID_HID;
    for (int64_t d = 0; d < days; d++)
        day[d] = d;
    hsize_t dd[1] = {(hsize_t)days};
    SIM_CALL(w_dset(w, w->file, "day", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dd, day,
                    "Simulated day, 0 = the first day: the second axis of every series.", err));
    H5CHK(w->day_axis = H5Dopen2(w->file, "day", H5P_DEFAULT), "/day");
    H5CHK(h5l_axis(w->day_axis, "day"), "/day");
    H5CHK(h5l_time(w->day_axis, "Simulated day, 0 = the first day"), "/day");
    SIM_CALL(w_group(w, w->file, "scenarios", &gall, err));
    for (int i = 0; i < nscen; i++) {
        char name[32];
        snprintf(name, sizeof name, "%d", i);
        SIM_CALL(w_group(w, gall, name, &gs, err));
        SIM_CALL(w_str(w, gs, "name", scen[i].name, err));
        SIM_CALL(w_str(w, gs, "description", scen[i].description, err));
        SIM_CALL(w_str(w, gs, "name_zh", scen[i].name_zh ? scen[i].name_zh : "", err));
        SIM_CALL(w_str(w, gs, "description_zh",
                       scen[i].description_zh ? scen[i].description_zh : "", err));
        SIM_CALL(w_str(w, gs, "path", scen[i].path, err));
        SIM_CALL(w_str(w, gs, "resolved_ini", scen[i].resolved_ini, err));
        SIM_CALL(w_str(w, gs, "sources", scen[i].sources, err));
        SIM_CALL(w_changes(w, gs, &scen[i].changes, err));
        SIM_CALL(w_group(w, gs, "city", &gc, err));
        for (int m = 0; m < w->nmt; m++)
            SIM_CALL(w_series(w, gc, m, &w->city[i * w->nmt + m], err));
        H5CHK(H5Gclose(gc), "city group");
        gc = H5I_INVALID_HID;
        H5CHK(H5Gclose(gs), name);
        gs = H5I_INVALID_HID;
    }
fail:
    close_id(&gc, H5Gclose);
    close_id(&gs, H5Gclose);
    close_id(&gall, H5Gclose);
    free(day);
    return s;
}

sim_status ana_cmpw_append(ana_cmpw *w, int64_t nrep, const double *city, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t fsp = H5I_INVALID_HID, msp = H5I_INVALID_HID;
    int64_t days = w->days;
    double *col = NULL;
    if (!w->city || nrep < 1) {
        s = SIM_FAIL(err, SIM_EINTERNAL, w->path, 0, NULL, "ana_cmpw_append: nothing to append");
        goto fail;
    }
    /* refuse non-finite values before writing anything */
    for (int i = 0; i < w->nscen; i++)
        for (int64_t r = 0; r < nrep; r++)
            for (int64_t d = 0; d < days; d++)
                for (int m = 0; m < w->nmt; m++) {
                    double v =
                        city[(((size_t)i * (size_t)nrep + (size_t)r) * (size_t)days + (size_t)d) *
                                 w->nmt +
                             (size_t)m];
                    if (!isfinite(v)) {
                        s = SIM_FAIL(err, SIM_ENUMERIC, w->path, 0, NULL,
                                     "metric %s is not finite on day %lld (scenario %d, "
                                     "replicate %lld); refusing to write it",
                                     w->mt[m].name, (long long)d, i, (long long)(w->rows + r));
                        goto fail;
                    }
                }
    col = malloc((size_t)nrep * (size_t)days * sizeof *col);
    if (!col) {
        s = SIM_FAIL(err, SIM_ENOMEM, w->path, 0, NULL, "out of memory writing the series");
        goto fail;
    }
    hsize_t mdims[2] = {(hsize_t)nrep, (hsize_t)days};
    hsize_t size[2] = {(hsize_t)(w->rows + nrep), (hsize_t)days};
    hsize_t start[2] = {(hsize_t)w->rows, 0};
    H5CHK(msp = H5Screate_simple(2, mdims, NULL), "memory space");
    for (int i = 0; i < w->nscen; i++)
        for (int m = 0; m < w->nmt; m++) {
            hid_t d = w->city[i * w->nmt + m];
            for (int64_t r = 0; r < nrep; r++)
                for (int64_t t = 0; t < days; t++)
                    col[(size_t)r * (size_t)days + (size_t)t] =
                        city[(((size_t)i * (size_t)nrep + (size_t)r) * (size_t)days + (size_t)t) *
                                 w->nmt +
                             (size_t)m];
            const char *what = w->mt[m].name;
            H5CHK(H5Dset_extent(d, size), what);
            H5CHK(fsp = H5Dget_space(d), what);
            H5CHK(H5Sselect_hyperslab(fsp, H5S_SELECT_SET, start, NULL, mdims, NULL), what);
            H5CHK(H5Dwrite(d, H5T_NATIVE_DOUBLE, msp, fsp, H5P_DEFAULT, col), what);
            close_id(&fsp, H5Sclose);
        }
    w->rows += nrep;
fail:
    close_id(&fsp, H5Sclose);
    close_id(&msp, H5Sclose);
    free(col);
    return s;
}

/* /summary from the table; rep_axis is /replicate. */
static sim_status w_summary(ana_cmpw *w, const ana_table *t, hid_t rep_axis, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t g = H5I_INVALID_HID, axes[3] = {H5I_INVALID_HID, H5I_INVALID_HID, H5I_INVALID_HID};
    size_t sk = (size_t)t->nscen * (size_t)t->nmet;
    double *v = malloc((sk ? sk : 1) * sizeof *v);
    int64_t *n = malloc((sk ? sk : 1) * sizeof *n);
    int8_t *c = malloc(sk ? sk : 1);
    if (!v || !n || !c) {
        s = SIM_FAIL(err, SIM_ENOMEM, w->path, 0, NULL, "out of memory writing the summary");
        goto fail;
    }
    SIM_CALL(w_group(w, w->file, "summary", &g, err));
    SIM_CALL(w_str(w, g, "description",
                   "The comparison table: for each scenario s and key metric k, the mean over "
                   "the window of each replicate (replicate_mean), their mean with its t "
                   "confidence interval, and the paired difference from scenario 0 (the "
                   "baseline) with its confidence interval and two-sided p-value; clear = 1 "
                   "where that interval excludes zero.  Values are in the metric's units "
                   "(shares as fractions).",
                   err));
    SIM_CALL(w_i64(w, g, "window_from", t->win_from, err));
    SIM_CALL(w_i64(w, g, "window_to", t->win_to, err));
    SIM_CALL(w_f64(w, g, "confidence_level", t->level, err));
    SIM_CALL(
        w_strings(w, g, "metric", t->nmet, (const char *const *)t->met, "Key metric names.", err));
    SIM_CALL(w_strings(w, g, "units", t->nmet, (const char *const *)t->unit, "Their units.", err));
    SIM_CALL(w_strings(w, g, "description", t->nmet, (const char *const *)t->doc_en,
                       "What each metric means.", err));
    SIM_CALL(w_strings(w, g, "description_zh", t->nmet, (const char *const *)t->doc_zh,
                       "What each metric means, in Chinese.", err));
    SIM_CALL(w_strings(w, g, "kind", t->nmet, (const char *const *)t->kind,
                       "count (summed over compounds) or ratio (a share or a mean).", err));
    SIM_CALL(w_strings(w, g, "scenario", t->nscen, (const char *const *)t->scen,
                       "Scenario labels; 0 is the baseline.", err));
    hsize_t dims[3] = {(hsize_t)t->nscen, (hsize_t)t->nmet, (hsize_t)t->replicates};
    for (size_t k = 0; k < sk; k++)
        n[k] = (int64_t)t->mean[k].n;
    SIM_CALL(w_dset(w, g, "n", H5T_STD_I64LE, H5T_NATIVE_INT64, 2, dims, n,
                    "Replicates behind each mean [scenario x metric].", err));
    static const char *const fields[] = {"mean",    "sd",      "half_width", "ci_lo",
                                         "ci_hi",   "diff",    "diff_sd",    "diff_half_width",
                                         "diff_lo", "diff_hi", "diff_p"};
    static const char *const docs[] = {
        "Mean over replicates of the window means [scenario x metric].",
        "Standard deviation of the window means across replicates (n - 1).",
        "Half-width of the confidence interval of the mean (t distribution).",
        "Lower end of the confidence interval of the mean.",
        "Upper end of the confidence interval of the mean.",
        "Mean paired difference from the baseline (scenario minus baseline).",
        "Standard deviation of the paired differences.",
        "Half-width of the confidence interval of the difference.",
        "Lower end of the confidence interval of the difference.",
        "Upper end of the confidence interval of the difference.",
        "Two-sided p-value of the paired t test (difference = 0); 1 for the baseline.",
    };
    for (int f = 0; f < 11; f++) {
        for (size_t k = 0; k < sk; k++) {
            const ana_summary *m = &t->mean[k], *d = &t->diff[k];
            double x[] = {m->mean, m->sd,   m->half, m->lo, m->hi, d->mean,
                          d->sd,   d->half, d->lo,   d->hi, d->p};
            v[k] = x[f];
        }
        SIM_CALL(
            w_dset(w, g, fields[f], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dims, v, docs[f], err));
    }
    for (int i = 0; i < t->nscen; i++)
        for (int k = 0; k < t->nmet; k++)
            c[ana_table_at(t, i, k)] = (int8_t)ana_table_clear(t, i, k);
    SIM_CALL(w_dset(w, g, "clear", H5T_STD_I8LE, H5T_NATIVE_INT8, 2, dims, c,
                    "1 where the confidence interval of the difference excludes zero.", err));
    SIM_CALL(w_dset(w, g, "replicate_mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, dims, t->rep_mean,
                    "Mean over the window of each replicate [scenario x metric x replicate].",
                    err));
    /* netCDF-4 axes: scenario and metric (string coordinates), replicate */
    H5CHK(axes[0] = H5Dopen2(g, "scenario", H5P_DEFAULT), "/summary/scenario");
    H5CHK(h5l_axis(axes[0], "scenario"), "/summary/scenario");
    H5CHK(h5l_cf(axes[0], "Scenario label", NULL), "/summary/scenario");
    H5CHK(axes[1] = H5Dopen2(g, "metric", H5P_DEFAULT), "/summary/metric");
    H5CHK(h5l_axis(axes[1], "metric"), "/summary/metric");
    H5CHK(h5l_cf(axes[1], "Key metric name", NULL), "/summary/metric");
    axes[2] = rep_axis;
    static const char *const per_metric[] = {"units", "description", "description_zh", "kind"};
    for (int f = 0; f < 4; f++)
        SIM_CALL(w_attach(w, g, per_metric[f], 1, &axes[1], err));
    SIM_CALL(w_attach(w, g, "n", 2, axes, err));
    SIM_CALL(w_attach(w, g, "clear", 2, axes, err));
    for (int f = 0; f < 11; f++)
        SIM_CALL(w_attach(w, g, fields[f], 2, axes, err));
    SIM_CALL(w_attach(w, g, "replicate_mean", 3, axes, err));
    H5CHK(H5Gclose(g), "/summary");
    g = H5I_INVALID_HID;
fail:
    close_id(&axes[0], H5Dclose);
    close_id(&axes[1], H5Dclose);
    close_id(&g, H5Gclose);
    free(v);
    free(n);
    free(c);
    return s;
}

/* An axis dataset: name [n] with values 0 .. n-1, a dimension scale. */
static sim_status w_axis(ana_cmpw *w, hid_t loc, const char *name, int64_t n, const char *long_name,
                         const char *doc, hid_t *ax, sim_error *err)
{
    sim_status s = SIM_OK;
    int64_t *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    if (!v)
        return SIM_FAIL(err, SIM_ENOMEM, w->path, 0, NULL, "out of memory writing /%s", name);
    for (int64_t k = 0; k < n; k++)
        v[k] = k;
    hsize_t dims[1] = {(hsize_t)n};
    SIM_CALL(w_dset(w, loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dims, v, doc, err));
    H5CHK(*ax = H5Dopen2(loc, name, H5P_DEFAULT), name);
    H5CHK(h5l_axis(*ax, name), name);
    H5CHK(h5l_cf(*ax, long_name, NULL), name);
fail:
    free(v);
    return s;
}

/* The CF long_name of datasets name[0..n) under loc. */
static sim_status w_long_names(ana_cmpw *w, hid_t loc, const char *const *name,
                               const char *const *long_name, int n, sim_error *err)
{
    sim_status s = SIM_OK;
    for (int k = 0; k < n; k++) {
        hid_t d;
        H5CHK(d = H5Dopen2(loc, name[k], H5P_DEFAULT), name[k]);
        herr_t rc = h5l_cf(d, long_name[k], NULL);
        (void)H5Dclose(d);
        H5CHK(rc, name[k]);
    }
fail:
    return s;
}

/* A saltelli design's base_points, /draw_role and /draw_base on the draw
 * axis dax. */
static sim_status w_design(ana_cmpw *w, hid_t r, const ana_cmp_post *p, hid_t dax, sim_error *err)
{
    sim_status s = SIM_OK;
    int64_t *role = malloc((size_t)(p->draws > 0 ? p->draws : 1) * 2 * sizeof *role);
    if (!role)
        return SIM_FAIL(err, SIM_ENOMEM, w->path, 0, NULL, "out of memory writing the design");
    int64_t *base = role + p->draws;
    for (int64_t d = 0; d < p->draws; d++) {
        role[d] = ana_post_role(p->design, p->nparam, d);
        base[d] = d / (p->nparam + 2);
    }
    hsize_t dims[1] = {(hsize_t)p->draws};
    SIM_CALL(w_i64(w, r, "base_points", p->base_points, err));
    SIM_CALL(w_dset(w, r, "draw_role", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dims, role,
                    "The role of each point in the Saltelli design: 0 = A, 1 = B (draws of "
                    "the posterior), 2 + j = AB_j (A with parameter j of /parameter taken "
                    "from B).",
                    err));
    SIM_CALL(w_dset(w, r, "draw_base", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dims, base,
                    "The base point (0 .. base_points - 1) each point belongs to.", err));
    SIM_CALL(w_attach(w, r, "draw_role", 1, &dax, err));
    SIM_CALL(w_attach(w, r, "draw_base", 1, &dax, err));
    static const char *const cf_name[] = {"draw_role", "draw_base"};
    static const char *const cf_long[] = {"Saltelli role of each point",
                                          "Base point of each point"};
    SIM_CALL(w_long_names(w, r, cf_name, cf_long, 2, err));
fail:
    free(role);
    return s;
}

/* The posterior's part (h5compare.h): draws, their values, the effects. */
static sim_status w_posterior(ana_cmpw *w, const ana_cmp_post *p, const ana_table *t,
                              hid_t rep_axis, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t r = w->file, g = H5I_INVALID_HID, dax = H5I_INVALID_HID, pax = H5I_INVALID_HID;
    hid_t sax[2] = {H5I_INVALID_HID, H5I_INVALID_HID}, ax2[2];
    size_t sk = (size_t)t->nscen * (size_t)t->nmet;
    int64_t runs = p->draws * p->per_draw;
    int64_t *rd = malloc((size_t)(runs > 0 ? runs : 1) * sizeof *rd);
    double *v = malloc((sk ? sk : 1) * sizeof *v);
    if (!rd || !v) {
        s = SIM_FAIL(err, SIM_ENOMEM, w->path, 0, NULL, "out of memory writing the posterior");
        goto fail;
    }
    SIM_CALL(w_str(w, r, "posterior", p->path, err));
    SIM_CALL(w_str(w, r, "posterior_identity", p->identity, err));
    SIM_CALL(w_str(w, r, "posterior_calibration", p->calibration, err));
    SIM_CALL(w_i64(w, r, "posterior_particles", p->particles, err));
    SIM_CALL(w_i64(w, r, "draws", p->draws, err));
    SIM_CALL(w_i64(w, r, "replicates_per_draw", p->per_draw, err));
    SIM_CALL(w_f64(w, r, "posterior_level", p->level, err));
    SIM_CALL(w_axis(w, r, "draw", p->draws, "Posterior draw, 0-based",
                    "Posterior draw number, 0-based: the first axis of draw_values.", &dax, err));
    SIM_CALL(w_strings(w, r, "parameter", p->nparam, (const char *const *)p->param,
                       "The uncertain parameters of the posterior (section.name).", err));
    H5CHK(pax = H5Dopen2(r, "parameter", H5P_DEFAULT), "/parameter");
    H5CHK(h5l_axis(pax, "parameter"), "/parameter");
    H5CHK(h5l_cf(pax, "Uncertain parameter key", NULL), "/parameter");
    hsize_t dims[2] = {(hsize_t)p->draws, (hsize_t)p->nparam};
    SIM_CALL(w_dset(w, r, "draw_values", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dims, p->theta,
                    "The parameter values of each draw [draw x parameter], every scenario "
                    "ran with them.",
                    err));
    SIM_CALL(w_dset(w, r, "draw_particle", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dims, p->particle,
                    p->design == ANA_POST_SALTELLI
                        ? "The posterior particle each point took (chosen by weight); -1 for "
                          "an AB_j point, which mixes two."
                        : "The posterior particle each draw took (chosen by weight).",
                    err));
    SIM_CALL(w_str(w, r, "design", ana_post_design_name(p->design), err));
    if (p->design == ANA_POST_SALTELLI)
        SIM_CALL(w_design(w, r, p, dax, err));
    for (int64_t j = 0; j < runs; j++)
        rd[j] = j / p->per_draw;
    hsize_t rdims[1] = {(hsize_t)runs};
    SIM_CALL(w_dset(w, r, "replicate_draw", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, rdims, rd,
                    "The draw of each run: run j is replicate j mod replicates_per_draw of "
                    "draw j / replicates_per_draw.",
                    err));
    ax2[0] = dax;
    ax2[1] = pax;
    SIM_CALL(w_attach(w, r, "draw_values", 2, ax2, err));
    SIM_CALL(w_attach(w, r, "draw_particle", 1, &dax, err));
    SIM_CALL(w_attach(w, r, "replicate_draw", 1, &rep_axis, err));
    static const char *const cf_name[] = {"draw_values", "draw_particle", "replicate_draw"};
    static const char *const cf_long[] = {"Parameter values of each posterior draw",
                                          "Posterior particle of each draw",
                                          "Posterior draw of each run"};
    SIM_CALL(w_long_names(w, r, cf_name, cf_long, 3, err));

    /* under /summary, whose scenario and metric axes netCDF readers then see */
    SIM_CALL(w_group(w, r, "summary/posterior", &g, err));
    SIM_CALL(w_str(w, g, "description",
                   "The effect of each scenario on each key metric under the posterior: "
                   "the paired differences from the baseline over every (draw, replicate) "
                   "run, their median and interval (parameters and chance together), the "
                   "share of them in the metric's better direction, and the law of total "
                   "variance split into parameters and chance [scenario x metric].",
                   err));
    static const char *const fields[] = {"effect_median",   "effect_lo",      "effect_hi",
                                         "p_improve",       "var_parameters", "var_chance",
                                         "share_parameters"};
    static const char *const docs[] = {
        "Median of the paired effects (scenario minus baseline) over draws and replicates.",
        "Lower end of the interval of the effects: their (1 - posterior_level)/2 quantile.",
        "Upper end of the interval of the effects: their (1 + posterior_level)/2 quantile.",
        "Share of the effects in the metric's better direction (a zero counts one half); "
        "NaN for a neutral metric and the baseline.",
        "Variance of the effect explained by the parameters: variance of the draw means "
        "minus the mean within-draw variance / replicates_per_draw (at least 0).",
        "Variance of the effect from chance: the mean within-draw variance.",
        "var_parameters / (var_parameters + var_chance); NaN when both are 0.",
    };
    for (int f = 0; f < 7; f++) {
        for (size_t k = 0; k < sk; k++) {
            const ana_post_effect *e = &p->eff[k];
            double x[] = {e->median,    e->lo,         e->hi,         e->p_improve,
                          e->var_param, e->var_chance, e->share_param};
            v[k] = x[f];
        }
        hsize_t sdims[2] = {(hsize_t)t->nscen, (hsize_t)t->nmet};
        SIM_CALL(
            w_dset(w, g, fields[f], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, sdims, v, docs[f], err));
    }
    H5CHK(sax[0] = H5Dopen2(r, "summary/scenario", H5P_DEFAULT), "/summary/scenario");
    H5CHK(sax[1] = H5Dopen2(r, "summary/metric", H5P_DEFAULT), "/summary/metric");
    for (int f = 0; f < 7; f++)
        SIM_CALL(w_attach(w, g, fields[f], 2, sax, err));
fail:
    close_id(&sax[0], H5Dclose);
    close_id(&sax[1], H5Dclose);
    close_id(&g, H5Gclose);
    close_id(&dax, H5Dclose);
    close_id(&pax, H5Dclose);
    free(rd);
    free(v);
    return s;
}

ana_cmp_post *ana_cmp_post_create(int64_t draws, int nparam, int64_t neff)
{
    ana_cmp_post *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->draws = draws;
    p->nparam = nparam;
    p->param = calloc((size_t)(nparam > 0 ? nparam : 1), sizeof *p->param);
    p->theta = calloc((size_t)(draws * nparam > 0 ? draws * nparam : 1), sizeof *p->theta);
    p->particle = calloc((size_t)(draws > 0 ? draws : 1), sizeof *p->particle);
    p->eff = calloc((size_t)(neff > 0 ? neff : 1), sizeof *p->eff);
    if (!p->param || !p->theta || !p->particle || !p->eff) {
        ana_cmp_post_destroy(p);
        return NULL;
    }
    return p;
}

void ana_cmp_post_destroy(ana_cmp_post *p)
{
    if (!p)
        return;
    for (int k = 0; p->param && k < p->nparam; k++)
        free(p->param[k]);
    free(p->param);
    free(p->theta);
    free(p->particle);
    free(p->eff);
    free(p->path);
    free(p->identity);
    free(p->calibration);
    free(p);
}

sim_status ana_post_identity(const double *theta, const double *weight, int64_t n, int np,
                             char *buf, size_t len, sim_error *err)
{
    size_t cap = (size_t)n * (size_t)(np + 1) * 32 + 1, at = 0;
    char *text = malloc(cap);
    if (!text)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    text[0] = '\0';
    for (int64_t i = 0; i < n; i++) {
        for (int k = 0; k < np; k++)
            at += (size_t)snprintf(text + at, cap - at, "%a,", theta[i * np + k]);
        at += (size_t)snprintf(text + at, cap - at, "%a;", weight[i]);
    }
    snprintf(buf, len, "fnv1a64:%016llx", (unsigned long long)swp_hash(text));
    free(text);
    return SIM_OK;
}

sim_status ana_cmpw_finish(ana_cmpw *w, const ana_cmp_meta *meta, const ana_table *t,
                           sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t r = w->file, ax = H5I_INVALID_HID, sd = H5I_INVALID_HID;
    int64_t *rep = NULL;
    if (meta->replicates != w->rows || t->replicates != w->rows || t->nscen != w->nscen) {
        s = SIM_FAIL(err, SIM_EINTERNAL, w->path, 0, NULL,
                     "ana_cmpw_finish: %lld replicates in the table, %lld written",
                     (long long)t->replicates, (long long)w->rows);
        goto fail;
    }
    H5CHK(h5l_provenance(r, ANA_COMPARE_KIND, ANA_COMPARE_SCHEMA, meta->command_line),
          "the provenance attributes");
    SIM_CALL(w_i64(w, r, "days", meta->days, err));
    SIM_CALL(w_i64(w, r, "compounds", meta->compounds, err));
    SIM_CALL(w_i64(w, r, "scenarios", w->nscen, err));
    SIM_CALL(w_i64(w, r, "replicates", meta->replicates, err));
    SIM_CALL(w_i64(w, r, "window_from", meta->win_from, err));
    SIM_CALL(w_i64(w, r, "window_to", meta->win_to, err));
    SIM_CALL(w_f64(w, r, "confidence_level", meta->level, err));
    SIM_CALL(w_u64(w, r, "seed_base", meta->seed_base, err));
    SIM_CALL(w_str(w, r, "seed_rule", ana_seed_rule, err));
    SIM_CALL(w_str(w, r, "replicates_mode", meta->auto_rep ? "auto" : "fixed", err));
    if (meta->auto_rep) {
        SIM_CALL(w_f64(w, r, "tolerance", meta->tolerance, err));
        SIM_CALL(w_str(w, r, "tolerance_kind",
                       "relative: every key metric's CI half-width <= tolerance x |mean|, in "
                       "every scenario",
                       err));
        SIM_CALL(w_i64(w, r, "max_replicates", meta->max_replicates, err));
        SIM_CALL(w_i64(w, r, "auto_batch", meta->auto_batch, err));
        SIM_CALL(w_i64(w, r, "tolerance_met", meta->tolerance_met, err));
    }
    SIM_CALL(w_i64(w, r, "threads", meta->threads, err));
    hsize_t dims[1] = {(hsize_t)meta->replicates};
    SIM_CALL(w_dset(w, r, "seeds", H5T_STD_U64LE, H5T_NATIVE_UINT64, 1, dims, meta->seeds,
                    "run.seed of replicate r, the same for every scenario.", err));
    /* the replicate axis, now that its length is known (netCDF-4 / CF) */
    rep = malloc((size_t)(w->rows > 0 ? w->rows : 1) * sizeof *rep);
    if (!rep) {
        s = SIM_FAIL(err, SIM_ENOMEM, w->path, 0, NULL, "out of memory writing /replicate");
        goto fail;
    }
    for (int64_t k = 0; k < w->rows; k++)
        rep[k] = k;
    SIM_CALL(w_dset(w, r, "replicate", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dims, rep,
                    "Replicate number, 0-based: the first axis of every series.", err));
    H5CHK(ax = H5Dopen2(r, "replicate", H5P_DEFAULT), "/replicate");
    H5CHK(h5l_axis(ax, "replicate"), "/replicate");
    H5CHK(h5l_cf(ax, "Replicate number, 0-based", NULL), "/replicate");
    H5CHK(sd = H5Dopen2(r, "seeds", H5P_DEFAULT), "/seeds");
    H5CHK(h5l_attach(sd, ax, 0), "/seeds");
    for (int k = 0; k < w->nscen * w->nmt; k++)
        H5CHK(h5l_attach(w->city[k], ax, 0), w->mt[k % w->nmt].name);
    SIM_CALL(w_str(w, r, "Conventions", "CF-1.8", err));
    H5CHK(h5l_cf(sd, "run.seed of replicate r", NULL), "/seeds");
    SIM_CALL(w_summary(w, t, ax, err));
    if (meta->post) {
        if (meta->post->draws * meta->post->per_draw != w->rows) {
            s = SIM_FAIL(err, SIM_EINTERNAL, w->path, 0, NULL,
                         "ana_cmpw_finish: %lld draws x %lld replicates, %lld runs written",
                         (long long)meta->post->draws, (long long)meta->post->per_draw,
                         (long long)w->rows);
            goto fail;
        }
        SIM_CALL(w_posterior(w, meta->post, t, ax, err));
    }
fail:
    close_id(&sd, H5Dclose);
    close_id(&ax, H5Dclose);
    free(rep);
    return s;
}

sim_status ana_cmpw_commit(ana_cmpw *w, sim_error *err)
{
    sim_status s = SIM_OK;
    w_close(w);
    H5CHK(H5Fflush(w->file, H5F_SCOPE_GLOBAL), "flushing the file");
    herr_t rc = H5Fclose(w->file);
    w->file = H5I_INVALID_HID;
    H5CHK(rc, "closing the file");
    afile_file *af = w->af;
    w->af = NULL;
    free(w->city);
    free(w);
    return afile_commit(af, err);
fail:
    ana_cmpw_abort(w);
    return s;
}

void ana_cmpw_abort(ana_cmpw *w)
{
    if (!w)
        return;
    w_close(w);
    close_id(&w->file, H5Fclose);
    afile_abort(w->af);
    free(w->city);
    free(w);
}

/* The draws of a comparison under a posterior, for a shard: what
 * w_posterior writes but the effects (computed by the merge). */
static sim_status w_shard_post(ana_cmpw *w, const ana_cmp_post *p, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t r = w->file;
    SIM_CALL(w_str(w, r, "posterior", p->path, err));
    SIM_CALL(w_str(w, r, "posterior_identity", p->identity, err));
    SIM_CALL(w_str(w, r, "posterior_calibration", p->calibration, err));
    SIM_CALL(w_i64(w, r, "posterior_particles", p->particles, err));
    SIM_CALL(w_f64(w, r, "posterior_level", p->level, err));
    SIM_CALL(w_i64(w, r, "draws", p->draws, err));
    SIM_CALL(w_i64(w, r, "replicates_per_draw", p->per_draw, err));
    SIM_CALL(w_strings(w, r, "parameter", p->nparam, (const char *const *)p->param,
                       "The uncertain parameters' keys.", err));
    hsize_t dims[2] = {(hsize_t)p->draws, (hsize_t)p->nparam};
    SIM_CALL(w_dset(w, r, "draw_values", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dims, p->theta,
                    "Each draw's parameter values.", err));
    SIM_CALL(w_dset(w, r, "draw_particle", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dims, p->particle,
                    "The posterior particle each draw took.", err));
    SIM_CALL(w_str(w, r, "design", ana_post_design_name(p->design), err));
    if (p->design == ANA_POST_SALTELLI)
        SIM_CALL(w_i64(w, r, "base_points", p->base_points, err));
fail:
    return s;
}

sim_status ana_cmpw_finish_shard(ana_cmpw *w, const ana_cmp_shard *sh, const char *command_line,
                                 sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t r = w->file;
    if (sh->nrows != w->rows) {
        s = SIM_FAIL(err, SIM_EINTERNAL, w->path, 0, NULL,
                     "ana_cmpw_finish_shard: %lld runs in the shard, %lld written",
                     (long long)sh->nrows, (long long)w->rows);
        goto fail;
    }
    H5CHK(h5l_provenance(r, ANA_COMPARE_SHARD_KIND, ANA_COMPARE_SCHEMA, command_line),
          "the provenance attributes");
    SIM_CALL(w_i64(w, r, "shard", sh->shard, err));
    SIM_CALL(w_i64(w, r, "shards", sh->shards, err));
    SIM_CALL(w_i64(w, r, "runs", sh->runs, err));
    SIM_CALL(w_str(w, r, "identity", sh->identity, err));
    SIM_CALL(w_str(w, r, "metrics", sh->metrics, err));
    SIM_CALL(w_str(w, r, "execution", sh->execution, err));
    SIM_CALL(w_i64(w, r, "days", sh->days, err));
    SIM_CALL(w_i64(w, r, "compounds", sh->compounds, err));
    SIM_CALL(w_i64(w, r, "scenarios", w->nscen, err));
    SIM_CALL(w_i64(w, r, "window_from", sh->win_from, err));
    SIM_CALL(w_i64(w, r, "window_to", sh->win_to, err));
    SIM_CALL(w_u64(w, r, "seed_base", sh->seed_base, err));
    SIM_CALL(w_i64(w, r, "chunk_rows", sh->chunk_rows, err));
    hsize_t dims[1] = {(hsize_t)sh->nrows};
    SIM_CALL(w_dset(w, r, "shard_runs", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dims, sh->run,
                    "The comparison's run index of each row of the series.", err));
    if (sh->post)
        SIM_CALL(w_shard_post(w, sh->post, err));
fail:
    return s;
}

/* ==== reading ================================================================== */

#undef H5CHK
#undef CALL

static sim_status r_fail(const char *path, sim_error *err, int src_line, const char *func,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static sim_status r_fail(const char *path, sim_error *err, int src_line, const char *func,
                         const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_error_set(err, SIM_EINPUT, path, 0, NULL, __FILE__, src_line, func, "%s", msg);
}

#define RFAIL(...) r_fail(path, err, __LINE__, __func__, __VA_ARGS__)

/* Check an HDF5 call while reading `what`: a failure is a damaged file. */
#define RCHK(expr, what)                                                                           \
    H5L_CHECK_AS(err, SIM_EINPUT, path, expr, "cannot read %s (damaged or not a compare file?)",   \
                 (what))

/* A string attribute (variable or fixed length); *out is the caller's. */
static sim_status r_str(const char *path, hid_t loc, const char *obj, const char *name, char **out,
                        sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t a = H5I_INVALID_HID, t = H5I_INVALID_HID, mt = H5I_INVALID_HID;
    char what[300];
    snprintf(what, sizeof what, "attribute %s of %s", name, obj);
    *out = NULL;
    htri_t ex = H5Aexists(loc, name);
    RCHK(ex, what);
    if (!ex) {
        s = RFAIL("%s is missing", what);
        goto fail;
    }
    RCHK(a = H5Aopen(loc, name, H5P_DEFAULT), what);
    RCHK(t = H5Aget_type(a), what);
    if (H5Tget_class(t) != H5T_STRING) {
        s = RFAIL("%s is not a string", what);
        goto fail;
    }
    htri_t var = H5Tis_variable_str(t);
    RCHK(var, what);
    RCHK(mt = H5Tcopy(H5T_C_S1), what);
    if (var) {
        char *v = NULL;
        RCHK(H5Tset_size(mt, H5T_VARIABLE), what);
        RCHK(H5Tset_cset(mt, H5Tget_cset(t)), what);
        RCHK(H5Aread(a, mt, &v), what);
        *out = dup_str(v ? v : "");
        if (v)
            H5free_memory(v);
    } else {
        size_t n = H5Tget_size(t);
        char *v = calloc(n + 1, 1);
        if (!v) {
            s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory reading %s", what);
            goto fail;
        }
        RCHK(H5Tset_size(mt, n), what);
        if (H5Aread(a, mt, v) < 0) {
            free(v);
            RCHK(-1, what);
        }
        *out = v;
    }
    if (!*out)
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory reading %s", what);
fail:
    close_id(&mt, H5Tclose);
    close_id(&t, H5Tclose);
    close_id(&a, H5Aclose);
    return s;
}

/* r_str for an attribute that older files lack: "" when it is missing. */
static sim_status r_str_opt(const char *path, hid_t loc, const char *obj, const char *name,
                            char **out, sim_error *err)
{
    htri_t ex = H5Aexists(loc, name);
    if (ex > 0)
        return r_str(path, loc, obj, name, out, err);
    *out = dup_str("");
    if (!*out)
        return SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory");
    return SIM_OK;
}

/* A numeric scalar attribute read as mtype; *present = 0 when absent and
 * present != NULL (else absence is an error). */
static sim_status r_num(const char *path, hid_t loc, const char *obj, const char *name, hid_t mtype,
                        void *out, int *present, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t a = H5I_INVALID_HID, t = H5I_INVALID_HID, sp = H5I_INVALID_HID;
    char what[300];
    snprintf(what, sizeof what, "attribute %s of %s", name, obj);
    htri_t ex = H5Aexists(loc, name);
    RCHK(ex, what);
    if (present)
        *present = ex > 0;
    if (!ex) {
        if (!present)
            s = RFAIL("%s is missing", what);
        goto fail;
    }
    RCHK(a = H5Aopen(loc, name, H5P_DEFAULT), what);
    RCHK(t = H5Aget_type(a), what);
    RCHK(sp = H5Aget_space(a), what);
    H5T_class_t c = H5Tget_class(t);
    if ((c != H5T_INTEGER && c != H5T_FLOAT) || H5Sget_simple_extent_npoints(sp) != 1) {
        s = RFAIL("%s is not a number", what);
        goto fail;
    }
    RCHK(H5Aread(a, mtype, out), what);
fail:
    close_id(&sp, H5Sclose);
    close_id(&t, H5Tclose);
    close_id(&a, H5Aclose);
    return s;
}

/* Open dataset `name` under loc and check its shape. */
static sim_status r_open(const char *path, hid_t loc, const char *obj, const char *name, int rank,
                         const hsize_t *dims, hid_t *out, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t d = H5I_INVALID_HID, sp = H5I_INVALID_HID;
    char what[300];
    snprintf(what, sizeof what, "%s/%s", obj, name);
    *out = H5I_INVALID_HID;
    htri_t ex = H5Lexists(loc, name, H5P_DEFAULT);
    RCHK(ex, what);
    if (!ex) {
        s = RFAIL("%s is missing", what);
        goto fail;
    }
    RCHK(d = H5Dopen2(loc, name, H5P_DEFAULT), what);
    RCHK(sp = H5Dget_space(d), what);
    hsize_t got[3] = {0, 0, 0};
    int r = H5Sget_simple_extent_ndims(sp);
    RCHK(r, what);
    if (r != rank || r > 3) {
        s = RFAIL("%s has %d dimensions, expected %d", what, r, rank);
        goto fail;
    }
    RCHK(H5Sget_simple_extent_dims(sp, got, NULL), what);
    for (int k = 0; k < rank; k++)
        if (got[k] != dims[k]) {
            s = RFAIL("%s has size %llu along axis %d, expected %llu (truncated or "
                      "inconsistent file?)",
                      what, (unsigned long long)got[k], k, (unsigned long long)dims[k]);
            goto fail;
        }
    *out = d;
    d = H5I_INVALID_HID;
fail:
    close_id(&sp, H5Sclose);
    close_id(&d, H5Dclose);
    return s;
}

/* The number of elements of dataset `name` under loc (`what`: its path). */
static sim_status r_count(const char *path, hid_t loc, const char *what, const char *name,
                          int64_t *n, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t d = H5I_INVALID_HID, sp = H5I_INVALID_HID;
    htri_t ex = H5Lexists(loc, name, H5P_DEFAULT);
    RCHK(ex, what);
    if (!ex) {
        s = RFAIL("%s is missing", what);
        goto fail;
    }
    RCHK(d = H5Dopen2(loc, name, H5P_DEFAULT), what);
    RCHK(sp = H5Dget_space(d), what);
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    RCHK(np, what);
    *n = (int64_t)np;
fail:
    close_id(&sp, H5Sclose);
    close_id(&d, H5Dclose);
    return s;
}

static sim_status r_dset(const char *path, hid_t loc, const char *obj, const char *name,
                         hid_t mtype, int rank, const hsize_t *dims, void *buf, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t d = H5I_INVALID_HID;
    char what[300];
    snprintf(what, sizeof what, "%s/%s", obj, name);
    SIM_CALL(r_open(path, loc, obj, name, rank, dims, &d, err));
    hsize_t count = 1;
    for (int k = 0; k < rank; k++)
        count *= dims[k];
    if (count > 0)
        RCHK(H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), what);
fail:
    close_id(&d, H5Dclose);
    return s;
}

/* SIM_EINPUT naming path and dataset `what` unless its n values are
 * finite (the writer refuses others: a damaged or edited file). */
static sim_status r_finite(const char *path, const char *what, const double *v, size_t n,
                           sim_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return SIM_FAIL(err, SIM_EINPUT, path, 0, what,
                            "element %zu is %g, where the schema says a finite number (a "
                            "damaged or edited file)",
                            i, v[i]);
    return SIM_OK;
}

/* n strings into out[0..n) (each the caller's to free). */
static sim_status r_strings(const char *path, hid_t loc, const char *obj, const char *name,
                            int64_t n, char **out, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t d = H5I_INVALID_HID, t = H5I_INVALID_HID, mt = H5I_INVALID_HID, sp = H5I_INVALID_HID;
    char **v = NULL;
    char what[300];
    snprintf(what, sizeof what, "%s/%s", obj, name);
    hsize_t dims[1] = {(hsize_t)n};
    SIM_CALL(r_open(path, loc, obj, name, 1, dims, &d, err));
    RCHK(t = H5Dget_type(d), what);
    if (H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) <= 0) {
        s = RFAIL("%s is not a column of text", what);
        goto fail;
    }
    if (n == 0)
        goto fail; /* nothing to read: done */
    v = calloc((size_t)n, sizeof *v);
    if (!v) {
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory reading %s", what);
        goto fail;
    }
    RCHK(mt = H5Tcopy(H5T_C_S1), what);
    RCHK(H5Tset_size(mt, H5T_VARIABLE), what);
    RCHK(H5Tset_cset(mt, H5T_CSET_UTF8), what);
    RCHK(sp = H5Dget_space(d), what);
    herr_t rd = H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    if (rd < 0) /* a read that failed part-way keeps the strings it converted */
        for (int64_t k = 0; k < n; k++)
            H5free_memory(v[k]);
    RCHK(rd, what);
    for (int64_t k = 0; k < n; k++) {
        out[k] = dup_str(v[k]);
        if (!out[k])
            s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory reading %s", what);
    }
    (void)H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, v);
fail:
    free(v);
    close_id(&sp, H5Sclose);
    close_id(&mt, H5Tclose);
    close_id(&t, H5Tclose);
    close_id(&d, H5Dclose);
    return s;
}

static sim_status r_group(const char *path, hid_t loc, const char *obj, const char *name, hid_t *g,
                          sim_error *err)
{
    sim_status s = SIM_OK;
    char what[300];
    snprintf(what, sizeof what, "%s/%s", obj, name);
    htri_t ex = H5Lexists(loc, name, H5P_DEFAULT);
    RCHK(ex, what);
    if (!ex) {
        s = RFAIL("group %s is missing", what);
        goto fail;
    }
    RCHK(*g = H5Gopen2(loc, name, H5P_DEFAULT), what);
fail:
    return s;
}

void ana_cmp_meta_free(ana_cmp_meta *m)
{
    if (!m)
        return;
    free(m->seeds);
    free(m->command_line);
    free(m->troika_version);
    free(m->git_commit);
    memset(m, 0, sizeof *m);
}

void ana_cmp_scen_free(ana_cmp_scen *sc)
{
    if (!sc)
        return;
    free(sc->name);
    free(sc->description);
    free(sc->name_zh);
    free(sc->description_zh);
    free(sc->path);
    free(sc->resolved_ini);
    free(sc->sources);
    ana_diff_free(&sc->changes);
    memset(sc, 0, sizeof *sc);
}

void ana_cmpfile_close(ana_cmpfile *f)
{
    if (!f)
        return;
    if (f->file >= 0)
        (void)H5Fclose((hid_t)f->file);
    for (int i = 0; f->scen && i < f->nscen; i++)
        ana_cmp_scen_free(&f->scen[i]);
    free(f->scen);
    ana_cmp_meta_free(&f->meta);
    ana_table_destroy(f->table);
    ana_cmp_post_destroy(f->post);
    free(f->path);
    free(f);
}

/* The kind and version: the first thing checked. */
static sim_status r_kind(const char *path, hid_t r, sim_error *err)
{
    sim_status s = SIM_OK;
    char *kind = NULL;
    htri_t ex = H5Aexists(r, "file_kind");
    RCHK(ex, "the root attributes");
    if (ex) { /* another kind of troika file says what it is */
        SIM_CALL(r_str(path, r, "/", "file_kind", &kind, err));
        if (!strcmp(kind, "troika-sweep")) {
            s = RFAIL("this is a sweep file (troika sweep), not a compare file; read it "
                      "with troika sensitivity, or make a compare file with troika compare");
            goto fail;
        }
        if (!strcmp(kind, ANA_COMPARE_SHARD_KIND)) {
            s = RFAIL("this is one shard of a comparison (troika compare --shard), not a "
                      "whole compare file; join the shards with troika merge SHARD.h5... -o "
                      "FILE.h5");
            goto fail;
        }
        if (!strcmp(kind, "troika-run")) {
            s = RFAIL("this is the result file of one run (troika run), not a compare file; "
                      "make one with troika compare");
            goto fail;
        }
    }
    if (!ex) { /* files of troika before file_kind was common to all */
        htri_t run = H5Aexists(r, "schema_version");
        RCHK(run, "the root attributes");
        htri_t sweep = H5Aexists(r, "schema"); /* only sweep files had it */
        RCHK(sweep, "the root attributes");
        if (sweep > 0)
            s = RFAIL("this is a sweep file (troika sweep), not a compare file; read it "
                      "with troika sensitivity, or make a compare file with troika compare");
        else if (run > 0)
            s = RFAIL("this is the result file of one run (troika run), not a compare file; "
                      "make one with troika compare");
        else
            s = RFAIL("not a troika compare file (it has no file_kind attribute)");
        goto fail;
    }
    if (!kind)
        SIM_CALL(r_str(path, r, "/", "file_kind", &kind, err));
    if (strcmp(kind, ANA_COMPARE_KIND) != 0) {
        s = RFAIL("not a troika compare file (file_kind is '%s', expected '%s')", kind,
                  ANA_COMPARE_KIND);
        goto fail;
    }
    int64_t v = 0;
    /* schema_version; compare files before it was common named it
     * compare_schema_version */
    htri_t named = H5Aexists(r, "schema_version");
    RCHK(named, "the root attributes");
    SIM_CALL(r_num(path, r, "/", named > 0 ? "schema_version" : "compare_schema_version",
                   H5T_NATIVE_INT64, &v, NULL, err));
    if (v < 1 || v > ANA_COMPARE_SCHEMA) { /* 2 only added the netCDF-4 axes */
        s = RFAIL("compare file schema version %lld is %s than this troika's (%s reads "
                  "version %d): open it with the troika that wrote it, or rerun troika "
                  "compare",
                  (long long)v, v > ANA_COMPARE_SCHEMA ? "newer" : "older", TROIKA_VERSION,
                  ANA_COMPARE_SCHEMA);
        goto fail;
    }
fail:
    free(kind);
    return s;
}

static sim_status r_meta(const char *path, hid_t r, ana_cmp_meta *m, int *nscen, sim_error *err)
{
    sim_status s = SIM_OK;
    int64_t ns = 0;
    char *mode = NULL;
    SIM_CALL(r_str(path, r, "/", "troika_version", &m->troika_version, err));
    SIM_CALL(r_str(path, r, "/", "git_commit", &m->git_commit, err));
    SIM_CALL(r_str(path, r, "/", "command_line", &m->command_line, err));
    htri_t named = H5Aexists(r, "schema_version");
    RCHK(named, "the root attributes");
    SIM_CALL(r_num(path, r, "/", named > 0 ? "schema_version" : "compare_schema_version",
                   H5T_NATIVE_INT64, &m->schema, NULL, err));
    SIM_CALL(r_num(path, r, "/", "days", H5T_NATIVE_INT64, &m->days, NULL, err));
    SIM_CALL(r_num(path, r, "/", "compounds", H5T_NATIVE_INT64, &m->compounds, NULL, err));
    SIM_CALL(r_num(path, r, "/", "scenarios", H5T_NATIVE_INT64, &ns, NULL, err));
    SIM_CALL(r_num(path, r, "/", "replicates", H5T_NATIVE_INT64, &m->replicates, NULL, err));
    SIM_CALL(r_num(path, r, "/", "window_from", H5T_NATIVE_INT64, &m->win_from, NULL, err));
    SIM_CALL(r_num(path, r, "/", "window_to", H5T_NATIVE_INT64, &m->win_to, NULL, err));
    SIM_CALL(r_num(path, r, "/", "confidence_level", H5T_NATIVE_DOUBLE, &m->level, NULL, err));
    SIM_CALL(r_num(path, r, "/", "seed_base", H5T_NATIVE_UINT64, &m->seed_base, NULL, err));
    SIM_CALL(r_num(path, r, "/", "threads", H5T_NATIVE_INT64, &m->threads, NULL, err));
    SIM_CALL(r_str(path, r, "/", "replicates_mode", &mode, err));
    m->auto_rep = strcmp(mode, "auto") == 0;
    if (m->auto_rep) {
        int64_t met = 0;
        SIM_CALL(r_num(path, r, "/", "tolerance", H5T_NATIVE_DOUBLE, &m->tolerance, NULL, err));
        SIM_CALL(
            r_num(path, r, "/", "max_replicates", H5T_NATIVE_INT64, &m->max_replicates, NULL, err));
        SIM_CALL(r_num(path, r, "/", "auto_batch", H5T_NATIVE_INT64, &m->auto_batch, NULL, err));
        SIM_CALL(r_num(path, r, "/", "tolerance_met", H5T_NATIVE_INT64, &met, NULL, err));
        m->tolerance_met = met != 0;
    }
    /* sizes that the rest is allocated from */
    if (m->days < 1 || m->days > 10000000 || ns < 1 || ns > 100000 || m->replicates < 1 ||
        m->replicates > 10000000 || m->win_from < 0 || m->win_to > m->days ||
        m->win_from >= m->win_to || !(m->level > 0 && m->level < 1)) {
        s = RFAIL("inconsistent sizes in the root attributes (days %lld, scenarios %lld, "
                  "replicates %lld, window %lld:%lld)",
                  (long long)m->days, (long long)ns, (long long)m->replicates,
                  (long long)m->win_from, (long long)m->win_to);
        goto fail;
    }
    *nscen = (int)ns;
    m->seeds = malloc((size_t)m->replicates * sizeof *m->seeds);
    if (!m->seeds) {
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory reading the seeds");
        goto fail;
    }
    hsize_t dims[1] = {(hsize_t)m->replicates};
    SIM_CALL(r_dset(path, r, "", "seeds", H5T_NATIVE_UINT64, 1, dims, m->seeds, err));
fail:
    free(mode);
    return s;
}

static sim_status r_changes(const char *path, hid_t gs, const char *obj, ana_diff *d,
                            sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t g = H5I_INVALID_HID, dd = H5I_INVALID_HID, sp = H5I_INVALID_HID;
    char gname[200];
    snprintf(gname, sizeof gname, "%s/changes", obj);
    char **col[8] = {NULL};
    int64_t *day = NULL, n = 0;
    SIM_CALL(r_group(path, gs, obj, "changes", &g, err));
    /* the row count from the day column */
    htri_t ex = H5Lexists(g, "day", H5P_DEFAULT);
    RCHK(ex, gname);
    if (!ex) {
        s = RFAIL("%s/day is missing", gname);
        goto fail;
    }
    RCHK(dd = H5Dopen2(g, "day", H5P_DEFAULT), gname);
    RCHK(sp = H5Dget_space(dd), gname);
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    RCHK(np, gname);
    n = (int64_t)np;
    if (n > 100000000) {
        s = RFAIL("%s has %lld rows", gname, (long long)n);
        goto fail;
    }
    day = malloc((size_t)(n ? n : 1) * sizeof *day);
    int oom = !day;
    for (int c = 0; c < 8; c++) {
        col[c] = calloc((size_t)(n ? n : 1), sizeof *col[c]);
        oom |= !col[c];
    }
    if (oom) {
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory reading %s", gname);
        goto fail;
    }
    hsize_t dims[1] = {(hsize_t)n};
    SIM_CALL(r_dset(path, g, gname, "day", H5T_NATIVE_INT64, 1, dims, day, err));
    static const char *const names[] = {
        "key",         "baseline_value", "value",           "unit",
        "description", "description_zh", "policy_baseline", "policy"};
    for (int c = 0; c < 8; c++)
        SIM_CALL(r_strings(path, g, gname, names[c], n, col[c], err));
    for (int64_t k = 0; k < n; k++) {
        ana_diff_row row = {col[0][k], day[k],    col[1][k], col[2][k], col[3][k],
                            col[4][k], col[5][k], col[6][k], col[7][k]};
        SIM_CALL(ana_diff_add(d, &row, err));
    }
fail:
    for (int c = 0; c < 8; c++) {
        for (int64_t k = 0; col[c] && k < n; k++)
            free(col[c][k]);
        free(col[c]);
    }
    free(day);
    close_id(&sp, H5Sclose);
    close_id(&dd, H5Dclose);
    close_id(&g, H5Gclose);
    return s;
}

static sim_status r_scenarios(const char *path, hid_t r, ana_cmpfile *f, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t gall = H5I_INVALID_HID, gs = H5I_INVALID_HID;
    f->scen = calloc((size_t)f->nscen, sizeof *f->scen);
    if (!f->scen)
        return SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory reading the scenarios");
    SIM_CALL(r_group(path, r, "", "scenarios", &gall, err));
    for (int i = 0; i < f->nscen; i++) {
        char name[32], obj[64];
        snprintf(name, sizeof name, "%d", i);
        snprintf(obj, sizeof obj, "/scenarios/%d", i);
        ana_cmp_scen *sc = &f->scen[i];
        SIM_CALL(r_group(path, gall, "/scenarios", name, &gs, err));
        SIM_CALL(r_str(path, gs, obj, "name", &sc->name, err));
        SIM_CALL(r_str(path, gs, obj, "description", &sc->description, err));
        SIM_CALL(r_str_opt(path, gs, obj, "name_zh", &sc->name_zh, err));
        SIM_CALL(r_str_opt(path, gs, obj, "description_zh", &sc->description_zh, err));
        SIM_CALL(r_str(path, gs, obj, "path", &sc->path, err));
        SIM_CALL(r_str(path, gs, obj, "resolved_ini", &sc->resolved_ini, err));
        SIM_CALL(r_str(path, gs, obj, "sources", &sc->sources, err));
        SIM_CALL(r_changes(path, gs, obj, &sc->changes, err));
        close_id(&gs, H5Gclose);
    }
fail:
    close_id(&gs, H5Gclose);
    close_id(&gall, H5Gclose);
    return s;
}

static sim_status r_summary(const char *path, hid_t r, ana_cmpfile *f, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t g = H5I_INVALID_HID;
    double *v = NULL;
    int64_t *n = NULL;
    int64_t nmet = 0;
    SIM_CALL(r_group(path, r, "", "summary", &g, err));
    /* the metric count from /summary/metric */
    SIM_CALL(r_count(path, g, "/summary/metric", "metric", &nmet, err));
    if (nmet < 1 || nmet > 100000) {
        s = RFAIL("/summary/metric has %lld entries", (long long)nmet);
        goto fail;
    }
    int64_t R = f->meta.replicates;
    ana_table *t = f->table = ana_table_create(f->nscen, (int)nmet, R);
    if (!t) {
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory reading the summary");
        goto fail;
    }
    t->days = f->meta.days;
    t->win_from = f->meta.win_from;
    t->win_to = f->meta.win_to;
    t->level = f->meta.level;
    SIM_CALL(r_strings(path, g, "/summary", "metric", nmet, t->met, err));
    SIM_CALL(r_strings(path, g, "/summary", "units", nmet, t->unit, err));
    SIM_CALL(r_strings(path, g, "/summary", "description", nmet, t->doc_en, err));
    SIM_CALL(r_strings(path, g, "/summary", "description_zh", nmet, t->doc_zh, err));
    SIM_CALL(r_strings(path, g, "/summary", "kind", nmet, t->kind, err));
    SIM_CALL(r_strings(path, g, "/summary", "scenario", f->nscen, t->scen, err));
    hsize_t dims[3] = {(hsize_t)f->nscen, (hsize_t)nmet, (hsize_t)R};
    SIM_CALL(r_dset(path, g, "/summary", "replicate_mean", H5T_NATIVE_DOUBLE, 3, dims, t->rep_mean,
                    err));
    SIM_CALL(r_finite(path, "/summary/replicate_mean", t->rep_mean,
                      (size_t)f->nscen * (size_t)nmet * (size_t)R, err));
    /* everything derived, then the stored values on top (they are what the
     * file says; the report shows exactly those) */
    ana_table_compute(t);
    size_t sk = (size_t)f->nscen * (size_t)nmet;
    v = malloc(sk * sizeof *v);
    n = malloc(sk * sizeof *n);
    if (!v || !n) {
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory reading the summary");
        goto fail;
    }
    SIM_CALL(r_dset(path, g, "/summary", "n", H5T_NATIVE_INT64, 2, dims, n, err));
    for (size_t k = 0; k < sk; k++) {
        if (n[k] != R) {
            s = RFAIL("/summary/n is %lld where the file has %lld replicates", (long long)n[k],
                      (long long)R);
            goto fail;
        }
        t->mean[k].n = t->diff[k].n = (size_t)n[k];
    }
    static const char *const fields[] = {"mean",    "sd",      "half_width", "ci_lo",
                                         "ci_hi",   "diff",    "diff_sd",    "diff_half_width",
                                         "diff_lo", "diff_hi", "diff_p"};
    for (int fi = 0; fi < 11; fi++) {
        SIM_CALL(r_dset(path, g, "/summary", fields[fi], H5T_NATIVE_DOUBLE, 2, dims, v, err));
        for (size_t k = 0; k < sk; k++) {
            ana_summary *m = &t->mean[k], *dd2 = &t->diff[k];
            double *slot[] = {&m->mean, &m->sd,     &m->half, &m->lo,   &m->hi, &dd2->mean,
                              &dd2->sd, &dd2->half, &dd2->lo, &dd2->hi, &dd2->p};
            *slot[fi] = v[k];
        }
    }
fail:
    free(v);
    free(n);
    close_id(&g, H5Gclose);
    return s;
}

/* The design (attribute design; "draws" when absent) and, for saltelli,
 * base_points and (roles: a compare file; a shard has none) the roles,
 * checked against the layout of compare.h. */
static sim_status r_design(const char *path, hid_t r, ana_cmp_post *p, int roles, sim_error *err)
{
    sim_status s = SIM_OK;
    char *name = NULL;
    int64_t *v = NULL;
    SIM_CALL(r_str_opt(path, r, "/", "design", &name, err));
    int d = name[0] ? ana_post_design_parse(name) : ANA_POST_DRAWS;
    if (d < 0) {
        s = RFAIL("the design '%s' is unknown (allowed: draws, saltelli)", name);
        goto fail;
    }
    p->design = (ana_post_design)d;
    if (p->design != ANA_POST_SALTELLI)
        goto fail;
    SIM_CALL(r_num(path, r, "/", "base_points", H5T_NATIVE_INT64, &p->base_points, NULL, err));
    if (p->base_points < 2 || ana_post_points(p->design, p->base_points, p->nparam) != p->draws) {
        s = RFAIL("%lld base points with %d parameters where the file has %lld points",
                  (long long)p->base_points, p->nparam, (long long)p->draws);
        goto fail;
    }
    if (!roles)
        goto fail;
    if (!(v = malloc((size_t)p->draws * sizeof *v))) {
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory reading the design");
        goto fail;
    }
    hsize_t dims[1] = {(hsize_t)p->draws};
    static const char *const names[] = {"draw_role", "draw_base"};
    for (int k = 0; k < 2; k++) {
        SIM_CALL(r_dset(path, r, "", names[k], H5T_NATIVE_INT64, 1, dims, v, err));
        for (int64_t i = 0; i < p->draws; i++) {
            int64_t want = k == 0 ? ana_post_role(p->design, p->nparam, i) : i / (p->nparam + 2);
            if (v[i] != want) {
                s = RFAIL("/%s[%lld] is %lld, not %lld (the Saltelli order: A, B, AB_1 .. "
                          "AB_k per base point)",
                          names[k], (long long)i, (long long)v[i], (long long)want);
                goto fail;
            }
        }
    }
fail:
    free(name);
    free(v);
    return s;
}

/* The draws of a comparison under a posterior (root attribute draws; *out
 * stays NULL without it), in a compare file (roles: the Saltelli roles are
 * there to check) or a shard, of `runs` runs (`whose`: "the file" or "the
 * comparison"): the posterior's identity, the parameters, each draw's
 * values and particle, the design.  *out gets room for sk effects (the
 * caller computes or reads them). */
static sim_status r_post_draws(const char *path, hid_t r, int64_t runs, const char *whose,
                               int64_t sk, int roles, ana_cmp_post **out, sim_error *err)
{
    sim_status s = SIM_OK;
    int64_t np = 0, draws = 0, per = 0;
    int present = 0;
    *out = NULL;
    SIM_CALL(r_num(path, r, "/", "draws", H5T_NATIVE_INT64, &draws, &present, err));
    if (!present)
        return SIM_OK;
    SIM_CALL(r_num(path, r, "/", "replicates_per_draw", H5T_NATIVE_INT64, &per, NULL, err));
    if (draws < 1 || per < 1 || draws * per != runs) {
        s = RFAIL("%lld draws x %lld replicates a draw where %s has %lld runs", (long long)draws,
                  (long long)per, whose, (long long)runs);
        goto fail;
    }
    SIM_CALL(r_count(path, r, "/parameter", "parameter", &np, err));
    if (np < 1 || np > 10000) {
        s = RFAIL("/parameter has %lld entries", (long long)np);
        goto fail;
    }
    ana_cmp_post *p = *out = ana_cmp_post_create(draws, (int)np, sk);
    if (!p) {
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory reading the posterior");
        goto fail;
    }
    p->per_draw = per;
    SIM_CALL(r_str(path, r, "/", "posterior", &p->path, err));
    SIM_CALL(r_str(path, r, "/", "posterior_identity", &p->identity, err));
    SIM_CALL(r_str(path, r, "/", "posterior_calibration", &p->calibration, err));
    SIM_CALL(
        r_num(path, r, "/", "posterior_particles", H5T_NATIVE_INT64, &p->particles, NULL, err));
    SIM_CALL(r_num(path, r, "/", "posterior_level", H5T_NATIVE_DOUBLE, &p->level, NULL, err));
    SIM_CALL(r_strings(path, r, "", "parameter", np, p->param, err));
    hsize_t dims[2] = {(hsize_t)draws, (hsize_t)np};
    SIM_CALL(r_dset(path, r, "", "draw_values", H5T_NATIVE_DOUBLE, 2, dims, p->theta, err));
    SIM_CALL(r_finite(path, "/draw_values", p->theta, (size_t)draws * (size_t)np, err));
    SIM_CALL(r_dset(path, r, "", "draw_particle", H5T_NATIVE_INT64, 1, dims, p->particle, err));
    SIM_CALL(r_design(path, r, p, roles, err));
fail:
    return s;
}

/* The posterior's part, when the file has one (root attribute draws). */
static sim_status r_posterior(const char *path, hid_t r, ana_cmpfile *f, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t g = H5I_INVALID_HID;
    double *v = NULL;
    const ana_table *t = f->table;
    size_t sk = (size_t)t->nscen * (size_t)t->nmet;
    ana_cmp_post *p = NULL;
    SIM_CALL(r_post_draws(path, r, f->meta.replicates, "the file", (int64_t)sk, 1, &f->post, err));
    if (!(p = f->post))
        return SIM_OK;
    v = malloc((sk ? sk : 1) * sizeof *v);
    if (!v) {
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory reading the posterior");
        goto fail;
    }
    SIM_CALL(r_group(path, r, "", "summary/posterior", &g, err));
    static const char *const fields[] = {"effect_median",   "effect_lo",      "effect_hi",
                                         "p_improve",       "var_parameters", "var_chance",
                                         "share_parameters"};
    hsize_t sdims[2] = {(hsize_t)t->nscen, (hsize_t)t->nmet};
    for (int fi = 0; fi < 7; fi++) {
        SIM_CALL(
            r_dset(path, g, "/summary/posterior", fields[fi], H5T_NATIVE_DOUBLE, 2, sdims, v, err));
        for (size_t k = 0; k < sk; k++) {
            ana_post_effect *e = &p->eff[k];
            double *slot[] = {&e->median,    &e->lo,         &e->hi,         &e->p_improve,
                              &e->var_param, &e->var_chance, &e->share_param};
            *slot[fi] = v[k];
            /* the summary's draws: the A and B points of a saltelli design */
            e->draws = p->design == ANA_POST_SALTELLI ? 2 * p->base_points : p->draws;
            e->per_draw = p->per_draw;
        }
    }
fail:
    free(v);
    close_id(&g, H5Gclose);
    return s;
}

sim_status ana_cmpfile_open(ana_cmpfile **out, const char *path, sim_error *err)
{
    sim_status s = SIM_OK;
    *out = NULL;
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    struct stat st;
    if (stat(path, &st) != 0)
        return RFAIL("cannot open the compare file: %s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return RFAIL("is a folder, not a compare file");
    if (!S_ISREG(st.st_mode)) /* a FIFO would block */
        return RFAIL("is not a regular file (a FIFO, device or socket), not a compare file");
    ana_cmpfile *f = calloc(1, sizeof *f);
    if (!f)
        return SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory");
    f->file = H5I_INVALID_HID;
    f->path = dup_str(path);
    if (!f->path) {
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory");
        goto fail;
    }
    htri_t is = H5Fis_hdf5(path);
    if (is == 0) {
        s = RFAIL("not an HDF5 file, so not a compare file");
        goto fail;
    }
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        char detail[400];
        h5l_describe(detail, sizeof detail);
        s = RFAIL("cannot be read as HDF5 (truncated or damaged?): %s", detail);
        goto fail;
    }
    f->file = (int64_t)file;
    SIM_CALL(r_kind(path, file, err));
    SIM_CALL(r_meta(path, file, &f->meta, &f->nscen, err));
    SIM_CALL(r_scenarios(path, file, f, err));
    SIM_CALL(r_summary(path, file, f, err));
    SIM_CALL(r_posterior(path, file, f, err));
    *out = f;
    return SIM_OK;
fail:
    ana_cmpfile_close(f);
    return s;
}

sim_status ana_cmpfile_series(const ana_cmpfile *f, int i, const char *metric, double *buf,
                              sim_error *err)
{
    sim_status s = SIM_OK;
    const char *path = f->path;
    hid_t g = H5I_INVALID_HID;
    char obj[128];
    snprintf(obj, sizeof obj, "/scenarios/%d/city", i);
    if (i < 0 || i >= f->nscen)
        return SIM_FAIL(err, SIM_EINTERNAL, path, 0, NULL, "no scenario %d", i);
    RCHK(g = H5Gopen2((hid_t)f->file, obj, H5P_DEFAULT), obj);
    hsize_t dims[2] = {(hsize_t)f->meta.replicates, (hsize_t)f->meta.days};
    SIM_CALL(r_dset(path, g, obj, metric, H5T_NATIVE_DOUBLE, 2, dims, buf, err));
    char what[200];
    snprintf(what, sizeof what, "%s/%s", obj, metric);
    SIM_CALL(r_finite(path, what, buf, (size_t)dims[0] * (size_t)dims[1], err));
fail:
    close_id(&g, H5Gclose);
    return s;
}

/* ---- a shard of a comparison ------------------------------------------------ */

char *ana_h5_kind(const char *path)
{
    struct stat st; /* a FIFO would block H5Fis_hdf5 */
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return NULL;
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0)
        return NULL;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return NULL;
    sim_error e;
    char *kind = NULL;
    if (H5Aexists(f, "file_kind") <= 0 || r_str(path, f, "/", "file_kind", &kind, &e) != SIM_OK) {
        free(kind);
        kind = NULL;
    }
    (void)H5Fclose(f);
    return kind;
}

/* The draws of a shard under a posterior (attribute draws), else nothing. */
static sim_status r_shard_post(const char *path, hid_t r, ana_cmpshard *sf, sim_error *err)
{
    sim_status s = SIM_OK;
    int64_t sk = (int64_t)sf->f->nscen * ANA_MAX_METRICS; /* room for the merge's effects */
    SIM_CALL(r_post_draws(path, r, sf->sh.runs, "the comparison", sk, 0, &sf->post, err));
    sf->f->post = sf->post;
fail:
    return s;
}

sim_status ana_cmpshard_open(ana_cmpshard **out, const char *path, sim_error *err)
{
    sim_status s = SIM_OK;
    *out = NULL;
    char *kind = ana_h5_kind(path);
    int is = kind && !strcmp(kind, ANA_COMPARE_SHARD_KIND);
    free(kind);
    if (!is)
        return RFAIL("not a shard of a comparison (troika compare --shard K/N writes them)");
    ana_cmpshard *sf = calloc(1, sizeof *sf);
    ana_cmpfile *f = sf ? calloc(1, sizeof *f) : NULL;
    if (!f) {
        free(sf);
        return SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory");
    }
    sf->f = f;
    f->file = H5I_INVALID_HID;
    if (!(f->path = dup_str(path))) {
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory");
        goto fail;
    }
    hid_t r = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r < 0) {
        s = RFAIL("cannot be read as HDF5 (truncated or damaged?)");
        goto fail;
    }
    f->file = (int64_t)r;
    ana_cmp_shard *sh = &sf->sh;
    int64_t ns = 0;
    SIM_CALL(r_str(path, r, "/", "troika_version", &f->meta.troika_version, err));
    SIM_CALL(r_str(path, r, "/", "git_commit", &f->meta.git_commit, err));
    SIM_CALL(r_str(path, r, "/", "command_line", &f->meta.command_line, err));
    SIM_CALL(r_num(path, r, "/", "shard", H5T_NATIVE_INT64, &sh->shard, NULL, err));
    SIM_CALL(r_num(path, r, "/", "shards", H5T_NATIVE_INT64, &sh->shards, NULL, err));
    SIM_CALL(r_num(path, r, "/", "runs", H5T_NATIVE_INT64, &sh->runs, NULL, err));
    SIM_CALL(r_str(path, r, "/", "identity", &sh->identity, err));
    SIM_CALL(r_str(path, r, "/", "metrics", &sh->metrics, err));
    SIM_CALL(r_str(path, r, "/", "execution", &sh->execution, err));
    SIM_CALL(r_num(path, r, "/", "days", H5T_NATIVE_INT64, &sh->days, NULL, err));
    SIM_CALL(r_num(path, r, "/", "compounds", H5T_NATIVE_INT64, &sh->compounds, NULL, err));
    SIM_CALL(r_num(path, r, "/", "scenarios", H5T_NATIVE_INT64, &ns, NULL, err));
    SIM_CALL(r_num(path, r, "/", "window_from", H5T_NATIVE_INT64, &sh->win_from, NULL, err));
    SIM_CALL(r_num(path, r, "/", "window_to", H5T_NATIVE_INT64, &sh->win_to, NULL, err));
    SIM_CALL(r_num(path, r, "/", "seed_base", H5T_NATIVE_UINT64, &sh->seed_base, NULL, err));
    SIM_CALL(r_num(path, r, "/", "chunk_rows", H5T_NATIVE_INT64, &sh->chunk_rows, NULL, err));
    if (sh->shards < 1 || sh->shard < 0 || sh->shard >= sh->shards || sh->runs < 1 ||
        sh->runs > 10000000 || sh->days < 1 || sh->days > 10000000 || ns < 2 || ns > 100000 ||
        sh->win_from < 0 || sh->win_to > sh->days || sh->win_from >= sh->win_to ||
        sh->chunk_rows < 1) {
        s = RFAIL("inconsistent shard attributes (shard %lld of %lld, %lld runs, %lld days, "
                  "%lld scenarios)",
                  (long long)sh->shard, (long long)sh->shards, (long long)sh->runs,
                  (long long)sh->days, (long long)ns);
        goto fail;
    }
    SIM_CALL(r_count(path, r, "/shard_runs", "shard_runs", &sh->nrows, err));
    if (sh->nrows < 0 || sh->nrows > sh->runs) {
        s = RFAIL("/shard_runs has %lld entries for %lld runs", (long long)sh->nrows,
                  (long long)sh->runs);
        goto fail;
    }
    if (!(sh->run = malloc((size_t)(sh->nrows ? sh->nrows : 1) * sizeof *sh->run))) {
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory");
        goto fail;
    }
    hsize_t dims[1] = {(hsize_t)sh->nrows};
    if (sh->nrows > 0)
        SIM_CALL(r_dset(path, r, "", "shard_runs", H5T_NATIVE_INT64, 1, dims, sh->run, err));
    for (int64_t i = 0; i < sh->nrows; i++)
        if (sh->run[i] < 0 || sh->run[i] >= sh->runs || sh->run[i] % sh->shards != sh->shard ||
            (i > 0 && sh->run[i] <= sh->run[i - 1])) {
            s = RFAIL("/shard_runs[%lld] = %lld is not a run of shard %lld/%lld", (long long)i,
                      (long long)sh->run[i], (long long)sh->shard + 1, (long long)sh->shards);
            goto fail;
        }
    f->nscen = (int)ns;
    f->meta.days = sh->days;
    f->meta.compounds = sh->compounds;
    f->meta.replicates = sh->nrows;
    f->meta.win_from = sh->win_from;
    f->meta.win_to = sh->win_to;
    f->meta.seed_base = sh->seed_base;
    SIM_CALL(r_scenarios(path, r, f, err));
    SIM_CALL(r_shard_post(path, r, sf, err));
    *out = sf;
    return SIM_OK;
fail:
    ana_cmpshard_close(sf);
    return s;
}

sim_status ana_cmpshard_rows(const ana_cmpshard *sf, int i, const char *metric, int64_t row0,
                             int64_t n, double *buf, sim_error *err)
{
    sim_status s = SIM_OK;
    const ana_cmpfile *f = sf->f;
    const char *path = f->path;
    hid_t g = H5I_INVALID_HID, d = H5I_INVALID_HID, fsp = H5I_INVALID_HID;
    char obj[128], what[200];
    snprintf(obj, sizeof obj, "/scenarios/%d/city", i);
    snprintf(what, sizeof what, "%s/%s", obj, metric);
    if (i < 0 || i >= f->nscen || row0 < 0 || n < 1 || row0 + n > sf->sh.nrows)
        return SIM_FAIL(err, SIM_EINTERNAL, path, 0, NULL, "no rows %lld..%lld of scenario %d",
                        (long long)row0, (long long)(row0 + n), i);
    hsize_t dims[2];
    RCHK(g = H5Gopen2((hid_t)f->file, obj, H5P_DEFAULT), obj);
    RCHK(d = H5Dopen2(g, metric, H5P_DEFAULT), what);
    RCHK(fsp = H5Dget_space(d), what);
    if (H5Sget_simple_extent_ndims(fsp) != 2 || H5Sget_simple_extent_dims(fsp, dims, NULL) < 0 ||
        dims[0] != (hsize_t)sf->sh.nrows || dims[1] != (hsize_t)sf->sh.days) {
        s = RFAIL("%s is not %lld x %lld", what, (long long)sf->sh.nrows, (long long)sf->sh.days);
        goto fail;
    }
    hsize_t start[2] = {(hsize_t)row0, 0}, count[2] = {(hsize_t)n, dims[1]};
    RCHK(h5l_read_block(d, start, count, buf), what);
    SIM_CALL(r_finite(path, what, buf, (size_t)count[0] * (size_t)count[1], err));
fail:
    close_id(&fsp, H5Sclose);
    close_id(&d, H5Dclose);
    close_id(&g, H5Gclose);
    return s;
}

void ana_cmpshard_close(ana_cmpshard *sf)
{
    if (!sf)
        return;
    ana_cmpfile_close(sf->f);
    free(sf->sh.run);
    free(sf->sh.identity);
    free(sf->sh.metrics);
    free(sf->sh.execution);
    free(sf);
}

/* ---- a run file (troika run), read for the one-run report ------------------- */

/* The length of the 1-D dataset `name` under loc (what: its path). */
static sim_status r_len(const char *path, hid_t loc, const char *what, const char *name, hsize_t *n,
                        sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t d = H5I_INVALID_HID, sp = H5I_INVALID_HID;
    RCHK(d = H5Dopen2(loc, name, H5P_DEFAULT), what);
    RCHK(sp = H5Dget_space(d), what);
    if (H5Sget_simple_extent_ndims(sp) != 1 || H5Sget_simple_extent_dims(sp, n, NULL) < 0)
        s = RFAIL("%s is not a list", what);
fail:
    close_id(&sp, H5Sclose);
    close_id(&d, H5Dclose);
    return s;
}

int ana_cmpfile_is(const char *path)
{
    char *kind = ana_h5_kind(path);
    int is = kind && !strcmp(kind, ANA_COMPARE_KIND);
    free(kind);
    return is;
}

int ana_runfile_is(const char *path)
{
    struct stat st; /* a FIFO would block H5Fis_hdf5: not a run file */
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0)
        return 0;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return 0;
    int is = H5Lexists(f, "city", H5P_DEFAULT) > 0;
    if (is && H5Aexists(f, "file_kind") > 0) { /* says what it is */
        sim_error e;
        char *kind = NULL;
        is = r_str(path, f, "/", "file_kind", &kind, &e) == SIM_OK && !strcmp(kind, "troika-run");
        free(kind);
    } else { /* a run file of troika before file_kind was common to all */
        is = is && H5Aexists(f, "schema") == 0 && H5Aexists(f, "schema_version") > 0;
    }
    (void)H5Fclose(f);
    return is;
}

sim_status ana_runfile_open(ana_runfile **out, const char *path, sim_error *err)
{
    sim_status s = SIM_OK;
    *out = NULL;
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t g = H5I_INVALID_HID;
    ana_runfile *f = calloc(1, sizeof *f);
    if (!f)
        return SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory");
    f->file = H5I_INVALID_HID;
    f->path = dup_str(path);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        s = RFAIL("cannot be read as HDF5 (truncated or damaged?)");
        goto fail;
    }
    f->file = (int64_t)file;
    SIM_CALL(r_str(path, file, "/", "scenario", &f->scenario, err));
    SIM_CALL(r_str(path, file, "/", "troika_version", &f->troika_version, err));
    SIM_CALL(r_str(path, file, "/", "git_commit", &f->git_commit, err));
    SIM_CALL(r_str(path, file, "/", "command_line", &f->command_line, err));
    SIM_CALL(r_num(path, file, "/", "days", H5T_NATIVE_INT64, &f->days, NULL, err));
    SIM_CALL(r_num(path, file, "/", "seed", H5T_NATIVE_UINT64, &f->seed, NULL, err));
    if (f->days < 1) {
        s = RFAIL("attribute days of / is %lld, expected at least 1", (long long)f->days);
        goto fail;
    }
    /* the compounds: their count from /compounds/id, then old and households */
    RCHK(g = H5Gopen2(file, "compounds", H5P_DEFAULT), "/compounds");
    hsize_t n = 0, ns = 0;
    SIM_CALL(r_len(path, g, "/compounds/id", "id", &n, err));
    f->ncomp = (int64_t)n;
    f->old = malloc((n ? n : 1) * sizeof *f->old);
    f->households = malloc((n ? n : 1) * sizeof *f->households);
    if (!f->old || !f->households) {
        s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory");
        goto fail;
    }
    SIM_CALL(r_dset(path, g, "/compounds", "old", H5T_NATIVE_UINT8, 1, &n, f->old, err));
    SIM_CALL(
        r_dset(path, g, "/compounds", "households", H5T_NATIVE_INT32, 1, &n, f->households, err));
    SIM_CALL(r_len(path, g, "/compounds/panel/day", "panel/day", &ns, err));
    f->nsamples = (int64_t)ns;
    f->last_sample_day = -1;
    if (ns > 0) {
        int64_t *days = malloc(ns * sizeof *days);
        if (!days) {
            s = SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "out of memory");
            goto fail;
        }
        s = r_dset(path, g, "/compounds", "panel/day", H5T_NATIVE_INT64, 1, &ns, days, err);
        if (s == SIM_OK)
            f->last_sample_day = days[ns - 1];
        free(days);
        if (s != SIM_OK)
            goto fail;
    }
fail:
    close_id(&g, H5Gclose);
    if (s != SIM_OK) {
        ana_runfile_close(f);
        return s;
    }
    *out = f;
    return SIM_OK;
}

sim_status ana_runfile_city(const ana_runfile *f, const char *metric, double *buf, sim_error *err)
{
    sim_status s = SIM_OK;
    const char *path = f->path;
    hid_t g = H5I_INVALID_HID;
    RCHK(g = H5Gopen2((hid_t)f->file, "city", H5P_DEFAULT), "/city");
    hsize_t dims[1] = {(hsize_t)f->days};
    SIM_CALL(r_dset(path, g, "/city", metric, H5T_NATIVE_DOUBLE, 1, dims, buf, err));
fail:
    close_id(&g, H5Gclose);
    return s;
}

sim_status ana_runfile_panel_last(const ana_runfile *f, const char *name, double *buf,
                                  sim_error *err)
{
    sim_status s = SIM_OK;
    const char *path = f->path;
    hid_t g = H5I_INVALID_HID, d = H5I_INVALID_HID;
    if (f->nsamples < 1 || f->ncomp < 1)
        return RFAIL("the compound panel has no row");
    RCHK(g = H5Gopen2((hid_t)f->file, "compounds/panel", H5P_DEFAULT), "/compounds/panel");
    hsize_t dims[2] = {(hsize_t)f->nsamples, (hsize_t)f->ncomp};
    SIM_CALL(r_open(path, g, "/compounds/panel", name, 2, dims, &d, err));
    hsize_t start[2] = {(hsize_t)f->nsamples - 1, 0}, count[2] = {1, (hsize_t)f->ncomp};
    RCHK(h5l_read_block(d, start, count, buf), name);
fail:
    close_id(&d, H5Dclose);
    close_id(&g, H5Gclose);
    return s;
}

void ana_runfile_close(ana_runfile *f)
{
    if (!f)
        return;
    if (f->file >= 0)
        (void)H5Fclose((hid_t)f->file);
    free(f->path);
    free(f->scenario);
    free(f->troika_version);
    free(f->git_commit);
    free(f->command_line);
    free(f->old);
    free(f->households);
    free(f);
}
