/* tests/sim/test_memory.c — long sweeps hold steady memory: 1,000 small runs in
 * one process (scenario, run, result, and every 10th result written to an
 * HDF5 file, as a sweep does) leave neither the heap in use nor the resident
 * set larger after a warm-up than before it, within a small tolerance.
 *
 * The heap in use (glibc mallinfo2: bytes allocated and not freed) catches a
 * leak of a few dozen bytes a run; the resident set (/proc/self/statm) also
 * sees memory mapped outside malloc.  Before each measurement HDF5's free
 * lists are released (H5garbage_collect) and the heap trimmed.  glibc's
 * per-thread cache counts cached blocks as in use, which blurs the count by
 * tens of kilobytes, so the test re-executes itself once with that cache off
 * (GLIBC_TUNABLES).  Measured on Debian 12 (HDF5 1.10.8): without writes the
 * heap is flat to the byte; HDF5 keeps about 8 bytes more per file written,
 * well inside the tolerance.  Each run is 3 compounds over 30 days, so the
 * test takes seconds.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <malloc.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "ctx.h"
#include "runner.h"
#include "scenario.h"

#define RUNS 1000
#define WARMUP 100
#define WRITE_EVERY 10
#define HEAP_TOLERANCE (16 * 1024)  /* bytes: < 20 bytes a run */
#define RSS_TOLERANCE (1024 * 1024) /* bytes */

static long rss_bytes(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

static size_t heap_in_use(void)
{
    H5garbage_collect();
    malloc_trim(0);
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

/* One run as a sweep makes it: a fresh scenario, run, maybe written, freed. */
static void one_run(const char *dir, int k)
{
    sim_ctx ctx;
    sim_ctx_init(&ctx);
    ctx.threads = 1;
    scn_scenario s;
    scn_init_default(&s);
    const char *sets[] = {"city.compounds=3", "city.subdistricts=1", "run.days=30"};
    for (size_t j = 0; j < sizeof sets / sizeof sets[0]; j++)
        assert_int_equal(scn_set(&s, sets[j], &ctx.err), SIM_OK);
    s.params.run_seed = 2385 + k;
    assert_int_equal(scn_finish(&s, &ctx.err), SIM_OK);
    sim_result *r = NULL;
    sim_status st = sim_run(&ctx, &s, &r);
    if (st != SIM_OK) {
        char buf[1200];
        fail_msg("run %d failed: %s", k, sim_error_format(&ctx.err, buf, sizeof buf));
    }
    if (k % WRITE_EVERY == 0) {
        char path[1100];
        snprintf(path, sizeof path, "%s/run.h5", dir);
        assert_int_equal(sim_result_write(r, &s, path, 1, "test_memory", 1, &ctx.err), SIM_OK);
    }
    sim_result_destroy(r);
    scn_free(&s);
}

/* Under AddressSanitizer the allocator is ASan's: mallinfo2 reports
 * nothing, and freed blocks sit in its quarantine (up to 256 MiB), so the
 * resident set grows by design.  There the 1,000 runs still happen and
 * LeakSanitizer, at exit, is the check of leaks. */
#if defined(__SANITIZE_ADDRESS__)
#define TROIKA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TROIKA_ASAN 1
#endif
#endif
#ifndef TROIKA_ASAN
#define TROIKA_ASAN 0
#endif

static void test_steady_memory(void **state)
{
    (void)state;
    omp_set_num_threads(1);
    char dir[1024];
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/troika-test-memory-XXXXXX", base);
    assert_non_null(mkdtemp(dir));

    size_t heap0 = 0;
    long rss0 = 0;
    for (int k = 0; k < RUNS; k++) {
        one_run(dir, k);
        if (k + 1 == WARMUP) {
            heap0 = heap_in_use();
            rss0 = rss_bytes();
        }
    }
    size_t heap1 = heap_in_use();
    long rss1 = rss_bytes();
    printf("# heap in use %zu -> %zu bytes, resident %ld -> %ld bytes over runs %d..%d\n", heap0,
           heap1, rss0, rss1, WARMUP, RUNS);
    assert_true(rss0 > 0 && rss1 > 0);
    if (TROIKA_ASAN)
        printf("# AddressSanitizer build: the heap and resident-set bounds are not checked "
               "(ASan's allocator and quarantine); LeakSanitizer checks leaks at exit\n");
    else if (heap1 > heap0 + HEAP_TOLERANCE)
        fail_msg("the heap grew by %zu bytes over %d runs", heap1 - heap0, RUNS - WARMUP);
    if (!TROIKA_ASAN && rss1 > rss0 + RSS_TOLERANCE)
        fail_msg("the resident set grew by %ld bytes over %d runs", rss1 - rss0, RUNS - WARMUP);

    char path[1100];
    snprintf(path, sizeof path, "%s/run.h5", dir);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

int main(int argc, char **argv)
{
    (void)argc;
    if (!getenv("TROIKA_TEST_MEMORY_CHILD")) { /* once more, without glibc's tcache */
        setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1);
        setenv("TROIKA_TEST_MEMORY_CHILD", "1", 1);
        fflush(NULL);
        execv("/proc/self/exe", argv);
        /* if that fails, measure as we are: the tolerance may then be tight */
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steady_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
