#!/usr/bin/env bash
# tests/reliability/test_signals.sh TROIKA SOURCE_DIR — SIGINT or SIGTERM
# during a run stops it at the next day: exit 130 (SIGINT) or 143 (SIGTERM),
# one message, no output and no temporary file, and a file already under that
# name (a --force run) untouched.  During a sweep: exit 143, every finished
# run kept as a readable part, and the same command resumes to the same file
# as an uninterrupted sweep.  Kills are timed by what is on disk, not by the
# clock, so they land whatever the machine's speed.
set -u
. "$(dirname "$0")/common.sh"
need h5dump h5diff /usr/bin/python3
cd "$tmp" || exit 1
long=(--threads 1 -q --days 36500 --set city.compounds=20 --set city.subdistricts=2)

# wait_for SECONDS CMD...: poll CMD every 20 ms until it succeeds
wait_for() {
  local n=$(($1 * 50)); shift
  while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.02; n=$((n - 1)); done
  return 1
}

mkdir runs
"$troika" run --threads 1 -q --days 20 --set city.compounds=3 --set city.subdistricts=1 \
  -o runs/kept.h5 || bad "small run failed"
cp runs/kept.h5 kept.copy
for sig in INT TERM; do
  want=$((128 + $(kill -l $sig)))
  for target in new.h5 kept.h5; do
    "$troika" run "${long[@]}" --force -o runs/$target 2>sig.err &
    pid=$!
    sleep 0.5
    kill -$sig $pid; wait $pid; rc=$?
    [ $rc -eq $want ] && grep -Eq "^troika: stopped by a signal" sig.err && [ "$(wc -l <sig.err)" -eq 1 ] \
      && ok || bad "SIG$sig during a run (-o $target): exit $rc, want $want, $(cat sig.err)"
    [ -z "$(temps runs)" ] && [ ! -e runs/new.h5 ] && ok || bad "SIG$sig left: $(ls -A runs)"
  done
  cmp -s runs/kept.h5 kept.copy && ok || bad "SIG$sig: the existing file was changed"
done

# ---- a sweep -------------------------------------------------------------------------------
cat >sw.ini <<EOT
base = $src/scenarios/baseline.ini
design = lhs
samples = 30
seed = 11
days = 730
metrics = fee_collection_rate, complaints_new, households_rating_pmc_inadequate
[set]
city.compounds = 10
city.subdistricts = 1
[vary]
household.complain_rate = 0.04 .. 0.16
EOT
"$troika" sweep sw.ini -o whole.h5 --threads 1 -q || { echo "uninterrupted sweep failed"; exit 1; }
parts() { ls sw.h5.parts 2>/dev/null | grep -c '^run-'; }
three() { [ "$(parts)" -ge 3 ]; }
"$troika" sweep sw.ini -o sw.h5 --threads 1 2>term.err &
pid=$!
wait_for 60 three || bad "no runs finished within a minute"
kill -TERM $pid; wait $pid; rc=$?
kept=$(parts)
[ $rc -eq 143 ] && grep -q "run the same command again to resume" term.err && [ ! -e sw.h5 ] && ok \
  || bad "SIGTERM during a sweep: exit $rc, $(cat term.err)"
[ "$kept" -ge 3 ] && [ "$kept" -lt 30 ] && [ -z "$(temps sw.h5.parts)$(temps .)" ] && ok \
  || bad "after SIGTERM: $kept parts, $(ls -A sw.h5.parts)"
for part in sw.h5.parts/run-*.h5; do
  h5dump -H "$part" >/dev/null 2>&1 || bad "unreadable part $part"
done
echo "SIGTERM: $kept of 30 runs kept"
# SIGINT as well (Ctrl-C), then the same command finishes the sweep
"$troika" sweep sw.ini -o sw.h5 --threads 1 -q 2>int.err &
pid=$!
more() { [ "$(parts)" -gt "$kept" ]; }
wait_for 60 more
kill -INT $pid; wait $pid; rc=$?
[ $rc -eq 130 ] || [ $rc -eq 0 ] && ok || bad "SIGINT during a sweep: exit $rc, $(cat int.err)"
"$troika" sweep sw.ini -o sw.h5 --threads 2 -q; rc=$?
[ $rc -eq 0 ] && h5dump -H sw.h5 >/dev/null && ok || bad "resume after the signals: exit $rc"
h5diff -q whole.h5 sw.h5 /runs /runs >/dev/null && /usr/bin/python3 "$src/tests/sweep/same.py" whole.h5 sw.h5 \
  && ok || bad "the resumed sweep differs from the uninterrupted one"
finish
