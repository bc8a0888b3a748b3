#!/usr/bin/env bash
# tests/cli/test_netcdf.sh TROIKA CHECKER — a short run and a compare file
# opened as netCDF-4 / CF
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
for kind in run compare; do
  /usr/bin/python3 "$checker" $kind "$tmp/$kind.h5"; rc=$?
  [ $rc -eq 77 ] && [ -n "${CI:-}" ] && { echo "CI: the netCDF tools must be installed"; exit 1; }
  [ $rc -eq 0 ] || exit $rc
done
