/* tests/core/test_ini.c — INI reading (core/inifile.h): entries with their
 * lines, section headers, comments and a BOM, the earliest problem reported
 * as one located error, reading a whole file, the string helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inifile.h"

static void parse_text(sim_ini *f, const char *text)
{
    sim_error err;
    sim_error_clear(&err);
    sim_ini_init(f, "t.ini", text, strlen(text));
    assert_int_equal(sim_ini_parse(f, &err), SIM_OK);
}

static void test_entries_and_lines(void **state)
{
    (void)state;
    sim_ini f;
    parse_text(&f, "\xEF\xBB\xBF; a comment\n"
                   "extends = base.ini\n"
                   "\n"
                   "[city]\n"
                   "compounds =  40  \n"
                   "# another comment\n"
                   "[policy.secretary]\n"
                   "day = 365\n");
    sim_error err;
    assert_int_equal(sim_ini_check(&f, &err), SIM_OK);
    assert_int_equal(f.nent, 3);
    assert_string_equal(f.ent[0].section, "");
    assert_string_equal(f.ent[0].key, "extends");
    assert_string_equal(f.ent[0].value, "base.ini");
    assert_int_equal(f.ent[0].line, 2);
    const sim_ini_entry *e = sim_ini_get(&f, "city", "compounds");
    assert_non_null(e);
    assert_string_equal(e->value, "40");
    assert_int_equal(e->line, 5);
    e = sim_ini_get(&f, "policy.secretary", "day");
    assert_non_null(e);
    assert_int_equal(e->line, 8);
    assert_null(sim_ini_get(&f, "", "compounds"));
    assert_null(sim_ini_get(&f, "city", "days"));
    assert_int_equal(f.nhdr, 2);
    assert_string_equal(f.hdr[0].name, "city");
    assert_int_equal(f.hdr[0].line, 4);
    assert_string_equal(f.hdr[1].name, "policy.secretary");
    assert_int_equal(f.hdr[1].line, 7);
    sim_ini_free(&f);
}

static void expect_problem(const char *text, const char *formatted)
{
    sim_ini f;
    parse_text(&f, text);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_ini_check(&f, &err), SIM_EINPUT);
    char buf[1200];
    assert_string_equal(sim_error_format(&err, buf, sizeof buf), formatted);
    sim_ini_free(&f);
}

static void test_problems(void **state)
{
    (void)state;
    expect_problem("[city]\ncompounds = 4\ncompounds = 5\n",
                   "t.ini:3: city.compounds: 'compounds' is given twice in [city] "
                   "(first on line 2)");
    expect_problem("seed = 1\nseed = 2\n",
                   "t.ini:2: seed: 'seed' is given twice (first on line 1)");
    expect_problem("[city] x\n",
                   "t.ini:1: unexpected text after ']' (allowed: [section] and a ; comment)");
    expect_problem("a = 1\njust words\n", "t.ini:2: expected [section], key = value or a comment");
    /* the earliest problem wins, whatever the order they are found in */
    expect_problem("a = 1\nb = 2\nwords\na = 3\n",
                   "t.ini:3: expected [section], key = value or a comment");
    /* the same key in two sections is fine */
    sim_ini f;
    parse_text(&f, "[a]\nk = 1\n[b]\nk = 2\n");
    sim_error err;
    assert_int_equal(sim_ini_check(&f, &err), SIM_OK);
    sim_ini_free(&f);
}

/* A caller's own note: kept only when it is on an earlier line. */
static void test_note(void **state)
{
    (void)state;
    sim_ini f;
    parse_text(&f, "a = 1\nb = 2\nc = 3\n");
    sim_ini_note(&f, 3, "c", "third");
    sim_ini_note(&f, 2, "b", "second: %d", 2);
    sim_ini_note(&f, 3, "c", "third again");
    sim_error err;
    assert_int_equal(sim_ini_check(&f, &err), SIM_EINPUT);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.key, "b");
    assert_string_equal(err.msg, "second: 2");
    sim_ini_free(&f);
}

static void test_read_file(void **state)
{
    (void)state;
    char path[] = "/tmp/troika-test-ini-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "a = 1\n[s]\nb = two\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    char *out;
    size_t len;
    assert_int_equal(sim_ini_read_file(path, 1 << 20, &out, &len), 0);
    assert_int_equal(len, sizeof text - 1);
    assert_string_equal(out, text);
    free(out);
    /* the limit is exact: a file of more than max bytes is refused */
    assert_int_equal(sim_ini_read_file(path, 4, &out, &len), EFBIG);
    assert_null(out);
    assert_int_equal(sim_ini_read_file(path, sizeof text - 1, &out, &len), 0);
    free(out);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int i = 0; i < 5000; i++)
        fputc(i % 64 ? 'a' : '\n', fp);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(sim_ini_read_file(path, 4000, &out, &len), EFBIG);
    assert_null(out);
    assert_int_equal(sim_ini_read_file(path, 8192, &out, &len), 0);
    assert_int_equal(len, 5000);
    free(out);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(sim_ini_read_file(path, 1 << 20, &out, &len), ENOENT);
    assert_null(out);
    assert_int_equal(len, 0);
}

static void test_string_helpers(void **state)
{
    (void)state;
    char *d = sim_dup_n("abcdef", 3);
    assert_string_equal(d, "abc");
    free(d);
    char buf[6];
    assert_int_equal(sim_copy_trimmed(buf, sizeof buf, "  x y \t", 7), 1);
    assert_string_equal(buf, "x y");
    assert_int_equal(sim_copy_trimmed(buf, sizeof buf, " abcdef ", 8), 0); /* 6 + NUL */
    assert_int_equal(sim_copy_trimmed(buf, sizeof buf, "   ", 3), 1);
    assert_string_equal(buf, "");
    int cap = 0;
    int *a = sim_grow(NULL, &cap, 1, sizeof *a);
    assert_non_null(a);
    assert_int_equal(cap, 8);
    a = sim_grow(a, &cap, 8, sizeof *a);
    assert_int_equal(cap, 8);
    a = sim_grow(a, &cap, 9, sizeof *a);
    assert_int_equal(cap, 16);
    a = sim_grow(a, &cap, 100, sizeof *a);
    assert_int_equal(cap, 128);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entries_and_lines),
        cmocka_unit_test(test_problems),
        cmocka_unit_test(test_note),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_string_helpers),
    };
    return cmocka_run_group_tests_name("ini", tests, NULL, NULL);
}
