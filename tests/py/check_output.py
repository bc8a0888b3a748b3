#!/usr/bin/env python3
"""Check a troika HDF5 result file the way an outside reader sees it.

    /usr/bin/python3 tests/py/check_output.py FILE.h5

Opens FILE.h5 with h5py and checks the schema of docs/OUTPUT.md: the root
provenance attributes; /parameters (one attribute per key and the table
columns); every /city dataset has units, description, description_zh and
kind, is as long as /city/day and holds finite values; the /compounds columns
have one value per compound; every panel is [len(panel/day), ncomp], finite,
with dims = "day,compound"; /subdistricts has id, compounds (summing to ncomp)
and households (summing to /compounds/households), and every sub-district
panel is [nsamples, nsub], finite, with dims = "day,subdistrict", on the same
days as the compound panel, and named by a /city metric.  Then, if pandas is importable, builds DataFrames
from /city and /parameters (skipped otherwise).

Exit 0 and print one summary line on success; exit 1 with a message naming
the first problem otherwise (2 for a usage error).
"""
import sys

try:
    import h5py
    import numpy as np
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"check_output: cannot import h5py/numpy: {e}", file=sys.stderr)
    sys.exit(1)

SCHEMA_VERSION = 2
ROOT_STR = ["troika_version", "git_commit", "scenario", "parameters",
            "scenario_sources", "rng", "gsl_version", "hdf5_version",
            "compiler", "compiler_flags", "build_type", "command_line"]
ROOT_INT = ["schema_version", "seed", "days", "threads"]
PARAM_COLUMNS = ["key", "value", "type", "unit", "kind", "description",
                 "description_zh"]
COMPOUND_COLUMNS = ["id", "subdistrict", "residents_committee", "firm", "old",
                    "households"]
DOC_ATTRS = ["units", "long_name", "description", "description_zh", "kind"]


class Bad(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise Bad(msg)


def text(v):
    """An attribute value as str (h5py gives str for variable-length)."""
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray) and v.shape == ():
        return text(v[()])
    return v


def str_attr(obj, name):
    need(name in obj.attrs, f"{obj.name}: attribute {name} is missing")
    v = text(obj.attrs[name])
    need(isinstance(v, str), f"{obj.name}: attribute {name} is not a string")
    return v


def int_attr(obj, name):
    need(name in obj.attrs, f"{obj.name}: attribute {name} is missing")
    v = obj.attrs[name]
    need(np.issubdtype(np.asarray(v).dtype, np.integer),
         f"{obj.name}: attribute {name} is not an integer")
    return int(v)


def dataset(f, path):
    need(path in f, f"{path} is missing")
    d = f[path]
    need(isinstance(d, h5py.Dataset), f"{path} is not a dataset")
    return d


def finite(d, arr):
    if arr.size and not np.all(np.isfinite(arr)):
        idx = np.argwhere(~np.isfinite(arr))[0]
        raise Bad(f"{d.name} holds a non-finite value at {tuple(int(i) for i in idx)}")


def check_root(f):
    for a in ROOT_STR:
        str_attr(f, a)
    for a in ROOT_INT:
        int_attr(f, a)
    sv = int_attr(f, "schema_version")
    need(sv == SCHEMA_VERSION, f"schema_version is {sv}, this checker knows {SCHEMA_VERSION}")
    need(int_attr(f, "days") >= 0, "days is negative")


def check_parameters(f):
    need("parameters" in f, "/parameters is missing")
    g = f["parameters"]
    cols = {}
    n = None
    for c in PARAM_COLUMNS:
        d = dataset(f, f"/parameters/{c}")
        need(d.ndim == 1, f"{d.name} is not 1-D")
        need(h5py.check_string_dtype(d.dtype) is not None, f"{d.name} is not a string column")
        n = d.shape[0] if n is None else n
        need(d.shape[0] == n, f"{d.name} has {d.shape[0]} rows, /parameters/key has {n}")
        cols[c] = list(d.asstr()[()])
    need(n and n > 0, "/parameters is empty")
    for k in cols["key"]:
        need(k in g.attrs, f"/parameters: no attribute for parameter {k}")
        need(np.isfinite(float(g.attrs[k])), f"/parameters: {k} is not finite")
    need(set(cols["kind"]) <= {"fixed", "policy", "not built"},
         f"/parameters/kind has unknown values {sorted(set(cols['kind']))}")
    return cols


def check_city(f):
    need("city" in f, "/city is missing")
    g = f["city"]
    day = dataset(f, "/city/day")[()]
    need(day.ndim == 1, "/city/day is not 1-D")
    need(np.array_equal(day, np.arange(len(day))), "/city/day is not 0, 1, ..., days-1")
    days = int_attr(f, "days")
    need(len(day) == days, f"/city/day has {len(day)} days, the days attribute says {days}")
    need(str_attr(g["day"], "units").startswith("days since "),
         "/city/day: units is not 'days since <date>' (CF)")
    need(str_attr(g["day"], "calendar") == "standard", "/city/day: calendar is not standard")
    str_attr(g["day"], "description")
    metrics = []
    for name, d in g.items():
        if name == "day":
            continue
        need(isinstance(d, h5py.Dataset), f"{d.name} is not a dataset")
        for a in DOC_ATTRS:
            str_attr(d, a)
        need(str_attr(d, "kind") in ("count", "ratio"), f"{d.name}: kind is not count or ratio")
        need(d.shape == day.shape, f"{d.name} has shape {d.shape}, /city/day has {day.shape}")
        need(d.dtype == np.float64, f"{d.name} is {d.dtype}, not float64")
        finite(d, d[()])
        metrics.append(name)
    need(metrics, "/city has no metric")
    return metrics, len(day)


def check_compounds(f, days):
    need("compounds" in f, "/compounds is missing")
    ncomp = None
    for c in COMPOUND_COLUMNS:
        d = dataset(f, f"/compounds/{c}")
        need(d.ndim == 1, f"{d.name} is not 1-D")
        ncomp = d.shape[0] if ncomp is None else ncomp
        need(d.shape[0] == ncomp, f"{d.name} has {d.shape[0]} rows, /compounds/id has {ncomp}")
        str_attr(d, "units")
        str_attr(d, "description")
    ids = f["/compounds/id"][()]
    need(np.array_equal(ids, np.arange(ncomp)), "/compounds/id is not 0, 1, ..., ncomp-1")
    need(np.all(f["/compounds/households"][()] >= 0), "/compounds/households is negative")
    need(set(np.unique(f["/compounds/old"][()])) <= {0, 1}, "/compounds/old is not 0/1")

    pday = dataset(f, "/compounds/panel/day")[()]
    need(pday.ndim == 1, "/compounds/panel/day is not 1-D")
    need(np.all(np.diff(pday) > 0), "/compounds/panel/day does not increase")
    need(pday.size == 0 or (pday[0] >= 0 and pday[-1] < days),
         "/compounds/panel/day lies outside the run")
    panels = []
    for name, d in f["/compounds/panel"].items():
        if name == "day":
            continue
        need(isinstance(d, h5py.Dataset), f"{d.name} is not a dataset")
        for a in DOC_ATTRS:
            str_attr(d, a)
        need(str_attr(d, "dims") == "day,compound", f"{d.name}: dims is not 'day,compound'")
        need(d.shape == (len(pday), ncomp),
             f"{d.name} has shape {d.shape}, expected ({len(pday)}, {ncomp})")
        finite(d, d[()])
        panels.append(name)
    need(panels, "/compounds/panel has no panel")
    return ncomp, len(pday), panels


def check_subdistricts(f, ncomp, city_metrics):
    need("subdistricts" in f, "/subdistricts is missing")
    ids = dataset(f, "/subdistricts/id")[()]
    nsub = len(ids)
    need(np.array_equal(ids, np.arange(nsub)), "/subdistricts/id is not 0, 1, ..., nsub-1")
    for c in ("compounds", "households"):
        d = dataset(f, f"/subdistricts/{c}")
        need(d.shape == (nsub,), f"{d.name} has shape {d.shape}, expected ({nsub},)")
        str_attr(d, "units")
        str_attr(d, "description")
    need(int(f["/subdistricts/compounds"][()].sum()) == ncomp,
         "/subdistricts/compounds does not sum to the number of compounds")
    need(int(f["/subdistricts/households"][()].sum())
         == int(f["/compounds/households"][()].sum()),
         "/subdistricts/households does not sum to /compounds/households")
    need(np.array_equal(np.bincount(f["/compounds/subdistrict"][()], minlength=nsub),
                        f["/subdistricts/compounds"][()]),
         "/subdistricts/compounds disagrees with /compounds/subdistrict")
    pday = dataset(f, "/subdistricts/panel/day")[()]
    need(np.array_equal(pday, f["/compounds/panel/day"][()]),
         "/subdistricts/panel/day differs from /compounds/panel/day")
    panels = []
    for name, d in f["/subdistricts/panel"].items():
        if name == "day":
            continue
        need(isinstance(d, h5py.Dataset), f"{d.name} is not a dataset")
        need(name in city_metrics, f"{d.name} is not named by a /city metric")
        for a in DOC_ATTRS:
            str_attr(d, a)
        need(str_attr(d, "dims") == "day,subdistrict", f"{d.name}: dims is not 'day,subdistrict'")
        need(str_attr(d, "source") in ("compounds", "subdistrict"),
             f"{d.name}: source is not compounds or subdistrict")
        need(d.shape == (len(pday), nsub),
             f"{d.name} has shape {d.shape}, expected ({len(pday)}, {nsub})")
        need(d.dtype == np.float32, f"{d.name} is {d.dtype}, not float32")
        finite(d, d[()])
        panels.append(name)
    need(panels, "/subdistricts/panel has no panel")
    return nsub, panels


def check_pandas(f, params):
    try:
        import pandas as pd
    except ImportError:
        return "pandas not installed: DataFrame check skipped"
    g = f["city"]
    city = pd.DataFrame({k: d[()] for k, d in g.items()}).set_index("day")
    need(city.shape[0] == len(g["day"]), "pandas: /city DataFrame has the wrong length")
    need(not city.isna().any().any(), "pandas: /city DataFrame has missing values")
    table = pd.DataFrame(params)
    need(list(table.columns) == PARAM_COLUMNS, "pandas: /parameters table columns")
    return f"pandas: /city DataFrame {city.shape[0]}x{city.shape[1]}"


def main(argv):
    if len(argv) != 2:
        print("usage: check_output.py FILE.h5", file=sys.stderr)
        return 2
    path = argv[1]
    try:
        with h5py.File(path, "r") as f:
            check_root(f)
            params = check_parameters(f)
            metrics, days = check_city(f)
            ncomp, nsamples, panels = check_compounds(f, days)
            nsub, subpanels = check_subdistricts(f, ncomp, metrics)
            note = check_pandas(f, params)
    except Bad as e:
        print(f"check_output: {path}: {e}", file=sys.stderr)
        return 1
    except (OSError, KeyError, ValueError, TypeError) as e:
        print(f"check_output: {path}: cannot read: {e}", file=sys.stderr)
        return 1
    print(f"ok: {path}: {days} days x {len(metrics)} city metrics, "
          f"{ncomp} compounds, panel {nsamples} rows x {len(panels)} metrics, "
          f"{nsub} sub-districts x {len(subpanels)} metrics, "
          f"{len(params['key'])} parameters; {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
