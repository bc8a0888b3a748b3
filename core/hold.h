/* sim/hold.h — a test hook: stop at a named point and wait to be killed.
 *
 * Tests that kill troika (a signal, kill -9) must not depend on the
 * machine's speed: "send SIGINT after half a second" finds the run already
 * finished on a fast machine.  So a test names a point in the environment,
 *
 *     TROIKA_HOLD=POINT[:N]     e.g. day:300, runs:3, checkpoint:40, assembly
 *     TROIKA_HOLD_MARK=PATH     the file that says "holding" (optional)
 *
 * and troika, on reaching it, creates PATH (atomically; it holds one line
 * "PID POINT N") or, without TROIKA_HOLD_MARK, writes one line on stderr, and
 * then waits until one of: the stop flag is raised (SIGINT/SIGTERM), PATH
 * is removed (the test lets it go on), or ten minutes have passed (a test
 * that forgot it).  The test waits for the mark, then signals, kills or
 * releases the process: what it sees no longer depends on timing.
 *
 * The points (the callers; docs/RELIABILITY.md, "Test hooks"):
 *   day:N         a run (run, compare, calibrate, each run of a sweep), at
 *                 the start of day N, before the stop check: a signal during
 *                 the hold stops the run on day N
 *   runs:N        a sweep on threads or the MPI master, or a compare shard, after the N-th run
 *                 this process finished is durable in the parts folder (the
 *                 holding thread stops; others finish their current run and
 *                 continue)
 *   checkpoint:N  in the middle of writing the checkpoint of day N: its
 *                 temporary file is open and partly written (kill -9 here
 *                 leaves the previous checkpoint whole)
 *   assembly      in the middle of writing a sweep's (or merge's) final
 *                 file: its temporary file is open and partly written
 *   cleanup       a sweep's final file is in place, its parts folder not yet
 *                 removed
 *
 * Unset, a point costs one getenv per run or file (sim_hold_at), and a day
 * one integer comparison.  Thread-safe (no state).
 */
#ifndef TROIKA_SIM_HOLD_H
#define TROIKA_SIM_HOLD_H

#include <signal.h>
#include <stdint.h>

/* N when TROIKA_HOLD names `point` (0 for "POINT" alone), else -1. */
int64_t sim_hold_at(const char *point);

/* Hold at point `point`, number n (see above); stop may be NULL. */
void sim_hold(const char *point, int64_t n, volatile sig_atomic_t *stop);

#endif
