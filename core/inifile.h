/* core/inifile.h — reading INI files with every key's line (scenarios,
 * calibration and sweep files).
 *
 * sim_ini_parse() reads a text (parsed by inih) into a list of entries
 * (section, key, value, line) and section headers (name, line), and notes
 * the syntax problems: a line that is neither [section] nor key = value, a
 * NUL byte, a line longer than inih's buffer, text after ']', a missing key,
 * the same key twice in one section.  The caller adds its own checks with
 * sim_ini_note(); sim_ini_check() then reports the problem on the EARLIEST
 * line, as one located error (FILE:LINE: key: message), so a user fixes a
 * file from the top.
 *
 * The entries point into memory the sim_ini owns: sim_ini_free() releases
 * it; `text` and `path` stay the caller's.
 */
#ifndef TROIKA_SIM_INI_H
#define TROIKA_SIM_INI_H

#include <stddef.h>

#include "err.h"

typedef struct {
    char *section; /* "" at the top level */
    char *key;
    char *value;
    int line;
} sim_ini_entry;

typedef struct {
    char *name;
    int line;
} sim_ini_header;

typedef struct {
    const char *path; /* as shown in messages */
    const char *text;
    size_t len, pos;
    int lineno;
    char raw[512];       /* the current line as read, before inih cuts it */
    const char *section; /* current section: "" or a header's name */
    sim_ini_entry *ent;
    int nent, capent;
    sim_ini_header *hdr;
    int nhdr, caphdr;
    int nomem;
    /* the problem on the earliest line so far (bad_line 0: none) */
    int bad_line;
    char bad_key[128];
    char bad_msg[900];
} sim_ini;

void sim_ini_init(sim_ini *f, const char *path, const char *text, size_t len);

/* Parse; syntax problems are noted (not returned).  SIM_ENOMEM only. */
sim_status sim_ini_parse(sim_ini *f, sim_error *err);

/* Note a problem at `line` (kept if it is the earliest so far). */
void sim_ini_note(sim_ini *f, int line, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* SIM_EINPUT with the earliest noted problem, or SIM_OK. */
sim_status sim_ini_check(const sim_ini *f, sim_error *err);

/* The (first) entry `key` of `section` ("" for the top level), or NULL. */
const sim_ini_entry *sim_ini_get(const sim_ini *f, const char *section, const char *key);

void sim_ini_free(sim_ini *f);

/* Read a whole file (at most `max` bytes) into a NUL-terminated buffer the
 * caller frees.  Returns 0, or an errno value (EFBIG: larger than max;
 * SIM_ENOTREG: not a regular file, e.g. a FIFO, which would block). */
int sim_ini_read_file(const char *path, size_t max, char **out, size_t *len);

/* Every file troika reads must be a regular file: a FIFO or a device would
 * block or never end.  Returns 0, or an errno value (ENOENT, EISDIR,
 * SIM_ENOTREG, ...).  Never blocks. */
#define SIM_ENOTREG ENODEV
int sim_file_regular(const char *path);

/* strerror(e), with SIM_ENOTREG and EFBIG said in plain words. */
const char *sim_file_strerror(int e);

/* Small string helpers shared by the readers. */
char *sim_dup_n(const char *p, size_t n);
/* Copy [p, p+n) without surrounding white space into buf; 0 if it does not fit. */
int sim_copy_trimmed(char *buf, size_t cap, const char *p, size_t n);
/* Room for `need` elements of size elem: the (maybe moved) array, or NULL. */
void *sim_grow(void *arr, int *cap, int need, size_t elem);

#endif
