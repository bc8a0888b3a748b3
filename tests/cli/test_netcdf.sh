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
cat >"$tmp/small.ini" <<'INI'
[city]
compounds = 12
subdistricts = 2
[run]
days = 60
INI
cat >"$tmp/cal.ini" <<'INI'
scenario = small.ini
seed = 3
window = 30:60
population = 12
batch = 12
generations = 2
simulations = 200

[target.households]
metric = households_rating_pmc_inadequate
value = 0.2549
scale = 0.05

[free.household.inadequate_below]
min = 0.35
max = 0.75

[free.household.hardship_rate]
min = 0.01
max = 0.3
prior = log-uniform
INI
"$troika" calibrate "$tmp/cal.ini" --method abc-smc -q -o "$tmp/posterior.h5" >/dev/null \
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
# a sweep file of schema version 1 (the same layout without the axes) is still read
cp "$tmp/sweep.h5" "$tmp/sweep_v1.h5"
/usr/bin/python3 -c 'import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f: f.attrs["schema_version"] = np.int64(1)' "$tmp/sweep_v1.h5" \
  || { echo "cannot doctor the sweep file with h5py"; exit 1; }
"$troika" sensitivity "$tmp/sweep_v1.h5" >/dev/null \
  || { echo "a sweep file of schema version 1 is refused"; exit 1; }
# and a posterior file of schema version 1
cp "$tmp/posterior.h5" "$tmp/posterior_v1.h5"
/usr/bin/python3 -c 'import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f: f.attrs["schema_version"] = np.int64(1)' "$tmp/posterior_v1.h5" \
  || { echo "cannot doctor the posterior file with h5py"; exit 1; }
"$troika" calibrate "$tmp/cal.ini" --check "$tmp/posterior_v1.h5" --draws 3 -q >/dev/null \
  || { echo "a posterior file of schema version 1 is refused"; exit 1; }
