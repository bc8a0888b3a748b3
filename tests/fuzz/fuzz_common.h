/* tests/fuzz/fuzz_common.h — what the HDF5 fuzz targets share.
 *
 * fuzz_h5_probe(path): 1 when libhdf5 itself can read the whole file, run
 * as a separate program (tests/fuzz/h5probe.c, path H5PROBE given by CMake)
 * with its output thrown away: an input libhdf5 cannot survive is rejected
 * before troika's readers see it (docs/reliability-tools.md).
 */
#ifndef TROIKA_TESTS_FUZZ_COMMON_H
#define TROIKA_TESTS_FUZZ_COMMON_H

int fuzz_h5_probe(const char *path);

#endif
