#!/usr/bin/env bash
# tests/sweep/test_cli.sh TROIKA SOURCE_DIR — `troika sweep`, `merge` and
# `sensitivity` as a user meets them: help, every kind of bad sweep file
# (exit 2, one line FILE:LINE: key: message, no file left behind), the
# design listing, and the example sweep's Sobol table and CSV.
set -u
. "$(dirname "$0")/common.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

for c in sweep merge sensitivity; do
  "$troika" "$c" --help | grep -q "Usage: troika $c" && ok || bad "$c --help"
  "$troika" --help | grep -q "^  $c " && ok || bad "$c missing from troika --help"
done

# expect_bad NAME LINE KEY PATTERN  (the sweep text on stdin)
expect_bad() {
  local name=$1 line=$2 key=$3 pat=$4
  rm -rf out; mkdir out
  cat >bad.ini
  "$troika" sweep bad.ini -o out/x.h5 >stdout.txt 2>stderr.txt
  local rc=$?
  if [ $rc -ne 2 ]; then bad "$name: exit $rc ($(cat stderr.txt))"; return; fi
  if [ "$(wc -l <stderr.txt)" -ne 1 ]; then bad "$name: not one line: $(cat stderr.txt)"; return; fi
  if ! grep -Eq -- "^troika: bad\.ini:$line: $key: .*$pat" stderr.txt; then
    bad "$name: '$(cat stderr.txt)' is not bad.ini:$line: $key: ...$pat"; return
  fi
  if [ -n "$(ls -A out)" ]; then bad "$name: left $(ls -A out)"; return; fi
  ok
}

expect_bad "range above the bound" 4 household.complain_rate "out of range" <<'EOF'
design = lhs
samples = 4
[vary]
household.complain_rate = 0.5 .. 1.5
EOF
expect_bad "range below the bound" 4 pmc.margin "out of range" <<'EOF'
design = sobol
samples = 4
[vary]
pmc.margin = -0.1 .. 0.5
EOF
expect_bad "min above max" 3 pmc.margin "minimum is above its maximum" <<'EOF'
design = grid
[vary]
pmc.margin = 0.3 .. 0.1
EOF
expect_bad "list value of the wrong type" 3 city.firms "not an integer" <<'EOF'
design = grid
[vary]
city.firms = 4, 8.5
EOF
expect_bad "log of zero" 3 pmc.margin "log scale" <<'EOF'
design = grid
[vary]
pmc.margin = 0 .. 0.5 log
EOF
expect_bad "unknown parameter" 4 pmc.margn "did you mean pmc.margin" <<'EOF'
design = lhs
samples = 3
[vary]
pmc.margn = 0 .. 0.5
EOF
expect_bad "unknown metric" 2 metrics "unknown metric" <<'EOF'
design = grid
metrics = fee_collection_rate, no_such_metric
[vary]
pmc.margin = 0.1, 0.2
EOF
expect_bad "bad [set]" 3 pmc.margin "out of range" <<'EOF'
design = grid
[set]
pmc.margin = 3
[vary]
pmc.fee_new = 100, 200
EOF
expect_bad "cross-parameter rule at a point" 5 city.subdistricts "design point 1" <<'EOF'
design = grid
[set]
city.compounds = 20
[vary]
city.subdistricts = 2, 40
EOF
expect_bad "days out of range" 2 days "out of range" <<'EOF'
design = grid
days = 0
[vary]
pmc.margin = 0.1, 0.2
EOF

# usage errors
"$troika" sweep 2>/dev/null; [ $? -eq 2 ] && ok || bad "sweep without a file"
cat >good.ini <<EOF
base = $src/scenarios/baseline.ini
design = saltelli
samples = 6
seed = 11
days = 120
metrics = fee_collection_rate, complaints_new
[set]
city.compounds = 20
city.subdistricts = 2
[vary]
household.complain_rate = 0.04 .. 0.16
pmc.margin = 0.05 .. 0.2
EOF
"$troika" sweep good.ini 2>err.txt; [ $? -eq 2 ] && grep -q -- "-o" err.txt && ok || bad "no -o"
"$troika" sweep good.ini -o x.h5 --shard 4/3 2>err.txt; [ $? -eq 2 ] && grep -q "shard" err.txt && ok \
  || bad "--shard 4/3: $(cat err.txt)"
"$troika" sweep good.ini -o x.h5 --threads 0 2>/dev/null; [ $? -eq 2 ] && ok || bad "--threads 0"
mkdir nodir.h5
"$troika" sweep good.ini -o nodir.h5 2>/dev/null; [ $? -eq 2 ] && ok || bad "-o a directory"

# the design listing: run, point, replicate, seed, values; seeds do not
# depend on the shard
"$troika" sweep good.ini --dry-run >design.csv && [ "$(wc -l <design.csv)" -eq 25 ] \
  && head -1 design.csv | grep -q "^run,point,replicate,seed,household.complain_rate,pmc.margin$" \
  && ok || bad "--dry-run"
"$troika" sweep good.ini --dry-run --shard 2/3 | cmp -s - design.csv && ok || bad "dry-run by shard"

# a Saltelli sweep: Sobol indices and SRC, table and CSV
"$troika" sweep good.ini -o good.h5 -q && ok || bad "small saltelli sweep"
"$troika" sensitivity good.h5 --window 30: --csv sens.csv --bootstrap 200 >table.txt 2>err.txt \
  && grep -q "S1" table.txt && grep -q "ST" table.txt \
  && [ "$(grep -c ',S1,' sens.csv)" -eq 4 ] && [ "$(grep -c ',ST,' sens.csv)" -eq 4 ] \
  && [ "$(grep -c ',SRC,' sens.csv)" -eq 4 ] && head -1 sens.csv | grep -q "^metric,from,to,method" \
  && ok || bad "sensitivity: $(cat err.txt) $(cat table.txt)"
"$troika" sensitivity good.h5 --metric nope 2>err.txt; [ $? -eq 2 ] && grep -q -- "--metric" err.txt \
  && ok || bad "sensitivity --metric nope"
"$troika" sensitivity good.h5 --window 50:20 2>err.txt; [ $? -eq 2 ] && grep -q -- "--window" err.txt \
  && ok || bad "sensitivity --window 50:20"
"$troika" run --days 10 -q -o run.h5 && "$troika" sensitivity run.h5 2>err.txt; [ $? -eq 2 ] \
  && grep -q "not a troika sweep file" err.txt && ok || bad "sensitivity of a run file: $(cat err.txt)"
"$troika" merge good.h5 run.h5 -o m.h5 2>err.txt; [ $? -eq 2 ] && [ ! -e m.h5 ] && ok \
  || bad "merge of a run file"
finish
