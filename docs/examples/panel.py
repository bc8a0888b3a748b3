#!/usr/bin/env python3
"""The per-compound panel of a run file joined to the compounds' attributes.

    troika run --days 365 -o out.h5
    python3 panel.py out.h5 panel.csv

Gives a long table, one row per (day, compound), with the compound's
sub-district, type (old / commodity housing) and households next to its
panel metrics, then compares old and new compounds."""
import sys

import xarray as xr

path = sys.argv[1] if len(sys.argv) > 1 else "out.h5"
out = sys.argv[2] if len(sys.argv) > 2 else "panel.csv"

# /compounds/panel: float32 [day, compound], sampled every run.panel_interval days
panel = xr.open_dataset(path, group="compounds/panel", engine="h5netcdf")
# /compounds: one row per compound; subdistrict and old are its coordinates
comp = xr.open_dataset(path, group="compounds", engine="h5netcdf")

long = panel.to_dataframe().reset_index()  # columns day, compound, <metrics>
attrs = comp.reset_coords()[["subdistrict", "old", "households", "firm"]].to_dataframe()
long = long.join(attrs, on="compound")  # the join: compound -> its attributes
print(long.head())

# complaints per 100 households over the whole panel, old vs new compounds
# (a count in the panel is summed over the days since the previous row)
per = long.groupby("compound").agg(complaints=("complaints", "sum"),
                                   households=("households", "first"), old=("old", "first"))
by_type = per.groupby("old")[["complaints", "households"]].sum()
by_type["per_100_households"] = 100 * by_type["complaints"] / by_type["households"]
print(by_type.rename(index={0: "new", 1: "old"}).round(2))

long.to_csv(out, index=False)
print("wrote", out, len(long), "rows")
