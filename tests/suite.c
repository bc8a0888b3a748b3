/* tests/suite.c — see suite.h. */
#include "suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
