/* core/alloc.h — arrays of per-entity state, one cache line aligned.
 *
 * The day's parallel loops hand out blocks of 64 compounds or committees
 * (SIM_TALLY_BLOCK) or a few sub-districts to each thread.  An array that
 * starts on a cache line holds a block of 1-, 4- or 8-byte fields in whole
 * lines, so two threads working on neighbouring blocks never write the same
 * line (false sharing: the line would bounce between the cores on every
 * write, which cost a quarter of the governance phase's time on two
 * threads).  Allocate every array a phase writes per compound, committee or
 * sub-district with sim_alloc_lines(); free it with free().
 */
#ifndef TROIKA_SIM_ALLOC_H
#define TROIKA_SIM_ALLOC_H

#include <stddef.h>

/* Bytes in a cache line (x86-64 and most others). */
#define SIM_LINE 64

/* n elements of `size` bytes, zeroed, starting on a cache line (n = 0 gives
 * one element, so the pointer is never NULL on success); NULL when out of
 * memory or n * size overflows. */
void *sim_alloc_lines(size_t n, size_t size);

#endif
