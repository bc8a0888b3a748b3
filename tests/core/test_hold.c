/* tests/core/test_hold.c — the TROIKA_HOLD test hook (core/hold.h): which points
 * the variable names, the mark it writes, and the three ways a hold ends
 * (the stop flag, the mark removed; the ten-minute bound is not waited for). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hold.h"

static char dir[64], mark[128];

static void test_points(void **state)
{
    (void)state;
    unsetenv("TROIKA_HOLD");
    assert_int_equal(sim_hold_at("day"), -1);
    static const struct {
        const char *value, *point;
        int64_t want;
    } cases[] = {
        {"day:385", "day", 385}, {"day:385", "runs", -1},
        {"runs:23", "runs", 23}, {"assembly", "assembly", 0},
        {"day", "day", 0},       {"days:3", "day", -1},
        {"day:", "day", -1},     {"day:3x", "day", -1},
        {"day:-2", "day", -1},   {"checkpoint:57", "checkpoint", 57},
        {"", "day", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(setenv("TROIKA_HOLD", cases[i].value, 1), 0);
        if (sim_hold_at(cases[i].point) != cases[i].want)
            fail_msg("TROIKA_HOLD=%s at %s: %lld, want %lld", cases[i].value, cases[i].point,
                     (long long)sim_hold_at(cases[i].point), (long long)cases[i].want);
    }
    unsetenv("TROIKA_HOLD");
}

/* A raised stop flag ends the hold at once; the mark is whole: "PID POINT N". */
static void test_stop_and_mark(void **state)
{
    (void)state;
    volatile sig_atomic_t stop = 1;
    unlink(mark);
    setenv("TROIKA_HOLD_MARK", mark, 1);
    sim_hold("day", 731, &stop);
    FILE *f = fopen(mark, "r");
    assert_non_null(f);
    char line[128] = "";
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    char want[128];
    snprintf(want, sizeof want, "%ld day 731\n", (long)getpid());
    assert_string_equal(line, want);
    unsetenv("TROIKA_HOLD_MARK");
}

typedef struct {
    volatile sig_atomic_t stop;
    volatile int done;
} holder;

static void *hold_thread(void *arg)
{
    holder *h = arg;
    sim_hold("runs", 3, &h->stop);
    __atomic_store_n(&h->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* wait (polls, no timing in the verdict) until the mark exists */
static void wait_mark(void)
{
    struct stat sb;
    for (int k = 0; k < 30000 && stat(mark, &sb) != 0; k++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    assert_int_equal(stat(mark, &sb), 0);
}

/* A holding thread goes on when the mark is removed, or when the stop flag
 * is raised, and not before. */
static void test_release(void **state)
{
    (void)state;
    setenv("TROIKA_HOLD_MARK", mark, 1);
    for (int how = 0; how < 2; how++) {
        unlink(mark);
        holder h = {0, 0};
        pthread_t th;
        assert_int_equal(pthread_create(&th, NULL, hold_thread, &h), 0);
        wait_mark();
        assert_int_equal(__atomic_load_n(&h.done, __ATOMIC_ACQUIRE), 0);
        if (how == 0)
            assert_int_equal(unlink(mark), 0);
        else
            h.stop = 15;
        assert_int_equal(pthread_join(th, NULL), 0);
        assert_int_equal(h.done, 1);
    }
    unsetenv("TROIKA_HOLD_MARK");
    unlink(mark);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/troika_hold_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(mark, sizeof mark, "%s/held", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(mark);
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_points),
        cmocka_unit_test(test_stop_and_mark),
        cmocka_unit_test(test_release),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
