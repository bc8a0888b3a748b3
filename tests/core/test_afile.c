/* tests/core/test_afile.c — files written atomically (core/afile.h): the
 * text arrives whole under the requested name, nothing is left beside it,
 * an existing file is refused without force and replaced with it, abort
 * leaves nothing, the path problems name the option, and the temporary
 * files of a dead process (and only those) are removed by the next writer
 * of the same file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "afile.h"
#include "suite.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    return suite_tmpdir(dir, sizeof dir, "afile");
}

static int teardown(void **state)
{
    (void)state;
    return suite_rmdir(dir);
}

/* Entries of the folder other than . and .. */
static int entries(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_write_commit(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/report.html", dir);
    afile_file *f;
    sim_error err;
    assert_int_equal(afile_open(&f, path, 0, "--report", &err), SIM_OK);
    assert_string_equal(afile_path(f), path);
    const char *tmp = afile_temp(f);
    assert_non_null(strstr(tmp, "/.report.html.tmp-"));
    FILE *s = afile_stream(f, &err);
    assert_non_null(s);
    assert_ptr_equal(afile_stream(f, &err), s);
    fputs("<p>one</p>\n", s);
    assert_int_equal(access(path, F_OK), -1); /* not there before the commit */
    assert_int_equal(entries(), 1);           /* only the temporary file */
    assert_int_equal(afile_commit(f, &err), SIM_OK);
    assert_string_equal(slurp(path), "<p>one</p>\n");
    assert_int_equal(entries(), 1);

    /* it exists now: refused without force, naming the option */
    assert_int_equal(afile_open(&f, path, 0, "--report", &err), SIM_EINPUT);
    assert_string_equal(err.key, "--report");
    char msg[600];
    snprintf(msg, sizeof msg, "%s exists; use --force to overwrite", path);
    assert_string_equal(err.msg, msg);
    assert_int_equal(afile_write_all(path, 0, "-o", "x", 1, &err), SIM_EINPUT);
    assert_string_equal(slurp(path), "<p>one</p>\n");
    /* with force: replaced whole */
    assert_int_equal(afile_write_all(path, 1, "-o", "two\n", 4, &err), SIM_OK);
    assert_string_equal(slurp(path), "two\n");
    assert_int_equal(entries(), 1);
}

static void test_abort(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/table.csv", dir);
    afile_file *f;
    sim_error err;
    assert_int_equal(afile_open(&f, path, 0, "-o", &err), SIM_OK);
    fputs("half a table", afile_stream(f, &err));
    afile_abort(f);
    afile_abort(NULL);
    assert_int_equal(entries(), 0);
    assert_int_equal(access(path, F_OK), -1);
}

/* The file appears under the name while being written: refused at the
 * commit too (without force), and the temporary file is removed. */
static void test_appeared_meanwhile(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/late.txt", dir);
    afile_file *f;
    sim_error err;
    assert_int_equal(afile_open(&f, path, 0, "-o", &err), SIM_OK);
    fputs("ours", afile_stream(f, &err));
    FILE *other = fopen(path, "w");
    fputs("theirs", other);
    fclose(other);
    assert_int_equal(afile_commit(f, &err), SIM_EINPUT);
    assert_string_equal(slurp(path), "theirs");
    assert_int_equal(entries(), 1);
}

static void test_path_problems(void **state)
{
    (void)state;
    afile_file *f = NULL;
    sim_error err;
    char path[160], msg[600];
    assert_int_equal(afile_open(&f, dir, 1, "-o", &err), SIM_EINPUT);
    snprintf(msg, sizeof msg, "%s is a directory; give a file name", dir);
    assert_string_equal(err.msg, msg);
    assert_string_equal(err.key, "-o");
    snprintf(path, sizeof path, "%s/missing/out.h5", dir);
    assert_int_equal(afile_open(&f, path, 0, "-o", &err), SIM_EINPUT);
    snprintf(msg, sizeof msg,
             "folder %s/missing does not exist (create it first, or choose another path "
             "than %s)",
             dir, path);
    assert_string_equal(err.msg, msg);
    snprintf(path, sizeof path, "%s/", dir);
    assert_int_equal(afile_open(&f, path, 0, "-o", &err), SIM_EINPUT);
    assert_int_equal(entries(), 0);
}

/* A PID that no process holds: a child that has exited and been reaped. */
static long dead_pid(void)
{
    pid_t c = fork();
    assert_true(c >= 0);
    if (c == 0)
        _exit(0);
    int st;
    assert_int_equal(waitpid(c, &st, 0), c);
    return (long)c;
}

static void touch(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("partial", f);
    fclose(f);
}

static int exists(const char *name)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return lstat(path, &st) == 0;
}

static void test_stale_temps(void **state)
{
    (void)state;
    long dead = dead_pid();
    char stale[96], stale2[96], live[96], mine[96], other[96], odd[96];
    snprintf(stale, sizeof stale, ".t.csv.tmp-%ld-0", dead);
    snprintf(stale2, sizeof stale2, ".t.csv.tmp-%ld-17", dead);
    snprintf(live, sizeof live, ".t.csv.tmp-%ld-0", (long)getppid());
    snprintf(mine, sizeof mine, ".t.csv.tmp-%ld-5", (long)getpid());
    snprintf(other, sizeof other, ".u.csv.tmp-%ld-0", dead);
    snprintf(odd, sizeof odd, ".t.csv.tmp-%ld-0x", dead);
    const char *all[] = {stale, stale2, live, mine, other, odd};
    for (int i = 0; i < 6; i++)
        touch(all[i]);
    assert_int_equal(afile_stale(stale, "t.csv"), 1);
    assert_int_equal(afile_stale(stale, NULL), 1);
    assert_int_equal(afile_stale(stale, "u.csv"), 0);
    assert_int_equal(afile_stale(live, "t.csv"), 0);
    assert_int_equal(afile_stale(mine, "t.csv"), 0);
    assert_int_equal(afile_stale(odd, "t.csv"), 0);
    assert_int_equal(afile_stale("t.csv.tmp-2-0", NULL), 0);

    char path[128];
    snprintf(path, sizeof path, "%s/t.csv", dir);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(afile_write_all(path, 0, "--csv", "a,b\n", 4, &err), SIM_OK);
    assert_false(exists(stale));
    assert_false(exists(stale2));
    assert_true(exists(live));  /* a live process's file is never touched */
    assert_true(exists(mine));  /* ours (another object of this process) */
    assert_true(exists(other)); /* another output's */
    assert_true(exists(odd));   /* not our naming */
    assert_int_equal(entries(), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_appeared_meanwhile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_problems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_temps, setup, teardown),
    };
    return cmocka_run_group_tests_name("afile", tests, NULL, NULL);
}
