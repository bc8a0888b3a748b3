/* core/state.h — the state registry: every array and scalar that carries a
 * simulation from one day to the next, by name.
 *
 * WHAT IT OWNS.  A table of entries, one per named piece of state: its name
 * ("hh.sat", "enf.q3.arrival"), element type, and where the data lives.  The
 * registry does not own the data: it points into the model, which must
 * outlive it.  It owns its table and a scratch buffer.
 *
 * WHY.  A checkpoint (sim/checkpoint.h) must save everything that persists
 * between days and put it back bit for bit.  Hand-written per-field I/O
 * forgets fields; here each module has ONE function (hh_state_register,
 * oc_state_register, q_state_register, ...) that lists what it owns, one line per field,
 * and saving and loading both read that list.  Adding a field to a module
 * is one line in its register function.
 *
 * Kinds of entry:
 *   - SIM_STATE_ARRAY(st, name, ptr, n): n elements at ptr (fixed length);
 *   - SIM_STATE_SCALAR(st, name, lvalue): one element;
 *   - SIM_STATE_VARRAY(st, name, &ptr, &count, reserve, obj): a growable
 *     array whose length is the variable `count` (int32_t or int64_t, itself
 *     registered EARLIER as a scalar); before loading, reserve(obj, count) is
 *     called so the array has room, and ptr is read after it (it may move);
 *   - SIM_STATE_LISTS(st, name, lists, n, ListT, RecT) and
 *     SIM_STATE_LIST_FIELD(st, h, name, RecT, field): n lists of records
 *     (a ListT has members `int32_t n, cap; RecT *d;`), saved as the counts
 *     "<name>.n" and one concatenated array per field; loading grows each
 *     list (realloc) to its count.
 * Element types are inferred from the C type (_Generic), so a registration
 * cannot disagree with the field it names.
 *
 * VALIDATION.  A checkpoint is untrusted input: every value is checked
 * before the model uses it.  Each entry carries the range its elements must
 * lie in, set by the line after its registration:
 *     SIM_STATE_ARRAY(st, "sat", hh->sat, hh->n);
 *     SIM_STATE_IN(st, 0, 1);               (every element in [0, 1])
 * (SIM_STATE_INDEX(st, n): in [0, n); SIM_STATE_FINITE(st): any finite
 * value; a bound of +-INFINITY admits that infinity; NaN is never in a
 * range.)  The loader checks an entry's elements as soon as it has read
 * them, so a count is checked before the array it sizes is allocated, and
 * it asks the file for an array's length (get with data NULL) before
 * allocating for it, so a count the file cannot back is refused without
 * allocating.  sim_state_unchecked() names an entry registered without a
 * range (a test requires none).  Checks across fields (an index into
 * another field's range, a list ordered by time) are a module's
 * xx_state_check(), registered with sim_state_on_load() and run after the
 * whole registry is loaded.  Failures are SIM_EINPUT naming the entry.
 *
 * Names are prefixed by the current scope (sim_state_scope), so a module
 * writes "sat" and the entry is "hh.sat".  Registration cannot fail
 * visibly: the first failure (out of memory, a duplicate name, a count
 * registered after its array) is kept and reported by sim_state_status(),
 * so a register function is a plain list of lines.
 *
 * Loading and saving go through callbacks (sim/checkpoint.c supplies HDF5
 * ones), entry by entry in registration order; the loader is told the type
 * and length each entry must have and refuses a mismatch by name.
 *
 * Thread safety: a registry belongs to one thread; saving reads the model,
 * loading writes it, so neither may overlap a day's step.
 */
#ifndef TROIKA_SIM_STATE_H
#define TROIKA_SIM_STATE_H

#include <float.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Element types (the file stores each with its HDF5 counterpart). */
typedef enum {
    SIM_V_I8 = 0,
    SIM_V_U8,
    SIM_V_I16,
    SIM_V_U16,
    SIM_V_I32,
    SIM_V_U32,
    SIM_V_I64,
    SIM_V_U64,
    SIM_V_F32,
    SIM_V_F64,
    SIM_V_NTYPES
} sim_vtype;

/* Size in bytes and a short name ("int32", "float64", ...). */
size_t sim_vtype_size(sim_vtype t);
const char *sim_vtype_name(sim_vtype t);

/* The element type of an expression (not evaluated). */
#define SIM_VTYPE(x)                                                                               \
    _Generic((x), int8_t                                                                           \
             : SIM_V_I8, uint8_t                                                                   \
             : SIM_V_U8, int16_t                                                                   \
             : SIM_V_I16, uint16_t                                                                 \
             : SIM_V_U16, int32_t                                                                  \
             : SIM_V_I32, uint32_t                                                                 \
             : SIM_V_U32, int64_t                                                                  \
             : SIM_V_I64, uint64_t                                                                 \
             : SIM_V_U64, float                                                                    \
             : SIM_V_F32, double                                                                   \
             : SIM_V_F64)

#define SIM_STATE_NAME 96

/* A bound for days and times in days: beyond any run (run.days <= 36500). */
#define SIM_STATE_DAYS 1e6

typedef struct sim_state sim_state;

/* Grow the object's array(s) to hold n elements (SIM_OK or SIM_ENOMEM). */
typedef sim_status (*sim_state_reserve)(void *obj, int64_t n);

sim_state *sim_state_create(void);
void sim_state_destroy(sim_state *st);

/* Prefix for the names registered next: printf-style, "" or NULL for none.
 * Entry names are "<scope>.<name>". */
void sim_state_scope(sim_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The first registration failure (SIM_OK if none), with its message. */
sim_status sim_state_status(const sim_state *st, sim_error *err);

/* A name the state once had and no longer keeps (scoped like an entry):
 * a saved state that still holds it is read, and the entry is ignored
 * (checkpoints of earlier versions stay readable).  Nothing is saved
 * under it. */
void sim_state_retired(sim_state *st, const char *name);
/* Whether the full name `name` ("enf.broken") is a retired entry. */
int sim_state_is_retired(const sim_state *st, const char *name);

/* Number of entries and their names (for messages and tests). */
int sim_state_count(const sim_state *st);
const char *sim_state_name(const sim_state *st, int i);

/* ---- registration (use the macros) ------------------------------------- */

void sim_state_add(sim_state *st, const char *name, sim_vtype t, void *data, int64_t n);
void sim_state_add_var(sim_state *st, const char *name, sim_vtype t, void *pptr, const void *count,
                       sim_vtype count_type, sim_state_reserve reserve, void *obj);
int sim_state_add_lists(sim_state *st, const char *name, void *lists, int64_t nlists,
                        size_t list_size, size_t off_n, size_t off_cap, size_t off_d,
                        size_t rec_size);
void sim_state_add_list_field(sim_state *st, int lists, const char *name, sim_vtype t,
                              size_t offset);

/* The range [lo, hi] of the entry registered last (see VALIDATION). */
void sim_state_range(sim_state *st, double lo, double hi);
#define SIM_STATE_IN(st, lo, hi) sim_state_range((st), (double)(lo), (double)(hi))
#define SIM_STATE_INDEX(st, n) sim_state_range((st), 0.0, (double)(n)-1.0)
#define SIM_STATE_FINITE(st) sim_state_range((st), -DBL_MAX, DBL_MAX)

/* A check across fields, run after loading (SIM_OK or SIM_EINPUT with a
 * message naming the entry).  Registered in a module's register function. */
typedef sim_status (*sim_state_check_fn)(void *obj, sim_error *err);
void sim_state_on_load(sim_state *st, sim_state_check_fn check, void *obj);

/* The name of the first entry registered without a range, or NULL. */
const char *sim_state_unchecked(const sim_state *st);

/* Whether every element of n values of type t at data is in [lo, hi]; if
 * not, *bad is the index of the first that is not.  Also used by
 * xx_state_check() functions on slices. */
int sim_state_in_range(sim_vtype t, const void *data, int64_t n, double lo, double hi,
                       int64_t *bad);
/* "outside [lo, hi]" or "not a finite number" (for messages). */
void sim_state_range_text(double lo, double hi, char *buf, size_t n);

/* The element i of type t at data, as a double (for messages). */
double sim_state_value(sim_vtype t, const void *data, int64_t i);

#define SIM_STATE_ARRAY(st, name, ptr, n)                                                          \
    sim_state_add((st), (name), SIM_VTYPE(*(ptr)), (void *)(ptr), (int64_t)(n))
#define SIM_STATE_SCALAR(st, name, lvalue)                                                         \
    sim_state_add((st), (name), SIM_VTYPE(lvalue), (void *)&(lvalue), 1)
#define SIM_STATE_VARRAY(st, name, pptr, pcount, reserve, obj)                                     \
    sim_state_add_var((st), (name), SIM_VTYPE(**(pptr)), (void *)(pptr), (const void *)(pcount),   \
                      SIM_VTYPE(*(pcount)), (reserve), (obj))
#define SIM_STATE_LISTS(st, name, lists, nlists, ListT, RecT)                                      \
    sim_state_add_lists((st), (name), (void *)(lists), (int64_t)(nlists), sizeof(ListT),           \
                        offsetof(ListT, n), offsetof(ListT, cap), offsetof(ListT, d),              \
                        sizeof(RecT))
#define SIM_STATE_LIST_FIELD(st, h, name, RecT, field)                                             \
    sim_state_add_list_field((st), (h), (name), SIM_VTYPE(((RecT *)0)->field),                     \
                             offsetof(RecT, field))

/* ---- saving and loading ------------------------------------------------- */

/* Save: called once per entry, in order, with its data contiguous. */
typedef sim_status (*sim_state_put)(void *arg, const char *name, sim_vtype t, int64_t n,
                                    const void *data, sim_error *err);
/* Load: fill `data` with n elements of type t of entry `name`; refuse (with
 * a message naming the entry) a missing entry or a different type or
 * length.  With data NULL, only check that the entry has that type and
 * length (nothing is read: the loader asks before allocating). */
typedef sim_status (*sim_state_get)(void *arg, const char *name, sim_vtype t, int64_t n, void *data,
                                    sim_error *err);

sim_status sim_state_save(sim_state *st, sim_state_put put, void *arg, sim_error *err);
sim_status sim_state_load(sim_state *st, sim_state_get get, void *arg, sim_error *err);

#endif
