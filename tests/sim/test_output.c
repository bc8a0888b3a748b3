/* tests/sim/test_output.c — the HDF5 result file (sim/output.c).
 *
 * A tiny hand-built world (2 sub-districts, 3 compounds, 7 households) and a
 * made-up city series are written, then read back with the HDF5 C API.
 * Also: refusals (NaN, existing file, directory, missing folder), the
 * temporary file's life, byte-for-byte determinism, a full disk (simulated
 * with RLIMIT_FSIZE in a child process), docs/OUTPUT.md listing every
 * metric, and tests/py/check_output.py accepting a good file.
 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include "err.h"
#include "h5.h"
#include "metrics.h"
#include "output.h"
#include "params.h"
#include "world.h"
#include "troika_version.h"
#include "suite.h"

#define DAYS 20
#define NSAMP 3

typedef struct {
    char dir[512];
    sim_world w;
    int32_t sub_comp0[3], rc_comp0[3], rc_sub[2];
    int32_t comp_sub[3], comp_rc[3], comp_firm[3];
    uint8_t comp_old[3];
    int64_t comp_hh0[4];
    uint8_t hh_flags[7];
    uint16_t hh_area[7];
    sim_params p;
    sim_provenance pv;
    double city[DAYS * SIM_MET_N];
    int64_t sample_day[NSAMP];
    float *panel[SIM_MET_N];
    float *subpanel[SIM_MET_N]; /* NSAMP x 2 sub-districts */
} fixture;

/* ---- helpers ------------------------------------------------------------- */

static void path_in(const fixture *f, const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", f->dir, name);
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Entries of a folder other than . and .. (names joined by spaces). */
static int dir_entries(const char *dir, char *names, size_t n)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int count = 0;
    if (names && n)
        names[0] = '\0';
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        count++;
        if (names && strlen(names) + strlen(e->d_name) + 2 < n) {
            strcat(names, e->d_name);
            strcat(names, " ");
        }
    }
    closedir(d);
    return count;
}

/* Files whose name contains ".tmp-" in the folder. */
static int temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tmp-"))
            count++;
    closedir(d);
    return count;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += k;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
    }
    fclose(fp);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/troika-test-output-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }

    /* 2 sub-districts: compounds 0,1 in sub-district 0 (RC 0), compound 2 in
     * sub-district 1 (RC 1); households 3, 2, 2. */
    static const int32_t sub_comp0[3] = {0, 2, 3}, rc_comp0[3] = {0, 2, 3};
    static const int32_t rc_sub[2] = {0, 1}, comp_sub[3] = {0, 0, 1};
    static const int32_t comp_rc[3] = {0, 0, 1}, comp_firm[3] = {1, 0, 1};
    static const uint8_t comp_old[3] = {1, 0, 0};
    static const int64_t comp_hh0[4] = {0, 3, 5, 7};
    memcpy(f->sub_comp0, sub_comp0, sizeof sub_comp0);
    memcpy(f->rc_comp0, rc_comp0, sizeof rc_comp0);
    memcpy(f->rc_sub, rc_sub, sizeof rc_sub);
    memcpy(f->comp_sub, comp_sub, sizeof comp_sub);
    memcpy(f->comp_rc, comp_rc, sizeof comp_rc);
    memcpy(f->comp_firm, comp_firm, sizeof comp_firm);
    memcpy(f->comp_old, comp_old, sizeof comp_old);
    memcpy(f->comp_hh0, comp_hh0, sizeof comp_hh0);
    for (int h = 0; h < 7; h++) {
        f->hh_flags[h] = (uint8_t)(h % 2 ? SIM_HH_OWNER : SIM_HH_ELDERLY);
        f->hh_area[h] = (uint16_t)(60 + 10 * h);
    }
    sim_world *w = &f->w;
    w->nsub = 2;
    w->ncomp = 3;
    w->nrc = 2;
    w->nfirm = 2;
    w->nhh = 7;
    w->sub_comp0 = f->sub_comp0;
    w->rc_comp0 = f->rc_comp0;
    w->rc_sub = f->rc_sub;
    w->comp_sub = f->comp_sub;
    w->comp_rc = f->comp_rc;
    w->comp_firm = f->comp_firm;
    w->comp_old = f->comp_old;
    w->comp_hh0 = f->comp_hh0;
    w->hh_flags = f->hh_flags;
    w->hh_area = f->hh_area;

    sim_params_default(&f->p);
    f->p.run_days = DAYS;
    f->pv.scenario_name = "test";
    f->pv.resolved_ini = "[run]\ndays = 20\n";
    f->pv.sources = "# test.ini\n[run]\ndays = 20\n";
    f->pv.command_line = "troika run test.ini -o out.h5";
    f->pv.seed = 42;
    f->pv.days = DAYS;
    f->pv.threads = 2;

    for (int d = 0; d < DAYS; d++)
        for (int m = 0; m < SIM_MET_N; m++)
            f->city[d * SIM_MET_N + m] = d * 100.0 + m + 0.25;
    for (int i = 0; i < NSAMP; i++)
        f->sample_day[i] = 5 + 6 * i;
    for (int m = 0; m < SIM_MET_N; m++) {
        if (!sim_metric_table[m].panel[0])
            continue;
        f->panel[m] = malloc(NSAMP * 3 * sizeof(float));
        if (!f->panel[m])
            return -1;
        for (int i = 0; i < NSAMP * 3; i++)
            f->panel[m][i] = (float)(m * 1000 + i) + 0.5f;
    }
    for (int m = 0; m < SIM_MET_N; m++) {
        if (!sim_metric_subpanel(m))
            continue;
        f->subpanel[m] = malloc(NSAMP * 2 * sizeof(float));
        if (!f->subpanel[m])
            return -1;
        for (int i = 0; i < NSAMP * 2; i++)
            f->subpanel[m][i] = (float)(m * 100 + i) + 0.25f;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
            if (unlink(p) != 0)
                (void)rmdir(p);
        }
        closedir(d);
    }
    (void)rmdir(f->dir);
    for (int m = 0; m < SIM_MET_N; m++) {
        free(f->panel[m]);
        free(f->subpanel[m]);
    }
    free(f);
    return 0;
}

/* The whole write; returns the first failure (the output is then gone) and
 * the step that failed in *stage (0 open, 1 provenance, 2 city, 3 compounds,
 * 4 sub-districts, 5 commit). */
static sim_status write_stage(fixture *f, const char *path, int force, sim_error *err, int *stage)
{
    sim_output *o = NULL;
    *stage = 0;
    sim_status s = out_open(&o, path, force, err);
    if (s != SIM_OK)
        return s;
    *stage = 1;
    s = out_write_provenance(o, &f->pv, &f->p, err);
    if (s == SIM_OK) {
        *stage = 2;
        s = out_write_city(o, DAYS, f->city, err);
    }
    if (s == SIM_OK) {
        *stage = 3;
        s = out_write_compounds(o, &f->w, NSAMP, f->sample_day, f->panel, err);
    }
    if (s == SIM_OK) {
        *stage = 4;
        s = out_write_subdistricts(o, &f->w, NSAMP, f->sample_day, f->subpanel, err);
    }
    if (s != SIM_OK) {
        out_abort(o);
        return s;
    }
    *stage = 5;
    return out_commit(o, err);
}

static sim_status write_all(fixture *f, const char *path, int force, sim_error *err)
{
    int stage;
    return write_stage(f, path, force, err, &stage);
}

/* ---- reading back -------------------------------------------------------- */

static char *attr_string(hid_t file, const char *obj, const char *name)
{
    hid_t a = H5Aopen_by_name(file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t ft = H5Aget_type(a);
    assert_true(ft >= 0);
    assert_int_equal(H5Tget_class(ft), H5T_STRING);
    assert_true(H5Tis_variable_str(ft) > 0);
    assert_int_equal(H5Tget_cset(ft), H5T_CSET_UTF8);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    char *v = NULL;
    assert_true(H5Aread(a, mt, &v) >= 0);
    assert_non_null(v);
    size_t n = strlen(v) + 1;
    char *copy = malloc(n);
    assert_non_null(copy);
    memcpy(copy, v, n);
    H5free_memory(v);
    H5Tclose(mt);
    H5Tclose(ft);
    H5Aclose(a);
    return copy;
}

static void assert_attr_string(hid_t file, const char *obj, const char *name, const char *want)
{
    char *v = attr_string(file, obj, name);
    assert_string_equal(v, want);
    free(v);
}

/* The CF units of obj: the UDUNITS string of the human unit, which is kept
 * as unit_text when it differs (core/h5). */
static void assert_units(hid_t file, const char *obj, const char *unit)
{
    assert_attr_string(file, obj, "units", h5l_udunits(unit));
    if (strcmp(h5l_udunits(unit), unit) != 0 && unit[0])
        assert_attr_string(file, obj, "unit_text", unit);
}

/* Dimension idx of dataset obj has the dimension scale `scale` attached. */
static void assert_axis(hid_t file, const char *obj, const char *scale, unsigned idx)
{
    hid_t d = H5Dopen2(file, obj, H5P_DEFAULT), sc = H5Dopen2(file, scale, H5P_DEFAULT);
    assert_true(d >= 0 && sc >= 0);
    assert_int_equal(H5DSis_scale(sc), 1);
    assert_int_equal(H5DSis_attached(d, sc, idx), 1);
    H5Dclose(sc);
    H5Dclose(d);
}

static int64_t attr_int(hid_t file, const char *obj, const char *name)
{
    hid_t a = H5Aopen_by_name(file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t ft = H5Aget_type(a);
    assert_int_equal(H5Tget_class(ft), H5T_INTEGER);
    int64_t v = 0;
    assert_true(H5Aread(a, H5T_NATIVE_INT64, &v) >= 0);
    H5Tclose(ft);
    H5Aclose(a);
    return v;
}

static double attr_double(hid_t file, const char *obj, const char *name)
{
    hid_t a = H5Aopen_by_name(file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t ft = H5Aget_type(a);
    assert_int_equal(H5Tget_class(ft), H5T_FLOAT);
    double v = 0;
    assert_true(H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0);
    H5Tclose(ft);
    H5Aclose(a);
    return v;
}

/* Rank, dims and all values of a numeric dataset as doubles. */
static double *read_dataset(hid_t file, const char *name, int *rank, hsize_t dims[2])
{
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t sp = H5Dget_space(d);
    *rank = H5Sget_simple_extent_ndims(sp);
    assert_true(*rank >= 1 && *rank <= 2);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    hssize_t n = H5Sget_simple_extent_npoints(sp);
    double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    assert_non_null(v);
    if (n > 0)
        assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Sclose(sp);
    H5Dclose(d);
    return v;
}

/* Element i of a 1-D string dataset (caller frees). */
static char *read_string_elem(hid_t file, const char *name, hsize_t i, hsize_t *len)
{
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t sp = H5Dget_space(d);
    hsize_t n = 0;
    H5Sget_simple_extent_dims(sp, &n, NULL);
    *len = n;
    assert_true(i < n);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    char **v = calloc((size_t)n, sizeof *v);
    assert_non_null(v);
    assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    size_t k = strlen(v[i]) + 1;
    char *copy = malloc(k);
    assert_non_null(copy);
    memcpy(copy, v[i], k);
    for (hsize_t j = 0; j < n; j++)
        H5free_memory(v[j]);
    free(v);
    H5Tclose(mt);
    H5Sclose(sp);
    H5Dclose(d);
    return copy;
}

/* ---- tests --------------------------------------------------------------- */

static void test_write_and_read_back(void **state)
{
    fixture *f = *state;
    char path[1024];
    path_in(f, "out.h5", path, sizeof path);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(write_all(f, path, 0, &err), SIM_OK);
    char names[1024];
    assert_int_equal(dir_entries(f->dir, names, sizeof names), 1);
    assert_string_equal(names, "out.h5 ");
    assert_true(H5Fis_hdf5(path) > 0);

    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);

    /* root provenance */
    assert_attr_string(file, "/", "troika_version", TROIKA_VERSION);
    assert_attr_string(file, "/", "git_commit", TROIKA_GIT_COMMIT);
    assert_int_equal(attr_int(file, "/", "schema_version"), TROIKA_SCHEMA_VERSION);
    assert_int_equal(attr_int(file, "/", "seed"), 42);
    assert_int_equal(attr_int(file, "/", "days"), DAYS);
    assert_int_equal(attr_int(file, "/", "threads"), 2);
    assert_attr_string(file, "/", "scenario", "test");
    assert_attr_string(file, "/", "parameters", f->pv.resolved_ini);
    assert_attr_string(file, "/", "scenario_sources", f->pv.sources);
    assert_attr_string(file, "/", "command_line", f->pv.command_line);
    assert_attr_string(file, "/", "build_type", TROIKA_BUILD_TYPE);
    assert_attr_string(file, "/", "compiler", TROIKA_COMPILER);
    assert_attr_string(file, "/", "compiler_flags", TROIKA_CFLAGS);
    char *rng = attr_string(file, "/", "rng");
    assert_non_null(strstr(rng, "philox4x32-10"));
    free(rng);
    char *gv = attr_string(file, "/", "gsl_version");
    assert_true(gv[0] >= '1' && gv[0] <= '9');
    free(gv);
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
    char want[64];
    snprintf(want, sizeof want, "%u.%u.%u", maj, min, rel);
    assert_attr_string(file, "/", "hdf5_version", want);

    /* /parameters: typed attributes and the table */
    for (int i = 0; i < sim_param_count; i++) {
        const sim_param_desc *d = &sim_param_table[i];
        double v = sim_param_get(&f->p, i);
        if (d->type == SIM_P_REAL)
            assert_true(attr_double(file, "/parameters", d->key) == v);
        else
            assert_true((double)attr_int(file, "/parameters", d->key) == v);
    }
    assert_true(attr_double(file, "/parameters", "household.complain_rate") ==
                f->p.household_complain_rate);
    assert_int_equal(attr_int(file, "/parameters", "run.days"), DAYS);
    static const char *const cols[] = {"key",  "value",       "type",          "unit",
                                       "kind", "description", "description_zh"};
    int ic = sim_param_find("household.complain_rate");
    assert_true(ic >= 0);
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        char name[64];
        snprintf(name, sizeof name, "/parameters/%s", cols[c]);
        hsize_t n = 0;
        char *s = read_string_elem(file, name, (hsize_t)ic, &n);
        assert_int_equal(n, sim_param_count);
        const sim_param_desc *d = &sim_param_table[ic];
        char val[48];
        const char *expect = c == 0   ? d->key
                             : c == 1 ? sim_param_format(&f->p, ic, val, sizeof val)
                             : c == 2 ? "real"
                             : c == 3 ? d->unit
                             : c == 4 ? "fixed"
                             : c == 5 ? d->doc_en
                                      : d->doc_zh;
        assert_string_equal(s, expect);
        free(s);
    }
    { /* a policy lever is marked as such; Chinese survives */
        hsize_t n;
        int is = sim_param_find("pmc.subsidy_old");
        assert_true(is >= 0);
        char *k = read_string_elem(file, "/parameters/kind", (hsize_t)is, &n);
        assert_string_equal(k, "policy");
        free(k);
        char *zh = read_string_elem(file, "/parameters/description_zh", (hsize_t)is, &n);
        assert_non_null(strstr(zh, "补贴"));
        free(zh);
    }

    /* /city */
    int rank;
    hsize_t dims[2];
    double *day = read_dataset(file, "/city/day", &rank, dims);
    assert_int_equal(rank, 1);
    assert_int_equal(dims[0], DAYS);
    for (int d = 0; d < DAYS; d++)
        assert_true(day[d] == d);
    free(day);
    assert_attr_string(file, "/city/day", "units", "days since " H5L_START_DATE);
    assert_attr_string(file, "/city/day", "calendar", "standard");
    assert_attr_string(file, "/", "Conventions", "CF-1.8");
    for (int m = 0; m < SIM_MET_N; m++) {
        const sim_metric_desc *md = &sim_metric_table[m];
        char name[128];
        snprintf(name, sizeof name, "/city/%s", md->name);
        double *v = read_dataset(file, name, &rank, dims);
        assert_int_equal(rank, 1);
        assert_int_equal(dims[0], DAYS);
        for (int d = 0; d < DAYS; d++)
            assert_true(v[d] == f->city[d * SIM_MET_N + m]);
        free(v);
        hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
        hid_t ft = H5Dget_type(ds);
        assert_int_equal(H5Tget_class(ft), H5T_FLOAT);
        assert_int_equal(H5Tget_size(ft), 8);
        H5Tclose(ft);
        H5Dclose(ds);
        assert_units(file, name, md->unit);
        assert_attr_string(file, name, "long_name", md->doc_en);
        assert_axis(file, name, "/city/day", 0);
        assert_attr_string(file, name, "description", md->doc_en);
        assert_attr_string(file, name, "description_zh", md->doc_zh);
        assert_attr_string(file, name, "kind", md->kind == SIM_M_COUNT ? "count" : "ratio");
    }
    assert_attr_string(file, "/city/fee_collection_rate", "description_zh",
                       "各小区最近一次收费中实收的比例（物业费收缴率）。");

    /* /compounds, static */
    static const struct {
        const char *name;
        double v[3];
    } stat_cols[] = {
        {"/compounds/id", {0, 1, 2}},
        {"/compounds/subdistrict", {0, 0, 1}},
        {"/compounds/residents_committee", {0, 0, 1}},
        {"/compounds/firm", {1, 0, 1}},
        {"/compounds/old", {1, 0, 0}},
        {"/compounds/households", {3, 2, 2}},
    };
    for (size_t c = 0; c < sizeof stat_cols / sizeof stat_cols[0]; c++) {
        double *v = read_dataset(file, stat_cols[c].name, &rank, dims);
        assert_int_equal(rank, 1);
        assert_int_equal(dims[0], 3);
        for (int i = 0; i < 3; i++)
            assert_true(v[i] == stat_cols[c].v[i]);
        free(v);
        char *u = attr_string(file, stat_cols[c].name, "units");
        free(u);
        assert_axis(file, stat_cols[c].name, "/compounds/compound", 0);
        char *desc = attr_string(file, stat_cols[c].name, "description");
        assert_true(strlen(desc) > 5);
        free(desc);
    }
    assert_units(file, "/compounds/households", "household");
    assert_attr_string(file, "/compounds/firm", "coordinates", "subdistrict old");
    {
        hid_t ds = H5Dopen2(file, "/compounds/old", H5P_DEFAULT);
        hid_t ft = H5Dget_type(ds);
        assert_int_equal(H5Tget_size(ft), 1);
        assert_int_equal(H5Tget_sign(ft), H5T_SGN_NONE);
        H5Tclose(ft);
        H5Dclose(ds);
    }

    /* /compounds/panel */
    double *pd = read_dataset(file, "/compounds/panel/day", &rank, dims);
    assert_int_equal(dims[0], NSAMP);
    for (int i = 0; i < NSAMP; i++)
        assert_true(pd[i] == f->sample_day[i]);
    free(pd);
    int npanel = 0;
    for (int m = 0; m < SIM_MET_N; m++) {
        const sim_metric_desc *md = &sim_metric_table[m];
        if (!md->panel[0])
            continue;
        npanel++;
        char name[128];
        snprintf(name, sizeof name, "/compounds/panel/%s", md->panel);
        double *v = read_dataset(file, name, &rank, dims);
        assert_int_equal(rank, 2);
        assert_int_equal(dims[0], NSAMP);
        assert_int_equal(dims[1], 3);
        for (int i = 0; i < NSAMP * 3; i++)
            assert_true(v[i] == (double)f->panel[m][i]);
        free(v);
        assert_attr_string(file, name, "dims", "day,compound");
        assert_units(file, name, md->unit);
        assert_axis(file, name, "/compounds/panel/day", 0);
        assert_axis(file, name, "/compounds/compound", 1);
        assert_attr_string(file, name, "description", md->doc_en);
        assert_attr_string(file, name, "description_zh", md->doc_zh);
        assert_attr_string(file, name, "kind", md->kind == SIM_M_COUNT ? "count" : "ratio");
        hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
        hid_t ft = H5Dget_type(ds);
        assert_int_equal(H5Tget_class(ft), H5T_FLOAT);
        assert_int_equal(H5Tget_size(ft), 4);
        hid_t dcpl = H5Dget_create_plist(ds);
        assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
        hsize_t chunk[2];
        assert_int_equal(H5Pget_chunk(dcpl, 2, chunk), 2);
        assert_int_equal(chunk[0], NSAMP);
        assert_int_equal(chunk[1], 3);
        if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
            unsigned flags;
            size_t nel = 1;
            unsigned lvl = 0;
            assert_true(H5Pget_filter_by_id2(dcpl, H5Z_FILTER_DEFLATE, &flags, &nel, &lvl, 0, NULL,
                                             NULL) >= 0);
            assert_int_equal(lvl, 1);
        }
        H5Pclose(dcpl);
        H5Tclose(ft);
        H5Dclose(ds);
    }
    assert_true(npanel > 0);

    /* /subdistricts: sub-district 0 has compounds 0, 1 (5 households), 1 has
     * compound 2 (2 households) */
    static const struct {
        const char *name;
        double v[2];
    } sub_cols[] = {
        {"/subdistricts/id", {0, 1}},
        {"/subdistricts/compounds", {2, 1}},
        {"/subdistricts/households", {5, 2}},
    };
    for (size_t c = 0; c < sizeof sub_cols / sizeof sub_cols[0]; c++) {
        double *v = read_dataset(file, sub_cols[c].name, &rank, dims);
        assert_int_equal(rank, 1);
        assert_int_equal(dims[0], 2);
        for (int i = 0; i < 2; i++)
            assert_true(v[i] == sub_cols[c].v[i]);
        free(v);
        char *desc = attr_string(file, sub_cols[c].name, "description");
        assert_true(strlen(desc) > 5);
        free(desc);
    }
    assert_units(file, "/subdistricts/households", "household");
    assert_axis(file, "/subdistricts/households", "/subdistricts/subdistrict", 0);
    {
        hid_t ds = H5Dopen2(file, "/subdistricts/households", H5P_DEFAULT);
        hid_t ft = H5Dget_type(ds);
        assert_int_equal(H5Tget_size(ft), 8);
        H5Tclose(ft);
        H5Dclose(ds);
    }
    pd = read_dataset(file, "/subdistricts/panel/day", &rank, dims);
    assert_int_equal(dims[0], NSAMP);
    for (int i = 0; i < NSAMP; i++)
        assert_true(pd[i] == f->sample_day[i]);
    free(pd);
    int nsubpanel = 0, nsubphase = 0;
    for (int m = 0; m < SIM_MET_N; m++) {
        const sim_metric_desc *md = &sim_metric_table[m];
        char name[128];
        snprintf(name, sizeof name, "/subdistricts/panel/%s", md->name);
        if (!sim_metric_subpanel(m)) {
            assert_true(H5Lexists(file, name, H5P_DEFAULT) == 0);
            continue;
        }
        nsubpanel++;
        nsubphase += !md->panel[0];
        double *v = read_dataset(file, name, &rank, dims);
        assert_int_equal(rank, 2);
        assert_int_equal(dims[0], NSAMP);
        assert_int_equal(dims[1], 2);
        for (int i = 0; i < NSAMP * 2; i++)
            assert_true(v[i] == (double)f->subpanel[m][i]);
        free(v);
        assert_attr_string(file, name, "dims", "day,subdistrict");
        assert_units(file, name, md->unit);
        assert_axis(file, name, "/subdistricts/panel/day", 0);
        assert_axis(file, name, "/subdistricts/subdistrict", 1);
        assert_attr_string(file, name, "description", md->doc_en);
        assert_attr_string(file, name, "description_zh", md->doc_zh);
        assert_attr_string(file, name, "kind", md->kind == SIM_M_COUNT ? "count" : "ratio");
        assert_attr_string(file, name, "city_metric", md->name);
        assert_attr_string(file, name, "source", md->panel[0] ? "compounds" : "subdistrict");
        hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
        hid_t dcpl = H5Dget_create_plist(ds);
        assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
        H5Pclose(dcpl);
        H5Dclose(ds);
    }
    assert_int_equal(nsubpanel - nsubphase, npanel);
    assert_true(nsubphase > 0);
    assert_true(H5Fclose(file) >= 0);
}

static void test_nan_refused(void **state)
{
    fixture *f = *state;
    char path[1024];
    path_in(f, "nan.h5", path, sizeof path);
    int m = sim_metric_find("fee_collection_rate");
    assert_true(m >= 0);
    f->city[12 * SIM_MET_N + m] = NAN;

    /* out_commit after the refusal fails too (sticky) and leaves nothing */
    sim_output *o = NULL;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(out_open(&o, path, 0, &err), SIM_OK);
    assert_int_equal(out_write_provenance(o, &f->pv, &f->p, &err), SIM_OK);
    assert_int_equal(out_write_city(o, DAYS, f->city, &err), SIM_ENUMERIC);
    assert_string_equal(err.msg, "metric fee_collection_rate is NaN on day 12; "
                                 "refusing to write a non-finite value");
    sim_error err2;
    sim_error_clear(&err2);
    assert_int_equal(out_write_compounds(o, &f->w, NSAMP, f->sample_day, f->panel, &err2),
                     SIM_ENUMERIC);
    assert_string_equal(err2.msg, err.msg);
    sim_error_clear(&err2);
    assert_int_equal(out_commit(o, &err2), SIM_ENUMERIC);
    assert_non_null(strstr(err2.msg, "fee_collection_rate"));
    assert_false(exists(path));
    assert_int_equal(dir_entries(f->dir, NULL, 0), 0);

    /* infinity, then out_abort */
    f->city[12 * SIM_MET_N + m] = 0.5;
    f->city[3 * SIM_MET_N + 0] = -INFINITY;
    sim_error_clear(&err);
    assert_int_equal(write_all(f, path, 0, &err), SIM_ENUMERIC);
    assert_non_null(strstr(err.msg, sim_metric_table[0].name));
    assert_non_null(strstr(err.msg, "day 3"));
    assert_int_equal(dir_entries(f->dir, NULL, 0), 0);
    f->city[3 * SIM_MET_N + 0] = 1.0;

    /* a non-finite panel value */
    int mp = sim_metric_find("pmc_quality_mean");
    assert_true(mp >= 0 && f->panel[mp]);
    f->panel[mp][4] = NAN; /* row 1 (day 11), compound 1 */
    sim_error_clear(&err);
    assert_int_equal(write_all(f, path, 0, &err), SIM_ENUMERIC);
    assert_non_null(strstr(err.msg, "pmc_quality"));
    assert_non_null(strstr(err.msg, "day 11"));
    assert_non_null(strstr(err.msg, "compound 1"));
    assert_int_equal(dir_entries(f->dir, NULL, 0), 0);
    f->panel[mp][4] = 0.5f;

    /* ... and in the sub-district panel */
    int ms = sim_metric_find("disputes_waiting");
    assert_true(ms >= 0 && f->subpanel[ms]);
    f->subpanel[ms][3] = INFINITY; /* row 1 (day 11), sub-district 1 */
    sim_error_clear(&err);
    assert_int_equal(write_all(f, path, 0, &err), SIM_ENUMERIC);
    assert_string_equal(err.msg, "panel disputes_waiting is +infinity on day 11 in "
                                 "sub-district 1; refusing to write a non-finite value");
    assert_int_equal(dir_entries(f->dir, NULL, 0), 0);
}

static void test_existing_refused_and_force(void **state)
{
    fixture *f = *state;
    char path[1024];
    path_in(f, "old.h5", path, sizeof path);
    write_text(path, "keep me\n");

    sim_output *o = NULL;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(out_open(&o, path, 0, &err), SIM_EINPUT);
    assert_null(o);
    assert_string_equal(err.key, "-o");
    assert_non_null(strstr(err.msg, "exists; use --force to overwrite"));
    char *text = slurp(path, NULL);
    assert_string_equal(text, "keep me\n");
    free(text);
    assert_int_equal(dir_entries(f->dir, NULL, 0), 1);

    /* a failed run with --force keeps the old file */
    sim_error_clear(&err);
    assert_int_equal(out_open(&o, path, 1, &err), SIM_OK);
    assert_int_equal(out_write_provenance(o, &f->pv, &f->p, &err), SIM_OK);
    out_abort(o);
    text = slurp(path, NULL);
    assert_string_equal(text, "keep me\n");
    free(text);
    assert_int_equal(dir_entries(f->dir, NULL, 0), 1);

    /* --force replaces it */
    sim_error_clear(&err);
    assert_int_equal(write_all(f, path, 1, &err), SIM_OK);
    assert_true(H5Fis_hdf5(path) > 0);
    assert_int_equal(dir_entries(f->dir, NULL, 0), 1);
}

static void test_directory_refused(void **state)
{
    fixture *f = *state;
    sim_output *o = NULL;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(out_open(&o, f->dir, 1, &err), SIM_EINPUT);
    assert_null(o);
    assert_string_equal(err.key, "-o");
    assert_non_null(strstr(err.msg, "is a directory"));

    char path[1024];
    snprintf(path, sizeof path, "%s/", f->dir);
    sim_error_clear(&err);
    assert_int_equal(out_open(&o, path, 0, &err), SIM_EINPUT);
    assert_non_null(strstr(err.msg, "directory"));
    assert_int_equal(dir_entries(f->dir, NULL, 0), 0);
}

static void test_missing_folder_refused(void **state)
{
    fixture *f = *state;
    char path[1024];
    path_in(f, "no/such/folder/out.h5", path, sizeof path);
    sim_output *o = NULL;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(out_open(&o, path, 0, &err), SIM_EINPUT);
    assert_null(o);
    assert_string_equal(err.key, "-o");
    assert_non_null(strstr(err.msg, "does not exist"));
    assert_non_null(strstr(err.msg, "no/such/folder"));

    /* a path through a regular file */
    char file[1024], through[1100];
    path_in(f, "plain", file, sizeof file);
    write_text(file, "x");
    snprintf(through, sizeof through, "%s/out.h5", file);
    sim_error_clear(&err);
    assert_int_equal(out_open(&o, through, 0, &err), SIM_EINPUT);
    assert_non_null(strstr(err.msg, "not a folder"));

    sim_error_clear(&err);
    assert_int_equal(out_open(&o, "", 0, &err), SIM_EINPUT);
    assert_null(o);
}

static void test_unwritable_folder_refused(void **state)
{
    fixture *f = *state;
    if (geteuid() == 0)
        skip(); /* root writes anywhere */
    char sub[1024], path[1100];
    path_in(f, "ro", sub, sizeof sub);
    assert_int_equal(mkdir(sub, 0555), 0);
    snprintf(path, sizeof path, "%s/out.h5", sub);
    sim_output *o = NULL;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(out_open(&o, path, 0, &err), SIM_EINPUT);
    assert_non_null(strstr(err.msg, "not writable"));
    assert_int_equal(dir_entries(sub, NULL, 0), 0);
}

static void test_abort_leaves_no_temp(void **state)
{
    fixture *f = *state;
    char path[1024];
    path_in(f, "run.h5", path, sizeof path);
    sim_output *o = NULL;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(out_open(&o, path, 0, &err), SIM_OK);
    const char *tmp = out_temp_path(o);
    assert_non_null(tmp);
    char prefix[1200];
    snprintf(prefix, sizeof prefix, "%s/.run.h5.tmp-%ld-", f->dir, (long)getpid());
    assert_memory_equal(tmp, prefix, strlen(prefix));
    assert_true(exists(tmp));
    assert_false(exists(path));
    assert_int_equal(temp_files(f->dir), 1);

    /* a second writer to the same name gets another temporary file */
    sim_output *o2 = NULL;
    assert_int_equal(out_open(&o2, path, 0, &err), SIM_OK);
    assert_string_not_equal(out_temp_path(o2), tmp);
    assert_int_equal(temp_files(f->dir), 2);
    out_abort(o2);

    assert_int_equal(out_write_provenance(o, &f->pv, &f->p, &err), SIM_OK);
    assert_int_equal(out_write_city(o, DAYS, f->city, &err), SIM_OK);
    out_abort(o);
    assert_int_equal(dir_entries(f->dir, NULL, 0), 0);
    out_abort(NULL);
    assert_null(out_temp_path(NULL));
}

static void test_commit_incomplete_refused(void **state)
{
    fixture *f = *state;
    char path[1024];
    path_in(f, "part.h5", path, sizeof path);
    sim_output *o = NULL;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(out_open(&o, path, 0, &err), SIM_OK);
    assert_int_equal(out_write_provenance(o, &f->pv, &f->p, &err), SIM_OK);
    assert_int_equal(out_write_city(o, DAYS, f->city, &err), SIM_OK);
    assert_int_equal(out_commit(o, &err), SIM_EINTERNAL);
    assert_non_null(strstr(err.msg, "/compounds"));
    assert_int_equal(dir_entries(f->dir, NULL, 0), 0);

    /* everything but /subdistricts */
    sim_error_clear(&err);
    assert_int_equal(out_open(&o, path, 0, &err), SIM_OK);
    assert_int_equal(out_write_provenance(o, &f->pv, &f->p, &err), SIM_OK);
    assert_int_equal(out_write_city(o, DAYS, f->city, &err), SIM_OK);
    assert_int_equal(out_write_compounds(o, &f->w, NSAMP, f->sample_day, f->panel, &err), SIM_OK);
    assert_int_equal(out_commit(o, &err), SIM_EINTERNAL);
    assert_non_null(strstr(err.msg, "/subdistricts"));
    assert_int_equal(dir_entries(f->dir, NULL, 0), 0);

    /* /city with another number of days than the provenance */
    sim_error_clear(&err);
    assert_int_equal(out_open(&o, path, 0, &err), SIM_OK);
    assert_int_equal(out_write_provenance(o, &f->pv, &f->p, &err), SIM_OK);
    assert_int_equal(out_write_city(o, DAYS - 1, f->city, &err), SIM_EINTERNAL);
    assert_int_equal(out_commit(o, &err), SIM_EINTERNAL);
    assert_int_equal(dir_entries(f->dir, NULL, 0), 0);
}

static void test_empty_panel(void **state)
{
    fixture *f = *state;
    char path[1024];
    path_in(f, "empty.h5", path, sizeof path);
    sim_output *o = NULL;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(out_open(&o, path, 0, &err), SIM_OK);
    assert_int_equal(out_write_provenance(o, &f->pv, &f->p, &err), SIM_OK);
    assert_int_equal(out_write_city(o, DAYS, f->city, &err), SIM_OK);
    assert_int_equal(out_write_compounds(o, &f->w, 0, NULL, NULL, &err), SIM_OK);
    assert_int_equal(out_write_subdistricts(o, &f->w, 0, NULL, NULL, &err), SIM_OK);
    assert_int_equal(out_commit(o, &err), SIM_OK);

    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    int rank;
    hsize_t dims[2];
    double *v = read_dataset(file, "/compounds/panel/day", &rank, dims);
    assert_int_equal(dims[0], 0);
    free(v);
    v = read_dataset(file, "/compounds/panel/pmc_quality", &rank, dims);
    assert_int_equal(rank, 2);
    assert_int_equal(dims[0], 0);
    assert_int_equal(dims[1], 3);
    free(v);
    assert_attr_string(file, "/compounds/panel/pmc_quality", "dims", "day,compound");
    v = read_dataset(file, "/subdistricts/panel/disputes_waiting", &rank, dims);
    assert_int_equal(rank, 2);
    assert_int_equal(dims[0], 0);
    assert_int_equal(dims[1], 2);
    free(v);
    v = read_dataset(file, "/compounds/households", &rank, dims);
    assert_int_equal(dims[0], 3);
    free(v);
    H5Fclose(file);
}

static int have_h5diff(void)
{
    return system("command -v h5diff >/dev/null 2>&1") == 0;
}

static void test_deterministic(void **state)
{
    fixture *f = *state;
    char a[1024], b[1024];
    path_in(f, "a.h5", a, sizeof a);
    path_in(f, "b.h5", b, sizeof b);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(write_all(f, a, 0, &err), SIM_OK);
    assert_int_equal(write_all(f, b, 0, &err), SIM_OK);

    hid_t fa = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t fb = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(fa >= 0 && fb >= 0);
    for (int m = 0; m < SIM_MET_N; m++) {
        char name[128];
        snprintf(name, sizeof name, "/city/%s", sim_metric_table[m].name);
        int ra, rb;
        hsize_t da[2], db[2];
        double *va = read_dataset(fa, name, &ra, da);
        double *vb = read_dataset(fb, name, &rb, db);
        assert_int_equal(da[0], db[0]);
        assert_memory_equal(va, vb, (size_t)da[0] * sizeof *va);
        free(va);
        free(vb);
    }
    H5Fclose(fa);
    H5Fclose(fb);

    /* same inputs, same provenance: the very same bytes */
    size_t na, nb;
    char *ba = slurp(a, &na), *bb = slurp(b, &nb);
    assert_non_null(ba);
    assert_non_null(bb);
    assert_int_equal(na, nb);
    assert_memory_equal(ba, bb, na);
    free(ba);
    free(bb);

    if (have_h5diff()) {
        char cmd[2600];
        snprintf(cmd, sizeof cmd, "h5diff '%s' '%s' /city /city", a, b);
        assert_int_equal(system(cmd), 0);
        snprintf(cmd, sizeof cmd, "h5diff '%s' '%s' /compounds /compounds", a, b);
        assert_int_equal(system(cmd), 0);
        snprintf(cmd, sizeof cmd, "h5diff '%s' '%s' /subdistricts /subdistricts", a, b);
        assert_int_equal(system(cmd), 0);
        /* and h5diff does see a difference */
        f->city[7 * SIM_MET_N + 2] += 1.0;
        char c[1024];
        path_in(f, "c.h5", c, sizeof c);
        assert_int_equal(write_all(f, c, 0, &err), SIM_OK);
        snprintf(cmd, sizeof cmd, "h5diff -q '%s' '%s' /city /city", a, c);
        int rc = system(cmd);
        assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 1);
    }
}

/* A full disk, simulated with a file-size limit (RLIMIT_FSIZE) in a child
 * process, for limits from 0 to just below the size of the complete file:
 * the failure shows in some write or only at commit (HDF5 writes most
 * metadata when the file is flushed and closed); either way the run fails
 * with SIM_EIO and no file is left under the requested or temporary name. */
static void test_full_disk(void **state)
{
    fixture *f = *state;
    char good[1024], path[1024];
    path_in(f, "good.h5", good, sizeof good);
    path_in(f, "full.h5", path, sizeof path);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(write_all(f, good, 0, &err), SIM_OK);
    struct stat st;
    assert_int_equal(stat(good, &st), 0);
    assert_int_equal(unlink(good), 0);
    long size = (long)st.st_size;
    assert_true(size > 1000);

    int late = 0, tried = 0;
    for (long limit = 0; limit < size + 1; limit += size / 25 + 1) {
        long lim = limit < size ? limit : size - 1;
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            signal(SIGXFSZ, SIG_IGN);
            struct rlimit rl = {(rlim_t)lim, (rlim_t)lim};
            if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
                _exit(2);
            sim_error_clear(&err);
            int stage = -1;
            sim_status s = write_stage(f, path, 0, &err, &stage);
            if (s != SIM_EIO || !strstr(err.msg, "File too large"))
                _exit(3);
            _exit(20 + stage);
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        if (WEXITSTATUS(status) < 20)
            fail_msg("file-size limit %ld: the run did not fail cleanly (%d)", lim,
                     WEXITSTATUS(status));
        late += WEXITSTATUS(status) == 25;
        tried++;
        assert_int_equal(dir_entries(f->dir, NULL, 0), 0);
    }
    assert_true(tried > 10);
    assert_true(late > 0); /* the failure reported only by out_commit */
}

/* Every metric of the table is a row of the table in docs/OUTPUT.md, and that
 * table has no other rows. */
static void test_docs_list_metrics(void **state)
{
    (void)state;
    char *doc = slurp(TROIKA_SOURCE_DIR "/docs/OUTPUT.md", NULL);
    assert_non_null(doc);
    const char *begin = strstr(doc, "<!-- metrics:begin -->");
    const char *end = strstr(doc, "<!-- metrics:end -->");
    assert_non_null(begin);
    assert_non_null(end);
    assert_true(begin < end);
    for (int m = 0; m < SIM_MET_N; m++) {
        char row[160];
        snprintf(row, sizeof row, "\n| `%s` |", sim_metric_table[m].name);
        const char *at = strstr(begin, row);
        if (!at || at > end)
            fail_msg("docs/OUTPUT.md does not list metric %s", sim_metric_table[m].name);
        /* units and kind on the same row */
        const char *eol = strchr(at + 1, '\n');
        assert_non_null(eol);
        char cell[128];
        snprintf(cell, sizeof cell, "| %s |",
                 sim_metric_table[m].kind == SIM_M_COUNT ? "count" : "ratio");
        char *line = strndup(at + 1, (size_t)(eol - at - 1));
        assert_non_null(line);
        if (!strstr(line, cell))
            fail_msg("docs/OUTPUT.md: wrong kind for %s", sim_metric_table[m].name);
        free(line);
    }
    int rows = 0;
    for (const char *q = begin; q && q < end; q = strchr(q + 1, '\n'))
        if (strncmp(q, "\n| `", 4) == 0)
            rows++;
    assert_int_equal(rows, SIM_MET_N);
    free(doc);
}

/* tests/py/check_output.py accepts a good file and rejects a broken one. */
static void test_python_checker(void **state)
{
    fixture *f = *state;
    if (access("/usr/bin/python3", X_OK) != 0 ||
        system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0)
        skip();
    char path[1024], cmd[3000];
    path_in(f, "py.h5", path, sizeof path);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(write_all(f, path, 0, &err), SIM_OK);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/py/check_output.py' '%s' >/dev/null",
             TROIKA_SOURCE_DIR, path);
    assert_int_equal(system(cmd), 0);

    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    assert_true(H5Adelete_by_name(file, "/city/households", "units", H5P_DEFAULT) >= 0);
    H5Fclose(file);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/py/check_output.py' '%s' >/dev/null 2>&1",
             TROIKA_SOURCE_DIR, path);
    int rc = system(cmd);
    assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 1);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_and_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nan_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_existing_refused_and_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_folder_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_folder_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_no_temp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_incomplete_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_panel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_disk, setup, teardown),
        cmocka_unit_test(test_docs_list_metrics),
    };
    /* the slow cases: ctest test_output_slow, label slow (tests/suite.h) */
    const struct CMUnitTest slow[] = {
        cmocka_unit_test_setup_teardown(test_python_checker, setup, teardown),
    };
    return SUITE_RUN("output", tests, slow, NULL, NULL, argc, argv);
}
