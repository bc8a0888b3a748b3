/* tests/core/test_err.c — located errors (core/err.h): what a set error
 * holds, its one-line format, the trace that SIM_TRY builds, the exit codes
 * and the status names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "err.h"

static void test_set_and_format(void **state)
{
    (void)state;
    sim_error e;
    sim_error_clear(&e);
    assert_int_equal(e.code, SIM_OK);
    assert_int_equal(SIM_FAIL(&e, SIM_EINPUT, "city.ini", 12, "city.compounds",
                              "'%s' is not allowed (allowed: %d to %d)", "-3", 1, 1000000),
                     SIM_EINPUT);
    assert_int_equal(e.code, SIM_EINPUT);
    assert_string_equal(e.file, "city.ini");
    assert_int_equal(e.line, 12);
    assert_string_equal(e.key, "city.compounds");
    char buf[256];
    assert_string_equal(sim_error_format(&e, buf, sizeof buf),
                        "city.ini:12: city.compounds: '-3' is not allowed (allowed: 1 to 1000000)");
    assert_int_equal(e.ntrace, 1);
    assert_string_equal(e.trace_func[0], "test_set_and_format");
}

/* Without a line, without a key, without a message: each part drops out. */
static void test_format_parts(void **state)
{
    (void)state;
    sim_error e;
    char buf[256];
    sim_error_set(&e, SIM_EIO, "out.h5", 0, NULL, "x.c", 1, "f", "disk full");
    assert_string_equal(sim_error_format(&e, buf, sizeof buf), "out.h5: disk full");
    sim_error_set(&e, SIM_EINPUT, NULL, 0, "--seed", "x.c", 1, "f", "not a number");
    assert_string_equal(sim_error_format(&e, buf, sizeof buf), "--seed: not a number");
    sim_error_set(&e, SIM_ENOMEM, NULL, 0, NULL, "x.c", 1, "f", "%s", "");
    assert_string_equal(sim_error_format(&e, buf, sizeof buf), "out of memory");
    /* a small buffer is cut, never overrun */
    char small[8];
    sim_error_set(&e, SIM_EIO, "a-long-file-name", 3, "k", "x.c", 1, "f", "m");
    assert_string_equal(sim_error_format(&e, small, sizeof small), "a-long-");
}

static sim_status inner(sim_error *err)
{
    return SIM_FAIL(err, SIM_EIO, "f.h5", 0, NULL, "inner failed");
}

static sim_status outer(sim_error *err)
{
    SIM_TRY(err, inner(err));
    return SIM_OK;
}

/* SIM_TRY returns the status and adds its own location, innermost first. */
static void test_trace(void **state)
{
    (void)state;
    sim_error e;
    sim_error_clear(&e);
    assert_int_equal(outer(&e), SIM_EIO);
    assert_int_equal(e.ntrace, 2);
    assert_string_equal(e.trace_func[0], "inner");
    assert_string_equal(e.trace_func[1], "outer");
    assert_non_null(strstr(e.trace_file[0], "test_err.c"));
    assert_true(e.trace_line[1] > e.trace_line[0]);
    /* the trace is bounded */
    for (int i = 0; i < 2 * SIM_ERR_TRACE; i++)
        sim_error_push(&e, "x.c", i, "g");
    assert_int_equal(e.ntrace, SIM_ERR_TRACE);
    /* a new error starts a new trace */
    inner(&e);
    assert_int_equal(e.ntrace, 1);
    /* a NULL error record is allowed: the status still comes back */
    assert_int_equal(inner(NULL), SIM_EIO);
    sim_error_push(NULL, "x.c", 1, "g");
}

/* README: 0 success, 2 bad input, 1 every other failure. */
static void test_exit_codes_and_names(void **state)
{
    (void)state;
    const struct {
        sim_status s;
        int exit;
        const char *name;
    } known[] = {
        {SIM_OK, 0, "ok"},
        {SIM_EINPUT, 2, "bad input"},
        {SIM_EIO, 1, "input/output error"},
        {SIM_ENOMEM, 1, "out of memory"},
        {SIM_ENUMERIC, 1, "non-finite value"},
        {SIM_EINTERRUPT, 1, "interrupted"},
        {SIM_EINTERNAL, 1, "internal error"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        assert_int_equal(sim_status_exit_code(known[i].s), known[i].exit);
        assert_string_equal(sim_status_name(known[i].s), known[i].name);
    }
    assert_string_equal(sim_status_name((sim_status)99), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_and_format),
        cmocka_unit_test(test_format_parts),
        cmocka_unit_test(test_trace),
        cmocka_unit_test(test_exit_codes_and_names),
    };
    return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
