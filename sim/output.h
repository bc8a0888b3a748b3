/* sim/output.h — the HDF5 result file of `troika run`.
 *
 * Layout (schema version TROIKA_SCHEMA_VERSION, documented in docs/OUTPUT.md):
 *   /                 attributes: provenance (sim_provenance below)
 *   /parameters       one attribute per parameter ("section.name" = value)
 *                     and a table dataset with units and descriptions
 *   /city/day         the day axis (0 .. days-1)
 *   /city/<metric>    one value a day, attributes units, description,
 *                     description_zh, kind
 *   /compounds/...    static description of each compound and the sampled
 *                     per-compound panel (/compounds/panel/<name>)
 *   /subdistricts/... each sub-district's size and the sampled
 *                     per-sub-district panel (/subdistricts/panel/<metric>)
 *
 * netCDF-4 / CF (schema 2): every axis is a dimension scale (day, compound,
 * subdistrict, parameter) attached to the datasets that use it; units are
 * UDUNITS strings with the human unit kept as unit_text; long_name on every
 * variable; day 0 is H5L_START_DATE (core/h5.h).
 *
 * Crash safety: the file is written under a temporary name in the target
 * folder, flushed, fsynced and renamed over the requested name only by
 * out_commit(); out_abort() (or any failure) removes the temporary file, so
 * the requested name never holds a partial file and an existing good file is
 * never clobbered by a failed run.  An existing path is refused unless
 * `force`.  HDF5's automatic error printing is off; every call is checked and
 * the first failure is kept, because a full disk may only show at close.
 *
 * Nothing that varies between identical runs is written in /city,
 * /compounds or /subdistricts (no timestamps; object time tracking off).
 */
#ifndef TROIKA_SIM_OUTPUT_H
#define TROIKA_SIM_OUTPUT_H

#include <stdint.h>

#include "err.h"
#include "h5.h"
#include "params.h"
#include "state.h"
#include "world.h"

typedef struct {
    const char *scenario_name;
    const char *resolved_ini; /* scn_resolved_ini() */
    const char *sources;      /* texts of the scenario files read */
    const char *command_line; /* the command that reproduces the run */
    uint64_t seed;
    int64_t days;
    int threads;             /* information only */
    const char *forked_from; /* NULL or "": not a fork; else the attribute
                                   forked_from (see docs/CHECKPOINTS.md) */
} sim_provenance;

typedef struct sim_output sim_output;

/* Check the path (folder exists and is writable; not a directory; exists
 * only with force) and create the temporary file (".<name>.tmp-<pid>-<n>" in
 * the same folder).  Path problems are SIM_EINPUT with key "-o".  Also turns
 * off HDF5's automatic error printing (process-wide). */
sim_status out_open(sim_output **o, const char *path, int force, sim_error *err);

/* Root attributes (version, git commit, schema, seed, scenario, resolved
 * parameters, days, generator, GSL and HDF5 versions, compiler and flags,
 * command line, threads) and /parameters.  NULL strings in pv are written as
 * ""; a NULL resolved_ini is replaced by sim_params_to_ini(p). */
sim_status out_write_provenance(sim_output *o, const sim_provenance *pv, const sim_params *p,
                                sim_error *err);

/* /city: `city` is days x SIM_MET_N, row-major (day d, metric m at
 * city[d * SIM_MET_N + m]).  Refuses NaN or infinity (SIM_ENUMERIC, naming
 * the metric and day) before writing anything.  days must equal pv->days. */
sim_status out_write_city(sim_output *o, int64_t days, const double *city, sim_error *err);

/* /compounds: static columns from the world, and the panel: for each metric
 * m with a panel name, panel[m] is nsamples x ncomp floats (row-major),
 * sampled at sample_day[0..nsamples-1]; panel[m] is NULL for the others
 * (SIM_EINTERNAL otherwise).  Sample days increase strictly and lie in the
 * run.  Non-finite panel values are refused (SIM_ENUMERIC).  With nsamples
 * == 0, sample_day and panel may be NULL (empty panel datasets are written).
 *
 * Each out_write_* is called once, in any order.  After a failure every
 * later call (and out_commit) returns the first failure again. */
sim_status out_write_compounds(sim_output *o, const sim_world *w, int64_t nsamples,
                               const int64_t *sample_day, float *const *panel, sim_error *err);

/* /subdistricts: id, compounds and households per sub-district, and the
 * sub-district panel: panel[m] is nsamples x nsub floats (row-major) for
 * each metric with sim_metric_subpanel(m), NULL for the others, on the same
 * sample days as the compound panel; the same checks as out_write_compounds.
 * Datasets are named by the metric's name (not the compound panel's short
 * name). */
sim_status out_write_subdistricts(sim_output *o, const sim_world *w, int64_t nsamples,
                                  const int64_t *sample_day, float *const *panel, sim_error *err);

/* Close, fsync, rename to the requested name, fsync the folder.  Fails
 * (SIM_EINTERNAL) unless provenance, /city, /compounds and /subdistricts
 * were all written, and with the first earlier failure if there was one.
 * Frees o (also on failure, when the temporary file is removed). */
sim_status out_commit(sim_output *o, sim_error *err);

/* Close and remove the temporary file; frees o.  NULL is fine. */
void out_abort(sim_output *o);

/* ---- other files written the same way (sim/checkpoint.c) ----------------
 *
 * out_open_plain() is out_open() for a file whose layout the caller
 * defines: out_commit() then needs no provenance, /city, /compounds or
 * /subdistricts.  The
 * out_put_* functions write into it with the same checks and sticky first
 * failure: a group, a dataset of `rank` (1 or 2) dimensions of element type
 * t (little-endian on file, contiguous), and scalar attributes of an
 * existing object `obj` ("/" for the root). */
sim_status out_open_plain(sim_output **o, const char *path, int force, sim_error *err);
sim_status out_put_group(sim_output *o, const char *path, sim_error *err);
sim_status out_put_array(sim_output *o, const char *path, int rank, const int64_t *dims,
                         sim_vtype t, const void *data, sim_error *err);
sim_status out_put_attr_str(sim_output *o, const char *obj, const char *name, const char *val,
                            sim_error *err);
sim_status out_put_attr_i64(sim_output *o, const char *obj, const char *name, int64_t v,
                            sim_error *err);
sim_status out_put_attr_u64(sim_output *o, const char *obj, const char *name, uint64_t v,
                            sim_error *err);
/* The root's provenance attributes (core/h5.h h5l_provenance). */
sim_status out_put_provenance(sim_output *o, const char *kind, int64_t schema_version,
                              const char *command_line, sim_error *err);

/* The path of the temporary file (for messages and signal handlers). */
const char *out_temp_path(const sim_output *o);

#endif
