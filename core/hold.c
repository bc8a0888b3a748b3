/* sim/hold.c — see hold.h. */
#include "hold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HOLD_MAX_SECONDS 600 /* then go on, as if the hook were unset */
#define HOLD_POLL_NS 10000000L

int64_t sim_hold_at(const char *point)
{
    const char *v = getenv("TROIKA_HOLD");
    size_t n = strlen(point);
    if (!v || strncmp(v, point, n) != 0)
        return -1;
    if (v[n] == '\0')
        return 0;
    if (v[n] != ':' || v[n + 1] < '0' || v[n + 1] > '9')
        return -1;
    char *end;
    long long at = strtoll(v + n + 1, &end, 10);
    return *end == '\0' ? (int64_t)at : -1;
}

/* Create the mark at path, whole or not at all; 0 on success. */
static int make_mark(const char *path, const char *point, int64_t n)
{
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp)
        return -1;
    int fd = mkstemp(tmp);
    if (fd < 0)
        return -1;
    char line[200];
    int len = snprintf(line, sizeof line, "%ld %s %lld\n", (long)getpid(), point, (long long)n);
    int bad = write(fd, line, (size_t)len) != len;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, path) != 0) {
        (void)unlink(tmp);
        return -1;
    }
    return 0;
}

void sim_hold(const char *point, int64_t n, volatile sig_atomic_t *stop)
{
    const char *mark = getenv("TROIKA_HOLD_MARK");
    if (mark && !*mark)
        mark = NULL;
    if (!mark || make_mark(mark, point, n) != 0) {
        mark = NULL;
        fprintf(stderr, "troika: holding at %s %lld (TROIKA_HOLD, pid %ld)\n", point, (long long)n,
                (long)getpid());
    }
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (stop && *stop)
            return;
        if (mark && access(mark, F_OK) != 0)
            return;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec >= HOLD_MAX_SECONDS)
            return;
        nanosleep(&(struct timespec){0, HOLD_POLL_NS}, NULL);
    }
}
