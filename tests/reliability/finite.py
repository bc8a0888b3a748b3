#!/usr/bin/python3
"""tests/reliability/finite.py FILE.h5... — every float dataset of each troika
output file holds finite numbers only, and /city covers run.days days.
Prints one line per problem; exit 1 if any."""
import sys

import h5py
import numpy as np

bad = 0
for path in sys.argv[1:]:
    with h5py.File(path, "r") as f:
        checked = []

        def visit(name, obj):
            global bad
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f":
                a = obj[()]
                if not np.all(np.isfinite(a)):
                    bad += 1
                    print(f"{path}: /{name} has {np.size(a) - np.count_nonzero(np.isfinite(a))} non-finite values")
                checked.append(name)

        f.visititems(visit)
        days = int(f.attrs["days"])
        if f["city/day"].shape != (days,):
            bad += 1
            print(f"{path}: /city/day has shape {f['city/day'].shape}, want ({days},)")
        if len(checked) < 10:
            bad += 1
            print(f"{path}: only {len(checked)} float datasets")
sys.exit(1 if bad else 0)
