#!/usr/bin/env bash
# tests/reliability/test_checkpoints.sh TROIKA SOURCE_DIR — a checkpoint is
# untrusted input: an edited value (an index past its structure, a count
# that would never end, a quality of -1e308, a lever of NaN, a list longer
# than the file) ends `run --resume`, `run --from` and `compare --from` with
# exit 2 and one line naming the file and the dataset, never a crash, a hang
# or a run on damaged state (docs/RELIABILITY.md).
set -u
. "$(dirname "$0")/common.sh"
need /usr/bin/python3 timeout
/usr/bin/python3 -c 'import h5py' 2>/dev/null || { [ -n "${CI:-}" ] && exit 1; skip "python3-h5py is missing"; }
cd "$tmp" || exit 1
edit=("/usr/bin/python3" "$here/ckpt_edit.py")

"$troika" run --days 120 --checkpoint-every 50 -q -o s.h5 || { bad "making the checkpoint"; finish; }
[ -f s.h5.ckpt.h5 ] || { bad "no checkpoint s.h5.ckpt.h5"; finish; }
printf 'name = base\n' >base.ini

# edited NAME PATTERN EDIT...: a copy of the checkpoint with EDIT applied is
# refused by resume, fork and compare --from
edited() {
  local name=$1 pat=$2; shift 2
  cp s.h5.ckpt.h5 e.ckpt.h5
  "${edit[@]}" e.ckpt.h5 "$@" || { bad "$name: the edit failed"; return; }
  # bounded in time only to turn a hang into a failure (the runs end at once)
  expect2 "$name (resume)" "^troika: e\.ckpt\.h5: $pat" \
    timeout 120 "$troika" run --resume e.ckpt.h5 -q -o out/r.h5
  expect2 "$name (fork)" "^troika: e\.ckpt\.h5: $pat" \
    timeout 120 "$troika" run --from e.ckpt.h5 --days 120 -q -o out/f.h5
  expect2 "$name (compare --from)" "^troika: e\.ckpt\.h5: $pat" \
    timeout 120 "$troika" compare base.ini base.ini --from e.ckpt.h5 --days 120 --replicates 2 \
      -q -o out/c.h5
}

# the issue's reproducers
edited "queue origin past the city" "enf\.q[0-9]+\.origin: element 0 is 1000003, outside" \
  'enf.q*.origin' 0 1000003
edited "queue length INT64_MAX" "enf\.q1\.n: element 0 is .*outside" enf.q1.n 0 9223372036854775807
edited "quality -1e308" "pmc\.quality: element 0 is -1e\+308, outside \[0, 1\]" pmc.quality 0 -1e308
edited "undetected INT_MAX" "enf\.undetected: compound 0: 2147483647 violations standing" \
  enf.undetected 0 2147483647
edited "lever NaN" "[^ ]+: /run/params gives rc\.platforms = nan \(allowed: " \
  --param rc.platforms nan
# and their kin
edited "satisfaction NaN" "hh\.sat: element 7 is nan" hh.sat 7 nan
edited "trust +inf" "shared\.oc_trust: element 2 is inf" shared.oc_trust 2 inf
edited "negative count" "med\.q0\.n: element 0 is -5" med.q0.n 0 -5
edited "defect list longer than the file" "pmc\.open\.hh: state 'pmc\.open\.hh' is int64\[" \
  pmc.open.n 3 2147483647
edited "more servers than the file holds" "med\.q0\.free_at: state " med.q0.nserv 0 100000
edited "worker of another committee" "rc\.w_comp: worker 0 of committee 0 watches compound" \
  rc.w_comp 0 99
edited "queued count without its job" "enf\.queued: compound 0, category 1: 7 queued" \
  enf.queued 1 7
edited "panel row of another day" "[^ ]+: /result/sample_day: row 0 is day 5, not " /result/sample_day 0 5
edited "result holding NaN" "[^ ]+: /result/city: element 3 is nan" /result/city 3 nan
edited "day that does not match the result" "[^ ]+: /result/city is float64\[" --attr day 40
edited "lever out of its range" "[^ ]+: /run/params gives household\.patience = -3" \
  --param household.patience -3

# a dataspace of 10^15 elements that the file does not store (fill values):
# refused before any allocation (found by fuzz_ckpt: malloc of 0x94...)
cp s.h5.ckpt.h5 huge.ckpt.h5
/usr/bin/python3 - huge.ckpt.h5 <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    del f["state/hh.sat"]
    f["state"].create_dataset("hh.sat", shape=(10**15,), dtype="f4")
PY
expect2 "a dataspace the file does not store" "^troika: huge\.ckpt\.h5: --resume: /state/hh\.sat claims [0-9]+ bytes but the file stores 0" \
  timeout 120 "$troika" run --resume huge.ckpt.h5 -q -o out/r.h5

# ---- legal extremes are not refused: checkpoints of runs with every lever, then
# every other (non-structural) parameter at its lower and at its upper bound, of
# no officers and a violation rate of 1, resume (the ranges refuse no legal state)
small=(--threads 1 -q --set city.compounds=3 --set city.subdistricts=1 --days 100)
legal() { # legal NAME ARGS...: a checkpoint of the run resumes, exit 0
  local name=$1; shift
  if ! "$troika" run "$@" --checkpoint-every 60 -o "$name.h5" 2>"$name.err"; then
    bad "$name: the run failed: $(head -2 "$name.err")"; return; fi
  "$troika" run --resume "$name.h5.ckpt.h5" -q -o "r_$name.h5" 2>"$name.err" &&
    ok || bad "$name: its checkpoint was refused: $(head -2 "$name.err")"
}
bounds() { # bounds AWK_PATTERN lo|hi: --set KEY=BOUND for the parameters matching
  # (the flag column is padded with two or more blanks: a description that
  # merely contains the word does not match)
  "$troika" params | awk -v col="$2" '$0 ~ /'"$1"'/ && $1 !~ /^(run|city)\./ {
    gsub(/[\[\],]/, " "); print "--set", $1 "=" (col == "lo" ? $4 : $5) }'
}
mapfile -t lo < <(bounds " policy  +" lo | tr ' ' '\n')
mapfile -t hi < <(bounds " policy  +" hi | tr ' ' '\n')
[ "${#lo[@]}" -ge 40 ] || bad "only ${#lo[@]} lever words from troika params"
legal levers_low "${small[@]}" "${lo[@]}"
legal levers_high "${small[@]}" "${hi[@]}"
mapfile -t lo < <(bounds " fixed  +" lo | tr ' ' '\n')
mapfile -t hi < <(bounds " fixed  +" hi | tr ' ' '\n')
legal fixed_low "${small[@]}" "${lo[@]}"
legal fixed_high "${small[@]}" "${hi[@]}"
legal violations_unchecked "${small[@]}" --set enforce.officers_per_10k_households=0 \
  --set enforce.other_rate=1 --set pmc.defect_rate=1

# ---- sweep files and shards read back: NaN/inf where the schema says finite -------------
printf 'base = %s/scenarios/baseline.ini\ndesign = saltelli\nsamples = 4\ndays = 20\n[vary]\nhousehold.complain_rate = 0.04 .. 0.16\npmc.margin = 0.05 .. 0.25\n' \
  "$src" >sw.ini
"$troika" sweep sw.ini -q -o sw.h5 && "$troika" sweep sw.ini -q --shard 1/2 -o sh1.h5 &&
  "$troika" sweep sw.ini -q --shard 2/2 -o sh2.h5 || bad "making the sweep and its shards"
nonfinite() { # nonfinite FILE: runs 3 (or the shard's first done run) holds NaN and +inf
  /usr/bin/python3 - "$1" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    r = int(np.nonzero(f["runs/done"][()])[0][-1])
    a = f["runs/households"][()]
    a[r, 5], a[r, 6] = np.nan, np.inf
    f["runs/households"][...] = a
PY
}
cp sw.h5 swe.h5 && nonfinite swe.h5
expect2 "sensitivity of a sweep holding NaN" "^troika: swe\.h5: runs/households: run [0-9]+ is done but its value on day 5 is nan" \
  "$troika" sensitivity swe.h5
cp sh1.h5 sh1e.h5 && nonfinite sh1e.h5
expect2 "merge of a shard holding NaN" "^troika: sh1e\.h5: runs/households: run [0-9]+ is done but its value on day 5 is nan" \
  "$troika" merge sh1e.h5 sh2.h5 -o out/m.h5

# ---- compare files read back ---------------------------------------------------------
printf 'name = lever\n[oc]\nsecretary_share = 0.7\n' >lever.ini
"$troika" compare base.ini lever.ini --days 30 --replicates 2 --set city.compounds=6 -q -o cmp.h5 ||
  bad "making the compare file"
edit_cmp() { # edit_cmp FILE DATASET: one value of DATASET becomes NaN, then +inf
  /usr/bin/python3 - "$@" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    d = f[sys.argv[2]]
    a = d[()]
    a.reshape(-1)[1], a.reshape(-1)[2] = np.nan, np.inf
    d[...] = a
PY
}
cp cmp.h5 cmpe.h5 && edit_cmp cmpe.h5 summary/replicate_mean
expect2 "report of replicate means holding NaN" "^troika: cmpe\.h5: /summary/replicate_mean: element 1 is nan" \
  "$troika" report cmpe.h5 -o out/r.html
cp cmp.h5 cmpe2.h5 && edit_cmp cmpe2.h5 scenarios/1/city/fee_collection_rate
expect2 "report of a series holding NaN" "^troika: cmpe2\.h5: /scenarios/1/city/fee_collection_rate: element 1 is nan" \
  "$troika" report cmpe2.h5 -o out/r.html
finish
