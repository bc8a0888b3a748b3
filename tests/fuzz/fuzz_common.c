/* tests/fuzz/fuzz_common.c — see fuzz_common.h. */
#define _XOPEN_SOURCE 700

#include "fuzz_common.h"

#include <fcntl.h>
#include <hdf5.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int fuzz_h5_probe(const char *path)
{
    char *argv[] = {(char *)H5PROBE, (char *)path, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int e = posix_spawn(&pid, H5PROBE, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e != 0) {
        fprintf(stderr, "fuzz: cannot start %s\n", H5PROBE);
        abort();
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static char fuzz_dir[256];
static const char *fuzz_name = "fuzz";

void fuzz_die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_%s: %s%s%s\n", fuzz_name, what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void fuzz_cleanup(void)
{
    char cmd[400];
    if (fuzz_dir[0] && snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir) < (int)sizeof cmd)
        (void)system(cmd);
}

const char *fuzz_init(const char *name)
{
    fuzz_name = name;
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/troika-fuzz-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
             name);
    if (!mkdtemp(fuzz_dir))
        fuzz_die("mkdtemp failed", fuzz_dir);
    atexit(fuzz_cleanup);
    setenv("HDF5_USE_FILE_LOCKING", "FALSE", 1);
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    (void)H5set_free_list_limits(-1, -1, -1, -1, 64 << 20, 16 << 20);
    return fuzz_dir;
}

void fuzz_path(char *buf, size_t n, const char *file)
{
    if (snprintf(buf, n, "%s/%s", fuzz_dir, file) >= (int)n)
        fuzz_die("path too long", file);
}
