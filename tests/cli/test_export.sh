#!/usr/bin/env bash
# tests/cli/test_export.sh TROIKA SOURCE_DIR — `troika export`: each table of
# a run, a sweep and a compare file checked against the HDF5 content value
# for value (tests/py/check_export.py, h5py), read in small blocks so that
# block boundaries are crossed; atomic output and the refusals.
set -u
troika=${1:?usage: test_export.sh TROIKA SOURCE_DIR}
src=${2:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check="/usr/bin/python3 $src/tests/py/check_export.py"
cmp_dir=$src/tests/data/compare

"$troika" run --days 45 --set city.compounds=12 --set city.subdistricts=3 --set run.panel_interval=7 \
  -q -o run.h5 || { echo "run failed"; exit 1; }
for t in city compounds subdistricts; do
  "$troika" export run.h5 --table $t --block 5 -o $t.csv && $check $t run.h5 $t.csv && ok || bad "export $t"
done
# the default block and stdout give the same table
"$troika" export run.h5 --table compounds >stdout.csv && cmp -s <(grep -v '^# exported' stdout.csv) \
  <(grep -v '^# exported' compounds.csv) && ok || bad "stdout and -o differ"

cat >tiny.ini <<INI
name = tiny
base = $cmp_dir/baseline.ini
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
"$troika" sweep tiny.ini -q -o sweep.h5 || { echo "sweep failed"; exit 1; }
"$troika" export sweep.h5 --table runs --block 7 -o runs.csv && $check runs sweep.h5 runs.csv && ok \
  || bad "export runs"
"$troika" compare "$cmp_dir/baseline.ini" "$cmp_dir/subsidy.ini" --replicates 2 --days 40 -q -o cmp.h5 \
  || { echo "compare failed"; exit 1; }
"$troika" export cmp.h5 --table compare --block 8 -o compare.csv && $check compare cmp.h5 compare.csv \
  && ok || bad "export compare"

# refusals: exit 2, one line, no file
"$troika" export run.h5 --table runs -o no.csv 2>e.txt; rc=$?
[ $rc -eq 2 ] && [ ! -e no.csv ] && grep -q "not a sweep file" e.txt && ok || bad "runs of a run file: $rc $(cat e.txt)"
"$troika" export run.h5 --table nope 2>e.txt; rc=$?
[ $rc -eq 2 ] && grep -q "allowed: city, compounds, subdistricts, runs, compare" e.txt && ok || bad "--table nope: $(cat e.txt)"
"$troika" export run.h5 --table city -o city.csv 2>e.txt; rc=$?
[ $rc -eq 2 ] && grep -q -- "--force" e.txt && ok || bad "existing output: $rc $(cat e.txt)"
"$troika" export tiny.ini --table city 2>e.txt; rc=$?
[ $rc -eq 2 ] && grep -q "cannot open as an HDF5 file" e.txt && ok || bad "not HDF5: $rc $(cat e.txt)"
ls -A | grep -q tmp && bad "temporary file left: $(ls -A)" || ok

echo "export: $pass passed, $fail failed"
[ $fail -eq 0 ]
