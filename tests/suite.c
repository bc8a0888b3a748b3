/* tests/suite.c — see suite.h. */
#include "suite.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int suite_run(const char *name, const struct CMUnitTest *fast, size_t nfast,
              const struct CMUnitTest *slow, size_t nslow, CMFixtureFunction setup,
              CMFixtureFunction teardown, int argc, char **argv)
{
    const char *filter = getenv("TROIKA_TEST_FILTER");
    if (filter && *filter)
        cmocka_set_test_filter(filter);
    if (argc > 1 && strcmp(argv[1], "slow") == 0) {
        char group[128];
        snprintf(group, sizeof group, "%s (slow)", name);
        return _cmocka_run_group_tests(group, slow, nslow, setup, teardown);
    }
    return _cmocka_run_group_tests(name, fast, nfast, setup, teardown);
}

int suite_tmpdir(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "/tmp/troika-test-%s-XXXXXX", name);
    return mkdtemp(buf) ? 0 : -1;
}

int suite_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[4096];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                unlink(path);
            }
        closedir(d);
    }
    return rmdir(dir);
}
