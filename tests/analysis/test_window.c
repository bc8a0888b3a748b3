/* tests/analysis/test_window.c — the one window grammar (analysis/window.h):
 * known answers for every form, and the refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "window.h"

static void resolve(const char *text, int64_t days, int64_t dflt, int64_t from, int64_t to)
{
    sim_error err;
    sim_error_clear(&err);
    ana_window w;
    int64_t a = -7, b = -7;
    assert_int_equal(ana_window_parse(text, &w, "--window", &err), SIM_OK);
    assert_int_equal(ana_window_resolve(&w, days, dflt, &a, &b, "--window", &err), SIM_OK);
    if (a != from || b != to)
        fail_msg("%s over %lld days: %lld:%lld, expected %lld:%lld", text, (long long)days,
                 (long long)a, (long long)b, (long long)from, (long long)to);
}

static void forms(void **state)
{
    (void)state;
    resolve("1460:1825", 1825, 365, 1460, 1825);
    resolve(":365", 1825, 365, 0, 365);
    resolve("30:", 1825, 365, 30, 1825);
    resolve(":", 1825, 365, 0, 1825);
    resolve("-365:", 1825, 0, 1460, 1825);
    resolve("-365:-5", 1000, 0, 635, 995);
    resolve(":-30", 400, 0, 0, 370);
    resolve("+10:20", 400, 0, 10, 20);
}

static void defaults(void **state)
{
    (void)state;
    sim_error err;
    sim_error_clear(&err);
    int64_t a, b;
    ana_window none = {0};
    assert_int_equal(ana_window_resolve(&none, 1825, 365, &a, &b, "w", &err), SIM_OK);
    assert_true(a == 1460 && b == 1825);
    assert_int_equal(ana_window_resolve(&none, 200, 365, &a, &b, "w", &err), SIM_OK);
    assert_true(a == 0 && b == 200);
    assert_int_equal(ana_window_resolve(NULL, 200, 0, &a, &b, "w", &err), SIM_OK);
    assert_true(a == 0 && b == 200);
}

static void refusals(void **state)
{
    (void)state;
    sim_error err;
    ana_window w;
    int64_t a, b;
    const char *bad[] = {"abc", "1:2:3", "12", "1x:5", "-:5", "--3:", ""};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        sim_error_clear(&err);
        assert_int_equal(ana_window_parse(bad[k], &w, "--window", &err), SIM_EINPUT);
        assert_string_equal(err.key, "--window");
        assert_non_null(strstr(err.msg, "is not a window"));
    }
    const char *outside[] = {"50:61", "40:40", "-61:", "0:61", "20:10", ":-60"};
    for (size_t k = 0; k < sizeof outside / sizeof outside[0]; k++) {
        sim_error_clear(&err);
        assert_int_equal(ana_window_parse(outside[k], &w, "window", &err), SIM_OK);
        assert_int_equal(ana_window_resolve(&w, 60, 0, &a, &b, "window", &err), SIM_EINPUT);
        assert_string_equal(err.key, "window");
        assert_non_null(strstr(err.msg, "not a window of the run of 60 days"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forms),
        cmocka_unit_test(defaults),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
