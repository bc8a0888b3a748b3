#!/usr/bin/env bash
# tests/reliability/test_signals.sh TROIKA SOURCE_DIR — SIGINT or SIGTERM
# during a run stops it at the next day: exit 130 (SIGINT) or 143 (SIGTERM),
# one message, no output and no temporary file, and a file already under that
# name (a --force run) untouched.  During a merge: the same.  During a sweep: exit 143, every finished
# run kept as a readable part, and the same command resumes to the same file
# as an uninterrupted sweep.  Signals are sent while troika holds at a known
# point (the TROIKA_HOLD test hook, tests/hold.sh), never after a delay, so
# what they find does not depend on the machine's speed.
set -u
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/../hold.sh"
need h5dump h5diff /usr/bin/python3
cd "$tmp" || exit 1
long=(--threads 1 -q --days 730 --set city.compounds=20 --set city.subdistricts=2)
export TROIKA_HOLD_MARK=$tmp/hold.mark

mkdir runs
"$troika" run --threads 1 -q --days 20 --set city.compounds=3 --set city.subdistricts=1 \
  -o runs/kept.h5 || bad "small run failed"
cp runs/kept.h5 kept.copy
for sig in INT TERM; do
  want=$((128 + $(kill -l $sig)))
  for target in new.h5 kept.h5; do
    rm -f hold.mark
    TROIKA_HOLD=day:400 "$troika" run "${long[@]}" --force -o runs/$target 2>sig.err &
    pid=$!
    held hold.mark $pid || bad "SIG$sig: the run did not hold at day 400"
    kill -$sig $pid; wait $pid; rc=$?
    [ $rc -eq $want ] && grep -Eq "^troika: stopped by a signal on day 400" sig.err && [ "$(wc -l <sig.err)" -eq 1 ] \
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
rm -f hold.mark
TROIKA_HOLD=runs:3 "$troika" sweep sw.ini -o sw.h5 --threads 1 2>term.err &
pid=$!
held hold.mark $pid || bad "the sweep did not hold after 3 runs"
kill -TERM $pid; wait $pid; rc=$?
kept=$(parts)
[ $rc -eq 143 ] && grep -q "run the same command again to resume" term.err && [ ! -e sw.h5 ] && ok \
  || bad "SIGTERM during a sweep: exit $rc, $(cat term.err)"
[ "$kept" -eq 3 ] && [ -z "$(temps sw.h5.parts)$(temps .)" ] && ok \
  || bad "after SIGTERM: $kept parts, want 3: $(ls -A sw.h5.parts)"
for part in sw.h5.parts/run-*.h5; do
  h5dump -H "$part" >/dev/null 2>&1 || bad "unreadable part $part"
done
echo "SIGTERM: $kept of 30 runs kept"
# SIGINT as well (Ctrl-C), then the same command finishes the sweep
rm -f hold.mark
TROIKA_HOLD=runs:2 "$troika" sweep sw.ini -o sw.h5 --threads 1 -q 2>int.err &
pid=$!
held hold.mark $pid || bad "the sweep did not hold after 2 more runs"
kill -INT $pid; wait $pid; rc=$?
[ $rc -eq 130 ] && [ "$(parts)" -eq $((kept + 2)) ] && [ ! -e sw.h5 ] && ok \
  || bad "SIGINT during a sweep: exit $rc, $(parts) parts, $(cat int.err)"
"$troika" sweep sw.ini -o sw.h5 --threads 2 -q; rc=$?
[ $rc -eq 0 ] && h5dump -H sw.h5 >/dev/null && ok || bad "resume after the signals: exit $rc"
h5diff -q whole.h5 sw.h5 /runs /runs >/dev/null && /usr/bin/python3 "$src/tests/sweep/same.py" whole.h5 sw.h5 \
  && ok || bad "the resumed sweep differs from the uninterrupted one"
# merge: SIGINT/SIGTERM while it writes (held at "assembly"): exit 130/143, one
# line, no output and no temporary file
mkdir -p merged
for sig in INT TERM; do
  want=$((128 + $(kill -l $sig)))
  rm -f hold.mark merged/*
  TROIKA_HOLD=assembly "$troika" merge whole.h5 -o merged/m.h5 2>merge.err &
  pid=$!
  held hold.mark $pid || bad "merge did not hold at assembly"
  kill -$sig $pid; wait $pid; rc=$?
  [ $rc -eq $want ] && [ "$(wc -l <merge.err)" -eq 1 ] && grep -Eq "^troika: stopped by a signal" merge.err \
    && [ -z "$(ls -A merged)" ] && ok \
    || bad "SIG$sig during merge: exit $rc, $(cat merge.err), left $(ls -A merged)"
done
finish
