/* analysis/sweep_store.c — see sweep_store.h; the schema is in docs/SWEEPS.md.
 *
 * HDF5 conventions as in sim/output.c: HDF5's automatic error printing is
 * off and every call is checked (H5C below: on failure the innermost HDF5
 * message goes into the error record and the function jumps to its one
 * `fail:` cleanup); object time tracking is off and nothing is timestamped,
 * so the datasets depend only on the plan and the results; files are
 * created under a temporary name claimed with O_EXCL, fsynced, renamed and
 * the folder fsynced.
 */
#include "sweep_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <hdf5.h>

#include "afile.h"
#include "h5.h"
#include "hold.h"
#include "inifile.h"
#include "troika_version.h"

#define SWS_SCHEMA "troika-sweep"        /* file_kind */
#define SWS_SCHEMA_LEGACY "troika sweep" /* before: attribute schema */
#define SWS_SCHEMA_VERSION 2             /* 2: netCDF-4 / CF axes (docs/SWEEPS.md) */
#define SWS_SCHEMA_OLDEST 1              /* still read: the same layout without the axes */
#define SWS_CHUNK_BYTES (256 * 1024)
#define SWS_DEFLATE 4
#define SWS_TMP_TRIES 1000
#define NOMEM(err, where) SIM_FAIL((err), SIM_ENOMEM, (where), 0, NULL, "out of memory")

/* ---- errors ------------------------------------------------------------------ */

/* Needs `sim_status s`, `sim_error *err`, `const char *where` and `fail:`
 * (core/h5's H5L_CHECK: a checksum mismatch is SIM_EINPUT, else SIM_EIO). */
#define H5C(expr, what) H5L_CHECK(err, where, expr, "%s", (what))

static sim_status sys_fail(sim_error *err, const char *where, int line, const char *func,
                           const char *what, const char *name)
{
    int e = errno;
    return sim_error_set(err, SIM_EIO, where, 0, NULL, __FILE__, line, func, "%s %s: %s", what,
                         name, strerror(e));
}
#define SYS_FAIL(what, name) sys_fail(err, where, __LINE__, __func__, (what), (name))

static void close_id(hid_t *id, herr_t (*closer)(hid_t))
{
    if (*id >= 0)
        (void)closer(*id);
    *id = H5I_INVALID_HID;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", dir, name);
    return s;
}

/* ---- small HDF5 writers (return < 0 on failure, close what they open) ---- */

typedef struct {
    hid_t str;  /* variable-length UTF-8 string */
    hid_t gcpl; /* no time tracking */
    hid_t dcpl;
} h5_types;

static herr_t types_open(h5_types *t)
{
    t->str = t->gcpl = t->dcpl = H5I_INVALID_HID;
    if ((t->str = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_size(t->str, H5T_VARIABLE) < 0 ||
        H5Tset_cset(t->str, H5T_CSET_UTF8) < 0)
        return -1;
    if ((t->gcpl = H5Pcreate(H5P_GROUP_CREATE)) < 0 || H5Pset_obj_track_times(t->gcpl, 0) < 0)
        return -1;
    if ((t->dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 || H5Pset_obj_track_times(t->dcpl, 0) < 0)
        return -1;
    return 0;
}

static void types_close(h5_types *t)
{
    close_id(&t->str, H5Tclose);
    close_id(&t->gcpl, H5Pclose);
    close_id(&t->dcpl, H5Pclose);
}

static herr_t attr_str(const h5_types *t, hid_t loc, const char *name, const char *v)
{
    const char *s = v ? v : "";
    return h5l_attr_scalar(loc, name, t->str, t->str, &s);
}
static herr_t attr_i64(hid_t loc, const char *name, int64_t v)
{
    return h5l_attr_i64(loc, name, v);
}
static herr_t attr_u64(hid_t loc, const char *name, uint64_t v)
{
    return h5l_attr_scalar(loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v);
}

/* A dataset of rank 0 (dims NULL), 1 or 2, checksummed (h5l_dcpl), written whole. */
static hid_t dset_new(const h5_types *t, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                      int rank, const hsize_t *dims, const void *data)
{
    hid_t sp = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
    hid_t d = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    int empty = 0;
    for (int k = 0; k < rank; k++)
        empty |= dims[k] == 0;
    if (sp >= 0)
        dcpl = h5l_dcpl(sp, ftype);
    if (dcpl >= 0)
        d = H5Dcreate2(loc, name, ftype, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (d >= 0 && !empty && H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        H5Dclose(d);
        d = H5I_INVALID_HID;
    }
    if (sp >= 0)
        H5Sclose(sp);
    return d;
}

/* dset_new, a "description" and a CF "long_name" (the same text) and an
 * optional "units" attribute, closed. */
static herr_t dset_doc(const h5_types *t, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                       int rank, const hsize_t *dims, const void *data, const char *units,
                       const char *doc)
{
    hid_t d = dset_new(t, loc, name, ftype, mtype, rank, dims, data);
    if (d < 0)
        return -1;
    herr_t r = 0;
    if (units && attr_str(t, d, "units", units) < 0)
        r = -1;
    if (doc && (attr_str(t, d, "description", doc) < 0 || h5l_cf(d, doc, NULL) < 0))
        r = -1;
    if (H5Dclose(d) < 0)
        r = -1;
    return r;
}

/* ---- small HDF5 readers -------------------------------------------------------- */

static herr_t read_attr_str(const h5_types *t, hid_t loc, const char *name, char **out)
{
    *out = NULL;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0)
        return -1;
    /* one variable-length string, as written: libhdf5 1.10 can loop for
     * ever converting a damaged attribute of another type into one */
    hid_t ft = H5Aget_type(a), sp = H5Aget_space(a);
    int is_str = ft >= 0 && H5Tget_class(ft) == H5T_STRING && H5Tis_variable_str(ft) > 0 &&
                 sp >= 0 && H5Sget_simple_extent_npoints(sp) == 1;
    if (ft >= 0)
        H5Tclose(ft);
    if (sp >= 0)
        H5Sclose(sp);
    if (!is_str) {
        H5Aclose(a);
        return -1;
    }
    char *v = NULL;
    herr_t r = H5Aread(a, t->str, &v);
    H5Aclose(a);
    if (r < 0)
        return -1;
    *out = dup_str(v ? v : "");
    H5free_memory(v);
    return *out ? 0 : -1;
}

static herr_t read_attr_num(hid_t loc, const char *name, hid_t mtype, void *out)
{
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0)
        return -1;
    herr_t r = H5Aread(a, mtype, out);
    H5Aclose(a);
    return r;
}

/* Dims of a dataset (rank <= 2; missing dims are 1). */
static herr_t dset_dims(hid_t loc, const char *name, int *rank, hsize_t dims[2])
{
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0)
        return -1;
    hid_t sp = H5Dget_space(d);
    int r = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    dims[0] = dims[1] = 1;
    if (r >= 0 && r <= 2 && H5Sget_simple_extent_dims(sp, dims, NULL) < 0)
        r = -1;
    if (sp >= 0)
        H5Sclose(sp);
    H5Dclose(d);
    if (r < 0 || r > 2)
        return -1;
    *rank = r;
    return 0;
}

/* Read a whole dataset of n elements (dims checked by the caller). */
static herr_t read_all(hid_t loc, const char *name, hid_t mtype, void *out)
{
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0)
        return -1;
    herr_t r = H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
    H5Dclose(d);
    return r;
}

/* Read a 0-d string dataset. */
static herr_t read_str0(const h5_types *t, hid_t loc, const char *name, char **out)
{
    char *v = NULL;
    *out = NULL;
    if (read_all(loc, name, t->str, &v) < 0) {
        H5free_memory(v); /* in case the read failed after converting it */
        return -1;
    }
    *out = dup_str(v ? v : "");
    H5free_memory(v);
    return *out ? 0 : -1;
}

/* Read a 1-d string dataset of exactly n elements into fresh copies. */
static herr_t read_strs(const h5_types *t, hid_t loc, const char *name, int64_t n, char **out)
{
    int rank;
    hsize_t dims[2];
    if (dset_dims(loc, name, &rank, dims) < 0 || rank != 1 || (int64_t)dims[0] != n)
        return -1;
    char **v = calloc((size_t)(n ? n : 1), sizeof *v);
    if (!v)
        return -1;
    herr_t r = n ? read_all(loc, name, t->str, v) : 0;
    for (int64_t i = 0; i < n; i++) {
        out[i] = r >= 0 ? dup_str(v[i] ? v[i] : "") : NULL;
        if (r >= 0 && !out[i])
            r = -1;
        H5free_memory(v[i]);
    }
    free(v);
    return r;
}

/* Read a numeric dataset whose dims must be (d0) or (d0, d1). */
static herr_t read_num(hid_t loc, const char *name, hid_t mtype, int rank, hsize_t d0, hsize_t d1,
                       void *out)
{
    int r;
    hsize_t dims[2];
    if (dset_dims(loc, name, &r, dims) < 0 || r != rank || dims[0] != d0 ||
        (rank == 2 && dims[1] != d1))
        return -1;
    if (d0 == 0 || (rank == 2 && d1 == 0))
        return 0;
    return read_all(loc, name, mtype, out);
}

/* ---- the parts folder ------------------------------------------------------------ */

struct sws_parts {
    char *dir;
    const swp_plan *p; /* borrowed */
    int lock_fd;
    uint8_t *done;
    int64_t ndone;
};

const uint8_t *sws_parts_done(const sws_parts *pp)
{
    return pp->done;
}
int64_t sws_parts_ndone(const sws_parts *pp)
{
    return pp->ndone;
}
const char *sws_parts_dir(const sws_parts *pp)
{
    return pp->dir;
}

static void part_name(const sws_parts *pp, int64_t run, char *buf, size_t n)
{
    snprintf(buf, n, "%s/run-%08lld.h5", pp->dir, (long long)run);
}

/* "run-00000042.h5" -> 42; -1 if the name is not a part's. */
static int64_t part_index(const char *name)
{
    if (strncmp(name, "run-", 4) != 0)
        return -1;
    const char *p = name + 4;
    int64_t v = 0;
    int nd = 0;
    for (; *p >= '0' && *p <= '9'; p++, nd++)
        v = v * 10 + (*p - '0');
    if (nd < 8 || nd > 12 || strcmp(p, ".h5") != 0)
        return -1;
    return v;
}

/* A line of text (1-based), at most n-1 characters, for messages. */
static void nth_line(const char *text, int line, char *buf, size_t n)
{
    const char *p = text;
    for (int k = 1; k < line && p; k++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p) {
        snprintf(buf, n, "(end of text)");
        return;
    }
    size_t len = strcspn(p, "\n");
    snprintf(buf, n, "%.*s", (int)(len < n - 1 ? len : n - 1), p);
}

/* Explain how identity `old` (in the folder) differs from `now`. */
static sim_status identity_mismatch(const char *dir, const char *old, const char *now,
                                    const swp_plan *p, sim_error *err)
{
    int line = 1;
    const char *a = old, *b = now;
    while (*a && *a == *b) {
        if (*a == '\n')
            line++;
        a++;
        b++;
    }
    char was[160], is[160];
    nth_line(old, line, was, sizeof was);
    nth_line(now, line, is, sizeof is);
    /* find where the sweep file starts and ends in `now` */
    const char *mark = strstr(now, "; ---- the sweep file:\n");
    const char *bmark = strstr(now, "\n; ---- the base scenario, resolved:\n");
    int sweep_first = 0, base_first = 0, l = 1;
    for (const char *q = now; *q; q++) {
        if (q == mark)
            sweep_first = l + 1;
        if (bmark && q == bmark + 1)
            base_first = l + 1;
        if (*q == '\n')
            l++;
    }
    const char *fix = "allowed: restore it, write to another -o, or --restart to discard the "
                      "finished runs";
    if (sweep_first && line < sweep_first)
        return SIM_FAIL(err, SIM_EINPUT, p->path, 0, NULL,
                        "%s holds runs of another build of troika (%s; this is %s): results "
                        "of two model versions would mix (allowed: the build that started "
                        "it, another -o, or --restart to discard its runs)",
                        dir, was, is);
    if (base_first && line >= base_first)
        return SIM_FAIL(err, SIM_EINPUT, p->path, 0, NULL,
                        "the base scenario changed since the runs in %s were made (resolved, "
                        "'%s' is now '%s'); a sweep must not mix them (%s)",
                        dir, was, is, fix);
    return SIM_FAIL(err, SIM_EINPUT, p->path, line - sweep_first + 1, NULL,
                    "the sweep file changed since the runs in %s were made (this line was "
                    "'%s', is now '%s'); a sweep must not mix them (%s)",
                    dir, was, is, fix);
}

/* Read a whole small text file; NULL if it does not exist (errno ENOENT). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *t = realloc(buf, cap *= 2);
            if (!t) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = t;
        }
        size_t k = fread(buf + n, 1, cap - n - 1, f);
        n += k;
        if (k == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* Write a small text file atomically (core/afile; replaces an older one). */
static sim_status write_text(const char *path, const char *text, sim_error *err)
{
    return afile_write_all(path, 1, "-o", text, strlen(text), err);
}

/* Check one part: readable, same identity, run `run`, right shape. */
/* The index of the first of n values that is NaN or infinite, or -1. */
static int64_t first_nonfinite(const double *v, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return i;
    return -1;
}

/* SIM_EINPUT naming path and dataset `what` when one of its n values is
 * not finite (the schema says finite: a damaged or edited file). */
static sim_status refuse_nonfinite(const char *path, const char *what, const double *v, int64_t n,
                                   int64_t row_len, sim_error *err)
{
    int64_t i = first_nonfinite(v, n);
    if (i < 0)
        return SIM_OK;
    return SIM_FAIL(err, SIM_EINPUT, path, 0, what,
                    "row %lld, column %lld is %g, where the schema says a finite number (a "
                    "damaged or edited file)",
                    (long long)(i / row_len), (long long)(i % row_len), v[i]);
}

/* A part of this sweep and run whose values are all finite. */
static int part_ok(const sws_parts *pp, const char *path, int64_t run)
{
    struct stat st; /* a FIFO or a link would block or lead elsewhere */
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        H5Eclear2(H5E_DEFAULT);
        return 0;
    }
    uint64_t hash = 0;
    int64_t r = -1;
    int rank = 0;
    hsize_t dims[2];
    int ok = read_attr_num(f, "identity_hash", H5T_NATIVE_UINT64, &hash) >= 0 &&
             read_attr_num(f, "run", H5T_NATIVE_INT64, &r) >= 0 &&
             dset_dims(f, "values", &rank, dims) >= 0;
    ok = ok && hash == pp->p->hash && r == run && rank == 2 &&
         dims[0] == (hsize_t)pp->p->nmetrics && dims[1] == (hsize_t)pp->p->days;
    const int64_t n = (int64_t)pp->p->nmetrics * pp->p->days;
    double *v = ok ? malloc((size_t)(n ? n : 1) * sizeof *v) : NULL;
    ok = ok && v && read_all(f, "values", H5T_NATIVE_DOUBLE, v) >= 0 && first_nonfinite(v, n) < 0;
    free(v);
    H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    return ok;
}

/* Take the folder's lock (fcntl: released when the process dies). */
static sim_status take_lock(sws_parts *pp, sim_error *err)
{
    const char *where = pp->dir;
    char *lock = path_join(pp->dir, "LOCK");
    if (!lock)
        return NOMEM(err, pp->dir);
    pp->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (pp->lock_fd < 0) {
        sim_status s = SYS_FAIL("cannot open", lock);
        free(lock);
        return s;
    }
    free(lock);
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(pp->lock_fd, F_SETLK, &fl) == 0)
        return SIM_OK;
    if (errno != EACCES && errno != EAGAIN)
        return SYS_FAIL("cannot lock", pp->dir);
    long pid = 0;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(pp->lock_fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
        pid = (long)fl.l_pid;
    return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o",
                    "%s is in use by another troika sweep (pid %ld); wait for it to end, or "
                    "write to another -o",
                    pp->dir, pid);
}

/* Remove parts (all, or only temporary files when temps_only). */
static sim_status clean_dir(sws_parts *pp, int temps_only, sim_error *err)
{
    const char *where = pp->dir;
    DIR *d = opendir(pp->dir);
    if (!d)
        return SYS_FAIL("cannot read the folder", pp->dir);
    struct dirent *e;
    sim_status s = SIM_OK;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        int temp = n[0] == '.' && strstr(n, ".tmp-") != NULL;
        int ours = temp || part_index(n) >= 0 || !strcmp(n, "SWEEP");
        if (!ours || (temps_only && !temp))
            continue;
        char *full = path_join(pp->dir, n);
        if (!full) {
            s = NOMEM(err, pp->dir);
            break;
        }
        if (unlink(full) != 0 && errno != ENOENT) {
            s = SYS_FAIL("cannot remove", full);
            free(full);
            break;
        }
        free(full);
    }
    closedir(d);
    return s;
}

sim_status sws_parts_open(sws_parts **out, const char *dir, const swp_plan *p, int restart,
                          FILE *log, sim_error *err)
{
    const char *where = dir;
    sim_status s = SIM_OK;
    char *idpath = NULL, *old = NULL;
    DIR *d = NULL;
    *out = NULL;
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    sws_parts *pp = calloc(1, sizeof *pp);
    if (!pp)
        return NOMEM(err, dir);
    pp->lock_fd = -1;
    pp->p = p;
    pp->dir = dup_str(dir);
    pp->done = calloc((size_t)p->nruns, 1);
    idpath = path_join(dir, "SWEEP");
    if (!pp->dir || !pp->done || !idpath) {
        s = NOMEM(err, dir);
        goto fail;
    }
    struct stat st;
    /* a link is never followed: the sweep removes files in this folder */
    if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode)) {
        s = SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o",
                     "%s is a symbolic link; the sweep keeps and removes its finished runs "
                     "there and does not follow links (remove the link or write to another "
                     "-o)",
                     dir);
        goto fail;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        s = SYS_FAIL("cannot create the folder", dir);
        if (errno == ENOENT || errno == EACCES || errno == EROFS)
            s = SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o", "cannot create %s: %s", dir,
                         strerror(errno));
        goto fail;
    }
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        s = SIM_FAIL(err, SIM_EINPUT, NULL, 0, "-o",
                     "%s exists and is not a folder; the sweep keeps its finished runs there "
                     "(move it away)",
                     dir);
        goto fail;
    }
    SIM_CALL(take_lock(pp, err));
    if (restart)
        SIM_CALL(clean_dir(pp, 0, err));
    else
        SIM_CALL(clean_dir(pp, 1, err));

    old = slurp(idpath);
    if (!old && errno != ENOENT) {
        s = SYS_FAIL("cannot read", idpath);
        goto fail;
    }
    if (old && strcmp(old, p->identity) != 0) {
        s = identity_mismatch(dir, old, p->identity, p, err);
        goto fail;
    }
    if (!old)
        SIM_CALL(write_text(idpath, p->identity, err));

    d = opendir(dir);
    if (!d) {
        s = SYS_FAIL("cannot read the folder", dir);
        goto fail;
    }
    struct dirent *e;
    char full[4200];
    while ((e = readdir(d))) {
        int64_t run = part_index(e->d_name);
        if (run < 0)
            continue;
        snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
        if (run < p->nruns && part_ok(pp, full, run)) {
            if (!pp->done[run])
                pp->ndone++;
            pp->done[run] = 1;
            continue;
        }
        if (log)
            fprintf(log,
                    "troika sweep: %s is unreadable or not of this sweep; removed, its run "
                    "is redone\n",
                    full);
        if (unlink(full) != 0 && errno != ENOENT) {
            s = SYS_FAIL("cannot remove", full);
            goto fail;
        }
    }
    closedir(d);
    d = NULL;
    free(idpath);
    free(old);
    *out = pp;
    return SIM_OK;
fail:
    if (d)
        closedir(d);
    free(idpath);
    free(old);
    sws_parts_close(pp);
    return s;
}

void sws_parts_close(sws_parts *pp)
{
    if (!pp)
        return;
    if (pp->lock_fd >= 0)
        close(pp->lock_fd); /* releases the lock */
    free(pp->dir);
    free(pp->done);
    free(pp);
}

/* The HDF5 part of sws_parts_put (inside the critical section). */
static sim_status write_part(const sws_parts *pp, const char *tmp, int64_t run,
                             const double *values, sim_error *err)
{
    const char *where = tmp;
    const swp_plan *p = pp->p;
    sim_status s = SIM_OK;
    hid_t fcpl = H5I_INVALID_HID, f = H5I_INVALID_HID;
    h5_types t;
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    H5C(types_open(&t), "HDF5 types");
    H5C(fcpl = H5Pcreate(H5P_FILE_CREATE), "file properties");
    H5C(H5Pset_obj_track_times(fcpl, 0), "file properties");
    H5C(f = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT), "creating the part");
    H5C(attr_u64(f, "identity_hash", p->hash), "attribute identity_hash");
    H5C(attr_i64(f, "run", run), "attribute run");
    H5C(attr_i64(f, "point", swp_point(p, run)), "attribute point");
    H5C(attr_i64(f, "replicate", swp_replicate(p, run)), "attribute replicate");
    H5C(attr_u64(f, "seed", swp_seed(p, run)), "attribute seed");
    H5C(attr_i64(f, "days", p->days), "attribute days");
    H5C(attr_str(&t, f, "git_commit", TROIKA_GIT_COMMIT), "attribute git_commit");
    hsize_t dims[2] = {(hsize_t)p->nmetrics, (hsize_t)p->days};
    H5C(dset_doc(&t, f, "values", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dims, values, NULL,
                 "metric x day, metrics in the order of the sweep's list"),
        "dataset values");
    hsize_t k = (hsize_t)p->nfactors;
    H5C(dset_doc(&t, f, "params", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &k,
                 p->values + swp_point(p, run) * p->nfactors, NULL, "varied parameters"),
        "dataset params");
    H5C(H5Fclose(f), "closing the part");
    f = H5I_INVALID_HID;
fail:
    close_id(&f, H5Fclose);
    close_id(&fcpl, H5Pclose);
    types_close(&t);
    return s;
}

sim_status sws_parts_put(sws_parts *pp, int64_t run, const double *values, sim_error *err)
{
    const swp_plan *p = pp->p;
    char fin[4200];
    part_name(pp, run, fin, sizeof fin);
    for (int64_t i = 0; i < (int64_t)p->nmetrics * p->days; i++)
        if (!isfinite(values[i]))
            return SIM_FAIL(err, SIM_ENUMERIC, NULL, 0, NULL,
                            "run %lld: metric %s is not finite on day %lld", (long long)run,
                            p->metrics[i / p->days], (long long)(i % p->days));
    afile_file *af = NULL;
    sim_status s = afile_open_kept(&af, fin, 1, "-o", err);
    if (s != SIM_OK) {
        sim_error_push(err, __FILE__, __LINE__, __func__);
        return s;
    }
#pragma omp critical(troika_hdf5)
    s = write_part(pp, afile_temp(af), run, values, err);
    if (s != SIM_OK) {
        afile_abort(af);
        sim_error_push(err, __FILE__, __LINE__, __func__);
        return s;
    }
    SIM_TRY(err, afile_commit(af, err));
#pragma omp critical(troika_sweep_counter)
    {
        if (!pp->done[run])
            pp->ndone++;
        pp->done[run] = 1;
    }
    return SIM_OK;
}

sim_status sws_parts_get(const sws_parts *pp, int64_t run, double *values, sim_error *err)
{
    const swp_plan *p = pp->p;
    char path[4200];
    const char *where = path;
    part_name(pp, run, path, sizeof path);
    sim_status s = SIM_OK;
    hid_t f = H5I_INVALID_HID;
    H5C(f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), "opening the part");
    H5C(read_num(f, "values", H5T_NATIVE_DOUBLE, 2, (hsize_t)p->nmetrics, (hsize_t)p->days, values),
        "reading the part's values");
    s = refuse_nonfinite(path, "values", values, (int64_t)p->nmetrics * p->days, p->days, err);
fail:
    close_id(&f, H5Fclose);
    return s;
}

sim_status sws_parts_remove(sws_parts *pp, sim_error *err)
{
    const char *where = pp->dir;
    sim_status s = clean_dir(pp, 0, err);
    if (s == SIM_OK) {
        char *lock = path_join(pp->dir, "LOCK");
        if (!lock)
            s = NOMEM(err, pp->dir);
        else if (unlink(lock) != 0 && errno != ENOENT)
            s = SYS_FAIL("cannot remove", lock);
        free(lock);
    }
    if (s == SIM_OK && rmdir(pp->dir) != 0 && errno != ENOENT)
        s = SYS_FAIL("cannot remove the folder", pp->dir);
    sws_parts_close(pp);
    return s;
}

/* ---- the output file ---------------------------------------------------------------- */

int64_t sws_chunk_rows(const swp_plan *p)
{
    int64_t r = SWS_CHUNK_BYTES / (8 * (p->days > 0 ? p->days : 1));
    if (r < 1)
        r = 1;
    return r < p->nruns ? r : p->nruns;
}

static const char runs_doc[] =
    "One row per run: run i is design point i / replicates, replicate i % replicates.";

/* /sweep: the sweep's description and texts. */
static sim_status write_sweep_group(const h5_types *t, hid_t file, const swp_plan *p,
                                    const char *where, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t g = H5I_INVALID_HID, d = H5I_INVALID_HID;
    char hex[32];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)p->hash);
    H5C(g = H5Gcreate2(file, "sweep", H5P_DEFAULT, t->gcpl, H5P_DEFAULT), "/sweep");
    H5C(attr_str(t, g, "name", p->name), "/sweep name");
    H5C(attr_str(t, g, "description", p->description), "/sweep description");
    H5C(attr_str(t, g, "design", swp_design_name(p->design)), "/sweep design");
    H5C(attr_i64(g, "samples", p->samples), "/sweep samples");
    H5C(attr_i64(g, "replicates", p->replicates), "/sweep replicates");
    H5C(attr_u64(g, "seed", p->seed), "/sweep seed");
    H5C(attr_str(t, g, "seeds", swp_seeds_name(p->seeds)), "/sweep seeds");
    H5C(attr_i64(g, "days", p->days), "/sweep days");
    H5C(attr_i64(g, "points", p->npoints), "/sweep points");
    H5C(attr_i64(g, "runs", p->nruns), "/sweep runs");
    H5C(attr_str(t, g, "identity_hash", hex), "/sweep identity_hash");
    H5C(dset_doc(t, g, "text", t->str, t->str, 0, NULL, &p->text, NULL,
                 "The sweep file, exactly as read."),
        "/sweep/text");
    H5C(dset_doc(t, g, "identity", t->str, t->str, 0, NULL, &p->identity, NULL,
                 "What a resumed sweep must match: the troika commit, the sweep file and "
                 "the base scenario resolved (every parameter and policy)."),
        "/sweep/identity");
    hsize_t nm = (hsize_t)p->nmetrics;
    H5C(dset_doc(t, g, "metrics", t->str, t->str, 1, &nm, p->metrics, NULL,
                 "The metrics kept, each a dataset /runs/<name>."),
        "/sweep/metrics");
    H5C(d = H5Dopen2(g, "metrics", H5P_DEFAULT), "/sweep/metrics");
    H5C(h5l_axis(d, "metrics"), "/sweep/metrics");
    H5C(H5Dclose(d), "/sweep/metrics");
    d = H5I_INVALID_HID;
    H5C(H5Gclose(g), "/sweep");
    g = H5I_INVALID_HID;
fail:
    close_id(&d, H5Dclose);
    close_id(&g, H5Gclose);
    return s;
}

/* Make dataset `name` of g the axis `name` (netCDF-4 dimension scale). */
static herr_t axis_named(hid_t g, const char *name)
{
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    if (d < 0)
        return -1;
    herr_t r = h5l_axis(d, name);
    if (H5Dclose(d) < 0)
        r = -1;
    return r;
}

/* Open the axes names[0..n-1] of g into ax (closed by the caller). */
static herr_t axes_open(hid_t g, int n, const char *const *names, hid_t *ax)
{
    for (int i = 0; i < n; i++)
        ax[i] = H5I_INVALID_HID;
    for (int i = 0; i < n; i++)
        if ((ax[i] = H5Dopen2(g, names[i], H5P_DEFAULT)) < 0)
            return -1;
    return 0;
}

static void axes_close(int n, hid_t *ax)
{
    for (int i = 0; i < n; i++)
        close_id(&ax[i], H5Dclose);
}

/* /design: the factors and the design matrix. */
static sim_status write_design_group(const h5_types *t, hid_t file, const swp_plan *p,
                                     const swp_tables *tb, const char *where, sim_error *err)
{
    sim_status s = SIM_OK;
    hid_t g = H5I_INVALID_HID;
    int k = p->nfactors;
    const char **keys = calloc((size_t)k, sizeof *keys),
               **scales = calloc((size_t)k, sizeof *scales),
               **specs = calloc((size_t)k, sizeof *specs),
               **units = calloc((size_t)k, sizeof *units);
    double *lo = calloc((size_t)k, sizeof *lo), *hi = calloc((size_t)k, sizeof *hi);
    int64_t *lev = calloc((size_t)k, sizeof *lev);
    int8_t *role = calloc((size_t)p->npoints, sizeof *role);
    int64_t *row = calloc((size_t)p->npoints, sizeof *row);
    int64_t *pt = calloc((size_t)p->npoints, sizeof *pt);
    hid_t ax[2] = {H5I_INVALID_HID, H5I_INVALID_HID}; /* point, factor */
    if (!keys || !scales || !specs || !units || !lo || !hi || !lev || !role || !row || !pt) {
        s = NOMEM(err, where);
        goto fail;
    }
    for (int j = 0; j < k; j++) {
        const swp_factor *f = &p->factors[j];
        keys[j] = f->key;
        scales[j] = swp_scale_name(f->scale);
        specs[j] = f->spec ? f->spec : "";
        units[j] = f->param >= 0 ? tb->params[f->param].unit : "";
        lo[j] = f->lo;
        hi[j] = f->hi;
        lev[j] = f->levels;
    }
    for (int64_t q = 0; q < p->npoints; q++) {
        int sal = p->design == SWP_SALTELLI;
        role[q] = (int8_t)(sal ? swp_saltelli_role(p, q) : -1);
        row[q] = sal ? q / (k + 2) : q;
        pt[q] = q;
    }
    hsize_t dk = (hsize_t)k, dp = (hsize_t)p->npoints, d2[2] = {dp, dk};
    H5C(g = H5Gcreate2(file, "design", H5P_DEFAULT, t->gcpl, H5P_DEFAULT), "/design");
    H5C(dset_doc(t, g, "factor", t->str, t->str, 1, &dk, keys, NULL,
                 "The varied parameters (section.name), the columns of /design/values and "
                 "/runs/params."),
        "/design/factor");
    H5C(dset_doc(t, g, "units", t->str, t->str, 1, &dk, units, NULL,
                 "Unit of each varied parameter."),
        "/design/units");
    H5C(dset_doc(t, g, "scale", t->str, t->str, 1, &dk, scales, NULL,
                 "linear or log (a range), or list."),
        "/design/scale");
    H5C(dset_doc(t, g, "spec", t->str, t->str, 1, &dk, specs, NULL,
                 "Each factor as written in the sweep file."),
        "/design/spec");
    H5C(dset_doc(t, g, "lo", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &dk, lo, NULL,
                 "Lower end of the range (a list: its smallest value)."),
        "/design/lo");
    H5C(dset_doc(t, g, "hi", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &dk, hi, NULL,
                 "Upper end of the range (a list: its largest value)."),
        "/design/hi");
    H5C(dset_doc(t, g, "levels", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, &dk, lev, NULL,
                 "Grid levels of a range, or the number of values of a list; 0 otherwise."),
        "/design/levels");
    H5C(dset_doc(t, g, "unit", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, d2, p->unit, NULL,
                 "Design point x factor: the coordinate in [0, 1] that gives the value."),
        "/design/unit");
    H5C(dset_doc(t, g, "values", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, d2, p->values, NULL,
                 "Design point x factor: the parameter values."),
        "/design/values");
    H5C(dset_doc(t, g, "role", H5T_STD_I8LE, H5T_NATIVE_INT8, 1, &dp, role, NULL,
                 "Saltelli: 0 = matrix A, 1 = B, 2 + j = A with column j from B; -1 for "
                 "other designs."),
        "/design/role");
    H5C(dset_doc(t, g, "row", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, &dp, row, NULL,
                 "Saltelli: the base sample the point belongs to; other designs: the point."),
        "/design/row");
    /* the axes (netCDF-4 / CF): point and factor */
    H5C(dset_doc(t, g, "point", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, &dp, pt, NULL,
                 "Design point number, 0-based: the first axis of /design/values."),
        "/design/point");
    static const char *const design_axes[2] = {"point", "factor"};
    H5C(axis_named(g, "point"), "/design/point");
    H5C(axis_named(g, "factor"), "/design/factor");
    H5C(axes_open(g, 2, design_axes, ax), "/design axes");
    static const char *const per_factor[] = {"units", "scale", "spec", "lo", "hi", "levels"};
    for (size_t i = 0; i < sizeof per_factor / sizeof per_factor[0]; i++)
        H5C(h5l_attach_named(g, per_factor[i], 1, &ax[1]), per_factor[i]);
    H5C(h5l_attach_named(g, "unit", 2, ax), "/design/unit");
    H5C(h5l_attach_named(g, "values", 2, ax), "/design/values");
    H5C(h5l_attach_named(g, "role", 1, ax), "/design/role");
    H5C(h5l_attach_named(g, "row", 1, ax), "/design/row");
    axes_close(2, ax);
    H5C(H5Gclose(g), "/design");
    g = H5I_INVALID_HID;
fail:
    close_id(&g, H5Gclose);
    free(keys);
    free(scales);
    free(specs);
    free(units);
    free(lo);
    free(hi);
    free(lev);
    free(role);
    free(row);
    free(pt);
    axes_close(2, ax);
    return s;
}

/* /runs without the metric series. */
static sim_status write_runs_small(const h5_types *t, hid_t g, const swp_plan *p,
                                   const uint8_t *done, const char *where, sim_error *err)
{
    sim_status s = SIM_OK;
    int k = p->nfactors;
    int64_t n = p->nruns;
    int64_t *point = malloc((size_t)n * sizeof *point), *rep = malloc((size_t)n * sizeof *rep);
    uint64_t *seed = malloc((size_t)n * sizeof *seed);
    double *params = malloc((size_t)n * (size_t)k * sizeof *params);
    int64_t *day = malloc((size_t)p->days * sizeof *day);
    int64_t *run = malloc((size_t)n * sizeof *run);
    const char **names = calloc((size_t)k, sizeof *names);
    hid_t d = H5I_INVALID_HID, sp = H5I_INVALID_HID, a = H5I_INVALID_HID;
    hid_t ax[3] = {H5I_INVALID_HID, H5I_INVALID_HID, H5I_INVALID_HID}; /* run, parameter, day */
    if (!point || !rep || !seed || !params || !day || !run || !names) {
        s = NOMEM(err, where);
        goto fail;
    }
    for (int64_t r = 0; r < n; r++) {
        point[r] = swp_point(p, r);
        rep[r] = swp_replicate(p, r);
        seed[r] = swp_seed(p, r);
        run[r] = r;
        memcpy(params + r * k, p->values + point[r] * k, (size_t)k * sizeof *params);
    }
    for (int64_t i = 0; i < p->days; i++)
        day[i] = i;
    for (int j = 0; j < k; j++)
        names[j] = p->factors[j].key;
    hsize_t dn = (hsize_t)n, dk = (hsize_t)k, d2[2] = {dn, dk}, dd = (hsize_t)p->days;
    H5C(dset_doc(t, g, "point", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, &dn, point, NULL,
                 "Design point of each run (row of /design/values)."),
        "/runs/point");
    H5C(dset_doc(t, g, "replicate", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, &dn, rep, NULL,
                 "Replicate of each run at its point, 0-based."),
        "/runs/replicate");
    H5C(dset_doc(t, g, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, 1, &dn, seed, NULL,
                 "run.seed of each run: a function of the master seed and the run alone."),
        "/runs/seed");
    H5C(dset_doc(t, g, "done", H5T_STD_U8LE, H5T_NATIVE_UINT8, 1, &dn, done, NULL,
                 "1 if the run's series are in this file; 0 (series NaN) if not, e.g. a "
                 "run of another shard."),
        "/runs/done");
    H5C(dset_doc(t, g, "param_names", t->str, t->str, 1, &dk, names, NULL,
                 "The columns of /runs/params."),
        "/runs/param_names");
    H5C(d = dset_new(t, g, "params", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, d2, params),
        "/runs/params");
    H5C(attr_str(t, d, "description", "Run x varied parameter: the values of each run."),
        "/runs/params description");
    H5C(h5l_cf(d, "Run x varied parameter: the values of each run.", NULL),
        "/runs/params long_name");
    H5C(sp = H5Screate_simple(1, &dk, NULL), "/runs/params names");
    H5C(a = H5Acreate2(d, "names", t->str, sp, H5P_DEFAULT, H5P_DEFAULT), "/runs/params names");
    H5C(H5Awrite(a, t->str, names), "/runs/params names");
    H5C(H5Aclose(a), "/runs/params names");
    a = H5I_INVALID_HID;
    H5C(H5Dclose(d), "/runs/params");
    d = H5I_INVALID_HID;
    H5C(dset_doc(t, g, "day", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, &dd, day, "day",
                 "Simulated day, 0 = the first: the second axis of every /runs/<metric>."),
        "/runs/day");
    /* the axes (netCDF-4 / CF): run, parameter (the varied parameters' keys)
     * and day */
    H5C(dset_doc(t, g, "run", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, &dn, run, NULL,
                 "Run number, 0-based: the first axis of every /runs/<metric>."),
        "/runs/run");
    H5C(dset_doc(t, g, "parameter", t->str, t->str, 1, &dk, names, NULL,
                 "The varied parameters (section.name): the second axis of /runs/params."),
        "/runs/parameter");
    static const char *const runs_axes[3] = {"run", "parameter", "day"};
    for (int i = 0; i < 3; i++)
        H5C(axis_named(g, runs_axes[i]), runs_axes[i]);
    H5C(axes_open(g, 3, runs_axes, ax), "/runs axes");
    H5C(h5l_time(ax[2], NULL), "/runs/day"); /* long_name: its description */
    static const char *const per_run[] = {"point", "replicate", "seed", "done"};
    for (size_t i = 0; i < sizeof per_run / sizeof per_run[0]; i++)
        H5C(h5l_attach_named(g, per_run[i], 1, ax), per_run[i]);
    H5C(h5l_attach_named(g, "param_names", 1, &ax[1]), "/runs/param_names");
    H5C(h5l_attach_named(g, "params", 2, ax), "/runs/params");
fail:
    axes_close(3, ax);
    close_id(&a, H5Aclose);
    close_id(&sp, H5Sclose);
    close_id(&d, H5Dclose);
    free(point);
    free(rep);
    free(seed);
    free(params);
    free(day);
    free(run);
    free(names);
    return s;
}

sim_status sws_write(const char *path, int force, const swp_plan *p, const swp_tables *tb,
                     const uint8_t *done, sws_source src, void *user, const sws_prov *pv,
                     sim_error *err)
{
    const char *where = path;
    sim_status s = SIM_OK;
    afile_file *af = NULL;
    hid_t fcpl = H5I_INVALID_HID, file = H5I_INVALID_HID, g = H5I_INVALID_HID;
    hid_t dcpl = H5I_INVALID_HID, msp = H5I_INVALID_HID, fsp = H5I_INVALID_HID;
    hid_t *ds = NULL;
    hid_t ax[2] = {H5I_INVALID_HID, H5I_INVALID_HID}; /* run, day */
    double *block = NULL;
    h5_types t;
    t.str = t.gcpl = t.dcpl = H5I_INVALID_HID;
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    SIM_TRY(err, afile_open(&af, path, force, "-o", err));
    int nm = p->nmetrics;
    int64_t C = sws_chunk_rows(p), days = p->days;
    ds = malloc((size_t)nm * sizeof *ds);
    block = malloc((size_t)nm * (size_t)C * (size_t)days * sizeof *block);
    if (!ds || !block) {
        s = NOMEM(err, path);
        goto fail;
    }
    for (int m = 0; m < nm; m++)
        ds[m] = H5I_INVALID_HID;
    H5C(types_open(&t), "HDF5 types");
    H5C(fcpl = H5Pcreate(H5P_FILE_CREATE), "file properties");
    H5C(H5Pset_obj_track_times(fcpl, 0), "file properties");
    H5C(file = H5Fcreate(afile_temp(af), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT), "creating the file");

    /* provenance (root attributes: information, not results) */
    H5C(h5l_provenance(file, SWS_SCHEMA, SWS_SCHEMA_VERSION, pv ? pv->command_line : ""),
        "the provenance attributes");
    H5C(attr_str(&t, file, "execution", pv ? pv->execution : ""), "attribute execution");
    H5C(attr_str(&t, file, "Conventions", "CF-1.8"), "attribute Conventions");

    SIM_CALL(write_sweep_group(&t, file, p, where, err));
    SIM_CALL(write_design_group(&t, file, p, tb, where, err));
    H5C(g = H5Gcreate2(file, "runs", H5P_DEFAULT, t.gcpl, H5P_DEFAULT), "/runs");
    H5C(attr_str(&t, g, "description", runs_doc), "/runs description");
    SIM_CALL(write_runs_small(&t, g, p, done, where, err));
    if (sim_hold_at("assembly") >= 0) /* a test hook: a kill mid-write */
        sim_hold("assembly", 0, pv->stop);

    /* the series: chunked by whole runs, compressed */
    hsize_t dims[2] = {(hsize_t)p->nruns, (hsize_t)days}, chunk[2] = {(hsize_t)C, (hsize_t)days};
    H5C(dcpl = H5Pcopy(t.dcpl), "dataset properties");
    H5C(H5Pset_chunk(dcpl, 2, chunk), "dataset properties");
    H5C(h5l_compress(dcpl, SWS_DEFLATE), "dataset properties");
    H5C(fsp = H5Screate_simple(2, dims, NULL), "dataspace");
    H5C(ax[0] = H5Dopen2(g, "run", H5P_DEFAULT), "/runs/run");
    H5C(ax[1] = H5Dopen2(g, "day", H5P_DEFAULT), "/runs/day");
    for (int m = 0; m < nm; m++) {
        char what[200];
        snprintf(what, sizeof what, "/runs/%s", p->metrics[m]);
        H5C(ds[m] =
                H5Dcreate2(g, p->metrics[m], H5T_IEEE_F64LE, fsp, H5P_DEFAULT, dcpl, H5P_DEFAULT),
            what);
        int mi = p->metric[m];
        if (mi >= 0) {
            const sim_metric_desc *md = &tb->metrics[mi];
            H5C(h5l_cf(ds[m], md->doc_en, md->unit), what); /* units as UDUNITS */
            H5C(attr_str(&t, ds[m], "description", md->doc_en), what);
            H5C(attr_str(&t, ds[m], "description_zh", md->doc_zh), what);
            H5C(attr_str(&t, ds[m], "kind", md->kind == SIM_M_COUNT ? "count" : "ratio"), what);
        } else
            H5C(h5l_cf(ds[m], p->metrics[m], NULL), what);
        H5C(attr_str(&t, ds[m], "dims", "run,day"), what);
        H5C(attr_str(&t, ds[m], "coordinates", "point replicate"), what); /* CF auxiliary */
        H5C(h5l_attach(ds[m], ax[0], 0), what);
        H5C(h5l_attach(ds[m], ax[1], 1), what);
    }
    axes_close(2, ax);
    for (int64_t r0 = 0; r0 < p->nruns; r0 += C) {
        if (pv->stop && *pv->stop) {
            s = SIM_FAIL(err, SIM_EINTERRUPT, NULL, 0, NULL,
                         "stopped by a signal while writing %s; nothing written", path);
            goto fail;
        }
        int64_t n = p->nruns - r0 < C ? p->nruns - r0 : C;
        for (int64_t i = 0; i < (int64_t)nm * n * days; i++)
            block[i] = NAN;
        SIM_CALL(src(user, r0, n, done, block, err));
        hsize_t start[2] = {(hsize_t)r0, 0}, count[2] = {(hsize_t)n, (hsize_t)days};
        H5C(msp = H5Screate_simple(2, count, NULL), "dataspace");
        H5C(H5Sselect_hyperslab(fsp, H5S_SELECT_SET, start, NULL, count, NULL), "hyperslab");
        for (int m = 0; m < nm; m++)
            H5C(H5Dwrite(ds[m], H5T_NATIVE_DOUBLE, msp, fsp, H5P_DEFAULT,
                         block + (size_t)m * (size_t)n * (size_t)days),
                "writing the series");
        H5C(H5Sclose(msp), "dataspace");
        msp = H5I_INVALID_HID;
    }
    for (int m = 0; m < nm; m++) {
        H5C(H5Dclose(ds[m]), "closing a series");
        ds[m] = H5I_INVALID_HID;
    }
    H5C(H5Gclose(g), "/runs");
    g = H5I_INVALID_HID;
    H5C(H5Fflush(file, H5F_SCOPE_GLOBAL), "flushing the file");
    H5C(H5Fclose(file), "closing the file");
    file = H5I_INVALID_HID;
    s = afile_commit(af, err);
    af = NULL;
fail:
    if (ds)
        for (int m = 0; m < nm; m++)
            close_id(&ds[m], H5Dclose);
    axes_close(2, ax);
    close_id(&msp, H5Sclose);
    close_id(&fsp, H5Sclose);
    close_id(&dcpl, H5Pclose);
    close_id(&g, H5Gclose);
    close_id(&file, H5Fclose);
    close_id(&fcpl, H5Pclose);
    types_close(&t);
    afile_abort(af);
    free(ds);
    free(block);
    return s;
}

/* ---- reading an output file ---------------------------------------------------------- */

struct sws_file {
    char *path;
    hid_t file;
    swp_plan plan;
    uint8_t *done;
    char *execution;
};

const swp_plan *sws_file_plan(const sws_file *f)
{
    return &f->plan;
}
const uint8_t *sws_file_done(const sws_file *f)
{
    return f->done;
}
const char *sws_file_path(const sws_file *f)
{
    return f->path;
}
const char *sws_file_execution(const sws_file *f)
{
    return f->execution ? f->execution : "";
}

void sws_close(sws_file *f)
{
    if (!f)
        return;
    close_id(&f->file, H5Fclose);
    swp_plan_clear(&f->plan);
    free(f->done);
    free(f->execution);
    free(f->path);
    free(f);
}

static sim_status read_plan(sws_file *f, const h5_types *t, const swp_tables *tb, sim_error *err)
{
    const char *where = f->path;
    sim_status s = SIM_OK;
    swp_plan *p = &f->plan;
    hid_t g = H5I_INVALID_HID, gd = H5I_INVALID_HID;
    char *str = NULL, **keys = NULL, **scales = NULL, **specs = NULL;
    double *lo = NULL, *hi = NULL;
    int64_t *lev = NULL;
    const char *bad = "not a complete troika sweep file";

    H5C(g = H5Gopen2(f->file, "sweep", H5P_DEFAULT), bad);
    H5C(read_attr_str(t, g, "name", &p->name), bad);
    H5C(read_attr_str(t, g, "description", &p->description), bad);
    H5C(read_attr_str(t, g, "design", &str), bad);
    int d = swp_design_parse(str);
    free(str);
    str = NULL;
    H5C(read_attr_str(t, g, "seeds", &str), bad);
    int sm = swp_seeds_parse(str);
    free(str);
    str = NULL;
    if (d < 0 || sm < 0) {
        s = SIM_FAIL(err, SIM_EINPUT, f->path, 0, NULL, "unknown design or seeds in /sweep");
        goto fail;
    }
    p->design = (swp_design)d;
    p->seeds = (swp_seeds)sm;
    H5C(read_attr_num(g, "samples", H5T_NATIVE_INT64, &p->samples), bad);
    H5C(read_attr_num(g, "replicates", H5T_NATIVE_INT64, &p->replicates), bad);
    H5C(read_attr_num(g, "seed", H5T_NATIVE_UINT64, &p->seed), bad);
    H5C(read_attr_num(g, "days", H5T_NATIVE_INT64, &p->days), bad);
    H5C(read_attr_num(g, "points", H5T_NATIVE_INT64, &p->npoints), bad);
    H5C(read_attr_num(g, "runs", H5T_NATIVE_INT64, &p->nruns), bad);
    H5C(read_str0(t, g, "text", &p->text), bad);
    H5C(read_str0(t, g, "identity", &p->identity), bad);
    p->hash = swp_hash(p->identity);
    if (!(p->path = dup_str(""))) {
        s = NOMEM(err, where);
        goto fail;
    }
    /* sizes the rest is allocated and indexed from: bounded before use
     * (a damaged file must not overflow npoints x replicates) */
    double max_days = tb->params[ptab_find(tb->params, tb->nparams, "run.days")].hi;
    if (p->replicates < 1 || p->replicates > SWP_MAX_RUNS || p->npoints < 1 ||
        p->npoints > SWP_MAX_RUNS / p->replicates || p->days < 1 || (double)p->days > max_days ||
        p->nruns != p->npoints * p->replicates) {
        s = SIM_FAIL(err, SIM_EINPUT, f->path, 0, NULL, "inconsistent sizes in /sweep");
        goto fail;
    }
    int rank;
    hsize_t dims[2];
    H5C(dset_dims(g, "metrics", &rank, dims), bad);
    p->nmetrics = (int)dims[0];
    p->metrics = calloc(dims[0] ? dims[0] : 1, sizeof *p->metrics);
    p->metric = calloc(dims[0] ? dims[0] : 1, sizeof *p->metric);
    if (!p->metrics || !p->metric) {
        s = NOMEM(err, where);
        goto fail;
    }
    H5C(read_strs(t, g, "metrics", p->nmetrics, p->metrics), bad);
    for (int m = 0; m < p->nmetrics; m++)
        p->metric[m] = mtab_find(tb->metrics, tb->nmetrics, p->metrics[m]);
    H5C(H5Gclose(g), bad);
    g = H5I_INVALID_HID;

    H5C(gd = H5Gopen2(f->file, "design", H5P_DEFAULT), bad);
    H5C(dset_dims(gd, "factor", &rank, dims), bad);
    if (rank != 1 || dims[0] < 1 || dims[0] > (hsize_t)tb->nparams) {
        s = SIM_FAIL(err, SIM_EINPUT, f->path, 0, NULL, "inconsistent factors in /design");
        goto fail;
    }
    int k = (int)dims[0];
    p->nfactors = k;
    p->factors = calloc((size_t)(k ? k : 1), sizeof *p->factors);
    keys = calloc((size_t)(k ? k : 1), sizeof *keys);
    scales = calloc((size_t)(k ? k : 1), sizeof *scales);
    specs = calloc((size_t)(k ? k : 1), sizeof *specs);
    lo = calloc((size_t)(k ? k : 1), sizeof *lo);
    hi = calloc((size_t)(k ? k : 1), sizeof *hi);
    lev = calloc((size_t)(k ? k : 1), sizeof *lev);
    p->unit = malloc((size_t)p->npoints * (size_t)(k ? k : 1) * sizeof *p->unit);
    p->values = malloc((size_t)p->npoints * (size_t)(k ? k : 1) * sizeof *p->values);
    if (!p->factors || !keys || !scales || !specs || !lo || !hi || !lev || !p->unit || !p->values) {
        s = NOMEM(err, where);
        goto fail;
    }
    H5C(read_strs(t, gd, "factor", k, keys), bad);
    H5C(read_strs(t, gd, "scale", k, scales), bad);
    H5C(read_strs(t, gd, "spec", k, specs), bad);
    H5C(read_num(gd, "lo", H5T_NATIVE_DOUBLE, 1, (hsize_t)k, 0, lo), bad);
    H5C(read_num(gd, "hi", H5T_NATIVE_DOUBLE, 1, (hsize_t)k, 0, hi), bad);
    H5C(read_num(gd, "levels", H5T_NATIVE_INT64, 1, (hsize_t)k, 0, lev), bad);
    H5C(read_num(gd, "unit", H5T_NATIVE_DOUBLE, 2, (hsize_t)p->npoints, (hsize_t)k, p->unit), bad);
    H5C(read_num(gd, "values", H5T_NATIVE_DOUBLE, 2, (hsize_t)p->npoints, (hsize_t)k, p->values),
        bad);
    for (int j = 0; j < k; j++) {
        swp_factor *fa = &p->factors[j];
        snprintf(fa->key, sizeof fa->key, "%s", keys[j]);
        fa->param = ptab_find(tb->params, tb->nparams, keys[j]);
        fa->integer = fa->param >= 0 && tb->params[fa->param].type != SIM_P_REAL;
        int sc = swp_scale_parse(scales[j]);
        fa->scale = sc < 0 ? SWP_LINEAR : (swp_scale)sc;
        fa->lo = lo[j];
        fa->hi = hi[j];
        fa->levels = lev[j];
        fa->spec = specs[j];
        specs[j] = NULL;
    }
    H5C(H5Gclose(gd), bad);
    gd = H5I_INVALID_HID;
    /* the design's size must be what its kind makes of samples or levels:
     * sensitivity indexes the points by samples (Saltelli: samples x (k + 2)) */
    int64_t want = p->samples;
    if (p->design == SWP_SALTELLI) {
        want = p->samples >= 1 && p->samples <= SWP_MAX_RUNS / (k + 2) ? p->samples * (k + 2) : -1;
    } else if (p->design == SWP_GRID) {
        want = 1;
        for (int j = 0; j < k && want >= 0; j++) {
            int64_t l = p->factors[j].levels;
            want = l >= 1 && want <= SWP_MAX_RUNS / l ? want * l : -1;
        }
    }
    if (want != p->npoints) {
        s = SIM_FAIL(err, SIM_EINPUT, f->path, 0, NULL,
                     "inconsistent sizes in /sweep: %lld points for design %s",
                     (long long)p->npoints, swp_design_name(p->design));
        goto fail;
    }

    f->done = malloc((size_t)p->nruns);
    if (!f->done) {
        s = NOMEM(err, where);
        goto fail;
    }
    H5C(read_num(f->file, "runs/done", H5T_NATIVE_UINT8, 1, (hsize_t)p->nruns, 0, f->done), bad);
    for (int64_t r = 0; r < p->nruns; r++)
        if (f->done[r] > 1) {
            s = SIM_FAIL(err, SIM_EINPUT, f->path, 0, "/runs/done",
                         "run %lld is marked %d, not 0 or 1 (a damaged or edited file)",
                         (long long)r, (int)f->done[r]);
            goto fail;
        }
    if ((s = refuse_nonfinite(f->path, "/design/values", p->values, p->npoints * k, k, err)) !=
            SIM_OK ||
        (s = refuse_nonfinite(f->path, "/design/unit", p->unit, p->npoints * k, k, err)) != SIM_OK)
        goto fail;
fail:
    close_id(&g, H5Gclose);
    close_id(&gd, H5Gclose);
    for (int j = 0; j < p->nfactors; j++) {
        if (keys)
            free(keys[j]);
        if (scales)
            free(scales[j]);
        if (specs)
            free(specs[j]);
    }
    free(keys);
    free(scales);
    free(specs);
    free(lo);
    free(hi);
    free(lev);
    free(str);
    if (s != SIM_OK && err->code == SIM_EIO)
        err->code = s = SIM_EINPUT; /* a file that is not what we expect is bad input */
    return s;
}

sim_status sws_open(sws_file **out, const char *path, const swp_tables *tb, sim_error *err)
{
    const char *where = path;
    sim_status s = SIM_OK;
    h5_types t;
    t.str = t.gcpl = t.dcpl = H5I_INVALID_HID;
    char *schema = NULL;
    *out = NULL;
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    sws_file *f = calloc(1, sizeof *f);
    if (!f)
        return NOMEM(err, path);
    f->file = H5I_INVALID_HID;
    if (!(f->path = dup_str(path))) {
        s = NOMEM(err, path);
        goto fail;
    }
    int reg = sim_file_regular(path); /* a FIFO would block */
    if (reg != 0 || access(path, R_OK) != 0) {
        s = SIM_FAIL(err, SIM_EINPUT, path, 0, NULL, "cannot read: %s",
                     sim_file_strerror(reg ? reg : errno));
        goto fail;
    }
    H5C(types_open(&t), "HDF5 types");
    if (H5Fis_hdf5(path) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        s = SIM_FAIL(err, SIM_EINPUT, path, 0, NULL, "not an HDF5 file, so not a sweep file");
        goto fail;
    }
    if ((f->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
        /* the signature is there but the file is not whole: bad input */
        (void)h5l_fail(err, path, __FILE__, __LINE__, __func__,
                       "cannot be read as HDF5 (truncated or damaged?)");
        s = err->code = SIM_EINPUT;
        goto fail;
    }
    /* file_kind (docs/OUTPUT.md); sweep files before it said schema = "troika sweep" */
    int kind_ok =
        read_attr_str(&t, f->file, "file_kind", &schema) >= 0 && strcmp(schema, SWS_SCHEMA) == 0;
    if (!kind_ok && !schema) {
        H5Eclear2(H5E_DEFAULT);
        kind_ok = read_attr_str(&t, f->file, "schema", &schema) >= 0 &&
                  strcmp(schema, SWS_SCHEMA_LEGACY) == 0;
    }
    if (!kind_ok) {
        H5Eclear2(H5E_DEFAULT);
        s = SIM_FAIL(err, SIM_EINPUT, path, 0, NULL,
                     "not a troika sweep file (its root attribute file_kind is %s%s%s, not "
                     "\"%s\"; a file of `troika run` has /city instead of /runs)",
                     schema ? "\"" : "missing", schema ? schema : "", schema ? "\"" : "",
                     SWS_SCHEMA);
        goto fail;
    }
    /* the version: a missing or unreadable attribute counts as none (-1) */
    int64_t version = -1;
    hid_t a = H5Aopen(f->file, "schema_version", H5P_DEFAULT);
    if (a < 0 || H5Aread(a, H5T_NATIVE_INT64, &version) < 0)
        version = -1;
    if (a >= 0)
        (void)H5Aclose(a);
    H5Eclear2(H5E_DEFAULT);
    /* version 1 is version 2 without the netCDF-4 axes: read the same way */
    if (version < SWS_SCHEMA_OLDEST || version > SWS_SCHEMA_VERSION) {
        if (version < 0)
            s = SIM_FAIL(err, SIM_EINPUT, path, 0, NULL,
                         "a troika sweep file without a schema_version attribute; this "
                         "troika (%s) reads sweep schema versions %d to %d",
                         TROIKA_VERSION, SWS_SCHEMA_OLDEST, SWS_SCHEMA_VERSION);
        else
            s = SIM_FAIL(err, SIM_EINPUT, path, 0, NULL,
                         "sweep file schema version %lld is %s than this troika's (%s reads "
                         "versions %d to %d): open it with the troika that wrote it, or run "
                         "the sweep again",
                         (long long)version, version > SWS_SCHEMA_VERSION ? "newer" : "older",
                         TROIKA_VERSION, SWS_SCHEMA_OLDEST, SWS_SCHEMA_VERSION);
        goto fail;
    }
    if (read_attr_str(&t, f->file, "execution", &f->execution) < 0)
        H5Eclear2(H5E_DEFAULT);
    SIM_CALL(read_plan(f, &t, tb, err));
    types_close(&t);
    free(schema);
    *out = f;
    return SIM_OK;
fail:
    types_close(&t);
    free(schema);
    sws_close(f);
    return s;
}

sim_status sws_read_rows(sws_file *f, int m, int64_t r0, int64_t n, double *out, sim_error *err)
{
    const char *where = f->path;
    const swp_plan *p = &f->plan;
    sim_status s = SIM_OK;
    hid_t d = H5I_INVALID_HID, fsp = H5I_INVALID_HID;
    char name[300];
    if (m < 0 || m >= p->nmetrics || r0 < 0 || n < 0 || r0 + n > p->nruns)
        return SIM_FAIL(err, SIM_EINTERNAL, f->path, 0, NULL, "sws_read_rows: out of range");
    if (n == 0)
        return SIM_OK;
    snprintf(name, sizeof name, "runs/%s", p->metrics[m]);
    hsize_t start[2] = {(hsize_t)r0, 0}, count[2] = {(hsize_t)n, (hsize_t)p->days};
    H5C(d = H5Dopen2(f->file, name, H5P_DEFAULT), name);
    H5C(fsp = H5Dget_space(d), name);
    int rank = H5Sget_simple_extent_ndims(fsp);
    hsize_t dims[2] = {0, 0};
    if (rank != 2 || H5Sget_simple_extent_dims(fsp, dims, NULL) < 0 ||
        dims[0] != (hsize_t)p->nruns || dims[1] != (hsize_t)p->days) {
        s = SIM_FAIL(err, SIM_EINPUT, f->path, 0, NULL, "/%s is not runs x days", name);
        goto fail;
    }
    H5C(h5l_read_block(d, start, count, out), name);
    /* a run done has a finite series (a run not done: NaN) */
    for (int64_t i = 0; i < n; i++) {
        int64_t day = f->done[r0 + i] ? first_nonfinite(out + i * p->days, p->days) : -1;
        if (day >= 0) {
            s = SIM_FAIL(err, SIM_EINPUT, f->path, 0, name,
                         "run %lld is done but its value on day %lld is %g, where the schema "
                         "says a finite number (a damaged or edited file)",
                         (long long)(r0 + i), (long long)day, out[i * p->days + day]);
            goto fail;
        }
    }
fail:
    close_id(&fsp, H5Sclose);
    close_id(&d, H5Dclose);
    return s;
}

sim_status sws_run_means(sws_file *f, int m, int64_t from, int64_t to, double *y, sim_error *err)
{
    const swp_plan *p = &f->plan;
    if (from < 0 || to > p->days || from >= to)
        return SIM_FAIL(err, SIM_EINTERNAL, f->path, 0, NULL, "sws_run_means: bad window");
    int64_t C = sws_chunk_rows(p);
    double *rows = malloc((size_t)C * (size_t)p->days * sizeof *rows);
    if (!rows)
        return NOMEM(err, f->path);
    sim_status s = SIM_OK;
    for (int64_t r0 = 0; r0 < p->nruns && s == SIM_OK; r0 += C) {
        int64_t n = p->nruns - r0 < C ? p->nruns - r0 : C;
        s = sws_read_rows(f, m, r0, n, rows, err);
        for (int64_t i = 0; i < n && s == SIM_OK; i++) {
            double sum = 0.0;
            for (int64_t d = from; d < to; d++)
                sum += rows[i * p->days + d];
            y[r0 + i] = f->done[r0 + i] ? sum / (double)(to - from) : NAN;
        }
    }
    free(rows);
    return s;
}

sim_status sws_same_sweep(const sws_file *a, const sws_file *b, sim_error *err)
{
    const swp_plan *p = &a->plan, *q = &b->plan;
    const char *why = NULL;
    if (strcmp(p->identity, q->identity) != 0)
        why = "another sweep file, base scenario or troika build";
    else if (p->nruns != q->nruns || p->npoints != q->npoints || p->nfactors != q->nfactors ||
             p->nmetrics != q->nmetrics || p->days != q->days)
        why = "different sizes";
    else if (memcmp(p->values, q->values,
                    (size_t)p->npoints * (size_t)p->nfactors * sizeof *p->values) != 0 ||
             memcmp(p->unit, q->unit, (size_t)p->npoints * (size_t)p->nfactors * sizeof *p->unit) !=
                 0)
        why = "different design values (another machine's arithmetic?)";
    if (!why)
        return SIM_OK;
    return SIM_FAIL(err, SIM_EINPUT, b->path, 0, NULL,
                    "holds another sweep than %s (%s); only shards of one sweep can be merged",
                    a->path, why);
}
