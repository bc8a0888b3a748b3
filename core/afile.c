/* core/afile.c — see afile.h. */
#include "afile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define AFILE_TMP_TRIES 1000

struct afile_file {
    char *path; /* the requested name */
    char *dir;  /* its folder */
    char *tmp;  /* the temporary file (ours) */
    char key[64];
    int force;
    int fd; /* open on tmp until the stream takes it, else -1 */
    FILE *stream;
    int live; /* its slot in the live table, or -1 */
};

/* ---- the live table: temporary files a signal handler may remove ---------------
 *
 * The one process-wide state of this module, and why: when a signal must end
 * the process at once (sim/cli_util.c, after a second signal or a stop that
 * did not come within its grace), the handler cannot walk heap structures
 * another thread may be changing, nor call free() or printf().  So each open
 * temporary file also sits in a fixed slot, its path copied in, its state an
 * atomic: 0 free, 1 being filled or emptied, 2 ready.  The handler unlinks
 * the ready ones (unlink() is async-signal-safe).  A file that finds no free
 * slot (more than AFILE_LIVE_MAX at once) or whose path is too long is not
 * listed: killed at once, it is left as a stale file, which the next writer
 * of the same name removes (afile_clean). */
#define AFILE_LIVE_MAX 128
#define AFILE_LIVE_PATH 4096

static struct {
    atomic_int state;
    char path[AFILE_LIVE_PATH];
} afile_live[AFILE_LIVE_MAX];

static int live_add(const char *tmp)
{
    size_t n = strlen(tmp);
    if (n >= AFILE_LIVE_PATH)
        return -1;
    for (int i = 0; i < AFILE_LIVE_MAX; i++) {
        int want = 0;
        if (atomic_compare_exchange_strong(&afile_live[i].state, &want, 1)) {
            memcpy(afile_live[i].path, tmp, n + 1);
            atomic_store(&afile_live[i].state, 2);
            return i;
        }
    }
    return -1;
}

static void live_drop(int i)
{
    if (i < 0)
        return;
    atomic_store(&afile_live[i].state, 1);
    afile_live[i].path[0] = '\0';
    atomic_store(&afile_live[i].state, 0);
}

void afile_remove_live(void)
{
    for (int i = 0; i < AFILE_LIVE_MAX; i++)
        if (atomic_load(&afile_live[i].state) == 2)
            (void)unlink(afile_live[i].path);
}

static void afile_release(afile_file *f)
{
    if (!f)
        return;
    live_drop(f->live);
    if (f->stream)
        (void)fclose(f->stream);
    else if (f->fd >= 0)
        (void)close(f->fd);
    free(f->path);
    free(f->dir);
    free(f->tmp);
    free(f);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int afile_stale(const char *name, const char *base)
{
    if (!name || name[0] != '.')
        return 0;
    const char *t = strstr(name + 1, ".tmp-");
    if (!t)
        return 0;
    /* the last ".tmp-" is ours: a base may itself contain ".tmp-" */
    for (const char *u = t; (u = strstr(u + 1, ".tmp-"));)
        t = u;
    if (base && (strlen(base) != (size_t)(t - name - 1) ||
                 strncmp(name + 1, base, (size_t)(t - name - 1)) != 0))
        return 0;
    const char *q = t + 5;
    char *end;
    errno = 0;
    long pid = strtol(q, &end, 10);
    if (end == q || *end != '-' || errno != 0 || pid <= 1 || (long)(pid_t)pid != pid)
        return 0;
    q = end + 1;
    if (*q < '0' || *q > '9')
        return 0;
    for (; *q; q++)
        if (*q < '0' || *q > '9')
            return 0;
    if ((pid_t)pid == getpid())
        return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

void afile_clean(const char *path)
{
    if (!path || !path[0])
        return;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!base[0])
        return;
    char dir[4096];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!afile_stale(e->d_name, base))
            continue;
        char full[8192];
        if (snprintf(full, sizeof full, "%s/%s", dir, e->d_name) >= (int)sizeof full)
            continue;
        struct stat st;
        /* a regular file only, never followed through a link */
        if (lstat(full, &st) == 0 && S_ISREG(st.st_mode))
            (void)unlink(full);
    }
    closedir(d);
}

/* Raise SIM_EINPUT about the path, naming the option. */
#define PATH_FAIL(...) SIM_FAIL(err, SIM_EINPUT, NULL, 0, key, __VA_ARGS__)

static sim_status afile_open_as(afile_file **out, const char *path, int force, const char *key,
                                int clean, sim_error *err);

sim_status afile_open(afile_file **f, const char *path, int force, const char *key, sim_error *err)
{
    return afile_open_as(f, path, force, key, 1, err);
}

sim_status afile_open_kept(afile_file **f, const char *path, int force, const char *key,
                           sim_error *err)
{
    return afile_open_as(f, path, force, key, 0, err);
}

static sim_status afile_open_as(afile_file **out, const char *path, int force, const char *key,
                                int clean, sim_error *err)
{
    *out = NULL;
    if (!path || !path[0])
        return PATH_FAIL("the file name is empty");
    afile_file *f = calloc(1, sizeof *f);
    if (!f)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory opening %s", path);
    f->fd = -1;
    f->live = -1;
    f->force = force != 0;
    snprintf(f->key, sizeof f->key, "%s", key ? key : "");
    sim_status s = SIM_OK;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t plen = slash ? (size_t)(slash - path) + 1 : 0;
    f->path = dup_str(path);
    f->dir = malloc(plen + 2);
    f->tmp = malloc(plen + strlen(base) + 64);
    if (!f->path || !f->dir || !f->tmp) {
        s = SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory opening %s", path);
        goto fail;
    }
    if (!slash)
        snprintf(f->dir, plen + 2, ".");
    else if (plen == 1)
        snprintf(f->dir, plen + 2, "/");
    else
        snprintf(f->dir, plen + 2, "%.*s", (int)(plen - 1), path);

    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            s = PATH_FAIL("%s is a directory; give a file name", path);
            goto fail;
        }
        if (!force) {
            s = PATH_FAIL("%s exists; use --force to overwrite", path);
            goto fail;
        }
        if (!S_ISREG(st.st_mode)) {
            s = PATH_FAIL("%s exists and is not a regular file; refusing to replace it", path);
            goto fail;
        }
    } else if (errno == ENOENT && lstat(path, &st) == 0) {
        s = PATH_FAIL("%s is a symbolic link to a missing file; remove the link or name "
                      "another file",
                      path);
        goto fail;
    } else if (errno != ENOENT && errno != ENOTDIR) {
        s = PATH_FAIL("cannot check %s: %s", path, strerror(errno));
        goto fail;
    }
    if (!base[0]) {
        s = PATH_FAIL("%s names a folder; give a file name", path);
        goto fail;
    }
    if (stat(f->dir, &st) != 0) {
        if (errno == ENOENT)
            s = PATH_FAIL("folder %s does not exist (create it first, or choose another "
                          "path than %s)",
                          f->dir, path);
        else
            s = PATH_FAIL("cannot use folder %s: %s", f->dir, strerror(errno));
        goto fail;
    }
    if (!S_ISDIR(st.st_mode)) {
        s = PATH_FAIL("%s is not a folder (in %s)", f->dir, path);
        goto fail;
    }
    if (access(f->dir, W_OK | X_OK) != 0) {
        s = PATH_FAIL("folder %s is not writable (for %s)", f->dir, path);
        goto fail;
    }
    if (clean)
        afile_clean(path);
    for (unsigned n = 0;; n++) {
        if (n >= AFILE_TMP_TRIES) {
            s = SIM_FAIL(err, SIM_EIO, path, 0, NULL,
                         "cannot find a free temporary name in %s (%u tried)", f->dir, n);
            goto fail;
        }
        snprintf(f->tmp, plen + strlen(base) + 64, "%.*s.%s.tmp-%ld-%u", (int)plen, path, base,
                 (long)getpid(), n);
        f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (f->fd < 0 && errno == EEXIST)
            continue;
        if (f->fd < 0) {
            int e = errno;
            if (e == EACCES || e == EPERM || e == EROFS)
                s = PATH_FAIL("folder %s is not writable: %s", f->dir, strerror(e));
            else
                s = SIM_FAIL(err, SIM_EIO, path, 0, key, "cannot create the temporary file %s: %s",
                             f->tmp, strerror(e));
            free(f->tmp);
            f->tmp = NULL; /* not ours: nothing to remove */
            goto fail;
        }
        break;
    }
    f->live = live_add(f->tmp);
    *out = f;
    return SIM_OK;
fail:
    afile_release(f);
    return s;
}

const char *afile_temp(const afile_file *f)
{
    return f ? f->tmp : NULL;
}

const char *afile_path(const afile_file *f)
{
    return f ? f->path : NULL;
}

FILE *afile_stream(afile_file *f, sim_error *err)
{
    if (f->stream)
        return f->stream;
    if (f->fd < 0) {
        SIM_FAIL(err, SIM_EINTERNAL, f->path, 0, NULL, "no open temporary file");
        return NULL;
    }
    f->stream = fdopen(f->fd, "w");
    if (!f->stream) {
        SIM_FAIL(err, SIM_EIO, f->path, 0, NULL, "cannot write %s: %s", f->tmp, strerror(errno));
        return NULL;
    }
    f->fd = -1; /* the stream owns it now */
    return f->stream;
}

#define SYS_FAIL(what, name)                                                                       \
    SIM_FAIL(err, SIM_EIO, f->path, 0, NULL, "%s %s failed: %s", (what), (name), strerror(errno))

sim_status afile_commit(afile_file *f, sim_error *err)
{
    sim_status s = SIM_OK;
    int renamed = 0, dfd = -1;
    if (f->stream) {
        int bad = fflush(f->stream) != 0 || ferror(f->stream);
        if (bad) {
            s = SYS_FAIL("writing", f->tmp);
            goto fail;
        }
        if (fsync(fileno(f->stream)) != 0) {
            s = SYS_FAIL("fsync of", f->tmp);
            goto fail;
        }
        int rc = fclose(f->stream);
        f->stream = NULL;
        if (rc != 0) {
            s = SYS_FAIL("closing", f->tmp);
            goto fail;
        }
    } else {
        /* written through another descriptor (HDF5): fsync the inode */
        if (f->fd >= 0)
            (void)close(f->fd);
        f->fd = open(f->tmp, O_RDONLY | O_CLOEXEC);
        if (f->fd < 0) {
            s = SYS_FAIL("opening", f->tmp);
            goto fail;
        }
        if (fsync(f->fd) != 0) {
            s = SYS_FAIL("fsync of", f->tmp);
            goto fail;
        }
        int rc = close(f->fd);
        f->fd = -1;
        if (rc != 0) {
            s = SYS_FAIL("closing", f->tmp);
            goto fail;
        }
    }
    struct stat st;
    if (!f->force && lstat(f->path, &st) == 0) {
        s = SIM_FAIL(err, SIM_EINPUT, NULL, 0, f->key,
                     "%s appeared while it was being written; use --force to overwrite", f->path);
        goto fail;
    }
    if (rename(f->tmp, f->path) != 0) {
        s = SYS_FAIL("renaming the temporary file to", f->path);
        goto fail;
    }
    renamed = 1;
    dfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        s = SYS_FAIL("opening the folder", f->dir);
        goto fail;
    }
    if (fsync(dfd) != 0 && errno != EINVAL && errno != ENOTSUP) {
        s = SYS_FAIL("fsync of the folder", f->dir);
        goto fail;
    }
fail:
    if (dfd >= 0)
        (void)close(dfd);
    if (!renamed && f->tmp)
        (void)unlink(f->tmp);
    afile_release(f);
    return s;
}

void afile_abort(afile_file *f)
{
    if (!f)
        return;
    if (f->tmp)
        (void)unlink(f->tmp);
    afile_release(f);
}

sim_status afile_write_all(const char *path, int force, const char *key, const char *text,
                           size_t len, sim_error *err)
{
    afile_file *f = NULL;
    SIM_TRY(err, afile_open(&f, path, force, key, err));
    FILE *fp = afile_stream(f, err);
    if (!fp) {
        afile_abort(f);
        return err->code;
    }
    if (len > 0 && fwrite(text, 1, len, fp) != len) {
        sim_status s = SIM_FAIL(err, SIM_EIO, path, 0, NULL, "writing %s failed: %s", afile_temp(f),
                                strerror(errno));
        afile_abort(f);
        return s;
    }
    SIM_TRY(err, afile_commit(f, err));
    return SIM_OK;
}
