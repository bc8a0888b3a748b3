/* tests/sim/test_scenario.c — scenario files, extends, policies, --set, finish.
 *
 * Fixtures are in tests/data/scenarios/ (small and commented); files a test
 * must generate (odd bytes, round trips) go to a mkdtemp() folder removed at
 * the end.  Every error case checks the whole location (file, line, key) and
 * a piece of the message; lines are found by searching the fixture for the
 * text of the line, so fixtures can be edited freely.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, chdir, getcwd */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "scenario.h"

#define DATA TROIKA_TEST_DATA "/scenarios/"

static char tmpdir[256]; /* made by group_setup */

/* ---- helpers -------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/troika-test-scenario-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *de;
        char path[600];
        while ((de = readdir(d)))
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
                snprintf(path, sizeof path, "%s/%s", tmpdir, de->d_name);
                unlink(path);
            }
        closedir(d);
    }
    return rmdir(tmpdir);
}

/* Write `len` bytes to tmpdir/name; returns the path (static buffer). */
static const char *write_tmp_n(const char *name, const char *text, size_t len)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static const char *write_tmp(const char *name, const char *text)
{
    return write_tmp_n(name, text, strlen(text));
}

/* 1-based number of the first line of `path` that contains `needle`. */
static int line_of(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char buf[1024];
    int n = 0;
    while (fgets(buf, sizeof buf, f)) {
        n++;
        if (strstr(buf, needle)) {
            fclose(f);
            return n;
        }
    }
    fclose(f);
    fail_msg("'%s' not found in %s", needle, path);
    return -1;
}

static void check_err(const sim_error *e, const char *file, int line, const char *key,
                      const char *msg_part)
{
    char buf[2048];
    if (e->code != SIM_EINPUT || strcmp(e->file, file) || e->line != line || strcmp(e->key, key) ||
        !strstr(e->msg, msg_part))
        print_message("unexpected error record: %s\n", sim_error_format(e, buf, sizeof buf));
    assert_int_equal(e->code, SIM_EINPUT);
    assert_string_equal(e->file, file);
    assert_int_equal(e->line, line);
    assert_string_equal(e->key, key);
    assert_non_null(strstr(e->msg, msg_part));
}

/* Load a file that must fail; the error is in *err. */
static void load_fails(const char *path, sim_error *err)
{
    scn_scenario s;
    scn_init_default(&s);
    sim_error_clear(err);
    assert_int_equal(scn_load(&s, path, err), SIM_EINPUT);
    scn_free(&s);
}

/* Load a file (and finish) that must succeed. */
static void load_ok(scn_scenario *s, const char *path)
{
    sim_error err;
    char buf[2048];
    sim_error_clear(&err);
    scn_init_default(s);
    sim_status st = scn_load(s, path, &err);
    if (st == SIM_OK)
        st = scn_finish(s, &err);
    if (st != SIM_OK)
        fail_msg("loading %s: %s", path, sim_error_format(&err, buf, sizeof buf));
}

static void set_ok(scn_scenario *s, const char *assignment)
{
    sim_error err;
    char buf[2048];
    sim_error_clear(&err);
    if (scn_set(s, assignment, &err) != SIM_OK)
        fail_msg("--set %s: %s", assignment, sim_error_format(&err, buf, sizeof buf));
}

static void set_fails(const char *assignment, const char *key, const char *msg_part)
{
    scn_scenario s;
    sim_error err;
    scn_init_default(&s);
    sim_error_clear(&err);
    assert_int_equal(scn_set(&s, assignment, &err), SIM_EINPUT);
    check_err(&err, "", 0, key, msg_part);
    char prefix[300];
    snprintf(prefix, sizeof prefix, "--set %s: ", assignment);
    assert_memory_equal(err.msg, prefix, strlen(prefix)); /* says it came from --set */
    scn_free(&s);
}

static int param_index(const char *key)
{
    int i = sim_param_find(key);
    if (i < 0)
        fail_msg("no parameter %s in params.def", key);
    return i;
}

/* Every parameter not in `keys` (NULL-terminated) is at its default. */
static void others_default(const scn_scenario *s, const char *const *keys)
{
    for (int i = 0; i < sim_param_count; i++) {
        int listed = 0;
        for (const char *const *k = keys; *k; k++)
            listed |= !strcmp(*k, sim_param_table[i].key);
        if (!listed && sim_param_get(&s->params, i) != sim_param_table[i].def)
            fail_msg("%s changed from its default", sim_param_table[i].key);
    }
}

/* ---- the default and loading a valid file ------------------------------------ */

static void test_default(void **state)
{
    (void)state;
    scn_scenario s;
    sim_error err;
    sim_error_clear(&err);
    scn_init_default(&s);
    assert_string_equal(s.name, "default");
    assert_string_equal(s.path, "");
    assert_string_equal(s.description, "");
    assert_int_equal(s.nchanges, 0);
    assert_null(s.sources);
    const char *none[] = {NULL};
    others_default(&s, none);
    assert_int_equal(scn_finish(&s, &err), SIM_OK);
    char *ini = scn_resolved_ini(&s);
    assert_non_null(ini);
    assert_memory_equal(ini, "name = default\n", 15);
    assert_null(strstr(ini, "[policy."));
    free(ini);
    scn_free(&s);
    scn_free(&s); /* twice is fine */
}

static void test_free_zeroed(void **state)
{
    (void)state;
    scn_scenario s;
    memset(&s, 0, sizeof s);
    scn_free(&s);
    scn_free(NULL);
}

static void test_load_valid(void **state)
{
    (void)state;
    const char *path = DATA "valid.ini";
    scn_scenario s;
    load_ok(&s, path);
    assert_string_equal(s.name, "Valid example");
    assert_string_equal(s.description, "Loaded by the scenario tests");
    assert_string_equal(s.path, path);
    assert_int_equal(s.params.run_days, 400);
    assert_int_equal(s.params.run_seed, 7);
    assert_true(s.params.household_complain_rate == 0.1);
    assert_true(s.params.household_patience == 45.0);
    const char *changed[] = {"run.days", "run.seed", "household.complain_rate",
                             "household.patience", NULL};
    others_default(&s, changed);

    assert_int_equal(s.nchanges, 1);
    const scn_change *c = &s.changes[0];
    assert_string_equal(c->policy, "subsidy");
    assert_int_equal(c->day, 100);
    assert_int_equal(c->param, param_index("pmc.subsidy_old"));
    assert_true(c->value == 90.0);
    assert_int_equal(c->order, 0);
    assert_int_equal(c->at.from, SCN_FROM_FILE);
    assert_string_equal(c->at.file, path);
    assert_int_equal(c->at.line, line_of(path, "pmc.subsidy_old"));

    /* provenance: the file's text, after its header line */
    assert_non_null(s.sources);
    char head[600];
    snprintf(head, sizeof head, "; ---- file: %s\n; A small valid scenario", path);
    assert_memory_equal(s.sources, head, strlen(head));
    assert_non_null(strstr(s.sources, "[policy.subsidy]\nday = 100\n"));
    scn_free(&s);
}

static void test_name_from_stem(void **state)
{
    (void)state;
    scn_scenario s;
    load_ok(&s, DATA "list_a.ini");
    assert_string_equal(s.name, "list_a");
    assert_string_equal(s.description, "");
    scn_free(&s);
}

/* ---- extends -------------------------------------------------------------- */

static void test_extends_chain3(void **state)
{
    (void)state;
    scn_scenario s;
    load_ok(&s, DATA "chain_top.ini");
    /* name and description are the loaded file's own, not inherited */
    assert_string_equal(s.name, "chain_top");
    assert_string_equal(s.description, "");
    assert_int_equal(s.params.run_days, 500);         /* base */
    assert_int_equal(s.params.city_compounds, 50);    /* base */
    assert_int_equal(s.params.city_firms, 5);         /* mid */
    assert_true(s.params.household_patience == 30.0); /* base 10, mid 20, top 30 */
    const char *changed[] = {"run.days", "city.compounds", "city.firms", "household.patience",
                             NULL};
    others_default(&s, changed);
    /* top's [policy.subsidy] replaced base's: one change, re-timed */
    assert_int_equal(s.nchanges, 1);
    assert_string_equal(s.changes[0].policy, "subsidy");
    assert_int_equal(s.changes[0].day, 200);
    assert_true(s.changes[0].value == 80.0);
    assert_string_equal(s.changes[0].at.file, DATA "chain_top.ini");

    /* every file read is in sources, in the order read */
    const char *top = strstr(s.sources, "; ---- file: " DATA "chain_top.ini\n");
    const char *mid = strstr(s.sources, "; ---- file: " DATA "chain_mid.ini\n");
    const char *base = strstr(s.sources, "; ---- file: " DATA "chain_base.ini\n");
    assert_true(top == s.sources);
    assert_true(mid && base && top < mid && mid < base);
    assert_non_null(strstr(base, "pmc.subsidy_old = 70"));
    scn_free(&s);
}

static void test_extends_list2(void **state)
{
    (void)state;
    scn_scenario s;
    load_ok(&s, DATA "list_child.ini");
    assert_true(s.params.household_patience == 22.0); /* list_b after list_a */
    assert_int_equal(s.params.city_firms, 3);         /* list_a only */
    assert_int_equal(s.params.city_compounds, 40);    /* list_b only */
    assert_int_equal(s.params.city_hh_min, 30);       /* the child */
    const char *changed[] = {"household.patience", "city.firms", "city.compounds", "city.hh_min",
                             NULL};
    others_default(&s, changed);
    assert_int_equal(s.nchanges, 0);

    /* whitespace also separates names */
    const char *p =
        write_tmp("list_space.ini", "extends = " DATA "list_b.ini   " DATA "list_a.ini\n");
    scn_free(&s);
    load_ok(&s, p);
    assert_true(s.params.household_patience == 11.0); /* now list_a is last */
    scn_free(&s);
}

static void test_extends_relative_to_folder(void **state)
{
    (void)state;
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    /* from another working directory, a relative path still works */
    assert_int_equal(chdir(TROIKA_TEST_DATA), 0);
    scn_scenario s;
    load_ok(&s, "scenarios/sub/nested.ini");
    assert_int_equal(chdir(cwd), 0);
    assert_true(s.params.household_patience == 11.0);
    assert_int_equal(s.params.city_firms, 3);
    assert_string_equal(s.name, "nested");
    assert_non_null(strstr(s.sources, "; ---- file: scenarios/sub/../list_a.ini\n"));
    scn_free(&s);
}

static void test_extends_cycle(void **state)
{
    (void)state;
    sim_error err;
    load_fails(DATA "cycle_a.ini", &err);
    check_err(&err, DATA "cycle_b.ini", line_of(DATA "cycle_b.ini", "extends ="), "extends",
              "extends cycle: " DATA "cycle_a.ini -> cycle_b.ini -> cycle_a.ini");
}

static void test_extends_self(void **state)
{
    (void)state;
    sim_error err;
    load_fails(DATA "self.ini", &err);
    check_err(&err, DATA "self.ini", line_of(DATA "self.ini", "extends ="), "extends",
              "extends cycle: " DATA "self.ini -> self.ini");
}

static void test_extends_missing(void **state)
{
    (void)state;
    sim_error err;
    const char *f = DATA "extends_missing.ini";
    load_fails(f, &err);
    check_err(&err, f, line_of(f, "extends ="), "extends",
              "cannot read 'no_such_file.ini' (" DATA "no_such_file.ini): No such file or "
              "directory");

    const char *p = write_tmp("extends_empty.ini", "; nothing named\nextends = , \n");
    load_fails(p, &err);
    check_err(&err, p, 2, "extends", "extends names no file");
}

/* ---- errors found within one file ------------------------------------------------ */

static void test_duplicate_key(void **state)
{
    (void)state;
    sim_error err;
    const char *f = DATA "dup_key.ini";
    load_fails(f, &err);
    char first[64];
    snprintf(first, sizeof first, "(first on line %d)", line_of(f, "patience = 10"));
    check_err(&err, f, line_of(f, "patience = 20"), "household.patience",
              "'patience' is given twice in [household]");
    assert_non_null(strstr(err.msg, first));

    f = DATA "dup_section.ini"; /* [household] twice: still one section */
    load_fails(f, &err);
    snprintf(first, sizeof first, "(first on line %d)", line_of(f, "patience = 10"));
    check_err(&err, f, line_of(f, "patience = 20"), "household.patience", first);

    const char *p = write_tmp("dup_top.ini", "name = a\n\nname = b\n");
    load_fails(p, &err);
    check_err(&err, p, 3, "name", "'name' is given twice (first on line 1)");
}

/* name_zh and description_zh: read, kept in the resolved text, and the
 * loaded file's own (not inherited), like name and description. */
static void test_chinese_name(void **state)
{
    (void)state;
    sim_error err;
    sim_error_clear(&err);
    const char *base = write_tmp("zh_base.ini", "name = b\nname_zh = 基准情景\n");
    (void)base;
    const char *p =
        write_tmp("zh_child.ini", "extends = zh_base.ini\nname = secretary\nname_zh = 社工秘书\n"
                                  "description_zh = 一半小区的业委会配备专业社工担任执行秘书。\n");
    scn_scenario s;
    scn_init_default(&s);
    assert_int_equal(scn_load(&s, p, &err), SIM_OK);
    assert_string_equal(s.name_zh, "社工秘书");
    assert_string_equal(s.description_zh, "一半小区的业委会配备专业社工担任执行秘书。");
    assert_int_equal(scn_finish(&s, &err), SIM_OK);
    char *ini = scn_resolved_ini(&s);
    assert_non_null(ini);
    assert_non_null(strstr(ini, "name_zh = 社工秘书\n"));
    free(ini);
    scn_free(&s);

    scn_init_default(&s);
    p = write_tmp("zh_only_child.ini", "extends = zh_base.ini\n");
    assert_int_equal(scn_load(&s, p, &err), SIM_OK);
    assert_string_equal(s.name_zh, ""); /* not inherited */
    scn_free(&s);

    p = write_tmp("zh_dup.ini", "name_zh = 甲\nname_zh = 乙\n");
    load_fails(p, &err);
    check_err(&err, p, 2, "name_zh", "'name_zh' is given twice (first on line 1)");
}

static void test_unknown_section(void **state)
{
    (void)state;
    sim_error err;
    const char *f = DATA "unknown_section.ini";
    load_fails(f, &err);
    check_err(&err, f, line_of(f, "[households]"), "[households]",
              "unknown section [households] (allowed: [run], [city], [household]");
    assert_non_null(strstr(err.msg, "] or [policy.NAME])"));

    /* an empty unknown section is still seen */
    const char *p = write_tmp("empty_section.ini", "[run]\ndays = 10\n[nonsense]\n");
    load_fails(p, &err);
    check_err(&err, p, 3, "[nonsense]", "unknown section [nonsense]");

    p = write_tmp("policy_noname.ini", "[policy]\nday = 1\n");
    load_fails(p, &err);
    check_err(&err, p, 1, "[policy]", "a policy needs a name: [policy.NAME]");
}

static void test_unknown_key_suggestion(void **state)
{
    (void)state;
    sim_error err;
    const char *f = DATA "unknown_key.ini";
    load_fails(f, &err);
    check_err(&err, f, line_of(f, "complain_rat"), "household.complain_rat",
              "unknown key 'complain_rat' in [household] (did you mean "
              "household.complain_rate?)");
}

static void test_unknown_key_no_suggestion(void **state)
{
    (void)state;
    sim_error err;
    const char *p = write_tmp("unknown_far.ini", "[household]\nqqqqqqqqqqqqqqqqqqqq = 1\n");
    load_fails(p, &err);
    check_err(&err, p, 2, "household.qqqqqqqqqqqqqqqqqqqq",
              "unknown key 'qqqqqqqqqqqqqqqqqqqq' in [household] (allowed: sat_init,");
    assert_null(strstr(err.msg, "did you mean"));

    /* a parameter at the top level is pointed to its section */
    p = write_tmp("top_param.ini", "; c\npatience = 3\n");
    load_fails(p, &err);
    check_err(&err, p, 2, "patience",
              "unknown top-level key 'patience' (allowed: name, description, name_zh, "
              "description_zh, extends; did you "
              "mean patience = ... under [household]?)");

    /* in a policy: the nearest policy parameter */
    p = write_tmp("policy_typo.ini", "[policy.x]\nday = 1\npmc.subsidy_odl = 5\n");
    load_fails(p, &err);
    check_err(&err, p, 3, "policy.x.pmc.subsidy_odl",
              "unknown key 'pmc.subsidy_odl' in [policy.x] (did you mean pmc.subsidy_old?)");
}

static void test_syntax_error(void **state)
{
    (void)state;
    sim_error err;
    const char *f = DATA "syntax.ini";
    load_fails(f, &err);
    check_err(&err, f, line_of(f, "this line is not ini"), "",
              "expected [section], key = value or a comment");

    const char *p = write_tmp("no_bracket.ini", "[run]\ndays = 3\n[household\n");
    load_fails(p, &err);
    check_err(&err, p, 3, "", "expected [section]");

    p = write_tmp("no_key.ini", "[run]\n= 3\n");
    load_fails(p, &err);
    check_err(&err, p, 2, "", "a key is missing before '='");

    p = write_tmp("after_bracket.ini", "[run] days = 3\n");
    load_fails(p, &err);
    check_err(&err, p, 1, "", "unexpected text after ']'");
}

/* Of several problems in one file, the earliest line is reported, whatever
 * its kind. */
static void test_earliest_error_first(void **state)
{
    (void)state;
    sim_error err;
    const char *p = write_tmp("two_errors_a.ini", "[run]\ndayz = 3\n\nnot ini\n");
    load_fails(p, &err);
    check_err(&err, p, 2, "run.dayz", "unknown key 'dayz' in [run]");

    p = write_tmp("two_errors_b.ini", "[run]\nnot ini\n\ndayz = 3\n");
    load_fails(p, &err);
    check_err(&err, p, 2, "", "expected [section]");

    p = write_tmp("two_errors_c.ini", "[bogus]\n[run]\ndays = 1\ndays = 2\n");
    load_fails(p, &err);
    check_err(&err, p, 1, "[bogus]", "unknown section");
}

static void test_wrong_type(void **state)
{
    (void)state;
    sim_error err;
    const char *f = DATA "wrong_type.ini";
    load_fails(f, &err);
    check_err(&err, f, line_of(f, "days = many"), "run.days",
              "'many' is not an integer (allowed: an integer from 1 to 36500)");

    const char *p = write_tmp("hash_comment.ini", "[run]\ndays = 10  # ten days\n");
    load_fails(p, &err);
    check_err(&err, p, 2, "run.days", "comments after a value start with ' ;', not '#'");
}

static void test_out_of_range(void **state)
{
    (void)state;
    sim_error err;
    const char *f = DATA "out_of_range.ini";
    load_fails(f, &err);
    check_err(&err, f, line_of(f, "complain_rate ="), "household.complain_rate",
              "1.5 is out of range (allowed: a number from 0 to 1)");
}

static void test_odd_bytes(void **state)
{
    (void)state;
    sim_error err;
    char longline[400];
    memset(longline, 'x', sizeof longline);
    memcpy(longline, "; ", 2);
    longline[sizeof longline - 1] = '\0';
    char text[600];
    snprintf(text, sizeof text, "[run]\ndays = 3\n%s\n", longline);
    const char *p = write_tmp("long.ini", text);
    load_fails(p, &err);
    check_err(&err, p, 3, "", "the line is longer than");

    static const char nul[] = "[run]\nda\0ys = 3\n";
    p = write_tmp_n("nul.ini", nul, sizeof nul - 1);
    load_fails(p, &err);
    check_err(&err, p, 2, "", "NUL byte");

    /* CRLF line ends and a byte-order mark are fine; lines still count */
    p = write_tmp("crlf.ini", "\xEF\xBB\xBF[run]\r\ndays = 12\r\n\r\n[household]\r\n"
                              "patience = x\r\n");
    load_fails(p, &err);
    check_err(&err, p, 5, "household.patience", "'x' is not a number");
    scn_scenario s;
    p = write_tmp("crlf_ok.ini", "\xEF\xBB\xBF[run]\r\ndays = 12\r\n");
    load_ok(&s, p);
    assert_int_equal(s.params.run_days, 12);
    scn_free(&s);
}

static void test_missing_file(void **state)
{
    (void)state;
    sim_error err;
    load_fails(DATA "does_not_exist.ini", &err);
    check_err(&err, DATA "does_not_exist.ini", 0, "", "No such file or directory");

    load_fails(TROIKA_TEST_DATA, &err); /* a folder */
    check_err(&err, TROIKA_TEST_DATA, 0, "", "Is a directory");

    load_fails("", &err);
    check_err(&err, "", 0, "", "no scenario file given");
    load_fails(NULL, &err);
    check_err(&err, "", 0, "", "no scenario file given");
}

static void test_top_level_values(void **state)
{
    (void)state;
    sim_error err;
    const char *p = write_tmp("empty_name.ini", "name =\n");
    load_fails(p, &err);
    check_err(&err, p, 1, "name", "the name is empty");

    char text[400] = "name = ";
    memset(text + 7, 'n', 150);
    strcpy(text + 157, "\n");
    p = write_tmp("long_name.ini", text);
    load_fails(p, &err);
    check_err(&err, p, 1, "name", "too long (allowed: at most 127 characters)");
}

/* ---- policies -------------------------------------------------------------------- */

static void test_policy_fixed_param(void **state)
{
    (void)state;
    sim_error err;
    const char *f = DATA "policy_fixed.ini";
    load_fails(f, &err);
    check_err(&err, f, line_of(f, "pmc.margin ="), "policy.cheaper.pmc.margin",
              "'pmc.margin' is fixed at the start of a run; a policy may only change policy "
              "parameters (see troika params)");
}

static void test_policy_without_day(void **state)
{
    (void)state;
    sim_error err;
    const char *f = DATA "policy_noday.ini";
    load_fails(f, &err);
    check_err(&err, f, line_of(f, "[policy.subsidy]"), "policy.subsidy.day",
              "policy 'subsidy' has no day");

    /* a child's policy replaces the parent's entirely: the day is not kept */
    const char *p = write_tmp("child_noday.ini", "extends = " DATA "chain_base.ini\n"
                                                 "[policy.subsidy]\npmc.subsidy_old = 5\n");
    load_fails(p, &err);
    check_err(&err, p, 2, "policy.subsidy.day", "policy 'subsidy' has no day");
}

static void test_policy_bad_day(void **state)
{
    (void)state;
    sim_error err;
    const char *p = write_tmp("day_neg.ini", "[policy.x]\nday = -1\npmc.subsidy_old = 5\n");
    load_fails(p, &err);
    check_err(&err, p, 2, "policy.x.day", "'-1' is not a day (allowed: an integer from 0");
    p = write_tmp("day_word.ini", "[policy.x]\npmc.subsidy_old = 5\nday = soon\n");
    load_fails(p, &err);
    check_err(&err, p, 3, "policy.x.day", "'soon' is not a day");
}

static void test_policy_bad_value(void **state)
{
    (void)state;
    sim_error err;
    const char *p = write_tmp("policy_range.ini", "[policy.x]\nday = 3\npmc.subsidy_old = -5\n");
    load_fails(p, &err);
    check_err(&err, p, 3, "policy.x.pmc.subsidy_old", "-5 is out of range (allowed: a number");
}

static void test_policy_bad_name(void **state)
{
    (void)state;
    sim_error err;
    const char *f = DATA "policy_bad_name.ini";
    load_fails(f, &err);
    check_err(&err, f, line_of(f, "[policy.more money]"), "[policy.more money]",
              "a policy name may only hold letters, digits, '_' and '-' (not 'more money')");
}

static void test_policy_after_end(void **state)
{
    (void)state;
    const char *f = DATA "policy_late.ini";
    scn_scenario s;
    sim_error err;
    sim_error_clear(&err);
    scn_init_default(&s);
    /* not an error (a short run of a reform scenario), a located note */
    assert_int_equal(scn_load(&s, f, &err), SIM_OK);
    assert_int_equal(scn_finish(&s, &err), SIM_OK);
    assert_int_equal(s.npolicies, 1);
    assert_int_equal(scn_late_policy(&s, 0, &err), 1);
    check_err(&err, f, line_of(f, "day = 900"), "policy.secretary.day",
              "policy 'secretary' starts on day 900, after the run ends (run.days = 365): it "
              "never takes effect");
    scn_free(&s);

    /* the last day is days - 1 */
    scn_init_default(&s);
    set_ok(&s, "run.days=365");
    set_ok(&s, "policy.p.pmc.subsidy_old=1");
    set_ok(&s, "policy.p.day=364");
    assert_int_equal(scn_finish(&s, &err), SIM_OK);
    assert_int_equal(scn_late_policy(&s, 0, &err), 0);
    set_ok(&s, "policy.p.day=365");
    assert_int_equal(scn_finish(&s, &err), SIM_OK);
    assert_int_equal(scn_late_policy(&s, 0, &err), 1);
    check_err(&err, "", 0, "policy.p.day", "(given with --set)");
    scn_free(&s);
}

static void test_policy_conflict(void **state)
{
    (void)state;
    const char *f = DATA "policy_conflict.ini";
    scn_scenario s;
    sim_error err;
    sim_error_clear(&err);
    scn_init_default(&s);
    assert_int_equal(scn_load(&s, f, &err), SIM_OK);
    assert_int_equal(scn_finish(&s, &err), SIM_EINPUT);
    check_err(&err, f, line_of(f, "pmc.subsidy_old = 10"), "policy.b.pmc.subsidy_old",
              "policies 'a' and 'b' both set pmc.subsidy_old on day 50");
    scn_free(&s);
}

static void test_policy_changes_nothing(void **state)
{
    (void)state;
    const char *p = write_tmp("policy_empty.ini", "[policy.idle]\nday = 3\n");
    scn_scenario s;
    sim_error err;
    sim_error_clear(&err);
    scn_init_default(&s);
    assert_int_equal(scn_load(&s, p, &err), SIM_OK);
    assert_int_equal(scn_finish(&s, &err), SIM_EINPUT);
    check_err(&err, p, 2, "policy.idle.day", "policy 'idle' changes nothing");
    scn_free(&s);
}

/* Changes are sorted by day; a policy's changes stay together; order is the
 * index afterwards. */
static void test_finish_sorts(void **state)
{
    (void)state;
    scn_scenario s;
    sim_error err;
    sim_error_clear(&err);
    scn_init_default(&s);
    set_ok(&s, "policy.late.day=30");
    set_ok(&s, "policy.late.pmc.subsidy_old=3");
    set_ok(&s, "policy.early.pmc.subsidy_old=1");
    set_ok(&s, "policy.early.day=10");
    set_ok(&s, "policy.mid.day=20");
    set_ok(&s, "policy.mid.pmc.subsidy_old=2");
    assert_int_equal(scn_finish(&s, &err), SIM_OK);
    assert_int_equal(s.nchanges, 3);
    const char *names[] = {"early", "mid", "late"};
    for (int k = 0; k < 3; k++) {
        assert_string_equal(s.changes[k].policy, names[k]);
        assert_int_equal(s.changes[k].day, 10 * (k + 1));
        assert_true(s.changes[k].value == k + 1.0);
        assert_int_equal(s.changes[k].order, k);
        assert_int_equal(s.changes[k].at.from, SCN_FROM_SET);
    }
    /* finishing twice changes nothing */
    assert_int_equal(scn_finish(&s, &err), SIM_OK);
    assert_string_equal(s.changes[0].policy, "early");
    scn_free(&s);
}

/* ---- --set ------------------------------------------------------------------------- */

static void test_set_valid(void **state)
{
    (void)state;
    scn_scenario s;
    load_ok(&s, DATA "valid.ini");
    set_ok(&s, "household.patience=12");
    set_ok(&s, "  run.days = 50  ");
    set_ok(&s, "city.old_share=0.25");
    set_ok(&s, "city.old_share=0.5"); /* a later --set wins */
    assert_true(s.params.household_patience == 12.0);
    assert_int_equal(s.params.run_days, 50);
    assert_true(s.params.city_old_share == 0.5);
    /* a --set changes a file's policy: re-time it */
    set_ok(&s, "policy.subsidy.day=20");
    set_ok(&s, "policy.subsidy.pmc.subsidy_old=95");
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(scn_finish(&s, &err), SIM_OK);
    assert_int_equal(s.nchanges, 1);
    assert_int_equal(s.changes[0].day, 20);
    assert_true(s.changes[0].value == 95.0);
    assert_int_equal(s.changes[0].at.from, SCN_FROM_SET);
    scn_free(&s);
}

static void test_set_invalid(void **state)
{
    (void)state;
    set_fails("household.patience", "--set",
              "no '=' (expected section.name=value, policy.NAME.day=DAY or "
              "policy.NAME.section.name=value)");
    set_fails("", "--set", "no '='");
    set_fails("=5", "--set", "the key before '=' is empty (expected section.name=value");
    set_fails("household.patince=3", "--set",
              "unknown key 'household.patince' (did you mean household.patience?)");
    set_fails("qqqqqqqqqqqqqqqqqq=3", "--set", "unknown key 'qqqqqqqqqqqqqqqqqq' (expected");
    set_fails("household.x=1", "--set",
              "unknown key 'household.x' (allowed in [household]: sat_init, tolerance_sd,");
    set_fails("run.days=abc", "run.days",
              "'abc' is not an integer (allowed: an integer from 1 to 36500)");
    set_fails("run.days=", "run.days", "no value given");
    set_fails("household.complain_rate=2", "household.complain_rate", "2 is out of range");
}

static void test_set_policy(void **state)
{
    (void)state;
    scn_scenario s;
    sim_error err;
    sim_error_clear(&err);
    scn_init_default(&s);
    /* a new policy: its value first, then its day */
    set_ok(&s, "policy.boost.pmc.subsidy_old=99");
    set_ok(&s, "policy.boost.day=30");
    set_ok(&s, "policy.boost.pmc.subsidy_old=98"); /* replaces, not a second change */
    assert_int_equal(scn_finish(&s, &err), SIM_OK);
    assert_int_equal(s.nchanges, 1);
    assert_string_equal(s.changes[0].policy, "boost");
    assert_int_equal(s.changes[0].day, 30);
    assert_true(s.changes[0].value == 98.0);
    scn_free(&s);

    /* a new policy without its day */
    scn_init_default(&s);
    set_ok(&s, "policy.boost.pmc.subsidy_old=99");
    assert_int_equal(scn_finish(&s, &err), SIM_EINPUT);
    check_err(&err, "", 0, "policy.boost.day", "policy 'boost' has no day");
    assert_non_null(strstr(err.msg, "--set policy.boost.day=N"));
    scn_free(&s);
}

static void test_set_policy_invalid(void **state)
{
    (void)state;
    set_fails("policy.boost.day=-3", "policy.boost.day", "'-3' is not a day");
    set_fails("policy.boost.day=x", "policy.boost.day", "'x' is not a day");
    set_fails("policy.boost.pmc.margin=0.1", "policy.boost.pmc.margin",
              "'pmc.margin' is fixed at the start of a run");
    set_fails("policy.boost.pmc.subsidy_old=abc", "policy.boost.pmc.subsidy_old",
              "'abc' is not a number");
    set_fails("policy.boost.pmc.subsdy_old=1", "--set",
              "unknown key 'pmc.subsdy_old' (did you mean policy.boost.pmc.subsidy_old?)");
    set_fails("policy.boost=1", "--set", "expected section.name=value, policy.NAME.day=DAY");
    set_fails("policy.boost.=1", "--set", "expected section.name=value");
    set_fails("policy..day=1", "--set", "a policy needs a name");
    set_fails("policy.b c.day=1", "--set",
              "a policy name may only hold letters, digits, '_' and '-' (not 'b c')");
}

/* ---- cross-field rules -------------------------------------------------------------- */

static void test_cross_field(void **state)
{
    (void)state;
    const char *f = DATA "contradiction.ini";
    scn_scenario s;
    sim_error err;
    sim_error_clear(&err);
    scn_init_default(&s);
    assert_int_equal(scn_load(&s, f, &err), SIM_OK); /* each value is fine */
    assert_int_equal(scn_finish(&s, &err), SIM_EINPUT);
    check_err(&err, f, line_of(f, "hh_min ="), "city.hh_min", "city.hh_min <= city.hh_max");
    scn_free(&s);

    /* from --set: no file, and the message says where the value came from */
    scn_init_default(&s);
    set_ok(&s, "city.subdistricts=200");
    assert_int_equal(scn_finish(&s, &err), SIM_EINPUT);
    check_err(&err, "", 0, "city.subdistricts", "(city.subdistricts given with --set)");
    scn_free(&s);

    /* at defaults: no place to point to */
    scn_init_default(&s);
    set_ok(&s, "city.compounds=2");
    assert_int_equal(scn_finish(&s, &err), SIM_EINPUT);
    check_err(&err, "", 0, "city.subdistricts", "each sub-district needs a compound");
    scn_free(&s);
}

/* A policy that would create a contradiction mid-run is refused, located at
 * the policy's value.  Generic: look for a policy parameter whose bound, on
 * top of the defaults, breaks a cross-field rule.  Today's only policy
 * parameter (pmc.subsidy_old) takes part in no rule, so this skips until one
 * does; the passing side is in test_set_policy and test_finish_sorts. */
static void test_cross_field_after_policy(void **state)
{
    (void)state;
    for (int i = 0; i < sim_param_count; i++) {
        const sim_param_desc *d = &sim_param_table[i];
        if (!(d->flags & SIM_PF_MUTABLE) || (d->flags & SIM_PF_UNIMPL))
            continue;
        const double ends[] = {d->lo, d->hi};
        for (int k = 0; k < 2; k++) {
            sim_params p;
            sim_error e2;
            sim_params_default(&p);
            sim_param_put(&p, i, ends[k]);
            sim_error_clear(&e2);
            if (mdl_params_check(&p, &e2) == SIM_OK)
                continue;
            char val[48], as[200];
            snprintf(as, sizeof as, "policy.t.%s=%s", d->key,
                     sim_param_format_value(i, ends[k], val, sizeof val));
            scn_scenario s;
            sim_error err;
            sim_error_clear(&err);
            scn_init_default(&s);
            set_ok(&s, "policy.t.day=1");
            set_ok(&s, as);
            assert_int_equal(scn_finish(&s, &err), SIM_EINPUT);
            check_err(&err, "", 0, e2.key,
                      "from day 1, with policy 't', the parameters "
                      "contradict each other: ");
            assert_non_null(strstr(err.msg, e2.msg));
            assert_non_null(strstr(err.msg, "(given with --set)"));
            scn_free(&s);
            return;
        }
    }
    skip(); /* no policy parameter takes part in a cross-field rule today */
}

/* ---- resolved INI and UNIMPL ---------------------------------------------------------- */

static void assert_same_scenario(const scn_scenario *a, const scn_scenario *b)
{
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->description, b->description);
    for (int i = 0; i < sim_param_count; i++)
        if (sim_param_get(&a->params, i) != sim_param_get(&b->params, i))
            fail_msg("%s differs", sim_param_table[i].key);
    assert_int_equal(a->nchanges, b->nchanges);
    for (int k = 0; k < a->nchanges; k++) {
        const scn_change *x = &a->changes[k], *y = &b->changes[k];
        assert_string_equal(x->policy, y->policy);
        assert_int_equal(x->day, y->day);
        assert_int_equal(x->param, y->param);
        assert_true(x->value == y->value);
        assert_int_equal(x->order, y->order);
    }
}

static void test_resolved_roundtrip(void **state)
{
    (void)state;
    scn_scenario a, b;
    sim_error err;
    sim_error_clear(&err);
    scn_init_default(&a);
    assert_int_equal(scn_load(&a, DATA "chain_top.ini", &err), SIM_OK);
    /* values that need all 17 digits, and policies on the same and other days */
    set_ok(&a, "household.complain_rate=0.1");
    set_ok(&a, "city.old_share=0.3333333333333333");
    set_ok(&a, "pmc.defect_rate=1e-300");
    set_ok(&a, "household.patience=2.385");
    set_ok(&a, "run.seed=9007199254740992");
    set_ok(&a, "policy.z-first.day=5");
    set_ok(&a, "policy.z-first.pmc.subsidy_old=0.1");
    set_ok(&a, "policy.a_last.day=400");
    set_ok(&a, "policy.a_last.pmc.subsidy_old=1234.5678");
    snprintf(a.description, sizeof a.description, "round trip");
    assert_int_equal(scn_finish(&a, &err), SIM_OK);
    assert_int_equal(a.nchanges, 3);

    char *ini = scn_resolved_ini(&a);
    assert_non_null(ini);
    assert_non_null(strstr(ini, "name = chain_top\ndescription = round trip\n"));
    assert_non_null(strstr(ini, "[policy.z-first]\nday = 5\npmc.subsidy_old = 0.1\n"));
    assert_null(strstr(ini, "extends"));
    /* policies in day order */
    assert_true(strstr(ini, "[policy.z-first]") < strstr(ini, "[policy.subsidy]"));
    assert_true(strstr(ini, "[policy.subsidy]") < strstr(ini, "[policy.a_last]"));
    const char *p = write_tmp("resolved.ini", ini);

    load_ok(&b, p);
    assert_same_scenario(&a, &b);
    char *ini2 = scn_resolved_ini(&b);
    assert_non_null(ini2);
    assert_string_equal(ini, ini2); /* a fixed point */
    free(ini);
    free(ini2);
    scn_free(&a);
    scn_free(&b);
}

static void test_unimpl_param(void **state)
{
    (void)state;
    int found = -1;
    for (int i = 0; i < sim_param_count && found < 0; i++)
        if ((sim_param_table[i].flags & SIM_PF_UNIMPL) && !sim_gap_find(sim_param_table[i].key))
            found = i; /* the declared gaps have their own message: test_gaps_refused */
    if (found < 0)
        skip(); /* no parameter of params.def but the gaps is flagged SIM_PF_UNIMPL today */
    const sim_param_desc *d = &sim_param_table[found];
    double other = d->def != d->hi ? d->hi : d->lo;
    char val[48], def[48], as[200];
    sim_param_format_value(found, other, val, sizeof val);
    sim_param_format_value(found, d->def, def, sizeof def);

    scn_scenario s;
    scn_init_default(&s);
    snprintf(as, sizeof as, "%s=%s", d->key, def);
    set_ok(&s, as); /* the default is accepted */
    scn_free(&s);

    char msg[200];
    snprintf(msg, sizeof msg, "only the default %s is accepted", def);
    snprintf(as, sizeof as, "%s=%s", d->key, val);
    set_fails(as, d->key, "the mechanism for this parameter is not built yet");
    set_fails(as, d->key, msg);

    char text[300];
    snprintf(text, sizeof text, "[%s]\n%s = %s\n", d->section, d->name, val);
    const char *p = write_tmp("unimpl.ini", text);
    sim_error err;
    load_fails(p, &err);
    check_err(&err, p, 2, d->key, msg);
}

/* Every declared gap (models/params/gaps.def) is a gap.NAME parameter that
 * refuses to run with "not modelled: <what> (<why>)", from --set and from a
 * scenario file (file:line:key), and is a row of the coverage table of
 * docs/ODD.md section 8. */
static void test_gaps_refused(void **state)
{
    (void)state;
    assert_true(sim_gap_count >= 7);
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/ODD.md", TROIKA_SOURCE_DIR);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char odd[1 << 20];
    size_t n = fread(odd, 1, sizeof odd - 1, f);
    fclose(f);
    odd[n] = '\0';
    const char *s8 = strstr(odd, "\n## 8.");
    const char *s9 = strstr(odd, "\n## 9.");
    assert_non_null(s8);
    assert_non_null(s9);
    for (int g = 0; g < sim_gap_count; g++) {
        const sim_gap_desc *gap = &sim_gap_table[g];
        int i = param_index(gap->key);
        const sim_param_desc *d = &sim_param_table[i];
        assert_true(d->type == SIM_P_BOOL && d->def == 0.0 && (d->flags & SIM_PF_UNIMPL));
        char msg[1024], as[200], text[300], cell[200];
        snprintf(msg, sizeof msg, "not modelled: %s (%s)", gap->what, gap->why);
        scn_scenario s;
        scn_init_default(&s);
        snprintf(as, sizeof as, "%s=false", gap->key);
        set_ok(&s, as); /* asking for nothing is fine */
        scn_free(&s);
        snprintf(as, sizeof as, "%s=true", gap->key);
        set_fails(as, gap->key, msg);
        snprintf(text, sizeof text, "[gap]\n%s = true\n", gap->name);
        const char *p = write_tmp("gap.ini", text);
        sim_error err;
        load_fails(p, &err);
        check_err(&err, p, 2, gap->key, msg);
        /* its row in the one coverage table of ODD section 8 */
        snprintf(cell, sizeof cell, "`%s`", gap->key);
        const char *row = strstr(s8, cell);
        if (!row || row > s9)
            fail_msg("%s has no row in docs/ODD.md section 8", gap->key);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_free_zeroed),
        cmocka_unit_test(test_load_valid),
        cmocka_unit_test(test_name_from_stem),
        cmocka_unit_test(test_extends_chain3),
        cmocka_unit_test(test_extends_list2),
        cmocka_unit_test(test_extends_relative_to_folder),
        cmocka_unit_test(test_extends_cycle),
        cmocka_unit_test(test_extends_self),
        cmocka_unit_test(test_extends_missing),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_chinese_name),
        cmocka_unit_test(test_unknown_section),
        cmocka_unit_test(test_unknown_key_suggestion),
        cmocka_unit_test(test_unknown_key_no_suggestion),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_earliest_error_first),
        cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_odd_bytes),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_top_level_values),
        cmocka_unit_test(test_policy_fixed_param),
        cmocka_unit_test(test_policy_without_day),
        cmocka_unit_test(test_policy_bad_day),
        cmocka_unit_test(test_policy_bad_value),
        cmocka_unit_test(test_policy_bad_name),
        cmocka_unit_test(test_policy_after_end),
        cmocka_unit_test(test_policy_conflict),
        cmocka_unit_test(test_policy_changes_nothing),
        cmocka_unit_test(test_finish_sorts),
        cmocka_unit_test(test_set_valid),
        cmocka_unit_test(test_set_invalid),
        cmocka_unit_test(test_set_policy),
        cmocka_unit_test(test_set_policy_invalid),
        cmocka_unit_test(test_cross_field),
        cmocka_unit_test(test_cross_field_after_policy),
        cmocka_unit_test(test_resolved_roundtrip),
        cmocka_unit_test(test_unimpl_param),
        cmocka_unit_test(test_gaps_refused),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
