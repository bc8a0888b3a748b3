#!/usr/bin/env bash
# tests/sweep/test_crash.sh TROIKA SOURCE_DIR — kill -9 a sweep at random
# moments, again and again, then let the same command finish: the result
# equals an uninterrupted sweep's.  After every kill the output name holds
# nothing or a whole, readable file (h5dump), and the parts folder only
# whole parts.  Also: a changed sweep file is refused, a second sweep on the
# same output is refused while the first runs, SIGTERM stops cleanly.
set -u
. "$(dirname "$0")/common.sh"
need h5dump
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
# 30 points x 2 replicates = 60 runs: long enough for kills to land anywhere
sed -e 's/^samples = .*/samples = 30/' -e "s|^base = .*|base = $src/scenarios/baseline.ini|" \
    "$here/small.ini" >crash.ini

t0=$(date +%s%N)
"$troika" sweep crash.ini -o whole.h5 --threads 1 -q || { echo "uninterrupted sweep failed"; exit 1; }
t1=$((($(date +%s%N) - t0) / 1000000)) # ms, one thread
echo "uninterrupted sweep: $t1 ms on one thread"
# sleep for a share (per mille) of the time the work still to do takes on one
# thread, so that kills land whatever the machine's speed
nap() { # nap PERMILLE REMAINING_RUNS
  local ms=$(($1 * t1 * $2 / 60 / 1000))
  [ $ms -lt 20 ] && ms=20
  sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
}

RANDOM=2385 # the kill times are random, but the same in every CI run
kills=0
done_runs=0
for i in 1 2 3 4 5 6 7 8; do
  [ -e out.h5 ] && break
  threads=$((1 + i % 2))
  "$troika" sweep crash.ini -o out.h5 --threads $threads -q 2>/dev/null &
  pid=$!
  nap $((100 + RANDOM % 700)) $((60 - done_runs))
  if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
  wait $pid 2>/dev/null
  if [ -e out.h5 ]; then
    h5dump -H out.h5 >/dev/null 2>&1 || bad "out.h5 unreadable after kill $i"
  fi
  # every part is a whole HDF5 file; temporary files are dot-files
  for part in out.h5.parts/run-*.h5; do
    [ -e "$part" ] || continue
    h5dump -H "$part" >/dev/null 2>&1 || bad "unreadable part $part after kill $i"
  done
  done_runs=$(ls out.h5.parts 2>/dev/null | grep -c '^run-')
  echo "kill $i (threads $threads): $done_runs runs kept"
done
[ $kills -ge 3 ] && ok || bad "only $kills kills landed"
"$troika" sweep crash.ini -o out.h5 -q; rc=$?
[ $rc -eq 0 ] && ok || bad "resume exited $rc"
same whole.h5 out.h5 && ok || bad "resumed result differs from the uninterrupted one"
[ ! -e out.h5.parts ] && ok || bad "parts folder left after the end"
# the same command once more: nothing to do, exit 0
"$troika" sweep crash.ini -o out.h5 >msg.txt 2>&1 && grep -q "nothing to do" msg.txt && ok \
  || bad "rerun after the end: $(cat msg.txt)"

# SIGTERM (Slurm's time limit): exits 143, keeps its runs, says how to resume
"$troika" sweep crash.ini -o term.h5 --threads 1 2>term.txt &
pid=$!
nap 300 60
kill -TERM $pid; wait $pid; rc=$?
[ $rc -eq 143 ] && grep -q "run the same command again" term.txt && [ ! -e term.h5 ] && ok \
  || bad "SIGTERM: exit $rc, $(cat term.txt)"
# a second sweep on the same output while the first runs is refused
"$troika" sweep crash.ini -o term.h5 --threads 1 -q &
pid=$!
nap 100 60
"$troika" sweep crash.ini -o term.h5 -q 2>lock.txt; rc=$?
[ $rc -eq 2 ] && grep -q "in use by another troika sweep" lock.txt && ok \
  || bad "concurrent sweep: exit $rc, $(cat lock.txt)"
wait $pid
same whole.h5 term.h5 && ok || bad "after SIGTERM and resume the result differs"

# a sweep file changed since the partial run is refused, with the line
"$troika" sweep crash.ini -o changed.h5 --threads 1 -q &
pid=$!
nap 400 60
kill -9 $pid; wait $pid 2>/dev/null
sed -i 's/^pmc.margin = .*/pmc.margin = 0.05, 0.1, 0.3/' crash.ini
line=$(grep -n '^pmc.margin' crash.ini | cut -d: -f1)
"$troika" sweep crash.ini -o changed.h5 -q 2>chg.txt; rc=$?
[ $rc -eq 2 ] && grep -q "crash.ini:$line: the sweep file changed" chg.txt && ok \
  || bad "changed sweep: exit $rc, $(cat chg.txt)"
"$troika" sweep crash.ini -o changed.h5 -q --restart && ok || bad "--restart"
finish
