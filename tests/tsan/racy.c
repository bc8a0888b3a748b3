/* tests/tsan/racy.c — the canary of the ThreadSanitizer stage (tests/tsan/run).
 *
 * A deliberate data race in an OpenMP loop: every iteration adds to one
 * shared counter without a reduction, an atomic or a critical section.  The
 * stage builds this with the same compiler, flags and OpenMP runtime as
 * troika and FAILS unless ThreadSanitizer reports the race: a check that
 * finds nothing is only worth something if it is shown to find this.
 * (Run alone it prints the sum, usually wrong when the race bites.)
 */
#include <stdio.h>

int main(void)
{
    long sum = 0;
#pragma omp parallel for num_threads(2)
    for (int i = 0; i < 100000; i++)
        sum += i; /* the race */
    printf("sum %ld (expected %ld)\n", sum, 100000L * 99999L / 2);
    return 0;
}
