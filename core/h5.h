/* core/h5.h — troika's one HDF5 layer: errors, dataset properties with
 * checksums, attributes and the build provenance every file carries.
 *
 * Errors.  HDF5 keeps a stack of error records per thread; out_h5_describe()
 * walks it upward and returns the innermost message (the file driver's
 * system message when there is one), then clears the stack.  Callers check
 * every HDF5 call with their one checking macro and raise a located error
 * (err.h) carrying that message.
 *
 * Checksums.  Every dataset troika writes carries HDF5's Fletcher-32 filter
 * (docs/OUTPUT.md, "Checksums"): h5l_dcpl() makes the creation properties
 * of a dataset of a given shape (chunked as the filter requires, object
 * times off so that identical inputs give identical bytes); a caller that
 * chunks itself compresses with h5l_compress() (which adds the checksum
 * last) or adds h5l_checksum().  Scalars, datasets with no element and
 * texts stay contiguous (HDF5 cannot filter them; the names and texts are
 * checked by the readers' validation).  HDF5
 * verifies the sum on every read and fails the read on a mismatch;
 * h5l_damaged() tells the readers' failure functions so, which then refuse
 * the file (SIM_EINPUT, exit 2) in one line naming the file and the
 * dataset: a damaged value is never used.
 *
 * Provenance.  h5l_provenance() writes the root attributes that run,
 * checkpoint, sweep and compare files share, under one set of names
 * (documented once, in docs/OUTPUT.md).
 *
 * No state of its own; thread-safe as far as the HDF5 library is (troika
 * serialises its HDF5 calls).
 */
#ifndef TROIKA_CORE_H5_H
#define TROIKA_CORE_H5_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "err.h"

/* The innermost message on HDF5's error stack (cleared): the system's own
 * message when the file driver failed, else the description and its minor
 * code.  Shared by every HDF5 reader and writer of troika. */
void out_h5_describe(char *buf, size_t n);

/* 1 when HDF5's error stack holds a checksum mismatch (a damaged dataset;
 * the stack is kept); out_h5_describe() then says so in plain words, and a
 * reader refuses the file with SIM_EINPUT (exit 2). */
int h5l_damaged(void);

/* Dataset creation properties for a dataset of dataspace `space` and file
 * type `ftype`: object times off; for a non-empty numeric dataset of rank
 * >= 1, chunked (whole rows, at most about 1 MiB a chunk) with the
 * Fletcher-32 checksum.  Texts (variable-length strings) stay contiguous:
 * HDF5 filters no variable-length data.  The caller
 * closes it (H5Pclose).  Negative on failure. */
hid_t h5l_dcpl(hid_t space, hid_t ftype);

/* Add the Fletcher-32 checksum to a chunked dcpl (after any compression
 * filter, so that the sum covers the bytes on disk).  Negative on
 * failure. */
herr_t h5l_checksum(hid_t dcpl);

/* On a chunked dcpl: the shuffle and deflate filters at `level` (when this
 * HDF5 can encode them), then the checksum.  Negative on failure. */
herr_t h5l_compress(hid_t dcpl, unsigned level);

/* ---- build provenance --------------------------------------------------- */

/* The random streams, as every file states them. */
#define H5L_RNG "philox4x32-10 (Random123), keyed by seed, purpose, entity, day"

/* Root attributes every file troika writes carries, under one set of names
 * (docs/OUTPUT.md, "Provenance"): file_kind (e.g. "troika-run"),
 * schema_version (the version of that kind's layout), troika_version,
 * git_commit, build_type, compiler, compiler_flags, rng, gsl_version,
 * hdf5_version and, when not NULL, command_line.  Strings are variable-length
 * UTF-8.  Negative on failure (HDF5's error stack says why). */
herr_t h5l_provenance(hid_t loc, const char *kind, int64_t schema_version,
                      const char *command_line);

/* A variable-length UTF-8 string attribute / a 64-bit integer attribute on
 * loc.  Negative on failure. */
herr_t h5l_attr_str(hid_t loc, const char *name, const char *value);
herr_t h5l_attr_i64(hid_t loc, const char *name, int64_t value);

#endif
