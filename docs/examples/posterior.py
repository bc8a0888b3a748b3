#!/usr/bin/env python3
"""A posterior file of `troika calibrate --method abc-smc`: weighted
posterior summaries and the tolerance schedule.

    troika calibrate scenarios/calibration.ini --method abc-smc -o post.h5
    python3 posterior.py post.h5 posterior.png

docs/CALIBRATION.md, "The posterior file"."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

path = sys.argv[1] if len(sys.argv) > 1 else "post.h5"
png = sys.argv[2] if len(sys.argv) > 2 else "posterior.png"

# /particles: theta [particle, parameter], weight [particle] (they sum to 1)
p = xr.open_dataset(path, group="particles", engine="h5netcdf")
prior = xr.open_dataset(path, group="parameters", engine="h5netcdf")
history = xr.open_dataset(path, group="history", engine="h5netcdf")


def weighted_quantile(x, w, q):
    """The q-quantile of x under weights w (the weighted empirical CDF)."""
    o = np.argsort(x)
    c = np.cumsum(w[o])
    return x[o][np.minimum(np.searchsorted(c, q), len(x) - 1)]


w = p["weight"].values
for name in p["parameter"].values:
    x = p["theta"].sel(parameter=name).values
    lo, med, hi = (weighted_quantile(x, w, q) for q in (0.05, 0.5, 0.95))
    print(f"{name}: prior [{float(prior['min'].sel(parameter=name)):.4g}, "
          f"{float(prior['max'].sel(parameter=name)):.4g}] "
          f"posterior median {med:.4g}, 90% interval [{lo:.4g}, {hi:.4g}]")
print("tolerance by generation:", history["tolerance"].values.round(3).tolist())
print("effective sample size:", round(float(1 / (w ** 2).sum()), 1))

names = p["parameter"].values
fig, axes = plt.subplots(1, len(names), figsize=(3.5 * len(names), 3), squeeze=False)
for ax, name in zip(axes[0], names):
    ax.hist(p["theta"].sel(parameter=name).values, weights=w, bins=15)
    ax.set_title(str(name), fontsize=9)
fig.tight_layout()
fig.savefig(png, dpi=80)
print("wrote", png)
