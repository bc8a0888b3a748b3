/* core/err.h — status codes and the error record.
 *
 * Every fallible function in troika returns a sim_status.  The details of a
 * failure (input file, line, key, message; and the source location where it
 * was raised) go into a sim_error record held by the caller's context, so a
 * library caller can recover and only main() prints and exits.
 *
 * SIM_TRY(expr) propagates a failure up, adding the caller's location to a
 * short traceback (PETSc's habit).  SIM_FAIL(err, code, ...) raises one.
 *
 * Thread safety: a sim_error belongs to one thread; parallel phases collect
 * failures per entity and report them after the parallel region.
 */
#ifndef TROIKA_SIM_ERR_H
#define TROIKA_SIM_ERR_H

#include <stdarg.h>
#include <stddef.h>

typedef enum {
    SIM_OK = 0,         /* success */
    SIM_EINPUT = 1,     /* bad input: file, key, value, option (exit 2) */
    SIM_EIO = 2,        /* reading or writing a file failed (exit 1) */
    SIM_ENOMEM = 3,     /* an allocation failed (exit 1) */
    SIM_ENUMERIC = 4,   /* a NaN or infinity would have been written (exit 1) */
    SIM_EINTERRUPT = 5, /* stopped by a signal (exit 1) */
    SIM_EINTERNAL = 6   /* a broken invariant: a bug in troika (exit 1) */
} sim_status;

#define SIM_ERR_TRACE 8

typedef struct {
    sim_status code;
    char file[512]; /* input file concerned, "" if none */
    int line;       /* line in that file, 0 if none */
    char key[128];  /* key or option concerned, "" if none */
    char msg[1024]; /* what is wrong, in plain words */
    int ntrace;     /* source locations, innermost first */
    const char *trace_file[SIM_ERR_TRACE];
    int trace_line[SIM_ERR_TRACE];
    const char *trace_func[SIM_ERR_TRACE];
} sim_error;

/* Clear the record. */
void sim_error_clear(sim_error *e);

/* Raise: fill the record and return code.  file/key may be NULL. */
sim_status sim_error_set(sim_error *e, sim_status code, const char *file, int line, const char *key,
                         const char *src_file, int src_line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));

/* Add a traceback frame (used by SIM_TRY). */
void sim_error_push(sim_error *e, const char *src_file, int src_line, const char *func);

/* Format as one human line: "FILE:LINE: key: message" (parts omitted when
 * unknown).  Returns buf. */
char *sim_error_format(const sim_error *e, char *buf, size_t n);

/* Process exit status for a code: 0 ok, 2 bad input, 1 anything else. */
int sim_status_exit_code(sim_status s);

/* Short name of a status code. */
const char *sim_status_name(sim_status s);

#define SIM_FAIL(err, code, file, line, key, ...)                                                  \
    sim_error_set((err), (code), (file), (line), (key), __FILE__, __LINE__, __func__, __VA_ARGS__)

#define SIM_TRY(err, expr)                                                                         \
    do {                                                                                           \
        sim_status sim_try_s_ = (expr);                                                            \
        if (sim_try_s_ != SIM_OK) {                                                                \
            sim_error_push((err), __FILE__, __LINE__, __func__);                                   \
            return sim_try_s_;                                                                     \
        }                                                                                          \
    } while (0)

/* The one checking macro of a function with one cleanup (`goto fail`): in a
 * function that has `sim_status s`, `sim_error *err` and a `fail:` label,
 * run a call returning sim_status; on failure keep its status in s, add
 * this frame to the traceback and go to fail.  (HDF5 calls are checked with
 * the file's own failure function, which says what was being read or
 * written, then propagated the same way.) */
#define SIM_CALL(expr)                                                                             \
    do {                                                                                           \
        s = (expr);                                                                                \
        if (s != SIM_OK) {                                                                         \
            sim_error_push(err, __FILE__, __LINE__, __func__);                                     \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

#endif
