/* sim/main.c — entry point of the troika command (see cli.h).
 *
 * H5dont_atexit(): HDF5 1.10 (Debian 12) leaves a half-destroyed file in its
 * ID table when H5Fclose fails, as it does when the disk fills while the
 * metadata is flushed; its exit handler then closes that file again and
 * crashes (HDF5 bug CVE-2020-10812, fixed in 1.14).  troika commits or
 * removes every file it writes before it exits, so nothing is lost by not
 * running the handler: a full disk ends with its message and exit status, not
 * a segmentation fault.  It must come before any other HDF5 call.
 *
 * SIGXFSZ ignored: beyond a file-size limit (`ulimit -f`) a write then fails
 * with EFBIG, which the writers report and clean up after, instead of the
 * process being killed with its temporary file left behind.
 *
 * mallopt(): glibc serves blocks above 128 KiB by mmap and gives them back
 * on free, so every such block costs fresh zeroed pages and their page
 * faults.  HDF5 allocates and frees megabyte buffers for each dataset it
 * writes (and the runner its outputs once): keeping freed memory in the
 * heap made writing a district's file 40% faster (0.078 -> 0.045 s).  The
 * price is that a process keeps up to 64 MiB it has freed, until it exits.
 */
#include <malloc.h>
#include <signal.h>

#include <hdf5.h>

#include "cli.h"

int main(int argc, char **argv)
{
    (void)H5dont_atexit();
    (void)signal(SIGXFSZ, SIG_IGN);
    (void)mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024); /* glibc's largest */
    (void)mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    return cli_main(argc, argv);
}
