#!/usr/bin/env bash
# tests/cli/test_checkpoint.sh TROIKA — checkpoints as a user meets them
# (docs/CHECKPOINTS.md): a run killed by SIGTERM and resumed writes the same
# /city, /compounds and /subdistricts as an uninterrupted run; a fork with no
# changes is a resume; compare --from shares the burn-in; refusals exit 2 with one line.
set -u
troika=${1:?usage: test_checkpoint.sh TROIKA}
. "$(dirname "$0")/../hold.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
cd "$tmp" || exit 1

# same NAME A B: /city, /compounds and /subdistricts of A and B identical
# (h5diff prints nothing and exits 0; it exits 0 with a message when shapes
# differ).
same() {
  local name=$1 a=$2 b=$3 g out
  for g in /city /compounds /subdistricts; do
    out=$(h5diff "$a" "$b" "$g" "$g" 2>&1)
    if [ $? -ne 0 ] || [ -n "$out" ]; then bad "$name: $g differs: $out"; return; fi
  done
  ok
}

# expect2 NAME PATTERN CMD...: exit 2 and one stderr line matching PATTERN.
expect2() {
  local name=$1 pat=$2; shift 2
  "$@" >/dev/null 2>err.txt
  local rc=$?
  if [ $rc -ne 2 ]; then bad "$name: exit $rc, want 2 ($(cat err.txt))"; return; fi
  if ! grep -Eq -- "$pat" err.txt; then bad "$name: '$(cat err.txt)' lacks /$pat/"; return; fi
  [ "$(wc -l <err.txt)" -eq 1 ] && ok || bad "$name: more than one line"
}

"$troika" run --help | grep -q -- "--resume CKPT" && ok || bad "run --help lacks --resume"
"$troika" compare --help | grep -q -- "--from CKPT" && ok || bad "compare --help lacks --from"

# --- (b) killed and resumed == uninterrupted -------------------------------------
"$troika" run -q --days 610 --threads 2 -o full.h5 || bad "full run"
# SIGTERM while the run holds at day 100 (the TROIKA_HOLD test hook; the
# checkpoint of day 80 is on disk): it writes the checkpoint of day 100
TROIKA_HOLD=day:100 TROIKA_HOLD_MARK=$tmp/hold.mark \
  "$troika" run -q --days 610 --threads 2 --checkpoint-every 40 -o part.h5 2>stop.txt &
pid=$!
held hold.mark $pid || bad "the run did not hold at day 100"
kill -TERM $pid
wait $pid
rc=$?
[ $rc -eq 143 ] && [ ! -e part.h5 ] && grep -q "stopped by a signal on day 100; resume from" stop.txt \
  && ok || bad "stopped run: exit $rc, want 143 (SIGTERM): $(cat stop.txt)"
h5dump -a day part.h5.ckpt.h5 | grep -q "(0): 100" && ok || bad "the checkpoint is not of day 100"
"$troika" run -q --resume part.h5.ckpt.h5 --threads 1 -o part.h5 2>err.txt &&
  same "resume" full.h5 part.h5 || bad "resume failed: $(cat err.txt)"

# --- (c) a fork with no changes is a resume ---------------------------------------
"$troika" run -q --days 365 --checkpoint-every 365 --checkpoint burn.ckpt.h5 -o burn.h5 ||
  bad "burn-in"
"$troika" run -q --days 610 --from burn.ckpt.h5 -o fork.h5 2>err.txt &&
  same "fork = resume" full.h5 fork.h5 || bad "fork failed: $(cat err.txt)"
h5dump -a forked_from fork.h5 | grep -q "path=burn.ckpt.h5; scenario=default; seed=1; day=365" &&
  ok || bad "forked_from not recorded"

# --- compare --from: one burn-in for every scenario and replicate ----------------
printf 'name = lever\n[oc]\nsecretary_share = 0.7\n' >lever.ini
printf 'name = base\n' >base.ini
if "$troika" compare base.ini lever.ini --days 400 --replicates 2 --threads 2 \
     --from burn.ckpt.h5 -o cmp.h5 -q 2>err.txt; then
  row() { h5dump -d "/scenarios/$1/city/defects_new" -s "$2,$3" -c "1,$4" -y cmp.h5 | sed -n '/DATA {/,$p'; }
  [ "$(row 0 0 0 365)" = "$(row 1 1 0 365)" ] && ok || bad "compare: burn-in days differ"
  [ "$(row 0 0 365 35)" != "$(row 0 1 365 35)" ] && ok || bad "compare: replicates equal after D"
  h5diff -q cmp.h5 cmp.h5 /scenarios/0/city /scenarios/1/city >/dev/null 2>&1
  [ $? -eq 1 ] && ok || bad "compare: the lever changed nothing"
else
  bad "compare --from: $(cat err.txt)"
fi

# --- refusals ------------------------------------------------------------------------
expect2 "resume + scenario" "--resume takes the scenario" "$troika" run base.ini --resume burn.ckpt.h5 -o x.h5
expect2 "resume + --set" "^troika: --set: " "$troika" run --resume burn.ckpt.h5 --set run.days=900 -o x.h5
expect2 "fork structure" "city.compounds = 50 but the checkpoint" \
  "$troika" run --from burn.ckpt.h5 --set city.compounds=50 -o x.h5
expect2 "fork too short" "run.days must be larger" "$troika" run --from burn.ckpt.h5 --days 300 -o x.h5
expect2 "output as checkpoint" "not a troika checkpoint" "$troika" run --from full.h5 -o x.h5
echo junk >junk.h5
expect2 "junk" "not an HDF5 file" "$troika" run --resume junk.h5 -o x.h5
expect2 "checkpoint without every" "--checkpoint-every DAYS, which is missing" \
  "$troika" run --checkpoint c.h5 -o x.h5
expect2 "checkpoint folder missing" "^troika: --checkpoint: folder nowhere does not exist" \
  "$troika" run --checkpoint-every 10 --checkpoint nowhere/c.h5 -o x.h5
[ ! -e x.h5 ] && ok || bad "a refused run left x.h5"

echo "checkpoint CLI: $pass passed, $fail failed"
[ $fail -eq 0 ]
