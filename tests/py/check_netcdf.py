#!/usr/bin/env python3
"""Open a troika result file as netCDF-4 / CF, the way a researcher would.

    /usr/bin/python3 tests/py/check_netcdf.py run|compare|sweep|posterior FILE.h5

For each group of the file's kind: xr.open_dataset(FILE, group=...,
engine="h5netcdf") must succeed with no phony dimension, give the expected
dimension names and coordinates, decode the day axis to dates from
"days since <start date>" (calendar "standard"), and every data variable must
carry units, long_name and the English and Chinese descriptions.  Then
`ncdump -h FILE` (netCDF-C) must read the file.  docs/OUTPUT.md, "netCDF-4
and CF".

Exit 0 with one summary line; 1 naming the first problem; 2 for a usage
error; 77 (skip) when xarray, h5netcdf or ncdump is missing.
"""
import shutil
import subprocess
import sys

try:
    import numpy as np
    import xarray as xr
    import h5netcdf  # noqa: F401  (the engine)
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"check_netcdf: skipped, cannot import xarray/h5netcdf: {e}", file=sys.stderr)
    sys.exit(77)

START = np.datetime64("2024-01-01")

# kind -> group -> (dimensions, coordinates that must be present, time axis,
# what every data variable carries: "full" = units, long_name, description
# and description_zh; "named" = long_name and description; "" = nothing;
# "series" = "named", and a variable over (run, day) is "full" with the
# auxiliary coordinates point and replicate).  Scalar variables (texts) are
# allowed only where a group lists SCALARS.
LAYOUT = {
    "run": {
        "city": (("day",), ("day",), "day", "full"),
        "compounds": (("compound",), ("compound", "subdistrict", "old"), None, "full"),
        "compounds/panel": (("day", "compound"), ("day",), "day", "full"),
        "subdistricts": (("subdistrict",), ("subdistrict",), None, "full"),
        "subdistricts/panel": (("day", "subdistrict"), ("day",), "day", "full"),
        "parameters": (("parameter",), ("parameter",), None, "named"),
    },
    "compare": {
        "/": (("day", "replicate"), ("day", "replicate"), "day", "named"),
        "scenarios/0/city": (("replicate", "day"), (), None, "full"),
        "scenarios/1/city": (("replicate", "day"), (), None, "full"),
        "scenarios/1/changes": (("change",), ("change",), None, ""),
        "summary": (("scenario", "metric", "replicate"), ("scenario", "metric"), None, ""),
    },
    "sweep": {
        "sweep": (("metrics",), ("metrics",), None, "named"),
        "design": (("point", "factor"), ("point", "factor"), None, "named"),
        "runs": (("run", "day", "parameter"), ("run", "day", "parameter"), "day", "series"),
    },
    "posterior": {
        "parameters": (("parameter",), ("parameter",), None, "named"),
        "targets": (("target",), ("target",), None, "named"),
        "particles": (("particle", "parameter", "target"), ("particle", "parameter", "target"), None,
                      "named"),
        "history": (("generation",), ("generation",), None, "named"),
    },
    # troika compare --posterior: the draw and parameter axes, /summary/posterior
    "compare-posterior": {
        "/": (("day", "replicate", "draw", "parameter"), ("day", "replicate", "draw", "parameter"),
              "day", "named"),
        "scenarios/0/city": (("replicate", "day"), (), None, "full"),
        "scenarios/1/city": (("replicate", "day"), (), None, "full"),
        "summary": (("scenario", "metric", "replicate"), ("scenario", "metric"), None, ""),
        "summary/posterior": (("scenario", "metric"), (), None, ""),
    },
}

SCALARS = {"sweep": ("text", "identity")}


def fail(msg):
    print(f"check_netcdf: {msg}", file=sys.stderr)
    sys.exit(1)


def need(cond, msg):
    if not cond:
        fail(msg)


def check_group(path, group, dims, coords, time, doc):
    try:
        ds = xr.open_dataset(path, group=group, engine="h5netcdf")
    except Exception as e:  # noqa: BLE001 - any failure is the finding
        fail(f"{group}: xarray (h5netcdf) cannot open it: {e}")
    with ds:
        need(set(ds.dims) == set(dims), f"{group}: dimensions {sorted(ds.dims)}, expected {sorted(dims)}")
        for c in coords:
            need(c in ds.coords, f"{group}: {c} is not a coordinate ({sorted(ds.coords)})")
        if time:
            t = ds[time]
            need(np.issubdtype(t.dtype, np.datetime64), f"{group}/{time} is not decoded to dates")
            need(t.encoding.get("units", "").startswith("days since "),
                 f"{group}/{time}: units {t.encoding.get('units')!r}")
            need(t.encoding.get("calendar") == "standard", f"{group}/{time}: calendar is not standard")
            if t.size and group in ("city", "/"):  # full axes start on day 0
                need(t.values[0] == START, f"{group}/{time} starts on {t.values[0]}, not {START}")
        for name, v in ds.data_vars.items():
            need((v.dims or name in SCALARS.get(group, ())) and all(d in dims for d in v.dims),
                 f"{group}/{name}: dims {v.dims}")
            kind = doc
            if doc == "series":
                kind = "full" if v.dims == ("run", "day") else "named"
            want = {"full": ("units", "long_name", "description", "description_zh"),
                    "named": ("long_name", "description")}.get(kind, ())
            for a in want:
                need(a in v.attrs, f"{group}/{name}: no {a}")
            if doc == "series" and kind == "full":
                need(v.encoding.get("coordinates", v.attrs.get("coordinates", "")) == "point replicate"
                     or {"point", "replicate"} <= set(v.coords),
                     f"{group}/{name}: point and replicate are not its coordinates")
        return len(ds.data_vars)


def main(argv):
    if len(argv) != 3 or argv[1] not in LAYOUT:
        print(f"usage: check_netcdf.py {{{'|'.join(LAYOUT)}}} FILE.h5", file=sys.stderr)
        return 2
    kind, path = argv[1], argv[2]
    nvars = sum(check_group(path, g, *spec) for g, spec in LAYOUT[kind].items())
    ncdump = shutil.which("ncdump")
    if not ncdump:
        print("check_netcdf: skipped, ncdump (netcdf-bin) is missing", file=sys.stderr)
        return 77
    r = subprocess.run([ncdump, "-h", path], capture_output=True, text=True)
    need(r.returncode == 0, f"ncdump -h failed: {r.stderr.strip()}")
    need("phony_dim" not in r.stdout, "ncdump -h shows a dimension with no scale (phony_dim)")
    print(f"check_netcdf: {path}: {kind} file, {len(LAYOUT[kind])} groups, {nvars} variables; ncdump -h reads it")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
