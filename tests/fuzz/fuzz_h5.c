/* tests/fuzz/fuzz_h5.c — libFuzzer target: the HDF5 readers of `troika
 * report` (and `compare --report`), `troika merge` and `troika
 * sensitivity` (docs/reliability-tools.md).
 *
 * Each input is written to a file in a private temporary folder and given
 * to
 *   - the compare-file reader (ana_cmpfile_open), then everything `report`
 *     builds from it: the HTML page in both languages and the text, CSV and
 *     Markdown tables;
 *   - the sweep-file reader (sws_open), then `troika merge` of the file
 *     (swx_merge: sws_read_rows, sws_write of a new file)
 *     and `troika sensitivity` itself (cmd_sensitivity: sws_run_means, the
 *     Sobol and regression estimates), with a short bootstrap.
 * Promises checked (abort() when broken): a reader refuses a bad file as
 * bad input (SIM_EINPUT), never as an internal error, and with a message;
 * no HDF5 identifier is left open after any of them.
 *
 * HOW HDF5'S OWN BUGS ARE KEPT OUT.  libhdf5 (Debian's, not instrumented)
 * crashes or loops on some corrupt files inside its own decoders; no change
 * to troika can prevent that, and such crashes would stop the fuzzer on the
 * library again and again.  So each input is first opened in a forked child
 * by a plain HDF5 walk (probe(): every object, every attribute, every
 * dataset read whole, the calls troika's readers make); when the child does
 * not exit cleanly within 5 s, the input is one that libhdf5 itself cannot
 * survive, and it is rejected (-1: not added to the corpus).  What runs in
 * the fuzzer's own process is then troika's code on files the library can
 * read, so a crash, leak or sanitizer report there is troika's (or a path of
 * libhdf5 that the walk does not take; the report's stack says which).
 * Leaks inside libhdf5 are suppressed by tests/fuzz/lsan.supp; troika's own
 * HDF5 leaks are caught by the open-identifier check instead.
 */
#define _XOPEN_SOURCE 700

#include <fcntl.h>
#include <hdf5.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "h5compare.h"
#include "report.h"
#include "sweep_exec.h"
#include "sweep_store.h"
#include "table.h"
#include "cli_sweep.h"

/* from the sanitizer runtime */
void __sanitizer_set_death_callback(void (*callback)(void));
void __sanitizer_set_report_fd(void *fd);

#define FUZZ_MAX_INPUT (256 * 1024)
#define PROBE_MAX_BYTES (64u << 20) /* a dataset larger than this is not read */

static char dir[256];
static char in_path[300], out_path[300], csv_path[300];
static FILE *devnull;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_h5: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void cleanup(void)
{
    char cmd[400];
    if (dir[0] && snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) < (int)sizeof cmd)
        (void)system(cmd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/troika-fuzz-h5-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        die("mkdtemp failed", dir);
    atexit(cleanup);
    snprintf(in_path, sizeof in_path, "%s/in.h5", dir);
    snprintf(out_path, sizeof out_path, "%s/merged.h5", dir);
    snprintf(csv_path, sizeof csv_path, "%s/sensitivity.csv", dir);
    /* no file locks: nothing else opens these files */
    setenv("HDF5_USE_FILE_LOCKING", "FALSE", 1);
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        die("cannot open /dev/null", NULL);
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    /* Speed only: let HDF5 keep its freed blocks for reuse (its 1 MiB
     * type-conversion buffer, allocated for every string read, is over the
     * default per-list limit of 64 KiB, and under ASan each fresh allocation
     * of it costs an mmap and 256 page faults). */
    (void)H5set_free_list_limits(-1, -1, -1, -1, 64 << 20, 16 << 20);
    return 0;
}

/* ---- the probe: can libhdf5 itself read the whole file? --------------------------- */

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
        herr_t r = is_attr ? H5Aread(obj, mt, v) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
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

static herr_t probe_obj(hid_t root, const char *name, const H5O_info_t *info, void *u)
{
    (void)u;
    hid_t o = H5Oopen(root, name, H5P_DEFAULT);
    if (o < 0)
        return 0;
    H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, probe_attr, NULL);
    if (info->type == H5O_TYPE_DATASET)
        probe_read(o, 0);
    H5Oclose(o);
    return 0;
}

/* In a child: 1 when libhdf5 walks the whole file and the child exits 0. */
static int probe(void)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        die("fork failed", NULL);
    if (pid == 0) {
        /* a crash here is libhdf5's: no report, no libFuzzer artefact */
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 2);
            __sanitizer_set_report_fd((void *)(intptr_t)fd);
        }
        __sanitizer_set_death_callback(NULL);
        static const int sigs[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGALRM};
        for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
            signal(sigs[i], SIG_DFL);
        alarm(5);
        hid_t f = H5Fopen(in_path, H5F_ACC_RDONLY, H5P_DEFAULT);
        if (f < 0)
            _exit(0); /* refused cleanly: troika's readers will refuse it too */
        probe_obj(f, ".", &(H5O_info_t){.type = H5O_TYPE_GROUP}, NULL);
        H5Ovisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, probe_obj, NULL);
        H5Fclose(f);
        _exit(0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- checks --------------------------------------------------------------------- */

static void check_status(sim_status st, const sim_error *err, const char *who)
{
    if (st == SIM_OK)
        return;
    if (st == SIM_EINTERNAL || err->code != st || !err->msg[0]) {
        char buf[1400];
        fprintf(stderr, "%s: %s\n", who, sim_error_format(err, buf, sizeof buf));
        die("a reader failed otherwise than with bad input", who);
    }
}

static void check_closed(const char *who)
{
    ssize_t n = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (n != 0) {
        fprintf(stderr, "fuzz_h5: %zd HDF5 identifiers open after %s\n", n, who);
        die("HDF5 identifiers left open", who);
    }
}

/* ---- the target ------------------------------------------------------------------ */

static void as_compare_file(void)
{
    ana_cmpfile *cf = NULL;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = ana_cmpfile_open(&cf, in_path, &err);
    check_status(st, &err, "ana_cmpfile_open");
    if (st == SIM_OK) {
        for (int lang = 0; lang < 2; lang++) {
            char *html = NULL;
            sim_error_clear(&err);
            st = ana_report_html(cf, lang ? ANA_ZH : ANA_EN, &html, &err);
            check_status(st, &err, "ana_report_html");
            free(html);
        }
        ana_table_print_text(devnull, cf->table, ANA_EN);
        ana_table_print_text(devnull, cf->table, ANA_ZH);
        ana_table_print_csv(devnull, cf->table);
        ana_table_print_markdown(devnull, cf->table, ANA_EN);
    }
    ana_cmpfile_close(cf);
    check_closed("the compare reader");
}

static void as_sweep_file(void)
{
    sws_file *f = NULL;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sws_open(&f, in_path, &err);
    check_status(st, &err, "sws_open");
    sws_close(f);
    check_closed("sws_open");
    if (st != SIM_OK)
        return;

    /* troika merge IN -o OUT --force --allow-incomplete */
    const char *const in[1] = {in_path};
    sws_prov pv = {"troika merge (fuzz)", "merge of 1 file"};
    sim_error_clear(&err);
    st = swx_merge(in, 1, out_path, 1, 1, &pv, NULL, &err);
    check_status(st, &err, "swx_merge");
    check_closed("swx_merge");

    /* troika sensitivity IN --bootstrap 20 --csv CSV --quiet */
    char *argv[] = {"troika", "sensitivity", in_path, "--bootstrap", "20",
                    "--csv",  csv_path,      "--quiet", NULL};
    (void)cmd_sensitivity(7, argv + 1);
    check_closed("troika sensitivity");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    FILE *f = fopen(in_path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        die("cannot write", in_path);
    if (!probe())
        return -1;
    as_compare_file();
    as_sweep_file();
    return 0;
}
