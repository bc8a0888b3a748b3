#!/usr/bin/env bash
# tests/cli/test_netcdf.sh TROIKA CHECKER — a short run, a compare file, a
# sweep file, a posterior file and runs forked and resumed from a checkpoint
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
data=$src/tests/data/examples
"$troika" sweep "$data/lhs.ini" -q -o "$tmp/sweep.h5" || { echo "sweep failed"; exit 1; }
"$troika" calibrate "$data/posterior.ini" --method abc-smc -q -o "$tmp/posterior.h5" >/dev/null \
  || { echo "calibrate failed"; exit 1; }
# a checkpoint at day 60 of 70; a run forked from it and the run resumed from it
"$troika" run --seed 7 --days 70 -q --set city.compounds=20 --checkpoint-every 30 \
  --checkpoint "$tmp/ckpt.h5" -o "$tmp/whole.h5" || { echo "checkpointed run failed"; exit 1; }
"$troika" run --from "$tmp/ckpt.h5" --set city.compounds=20 --days 90 -q -o "$tmp/forked.h5" \
  || { echo "run --from failed"; exit 1; }
"$troika" run --resume "$tmp/ckpt.h5" -q -o "$tmp/resumed.h5" || { echo "run --resume failed"; exit 1; }
for f in run:run compare:compare sweep:sweep posterior:posterior run:forked run:resumed; do
  kind=${f%%:*}
  /usr/bin/python3 "$checker" $kind "$tmp/${f#*:}.h5"; rc=$?
  [ $rc -eq 77 ] && [ -n "${CI:-}" ] && { echo "CI: the netCDF tools must be installed"; exit 1; }
  [ $rc -eq 0 ] || exit $rc
done
# files of schema version 1 (the same layouts without the axes) are still read
as_v1() { # FILE: a copy FILE_v1.h5 that says schema version 1
  cp "$tmp/$1.h5" "$tmp/$1_v1.h5" && /usr/bin/python3 -c 'import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f: f.attrs["schema_version"] = np.int64(1)' "$tmp/$1_v1.h5" \
  || { echo "cannot doctor $1.h5 with h5py"; exit 1; }
}
as_v1 sweep
"$troika" sensitivity "$tmp/sweep_v1.h5" >/dev/null \
  || { echo "a sweep file of schema version 1 is refused"; exit 1; }
as_v1 posterior
"$troika" calibrate "$data/posterior.ini" --check "$tmp/posterior_v1.h5" --draws 3 -q >/dev/null \
  || { echo "a posterior file of schema version 1 is refused"; exit 1; }
