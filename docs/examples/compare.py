#!/usr/bin/env python3
"""A compare file: the summary table and the series of each scenario.

    troika compare scenarios/baseline.ini scenarios/disclosure.ini -o compare.h5
    python3 compare.py compare.h5 compare.png

docs/COMPARE.md describes the file."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import xarray as xr

path = sys.argv[1] if len(sys.argv) > 1 else "compare.h5"
png = sys.argv[2] if len(sys.argv) > 2 else "compare.png"

# /summary: the table on the axes scenario x metric (x replicate)
s = xr.open_dataset(path, group="summary", engine="h5netcdf")
table = s[["mean", "diff", "diff_lo", "diff_hi", "clear"]].to_dataframe()
print(table.round(4).head(12).to_string())

# the series: /scenarios/<s>/city/<metric> on (replicate, day); the axes'
# values live in the root group
root = xr.open_dataset(path, engine="h5netcdf")
fig, ax = plt.subplots(figsize=(7, 3.5))
for i, name in enumerate(s["scenario"].values):
    city = xr.open_dataset(path, group=f"scenarios/{i}/city", engine="h5netcdf")
    series = city["complaints_new"].assign_coords(day=root["day"], replicate=root["replicate"])
    mean = series.mean("replicate")  # mean over replicates, one value per day
    mean.rolling(day=7, min_periods=1).mean().plot(ax=ax, label=str(name))
    print(name, "complaints per day:", round(float(mean.mean()), 3))
ax.legend()
ax.set_title("complaints_new, mean over replicates (7-day mean)", fontsize=9)
fig.tight_layout()
fig.savefig(png, dpi=80)
print("wrote", png)
