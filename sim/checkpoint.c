/* sim/checkpoint.c — see checkpoint.h; the layout is in docs/CHECKPOINTS.md.
 *
 * Writing goes through sim/output.c's plain files (atomic rename, sticky
 * first failure).  Reading uses HDF5 directly: everything is read into
 * memory at once, so restoring is a copy and a loaded checkpoint can be
 * shared read-only by concurrent runs (`compare --from`).
 */
#include "checkpoint.h"

#include <errno.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "hold.h"
#include "inifile.h"
#include "output.h"
#include "troika_version.h"

typedef struct {
    char *name;
    sim_vtype type;
    int64_t n;
    void *data;
} ck_entry;

struct sim_checkpoint {
    char *path;
    ckpt_info info; /* pointers owned below */
    char *scenario_name, *resolved_ini, *sources, *forked_from;
    double *city;
    int64_t *sample_day;
    float *panel[SIM_MET_N], *subpanel[SIM_MET_N];
    double *acc, *sacc;
    ck_entry *ent;
    int nent, cap;
};

/* ---- writing ------------------------------------------------------------------ */

/* Metric m has a per-compound panel (the sub-district one: sim_metric_subpanel). */
static int compound_panel(int m)
{
    return sim_metric_table[m].panel[0] != '\0';
}

/* The panel so far as <group>/<metric>, float32[nsamples x ncols], for the
 * metrics `has` selects. */
static sim_status put_panels(sim_output *o, const char *group, int (*has)(int m), int64_t nsamples,
                             int64_t ncols, const float *const *panel, sim_error *err)
{
    SIM_TRY(err, out_put_group(o, group, err));
    int64_t dims[2] = {nsamples, ncols};
    for (int m = 0; m < SIM_MET_N; m++) {
        if (!has(m))
            continue;
        char p[160];
        snprintf(p, sizeof p, "%s/%s", group, sim_metric_table[m].name);
        SIM_TRY(err, out_put_array(o, p, 2, dims, SIM_V_F32, panel[m], err));
    }
    return SIM_OK;
}

/* "a\nb\n...": the keys of the parameter table or the metric names. */
static char *joined_names(int params)
{
    int n = params ? sim_param_count : SIM_MET_N;
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(params ? sim_param_table[i].key : sim_metric_table[i].name) + 1;
    char *s = malloc(len), *p = s;
    if (!s)
        return NULL;
    for (int i = 0; i < n; i++) {
        const char *k = params ? sim_param_table[i].key : sim_metric_table[i].name;
        size_t l = strlen(k);
        memcpy(p, k, l);
        p[l] = '\n';
        p += l + 1;
    }
    *p = '\0';
    return s;
}

typedef struct {
    sim_output *o;
} put_arg;

static sim_status put_state(void *arg, const char *name, sim_vtype t, int64_t n, const void *data,
                            sim_error *err)
{
    put_arg *a = arg;
    char path[SIM_STATE_NAME + 16];
    snprintf(path, sizeof path, "/state/%s", name);
    return out_put_array(a->o, path, 1, &n, t, data, err);
}

sim_status ckpt_write(const char *path, const ckpt_info *in, sim_state *st,
                      const char *command_line, int threads, sim_error *err)
{
    sim_output *o = NULL;
    char *keys = joined_names(1), *mets = joined_names(0);
    double *pv = malloc(sizeof *pv * (size_t)sim_param_count);
    sim_status s = SIM_OK;
    if (!keys || !mets || !pv) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory writing a checkpoint");
        goto fail;
    }
    for (int i = 0; i < sim_param_count; i++)
        pv[i] = sim_param_get(&in->params, i);
    s = out_open_plain(&o, path, 1, err);
    if (s != SIM_OK) {
        if (s == SIM_EINPUT)
            snprintf(err->key, sizeof err->key, "--checkpoint");
        goto fail;
    }
    SIM_CALL(out_put_provenance(o, CKPT_FORMAT, CKPT_FORMAT_VERSION, command_line, err));
    SIM_CALL(out_put_attr_str(o, "/", "scenario", in->scenario_name, err));
    SIM_CALL(out_put_attr_str(o, "/", "parameters", in->resolved_ini, err));
    SIM_CALL(out_put_attr_str(o, "/", "scenario_sources", in->sources, err));
    SIM_CALL(out_put_attr_str(o, "/", "forked_from", in->forked_from, err));
    SIM_CALL(out_put_attr_u64(o, "/", "seed", in->seed, err));
    SIM_CALL(out_put_attr_u64(o, "/", "world_seed", in->world_seed, err));
    SIM_CALL(out_put_attr_i64(o, "/", "day", in->day, err));
    SIM_CALL(out_put_attr_i64(o, "/", "next_change", in->next_change, err));
    SIM_CALL(out_put_attr_i64(o, "/", "threads", threads, err));
    SIM_CALL(out_put_attr_str(o, "/", "parameter_keys", keys, err));
    SIM_CALL(out_put_attr_str(o, "/", "metrics", mets, err));

    SIM_CALL(out_put_group(o, "/run", err));
    int64_t np = sim_param_count;
    SIM_CALL(out_put_array(o, "/run/params", 1, &np, SIM_V_F64, pv, err));

    SIM_CALL(out_put_group(o, "/state", err));
    put_arg a = {o};
    SIM_CALL(sim_state_save(st, put_state, &a, err));
    if (sim_hold_at("checkpoint") == in->day) /* a test hook: a kill mid-write */
        sim_hold("checkpoint", in->day, NULL);

    SIM_CALL(out_put_group(o, "/result", err));
    int64_t cd[2] = {in->day, SIM_MET_N};
    SIM_CALL(out_put_array(o, "/result/city", 2, cd, SIM_V_F64, in->city, err));
    SIM_CALL(
        out_put_array(o, "/result/sample_day", 1, &in->nsamples, SIM_V_I64, in->sample_day, err));
    SIM_CALL(out_put_array(o, "/result/acc", 1, &in->nacc, SIM_V_F64, in->acc, err));
    SIM_CALL(
        put_panels(o, "/result/panel", compound_panel, in->nsamples, in->ncomp, in->panel, err));
    SIM_CALL(out_put_array(o, "/result/subacc", 1, &in->nsacc, SIM_V_F64, in->sacc, err));
    SIM_CALL(put_panels(o, "/result/subpanel", sim_metric_subpanel, in->nsamples, in->nsub,
                        in->subpanel, err));
    s = out_commit(o, err);
    o = NULL;
fail:
    out_abort(o);
    free(keys);
    free(mets);
    free(pv);
    return s;
}

/* ---- reading ------------------------------------------------------------------- */

void ckpt_destroy(sim_checkpoint *ck)
{
    if (!ck)
        return;
    free(ck->path);
    free(ck->scenario_name);
    free(ck->resolved_ini);
    free(ck->sources);
    free(ck->forked_from);
    free(ck->city);
    free(ck->sample_day);
    for (int m = 0; m < SIM_MET_N; m++) {
        free(ck->panel[m]);
        free(ck->subpanel[m]);
    }
    free(ck->acc);
    free(ck->sacc);
    for (int i = 0; i < ck->nent; i++) {
        free(ck->ent[i].name);
        free(ck->ent[i].data);
    }
    free(ck->ent);
    free(ck);
}

const ckpt_info *ckpt_get_info(const sim_checkpoint *ck)
{
    return &ck->info;
}

const char *ckpt_path(const sim_checkpoint *ck)
{
    return ck->path;
}

char *ckpt_fork_label(const sim_checkpoint *ck)
{
    const char *fmt = "path=%s; scenario=%s; seed=%llu; day=%lld";
    const ckpt_info *in = &ck->info;
    int n = snprintf(NULL, 0, fmt, ck->path, in->scenario_name, (unsigned long long)in->seed,
                     (long long)in->day);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s)
        snprintf(s, (size_t)n + 1, fmt, ck->path, in->scenario_name, (unsigned long long)in->seed,
                 (long long)in->day);
    return s;
}

/* A damaged or foreign file: SIM_EINPUT naming the file. */
#define BAD(...) SIM_FAIL(err, SIM_EINPUT, ck->path, 0, "--checkpoint", __VA_ARGS__)

static sim_status h5_bad(const sim_checkpoint *ck, sim_error *err, const char *what)
{
    char detail[400];
    h5l_describe(detail, sizeof detail);
    return BAD("the checkpoint is damaged or not a troika checkpoint (reading %s: %s)", what,
               detail);
}

/* A string attribute of the root, malloc'd. */
static sim_status read_str(const sim_checkpoint *ck, hid_t f, const char *name, char **out,
                           sim_error *err)
{
    *out = NULL;
    if (H5Aexists(f, name) <= 0)
        return BAD("the checkpoint has no attribute '%s' (not a troika checkpoint, or damaged)",
                   name);
    hid_t a = H5Aopen(f, name, H5P_DEFAULT), t = H5I_INVALID_HID, ft = H5I_INVALID_HID;
    sim_status s = SIM_OK;
    char *v = NULL;
    if (a < 0 || (ft = H5Aget_type(a)) < 0 || H5Tget_class(ft) != H5T_STRING ||
        !H5Tis_variable_str(ft)) {
        s = h5_bad(ck, err, name);
        goto done;
    }
    t = H5Tcopy(H5T_C_S1);
    if (t < 0 || H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0 ||
        H5Aread(a, t, &v) < 0) {
        s = h5_bad(ck, err, name);
        goto done;
    }
    *out = strdup(v ? v : "");
    if (!*out)
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory reading a checkpoint");
done:
    if (v)
        H5free_memory(v);
    if (t >= 0)
        H5Tclose(t);
    if (ft >= 0)
        H5Tclose(ft);
    if (a >= 0)
        H5Aclose(a);
    return s;
}

/* An integer attribute of the root (read as int64 or uint64). */
static sim_status read_int(const sim_checkpoint *ck, hid_t f, const char *name, int is_unsigned,
                           void *out, sim_error *err)
{
    if (H5Aexists(f, name) <= 0)
        return BAD("the checkpoint has no attribute '%s' (not a troika checkpoint, or damaged)",
                   name);
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    herr_t r = a < 0 ? -1 : H5Aread(a, is_unsigned ? H5T_NATIVE_UINT64 : H5T_NATIVE_INT64, out);
    if (a >= 0)
        H5Aclose(a);
    return r < 0 ? h5_bad(ck, err, name) : SIM_OK;
}

/* The element type of an HDF5 type, or -1. */
static int vtype_of(hid_t t)
{
    H5T_class_t c = H5Tget_class(t);
    size_t sz = H5Tget_size(t);
    if (c == H5T_FLOAT)
        return sz == 4 ? SIM_V_F32 : sz == 8 ? SIM_V_F64 : -1;
    if (c != H5T_INTEGER)
        return -1;
    int sgn = H5Tget_sign(t) == H5T_SGN_2;
    switch (sz) {
    case 1:
        return sgn ? SIM_V_I8 : SIM_V_U8;
    case 2:
        return sgn ? SIM_V_I16 : SIM_V_U16;
    case 4:
        return sgn ? SIM_V_I32 : SIM_V_U32;
    case 8:
        return sgn ? SIM_V_I64 : SIM_V_U64;
    default:
        return -1;
    }
}

/* Read dataset `path` whole: its element type, its dims (rank 1 or 2; dims[1]
 * = 1 for rank 1) and the data (malloc'd, at least one byte). */
static sim_status read_array(const sim_checkpoint *ck, hid_t f, const char *path, sim_vtype *type,
                             int64_t dims[2], void **data, sim_error *err)
{
    *data = NULL;
    if (H5Lexists(f, path, H5P_DEFAULT) <= 0)
        return BAD("the checkpoint has no dataset %s", path);
    sim_status s = SIM_OK;
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT), t = H5I_INVALID_HID, sp = H5I_INVALID_HID;
    hsize_t hd[2] = {0, 1};
    int rank, vt;
    if (d < 0 || (t = H5Dget_type(d)) < 0 || (sp = H5Dget_space(d)) < 0 ||
        (rank = H5Sget_simple_extent_ndims(sp)) < 1 || rank > 2 ||
        H5Sget_simple_extent_dims(sp, hd, NULL) < 0 || (vt = vtype_of(t)) < 0) {
        s = h5_bad(ck, err, path);
        goto done;
    }
    *type = (sim_vtype)vt;
    dims[0] = (int64_t)hd[0];
    dims[1] = rank == 2 ? (int64_t)hd[1] : 1;
    /* the size the dataspace claims must be what the file stores: a damaged
     * dataspace of 10^18 elements (read as fill values) must not become an
     * allocation.  Checkpoints are written uncompressed; up to 64:1 is
     * allowed for a filter, and small datasets may be stored compactly. */
    const size_t esize = sim_vtype_size(*type);
    if (rank == 2 && hd[1] > 0 && hd[0] > (hsize_t)(SIZE_MAX / esize) / hd[1]) {
        s = BAD("%s claims %llu x %llu elements (damaged)", path, (unsigned long long)hd[0],
                (unsigned long long)hd[1]);
        goto done;
    }
    if (rank == 1 && hd[0] > (hsize_t)(SIZE_MAX / esize)) {
        s = BAD("%s claims %llu elements (damaged)", path, (unsigned long long)hd[0]);
        goto done;
    }
    size_t bytes = (size_t)dims[0] * (size_t)dims[1] * esize;
    hsize_t stored = H5Dget_storage_size(d);
    if (bytes > 4096 && (hsize_t)bytes / 64 > stored) {
        s = BAD("%s claims %zu bytes but the file stores %llu (damaged)", path, bytes,
                (unsigned long long)stored);
        goto done;
    }
    *data = malloc(bytes ? bytes : 1);
    if (!*data) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory reading %s", path);
        goto done;
    }
    if (bytes && H5Dread(d, h5l_mem_type(*type), H5S_ALL, H5S_ALL, H5P_DEFAULT, *data) < 0) {
        s = h5_bad(ck, err, path);
        free(*data);
        *data = NULL;
    }
done:
    if (sp >= 0)
        H5Sclose(sp);
    if (t >= 0)
        H5Tclose(t);
    if (d >= 0)
        H5Dclose(d);
    return s;
}

/* read_array, insisting on a type and a shape (dims[k] < 0: any). */
static sim_status read_expect(const sim_checkpoint *ck, hid_t f, const char *path, sim_vtype type,
                              int64_t d0, int64_t d1, void **data, sim_error *err)
{
    sim_vtype t;
    int64_t dims[2];
    SIM_TRY(err, read_array(ck, f, path, &t, dims, data, err));
    if (t != type || (d0 >= 0 && dims[0] != d0) || (d1 >= 0 && dims[1] != d1)) {
        free(*data);
        *data = NULL;
        return BAD("%s is %s[%lld x %lld], expected %s[%lld x %lld]", path, sim_vtype_name(t),
                   (long long)dims[0], (long long)dims[1], sim_vtype_name(type), (long long)d0,
                   (long long)d1);
    }
    return SIM_OK;
}

/* read_array of a one-dimensional dataset of `type`; *n its length. */
static sim_status read_list(const sim_checkpoint *ck, hid_t f, const char *path, sim_vtype type,
                            int64_t *n, void **data, sim_error *err)
{
    sim_vtype t = SIM_V_I8;
    int64_t dims[2] = {0, 0};
    SIM_TRY(err, read_array(ck, f, path, &t, dims, data, err));
    if (t != type || dims[1] != 1)
        return BAD("%s is not a list of %s", path, sim_vtype_name(type));
    *n = dims[0];
    return SIM_OK;
}

/* The panel datasets <group>/<metric> for the metrics `has` selects, each
 * float32[nsamples x ncols] with the same ncols (*ncols: -1 when none); the
 * data are kept in store[m] (freed with the checkpoint) and shown in view[m]. */
static sim_status read_panels(const sim_checkpoint *ck, hid_t f, const char *group,
                              int (*has)(int m), const char *cols, int64_t nsamples, float **store,
                              const float **view, int64_t *ncols, sim_error *err)
{
    *ncols = -1;
    for (int m = 0; m < SIM_MET_N; m++) {
        if (!has(m))
            continue;
        char p[160];
        snprintf(p, sizeof p, "%s/%s", group, sim_metric_table[m].name);
        sim_vtype t = SIM_V_I8;
        int64_t dims[2] = {0, 0};
        SIM_TRY(err, read_array(ck, f, p, &t, dims, (void **)&store[m], err));
        if (t != SIM_V_F32 || dims[0] != nsamples || (*ncols >= 0 && dims[1] != *ncols))
            return BAD("%s is %s[%lld x %lld], expected float32[%lld x %s]", p, sim_vtype_name(t),
                       (long long)dims[0], (long long)dims[1], (long long)nsamples, cols);
        *ncols = dims[1];
        view[m] = store[m];
    }
    return SIM_OK;
}

/* SIM_EINPUT unless the n values of type t at data, read from `path`, are
 * in [lo, hi] (NaN never is). */
static sim_status check_values(const sim_checkpoint *ck, const char *path, sim_vtype t,
                               const void *data, int64_t n, double lo, double hi, sim_error *err)
{
    int64_t bad = 0;
    if (sim_state_in_range(t, data, n, lo, hi, &bad))
        return SIM_OK;
    char range[120];
    sim_state_range_text(lo, hi, range, sizeof range);
    return BAD("%s: element %lld is %.17g, %s (a damaged or edited checkpoint)", path,
               (long long)bad, sim_state_value(t, data, bad), range);
}

/* The result so far: finite values, and the panel rows those of the days
 * done (row k is day (k+1) x interval - 1). */
static sim_status check_result(const sim_checkpoint *ck, const ckpt_info *in, sim_error *err)
{
    const int64_t interval = in->params.run_panel_interval;
    if (in->nsamples != in->day / interval)
        return BAD("/result/sample_day has %lld rows; %lld days at one row every %lld days "
                   "make %lld (a damaged or edited checkpoint)",
                   (long long)in->nsamples, (long long)in->day, (long long)interval,
                   (long long)(in->day / interval));
    for (int64_t k = 0; k < in->nsamples; k++)
        if (in->sample_day[k] != (k + 1) * interval - 1)
            return BAD("/result/sample_day: row %lld is day %lld, not %lld (a damaged or "
                       "edited checkpoint)",
                       (long long)k, (long long)in->sample_day[k],
                       (long long)((k + 1) * interval - 1));
    SIM_TRY(err, check_values(ck, "/result/city", SIM_V_F64, in->city, in->day * SIM_MET_N,
                              -DBL_MAX, DBL_MAX, err));
    SIM_TRY(err, check_values(ck, "/result/acc", SIM_V_F64, in->acc, in->nacc, -1e30, 1e30, err));
    SIM_TRY(err, check_values(ck, "/result/subacc", SIM_V_F64, in->sacc, in->nsacc, -1e30, 1e30,
                              err)); /* sums of a float panel's values */
    for (int m = 0; m < SIM_MET_N; m++) {
        char p[160];
        if (in->panel[m]) {
            snprintf(p, sizeof p, "/result/panel/%s", sim_metric_table[m].name);
            SIM_TRY(err, check_values(ck, p, SIM_V_F32, in->panel[m], in->nsamples * in->ncomp,
                                      -DBL_MAX, DBL_MAX, err));
        }
        if (in->subpanel[m]) {
            snprintf(p, sizeof p, "/result/subpanel/%s", sim_metric_table[m].name);
            SIM_TRY(err, check_values(ck, p, SIM_V_F32, in->subpanel[m], in->nsamples * in->nsub,
                                      -DBL_MAX, DBL_MAX, err));
        }
    }
    return SIM_OK;
}

/* The first line where two newline-joined lists differ (for messages). */
static void first_difference(const char *a, const char *b, char *buf, size_t n)
{
    while (*a || *b) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || strncmp(a, b, la) != 0) {
            snprintf(buf, n, "'%.*s' where this troika has '%.*s'", (int)la, a, (int)lb, b);
            return;
        }
        a += la + (a[la] == '\n');
        b += lb + (b[lb] == '\n');
    }
    snprintf(buf, n, "none");
}

typedef struct {
    sim_checkpoint *ck;
    hid_t f;
    sim_error *err;
    sim_status s;
} iter_arg;

static herr_t state_entry_cb(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    iter_arg *a = data;
    sim_checkpoint *ck = a->ck;
    if (ck->nent == ck->cap) {
        int cap = ck->cap ? 2 * ck->cap : 256;
        ck_entry *ne = realloc(ck->ent, sizeof *ne * (size_t)cap);
        if (!ne) {
            a->s =
                SIM_FAIL(a->err, SIM_ENOMEM, NULL, 0, NULL, "out of memory reading %s", ck->path);
            return -1;
        }
        ck->ent = ne;
        ck->cap = cap;
    }
    ck_entry *e = &ck->ent[ck->nent];
    memset(e, 0, sizeof *e);
    char path[SIM_STATE_NAME + 16];
    snprintf(path, sizeof path, "/state/%s", name);
    int64_t dims[2];
    a->s = read_array(ck, a->f, path, &e->type, dims, &e->data, a->err);
    if (a->s != SIM_OK)
        return -1;
    e->n = dims[0] * dims[1];
    e->name = strdup(name);
    if (!e->name) {
        free(e->data);
        a->s = SIM_FAIL(a->err, SIM_ENOMEM, NULL, 0, NULL, "out of memory reading %s", ck->path);
        return -1;
    }
    ck->nent++;
    return 0;
}

/* The file exists, is regular and readable, and is HDF5: open it in *f. */
static sim_status open_file(const sim_checkpoint *ck, hid_t *f, sim_error *err)
{
    const char *path = ck->path;
    int reg = sim_file_regular(path); /* a FIFO would block */
    FILE *probe = reg == 0 ? fopen(path, "rb") : NULL;
    if (!probe)
        return SIM_FAIL(err, SIM_EINPUT, path, 0, "--checkpoint", "cannot read the checkpoint: %s",
                        sim_file_strerror(reg ? reg : errno));
    fclose(probe);
    if (H5Fis_hdf5(path) <= 0)
        return BAD("not an HDF5 file (a damaged or foreign file, not a troika checkpoint)");
    if ((*f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
        return h5_bad(ck, err, "the file");
    return SIM_OK;
}

/* A names attribute (joined_names(params)) equal to this troika's. */
static sim_status check_names(const sim_checkpoint *ck, hid_t f, const char *attr, int params,
                              sim_error *err)
{
    char *have = NULL, *want = NULL;
    sim_status s = SIM_OK;
    SIM_CALL(read_str(ck, f, attr, &have, err));
    if (!(want = joined_names(params))) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory reading %s", ck->path);
        goto fail;
    }
    if (strcmp(have, want) != 0) {
        char d[300];
        first_difference(have, want, d, sizeof d);
        s = BAD("the checkpoint's %s differ from this troika's (first: %s)",
                params ? "parameters" : "metrics", d);
    }
fail:
    free(have);
    free(want);
    return s;
}

/* A checkpoint of this kind, format, troika version, parameters and
 * metrics. */
static sim_status check_identity(const sim_checkpoint *ck, hid_t f, sim_error *err)
{
    char *format = NULL, *version = NULL;
    sim_status s = SIM_OK;
    /* file_kind and schema_version (docs/OUTPUT.md); checkpoints of troika
     * before 0.1 named them format and format_version */
    int legacy = H5Aexists(f, "file_kind") <= 0;
    const char *kind_attr = legacy ? "format" : "file_kind";
    if (H5Aexists(f, kind_attr) <= 0)
        return BAD("not a troika checkpoint (no 'file_kind' attribute; a run's output is not a "
                   "checkpoint)");
    SIM_CALL(read_str(ck, f, kind_attr, &format, err));
    if (strcmp(format, legacy ? CKPT_FORMAT_LEGACY : CKPT_FORMAT) != 0) {
        s = BAD("not a troika checkpoint (file_kind '%s')", format);
        goto fail;
    }
    int64_t fv = 0;
    SIM_CALL(read_int(ck, f, legacy ? "format_version" : "schema_version", 0, &fv, err));
    if (fv != CKPT_FORMAT_VERSION) {
        s = BAD("checkpoint format version %lld; this troika (%s) reads version %d only",
                (long long)fv, TROIKA_VERSION, CKPT_FORMAT_VERSION);
        goto fail;
    }
    SIM_CALL(read_str(ck, f, "troika_version", &version, err));
    if (strcmp(version, TROIKA_VERSION) != 0) {
        s = BAD("written by troika %s; this is troika %s, whose model may differ: resume "
                "with the version that wrote it",
                version, TROIKA_VERSION);
        goto fail;
    }
    SIM_CALL(check_names(ck, f, "parameter_keys", 1, err));
    SIM_CALL(check_names(ck, f, "metrics", 0, err));
fail:
    free(format);
    free(version);
    return s;
}

/* The run: scenario, seeds, day, next change, parameters. */
static sim_status read_run(sim_checkpoint *ck, hid_t f, sim_error *err)
{
    ckpt_info *in = &ck->info;
    double *pv = NULL;
    sim_status s = SIM_OK;
    SIM_CALL(read_str(ck, f, "scenario", &ck->scenario_name, err));
    SIM_CALL(read_str(ck, f, "parameters", &ck->resolved_ini, err));
    SIM_CALL(read_str(ck, f, "scenario_sources", &ck->sources, err));
    SIM_CALL(read_str(ck, f, "forked_from", &ck->forked_from, err));
    SIM_CALL(read_int(ck, f, "seed", 1, &in->seed, err));
    SIM_CALL(read_int(ck, f, "world_seed", 1, &in->world_seed, err));
    SIM_CALL(read_int(ck, f, "day", 0, &in->day, err));
    SIM_CALL(read_int(ck, f, "next_change", 0, &in->next_change, err));
    if (in->day < 1 || in->next_change < 0) {
        s = BAD("the checkpoint says day %lld, next policy change %lld (damaged)",
                (long long)in->day, (long long)in->next_change);
        goto fail;
    }
    in->scenario_name = ck->scenario_name;
    in->resolved_ini = ck->resolved_ini;
    in->sources = ck->sources;
    in->forked_from = ck->forked_from;
    SIM_CALL(read_expect(ck, f, "/run/params", SIM_V_F64, sim_param_count, 1, (void **)&pv, err));
    sim_params_default(&in->params);
    for (int i = 0; i < sim_param_count; i++) {
        SIM_CALL(sim_param_check_value(i, pv[i], ck->path, "/run/params", err));
        sim_param_put(&in->params, i, pv[i]);
    }
fail:
    free(pv);
    return s;
}

/* The result so far: city series, panels and their running sums. */
static sim_status read_result(sim_checkpoint *ck, hid_t f, sim_error *err)
{
    ckpt_info *in = &ck->info;
    SIM_TRY(err, read_expect(ck, f, "/result/city", SIM_V_F64, in->day, SIM_MET_N,
                             (void **)&ck->city, err));
    SIM_TRY(err, read_list(ck, f, "/result/sample_day", SIM_V_I64, &in->nsamples,
                           (void **)&ck->sample_day, err));
    SIM_TRY(err, read_list(ck, f, "/result/acc", SIM_V_F64, &in->nacc, (void **)&ck->acc, err));
    SIM_TRY(err, read_panels(ck, f, "/result/panel", compound_panel, "compounds", in->nsamples,
                             ck->panel, in->panel, &in->ncomp, err));
    SIM_TRY(err,
            read_list(ck, f, "/result/subacc", SIM_V_F64, &in->nsacc, (void **)&ck->sacc, err));
    SIM_TRY(err, read_panels(ck, f, "/result/subpanel", sim_metric_subpanel, "sub-districts",
                             in->nsamples, ck->subpanel, in->subpanel, &in->nsub, err));
    in->city = ck->city;
    in->sample_day = ck->sample_day;
    in->acc = ck->acc;
    in->sacc = ck->sacc;
    return check_result(ck, in, err);
}

/* Every entry of /state, read as it is (the registry checks them when the
 * state is restored). */
static sim_status read_state(sim_checkpoint *ck, hid_t f, sim_error *err)
{
    iter_arg a = {ck, f, err, SIM_OK};
    hid_t g = H5Gopen2(f, "/state", H5P_DEFAULT);
    if (g < 0)
        return h5_bad(ck, err, "/state");
    herr_t r = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, state_entry_cb, &a);
    H5Gclose(g);
    if (a.s != SIM_OK)
        return a.s;
    return r < 0 ? h5_bad(ck, err, "/state") : SIM_OK;
}

sim_status ckpt_load(const char *path, sim_checkpoint **out, sim_error *err)
{
    *out = NULL;
    sim_checkpoint *ck = calloc(1, sizeof *ck);
    if (!ck || !(ck->path = strdup(path))) {
        free(ck);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory reading %s", path);
    }
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    sim_status s = SIM_OK;
    hid_t f = H5I_INVALID_HID;
    SIM_CALL(open_file(ck, &f, err));
    SIM_CALL(check_identity(ck, f, err));
    SIM_CALL(read_run(ck, f, err));
    SIM_CALL(read_result(ck, f, err));
    SIM_CALL(read_state(ck, f, err));
    herr_t closed = H5Fclose(f);
    f = H5I_INVALID_HID;
    if (closed < 0) {
        s = h5_bad(ck, err, "the file");
        goto fail;
    }
    *out = ck;
    return SIM_OK;

fail:
    if (f >= 0)
        H5Fclose(f);
    ckpt_destroy(ck);
    return s;
}

/* ---- restoring ------------------------------------------------------------------ */

typedef struct {
    const sim_checkpoint *ck;
    unsigned char *used; /* [nent] */
    int cursor;
} get_arg;

static sim_status get_state(void *arg, const char *name, sim_vtype t, int64_t n, void *data,
                            sim_error *err)
{
    get_arg *a = arg;
    const sim_checkpoint *ck = a->ck;
    int k = -1;
    /* entries come in name order, registrations in model order: look near
     * the previous hit first, then everywhere */
    for (int j = 0; j < ck->nent && k < 0; j++) {
        int i = (a->cursor + j) % ck->nent;
        if (strcmp(ck->ent[i].name, name) == 0)
            k = i;
    }
    if (k < 0)
        return SIM_FAIL(err, SIM_EINPUT, ck->path, 0, name,
                        "the checkpoint has no state '%s' (written by a model without it?)", name);
    const ck_entry *e = &ck->ent[k];
    if (e->type != t || e->n != n)
        return SIM_FAIL(err, SIM_EINPUT, ck->path, 0, name,
                        "state '%s' is %s[%lld] in the checkpoint, the model has %s[%lld] "
                        "(another city or model)",
                        name, sim_vtype_name(e->type), (long long)e->n, sim_vtype_name(t),
                        (long long)n);
    if (!data) /* only asked whether the file has it */
        return SIM_OK;
    if (n > 0)
        memcpy(data, e->data, (size_t)n * sim_vtype_size(t));
    a->used[k] = 1;
    a->cursor = k + 1;
    return SIM_OK;
}

sim_status ckpt_restore(const sim_checkpoint *ck, sim_state *st, sim_error *err)
{
    get_arg a = {ck, calloc((size_t)(ck->nent ? ck->nent : 1), 1), 0};
    if (!a.used)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory restoring %s", ck->path);
    sim_status s = sim_state_load(st, get_state, &a, err);
    if (s == SIM_EINPUT && err && !err->file[0]) /* a value refused by the registry */
        snprintf(err->file, sizeof err->file, "%s", ck->path);
    for (int i = 0; s == SIM_OK && i < ck->nent; i++)
        if (!a.used[i] && !sim_state_is_retired(st, ck->ent[i].name))
            s = SIM_FAIL(err, SIM_EINPUT, ck->path, 0, ck->ent[i].name,
                         "the checkpoint has state '%s' that this model does not know "
                         "(written by another version of the model?)",
                         ck->ent[i].name);
    free(a.used);
    return s;
}
