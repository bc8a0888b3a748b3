/* tests/fuzz/fuzz_ckpt.c — libFuzzer target: the checkpoint reader
 * (docs/reliability-tools.md, docs/CHECKPOINTS.md).
 *
 * Each input is written to a file and given to what `troika run --resume`
 * does with it: ckpt_load (format, versions, levers, the result so far), the
 * scenario recorded in it (scn_load_text, scn_finish), then sim_run_ex from
 * it, which rebuilds the city, restores every registered entry through the
 * state registry's ranges and the modules' cross-field checks, and runs two
 * days (stop_at: bounded by days, not time) on what it restored.
 * Promises checked (abort() when broken): a bad checkpoint is refused as
 * bad input with a message (SIM_EINPUT), never an internal error; a run
 * from an accepted one ends by the stop or a clean failure with a message;
 * no crash, leak, sanitizer report or hang; no HDF5 identifier left open.
 * Inputs libhdf5 itself cannot read are rejected first (fuzz_common.h).
 * Cities above FUZZ_MAX_HH households are not run (legal, only slow).
 * Seeds (corpus/ckpt/, remade by tests/fuzz/make-corpus): a checkpoint of a
 * 4-compound city at day 10.
 */
#define _XOPEN_SOURCE 700

#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "ctx.h"
#include "runner.h"
#include "scenario.h"

#include "fuzz_common.h"

#define FUZZ_MAX_INPUT (512 * 1024)
#define FUZZ_MAX_HH 20000.0 /* households of a city the target runs */

static char in_path[300], ck_path[300];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init("ckpt");
    fuzz_path(in_path, sizeof in_path, "in.ckpt.h5");
    fuzz_path(ck_path, sizeof ck_path, "out.ckpt.h5");
    return 0;
}

/* A failure must be bad input (or, once running, a clean failure), with a
 * message: never an internal error. */
static void check_status(sim_status st, const sim_error *err, const char *who, int running)
{
    if (st == SIM_OK)
        return;
    int ok =
        err->code == st && err->msg[0] && (st == SIM_EINPUT || (running && st != SIM_EINTERNAL));
    if (!ok) {
        char buf[1400];
        fprintf(stderr, "%s: status %d: %s\n", who, (int)st,
                sim_error_format(err, buf, sizeof buf));
        fuzz_die("the checkpoint reader failed otherwise than with bad input", who);
    }
}

static void check_closed(const char *who)
{
    ssize_t n = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (n != 0) {
        fprintf(stderr, "fuzz_ckpt: %zd HDF5 identifiers open after %s\n", n, who);
        fuzz_die("HDF5 identifiers left open", who);
    }
}

/* What `troika run --resume` does with an accepted checkpoint, for two days. */
static void resume(const sim_checkpoint *ck)
{
    const ckpt_info *in = ckpt_get_info(ck);
    sim_error err;
    sim_error_clear(&err);
    scn_scenario s;
    scn_init_default(&s);
    sim_status st = scn_load_text(&s, in_path, in->resolved_ini, &err);
    if (st == SIM_OK)
        st = scn_finish(&s, &err);
    check_status(st, &err, "the recorded scenario", 0);
    const sim_params *p = &in->params;
    double hh = (double)p->city_compounds *
                (p->city_hh_mean > p->city_hh_old_mean ? p->city_hh_mean : p->city_hh_old_mean);
    if (st == SIM_OK && hh <= FUZZ_MAX_HH && p->city_hh_max <= FUZZ_MAX_HH) {
        sim_ctx ctx;
        sim_ctx_init(&ctx);
        ctx.threads = 1;
        sim_run_opts o;
        memset(&o, 0, sizeof o);
        o.from = ck;
        o.stop_at = in->day + 2;
        sim_result *r = NULL;
        st = sim_run_ex(&ctx, &s, &o, &r);
        if (st == SIM_EINTERRUPT && ctx.err.code == SIM_EINTERRUPT)
            st = SIM_OK; /* stopped on the day asked */
        check_status(st, &ctx.err, "sim_run_ex from the checkpoint", 1);
        sim_result_destroy(r);
    }
    scn_free(&s);
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
    sim_checkpoint *ck = NULL;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = ckpt_load(in_path, &ck, &err);
    check_status(st, &err, "ckpt_load", 0);
    check_closed("ckpt_load");
    if (st == SIM_OK)
        resume(ck);
    ckpt_destroy(ck);
    check_closed("the resumed run");
    return 0;
}
