/* analysis/export.c — see export.h.
 *
 * HOW IT WORKS.  Every table is a loop over "slices" (the city; a run of a
 * sweep; a scenario's replicate) and, inside, over blocks of days.  A slice
 * has key columns printed before the day (run, point, ... or none), an
 * optional entity axis (compounds, sub-districts) with static columns, and
 * value columns: datasets read by hyperslab, [day] for the city, [day][entity]
 * for a panel, [row][day] for a sweep's or a comparison's series.  The
 * column lists come from the file itself (the datasets present), so a file
 * with more or fewer metrics exports as it is.
 */
#include "export.h"

#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "h5.h"
#include "mtable.h"
#include "troika_version.h"

const ana_export_desc ana_export_tables[ANA_EXPORT_NTABLES] = {
    {"city", "run", "one row per day: every /city metric"},
    {"compounds", "run", "one row per sampled day and compound: static columns and the panel"},
    {"subdistricts", "run", "one row per sampled day and sub-district"},
    {"runs", "sweep", "one row per run and day: the varied parameters and every metric kept"},
    {"compare", "compare", "one row per scenario, replicate and day: every city metric"},
};

sim_status ana_export_parse(const char *name, ana_export_table *t, const char *key, sim_error *err)
{
    for (int k = 0; k < ANA_EXPORT_NTABLES; k++)
        if (strcmp(name, ana_export_tables[k].name) == 0) {
            *t = (ana_export_table)k;
            return SIM_OK;
        }
    return SIM_FAIL(err, SIM_EINPUT, NULL, 0, key,
                    "'%s' is not a table (allowed: city, compounds, subdistricts, runs, "
                    "compare)",
                    name);
}

/* ---- reading -------------------------------------------------------------------- */

typedef struct {
    const char *path; /* the file, for messages */
    hid_t file;
    sim_error *err;
    const sim_metric_desc *metrics; /* the model's metric table (the column order) */
    int nmetrics;
} reader;

static sim_status h5fail(reader *r, const char *obj, const char *what)
{
    char why[256];
    h5l_describe(why, sizeof why);
    return SIM_FAIL(r->err, SIM_EINPUT, r->path, 0, obj, "%s (%s)", what, why);
}

typedef struct {
    char name[128];
    hid_t d;
    int f32;     /* float32 on disk: printed with 9 digits */
    int integer; /* an integer type */
    int sign;    /* signed integer */
} column;

typedef struct {
    column *c;
    int n, cap;
} columns;

static void columns_free(columns *cs)
{
    for (int k = 0; k < cs->n; k++)
        if (cs->c[k].d >= 0)
            H5Dclose(cs->c[k].d);
    free(cs->c);
    memset(cs, 0, sizeof *cs);
}

static int column_rank(hid_t d, hsize_t *dims)
{
    hid_t sp = H5Dget_space(d);
    int rank = sp < 0 ? -1 : H5Sget_simple_extent_ndims(sp);
    if (rank >= 1 && rank <= 2)
        H5Sget_simple_extent_dims(sp, dims, NULL);
    if (sp >= 0)
        H5Sclose(sp);
    return rank;
}

static sim_status column_add(reader *r, columns *cs, hid_t loc, const char *name, const char *where)
{
    if (cs->n == cs->cap) {
        int cap = cs->cap ? 2 * cs->cap : 16;
        column *c = realloc(cs->c, (size_t)cap * sizeof *c);
        if (!c)
            return SIM_FAIL(r->err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
        cs->c = c;
        cs->cap = cap;
    }
    column *c = &cs->c[cs->n];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (c->d < 0)
        return h5fail(r, where, "cannot open this dataset");
    cs->n++;
    hid_t ty = H5Dget_type(c->d);
    H5T_class_t cl = H5Tget_class(ty);
    c->integer = cl == H5T_INTEGER;
    c->sign = c->integer && H5Tget_sign(ty) == H5T_SGN_2;
    c->f32 = cl == H5T_FLOAT && H5Tget_size(ty) == 4;
    H5Tclose(ty);
    if (cl != H5T_INTEGER && cl != H5T_FLOAT) {
        H5Dclose(c->d);
        cs->n--;
    }
    return SIM_OK;
}

/* Names of the datasets in a group, in name order. */
typedef struct {
    char (*name)[128];
    int n, cap;
} names;

static herr_t collect(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)info;
    names *ns = data;
    H5E_BEGIN_TRY
    {
        hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
        if (d >= 0) {
            H5Dclose(d);
            if (ns->n == ns->cap) {
                int cap = ns->cap ? 2 * ns->cap : 32;
                void *p = realloc(ns->name, (size_t)cap * sizeof *ns->name);
                if (!p)
                    return -1;
                ns->name = p;
                ns->cap = cap;
            }
            snprintf(ns->name[ns->n++], sizeof ns->name[0], "%s", name);
        }
    }
    H5E_END_TRY;
    return 0;
}

/* Metric order: the metric table's, then other names in name order. */
static int metric_rank(const reader *r, const char *name)
{
    int m = mtab_find(r->metrics, r->nmetrics, name);
    return m >= 0 ? m : r->nmetrics;
}

static int by_metric(const reader *r, const char *x, const char *y)
{
    int rx = metric_rank(r, x), ry = metric_rank(r, y);
    return rx != ry ? (rx < ry ? -1 : 1) : strcmp(x, y);
}

/* Sort ns into metric order (an insertion sort: a group has few datasets,
 * and the order is total, so any sort gives the same). */
static void sort_by_metric(const reader *r, names *ns)
{
    for (int i = 1; i < ns->n; i++) {
        char key[sizeof ns->name[0]];
        memcpy(key, ns->name[i], sizeof key);
        int j = i;
        for (; j > 0 && by_metric(r, ns->name[j - 1], key) > 0; j--)
            memcpy(ns->name[j], ns->name[j - 1], sizeof key);
        memcpy(ns->name[j], key, sizeof key);
    }
}

/* Value columns of group `gpath`: its datasets of rank `rank` whose first
 * dimension is `n0` (and second `n1` for rank 2), except those in `skip`
 * (a NULL-terminated list). */
static sim_status value_columns(reader *r, const char *gpath, int rank, hsize_t n0, hsize_t n1,
                                const char *const *skip, columns *cs)
{
    hid_t g = H5Gopen2(r->file, gpath, H5P_DEFAULT);
    if (g < 0)
        return h5fail(r, gpath, "no such group: not the kind of file this table reads");
    names ns = {0};
    sim_status st = SIM_OK;
    if (H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, collect, &ns) < 0)
        st = h5fail(r, gpath, "cannot list this group");
    if (st == SIM_OK && ns.n > 1)
        sort_by_metric(r, &ns);
    for (int k = 0; st == SIM_OK && k < ns.n; k++) {
        int skipped = 0;
        for (int s = 0; skip && skip[s]; s++)
            skipped |= strcmp(skip[s], ns.name[k]) == 0;
        if (skipped)
            continue;
        char where[300];
        snprintf(where, sizeof where, "%s/%s", gpath, ns.name[k]);
        st = column_add(r, cs, g, ns.name[k], where);
        if (st != SIM_OK || cs->n == 0 || strcmp(cs->c[cs->n - 1].name, ns.name[k]) != 0)
            continue;
        hsize_t dims[2] = {0, 0};
        int rk = column_rank(cs->c[cs->n - 1].d, dims);
        if (rk != rank || dims[0] != n0 || (rank == 2 && dims[1] != n1)) {
            H5Dclose(cs->c[cs->n - 1].d);
            cs->n--;
        }
    }
    free(ns.name);
    H5Gclose(g);
    return st;
}

/* Read [r0, r0+nr) x [c0, c0+nc) of a rank-1 or rank-2 dataset as doubles
 * (rank 1: nc = 1, c0 ignored). */
static sim_status read_block(reader *r, const column *c, int rank, hsize_t r0, hsize_t nr,
                             hsize_t c0, hsize_t nc, double *buf)
{
    hsize_t start[2] = {r0, c0}, count[2] = {nr, nc};
    (void)rank; /* rank 1: the hyperslab takes start[0] and count[0] alone */
    herr_t e = h5l_read_block(c->d, start, count, buf);
    return e < 0 ? h5fail(r, c->name, "cannot read this dataset") : SIM_OK;
}

/* A whole 1-D dataset of n values, read as `type`. */
static sim_status read_whole(reader *r, const char *path, hsize_t n, hid_t type, void *out)
{
    hid_t d = H5Dopen2(r->file, path, H5P_DEFAULT);
    hsize_t dims[2] = {0, 0};
    if (d < 0 || column_rank(d, dims) != 1 || dims[0] != n) {
        if (d >= 0)
            H5Dclose(d);
        return h5fail(r, path, "missing, or not of the expected length");
    }
    herr_t e = H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
    H5Dclose(d);
    return e < 0 ? h5fail(r, path, "cannot read this dataset") : SIM_OK;
}

static sim_status read_ints(reader *r, const char *path, hsize_t n, long long *out)
{
    return read_whole(r, path, n, H5T_NATIVE_LLONG, out);
}

static sim_status read_u64s(reader *r, const char *path, hsize_t n, unsigned long long *out)
{
    return read_whole(r, path, n, H5T_NATIVE_ULLONG, out);
}

/* Length of a 1-D dataset; 0 when it is missing. */
static hsize_t length(reader *r, const char *path)
{
    hsize_t dims[2] = {0, 0};
    hid_t d;
    H5E_BEGIN_TRY
    {
        d = H5Dopen2(r->file, path, H5P_DEFAULT);
    }
    H5E_END_TRY;
    if (d < 0)
        return 0;
    int rank = column_rank(d, dims);
    H5Dclose(d);
    return rank == 1 ? dims[0] : 0;
}

/* A string dataset [n] (fixed or variable length) into out[n][len]. */
static sim_status read_strings(reader *r, const char *path, hsize_t n, char *out, size_t len)
{
    hid_t d = H5Dopen2(r->file, path, H5P_DEFAULT);
    if (d < 0)
        return h5fail(r, path, "missing");
    hid_t ft = H5Dget_type(d);
    sim_status st = SIM_OK;
    if (H5Tis_variable_str(ft) > 0) {
        char **v = calloc(n ? n : 1, sizeof *v);
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(ft));
        if (!v || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
            st = h5fail(r, path, "cannot read these strings");
        for (hsize_t k = 0; st == SIM_OK && k < n; k++)
            snprintf(out + k * len, len, "%s", v[k] ? v[k] : "");
        if (v && st == SIM_OK) {
            hid_t sp = H5Dget_space(d);
            H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, v);
            H5Sclose(sp);
        }
        free(v);
        H5Tclose(mt);
    } else {
        size_t sz = H5Tget_size(ft);
        char *buf = malloc(n * sz + 1);
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, sz);
        H5Tset_cset(mt, H5Tget_cset(ft));
        if (!buf || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
            st = h5fail(r, path, "cannot read these strings");
        for (hsize_t k = 0; st == SIM_OK && k < n; k++)
            snprintf(out + k * len, len, "%.*s", (int)(sz < len ? sz : len - 1), buf + k * sz);
        free(buf);
        H5Tclose(mt);
    }
    H5Tclose(ft);
    H5Dclose(d);
    return st;
}

/* A scalar string attribute of an object ("" when missing). */
static void string_attr(hid_t obj, const char *name, char *out, size_t len)
{
    out[0] = '\0';
    hid_t a, t;
    H5E_BEGIN_TRY
    {
        a = H5Aopen(obj, name, H5P_DEFAULT);
    }
    H5E_END_TRY;
    if (a < 0)
        return;
    t = H5Aget_type(a);
    if (H5Tget_class(t) == H5T_STRING) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_cset(mt, H5Tget_cset(t));
        if (H5Tis_variable_str(t) > 0) {
            char *v = NULL;
            H5Tset_size(mt, H5T_VARIABLE);
            if (H5Aread(a, mt, &v) >= 0 && v) {
                snprintf(out, len, "%s", v);
                H5free_memory(v);
            }
        } else {
            size_t sz = H5Tget_size(t);
            char *buf = calloc(1, sz + 1);
            H5Tset_size(mt, sz);
            if (buf && H5Aread(a, mt, buf) >= 0)
                snprintf(out, len, "%s", buf);
            free(buf);
        }
        H5Tclose(mt);
    }
    H5Tclose(t);
    H5Aclose(a);
}

/* ---- writing ----------------------------------------------------------------------- */

/* s as one CSV field (quoted when it holds a comma, a quote or a line end). */
static void csv_quote(char *buf, size_t n, const char *s)
{
    size_t k = 0;
    int q = strpbrk(s, ",\"\n\r") != NULL;
    if (q && k + 1 < n)
        buf[k++] = '"';
    for (; *s && k + 3 < n; s++) {
        if (*s == '"')
            buf[k++] = '"';
        buf[k++] = *s;
    }
    if (q && k + 1 < n)
        buf[k++] = '"';
    buf[k] = '\0';
}

static void csv_text(FILE *f, const char *s)
{
    char buf[600];
    csv_quote(buf, sizeof buf, s);
    fputs(buf, f);
}

static void csv_value(FILE *f, const column *c, double v)
{
    fputc(',', f);
    if (c->integer && c->sign)
        fprintf(f, "%lld", (long long)v);
    else if (c->integer)
        fprintf(f, "%llu", (unsigned long long)v);
    else
        fprintf(f, c->f32 ? "%.9g" : "%.17g", v);
}

/* "# name: value" for each one-line scalar root attribute. */
static herr_t header_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    FILE *f = data;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0)
        return 0;
    hid_t t = H5Aget_type(a), sp = H5Aget_space(a);
    H5T_class_t cl = H5Tget_class(t);
    int scalar = H5Sget_simple_extent_npoints(sp) == 1;
    if (scalar && cl == H5T_STRING) {
        char v[512];
        string_attr(loc, name, v, sizeof v);
        if (v[0] && !strchr(v, '\n') && strlen(v) < 400)
            fprintf(f, "# %s: %s\n", name, v);
    } else if (scalar && cl == H5T_INTEGER && H5Tget_sign(t) == H5T_SGN_NONE) {
        unsigned long long v;
        if (H5Aread(a, H5T_NATIVE_ULLONG, &v) >= 0)
            fprintf(f, "# %s: %llu\n", name, v);
    } else if (scalar && cl == H5T_INTEGER) {
        long long v;
        if (H5Aread(a, H5T_NATIVE_LLONG, &v) >= 0)
            fprintf(f, "# %s: %lld\n", name, v);
    } else if (scalar && cl == H5T_FLOAT) {
        double v;
        if (H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0)
            fprintf(f, "# %s: %.17g\n", name, v);
    }
    H5Sclose(sp);
    H5Tclose(t);
    H5Aclose(a);
    return 0;
}

static void header(reader *r, FILE *f, ana_export_table t, const char *command_line)
{
    fprintf(f, "# troika export: table %s of %s (%s)\n", ana_export_tables[t].name, r->path,
            ana_export_tables[t].about);
    fprintf(f, "# exported by troika %s (commit %s): %s\n", TROIKA_VERSION, TROIKA_GIT_COMMIT,
            command_line ? command_line : "");
    fputs("# the file's provenance (its root attributes):\n", f);
    hsize_t idx = 0;
    (void)H5Aiterate2(r->file, H5_INDEX_NAME, H5_ITER_INC, &idx, header_attr, f);
}

static void column_names(FILE *f, const columns *cs)
{
    for (int k = 0; k < cs->n; k++) {
        fputc(',', f);
        csv_text(f, cs->c[k].name);
    }
    fputc('\n', f);
}

/* ---- the tables --------------------------------------------------------------------- */

/* city: one row per day. */
static sim_status export_city(reader *r, FILE *f, int64_t block)
{
    hsize_t days = length(r, "/city/day");
    if (days == 0)
        return SIM_FAIL(r->err, SIM_EINPUT, r->path, 0, "--table",
                        "no /city/day: not a run file (table city reads the file of "
                        "`troika run`)");
    columns cs = {0};
    const char *skip[] = {"day", NULL};
    sim_status st = value_columns(r, "/city", 1, days, 0, skip, &cs);
    hsize_t nb = (hsize_t)block;
    double *buf = st == SIM_OK ? malloc(((size_t)cs.n + 1) * nb * sizeof *buf) : NULL;
    long long *day = st == SIM_OK ? malloc(days * sizeof *day) : NULL;
    if (st == SIM_OK && (!buf || !day))
        st = SIM_FAIL(r->err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    if (st == SIM_OK)
        st = read_ints(r, "/city/day", days, day);
    if (st == SIM_OK) {
        fputs("day", f);
        column_names(f, &cs);
    }
    for (hsize_t d0 = 0; st == SIM_OK && d0 < days; d0 += nb) {
        hsize_t n = days - d0 < nb ? days - d0 : nb;
        for (int k = 0; st == SIM_OK && k < cs.n; k++)
            st = read_block(r, &cs.c[k], 1, d0, n, 0, 1, buf + (size_t)k * nb);
        for (hsize_t i = 0; st == SIM_OK && i < n; i++) {
            fprintf(f, "%lld", day[d0 + i]);
            for (int k = 0; k < cs.n; k++)
                csv_value(f, &cs.c[k], buf[(size_t)k * nb + i]);
            fputc('\n', f);
        }
    }
    free(buf);
    free(day);
    columns_free(&cs);
    return st;
}

/* compounds or subdistricts: one row per sampled day and entity. */
static sim_status export_panel(reader *r, FILE *f, const char *group, const char *entity,
                               int64_t block)
{
    char path[128], ppath[128];
    snprintf(path, sizeof path, "/%s/id", group);
    hsize_t nent = length(r, path);
    snprintf(ppath, sizeof ppath, "/%s/panel", group);
    snprintf(path, sizeof path, "/%s/panel/day", group);
    hsize_t ns = length(r, path);
    if (nent == 0 || ns == 0)
        return SIM_FAIL(r->err, SIM_EINPUT, r->path, 0, "--table",
                        "no /%s/id or /%s/panel/day: not a run file (table %s reads the "
                        "file of `troika run`)",
                        group, group, group);
    columns st_cols = {0}, cs = {0};
    const char *skip_static[] = {"id", NULL}, *skip_panel[] = {"day", NULL};
    char gpath[128];
    snprintf(gpath, sizeof gpath, "/%s", group);
    sim_status st = value_columns(r, gpath, 1, nent, 0, skip_static, &st_cols);
    if (st == SIM_OK)
        st = value_columns(r, ppath, 2, ns, nent, skip_panel, &cs);
    hsize_t nb = (hsize_t)block / nent;
    if (nb < 1)
        nb = 1;
    if (nb > ns)
        nb = ns;
    long long *id = malloc(nent * sizeof *id), *day = malloc(ns * sizeof *day);
    double *stat = malloc(((size_t)st_cols.n + 1) * nent * sizeof *stat);
    double *buf = malloc(((size_t)cs.n + 1) * nb * nent * sizeof *buf);
    if (st == SIM_OK && (!id || !day || !stat || !buf))
        st = SIM_FAIL(r->err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    snprintf(path, sizeof path, "/%s/id", group);
    if (st == SIM_OK)
        st = read_ints(r, path, nent, id);
    snprintf(path, sizeof path, "/%s/panel/day", group);
    if (st == SIM_OK)
        st = read_ints(r, path, ns, day);
    for (int k = 0; st == SIM_OK && k < st_cols.n; k++)
        st = read_block(r, &st_cols.c[k], 1, 0, nent, 0, 1, stat + (size_t)k * nent);
    if (st == SIM_OK) {
        fprintf(f, "day,%s", entity);
        for (int k = 0; k < st_cols.n; k++) {
            fputc(',', f);
            csv_text(f, st_cols.c[k].name);
        }
        column_names(f, &cs);
    }
    size_t per = (size_t)nb * nent;
    for (hsize_t d0 = 0; st == SIM_OK && d0 < ns; d0 += nb) {
        hsize_t n = ns - d0 < nb ? ns - d0 : nb;
        for (int k = 0; st == SIM_OK && k < cs.n; k++)
            st = read_block(r, &cs.c[k], 2, d0, n, 0, nent, buf + (size_t)k * per);
        for (hsize_t i = 0; st == SIM_OK && i < n; i++)
            for (hsize_t e = 0; e < nent; e++) {
                fprintf(f, "%lld,%lld", day[d0 + i], id[e]);
                for (int k = 0; k < st_cols.n; k++)
                    csv_value(f, &st_cols.c[k], stat[(size_t)k * nent + e]);
                for (int k = 0; k < cs.n; k++)
                    csv_value(f, &cs.c[k], buf[(size_t)k * per + i * nent + e]);
                fputc('\n', f);
            }
    }
    free(id);
    free(day);
    free(stat);
    free(buf);
    columns_free(&st_cols);
    columns_free(&cs);
    return st;
}

/* Rows [row][day] of every column in cs for one slice (a run, a
 * replicate): prefix printed before the day. */
static sim_status series_rows(reader *r, FILE *f, const columns *cs, hsize_t row,
                              const long long *day, hsize_t days, int64_t block, double *buf,
                              const char *prefix)
{
    hsize_t nb = (hsize_t)block;
    for (hsize_t d0 = 0; d0 < days; d0 += nb) {
        hsize_t n = days - d0 < nb ? days - d0 : nb;
        for (int k = 0; k < cs->n; k++)
            SIM_TRY(r->err, read_block(r, &cs->c[k], 2, row, 1, d0, n, buf + (size_t)k * nb));
        for (hsize_t i = 0; i < n; i++) {
            fprintf(f, "%s%lld", prefix, day[d0 + i]);
            for (int k = 0; k < cs->n; k++)
                csv_value(f, &cs->c[k], buf[(size_t)k * nb + i]);
            fputc('\n', f);
        }
    }
    return SIM_OK;
}

/* runs: one row per run of a sweep and day. */
static sim_status export_runs(reader *r, FILE *f, int64_t block)
{
    hsize_t nruns = length(r, "/runs/point"), days = length(r, "/runs/day");
    if (nruns == 0 || days == 0)
        return SIM_FAIL(r->err, SIM_EINPUT, r->path, 0, "--table",
                        "no /runs/point or /runs/day: not a sweep file (table runs reads the "
                        "file of `troika sweep`)");
    hsize_t k = length(r, "/runs/param_names");
    columns cs = {0}, params = {0};
    const char *skip[] = {"params", NULL};
    sim_status st = value_columns(r, "/runs", 2, nruns, days, skip, &cs);
    long long *point = malloc(nruns * sizeof *point), *rep = malloc(nruns * sizeof *rep);
    long long *done = malloc(nruns * sizeof *done), *day = malloc(days * sizeof *day);
    unsigned long long *seed = malloc(nruns * sizeof *seed);
    char *pname = calloc(k ? k : 1, 128);
    double *pv = malloc((k ? k : 1) * sizeof *pv);
    double *buf = malloc(((size_t)cs.n + 1) * (size_t)block * sizeof *buf);
    if (st == SIM_OK && (!point || !rep || !done || !day || !seed || !pname || !pv || !buf))
        st = SIM_FAIL(r->err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    if (st == SIM_OK)
        st = read_ints(r, "/runs/point", nruns, point);
    if (st == SIM_OK)
        st = read_ints(r, "/runs/replicate", nruns, rep);
    if (st == SIM_OK)
        st = read_ints(r, "/runs/done", nruns, done);
    if (st == SIM_OK)
        st = read_ints(r, "/runs/day", days, day);
    if (st == SIM_OK)
        st = read_u64s(r, "/runs/seed", nruns, seed);
    if (st == SIM_OK && k > 0)
        st = read_strings(r, "/runs/param_names", k, pname, 128);
    if (st == SIM_OK && k > 0) {
        hid_t g = H5Gopen2(r->file, "/runs", H5P_DEFAULT);
        st = g < 0 ? h5fail(r, "/runs", "cannot open")
                   : column_add(r, &params, g, "params", "/runs/params");
        if (g >= 0)
            H5Gclose(g);
    }
    if (st == SIM_OK) {
        fputs("run,point,replicate,seed", f);
        for (hsize_t j = 0; j < k; j++) {
            fputc(',', f);
            csv_text(f, pname + j * 128);
        }
        fputs(",day", f);
        column_names(f, &cs);
    }
    for (hsize_t run = 0; st == SIM_OK && run < nruns; run++) {
        if (!done[run])
            continue;
        char prefix[2048];
        int n = snprintf(prefix, sizeof prefix, "%llu,%lld,%lld,%llu,", (unsigned long long)run,
                         point[run], rep[run], seed[run]);
        if (k > 0)
            st = read_block(r, &params.c[0], 2, run, 1, 0, k, pv);
        for (hsize_t j = 0; st == SIM_OK && j < k && n < (int)sizeof prefix - 40; j++)
            n += snprintf(prefix + n, sizeof prefix - (size_t)n, "%.17g,", pv[j]);
        if (st == SIM_OK)
            st = series_rows(r, f, &cs, run, day, days, block, buf, prefix);
    }
    free(point);
    free(rep);
    free(done);
    free(day);
    free(seed);
    free(pname);
    free(pv);
    free(buf);
    columns_free(&cs);
    columns_free(&params);
    return st;
}

/* compare: one row per scenario, replicate and day. */
static sim_status export_compare(reader *r, FILE *f, int64_t block)
{
    hsize_t nrep = length(r, "/seeds"), days = length(r, "/day");
    if (nrep == 0 || days == 0 || length(r, "/summary/scenario") == 0)
        return SIM_FAIL(r->err, SIM_EINPUT, r->path, 0, "--table",
                        "no /seeds, /day or /summary: not a compare file (table compare "
                        "reads the file of `troika compare`)");
    hsize_t nscen = length(r, "/summary/scenario");
    long long *day = malloc(days * sizeof *day);
    unsigned long long *seed = malloc(nrep * sizeof *seed);
    double *buf = NULL;
    sim_status st = SIM_OK;
    if (!day || !seed)
        st = SIM_FAIL(r->err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
    if (st == SIM_OK)
        st = read_ints(r, "/day", days, day);
    if (st == SIM_OK)
        st = read_u64s(r, "/seeds", nrep, seed);
    for (hsize_t s = 0; st == SIM_OK && s < nscen; s++) {
        char gpath[64], name[256];
        snprintf(gpath, sizeof gpath, "/scenarios/%llu/city", (unsigned long long)s);
        columns cs = {0};
        st = value_columns(r, gpath, 2, nrep, days, NULL, &cs);
        if (st == SIM_OK && !(buf = realloc(buf, ((size_t)cs.n + 1) * (size_t)block * sizeof *buf)))
            st = SIM_FAIL(r->err, SIM_ENOMEM, NULL, 0, NULL, "out of memory");
        char spath[64];
        snprintf(spath, sizeof spath, "/scenarios/%llu", (unsigned long long)s);
        hid_t g = st == SIM_OK ? H5Gopen2(r->file, spath, H5P_DEFAULT) : -1;
        name[0] = '\0';
        if (g >= 0) {
            string_attr(g, "name", name, sizeof name);
            H5Gclose(g);
        }
        if (st == SIM_OK && s == 0) {
            fputs("scenario,scenario_name,replicate,seed,day", f);
            column_names(f, &cs);
        }
        for (hsize_t rep = 0; st == SIM_OK && rep < nrep; rep++) {
            char prefix[600], quoted[520];
            csv_quote(quoted, sizeof quoted, name);
            snprintf(prefix, sizeof prefix, "%llu,%s,%llu,%llu,", (unsigned long long)s, quoted,
                     (unsigned long long)rep, seed[rep]);
            st = series_rows(r, f, &cs, rep, day, days, block, buf, prefix);
        }
        columns_free(&cs);
    }
    free(buf);
    free(day);
    free(seed);
    return st;
}

sim_status ana_export_write(const char *path, ana_export_table t, const sim_metric_desc *metrics,
                            int nmetrics, FILE *out, const char *command_line, int64_t block,
                            sim_error *err)
{
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    reader r = {path, -1, err, metrics, nmetrics};
    if (block < 1)
        block = 1;
    r.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r.file < 0) {
        char why[256];
        h5l_describe(why, sizeof why);
        return SIM_FAIL(err, SIM_EINPUT, path, 0, NULL, "cannot open as an HDF5 file (%s)", why);
    }
    /* the dataset each table needs, before anything is written */
    static const char *const needs[ANA_EXPORT_NTABLES] = {"/city/day", "/compounds/panel/day",
                                                          "/subdistricts/panel/day", "/runs/point",
                                                          "/summary/scenario"};
    if (length(&r, needs[t]) == 0) {
        H5Fclose(r.file);
        return SIM_FAIL(err, SIM_EINPUT, path, 0, "--table",
                        "no %s: not a %s file (table %s reads the file of `troika %s`)", needs[t],
                        ana_export_tables[t].file, ana_export_tables[t].name,
                        t == ANA_EXPORT_RUNS      ? "sweep"
                        : t == ANA_EXPORT_COMPARE ? "compare"
                                                  : "run");
    }
    header(&r, out, t, command_line);
    sim_status st;
    switch (t) {
    case ANA_EXPORT_CITY:
        st = export_city(&r, out, block);
        break;
    case ANA_EXPORT_COMPOUNDS:
        st = export_panel(&r, out, "compounds", "compound", block);
        break;
    case ANA_EXPORT_SUBDISTRICTS:
        st = export_panel(&r, out, "subdistricts", "subdistrict", block);
        break;
    case ANA_EXPORT_RUNS:
        st = export_runs(&r, out, block);
        break;
    case ANA_EXPORT_COMPARE:
        st = export_compare(&r, out, block);
        break;
    default:
        st = SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL, "no table %d", (int)t);
    }
    H5Fclose(r.file);
    return st;
}
