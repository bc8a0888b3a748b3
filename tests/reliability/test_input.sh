#!/usr/bin/env bash
# tests/reliability/test_input.sh TROIKA SOURCE_DIR — no input makes troika
# crash, print a C-level error or exit 0 with a partial result: every
# rejection is one located, human line and exit status 2.
#   - semantic nonsense: a sweep range with min > max, a probability above 1,
#     more owners' committee members than households, a policy starting after
#     the end, a scenario that extends itself (directly or through another),
#     an empty city, an empty sweep;
#   - files that are not what a reader expects, for report, merge and
#     sensitivity: another schema version (newer and older), a non-troika
#     HDF5 file, a truncated file, a file that is not HDF5 at all, a folder.
set -u
. "$(dirname "$0")/common.sh"
need /usr/bin/python3
/usr/bin/python3 -c 'import h5py' 2>/dev/null || { [ -n "${CI:-}" ] && exit 1; skip "python3-h5py is missing"; }
cd "$tmp" || exit 1
o=(-o out/x.h5)

# ---- scenarios --------------------------------------------------------------------
expect2 "probability above 1" "^troika: city.old_share: .*1.5 is out of range \(allowed: a number from 0 to 1\)" \
  "$troika" run --set city.old_share=1.5 "${o[@]}"
printf '[household]\ncomplain_rate = 1.2\n' >prob.ini
expect2 "probability above 1 in a file" "^troika: prob.ini:2: household.complain_rate: .*out of range" \
  "$troika" run prob.ini "${o[@]}"
expect2 "empty city" "^troika: city.compounds: .*0 is out of range" \
  "$troika" run --set city.compounds=0 "${o[@]}"
printf '[city]\ncompounds = 0\n' >empty_city.ini
expect2 "empty city in a file" "^troika: empty_city.ini:2: city.compounds: .*out of range" \
  "$troika" validate empty_city.ini
printf '[city]\nsubdistricts = 5\ncompounds = 3\n' >more_subs.ini
expect2 "more sub-districts than compounds" "^troika: more_subs.ini:2: city.subdistricts: .*each sub-district needs a compound" \
  "$troika" run more_subs.ini "${o[@]}"
printf '[city]\nhh_min = 3\nhh_mean = 30\nhh_old_mean = 30\n' >tiny_oc.ini
expect2 "more OC members than households" "^troika: tiny_oc.ini:2: city.hh_min: .*fewer than the 5 members of an owners' committee \(allowed: " \
  "$troika" run tiny_oc.ini "${o[@]}"
printf '[policy.late]\nday = 800\noc.secretary_share = 0.5\n' >late.ini
# a policy after the end: a warning, and the run goes on (issue 18)
"$troika" run late.ini --days 365 -q -o late.h5 2>late.err; rc=$?
if [ $rc -eq 0 ] && [ -s late.h5 ] && [ "$(wc -l <late.err)" -eq 1 ] &&
   grep -Eq "^troika: warning: late.ini:2: policy.late.day: .*after the run ends" late.err; then
  ok
else
  bad "policy after the end: exit $rc, $(cat late.err)"
fi
printf 'extends = self.ini\n' >self.ini
expect2 "extends itself" "^troika: self.ini:1: extends: extends cycle: self.ini -> self.ini" \
  "$troika" run self.ini "${o[@]}"
printf 'extends = b.ini\n' >a.ini; printf 'extends = a.ini\n' >b.ini
expect2 "extends cycle through another" "^troika: b.ini:1: extends: extends cycle: .*a.ini -> b.ini -> a.ini" \
  "$troika" validate a.ini
printf '\x00\x01\xff\xfe garbage\n' >binary.ini
expect2 "binary scenario" "^troika: binary.ini:1: " "$troika" validate binary.ini
expect2 "scenario is a folder" "^troika: .*out" "$troika" validate out

# ---- sweep files ------------------------------------------------------------------
sweep() { # sweep VARY_LINE [TOP_LINES]: a small sweep file on stdout
  printf 'base = %s/scenarios/baseline.ini\ndesign = lhs\nsamples = 4\ndays = 30\n%s\n[vary]\n%s\n' \
    "$src" "${2:-}" "$1"
}
sweep 'household.complain_rate = 0.16 .. 0.04' >minmax.ini
expect2 "sweep min > max" "^troika: minmax.ini:7: household.complain_rate: the range 0.16 .. 0.04 is empty" \
  "$troika" sweep minmax.ini "${o[@]}"
sweep 'city.old_share = 0.5 .. 1.5' >prob_sweep.ini
expect2 "sweep probability above 1" "^troika: prob_sweep.ini:7: city.old_share: .*out of range" \
  "$troika" sweep prob_sweep.ini "${o[@]}"
sweep 'city.hh_min = 20, 3' >oc_sweep.ini
expect2 "sweep point with more OC members than households" "^troika: oc_sweep.ini:7: city.hh_min: .*owners' committee" \
  "$troika" sweep oc_sweep.ini "${o[@]}"
printf 'base = %s/scenarios/baseline.ini\ndesign = lhs\nsamples = 4\n' "$src" >novary.ini
expect2 "sweep without factors" "^troika: novary.ini: \[vary\]: " "$troika" sweep novary.ini "${o[@]}"
sweep 'household.complain_rate = 0.04 .. 0.16' 'replicates = 0' >norep.ini
expect2 "sweep with no replicates" "^troika: norep.ini:5: replicates: " "$troika" sweep norep.ini "${o[@]}"

# ---- files a reader does not expect ---------------------------------------------------
mkdir -p files
cat >files/tiny.ini <<EOT
base = $src/scenarios/baseline.ini
design = lhs
samples = 3
seed = 7
days = 20
metrics = fee_collection_rate, complaints_new
[set]
city.compounds = 3
city.subdistricts = 1
[vary]
household.complain_rate = 0.04 .. 0.16
EOT
"$troika" sweep files/tiny.ini -o files/sweep.h5 -q --threads 1 || bad "the small sweep failed"
"$troika" compare "$src/tests/data/compare/baseline.ini" "$src/tests/data/compare/subsidy.ini" \
  --replicates 2 --threads 1 -q -o files/compare.h5 || bad "the small compare failed"
"$troika" run --days 20 --set city.compounds=3 --set city.subdistricts=1 --threads 1 -q \
  -o files/run.h5 || bad "the small run failed"
/usr/bin/python3 - <<'PY' || bad "could not doctor the files with h5py"
import shutil, h5py
with h5py.File("files/foreign.h5", "w") as f:
    f["x"] = [1.0, 2.0]
    f.attrs["title"] = "not troika"
for kind, attr in (("sweep", "schema_version"), ("compare", "schema_version")):
    for name, v in (("newer", 99), ("older", 0)):
        shutil.copy(f"files/{kind}.h5", f"files/{kind}_{name}.h5")
        with h5py.File(f"files/{kind}_{name}.h5", "r+") as f:
            f.attrs[attr] = v
PY
for k in sweep compare; do
  size=$(stat -c %s files/$k.h5)
  head -c $((size / 2)) files/$k.h5 >files/${k}_truncated.h5
done
printf 'just text\n' >files/text.h5

for cmd in "sensitivity" "merge -o out/m.h5"; do
  c=${cmd%% *}
  expect2 "$c: newer schema" "^troika: files/sweep_newer.h5: sweep file schema version 99 is newer" \
    "$troika" $cmd files/sweep_newer.h5
  expect2 "$c: older schema" "^troika: files/sweep_older.h5: sweep file schema version 0 is older" \
    "$troika" $cmd files/sweep_older.h5
  expect2 "$c: non-troika HDF5" "^troika: files/foreign.h5: not a troika sweep file" \
    "$troika" $cmd files/foreign.h5
  expect2 "$c: a run file" "^troika: files/run.h5: not a troika sweep file.*troika run" \
    "$troika" $cmd files/run.h5
  expect2 "$c: truncated" "^troika: files/sweep_truncated.h5: cannot be read as HDF5 \(truncated or damaged\?\)" \
    "$troika" $cmd files/sweep_truncated.h5
  expect2 "$c: not HDF5" "^troika: files/text.h5: not an HDF5 file" "$troika" $cmd files/text.h5
  expect2 "$c: missing" "^troika: files/none.h5: " "$troika" $cmd files/none.h5
done
expect2 "report: newer schema" "^troika: files/compare_newer.h5: compare file schema version 99 is newer" \
  "$troika" report files/compare_newer.h5 -o out/r.html
expect2 "report: older schema" "^troika: files/compare_older.h5: compare file schema version 0 is older" \
  "$troika" report files/compare_older.h5 -o out/r.html
expect2 "report: non-troika HDF5" "^troika: files/foreign.h5: not a troika compare file" \
  "$troika" report files/foreign.h5 -o out/r.html
expect2 "report: a sweep file" "^troika: files/sweep.h5: this is a sweep file" \
  "$troika" report files/sweep.h5 -o out/r.html
# a run file gets the report of one run, as HTML only
expect2 "report: a run file as CSV" "^troika: files/run.h5: --csv: a run file gives an HTML report only" \
  "$troika" report files/run.h5 --csv out/r.csv
expect2 "report: truncated" "^troika: files/compare_truncated.h5: cannot be read as HDF5 \(truncated or damaged\?\)" \
  "$troika" report files/compare_truncated.h5 -o out/r.html
expect2 "report: not HDF5" "^troika: files/text.h5: not an HDF5 file" \
  "$troika" report files/text.h5 -o out/r.html
expect2 "report: a folder" "^troika: files: is a folder" "$troika" report files -o out/r.html
# the good files still read
"$troika" sensitivity files/sweep.h5 >/dev/null && ok || bad "sensitivity of the good sweep"
"$troika" report files/compare.h5 -o out/r.html && [ -s out/r.html ] && ok || bad "report of the good compare file"
finish
