/* sim/cli_export.c — see cli_export.h.  The table goes to -o atomically
 * (core/afile.h: never a partial CSV under the name asked for) or, without
 * -o or with -o -, to stdout. */
#include "cli_export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "cli_util.h"
#include "export.h"
#include "metrics.h"

#define EXPORT_OPTS(X)                                                                             \
    X(EXP_TABLE, "--table", NULL, "city|compounds|subdistricts|runs|compare", CLO_VALUE,           \
      "city|compounds|subdistricts|runs|compare",                                                  \
      "the table (required): city, compounds or subdistricts of a run file, runs of a "            \
      "sweep file, compare of a compare file")                                                     \
    X(EXP_OUTPUT, "--output", "-o", "FILE.csv", CLO_VALUE, NULL,                                   \
      "the CSV to write (default, or -: standard output).  Written under a temporary name "        \
      "and renamed when complete.")                                                                \
    X(EXP_FORCE, "--force", NULL, NULL, CLO_FLAG, NULL, "overwrite FILE.csv if it exists")         \
    X(EXP_BLOCK, "--block", NULL, "ROWS", CLO_VALUE, NULL,                                         \
      "rows read from the file at once (default 4096): memory stays at a block, whatever "         \
      "the table's size")

enum { EXPORT_OPTS(CLO_ENUM) EXP_NOPTS };
static const clo_opt export_opts[] = {EXPORT_OPTS(CLO_ROW)};

const clo_spec cli_spec_export = {
    "export",
    "troika export FILE.h5 --table city|compounds|subdistricts|runs|compare [-o OUT.csv]",
    "Write one table of a result file as tidy long CSV: one row per (run or\n"
    "scenario, replicate,) entity and day, the metrics as columns, the varied\n"
    "parameters as columns for a sweep.  The first lines, starting with '# ',\n"
    "carry the provenance (the file's version, commit, seed, command line).\n"
    "Read it with pandas.read_csv(f, comment='#') or R's\n"
    "read.csv(f, comment.char='#').\n",
    export_opts,
    EXP_NOPTS,
    "Tables:\n"
    "  city          run file: day, every /city metric\n"
    "  compounds     run file: day, compound, its static columns, the panel\n"
    "  subdistricts  run file: day, subdistrict, compounds, households, panel\n"
    "  runs          sweep file: run, point, replicate, seed, parameters, day,\n"
    "                every metric kept\n"
    "  compare       compare file: scenario, scenario_name, replicate, seed,\n"
    "                day, every city metric\n"
    "\n"
    "Exit status: 0 done, 1 failed while writing, 2 bad input (not the kind\n"
    "of file the table reads, say).\n"
    "\n"
    "Example:\n"
    "  troika export out.h5 --table compounds -o compounds.csv\n",
    1,
    "more than one result file ('%s')",
    "*.h5",
};

int cli_cmd_export(int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    clo_args a;
    int rc = clo_parse(&cli_spec_export, argc, argv, &a);
    const char *out = clo_get(&a, EXP_OUTPUT), *block_text = clo_get(&a, EXP_BLOCK);
    afile_file *af = NULL;
    char *cmdline = NULL;
    ana_export_table t;
    long long block = 4096;
    if (rc != CLO_OK) {
        clo_args_free(&a);
        return rc == CLO_HELP ? 0 : rc;
    }
    if (a.npos == 0) {
        rc = cu_usage_error("export", "%s", "a result file is required");
        goto done;
    }
    if (!clo_get(&a, EXP_TABLE)) {
        rc = cu_usage_error("export", "%s",
                            "--table is required (allowed: city, compounds, subdistricts, runs, "
                            "compare)");
        goto done;
    }
    if (ana_export_parse(clo_get(&a, EXP_TABLE), &t, "--table", &err) != SIM_OK ||
        (block_text && cu_opt_int(block_text, 1, 100000000, "--block", &block, &err) != SIM_OK))
        goto fail;
    FILE *f = stdout;
    if (out && strcmp(out, "-") != 0) {
        if (afile_open(&af, out, clo_has(&a, EXP_FORCE), "-o", &err) != SIM_OK ||
            !(f = afile_stream(af, &err)))
            goto fail;
    }
    cmdline = cu_join_command(argc + 1, argv - 1);
    if (ana_export_write(a.pos[0], t, sim_metric_table, SIM_MET_N, f,
                         cmdline ? cmdline : "troika export", block, &err) != SIM_OK)
        goto fail;
    if (af) {
        afile_file *c = af;
        af = NULL;
        if (afile_commit(c, &err) != SIM_OK)
            goto fail;
    } else if (fflush(stdout) != 0 || ferror(stdout)) {
        SIM_FAIL(&err, SIM_EIO, NULL, 0, NULL, "writing to standard output failed");
        goto fail;
    }
    rc = 0;
    goto done;
fail:
    rc = cu_report(&err);
done:
    afile_abort(af);
    free(cmdline);
    clo_args_free(&a);
    return rc;
}
