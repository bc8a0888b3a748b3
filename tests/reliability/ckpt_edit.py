#!/usr/bin/python3
"""tests/reliability/ckpt_edit.py — edit one value of a troika checkpoint in place.

    ckpt_edit.py FILE DATASET INDEX VALUE     set element INDEX (-1: the
                                              longest queue's first element)
    ckpt_edit.py FILE --param KEY VALUE       set a lever in /run/params
    ckpt_edit.py FILE --attr NAME VALUE       set a root attribute (an integer)
    ckpt_edit.py FILE --list                  print the state datasets and
                                              attributes, one a line

DATASET is under /state unless it starts with '/'.  It may name a queue as 'enf.q*.origin': the sub-district queue with the
most waiting jobs.  VALUE is a Python literal ('nan', 'inf', '-1e308', ...),
cast to the dataset's type (integers saturate at the type's limits).
"""
import sys

import h5py
import numpy as np


def cast(value, dtype):
    v = float(value)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        if v != v:
            v = 0
        return dtype.type(max(info.min, min(info.max, int(v) if abs(v) < 2**63 else
                                              (info.max if v > 0 else info.min))))
    return dtype.type(v)


def resolve(f, name):
    if name.startswith("/"):
        return name
    if "*" not in name:
        return "state/" + name
    pre, post = name.split("*")
    best, most = None, -1
    for k in f["state"]:
        if k.startswith(pre) and k.endswith(post) and len(f["state"][k].shape) > 0:
            if f["state"][k].shape[0] > most:
                best, most = k, f["state"][k].shape[0]
    return "state/" + best


def main(argv):
    path = argv[1]
    with h5py.File(path, "r+") as f:
        if argv[2] == "--list":
            for k in sorted(f["state"]):
                print(k, f["state"][k].shape[0] if f["state"][k].shape else 1)
            return 0
        if argv[2] == "--attr":
            f.attrs.modify(argv[3], cast(argv[4], np.asarray(f.attrs[argv[3]]).dtype))
            return 0
        if argv[2] == "--param":
            keys = f.attrs["parameter_keys"]
            keys = (keys.decode() if isinstance(keys, bytes) else str(keys)).split("\n")
            p = f["run/params"]
            a = p[()]
            a[keys.index(argv[3])] = float(argv[4])
            p[...] = a
            return 0
        d = f[resolve(f, argv[2])]
        a = np.array(d[()])
        i = int(argv[3])
        if a.ndim == 0:
            a = cast(argv[4], d.dtype)
        else:
            a.reshape(-1)[max(i, 0)] = cast(argv[4], d.dtype)
        d[...] = a
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
