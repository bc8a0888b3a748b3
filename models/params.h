/* models/params.h — the parameter table and the struct it generates.
 *
 * Every parameter of troika is declared exactly once, in models/params.def,
 * as one row: section, name, type, default, bounds, unit, flags, a
 * description in English and Chinese, and its provenance (sim_prov).  From that one table come:
 *   - the sim_params struct (one field <section>_<name> per row),
 *   - INI parsing and validation (sim/scenario.c),
 *   - `troika params` and docs/PARAMETERS.md (sim_params_print_*),
 *   - the HDF5 attributes of every output (sim/output.c).
 * The machinery that reads the rows (parsing, checking, formatting,
 * lookup, printing) knows no table and lives in core/ptable.h (with the
 * row type sim_param_desc, the types and the flags); the functions here
 * bind it to this table.
 *
 * A parameter's key is "section.name".  Flags: SIM_PF_MUTABLE marks a
 * parameter a policy may change mid-run (a lever); SIM_PF_UNIMPL marks a
 * declared parameter whose mechanism does not exist yet: setting it to
 * anything but its default is refused, so no lever silently does nothing.
 *
 * The struct is plain data: copy it by assignment; nothing to free.
 */
#ifndef TROIKA_SIM_PARAMS_H
#define TROIKA_SIM_PARAMS_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "ptable.h"

typedef struct {
#define P(sec, name, type, def, lo, hi, unit, flags, en, zh, prov) SIM_PT_##type sec##_##name;
#include "params.def"
#undef P
} sim_params;

/* The table, in declaration order, and its length. */
extern const sim_param_desc sim_param_table[];
extern const int sim_param_count;

/* The declared gaps (models/params/gaps.def): proposals of the source text
 * that are not modelled.  Each is also the parameter gap.<name> (BOOL,
 * SIM_PF_UNIMPL), so asking for it is refused with "not modelled: ...". */
typedef struct {
    const char *name;
    const char *key;    /* "gap.name" */
    const char *digest; /* section of shared/seed/digest.md, e.g. "§4" */
    const char *what;
    const char *why;
} sim_gap_desc;

extern const sim_gap_desc sim_gap_table[];
extern const int sim_gap_count;

/* The gap whose key is `key` ("gap.name"), or NULL. */
const sim_gap_desc *sim_gap_find(const char *key);

/* Index of key "section.name", or -1. */
int sim_param_find(const char *key);
int sim_param_find2(const char *section, const char *name);

/* The known key nearest to an unknown one (edit distance), or NULL when
 * nothing is close enough to be a plausible typo. */
const char *sim_param_suggest(const char *key);

/* All parameters at their defaults. */
void sim_params_default(sim_params *p);

/* Value of parameter i as a double (ints and bools converted exactly). */
double sim_param_get(const sim_params *p, int i);

/* Set parameter i from a double that is already validated. */
void sim_param_put(sim_params *p, int i, double v);

/* Parse text as parameter i's type and check its bounds.  On success stores
 * the value in *out (not in a struct).  On failure fills err (with file, line
 * and the key) and returns SIM_EINPUT. */
sim_status sim_param_parse(int i, const char *text, double *out, const char *file, int line,
                           sim_error *err);

/* Format parameter i's value (round-trips exactly).  Returns buf. */
char *sim_param_format(const sim_params *p, int i, char *buf, size_t n);
char *sim_param_format_value(int i, double v, char *buf, size_t n);

/* Check a value read back from a file (a checkpoint's /run/params): finite,
 * within the parameter's bounds, whole for an INT, 0 or 1 for a BOOL.
 * SIM_EINPUT naming `file`, `where` (the dataset) and the key. */
sim_status sim_param_check_value(int i, double v, const char *file, const char *where,
                                 sim_error *err);

/* "integer", "real" or "boolean". */
const char *sim_ptype_name(sim_ptype t);

/* Write the table: plain text (troika params), Markdown (docs). */
void sim_params_print_table(FILE *f, const sim_params *p);
void sim_params_print_markdown(FILE *f);

/* The assumption rows with their plausible ranges (troika params
 * --uncertain): key, default, lo, hi, prior ("uniform": a calibration's [free.KEY]
 * without min and max takes lo..hi as its prior), why; tab-separated after a
 * header. */
void sim_params_print_uncertain(FILE *f);

/* "source", "assumption" or "setting". */
const char *sim_prov_name(sim_prov v);

/* The provenance of parameter i as one phrase: "source: ...",
 * "assumption lo..hi: ..." or "setting: ...".  Returns buf. */
char *sim_param_basis_text(int i, char *buf, size_t n);

/* The parameters as INI text, every key, grouped by section (resolved
 * scenario, HDF5 provenance). Caller frees. NULL on allocation failure. */
char *sim_params_to_ini(const sim_params *p);

#endif
