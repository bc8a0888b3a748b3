/* tests/fuzz/fuzz_common.h — what the HDF5 fuzz targets share.
 *
 * fuzz_h5_probe(path): 1 when libhdf5 itself can read the whole file, run
 * as a separate program (tests/fuzz/h5probe.c, path H5PROBE given by CMake)
 * with its output thrown away: an input libhdf5 cannot survive is rejected
 * before troika's readers see it (docs/reliability-tools.md).
 *
 * fuzz_init(), fuzz_die(), fuzz_path(): the start-up and the failure every
 * target shares.
 */
#ifndef TROIKA_TESTS_FUZZ_COMMON_H
#define TROIKA_TESTS_FUZZ_COMMON_H

#include <stddef.h>

int fuzz_h5_probe(const char *path);

/* What every target's LLVMFuzzerInitialize does first: a private folder
 * TMPDIR/troika-fuzz-NAME-XXXXXX, removed at exit (returned); no HDF5 file
 * locks (nothing else opens these files), HDF5's error printing off, and
 * HDF5 allowed to keep freed blocks for reuse (speed only: its 1 MiB
 * type-conversion buffer, allocated for every string read, is over the
 * default per-list limit of 64 KiB, and under ASan each fresh allocation of
 * it costs an mmap and 256 page faults).  `name` also prefixes fuzz_die(). */
const char *fuzz_init(const char *name);

/* "fuzz_NAME: what: detail" on stderr, then abort(): a broken promise. */
void fuzz_die(const char *what, const char *detail);

/* FOLDER/file into buf (n bytes); dies when it does not fit. */
void fuzz_path(char *buf, size_t n, const char *file);

#endif
