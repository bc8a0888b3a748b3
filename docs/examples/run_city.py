#!/usr/bin/env python3
"""A run file's city series with xarray, pandas and matplotlib.

    troika run --days 365 -o out.h5
    python3 run_city.py out.h5 city.png

The file is netCDF-4 / CF (docs/OUTPUT.md): xarray labels every array and
decodes the day axis to dates with no extra code."""
import sys

import matplotlib

matplotlib.use("Agg")  # write a file; no display needed
import matplotlib.pyplot as plt
import xarray as xr

path = sys.argv[1] if len(sys.argv) > 1 else "out.h5"
png = sys.argv[2] if len(sys.argv) > 2 else "city.png"

# /city: one float64 series per metric on the axis `day` (dates from 2024-01-01)
city = xr.open_dataset(path, group="city", engine="h5netcdf")

# as a pandas table: one row per day, one column per metric
df = city.to_dataframe()
print(df[["complaints_new", "fee_collection_rate", "oc_functioning_share"]].describe().round(3))

# counts add up over a month; shares are averaged
monthly = city["complaints_new"].resample(day="MS").sum()
print("complaints per month:", monthly.values.astype(int).tolist())

# every variable carries its CF units, long_name and the Chinese description
v = city["fee_collection_rate"]
print(v.attrs["long_name"], "|", v.attrs["description_zh"], "| units:", v.attrs["units"])

fig, ax = plt.subplots(figsize=(7, 3.5))
v.plot(ax=ax)  # x axis: calendar dates
ax.set_ylabel(v.attrs.get("unit_text", v.attrs["units"]))
ax.set_title(v.attrs["long_name"], fontsize=9)
fig.tight_layout()
fig.savefig(png, dpi=80)
print("wrote", png)
