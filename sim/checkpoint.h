/* sim/checkpoint.h — checkpoint files: a run's whole state at the start of
 * a day, to resume it or to fork other scenarios from it.
 *
 * WHAT IT OWNS.  The file format (HDF5, docs/CHECKPOINTS.md) and the
 * in-memory sim_checkpoint a loaded file becomes.  A checkpoint holds:
 *   - the format version and the troika version that wrote it;
 *   - the run: scenario name, resolved scenario INI and its sources, the
 *     stream seed, the world seed (the city was built with it; they differ
 *     only in a fork given --seed), the day reached (the next day to
 *     simulate), the index of the next pending policy change and the
 *     current parameters (after the policies applied so far);
 *   - every entry of the state registry (core/state.h), by name;
 *   - the result so far: the city series of the days done, the rows of the
 *     per-compound and per-sub-district panels sampled so far and the
 *     runner's accumulators for both (doubles), so a resumed run writes the
 *     same output as an uninterrupted one.
 * Random streams are keyed by (seed, purpose, entity, day), so there is no
 * generator state to save.
 *
 * Writing is atomic (sim/output.h: temporary name, fsync, rename): a
 * checkpoint path holds either the previous complete checkpoint or the new
 * one, also if the process is killed while writing.  An existing file is
 * replaced (a run rewrites its checkpoint every N days).
 *
 * Loading reads everything into memory and checks the format version,
 * troika version, parameter keys and metric names; a state entry is checked
 * for type and length when it is restored (ckpt_restore), and every entry of
 * the file must be used.  Errors are SIM_EINPUT naming the file (and the
 * entry).  A loaded checkpoint is read-only: several runs (threads) may
 * restore from one at the same time.  ckpt_destroy() releases it.
 */
#ifndef TROIKA_SIM_CHECKPOINT_H
#define TROIKA_SIM_CHECKPOINT_H

#include <stdint.h>

#include "err.h"
#include "metrics.h"
#include "params.h"
#include "state.h"

#define CKPT_FORMAT "troika-checkpoint" /* file_kind (before: format "troika checkpoint") */
#define CKPT_FORMAT_LEGACY "troika checkpoint"
#define CKPT_FORMAT_VERSION 2 /* 2: the per-sub-district panel */

/* What a checkpoint says about the run and its result so far.  When
 * writing, the pointers are the caller's; a loaded checkpoint owns them. */
typedef struct {
    const char *scenario_name;
    const char *resolved_ini; /* scn_resolved_ini() of the run's scenario */
    const char *sources;      /* the scenario files' text (provenance) */
    const char *forked_from;  /* "" or the run's own forked_from */
    uint64_t seed;            /* the random streams' seed */
    uint64_t world_seed;      /* the seed the city was built with */
    int64_t day;              /* days done = the next day to simulate */
    int64_t next_change;      /* index of the next pending policy change */
    sim_params params;        /* current values */
    const double *city;       /* day x SIM_MET_N */
    int64_t ncomp;
    int64_t nsamples;              /* panel rows so far */
    const int64_t *sample_day;     /* [nsamples] */
    const float *panel[SIM_MET_N]; /* nsamples x ncomp for panel metrics, else NULL */
    int64_t nacc;
    const double *acc; /* [nacc] the runner's panel accumulators */
    int64_t nsub;
    const float *subpanel[SIM_MET_N]; /* nsamples x nsub when sim_metric_subpanel(m),
                                         else NULL */
    int64_t nsacc;
    const double *sacc; /* [nsacc] the runner's sub-district panel accumulators */
} ckpt_info;

typedef struct sim_checkpoint sim_checkpoint;

/* Write a checkpoint of `info` and the state in `st` to path (atomically,
 * replacing an existing file).  `command_line` and `threads` are recorded
 * for information. */
sim_status ckpt_write(const char *path, const ckpt_info *info, sim_state *st,
                      const char *command_line, int threads, sim_error *err);

/* Load a checkpoint file.  SIM_EINPUT (with the path as file) when it is
 * not a troika checkpoint, has another format or troika version, other
 * parameters or metrics, or is damaged. */
sim_status ckpt_load(const char *path, sim_checkpoint **out, sim_error *err);
void ckpt_destroy(sim_checkpoint *ck);

/* What it says (owned by ck). */
const ckpt_info *ckpt_get_info(const sim_checkpoint *ck);
const char *ckpt_path(const sim_checkpoint *ck);

/* "path=P; scenario=NAME; seed=S; day=D": what a run forked from ck
 * records as forked_from.  Caller frees; NULL when out of memory. */
char *ckpt_fork_label(const sim_checkpoint *ck);

/* Restore the state registered in `st` from ck: each entry by name, checked
 * for type and length; an entry missing from the file, or a file entry the
 * registry does not have, is refused naming it. */
sim_status ckpt_restore(const sim_checkpoint *ck, sim_state *st, sim_error *err);

#endif
