/* core/ptable.h — the machinery of a parameter table, knowing no table.
 *
 * A parameter table is an array of sim_param_desc rows (key, type,
 * default, bounds, unit, flags, descriptions, provenance, and the offset of
 * the parameter's field in the struct the table generates).  The model
 * declares its one table (models/params.def, turned into sim_param_table
 * and the struct sim_params by models/params.h); everything that only reads
 * rows lives here: finding a key and suggesting one, reading and writing a
 * field through its offset, parsing and checking a value against its row,
 * formatting it so it reads back exactly, and printing a table as text,
 * Markdown, a list of assumptions or INI.
 *
 * Functions take the table (rows and count) or one row; a struct of
 * parameters is passed as a pointer to its first byte.  No state; thread
 * safe.
 */
#ifndef TROIKA_CORE_PTABLE_H
#define TROIKA_CORE_PTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

typedef enum { SIM_P_INT, SIM_P_REAL, SIM_P_BOOL } sim_ptype;

/* Where a parameter's default comes from (the last argument of its row):
 * SRC("...") a publication, statistic or regulation cited in docs/ODD.md;
 * ASSUME(lo, hi, "why") an assumption with a plausible range, the prior of
 * the uncertainty work; SETTING("why") a choice of the run or scenario
 * (run control, scale, a lever whose default is no reform), not a model
 * quantity. */
typedef enum { SIM_PROV_NONE, SIM_PROV_SOURCE, SIM_PROV_ASSUME, SIM_PROV_SETTING } sim_prov;

/* Flags: SIM_PF_MUTABLE marks a parameter a policy may change mid-run (a
 * lever); SIM_PF_UNIMPL a declared parameter whose mechanism does not exist
 * yet (only its default is accepted). */
enum { SIM_PF_FIXED = 0, SIM_PF_MUTABLE = 1, SIM_PF_UNIMPL = 2 };

/* C types of the parameter types (a table's X-macro makes its struct's
 * fields with them). */
typedef int64_t SIM_PT_INT;
typedef double SIM_PT_REAL;
typedef int SIM_PT_BOOL;

typedef struct {
    const char *section;
    const char *name;
    const char *key; /* "section.name" */
    sim_ptype type;
    double def, lo, hi; /* bounds are inclusive */
    const char *unit;
    int flags;
    const char *doc_en;
    const char *doc_zh;
    sim_prov prov;
    double prior_lo, prior_hi; /* the plausible range of an assumption */
    const char *basis;         /* the source, or why assumed / set */
    size_t offset;             /* of the field in the table's struct */
} sim_param_desc;

/* Index of key "section.name" (or of section and name) in t[0..n), or -1. */
int ptab_find(const sim_param_desc *t, int n, const char *key);
int ptab_find2(const sim_param_desc *t, int n, const char *section, const char *name);

/* The key of t nearest to an unknown one (edit distance), or NULL when
 * nothing is close enough to be a plausible typo. */
const char *ptab_suggest(const sim_param_desc *t, int n, const char *key);

/* The field of row d in the struct at base, as a double (ints and bools
 * converted exactly); set it from a double that is already validated. */
double ptab_get(const void *base, const sim_param_desc *d);
void ptab_put(void *base, const sim_param_desc *d, double v);
/* Every field of the struct at base (of `size` bytes) at its default. */
void ptab_default(void *base, size_t size, const sim_param_desc *t, int n);

/* Parse text as row d's type and check its bounds: the value in *out, or
 * SIM_EINPUT with file, line and the key. */
sim_status ptab_parse(const sim_param_desc *d, const char *text, double *out, const char *file,
                      int line, sim_error *err);

/* Check a value read back from a file: finite, within the bounds, whole for
 * an INT, 0 or 1 for a BOOL, the default for a parameter not built.
 * SIM_EINPUT naming `file`, `where` and the key. */
sim_status ptab_check_value(const sim_param_desc *d, double v, const char *file, const char *where,
                            sim_error *err);

/* Format a value of row d so that it reads back exactly.  Returns buf. */
char *ptab_format_value(const sim_param_desc *d, double v, char *buf, size_t n);

/* "integer", "real" or "boolean"; "source", "assumption" or "setting". */
const char *ptab_type_name(sim_ptype t);
const char *ptab_prov_name(sim_prov v);

/* Row d's provenance as one phrase: "source: ...", "assumption lo..hi:
 * ..." or "setting: ...".  Returns buf. */
char *ptab_basis_text(const sim_param_desc *d, char *buf, size_t n);

/* The table with the values of the struct at base, as plain text grouped
 * by section (troika params). */
void ptab_print_table(FILE *f, const sim_param_desc *t, int n, const void *base);
/* The table as Markdown (docs/PARAMETERS.md), the values of the struct at
 * defaults, one table per section after the text `intro`. */
void ptab_print_markdown(FILE *f, const sim_param_desc *t, int n, const void *defaults,
                         const char *intro);
/* The assumption rows with their plausible ranges: key, default, lo, hi,
 * why; tab-separated after a header. */
void ptab_print_uncertain(FILE *f, const sim_param_desc *t, int n, const void *defaults);
/* The values of the struct at base as INI text, every key, grouped by
 * section.  Caller frees; NULL when out of memory. */
char *ptab_to_ini(const sim_param_desc *t, int n, const void *base);

#endif
