/* sim/output.c — see output.h; the schema is documented in docs/OUTPUT.md.
 *
 * Design.  A sim_output holds the open HDF5 file (a temporary name in the
 * target folder, claimed with open(O_CREAT | O_EXCL) and then handed to
 * H5Fcreate, so a failure only ever removes our own file), the requested
 * path and the first failure.  Every public function has one `goto fail` cleanup that
 * closes what it opened; a failure is copied into the sim_output (sticky):
 * later calls replay it and out_commit() then removes the temporary file
 * instead of renaming it.  Full disks often surface only when HDF5 flushes
 * its metadata cache, so out_commit() checks H5Fflush and H5Fclose, then
 * fsyncs the file, renames it over the requested name and fsyncs the folder.
 *
 * Determinism: object modification times are off for the root group, every
 * group and every dataset (H5Pset_obj_track_times), all file types are
 * explicit little-endian, nothing is timestamped, and the objects are always
 * written in the same order, so identical inputs give identical bytes.  The
 * file uses HDF5's default (earliest) format bounds, which every h5py, R
 * (hdf5r, rhdf5) and HDF5 >= 1.8 reader opens.  Strings are variable-length
 * UTF-8 (h5py returns str for attributes; datasets need .asstr()).
 *
 * No globals: the temporary file, its name and its commit belong to
 * core/afile (one protocol for every result file).  HDF5's own error printing is switched off (process-wide, HDF5's
 * state); details of HDF5 failures are taken from its error stack.
 */
#define _POSIX_C_SOURCE 200809L

#include "output.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "afile.h"
#include "metrics.h"
#include "troika_version.h"

#define OUT_FILE_KIND "troika-run"
#define OUT_PANEL_CHUNK_DAYS 12
#define OUT_PANEL_CHUNK_COMP 4096
/* zlib's fastest level: with the shuffle filter it packs the panels almost
 * as well as level 4 (the 10-year city: 37.3 MB against 35.8 MB) in two
 * thirds of the time (1.05 s against 1.52 s), and writing must stay under
 * 5% of a run (docs/PERFORMANCE.md) */
#define OUT_DEFLATE_LEVEL 1

struct sim_output {
    hid_t file;     /* the temporary file, H5I_INVALID_HID once closed */
    hid_t t_str;    /* variable-length UTF-8 string type */
    hid_t gcpl;     /* group creation: no time tracking */
    hid_t dcpl;     /* dataset creation (contiguous): no time tracking */
    char *path;     /* the requested name */
    afile_file *af; /* the temporary file and its commit (core/afile) */
    int plain;      /* out_open_plain: the caller defines the layout */
    int have_prov, have_city, have_comp, have_sub;
    int64_t days;      /* from provenance or /city; -1 while unknown */
    sim_status status; /* first failure (sticky) */
    sim_error first;   /* ... and its record */
};

/* ---- errors -------------------------------------------------------------- */

/* The context of every failure of an HDF5 call in this file (H5L_CHECK). */
#define OUT_FAILED "writing the HDF5 output failed (%s)"

/* "/group/name" of object `name` under loc (for messages). */
static void obj_name(hid_t loc, const char *name, char *buf, size_t n)
{
    char parent[256];
    ssize_t k = H5Iget_name(loc, parent, sizeof parent);
    if (k <= 0)
        snprintf(parent, sizeof parent, "?");
    if (!name)
        snprintf(buf, n, "%s", parent);
    else
        snprintf(buf, n, "%s%s%s", parent, strcmp(parent, "/") == 0 ? "" : "/", name);
}

/* Remember the first failure; later calls replay it. */
static sim_status keep(sim_output *o, sim_error *err, sim_status s)
{
    if (s != SIM_OK && o && o->status == SIM_OK) {
        o->status = s;
        o->first = *err;
    }
    return s;
}

static sim_status replay(const sim_output *o, sim_error *err)
{
    *err = o->first;
    sim_error_push(err, __FILE__, __LINE__, __func__);
    return o->status;
}

static void close_id(hid_t *id, herr_t (*closer)(hid_t))
{
    if (*id >= 0)
        (void)closer(*id);
    *id = H5I_INVALID_HID;
}

/* ---- small writers ------------------------------------------------------- */

static sim_status attr_write(sim_output *o, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                             const void *val, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t sp = H5I_INVALID_HID, a = H5I_INVALID_HID;
    char obj[300], what[400];
    obj_name(loc, NULL, obj, sizeof obj);
    snprintf(what, sizeof what, "attribute %s of %s", name, obj);
    H5L_CHECK(err, o->path, sp = H5Screate(H5S_SCALAR), OUT_FAILED, what);
    H5L_CHECK(err, o->path, a = H5Acreate2(loc, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT),
              OUT_FAILED, what);
    H5L_CHECK(err, o->path, H5Awrite(a, mtype, val), OUT_FAILED, what);
    H5L_CHECK(err, o->path, H5Aclose(a), OUT_FAILED, what);
    a = H5I_INVALID_HID;
fail:
    close_id(&a, H5Aclose);
    close_id(&sp, H5Sclose);
    return s;
}

static sim_status attr_str(sim_output *o, hid_t loc, const char *name, const char *val,
                           sim_error *err)
{
    const char *v = val ? val : "";
    return attr_write(o, loc, name, o->t_str, o->t_str, &v, err);
}

static sim_status attr_i64(sim_output *o, hid_t loc, const char *name, int64_t v, sim_error *err)
{
    return attr_write(o, loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v, err);
}

static sim_status attr_u64(sim_output *o, hid_t loc, const char *name, uint64_t v, sim_error *err)
{
    return attr_write(o, loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v, err);
}

static sim_status attr_f64(sim_output *o, hid_t loc, const char *name, double v, sim_error *err)
{
    return attr_write(o, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v, err);
}

static sim_status attr_i8(sim_output *o, hid_t loc, const char *name, int8_t v, sim_error *err)
{
    return attr_write(o, loc, name, H5T_STD_I8LE, H5T_NATIVE_INT8, &v, err);
}

/* Descriptive string attributes of a dataset (CF long_name and units through
 * core/h5, the English text as long_name); NULL ones are skipped. */
static sim_status attrs_doc(sim_output *o, hid_t d, const char *units, const char *en,
                            const char *zh, const char *kind, sim_error *err)
{
    if ((units || en) && h5l_cf(d, en, units) < 0) {
        char what[300];
        obj_name(d, NULL, what, sizeof what);
        return h5l_fail(err, o->path, __FILE__, __LINE__, __func__, OUT_FAILED, what);
    }
    if (en)
        SIM_TRY(err, attr_str(o, d, "description", en, err));
    if (zh)
        SIM_TRY(err, attr_str(o, d, "description_zh", zh, err));
    if (kind)
        SIM_TRY(err, attr_str(o, d, "kind", kind, err));
    return SIM_OK;
}

/* A 1-D dataset of n elements (checksummed); *out is left open for attributes
 * (the caller closes it), or H5I_INVALID_HID on failure. */
static sim_status dset_1d(sim_output *o, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                          int64_t n, const void *data, hid_t *out, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t sp = H5I_INVALID_HID, d = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    hsize_t dims[1] = {(hsize_t)n};
    char what[300];
    obj_name(loc, name, what, sizeof what);
    *out = H5I_INVALID_HID;
    H5L_CHECK(err, o->path, sp = H5Screate_simple(1, dims, NULL), OUT_FAILED, what);
    H5L_CHECK(err, o->path, dcpl = h5l_dcpl(sp, ftype), OUT_FAILED, what);
    H5L_CHECK(err, o->path, d = H5Dcreate2(loc, name, ftype, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT),
              OUT_FAILED, what);
    if (n > 0)
        H5L_CHECK(err, o->path, H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), OUT_FAILED,
                  what);
    *out = d;
    d = H5I_INVALID_HID;
fail:
    close_id(&d, H5Dclose);
    close_id(&dcpl, H5Pclose);
    close_id(&sp, H5Sclose);
    return s;
}

/* Attach the dimension scales axes[0..rank-1] (HDF5 ids, -1 = none) to the
 * dimensions of dataset d (netCDF-4 / CF; core/h5). */
static sim_status attach_axes(sim_output *o, hid_t d, int rank, const hid_t *axes, sim_error *err)
{
    sim_status s = SIM_OK;
    char what[300];
    obj_name(d, NULL, what, sizeof what);
    for (int k = 0; k < rank; k++)
        if (axes[k] >= 0)
            H5L_CHECK(err, o->path, h5l_attach(d, axes[k], (unsigned)k), OUT_FAILED, what);
fail:
    return s;
}

/* dset_1d plus its descriptive attributes on axis `axis` (a dimension
 * scale, -1 = none), then closed. */
static sim_status column_on(sim_output *o, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                            int64_t n, const void *data, const char *units, const char *en,
                            const char *zh, const char *kind, hid_t axis, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t d = H5I_INVALID_HID;
    SIM_CALL(dset_1d(o, loc, name, ftype, mtype, n, data, &d, err));
    SIM_CALL(attrs_doc(o, d, units, en, zh, kind, err));
    SIM_CALL(attach_axes(o, d, 1, &axis, err));
    char what[300];
    obj_name(loc, name, what, sizeof what);
    H5L_CHECK(err, o->path, H5Dclose(d), OUT_FAILED, what);
    d = H5I_INVALID_HID;
fail:
    close_id(&d, H5Dclose);
    return s;
}

/* A 1-D axis `name` (int64 values, a dimension scale of that name, with
 * its CF attributes; a day axis when time); *out stays open for
 * attaching. */
static sim_status axis_new(sim_output *o, hid_t loc, const char *name, int64_t n, const void *data,
                           int time, const char *en, const char *zh, hid_t *out, sim_error *err)
{
    sim_status s = SIM_OK;
    char what[300];
    obj_name(loc, name, what, sizeof what);
    SIM_CALL(dset_1d(o, loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, n, data, out, err));
    H5L_CHECK(err, o->path, h5l_axis(*out, name), OUT_FAILED, what);
    if (time)
        H5L_CHECK(err, o->path, h5l_time(*out, NULL), OUT_FAILED, what);
    SIM_CALL(attrs_doc(o, *out, NULL, en, zh, NULL, err));
    return SIM_OK;
fail:
    close_id(out, H5Dclose);
    return s;
}

static sim_status group_new(sim_output *o, hid_t loc, const char *name, hid_t *g, sim_error *err)
{
    sim_status s = SIM_OK;
    char what[300];
    obj_name(loc, name, what, sizeof what);
    H5L_CHECK(err, o->path, *g = H5Gcreate2(loc, name, H5P_DEFAULT, o->gcpl, H5P_DEFAULT),
              OUT_FAILED, what);
fail:
    return s;
}

/* ---- opening ------------------------------------------------------------- */

/* Raise SIM_EINPUT about the -o path. */
static sim_status out_fail_input(sim_error *err, int src_line, const char *func, const char *fmt,
                                 ...) __attribute__((format(printf, 4, 5)));

static sim_status out_fail_input(sim_error *err, int src_line, const char *func, const char *fmt,
                                 ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_error_set(err, SIM_EINPUT, NULL, 0, "-o", __FILE__, src_line, func, "%s", msg);
}

#define INPUT_FAIL(...) out_fail_input(err, __LINE__, __func__, __VA_ARGS__)

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Release the HDF5 handles; returns the H5Fclose result (0 if not open). */
static herr_t close_all(sim_output *o)
{
    herr_t r = 0;
    close_id(&o->t_str, H5Tclose);
    close_id(&o->gcpl, H5Pclose);
    close_id(&o->dcpl, H5Pclose);
    if (o->file >= 0) {
        r = H5Fclose(o->file);
        o->file = H5I_INVALID_HID;
    }
    return r;
}

static void out_free(sim_output *o)
{
    if (!o)
        return;
    free(o->path);
    free(o);
}

sim_status out_open(sim_output **out, const char *path, int force, sim_error *err)
{
    sim_error scratch;
    if (!err) {
        sim_error_clear(&scratch);
        err = &scratch;
    }
    sim_status s = SIM_OK;
    sim_output *o = NULL;
    hid_t fcpl = H5I_INVALID_HID, fapl = H5I_INVALID_HID;
    if (!out)
        return SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL, "out_open: no result pointer");
    *out = NULL;
    if (!path || !path[0])
        return INPUT_FAIL("the output file name is empty");

    /* HDF5 must not print its own error stacks; we report them. */
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

    o = calloc(1, sizeof *o);
    if (!o)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory opening %s", path);
    o->file = o->t_str = o->gcpl = o->dcpl = H5I_INVALID_HID;
    o->days = -1;
    o->path = dup_str(path);
    if (!o->path) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory opening %s", path);
        goto fail;
    }
    /* the path checks and the temporary file: core/afile */
    SIM_CALL(afile_open(&o->af, path, force, "-o", err));

    /* property lists and the string type */
    H5L_CHECK(err, o->path, fcpl = H5Pcreate(H5P_FILE_CREATE), OUT_FAILED,
              "file creation properties");
    H5L_CHECK(err, o->path, H5Pset_obj_track_times(fcpl, 0), OUT_FAILED,
              "file creation properties");
    H5L_CHECK(err, o->path, fapl = H5Pcreate(H5P_FILE_ACCESS), OUT_FAILED,
              "file access properties");
    H5L_CHECK(err, o->path, H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), OUT_FAILED,
              "file access properties");
    H5L_CHECK(err, o->path, o->gcpl = H5Pcreate(H5P_GROUP_CREATE), OUT_FAILED,
              "group creation properties");
    H5L_CHECK(err, o->path, H5Pset_obj_track_times(o->gcpl, 0), OUT_FAILED,
              "group creation properties");
    H5L_CHECK(err, o->path, o->dcpl = H5Pcreate(H5P_DATASET_CREATE), OUT_FAILED,
              "dataset creation properties");
    H5L_CHECK(err, o->path, H5Pset_obj_track_times(o->dcpl, 0), OUT_FAILED,
              "dataset creation properties");
    H5L_CHECK(err, o->path, o->t_str = H5Tcopy(H5T_C_S1), OUT_FAILED, "string type");
    H5L_CHECK(err, o->path, H5Tset_size(o->t_str, H5T_VARIABLE), OUT_FAILED, "string type");
    H5L_CHECK(err, o->path, H5Tset_cset(o->t_str, H5T_CSET_UTF8), OUT_FAILED, "string type");

    /* the (empty) temporary file is ours: HDF5 may truncate it */
    H5L_CHECK(err, o->path, o->file = H5Fcreate(afile_temp(o->af), H5F_ACC_TRUNC, fcpl, fapl),
              OUT_FAILED, "creating the temporary file");
    H5L_CHECK(err, o->path, H5Pclose(fcpl), OUT_FAILED, "file creation properties");
    fcpl = H5I_INVALID_HID;
    H5L_CHECK(err, o->path, H5Pclose(fapl), OUT_FAILED, "file access properties");
    fapl = H5I_INVALID_HID;
    *out = o;
    return SIM_OK;

fail:
    close_id(&fcpl, H5Pclose);
    close_id(&fapl, H5Pclose);
    if (o) {
        (void)close_all(o);
        afile_abort(o->af);
        out_free(o);
    }
    return s;
}

sim_status out_open_plain(sim_output **o, const char *path, int force, sim_error *err)
{
    sim_status s = out_open(o, path, force, err);
    if (s == SIM_OK)
        (*o)->plain = 1;
    return s;
}

/* ---- plain files: groups, arrays and attributes by path ----------------------- */

/* Check a plain file is usable; replays an earlier failure. */
static sim_status plain_ready(sim_output *o, sim_error *err)
{
    if (!o || !o->plain || o->file < 0)
        return SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL, "out_put_*: not an open plain file");
    if (o->status != SIM_OK)
        return replay(o, err);
    return SIM_OK;
}

sim_status out_put_group(sim_output *o, const char *path, sim_error *err)
{
    SIM_TRY(err, plain_ready(o, err));
    sim_status s = SIM_OK;
    hid_t g = H5I_INVALID_HID;
    SIM_CALL(group_new(o, o->file, path, &g, err));
    H5L_CHECK(err, o->path, H5Gclose(g), OUT_FAILED, path);
    g = H5I_INVALID_HID;
fail:
    close_id(&g, H5Gclose);
    return keep(o, err, s);
}

sim_status out_put_array(sim_output *o, const char *path, int rank, const int64_t *dims,
                         sim_vtype t, const void *data, sim_error *err)
{
    SIM_TRY(err, plain_ready(o, err));
    sim_status s = SIM_OK;
    hid_t sp = H5I_INVALID_HID, d = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    hsize_t hd[2] = {0, 0};
    int64_t n = 1;
    if (rank < 1 || rank > 2) {
        s = SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL, "out_put_array: rank %d", rank);
        goto fail;
    }
    for (int k = 0; k < rank; k++) {
        hd[k] = (hsize_t)dims[k];
        n *= dims[k];
    }
    H5L_CHECK(err, o->path, sp = H5Screate_simple(rank, hd, NULL), OUT_FAILED, path);
    H5L_CHECK(err, o->path, dcpl = h5l_dcpl(sp, h5l_file_type(t)), OUT_FAILED, path);
    H5L_CHECK(err, o->path,
              d = H5Dcreate2(o->file, path, h5l_file_type(t), sp, H5P_DEFAULT, dcpl, H5P_DEFAULT),
              OUT_FAILED, path);
    if (n > 0)
        H5L_CHECK(err, o->path, H5Dwrite(d, h5l_mem_type(t), H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                  OUT_FAILED, path);
    H5L_CHECK(err, o->path, H5Dclose(d), OUT_FAILED, path);
    d = H5I_INVALID_HID;
fail:
    close_id(&d, H5Dclose);
    close_id(&dcpl, H5Pclose);
    close_id(&sp, H5Sclose);
    return keep(o, err, s);
}

/* Open object obj of the plain file for an attribute. */
static sim_status plain_attr(sim_output *o, const char *obj, const char *name, hid_t ftype,
                             hid_t mtype, const void *val, sim_error *err)
{
    SIM_TRY(err, plain_ready(o, err));
    sim_status s = SIM_OK;
    hid_t h = H5I_INVALID_HID;
    H5L_CHECK(err, o->path, h = H5Oopen(o->file, obj, H5P_DEFAULT), OUT_FAILED, obj);
    SIM_CALL(attr_write(o, h, name, ftype, mtype, val, err));
fail:
    close_id(&h, H5Oclose);
    return keep(o, err, s);
}

sim_status out_put_attr_str(sim_output *o, const char *obj, const char *name, const char *val,
                            sim_error *err)
{
    if (!o || o->t_str < 0)
        return plain_ready(o, err);
    const char *v = val ? val : "";
    return plain_attr(o, obj, name, o->t_str, o->t_str, &v, err);
}

sim_status out_put_attr_i64(sim_output *o, const char *obj, const char *name, int64_t v,
                            sim_error *err)
{
    return plain_attr(o, obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v, err);
}

sim_status out_put_attr_u64(sim_output *o, const char *obj, const char *name, uint64_t v,
                            sim_error *err)
{
    return plain_attr(o, obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v, err);
}

sim_status out_put_provenance(sim_output *o, const char *kind, int64_t schema_version,
                              const char *command_line, sim_error *err)
{
    if (o->status != SIM_OK)
        return replay(o, err);
    sim_status s = SIM_OK;
    H5L_CHECK(err, o->path, h5l_provenance(o->file, kind, schema_version, command_line), OUT_FAILED,
              "the provenance attributes");
fail:
    return keep(o, err, s);
}

const char *out_temp_path(const sim_output *o)
{
    return o ? afile_temp(o->af) : NULL;
}

/* ---- provenance and /parameters ------------------------------------------ */

static const char *param_kind(int flags)
{
    if (flags & SIM_PF_UNIMPL)
        return "not built";
    return (flags & SIM_PF_MUTABLE) ? "policy" : "fixed";
}

static sim_status write_parameters(sim_output *o, const sim_params *p, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t g = H5I_INVALID_HID, ax = H5I_INVALID_HID;
    int n = sim_param_count;
    char(*vals)[48] = malloc((size_t)n * sizeof *vals);
    const char **col = malloc((size_t)n * sizeof *col);
    int64_t *row = malloc((size_t)n * sizeof *row);
    if (!vals || !col || !row) {
        s = SIM_FAIL(err, SIM_ENOMEM, o->path, 0, NULL, "out of memory writing /parameters");
        goto fail;
    }
    SIM_CALL(group_new(o, o->file, "parameters", &g, err));

    /* one typed attribute per parameter */
    for (int i = 0; i < n; i++) {
        const sim_param_desc *d = &sim_param_table[i];
        double v = sim_param_get(p, i);
        switch (d->type) {
        case SIM_P_INT:
            SIM_CALL(attr_i64(o, g, d->key, (int64_t)v, err));
            break;
        case SIM_P_REAL:
            SIM_CALL(attr_f64(o, g, d->key, v, err));
            break;
        case SIM_P_BOOL:
            SIM_CALL(attr_i8(o, g, d->key, (int8_t)(v != 0.0), err));
            break;
        }
        sim_param_format(p, i, vals[i], sizeof vals[i]);
    }
    SIM_CALL(attr_str(o, g, "description",
                      "Resolved parameters: one attribute per key (integer, real, or "
                      "boolean as int8 0/1) and a table of columns key, value, type, "
                      "unit, kind, description, description_zh.",
                      err));

    /* the table, one string column each, on the axis "parameter" */
    for (int i = 0; i < n; i++)
        row[i] = i;
    SIM_CALL(axis_new(o, g, "parameter", n, row, 0,
                      "Parameter number, 0-based: the row of the parameter table.",
                      "参数编号（从0开始）：参数表的行号。", &ax, err));
    static const char *const names[] = {"key",  "value",       "type",          "unit",
                                        "kind", "description", "description_zh"};
    static const char *const docs[] = {
        "Parameter key, section.name.",
        "Value used in this run, as text that reads back exactly.",
        "integer, real or boolean.",
        "Unit of the value (empty when none).",
        ("fixed (set at the start), policy (a lever a policy may change "
         "mid-run) or not built (declared; only its default is accepted)."),
        "What the parameter means.",
        "What the parameter means, in Chinese.",
    };
    for (int c = 0; c < (int)(sizeof names / sizeof names[0]); c++) {
        for (int i = 0; i < n; i++) {
            const sim_param_desc *d = &sim_param_table[i];
            switch (c) {
            case 0:
                col[i] = d->key;
                break;
            case 1:
                col[i] = vals[i];
                break;
            case 2:
                col[i] = sim_ptype_name(d->type);
                break;
            case 3:
                col[i] = d->unit;
                break;
            case 4:
                col[i] = param_kind(d->flags);
                break;
            case 5:
                col[i] = d->doc_en;
                break;
            default:
                col[i] = d->doc_zh;
                break;
            }
        }
        SIM_CALL(column_on(o, g, names[c], o->t_str, o->t_str, n, col, NULL, docs[c], NULL, NULL,
                           ax, err));
    }
    H5L_CHECK(err, o->path, H5Dclose(ax), OUT_FAILED, "/parameters/parameter");
    ax = H5I_INVALID_HID;
    H5L_CHECK(err, o->path, H5Gclose(g), OUT_FAILED, "/parameters");
    g = H5I_INVALID_HID;
fail:
    close_id(&ax, H5Dclose);
    close_id(&g, H5Gclose);
    free(vals);
    free(col);
    free(row);
    return s;
}

sim_status out_write_provenance(sim_output *o, const sim_provenance *pv, const sim_params *p,
                                sim_error *err)
{
    sim_error scratch;
    if (!err) {
        sim_error_clear(&scratch);
        err = &scratch;
    }
    if (!o || !pv || !p)
        return SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL,
                        "out_write_provenance: missing argument");
    if (o->status != SIM_OK)
        return replay(o, err);
    sim_status s = SIM_OK;
    char *ini = NULL;
    if (o->have_prov) {
        s = SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL, "out_write_provenance called twice");
        goto fail;
    }
    if (pv->days < 0 || (o->days >= 0 && pv->days != o->days)) {
        s = SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL,
                     "provenance days %lld differ from the %lld days of /city", (long long)pv->days,
                     (long long)o->days);
        goto fail;
    }
    const char *resolved = pv->resolved_ini;
    if (!resolved) {
        ini = sim_params_to_ini(p);
        if (!ini) {
            s = SIM_FAIL(err, SIM_ENOMEM, o->path, 0, NULL, "out of memory writing the parameters");
            goto fail;
        }
        resolved = ini;
    }
    hid_t r = o->file;
    H5L_CHECK(err, o->path,
              h5l_provenance(r, OUT_FILE_KIND, TROIKA_SCHEMA_VERSION, pv->command_line), OUT_FAILED,
              "the provenance attributes");
    SIM_CALL(attr_str(o, r, "Conventions", "CF-1.8", err));
    SIM_CALL(attr_u64(o, r, "seed", pv->seed, err));
    SIM_CALL(attr_str(o, r, "scenario", pv->scenario_name, err));
    SIM_CALL(attr_str(o, r, "parameters", resolved, err));
    SIM_CALL(attr_str(o, r, "scenario_sources", pv->sources, err));
    SIM_CALL(attr_i64(o, r, "days", pv->days, err));
    SIM_CALL(attr_i64(o, r, "threads", pv->threads, err));
    if (pv->forked_from && pv->forked_from[0])
        SIM_CALL(attr_str(o, r, "forked_from", pv->forked_from, err));
    SIM_CALL(write_parameters(o, p, err));
    o->have_prov = 1;
    o->days = pv->days;
fail:
    free(ini);
    return keep(o, err, s);
}

/* ---- /city --------------------------------------------------------------- */

static const char *kind_word(sim_mkind k)
{
    return k == SIM_M_COUNT ? "count" : "ratio";
}

static const char *nonfinite_word(double v)
{
    return isnan(v) ? "NaN" : (v > 0 ? "+infinity" : "-infinity");
}

sim_status out_write_city(sim_output *o, int64_t days, const double *city, sim_error *err)
{
    sim_error scratch;
    if (!err) {
        sim_error_clear(&scratch);
        err = &scratch;
    }
    if (!o)
        return SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL, "out_write_city: no output");
    if (o->status != SIM_OK)
        return replay(o, err);
    sim_status s = SIM_OK;
    hid_t g = H5I_INVALID_HID, ax = H5I_INVALID_HID;
    int64_t *day = NULL;
    double *col = NULL;
    if (o->have_city) {
        s = SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL, "out_write_city called twice");
        goto fail;
    }
    if (days < 0 || (days > 0 && !city) || (o->days >= 0 && days != o->days)) {
        s = SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL,
                     "out_write_city: %lld days (expected %lld)%s", (long long)days,
                     (long long)o->days, days > 0 && !city ? ", no data" : "");
        goto fail;
    }
    /* refuse before writing anything */
    for (int64_t d = 0; d < days; d++)
        for (int m = 0; m < SIM_MET_N; m++) {
            double v = city[d * SIM_MET_N + m];
            if (!isfinite(v)) {
                s = SIM_FAIL(err, SIM_ENUMERIC, o->path, 0, NULL,
                             "metric %s is %s on day %lld; refusing to write a "
                             "non-finite value",
                             sim_metric_table[m].name, nonfinite_word(v), (long long)d);
                goto fail;
            }
        }
    size_t n = days > 0 ? (size_t)days : 1;
    day = malloc(n * sizeof *day);
    col = malloc(n * sizeof *col);
    if (!day || !col) {
        s = SIM_FAIL(err, SIM_ENOMEM, o->path, 0, NULL, "out of memory writing /city");
        goto fail;
    }
    for (int64_t d = 0; d < days; d++)
        day[d] = d;
    SIM_CALL(group_new(o, o->file, "city", &g, err));
    SIM_CALL(axis_new(o, g, "day", days, day, 1,
                      "Simulated day, 0 = the first day; the axis of every /city series.",
                      "模拟日，0 为第一天；/city 中所有序列的时间轴。", &ax, err));
    for (int m = 0; m < SIM_MET_N; m++) {
        const sim_metric_desc *md = &sim_metric_table[m];
        for (int64_t d = 0; d < days; d++)
            col[d] = city[d * SIM_MET_N + m];
        SIM_CALL(column_on(o, g, md->name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, days, col, md->unit,
                           md->doc_en, md->doc_zh, kind_word(md->kind), ax, err));
    }
    H5L_CHECK(err, o->path, H5Dclose(ax), OUT_FAILED, "/city/day");
    ax = H5I_INVALID_HID;
    H5L_CHECK(err, o->path, H5Gclose(g), OUT_FAILED, "/city");
    g = H5I_INVALID_HID;
    o->have_city = 1;
    o->days = days;
fail:
    close_id(&ax, H5Dclose);
    close_id(&g, H5Gclose);
    free(day);
    free(col);
    return keep(o, err, s);
}

/* ---- /compounds ---------------------------------------------------------- */

/* The two panels: per compound (/compounds/panel/<panel name>) and per
 * sub-district (/subdistricts/panel/<metric name>). */
typedef enum { OUT_PANEL_COMPOUND, OUT_PANEL_SUBDISTRICT } out_panel;

static int in_panel(out_panel which, int m)
{
    return which == OUT_PANEL_COMPOUND ? sim_metric_table[m].panel[0] != '\0'
                                       : sim_metric_subpanel(m);
}

static const char *panel_name(out_panel which, int m)
{
    return which == OUT_PANEL_COMPOUND ? sim_metric_table[m].panel : sim_metric_table[m].name;
}

static const char *panel_sampling(out_panel which, int m)
{
    const sim_metric_desc *md = &sim_metric_table[m];
    if (which == OUT_PANEL_COMPOUND)
        return md->kind == SIM_M_COUNT ? "sum over the days since the previous panel row "
                                         "(inclusive of the sample day)"
                                       : "value on the sample day";
    if (md->panel[0])
        return md->kind == SIM_M_COUNT
                   ? "sum over the sub-district's compounds and over the days since the "
                     "previous panel row (inclusive of the sample day)"
                   : "sum of numerators over sum of denominators of the sub-district's "
                     "compounds on the sample day";
    return md->kind == SIM_M_COUNT ? "the sub-district's own value summed over the days "
                                     "since the previous panel row (inclusive of the "
                                     "sample day)"
                                   : "the sub-district's own value on the sample day";
}

static sim_status panel_dataset(sim_output *o, hid_t g, out_panel which, int m, int64_t nsamples,
                                int64_t ncols, const float *data, const hid_t axes[2],
                                sim_error *err)
{
    const sim_metric_desc *md = &sim_metric_table[m];
    const char *name = panel_name(which, m);
    sim_status s = SIM_OK;
    hid_t sp = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, d = H5I_INVALID_HID;
    char what[300];
    obj_name(g, name, what, sizeof what);
    hsize_t dims[2] = {(hsize_t)nsamples, (hsize_t)ncols};
    H5L_CHECK(err, o->path, sp = H5Screate_simple(2, dims, NULL), OUT_FAILED, what);
    H5L_CHECK(err, o->path, dcpl = H5Pcopy(o->dcpl), OUT_FAILED, what);
    if (nsamples > 0 && ncols > 0) { /* chunks must be non-empty */
        hsize_t chunk[2] = {
            (hsize_t)(nsamples < OUT_PANEL_CHUNK_DAYS ? nsamples : OUT_PANEL_CHUNK_DAYS),
            (hsize_t)(ncols < OUT_PANEL_CHUNK_COMP ? ncols : OUT_PANEL_CHUNK_COMP)};
        H5L_CHECK(err, o->path, H5Pset_chunk(dcpl, 2, chunk), OUT_FAILED, what);
        H5L_CHECK(err, o->path, h5l_compress(dcpl, OUT_DEFLATE_LEVEL), OUT_FAILED, what);
    }
    H5L_CHECK(err, o->path,
              d = H5Dcreate2(g, name, H5T_IEEE_F32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT),
              OUT_FAILED, what);
    if (nsamples > 0 && ncols > 0)
        H5L_CHECK(err, o->path, H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                  OUT_FAILED, what);
    SIM_CALL(attrs_doc(o, d, md->unit, md->doc_en, md->doc_zh, kind_word(md->kind), err));
    SIM_CALL(attr_str(o, d, "dims",
                      which == OUT_PANEL_COMPOUND ? "day,compound" : "day,subdistrict", err));
    SIM_CALL(attr_str(o, d, "sampling", panel_sampling(which, m), err));
    SIM_CALL(attr_str(o, d, "city_metric", md->name, err));
    if (which == OUT_PANEL_SUBDISTRICT)
        SIM_CALL(attr_str(o, d, "source", md->panel[0] ? "compounds" : "subdistrict", err));
    else /* CF 1.8 auxiliary coordinates, in the parent group */
        SIM_CALL(attr_str(o, d, "coordinates", "../subdistrict ../old", err));
    SIM_CALL(attach_axes(o, d, 2, axes, err));
    H5L_CHECK(err, o->path, H5Dclose(d), OUT_FAILED, what);
    d = H5I_INVALID_HID;
fail:
    close_id(&d, H5Dclose);
    close_id(&dcpl, H5Pclose);
    close_id(&sp, H5Sclose);
    return s;
}

static sim_status check_world(const sim_output *o, const sim_world *w, sim_error *err)
{
    if (w->ncomp < 0 || w->nsub < 0)
        return SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL,
                        "out_write_compounds: negative sizes in the world");
    if (w->ncomp > 0 &&
        (!w->comp_sub || !w->comp_rc || !w->comp_firm || !w->comp_old || !w->comp_hh0))
        return SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL,
                        "out_write_compounds: the world lacks compound arrays");
    for (int32_t c = 0; c < w->ncomp; c++) {
        int64_t h = w->comp_hh0[c + 1] - w->comp_hh0[c];
        if (h < 0 || h > INT32_MAX)
            return SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL,
                            "out_write_compounds: compound %d has %lld households", (int)c,
                            (long long)h);
    }
    return SIM_OK;
}

/* The sample days, and panel[m] given exactly for the metrics of the panel
 * and finite; `func` names the caller in messages. */
static sim_status check_panel(const sim_output *o, const char *func, out_panel which, int64_t ncols,
                              int64_t nsamples, const int64_t *sample_day, float *const *panel,
                              sim_error *err)
{
    const char *col = which == OUT_PANEL_COMPOUND ? "compound" : "sub-district";
    if (nsamples < 0 || (nsamples > 0 && !sample_day))
        return SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL, "%s: %lld samples%s", func,
                        (long long)nsamples, nsamples > 0 ? " but no sample days" : "");
    for (int64_t i = 0; i < nsamples; i++)
        if (sample_day[i] < 0 || (i > 0 && sample_day[i] <= sample_day[i - 1]) ||
            (o->days >= 0 && sample_day[i] >= o->days))
            return SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL,
                            "%s: panel row %lld has day %lld (days "
                            "must increase within the run)",
                            func, (long long)i, (long long)sample_day[i]);
    if (nsamples == 0 || ncols == 0)
        return SIM_OK; /* nothing is read from panel */
    if (!panel)
        return SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL, "%s: no panel data", func);
    for (int m = 0; m < SIM_MET_N; m++) {
        const char *name = panel_name(which, m);
        if (!in_panel(which, m)) {
            if (panel[m])
                return SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL,
                                "%s: panel data given for %s, which is not in the panel", func,
                                sim_metric_table[m].name);
            continue;
        }
        if (!panel[m])
            return SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL, "%s: no panel data for %s", func,
                            name);
        for (int64_t i = 0; i < nsamples; i++)
            for (int64_t c = 0; c < ncols; c++) {
                float v = panel[m][i * ncols + c];
                if (!isfinite(v))
                    return SIM_FAIL(err, SIM_ENUMERIC, o->path, 0, NULL,
                                    "panel %s is %s on day %lld in %s %lld; "
                                    "refusing to write a non-finite value",
                                    name, nonfinite_word((double)v), (long long)sample_day[i], col,
                                    (long long)c);
            }
    }
    return SIM_OK;
}

/* The panel group of g ("/compounds" or "/subdistricts"): its "dims", the
 * sampling days and one dataset per metric of that panel (nsamples x
 * ncols).  Closes what it opens, on failure too. */
static sim_status write_panel_group(sim_output *o, hid_t g, out_panel which, int64_t ncols,
                                    int64_t nsamples, const int64_t *sample_day,
                                    float *const *panel, const char *day_en, const char *day_zh,
                                    hid_t col_axis, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t gp = H5I_INVALID_HID, axes[2] = {H5I_INVALID_HID, col_axis};
    const char *where = which == OUT_PANEL_COMPOUND ? "/compounds/panel" : "/subdistricts/panel";
    SIM_CALL(group_new(o, g, "panel", &gp, err));
    SIM_CALL(attr_str(o, gp, "dims",
                      which == OUT_PANEL_COMPOUND ? "day,compound" : "day,subdistrict", err));
    SIM_CALL(axis_new(o, gp, "day", nsamples, sample_day, 1, day_en, day_zh, &axes[0], err));
    for (int m = 0; m < SIM_MET_N; m++) {
        if (!in_panel(which, m))
            continue;
        const float *data = (nsamples > 0 && ncols > 0) ? panel[m] : NULL;
        SIM_CALL(panel_dataset(o, gp, which, m, nsamples, ncols, data, axes, err));
    }
    H5L_CHECK(err, o->path, H5Dclose(axes[0]), OUT_FAILED, where);
    axes[0] = H5I_INVALID_HID;
    H5L_CHECK(err, o->path, H5Gclose(gp), OUT_FAILED, where);
    gp = H5I_INVALID_HID;
fail:
    close_id(&axes[0], H5Dclose);
    close_id(&gp, H5Gclose);
    return s;
}

sim_status out_write_compounds(sim_output *o, const sim_world *w, int64_t nsamples,
                               const int64_t *sample_day, float *const *panel, sim_error *err)
{
    sim_error scratch;
    if (!err) {
        sim_error_clear(&scratch);
        err = &scratch;
    }
    if (!o || !w)
        return SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL, "out_write_compounds: missing argument");
    if (o->status != SIM_OK)
        return replay(o, err);
    sim_status s = SIM_OK;
    hid_t g = H5I_INVALID_HID, ax = H5I_INVALID_HID;
    int32_t *ibuf = NULL;
    int64_t *xbuf = NULL;
    if (o->have_comp) {
        s = SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL, "out_write_compounds called twice");
        goto fail;
    }
    SIM_CALL(check_world(o, w, err));
    int64_t ncomp = w->ncomp;
    SIM_CALL(check_panel(o, "out_write_compounds", OUT_PANEL_COMPOUND, ncomp, nsamples, sample_day,
                         panel, err));
    ibuf = malloc((size_t)(ncomp > 0 ? ncomp : 1) * sizeof *ibuf);
    xbuf = malloc((size_t)(ncomp > 0 ? ncomp : 1) * sizeof *xbuf);
    if (!ibuf || !xbuf) {
        s = SIM_FAIL(err, SIM_ENOMEM, o->path, 0, NULL, "out of memory writing /compounds");
        goto fail;
    }

    SIM_CALL(group_new(o, o->file, "compounds", &g, err));
    for (int64_t c = 0; c < ncomp; c++)
        xbuf[c] = c;
    SIM_CALL(axis_new(o, g, "compound", ncomp, xbuf, 0,
                      "Compound number, 0-based: the axis of every /compounds column and "
                      "the second axis of every compound panel.",
                      "小区编号（从0开始）：/compounds 各列的轴，也是小区面板数据的第二维。", &ax,
                      err));
    for (int32_t c = 0; c < w->ncomp; c++)
        ibuf[c] = c;
    SIM_CALL(column_on(o, g, "id", H5T_STD_I32LE, H5T_NATIVE_INT32, ncomp, ibuf, "",
                       "Compound number, 0-based: the row here and the column of the panel.",
                       "小区编号（从0开始）：本表的行号，也是面板数据的列号。", NULL, ax, err));
    SIM_CALL(column_on(o, g, "subdistrict", H5T_STD_I32LE, H5T_NATIVE_INT32, ncomp, w->comp_sub, "",
                       "Sub-district (jiedao/town) of the compound, 0-based.",
                       "小区所属街道（镇）的编号（从0开始）。", NULL, ax, err));
    SIM_CALL(column_on(o, g, "residents_committee", H5T_STD_I32LE, H5T_NATIVE_INT32, ncomp,
                       w->comp_rc, "", "Residents' committee covering the compound, 0-based.",
                       "负责该小区的居委会编号（从0开始）。", NULL, ax, err));
    SIM_CALL(column_on(o, g, "firm", H5T_STD_I32LE, H5T_NATIVE_INT32, ncomp, w->comp_firm, "",
                       "Property-management firm serving the compound, 0-based.",
                       "为该小区服务的物业企业编号（从0开始）。", NULL, ax, err));
    SIM_CALL(column_on(o, g, "old", H5T_STD_U8LE, H5T_NATIVE_UINT8, ncomp, w->comp_old, "",
                       "1 = old compound (older buildings, lower fees), 0 = new.",
                       "1 为老旧小区（楼龄高、物业费低），0 为新建小区。", NULL, ax, err));
    if (w->comp_type)
        SIM_CALL(column_on(o, g, "type", H5T_STD_U8LE, H5T_NATIVE_UINT8, ncomp, w->comp_type, "",
                           "Compound type: 0 = commodity housing, 1 = old public housing (sold to "
                           "its tenants), 2 = resettlement housing.",
                           "小区类型：0 为商品房，1 为售后公房，2 为动迁安置房。", NULL, ax, err));
    for (int32_t c = 0; c < w->ncomp; c++)
        ibuf[c] = w->sub_dist ? w->sub_dist[w->comp_sub[c]] : 0;
    SIM_CALL(
        column_on(o, g, "district", H5T_STD_I32LE, H5T_NATIVE_INT32, ncomp, ibuf, "",
                  "District of the compound, 0-based (with city.shanghai_districts, Shanghai's "
                  "16 districts in the order of docs/ODD.md; else one district, 0).",
                  "小区所属区的编号（从0开始；采用 city.shanghai_districts 时为上海16个区，顺序见 "
                  "docs/ODD.md；否则只有一个区，即0）。",
                  NULL, ax, err));
    for (int32_t c = 0; c < w->ncomp; c++)
        ibuf[c] = sim_world_comp_hh(w, c);
    SIM_CALL(column_on(o, g, "households", H5T_STD_I32LE, H5T_NATIVE_INT32, ncomp, ibuf,
                       "household", "Households in the compound.", "小区内的家庭户数。", NULL, ax,
                       err));

    /* CF auxiliary coordinates: every compound's sub-district and type */
    static const char *const aux_of[] = {"id", "residents_committee", "firm", "households"};
    for (size_t i = 0; i < sizeof aux_of / sizeof aux_of[0]; i++) {
        hid_t d = H5I_INVALID_HID;
        H5L_CHECK(err, o->path, d = H5Dopen2(g, aux_of[i], H5P_DEFAULT), OUT_FAILED, aux_of[i]);
        s = attr_str(o, d, "coordinates", "subdistrict old", err);
        (void)H5Dclose(d);
        if (s != SIM_OK)
            goto fail;
    }
    SIM_CALL(write_panel_group(o, g, OUT_PANEL_COMPOUND, ncomp, nsamples, sample_day, panel,
                               "Simulated day of each panel row (the first axis of every panel).",
                               "面板每一行对应的模拟日（所有面板数据的第一维）。", ax, err));
    H5L_CHECK(err, o->path, H5Dclose(ax), OUT_FAILED, "/compounds/compound");
    ax = H5I_INVALID_HID;
    H5L_CHECK(err, o->path, H5Gclose(g), OUT_FAILED, "/compounds");
    g = H5I_INVALID_HID;
    o->have_comp = 1;
fail:
    close_id(&ax, H5Dclose);
    close_id(&g, H5Gclose);
    free(ibuf);
    free(xbuf);
    return keep(o, err, s);
}

/* ---- /subdistricts ------------------------------------------------------- */

static sim_status check_subdistricts(const sim_output *o, const sim_world *w, sim_error *err)
{
    if (w->nsub < 0 || (w->nsub > 0 && (!w->sub_comp0 || !w->comp_hh0)))
        return SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL,
                        "out_write_subdistricts: the world lacks sub-district arrays");
    for (int32_t s = 0; s < w->nsub; s++)
        if (w->sub_comp0[s] < 0 || w->sub_comp0[s + 1] < w->sub_comp0[s] ||
            w->sub_comp0[s + 1] > w->ncomp)
            return SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL,
                            "out_write_subdistricts: sub-district %d has compounds %d .. %d "
                            "of %d",
                            (int)s, (int)w->sub_comp0[s], (int)w->sub_comp0[s + 1], (int)w->ncomp);
    return SIM_OK;
}

sim_status out_write_subdistricts(sim_output *o, const sim_world *w, int64_t nsamples,
                                  const int64_t *sample_day, float *const *panel, sim_error *err)
{
    sim_error scratch;
    if (!err) {
        sim_error_clear(&scratch);
        err = &scratch;
    }
    if (!o || !w)
        return SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL,
                        "out_write_subdistricts: missing argument");
    if (o->status != SIM_OK)
        return replay(o, err);
    sim_status s = SIM_OK;
    hid_t g = H5I_INVALID_HID, ax = H5I_INVALID_HID;
    int32_t *ibuf = NULL;
    int64_t *hbuf = NULL;
    if (o->have_sub) {
        s = SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL, "out_write_subdistricts called twice");
        goto fail;
    }
    SIM_CALL(check_subdistricts(o, w, err));
    int64_t nsub = w->nsub;
    SIM_CALL(check_panel(o, "out_write_subdistricts", OUT_PANEL_SUBDISTRICT, nsub, nsamples,
                         sample_day, panel, err));
    ibuf = malloc((size_t)(nsub > 0 ? nsub : 1) * sizeof *ibuf);
    hbuf = malloc((size_t)(nsub > 0 ? nsub : 1) * sizeof *hbuf);
    if (!ibuf || !hbuf) {
        s = SIM_FAIL(err, SIM_ENOMEM, o->path, 0, NULL, "out of memory writing /subdistricts");
        goto fail;
    }

    SIM_CALL(group_new(o, o->file, "subdistricts", &g, err));
    for (int64_t i = 0; i < nsub; i++)
        hbuf[i] = i;
    SIM_CALL(axis_new(
        o, g, "subdistrict", nsub, hbuf, 0,
        "Sub-district number, 0-based: the axis of every /subdistricts column "
        "and the second axis of every sub-district panel.",
        "街道（镇）编号（从0开始）：/subdistricts 各列的轴，也是街道面板数据的第二维。", &ax, err));
    for (int32_t i = 0; i < w->nsub; i++)
        ibuf[i] = i;
    SIM_CALL(column_on(o, g, "id", H5T_STD_I32LE, H5T_NATIVE_INT32, nsub, ibuf, "",
                       "Sub-district (jiedao/town) number, 0-based: the row here, the column of "
                       "the sub-district panel and the value of /compounds/subdistrict.",
                       "街道（镇）编号（从0开始）：本表的行号、街道面板数据的列号，即 "
                       "/compounds/subdistrict 的取值。",
                       NULL, ax, err));
    for (int32_t i = 0; i < w->nsub; i++)
        ibuf[i] = w->sub_comp0[i + 1] - w->sub_comp0[i];
    SIM_CALL(column_on(o, g, "compounds", H5T_STD_I32LE, H5T_NATIVE_INT32, nsub, ibuf, "compound",
                       "Compounds in the sub-district.", "街道（镇）内的小区数。", NULL, ax, err));
    for (int32_t i = 0; i < w->nsub; i++)
        hbuf[i] = w->comp_hh0[w->sub_comp0[i + 1]] - w->comp_hh0[w->sub_comp0[i]];
    SIM_CALL(column_on(o, g, "households", H5T_STD_I64LE, H5T_NATIVE_INT64, nsub, hbuf, "household",
                       "Households in the sub-district.", "街道（镇）内的家庭户数。", NULL, ax,
                       err));

    SIM_CALL(write_panel_group(o, g, OUT_PANEL_SUBDISTRICT, nsub, nsamples, sample_day, panel,
                               "Simulated day of each sub-district panel row (the first axis of "
                               "every sub-district panel; the same days as /compounds/panel/day).",
                               "街道面板每一行对应的模拟日（所有街道面板数据的第一维；与 "
                               "/compounds/panel/day 相同）。",
                               ax, err));
    H5L_CHECK(err, o->path, H5Dclose(ax), OUT_FAILED, "/subdistricts/subdistrict");
    ax = H5I_INVALID_HID;
    H5L_CHECK(err, o->path, H5Gclose(g), OUT_FAILED, "/subdistricts");
    g = H5I_INVALID_HID;
    o->have_sub = 1;
fail:
    close_id(&ax, H5Dclose);
    close_id(&g, H5Gclose);
    free(ibuf);
    free(hbuf);
    return keep(o, err, s);
}

/* ---- commit and abort ---------------------------------------------------- */

sim_status out_commit(sim_output *o, sim_error *err)
{
    sim_error scratch;
    if (!err) {
        sim_error_clear(&scratch);
        err = &scratch;
    }
    if (!o)
        return SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL, "out_commit: no output");
    sim_status s = SIM_OK;
    if (o->status != SIM_OK) {
        s = replay(o, err);
        goto fail;
    }
    if (!o->plain && (!o->have_prov || !o->have_city || !o->have_comp || !o->have_sub)) {
        s = SIM_FAIL(err, SIM_EINTERNAL, o->path, 0, NULL,
                     "out_commit before %s was written; the file would be incomplete",
                     !o->have_prov   ? "the provenance"
                     : !o->have_city ? "/city"
                     : !o->have_comp ? "/compounds"
                                     : "/subdistricts");
        goto fail;
    }
    H5L_CHECK(err, o->path, H5Fflush(o->file, H5F_SCOPE_GLOBAL), OUT_FAILED, "flushing the file");
    if (close_all(o) < 0) {
        s = h5l_fail(err, o->path, __FILE__, __LINE__, __func__, OUT_FAILED, "closing the file");
        goto fail;
    }
    /* fsync, rename, fsync the folder (frees af, removes it on failure) */
    s = afile_commit(o->af, err);
    o->af = NULL;
    out_free(o);
    return s;
fail:
    (void)close_all(o);
    afile_abort(o->af);
    out_free(o);
    return s;
}

void out_abort(sim_output *o)
{
    if (!o)
        return;
    (void)close_all(o);
    afile_abort(o->af);
    out_free(o);
}
