#!/usr/bin/env bash
# tests/sweep/test_crash.sh TROIKA SOURCE_DIR — kill -9 a sweep at chosen
# moments (held there by the TROIKA_HOLD test hook, so that no kill depends
# on the machine's speed), again and again, then let the same command
# finish: the result equals an uninterrupted sweep's.  After every kill the output name holds
# nothing or a whole, readable file (h5dump), and the parts folder only
# whole parts.  Also: a changed sweep file is refused, a second sweep on the
# same output is refused while the first runs, SIGTERM stops cleanly.
set -u
. "$(dirname "$0")/common.sh"
. "$here/../hold.sh"
need h5dump
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export TROIKA_HOLD_MARK=$tmp/hold.mark
# 30 points x 2 replicates = 60 runs
sed -e 's/^samples = .*/samples = 30/' -e "s|^base = .*|base = $src/scenarios/baseline.ini|" \
    "$here/small.ini" >crash.ini
"$troika" sweep crash.ini -o whole.h5 --threads 1 -q || { echo "uninterrupted sweep failed"; exit 1; }
parts() { ls "$1.parts" 2>/dev/null | grep -c '^run-'; }

# start_held HOLD OUT ARGS...: start a sweep writing OUT with TROIKA_HOLD=HOLD
# and wait until it holds there (its pid in $pid)
start_held() {
  local hold=$1 out=$2; shift 2
  rm -f hold.mark
  TROIKA_HOLD=$hold "$troika" sweep crash.ini -o "$out" -q "$@" 2>/dev/null &
  pid=$!
  held hold.mark $pid || bad "sweep $out did not hold at $hold"
}

# Each start is killed (kill -9) while it holds at a known point, so every
# kill lands, and at a different stage whatever the machine's speed: after
# a few runs (the other thread in the middle of one), in the middle of a run,
# later, while the final file is half written (all runs done), and once it
# is in place but the parts are not yet removed.
# HOLD THREADS RUNS_AT_LEAST (parts on disk after the kill)
campaign="runs:4 2 4
day:200 1 4
runs:15 2 19
day:100 2 19
runs:25 1 44
assembly 2 60
cleanup 1 60"
kills=0
while read -r hold threads least; do
  start_held "$hold" out.h5 --threads "$threads"
  kill -9 $pid 2>/dev/null && kills=$((kills + 1))
  wait $pid 2>/dev/null
  if [ "$hold" = cleanup ]; then
    same whole.h5 out.h5 || bad "out.h5 is not the whole sweep after a kill at $hold"
  else
    [ ! -e out.h5 ] || bad "out.h5 exists after a kill at $hold"
  fi
  # every part is a whole HDF5 file; temporary files are dot-files
  for part in out.h5.parts/run-*.h5; do
    [ -e "$part" ] || continue
    h5dump -H "$part" >/dev/null 2>&1 || bad "unreadable part $part after a kill at $hold"
  done
  done_runs=$(parts out.h5)
  [ "$done_runs" -ge "$least" ] && [ "$done_runs" -le 60 ] || bad "kill at $hold: $done_runs parts, want $least or more"
  echo "kill at $hold (threads $threads): $done_runs runs kept"
done <<<"$campaign"
[ $kills -eq 7 ] && ok || bad "only $kills of 7 kills landed"
# the same command removes the parts left beside the complete file
"$troika" sweep crash.ini -o out.h5 -q; rc=$?
[ $rc -eq 0 ] && ok || bad "resume exited $rc"
same whole.h5 out.h5 && ok || bad "resumed result differs from the uninterrupted one"
[ ! -e out.h5.parts ] && ok || bad "parts folder left after the end"
# the same command once more: nothing to do, exit 0
"$troika" sweep crash.ini -o out.h5 >msg.txt 2>&1 && grep -q "nothing to do" msg.txt && ok \
  || bad "rerun after the end: $(cat msg.txt)"

# SIGTERM (Slurm's time limit): exits 143, keeps its runs, says how to resume
rm -f hold.mark
TROIKA_HOLD=runs:18 "$troika" sweep crash.ini -o term.h5 --threads 1 2>term.txt &
pid=$!
held hold.mark $pid || bad "the SIGTERM sweep did not hold"
kill -TERM $pid; wait $pid; rc=$?
[ $rc -eq 143 ] && grep -q "run the same command again" term.txt && [ ! -e term.h5 ] \
  && [ "$(parts term.h5)" -eq 18 ] && ok || bad "SIGTERM: exit $rc, $(parts term.h5) parts, $(cat term.txt)"
# a second sweep on the same output while the first runs is refused; then
# the first is released (rm the mark) and finishes
start_held runs:6 term.h5 --threads 1
first=$pid
"$troika" sweep crash.ini -o term.h5 -q 2>lock.txt; rc=$?
[ $rc -eq 2 ] && grep -q "in use by another troika sweep" lock.txt && ok \
  || bad "concurrent sweep: exit $rc, $(cat lock.txt)"
rm -f hold.mark
wait $first; rc=$?
[ $rc -eq 0 ] && same whole.h5 term.h5 && ok || bad "after SIGTERM and resume (exit $rc) the result differs"

# a sweep file changed since the partial run is refused, with the line
start_held runs:10 changed.h5 --threads 1
kill -9 $pid; wait $pid 2>/dev/null
sed -i 's/^pmc.margin = .*/pmc.margin = 0.05, 0.1, 0.3/' crash.ini
line=$(grep -n '^pmc.margin' crash.ini | cut -d: -f1)
"$troika" sweep crash.ini -o changed.h5 -q 2>chg.txt; rc=$?
[ $rc -eq 2 ] && grep -q "crash.ini:$line: the sweep file changed" chg.txt && ok \
  || bad "changed sweep: exit $rc, $(cat chg.txt)"
"$troika" sweep crash.ini -o changed.h5 -q --restart && ok || bad "--restart"
finish
