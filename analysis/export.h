/* analysis/export.h — troika's result files as tidy long CSV.
 *
 * One table per row of ana_export_tables[] (name, the file it reads, what a
 * row is); every table is "one row per (run or scenario, replicate,) entity
 * and day" with the metrics as columns:
 *
 *   city          run file      day, <every /city metric>
 *   compounds     run file      day, compound, its static columns (sub-district,
 *                               residents' committee, firm, households, old),
 *                               <every /compounds/panel metric>
 *   subdistricts  run file      day, subdistrict, compounds, households,
 *                               <every /subdistricts/panel metric>
 *   runs          sweep file    run, point, replicate, seed, <the varied
 *                               parameters>, day, <every metric kept>
 *                               (runs not in the file, a shard's, are left out)
 *   compare       compare file  scenario, scenario_name, replicate, seed, day,
 *                               <every city metric>
 *
 * The CSV starts with `# ` comment lines carrying provenance: the table and
 * the file exported, the command line of the export, and the file's own
 * one-line root attributes (version, commit, seed, scenario, ...).  Numbers
 * are written so that they read back exactly (%.17g for float64, %.9g for
 * float32, integers as integers).
 *
 * Streaming: datasets are read in blocks of `block` days (times the
 * entities of a panel), so memory stays at a block whatever the table's
 * size.  Reading failures are SIM_EINPUT naming the file and the HDF5
 * object; write errors surface from the caller's stream (the CLI writes it
 * through core/afile.h).  Not thread-safe (HDF5 1.10 is not).
 */
#ifndef TROIKA_ANALYSIS_EXPORT_H
#define TROIKA_ANALYSIS_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "mtable.h"

typedef enum {
    ANA_EXPORT_CITY,
    ANA_EXPORT_COMPOUNDS,
    ANA_EXPORT_SUBDISTRICTS,
    ANA_EXPORT_RUNS,
    ANA_EXPORT_COMPARE,
    ANA_EXPORT_NTABLES
} ana_export_table;

typedef struct {
    const char *name;  /* as given to --table */
    const char *file;  /* the kind of file it reads: "run", "sweep", "compare" */
    const char *about; /* what a row is */
} ana_export_desc;

extern const ana_export_desc ana_export_tables[ANA_EXPORT_NTABLES];

/* The table named `name`; SIM_EINPUT naming `key` with the allowed names. */
sim_status ana_export_parse(const char *name, ana_export_table *t, const char *key, sim_error *err);

/* Write table t of the HDF5 file `path` to out.  Value columns come in the
 * order of the model's metric table metrics[0..nmetrics) (handed over by
 * sim/, which knows the model), then by name.  `command_line` goes into
 * the header; `block` is the number of days read at once (>= 1). */
sim_status ana_export_write(const char *path, ana_export_table t, const sim_metric_desc *metrics,
                            int nmetrics, FILE *out, const char *command_line, int64_t block,
                            sim_error *err);

#endif
