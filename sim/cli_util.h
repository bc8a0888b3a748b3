/* sim/cli_util.h — what every `troika` subcommand shares: option values
 * (integers, thread counts), error reporting, signal handling, scenario
 * options and the command line as text.  Options themselves are parsed by
 * the tables of cli_opt.h.  Every public name carries this module's prefix,
 * cu_.
 *
 * Errors go into a
 * sim_error (the caller's context) and are printed only by cu_report() or
 * cu_usage_error(), which return the process exit status: handlers end with
 * `return cu_report(err)`.  Nothing here exits.
 *
 * cu_install_signals() makes SIGINT and SIGTERM raise a process-wide flag that
 * the context's `stop` then points to: the runs stop at the next day and no
 * partial file is left (the only global: a signal handler needs one); a
 * stop that does not come within a second ends the process at once.
 */
#ifndef TROIKA_SIM_CLI_UTIL_H
#define TROIKA_SIM_CLI_UTIL_H

#include "cli_opt.h"
#include "ctx.h"
#include "err.h"
#include "scenario.h"

/* ---- option values ------------------------------------------------------- */

/* An integer option value in [lo, hi]; SIM_EINPUT naming `key` otherwise. */
sim_status cu_opt_int(const char *text, long long lo, long long hi, const char *key, long long *out,
                      sim_error *err);

/* --threads N: an integer from 1 to 1024 into *threads. */
sim_status cu_opt_threads(const char *text, int *threads, sim_error *err);

/* ---- reporting ----------------------------------------------------------- */

/* Print err as one line "troika: FILE:LINE: key: message" (with the
 * traceback for internal errors); returns the exit status for its code, and
 * for SIM_EINTERRUPT after a signal caught by cu_install_signals() 128 + the
 * signal's number (130 for SIGINT, 143 for SIGTERM). */
int cu_report(const sim_error *err);

/* Print "troika CMD: <fmt with arg>" and a hint to --help; returns 2. */
int cu_usage_error(const char *cmd, const char *fmt, const char *arg);

/* ---- signals ------------------------------------------------------------- */

/* SIGINT/SIGTERM set a flag; ctx->stop points to it.  A stop not reached
 * within a second, or a second signal, ends the process at once: open
 * temporary files removed, exit 128 + the signal, one line on stderr. */
void cu_install_signals(sim_ctx *ctx);

/* At the start of every command: SIGINT/SIGTERM end a command that
 * watches no stop flag at once, the same way (a reader stuck in a damaged
 * file ends too). */
void cu_signals_default(void);

/* After a command has returned: a pending forced end is cancelled (its
 * files are in place or removed; the exit, with its sanitizer checks, may
 * take its time). */
void cu_signals_done(void);

/* A static text added to that line (e.g. how to resume); NULL for none. */
void cu_signals_note(const char *note);

/* ---- scenario options: [SCENARIO.ini] --seed --days --set ------------------ */

typedef struct {
    const char *scenario; /* NULL: embedded default */
    const char *seed, *days;
    const char **sets; /* room for argc entries (the caller allocates) */
    int nsets;
} cu_scenario_opts;

/* Load, apply --set, --seed and --days, then scn_finish(); a policy that
 * starts after the run ends is a warning line on stderr. */
sim_status cu_build_scenario(scn_scenario *s, const cu_scenario_opts *so, sim_error *err);

/* --seed, --days and --set from parsed options (the indices of those rows
 * in the command's table; -1 for one the command does not have); the
 * positional scenario is left to the caller.  so->sets is allocated (free
 * it); SIM_ENOMEM without memory. */
sim_status cu_scenario_opts_take(cu_scenario_opts *so, const clo_args *a, int seed, int days,
                                 int set);

/* The command line as one shell-quoted string (for provenance).  Caller
 * frees; NULL on allocation failure. */
char *cu_join_command(int argc, char **argv);

/* Do paths a and b name the same file, existing or not (the same folder,
 * by device and inode, and the same name in it)?  "t/./x.h5" and "t/x.h5"
 * do; so does an existing file reached by two links. */
int cu_same_file(const char *a, const char *b);

#endif
