#!/usr/bin/env python3
"""tests/sweep/same.py A.h5 B.h5 — two sweep files hold the same results.

Every dataset under /runs, /design and /sweep is compared byte for byte
(values, dtype, shape) and so are their attributes (the dimension scales'
bookkeeping, DIMENSION_LIST and REFERENCE_LIST, holds object references:
compared as the names of the scales attached); the root attributes are
provenance (command line, execution) and are not compared.  Also checks that
the file reads as docs/SWEEPS.md shows.  Exit 0 when identical."""
import sys

import h5py
import numpy as np


def items(f):
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out[name] = obj

    for g in ("runs", "design", "sweep"):
        f[g].visititems(lambda n, o, g=g: visit(g + "/" + n, o))
    return out


def raw(d):
    v = d[()]
    if isinstance(v, bytes):
        return v
    return np.asarray(v).tobytes() if d.dtype.kind != "O" else repr(d.asstr()[()]).encode()


def canon(v):
    """An attribute as comparable bytes (strings as text, not pointers)."""
    if isinstance(v, (str, bytes)):
        return v
    a = np.asarray(v)
    if a.dtype.kind in "OSU":
        return repr([x.decode() if isinstance(x, bytes) else str(x) for x in a.ravel()])
    return a.dtype.str + a.tobytes().hex()


SCALE_ATTRS = ("DIMENSION_LIST", "REFERENCE_LIST")


def scales(d):
    """The axes attached to each dimension of d, by name."""
    return [sorted(s.name for s in d.dims[i].values()) for i in range(len(d.shape))]


def main(a_path, b_path):
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        da, db = items(a), items(b)
        if sorted(da) != sorted(db):
            print("different datasets:", sorted(set(da) ^ set(db)))
            return 1
        for name in sorted(da):
            x, y = da[name], db[name]
            if x.dtype != y.dtype or x.shape != y.shape or raw(x) != raw(y):
                print("dataset differs:", name)
                return 1
            ax = {k: canon(v) for k, v in x.attrs.items() if k not in SCALE_ATTRS}
            ay = {k: canon(v) for k, v in y.attrs.items() if k not in SCALE_ATTRS}
            if ax != ay or scales(x) != scales(y):
                print("attributes differ:", name)
                return 1
        # the reading recipe of docs/SWEEPS.md
        names = a["runs/param_names"].asstr()[:]
        params = a["runs/params"][:]
        assert params.shape == (a["runs/seed"].shape[0], len(names))
        assert a["runs/done"][:].all(), "not every run is done"
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
