/* tests/fuzz/h5probe.c — h5probe FILE: can libhdf5 itself read the whole
 * file?  Walks every object, every attribute and every dataset (read whole,
 * up to 64 MiB each: the calls troika's readers make) and exits 0; a crash,
 * an abort or a hang (killed by alarm after 5 s) is libhdf5's own.
 *
 * WHY A SEPARATE PROGRAM.  The fuzz targets (fuzz_h5.c, fuzz_ckpt.c) run it
 * on each input before giving the input to troika's readers, and reject the
 * inputs libhdf5 cannot survive.  It used to be a fork() of the fuzzer
 * itself: the child then carried libFuzzer's malloc hooks and its own copy
 * of libFuzzer's error output, so a corrupt file that made libhdf5 ask for
 * a huge block printed "ERROR: libFuzzer: out-of-memory" (and left an
 * artifact) from the child, which tests/fuzz/run reported as a failure of
 * the fuzzer although the input was only rejected.  A separate program,
 * not linked with libFuzzer, has nothing to report but its exit status.
 */
#include <hdf5.h>
#include <stdlib.h>
#include <unistd.h>

#define PROBE_MAX_BYTES (64u << 20) /* a dataset larger than this is not read */

static void probe_read(hid_t obj, int is_attr)
{
    hid_t sp = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    hid_t ft = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    if (sp < 0 || ft < 0)
        goto done;
    hssize_t n = H5Sget_simple_extent_npoints(sp);
    if (n < 0)
        goto done;
    if (H5Tget_class(ft) == H5T_STRING && H5Tis_variable_str(ft) > 0) {
        if ((size_t)n > PROBE_MAX_BYTES / sizeof(char *))
            goto done;
        char **v = calloc((size_t)(n ? n : 1), sizeof *v);
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(ft));
        herr_t r =
            is_attr ? H5Aread(obj, mt, v) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
        if (r >= 0)
            for (hssize_t i = 0; i < n; i++)
                H5free_memory(v[i]);
        H5Tclose(mt);
        free(v);
        goto done;
    }
    hid_t mt = H5Tget_native_type(ft, H5T_DIR_DEFAULT);
    size_t es = mt >= 0 ? H5Tget_size(mt) : 0;
    if (es > 0 && (size_t)n <= PROBE_MAX_BYTES / es) {
        void *buf = calloc((size_t)(n ? n : 1), es);
        if (buf && H5Tdetect_class(mt, H5T_VLEN) <= 0 && H5Tdetect_class(mt, H5T_STRING) <= 0) {
            if (is_attr)
                H5Aread(obj, mt, buf);
            else
                H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        }
        free(buf);
    }
    if (mt >= 0)
        H5Tclose(mt);
done:
    if (ft >= 0)
        H5Tclose(ft);
    if (sp >= 0)
        H5Sclose(sp);
}

/* The attribute names troika's readers open by name (grep "attr" in
 * analysis/ and sim/).  Each object's attributes are read by index AND by
 * these names: a file whose attribute name index is damaged gives nothing by
 * index, while the readers' lookup by name still reaches the attribute, and
 * libhdf5 loops reading it (tests/fuzz/libhdf5-hangs/sweep-root-attribute.h5). */
static const char *const probe_names[] = {
    "axis",
    "base_scenario",
    "batch",
    "calendar",
    "calibration",
    "calibration_text",
    "city_metric",
    "command_line",
    "compounds",
    "coordinates",
    "count",
    "day",
    "days",
    "description",
    "description_zh",
    "design",
    "dims",
    "execution",
    "file_kind",
    "forked_from",
    "format",
    "generations",
    "git_commit",
    "identity_hash",
    "kernel_scale",
    "kind",
    "long_name",
    "max_generations",
    "max_simulations",
    "metrics",
    "min_acceptance",
    "min_tolerance",
    "name",
    "next_change",
    "parameter_keys",
    "parameters",
    "point",
    "points",
    "population",
    "quantile",
    "ratio",
    "replicate",
    "replicates",
    "resumed",
    "run",
    "runs",
    "samples",
    "sampling",
    "scenario",
    "scenario_sources",
    "schema",
    "schema_version",
    "seed",
    "seeds",
    "simulations",
    "source",
    "standard",
    "standard_name",
    "stopped",
    "subdistrict",
    "threads",
    "time",
    "unit_text",
    "units",
    "wall_seconds",
    "world_seed",
};

static void probe_named(hid_t o)
{
    for (size_t i = 0; i < sizeof probe_names / sizeof probe_names[0]; i++) {
        if (H5Aexists(o, probe_names[i]) <= 0)
            continue;
        hid_t a = H5Aopen(o, probe_names[i], H5P_DEFAULT);
        if (a >= 0) {
            probe_read(a, 1);
            H5Aclose(a);
        }
    }
}

static herr_t probe_attr(hid_t loc, const char *name, const H5A_info_t *info, void *u)
{
    (void)info;
    (void)u;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a >= 0) {
        probe_read(a, 1);
        H5Aclose(a);
    }
    return 0;
}

/* Every object below group g, link by link: a damaged link or object is
 * passed over and the walk goes on (H5Ovisit stops at the first one, and
 * left objects after it unread: libhdf5 then hung in troika's reader on a
 * dataset the probe never reached).  Depth-bounded against link cycles. */
static void probe_group(hid_t g, int depth)
{
    H5G_info_t gi;
    if (depth > 32 || H5Gget_info(g, &gi) < 0)
        return;
    for (hsize_t i = 0; i < gi.nlinks && i < 100000; i++) {
        char name[1024];
        if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_NATIVE, i, name, sizeof name,
                               H5P_DEFAULT) < 0)
            continue;
        hid_t o = H5Oopen(g, name, H5P_DEFAULT);
        if (o < 0)
            continue;
        H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, probe_attr, NULL);
        probe_named(o);
        H5I_type_t t = H5Iget_type(o);
        if (t == H5I_DATASET)
            probe_read(o, 0);
        else if (t == H5I_GROUP)
            probe_group(o, depth + 1);
        H5Oclose(o);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    alarm(5); /* a loop inside libhdf5: killed, and the input rejected */
    setenv("HDF5_USE_FILE_LOCKING", "FALSE", 1);
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return 0; /* refused cleanly: troika's readers will refuse it too */
    H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, probe_attr, NULL);
    probe_named(f);
    probe_group(f, 0);
    H5Fclose(f);
    return 0;
}
