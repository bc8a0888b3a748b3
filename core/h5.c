/* core/h5.c — see h5.h. */
#include "h5.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_version.h>
#include <hdf5_hl.h>

#include "troika_version.h"

#define H5L_DAMAGED "its checksum does not match (the data changed after troika wrote it)"

typedef struct {
    char desc[400];
    int found;
} h5_detail;

static herr_t h5_walk_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    h5_detail *d = data;
    if (n != 0 || d->found)
        return 0;
    d->found = 1;
    const char *desc = e->desc ? e->desc : "";
    /* the sec2 driver puts the system's message in quotes: keep only that */
    const char *q = strstr(desc, "error message = '");
    if (q) {
        q += strlen("error message = '");
        const char *end = strchr(q, '\'');
        int len = end ? (int)(end - q) : (int)strlen(q);
        snprintf(d->desc, sizeof d->desc, "%.*s", len, q);
        return 0;
    }
    char minor[160] = "";
    if (H5Eget_msg(e->min_num, NULL, minor, sizeof minor) < 0)
        minor[0] = '\0';
    if (desc[0] && minor[0])
        snprintf(d->desc, sizeof d->desc, "%s (%s)", desc, minor);
    else
        snprintf(d->desc, sizeof d->desc, "%s", desc[0] ? desc : minor);
    return 0;
}

static herr_t checksum_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    (void)n;
    const char *d = e->desc ? e->desc : "";
    for (const char *p = d; *p; p++)
        if ((p[0] == 'f' || p[0] == 'F') && strncmp(p + 1, "letcher32", 9) == 0)
            *(int *)data = 1;
    return 0;
}

int h5l_damaged(void)
{
    int damaged = 0;
    (void)H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, checksum_cb, &damaged);
    return damaged;
}

/* The innermost message on HDF5's error stack (then cleared). */
void h5l_describe(char *buf, size_t n)
{
    h5_detail d;
    memset(&d, 0, sizeof d);
    if (h5l_damaged()) {
        H5Eclear2(H5E_DEFAULT);
        snprintf(buf, n, "%s", H5L_DAMAGED);
        return;
    }
    if (H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, h5_walk_cb, &d) < 0 || !d.found || !d.desc[0])
        snprintf(d.desc, sizeof d.desc, "unknown HDF5 error");
    H5Eclear2(H5E_DEFAULT);
    snprintf(buf, n, "%s", d.desc);
}

static sim_status h5l_vfail(sim_error *err, sim_status code, const char *where,
                            const char *src_file, int src_line, const char *func, const char *fmt,
                            va_list ap)
{
    char what[512], detail[400];
    vsnprintf(what, sizeof what, fmt, ap);
    /* a checksum mismatch is a damaged input (exit 2), not a failing disk */
    if (code == SIM_OK)
        code = h5l_damaged() ? SIM_EINPUT : SIM_EIO;
    h5l_describe(detail, sizeof detail);
    return sim_error_set(err, code, where, 0, NULL, src_file, src_line, func, "%s: %s", what,
                         detail);
}

sim_status h5l_fail(sim_error *err, const char *where, const char *src_file, int src_line,
                    const char *func, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const sim_status s = h5l_vfail(err, SIM_OK, where, src_file, src_line, func, fmt, ap);
    va_end(ap);
    return s;
}

sim_status h5l_fail_as(sim_error *err, sim_status code, const char *where, const char *src_file,
                       int src_line, const char *func, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const sim_status s = h5l_vfail(err, code, where, src_file, src_line, func, fmt, ap);
    va_end(ap);
    return s;
}

/* ---- element types ----------------------------------------------------------- */

hid_t h5l_file_type(sim_vtype t)
{
    switch (t) {
    case SIM_V_I8:
        return H5T_STD_I8LE;
    case SIM_V_U8:
        return H5T_STD_U8LE;
    case SIM_V_I16:
        return H5T_STD_I16LE;
    case SIM_V_U16:
        return H5T_STD_U16LE;
    case SIM_V_I32:
        return H5T_STD_I32LE;
    case SIM_V_U32:
        return H5T_STD_U32LE;
    case SIM_V_I64:
        return H5T_STD_I64LE;
    case SIM_V_U64:
        return H5T_STD_U64LE;
    case SIM_V_F32:
        return H5T_IEEE_F32LE;
    case SIM_V_F64:
        return H5T_IEEE_F64LE;
    default:
        return H5I_INVALID_HID;
    }
}

hid_t h5l_mem_type(sim_vtype t)
{
    switch (t) {
    case SIM_V_I8:
        return H5T_NATIVE_INT8;
    case SIM_V_U8:
        return H5T_NATIVE_UINT8;
    case SIM_V_I16:
        return H5T_NATIVE_INT16;
    case SIM_V_U16:
        return H5T_NATIVE_UINT16;
    case SIM_V_I32:
        return H5T_NATIVE_INT32;
    case SIM_V_U32:
        return H5T_NATIVE_UINT32;
    case SIM_V_I64:
        return H5T_NATIVE_INT64;
    case SIM_V_U64:
        return H5T_NATIVE_UINT64;
    case SIM_V_F32:
        return H5T_NATIVE_FLOAT;
    case SIM_V_F64:
        return H5T_NATIVE_DOUBLE;
    default:
        return H5I_INVALID_HID;
    }
}

/* ---- dataset properties with checksums ------------------------------------ */

/* Elements a chunk may hold: about 1 MiB of data. */
#define H5L_CHUNK_BYTES ((hsize_t)1 << 20)

hid_t h5l_dcpl(hid_t space, hid_t ftype)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0)
        return dcpl;
    if (H5Pset_obj_track_times(dcpl, 0) < 0)
        goto fail;
    hsize_t dims[H5S_MAX_RANK];
    int rank = H5Sget_simple_extent_dims(space, dims, NULL);
    if (rank < 0)
        goto fail;
    hsize_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= dims[i];
    if (rank == 0 || n == 0)
        return dcpl; /* nothing to checksum; a chunk cannot be empty */
    /* HDF5 filters no variable-length data (texts): contiguous */
    htri_t vstr = H5Tis_variable_str(ftype);
    H5T_class_t cls = H5Tget_class(ftype);
    if (vstr < 0 || cls < 0)
        goto fail;
    if (vstr > 0 || cls == H5T_VLEN)
        return dcpl;
    size_t elem_size = H5Tget_size(ftype);
    /* whole rows along the first axis, as many as fit in the budget */
    hsize_t row = 1, chunk[H5S_MAX_RANK];
    for (int i = 1; i < rank; i++) {
        chunk[i] = dims[i];
        row *= dims[i];
    }
    if (elem_size == 0)
        elem_size = 1;
    hsize_t rows = H5L_CHUNK_BYTES / ((hsize_t)elem_size * row);
    if (rows < 1)
        rows = 1;
    chunk[0] = dims[0] < rows ? dims[0] : rows;
    /* a single row larger than the budget: split the last axes too (HDF5
     * limits a chunk to 4 GiB) */
    for (int i = rank - 1; i >= 1 && chunk[0] == 1; i--) {
        hsize_t rest = 1;
        for (int j = 1; j < rank; j++)
            rest *= chunk[j];
        if ((hsize_t)elem_size * rest <= H5L_CHUNK_BYTES)
            break;
        hsize_t other = rest / chunk[i];
        hsize_t fit = H5L_CHUNK_BYTES / ((hsize_t)elem_size * other);
        chunk[i] = fit < 1 ? 1 : (fit < chunk[i] ? fit : chunk[i]);
    }
    if (H5Pset_chunk(dcpl, rank, chunk) < 0 || h5l_checksum(dcpl) < 0)
        goto fail;
    return dcpl;
fail:
    H5Pclose(dcpl);
    return H5I_INVALID_HID;
}

herr_t h5l_checksum(hid_t dcpl)
{
    return H5Pset_fletcher32(dcpl);
}

/* A filter this HDF5 can encode (zlib may be absent or decode-only). */
static int filter_ok(H5Z_filter_t f)
{
    unsigned cfg = 0;
    if (H5Zfilter_avail(f) <= 0 || H5Zget_filter_info(f, &cfg) < 0)
        return 0;
    return (cfg & H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0;
}

herr_t h5l_compress(hid_t dcpl, unsigned level)
{
    if (filter_ok(H5Z_FILTER_DEFLATE)) {
        if (filter_ok(H5Z_FILTER_SHUFFLE) && H5Pset_shuffle(dcpl) < 0)
            return -1;
        if (H5Pset_deflate(dcpl, level) < 0)
            return -1;
    }
    return h5l_checksum(dcpl);
}

/* ---- build provenance ------------------------------------------------------------ */

herr_t h5l_attr_str(hid_t loc, const char *name, const char *value)
{
    herr_t r = -1;
    hid_t t = H5Tcopy(H5T_C_S1), sp = H5I_INVALID_HID, a = H5I_INVALID_HID;
    if (t < 0 || H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)
        goto fail;
    if ((sp = H5Screate(H5S_SCALAR)) < 0)
        goto fail;
    if ((a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        goto fail;
    const char *v = value ? value : "";
    r = H5Awrite(a, t, &v);
fail:
    if (a >= 0 && H5Aclose(a) < 0)
        r = -1;
    if (sp >= 0)
        H5Sclose(sp);
    if (t >= 0)
        H5Tclose(t);
    return r;
}

herr_t h5l_attr_scalar(hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *v)
{
    herr_t r = -1;
    hid_t sp = H5Screate(H5S_SCALAR), a = H5I_INVALID_HID;
    if (sp < 0)
        return -1;
    if ((a = H5Acreate2(loc, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0)
        r = H5Awrite(a, mtype, v);
    if (a >= 0 && H5Aclose(a) < 0)
        r = -1;
    H5Sclose(sp);
    return r;
}

herr_t h5l_read_block(hid_t d, const hsize_t start[2], const hsize_t count[2], double *buf)
{
    hsize_t n = count[0] * count[1];
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, &n, NULL);
    herr_t e =
        fs < 0 || ms < 0 ? -1 : H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    if (e >= 0)
        e = H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf);
    /* closing would clear the error stack, which the caller reads to tell
     * a damaged file (a checksum) from other failures: keep it */
    hid_t stack = e < 0 ? H5Eget_current_stack() : H5I_INVALID_HID;
    if (ms >= 0 && H5Sclose(ms) < 0)
        e = -1;
    if (fs >= 0 && H5Sclose(fs) < 0)
        e = -1;
    if (stack >= 0)
        H5Eset_current_stack(stack); /* also releases it */
    return e;
}

herr_t h5l_attr_i64(hid_t loc, const char *name, int64_t value)
{
    return h5l_attr_scalar(loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

herr_t h5l_provenance(hid_t loc, const char *kind, int64_t schema_version, const char *command_line)
{
    unsigned maj = 0, min = 0, rel = 0;
    char h5v[64];
    if (H5get_libversion(&maj, &min, &rel) < 0)
        return -1;
    snprintf(h5v, sizeof h5v, "%u.%u.%u", maj, min, rel);
    /* one table: the names and their values, in the order written */
    const struct {
        const char *name, *value;
    } attr[] = {
        {"troika_version", TROIKA_VERSION}, {"git_commit", TROIKA_GIT_COMMIT},
        {"build_type", TROIKA_BUILD_TYPE},  {"compiler", TROIKA_COMPILER},
        {"compiler_flags", TROIKA_CFLAGS},  {"rng", H5L_RNG},
        {"gsl_version", GSL_VERSION},       {"hdf5_version", h5v},
    };
    if (h5l_attr_str(loc, "file_kind", kind) < 0 ||
        h5l_attr_i64(loc, "schema_version", schema_version) < 0)
        return -1;
    for (size_t i = 0; i < sizeof attr / sizeof attr[0]; i++)
        if (h5l_attr_str(loc, attr[i].name, attr[i].value) < 0)
            return -1;
    if (command_line && h5l_attr_str(loc, "command_line", command_line) < 0)
        return -1;
    return 0;
}

/* ---- netCDF-4 / CF conventions ------------------------------------------ */

/* Human unit -> UDUNITS: a table, the rest are counts or shares ("1"). */
static const struct {
    const char *unit, *udunits;
} h5l_unit_table[] = {
    {"day", "day"},
    {"days", "day"},
    {"yuan", "yuan"},
    {"yuan/month", "yuan month-1"},
    {"yuan/m2/month", "yuan m-2 month-1"},
};

const char *h5l_udunits(const char *unit)
{
    if (!unit)
        return "1";
    for (size_t i = 0; i < sizeof h5l_unit_table / sizeof h5l_unit_table[0]; i++)
        if (strcmp(unit, h5l_unit_table[i].unit) == 0)
            return h5l_unit_table[i].udunits;
    return "1";
}

herr_t h5l_axis(hid_t d, const char *dim)
{
    return H5DSset_scale(d, dim);
}

herr_t h5l_attach(hid_t d, hid_t scale, unsigned idx)
{
    return H5DSattach_scale(d, scale, idx);
}

herr_t h5l_attach_named(hid_t loc, const char *name, int rank, const hid_t *axes)
{
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0)
        return -1;
    herr_t r = 0;
    for (int k = 0; k < rank && r >= 0; k++)
        if (axes[k] >= 0)
            r = H5DSattach_scale(d, axes[k], (unsigned)k);
    if (H5Dclose(d) < 0)
        r = -1;
    return r;
}

herr_t h5l_cf(hid_t d, const char *long_name, const char *unit)
{
    if (long_name && h5l_attr_str(d, "long_name", long_name) < 0)
        return -1;
    if (!unit)
        return 0;
    const char *u = h5l_udunits(unit);
    /* the existing "units" attribute (the human unit) is replaced */
    if (H5Aexists(d, "units") > 0 && H5Adelete(d, "units") < 0)
        return -1;
    if (h5l_attr_str(d, "units", u) < 0)
        return -1;
    if (strcmp(u, unit) != 0 && h5l_attr_str(d, "unit_text", unit) < 0)
        return -1;
    return 0;
}

herr_t h5l_time(hid_t d, const char *long_name)
{
    if (H5Aexists(d, "units") > 0 && H5Adelete(d, "units") < 0)
        return -1;
    if (h5l_attr_str(d, "units", H5L_DAY_UNITS) < 0 ||
        h5l_attr_str(d, "calendar", "standard") < 0 || h5l_attr_str(d, "axis", "T") < 0 ||
        h5l_attr_str(d, "standard_name", "time") < 0)
        return -1;
    return long_name ? h5l_attr_str(d, "long_name", long_name) : 0;
}
