#!/usr/bin/env bash
# tests/cli/test_netcdf.sh TROIKA CHECKER — a short run, a compare file and a
# sweep file opened as netCDF-4 / CF
# with xarray (h5netcdf) and ncdump -h (tests/py/check_netcdf.py).  Skips (77)
# without python3-xarray, python3-h5netcdf or netcdf-bin unless CI is set.
set -u
troika=$1 checker=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$troika" run --seed 7 --days 70 -q --set city.compounds=20 -o "$tmp/run.h5" \
  || { echo "run failed"; exit 1; }
src=$(cd "$(dirname "$0")/../.." && pwd)
"$troika" compare "$src/scenarios/baseline.ini" "$src/scenarios/disclosure.ini" --days 40 \
  --replicates 2 --set city.compounds=20 -q -o "$tmp/compare.h5" 2>/dev/null \
  || { echo "compare failed"; exit 1; }
cat >"$tmp/tiny.ini" <<INI
name = tiny
base = $src/tests/data/compare/baseline.ini
design = lhs
samples = 3
replicates = 2
seed = 5
days = 20
metrics = fee_collection_rate, complaints_new

[vary]
household.complain_rate = 0.04 .. 0.16
pmc.margin = 0.05, 0.1, 0.2
INI
"$troika" sweep "$tmp/tiny.ini" -q -o "$tmp/sweep.h5" || { echo "sweep failed"; exit 1; }
for kind in run compare sweep; do
  /usr/bin/python3 "$checker" $kind "$tmp/$kind.h5"; rc=$?
  [ $rc -eq 77 ] && [ -n "${CI:-}" ] && { echo "CI: the netCDF tools must be installed"; exit 1; }
  [ $rc -eq 0 ] || exit $rc
done
# a sweep file of schema version 1 (the same layout without the axes) is still read
cp "$tmp/sweep.h5" "$tmp/sweep_v1.h5"
/usr/bin/python3 -c 'import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f: f.attrs["schema_version"] = np.int64(1)' "$tmp/sweep_v1.h5" \
  || { echo "cannot doctor the sweep file with h5py"; exit 1; }
"$troika" sensitivity "$tmp/sweep_v1.h5" >/dev/null \
  || { echo "a sweep file of schema version 1 is refused"; exit 1; }
