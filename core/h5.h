/* core/h5.h — troika's one HDF5 layer: errors, dataset properties with
 * checksums, attributes and the build provenance every file carries.
 *
 * Errors.  HDF5 keeps a stack of error records per thread; h5l_describe()
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
 * netCDF-4 / CF.  Every axis of a file is an HDF5 dimension scale
 * (h5l_axis(), hdf5_hl's H5DS API) attached to every dataset that uses it
 * (h5l_attach()), so that netCDF-C (ncdump), xarray's h5netcdf engine and
 * R read labelled arrays; h5l_cf() writes the CF attributes of a variable
 * (units as UDUNITS, long_name), h5l_time() those of a day axis (units
 * "days since H5L_START_DATE", calendar "standard").  docs/OUTPUT.md,
 * "netCDF-4 and CF".
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
#include "state.h"

/* The innermost message on HDF5's error stack (cleared): the system's own
 * message when the file driver failed, else the description and its minor
 * code.  Shared by every HDF5 reader and writer of troika. */
void h5l_describe(char *buf, size_t n);

/* Raise a located error (err.h) for a failed HDF5 call: SIM_EINPUT when
 * HDF5's error stack holds a checksum mismatch (a damaged input), else
 * SIM_EIO; `where` is the file concerned; the message is the printf-style
 * context, ": " and HDF5's own explanation (h5l_describe, which clears
 * the stack).  src_file, src_line and func locate the call (H5L_CHECK
 * passes the caller's). */
sim_status h5l_fail(sim_error *err, const char *where, const char *src_file, int src_line,
                    const char *func, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* h5l_fail() with the status chosen by the caller: `code` SIM_EIO or
 * SIM_EINPUT (a reader for which any failure means a damaged or foreign
 * file), or SIM_OK for h5l_fail()'s own choice. */
sim_status h5l_fail_as(sim_error *err, sim_status code, const char *where, const char *src_file,
                       int src_line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* The one checking macro of an HDF5 call (negative = failure), in a
 * function with `sim_status s` and one cleanup label `fail:` (the habit of
 * err.h's SIM_CALL): on failure, s = h5l_fail_as(err, code, where, <this
 * line>, context...) and goto fail.  H5L_CHECK lets h5l_fail choose the
 * status; modules keep a short local spelling of either (one line,
 * defined in terms of these), never a checking body of their own. */
#define H5L_CHECK_AS(err, code, where, expr, ...)                                                  \
    do {                                                                                           \
        if ((expr) < 0) {                                                                          \
            s = h5l_fail_as((err), (code), (where), __FILE__, __LINE__, __func__, __VA_ARGS__);    \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)
#define H5L_CHECK(err, where, expr, ...) H5L_CHECK_AS(err, SIM_OK, where, expr, __VA_ARGS__)

/* 1 when HDF5's error stack holds a checksum mismatch (a damaged dataset;
 * the stack is kept); h5l_describe() then says so in plain words, and a
 * reader refuses the file with SIM_EINPUT (exit 2). */
int h5l_damaged(void);

/* The HDF5 file type (little-endian, fixed size) and memory type of a
 * state element type (core/state.h); H5I_INVALID_HID for an unknown one. */
hid_t h5l_file_type(sim_vtype t);
hid_t h5l_mem_type(sim_vtype t);

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
/* A scalar attribute of file type ftype written from *v of memory type
 * mtype (the one writer the others use).  Negative on failure. */
herr_t h5l_attr_scalar(hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *v);

/* Read the block [start[0], +count[0]) x [start[1], +count[1]) of the 2-D
 * dataset d as doubles into buf (count[0] x count[1], row-major): the one
 * hyperslab reader.  Negative on failure, with HDF5's error stack as the
 * failed read left it (h5l_damaged() tells a checksum failure). */
herr_t h5l_read_block(hid_t d, const hsize_t start[2], const hsize_t count[2], double *buf);

/* ---- netCDF-4 / CF conventions ------------------------------------------ */

/* Day 0 of every run as a calendar date: troika has no calendar parameter,
 * so a fixed, documented date (docs/OUTPUT.md, "netCDF-4 and CF"). */
#define H5L_START_DATE "2024-01-01"
#define H5L_DAY_UNITS "days since " H5L_START_DATE

/* The UDUNITS string of one of troika's human units (models/metrics.def,
 * parameter units): counts and shares are "1", "day" stays, money is
 * "yuan"; an empty or unknown unit gives "1". */
const char *h5l_udunits(const char *unit);

/* Make dataset d (1-D) the dimension scale of the axis `dim` (its netCDF
 * dimension name; the dataset should carry the same name).  Negative on
 * failure. */
herr_t h5l_axis(hid_t d, const char *dim);

/* Attach scale to dimension idx of dataset d.  Negative on failure. */
herr_t h5l_attach(hid_t d, hid_t scale, unsigned idx);

/* Open dataset `name` of loc, attach axes[k] to its dimension k for k <
 * rank (an axis < 0 is skipped) and close it.  Negative on failure. */
herr_t h5l_attach_named(hid_t loc, const char *name, int rank, const hid_t *axes);

/* The CF attributes of a variable: long_name, and units = h5l_udunits(unit)
 * with the human unit kept as unit_text when it differs (unit NULL: no
 * units).  Negative on failure. */
herr_t h5l_cf(hid_t d, const char *long_name, const char *unit);

/* The CF attributes of a day axis: units H5L_DAY_UNITS, calendar
 * "standard", axis "T", standard_name "time", and long_name.  Negative on
 * failure. */
herr_t h5l_time(hid_t d, const char *long_name);

#endif
