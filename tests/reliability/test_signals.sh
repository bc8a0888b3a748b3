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

# ---- no safe point within a second: the process ends at once ------------------------------
# Held half-way through writing the checkpoint of day 10 (a hold a signal does not end,
# like a day made endless by a damaged input): SIGTERM ends the process within its
# grace, exit 143, one line, the open temporary files (checkpoint and run file)
# removed, the checkpoint of day 5 kept whole.  A second signal ends it at once.
small=(--threads 1 --days 30 --set city.compounds=3 --set city.subdistricts=1 --checkpoint-every 5)
for sig in TERM INT2; do
  want=143; [ $sig = INT2 ] && want=130
  rm -rf stuck hold.mark; mkdir stuck
  TROIKA_HOLD=checkpoint:10 "$troika" run "${small[@]}" -o stuck/x.h5 2>stuck.err &
  pid=$!
  held hold.mark $pid || bad "$sig: the run did not hold in the checkpoint of day 10"
  [ -n "$(temps stuck)" ] || bad "$sig: no temporary file open while held (test is void)"
  if [ $sig = INT2 ]; then kill -INT $pid; kill -INT $pid; else kill -TERM $pid; fi
  wait $pid; rc=$?
  [ $rc -eq $want ] && [ "$(wc -l <stuck.err)" -eq 1 ] \
    && grep -Eq "^troika: stopped by a (second )?signal.*temporary files removed" stuck.err && ok \
    || bad "$sig with no safe point: exit $rc, want $want, $(cat stuck.err)"
  [ -z "$(temps stuck)" ] && [ ! -e stuck/x.h5 ] && ok || bad "$sig with no safe point left: $(ls -A stuck)"
  ck=$(ls stuck/*.h5 2>/dev/null | head -1)
  [ -n "$ck" ] && h5dump -H "$ck" >/dev/null 2>&1 && ok || bad "$sig: the checkpoint of day 5 was not kept whole ($(ls -A stuck))"
done
# A reader stuck inside libhdf5 (a damaged file on which libhdf5 loops forever,
# tests/fuzz/libhdf5-hangs): SIGTERM still ends it.  It is signalled once it has
# spent half a second of CPU, i.e. is inside the loop (a state, not a delay).
hang=$src/tests/fuzz/libhdf5-hangs/sweep-root-attribute.h5
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo -1; }
"$troika" sensitivity "$hang" >/dev/null 2>hang.err &
pid=$!
n=0
while [ "$(cpu_ticks $pid)" -ge 0 ] && [ "$(cpu_ticks $pid)" -lt 50 ] && [ $n -lt 30000 ]; do sleep 0.01; n=$((n + 1)); done
if [ "$(cpu_ticks $pid)" -lt 0 ]; then  # ended by itself: this libhdf5 does not loop on it
  wait $pid; rc=$?
  [ $rc -eq 2 ] && ok || bad "the damaged file was neither refused nor looped on: exit $rc, $(cat hang.err)"
else
  kill -TERM $pid 2>/dev/null; wait $pid; rc=$?
  [ $rc -eq 143 ] && grep -q "^troika: stopped by a signal" hang.err && ok \
    || bad "SIGTERM to a reader stuck in libhdf5: exit $rc, $(cat hang.err)"
fi
finish
