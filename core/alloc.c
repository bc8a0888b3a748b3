/* core/alloc.c — see alloc.h. */
#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *sim_alloc_lines(size_t n, size_t size)
{
    if (n == 0)
        n = 1;
    if (size == 0 || n > (SIZE_MAX - SIM_LINE) / size)
        return NULL;
    /* aligned_alloc wants a multiple of the alignment */
    size_t bytes = (n * size + SIM_LINE - 1) / SIM_LINE * SIM_LINE;
    void *p = aligned_alloc(SIM_LINE, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}
