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
 * library again and again.  So each input is first walked by a separate
 * program (tests/fuzz/h5probe.c: every object, every attribute, every
 * dataset read whole, the calls troika's readers make); when it does not
 * exit cleanly within 5 s, the input is one that libhdf5 itself cannot
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

#include "fuzz_common.h"

#define FUZZ_MAX_INPUT (256 * 1024)

static char in_path[300], out_path[300], csv_path[300];
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init("h5");
    fuzz_path(in_path, sizeof in_path, "in.h5");
    fuzz_path(out_path, sizeof out_path, "merged.h5");
    fuzz_path(csv_path, sizeof csv_path, "sensitivity.csv");
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        fuzz_die("cannot open /dev/null", NULL);
    return 0;
}

/* ---- checks --------------------------------------------------------------------- */

static void check_status(sim_status st, const sim_error *err, const char *who)
{
    if (st == SIM_OK)
        return;
    if (st == SIM_EINTERNAL || err->code != st || !err->msg[0]) {
        char buf[1400];
        fprintf(stderr, "%s: %s\n", who, sim_error_format(err, buf, sizeof buf));
        fuzz_die("a reader failed otherwise than with bad input", who);
    }
}

static void check_closed(const char *who)
{
    ssize_t n = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (n != 0) {
        fprintf(stderr, "fuzz_h5: %zd HDF5 identifiers open after %s\n", n, who);
        fuzz_die("HDF5 identifiers left open", who);
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
    sim_status st = sws_open(&f, in_path, swp_model_tables(), &err);
    check_status(st, &err, "sws_open");
    sws_close(f);
    check_closed("sws_open");
    if (st != SIM_OK)
        return;

    /* troika merge IN -o OUT --force --allow-incomplete */
    const char *const in[1] = {in_path};
    sws_prov pv = {"troika merge (fuzz)", "merge of 1 file", NULL};
    sim_error_clear(&err);
    st = swx_merge(in, 1, out_path, 1, 1, &pv, NULL, &err);
    check_status(st, &err, "swx_merge");
    check_closed("swx_merge");

    /* troika sensitivity IN --bootstrap 20 --csv CSV --quiet */
    char *argv[] = {"troika", "sensitivity", in_path,   "--bootstrap", "20",
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
        fuzz_die("cannot write", in_path);
    if (!fuzz_h5_probe(in_path))
        return -1;
    as_compare_file();
    as_sweep_file();
    return 0;
}
