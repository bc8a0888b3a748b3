/* core/fields.h — a module's state arrays, listed once.
 *
 * A module lists its per-entity arrays in one X-macro, one row per array:
 *
 *     #define ENF_FIELDS(X, o)                                               \
 *         X(o, int32_t, queued, (o)->ncomp * ENF_NCAT, 0, INT32_MAX)         \
 *         X(o, double, effect, (o)->nsub, 0, 1)
 *
 * row: the object (an expression naming the module's struct), the element
 * type, the field, its length (an expression in the object, evaluated when
 * the arrays are allocated and when they are registered) and the range
 * [lo, hi] every element must lie in when read back from a checkpoint
 * (core/state.h, VALIDATION; an index into n things is 0, n - 1).  The
 * macros below make, from that one list:
 *   - the struct members:      ENF_FIELDS(SIM_FIELD_MEMBER, _)
 *   - allocation:              ENF_FIELDS(SIM_FIELD_ALLOC, e)
 *     (sim_alloc_lines: zeroed, cache-line aligned, never NULL on success
 *     even for length 0)
 *   - the check of allocation: if (ENF_FIELDS(SIM_FIELD_MISSING, e) 0) ...
 *   - free:                    ENF_FIELDS(SIM_FIELD_FREE, e)
 *   - checkpoint registration: ENF_FIELDS(SIM_FIELD_REGISTER, e), in a
 *     function with the registry in a variable named `st`, in list order.
 * Adding an array to such a module is one row.  Arrays that are not state
 * (scratch) go in a second list that is never registered; state that owns
 * memory of its own (queues, lists of records) is created, freed and
 * registered by hand, next to the list.
 */
#ifndef TROIKA_CORE_FIELDS_H
#define TROIKA_CORE_FIELDS_H

#include <stdlib.h>

#include "alloc.h"
#include "state.h"

#define SIM_FIELD_MEMBER(o, type, name, len, lo, hi) type *name;
#define SIM_FIELD_ALLOC(o, type, name, len, lo, hi)                                                \
    (o)->name = sim_alloc_lines((size_t)(len), sizeof(type));
#define SIM_FIELD_MISSING(o, type, name, len, lo, hi) !(o)->name ||
#define SIM_FIELD_FREE(o, type, name, len, lo, hi) free((o)->name);
#define SIM_FIELD_REGISTER(o, type, name, len, lo, hi)                                             \
    SIM_STATE_ARRAY(st, #name, (o)->name, (int64_t)(len));                                         \
    SIM_STATE_IN(st, lo, hi);

#endif
