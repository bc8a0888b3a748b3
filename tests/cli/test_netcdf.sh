#!/usr/bin/env bash
# tests/cli/test_netcdf.sh TROIKA CHECKER — a short run opened as netCDF-4 / CF
# with xarray (h5netcdf) and ncdump -h (tests/py/check_netcdf.py).  Skips (77)
# without python3-xarray, python3-h5netcdf or netcdf-bin unless CI is set.
set -u
troika=$1 checker=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$troika" run --seed 7 --days 70 -q --set city.compounds=20 -o "$tmp/run.h5" \
  || { echo "run failed"; exit 1; }
/usr/bin/python3 "$checker" run "$tmp/run.h5"; rc=$?
[ $rc -eq 77 ] && [ -n "${CI:-}" ] && { echo "CI: the netCDF tools must be installed"; exit 1; }
exit $rc
