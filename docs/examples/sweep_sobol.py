#!/usr/bin/env python3
"""A Saltelli sweep analysed as SALib does: troika's design and results as
SALib's arrays, then first-order and total Sobol indices.

    troika sweep sobol.ini -o sweep.h5                         # design = saltelli
    troika sweep sobol.ini --export-design -o design.csv      # the rows in SALib's order
    python3 sweep_sobol.py sweep.h5 design.csv [METRIC]

With SALib installed (pip install SALib; Debian 12 has no package) the
indices come from SALib.analyze.sobol.  Without it the script computes them
from the same arrays with the estimators sobol.analyze uses (first order:
Saltelli 2010; total: Jansen 1999), and says so.  docs/SWEEPS.md, "Designs
in and out"."""
import sys

import numpy as np
import pandas as pd
import xarray as xr

sweep = sys.argv[1] if len(sys.argv) > 1 else "sweep.h5"
design_csv = sys.argv[2] if len(sys.argv) > 2 else "design.csv"
metric = sys.argv[3] if len(sys.argv) > 3 else "fee_collection_rate"

# the design as SALib wants it: per base row A, AB_1 ... AB_k, B; the column
# `point` maps each row to troika's design point
d = pd.read_csv(design_csv, comment="#")
names = list(d.columns[1:])
X = d[names].to_numpy()  # = SALib.sample.saltelli.sample(problem, N, calc_second_order=False)

design = xr.open_dataset(sweep, group="design", engine="h5netcdf")  # axes point, factor
runs = xr.open_dataset(sweep, group="runs", engine="h5netcdf")  # axes run, day, parameter
assert np.allclose(X, design["values"].sel(factor=names).values[d["point"]]), "another sweep"
problem = {"num_vars": len(names), "names": names,
           "bounds": [[float(design["lo"].sel(factor=n)), float(design["hi"].sel(factor=n))]
                      for n in names]}

# one output per run (the metric's mean over the second half of the run),
# then per design point (mean over its replicates), then in SALib's row order
half = runs.sizes["day"] // 2
y_run = runs[metric].isel(day=slice(half, None)).mean("day")
y_point = y_run.groupby("point").mean()  # `point` is a coordinate of every series
Y = y_point.values[d["point"].to_numpy()]

try:
    from SALib.analyze import sobol

    Si = sobol.analyze(problem, Y, calc_second_order=False)
    S1, ST, how = Si["S1"], Si["ST"], "SALib.analyze.sobol"
except ImportError:
    k = len(names)
    Z = (Y - Y.mean()) / Y.std()  # sobol.analyze standardises Y first
    Z = Z.reshape(-1, k + 2)  # one row per base sample: A, AB_1 ... AB_k, B
    A, AB, B = Z[:, 0], Z[:, 1:-1], Z[:, -1]
    var = np.var(np.r_[A, B])
    S1 = np.mean(B[:, None] * (AB - A[:, None]), axis=0) / var  # Saltelli 2010
    ST = 0.5 * np.mean((A[:, None] - AB) ** 2, axis=0) / var  # Jansen 1999
    how = "computed here (SALib is not installed), as SALib.analyze.sobol does"

print(f"Sobol indices of {metric} (mean over days {half}-{runs.sizes['day'] - 1}), {how}:")
print(pd.DataFrame({"S1": S1, "ST": ST}, index=names).round(4))
