#!/usr/bin/env bash
# tests/cli/test_behaviour.sh TROIKA SOURCE_DIR — the command line behaves
# alike everywhere (issue 18, item 5): options from one table per command
# (help, the same messages), one window grammar, --lang wherever descriptions
# are printed, one progress format with a heartbeat in batch logs
# (TROIKA_HEARTBEAT=0: a line at every step, so nothing here waits on time),
# and a reform starting after a short run is a warning, not an error.
set -u
troika=${1:?usage: test_behaviour.sh TROIKA SOURCE_DIR}
src=${2:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
cmp_dir=$src/tests/data/compare

# --- one table per command: help and messages ------------------------------------
for c in run validate params metrics compare report diff calibrate sweep merge sensitivity export; do
  "$troika" "$c" --help >h.txt && grep -q "^Usage: troika $c" h.txt && grep -q -- "-h, --help" h.txt \
    && ok || bad "$c --help"
  "$troika" "$c" --no-such-option >/dev/null 2>e.txt; rc=$?
  [ $rc -eq 2 ] && grep -q "^troika $c: unknown option '--no-such-option'" e.txt && ok \
    || bad "$c --no-such-option: exit $rc $(cat e.txt)"
done
"$troika" compare a.ini b.ini --output 2>e.txt; rc=$?
[ $rc -eq 2 ] && grep -q "^troika: --output: needs a value" e.txt && ok || bad "missing value: $rc $(cat e.txt)"
"$troika" metrics --markdown=yes 2>e.txt; [ $? -eq 2 ] && grep -q "takes no value" e.txt && ok \
  || bad "a flag with a value: $(cat e.txt)"

# --- --lang where descriptions are printed ----------------------------------------------
"$troika" params --lang zh | grep -q "模拟的天数" && ok || bad "params --lang zh"
"$troika" params | grep -q "Number of days simulated" && ok || bad "params (en)"
"$troika" metrics --lang zh | grep -Pq "[\x{4e00}-\x{9fff}]" && ok || bad "metrics --lang zh"
"$troika" metrics --lang xx 2>e.txt; [ $? -eq 2 ] && grep -q "allowed: en, zh" e.txt && ok \
  || bad "metrics --lang xx: $(cat e.txt)"

# --- a reform after the end of a short run: one warning line, exit 0 ------------------
"$troika" run "$src/scenarios/secretary.ini" --days 10 -q -o sec.h5 2>w.txt; rc=$?
[ $rc -eq 0 ] && [ -s sec.h5 ] && [ "$(wc -l <w.txt)" -eq 1 ] \
  && grep -q "^troika: warning: .*secretary.ini:[0-9]*: policy.secretary.day: .*after the run ends" w.txt \
  && ok || bad "late reform: exit $rc, $(cat w.txt)"

# --- progress: nothing in a batch log by default, a heartbeat line per step at 0 -------
"$troika" run --days 5 --set city.compounds=10 --set city.subdistricts=1 -o r1.h5 >/dev/null 2>p.txt
[ ! -s p.txt ] && ok || bad "a short run printed on stderr: $(cat p.txt)"
TROIKA_HEARTBEAT=0 "$troika" run --days 5 --set city.compounds=10 --set city.subdistricts=1 \
  -o r2.h5 >/dev/null 2>p.txt
[ "$(grep -c '^troika run: [0-9]*/5 days ([ 0-9]*%)  .* days/s  .* s elapsed  about .* s left$' p.txt)" -eq 5 ] \
  && ok || bad "run heartbeat: $(cat p.txt)"
TROIKA_HEARTBEAT=0 "$troika" run --days 5 -q -o r3.h5 2>p.txt
[ ! -s p.txt ] && ok || bad "--quiet printed a heartbeat"

# --- compare: the window grammar of sensitivity, and its heartbeat -----------------------
TROIKA_HEARTBEAT=0 "$troika" compare "$cmp_dir/baseline.ini" "$cmp_dir/subsidy.ini" --replicates 2 \
  --window -30: --threads 1 -o c.h5 >c.txt 2>p.txt; rc=$?
[ $rc -eq 0 ] && ok || bad "compare --window -30: exit $rc $(cat p.txt)"
h5dump -a window_from c.h5 | grep -q "(0): 30" && ok || bad "compare --window -30: is not days 30:60"
[ "$(grep -c '^troika compare: [0-9]*/4 runs' p.txt)" -eq 4 ] && ok || bad "compare heartbeat: $(cat p.txt)"
"$troika" compare "$cmp_dir/baseline.ini" "$cmp_dir/subsidy.ini" --replicates 2 --window -90: \
  -o c2.h5 >/dev/null 2>e.txt; rc=$?
[ $rc -eq 2 ] && grep -q -- "--window: '-90:' is not a window of the run of 60 days" e.txt && ok \
  || bad "compare --window -90: exit $rc $(cat e.txt)"

echo "behaviour: $pass passed, $fail failed"
[ $fail -eq 0 ]
