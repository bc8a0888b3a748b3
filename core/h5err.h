/* core/h5err.h — HDF5's own explanation of a failed call, for the located
 * errors (err.h) of every HDF5 reader and writer.
 *
 * HDF5 keeps a stack of error records per thread; out_h5_describe() walks
 * it upward and returns the innermost message (the file driver's system
 * message when there is one), then clears the stack.
 */
#ifndef TROIKA_CORE_H5ERR_H
#define TROIKA_CORE_H5ERR_H

#include <stddef.h>

/* The innermost message on HDF5's error stack (cleared): the system's own
 * message when the file driver failed, else the description and its minor
 * code.  Shared by every HDF5 reader and writer of troika. */
void out_h5_describe(char *buf, size_t n);

#endif
