/* tests/suite.h — one cmocka suite, its fast and its slow cases.
 *
 * A suite whose cases include slow ones (a city run for years, a sweep)
 * lists them in two arrays and lets suite_run() pick: without arguments it
 * runs the fast cases (ctest label `unit`, which must stay quick), with the
 * argument "slow" the slow ones (ctest SUITE_slow, label `slow`).  Both
 * groups share the setup and teardown.  TROIKA_TEST_FILTER, when set, runs
 * only the cases whose names match it (cmocka's filter: * and ? wildcards),
 * e.g. to time one case.
 *
 * suite_tmpdir() and suite_rmdir(): a fresh folder under /tmp for a case's
 * files, and its removal with the files in it (one level: no sub-folders).
 */
#ifndef TROIKA_TESTS_SUITE_H
#define TROIKA_TESTS_SUITE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

int suite_run(const char *name, const struct CMUnitTest *fast, size_t nfast,
              const struct CMUnitTest *slow, size_t nslow, CMFixtureFunction setup,
              CMFixtureFunction teardown, int argc, char **argv);

/* mkdtemp of /tmp/troika-test-<name>-XXXXXX into buf; 0 on success. */
int suite_tmpdir(char *buf, size_t n, const char *name);

/* Remove the files in dir, then dir; 0 on success. */
int suite_rmdir(const char *dir);

#define SUITE_RUN(name, fast, slow, setup, teardown, argc, argv)                                   \
    suite_run((name), (fast), sizeof(fast) / sizeof((fast)[0]), (slow),                            \
              sizeof(slow) / sizeof((slow)[0]), (setup), (teardown), (argc), (argv))

#endif
